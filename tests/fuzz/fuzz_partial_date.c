/* The single-value checks of api/model/values.c on the input (a NUL-terminated copy), with
 * what each acceptance implies about the text. */
#include "fuzz.h"

#include "model/values.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <string.h>

static int all_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4096) return 0;
    char *s = fuzz_cstring(data, size);
    size_t n = strlen(s);

    if (value_is_partial_date(s)) {
        FUZZ_ASSERT(n == 4 || n == 7 || n == 10, "partial date of length %zu: %s", n, s);
        FUZZ_ASSERT(all_digits(s, 4) && strcmp(s, "0000") != 0 && strncmp(s, "0000-", 5) != 0,
                    "year: %s", s);
        if (n >= 7) {
            int m = (s[5] - '0') * 10 + (s[6] - '0');
            FUZZ_ASSERT(s[4] == '-' && all_digits(s + 5, 2) &&
                            ((m >= 1 && m <= 12) || (n == 7 && m >= 21 && m <= 24)),
                        "month: %s", s);
        }
        if (n == 10) {
            int d = (s[8] - '0') * 10 + (s[9] - '0');
            FUZZ_ASSERT(s[7] == '-' && all_digits(s + 8, 2) && d >= 1 && d <= 31, "day: %s", s);
        }
    }

    if (value_is_rfc3339(s)) {
        char date[11];
        FUZZ_ASSERT(n >= 20 && n <= 40, "RFC 3339 of length %zu: %s", n, s);
        memcpy(date, s, 10);
        date[10] = '\0';
        FUZZ_ASSERT(value_is_partial_date(date), "RFC 3339 with a bad date: %s", s);
        char last = s[n - 1];
        FUZZ_ASSERT(last == 'Z' || last == 'z' || isdigit((unsigned char)last),
                    "RFC 3339 without an offset: %s", s);
    }

    if (value_is_uuid(s)) {
        FUZZ_ASSERT(n == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-',
                    "uuid: %s", s);
        for (size_t i = 0; i < n; i++)
            FUZZ_ASSERT(s[i] == '-' || isxdigit((unsigned char)s[i]), "uuid: %s", s);
    }

    if (value_is_slug(s)) {
        FUZZ_ASSERT(n >= 1 && n <= 120 && s[0] != '-' && s[n - 1] != '-' && !strstr(s, "--"),
                    "slug: %s", s);
        for (size_t i = 0; i < n; i++)
            FUZZ_ASSERT(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-',
                        "slug: %s", s);
    }

    if (value_is_digits(s, 2, 4)) FUZZ_ASSERT(n >= 2 && n <= 4 && all_digits(s, n), "%s", s);

    long v = 12345;
    if (value_parse_long(s, LONG_MIN, LONG_MAX, &v)) {
        long w;
        FUZZ_ASSERT(n >= 1 && n <= 20, "long of length %zu: %s", n, s);
        FUZZ_ASSERT(value_parse_long(s, v, v, &w) && w == v, "bounds [%ld, %ld]: %s", v, v, s);
        if (v > LONG_MIN)
            FUZZ_ASSERT(!value_parse_long(s, LONG_MIN, v - 1, &w), "above max accepted: %s", s);
    } else {
        FUZZ_ASSERT(v == 12345, "failed parse wrote its output: %s", s);
    }
    long small = 0;
    if (value_parse_long(s, 1, 100, &small))
        FUZZ_ASSERT(small >= 1 && small <= 100, "out of [1, 100]: %ld from %s", small, s);

    double d = 0.5;
    if (value_parse_double(s, &d)) {
        FUZZ_ASSERT(isfinite(d), "not finite: %s", s);
        FUZZ_ASSERT(n >= 1 && n <= 32, "double of length %zu: %s", n, s);
    } else {
        FUZZ_ASSERT(d == 0.5, "failed parse wrote its output: %s", s);
    }

    free(s);
    return 0;
}
