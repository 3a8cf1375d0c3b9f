/* List and get, generic over every collection descriptor. */
#include "auth/identity.h"
#include "db/pgerr.h"
#include "db/pool.h"
#include "handlers/handlers.h"
#include "handlers/read_plan.h"
#include "http/cursor.h"
#include "http/respond.h"
#include "model/values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODY_MAX (16 * 1024 * 1024)

/* The raw query without any cursor= parameter, for the next-page link. */
static void query_without_cursor(const char *raw, strbuf *out) {
    const char *p = raw;
    int first = 1;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (n && !(n >= 7 && strncmp(p, "cursor=", 7) == 0) &&
            !(n == 6 && strncmp(p, "cursor", 6) == 0)) {
            if (!first) sb_putc(out, '&');
            sb_append(out, p, n);
            first = 0;
        }
        p = amp ? amp + 1 : NULL;
    }
}

/* near_municipality= names a municipality by number or name: resolve it first so an
 * unknown one is a clear 404 rather than an empty list. */
static int resolve_municipality(req_ctx *ctx, db_conn *db, read_plan *p, char *number) {
    const char *params[1] = {p->near_municipality};
    PGresult *r = db_exec(db,
                          "SELECT number, ST_Y(location::geometry)::text, "
                          "ST_X(location::geometry)::text FROM municipality WHERE number = $1 "
                          "OR lookup_keys @> ARRAY[kp_slugify($1)] ORDER BY number LIMIT 2",
                          1, params, 1);
    int rc = 0;
    if (!db_ok(r)) {
        rc = pgerr_problem(&ctx->prob, r);
    } else if (PQntuples(r) == 0) {
        rc = problem_set(&ctx->prob, 404, "not-found", "no municipality is called \"%s\"",
                         p->near_municipality);
    } else if (PQntuples(r) > 1) {
        rc = problem_set(&ctx->prob, 404, "ambiguous",
                         "\"%s\" names more than one municipality; use its number (%s or %s)",
                         p->near_municipality, PQgetvalue(r, 0, 0), PQgetvalue(r, 1, 0));
    } else {
        /* from here on it is a plain point: the index orders by distance from a constant */
        snprintf(number, 8, "%s", PQgetvalue(r, 0, 0));
        snprintf(p->near_lat, sizeof p->near_lat, "%s", PQgetvalue(r, 0, 1));
        snprintf(p->near_lon, sizeof p->near_lon, "%s", PQgetvalue(r, 0, 2));
        p->near_municipality = NULL;
    }
    PQclear(r);
    return rc;
}

/* Appends the JSON object obj (its text, as PostgreSQL printed it) with one more member,
 * name: raw (a JSON number's text), last. */
static void append_member(strbuf *b, const char *obj, size_t len, const char *name,
                          const char *raw) {
    while (len > 0 && obj[len - 1] != '}')
        len--;
    if (len == 0) { /* not an object: cannot happen for a stored document; keep it whole */
        sb_puts(b, obj);
        return;
    }
    size_t body = len - 1;
    while (body > 0 && (obj[body - 1] == ' ' || obj[body - 1] == '\n'))
        body--;
    sb_append(b, obj, body);
    sb_printf(b, "%s\"%s\":%s}", body > 0 && obj[body - 1] == '{' ? "" : ",", name, raw);
}

int run_list(req_ctx *ctx, read_plan *p, int want_count) {
    int rc = -1;
    sql_stmt st, cst;
    sql_stmt_init(&st);
    sql_stmt_init(&cst);
    strbuf body, link;
    sb_init(&body, BODY_MAX);
    sb_init(&link, 8192);
    PGresult *r = NULL, *cr = NULL, *dr = NULL;
    char number[8];
    db_conn *db = db_acquire_or_problem(&ctx->prob);
    if (!db) goto done;
    if (auth_identify(ctx, db) != 0) goto done;
    plan_set_viewer(p, &ctx->who);
    if (p->near_municipality && resolve_municipality(ctx, db, p, number) != 0) goto done;
    if (sql_list(p, &st) != 0) {
        problem_set(&ctx->prob, 400, "bad-parameter", "the request is too complex");
        goto done;
    }
    r = db_exec(db, sb_str(&st.sql), st.nparams, st.params, 1);
    if (!db_ok(r)) {
        pgerr_problem(&ctx->prob, r);
        goto done;
    }
    if (want_count) {
        if (sql_count(p, &cst) != 0) goto done;
        cr = db_exec(db, sb_str(&cst.sql), cst.nparams, cst.params, 1);
        if (!db_ok(cr)) {
            pgerr_problem(&ctx->prob, cr);
            goto done;
        }
    }
    if (p->include_deleted) {
        const char *dp[2] = {p->coll->name, p->updated_since};
        dr = db_exec(db,
                     "SELECT coalesce(json_agg(json_build_object('id', item_id, 'slug', slug, "
                     "'deleted_at', deleted_at) ORDER BY deleted_at, item_id), '[]')::text "
                     "FROM tombstone WHERE collection = $1 AND deleted_at >= $2::timestamptz",
                     2, dp, 1);
        if (!db_ok(dr)) {
            pgerr_problem(&ctx->prob, dr);
            goto done;
        }
    }
    db_release(db);
    db = NULL;

    int rows = PQntuples(r);
    int shown = rows > p->limit ? p->limit : rows;
    sb_puts(&body, p->geojson ? "{\"type\":\"FeatureCollection\",\"features\":[" : "{\"items\":[");
    int spliced = PQnfields(r) > 3; /* distance_km for the stored document (db/sql.c) */
    for (int i = 0; i < shown; i++) {
        if (i) sb_putc(&body, ',');
        if (spliced)
            append_member(&body, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0), "distance_km",
                          PQgetvalue(r, i, 3));
        else
            sb_append(&body, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0));
    }
    sb_puts(&body, "],\"next\":");
    if (rows > p->limit) {
        cursor k;
        memset(&k, 0, sizeof k);
        snprintf(k.sort, sizeof k.sort, "%s", sql_sort_label(p));
        k.desc = p->desc;
        snprintf(k.value, sizeof k.value, "%s", PQgetvalue(r, shown - 1, 1));
        snprintf(k.key, sizeof k.key, "%s", PQgetvalue(r, shown - 1, 2));
        char enc[1200];
        if (cursor_encode(&k, enc, sizeof enc) != 0) {
            problem_set(&ctx->prob, 400, "bad-parameter", "the sort value is too long to page");
            goto done;
        }
        sb_printf(&body, "\"%s\"", enc);
        sb_printf(&link, "<%s?", ctx->path);
        query_without_cursor(ctx->raw_query, &link);
        sb_printf(&link, "%scursor=%s>; rel=\"next\"", link.data[link.len - 1] == '?' ? "" : "&",
                  enc);
        respond_header(ctx, "Link", sb_str(&link));
    } else {
        sb_puts(&body, "null");
    }
    if (cr) sb_printf(&body, ",\"total\":%s", PQgetvalue(cr, 0, 0));
    if (dr) {
        sb_puts(&body, ",\"deleted\":");
        sb_append(&body, PQgetvalue(dr, 0, 0), (size_t)PQgetlength(dr, 0, 0));
    }
    sb_putc(&body, '}');
    if (body.failed) {
        problem_set(&ctx->prob, 400, "too-large", "the answer is too large; ask for fewer items");
        goto done;
    }
    respond_body(ctx, 200, p->geojson ? "application/geo+json" : "application/json", body.data,
                 body.len, NULL, RESPOND_PUBLIC);
    rc = 0;
done:
    db_release(db);
    PQclear(r);
    PQclear(cr);
    PQclear(dr);
    sb_cleanup(&body);
    sb_cleanup(&link);
    sql_stmt_cleanup(&st);
    sql_stmt_cleanup(&cst);
    return rc;
}

int items_list(req_ctx *ctx) {
    read_plan p;
    memset(&p, 0, sizeof p);
    int want_count = 0;
    if (plan_list_from_query(ctx, &p, &want_count) != 0) return -1;
    return run_list(ctx, &p, want_count);
}

int items_get(req_ctx *ctx) {
    read_plan p;
    memset(&p, 0, sizeof p);
    if (plan_item_from_query(ctx, &p) != 0) return -1;
    const collection *c = ctx->coll;
    if (strlen(p.key) > 120)
        return problem_set(&ctx->prob, 404, "not-found", "no %s item has the key given", c->name);
    int rc = -1;
    sql_stmt st;
    sql_stmt_init(&st);
    PGresult *r = NULL;
    db_conn *db = db_acquire_or_problem(&ctx->prob);
    if (!db) goto done;
    if (auth_identify(ctx, db) != 0) {
        db_release(db);
        goto done;
    }
    plan_set_viewer(&p, &ctx->who);
    sql_item(&p, &st);
    r = db_exec(db, sb_str(&st.sql), st.nparams, st.params, 1);
    db_release(db);
    if (!db_ok(r)) {
        pgerr_problem(&ctx->prob, r);
        goto done;
    }
    if (PQntuples(r) == 0) {
        problem_set(&ctx->prob, 404, "not-found", "%s has no item \"%s\"", c->name, p.key);
        goto done;
    }
    if (PQntuples(r) > 1) {
        problem_set(&ctx->prob, 404, "ambiguous", "\"%s\" names more than one of %s; use its %s",
                    p.key, c->name, c->key);
        goto done;
    }
    respond_body(ctx, 200, p.geojson ? "application/geo+json" : "application/json",
                 PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0), PQgetvalue(r, 0, 1),
                 RESPOND_PUBLIC);
    rc = 0;
done:
    PQclear(r);
    sql_stmt_cleanup(&st);
    return rc;
}
