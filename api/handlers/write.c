/* POST, PATCH and DELETE for every writable collection. Each write is one transaction that
 * also records a revision and a change-feed row, so an acknowledged write is complete and a
 * failed one leaves nothing behind. */
#include "auth/identity.h"
#include "cache/cache.h"
#include "core/ids.h"
#include "db/pgerr.h"
#include "db/pool.h"
#include "db/sql.h"
#include "handlers/handlers.h"
#include "http/respond.h"
#include "log.h"
#include "model/validate.h"
#include "model/values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct item_row {
    char id[40];
    char slug[128];
    long version;
    char owner[40];
    int is_public;
    int organiser; /* networks: one of the editor's centres organises it */
} item_row;

/* Parses the body as a JSON object (415 for other media types, 400 when malformed). */
int read_json_body(req_ctx *ctx, int patch, json_t **out) {
    *out = NULL;
    const char *ct = u_map_get_case(ctx->req->map_header, "Content-Type");
    size_t n = 0;
    if (ct) n = strcspn(ct, "; ");
    int ok = ct && ((n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
                    (patch && n == 28 && strncasecmp(ct, "application/merge-patch+json", 28) == 0));
    if (!ok)
        return problem_set(&ctx->prob, 415, "unsupported-media-type",
                           "send the body as Content-Type: application/json%s",
                           patch ? " or application/merge-patch+json" : "");
    if (!ctx->req->binary_body || ctx->req->binary_body_length == 0)
        return problem_set(&ctx->prob, 400, "malformed-json", "the body is empty");
    json_error_t e;
    json_t *j =
        json_loadb(ctx->req->binary_body, ctx->req->binary_body_length, JSON_REJECT_DUPLICATES, &e);
    if (!j)
        return problem_set(&ctx->prob, 400, "malformed-json",
                           "the body is not valid JSON: %s (line %d, column %d)", e.text, e.line,
                           e.column);
    if (!json_is_object(j)) {
        json_decref(j);
        return problem_set(&ctx->prob, 400, "malformed-json", "the body must be a JSON object");
    }
    *out = j;
    return 0;
}

static int wants_minimal(req_ctx *ctx) {
    const char *p = u_map_get_case(ctx->req->map_header, "Prefer");
    return p && strstr(p, "return=minimal") != NULL;
}

static int begin(req_ctx *ctx, db_conn *db) {
    PGresult *r = db_exec_once(db, "BEGIN", 0, NULL);
    int ok = db_ok(r);
    if (!ok) pgerr_problem(&ctx->prob, r);
    PQclear(r);
    return ok ? 0 : -1;
}

/* Begins the write's transaction and locks the item named by the path key. 404 when it
 * does not exist. */
static int load_for_write(req_ctx *ctx, db_conn *db, item_row *row) {
    const collection *c = ctx->coll;
    char sql[640];
    int by_id = value_is_uuid(ctx->key);
    if (!by_id && !value_is_slug(ctx->key))
        return problem_set(&ctx->prob, 404, "not-found", "%s has no item \"%s\"", c->name,
                           ctx->key);
    snprintf(sql, sizeof sql,
             "SELECT x.id::text, x.slug, x.version, coalesce(x.owner_centre_id::text, ''), "
             "kp_is_public(x.status, x.publish_at), %s FROM %s x WHERE %s FOR UPDATE",
             c->rule == RULE_NETWORK
                 ? "EXISTS (SELECT 1 FROM network_organiser_centre o WHERE o.network_id = x.id "
                   "AND o.centre_id = ANY($2::uuid[]))"
                 : "false",
             c->table, by_id ? "x.id = $1::uuid" : "x.slug = $1");
    const char *params[2] = {ctx->key, ctx->who.centres[0] ? ctx->who.centres : "{}"};
    /* BEGIN and the lock in one round trip */
    db_step steps[2] = {{"BEGIN", 0, NULL}, {sql, c->rule == RULE_NETWORK ? 2 : 1, params}};
    PGresult *res[2];
    int failed = db_pipeline(db, steps, 2, res);
    PGresult *r = res[1];
    int rc = 0;
    if (failed >= 0) {
        rc = pgerr_problem(&ctx->prob, failed < 2 ? res[failed] : NULL);
    } else if (PQntuples(r) == 0) {
        rc = problem_set(&ctx->prob, 404, "not-found", "%s has no item \"%s\"", c->name, ctx->key);
    } else {
        snprintf(row->id, sizeof row->id, "%s", PQgetvalue(r, 0, 0));
        snprintf(row->slug, sizeof row->slug, "%s", PQgetvalue(r, 0, 1));
        row->version = atol(PQgetvalue(r, 0, 2));
        snprintf(row->owner, sizeof row->owner, "%s", PQgetvalue(r, 0, 3));
        row->is_public = PQgetvalue(r, 0, 4)[0] == 't';
        row->organiser = PQgetvalue(r, 0, 5)[0] == 't';
    }
    PQclear(res[0]);
    PQclear(res[1]);
    return rc;
}

/* The ownership rule of the collection, for changing an existing item. */
static int may_change(req_ctx *ctx, const item_row *row, int deleting) {
    const identity *w = &ctx->who;
    if (w->admin) return 0;
    const collection *c = ctx->coll;
    int own = auth_has_centre(w, row->owner);
    int allowed = 0;
    switch (c->rule) {
    case RULE_CENTRE_CONTENT:
        allowed = own;
        break;
    case RULE_CENTRE_RECORD:
        allowed = !deleting && (own || auth_has_centre(w, row->id));
        break;
    case RULE_NETWORK:
        allowed = !deleting && (own || row->organiser);
        break;
    default:
        allowed = 0;
    }
    if (allowed) return 0;
    if (!row->is_public && !own)
        return problem_set(&ctx->prob, 404, "not-found", "%s has no item \"%s\"", c->name,
                           ctx->key);
    return problem_set(&ctx->prob, 403, "forbidden",
                       deleting && c->rule != RULE_CENTRE_CONTENT
                           ? "only admins delete %s"
                           : "this item belongs to another centre; you may change only your "
                             "own centre's %s",
                       c->name);
}

/* If-Match names the version the client read; any other is 412 (nothing changes). */
static int check_if_match(req_ctx *ctx, const item_row *row) {
    long want = if_match_version(ctx);
    if (want == -3 || (want >= 0 && want != row->version))
        return problem_set(&ctx->prob, 412, "precondition-failed",
                           "the item has changed since you read it (it is now version %ld); "
                           "read it again and reapply your change",
                           row->version);
    return 0;
}

/* Who owns a new item; 403/422 when an editor may not create it. */
static int owner_for_create(req_ctx *ctx, write_set *ws, const char *id) {
    const identity *w = &ctx->who;
    const collection *c = ctx->coll;
    if (w->admin) {
        /* a centre owns its own record unless told otherwise */
        if (!ws->has_owner && !ws->owner_null && c->rule == RULE_CENTRE_RECORD) {
            int k = ws_param(ws, id);
            snprintf(ws->cols[ws->ncols].expr, sizeof ws->cols[ws->ncols].expr, "$%d::uuid", k);
            ws->cols[ws->ncols++].column = "owner_centre_id";
        }
        return 0;
    }
    if (c->rule != RULE_CENTRE_CONTENT)
        return problem_set(&ctx->prob, 403, "forbidden", "only admins add %s", c->name);
    if (ws->owner_null || (ws->has_owner && !auth_has_centre(w, ws->owner_centre)))
        return problem_set(&ctx->prob, 403, "forbidden",
                           "you may publish only for your own centre(s)");
    if (ws->has_owner) return 0;
    if (w->ncentres == 0)
        return problem_set(&ctx->prob, 403, "forbidden",
                           "your account is not bound to a centre; ask an admin");
    if (w->ncentres > 1) {
        problem_add_error(&ctx->prob, "owner_centre",
                          "is required: you publish for several centres, so name one");
        return problem_set(&ctx->prob, 422, "validation-failed", "1 field(s) failed validation");
    }
    int k = ws_param(ws, w->first_centre);
    snprintf(ws->cols[ws->ncols].expr, sizeof ws->cols[ws->ncols].expr, "$%d::uuid", k);
    ws->cols[ws->ncols++].column = "owner_centre_id";
    return 0;
}

/* The problem for a failed write statement (r NULL: the connection failed). */
static void write_error(req_ctx *ctx, const PGresult *r) {
    if (r) {
        /* a taken slug names its field */
        if (strcmp(db_sqlstate(r), "23505") == 0) {
            const char *cons = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
            if (cons && strstr(cons, "slug"))
                problem_add_error(&ctx->prob, "slug", "is already taken by another item");
        } else if (strcmp(db_sqlstate(r), "23502") == 0) {
            const char *col = PQresultErrorField(r, PG_DIAG_COLUMN_NAME);
            problem_add_error(&ctx->prob, col ? col : "", "may not be null");
        } else if (strcmp(db_sqlstate(r), "23503") == 0) {
            const char *col = PQresultErrorField(r, PG_DIAG_COLUMN_NAME);
            const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
            if (col && strcmp(col, "tags") == 0)
                problem_add_error(&ctx->prob, "tags", msg ? msg : "unknown tag");
        }
    }
    pgerr_problem(&ctx->prob, r);
}

static int exec_ok(req_ctx *ctx, db_conn *db, const char *sql, int n, const char *const *params,
                   PGresult **out) {
    PGresult *r = db_exec(db, sql, n, params, 0);
    if (!db_ok(r)) {
        write_error(ctx, r);
        PQclear(r);
        return -1;
    }
    if (out)
        *out = r;
    else
        PQclear(r);
    return 0;
}

/* The statements that end a write, sent together in one round trip (db_pipeline): link
 * tables, revision, change feed, schedule and tombstone, then the item as stored, COMMIT
 * and the move of the shared cache generation (api/cache/cache.h). The first failure aborts the
 * rest, COMMIT included. */
#define TAIL_MAX 24
typedef struct write_tail {
    int n, overflow;
    db_step steps[TAIL_MAX];
    char sql[TAIL_MAX][384];
    const char *params[TAIL_MAX][6];
} write_tail;

/* Adds a statement; sql must live until the tail is sent (or be t->sql[t->n]). */
static void tail_add(write_tail *t, const char *sql, int nparams, const char *const *params) {
    if (t->n >= TAIL_MAX || nparams > 6) {
        t->overflow = 1;
        return;
    }
    for (int i = 0; i < nparams; i++)
        t->params[t->n][i] = params[i];
    t->steps[t->n] = (db_step){sql, nparams, t->params[t->n]};
    t->n++;
}

/* The buffer for the next statement's SQL text. */
static char *tail_sql(write_tail *t) {
    return t->sql[t->n < TAIL_MAX ? t->n : TAIL_MAX - 1];
}

/* Link tables, revision and change feed: the rest of the write's transaction. */
static void queue_record(req_ctx *ctx, write_tail *t, write_set *ws, const char *id,
                         const char *action, const char *changes, const char *version,
                         int was_public, int is_public, const char *slug) {
    const collection *c = ctx->coll;
    size_t cap = sizeof t->sql[0];
    for (int i = 0; ws && i < ws->nlinks; i++) {
        const ws_link *l = &ws->links[i];
        const char *params[2] = {id, l->value};
        /* Replace the item's links: delete, then insert (one statement would see the old
         * rows through its snapshot). */
        snprintf(tail_sql(t), cap, "DELETE FROM %s WHERE %s_id = $1::uuid", l->table, c->table);
        tail_add(t, tail_sql(t), 1, params);
        snprintf(tail_sql(t), cap,
                 "INSERT INTO %s (%s_id, %s) SELECT DISTINCT $1::uuid, x FROM unnest($2::uuid[]) x",
                 l->table, c->table, l->column);
        tail_add(t, tail_sql(t), 2, params);
    }
    const char *rev[6] = {c->name, id, version, action, ctx->who.user_id, changes};
    tail_add(t,
             "INSERT INTO revision (collection, item_id, version, action, user_id, changes) "
             "VALUES ($1, $2::uuid, $3::integer, $4, $5::uuid, $6::jsonb)",
             6, rev);
    const char *feed = is_public ? "upsert" : was_public ? "delete" : NULL;
    if (strcmp(action, "delete") == 0) feed = was_public ? "delete" : NULL;
    if (feed) {
        const char *ch[4] = {c->name, id, slug, feed};
        tail_add(t,
                 "INSERT INTO change (collection, item_id, slug, action) "
                 "VALUES ($1, $2::uuid, $3, $4)",
                 4, ch);
    }
    /* An item published for later is announced when its time comes (db/scheduler.c). */
    const char *sp[2] = {c->name, id};
    tail_add(t, "DELETE FROM scheduled_publication WHERE collection = $1 AND item_id = $2::uuid", 2,
             sp);
    if (strcmp(action, "delete") != 0) {
        snprintf(tail_sql(t), cap,
                 "INSERT INTO scheduled_publication (collection, item_id, slug, publish_at) "
                 "SELECT $1, id, slug, publish_at FROM %s WHERE id = $2::uuid AND "
                 "status = 'published' AND publish_at > now()",
                 c->table);
        tail_add(t, tail_sql(t), 2, sp);
    }
    /* Syncing clients learn about items that left the public view: deleted or unpublished. */
    if (was_public && (strcmp(action, "delete") == 0 || !is_public)) {
        const char *tb[3] = {c->name, id, slug};
        tail_add(t,
                 "INSERT INTO tombstone (collection, item_id, slug) VALUES ($1, $2::uuid, $3) "
                 "ON CONFLICT (collection, item_id) DO UPDATE SET deleted_at = now()",
                 3, tb);
    }
    if (is_public) {
        const char *tb[2] = {c->name, id};
        tail_add(t, "DELETE FROM tombstone WHERE collection = $1 AND item_id = $2::uuid", 2, tb);
    }
}

/* Sends the tail with, when item_id is given, a read of the stored item (drafts included;
 * *item gets it), then COMMIT and the move of the shared cache generation; then waits for
 * the other instances to drop their cached answers, so that none serves the old answer
 * once the client hears 2xx. */
static int finish_write(req_ctx *ctx, db_conn *db, write_tail *t, const char *item_id,
                        PGresult **item) {
    sql_stmt st;
    sql_stmt_init(&st);
    int item_step = -1;
    if (item_id) {
        read_plan p;
        memset(&p, 0, sizeof p);
        p.coll = ctx->coll;
        p.key = item_id;
        p.viewer_all = 1;
        sql_item(&p, &st);
        item_step = t->n;
        tail_add(t, sb_str(&st.sql), st.nparams, st.params);
        if (st.sql.failed) t->overflow = 1;
    }
    int commit_step = t->n;
    tail_add(t, "COMMIT", 0, NULL);
    /* always: other instances may cache even when this one does not */
    const char *me[1] = {cache_instance_id()};
    int advance_step = t->n;
    tail_add(t, "SELECT generation, pending FROM kp_cache_advance($1::uuid)", 1, me);
    PGresult *res[TAIL_MAX] = {0};
    int failed = -1;
    if (t->overflow) {
        log_error("a write needs more than %d statements", TAIL_MAX);
        problem_set(&ctx->prob, 500, "internal", "the write could not be completed");
        failed = t->n;
    } else {
        failed = db_pipeline(db, t->steps, t->n, res);
        if (failed > commit_step && failed < t->n) {
            log_warn("committed, but the cache generation could not be moved; other instances "
                     "catch up through LISTEN");
            failed = -1;
        } else if (failed >= 0) {
            write_error(ctx, failed < t->n ? res[failed] : NULL);
        }
    }
    int rc = failed < 0 ? 0 : -1;
    if (rc == 0) {
        cache_note_write();
        PGresult *adv = res[advance_step];
        if (adv && PQresultStatus(adv) == PGRES_TUPLES_OK && PQntuples(adv) == 1)
            cache_await_others(db_pg(db), atoll(PQgetvalue(adv, 0, 0)),
                               atoll(PQgetvalue(adv, 0, 1)));
        if (item_step >= 0) {
            *item = res[item_step];
            res[item_step] = NULL;
        }
    }
    for (int i = 0; i < t->n; i++)
        PQclear(res[i]);
    sql_stmt_cleanup(&st);
    return rc;
}

/* Ends a write that answers the stored item: records it, commits and responds. */
static int finish_and_respond(req_ctx *ctx, db_conn *db, write_tail *t, const char *id,
                              int status) {
    PGresult *r = NULL;
    if (finish_write(ctx, db, t, id, &r) != 0) return -1;
    if (PQntuples(r) != 1) { /* cannot happen: read in the write's own transaction */
        PQclear(r);
        log_error("the item just written could not be read back");
        return problem_set(&ctx->prob, 500, "internal", "the stored item could not be read");
    }
    char location[256];
    snprintf(location, sizeof location, "/v1/%s/%s", ctx->coll->name, id);
    if (status == 201) respond_header(ctx, "Location", location);
    if (wants_minimal(ctx)) {
        char etag[48];
        etag_of(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0), PQgetvalue(r, 0, 1), etag);
        respond_header(ctx, "ETag", etag);
        respond_header(ctx, "Preference-Applied", "return=minimal");
        respond_header(ctx, "Cache-Control", "no-store");
        respond_empty(ctx, status == 201 ? 201 : 204);
    } else {
        respond_body(ctx, status, "application/json", PQgetvalue(r, 0, 0),
                     (size_t)PQgetlength(r, 0, 0), PQgetvalue(r, 0, 1), 0);
    }
    PQclear(r);
    return 0;
}

static void build_insert(const collection *c, write_set *ws, const char *id_param,
                         const char *user_param, strbuf *sql) {
    sb_printf(sql, "INSERT INTO %s (id", c->table);
    for (int i = 0; i < ws->ncols; i++)
        sb_printf(sql, ", \"%s\"", ws->cols[i].column);
    if (!ws->has_slug) sb_puts(sql, ", slug");
    sb_printf(sql, ", created_by, updated_by) VALUES (%s::uuid", id_param);
    for (int i = 0; i < ws->ncols; i++)
        sb_printf(sql, ", %s", ws->cols[i].expr);
    if (!ws->has_slug) sb_printf(sql, ", kp_unique_slug('%s', $%d)", c->table, ws->name_param_no);
    sb_printf(sql,
              ", %s::uuid, %s::uuid) RETURNING version::text, "
              "kp_is_public(status, publish_at), slug",
              user_param, user_param);
}

int items_create(req_ctx *ctx) {
    json_t *body = NULL;
    db_conn *db = NULL;
    PGresult *r = NULL;
    write_set ws;
    write_set_init(&ws);
    strbuf sql;
    sb_init(&sql, 64 * 1024);
    char *changes = NULL;
    int rc = -1;
    char id[40];
    id_new_uuid(id);
    write_tail tail; /* ~10 kB of the worker's stack */
    tail.n = tail.overflow = 0;
    if (query_reject_unused(&ctx->q, &ctx->prob) != 0) goto done;
    if (!(db = db_acquire_or_problem(&ctx->prob))) goto done;
    if (auth_require(ctx, db) != 0) goto done;
    if (!ctx->who.admin && ctx->coll->rule != RULE_CENTRE_CONTENT) {
        problem_set(&ctx->prob, 403, "forbidden", "only admins add %s", ctx->coll->name);
        goto done;
    }
    if (read_json_body(ctx, 0, &body) != 0) goto done;
    if (begin(ctx, db) != 0) goto done;
    if (validate_body(ctx->coll, body, 1, db, &ws, &ctx->prob) != 0) goto done;
    if (owner_for_create(ctx, &ws, id) != 0) goto done;
    char idp[8], up[8];
    snprintf(idp, sizeof idp, "$%d", ws_param(&ws, id));
    snprintf(up, sizeof up, "$%d", ws_param(&ws, ctx->who.user_id));
    build_insert(ctx->coll, &ws, idp, up, &sql);
    if (sql.failed ||
        exec_ok(ctx, db, sb_str(&sql), ws.nparams, (const char *const *)ws.params, &r) != 0)
        goto done;
    changes = json_dumps(body, JSON_COMPACT);
    queue_record(ctx, &tail, &ws, id, "create", changes, PQgetvalue(r, 0, 0), 0,
                 PQgetvalue(r, 0, 1)[0] == 't', PQgetvalue(r, 0, 2));
    rc = finish_and_respond(ctx, db, &tail, id, 201);
done:
    PQclear(r);
    db_release(db); /* rolls back an open transaction */
    json_decref(body);
    free(changes);
    write_set_cleanup(&ws);
    sb_cleanup(&sql);
    return rc;
}

int items_patch(req_ctx *ctx) {
    json_t *body = NULL;
    db_conn *db = NULL;
    PGresult *r = NULL;
    write_set ws;
    write_set_init(&ws);
    strbuf sql;
    sb_init(&sql, 64 * 1024);
    char *changes = NULL;
    int rc = -1;
    item_row row;
    memset(&row, 0, sizeof row);
    write_tail tail;
    tail.n = tail.overflow = 0;
    if (query_reject_unused(&ctx->q, &ctx->prob) != 0) goto done;
    if (!(db = db_acquire_or_problem(&ctx->prob))) goto done;
    if (auth_require(ctx, db) != 0) goto done;
    if (read_json_body(ctx, 1, &body) != 0) goto done;
    if (load_for_write(ctx, db, &row) != 0) goto done;
    /* Rights first: a 412 would tell a stranger that a draft exists. */
    if (may_change(ctx, &row, 0) != 0) goto done;
    if (check_if_match(ctx, &row) != 0) goto done;
    if (validate_body(ctx->coll, body, 0, db, &ws, &ctx->prob) != 0) goto done;
    if (!ctx->who.admin &&
        (ws.owner_null || (ws.has_owner && !auth_has_centre(&ctx->who, ws.owner_centre)))) {
        problem_set(&ctx->prob, 403, "forbidden",
                    "you may hand an item only to your own centre(s)");
        goto done;
    }
    int idk = ws_param(&ws, row.id), uk = ws_param(&ws, ctx->who.user_id);
    sb_printf(&sql, "UPDATE %s SET ", ctx->coll->table);
    for (int i = 0; i < ws.ncols; i++)
        sb_printf(&sql, "\"%s\" = %s, ", ws.cols[i].column, ws.cols[i].expr);
    sb_printf(&sql,
              "updated_by = $%d::uuid WHERE id = $%d::uuid RETURNING version::text, "
              "kp_is_public(status, publish_at), slug",
              uk, idk);
    if (sql.failed ||
        exec_ok(ctx, db, sb_str(&sql), ws.nparams, (const char *const *)ws.params, &r) != 0)
        goto done;
    changes = json_dumps(body, JSON_COMPACT);
    queue_record(ctx, &tail, &ws, row.id, "update", changes, PQgetvalue(r, 0, 0), row.is_public,
                 PQgetvalue(r, 0, 1)[0] == 't', PQgetvalue(r, 0, 2));
    rc = finish_and_respond(ctx, db, &tail, row.id, 200);
done:
    PQclear(r);
    db_release(db);
    json_decref(body);
    free(changes);
    write_set_cleanup(&ws);
    sb_cleanup(&sql);
    return rc;
}

int items_delete(req_ctx *ctx) {
    db_conn *db = NULL;
    PGresult *before = NULL;
    int rc = -1;
    item_row row;
    memset(&row, 0, sizeof row);
    sql_stmt st;
    sql_stmt_init(&st);
    write_tail tail;
    tail.n = tail.overflow = 0;
    if (query_reject_unused(&ctx->q, &ctx->prob) != 0) goto done;
    if (!(db = db_acquire_or_problem(&ctx->prob))) goto done;
    if (auth_require(ctx, db) != 0) goto done;
    if (load_for_write(ctx, db, &row) != 0) goto done;
    if (may_change(ctx, &row, 1) != 0) goto done;
    if (check_if_match(ctx, &row) != 0) goto done;
    /* The revision keeps the item as it was. */
    read_plan p;
    memset(&p, 0, sizeof p);
    p.coll = ctx->coll;
    p.key = row.id;
    p.viewer_all = 1;
    sql_item(&p, &st);
    if (exec_ok(ctx, db, sb_str(&st.sql), st.nparams, st.params, &before) != 0) goto done;
    char sql[256];
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = $1::uuid", ctx->coll->table);
    const char *params[1] = {row.id};
    PGresult *r = db_exec(db, sql, 1, params, 0);
    if (!db_ok(r)) {
        if (strcmp(db_sqlstate(r), "23503") == 0)
            problem_set(&ctx->prob, 409, "still-referenced",
                        "other items refer to this one; remove those references first");
        else
            pgerr_problem(&ctx->prob, r);
        PQclear(r);
        goto done;
    }
    PQclear(r);
    char version[24];
    snprintf(version, sizeof version, "%ld", row.version + 1);
    queue_record(ctx, &tail, NULL, row.id, "delete",
                 PQntuples(before) ? PQgetvalue(before, 0, 0) : "{}", version, row.is_public, 0,
                 row.slug);
    if (finish_write(ctx, db, &tail, NULL, NULL) != 0) goto done;
    respond_header(ctx, "Cache-Control", "no-store");
    rc = respond_empty(ctx, 204);
done:
    PQclear(before);
    db_release(db);
    sql_stmt_cleanup(&st);
    return rc;
}
