#include "cache/cache.h"

#include "core/hash.h"
#include "core/ids.h"
#include "log.h"

#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Direct-mapped: a key's slot is its hash. Enough slots that a directory's every item page
 * (10,000 centres in the benchmark) mostly lands in a slot of its own; an entry is ~140 bytes
 * before its body, so the table is ~2.3 MB. CACHE_MAX_BYTES bounds the bodies. */
#define SLOTS           16384
#define MAX_ENTRY_BYTES (256 * 1024)
/* How long an acknowledgement holds (cache_instance.lease_until), how often the listener
 * renews it, and how much earlier this instance stops trusting it than the database. */
#define LEASE_MS  2000
#define RENEW_MS  500
#define MARGIN_MS 500
/* A writer waits at most this long for other instances' acknowledgements. */
#define WAIT_MS (LEASE_MS + 500)

typedef struct entry {
    char *key;
    cache_gen gen;
    long long expires_ms;
    char *body;
    size_t len;
    char content_type[40];
    char etag[48];
    char *link; /* the Link header, NULL when none (most answers) */
} entry;

static struct {
    int enabled;
    size_t max_bytes, used_bytes;
    int ttl_ms;
    entry slots[SLOTS];
    pthread_mutex_t lock;
    atomic_uint_fast64_t generation;
    atomic_llong lease_ok_until_ms; /* 0: not listening, do not serve */
    atomic_int stop;
    pthread_t thread;
    PGconn *pg; /* the listener's connection, used by the listener thread only */
    char *url;
    char id[40];          /* this instance in cache_instance */
    long long acked;      /* the generation last acknowledged there */
    long long renewed_ms; /* when */
} c = {.lock = PTHREAD_MUTEX_INITIALIZER, .acked = -1};

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t slot_of(const char *key) {
    return (size_t)(hash64(key, strlen(key), 0) % SLOTS);
}

/* What an entry counts against CACHE_MAX_BYTES. */
static size_t entry_bytes(const entry *e) {
    if (!e->key) return 0;
    return e->len + strlen(e->key) + (e->link ? strlen(e->link) : 0);
}

static void bump(void) {
    atomic_fetch_add(&c.generation, 1);
}

/* Drops the generation a write may have moved, then acknowledges it: the local counter
 * moves *before* cache_instance.seen says so, so a writer who sees the acknowledgement
 * knows no stale entry can be served here any more. Renews the lease. 0 on failure. */
static int sync_and_ack(void) {
    long long t0 = now_ms();
    PGresult *r = PQexec(c.pg, "SELECT last_value FROM kp_cache_generation");
    int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    long long g = ok ? atoll(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (!ok) return 0;
    if (g != c.acked) bump();
    char seen[24], lease[24];
    snprintf(seen, sizeof seen, "%lld", g);
    snprintf(lease, sizeof lease, "%d", LEASE_MS);
    const char *params[3] = {c.id, seen, lease};
    r = PQexecParams(c.pg,
                     "INSERT INTO cache_instance (id, seen, lease_until) VALUES ($1::uuid, "
                     "$2::bigint, now() + $3::integer * interval '1 millisecond') "
                     "ON CONFLICT (id) DO UPDATE SET seen = excluded.seen, "
                     "lease_until = excluded.lease_until",
                     3, NULL, params, NULL, NULL, 0);
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) return 0;
    c.acked = g;
    c.renewed_ms = now_ms();
    /* the database holds the lease from about t0 + LEASE_MS; stop trusting it earlier */
    atomic_store(&c.lease_ok_until_ms, t0 + LEASE_MS - MARGIN_MS);
    return 1;
}

static void disconnect(void) {
    atomic_store(&c.lease_ok_until_ms, 0);
    if (c.pg) PQfinish(c.pg);
    c.pg = NULL;
}

static int connect_and_listen(void) {
    c.pg = PQconnectdb(c.url);
    PGresult *r = PQstatus(c.pg) == CONNECTION_OK ? PQexec(c.pg, "LISTEN kp_cache") : NULL;
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (ok) {
        /* instances that vanished without saying so long ago */
        r = PQexec(c.pg,
                   "DELETE FROM cache_instance WHERE lease_until < now() - interval '1 hour'");
        PQclear(r);
        c.acked = -1; /* notifications may have been missed: drop everything once */
        ok = sync_and_ack();
    }
    if (!ok) disconnect();
    return ok;
}

/* The listener: LISTEN kp_cache (every change, also from psql or other instances, and the
 * generation of writes through the API), acknowledging what it has dropped and renewing
 * this instance's lease. */
static void *listener(void *arg) {
    (void)arg;
    while (!atomic_load(&c.stop)) {
        if (!c.pg && !connect_and_listen()) {
            for (int i = 0; i < 10 && !atomic_load(&c.stop); i++)
                usleep(100000);
            continue;
        }
        struct pollfd pfd = {.fd = PQsocket(c.pg), .events = POLLIN};
        int ready = poll(&pfd, 1, RENEW_MS / 2) > 0;
        int notified = 0;
        if (ready) {
            if (!PQconsumeInput(c.pg)) {
                disconnect();
                continue;
            }
            PGnotify *n;
            while ((n = PQnotifies(c.pg)) != NULL) {
                notified = 1;
                PQfreemem(n);
            }
            if (notified) bump(); /* at once, also for changes made outside the API */
        }
        if ((notified || now_ms() - c.renewed_ms >= RENEW_MS) && !sync_and_ack()) disconnect();
    }
    if (c.pg) {
        const char *params[1] = {c.id};
        PGresult *r = PQexecParams(c.pg, "DELETE FROM cache_instance WHERE id = $1::uuid", 1, NULL,
                                   params, NULL, NULL, 0);
        PQclear(r);
    }
    disconnect();
    return NULL;
}

int cache_init(const char *database_url, size_t max_bytes, int ttl_ms) {
    if (max_bytes == 0) return 0;
    c.max_bytes = max_bytes;
    c.ttl_ms = ttl_ms;
    c.url = strdup(database_url);
    id_new_uuid(c.id);
    if (pthread_create(&c.thread, NULL, listener, NULL) != 0) return -1;
    c.enabled = 1;
    return 0;
}

void cache_shutdown(void) {
    if (!c.enabled) return;
    atomic_store(&c.stop, 1);
    pthread_join(c.thread, NULL);
    for (int i = 0; i < SLOTS; i++) {
        free(c.slots[i].key);
        free(c.slots[i].body);
        free(c.slots[i].link);
    }
    memset(c.slots, 0, sizeof c.slots);
    free(c.url);
    c.enabled = 0;
}

int cache_enabled(void) {
    return c.enabled && now_ms() < atomic_load(&c.lease_ok_until_ms);
}

const char *cache_instance_id(void) {
    return c.enabled ? c.id : NULL;
}

int cache_generation(cache_gen *out) {
    if (!cache_enabled()) return 0;
    out->local = atomic_load(&c.generation);
    return 1;
}

void cache_await_others(void *pgconn, long long generation, long long pending) {
    if (pending <= 0) return;
    char g[24];
    snprintf(g, sizeof g, "%lld", generation);
    const char *params[2] = {c.enabled ? c.id : NULL, g};
    long long start = now_ms();
    long waits = 0;
    while (pending > 0 && now_ms() - start < WAIT_MS) {
        usleep(waits++ < 10 ? 200 : 1000);
        PGresult *r = PQexecParams(pgconn, "SELECT kp_cache_pending($1::uuid, $2::bigint)", 2, NULL,
                                   params, NULL, NULL, 0);
        pending = PQresultStatus(r) == PGRES_TUPLES_OK ? atoll(PQgetvalue(r, 0, 0)) : -1;
        PQclear(r);
    }
    if (pending != 0)
        log_warn("%lld other instance(s) did not confirm dropping their cached answers within "
                 "%d ms",
                 pending, WAIT_MS);
}

static int same_gen(const cache_gen *a, const cache_gen *b) {
    return a->local == b->local;
}

int cache_get(const char *key, const cache_gen *gen, cache_hit *hit) {
    if (!cache_enabled()) return 0;
    entry *e = &c.slots[slot_of(key)];
    int found = 0;
    pthread_mutex_lock(&c.lock);
    if (e->key && same_gen(&e->gen, gen) && atomic_load(&c.generation) == gen->local &&
        e->expires_ms > now_ms() && strcmp(e->key, key) == 0) {
        hit->body = malloc(e->len ? e->len : 1);
        if (hit->body) {
            memcpy(hit->body, e->body, e->len);
            hit->len = e->len;
            memcpy(hit->content_type, e->content_type, sizeof hit->content_type);
            memcpy(hit->etag, e->etag, sizeof hit->etag);
            snprintf(hit->link, sizeof hit->link, "%s", e->link ? e->link : "");
            found = 1;
        }
    }
    pthread_mutex_unlock(&c.lock);
    return found;
}

void cache_put(const char *key, const cache_gen *gen, const char *content_type, const char *body,
               size_t len, const char *etag, const char *link) {
    if (!cache_enabled() || len > MAX_ENTRY_BYTES) return;
    /* stale at birth: a change was announced while this answer was being made */
    if (gen->local != atomic_load(&c.generation)) return;
    int has_link = link && link[0];
    char *k = strdup(key), *b = malloc(len ? len : 1), *l = has_link ? strdup(link) : NULL;
    if (!k || !b || (has_link && !l)) {
        free(k);
        free(b);
        free(l);
        return;
    }
    memcpy(b, body, len);
    entry *e = &c.slots[slot_of(key)];
    pthread_mutex_lock(&c.lock);
    entry fresh = {.key = k, .len = len, .link = l};
    size_t used = c.used_bytes - entry_bytes(e) + entry_bytes(&fresh);
    if (used > c.max_bytes) {
        pthread_mutex_unlock(&c.lock);
        free(k);
        free(b);
        free(l);
        return;
    }
    free(e->key);
    free(e->body);
    free(e->link);
    e->key = k;
    e->body = b;
    e->len = len;
    e->gen = *gen;
    e->expires_ms = now_ms() + c.ttl_ms;
    snprintf(e->content_type, sizeof e->content_type, "%s", content_type);
    snprintf(e->etag, sizeof e->etag, "%s", etag ? etag : "");
    e->link = l;
    c.used_bytes = used;
    pthread_mutex_unlock(&c.lock);
}

void cache_note_write(void) {
    bump();
}
