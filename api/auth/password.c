#include "auth/password.h"

#include <argon2.h>
#include <string.h>
#include <sys/random.h>

#define T_COST      2
#define M_COST      19456
#define PARALLELISM 1

int password_hash(const char *password, char out[PASSWORD_HASH_MAX]) {
    unsigned char salt[16];
    if (getrandom(salt, sizeof salt, 0) != (ssize_t)sizeof salt) return -1;
    return argon2id_hash_encoded(T_COST, M_COST, PARALLELISM, password, strlen(password), salt,
                                 sizeof salt, 32, out, PASSWORD_HASH_MAX) == ARGON2_OK
               ? 0
               : -1;
}

int password_verify(const char *encoded, const char *password) {
    static char dummy[PASSWORD_HASH_MAX];
    if (!encoded) {
        if (!dummy[0]) password_hash("not-a-real-password-for-timing", dummy);
        argon2id_verify(dummy, password, strlen(password));
        return 0;
    }
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int random_token(char *out, size_t outlen, size_t nbytes) {
    unsigned char buf[64];
    if (nbytes > sizeof buf || outlen < (nbytes * 4 + 2) / 3 + 1) return -1;
    if (getrandom(buf, nbytes, 0) != (ssize_t)nbytes) return -1;
    size_t o = 0;
    for (size_t i = 0; i < nbytes; i += 3) {
        unsigned v = (unsigned)buf[i] << 16;
        if (i + 1 < nbytes) v |= (unsigned)buf[i + 1] << 8;
        if (i + 2 < nbytes) v |= buf[i + 2];
        size_t chars = i + 2 < nbytes ? 4 : i + 1 < nbytes ? 3 : 2;
        for (size_t k = 0; k < chars; k++)
            out[o++] = b64url[(v >> (18 - 6 * k)) & 63];
    }
    out[o] = '\0';
    return 0;
}

void password_generate(char *out, size_t n) {
    /* 24 random bytes → 32 characters of base64url: about 192 bits. */
    if (random_token(out, n, 24) != 0 && n) out[0] = '\0';
}
