/* A municipality's question: which user-run centres are nearest? The same list as
 * /v1/centres?near_municipality=<key>, with 5 items unless limit= says otherwise. */
#include "handlers/handlers.h"
#include "handlers/read_plan.h"

#include <string.h>

#define NEAREST_DEFAULT_LIMIT 5

int geo_nearest_centres(req_ctx *ctx) {
    read_plan p;
    memset(&p, 0, sizeof p);
    int want_count = 0;
    p.near = 1;
    p.near_municipality = ctx->key; /* resolved, or 404, by run_list */
    ctx->coll = collection_find("centres");
    ctx->key = NULL;
    int default_limit = query_get(&ctx->q, "limit") == NULL;
    if (plan_list_from_query(ctx, &p, &want_count) != 0) return -1;
    if (default_limit) p.limit = NEAREST_DEFAULT_LIMIT;
    return run_list(ctx, &p, want_count);
}
