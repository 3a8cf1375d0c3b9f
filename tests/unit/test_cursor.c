/* api/http/cursor.c: the opaque keyset cursor. */
#include "http/cursor.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define UUID "0b5f3c1e-9a2d-4c1b-8f00-123456789abc"

/* An independent base64url encoder (no padding) to craft payloads the API never makes. */
static void b64url(const char *raw, size_t n, char *out) {
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const unsigned char *s = (const unsigned char *)raw;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n) v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n) v |= s[i + 2];
        out[o++] = a[(v >> 18) & 63];
        out[o++] = a[(v >> 12) & 63];
        if (i + 1 < n) out[o++] = a[(v >> 6) & 63];
        if (i + 2 < n) out[o++] = a[v & 63];
    }
    out[o] = '\0';
}

static int decode_raw(const char *raw, size_t n, cursor *out) {
    char enc[2048];
    b64url(raw, n, enc);
    return cursor_decode(enc, out);
}

static cursor make(const char *sort, int desc, const char *key, const char *value) {
    cursor c;
    memset(&c, 0, sizeof c);
    snprintf(c.sort, sizeof c.sort, "%s", sort);
    c.desc = desc;
    snprintf(c.key, sizeof c.key, "%s", key);
    snprintf(c.value, sizeof c.value, "%s", value);
    return c;
}

static void assert_round_trip(const cursor *in) {
    char enc[1200];
    cursor out;
    ck_assert_int_eq(cursor_encode(in, enc, sizeof enc), 0);
    for (const char *p = enc; *p; p++)
        ck_assert_msg(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p) != NULL,
            "cursor has a character outside base64url: %c", *p);
    memset(&out, 0x55, sizeof out);
    ck_assert_int_eq(cursor_decode(enc, &out), 0);
    ck_assert_str_eq(out.sort, in->sort);
    ck_assert_int_eq(out.desc, in->desc);
    ck_assert_str_eq(out.key, in->key);
    ck_assert_str_eq(out.value, in->value);
}

START_TEST(round_trip_simple) {
    cursor c = make("name", 0, UUID, "Oslo sentrum");
    assert_round_trip(&c);
    c = make("-date", 1, UUID, "2019-11-07");
    assert_round_trip(&c);
    c = make("rank", 1, "0301", "0.0607927");
    assert_round_trip(&c);
}
END_TEST

START_TEST(round_trip_newlines_and_unicode) {
    cursor c = make("name", 1, UUID, "line one\nline two\n\nline four\n");
    assert_round_trip(&c);
    c = make("name", 0, UUID, "\xc3\x85lesund \xe2\x80\x93 s\xc3\xb8r \xf0\x9f\x98\x80");
    assert_round_trip(&c);
    c = make("name", 0, UUID, "quote\" back\\slash, comma & = ? #");
    assert_round_trip(&c);
}
END_TEST

START_TEST(round_trip_every_padding) {
    /* Payload lengths of every residue mod 3, including an empty value. */
    char value[8] = "";
    for (int len = 0; len < 7; len++) {
        value[len] = '\0';
        cursor c = make("name", len % 2, "k", value);
        assert_round_trip(&c);
        value[len] = (char)('a' + len);
    }
}
END_TEST

START_TEST(round_trip_maximum_fields) {
    char sort[64], key[128], value[512];
    memset(sort, 's', sizeof sort - 1);
    sort[sizeof sort - 1] = '\0';
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    memset(value, 'v', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    cursor c = make(sort, 1, key, value);
    assert_round_trip(&c);
}
END_TEST

START_TEST(encode_output_bound) {
    cursor c = make("name", 0, "k", "abc"); /* "v1\nname\n0\nk\nabc": 15 bytes */
    char enc[64];
    ck_assert_int_eq(cursor_encode(&c, enc, sizeof enc), 0);
    size_t need = strlen(enc) + 1;
    ck_assert_uint_eq(strlen(enc), 20); /* 15 bytes: 5 groups of 4, unpadded */
    ck_assert_int_eq(cursor_encode(&c, enc, need), 0);
    ck_assert_int_eq(cursor_encode(&c, enc, need - 1), -1);
    ck_assert_int_eq(cursor_encode(&c, enc, 1), -1);
}
END_TEST

START_TEST(decode_garbage) {
    cursor out;
    static const char *const bad[] = {
        "",     "A",    "AAAAA", "!!!!", "abc=",        "YWJj=",
        "ab+/", "ab/c", "ab c",  "ab.c", "hello world", "\xc3\xa5\xc3\xa5",
        "AAAA",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(cursor_decode(bad[i], &out) == -1, "\"%s\" accepted", bad[i]);
}
END_TEST

START_TEST(decode_standard_base64_alphabet_rejected) {
    /* A real cursor whose bytes need '-' or '_' must not be accepted in '+' '/' spelling. */
    cursor c = make("name", 0, "k", "\xfb\xff\xfe\xfb\xff\xfe");
    char enc[128];
    ck_assert_int_eq(cursor_encode(&c, enc, sizeof enc), 0);
    int changed = 0;
    for (char *p = enc; *p; p++) {
        if (*p == '-') *p = '+', changed = 1;
        if (*p == '_') *p = '/', changed = 1;
    }
    ck_assert_int_eq(changed, 1);
    cursor out;
    ck_assert_int_eq(cursor_decode(enc, &out), -1);
}
END_TEST

START_TEST(decode_wrong_version) {
    cursor out;
    static const char raw1[] = "v2\nname\n0\nk\nvalue";
    static const char raw2[] = "V1\nname\n0\nk\nvalue";
    static const char raw3[] = "\nname\n0\nk\nvalue";
    ck_assert_int_eq(decode_raw(raw1, sizeof raw1 - 1, &out), -1);
    ck_assert_int_eq(decode_raw(raw2, sizeof raw2 - 1, &out), -1);
    ck_assert_int_eq(decode_raw(raw3, sizeof raw3 - 1, &out), -1);
    static const char good[] = "v1\nname\n0\nk\nvalue";
    ck_assert_int_eq(decode_raw(good, sizeof good - 1, &out), 0);
    ck_assert_str_eq(out.value, "value");
}
END_TEST

START_TEST(decode_wrong_dir) {
    cursor out;
    static const char *const bad[] = {
        "v1\nname\n2\nk\nv",  "v1\nname\n\nk\nv",     "v1\nname\n01\nk\nv",
        "v1\nname\n-1\nk\nv", "v1\nname\ndesc\nk\nv", "v1\nname\n1 \nk\nv",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(decode_raw(bad[i], strlen(bad[i]), &out) == -1, "case %zu accepted", i);
    static const char up[] = "v1\nname\n1\nk\nv";
    ck_assert_int_eq(decode_raw(up, sizeof up - 1, &out), 0);
    ck_assert_int_eq(out.desc, 1);
}
END_TEST

START_TEST(decode_empty_key) {
    cursor out;
    static const char raw[] = "v1\nname\n0\n\nvalue";
    ck_assert_int_eq(decode_raw(raw, sizeof raw - 1, &out), -1);
    cursor c = make("name", 0, "", "value");
    char enc[128];
    ck_assert_int_eq(cursor_encode(&c, enc, sizeof enc), 0);
    ck_assert_int_eq(cursor_decode(enc, &out), -1);
}
END_TEST

START_TEST(decode_missing_parts) {
    cursor out;
    static const char *const bad[] = {"v1", "v1\nname", "v1\nname\n0", "v1\nname\n0\nkey"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(decode_raw(bad[i], strlen(bad[i]), &out) == -1, "\"%s\" accepted", bad[i]);
}
END_TEST

START_TEST(decode_embedded_nul) {
    cursor out;
    static const char raw[] = "v1\nname\n0\nk\0x\nvalue";
    ck_assert_int_eq(decode_raw(raw, sizeof raw - 1, &out), -1);
    static const char raw2[] = "v1\nname\n0\nk\nval\0ue";
    ck_assert_int_eq(decode_raw(raw2, sizeof raw2 - 1, &out), -1);
}
END_TEST

START_TEST(decode_too_long) {
    cursor out;
    char raw[1100], field[600];
    /* sort of 64 bytes does not fit sort[64] */
    memset(field, 's', 64);
    field[64] = '\0';
    int n = snprintf(raw, sizeof raw, "v1\n%s\n0\nk\nv", field);
    ck_assert_int_eq(decode_raw(raw, (size_t)n, &out), -1);
    /* key of 128 bytes */
    memset(field, 'k', 128);
    field[128] = '\0';
    n = snprintf(raw, sizeof raw, "v1\nname\n0\n%s\nv", field);
    ck_assert_int_eq(decode_raw(raw, (size_t)n, &out), -1);
    /* value of 512 bytes */
    memset(field, 'v', 512);
    field[512] = '\0';
    n = snprintf(raw, sizeof raw, "v1\nname\n0\nk\n%s", field);
    ck_assert_int_eq(decode_raw(raw, (size_t)n, &out), -1);
    /* input over 1000 characters */
    char enc[1100];
    memset(enc, 'A', 1004);
    enc[1004] = '\0';
    ck_assert_int_eq(cursor_decode(enc, &out), -1);
}
END_TEST

int main(void) {
    Suite *s = suite_create("cursor");
    TCase *tc = tcase_create("cursor");
    tcase_add_test(tc, round_trip_simple);
    tcase_add_test(tc, round_trip_newlines_and_unicode);
    tcase_add_test(tc, round_trip_every_padding);
    tcase_add_test(tc, round_trip_maximum_fields);
    tcase_add_test(tc, encode_output_bound);
    tcase_add_test(tc, decode_garbage);
    tcase_add_test(tc, decode_standard_base64_alphabet_rejected);
    tcase_add_test(tc, decode_wrong_version);
    tcase_add_test(tc, decode_wrong_dir);
    tcase_add_test(tc, decode_empty_key);
    tcase_add_test(tc, decode_missing_parts);
    tcase_add_test(tc, decode_embedded_nul);
    tcase_add_test(tc, decode_too_long);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
