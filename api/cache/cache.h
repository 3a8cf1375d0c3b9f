/* An in-process cache of anonymous GET responses, keyed by the normalised request.
 *
 * Correctness rests on one generation counter: every entry remembers the generation that
 * was current when its request started, and is served only while that is still current.
 * The counter moves on every change to readable data, wherever it was made: triggers in
 * the database NOTIFY kp_cache, a listener thread per instance bumps the counter, and an
 * instance that writes also bumps it itself before it answers 2xx and waits (briefly) for
 * its own notification, so other instances have been told too. While the listener is not
 * connected the cache is bypassed. Entries also expire after a short TTL, because some
 * answers change with the clock (open_now, publish_at). */
#ifndef KP_CACHE_H
#define KP_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct cache_hit {
    char *body;
    size_t len;
    char content_type[40];
    char etag[48];
    char link[1024];
} cache_hit;

/* max_bytes 0 disables the cache. */
int cache_init(const char *database_url, size_t max_bytes, int ttl_ms);
void cache_shutdown(void);
int cache_enabled(void);

/* The generation to remember at the start of a request. */
uint64_t cache_generation(void);
/* Copies a live entry into hit (free hit->body). 1 on a hit. */
int cache_get(const char *key, cache_hit *hit);
void cache_put(const char *key, uint64_t generation, const char *content_type, const char *body,
               size_t len, const char *etag, const char *link);
/* After a committed write: bump, and wait up to ~200 ms for payload to come back through
 * LISTEN (then every instance has it). payload is what the write sent with pg_notify. */
void cache_after_write(const char *payload);
/* A unique payload for this instance's next write. */
void cache_write_payload(char *out, size_t n);

#endif
