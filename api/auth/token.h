/* Access tokens: HS256 JWTs with sub, role, jti, fam (refresh family), iat, iat_ms, exp.
 * Verification accepts exactly one algorithm and checks exp/nbf itself: libjwt 1.10 does
 * neither (see the stack notes). */
#ifndef KP_AUTH_TOKEN_H
#define KP_AUTH_TOKEN_H

#include <stddef.h>

#define ACCESS_TOKEN_TTL_S  900
#define REFRESH_TOKEN_TTL_S (7 * 24 * 3600)

typedef struct token_claims {
    char sub[40];
    char role[16];
    char jti[40];
    char fam[40];
    long long iat_ms;
    long exp;
} token_claims;

/* Sets the HS256 key (at least 32 bytes; copied). */
int token_init(const char *secret, size_t len);
void token_shutdown(void);
/* Issues a token; the caller frees *out. */
int token_issue(const char *sub, const char *role, const char *jti, const char *fam, char **out);
/* 0 when tok is an HS256 token signed with our key, not expired and not from the future. */
int token_verify(const char *tok, token_claims *out);

#endif
