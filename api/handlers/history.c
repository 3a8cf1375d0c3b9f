/* What changed: the public change feed and an item's revisions. */
#include "auth/identity.h"
#include "db/pgerr.h"
#include "db/pool.h"
#include "handlers/handlers.h"
#include "http/respond.h"
#include "model/values.h"

#include <stdio.h>
#include <string.h>

#define CHANGES_DEFAULT_LIMIT 100
#define CHANGES_MAX_LIMIT     1000

/* GET /v1/changes?since=<cursor>&limit=n. Rows of transactions that might still commit
 * behind visible ones are held back (xid below the snapshot's xmin), so a client that
 * follows `next` never skips a change. */
int changes_feed(req_ctx *ctx) {
    const char *since = query_get(&ctx->q, "since");
    const char *limit = query_get(&ctx->q, "limit");
    long n = CHANGES_DEFAULT_LIMIT, s = 0;
    if (since && !value_parse_long(since, 0, 9000000000000000000L, &s))
        return problem_bad_param(&ctx->prob, "since", "since must be a cursor from \"next\"");
    if (limit && !value_parse_long(limit, 1, CHANGES_MAX_LIMIT, &n))
        return problem_bad_param(&ctx->prob, "limit", "limit must be an integer from 1 to %d",
                                 CHANGES_MAX_LIMIT);
    if (query_reject_unused(&ctx->q, &ctx->prob) != 0) return -1;
    db_conn *db = db_acquire_or_problem(&ctx->prob);
    if (!db) return -1;
    char sbuf[24], nbuf[24];
    snprintf(sbuf, sizeof sbuf, "%ld", s);
    snprintf(nbuf, sizeof nbuf, "%ld", n);
    const char *p[2] = {sbuf, nbuf};
    PGresult *r = db_exec(
        db,
        "WITH page AS (SELECT seq, collection, item_id, slug, action, at FROM change "
        "WHERE seq > $1::bigint AND xid < pg_snapshot_xmin(pg_current_snapshot()) "
        "ORDER BY seq LIMIT $2::int) "
        "SELECT json_build_object('items', coalesce(json_agg(json_build_object('seq', seq, "
        "'collection', collection, 'id', item_id, 'slug', slug, 'action', action, 'at', at) "
        "ORDER BY seq), '[]'), 'next', coalesce(max(seq), $1::bigint)::text, "
        "'more', count(*) = $2::int)::text FROM page",
        2, p, 1);
    db_release(db);
    int rc = -1;
    if (!db_ok(r))
        pgerr_problem(&ctx->prob, r);
    else
        rc = respond_json(ctx, 200, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0),
                          RESPOND_PUBLIC);
    PQclear(r);
    return rc;
}

/* GET /v1/<collection>/{key}/revisions: for admins and the owning centre's editors. */
int items_revisions(req_ctx *ctx) {
    if (query_reject_unused(&ctx->q, &ctx->prob) != 0) return -1;
    const collection *c = ctx->coll;
    if (!value_is_uuid(ctx->key) && !value_is_slug(ctx->key))
        return problem_set(&ctx->prob, 404, "not-found", "%s has no item \"%s\"", c->name,
                           ctx->key);
    db_conn *db = db_acquire_or_problem(&ctx->prob);
    if (!db) return -1;
    int rc = -1;
    PGresult *r = NULL;
    if (auth_require(ctx, db) != 0) goto done;
    char sql[1024];
    /* The item may be deleted: then its id is the key, and the revisions are still there.
     * A key is compared as what it is (a uuid, or a slug), so each lookup uses its index. */
    int uuid = value_is_uuid(ctx->key);
    snprintf(sql, sizeof sql,
             "WITH item AS (SELECT id, owner_centre_id FROM %s WHERE %s "
             "UNION ALL SELECT t.item_id, NULL FROM tombstone t WHERE t.collection = $2 AND "
             "%s AND NOT EXISTS (SELECT 1 FROM %s WHERE id = t.item_id)) "
             "SELECT (SELECT owner_centre_id::text FROM item), (SELECT count(*) FROM item), "
             "(SELECT json_build_object('items', coalesce(json_agg(json_build_object("
             "'version', r.version, 'action', r.action, 'at', r.at, 'user', CASE WHEN u.id IS "
             "NULL THEN NULL ELSE json_build_object('id', u.id, 'email', u.email) END, "
             "'changes', r.changes) ORDER BY r.id DESC), '[]'), 'next', NULL)::text "
             "FROM revision r LEFT JOIN app_user u ON u.id = r.user_id "
             "WHERE r.collection = $2 AND r.item_id = (SELECT id FROM item LIMIT 1))",
             c->table, uuid ? "id = $1::uuid" : "slug = $1",
             uuid ? "t.item_id = $1::uuid" : "false", c->table);
    const char *p[2] = {ctx->key, c->name};
    r = db_exec(db, sql, 2, p, 1);
    if (!db_ok(r)) {
        pgerr_problem(&ctx->prob, r);
        goto done;
    }
    if (PQgetvalue(r, 0, 1)[0] == '0') {
        problem_set(&ctx->prob, 404, "not-found", "%s has no item \"%s\"", c->name, ctx->key);
        goto done;
    }
    if (!ctx->who.admin && !auth_has_centre(&ctx->who, PQgetvalue(r, 0, 0))) {
        problem_set(&ctx->prob, 403, "forbidden",
                    "revisions are shown to admins and to the owning centre's editors");
        goto done;
    }
    rc = respond_json(ctx, 200, PQgetvalue(r, 0, 2), (size_t)PQgetlength(r, 0, 2), 0);
done:
    PQclear(r);
    db_release(db);
    return rc;
}
