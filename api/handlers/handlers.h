#ifndef KP_HANDLERS_H
#define KP_HANDLERS_H

#include "http/context.h"

/* handlers/ops.c */
int ops_healthz(req_ctx *ctx);
int ops_readyz(req_ctx *ctx);
int ops_openapi(req_ctx *ctx);
int ops_index(req_ctx *ctx);
/* Loads the spec file once at start; -1 if it cannot be read. */
int ops_load_openapi(const char *path);
void ops_free_openapi(void);

/* handlers/items.c: generic over every collection */
int items_list(req_ctx *ctx);
int items_get(req_ctx *ctx);

/* handlers/write.c: generic writes */
int items_create(req_ctx *ctx);
int items_patch(req_ctx *ctx);
int items_delete(req_ctx *ctx);

/* handlers/history.c */
int changes_feed(req_ctx *ctx);
int items_revisions(req_ctx *ctx);

/* handlers/auth.c */
int auth_token(req_ctx *ctx);
int auth_refresh(req_ctx *ctx);
int auth_logout(req_ctx *ctx);
int auth_me(req_ctx *ctx);
int auth_change_password(req_ctx *ctx);

/* handlers/users.c */
int users_list(req_ctx *ctx);
int users_get(req_ctx *ctx);
int users_create(req_ctx *ctx);
int users_patch(req_ctx *ctx);
int users_delete(req_ctx *ctx);

/* handlers/geo.c */
int geo_nearest_centres(req_ctx *ctx);

#endif
