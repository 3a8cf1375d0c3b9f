/* http_auth: logging in (and every way it fails), equal answers for unknown e-mail and wrong
 * password, the login rate limit, forged and tampered access tokens, refresh-token rotation
 * and reuse detection, logging out, changing the password, and the admins' user management.
 *
 * The server gets a JWT_SECRET of our own so the test can sign tokens itself (HMAC-SHA256/
 * 384/512 below, checked against pgcrypto's hmac()). Users are made with
 * `knutepunkt user-add`, named after this process id so reruns on the same database work. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SECRET   "http-auth-test-secret-0123456789-abcdefghijklmnop"
#define PASSWORD "correct-horse-battery-staple"

static kp_server *srv;
static const char *binary;
static int pid;

typedef struct user {
    char email[128];
    char id[40];
    char access[4096];
    char refresh[128];
} user;

static user admin, ed_sag, ed_kbt, ed_both;

/* ---- SHA-256 / SHA-512 / HMAC (only for signing test tokens) ----------------------------- */

static const uint32_t k256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror32(uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const unsigned char *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) +
                      k256[i] + w[i];
        uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

static void sha256(const unsigned char *data, size_t len, unsigned char out[32]) {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    size_t i = 0;
    for (; i + 64 <= len; i += 64)
        sha256_block(h, data + i);
    unsigned char tail[128] = {0};
    size_t rest = len - i;
    memcpy(tail, data + i, rest);
    tail[rest] = 0x80;
    size_t tlen = rest + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int k = 0; k < 8; k++)
        tail[tlen - 1 - k] = (unsigned char)(bits >> (8 * k));
    for (size_t k = 0; k < tlen; k += 64)
        sha256_block(h, tail + k);
    for (int k = 0; k < 8; k++) {
        out[4 * k] = (unsigned char)(h[k] >> 24);
        out[4 * k + 1] = (unsigned char)(h[k] >> 16);
        out[4 * k + 2] = (unsigned char)(h[k] >> 8);
        out[4 * k + 3] = (unsigned char)h[k];
    }
}

static const uint64_t k512[80] = {
    0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
    0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
    0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
    0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
    0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
    0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
    0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
    0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
    0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
    0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
    0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
    0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
    0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
    0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
    0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
    0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
    0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
    0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
    0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
    0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL};

static uint64_t ror64(uint64_t x, int n) {
    return (x >> n) | (x << (64 - n));
}

static void sha512_block(uint64_t h[8], const unsigned char *p) {
    uint64_t w[80];
    for (int i = 0; i < 16; i++) {
        w[i] = 0;
        for (int k = 0; k < 8; k++)
            w[i] = (w[i] << 8) | p[8 * i + k];
    }
    for (int i = 16; i < 80; i++) {
        uint64_t s0 = ror64(w[i - 15], 1) ^ ror64(w[i - 15], 8) ^ (w[i - 15] >> 7);
        uint64_t s1 = ror64(w[i - 2], 19) ^ ror64(w[i - 2], 61) ^ (w[i - 2] >> 6);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 80; i++) {
        uint64_t t1 = hh + (ror64(e, 14) ^ ror64(e, 18) ^ ror64(e, 41)) + ((e & f) ^ (~e & g)) +
                      k512[i] + w[i];
        uint64_t t2 = (ror64(a, 28) ^ ror64(a, 34) ^ ror64(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

/* SHA-512, or SHA-384 when bits384 (other start values, output cut to 48 bytes). */
static void sha512(const unsigned char *data, size_t len, int bits384, unsigned char *out) {
    static const uint64_t iv512[8] = {
        0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
        0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};
    static const uint64_t iv384[8] = {
        0xcbbb9d5dc1059ed8ULL, 0x629a292a367cd507ULL, 0x9159015a3070dd17ULL, 0x152fecd8f70e5939ULL,
        0x67332667ffc00b31ULL, 0x8eb44a8768581511ULL, 0xdb0c2e0d64f98fa7ULL, 0x47b5481dbefa4fa4ULL};
    uint64_t h[8];
    memcpy(h, bits384 ? iv384 : iv512, sizeof h);
    size_t i = 0;
    for (; i + 128 <= len; i += 128)
        sha512_block(h, data + i);
    unsigned char tail[256] = {0};
    size_t rest = len - i;
    memcpy(tail, data + i, rest);
    tail[rest] = 0x80;
    size_t tlen = rest + 17 <= 128 ? 128 : 256;
    uint64_t bits = (uint64_t)len * 8;
    for (int k = 0; k < 8; k++)
        tail[tlen - 1 - k] = (unsigned char)(bits >> (8 * k));
    for (size_t k = 0; k < tlen; k += 128)
        sha512_block(h, tail + k);
    int words = bits384 ? 6 : 8;
    for (int k = 0; k < words; k++)
        for (int b = 0; b < 8; b++)
            out[8 * k + b] = (unsigned char)(h[k] >> (56 - 8 * b));
}

/* HMAC with SHA-256 (bits 256), SHA-384 or SHA-512. Returns the MAC length. */
static size_t hmac(int bits, const char *key, const char *msg, unsigned char *out) {
    size_t block = bits == 256 ? 64 : 128, outlen = (size_t)bits / 8;
    unsigned char k[128] = {0};
    size_t klen = strlen(key);
    if (klen > block) {
        if (bits == 256)
            sha256((const unsigned char *)key, klen, k);
        else
            sha512((const unsigned char *)key, klen, bits == 384, k);
    } else {
        memcpy(k, key, klen);
    }
    size_t mlen = strlen(msg);
    unsigned char *buf = malloc(block + (mlen > 64 ? mlen : 64));
    if (!buf) abort();
    for (size_t i = 0; i < block; i++)
        buf[i] = k[i] ^ 0x36;
    memcpy(buf + block, msg, mlen);
    unsigned char inner[64];
    if (bits == 256)
        sha256(buf, block + mlen, inner);
    else
        sha512(buf, block + mlen, bits == 384, inner);
    for (size_t i = 0; i < block; i++)
        buf[i] = k[i] ^ 0x5c;
    memcpy(buf + block, inner, outlen);
    if (bits == 256)
        sha256(buf, block + outlen, out);
    else
        sha512(buf, block + outlen, bits == 384, out);
    free(buf);
    return outlen;
}

/* ---- base64url, JWTs --------------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void b64url(const unsigned char *p, size_t n, char *out) {
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n) v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        size_t chars = i + 2 < n ? 4 : i + 1 < n ? 3 : 2;
        for (size_t k = 0; k < chars; k++)
            out[o++] = b64[(v >> (18 - 6 * k)) & 63];
    }
    out[o] = '\0';
}

/* Decodes base64url (no padding) of at most n characters; malloc'd, NUL-terminated. */
static char *unb64url(const char *s, size_t n) {
    char *out = malloc(n + 1);
    if (!out) abort();
    size_t o = 0;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        const char *c = strchr(b64, s[i]);
        if (!c || !s[i]) break;
        v = (v << 6) | (unsigned)(c - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((v >> bits) & 0xff);
        }
    }
    out[o] = '\0';
    return out;
}

/* Part i (0 header, 1 payload) of a JWT as JSON (new reference) or NULL. */
static json_t *jwt_part(const char *tok, int i) {
    const char *p = tok;
    for (int k = 0; k < i && p; k++) {
        p = strchr(p, '.');
        if (p) p++;
    }
    if (!p) return NULL;
    size_t n = strcspn(p, ".");
    char *s = unb64url(p, n);
    json_t *j = json_loads(s, 0, NULL);
    free(s);
    return j;
}

/* header.payload.signature from JSON values; alg_bits 256/384/512 signs with key, 0 leaves
 * the signature empty. out gets the token. */
static void jwt_make(const json_t *header, const json_t *payload, int alg_bits, const char *key,
                     char *out, size_t outlen) {
    char *h = json_dumps(header, JSON_COMPACT), *p = json_dumps(payload, JSON_COMPACT);
    char eh[1024], ep[2048], sig[200] = "";
    b64url((const unsigned char *)h, strlen(h), eh);
    b64url((const unsigned char *)p, strlen(p), ep);
    char input[3200];
    snprintf(input, sizeof input, "%s.%s", eh, ep);
    if (alg_bits) {
        unsigned char mac[64];
        size_t n = hmac(alg_bits, key, input, mac);
        b64url(mac, n, sig);
    }
    snprintf(out, outlen, "%s.%s", input, sig);
    free(h);
    free(p);
}

static void random_uuid(char out[40]) {
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) memset(b, 0x5a, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The claims the server issues, valid now, for user u (new reference). */
static json_t *claims_for(const user *u, const char *role) {
    char jti[40], fam[40];
    random_uuid(jti);
    random_uuid(fam);
    long long ms = now_ms();
    long long s = ms / 1000;
    return json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I}", "sub", u->id, "role", role, "jti", jti, "fam",
                     fam, "iat", (json_int_t)s, "iat_ms", (json_int_t)ms, "exp",
                     (json_int_t)(s + 600));
}

/* ---- requests ---------------------------------------------------------------------------- */

/* Any request with an optional bearer token, Content-Type and one more header. */
static kp_response *call(const char *method, const char *path, const char *token, const char *ctype,
                         const char *body, const char *extra) {
    static char auth[8300];
    char ct[200];
    const char *h[5];
    int n = 0;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h[n++] = auth;
    }
    if (ctype) {
        snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
        h[n++] = ct;
    } else if (body) {
        h[n++] = "Content-Type:"; /* curl would add a form type */
    }
    if (extra) h[n++] = extra;
    h[n] = NULL;
    return kp_request(srv, method, path, h, body, body ? strlen(body) : 0);
}

static kp_response *post_json(const char *path, const char *token, json_t *body) {
    char *s = json_dumps(body, JSON_COMPACT);
    kp_response *r = call("POST", path, token, "application/json", s, NULL);
    free(s);
    json_decref(body);
    return r;
}

static kp_response *patch_json(const char *path, const char *token, json_t *body) {
    char *s = json_dumps(body, JSON_COMPACT);
    kp_response *r = call("PATCH", path, token, "application/json", s, NULL);
    free(s);
    json_decref(body);
    return r;
}

static kp_response *login_raw(const char *email, const char *password) {
    return post_json("/v1/auth/token", NULL,
                     json_pack("{s:s,s:s}", "email", email, "password", password));
}

/* Logs u in with password; fills access/refresh. Returns the status. */
static long login(user *u, const char *password) {
    kp_response *r = login_raw(u->email, password);
    long st = r->status;
    if (st == 200) {
        snprintf(u->access, sizeof u->access, "%s", kp_str(r->json, "access_token"));
        snprintf(u->refresh, sizeof u->refresh, "%s", kp_str(r->json, "refresh_token"));
    }
    kp_response_free(r);
    return st;
}

static long me_status(const char *token) {
    kp_response *r = call("GET", "/v1/me", token, NULL, NULL, NULL);
    long st = r->status;
    kp_response_free(r);
    return st;
}

/* A 401 for a bad token: problem+json and WWW-Authenticate: Bearer … error="invalid_token". */
static int check_invalid_token(const kp_response *r, const char *what) {
    int ok = CHECK_PROBLEM(r, 401, NULL);
    const char *wa = kp_header_get(r, "WWW-Authenticate");
    ok &= CHECK(wa && strncmp(wa, "Bearer", 6) == 0 && strstr(wa, "error=\"invalid_token\""),
                "%s: WWW-Authenticate: Bearer … error=\"invalid_token\", got %s", what,
                wa ? wa : "(none)");
    return ok;
}

static void expect_token_rejected(const char *token, const char *what) {
    kp_response *r = call("GET", "/v1/me", token, NULL, NULL, NULL);
    if (!check_invalid_token(r, what)) printf("  (token case: %s)\n", what);
    kp_response_free(r);
}

static void reset_failures(void) {
    PQclear(kp_sql("DELETE FROM login_failure"));
}

/* ---- users ------------------------------------------------------------------------------- */

static int make_user(user *u, const char *tag, const char *role, const char *c1, const char *c2) {
    snprintf(u->email, sizeof u->email, "ht-auth-%d-%s@test.invalid", pid, tag);
    const char *centres[] = {c1, c2, NULL};
    int rc = kp_user_add(u->email, role, PASSWORD, centres, "http_auth-user-add.log");
    if (!CHECK(rc == 0, "user-add %s %s: exit %d (see http_auth-user-add.log)", u->email, role, rc))
        return -1;
    char *id = kp_sql_value("SELECT id FROM app_user WHERE email = '%s'", u->email);
    snprintf(u->id, sizeof u->id, "%s", id ? id : "");
    free(id);
    return CHECK(login(u, PASSWORD) == 200, "%s logs in", u->email) ? 0 : -1;
}

/* ---- tests ------------------------------------------------------------------------------- */

/* Our HMACs agree with pgcrypto's: the signatures below are right, so a 401 is the server's
 * doing and not a mistake of the test. */
static void test_hmac_selfcheck(void) {
    const char *msgs[] = {"", "abc", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0",
                          "a message longer than one block of SHA-512, which is one hundred and "
                          "twenty-eight bytes long: padding must work across the boundary too!",
                          NULL};
    int bits[] = {256, 384, 512};
    for (const char **m = msgs; *m; m++) {
        for (int b = 0; b < 3; b++) {
            unsigned char mac[64];
            size_t n = hmac(bits[b], SECRET, *m, mac);
            char hex[130];
            for (size_t i = 0; i < n; i++)
                snprintf(hex + 2 * i, 3, "%02x", mac[i]);
            char *want = kp_sql_value("SELECT encode(hmac('%s', '%s', 'sha%d'), 'hex')", *m, SECRET,
                                      bits[b]);
            CHECK(want && strcmp(want, hex) == 0, "HMAC-SHA%d self-check of \"%.20s…\"", bits[b],
                  *m);
            free(want);
        }
    }
    /* and the server's own token carries exactly our HS256 signature */
    const char *tok = admin.access;
    const char *last = strrchr(tok, '.');
    if (CHECK(last, "the access token has three parts")) {
        char input[4096];
        snprintf(input, sizeof input, "%.*s", (int)(last - tok), tok);
        unsigned char mac[32];
        hmac(256, SECRET, input, mac);
        char sig[64];
        b64url(mac, 32, sig);
        CHECK_STR(sig, last + 1, "the server signs with HS256 and JWT_SECRET");
    }
}

static void test_login(void) {
    reset_failures();
    kp_response *r = login_raw(admin.email, PASSWORD);
    CHECK_STATUS(r, 200);
    const char *ct = kp_header_get(r, "Content-Type");
    CHECK(ct && strncmp(ct, "application/json", 16) == 0, "token: Content-Type json, got %s",
          ct ? ct : "(none)");
    CHECK_STR("Bearer", kp_str(r->json, "token_type"), "token_type");
    json_t *exp = json_object_get(r->json, "expires_in");
    CHECK(json_is_integer(exp) && json_integer_value(exp) == 900, "expires_in is 900, got %s",
          kp_json_brief(exp));
    const char *access = kp_str(r->json, "access_token");
    const char *refresh = kp_str(r->json, "refresh_token");
    CHECK(access && refresh && strlen(refresh) >= 20, "access and refresh tokens given");
    const char *cc = kp_header_get(r, "Cache-Control");
    CHECK(cc && strstr(cc, "no-store"), "token answer is Cache-Control: no-store, got %s",
          cc ? cc : "(none)");
    if (access) {
        json_t *h = jwt_part(access, 0), *p = jwt_part(access, 1);
        CHECK_STR("HS256", kp_str(h, "alg"), "access token alg");
        CHECK_STR(admin.id, kp_str(p, "sub"), "access token sub");
        CHECK_STR("admin", kp_str(p, "role"), "access token role");
        CHECK(kp_str(p, "jti") && strlen(kp_str(p, "jti")) == 36, "access token jti is a uuid");
        CHECK(kp_str(p, "fam") && strlen(kp_str(p, "fam")) == 36, "access token fam is a uuid");
        json_t *iat = json_object_get(p, "iat"), *e = json_object_get(p, "exp");
        CHECK(json_is_integer(iat) && json_is_integer(e) &&
                  json_integer_value(e) - json_integer_value(iat) == 900,
              "exp = iat + 900: %s", kp_json_brief(p));
        CHECK(json_is_integer(json_object_get(p, "iat_ms")), "iat_ms present");
        json_decref(h);
        json_decref(p);
        CHECK_INT(200, me_status(access), "the new token opens /v1/me");
    }
    kp_response_free(r);

    /* e-mail is case-insensitive */
    char upper[128];
    snprintf(upper, sizeof upper, "%s", admin.email);
    for (char *c = upper; *c; c++)
        if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 32);
    r = login_raw(upper, PASSWORD);
    CHECK_STATUS(r, 200);
    kp_response_free(r);

    /* failures */
    char unknown[128];
    snprintf(unknown, sizeof unknown, "ht-auth-%d-nobody@test.invalid", pid);
    r = login_raw(unknown, PASSWORD);
    CHECK_PROBLEM(r, 401, NULL);
    CHECK(r->json && kp_str(r->json, "detail") &&
              strcmp(kp_str(r->json, "detail"), "wrong e-mail or password") == 0,
          "unknown e-mail: detail \"wrong e-mail or password\": %s", r->body);
    CHECK(kp_header_get(r, "WWW-Authenticate") != NULL, "a failed login has WWW-Authenticate");
    kp_response_free(r);
    r = login_raw(admin.email, "wrong-password-123456");
    CHECK_PROBLEM(r, 401, NULL);
    CHECK(r->json && kp_str(r->json, "detail") &&
              strcmp(kp_str(r->json, "detail"), "wrong e-mail or password") == 0,
          "wrong password: detail \"wrong e-mail or password\": %s", r->body);
    kp_response_free(r);
    reset_failures();

    r = post_json("/v1/auth/token", NULL, json_object());
    CHECK_PROBLEM(r, 422, "email");
    CHECK_PROBLEM(r, 422, "password");
    kp_response_free(r);
    r = post_json("/v1/auth/token", NULL, json_pack("{s:s}", "email", admin.email));
    CHECK_PROBLEM(r, 422, "password");
    kp_response_free(r);
    r = post_json("/v1/auth/token", NULL, json_pack("{s:i,s:s}", "email", 5, "password", ""));
    CHECK_PROBLEM(r, 422, "email");
    CHECK_PROBLEM(r, 422, "password");
    kp_response_free(r);
    r = post_json(
        "/v1/auth/token", NULL,
        json_pack("{s:s,s:s,s:b}", "email", admin.email, "password", PASSWORD, "remember_me", 1));
    CHECK_PROBLEM(r, 422, "remember_me");
    kp_response_free(r);
    const char *bad[] = {"{\"email\": ", "{\"email\":\"a\",\"email\":\"b\",\"password\":\"x\"}",
                         "[1,2]", "null", NULL};
    for (const char **b = bad; *b; b++) {
        r = call("POST", "/v1/auth/token", NULL, "application/json", *b, NULL);
        CHECK_PROBLEM(r, 400, NULL);
        kp_response_free(r);
    }
    char body[512];
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}", admin.email, PASSWORD);
    const char *types[] = {"text/plain", "application/x-www-form-urlencoded", NULL};
    for (const char **t = types; *t; t++) {
        r = call("POST", "/v1/auth/token", NULL, *t, body, NULL);
        CHECK_PROBLEM(r, 415, NULL);
        kp_response_free(r);
    }
    r = call("POST", "/v1/auth/token", NULL, NULL, body, NULL);
    CHECK_PROBLEM(r, 415, NULL);
    kp_response_free(r);
    r = call("GET", "/v1/auth/token", NULL, NULL, NULL, NULL);
    CHECK_PROBLEM(r, 405, NULL);
    kp_response_free(r);

    /* a disabled user cannot log in, and hears nothing more than a wrong password would */
    user dis;
    memset(&dis, 0, sizeof dis);
    if (make_user(&dis, "disabled", "editor", "kbt", NULL) == 0) {
        PQclear(kp_sql("UPDATE app_user SET disabled = true WHERE id = '%s'", dis.id));
        reset_failures();
        r = login_raw(dis.email, PASSWORD);
        CHECK_PROBLEM(r, 401, NULL);
        CHECK(r->json && kp_str(r->json, "detail") &&
                  strcmp(kp_str(r->json, "detail"), "wrong e-mail or password") == 0,
              "disabled user: detail \"wrong e-mail or password\": %s", r->body);
        kp_response_free(r);
        r = post_json("/v1/auth/refresh", NULL, json_pack("{s:s}", "refresh_token", dis.refresh));
        check_invalid_token(r, "refresh of a disabled user");
        kp_response_free(r);
        expect_token_rejected(dis.access, "access token of a user disabled in the database");
    }
    reset_failures();
}

/* The body of a problem without its request_id (new reference). */
static json_t *without_request_id(const kp_response *r) {
    json_t *j = r->json ? json_deep_copy(r->json) : json_object();
    json_object_del(j, "request_id");
    return j;
}

static void test_equal_answers(void) {
    char unknown[128];
    snprintf(unknown, sizeof unknown, "ht-auth-%d-ghost@test.invalid", pid);
    reset_failures();
    kp_response_free(login_raw(unknown, "warm-up-password")); /* first dummy hash */
    reset_failures();
    kp_response *a = login_raw(unknown, "some-password-here");
    reset_failures();
    kp_response *b = login_raw(ed_kbt.email, "some-password-here");
    CHECK(a->status == 401 && b->status == 401, "both 401: %ld, %ld", a->status, b->status);
    const char *ca = kp_header_get(a, "Content-Type"), *cb = kp_header_get(b, "Content-Type");
    CHECK(ca && cb && strcmp(ca, cb) == 0, "same Content-Type");
    const char *wa = kp_header_get(a, "WWW-Authenticate"),
               *wb = kp_header_get(b, "WWW-Authenticate");
    CHECK(wa && wb && strcmp(wa, wb) == 0, "same WWW-Authenticate: %s / %s", wa ? wa : "(none)",
          wb ? wb : "(none)");
    CHECK((kp_header_get(a, "Retry-After") == NULL) == (kp_header_get(b, "Retry-After") == NULL),
          "same Retry-After presence");
    json_t *ja = without_request_id(a), *jb = without_request_id(b);
    CHECK(kp_json_equal(ja, jb), "unknown e-mail and wrong password answer alike: %s vs %s",
          kp_json_brief(ja), kp_json_brief(jb));
    json_decref(ja);
    json_decref(jb);
    kp_response_free(a);
    kp_response_free(b);

    /* and take about as long (argon2 either way): loosely, within a factor of 3 */
    double t_unknown = 0, t_wrong = 0;
    for (int i = 0; i < 5; i++) {
        reset_failures();
        kp_response *r = login_raw(unknown, "some-password-here");
        t_unknown += r->seconds;
        kp_response_free(r);
        reset_failures();
        r = login_raw(ed_kbt.email, "some-password-here");
        t_wrong += r->seconds;
        kp_response_free(r);
    }
    double hi = t_unknown > t_wrong ? t_unknown : t_wrong;
    double lo = t_unknown > t_wrong ? t_wrong : t_unknown;
    CHECK(lo > 0 && hi / lo <= 3.0,
          "unknown e-mail (%.3f s) and wrong password (%.3f s) take similar time (5 tries each)",
          t_unknown, t_wrong);
    reset_failures();
}

static void test_me(void) {
    kp_response *r = call("GET", "/v1/me", NULL, NULL, NULL, NULL);
    CHECK_PROBLEM(r, 401, NULL);
    const char *wa = kp_header_get(r, "WWW-Authenticate");
    CHECK(wa && strncmp(wa, "Bearer", 6) == 0 && !strstr(wa, "invalid_token"),
          "anonymous /v1/me: WWW-Authenticate: Bearer without an error, got %s",
          wa ? wa : "(none)");
    kp_response_free(r);

    r = call("GET", "/v1/me", ed_both.access, NULL, NULL, NULL);
    CHECK_STATUS(r, 200);
    CHECK_STR(ed_both.email, kp_str(r->json, "email"), "/v1/me email");
    CHECK_STR(ed_both.id, kp_str(r->json, "id"), "/v1/me id");
    CHECK_STR("editor", kp_str(r->json, "role"), "/v1/me role");
    json_t *centres = json_object_get(r->json, "centres");
    int sag = 0, kbt = 0;
    size_t i;
    json_t *c;
    json_array_foreach(centres, i, c) {
        const char *s = kp_str(c, "slug");
        if (s && strcmp(s, "sagatun-recovery") == 0) sag = 1;
        if (s && strcmp(s, "kbt") == 0) kbt = 1;
    }
    CHECK(sag && kbt && json_array_size(centres) == 2, "/v1/me centres: %s",
          kp_json_brief(centres));
    CHECK(!strstr(r->body, "password") && !strstr(r->body, "argon2"),
          "/v1/me does not show the password hash");
    const char *cc = kp_header_get(r, "Cache-Control");
    CHECK(cc && (strstr(cc, "private") || strstr(cc, "no-store")),
          "/v1/me is not publicly cacheable: %s", cc ? cc : "(none)");
    kp_response_free(r);
}

static void test_jwt_attacks(void) {
    char tok[8192];
    json_t *hs256 = json_pack("{s:s,s:s}", "alg", "HS256", "typ", "JWT");

    /* control: a token we sign ourselves with the right claims is accepted */
    json_t *p = claims_for(&admin, "admin");
    jwt_make(hs256, p, 256, SECRET, tok, sizeof tok);
    kp_response *r = call("GET", "/v1/me", tok, NULL, NULL, NULL);
    CHECK(r->status == 200, "control: a correctly signed forged-by-test token works (got %ld): %s",
          r->status, r->body);
    kp_response_free(r);

    /* alg none, without and with a signature */
    json_t *none = json_pack("{s:s,s:s}", "alg", "none", "typ", "JWT");
    jwt_make(none, p, 0, NULL, tok, sizeof tok);
    expect_token_rejected(tok, "alg none without signature");
    {
        char signed_none[8192], input[8192];
        snprintf(input, sizeof input, "%.*s", (int)(strlen(tok) - 1), tok);
        unsigned char mac[32];
        char sig[64];
        hmac(256, SECRET, input, mac);
        b64url(mac, 32, sig);
        snprintf(signed_none, sizeof signed_none, "%s.%s", input, sig);
        expect_token_rejected(signed_none, "alg none with an HS256 signature");
    }
    json_t *none2 = json_pack("{s:s}", "alg", "None");
    jwt_make(none2, p, 0, NULL, tok, sizeof tok);
    expect_token_rejected(tok, "alg None (capitalised) without signature");
    json_decref(none);
    json_decref(none2);

    /* other HMAC algorithms with the right secret */
    json_t *h384 = json_pack("{s:s,s:s}", "alg", "HS384", "typ", "JWT");
    jwt_make(h384, p, 384, SECRET, tok, sizeof tok);
    expect_token_rejected(tok, "HS384 signed with the secret");
    json_t *h512 = json_pack("{s:s,s:s}", "alg", "HS512", "typ", "JWT");
    jwt_make(h512, p, 512, SECRET, tok, sizeof tok);
    expect_token_rejected(tok, "HS512 signed with the secret");
    json_decref(h384);
    json_decref(h512);

    /* RS256 header, HMAC signature with the secret (key confusion) */
    json_t *rs = json_pack("{s:s,s:s}", "alg", "RS256", "typ", "JWT");
    jwt_make(rs, p, 256, SECRET, tok, sizeof tok);
    expect_token_rejected(tok, "RS256 header with an HMAC signature");
    json_decref(rs);

    /* signed with another secret; a bad signature; a missing signature */
    jwt_make(hs256, p, 256, "another-secret-of-enough-length-0123456789", tok, sizeof tok);
    expect_token_rejected(tok, "HS256 with another secret");
    snprintf(tok, sizeof tok, "%s", ed_kbt.access);
    char *last = strrchr(tok, '.');
    if (last && last[1]) {
        last[1] = last[1] == 'A' ? 'B' : 'A';
        expect_token_rejected(tok, "a real token with one signature character changed");
        last[1] = '\0';
        expect_token_rejected(tok, "a real token without its signature");
    }

    /* altered payload, original signature: an editor promoting themselves */
    {
        const char *real = ed_kbt.access;
        const char *d1 = strchr(real, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
        json_t *claims = jwt_part(real, 1);
        if (CHECK(d1 && d2 && claims, "the editor's token decodes")) {
            json_object_set_new(claims, "role", json_string("admin"));
            json_object_set_new(claims, "sub", json_string(admin.id));
            char *pj = json_dumps(claims, JSON_COMPACT);
            char ep[2048];
            b64url((const unsigned char *)pj, strlen(pj), ep);
            snprintf(tok, sizeof tok, "%.*s.%s%s", (int)(d1 - real), real, ep, d2);
            free(pj);
            expect_token_rejected(tok, "payload altered (role admin, sub of the admin)");
            kp_response *w = call("GET", "/v1/users", tok, NULL, NULL, NULL);
            check_invalid_token(w, "altered payload on /v1/users");
            kp_response_free(w);
        }
        json_decref(claims);
    }

    long long s = now_ms() / 1000;
    /* expired */
    json_t *q = claims_for(&admin, "admin");
    json_object_set_new(q, "iat", json_integer((json_int_t)(s - 1000)));
    json_object_set_new(q, "iat_ms", json_integer((json_int_t)(s - 1000) * 1000));
    json_object_set_new(q, "exp", json_integer((json_int_t)(s - 100)));
    jwt_make(hs256, q, 256, SECRET, tok, sizeof tok);
    expect_token_rejected(tok, "expired (exp in the past)");
    json_decref(q);
    /* not yet valid */
    q = claims_for(&admin, "admin");
    json_object_set_new(q, "nbf", json_integer((json_int_t)(s + 3600)));
    jwt_make(hs256, q, 256, SECRET, tok, sizeof tok);
    expect_token_rejected(tok, "nbf an hour in the future");
    json_decref(q);
    /* issued in the future */
    q = claims_for(&admin, "admin");
    json_object_set_new(q, "iat", json_integer((json_int_t)(s + 3600)));
    json_object_set_new(q, "iat_ms", json_integer((json_int_t)(s + 3600) * 1000));
    json_object_set_new(q, "exp", json_integer((json_int_t)(s + 4000)));
    jwt_make(hs256, q, 256, SECRET, tok, sizeof tok);
    expect_token_rejected(tok, "iat an hour in the future");
    json_decref(q);
    /* no exp; exp as a string */
    q = claims_for(&admin, "admin");
    json_object_del(q, "exp");
    jwt_make(hs256, q, 256, SECRET, tok, sizeof tok);
    expect_token_rejected(tok, "no exp claim");
    json_object_set_new(q, "exp", json_sprintf("%lld", s + 600));
    jwt_make(hs256, q, 256, SECRET, tok, sizeof tok);
    expect_token_rejected(tok, "exp as a string");
    json_decref(q);
    /* no jti */
    q = claims_for(&admin, "admin");
    json_object_del(q, "jti");
    jwt_make(hs256, q, 256, SECRET, tok, sizeof tok);
    expect_token_rejected(tok, "no jti claim");
    json_decref(q);
    /* a correctly signed token of a user that does not exist */
    user ghost = admin;
    random_uuid(ghost.id);
    q = claims_for(&ghost, "admin");
    jwt_make(hs256, q, 256, SECRET, tok, sizeof tok);
    expect_token_rejected(tok, "signed token of a user that does not exist");
    json_decref(q);

    /* garbage */
    const char *garbage[] = {
        "garbage", "a.b.c", "...", "eyJhbGciOiJIUzI1NiJ9..", "eyJhbGciOiJIUzI1NiJ9.eyJ9.abc", NULL};
    for (const char **g = garbage; *g; g++)
        expect_token_rejected(*g, *g);
    /* an empty bearer, other schemes */
    const char *headers[] = {"Authorization: Bearer ", "Authorization: Bearer",
                             "Authorization: Basic YWRtaW46YWRtaW4=", NULL};
    for (const char **h = headers; *h; h++) {
        r = call("GET", "/v1/me", NULL, NULL, NULL, *h);
        check_invalid_token(r, *h);
        kp_response_free(r);
    }

    /* a bad token is refused on public reads and writes too, not taken as anonymous */
    r = call("GET", "/v1/centres?limit=1", "garbage.token.here", NULL, NULL, NULL);
    check_invalid_token(r, "bad token on a public list");
    kp_response_free(r);
    r = call("GET", "/v1/centres/kbt", "garbage.token.here", NULL, NULL, NULL);
    check_invalid_token(r, "bad token on a public item");
    kp_response_free(r);
    r = call("POST", "/v1/news", "garbage.token.here", "application/json",
             "{\"title\":\"x\",\"date\":\"2024\"}", NULL);
    check_invalid_token(r, "bad token on a write");
    kp_response_free(r);

    json_decref(p);
    json_decref(hs256);
}

static kp_response *refresh_with(const char *token) {
    return post_json("/v1/auth/refresh", NULL, json_pack("{s:s}", "refresh_token", token));
}

static void test_refresh(void) {
    user u = ed_sag;
    reset_failures();
    if (!CHECK(login(&u, PASSWORD) == 200, "login for refresh")) return;
    user other = ed_sag; /* a second, unrelated session of the same user */
    CHECK(login(&other, PASSWORD) == 200, "second login");
    char a1[4096], r1[128];
    snprintf(a1, sizeof a1, "%s", u.access);
    snprintf(r1, sizeof r1, "%s", u.refresh);

    kp_response *r = refresh_with(r1);
    CHECK_STATUS(r, 200);
    CHECK_STR("Bearer", kp_str(r->json, "token_type"), "refresh token_type");
    const char *a2 = kp_str(r->json, "access_token"), *r2 = kp_str(r->json, "refresh_token");
    CHECK(a2 && r2 && strcmp(r2, r1) != 0 && strcmp(a2, a1) != 0,
          "refresh gives a new access and a new refresh token");
    char sa2[4096] = "", sr2[128] = "";
    if (a2 && r2) {
        snprintf(sa2, sizeof sa2, "%s", a2);
        snprintf(sr2, sizeof sr2, "%s", r2);
        json_t *p1 = jwt_part(a1, 1), *p2 = jwt_part(sa2, 1);
        CHECK(kp_str(p1, "fam") && kp_str(p2, "fam") &&
                  strcmp(kp_str(p1, "fam"), kp_str(p2, "fam")) == 0,
              "the refreshed access token continues the family");
        json_decref(p1);
        json_decref(p2);
    }
    const char *cc = kp_header_get(r, "Cache-Control");
    CHECK(cc && strstr(cc, "no-store"), "refresh answer is no-store");
    kp_response_free(r);
    CHECK_INT(200, me_status(sa2), "the refreshed access token works");

    /* rotate once more */
    r = refresh_with(sr2);
    CHECK_STATUS(r, 200);
    char sa3[4096] = "", sr3[128] = "";
    if (r->status == 200) {
        snprintf(sa3, sizeof sa3, "%s", kp_str(r->json, "access_token"));
        snprintf(sr3, sizeof sr3, "%s", kp_str(r->json, "refresh_token"));
    }
    kp_response_free(r);
    CHECK_INT(200, me_status(sa3), "the access token of the second rotation works");

    /* the first refresh token comes back: reuse, the family ends */
    r = refresh_with(r1);
    check_invalid_token(r, "reused refresh token");
    kp_response_free(r);
    r = refresh_with(sr3);
    check_invalid_token(r, "the newest refresh token after a reuse");
    kp_response_free(r);
    expect_token_rejected(sa3, "newest access token of a family revoked by reuse");
    expect_token_rejected(sa2, "older access token of a family revoked by reuse");
    expect_token_rejected(a1, "first access token of a family revoked by reuse");
    CHECK_INT(200, me_status(other.access), "another session of the same user is unaffected");
    r = refresh_with(other.refresh);
    CHECK_STATUS(r, 200);
    kp_response_free(r);

    /* bad refresh requests */
    r = refresh_with("not-a-refresh-token-at-all");
    check_invalid_token(r, "unknown refresh token");
    kp_response_free(r);
    r = refresh_with(a1);
    CHECK(r->status == 401 || r->status == 422, "an access token is no refresh token: %ld",
          r->status);
    kp_response_free(r);
    r = post_json("/v1/auth/refresh", NULL, json_object());
    CHECK_PROBLEM(r, 422, "refresh_token");
    kp_response_free(r);
    r = call("POST", "/v1/auth/refresh", NULL, "application/json", "{\"refresh_token\":", NULL);
    CHECK_PROBLEM(r, 400, NULL);
    kp_response_free(r);
    r = call("POST", "/v1/auth/refresh", NULL, "text/plain", "{\"refresh_token\":\"x\"}", NULL);
    CHECK_PROBLEM(r, 415, NULL);
    kp_response_free(r);
}

static void test_logout(void) {
    user u = ed_kbt, other = ed_kbt;
    reset_failures();
    if (!CHECK(login(&u, PASSWORD) == 200 && login(&other, PASSWORD) == 200, "logins for logout"))
        return;
    kp_response *r = call("POST", "/v1/auth/logout", NULL, NULL, NULL, NULL);
    CHECK_PROBLEM(r, 401, NULL);
    kp_response_free(r);
    r = call("POST", "/v1/auth/logout", u.access, NULL, NULL, NULL);
    CHECK_STATUS(r, 204);
    CHECK_INT(0, r->body_len, "logout: empty body");
    kp_response_free(r);
    expect_token_rejected(u.access, "access token after logout (revoked)");
    r = refresh_with(u.refresh);
    check_invalid_token(r, "refresh token after logout");
    kp_response_free(r);
    r = call("POST", "/v1/auth/logout", u.access, NULL, NULL, NULL);
    check_invalid_token(r, "logging out twice");
    kp_response_free(r);
    CHECK_INT(200, me_status(other.access), "logout ends only its own session");
}

static void test_password_change(void) {
    user u;
    memset(&u, 0, sizeof u);
    if (make_user(&u, "pwchange", "editor", "kbt", NULL) != 0) return;
    user second = u;
    CHECK(login(&second, PASSWORD) == 200, "second session");
    const char *np = "a-brand-new-password-42";

    kp_response *r =
        post_json("/v1/me/password", NULL,
                  json_pack("{s:s,s:s}", "current_password", PASSWORD, "new_password", np));
    CHECK_PROBLEM(r, 401, NULL);
    kp_response_free(r);
    r = post_json(
        "/v1/me/password", u.access,
        json_pack("{s:s,s:s}", "current_password", "not-my-password-1", "new_password", np));
    CHECK_PROBLEM(r, 422, "current_password");
    kp_response_free(r);
    r = post_json("/v1/me/password", u.access,
                  json_pack("{s:s,s:s}", "current_password", PASSWORD, "new_password", "short"));
    CHECK_PROBLEM(r, 422, "new_password");
    kp_response_free(r);
    r = post_json("/v1/me/password", u.access, json_object());
    CHECK_PROBLEM(r, 422, "current_password");
    CHECK_PROBLEM(r, 422, "new_password");
    kp_response_free(r);
    r = call("POST", "/v1/me/password", u.access, "text/plain", "{}", NULL);
    CHECK_PROBLEM(r, 415, NULL);
    kp_response_free(r);
    CHECK_INT(200, me_status(u.access), "failed password changes revoke nothing");

    r = post_json("/v1/me/password", u.access,
                  json_pack("{s:s,s:s}", "current_password", PASSWORD, "new_password", np));
    CHECK_STATUS(r, 204);
    kp_response_free(r);
    expect_token_rejected(u.access, "access token after a password change");
    expect_token_rejected(second.access, "other session's token after a password change");
    r = refresh_with(u.refresh);
    check_invalid_token(r, "refresh token after a password change");
    kp_response_free(r);
    reset_failures();
    CHECK_INT(401, login(&u, PASSWORD), "the old password no longer works");
    reset_failures();
    CHECK_INT(200, login(&u, np), "the new password works");
    CHECK_INT(200, me_status(u.access), "a token issued after the change works");
}

static void test_users_admin(void) {
    char email[128], path[128];
    snprintf(email, sizeof email, "ht-auth-%d-made@test.invalid", pid);
    kp_response *r = post_json("/v1/users", admin.access,
                               json_pack("{s:s,s:s,s:s,s:s,s:[s]}", "email", email, "display_name",
                                         "Made By Test", "role", "editor", "password", PASSWORD,
                                         "centres", "kbt"));
    CHECK_STATUS(r, 201);
    char id[40] = "";
    if (kp_str(r->json, "id")) snprintf(id, sizeof id, "%s", kp_str(r->json, "id"));
    snprintf(path, sizeof path, "/v1/users/%s", id);
    const char *loc = kp_header_get(r, "Location");
    CHECK(loc && strcmp(loc, path) == 0, "POST /v1/users: Location %s, got %s", path,
          loc ? loc : "(none)");
    CHECK_STR(email, kp_str(r->json, "email"), "created user email");
    CHECK_STR("editor", kp_str(r->json, "role"), "created user role");
    CHECK(json_is_false(json_object_get(r->json, "disabled")), "created user is enabled");
    CHECK_STR("kbt", kp_str(kp_pointer(r->json, "/centres/0"), "slug"), "created user centre");
    CHECK(!strstr(r->body, "password") && !strstr(r->body, "argon2"),
          "the user body holds no password (hash)");
    kp_response_free(r);
    if (!id[0]) return;

    r = call("GET", "/v1/users", admin.access, NULL, NULL, NULL);
    CHECK_STATUS(r, 200);
    int found = 0;
    size_t i;
    json_t *it;
    json_array_foreach(kp_items(r), i, it) {
        if (kp_str(it, "id") && strcmp(kp_str(it, "id"), id) == 0) found = 1;
    }
    CHECK(found, "GET /v1/users lists the new user");
    CHECK(!strstr(r->body, "argon2") && !strstr(r->body, "password_hash"),
          "GET /v1/users shows no password hashes");
    kp_response_free(r);
    r = call("GET", path, admin.access, NULL, NULL, NULL);
    CHECK_STATUS(r, 200);
    CHECK_STR(email, kp_str(r->json, "email"), "GET /v1/users/{id} email");
    kp_response_free(r);

    user made;
    memset(&made, 0, sizeof made);
    snprintf(made.email, sizeof made.email, "%s", email);
    snprintf(made.id, sizeof made.id, "%s", id);
    reset_failures();
    CHECK_INT(200, login(&made, PASSWORD), "the new user logs in");
    r = call("GET", "/v1/me", made.access, NULL, NULL, NULL);
    CHECK_STR("kbt", kp_str(kp_pointer(r->json, "/centres/0"), "slug"), "new user's centre");
    kp_response_free(r);

    /* conflicts and validation */
    char upper[128];
    snprintf(upper, sizeof upper, "HT-AUTH-%d-MADE@test.invalid", pid);
    r = post_json(
        "/v1/users", admin.access,
        json_pack("{s:s,s:s,s:s}", "email", upper, "role", "editor", "password", PASSWORD));
    CHECK_PROBLEM(r, 409, NULL);
    kp_response_free(r);
    r = post_json("/v1/users", admin.access,
                  json_pack("{s:s,s:s,s:s,s:i,s:s}", "email", "no-at-sign", "role", "boss",
                            "password", "short", "shoe_size", 42, "display_name", "x"));
    CHECK_PROBLEM(r, 422, "email");
    CHECK_PROBLEM(r, 422, "role");
    CHECK_PROBLEM(r, 422, "password");
    CHECK_PROBLEM(r, 422, "shoe_size");
    kp_response_free(r);
    r = post_json("/v1/users", admin.access, json_object());
    CHECK_PROBLEM(r, 422, "email");
    CHECK_PROBLEM(r, 422, "role");
    CHECK_PROBLEM(r, 422, "password");
    kp_response_free(r);
    char email2[128];
    snprintf(email2, sizeof email2, "ht-auth-%d-nocentre@test.invalid", pid);
    r = post_json("/v1/users", admin.access,
                  json_pack("{s:s,s:s,s:s,s:[s]}", "email", email2, "role", "editor", "password",
                            PASSWORD, "centres", "no-such-centre-here"));
    CHECK_PROBLEM(r, 422, "centres[0]");
    kp_response_free(r);
    char *n = kp_sql_value("SELECT count(*) FROM app_user WHERE email = '%s'", email2);
    CHECK(n && strcmp(n, "0") == 0, "a refused POST /v1/users leaves no user behind");
    free(n);

    /* PATCH */
    r = patch_json(path, admin.access, json_pack("{s:s}", "display_name", "Renamed"));
    CHECK_STATUS(r, 200);
    CHECK_STR("Renamed", kp_str(r->json, "display_name"), "patched display_name");
    kp_response_free(r);
    CHECK_INT(200, me_status(made.access), "a harmless PATCH revokes nothing");
    r = call("PATCH", path, admin.access, "application/merge-patch+json", "{\"display_name\":null}",
             NULL);
    CHECK_STATUS(r, 200);
    CHECK(json_is_null(json_object_get(r->json, "display_name")), "display_name cleared");
    kp_response_free(r);
    r = patch_json(path, admin.access, json_pack("{s:s}", "disabled", "yes"));
    CHECK_PROBLEM(r, 422, "disabled");
    kp_response_free(r);
    /* disabling revokes every session (checked only when the PATCH itself worked, so one
     * failure is reported once) */
    r = patch_json(path, admin.access, json_pack("{s:b}", "disabled", 1));
    int patched = CHECK_STATUS(r, 200);
    kp_response_free(r);
    if (patched) {
        r = call("GET", path, admin.access, NULL, NULL, NULL);
        CHECK(json_is_true(json_object_get(r->json, "disabled")), "user disabled");
        kp_response_free(r);
        expect_token_rejected(made.access, "token of a disabled user");
        r = refresh_with(made.refresh);
        check_invalid_token(r, "refresh token of a disabled user");
        kp_response_free(r);
        reset_failures();
        user tmp = made;
        CHECK_INT(401, login(&tmp, PASSWORD), "a disabled user cannot log in");
        r = patch_json(path, admin.access, json_pack("{s:b}", "disabled", 0));
        CHECK_STATUS(r, 200);
        kp_response_free(r);
        reset_failures();
        CHECK_INT(200, login(&made, PASSWORD), "enabled again: logs in");
    }
    r = patch_json(path, admin.access, json_pack("{s:s}", "role", "admin"));
    patched = CHECK_STATUS(r, 200);
    kp_response_free(r);
    if (patched) {
        expect_token_rejected(made.access, "token issued before a role change");
        CHECK_INT(200, login(&made, PASSWORD), "logs in after the role change");
        r = call("GET", "/v1/me", made.access, NULL, NULL, NULL);
        CHECK_STR("admin", kp_str(r->json, "role"), "the new role shows");
        kp_response_free(r);
    }
    r = patch_json(path, admin.access, json_pack("{s:s}", "email", ed_kbt.email));
    CHECK_PROBLEM(r, 409, NULL);
    kp_response_free(r);
    char ghost[40], gpath[80];
    random_uuid(ghost);
    snprintf(gpath, sizeof gpath, "/v1/users/%s", ghost);
    r = patch_json(gpath, admin.access, json_pack("{s:s}", "display_name", "x"));
    CHECK_PROBLEM(r, 404, NULL);
    kp_response_free(r);
    r = call("GET", gpath, admin.access, NULL, NULL, NULL);
    CHECK_PROBLEM(r, 404, NULL);
    kp_response_free(r);
    r = call("GET", "/v1/users/not-a-uuid", admin.access, NULL, NULL, NULL);
    CHECK_PROBLEM(r, 404, NULL);
    kp_response_free(r);

    /* DELETE */
    snprintf(gpath, sizeof gpath, "/v1/users/%s", admin.id);
    r = call("DELETE", gpath, admin.access, NULL, NULL, NULL);
    CHECK_PROBLEM(r, 409, NULL);
    kp_response_free(r);
    r = call("DELETE", path, admin.access, NULL, NULL, NULL);
    CHECK_STATUS(r, 204);
    kp_response_free(r);
    r = call("GET", path, admin.access, NULL, NULL, NULL);
    CHECK_PROBLEM(r, 404, NULL);
    kp_response_free(r);
    expect_token_rejected(made.access, "token of a deleted user");
    r = refresh_with(made.refresh);
    check_invalid_token(r, "refresh token of a deleted user");
    kp_response_free(r);
    r = call("DELETE", path, admin.access, NULL, NULL, NULL);
    CHECK_PROBLEM(r, 404, NULL);
    kp_response_free(r);
}

static void test_users_forbidden(void) {
    char path[80];
    snprintf(path, sizeof path, "/v1/users/%s", admin.id);
    const char *tokens[] = {ed_sag.access, ed_both.access, NULL};
    for (const char **t = tokens; *t; t++) {
        kp_response *r = call("GET", "/v1/users", *t, NULL, NULL, NULL);
        CHECK_PROBLEM(r, 403, NULL);
        kp_response_free(r);
        r = call("GET", path, *t, NULL, NULL, NULL);
        CHECK_PROBLEM(r, 403, NULL);
        kp_response_free(r);
        r = post_json("/v1/users", *t,
                      json_pack("{s:s,s:s,s:s}", "email", "x@y.invalid", "role", "admin",
                                "password", PASSWORD));
        CHECK_PROBLEM(r, 403, NULL);
        kp_response_free(r);
        r = patch_json(path, *t, json_pack("{s:b}", "disabled", 1));
        CHECK_PROBLEM(r, 403, NULL);
        kp_response_free(r);
        r = call("DELETE", path, *t, NULL, NULL, NULL);
        CHECK_PROBLEM(r, 403, NULL);
        kp_response_free(r);
    }
    /* an editor cannot make themselves admin through /v1/users either */
    char own[80];
    snprintf(own, sizeof own, "/v1/users/%s", ed_sag.id);
    kp_response *r = patch_json(own, ed_sag.access, json_pack("{s:s}", "role", "admin"));
    CHECK_PROBLEM(r, 403, NULL);
    kp_response_free(r);
    char *role = kp_sql_value("SELECT role FROM app_user WHERE id = '%s'", ed_sag.id);
    CHECK(role && strcmp(role, "editor") == 0, "the editor is still an editor");
    free(role);
    CHECK_INT(200, me_status(admin.access), "admin unaffected");

    r = call("GET", "/v1/users", NULL, NULL, NULL, NULL);
    CHECK_PROBLEM(r, 401, NULL);
    kp_response_free(r);
    r = post_json(
        "/v1/users", NULL,
        json_pack("{s:s,s:s,s:s}", "email", "x@y.invalid", "role", "admin", "password", PASSWORD));
    CHECK_PROBLEM(r, 401, NULL);
    kp_response_free(r);
    r = call("DELETE", path, NULL, NULL, NULL, NULL);
    CHECK_PROBLEM(r, 401, NULL);
    kp_response_free(r);
}

/* Last: 5 failures per e-mail, then per client address, lock logins out for a while. */
static void test_rate_limit(void) {
    reset_failures();
    for (int i = 1; i <= 5; i++) {
        kp_response *r = login_raw(ed_kbt.email, "wrong-password-again");
        CHECK(r->status == 401, "failed login %d of 5: 401, got %ld", i, r->status);
        kp_response_free(r);
    }
    kp_response *r = login_raw(ed_kbt.email, PASSWORD);
    CHECK_PROBLEM(r, 429, NULL);
    const char *ra = kp_header_get(r, "Retry-After");
    long secs = ra ? strtol(ra, NULL, 10) : -1;
    CHECK(secs >= 1 && secs <= 900, "429 Retry-After within 1..900 s, got %s", ra ? ra : "(none)");
    kp_response_free(r);
    char upper[128];
    snprintf(upper, sizeof upper, "%s", ed_kbt.email);
    upper[0] = 'H';
    upper[1] = 'T';
    r = login_raw(upper, PASSWORD);
    CHECK_PROBLEM(r, 429, NULL);
    kp_response_free(r);
    /* a locked-out e-mail does not lock out others from another address: here, the same
     * address has only 5 failures, so another user is also refused (per-address limit) */
    reset_failures();
    for (int i = 1; i <= 5; i++) {
        char e[128];
        snprintf(e, sizeof e, "ht-auth-%d-spray%d@test.invalid", pid, i);
        r = login_raw(e, "guessing-password-1");
        CHECK(r->status == 401, "address failure %d of 5: 401, got %ld", i, r->status);
        kp_response_free(r);
    }
    r = login_raw(admin.email, PASSWORD);
    CHECK_PROBLEM(r, 429, NULL);
    CHECK(kp_header_get(r, "Retry-After") != NULL, "per-address 429 has Retry-After");
    kp_response_free(r);
    reset_failures();
    CHECK_INT(200, login(&admin, PASSWORD), "logins work again once the failures are gone");
}

int main(int argc, char **argv) {
    if (kp_init(argc, argv, "http_auth") != 0) return kp_finish();
    binary = argc > 1 ? argv[1] : getenv("KP_BINARY");
    pid = (int)getpid();
    const char *env[] = {"JWT_SECRET=" SECRET, NULL};
    srv = kp_server_start(env);
    if (srv) {
        /* leftovers of an earlier, interrupted run (the tables exist once the server ran) */
        PQclear(kp_sql("DELETE FROM app_user WHERE email LIKE 'ht-auth-%%'"));
        reset_failures();
        int ok = make_user(&admin, "admin", "admin", NULL, NULL) == 0;
        ok &= make_user(&ed_sag, "sag", "editor", "sagatun-recovery", NULL) == 0;
        ok &= make_user(&ed_kbt, "kbt", "editor", "kbt", NULL) == 0;
        ok &= make_user(&ed_both, "both", "editor", "sagatun-recovery", "kbt") == 0;
        if (ok) {
            test_hmac_selfcheck();
            test_login();
            test_equal_answers();
            test_me();
            test_jwt_attacks();
            test_refresh();
            test_logout();
            test_password_change();
            test_users_admin();
            test_users_forbidden();
            test_rate_limit(); /* last: it provokes the shared per-address limit */
        }
        kp_server_stop(srv);
    }
    PQclear(kp_sql("DELETE FROM login_failure"));
    PQclear(kp_sql("DELETE FROM app_user WHERE email LIKE '%%-%d-%%'", pid));
    return kp_finish();
}
