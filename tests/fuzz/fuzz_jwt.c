/* Access-token verification: token_verify on the input (a NUL-terminated copy) with a fixed
 * key. Nothing may verify unless it is a well-formed HS256 JWT whose signature is the
 * HMAC-SHA256 of its first two parts under that key, checked here with an independent
 * SHA-256, and whose claims are complete and current. */
#include "fuzz.h"

#include "auth/token.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

/* 48 bytes; tests/fuzz/tools/make_jwt_seeds.py signs the seed tokens with it. */
static const char SECRET[] = "knutepunkt-fuzz-secret-0123456789abcdefghijklmno";
_Static_assert(sizeof SECRET - 1 == 48, "the fuzz secret is 48 bytes");

/* ---- SHA-256 (FIPS 180-4) and HMAC (RFC 2104), small and slow ---------------------------- */
typedef struct sha256 {
    uint32_t h[8];
    uint8_t buf[64];
    size_t nbuf;
    uint64_t bits;
} sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
}

static void sha_block(sha256 *s, const uint8_t *p) {
    uint32_t w[64], a[8];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(a, s->h, sizeof a);
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = a[7] + (ror(a[4], 6) ^ ror(a[4], 11) ^ ror(a[4], 25)) +
                      ((a[4] & a[5]) ^ (~a[4] & a[6])) + K[i] + w[i];
        uint32_t t2 = (ror(a[0], 2) ^ ror(a[0], 13) ^ ror(a[0], 22)) +
                      ((a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]));
        memmove(a + 1, a, 7 * sizeof a[0]);
        a[4] += t1;
        a[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        s->h[i] += a[i];
}

static void sha_init(sha256 *s) {
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->nbuf = 0;
    s->bits = 0;
}

static void sha_update(sha256 *s, const void *data, size_t n) {
    const uint8_t *p = data;
    s->bits += (uint64_t)n * 8;
    while (n--) {
        s->buf[s->nbuf++] = *p++;
        if (s->nbuf == 64) {
            sha_block(s, s->buf);
            s->nbuf = 0;
        }
    }
}

static void sha_final(sha256 *s, uint8_t out[32]) {
    uint64_t bits = s->bits;
    uint8_t pad = 0x80;
    sha_update(s, &pad, 1);
    pad = 0;
    while (s->nbuf != 56)
        sha_update(s, &pad, 1);
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha_update(s, len, 8);
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 4; k++)
            out[4 * i + k] = (uint8_t)(s->h[i] >> (24 - 8 * k));
}

static void hmac_sha256(const void *key, size_t keylen, const void *msg, size_t n,
                        uint8_t out[32]) {
    uint8_t k[64] = {0}, ipad[64], opad[64], inner[32];
    sha256 s;
    if (keylen > 64) {
        sha_init(&s);
        sha_update(&s, key, keylen);
        sha_final(&s, k);
    } else {
        memcpy(k, key, keylen);
    }
    for (int i = 0; i < 64; i++) {
        ipad[i] = k[i] ^ 0x36;
        opad[i] = k[i] ^ 0x5c;
    }
    sha_init(&s);
    sha_update(&s, ipad, 64);
    sha_update(&s, msg, n);
    sha_final(&s, inner);
    sha_init(&s);
    sha_update(&s, opad, 64);
    sha_update(&s, inner, 32);
    sha_final(&s, out);
}

/* base64url without padding */
static void b64url(const uint8_t *in, size_t n, char *out) {
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        size_t chars = i + 2 < n ? 4 : i + 1 < n ? 3 : 2;
        for (size_t k = 0; k < chars; k++)
            out[o++] = a[(v >> (18 - 6 * k)) & 63];
    }
    out[o] = '\0';
}

/* Decodes base64url (with or without padding; '+' and '/' too, as lenient decoders do) into a
 * new NUL-terminated buffer, or NULL. */
static char *b64url_decode(const char *s, size_t n) {
    char *out = malloc(n + 1);
    size_t o = 0;
    uint32_t v = 0;
    int bits = 0;
    if (!out) abort();
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int x = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '-' || c == '+' ? 62
                : c == '_' || c == '/' ? 63
                : c == '='             ? -2
                                       : -1;
        if (x == -2) break;
        if (x < 0) {
            free(out);
            return NULL;
        }
        v = v << 6 | (uint32_t)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)(v >> bits & 0xFF);
        }
    }
    out[o] = '\0';
    return out;
}

/* What the accepted token must be: header.payload.signature, header {"alg":"HS256",…},
 * signature = HMAC-SHA256(SECRET, header.payload). */
static void check_accepted(const char *tok, const token_claims *c) {
    const char *d1 = strchr(tok, '.');
    FUZZ_ASSERT(d1 != NULL, "verified a token without a dot: %s", tok);
    const char *d2 = strchr(d1 + 1, '.');
    FUZZ_ASSERT(d2 != NULL, "verified a token with one dot: %s", tok);
    FUZZ_ASSERT(strchr(d2 + 1, '.') == NULL, "verified a token with three dots: %s", tok);

    char *hdr = b64url_decode(tok, (size_t)(d1 - tok));
    FUZZ_ASSERT(hdr != NULL, "verified a token whose header is not base64url: %s", tok);
    json_error_t e;
    json_t *h = json_loads(hdr, 0, &e);
    FUZZ_ASSERT(json_is_object(h), "verified a token whose header is not a JSON object: %s", hdr);
    const char *alg = json_string_value(json_object_get(h, "alg"));
    FUZZ_ASSERT(alg && strcmp(alg, "HS256") == 0, "verified a token with alg %s: %s",
                alg ? alg : "(none)", tok);
    json_decref(h);
    free(hdr);

    uint8_t mac[32];
    char want[48];
    hmac_sha256(SECRET, sizeof SECRET - 1, tok, (size_t)(d2 - tok), mac);
    b64url(mac, sizeof mac, want);
    FUZZ_ASSERT(strcmp(d2 + 1, want) == 0, "verified a token with signature %s; HS256 gives %s",
                d2 + 1, want);

    long now = (long)time(NULL);
    FUZZ_ASSERT(c->exp > now, "verified an expired token (exp %ld)", c->exp);
    FUZZ_ASSERT(c->iat_ms > 0, "iat_ms %lld", c->iat_ms);
    FUZZ_ASSERT(c->sub[0] && c->role[0] && c->jti[0] && c->fam[0], "verified with a claim empty");
    FUZZ_ASSERT(memchr(c->sub, '\0', sizeof c->sub) && memchr(c->role, '\0', sizeof c->role) &&
                    memchr(c->jti, '\0', sizeof c->jti) && memchr(c->fam, '\0', sizeof c->fam),
                "claims not terminated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int ready;
    if (!ready) {
        FUZZ_ASSERT(token_init(SECRET, sizeof SECRET - 1) == 0, "token_init");
        ready = 1;
    }
    if (size > 8192) return 0;
    char *tok = fuzz_cstring(data, size);
    token_claims c;
    memset(&c, 0x5a, sizeof c);
    if (token_verify(tok, &c) == 0) check_accepted(tok, &c);
    free(tok);
    return 0;
}
