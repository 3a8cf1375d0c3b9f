/* api/db/sql.c: SQL text composed from hand-built read plans. No database is needed: the
 * tests look at the text and the parameter list only. */
#include "db/sql.h"
#include "unit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UUID "0b5f3c1e-9a2d-4c1b-8f00-123456789abc"
/* A value that would break out of a literal or identifier if it were ever spliced in. */
#define EVIL "x');DROP TABLE t;--\"EVIL$1" /* fits radius_m[32] */

static const collection *centres(void) {
    const collection *c = collection_find("centres");
    ck_assert_ptr_nonnull(c);
    return c;
}

static const filter *find_filter(const collection *c, const char *param) {
    for (const filter *f = c->filters; f->param; f++)
        if (strcmp(f->param, param) == 0) return f;
    ck_abort_msg("%s has no filter %s", c->name, param);
    return NULL;
}

static const sort_key *find_sort(const collection *c, const char *name) {
    for (const sort_key *s = c->sorts; s->name; s++)
        if (strcmp(s->name, name) == 0) return s;
    ck_abort_msg("%s has no sort %s", c->name, name);
    return NULL;
}

static int field_index(const collection *c, const char *name) {
    int i = 0;
    for (const field *f = c->fields; f->name; f++, i++)
        if (strcmp(f->name, name) == 0) return i;
    ck_abort_msg("%s has no field %s", c->name, name);
    return -1;
}

/* The statement under test; the fixture frees it even when an assertion fails. */
static sql_stmt st;

static void setup(void) {
    sql_stmt_init(&st);
}

static void teardown(void) {
    sql_stmt_cleanup(&st);
}

/* A fresh statement for the next composition. */
static void restart(void) {
    sql_stmt_cleanup(&st);
    sql_stmt_init(&st);
}

/* The plan a plain GET /v1/<name> makes. */
static read_plan base_plan(const collection *c) {
    read_plan p;
    memset(&p, 0, sizeof p);
    p.coll = c;
    p.sort = &c->sorts[0];
    p.desc = c->default_desc;
    p.limit = 20;
    return p;
}

static void add_cond(read_plan *p, const char *param, cond_op op, const char *value) {
    ck_assert_int_lt(p->nconds, PLAN_MAX_CONDS);
    p->conds[p->nconds++] = (plan_cond){find_filter(p->coll, param), op, value};
}

/* Every $n in the text is a registered parameter and every parameter is used: PostgreSQL
 * cannot type a parameter the text never mentions ("could not determine data type"). */
static void assert_placeholders(const sql_stmt *stmt) {
    const char *s = sb_str(&stmt->sql);
    int used[SQL_MAX_PARAMS + 2] = {0};
    int in_lit = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\'') in_lit = !in_lit;
        if (in_lit || *p != '$' || !isdigit((unsigned char)p[1])) continue;
        long n = strtol(p + 1, NULL, 10);
        ck_assert_msg(n >= 1 && n <= stmt->nparams, "$%ld used but %d params registered: %s", n,
                      stmt->nparams, s);
        used[n] = 1;
    }
    for (int i = 1; i <= stmt->nparams; i++)
        ck_assert_msg(used[i], "parameter $%d (\"%s\") is registered but never used: %s", i,
                      stmt->params[i - 1], s);
}

/* Parentheses balance outside string literals. */
static void assert_balanced(const sql_stmt *stmt) {
    const char *s = sb_str(&stmt->sql);
    int depth = 0, in_lit = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\'') in_lit = !in_lit;
        if (in_lit) continue;
        if (*p == '(') depth++;
        if (*p == ')') depth--;
        ck_assert_msg(depth >= 0, "unbalanced ')': %s", s);
    }
    ck_assert_msg(depth == 0 && !in_lit, "unbalanced: %s", s);
}

static void assert_sane(const sql_stmt *stmt) {
    ck_assert_int_eq(stmt->sql.failed, 0);
    assert_placeholders(stmt);
    assert_balanced(stmt);
}

#define ASSERT_HAS(st, needle)                                                                     \
    ck_assert_msg(strstr(sb_str(&(st)->sql), needle) != NULL, "SQL lacks \"%s\": %s", needle,      \
                  sb_str(&(st)->sql))
#define ASSERT_LACKS(st, needle)                                                                   \
    ck_assert_msg(strstr(sb_str(&(st)->sql), needle) == NULL, "SQL has \"%s\": %s", needle,        \
                  sb_str(&(st)->sql))

/* The parameter number ($n) that carries value, or 0. */
static int param_of(const sql_stmt *stmt, const char *value) {
    for (int i = 0; i < stmt->nparams; i++)
        if (stmt->params[i] == value) return i + 1;
    return 0;
}

START_TEST(list_default) {
    read_plan p = base_plan(centres());
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ck_assert_int_eq(st.nparams, 0);
    ASSERT_LACKS(&st, "$");
    /* whole items come from the stored document, open_now included (0014) */
    ASSERT_HAS(&st, "FROM item_doc d WHERE d.id = t.id)::text");
    ASSERT_LACKS(&st, "kp_open_now");
    ASSERT_HAS(&st, " FROM api_centres t WHERE true AND t._public");
    ASSERT_HAS(&st, " ORDER BY t.name ASC, t.\"id\" ASC LIMIT 21");
    ASSERT_LACKS(&st, "distance_km");
    ASSERT_LACKS(&st, "json_build_object");
}
END_TEST

START_TEST(list_limit_is_plus_one) {
    read_plan p = base_plan(centres());
    p.limit = 100;
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    ASSERT_HAS(&st, " LIMIT 101");
}
END_TEST

START_TEST(list_filters) {
    read_plan p = base_plan(centres());
    add_cond(&p, "region", COND_MATCH, "vest,nord");
    add_cond(&p, "tag", COND_MATCH, "angst,depresjon");
    add_cond(&p, "parent", COND_MATCH, UUID ",blakors");
    add_cond(&p, "network", COND_MATCH, "recovery-norge");
    add_cond(&p, "founded", COND_FROM, "2010");
    add_cond(&p, "founded", COND_TO, "2019-11");
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ck_assert_int_eq(st.nparams, 6);
    char want[256];
    snprintf(want, sizeof want, "t.\"region\"::text = ANY(string_to_array($%d, ','))",
             param_of(&st, p.conds[0].value));
    ASSERT_HAS(&st, want);
    snprintf(want, sizeof want, "t.\"tags\" && string_to_array($%d, ',')",
             param_of(&st, p.conds[1].value));
    ASSERT_HAS(&st, want);
    snprintf(want, sizeof want,
             "t.\"_parent_id\" = ANY( ARRAY(SELECT r.\"id\" FROM \"centre\" r WHERE "
             "r.\"id\"::text = ANY(string_to_array($%d, ','))",
             param_of(&st, p.conds[2].value));
    ASSERT_HAS(&st, want);
    snprintf(want, sizeof want, "t.\"_network_ids\" && ARRAY(SELECT r.\"id\" FROM \"network\" r");
    ASSERT_HAS(&st, want);
    snprintf(want, sizeof want, "t.\"_founded_hi\" >= kp_edtf_lower($%d)",
             param_of(&st, p.conds[4].value));
    ASSERT_HAS(&st, want);
    snprintf(want, sizeof want, "t.\"_founded_lo\" <= kp_edtf_upper($%d)",
             param_of(&st, p.conds[5].value));
    ASSERT_HAS(&st, want);
    ASSERT_HAS(&st, "WHERE true AND t._public AND ");
}
END_TEST

START_TEST(list_keyset_descending_timestamp) {
    const collection *c = centres();
    read_plan p = base_plan(c);
    p.sort = find_sort(c, "created_at");
    p.desc = 1;
    p.after = 1;
    snprintf(p.after_value, sizeof p.after_value, "2026-01-31 12:00:00+00");
    snprintf(p.after_key, sizeof p.after_key, UUID);
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ck_assert_int_eq(st.nparams, 2);
    ck_assert_ptr_eq(st.params[0], p.after_value);
    ck_assert_ptr_eq(st.params[1], p.after_key);
    ASSERT_HAS(&st, " AND ((t.created_at), t.\"id\") < ($1::timestamptz, $2::uuid)");
    ASSERT_HAS(&st, " ORDER BY t.created_at DESC, t.\"id\" DESC LIMIT 21");
    ck_assert_str_eq(sql_sort_label(&p), "created_at");
}
END_TEST

START_TEST(list_keyset_ascending) {
    read_plan p = base_plan(centres());
    p.after = 1;
    snprintf(p.after_value, sizeof p.after_value, "Kirkens Bymisjon");
    snprintf(p.after_key, sizeof p.after_key, UUID);
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ASSERT_HAS(&st, " AND ((t.name), t.\"id\") > ($1::text, $2::uuid)");
    ASSERT_HAS(&st, " ORDER BY t.name ASC, t.\"id\" ASC");
    ASSERT_LACKS(&st, "Kirkens");
}
END_TEST

START_TEST(list_keyset_descending_date) {
    const collection *news = collection_find("news");
    ck_assert_ptr_nonnull(news);
    read_plan p = base_plan(news);
    p.sort = find_sort(news, "date");
    p.desc = 1;
    p.after = 1;
    snprintf(p.after_value, sizeof p.after_value, "2019-11-07");
    snprintf(p.after_key, sizeof p.after_key, UUID);
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ASSERT_HAS(&st, ") < ($1::date, $2::");
    ASSERT_HAS(&st, " DESC LIMIT 21");
}
END_TEST

START_TEST(list_search_by_rank) {
    read_plan p = base_plan(centres());
    p.q = "angst hjelp";
    p.sort = NULL;
    p.by_rank = 1;
    p.after = 1;
    snprintf(p.after_value, sizeof p.after_value, "16.449341");
    snprintf(p.after_key, sizeof p.after_key, UUID);
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ck_assert_int_eq(st.nparams, 3);
    ck_assert_ptr_eq(st.params[0], p.q);
    ASSERT_HAS(&st, " AND t._search @@ websearch_to_tsquery('kp_norwegian', $1)");
    /* RUM distance, the query parsed once; ascending, ties by key, the keyset exact */
    ASSERT_HAS(&st, "(t._search <=> (SELECT websearch_to_tsquery('kp_norwegian', $1)))");
    ASSERT_HAS(&st, " > ($2::real, $3::uuid)");
    ASSERT_HAS(&st, " ORDER BY s._d, s.\"id\" LIMIT 21) t ORDER BY t._d, t.\"id\" LIMIT 21");
    /* whole documents need only the key: the view is not joined again */
    ASSERT_LACKS(&st, " JOIN ");
    ASSERT_LACKS(&st, "angst");
    ck_assert_str_eq(sql_sort_label(&p), "rank");
}
END_TEST

START_TEST(list_near_with_radius) {
    read_plan p = base_plan(centres());
    p.near = 1;
    snprintf(p.near_lat, sizeof p.near_lat, "59.9138700");
    snprintf(p.near_lon, sizeof p.near_lon, "10.7522700");
    snprintf(p.radius_m, sizeof p.radius_m, "5000.000");
    p.sort = NULL;
    p.by_distance = 1;
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ck_assert_int_eq(st.nparams, 3);
    char want[256];
    snprintf(want, sizeof want, "ST_MakePoint($%d::float8, $%d::float8)", param_of(&st, p.near_lon),
             param_of(&st, p.near_lat));
    ASSERT_HAS(&st, want);
    /* distance_km: the KNN distance, as a fourth column the handler splices into the doc */
    ASSERT_HAS(&st, "(t._d)::text, t.\"id\"::text, round((t._d / 1000)::numeric, 3)::text FROM");
    ASSERT_LACKS(&st, "ST_Distance(");
    ASSERT_HAS(&st, " AND t.\"_geog\" IS NOT NULL");
    /* the radius filters the rows the KNN scan gave, by the same distance (on the sphere,
     * as distance_km); inside, ST_DWithin would tempt the planner into a bitmap scan */
    snprintf(want, sizeof want, " WITH TIES) t WHERE t._d <= $%d::float8",
             param_of(&st, p.radius_m));
    ASSERT_HAS(&st, want);
    ASSERT_LACKS(&st, "ST_DWithin(");
    ASSERT_HAS(&st, " ORDER BY (t.\"_geog\" <-> ST_SetSRID(");
    ASSERT_LACKS(&st, "59.91");
    ck_assert_str_eq(sql_sort_label(&p), "distance");
}
END_TEST

START_TEST(list_near_municipality) {
    /* The handler resolves near_municipality to the municipality's point; SQL then measures
     * from a constant, so the GiST index picks the page (KNN), and the outer query orders
     * the candidates by (distance, id) for a stable cursor. */
    read_plan p = base_plan(centres());
    p.near = 1;
    snprintf(p.near_lat, sizeof p.near_lat, "59.9127300");
    snprintf(p.near_lon, sizeof p.near_lon, "10.7460900");
    p.sort = NULL;
    p.by_distance = 1;
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ck_assert_int_eq(st.nparams, 2);
    ASSERT_HAS(&st, "ORDER BY (t.\"_geog\" <-> ST_SetSRID(ST_MakePoint($2::float8, $1::float8), "
                    "4326)::geography) FETCH FIRST 21 ROWS WITH TIES) t");
    ASSERT_HAS(&st, "ORDER BY t._d, t.\"id\" LIMIT 21");
    ASSERT_LACKS(&st, " JOIN ");
    /* fields= builds the item from the view: the page joins it again */
    p.omit[0] = 1;
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ASSERT_HAS(&st, "FETCH FIRST 21 ROWS WITH TIES) k JOIN api_centres t ON t.\"id\" = k.\"id\"");
    ASSERT_HAS(&st, "ORDER BY k._d, t.\"id\" LIMIT 21");
    ASSERT_LACKS(&st, "municipality m");
}
END_TEST

START_TEST(count_plain) {
    read_plan p = base_plan(centres());
    add_cond(&p, "region", COND_MATCH, "vest");
    p.q = "angst";
    p.after = 1; /* a cursor never narrows the total */
    snprintf(p.after_value, sizeof p.after_value, "x");
    snprintf(p.after_key, sizeof p.after_key, UUID);
    restart();
    ck_assert_int_eq(sql_count(&p, &st), 0);
    assert_sane(&st);
    ck_assert_int_eq(st.nparams, 2);
    ASSERT_HAS(&st, "SELECT count(*) FROM api_centres t WHERE true AND t._public");
    ASSERT_LACKS(&st, "ORDER BY");
    ASSERT_LACKS(&st, "LIMIT");
    ASSERT_LACKS(&st, "::uuid)");
}
END_TEST

START_TEST(count_near_with_radius) {
    read_plan p = base_plan(centres());
    p.near = 1;
    snprintf(p.near_lat, sizeof p.near_lat, "59.9138700");
    snprintf(p.near_lon, sizeof p.near_lon, "10.7522700");
    snprintf(p.radius_m, sizeof p.radius_m, "5000.000");
    p.by_distance = 1;
    p.sort = NULL;
    restart();
    ck_assert_int_eq(sql_count(&p, &st), 0);
    assert_sane(&st);
    ASSERT_HAS(&st, "ST_DWithin(");
}
END_TEST

START_TEST(count_near_without_radius) {
    /* GET /v1/centres?near=59.9,10.7&count=exact: without radius_km the count SQL never uses
     * the point, yet lat/lon are registered as $1/$2 and PostgreSQL fails with "could not
     * determine data type of parameter $1". Fails today. */
    read_plan p = base_plan(centres());
    p.near = 1;
    snprintf(p.near_lat, sizeof p.near_lat, "59.9138700");
    snprintf(p.near_lon, sizeof p.near_lon, "10.7522700");
    p.by_distance = 1;
    p.sort = NULL;
    restart();
    ck_assert_int_eq(sql_count(&p, &st), 0);
    assert_sane(&st);
}
END_TEST

START_TEST(fields_and_include) {
    const collection *c = centres();
    read_plan p = base_plan(c);
    memset(p.omit, 1, sizeof p.omit);
    p.omit[field_index(c, "name")] = 0;
    p.omit[field_index(c, "parent")] = 0;
    p.omit[field_index(c, "networks")] = 0;
    p.include[field_index(c, "parent")] = 1;
    p.include[field_index(c, "networks")] = 1;
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ASSERT_HAS(&st, "(SELECT t.\"name\", (SELECT row_to_json(e) FROM (SELECT x.\"id\"");
    ASSERT_HAS(&st, " FROM api_centres x WHERE x.\"id\" = t.\"_parent_id\" AND x._public) e) AS "
                    "\"parent\"");
    ASSERT_HAS(&st, "(SELECT coalesce(json_agg(e), '[]') FROM (SELECT ");
    ASSERT_HAS(&st, " FROM api_networks x WHERE x.\"id\" = ANY( t.\"_network_ids\")");
    ASSERT_LACKS(&st, "t.\"slug\"");
    ASSERT_LACKS(&st, "t.\"description\"");
    /* the key and sort value are still selected for paging */
    ASSERT_HAS(&st, "::text, (t.name)::text, t.\"id\"::text FROM api_centres t");
}
END_TEST

START_TEST(fields_all_omitted) {
    read_plan p = base_plan(centres());
    memset(p.omit, 1, sizeof p.omit);
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ASSERT_HAS(&st, "(SELECT NULL AS _none) j)");
}
END_TEST

START_TEST(geojson) {
    read_plan p = base_plan(centres());
    p.geojson = 1;
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ASSERT_HAS(&st, "SELECT json_build_object('type', 'Feature', 'id', t.\"id\", 'geometry', "
                    "ST_AsGeoJSON(t.\"_geog\", 6)::json, 'properties', (SELECT row_to_json(j)");
}
END_TEST

START_TEST(item_by_uuid_and_slug) {
    read_plan p = base_plan(centres());
    p.key = UUID;
    restart();
    ck_assert_int_eq(sql_item(&p, &st), 0);
    assert_sane(&st);
    ck_assert_int_eq(st.nparams, 1);
    ck_assert_ptr_eq(st.params[0], p.key);
    ASSERT_HAS(&st, " FROM api_centres t WHERE t.\"id\" = $1::uuid AND t._public ORDER BY "
                    "t.\"id\" LIMIT 2");
    ASSERT_LACKS(&st, UUID);

    p.key = "kirkens-bymisjon";
    restart();
    ck_assert_int_eq(sql_item(&p, &st), 0);
    assert_sane(&st);
    ASSERT_HAS(&st, " WHERE t.\"slug\" = $1 AND t._public");
    ASSERT_LACKS(&st, "bymisjon");
}
END_TEST

START_TEST(visibility_by_viewer) {
    read_plan p = base_plan(centres());

    p.viewer_all = 1; /* admins: drafts too */
    restart();
    ck_assert_int_eq(sql_list(&p, &st), 0);
    assert_sane(&st);
    ASSERT_LACKS(&st, "_public");

    p.viewer_all = 0; /* editors: published or their centres' drafts */
    p.viewer_centres = "{" UUID "}";
    int (*const fns[])(const read_plan *, sql_stmt *) = {sql_list, sql_count, sql_item};
    p.key = "kirkens-bymisjon";
    for (size_t i = 0; i < 3; i++) {
        restart();
        ck_assert_int_eq(fns[i](&p, &st), 0);
        assert_sane(&st);
        char want[128];
        snprintf(want, sizeof want, " AND (t._public OR t._owner_centre_id = ANY($%d::uuid[]))",
                 param_of(&st, p.viewer_centres));
        ck_assert_int_gt(param_of(&st, p.viewer_centres), 0);
        ASSERT_HAS(&st, want);
        ASSERT_LACKS(&st, UUID);
    }
}
END_TEST

/* Every value path at once, all carrying EVIL: the text must never contain it. */
START_TEST(no_user_value_in_sql) {
    const collection *c = centres();
    static const char *const params[] = {"region",  "kind",   "operating_status", "parent",
                                         "network", "county", "municipality",     "tag"};
    read_plan p = base_plan(c);
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        add_cond(&p, params[i], COND_MATCH, EVIL);
    add_cond(&p, "founded", COND_FROM, EVIL);
    add_cond(&p, "founded", COND_TO, EVIL);
    p.q = EVIL;
    p.updated_since = EVIL;
    p.near = 1;
    snprintf(p.near_lat, sizeof p.near_lat, "%s", EVIL);
    snprintf(p.near_lon, sizeof p.near_lon, "%s", EVIL);
    snprintf(p.radius_m, sizeof p.radius_m, "%s", EVIL);
    p.sort = NULL;
    p.by_rank = 1;
    p.desc = 1;
    p.after = 1;
    snprintf(p.after_value, sizeof p.after_value, "%s", EVIL);
    snprintf(p.after_key, sizeof p.after_key, "%s", EVIL);
    p.key = EVIL;
    p.viewer_centres = EVIL;

    int (*const fns[])(const read_plan *, sql_stmt *) = {sql_list, sql_count, sql_item};
    for (size_t i = 0; i < 3; i++) {
        restart();
        ck_assert_int_eq(fns[i](&p, &st), 0);
        assert_sane(&st);
        ASSERT_LACKS(&st, "EVIL");
        ASSERT_LACKS(&st, "DROP");
        ck_assert_int_gt(st.nparams, 0);
        for (int k = 0; k < st.nparams; k++)
            ck_assert_str_eq(st.params[k], EVIL);
    }
}
END_TEST

START_TEST(every_collection_default_list_is_sane) {
    /* The descriptors are data: each must compose into well-formed list, count and item SQL. */
    for (const collection *const *c = collections_all(); *c; c++) {
        read_plan p = base_plan(*c);
        p.key = "some-slug";
        int (*const fns[])(const read_plan *, sql_stmt *) = {sql_list, sql_count, sql_item};
        for (size_t i = 0; i < 3; i++) {
            restart();
            ck_assert_msg(fns[i](&p, &st) == 0, "%s: composing failed", (*c)->name);
            assert_sane(&st);
            char from[96];
            snprintf(from, sizeof from, " FROM %s t", (*c)->view);
            ASSERT_HAS(&st, from);
            if ((*c)->has_public) ASSERT_HAS(&st, "t._public");
        }
    }
}
END_TEST

int main(void) {
    Suite *s = suite_create("sql");
    TCase *tc = tcase_create("list");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, list_default);
    tcase_add_test(tc, list_limit_is_plus_one);
    tcase_add_test(tc, list_filters);
    tcase_add_test(tc, list_keyset_descending_timestamp);
    tcase_add_test(tc, list_keyset_ascending);
    tcase_add_test(tc, list_keyset_descending_date);
    tcase_add_test(tc, list_search_by_rank);
    tcase_add_test(tc, list_near_with_radius);
    tcase_add_test(tc, list_near_municipality);
    tcase_add_test(tc, fields_and_include);
    tcase_add_test(tc, fields_all_omitted);
    tcase_add_test(tc, geojson);
    suite_add_tcase(s, tc);
    tc = tcase_create("count");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, count_plain);
    tcase_add_test(tc, count_near_with_radius);
    tcase_add_test(tc, count_near_without_radius);
    suite_add_tcase(s, tc);
    tc = tcase_create("item");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, item_by_uuid_and_slug);
    suite_add_tcase(s, tc);
    tc = tcase_create("safety");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, visibility_by_viewer);
    tcase_add_test(tc, no_user_value_in_sql);
    tcase_add_test(tc, every_collection_default_list_is_sane);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
