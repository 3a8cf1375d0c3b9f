/* Query string → read_plan, checked against the collection descriptor (the generic gate:
 * handlers only ever see validated input). */
#ifndef KP_HANDLERS_READ_PLAN_H
#define KP_HANDLERS_READ_PLAN_H

#include "db/sql.h"
#include "http/context.h"

#define LIST_DEFAULT_LIMIT 20
#define LIST_MAX_LIMIT     100
#define LIST_MAX_VALUES    50  /* items in one comma list */
#define SEARCH_MAX_CHARS   200 /* q= */
#define RADIUS_MAX_KM      2000.0

/* Parameters for a list: filters, q, sort, cursor, limit, fields, include, count, near,
 * format. Sets *want_count for count=exact. */
int plan_list_from_query(req_ctx *ctx, read_plan *p, int *want_count);
/* Parameters for one item: fields, include, format. */
int plan_item_from_query(req_ctx *ctx, read_plan *p);
/* Anonymous readers see published items; admins everything; editors their centres' drafts. */
void plan_set_viewer(read_plan *p, const identity *who);
/* Runs a planned list and writes the response. */
int run_list(req_ctx *ctx, read_plan *p, int want_count);

#endif
