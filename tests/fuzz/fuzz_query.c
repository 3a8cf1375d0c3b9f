/* The query-string parser and the list planner: query_parse on the input as a raw query
 * string, then plan_list_from_query for every collection and, when planning succeeds, the SQL
 * of the list and its count. Invariants: a failure is a rendered 400/406 problem that is valid
 * JSON and keeps its detail; every $n in the SQL names a parameter, and every parameter is
 * used (PostgreSQL refuses an untyped parameter it never sees).
 *
 * The first input byte also picks the request's shape (it is still part of the query, so
 * prefixing '&' leaves the query as it was): bit 0 an Accept: application/geo+json header,
 * bits 1-2 the reader (anonymous, admin, editor), bit 3 the /v1/municipalities/{key}/nearest
 * route (a preset near_municipality) for collections with a location. */
#include "fuzz.h"

#include "config.h"
#include "db/sql.h"
#include "handlers/read_plan.h"
#include "http/context.h"
#include "http/problem.h"
#include "http/query.h"
#include "model/collection.h"

#include <jansson.h>
#include <string.h>
#include <ulfius.h>

#define FUZZ_MAX_INPUT 65536

/* The settings a server started without environment variables has (config.c's defaults). */
static const config default_config = {
    .database_url = "postgresql:///knutepunkt",
    .bind_address = "127.0.0.1",
    .port = 8080,
    .threads = 8,
    .db_pool_size = 8,
    .db_acquire_ms = 2000,
    .statement_timeout_ms = 5000,
    .max_body_bytes = 1048576,
    .connection_limit = 1024,
    .per_ip_connection_limit = 64,
    .connection_timeout_s = 10,
    .cors_origins = "*",
    .log_format = "text",
    .app_env = "development",
    .migrations_dir = "migrations",
    .openapi_path = "migrations/../openapi/openapi.json",
    .data_dir = "var",
    .auto_migrate = 1,
    .cache_max_age_s = 30,
    .cache_max_bytes = 8388608,
    .cache_ttl_ms = 5000,
    .admin_email = "admin@knutepunkt.local",
};

/* The problem must render as JSON that still carries its detail and parameter (a string
 * that is not valid UTF-8 would be dropped silently by jansson). */
static void check_problem(const problem *p, const char *where) {
    FUZZ_ASSERT(p->status == 400 || p->status == 406, "%s: status %d", where, p->status);
    size_t len = 0;
    char *body = problem_render(p, "/v1/x", "req-1", &len);
    FUZZ_ASSERT(body != NULL, "%s: problem_render gave NULL", where);
    json_error_t e;
    json_t *o = json_loadb(body, len, 0, &e);
    FUZZ_ASSERT(json_is_object(o), "%s: problem is not a JSON object: %s", where, body);
    FUZZ_ASSERT(json_integer_value(json_object_get(o, "status")) == p->status, "%s: %s", where,
                body);
    if (p->detail[0])
        FUZZ_ASSERT(json_is_string(json_object_get(o, "detail")),
                    "%s: detail lost in rendering (not valid UTF-8?): \"%s\"", where, p->detail);
    if (p->parameter[0])
        FUZZ_ASSERT(json_is_string(json_object_get(o, "parameter")),
                    "%s: parameter lost in rendering: \"%s\"", where, p->parameter);
    if (p->status == 400 && p->parameter[0])
        FUZZ_ASSERT(json_array_size(json_object_get(o, "errors")) > 0,
                    "%s: 400 naming \"%s\" without errors[]: %s", where, p->parameter, body);
    json_decref(o);
    free(body);
}

/* Every $n is 1..nparams, every parameter is non-NULL and used at least once. */
static void check_sql(const sql_stmt *st, const char *what, const char *coll) {
    const char *sql = sb_str(&st->sql);
    FUZZ_ASSERT(!st->sql.failed, "%s %s: failed buffer returned success", coll, what);
    FUZZ_ASSERT(strlen(sql) == st->sql.len, "%s %s: NUL inside the SQL", coll, what);
    FUZZ_ASSERT(st->nparams >= 0 && st->nparams <= SQL_MAX_PARAMS, "%s %s: nparams %d", coll, what,
                st->nparams);
    unsigned char used[SQL_MAX_PARAMS + 1] = {0};
    for (const char *s = sql; (s = strchr(s, '$')) != NULL;) {
        s++;
        if (*s < '0' || *s > '9') continue;
        long n = strtol(s, (char **)&s, 10);
        FUZZ_ASSERT(n >= 1 && n <= st->nparams, "%s %s: $%ld with %d parameters: %s", coll, what, n,
                    st->nparams, sql);
        used[n] = 1;
    }
    for (int i = 0; i < st->nparams; i++) {
        FUZZ_ASSERT(st->params[i] != NULL, "%s %s: parameter $%d is NULL", coll, what, i + 1);
        FUZZ_ASSERT(used[i + 1], "%s %s: parameter $%d (\"%s\") is never used: %s", coll, what,
                    i + 1, st->params[i], sql);
    }
}

static void plan_one(const collection *c, const query *parsed, const struct _u_request *req,
                     unsigned flags) {
    req_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.req = req;
    ctx.cfg = &default_config;
    snprintf(ctx.method, sizeof ctx.method, "GET");
    ctx.coll = c;
    ctx.q = *parsed; /* a shallow copy: the strings stay owned by `parsed` */
    for (int i = 0; i < ctx.q.n; i++)
        ctx.q.items[i].used = 0;

    read_plan p;
    memset(&p, 0, sizeof p);
    if ((flags & 8) && c->geo) { /* as geo_nearest_centres does */
        p.near = 1;
        p.near_municipality = "5001";
    }
    int want_count = -1;
    if (plan_list_from_query(&ctx, &p, &want_count) != 0) {
        check_problem(&ctx.prob, c->name);
        problem_cleanup(&ctx.prob);
        return;
    }
    FUZZ_ASSERT(ctx.prob.status == 0, "%s: planned, yet problem %d", c->name, ctx.prob.status);
    FUZZ_ASSERT(want_count == 0 || want_count == 1, "%s: want_count %d", c->name, want_count);
    FUZZ_ASSERT(p.coll == c && p.limit >= 1 && p.limit <= LIST_MAX_LIMIT, "%s: limit %d", c->name,
                p.limit);
    FUZZ_ASSERT(p.nconds >= 0 && p.nconds <= PLAN_MAX_CONDS, "%s: nconds %d", c->name, p.nconds);
    FUZZ_ASSERT(p.sort || p.by_rank || p.by_distance, "%s: no ordering", c->name);
    FUZZ_ASSERT(!p.geojson || c->geo, "%s: GeoJSON without a location", c->name);
    FUZZ_ASSERT(sql_sort_label(&p) != NULL, "%s: no sort label", c->name);

    identity who;
    memset(&who, 0, sizeof who);
    switch ((flags >> 1) & 3) {
    case 1:
        who.present = who.admin = 1;
        break;
    case 2:
        who.present = 1;
        snprintf(who.centres, sizeof who.centres, "{0b5f3c1e-9a2d-4c1b-8f00-123456789abc}");
        who.ncentres = 1;
        break;
    default:
        break;
    }
    plan_set_viewer(&p, &who);

    sql_stmt st;
    sql_stmt_init(&st);
    if (sql_list(&p, &st) == 0) check_sql(&st, "list", c->name);
    sql_stmt_cleanup(&st);
    sql_stmt_init(&st);
    if (sql_count(&p, &st) == 0) check_sql(&st, "count", c->name);
    sql_stmt_cleanup(&st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int seeded;
    if (!seeded) {
        json_object_seed(1); /* the same hash order every run */
        seeded = 1;
    }
    if (size > FUZZ_MAX_INPUT) return 0;
    unsigned flags = size ? data[0] : 0;
    char *raw = fuzz_cstring(data, size);

    query q;
    problem prob;
    memset(&prob, 0, sizeof prob);
    if (query_parse(&q, raw, &prob) != 0) {
        FUZZ_ASSERT(prob.status == 400, "query_parse failed with status %d", prob.status);
        check_problem(&prob, "query_parse");
    } else {
        FUZZ_ASSERT(prob.status == 0, "query_parse succeeded with problem %d", prob.status);
        FUZZ_ASSERT(q.n >= 0 && q.n <= QUERY_MAX_PARAMS, "n %d", q.n);
        for (int i = 0; i < q.n; i++) {
            FUZZ_ASSERT(q.items[i].key[0] != '\0', "empty key");
            FUZZ_ASSERT(utf8_valid(q.items[i].key, strlen(q.items[i].key)), "key not UTF-8");
            FUZZ_ASSERT(utf8_valid(q.items[i].value, strlen(q.items[i].value)), "value not UTF-8");
            FUZZ_ASSERT(strlen(q.items[i].value) <= QUERY_MAX_VALUE, "value too long");
        }
        struct _u_request req;
        FUZZ_ASSERT(ulfius_init_request(&req) == U_OK, "ulfius_init_request");
        if (flags & 1) u_map_put(req.map_header, "Accept", "application/geo+json");
        for (const collection *const *c = collections_all(); *c; c++)
            plan_one(*c, &q, &req, flags);
        ulfius_clean_request(&req);
    }
    query_free(&q);
    problem_cleanup(&prob);
    free(raw);
    return 0;
}
