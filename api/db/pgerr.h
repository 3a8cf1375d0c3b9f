/* SQLSTATE → problem, in one table (PostgREST's mapSQLtoHTTP). */
#ifndef KP_DB_PGERR_H
#define KP_DB_PGERR_H

#include "db/pool.h"
#include "http/problem.h"

#include <libpq-fe.h>

/* A pooled connection, or NULL with a 503 (+ Retry-After) recorded in p. */
db_conn *db_acquire_or_problem(problem *p);
/* Records the problem for a failed result (NULL: the connection is gone). Returns -1. */
int pgerr_problem(problem *p, const PGresult *r);

#endif
