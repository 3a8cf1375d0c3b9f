#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(strbuf *sb, size_t max) {
    memset(sb, 0, sizeof *sb);
    sb->max = max;
}

void sb_cleanup(strbuf *sb) {
    if (!sb) return;
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->failed = 0;
}

void sb_reset(strbuf *sb) {
    sb->len = 0;
    sb->failed = 0;
    if (sb->data) sb->data[0] = '\0';
}

static int sb_grow(strbuf *sb, size_t extra) {
    if (sb->failed) return -1;
    size_t need = sb->len + extra + 1;
    if (need > sb->max || need < sb->len) {
        sb->failed = 1;
        return -1;
    }
    if (need <= sb->cap) return 0;
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > sb->max) cap = sb->max;
    char *p = realloc(sb->data, cap);
    if (!p) {
        sb->failed = 1;
        return -1;
    }
    sb->data = p;
    sb->cap = cap;
    return 0;
}

int sb_append(strbuf *sb, const char *s, size_t n) {
    if (sb_grow(sb, n) != 0) return -1;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
    return 0;
}

int sb_puts(strbuf *sb, const char *s) {
    return sb_append(sb, s, strlen(s));
}

int sb_putc(strbuf *sb, char c) {
    return sb_append(sb, &c, 1);
}

int sb_printf(strbuf *sb, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || sb_grow(sb, (size_t)n) != 0) {
        sb->failed = 1;
        return -1;
    }
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
    return 0;
}

int sb_json_string(strbuf *sb, const char *s) {
    static const char hex[] = "0123456789abcdef";
    sb_putc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            sb_append(sb, "\\\"", 2);
            break;
        case '\\':
            sb_append(sb, "\\\\", 2);
            break;
        case '\n':
            sb_append(sb, "\\n", 2);
            break;
        case '\r':
            sb_append(sb, "\\r", 2);
            break;
        case '\t':
            sb_append(sb, "\\t", 2);
            break;
        default:
            if (*p < 0x20) {
                char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
                sb_append(sb, esc, 6);
            } else {
                sb_putc(sb, (char)*p);
            }
        }
    }
    return sb_putc(sb, '"');
}

const char *sb_str(const strbuf *sb) {
    return sb->data ? sb->data : "";
}

char *sb_steal(strbuf *sb, size_t *len_out) {
    char *p = sb->data;
    if (len_out) *len_out = sb->len;
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return p;
}
