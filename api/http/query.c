#include "http/query.h"

#include <stdlib.h>
#include <string.h>

int utf8_valid(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        if (i + len > n) return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            c = (c << 6) | (s[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
        i += len;
    }
    return 1;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *url_decode(const char *s, size_t n, int plus_is_space) {
    char *out = malloc(n + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) goto bad;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0') goto bad;
        out[o++] = c;
    }
    out[o] = '\0';
    if (!utf8_valid(out, o)) goto bad;
    return out;
bad:
    free(out);
    return NULL;
}

int query_parse(query *q, const char *raw, problem *p) {
    memset(q, 0, sizeof *q);
    const char *s = raw;
    while (s && *s) {
        const char *amp = strchr(s, '&');
        size_t len = amp ? (size_t)(amp - s) : strlen(s);
        if (len > 0) {
            const char *eq = memchr(s, '=', len);
            size_t klen = eq ? (size_t)(eq - s) : len;
            char *key = url_decode(s, klen, 1);
            if (!key || !*key) {
                free(key);
                return problem_set(p, 400, "bad-parameter",
                                   "a query parameter name is empty or not valid UTF-8");
            }
            if (q->n >= QUERY_MAX_PARAMS) {
                free(key);
                return problem_set(p, 400, "bad-parameter", "more than %d query parameters",
                                   QUERY_MAX_PARAMS);
            }
            size_t vlen = eq ? len - klen - 1 : 0;
            char *val = vlen > QUERY_MAX_VALUE * 3 ? NULL : url_decode(eq ? eq + 1 : "", vlen, 1);
            if (!val || strlen(val) > QUERY_MAX_VALUE) {
                free(val);
                int r = problem_bad_param(p, key,
                                          "the value of %s is too long, contains %%00 or is not "
                                          "valid UTF-8",
                                          key);
                free(key);
                return r;
            }
            for (int i = 0; i < q->n; i++) {
                if (strcmp(q->items[i].key, key) == 0) {
                    problem_bad_param(
                        p, key, "%s is given more than once; use one comma-separated value", key);
                    free(key);
                    free(val);
                    return -1;
                }
            }
            q->items[q->n].key = key;
            q->items[q->n].value = val;
            q->n++;
        }
        s = amp ? amp + 1 : NULL;
    }
    return 0;
}

void query_free(query *q) {
    for (int i = 0; i < q->n; i++) {
        free(q->items[i].key);
        free(q->items[i].value);
    }
    q->n = 0;
}

const char *query_get(query *q, const char *key) {
    for (int i = 0; i < q->n; i++) {
        if (strcmp(q->items[i].key, key) == 0) {
            q->items[i].used = 1;
            return q->items[i].value;
        }
    }
    return NULL;
}

int query_reject_unused(query *q, problem *p) {
    for (int i = 0; i < q->n; i++)
        if (!q->items[i].used)
            return problem_bad_param(p, q->items[i].key, "unknown query parameter %s",
                                     q->items[i].key);
    return 0;
}
