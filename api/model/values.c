#include "model/values.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int value_is_uuid(const char *s) {
    static const int dash[] = {8, 13, 18, 23};
    if (strlen(s) != 36) return 0;
    for (int i = 0, d = 0; i < 36; i++) {
        if (d < 4 && i == dash[d]) {
            if (s[i] != '-') return 0;
            d++;
        } else if (!isxdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

int value_is_slug(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 120 || s[0] == '-' || s[n - 1] == '-') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-' && s[i + 1] == '-') return 0;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return 0;
    }
    return 1;
}

int value_is_digits(const char *s, size_t min, size_t max) {
    size_t n = strlen(s);
    if (n < min || n > max) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static int num(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int days_in_month(int y, int m) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

int value_is_partial_date(const char *s) {
    size_t n = strlen(s);
    if (n != 4 && n != 7 && n != 10) return 0;
    for (size_t i = 0; i < n; i++) {
        int dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : !isdigit((unsigned char)s[i])) return 0;
    }
    int y = num(s, 4);
    if (y < 1) return 0;
    if (n == 4) return 1;
    int m = num(s + 5, 2);
    if (n == 7) return (m >= 1 && m <= 12) || (m >= 21 && m <= 24);
    if (m < 1 || m > 12) return 0;
    int d = num(s + 8, 2);
    return d >= 1 && d <= days_in_month(y, m);
}

int value_is_rfc3339(const char *s) {
    /* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
    size_t n = strlen(s);
    if (n < 20 || n > 40) return 0;
    char date[11];
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!value_is_partial_date(date) || strlen(date) != 10) return 0;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return 0;
    const char *t = s + 11;
    if (!isdigit((unsigned char)t[0]) || !isdigit((unsigned char)t[1]) || t[2] != ':' ||
        !isdigit((unsigned char)t[3]) || !isdigit((unsigned char)t[4]) || t[5] != ':' ||
        !isdigit((unsigned char)t[6]) || !isdigit((unsigned char)t[7]))
        return 0;
    if (num(t, 2) > 23 || num(t + 3, 2) > 59 || num(t + 6, 2) > 60) return 0;
    const char *p = t + 8;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) return 0;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') return 1;
    if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
        p[3] == ':' && isdigit((unsigned char)p[4]) && isdigit((unsigned char)p[5]) && p[6] == '\0')
        return num(p + 1, 2) <= 23 && num(p + 4, 2) <= 59;
    return 0;
}

int value_parse_long(const char *s, long min, long max, long *out) {
    if (!*s || strlen(s) > 20) return 0;
    for (const char *p = (*s == '-') ? s + 1 : s; *p; p++)
        if (!isdigit((unsigned char)*p)) return 0;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max) return 0;
    *out = v;
    return 1;
}

int value_parse_double(const char *s, double *out) {
    size_t n = strlen(s);
    if (n == 0 || n > 32) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!(isdigit((unsigned char)c) || c == '.' || c == '-' || c == '+' || c == 'e' ||
              c == 'E'))
            return 0;
    }
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

size_t value_utf8_chars(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}
