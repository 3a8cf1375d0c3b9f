/* api/http/query.c: percent-decoding, UTF-8 checks and the strict query-string parser. */
#include "http/query.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* url_decode of a whole C string; NULL when rejected. */
static char *dec(const char *s, int plus) {
    return url_decode(s, strlen(s), plus);
}

static void assert_decodes(const char *in, int plus, const char *want) {
    char *got = dec(in, plus);
    ck_assert_msg(got != NULL, "url_decode(\"%s\") rejected", in);
    ck_assert_str_eq(got, want);
    free(got);
}

static void assert_rejected(const char *in) {
    char *got = dec(in, 1);
    ck_assert_msg(got == NULL, "url_decode(\"%s\") accepted", in);
}

START_TEST(decode_escapes) {
    assert_decodes("", 1, "");
    assert_decodes("plain", 1, "plain");
    assert_decodes("a%20b", 1, "a b");
    assert_decodes("%41%62%63", 1, "Abc");
    assert_decodes("%c3%a5", 1, "\xc3\xa5"); /* lower-case hex: å */
    assert_decodes("%C3%A5", 1, "\xc3\xa5");
    assert_decodes("%2B", 1, "+");
    assert_decodes("%25", 1, "%");
    assert_decodes("%2C%26%3D", 1, ",&=");
    assert_decodes("%F0%9F%98%80", 1, "\xf0\x9f\x98\x80"); /* U+1F600 */
    assert_decodes("\xc3\xb8l", 1, "\xc3\xb8l");           /* raw UTF-8 passes through */
}
END_TEST

START_TEST(decode_plus) {
    assert_decodes("a+b", 1, "a b");
    assert_decodes("a+b", 0, "a+b");
    assert_decodes("+%2B+", 1, " + ");
}
END_TEST

START_TEST(decode_rejects_nul) {
    assert_rejected("%00");
    assert_rejected("a%00b");
    assert_rejected("abc%00");
}
END_TEST

START_TEST(decode_rejects_bad_escapes) {
    assert_rejected("%G1");
    assert_rejected("%1G");
    assert_rejected("%4");
    assert_rejected("a%4");
    assert_rejected("%");
    assert_rejected("abc%");
    assert_rejected("%%");
    assert_rejected("%%41");
    assert_rejected("% 1");
    assert_rejected("%-1");
}
END_TEST

START_TEST(decode_respects_length) {
    char *s = url_decode("abcdef", 3, 1);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "abc");
    free(s);
    /* An escape cut by the length is incomplete. */
    ck_assert_ptr_null(url_decode("%41", 2, 1));
    ck_assert_ptr_null(url_decode("x%41", 3, 1));
    s = url_decode("%41bc", 3, 1);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "A");
    free(s);
    s = url_decode("", 0, 1);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "");
    free(s);
}
END_TEST

START_TEST(decode_rejects_invalid_utf8) {
    assert_rejected("%FF");
    assert_rejected("%FE");
    assert_rejected("%80");       /* lone continuation byte */
    assert_rejected("%C3");       /* truncated 2-byte */
    assert_rejected("%C3%28");    /* bad continuation */
    assert_rejected("%E2%82");    /* truncated 3-byte */
    assert_rejected("%F0%9F%98"); /* truncated 4-byte */
    assert_rejected("%F8%88%80%80%80");
    assert_rejected("\xff");        /* raw invalid byte */
    assert_rejected("ok%C3%A5%C3"); /* valid, then truncated */
}
END_TEST

START_TEST(decode_rejects_overlong) {
    assert_rejected("%C0%AF");                             /* '/' in 2 bytes */
    assert_rejected("%C0%80");                             /* NUL in 2 bytes */
    assert_rejected("%C1%BF");                             /* U+007F in 2 bytes */
    assert_rejected("%E0%80%AF");                          /* '/' in 3 bytes */
    assert_rejected("%E0%9F%BF");                          /* U+07FF in 3 bytes */
    assert_rejected("%F0%80%80%AF");                       /* '/' in 4 bytes */
    assert_rejected("%F0%8F%BF%BF");                       /* U+FFFF in 4 bytes */
    assert_decodes("%C2%80", 1, "\xc2\x80");               /* U+0080: shortest form */
    assert_decodes("%E0%A0%80", 1, "\xe0\xa0\x80");        /* U+0800 */
    assert_decodes("%F0%90%80%80", 1, "\xf0\x90\x80\x80"); /* U+10000 */
}
END_TEST

START_TEST(decode_rejects_surrogates_and_beyond) {
    assert_rejected("%ED%A0%80"); /* U+D800 */
    assert_rejected("%ED%BF%BF"); /* U+DFFF */
    assert_rejected("%ED%A0%BD%ED%B8%80");
    assert_rejected("%F4%90%80%80"); /* U+110000 */
    assert_rejected("%F5%80%80%80");
    assert_decodes("%ED%9F%BF", 1, "\xed\x9f\xbf");        /* U+D7FF */
    assert_decodes("%EE%80%80", 1, "\xee\x80\x80");        /* U+E000 */
    assert_decodes("%F4%8F%BF%BF", 1, "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
}
END_TEST

START_TEST(utf8_valid_direct) {
    ck_assert_int_eq(utf8_valid("", 0), 1);
    ck_assert_int_eq(utf8_valid("abc", 3), 1);
    ck_assert_int_eq(utf8_valid("bl\xc3\xa5", 4), 1);
    ck_assert_int_eq(utf8_valid("bl\xc3\xa5", 3), 0); /* cut inside å */
    ck_assert_int_eq(utf8_valid("\xe2\x82\xac", 3), 1);
    ck_assert_int_eq(utf8_valid("\xe2\x82\xac", 2), 0);
    ck_assert_int_eq(utf8_valid("\xc0\xaf", 2), 0);
    ck_assert_int_eq(utf8_valid("\xed\xa0\x80", 3), 0);
    ck_assert_int_eq(utf8_valid("\xf4\x90\x80\x80", 4), 0);
    ck_assert_int_eq(utf8_valid("\x80", 1), 0);
    ck_assert_int_eq(utf8_valid("a\xffz", 3), 0);
    ck_assert_int_eq(utf8_valid("a\xffz", 1), 1); /* only n bytes are looked at */
}
END_TEST

START_TEST(parse_empty) {
    query q;
    problem p = {0};
    ck_assert_int_eq(query_parse(&q, NULL, &p), 0);
    ck_assert_int_eq(q.n, 0);
    ck_assert_int_eq(query_parse(&q, "", &p), 0);
    ck_assert_int_eq(q.n, 0);
    ck_assert_int_eq(query_parse(&q, "&&&", &p), 0);
    ck_assert_int_eq(q.n, 0);
    ck_assert_int_eq(p.status, 0);
    query_free(&q);
}
END_TEST

START_TEST(parse_pairs) {
    query q;
    problem p = {0};
    ck_assert_int_eq(query_parse(&q, "a=1&b=2", &p), 0);
    ck_assert_int_eq(q.n, 2);
    ck_assert_str_eq(query_get(&q, "a"), "1");
    ck_assert_str_eq(query_get(&q, "b"), "2");
    ck_assert_ptr_null(query_get(&q, "c"));
    ck_assert_ptr_null(query_get(&q, "A"));
    query_free(&q);
    ck_assert_int_eq(q.n, 0);

    ck_assert_int_eq(query_parse(&q, "&a=1&&b=x=y&", &p), 0);
    ck_assert_int_eq(q.n, 2);
    ck_assert_str_eq(query_get(&q, "b"), "x=y");
    query_free(&q);
    ck_assert_int_eq(p.status, 0);
}
END_TEST

START_TEST(parse_decodes_keys_and_values) {
    query q;
    problem p = {0};
    ck_assert_int_eq(query_parse(&q, "na%6De=Bl%C3%A5+Kors%2Bx&near=59.9%2C10.7", &p), 0);
    ck_assert_str_eq(query_get(&q, "name"), "Bl\xc3\xa5 Kors+x");
    ck_assert_str_eq(query_get(&q, "near"), "59.9,10.7");
    query_free(&q);
}
END_TEST

START_TEST(parse_key_without_value) {
    query q;
    problem p = {0};
    ck_assert_int_eq(query_parse(&q, "flag&x=&y=1", &p), 0);
    ck_assert_int_eq(q.n, 3);
    ck_assert_str_eq(query_get(&q, "flag"), "");
    ck_assert_str_eq(query_get(&q, "x"), "");
    ck_assert_str_eq(query_get(&q, "y"), "1");
    query_free(&q);
}
END_TEST

START_TEST(parse_repeated_key) {
    query q;
    problem p = {0};
    ck_assert_int_eq(query_parse(&q, "a=1&region=vest&region=nord", &p), -1);
    ck_assert_int_eq(p.status, 400);
    ck_assert_str_eq(p.type, "bad-parameter");
    ck_assert_str_eq(p.parameter, "region");
    ck_assert_ptr_nonnull(strstr(p.detail, "region"));
    query_free(&q);
    problem_cleanup(&p);

    /* Same key once encoded, once not. */
    ck_assert_int_eq(query_parse(&q, "q=a&%71=b", &p), -1);
    ck_assert_str_eq(p.parameter, "q");
    query_free(&q);
    problem_cleanup(&p);
}
END_TEST

START_TEST(parse_empty_or_bad_key) {
    static const char *const bad[] = {"=1", "a=1&=2", "%ZZ=1", "%00=1", "%FF=1", "%C0%AF=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        query q;
        problem p = {0};
        ck_assert_msg(query_parse(&q, bad[i], &p) == -1, "\"%s\" accepted", bad[i]);
        ck_assert_int_eq(p.status, 400);
        ck_assert_str_eq(p.type, "bad-parameter");
        query_free(&q);
        problem_cleanup(&p);
    }
}
END_TEST

START_TEST(parse_bad_value_names_key) {
    static const char *const bad[] = {"a=%00", "a=%G1", "a=%4", "a=%FF", "a=%ED%A0%80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        query q;
        problem p = {0};
        ck_assert_msg(query_parse(&q, bad[i], &p) == -1, "\"%s\" accepted", bad[i]);
        ck_assert_int_eq(p.status, 400);
        ck_assert_str_eq(p.parameter, "a");
        query_free(&q);
        problem_cleanup(&p);
    }
}
END_TEST

static char *many_params(int n) {
    char *s = malloc((size_t)n * 8 + 1);
    size_t o = 0;
    for (int i = 0; i < n; i++)
        o += (size_t)sprintf(s + o, "%sk%d=v", i ? "&" : "", i);
    return s;
}

START_TEST(parse_param_limit) {
    query q;
    problem p = {0};
    char *s = many_params(QUERY_MAX_PARAMS);
    ck_assert_int_eq(query_parse(&q, s, &p), 0);
    ck_assert_int_eq(q.n, QUERY_MAX_PARAMS);
    query_free(&q);
    free(s);

    s = many_params(QUERY_MAX_PARAMS + 1);
    ck_assert_int_eq(query_parse(&q, s, &p), -1);
    ck_assert_int_eq(p.status, 400);
    ck_assert_ptr_nonnull(strstr(p.detail, "32"));
    query_free(&q);
    problem_cleanup(&p);
    free(s);
}
END_TEST

START_TEST(parse_value_length) {
    size_t cap = QUERY_MAX_VALUE * 3 + 16;
    char *s = malloc(cap);
    query q;
    problem p = {0};

    /* exactly the limit */
    strcpy(s, "v=");
    memset(s + 2, 'x', QUERY_MAX_VALUE);
    s[2 + QUERY_MAX_VALUE] = '\0';
    ck_assert_int_eq(query_parse(&q, s, &p), 0);
    ck_assert_uint_eq(strlen(query_get(&q, "v")), QUERY_MAX_VALUE);
    query_free(&q);

    /* one over */
    strcat(s, "x");
    ck_assert_int_eq(query_parse(&q, s, &p), -1);
    ck_assert_int_eq(p.status, 400);
    ck_assert_str_eq(p.parameter, "v");
    query_free(&q);
    problem_cleanup(&p);

    /* the limit counts decoded bytes: 2048 escapes is 6144 raw bytes and fine */
    strcpy(s, "v=");
    for (int i = 0; i < QUERY_MAX_VALUE; i++)
        memcpy(s + 2 + i * 3, "%41", 3);
    s[2 + QUERY_MAX_VALUE * 3] = '\0';
    ck_assert_int_eq(query_parse(&q, s, &p), 0);
    ck_assert_uint_eq(strlen(query_get(&q, "v")), QUERY_MAX_VALUE);
    query_free(&q);

    /* and one more escape is too long */
    strcat(s, "%41");
    ck_assert_int_eq(query_parse(&q, s, &p), -1);
    ck_assert_str_eq(p.parameter, "v");
    query_free(&q);
    problem_cleanup(&p);
    free(s);
}
END_TEST

START_TEST(get_and_reject_unused) {
    query q;
    problem p = {0};
    ck_assert_int_eq(query_parse(&q, "limit=5&colour=red&sort=name", &p), 0);
    ck_assert_str_eq(query_get(&q, "limit"), "5");
    ck_assert_str_eq(query_get(&q, "sort"), "name");
    ck_assert_int_eq(query_reject_unused(&q, &p), -1);
    ck_assert_int_eq(p.status, 400);
    ck_assert_str_eq(p.type, "bad-parameter");
    ck_assert_str_eq(p.parameter, "colour");
    ck_assert_ptr_nonnull(strstr(p.detail, "colour"));
    ck_assert_ptr_nonnull(p.errors);
    ck_assert_uint_eq(json_array_size(p.errors), 1);
    problem_cleanup(&p);

    ck_assert_str_eq(query_get(&q, "colour"), "red");
    ck_assert_int_eq(query_reject_unused(&q, &p), 0);
    ck_assert_int_eq(p.status, 0);
    query_free(&q);
}
END_TEST

START_TEST(reject_unused_empty_query) {
    query q;
    problem p = {0};
    ck_assert_int_eq(query_parse(&q, NULL, &p), 0);
    ck_assert_int_eq(query_reject_unused(&q, &p), 0);
    ck_assert_int_eq(p.status, 0);
    query_free(&q);
}
END_TEST

int main(void) {
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("url_decode");
    tcase_add_test(tc, decode_escapes);
    tcase_add_test(tc, decode_plus);
    tcase_add_test(tc, decode_rejects_nul);
    tcase_add_test(tc, decode_rejects_bad_escapes);
    tcase_add_test(tc, decode_respects_length);
    tcase_add_test(tc, decode_rejects_invalid_utf8);
    tcase_add_test(tc, decode_rejects_overlong);
    tcase_add_test(tc, decode_rejects_surrogates_and_beyond);
    tcase_add_test(tc, utf8_valid_direct);
    suite_add_tcase(s, tc);
    tc = tcase_create("query_parse");
    tcase_add_test(tc, parse_empty);
    tcase_add_test(tc, parse_pairs);
    tcase_add_test(tc, parse_decodes_keys_and_values);
    tcase_add_test(tc, parse_key_without_value);
    tcase_add_test(tc, parse_repeated_key);
    tcase_add_test(tc, parse_empty_or_bad_key);
    tcase_add_test(tc, parse_bad_value_names_key);
    tcase_add_test(tc, parse_param_limit);
    tcase_add_test(tc, parse_value_length);
    tcase_add_test(tc, get_and_reject_unused);
    tcase_add_test(tc, reject_unused_empty_query);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
