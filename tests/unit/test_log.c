/* api/log.c: the privacy helpers (address truncation and query redaction). */
#include "log.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>

static void addr4(const char *ip, char *out, size_t outlen) {
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(443);
    ck_assert_int_eq(inet_pton(AF_INET, ip, &sa.sin_addr), 1);
    log_truncate_address((const struct sockaddr *)&sa, out, outlen);
}

static void addr6(const char *ip, char *out, size_t outlen) {
    struct sockaddr_in6 sa;
    memset(&sa, 0, sizeof sa);
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(443);
    ck_assert_int_eq(inet_pton(AF_INET6, ip, &sa.sin6_addr), 1);
    log_truncate_address((const struct sockaddr *)&sa, out, outlen);
}

static const char *redact(const char *q) {
    static char out[1024];
    memset(out, 'Z', sizeof out);
    log_redact_query(q, out, sizeof out);
    return out;
}

#define ASSERT_HAS(hay, needle)                                                                    \
    ck_assert_msg(strstr(hay, needle) != NULL, "\"%s\" lacks \"%s\"", hay, needle)
#define ASSERT_LACKS(hay, needle)                                                                  \
    ck_assert_msg(strstr(hay, needle) == NULL, "\"%s\" leaks \"%s\"", hay, needle)

START_TEST(ipv4_truncated_to_24) {
    char out[64];
    addr4("192.168.1.77", out, sizeof out);
    ck_assert_str_eq(out, "192.168.1.0/24");
    addr4("10.0.0.1", out, sizeof out);
    ck_assert_str_eq(out, "10.0.0.0/24");
    addr4("255.254.253.252", out, sizeof out);
    ck_assert_str_eq(out, "255.254.253.0/24");
    ASSERT_LACKS(out, "252");
}
END_TEST

START_TEST(ipv6_truncated_to_48) {
    char out[64];
    addr6("2001:db8:abcd:1234:5678:9abc:def0:1", out, sizeof out);
    ck_assert_str_eq(out, "2001:db8:abcd::/48");
    addr6("2a01:79c:cebe:d8d0::42", out, sizeof out);
    ck_assert_str_eq(out, "2a01:79c:cebe::/48");
    addr6("::1", out, sizeof out);
    ck_assert_str_eq(out, "::/48");
}
END_TEST

START_TEST(address_edge_cases) {
    char out[64];
    memset(out, 'x', sizeof out);
    log_truncate_address(NULL, out, sizeof out);
    ck_assert_str_eq(out, "-");
    struct sockaddr_un un;
    memset(&un, 0, sizeof un);
    un.sun_family = AF_UNIX;
    log_truncate_address((const struct sockaddr *)&un, out, sizeof out);
    ck_assert_str_eq(out, "-");
    char small[8];
    addr4("192.168.1.77", small, sizeof small);
    ck_assert_str_eq(small, "192.168");
    addr6("2001:db8:abcd:1234::1", small, sizeof small);
    ck_assert_uint_lt(strlen(small), sizeof small);
}
END_TEST

START_TEST(redact_empty) {
    ck_assert_str_eq(redact(NULL), "");
    ck_assert_str_eq(redact(""), "");
    ck_assert_str_eq(redact("limit=5&region=vest"), "limit=5&region=vest");
    ck_assert_str_eq(redact("flag"), "flag");
}
END_TEST

START_TEST(redact_near_rounded) {
    ck_assert_str_eq(redact("near=59.91234,10.75321"), "near=59.9,10.8");
    ck_assert_str_eq(redact("near=59.91234%2C10.75321"), "near=59.9,10.8");
    ck_assert_str_eq(redact("near=59.91234%2c10.75321"), "near=59.9,10.8");
    ck_assert_str_eq(redact("near=-33.86882,151.20929&limit=5"), "near=-33.9,151.2&limit=5");
    ck_assert_str_eq(redact("near=59.91234"), "near=?");
    ck_assert_str_eq(redact("near=59.91234,"), "near=?");
    ck_assert_str_eq(redact("near=abc,def"), "near=?");
    ck_assert_str_eq(redact("near=59.91234,10.75321,7"), "near=?");
    ck_assert_str_eq(redact("near="), "near=?");
    const char *r = redact("near=59.912345678901234567890123456789012345678901234567890123456789"
                           "012345678901234567890123456789,10.7532");
    ck_assert_str_eq(r, "near=?");
}
END_TEST

START_TEST(redact_search_text) {
    const char *r = redact("q=angst+og+depresjon&limit=5");
    ck_assert_str_eq(r, "q=[18 chars]&limit=5");
    r = redact("limit=5&q=");
    ck_assert_str_eq(r, "limit=5&q=[0 chars]");
    ASSERT_LACKS(redact("q=Bl%C3%A5+Kors"), "Bl");
}
END_TEST

START_TEST(redact_tokens) {
    const char *r = redact("token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig&limit=5");
    ASSERT_LACKS(r, "eyJ");
    ASSERT_LACKS(r, "sig");
    ASSERT_HAS(r, "limit=5");
    r = redact("access_token=SECRETVALUE");
    ASSERT_LACKS(r, "SECRETVALUE");
}
END_TEST

START_TEST(redact_long_values_cut) {
    char q[600], want[300];
    strcpy(q, "x=");
    memset(q + 2, 'a', 300);
    q[302] = '\0';
    strcpy(want, "x=");
    memset(want + 2, 'a', 128);
    want[130] = '\0';
    ck_assert_str_eq(redact(q), want);

    memset(q, 'k', 100);
    strcpy(q + 100, "=1");
    memset(want, 'k', 64);
    strcpy(want + 64, "=1");
    ck_assert_str_eq(redact(q), want);
}
END_TEST

START_TEST(redact_long_query) {
    char q[8000] = "";
    for (int i = 0; i < 40; i++) {
        char part[200];
        memset(part, 'v', 120);
        part[120] = '\0';
        strcat(q, i ? "&k=" : "k=");
        strcat(q, part);
    }
    ck_assert_str_eq(redact(q), "[long query]");
    char small[8];
    log_redact_query("limit=5&region=vest", small, sizeof small);
    ck_assert_uint_lt(strlen(small), sizeof small);
}
END_TEST

START_TEST(redact_encoded_keys) {
    /* The server decodes keys (query_parse), so "%71" IS q and "ne%61r" IS near. The log
     * matches raw keys and writes these values in the clear. Fails today. */
    ASSERT_LACKS(redact("%71=selvmordstanker+hjelp"), "selvmord");
    ASSERT_LACKS(redact("ne%61r=59.91234,10.75321"), "59.91234");
    ASSERT_LACKS(redact("access%5Ftoken=SECRETVALUE"), "SECRETVALUE");
}
END_TEST

int main(void) {
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("address");
    tcase_add_test(tc, ipv4_truncated_to_24);
    tcase_add_test(tc, ipv6_truncated_to_48);
    tcase_add_test(tc, address_edge_cases);
    suite_add_tcase(s, tc);
    tc = tcase_create("redact");
    tcase_add_test(tc, redact_empty);
    tcase_add_test(tc, redact_near_rounded);
    tcase_add_test(tc, redact_search_text);
    tcase_add_test(tc, redact_tokens);
    tcase_add_test(tc, redact_long_values_cut);
    tcase_add_test(tc, redact_long_query);
    tcase_add_test(tc, redact_encoded_keys);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
