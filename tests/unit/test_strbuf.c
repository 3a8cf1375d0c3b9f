/* api/core/strbuf.c: the growable buffer with a ceiling. */
#include "core/strbuf.h"
#include "unit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

START_TEST(empty_buffer) {
    strbuf sb;
    sb_init(&sb, 100);
    ck_assert_ptr_null(sb.data);
    ck_assert_str_eq(sb_str(&sb), "");
    ck_assert_uint_eq(sb.len, 0);
    ck_assert_int_eq(sb.failed, 0);
    sb_cleanup(&sb);
    sb_cleanup(&sb); /* twice is harmless */
    sb_cleanup(NULL);
}
END_TEST

START_TEST(appends) {
    strbuf sb;
    sb_init(&sb, 1024);
    ck_assert_int_eq(sb_puts(&sb, "abc"), 0);
    ck_assert_int_eq(sb_putc(&sb, '-'), 0);
    ck_assert_int_eq(sb_append(&sb, "xyz123", 3), 0);
    ck_assert_int_eq(sb_puts(&sb, ""), 0);
    ck_assert_str_eq(sb_str(&sb), "abc-xyz");
    ck_assert_uint_eq(sb.len, 7);
    ck_assert_int_eq(sb_append(&sb, "a\0b", 3), 0); /* binary-safe length */
    ck_assert_uint_eq(sb.len, 10);
    ck_assert_int_eq(memcmp(sb.data + 7, "a\0b", 4), 0);
    sb_cleanup(&sb);
}
END_TEST

START_TEST(ceiling_sets_failed_and_stops) {
    strbuf sb;
    sb_init(&sb, 8); /* 7 bytes and the NUL */
    ck_assert_int_eq(sb_puts(&sb, "1234567"), 0);
    ck_assert_int_eq(sb.failed, 0);
    ck_assert_uint_le(sb.cap, 8);
    ck_assert_int_eq(sb_putc(&sb, '8'), -1);
    ck_assert_int_eq(sb.failed, 1);
    ck_assert_str_eq(sb_str(&sb), "1234567");
    /* once failed, even appends that would fit are refused */
    ck_assert_int_eq(sb_append(&sb, "", 0), -1);
    ck_assert_int_eq(sb_printf(&sb, "%s", ""), -1);
    ck_assert_int_eq(sb_json_string(&sb, ""), -1);
    ck_assert_str_eq(sb_str(&sb), "1234567");
    ck_assert_uint_eq(sb.len, 7);
    ck_assert_int_eq(sb.failed, 1);
    sb_cleanup(&sb);
}
END_TEST

START_TEST(ceiling_first_append_too_big) {
    strbuf sb;
    sb_init(&sb, 4);
    ck_assert_int_eq(sb_puts(&sb, "abcd"), -1);
    ck_assert_int_eq(sb.failed, 1);
    ck_assert_str_eq(sb_str(&sb), "");
    ck_assert_uint_eq(sb.len, 0);
    sb_cleanup(&sb);
}
END_TEST

START_TEST(reset_clears_failure) {
    strbuf sb;
    sb_init(&sb, 8);
    sb_puts(&sb, "1234567");
    sb_puts(&sb, "overflow");
    ck_assert_int_eq(sb.failed, 1);
    sb_reset(&sb);
    ck_assert_int_eq(sb.failed, 0);
    ck_assert_str_eq(sb_str(&sb), "");
    ck_assert_int_eq(sb_puts(&sb, "again"), 0);
    ck_assert_str_eq(sb_str(&sb), "again");
    sb_cleanup(&sb);
}
END_TEST

START_TEST(growth_keeps_contents) {
    strbuf sb;
    sb_init(&sb, 1 << 20);
    for (int i = 0; i < 5000; i++)
        ck_assert_int_eq(sb_putc(&sb, (char)('a' + i % 26)), 0);
    ck_assert_uint_eq(sb.len, 5000);
    ck_assert_uint_ge(sb.cap, 5001);
    for (int i = 0; i < 5000; i++)
        ck_assert_int_eq(sb.data[i], 'a' + i % 26);
    ck_assert_int_eq(sb.data[5000], '\0');
    sb_cleanup(&sb);
}
END_TEST

START_TEST(printf_growth) {
    strbuf sb;
    sb_init(&sb, 1 << 20);
    ck_assert_int_eq(sb_printf(&sb, "%d-%s", 42, "x"), 0);
    ck_assert_str_eq(sb_str(&sb), "42-x");
    char big[3000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(sb_printf(&sb, "[%s]%05d", big, 7), 0);
    ck_assert_uint_eq(sb.len, 4 + 1 + 2999 + 1 + 5);
    ck_assert_uint_eq(strlen(sb.data), sb.len);
    ck_assert_int_eq(strncmp(sb.data, "42-x[qqq", 8), 0);
    ck_assert_str_eq(sb.data + sb.len - 6, "]00007");
    ck_assert_int_eq(sb_printf(&sb, "%s", ""), 0);
    ck_assert_uint_eq(strlen(sb.data), sb.len);
    sb_cleanup(&sb);
}
END_TEST

START_TEST(printf_ceiling) {
    strbuf sb;
    sb_init(&sb, 16);
    ck_assert_int_eq(sb_printf(&sb, "%s", "0123456789"), 0);
    ck_assert_int_eq(sb_printf(&sb, "%d", 123456), -1);
    ck_assert_int_eq(sb.failed, 1);
    ck_assert_str_eq(sb_str(&sb), "0123456789");
    sb_cleanup(&sb);

    sb_init(&sb, 16);
    ck_assert_int_eq(sb_printf(&sb, "%s", "012345678901234"), 0); /* exactly 15 + NUL */
    ck_assert_int_eq(sb.failed, 0);
    sb_cleanup(&sb);
}
END_TEST

static char *json_of(const char *s) {
    strbuf sb;
    sb_init(&sb, 4096);
    ck_assert_int_eq(sb_json_string(&sb, s), 0);
    return sb_steal(&sb, NULL);
}

START_TEST(json_string_escapes) {
    static const struct {
        const char *in, *out;
    } t[] = {
        {"", "\"\""},
        {"plain", "\"plain\""},
        {"a\"b", "\"a\\\"b\""},
        {"back\\slash", "\"back\\\\slash\""},
        {"\n\r\t", "\"\\n\\r\\t\""},
        {"\x01\x1f", "\"\\u0001\\u001f\""},
        {"\b\f", "\"\\u0008\\u000c\""},
        {"\x7f", "\"\x7f\""},
        {"/", "\"/\""},
        {"bl\xc3\xa5 \xf0\x9f\x98\x80", "\"bl\xc3\xa5 \xf0\x9f\x98\x80\""},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char *got = json_of(t[i].in);
        ck_assert_str_eq(got, t[i].out);
        free(got);
    }
}
END_TEST

START_TEST(json_string_round_trips_through_jansson) {
    char all[128];
    for (int i = 1; i < 128; i++)
        all[i - 1] = (char)i;
    all[127] = '\0';
    const char *inputs[] = {all, "\xc3\x85lesund \xe2\x80\x93 \"s\xc3\xb8r\"\n"};
    for (size_t i = 0; i < 2; i++) {
        char *lit = json_of(inputs[i]);
        json_error_t e;
        json_t *v = json_loads(lit, JSON_DECODE_ANY, &e);
        ck_assert_msg(v != NULL, "jansson rejects %s: %s", lit, e.text);
        ck_assert_str_eq(json_string_value(v), inputs[i]);
        json_decref(v);
        free(lit);
    }
}
END_TEST

START_TEST(json_string_ceiling) {
    strbuf sb;
    sb_init(&sb, 10);
    ck_assert_int_eq(sb_json_string(&sb, "a\"b\"c\"d"), -1);
    ck_assert_int_eq(sb.failed, 1);
    ck_assert_uint_lt(sb.len, 10);
    sb_cleanup(&sb);
}
END_TEST

START_TEST(steal) {
    strbuf sb;
    sb_init(&sb, 1024);
    sb_puts(&sb, "hello");
    size_t len = 0;
    char *p = sb_steal(&sb, &len);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p, "hello");
    ck_assert_uint_eq(len, 5);
    ck_assert_ptr_null(sb.data);
    ck_assert_uint_eq(sb.len, 0);
    ck_assert_uint_eq(sb.cap, 0);
    ck_assert_str_eq(sb_str(&sb), "");
    /* the buffer is reusable and independent of the stolen memory */
    ck_assert_int_eq(sb_puts(&sb, "again"), 0);
    ck_assert_str_eq(sb_str(&sb), "again");
    ck_assert_str_eq(p, "hello");
    free(p);
    sb_cleanup(&sb);

    /* stealing an empty buffer gives NULL and length 0 */
    sb_init(&sb, 16);
    len = 99;
    ck_assert_ptr_null(sb_steal(&sb, &len));
    ck_assert_uint_eq(len, 0);
}
END_TEST

int main(void) {
    Suite *s = suite_create("strbuf");
    TCase *tc = tcase_create("strbuf");
    tcase_add_test(tc, empty_buffer);
    tcase_add_test(tc, appends);
    tcase_add_test(tc, ceiling_sets_failed_and_stops);
    tcase_add_test(tc, ceiling_first_append_too_big);
    tcase_add_test(tc, reset_clears_failure);
    tcase_add_test(tc, growth_keeps_contents);
    tcase_add_test(tc, printf_growth);
    tcase_add_test(tc, printf_ceiling);
    tcase_add_test(tc, json_string_escapes);
    tcase_add_test(tc, json_string_round_trips_through_jansson);
    tcase_add_test(tc, json_string_ceiling);
    tcase_add_test(tc, steal);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
