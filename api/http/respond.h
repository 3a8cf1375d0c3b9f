/* Writing responses: JSON bodies with a strong ETag, 304 revalidation and caching headers. */
#ifndef KP_HTTP_RESPOND_H
#define KP_HTTP_RESPOND_H

#include "cache/cache.h"
#include "http/context.h"

#include <stddef.h>

#define RESPOND_PUBLIC 1u /* a public read: Cache-Control public, max-age */

/* Sends body (copied) with status 200-class, Content-Type ct; adds an ETag computed from the
 * body (prefixed by the item's version when given: "<version>-<hash>", which If-Match on
 * writes compares) and answers 304 instead when If-None-Match matches. Returns 0. */
int respond_body(req_ctx *ctx, int status, const char *ct, const char *body, size_t len,
                 const char *version, unsigned flags);
/* The version an If-Match header names: -1 absent, -2 "*", -3 unreadable, else >= 0. */
long if_match_version(req_ctx *ctx);
int respond_json(req_ctx *ctx, int status, const char *body, size_t len, unsigned flags);
int respond_empty(req_ctx *ctx, int status);
/* Answers from the response cache (304 when If-None-Match matches). */
int respond_cached(req_ctx *ctx, const cache_hit *hit);
/* Renders ctx->prob. */
void respond_problem(req_ctx *ctx);
/* Sets a response header. */
void respond_header(req_ctx *ctx, const char *name, const char *value);
/* The ETag ("…" quoted) of a body. */
void etag_of(const char *body, size_t len, const char *version, char out[48]);

#endif
