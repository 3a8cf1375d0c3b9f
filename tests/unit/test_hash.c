/* api/core/hash.c: XXH64 against the reference implementation's published values. */
#include "core/hash.h"
#include "unit.h"

#include <string.h>

START_TEST(known_values) {
    ck_assert_uint_eq(hash64("", 0, 0), 0xEF46DB3751D8E999ULL);
    ck_assert_uint_eq(hash64("a", 1, 0), 0xD24EC4F1A98C6E5BULL);
    ck_assert_uint_eq(hash64("abc", 3, 0), 0x44BC2CF5AD770999ULL);
    const char *fox = "The quick brown fox jumps over the lazy dog";
    ck_assert_uint_eq(hash64(fox, strlen(fox), 0), 0x0B242D361FDA71BCULL);
}
END_TEST

/* Every length from 0 to 300 and every alignment go through the same bytes: flipping any
 * one byte changes the hash (the ETag must change when the answer does). */
START_TEST(every_byte_counts) {
    unsigned char buf[304];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 31 + 7);
    for (size_t off = 0; off < 4; off++) {
        for (size_t len = 1; len <= 300; len++) {
            uint64_t h = hash64(buf + off, len, 0);
            ck_assert_uint_eq(h, hash64(buf + off, len, 0));
            for (size_t k = 0; k < len; k += 7) {
                buf[off + k] ^= 0x20;
                ck_assert_uint_ne(h, hash64(buf + off, len, 0));
                buf[off + k] ^= 0x20;
            }
        }
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("hash");
    TCase *tc = tcase_create("hash");
    tcase_add_test(tc, known_values);
    tcase_add_test(tc, every_byte_counts);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
