/* The only place read SQL is composed. Identifiers come from collection descriptors only;
 * every value travels as a $n text parameter. */
#ifndef KP_DB_SQL_H
#define KP_DB_SQL_H

#include "core/strbuf.h"
#include "model/collection.h"

#define PLAN_MAX_FIELDS 64
#define PLAN_MAX_CONDS  24
#define SQL_MAX_PARAMS  64

typedef enum cond_op { COND_MATCH, COND_FROM, COND_TO } cond_op;

typedef struct plan_cond {
    const filter *f;
    cond_op op;
    const char *value; /* validated text */
} plan_cond;

/* A parsed, validated list or item request. */
typedef struct read_plan {
    const collection *coll;
    unsigned char omit[PLAN_MAX_FIELDS];    /* fields= left this field out */
    unsigned char include[PLAN_MAX_FIELDS]; /* include= embeds this field */
    plan_cond conds[PLAN_MAX_CONDS];
    int nconds;
    const char *q;             /* q= search text */
    const char *updated_since; /* RFC 3339 */
    /* proximity: near= or near_municipality= */
    int near;
    char near_lat[32], near_lon[32];
    const char *near_municipality; /* number or name; the handler resolves it to near_lat/lon */
    char radius_m[32];             /* "" = no radius */
    /* ordering */
    const sort_key *sort; /* NULL with by_rank or by_distance */
    int by_rank, by_distance, desc;
    /* keyset: set when a cursor was given */
    int after;
    char after_value[512];
    char after_key[128];
    int limit;
    int geojson;
    int include_deleted; /* with updated_since: also list tombstones */
    const char *key;     /* item reads: the path key */
    /* who reads: anonymous readers see published items only */
    int viewer_all;             /* admins see drafts too */
    const char *viewer_centres; /* editors see their centres' drafts: uuid[] literal */
} read_plan;

typedef struct sql_stmt {
    strbuf sql;
    const char *params[SQL_MAX_PARAMS];
    int nparams;
} sql_stmt;

void sql_stmt_init(sql_stmt *st);
void sql_stmt_cleanup(sql_stmt *st);

/* A page: rows of (item json, sort value, key), limit+1 of them at most. */
int sql_list(const read_plan *p, sql_stmt *out);
/* SELECT count(*) with the same filters, no keyset. */
int sql_count(const read_plan *p, sql_stmt *out);
/* One item by key: rows of (item json, version or NULL); two rows mean the key is
 * ambiguous. */
int sql_item(const read_plan *p, sql_stmt *out);
/* Name of the sort column as it appears in a cursor ("name", "-date", "rank", "distance"). */
const char *sql_sort_label(const read_plan *p);

#endif
