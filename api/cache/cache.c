#include "cache/cache.h"

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

#define SLOTS           1024
#define MAX_ENTRY_BYTES (256 * 1024)
#define WRITE_WAIT_MS   200

typedef struct entry {
    char *key;
    cache_gen gen;
    long long expires_ms;
    char *body;
    size_t len;
    char content_type[40];
    char etag[48];
    char link[1024];
} entry;

static struct {
    int enabled;
    size_t max_bytes, used_bytes;
    int ttl_ms;
    entry slots[SLOTS];
    pthread_mutex_t lock;
    atomic_uint_fast64_t generation;
    atomic_int listening;
    atomic_int stop;
    pthread_t thread;
    /* the listening connection (the listener thread reads it) */
    PGconn *pg;
    atomic_int fd;
    pthread_mutex_t pg_lock;
    char *url;
    /* single-flight reads of the shared generation */
    pthread_mutex_t check_lock;
    pthread_cond_t check_done;
    uint64_t checks_started, checks_done;
    int check_ok;
    int64_t shared;
    PGconn *check_pg;
} c = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .pg_lock = PTHREAD_MUTEX_INITIALIZER,
       .fd = -1,
       .check_lock = PTHREAD_MUTEX_INITIALIZER,
       .check_done = PTHREAD_COND_INITIALIZER};

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t hash(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void bump(void) {
    atomic_fetch_add(&c.generation, 1);
}

static void drain(PGconn *pg) {
    PGnotify *n;
    int any = 0;
    while ((n = PQnotifies(pg)) != NULL) {
        any = 1;
        PQfreemem(n);
    }
    if (any) bump();
}

/* Reads whatever notifications have arrived; 0 when the connection is broken. */
static int consume(void) {
    pthread_mutex_lock(&c.pg_lock);
    int ok = c.pg && PQconsumeInput(c.pg);
    if (ok) drain(c.pg);
    pthread_mutex_unlock(&c.pg_lock);
    return ok;
}

static void disconnect(void) {
    atomic_store(&c.listening, 0);
    atomic_store(&c.fd, -1);
    pthread_mutex_lock(&c.pg_lock);
    if (c.pg) PQfinish(c.pg);
    c.pg = NULL;
    pthread_mutex_unlock(&c.pg_lock);
}

static void *listener(void *arg) {
    (void)arg;
    while (!atomic_load(&c.stop)) {
        if (!atomic_load(&c.listening)) {
            disconnect();
            bump(); /* notifications may have been missed */
            PGconn *pg = PQconnectdb(c.url);
            PGresult *r = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, "LISTEN kp_cache") : NULL;
            int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
            if (!ok) {
                PQfinish(pg);
                for (int i = 0; i < 10 && !atomic_load(&c.stop); i++)
                    usleep(100000);
                continue;
            }
            pthread_mutex_lock(&c.pg_lock);
            c.pg = pg;
            pthread_mutex_unlock(&c.pg_lock);
            atomic_store(&c.fd, PQsocket(pg));
            bump();
            atomic_store(&c.listening, 1);
        }
        struct pollfd pfd = {.fd = atomic_load(&c.fd), .events = POLLIN};
        if (poll(&pfd, 1, 250) > 0 && !consume()) atomic_store(&c.listening, 0);
    }
    disconnect();
    return NULL;
}

int cache_init(const char *database_url, size_t max_bytes, int ttl_ms) {
    if (max_bytes == 0) return 0;
    c.max_bytes = max_bytes;
    c.ttl_ms = ttl_ms;
    c.url = strdup(database_url);
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
    }
    memset(c.slots, 0, sizeof c.slots);
    free(c.url);
    if (c.check_pg) PQfinish(c.check_pg);
    c.check_pg = NULL;
    c.enabled = 0;
}

int cache_enabled(void) {
    return c.enabled && atomic_load(&c.listening);
}

/* One round trip for the shared generation; runs with check_lock released. */
static int read_shared(int64_t *out) {
    if (!c.check_pg || PQstatus(c.check_pg) != CONNECTION_OK) {
        if (c.check_pg) PQfinish(c.check_pg);
        c.check_pg = PQconnectdb(c.url);
        if (PQstatus(c.check_pg) != CONNECTION_OK) return 0;
    }
    PGresult *r = PQexec(c.check_pg, "SELECT last_value FROM kp_cache_generation");
    int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (ok) *out = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return ok;
}

int cache_generation(cache_gen *out) {
    if (!cache_enabled()) return 0;
    /* Only a read that starts after this request arrived will do: wait for the next one
     * to start and finish, starting it ourselves when nobody else is. */
    pthread_mutex_lock(&c.check_lock);
    uint64_t need = c.checks_started + 1;
    while (c.checks_done < need) {
        if (c.checks_started == c.checks_done) { /* none in flight: start ours */
            c.checks_started = need;
            pthread_mutex_unlock(&c.check_lock);
            int64_t v = 0;
            int ok = read_shared(&v);
            pthread_mutex_lock(&c.check_lock);
            c.check_ok = ok;
            if (ok) c.shared = v;
            c.checks_done = need;
            pthread_cond_broadcast(&c.check_done);
        } else {
            pthread_cond_wait(&c.check_done, &c.check_lock);
        }
    }
    int ok = c.check_ok;
    out->shared = c.shared;
    pthread_mutex_unlock(&c.check_lock);
    /* Writes through the API on any instance move the shared generation before their 2xx,
     * so this read sees them; NOTIFY (the listener thread) covers the rest. */
    out->local = atomic_load(&c.generation);
    return ok;
}

static int same_gen(const cache_gen *a, const cache_gen *b) {
    return a->local == b->local && a->shared == b->shared;
}

int cache_get(const char *key, const cache_gen *gen, cache_hit *hit) {
    if (!cache_enabled()) return 0;
    entry *e = &c.slots[hash(key) % SLOTS];
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
            memcpy(hit->link, e->link, sizeof hit->link);
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
    char *k = strdup(key), *b = malloc(len ? len : 1);
    if (!k || !b) {
        free(k);
        free(b);
        return;
    }
    memcpy(b, body, len);
    entry *e = &c.slots[hash(key) % SLOTS];
    pthread_mutex_lock(&c.lock);
    size_t used = c.used_bytes - (e->key ? e->len + strlen(e->key) : 0) + len + strlen(k);
    if (used > c.max_bytes) {
        pthread_mutex_unlock(&c.lock);
        free(k);
        free(b);
        return;
    }
    free(e->key);
    free(e->body);
    e->key = k;
    e->body = b;
    e->len = len;
    e->gen = *gen;
    e->expires_ms = now_ms() + c.ttl_ms;
    snprintf(e->content_type, sizeof e->content_type, "%s", content_type);
    snprintf(e->etag, sizeof e->etag, "%s", etag ? etag : "");
    snprintf(e->link, sizeof e->link, "%s", link ? link : "");
    c.used_bytes = used;
    pthread_mutex_unlock(&c.lock);
}

void cache_note_write(void) {
    bump();
}
