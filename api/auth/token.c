#include "auth/token.h"

#include <errno.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned char *key;
static size_t keylen;

int token_init(const char *secret, size_t len) {
    if (!secret || len < 32) return -1; /* an empty key makes jwt_decode skip the signature */
    key = malloc(len);
    if (!key) return -1;
    memcpy(key, secret, len);
    keylen = len;
    return 0;
}

void token_shutdown(void) {
    free(key);
    key = NULL;
    keylen = 0;
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int token_issue(const char *sub, const char *role, const char *jti, const char *fam, char **out) {
    *out = NULL;
    if (!key) return -1;
    jwt_t *j = NULL;
    if (jwt_new(&j) != 0) return -1;
    long long ms = now_ms();
    long iat = (long)(ms / 1000);
    int rc = jwt_set_alg(j, JWT_ALG_HS256, key, (int)keylen) | jwt_add_grant(j, "sub", sub) |
             jwt_add_grant(j, "role", role) | jwt_add_grant(j, "jti", jti) |
             jwt_add_grant(j, "fam", fam) | jwt_add_grant_int(j, "iat", iat) |
             jwt_add_grant_int(j, "iat_ms", ms) |
             jwt_add_grant_int(j, "exp", iat + ACCESS_TOKEN_TTL_S);
    if (rc == 0) *out = jwt_encode_str(j);
    jwt_free(j);
    return *out ? 0 : -1;
}

static int copy_grant(jwt_t *j, const char *name, char *out, size_t n) {
    const char *v = jwt_get_grant(j, name);
    if (!v || !*v || strlen(v) >= n) return -1;
    memcpy(out, v, strlen(v) + 1);
    return 0;
}

int token_verify(const char *tok, token_claims *out) {
    memset(out, 0, sizeof *out);
    if (!key || !tok || strlen(tok) > 4096) return -1;
    jwt_t *j = NULL;
    int rc = -1;
    if (jwt_decode(&j, tok, key, (int)keylen) != 0 || !j) goto done;
    /* HS384/HS512 signed with our secret pass jwt_decode: accept HS256 only. */
    if (jwt_get_alg(j) != JWT_ALG_HS256) goto done;
    const char *typ = jwt_get_header(j, "typ");
    if (typ && strcmp(typ, "JWT") != 0) goto done;
    long now = (long)time(NULL);
    errno = 0;
    long exp = jwt_get_grant_int(j, "exp");
    if (errno || exp <= 0 || exp <= now) goto done;
    errno = 0;
    long nbf = jwt_get_grant_int(j, "nbf");
    if (errno == 0 && nbf > now) goto done;
    errno = 0;
    long iat = jwt_get_grant_int(j, "iat");
    if (errno || iat <= 0 || iat > now + 60) goto done;
    errno = 0;
    long long iat_ms = jwt_get_grant_int(j, "iat_ms");
    if (errno || iat_ms <= 0) goto done;
    if (copy_grant(j, "sub", out->sub, sizeof out->sub) ||
        copy_grant(j, "role", out->role, sizeof out->role) ||
        copy_grant(j, "jti", out->jti, sizeof out->jti) ||
        copy_grant(j, "fam", out->fam, sizeof out->fam))
        goto done;
    out->exp = exp;
    out->iat_ms = iat_ms;
    rc = 0;
done:
    jwt_free(j);
    return rc;
}
