/* Percent-decoding and the UTF-8 check. url_decode in both '+' modes on the input; whatever
 * decodes has the length the escapes imply (so no NUL inside) and is valid UTF-8. utf8_valid
 * is compared with a second, independent implementation. */
#include "fuzz.h"

#include "http/query.h"

#include <string.h>

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
static int ref_utf8(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        unsigned char lo = 0x80, hi = 0xBF; /* bounds of the second byte */
        if (c <= 0x7F) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c == 0xE0) {
            len = 3, lo = 0xA0;
        } else if (c == 0xED) {
            len = 3, hi = 0x9F;
        } else if (c >= 0xE1 && c <= 0xEF) {
            len = 3;
        } else if (c == 0xF0) {
            len = 4, lo = 0x90;
        } else if (c == 0xF4) {
            len = 4, hi = 0x8F;
        } else if (c >= 0xF1 && c <= 0xF3) {
            len = 4;
        } else {
            return 0;
        }
        if (n - i < len) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) return 0;
        i += len;
    }
    return 1;
}

static int hex(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The decoded length if every escape is well-formed, else (size_t)-1. */
static size_t decoded_length(const uint8_t *s, size_t n) {
    size_t len = 0;
    for (size_t i = 0; i < n; i++, len++) {
        if (s[i] != '%') continue;
        if (i + 2 >= n) return (size_t)-1; /* url_decode wants both digits */
        if (!hex(s[i + 1]) || !hex(s[i + 2])) return (size_t)-1;
        i += 2;
    }
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 65536) return 0;
    /* an exact copy, so url_decode may not read past n */
    char *in = malloc(size ? size : 1);
    if (!in) abort();
    memcpy(in, data, size);

    int valid = utf8_valid(in, size);
    FUZZ_ASSERT(valid == ref_utf8(data, size), "utf8_valid says %d, RFC 3629 says %d", valid,
                !valid);

    char *plus = url_decode(in, size, 1);
    char *raw = url_decode(in, size, 0);
    size_t want = decoded_length(data, size);
    for (int mode = 0; mode < 2; mode++) {
        char *out = mode ? plus : raw;
        if (!out) continue;
        FUZZ_ASSERT(want != (size_t)-1, "decoded despite a bad escape");
        FUZZ_ASSERT(strlen(out) == want, "decoded %zu bytes before a NUL, %zu expected",
                    strlen(out), want);
        FUZZ_ASSERT(utf8_valid(out, want) && ref_utf8((const unsigned char *)out, want),
                    "decoded text is not valid UTF-8");
        if (mode) FUZZ_ASSERT(!memchr(out, '+', want) || memchr(data, '%', size), "'+' kept");
    }
    /* '+' and ' ' are both plain ASCII: the two modes accept the same inputs */
    FUZZ_ASSERT(!plus == !raw, "the '+' mode changes acceptance");
    if (plus && raw) {
        for (size_t i = 0; i < want; i++)
            FUZZ_ASSERT(plus[i] == raw[i] || (plus[i] == ' ' && raw[i] == '+'),
                        "modes differ at %zu", i);
    }
    free(plus);
    free(raw);
    free(in);
    return 0;
}
