#ifndef KP_HTTP_ROUTES_H
#define KP_HTTP_ROUTES_H

#include "http/context.h"

/* Finds the handler for ctx's method and path. Sets ctx->coll / ctx->key from the path.
 * Returns NULL when none matches; then `allow` holds the methods the path does accept
 * ("" when the path itself is unknown: 404). */
handler_fn routes_match(req_ctx *ctx, char *allow, size_t allowlen);

#endif
