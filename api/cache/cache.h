/* An in-process cache of anonymous GET responses, keyed by the normalised request.
 *
 * An entry is served only while the generation it was made under is still current. The
 * generation has two parts:
 *  - kp_cache_generation, a sequence every instance's writes bump after COMMIT and before
 *    they answer 2xx. A request reads it (one round trip, shared by all requests waiting
 *    at that moment) before using the cache, so no instance ever serves an answer older
 *    than a write that was acknowledged before the request arrived;
 *  - a local counter moved by LISTEN kp_cache, which database triggers NOTIFY on every
 *    change, so changes made outside the API (psql, imports) also drop cached answers,
 *    within milliseconds.
 * While the listener is not connected the cache is bypassed. Entries also expire after a
 * short TTL, because some answers change with the clock (open_now, publish_at). */
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

typedef struct cache_gen {
    uint64_t local;
    int64_t shared;
} cache_gen;

/* The generation at the start of a request (reads the shared sequence). 0 when the cache
 * cannot be used now. */
int cache_generation(cache_gen *out);
/* Copies an entry of generation gen into hit (free hit->body). 1 on a hit. */
int cache_get(const char *key, const cache_gen *gen, cache_hit *hit);
void cache_put(const char *key, const cache_gen *gen, const char *content_type, const char *body,
               size_t len, const char *etag, const char *link);
/* After a committed write, before answering 2xx: moves the local generation. The writer
 * has moved the shared one (nextval('kp_cache_generation')) after its COMMIT. */
void cache_note_write(void);

#endif
