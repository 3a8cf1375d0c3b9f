#include "core/ids.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* xorshift128+, one state per thread, seeded by getrandom (or, failing that, the clock and
 * the state's address, which differs per thread). */
static uint64_t next64(void) {
    static _Thread_local uint64_t s0, s1;
    while (s0 == 0 && s1 == 0) {
        uint64_t seed[2];
        if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed) {
            seed[0] = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&s0;
            seed[1] = (uint64_t)clock();
        }
        s0 = seed[0], s1 = seed[1] | 1;
    }
    uint64_t x = s0, y = s1;
    s0 = y;
    x ^= x << 23;
    s1 = x ^ y ^ (x >> 17) ^ (y >> 26);
    return s1 + y;
}

void id_new_uuid(char out[40]) {
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
        uint64_t v[2] = {next64(), next64()};
        memcpy(b, v, sizeof b);
    }
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

void id_new_request(char out[25]) {
    static const char hex[] = "0123456789abcdef";
    for (int half = 0; half < 2; half++) {
        uint64_t v = next64();
        for (int i = 0; i < 12; i++, v >>= 4)
            out[half * 12 + i] = hex[v & 15];
    }
    out[24] = '\0';
}
