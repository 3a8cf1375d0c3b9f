#include "db/pool.h"

#include "core/hash.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STMT_SLOTS 512 /* prepared statements kept per connection */

typedef struct stmt_slot {
    uint64_t hash;
    char *sql;
} stmt_slot;

struct db_conn {
    PGconn *pg;
    int busy;
    int nstmts;
    stmt_slot stmts[STMT_SLOTS];
};

static struct {
    db_conn *conns;
    int size;
    int acquire_timeout_ms;
    char *url;
    char options[128];
    pthread_mutex_t lock;
    pthread_cond_t freed;
    char flavour[16];
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .freed = PTHREAD_COND_INITIALIZER};

/* statement texts run to kilobytes and are hashed on every call: core/hash's XXH64 */
static uint64_t sql_hash(const char *sql) {
    return hash64(sql, strlen(sql), 0);
}

static void forget_statements(db_conn *c) {
    for (int i = 0; i < STMT_SLOTS; i++) {
        free(c->stmts[i].sql);
        c->stmts[i].sql = NULL;
        c->stmts[i].hash = 0;
    }
    c->nstmts = 0;
}

/* Loads the Norwegian dictionary into this backend now (about a second the first time),
 * so no reader pays for it. */
static void warm(PGconn *pg) {
    PGresult *r = PQexec(pg, "SELECT to_tsvector('kp_norwegian', 'sentrene'), "
                             "obj_description('kp_norwegian'::regconfig, 'pg_ts_config')");
    if (PQresultStatus(r) == PGRES_TUPLES_OK && !PQgetisnull(r, 0, 1)) {
        pthread_mutex_lock(&pool.lock);
        snprintf(pool.flavour, sizeof pool.flavour, "%s", PQgetvalue(r, 0, 1));
        pthread_mutex_unlock(&pool.lock);
    }
    PQclear(r);
}

static PGconn *connect_one(void) {
    const char *keys[] = {"dbname", "options", "connect_timeout", "application_name", NULL};
    const char *vals[] = {pool.url, pool.options, "3", "knutepunkt", NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(pg) != CONNECTION_OK) {
        log_warn("database connection failed: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return NULL;
    }
    warm(pg);
    return pg;
}

static void *connect_thread(void *arg) {
    db_conn *c = arg;
    c->pg = connect_one();
    return NULL;
}

int db_pool_init(const db_pool_config *cfg) {
    pool.size = cfg->size;
    pool.acquire_timeout_ms = cfg->acquire_timeout_ms;
    pool.url = strdup(cfg->url);
    snprintf(pool.options, sizeof pool.options,
             "-c statement_timeout=%d -c TimeZone=UTC -c idle_in_transaction_session_timeout=%d",
             cfg->statement_timeout_ms, cfg->statement_timeout_ms * 2);
    pool.conns = calloc((size_t)cfg->size, sizeof *pool.conns);
    if (!pool.url || !pool.conns) return -1;
    /* Connect (and warm) all connections at once: warming is CPU on the server side. */
    pthread_t *th = calloc((size_t)cfg->size, sizeof *th);
    if (!th) return -1;
    for (int i = 0; i < cfg->size; i++)
        if (pthread_create(&th[i], NULL, connect_thread, &pool.conns[i]) != 0) th[i] = 0;
    for (int i = 0; i < cfg->size; i++)
        if (th[i]) pthread_join(th[i], NULL);
    free(th);
    int ok = 0;
    for (int i = 0; i < cfg->size; i++)
        ok += pool.conns[i].pg != NULL;
    log_info("database pool: %d of %d connections up", ok, cfg->size);
    return 0;
}

void db_pool_shutdown(void) {
    for (int i = 0; i < pool.size; i++) {
        forget_statements(&pool.conns[i]);
        if (pool.conns[i].pg) PQfinish(pool.conns[i].pg);
    }
    free(pool.conns);
    free(pool.url);
    pool.conns = NULL;
    pool.url = NULL;
    pool.size = 0;
}

/* Makes sure c has a live connection; 0 on success. */
static int ensure_connected(db_conn *c) {
    if (c->pg && PQstatus(c->pg) == CONNECTION_OK) return 0;
    forget_statements(c);
    if (c->pg) {
        PQreset(c->pg);
        if (PQstatus(c->pg) == CONNECTION_OK) {
            warm(c->pg);
            return 0;
        }
        PQfinish(c->pg);
        c->pg = NULL;
    }
    c->pg = connect_one();
    return c->pg ? 0 : -1;
}

db_conn *db_acquire(void) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += pool.acquire_timeout_ms / 1000;
    deadline.tv_nsec += (long)(pool.acquire_timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    db_conn *got = NULL;
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        for (int i = 0; i < pool.size && !got; i++)
            if (!pool.conns[i].busy) got = &pool.conns[i];
        if (got) break;
        if (pthread_cond_timedwait(&pool.freed, &pool.lock, &deadline) == ETIMEDOUT) break;
    }
    if (got) got->busy = 1;
    pthread_mutex_unlock(&pool.lock);
    if (!got) return NULL;
    if (ensure_connected(got) != 0) {
        db_release(got);
        return NULL;
    }
    return got;
}

void db_release(db_conn *c) {
    if (!c) return;
    /* A connection left inside a transaction (an error path) is rolled back here. */
    if (c->pg && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c->pg, "ROLLBACK");
        PQclear(r);
    }
    pthread_mutex_lock(&pool.lock);
    c->busy = 0;
    pthread_cond_signal(&pool.freed);
    pthread_mutex_unlock(&pool.lock);
}

PGconn *db_pg(db_conn *c) {
    return c->pg;
}

/* The cached statement name for sql, or NULL: a new slot for it in *slot_out (-1: the cache
 * is full, run unprepared). Unlike statement_for, nothing is sent. */
static const char *cached_statement(db_conn *c, const char *sql, char *name, size_t namelen,
                                    int *slot_out) {
    uint64_t h = sql_hash(sql);
    size_t slot = (size_t)(h % STMT_SLOTS);
    *slot_out = -1;
    for (int probe = 0; probe < 8; probe++, slot = (slot + 1) % STMT_SLOTS) {
        stmt_slot *s = &c->stmts[slot];
        if (s->sql && s->hash == h && strcmp(s->sql, sql) == 0) {
            snprintf(name, namelen, "s%zu", slot);
            return name;
        }
        if (!s->sql) {
            *slot_out = (int)slot;
            return NULL;
        }
    }
    return NULL;
}

/* Records sql as prepared under slot. */
static void remember_statement(db_conn *c, int slot, const char *sql) {
    stmt_slot *s = &c->stmts[slot];
    s->sql = strdup(sql);
    s->hash = s->sql ? sql_hash(sql) : 0;
    c->nstmts++;
}

/* The statement name for sql, preparing it first if needed. NULL with *failed set when the
 * prepare failed (its error result, which the caller returns), NULL alone when the cache is
 * full (run unprepared). */
static const char *statement_for(db_conn *c, const char *sql, char *name, size_t namelen,
                                 int nparams, PGresult **failed) {
    int slot;
    const char *stmt = cached_statement(c, sql, name, namelen, &slot);
    if (stmt || slot < 0) return stmt;
    snprintf(name, namelen, "s%d", slot);
    PGresult *r = PQprepare(c->pg, name, sql, nparams, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        *failed = r; /* the real error, not a later "transaction aborted" */
        return NULL;
    }
    PQclear(r);
    remember_statement(c, slot, sql);
    return name;
}

static PGresult *exec_prepared_or_not(db_conn *c, const char *sql, int nparams,
                                      const char *const *params, int prepare) {
    char name[24];
    PGresult *failed = NULL;
    const char *stmt = prepare ? statement_for(c, sql, name, sizeof name, nparams, &failed) : NULL;
    if (failed) return failed;
    if (stmt) return PQexecPrepared(c->pg, stmt, nparams, params, NULL, NULL, 0);
    return PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
}

static PGresult *exec_with_retry(db_conn *c, const char *sql, int nparams,
                                 const char *const *params, int retry, int prepare) {
    /* Inside a transaction a reconnect would silently run the rest outside it. */
    if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) retry = 0;
    PGresult *r = exec_prepared_or_not(c, sql, nparams, params, prepare);
    if (PQstatus(c->pg) == CONNECTION_OK) return r;
    /* The server went away under us: reconnect once; re-run only idempotent work. */
    PQclear(r);
    if (ensure_connected(c) != 0) return NULL;
    if (!retry) return NULL;
    r = exec_prepared_or_not(c, sql, nparams, params, prepare);
    if (PQstatus(c->pg) == CONNECTION_OK) return r;
    PQclear(r);
    return NULL;
}

PGresult *db_exec(db_conn *c, const char *sql, int nparams, const char *const *params, int retry) {
    return exec_with_retry(c, sql, nparams, params, retry, 1);
}

PGresult *db_exec_once(db_conn *c, const char *sql, int nparams, const char *const *params) {
    return exec_with_retry(c, sql, nparams, params, 0, 0);
}

int db_pipeline(db_conn *c, const db_step *steps, int n, PGresult **results) {
    enum { MAX_STEPS = 64 };
    if (n > MAX_STEPS) return n;
    for (int i = 0; i < n; i++)
        results[i] = NULL;
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK || !PQenterPipelineMode(c->pg)) return n;
    /* what was sent for each step: 1 = a prepare of slot new_slot[i] precedes it */
    int new_slot[MAX_STEPS];
    int sent = 1;
    for (int i = 0; i < n && sent; i++) {
        char name[24];
        const char *stmt = cached_statement(c, steps[i].sql, name, sizeof name, &new_slot[i]);
        if (!stmt && new_slot[i] >= 0) {
            /* prepared on first use, in the same round trip */
            for (int j = 0; j < i; j++) /* the same new statement twice in one pipeline */
                if (new_slot[j] == new_slot[i]) new_slot[i] = -1;
            if (new_slot[i] >= 0) {
                snprintf(name, sizeof name, "s%d", new_slot[i]);
                sent = PQsendPrepare(c->pg, name, steps[i].sql, steps[i].nparams, NULL);
                stmt = name;
            }
        }
        if (sent && stmt)
            sent =
                PQsendQueryPrepared(c->pg, stmt, steps[i].nparams, steps[i].params, NULL, NULL, 0);
        else if (sent)
            sent = PQsendQueryParams(c->pg, steps[i].sql, steps[i].nparams, NULL, steps[i].params,
                                     NULL, NULL, 0);
    }
    int failed = -1;
    if (!sent || !PQpipelineSync(c->pg)) failed = n;
    /* Read every result up to the sync, even after a failure, to leave pipeline mode. */
    for (int i = 0; i < n && failed != n; i++) {
        for (int part = new_slot[i] >= 0 ? 0 : 1; part < 2; part++) {
            PGresult *r = PQgetResult(c->pg);
            if (!r) { /* the connection broke */
                failed = n;
                break;
            }
            for (PGresult *extra; (extra = PQgetResult(c->pg)) != NULL;)
                PQclear(extra); /* the NULL that ends each command's results */
            ExecStatusType st = PQresultStatus(r);
            int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
            if (part == 0) { /* the prepare */
                if (ok) {
                    remember_statement(c, new_slot[i], steps[i].sql);
                    PQclear(r);
                    continue;
                }
                if (failed < 0) failed = i; /* its error is the step's result */
                results[i] = r;
                /* the step's own execute was aborted: consume it too */
                PGresult *aborted = PQgetResult(c->pg);
                for (PGresult *extra; aborted && (extra = PQgetResult(c->pg)) != NULL;)
                    PQclear(extra);
                PQclear(aborted);
                break;
            }
            if (!ok && failed < 0) failed = i;
            results[i] = r;
        }
    }
    if (failed != n) {
        PGresult *r = PQgetResult(c->pg); /* PGRES_PIPELINE_SYNC */
        if (!r || PQresultStatus(r) != PGRES_PIPELINE_SYNC) failed = n;
        PQclear(r);
    }
    if (!PQexitPipelineMode(c->pg) || PQstatus(c->pg) != CONNECTION_OK) {
        /* broken or out of step: start afresh rather than guess */
        if (failed < 0) failed = n;
        PQfinish(c->pg);
        c->pg = NULL;
        ensure_connected(c);
    }
    return failed;
}

int db_ping(void) {
    db_conn *c = db_acquire();
    if (!c) return 0;
    PGresult *r = db_exec(c, "SELECT 1", 0, NULL, 1);
    int ok = r && PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    db_release(c);
    return ok;
}

const char *db_search_flavour(void) {
    return pool.flavour[0] ? pool.flavour : NULL;
}

const char *db_sqlstate(const PGresult *r) {
    const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    return s ? s : "";
}

int db_ok(const PGresult *r) {
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}
