/* A fixed pool of PostgreSQL connections. Each connection caches the statements it has
 * prepared (keyed by SQL text), so the generic list queries run prepared after their
 * first use; the cache is dropped when a connection is re-established. */
#ifndef KP_DB_POOL_H
#define KP_DB_POOL_H

#include <libpq-fe.h>

typedef struct db_conn db_conn;

typedef struct db_pool_config {
    const char *url;
    int size;
    int acquire_timeout_ms;
    int statement_timeout_ms;
} db_pool_config;

int db_pool_init(const db_pool_config *cfg);
void db_pool_shutdown(void);

/* Waits up to the acquire timeout; NULL when none is free or the database is unreachable
 * (the caller answers 503). */
db_conn *db_acquire(void);
void db_release(db_conn *c);
PGconn *db_pg(db_conn *c);

/* Runs sql (prepared, cached per connection) with text parameters. When the connection
 * turns out to be broken it is reset once and, if `retry` is set (reads), run again.
 * Returns the result (PQclear it) or NULL when the connection is unusable. */
PGresult *db_exec(db_conn *c, const char *sql, int nparams, const char *const *params, int retry);
/* Runs sql without preparing (DDL, one-off statements). */
PGresult *db_exec_once(db_conn *c, const char *sql, int nparams, const char *const *params);

/* One statement of a pipeline (text parameters, prepared and cached as db_exec does). */
typedef struct db_step {
    const char *sql;
    int nparams;
    const char *const *params;
} db_step;

/* Sends the steps in one round trip (libpq pipeline mode) and reads their results in order
 * into results[0..n-1] (NULL where none came; PQclear each). The first failing step aborts
 * the rest, so inside a transaction it is all or nothing. Returns -1 when every step
 * succeeded, else the index of the first failed step (n when the connection failed). */
int db_pipeline(db_conn *c, const db_step *steps, int n, PGresult **results);

/* 1 when a pooled connection answers SELECT 1 now; used by /readyz. */
int db_ping(void);
/* Which text search the database has: "hunspell", "snowball" or NULL when unknown. */
const char *db_search_flavour(void);

/* SQLSTATE of a failed result, or "" */
const char *db_sqlstate(const PGresult *r);
int db_ok(const PGresult *r);

#endif
