/* A fast 64-bit hash of a byte string, for ETags: XXH64 (xxHash, by Yann Collet; the
 * algorithm as specified in its xxhash_spec.md). ETags are computed over every answer,
 * up to hundreds of kB, so byte-at-a-time hashes cost more than the rest of the request. */
#ifndef KP_CORE_HASH_H
#define KP_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash64(const void *data, size_t len, uint64_t seed);

#endif
