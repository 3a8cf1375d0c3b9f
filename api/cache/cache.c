#include "cache/cache.h"

#include "log.h"

#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define SLOTS           1024
#define MAX_ENTRY_BYTES (256 * 1024)
#define WRITE_WAIT_MS   200

typedef struct entry {
    char *key;
    uint64_t generation;
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
    char *url;
    char instance[24];
    atomic_uint_fast64_t writes;
    /* the last payload the listener saw, for cache_after_write */
    pthread_mutex_t seen_lock;
    pthread_cond_t seen_cond;
    char seen[64];
} c = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .seen_lock = PTHREAD_MUTEX_INITIALIZER,
       .seen_cond = PTHREAD_COND_INITIALIZER};

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
        if (n->extra && n->extra[0]) {
            pthread_mutex_lock(&c.seen_lock);
            snprintf(c.seen, sizeof c.seen, "%s", n->extra);
            pthread_cond_broadcast(&c.seen_cond);
            pthread_mutex_unlock(&c.seen_lock);
        }
        PQfreemem(n);
    }
    if (any) bump();
}

static void *listener(void *arg) {
    (void)arg;
    PGconn *pg = NULL;
    while (!atomic_load(&c.stop)) {
        if (!pg || PQstatus(pg) != CONNECTION_OK) {
            atomic_store(&c.listening, 0);
            bump(); /* notifications may have been missed */
            if (pg) PQfinish(pg);
            pg = PQconnectdb(c.url);
            PGresult *r = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, "LISTEN kp_cache") : NULL;
            int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
            if (!ok) {
                for (int i = 0; i < 10 && !atomic_load(&c.stop); i++)
                    usleep(100000);
                continue;
            }
            bump();
            atomic_store(&c.listening, 1);
        }
        struct pollfd pfd = {.fd = PQsocket(pg), .events = POLLIN};
        int rc = poll(&pfd, 1, 250);
        if (rc > 0) {
            if (!PQconsumeInput(pg)) {
                atomic_store(&c.listening, 0);
                continue; /* reconnect */
            }
            drain(pg);
        }
    }
    atomic_store(&c.listening, 0);
    if (pg) PQfinish(pg);
    return NULL;
}

int cache_init(const char *database_url, size_t max_bytes, int ttl_ms) {
    if (max_bytes == 0) return 0;
    c.max_bytes = max_bytes;
    c.ttl_ms = ttl_ms;
    c.url = strdup(database_url);
    unsigned char r[6];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) memset(r, 7, sizeof r);
    snprintf(c.instance, sizeof c.instance, "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3],
             r[4], r[5]);
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
    c.enabled = 0;
}

int cache_enabled(void) {
    return c.enabled && atomic_load(&c.listening);
}

uint64_t cache_generation(void) {
    return atomic_load(&c.generation);
}

int cache_get(const char *key, cache_hit *hit) {
    if (!cache_enabled()) return 0;
    uint64_t gen = atomic_load(&c.generation);
    entry *e = &c.slots[hash(key) % SLOTS];
    int found = 0;
    pthread_mutex_lock(&c.lock);
    if (e->key && e->generation == gen && e->expires_ms > now_ms() && strcmp(e->key, key) == 0) {
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

void cache_put(const char *key, uint64_t generation, const char *content_type, const char *body,
               size_t len, const char *etag, const char *link) {
    if (!cache_enabled() || len > MAX_ENTRY_BYTES) return;
    /* stale at birth: a write happened while this answer was being made */
    if (generation != atomic_load(&c.generation)) return;
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
    e->generation = generation;
    e->expires_ms = now_ms() + c.ttl_ms;
    snprintf(e->content_type, sizeof e->content_type, "%s", content_type);
    snprintf(e->etag, sizeof e->etag, "%s", etag ? etag : "");
    snprintf(e->link, sizeof e->link, "%s", link ? link : "");
    c.used_bytes = used;
    pthread_mutex_unlock(&c.lock);
}

void cache_write_payload(char *out, size_t n) {
    snprintf(out, n, "%s:%llu", c.instance, (unsigned long long)atomic_fetch_add(&c.writes, 1));
}

void cache_after_write(const char *payload) {
    bump();
    if (!c.enabled || !atomic_load(&c.listening)) return;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += WRITE_WAIT_MS * 1000000L;
    deadline.tv_sec += deadline.tv_nsec / 1000000000L;
    deadline.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&c.seen_lock);
    /* Notifications arrive in commit order, so once ours (or a later one of ours) is seen,
     * every listener has been sent it. */
    while (strcmp(c.seen, payload) != 0 &&
           pthread_cond_timedwait(&c.seen_cond, &c.seen_lock, &deadline) == 0) {
    }
    pthread_mutex_unlock(&c.seen_lock);
    bump();
}
