#include "db/sql.h"

#include "model/values.h"

#include <stdio.h>
#include <string.h>

void sql_stmt_init(sql_stmt *st) {
    sb_init(&st->sql, 64 * 1024);
    st->nparams = 0;
}

void sql_stmt_cleanup(sql_stmt *st) {
    sb_cleanup(&st->sql);
}

/* Adds a parameter and returns its number. */
static int param(sql_stmt *st, const char *value) {
    if (st->nparams >= SQL_MAX_PARAMS) {
        st->sql.failed = 1;
        return 1;
    }
    st->params[st->nparams++] = value;
    return st->nparams;
}

/* The point a proximity query measures from (near_municipality is resolved to its point by
 * the handler first). Registers its parameters once per statement. */
static void point_expr(const read_plan *p, sql_stmt *st, char *out, size_t outlen) {
    int lat = param(st, p->near_lat), lon = param(st, p->near_lon);
    snprintf(out, outlen, "ST_SetSRID(ST_MakePoint($%d::float8, $%d::float8), 4326)::geography",
             lon, lat);
}

/* The visible columns of collection c read from alias a, honouring omit/include when the
 * plan is given (embedded items always show every field). */
static void select_list(const collection *c, const char *a, const read_plan *p, sql_stmt *st) {
    int first = 1;
    int i = 0;
    for (const field *f = c->fields; f->name; f++, i++) {
        if (p && p->omit[i]) continue;
        if (!first) sb_puts(&st->sql, ", ");
        first = 0;
        const collection *target = p && p->include[i] ? collection_find(f->embeds) : NULL;
        if (!target) {
            sb_printf(&st->sql, "%s.\"%s\"", a, f->name);
            continue;
        }
        /* include=<field>: the referenced public item(s) in full, one level deep */
        int many = f->type == FT_REFS;
        sb_printf(&st->sql, "(SELECT %s FROM (SELECT ",
                  many ? "coalesce(json_agg(e), '[]')" : "row_to_json(e)");
        select_list(target, "x", NULL, st);
        sb_printf(&st->sql, " FROM %s x WHERE x.\"%s\" %s %s.\"%s\"%s%s) e) AS \"%s\"",
                  target->view, target->key, many ? "= ANY(" : "=", a, f->embed_ids,
                  many ? ")" : "", target->has_public ? " AND x._public" : "", f->name);
    }
    if (first) sb_puts(&st->sql, "NULL AS _none");
}

/* Whole items read their stored document (migrations/0011); fields=, include= and GeoJSON
 * are composed from the view. */
static int uses_doc(const read_plan *p) {
    if (!p->coll->table || p->geojson) return 0;
    for (int i = 0; i < PLAN_MAX_FIELDS; i++)
        if (p->omit[i] || p->include[i]) return 0;
    return 1;
}

static void doc_expr(const collection *c, sql_stmt *st) {
    sb_printf(&st->sql, "(SELECT %s FROM item_doc d WHERE d.id = t.id)",
              c->doc_select ? c->doc_select : "d.doc");
}

static void cond_sql(const plan_cond *c, sql_stmt *st) {
    const filter *f = c->f;
    int k = param(st, c->value);
    switch (f->kind) {
    case FILTER_IN:
        /* one value: plain equality, so an index on (column, sort key) can give the order */
        if (!strchr(c->value, ','))
            sb_printf(&st->sql, " AND t.\"%s\"::text = $%d", f->column, k);
        else
            sb_printf(&st->sql, " AND t.\"%s\"::text = ANY(string_to_array($%d, ','))", f->column,
                      k);
        break;
    case FILTER_TAGS:
        sb_printf(&st->sql, " AND t.\"%s\" && string_to_array($%d, ',')", f->column, k);
        break;
    case FILTER_REF:
    case FILTER_REF_ARRAY:
        sb_printf(&st->sql,
                  " AND t.\"%s\" %s ARRAY(SELECT r.\"%s\" FROM \"%s\" r WHERE r.\"%s\"::text = "
                  "ANY(string_to_array($%d, ',')) OR r.slug = ANY(string_to_array($%d, ',')))",
                  f->column, f->kind == FILTER_REF ? "= ANY(" : "&&", f->ref_key, f->ref_table,
                  f->ref_key, k, k);
        if (f->kind == FILTER_REF) sb_putc(&st->sql, ')');
        break;
    case FILTER_DATE_RANGE:
        if (c->op == COND_FROM)
            sb_printf(&st->sql, " AND t.\"%s\" >= kp_edtf_lower($%d)", f->column_hi, k);
        else
            sb_printf(&st->sql, " AND t.\"%s\" <= kp_edtf_upper($%d)", f->column, k);
        break;
    case FILTER_INT_RANGE:
        sb_printf(&st->sql, " AND t.\"%s\" %s $%d::bigint", f->column,
                  c->op == COND_FROM ? ">=" : "<=", k);
        break;
    }
}

/* Drafts are visible to admins and to the editors of the owning centre only. */
static void visibility(const read_plan *p, sql_stmt *st) {
    if (!p->coll->has_public || p->viewer_all) return;
    if (p->viewer_centres)
        sb_printf(&st->sql, " AND (t._public OR t._owner_centre_id = ANY($%d::uuid[]))",
                  param(st, p->viewer_centres));
    else
        sb_puts(&st->sql, " AND t._public");
}

/* WHERE … for a list (filters, visibility, search, proximity); the caller adds keyset. */
static void where_sql(const read_plan *p, sql_stmt *st, const char *point, int qparam) {
    const collection *c = p->coll;
    sb_puts(&st->sql, " WHERE true");
    visibility(p, st);
    for (int i = 0; i < p->nconds; i++)
        cond_sql(&p->conds[i], st);
    if (qparam)
        sb_printf(&st->sql, " AND t._search @@ websearch_to_tsquery('kp_norwegian', $%d)", qparam);
    if (p->updated_since)
        /* an item scheduled with publish_at changes for readers when that time comes */
        sb_printf(&st->sql,
                  " AND greatest(t.updated_at, coalesce(t.publish_at, t.updated_at)) >= "
                  "$%d::timestamptz",
                  param(st, p->updated_since));
    if (p->near) sb_printf(&st->sql, " AND t.\"%s\" IS NOT NULL", c->geo);
    if (point) {
        if (p->radius_m[0])
            /* on the sphere, like the KNN order and distance_km (the great-circle distance
             * the contract names) */
            sb_printf(&st->sql, " AND ST_DWithin(t.\"%s\", %s, $%d::float8, false)", c->geo, point,
                      param(st, p->radius_m));
    }
}

const char *sql_sort_label(const read_plan *p) {
    if (p->by_rank) return "rank";
    if (p->by_distance) return "distance";
    return p->sort->name;
}

/* The ordering expression (over alias t). Rank is RUM's distance `<=>` (migrations/0012,
 * 0016): 1 / the weighted match score, so the best match has the smallest value. The query
 * is parsed once, in a sub-select: as a plain argument, websearch_to_tsquery (hunspell)
 * would run again for every row. */
static void order_expr(const read_plan *p, const char *point, int qparam, char *out, size_t n) {
    if (p->by_rank)
        snprintf(out, n, "(t._search <=> (SELECT websearch_to_tsquery('kp_norwegian', $%d)))",
                 qparam);
    else if (p->by_distance)
        snprintf(out, n, "(t.\"%s\" <-> %s)", p->coll->geo, point);
    else
        snprintf(out, n, "%s", p->sort->expr);
}

static const char *order_type(const read_plan *p) {
    if (p->by_rank) return "real";
    if (p->by_distance) return "float8";
    return p->sort->type;
}

/* The keyset condition of a page after the cursor's (value, key): rows past it in the
 * list's order (descending lists: before it). */
static void keyset_after(const read_plan *p, sql_stmt *st, const char *order) {
    if (!p->after) return;
    const collection *c = p->coll;
    int v = param(st, p->after_value), k = param(st, p->after_key);
    sb_printf(&st->sql, " AND ((%s), t.\"%s\") %s ($%d::%s, $%d::%s)", order, c->key,
              p->desc ? "<" : ">", v, order_type(p), k, c->key_type);
}

/* The columns after the item's JSON: the sort value and the key (for the next cursor),
 * and, for whole documents near a point, distance_km in km to the metre, which the
 * handler splices into the document (cheaper there than text surgery on every row here).
 * `dist` is the distance in metres: the KNN value when the page was picked by it. */
static void row_tail(const read_plan *p, sql_stmt *st, const char *sort_value, const char *dist) {
    sb_printf(&st->sql, "::text, (%s)::text, t.\"%s\"::text", sort_value, p->coll->key);
    if (p->near && uses_doc(p)) sb_printf(&st->sql, ", round((%s / 1000)::numeric, 3)::text", dist);
}

/* A page picked by an inner query over the view (its rows: key, _d = the order value).
 * Whole documents need nothing else of the item (distance_km is the KNN value): the inner
 * query is aliased t, and the document is looked up by its key. Other shapes join the view
 * again for their columns. */
static int page_joins(const read_plan *p) {
    return !uses_doc(p) || (p->near && !p->by_distance);
}

/* the alias that carries _d in the outer query */
static const char *page_alias(const read_plan *p) {
    return page_joins(p) ? "k" : "t";
}

static void page_open(const read_plan *p, sql_stmt *st, const char *dist) {
    char v[8];
    snprintf(v, sizeof v, "%s._d", page_alias(p));
    row_tail(p, st, v, dist ? dist : v);
    sb_puts(&st->sql, " FROM (");
}

static void page_close(const read_plan *p, sql_stmt *st) {
    const collection *c = p->coll;
    if (!page_joins(p))
        sb_puts(&st->sql, ") t");
    else
        sb_printf(&st->sql, ") k JOIN %s t ON t.\"%s\" = k.\"%s\"", c->view, c->key, c->key);
}

/* Nearest first. The GiST index yields rows by distance only, and "ORDER BY distance, id"
 * makes PostgreSQL sort every candidate instead; so the index picks the page, WITH TIES
 * adding every item at exactly the boundary's distance (items sharing one point), and the
 * outer query orders those by (distance, key) for a stable keyset.
 * The radius is applied outside, to rows already in distance order: inside, ST_DWithin
 * offers the planner a bitmap scan of everything within the radius (it underestimates how
 * many rows that is), which cost 2.5x the KNN scan on 300 centres within 50 km. */
static int knn_page(const read_plan *p, sql_stmt *st, const char *order, int qparam) {
    const collection *c = p->coll;
    const char *a = page_alias(p);
    page_open(p, st, NULL);
    sb_printf(&st->sql, "SELECT t.\"%s\", %s AS _d FROM %s t", c->key, order, c->view);
    where_sql(p, st, NULL, qparam);
    keyset_after(p, st, order);
    sb_printf(&st->sql, " ORDER BY %s FETCH FIRST %d ROWS WITH TIES", order, p->limit + 1);
    page_close(p, st);
    if (p->radius_m[0])
        sb_printf(&st->sql, " WHERE %s._d <= $%d::float8", a, param(st, p->radius_m));
    sb_printf(&st->sql, " ORDER BY %s._d, t.\"%s\" LIMIT %d", a, c->key, p->limit + 1);
    return st->sql.failed ? -1 : 0;
}

/* Best match first, ties by key. The inner query orders the matches by distance alone and
 * the outer one sorts only the rows up to the end of the tie group at the page boundary
 * (Incremental Sort), which keeps the keyset exact however many items share a rank. (With
 * a RUM index the inner order came from the index, at the same cost here: see 0016.) */
static int rank_page(const read_plan *p, sql_stmt *st, const char *point, const char *dist,
                     const char *order, int qparam) {
    const collection *c = p->coll;
    const char *a = page_alias(p);
    page_open(p, st, p->near ? dist : NULL);
    sb_printf(&st->sql, "SELECT s.\"%s\", s._d FROM (SELECT t.\"%s\", %s AS _d FROM %s t", c->key,
              c->key, order, c->view);
    where_sql(p, st, point, qparam);
    keyset_after(p, st, order);
    sb_printf(&st->sql, " ORDER BY %s) s ORDER BY s._d, s.\"%s\" LIMIT %d", order, c->key,
              p->limit + 1);
    page_close(p, st);
    sb_printf(&st->sql, " ORDER BY %s._d, t.\"%s\" LIMIT %d", a, c->key, p->limit + 1);
    return st->sql.failed ? -1 : 0;
}

int sql_list(const read_plan *p, sql_stmt *st) {
    const collection *c = p->coll;
    char point[512] = "", order[640];
    /* Parameters used in several places are registered once, up front. */
    int qparam = p->q ? param(st, p->q) : 0;
    if (p->near) point_expr(p, st, point, sizeof point);
    order_expr(p, point[0] ? point : NULL, qparam, order, sizeof order);

    sb_puts(&st->sql, "SELECT ");
    if (p->geojson) {
        sb_printf(&st->sql,
                  "json_build_object('type', 'Feature', 'id', t.\"%s\", 'geometry', "
                  "ST_AsGeoJSON(t.\"%s\", 6)::json, 'properties', ",
                  c->key, c->geo);
    }
    char dist[640] = "";
    if (p->near) snprintf(dist, sizeof dist, "ST_Distance(t.\"%s\", %s, false)", c->geo, point);
    if (uses_doc(p)) {
        doc_expr(c, st);
    } else {
        sb_puts(&st->sql, "(SELECT row_to_json(j) FROM (SELECT ");
        select_list(c, "t", p, st);
        if (p->near) sb_printf(&st->sql, ", round((%s / 1000)::numeric, 3) AS distance_km", dist);
        sb_puts(&st->sql, ") j)");
    }
    if (p->geojson) sb_putc(&st->sql, ')');
    if (p->by_distance) return knn_page(p, st, order, qparam);
    if (p->by_rank) return rank_page(p, st, point[0] ? point : NULL, dist, order, qparam);
    row_tail(p, st, order, dist);
    sb_printf(&st->sql, " FROM %s t", c->view);
    where_sql(p, st, point[0] ? point : NULL, qparam);
    const char *dir = p->desc ? "DESC" : "ASC";
    keyset_after(p, st, order);
    char limit[16];
    snprintf(limit, sizeof limit, "%d", p->limit + 1);
    /* The limit text must outlive this function: keep it in the SQL instead. */
    sb_printf(&st->sql, " ORDER BY %s %s, t.\"%s\" %s LIMIT %s", order, dir, c->key, dir, limit);
    return st->sql.failed ? -1 : 0;
}

int sql_count(const read_plan *p, sql_stmt *st) {
    char point[512] = "";
    int qparam = p->q ? param(st, p->q) : 0;
    /* the point matters to a count only through a radius */
    if (p->near && p->radius_m[0]) point_expr(p, st, point, sizeof point);
    sb_printf(&st->sql, "SELECT count(*) FROM %s t", p->coll->view);
    where_sql(p, st, point[0] ? point : NULL, qparam);
    return st->sql.failed ? -1 : 0;
}

int sql_item(const read_plan *p, sql_stmt *st) {
    const collection *c = p->coll;
    sb_puts(&st->sql, "SELECT ");
    if (p->geojson)
        sb_printf(&st->sql,
                  "json_build_object('type', 'Feature', 'id', t.\"%s\", 'geometry', "
                  "ST_AsGeoJSON(t.\"%s\", 6)::json, 'properties', ",
                  c->key, c->geo);
    if (uses_doc(p)) {
        doc_expr(c, st);
    } else {
        sb_puts(&st->sql, "(SELECT row_to_json(j) FROM (SELECT ");
        select_list(c, "t", p, st);
        sb_puts(&st->sql, ") j)");
    }
    if (p->geojson) sb_putc(&st->sql, ')');
    sb_printf(&st->sql, "::text, %s FROM %s t WHERE ", c->table ? "t.version" : "NULL", c->view);
    int k = param(st, p->key);
    if (c->lookup)
        sb_printf(&st->sql, "(t.\"%s\" = $%d OR t.\"%s\" @> ARRAY[kp_slugify($%d)])", c->key, k,
                  c->lookup, k);
    else if (strcmp(c->key_type, "uuid") == 0 && value_is_uuid(p->key))
        sb_printf(&st->sql, "t.\"%s\" = $%d::uuid", c->key, k);
    else if (c->alt_key && strcmp(c->key_type, "uuid") == 0)
        sb_printf(&st->sql, "t.\"%s\" = $%d", c->alt_key, k);
    else if (c->alt_key)
        sb_printf(&st->sql, "(t.\"%s\" = $%d OR t.\"%s\" = $%d)", c->key, k, c->alt_key, k);
    else
        sb_printf(&st->sql, "t.\"%s\" = $%d", c->key, k);
    visibility(p, st);
    sb_printf(&st->sql, " ORDER BY t.\"%s\" LIMIT 2", c->key);
    return st->sql.failed ? -1 : 0;
}
