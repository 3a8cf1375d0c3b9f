#include "db/pgerr.h"

#include "db/pool.h"
#include "log.h"

#include <string.h>

typedef struct pg_map {
    const char *prefix; /* SQLSTATE or its class (2 chars) */
    int status;
    const char *type;
    const char *detail;
    int retry_after;
} pg_map;

/* First match wins; longer codes before their class. */
static const pg_map map[] = {
    {"57014", 503, "query-timeout",
     "the query took too long and was cancelled; try a narrower request", 1},
    {"57P01", 503, "database-unavailable", "the database is restarting", 5},
    {"57P02", 503, "database-unavailable", "the database is restarting", 5},
    {"57P03", 503, "database-unavailable", "the database is starting", 5},
    {"53", 503, "database-unavailable", "the database is out of resources", 5},
    /* a protocol violation is our bug, not an outage: falls through to 500 and the log */
    {"08P01", 500, "internal", "the server failed to answer", 0},
    {"08", 503, "database-unavailable", "the database connection failed", 5},
    {"23505", 409, "conflict", "an item with this value already exists", 0},
    {"23503", 422, "invalid-reference", "a referenced item does not exist", 0},
    {"23514", 422, "validation-failed", "a value is outside what is allowed", 0},
    {"23502", 422, "validation-failed", "a required value is missing", 0},
    {"22", 400, "bad-parameter", "a parameter value is not valid", 0},
    {"40001", 503, "conflict-retry", "a concurrent change interfered; retry", 1},
    {"40P01", 503, "conflict-retry", "a concurrent change interfered; retry", 1},
    {NULL, 0, NULL, NULL, 0},
};

int pgerr_problem(problem *p, const PGresult *r) {
    if (!r) {
        p->retry_after = 5;
        return problem_set(p, 503, "database-unavailable", "the database is unreachable");
    }
    const char *state = db_sqlstate(r);
    for (const pg_map *m = map; m->prefix; m++) {
        if (strncmp(state, m->prefix, strlen(m->prefix)) != 0) continue;
        p->retry_after = m->retry_after;
        if (m->status >= 500 && m->status != 503)
            log_error("database error %s: %s", state, PQresultErrorMessage(r));
        return problem_set(p, m->status, m->type, "%s", m->detail);
    }
    /* Internals go to the log only. */
    log_error("database error %s: %s", state, PQresultErrorMessage(r));
    return problem_set(p, 500, "internal", "the server failed to answer");
}

db_conn *db_acquire_or_problem(problem *p) {
    db_conn *db = db_acquire();
    if (!db) {
        p->retry_after = 2;
        problem_set(p, 503, "database-unavailable",
                    "the database is busy or unreachable; try again shortly");
    }
    return db;
}
