/* argon2id password hashes (OWASP minimum: t=2, m=19 MiB, p=1). */
#ifndef KP_AUTH_PASSWORD_H
#define KP_AUTH_PASSWORD_H

#include <stddef.h>

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 256
#define PASSWORD_HASH_MAX  128

/* 0 on success. */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
/* 1 when password matches encoded; 0 otherwise. With encoded NULL it verifies against a
 * fixed dummy hash, so an unknown e-mail costs the same time as a wrong password. */
int password_verify(const char *encoded, const char *password);
/* A readable random password (for the first admin). */
void password_generate(char *out, size_t n);
/* Random bytes as base64url (no padding): refresh tokens, ids. */
int random_token(char *out, size_t outlen, size_t nbytes);

#endif
