/* api/model/values.c: single-value checks. */
#include "model/values.h"
#include "unit.h"

#include <limits.h>
#include <string.h>

#define YES(fn, s) ck_assert_msg(fn(s) == 1, #fn "(\"%s\") should be true", s)
#define NO(fn, s)  ck_assert_msg(fn(s) == 0, #fn "(\"%s\") should be false", s)

START_TEST(uuid) {
    YES(value_is_uuid, "0b5f3c1e-9a2d-4c1b-8f00-123456789abc");
    YES(value_is_uuid, "0B5F3C1E-9A2D-4C1B-8F00-123456789ABC");
    YES(value_is_uuid, "00000000-0000-0000-0000-000000000000");
    NO(value_is_uuid, "");
    NO(value_is_uuid, "0b5f3c1e-9a2d-4c1b-8f00-123456789ab");   /* 35 */
    NO(value_is_uuid, "0b5f3c1e-9a2d-4c1b-8f00-123456789abcd"); /* 37 */
    NO(value_is_uuid, "0b5f3c1e9a2d-4c1b-8f00-123456789abc0");  /* dash moved */
    NO(value_is_uuid, "0b5f3c1e-9a2d-4c1b-8f00-12345678-abc");
    NO(value_is_uuid, "0b5f3c1g-9a2d-4c1b-8f00-123456789abc"); /* g */
    NO(value_is_uuid, "{b5f3c1e-9a2d-4c1b-8f00-123456789ab}");
    NO(value_is_uuid, "0b5f3c1e 9a2d-4c1b-8f00-123456789abc");
    NO(value_is_uuid, "0b5f3c1e0-9a2d4c1b-8f00-123456789abc");
}
END_TEST

START_TEST(slug) {
    YES(value_is_slug, "a");
    YES(value_is_slug, "abc");
    YES(value_is_slug, "a-b-c");
    YES(value_is_slug, "oslo-2024");
    YES(value_is_slug, "0301");
    NO(value_is_slug, "");
    NO(value_is_slug, "-a");
    NO(value_is_slug, "a-");
    NO(value_is_slug, "-");
    NO(value_is_slug, "a--b");
    NO(value_is_slug, "A");
    NO(value_is_slug, "a_b");
    NO(value_is_slug, "a b");
    NO(value_is_slug, "a.b");
    NO(value_is_slug, "bl\xc3\xa5");
    char s[130];
    memset(s, 'a', 120);
    s[120] = '\0';
    YES(value_is_slug, s);
    s[120] = 'a';
    s[121] = '\0';
    NO(value_is_slug, s);
}
END_TEST

START_TEST(digits) {
    ck_assert_int_eq(value_is_digits("0301", 2, 4), 1);
    ck_assert_int_eq(value_is_digits("03", 2, 4), 1);
    ck_assert_int_eq(value_is_digits("3", 2, 4), 0);
    ck_assert_int_eq(value_is_digits("12345", 2, 4), 0);
    ck_assert_int_eq(value_is_digits("12a", 2, 4), 0);
    ck_assert_int_eq(value_is_digits("-12", 2, 4), 0);
    ck_assert_int_eq(value_is_digits(" 12", 2, 4), 0);
    ck_assert_int_eq(value_is_digits("", 1, 4), 0);
    ck_assert_int_eq(value_is_digits("\xd9\xa3\xd9\xa3", 1, 8), 0); /* Arabic-Indic digits */
}
END_TEST

START_TEST(partial_date_valid) {
    static const char *const ok[] = {
        "2019",       "0001",       "9999",       "2019-01",    "2019-11",    "2019-12",
        "2019-21",    "2019-22",    "2019-23",    "2019-24",    "2019-11-07", "2019-01-31",
        "2019-04-30", "2019-12-31", "2020-02-29", "2000-02-29", "2019-02-28", "1600-02-29",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        YES(value_is_partial_date, ok[i]);
}
END_TEST

START_TEST(partial_date_invalid) {
    static const char *const bad[] = {
        "",
        "0000",
        "201",
        "20190",
        "2019-",
        "2019-1",
        "2019-00",
        "2019-13",
        "2019-20",
        "2019-25",
        "2019-99",
        "2019-02-29",
        "1900-02-29",
        "2100-02-29",
        "2019-04-31",
        "2019-11-31",
        "2019-11-00",
        "2019-11-32",
        "2019-13-01",
        "2019-21-01",
        "2019-00-01",
        "2019/11/07",
        "20191107",
        "2019-11-7",
        "2019-11-07T",
        "-2019",
        "+2019",
        "2019-1a",
        "abcd",
        "2019-11-07 ",
        " 2019",
        "0000-01-01",
        "2019-11_07",
        "\xd9\xa3"
        "019",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        NO(value_is_partial_date, bad[i]);
}
END_TEST

START_TEST(rfc3339_valid) {
    static const char *const ok[] = {
        "2026-01-31T12:00:00Z",      "2026-01-31t12:00:00z",
        "2026-01-31 12:00:00Z",      "2026-01-31T00:00:00+00:00",
        "2026-01-31T23:59:59-05:30", "2026-01-31T12:00:00+14:00",
        "2026-01-31T12:00:00.1Z",    "2026-01-31T12:00:00.123456+01:00",
        "2016-12-31T23:59:60Z", /* leap second */
        "2024-02-29T12:00:00Z",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        YES(value_is_rfc3339, ok[i]);
}
END_TEST

START_TEST(rfc3339_invalid) {
    static const char *const bad[] = {
        "",
        "2026-01-31",
        "2026-01-31T12:00:00",  /* no offset */
        "2026-01-31T12:00Z",    /* no seconds */
        "2026-01-31T24:00:00Z", /* bad hour */
        "2026-01-31T25:00:00Z",
        "2026-01-31T12:60:00Z",
        "2026-01-31T12:00:61Z",
        "2026-01-31T1:00:00Z",
        "2026-01-31X12:00:00Z",
        "2026-01-31T12:00:00.Z", /* empty fraction */
        "2026-01-31T12:00:00,5Z",
        "2026-01-31T12:00:00+1:00",
        "2026-01-31T12:00:00+0100",
        "2026-01-31T12:00:00+24:00",
        "2026-01-31T12:00:00+01:60",
        "2026-01-31T12:00:00+01:00x",
        "2026-01-31T12:00:00ZZ",
        "2026-01-31T12:00:00Z ",
        "2026-02-30T12:00:00Z", /* no such day */
        "2025-02-29T12:00:00Z",
        "2026-13-01T12:00:00Z",
        "2026-21-01T12:00:00Z", /* a season is not a month here */
        "0000-01-01T12:00:00Z",
        "2026-01-31T12:00:00.12345678901234567890Z", /* over 40 chars */
        "2026-01-31T12:0a:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        NO(value_is_rfc3339, bad[i]);
}
END_TEST

START_TEST(parse_long_valid) {
    long v = -1;
    ck_assert_int_eq(value_parse_long("0", 0, 10, &v), 1);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(value_parse_long("42", 1, 100, &v), 1);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(value_parse_long("100", 1, 100, &v), 1);
    ck_assert_int_eq(v, 100);
    ck_assert_int_eq(value_parse_long("1", 1, 100, &v), 1);
    ck_assert_int_eq(value_parse_long("-5", -10, 10, &v), 1);
    ck_assert_int_eq(v, -5);
    ck_assert_int_eq(value_parse_long("007", 1, 100, &v), 1);
    ck_assert_int_eq(v, 7);
    ck_assert_int_eq(value_parse_long("9223372036854775807", 0, LONG_MAX, &v), 1);
    ck_assert_int_eq(v, LONG_MAX);
    ck_assert_int_eq(value_parse_long("-2147483647", -2147483647L, 2147483647L, &v), 1);
    ck_assert_int_eq(v, -2147483647L);
}
END_TEST

START_TEST(parse_long_invalid) {
    static const char *const bad[] = {
        "", "-", "+5", " 5", "5 ", "1.0", "1e3", "0x10", "five", "--5", "5-", "１",
    };
    long v = 77;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(value_parse_long(bad[i], LONG_MIN, LONG_MAX, &v) == 0, "\"%s\" accepted",
                      bad[i]);
        ck_assert_int_eq(v, 77); /* untouched on failure */
    }
    ck_assert_int_eq(value_parse_long("0", 1, 100, &v), 0);
    ck_assert_int_eq(value_parse_long("101", 1, 100, &v), 0);
    ck_assert_int_eq(value_parse_long("-11", -10, 10, &v), 0);
    ck_assert_int_eq(value_parse_long("9223372036854775808", 0, LONG_MAX, &v), 0);
    ck_assert_int_eq(value_parse_long("99999999999999999999", 0, LONG_MAX, &v), 0);
    ck_assert_int_eq(value_parse_long("2147483648", -2147483647L, 2147483647L, &v), 0);
    ck_assert_int_eq(v, 77);
}
END_TEST

START_TEST(parse_long_full_range) {
    /* "[min, max]" holds for every long; the sign must not count against the length cap.
     * Fails today: strlen(s) > 19 rejects the 20-character LONG_MIN. */
    long v = 0;
    ck_assert_int_eq(value_parse_long("-9223372036854775808", LONG_MIN, LONG_MAX, &v), 1);
    ck_assert_int_eq(v, LONG_MIN);
}
END_TEST

START_TEST(parse_double_valid) {
    static const struct {
        const char *s;
        double v;
    } ok[] = {
        {"0", 0},      {"1.5", 1.5},    {"-0.5", -0.5},       {"+2", 2},
        {"1e3", 1000}, {"1E-3", 0.001}, {"59.9139", 59.9139}, {"-180", -180},
        {".5", 0.5},   {"5.", 5},       {"1e308", 1e308},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double v = -42;
        ck_assert_msg(value_parse_double(ok[i].s, &v) == 1, "\"%s\" rejected", ok[i].s);
        ck_assert_double_eq(v, ok[i].v);
    }
}
END_TEST

START_TEST(parse_double_invalid) {
    static const char *const bad[] = {
        "",         "NaN",
        "nan",      "inf",
        "-inf",     "Infinity",
        "1e400",    "-1e400",
        "0x10",     "0x1p3",
        "1,5",      " 1",
        "1 ",       "1e",
        "--1",      ".",
        "e5",       "1.2.3",
        "1e5e5",    "one",
        "\xd9\xa3", "123456789012345678901234567890123", /* 33 characters */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 7;
        ck_assert_msg(value_parse_double(bad[i], &v) == 0, "\"%s\" accepted", bad[i]);
        ck_assert_double_eq(v, 7);
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("values");
    TCase *tc = tcase_create("values");
    tcase_add_test(tc, uuid);
    tcase_add_test(tc, slug);
    tcase_add_test(tc, digits);
    tcase_add_test(tc, partial_date_valid);
    tcase_add_test(tc, partial_date_invalid);
    tcase_add_test(tc, rfc3339_valid);
    tcase_add_test(tc, rfc3339_invalid);
    tcase_add_test(tc, parse_long_valid);
    tcase_add_test(tc, parse_long_invalid);
    tcase_add_test(tc, parse_long_full_range);
    tcase_add_test(tc, parse_double_valid);
    tcase_add_test(tc, parse_double_invalid);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
