/* An in-process cache of anonymous GET responses, keyed by the normalised request.
 *
 * An entry is served only while the local generation it was made under is still current.
 * Every change moves it: this instance's own writes at once, and every change anywhere
 * (other instances, psql, imports) through LISTEN kp_cache, which database triggers and
 * writers NOTIFY.
 *
 * A write through the API must never leave a stale answer visible on any instance after
 * its 2xx. So each instance acknowledges in cache_instance the shared generation
 * (kp_cache_generation) it has dropped its entries for, under a short lease that its
 * listener renews; a writer moves the generation after COMMIT and, before answering, waits
 * until every instance holding a lease has acknowledged it (kp_cache_advance,
 * kp_cache_pending: migrations/0015). An instance whose lease has run out (database
 * unreachable, listener stuck) stops serving from its cache until it renews, and writers
 * stop waiting for it when the lease has run out in the database too. Reads never touch
 * the database to use the cache. Entries also expire after a short TTL, because some
 * answers change with the clock (publish_at). */
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
} cache_gen;

/* The generation at the start of a request. 0 when the cache cannot be used now. */
int cache_generation(cache_gen *out);
/* Copies an entry of generation gen into hit (free hit->body). 1 on a hit. */
int cache_get(const char *key, const cache_gen *gen, cache_hit *hit);
void cache_put(const char *key, const cache_gen *gen, const char *content_type, const char *body,
               size_t len, const char *etag, const char *link);
/* This instance's id in cache_instance (NULL when the cache is off): writers pass it to
 * kp_cache_advance, since they drop their own instance's entries themselves. */
const char *cache_instance_id(void);
/* After a committed write, before answering 2xx: moves the local generation. */
void cache_note_write(void);
/* After kp_cache_advance answered (generation, pending): waits, on the writer's
 * connection, until the pending other instances have acknowledged it (bounded). */
void cache_await_others(void *pgconn, long long generation, long long pending);

#endif
