/* What one request carries through the handlers. */
#ifndef KP_HTTP_CONTEXT_H
#define KP_HTTP_CONTEXT_H

#include "cache/cache.h"
#include "config.h"
#include "http/problem.h"
#include "http/query.h"
#include "model/collection.h"

#include <stdint.h>
#include <time.h>
#include <ulfius.h>

#define CTX_MAX_SEGMENTS 8

/* Who is asking: filled by auth_identify() from a Bearer token. */
typedef struct identity {
    int present; /* a valid token was given */
    int admin;
    char user_id[40];
    char role[16];
    char centres[2048]; /* the editor's centres as a PostgreSQL uuid[] literal: {a,b} */
    int ncentres;
    char first_centre[40];
    char jti[40];
    char fam[40];
    long exp;
} identity;

typedef struct req_ctx {
    const struct _u_request *req;
    struct _u_response *resp;
    const config *cfg;
    char method[16]; /* HEAD is served as GET; `head` remembers it */
    int head;
    char *path;                  /* decoded path, owned */
    char *raw_query;             /* raw query string, owned, may be NULL */
    char *seg[CTX_MAX_SEGMENTS]; /* decoded path segments, owned */
    int nseg;
    query q;
    const collection *coll; /* the collection a /v1/<name> route names */
    const char *key;        /* the {key} path segment, if any */
    char request_id[48];
    struct timespec t0;
    problem prob;
    size_t bytes_out;
    identity who;
    int identified;  /* auth_identify() ran */
    char *cache_key; /* set when the answer may be cached (owned) */
    cache_gen cache_gen;
} req_ctx;

/* A handler sets a response and returns 0, or records ctx->prob and returns -1. */
typedef int (*handler_fn)(req_ctx *ctx);

#endif
