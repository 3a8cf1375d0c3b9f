#include "http/cursor.h"

#include <stdio.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64_index(char c) {
    const char *p = c ? strchr(b64, c) : NULL;
    return p ? (int)(p - b64) : -1;
}

int cursor_encode(const cursor *c, char *out, size_t outlen) {
    char raw[800];
    int n = snprintf(raw, sizeof raw, "v1\n%s\n%d\n%s\n%s", c->sort, c->desc, c->key, c->value);
    if (n < 0 || (size_t)n >= sizeof raw) return -1;
    size_t o = 0;
    for (int i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)raw[i] << 16;
        if (i + 1 < n) v |= (unsigned char)raw[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char)raw[i + 2];
        int chars = i + 2 < n ? 4 : i + 1 < n ? 3 : 2;
        if (o + (size_t)chars + 1 > outlen) return -1;
        for (int k = 0; k < chars; k++)
            out[o++] = b64[(v >> (18 - 6 * k)) & 63];
    }
    out[o] = '\0';
    return 0;
}

int cursor_decode(const char *s, cursor *out) {
    char raw[800];
    size_t n = strlen(s), o = 0;
    if (n == 0 || n > 1000 || n % 4 == 1) return -1;
    for (size_t i = 0; i < n; i += 4) {
        unsigned v = 0;
        size_t chars = n - i < 4 ? n - i : 4;
        for (size_t k = 0; k < 4; k++) {
            int x = k < chars ? b64_index(s[i + k]) : 0;
            if (x < 0) return -1;
            v = (v << 6) | (unsigned)x;
        }
        size_t bytes = chars - 1;
        for (size_t k = 0; k < bytes; k++) {
            if (o + 1 >= sizeof raw) return -1;
            raw[o++] = (char)((v >> (16 - 8 * k)) & 0xFF);
        }
    }
    raw[o] = '\0';
    if (memchr(raw, '\0', o)) return -1;
    /* v1 \n sort \n dir \n key \n value (the value is last: it may hold newlines) */
    char *parts[5];
    char *p = raw;
    for (int i = 0; i < 5; i++) {
        parts[i] = p;
        char *nl = i < 4 ? strchr(p, '\n') : NULL;
        if (i < 4 && !nl) return -1;
        if (nl) {
            *nl = '\0';
            p = nl + 1;
        }
    }
    if (strcmp(parts[0], "v1") != 0) return -1;
    if (strcmp(parts[2], "0") != 0 && strcmp(parts[2], "1") != 0) return -1;
    if (strlen(parts[1]) >= sizeof out->sort || strlen(parts[4]) >= sizeof out->value ||
        strlen(parts[3]) >= sizeof out->key || !parts[3][0])
        return -1;
    snprintf(out->sort, sizeof out->sort, "%s", parts[1]);
    out->desc = parts[2][0] == '1';
    snprintf(out->key, sizeof out->key, "%s", parts[3]);
    snprintf(out->value, sizeof out->value, "%s", parts[4]);
    return 0;
}
