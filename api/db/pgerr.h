/* SQLSTATE → problem, in one table (PostgREST's mapSQLtoHTTP). */
#ifndef KP_DB_PGERR_H
#define KP_DB_PGERR_H

#include "http/problem.h"

#include <libpq-fe.h>

/* Records the problem for a failed result (NULL: the connection is gone). Returns -1. */
int pgerr_problem(problem *p, const PGresult *r);

#endif
