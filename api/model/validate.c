#include "model/validate.h"

#include "core/strbuf.h"
#include "db/pgerr.h"
#include "model/values.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TEXT_MAX  2000
#define DEFAULT_ARRAY_MAX 50
#define ARRAY_ITEM_MAX    2000

void write_set_init(write_set *ws) {
    memset(ws, 0, sizeof *ws);
}

void write_set_cleanup(write_set *ws) {
    for (int i = 0; i < ws->nparams; i++)
        free(ws->params[i]);
    for (int i = 0; i < ws->nlinks; i++)
        free(ws->links[i].value);
    ws->nparams = 0;
    ws->nlinks = 0;
}

int ws_param(write_set *ws, const char *value) {
    if (ws->nparams >= WS_MAX_PARAMS) return 0;
    ws->params[ws->nparams] = value ? strdup(value) : NULL;
    return ++ws->nparams;
}

static void col(write_set *ws, const char *column, const char *fmt, int n) {
    if (ws->ncols >= WS_MAX_COLS) return;
    ws->cols[ws->ncols].column = column;
    snprintf(ws->cols[ws->ncols].expr, sizeof ws->cols[ws->ncols].expr, fmt, n, n);
    ws->ncols++;
}

static void colraw(write_set *ws, const char *column, const char *expr) {
    if (ws->ncols >= WS_MAX_COLS) return;
    ws->cols[ws->ncols].column = column;
    snprintf(ws->cols[ws->ncols].expr, sizeof ws->cols[ws->ncols].expr, "%s", expr);
    ws->ncols++;
}

static void err(problem *p, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err(problem *p, const char *path, const char *fmt, ...) {
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    problem_add_error(p, path, msg);
}

/* A PostgreSQL array literal of strings: {"a","b\"c"} */
static void pg_array(strbuf *sb, const char *const *items, size_t n) {
    sb_putc(sb, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) sb_putc(sb, ',');
        sb_putc(sb, '"');
        for (const char *c = items[i]; *c; c++) {
            if (*c == '"' || *c == '\\') sb_putc(sb, '\\');
            sb_putc(sb, *c);
        }
        sb_putc(sb, '"');
    }
    sb_putc(sb, '}');
}

static int check_text(const field *f, const char *path, const char *s, problem *p) {
    size_t max = f->max_len ? (size_t)f->max_len : DEFAULT_TEXT_MAX;
    if (value_utf8_chars(s) > max) {
        err(p, path, "is longer than %zu characters", max);
        return -1;
    }
    if ((f->flags & F_REQUIRED) && !*s) {
        err(p, path, "may not be empty");
        return -1;
    }
    if ((f->flags & F_SLUG) && !value_is_slug(s)) {
        err(p, path,
            "must be lower-case letters a-z, digits and single dashes (e.g. "
            "\"glimt-recoverysenter\")");
        return -1;
    }
    if ((f->flags & F_URL) && ((strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0) ||
                               strchr(s, ' ') || strlen(s) < 11)) {
        err(p, path, "must be an http:// or https:// address");
        return -1;
    }
    if (f->flags & F_EMAIL) {
        const char *at = strchr(s, '@');
        if (!at || at == s || !strchr(at, '.') || strchr(at + 1, '@') || strchr(s, ' ') ||
            at[1] == '.' || s[strlen(s) - 1] == '.') {
            err(p, path, "must be an e-mail address");
            return -1;
        }
    }
    return 0;
}

/* Resolves a reference (id, slug or number, or {"id"|"slug"|"number": …}) to its key. */
static int resolve_ref(const field *f, const char *path, json_t *v, db_conn *db, char *out,
                       size_t outlen, problem *p) {
    const char *key = NULL;
    if (json_is_string(v)) {
        key = json_string_value(v);
    } else if (json_is_object(v)) {
        json_t *k = json_object_get(v, f->ref_key);
        if (!k) k = json_object_get(v, "slug");
        key = json_is_string(k) ? json_string_value(k) : NULL;
    }
    if (!key || !*key || strlen(key) > 120) {
        err(p, path, "must name an item by its %s or slug", f->ref_key);
        return -1;
    }
    if (!value_is_uuid(key) && !value_is_slug(key) && !value_is_digits(key, 2, 4)) {
        err(p, path, "\"%s\" is not an id or slug", key);
        return -1;
    }
    if (!db) { /* form only (fuzzing, unit tests) */
        snprintf(out, outlen, "%s", key);
        return 0;
    }
    /* Each branch can use an index: `key::text = $1 OR slug = $1` cannot, and scanned
     * every centre on each write that names one. */
    char sql[256];
    if (strcmp(f->ref_key, "id") == 0)
        snprintf(sql, sizeof sql, "SELECT id::text FROM %s WHERE %s LIMIT 1", f->ref_table,
                 value_is_uuid(key) ? "id = $1::text::uuid OR slug = $1" : "slug = $1");
    else
        snprintf(sql, sizeof sql, "SELECT %s::text FROM %s WHERE %s = $1 OR slug = $1 LIMIT 1",
                 f->ref_key, f->ref_table, f->ref_key);
    const char *params[1] = {key};
    PGresult *r = db_exec(db, sql, 1, params, 1);
    int rc = 0;
    if (!db_ok(r)) {
        pgerr_problem(p, r);
        rc = -2;
    } else if (PQntuples(r) == 0) {
        err(p, path, "no %s \"%s\" exists", f->ref_table, key);
        rc = -1;
    } else {
        snprintf(out, outlen, "%s", PQgetvalue(r, 0, 0));
    }
    PQclear(r);
    return rc;
}

static int check_hhmm(const char *s) {
    return s && strlen(s) == 5 && s[2] == ':' && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' &&
           s[1] <= '9' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' &&
           (s[0] < '2' || s[1] <= '3');
}

/* Checks an object's keys against an allowed list. */
static int only_keys(json_t *o, const char *path, const char *const *allowed, problem *p) {
    const char *k;
    json_t *v;
    int bad = 0;
    json_object_foreach(o, k, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok) {
            char sub[160];
            snprintf(sub, sizeof sub, "%s.%s", path, k);
            err(p, sub, "is not a known field");
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

static int check_shape(const field *f, json_t *v, problem *p) {
    char path[160];
    if (f->shape == JS_ANY) return 0;
    if (!json_is_array(v) || json_array_size(v) > 200) {
        err(p, f->name, "must be an array (at most 200 entries)");
        return -1;
    }
    size_t i;
    json_t *e;
    int bad = 0;
    json_array_foreach(v, i, e) {
        snprintf(path, sizeof path, "%s[%zu]", f->name, i);
        if (!json_is_object(e)) {
            err(p, path, "must be an object");
            bad = 1;
            continue;
        }
        if (f->shape == JS_OPENING_HOURS) {
            static const char *const keys[] = {"day", "opens", "closes", NULL};
            static const char *const days[] = {"mon", "tue", "wed", "thu",
                                               "fri", "sat", "sun", NULL};
            bad |= only_keys(e, path, keys, p) != 0;
            const char *day = json_string_value(json_object_get(e, "day"));
            const char *o = json_string_value(json_object_get(e, "opens"));
            const char *c = json_string_value(json_object_get(e, "closes"));
            char sub[192];
            int dok = 0;
            for (const char *const *d = days; day && *d && !dok; d++)
                dok = strcmp(*d, day) == 0;
            if (!dok) {
                snprintf(sub, sizeof sub, "%s.day", path);
                err(p, sub, "must be one of mon, tue, wed, thu, fri, sat, sun");
                bad = 1;
            }
            if (!check_hhmm(o)) {
                snprintf(sub, sizeof sub, "%s.opens", path);
                err(p, sub, "must be a time HH:MM");
                bad = 1;
            }
            if (!check_hhmm(c) || (check_hhmm(o) && strcmp(o, c) >= 0)) {
                snprintf(sub, sizeof sub, "%s.closes", path);
                err(p, sub, "must be a time HH:MM after opens");
                bad = 1;
            }
        } else if (f->shape == JS_HOURS_EXCEPTIONS) {
            static const char *const keys[] = {"date", "closed", "opens", "closes", "note", NULL};
            bad |= only_keys(e, path, keys, p) != 0;
            const char *date = json_string_value(json_object_get(e, "date"));
            if (!date || strlen(date) != 10 || !value_is_partial_date(date)) {
                err(p, path, "date must be YYYY-MM-DD");
                bad = 1;
            }
            json_t *closed = json_object_get(e, "closed");
            if (closed && !json_is_boolean(closed)) {
                err(p, path, "closed must be true or false");
                bad = 1;
            }
            if (!json_is_true(closed)) {
                const char *o = json_string_value(json_object_get(e, "opens"));
                const char *c = json_string_value(json_object_get(e, "closes"));
                if (!check_hhmm(o) || !check_hhmm(c) || strcmp(o, c) >= 0) {
                    err(p, path, "give closed: true, or opens and closes as HH:MM");
                    bad = 1;
                }
            }
            json_t *note = json_object_get(e, "note");
            if (note &&
                (!json_is_string(note) || value_utf8_chars(json_string_value(note)) > 300)) {
                err(p, path, "note must be text of at most 300 characters");
                bad = 1;
            }
        } else if (f->shape == JS_GROUP_WORK) {
            static const char *const keys[] = {"round", "question", "findings", NULL};
            bad |= only_keys(e, path, keys, p) != 0;
            json_t *round = json_object_get(e, "round");
            json_t *q = json_object_get(e, "question");
            json_t *fs = json_object_get(e, "findings");
            if (!json_is_integer(round) || json_integer_value(round) < 1 ||
                json_integer_value(round) > 100) {
                err(p, path, "round must be an integer from 1");
                bad = 1;
            }
            if (!json_is_string(q) || value_utf8_chars(json_string_value(q)) > 1000) {
                err(p, path, "question must be text of at most 1000 characters");
                bad = 1;
            }
            size_t k;
            json_t *x;
            int fok = json_is_array(fs) && json_array_size(fs) <= 100;
            if (fok)
                json_array_foreach(fs, k, x) fok &=
                    json_is_string(x) && value_utf8_chars(json_string_value(x)) <= 2000;
            if (!fok) {
                err(p, path, "findings must be an array of texts");
                bad = 1;
            }
        }
    }
    return bad ? -1 : 0;
}

/* Arrays of strings (tags, text arrays) → one uuid[]/text[] parameter. */
static int string_array(const field *f, json_t *v, db_conn *db, write_set *ws, problem *p,
                        int *param) {
    size_t max = f->max_len ? (size_t)f->max_len : DEFAULT_ARRAY_MAX;
    if (!json_is_array(v) || json_array_size(v) > max) {
        err(p, f->name, "must be an array of at most %zu texts", max);
        return -1;
    }
    const char *items[256];
    size_t i, n = 0;
    json_t *e;
    int bad = 0;
    json_array_foreach(v, i, e) {
        char path[96];
        snprintf(path, sizeof path, "%s[%zu]", f->name, i);
        const char *s = json_string_value(e);
        if (!s || value_utf8_chars(s) > ARRAY_ITEM_MAX || !*s) {
            err(p, path, "must be a non-empty text of at most %d characters", ARRAY_ITEM_MAX);
            bad = 1;
        } else if (f->type == FT_TAGS && !value_is_slug(s)) {
            err(p, path, "must be a tag slug (see /v1/tags)");
            bad = 1;
        } else if (n < 256) {
            items[n++] = s;
        }
    }
    if (bad) return -1;
    strbuf sb;
    sb_init(&sb, 1024 * 1024);
    pg_array(&sb, items, n);
    int rc = 0;
    if (f->type == FT_TAGS && n > 0 && db) {
        /* name each unknown tag here rather than let the table's trigger refuse the write */
        const char *params[1] = {sb_str(&sb)};
        PGresult *r = db_exec(db,
                              "SELECT x FROM unnest($1::text[]) x WHERE NOT EXISTS "
                              "(SELECT 1 FROM tag WHERE slug = x)",
                              1, params, 1);
        if (!db_ok(r)) {
            pgerr_problem(p, r);
            rc = -2;
        }
        for (int row = 0; rc != -2 && row < PQntuples(r); row++) {
            err(p, f->name, "\"%s\" is not a tag; see /v1/tags", PQgetvalue(r, row, 0));
            rc = -1;
        }
        PQclear(r);
    }
    if (rc == 0) *param = ws_param(ws, sb_str(&sb));
    sb_cleanup(&sb);
    return rc;
}

/* Resolves a list of references into one uuid[]/text[] parameter. */
static int ref_array(const field *f, const char *path, json_t *v, db_conn *db, write_set *ws,
                     problem *p, int *param) {
    size_t max = f->max_len ? (size_t)f->max_len : DEFAULT_ARRAY_MAX;
    if (!json_is_array(v) || json_array_size(v) > max) {
        err(p, path, "must be an array of at most %zu references", max);
        return -1;
    }
    char keys[100][48];
    const char *items[100];
    size_t i, n = 0;
    json_t *e;
    int bad = 0;
    json_array_foreach(v, i, e) {
        char sub[128];
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        int rc = n < 100 ? resolve_ref(f, sub, e, db, keys[n], sizeof keys[n], p) : -1;
        if (rc == -2) return -2;
        if (rc == 0) {
            items[n] = keys[n];
            n++;
        } else {
            bad = 1;
        }
    }
    if (bad) return -1;
    strbuf sb;
    sb_init(&sb, 64 * 1024);
    pg_array(&sb, items, n);
    *param = ws_param(ws, sb_str(&sb));
    sb_cleanup(&sb);
    return 0;
}

/* Moves the parameter just added (param) into a link. */
static void link(write_set *ws, const char *table, const char *column, int param) {
    if (ws->nlinks >= WS_MAX_LINKS || param != ws->nparams || param == 0) return;
    ws_link *l = &ws->links[ws->nlinks++];
    snprintf(l->table, sizeof l->table, "%s", table);
    l->column = column;
    l->value = ws->params[--ws->nparams];
    ws->params[ws->nparams] = NULL;
}

/* organisers: [{"type":"centre"|"organisation", "id"|"slug": …}] over two link tables */
static int organisers(const field *f, json_t *v, db_conn *db, write_set *ws, problem *p) {
    if (!json_is_array(v) || json_array_size(v) > 50) {
        err(p, f->name, "must be an array of at most 50 organisers");
        return -1;
    }
    json_t *centres = json_array(), *orgs = json_array();
    size_t i;
    json_t *e;
    int bad = 0;
    json_array_foreach(v, i, e) {
        char path[64];
        snprintf(path, sizeof path, "%s[%zu]", f->name, i);
        const char *type = json_string_value(json_object_get(e, "type"));
        if (!json_is_object(e) || !type ||
            (strcmp(type, "centre") != 0 && strcmp(type, "organisation") != 0)) {
            err(p, path,
                "must be {\"type\": \"centre\" or \"organisation\", \"slug\" or \"id\": …}");
            bad = 1;
            continue;
        }
        json_array_append(strcmp(type, "centre") == 0 ? centres : orgs, e);
    }
    int rc = bad ? -1 : 0;
    if (!bad) {
        field cf = {.name = f->name, .ref_table = "centre", .ref_key = "id"};
        field of = {.name = f->name, .ref_table = "organisation", .ref_key = "id"};
        int k = 0;
        char t[64];
        /* f->join_table holds the base table name: network, report, event */
        rc = ref_array(&cf, f->name, centres, db, ws, p, &k);
        if (rc == 0) {
            snprintf(t, sizeof t, "%s_organiser_centre", f->join_table);
            link(ws, t, "centre_id", k);
            rc = ref_array(&of, f->name, orgs, db, ws, p, &k);
        }
        if (rc == 0) {
            snprintf(t, sizeof t, "%s_organiser_organisation", f->join_table);
            link(ws, t, "organisation_id", k);
        }
    }
    json_decref(centres);
    json_decref(orgs);
    return rc;
}

static int contact(json_t *v, write_set *ws, problem *p) {
    static const char *const keys[] = {"name", "role", "phone", "email", NULL};
    static const char *const cols[] = {"contact_name", "contact_role", "contact_phone",
                                       "contact_email"};
    if (json_is_null(v)) {
        for (int i = 0; i < 4; i++)
            colraw(ws, cols[i], "NULL");
        return 0;
    }
    if (!json_is_object(v)) {
        err(p, "contact", "must be an object with name, role, phone, email");
        return -1;
    }
    if (only_keys(v, "contact", keys, p) != 0) return -1;
    int bad = 0;
    for (int i = 0; keys[i]; i++) {
        json_t *x = json_object_get(v, keys[i]);
        if (!x) continue; /* merge patch: absent keys stay */
        char path[32];
        snprintf(path, sizeof path, "contact.%s", keys[i]);
        if (json_is_null(x)) {
            colraw(ws, cols[i], "NULL");
            continue;
        }
        field tf = {.name = keys[i], .max_len = 200, .flags = i == 3 ? F_EMAIL : 0};
        if (!json_is_string(x) || check_text(&tf, path, json_string_value(x), p) != 0) {
            if (!json_is_string(x)) err(p, path, "must be text");
            bad = 1;
            continue;
        }
        col(ws, cols[i], "$%d", ws_param(ws, json_string_value(x)));
    }
    return bad ? -1 : 0;
}

static int service_area(json_t *v, db_conn *db, write_set *ws, problem *p) {
    static const char *const keys[] = {"counties", "municipalities", NULL};
    if (!json_is_object(v)) {
        err(p, "service_area", "must be {\"counties\": […], \"municipalities\": […]}");
        return -1;
    }
    if (only_keys(v, "service_area", keys, p) != 0) return -1;
    field cf = {.name = "service_area.counties", .ref_table = "county", .ref_key = "number"};
    field mf = {
        .name = "service_area.municipalities", .ref_table = "municipality", .ref_key = "number"};
    json_t *c = json_object_get(v, "counties"), *m = json_object_get(v, "municipalities");
    int rc = 0, k = 0;
    if (c && (rc = ref_array(&cf, cf.name, c, db, ws, p, &k)) == 0)
        col(ws, "service_area_counties", "$%d::text[]", k);
    if (rc == -2) return rc;
    int rc2 = 0;
    if (m && (rc2 = ref_array(&mf, mf.name, m, db, ws, p, &k)) == 0)
        col(ws, "service_area_municipalities", "$%d::text[]", k);
    return rc ? rc : rc2;
}

/* One field's value → column assignment(s). Returns 0, -1 (recorded) or -2 (database). */
static int one_field(const collection *c, const field *f, json_t *v, db_conn *db, write_set *ws,
                     problem *p) {
    const char *column = f->column ? f->column : f->name;
    char buf[64];
    if (json_is_null(v)) {
        if (f->flags & (F_REQUIRED | F_SLUG)) {
            err(p, f->name, "may not be null");
            return -1;
        }
        switch (f->type) {
        case FT_TAGS:
        case FT_TEXT_ARRAY:
            colraw(ws, column, "'{}'");
            return 0;
        case FT_JSON:
            colraw(ws, column, "'[]'");
            return 0;
        case FT_REFS: {
            int k = ws_param(ws, "{}");
            link(ws, f->join_table, f->join_column, k);
            return 0;
        }
        case FT_ORGANISERS: {
            json_t *empty = json_array();
            int rc = organisers(f, empty, db, ws, p);
            json_decref(empty);
            return rc;
        }
        case FT_CONTACT:
            return contact(v, ws, p);
        case FT_SERVICE_AREA:
            colraw(ws, "service_area_counties", "'{}'");
            colraw(ws, "service_area_municipalities", "'{}'");
            return 0;
        case FT_ENUM:
            if (strcmp(f->name, "status") == 0) {
                err(p, f->name, "may not be null");
                return -1;
            }
            break;
        default:
            break;
        }
        if (strcmp(f->name, "owner_centre") == 0) ws->owner_null = 1;
        colraw(ws, column, "NULL");
        return 0;
    }
    switch (f->type) {
    case FT_TEXT:
        if (!json_is_string(v)) break;
        if (check_text(f, f->name, json_string_value(v), p) != 0) return -1;
        col(ws, column, "$%d", ws_param(ws, json_string_value(v)));
        if (f->flags & F_SLUG) ws->has_slug = 1;
        if (f->flags & F_NAME) ws->name_param_no = ws->nparams;
        return 0;
    case FT_ENUM: {
        const char *s = json_string_value(v);
        if (!s) break;
        for (const char *const *e = f->values; e && *e; e++) {
            if (strcmp(*e, s) == 0) {
                col(ws, column, "$%d", ws_param(ws, s));
                return 0;
            }
        }
        char allowed[400] = "";
        size_t n = 0;
        for (const char *const *e = f->values; e && *e && n < sizeof allowed; e++)
            n += (size_t)snprintf(allowed + n, sizeof allowed - n, "%s%s", n ? ", " : "", *e);
        err(p, f->name, "must be one of: %s", allowed);
        return -1;
    }
    case FT_INT:
        if (!json_is_integer(v)) break;
        if (json_integer_value(v) < 0 || json_integer_value(v) > 1000000000) {
            err(p, f->name, "must be from 0 to 1000000000");
            return -1;
        }
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        col(ws, column, "$%d::integer", ws_param(ws, buf));
        return 0;
    case FT_BOOL:
        if (!json_is_boolean(v)) break;
        col(ws, column, "$%d::boolean", ws_param(ws, json_is_true(v) ? "true" : "false"));
        return 0;
    case FT_TIME:
        if (!json_is_string(v)) break;
        if (!value_is_rfc3339(json_string_value(v))) {
            err(p, f->name, "must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z");
            return -1;
        }
        col(ws, column, "$%d::timestamptz", ws_param(ws, json_string_value(v)));
        return 0;
    case FT_DATE:
        if (!json_is_string(v)) break;
        if (strlen(json_string_value(v)) != 10 || !value_is_partial_date(json_string_value(v))) {
            err(p, f->name, "must be a date YYYY-MM-DD");
            return -1;
        }
        col(ws, column, "$%d::date", ws_param(ws, json_string_value(v)));
        return 0;
    case FT_PARTIAL_DATE: {
        json_t *s = json_is_object(v) ? json_object_get(v, "value") : v;
        if (!json_is_string(s)) break;
        if (!value_is_partial_date(json_string_value(s))) {
            err(p, f->name,
                "must be a date YYYY, YYYY-MM, YYYY-MM-DD or a season YYYY-21 "
                "(spring) … YYYY-24 (winter)");
            return -1;
        }
        col(ws, column, "$%d", ws_param(ws, json_string_value(s)));
        return 0;
    }
    case FT_REF: {
        char key[48];
        int rc = resolve_ref(f, f->name, v, db, key, sizeof key, p);
        if (rc) return rc;
        if (strcmp(f->name, "owner_centre") == 0) {
            ws->has_owner = 1;
            snprintf(ws->owner_centre, sizeof ws->owner_centre, "%s", key);
        }
        col(ws, column, strcmp(f->ref_key, "id") == 0 ? "$%d::uuid" : "$%d", ws_param(ws, key));
        return 0;
    }
    case FT_REFS: {
        int k = 0;
        int rc = ref_array(f, f->name, v, db, ws, p, &k);
        if (rc) return rc;
        link(ws, f->join_table, f->join_column, k);
        return 0;
    }
    case FT_ORGANISERS:
        return organisers(f, v, db, ws, p);
    case FT_TAGS:
    case FT_TEXT_ARRAY: {
        int k = 0;
        int rc = string_array(f, v, db, ws, p, &k);
        if (rc) return rc;
        col(ws, column, "$%d::text[]", k);
        return 0;
    }
    case FT_JSON: {
        if (!json_is_array(v) && !json_is_object(v)) break;
        if (check_shape(f, v, p) != 0) return -1;
        char *s = json_dumps(v, JSON_COMPACT);
        col(ws, column, "$%d::jsonb", ws_param(ws, s));
        free(s);
        return 0;
    }
    case FT_POINT: {
        static const char *const keys[] = {"lat", "lon", NULL};
        if (!json_is_object(v)) break;
        if (only_keys(v, f->name, keys, p) != 0) return -1;
        json_t *lat = json_object_get(v, "lat"), *lon = json_object_get(v, "lon");
        int bad = 0;
        if (!json_is_number(lat) || !isfinite(json_number_value(lat)) ||
            fabs(json_number_value(lat)) > 90) {
            err(p, "location.lat", "must be a latitude from -90 to 90");
            bad = 1;
        }
        if (!json_is_number(lon) || !isfinite(json_number_value(lon)) ||
            fabs(json_number_value(lon)) > 180) {
            err(p, "location.lon", "must be a longitude from -180 to 180");
            bad = 1;
        }
        if (bad) return -1;
        char a[40], b[40];
        snprintf(a, sizeof a, "%.7f", json_number_value(lon));
        snprintf(b, sizeof b, "%.7f", json_number_value(lat));
        int kl = ws_param(ws, a);
        int kb = ws_param(ws, b);
        char expr[160];
        snprintf(expr, sizeof expr,
                 "ST_SetSRID(ST_MakePoint($%d::float8, $%d::float8), 4326)::geography", kl, kb);
        colraw(ws, column, expr);
        return 0;
    }
    case FT_CONTACT:
        return contact(v, ws, p);
    case FT_SERVICE_AREA:
        return service_area(v, db, ws, p);
    case FT_UUID:
    case FT_NUMBER:
        break;
    }
    static const char *const names[] = {[FT_TEXT] = "text",
                                        [FT_ENUM] = "text",
                                        [FT_INT] = "an integer",
                                        [FT_NUMBER] = "a number",
                                        [FT_BOOL] = "true or false",
                                        [FT_UUID] = "an id",
                                        [FT_TIME] = "a date-time text",
                                        [FT_DATE] = "a date text",
                                        [FT_PARTIAL_DATE] = "a date text",
                                        [FT_REF] = "an id or slug",
                                        [FT_REFS] = "an array",
                                        [FT_TAGS] = "an array of tag slugs",
                                        [FT_TEXT_ARRAY] = "an array of texts",
                                        [FT_JSON] = "an array or object",
                                        [FT_POINT] = "an object {\"lat\", \"lon\"}",
                                        [FT_ORGANISERS] = "an array",
                                        [FT_CONTACT] = "an object",
                                        [FT_SERVICE_AREA] = "an object"};
    err(p, f->name, "must be %s", names[f->type]);
    return -1;
}

int validate_body(const collection *c, json_t *body, int create, db_conn *db, write_set *ws,
                  problem *p) {
    const char *k;
    json_t *v;
    int failed = 0;
    json_object_foreach(body, k, v) {
        const field *f = collection_field(c, k);
        if (!f) {
            err(p, k, "is not a field of %s", c->name);
            failed = 1;
            continue;
        }
        if (f->flags & F_READONLY) {
            err(p, k, "is read-only");
            failed = 1;
            continue;
        }
        int rc = one_field(c, f, v, db, ws, p);
        if (rc == -2) return -1; /* database problem already recorded */
        if (rc) failed = 1;
    }
    if (create) {
        for (const field *f = c->fields; f->name; f++)
            if ((f->flags & F_REQUIRED) && !json_object_get(body, f->name)) {
                err(p, f->name, "is required");
                failed = 1;
            }
    }
    if (ws->ncols >= WS_MAX_COLS || ws->nparams >= WS_MAX_PARAMS) {
        err(p, "", "too many values in one request");
        failed = 1;
    }
    if (failed) {
        problem_set(p, 422, "validation-failed", "%zu field(s) failed validation",
                    p->errors ? json_array_size(p->errors) : (size_t)0);
        return -1;
    }
    return 0;
}
