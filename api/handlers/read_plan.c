#include "handlers/read_plan.h"

#include "http/cursor.h"
#include "model/values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Splits a comma list in place-free fashion: calls fn on each item; stops on error. */
typedef int (*item_check)(const char *item, const void *arg);

static int each_item(const char *list, item_check fn, const void *arg, char *bad, size_t badlen) {
    int count = 0;
    const char *p = list;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        char item[256];
        if (n == 0 || n >= sizeof item || ++count > LIST_MAX_VALUES) {
            snprintf(bad, badlen, "%.*s", (int)(n > 60 ? 60 : n), p);
            return -1;
        }
        memcpy(item, p, n);
        item[n] = '\0';
        if (!fn(item, arg)) {
            snprintf(bad, badlen, "%s", item);
            return -1;
        }
        if (!c) return 0;
        p = c + 1;
    }
}

static int in_values(const char *item, const void *arg) {
    const char *const *values = arg;
    if (!values) return 1;
    for (; *values; values++)
        if (strcmp(*values, item) == 0) return 1;
    return 0;
}

static int is_key(const char *item, const void *arg) {
    (void)arg;
    return value_is_uuid(item) || value_is_slug(item) || value_is_digits(item, 2, 4);
}

static int is_slug(const char *item, const void *arg) {
    (void)arg;
    return value_is_slug(item);
}

static void join_values(const char *const *values, char *out, size_t outlen) {
    size_t n = 0;
    out[0] = '\0';
    for (; values && *values && n + 1 < outlen; values++)
        n += (size_t)snprintf(out + n, outlen - n, "%s%s", n ? ", " : "", *values);
}

static int field_index(const collection *c, const char *name) {
    int i = 0;
    for (const field *f = c->fields; f->name; f++, i++)
        if (strcmp(f->name, name) == 0) return i;
    return -1;
}

static int parse_filters(req_ctx *ctx, read_plan *p) {
    char name[96], bad[96];
    for (const filter *f = p->coll->filters; f->param; f++) {
        int ranged = f->kind == FILTER_DATE_RANGE || f->kind == FILTER_INT_RANGE;
        for (int op = ranged ? COND_FROM : COND_MATCH; op <= (ranged ? COND_TO : COND_MATCH);
             op++) {
            snprintf(name, sizeof name, "%s%s", f->param,
                     op == COND_FROM ? "_from"
                     : op == COND_TO ? "_to"
                                     : "");
            const char *v = query_get(&ctx->q, name);
            if (!v) continue;
            if (p->nconds >= PLAN_MAX_CONDS)
                return problem_bad_param(&ctx->prob, name, "too many filters");
            int ok = 1;
            switch (f->kind) {
            case FILTER_IN:
                if (each_item(v, in_values, f->values, bad, sizeof bad) != 0) {
                    char allowed[512];
                    join_values(f->values, allowed, sizeof allowed);
                    return problem_bad_param(&ctx->prob, name,
                                             "%s: unknown value \"%s\"; expected any of: %s", name,
                                             bad, allowed);
                }
                break;
            case FILTER_TAGS:
                ok = each_item(v, is_slug, NULL, bad, sizeof bad) == 0;
                break;
            case FILTER_REF:
            case FILTER_REF_ARRAY:
                ok = each_item(v, is_key, NULL, bad, sizeof bad) == 0;
                break;
            case FILTER_DATE_RANGE:
                if (!value_is_partial_date(v))
                    return problem_bad_param(
                        &ctx->prob, name, "%s must be a date: YYYY, YYYY-MM or YYYY-MM-DD", name);
                break;
            case FILTER_INT_RANGE: {
                long n;
                if (!value_parse_long(v, -2147483647L, 2147483647L, &n))
                    return problem_bad_param(&ctx->prob, name, "%s must be an integer", name);
                break;
            }
            }
            if (!ok)
                return problem_bad_param(&ctx->prob, name,
                                         "%s: \"%s\" is not an id, number or slug", name, bad);
            p->conds[p->nconds++] = (plan_cond){f, (cond_op)op, v};
        }
    }
    return 0;
}

/* fields=a,b and include=x,y */
static int parse_shape(req_ctx *ctx, read_plan *p) {
    const collection *c = p->coll;
    const char *fields = query_get(&ctx->q, "fields");
    if (fields) {
        memset(p->omit, 1, sizeof p->omit);
        const char *s = fields;
        for (;;) {
            const char *comma = strchr(s, ',');
            size_t n = comma ? (size_t)(comma - s) : strlen(s);
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), s);
            int i = n < 63 ? field_index(c, name) : -1;
            if (i < 0)
                return problem_bad_param(&ctx->prob, "fields", "fields: %s has no field \"%s\"",
                                         c->name, name);
            p->omit[i] = 0;
            if (!comma) break;
            s = comma + 1;
        }
    }
    const char *include = query_get(&ctx->q, "include");
    if (include) {
        const char *s = include;
        for (;;) {
            const char *comma = strchr(s, ',');
            size_t n = comma ? (size_t)(comma - s) : strlen(s);
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), s);
            int i = n < 63 ? field_index(c, name) : -1;
            if (i < 0 || !c->fields[i].embeds)
                return problem_bad_param(&ctx->prob, "include",
                                         "include: \"%s\" is not a reference of %s that can be "
                                         "embedded",
                                         name, c->name);
            p->include[i] = 1;
            if (!comma) break;
            s = comma + 1;
        }
    }
    return 0;
}

/* format=geojson or Accept: application/geo+json */
static int parse_format(req_ctx *ctx, read_plan *p) {
    const char *format = query_get(&ctx->q, "format");
    const char *accept = u_map_get_case(ctx->req->map_header, "Accept");
    if (format && strcmp(format, "geojson") != 0 && strcmp(format, "json") != 0)
        return problem_bad_param(&ctx->prob, "format", "format must be json or geojson");
    int geo = format ? strcmp(format, "geojson") == 0
                     : (accept && strstr(accept, "application/geo+json") != NULL);
    if (geo && !p->coll->geo)
        return problem_set(&ctx->prob, 406, "not-acceptable", "%s have no location for GeoJSON",
                           p->coll->name);
    p->geojson = geo;
    return 0;
}

static int parse_near(req_ctx *ctx, read_plan *p) {
    /* Collections without a location leave these unread, so they are reported unknown. */
    if (!p->coll->geo) return 0;
    const char *near = query_get(&ctx->q, "near");
    const char *nm = query_get(&ctx->q, "near_municipality");
    const char *radius = query_get(&ctx->q, "radius_km");
    if (p->near && (near || nm))
        return problem_bad_param(&ctx->prob, near ? "near" : "near_municipality",
                                 "the municipality in the path is the point; drop %s",
                                 near ? "near" : "near_municipality");
    if (near && nm)
        return problem_bad_param(&ctx->prob, "near_municipality",
                                 "give either near or near_municipality, not both");
    if (near) {
        const char *comma = strchr(near, ',');
        double lat, lon;
        char a[32], b[32];
        if (!comma || (size_t)(comma - near) >= sizeof a || strlen(comma + 1) >= sizeof b)
            return problem_bad_param(&ctx->prob, "near", "near must be \"lat,lon\" in degrees");
        snprintf(a, sizeof a, "%.*s", (int)(comma - near), near);
        snprintf(b, sizeof b, "%s", comma + 1);
        if (!value_parse_double(a, &lat) || !value_parse_double(b, &lon))
            return problem_bad_param(&ctx->prob, "near", "near must be \"lat,lon\" in degrees");
        if (lat < -90 || lat > 90)
            return problem_bad_param(&ctx->prob, "near", "near: latitude must be within ±90");
        if (lon < -180 || lon > 180)
            return problem_bad_param(&ctx->prob, "near", "near: longitude must be within ±180");
        snprintf(p->near_lat, sizeof p->near_lat, "%.7f", lat);
        snprintf(p->near_lon, sizeof p->near_lon, "%.7f", lon);
        p->near = 1;
    } else if (nm) {
        if (!*nm || strlen(nm) > 120)
            return problem_bad_param(&ctx->prob, "near_municipality",
                                     "near_municipality must be a municipality number or name");
        p->near_municipality = nm; /* resolved (404 if unknown) by run_list */
        p->near = 1;
    }
    if (radius) {
        double r;
        if (!p->near) return problem_bad_param(&ctx->prob, "radius_km", "radius_km needs near");
        if (!value_parse_double(radius, &r) || r <= 0 || r > RADIUS_MAX_KM)
            return problem_bad_param(&ctx->prob, "radius_km",
                                     "radius_km must be a number above 0 and at most %.0f",
                                     RADIUS_MAX_KM);
        snprintf(p->radius_m, sizeof p->radius_m, "%.3f", r * 1000.0);
    }
    return 0;
}

static int parse_order(req_ctx *ctx, read_plan *p) {
    const char *sort = query_get(&ctx->q, "sort");
    if (sort) {
        int desc = sort[0] == '-';
        const char *name = desc ? sort + 1 : sort;
        for (const sort_key *s = p->coll->sorts; s->name; s++) {
            if (strcmp(s->name, name) == 0) {
                p->sort = s;
                p->desc = desc;
                return 0;
            }
        }
        if (p->near && strcmp(name, "distance") == 0 && !desc) {
            p->by_distance = 1;
            return 0;
        }
        if (p->q && strcmp(name, "rank") == 0 && !desc) {
            p->by_rank = 1; /* ascending distance: best match first */
            return 0;
        }
        char allowed[256] = "";
        size_t n = 0;
        for (const sort_key *s = p->coll->sorts; s->name; s++)
            n += (size_t)snprintf(allowed + n, sizeof allowed - n, "%s%s", n ? ", " : "", s->name);
        return problem_bad_param(&ctx->prob, "sort",
                                 "sort: cannot sort %s by \"%s\"; use one of: "
                                 "%s (prefix - for descending)",
                                 p->coll->name, name, allowed);
    }
    if (p->near) {
        p->by_distance = 1;
    } else if (p->q) {
        p->by_rank = 1;
    } else {
        p->sort = &p->coll->sorts[0];
        p->desc = p->coll->default_desc;
    }
    return 0;
}

int plan_list_from_query(req_ctx *ctx, read_plan *p, int *want_count) {
    p->coll = ctx->coll;
    const collection *c = p->coll;
    p->limit = LIST_DEFAULT_LIMIT;
    const char *limit = query_get(&ctx->q, "limit");
    long n;
    if (limit) {
        if (!value_parse_long(limit, 1, LIST_MAX_LIMIT, &n))
            return problem_bad_param(&ctx->prob, "limit", "limit must be an integer from 1 to %d",
                                     LIST_MAX_LIMIT);
        p->limit = (int)n;
    }
    if (c->searchable) {
        p->q = query_get(&ctx->q, "q");
        if (p->q && (strlen(p->q) == 0 || value_utf8_chars(p->q) > SEARCH_MAX_CHARS))
            return problem_bad_param(&ctx->prob, "q", "q must be 1 to %d characters",
                                     SEARCH_MAX_CHARS);
    }
    if (c->has_updated_at) {
        p->updated_since = query_get(&ctx->q, "updated_since");
        if (p->updated_since && !value_is_rfc3339(p->updated_since))
            return problem_bad_param(&ctx->prob, "updated_since",
                                     "updated_since must be an RFC 3339 date-time, e.g. "
                                     "2026-01-31T12:00:00Z");
    }
    if (c->table) {
        const char *del = query_get(&ctx->q, "include_deleted");
        if (del && strcmp(del, "true") != 0 && strcmp(del, "false") != 0)
            return problem_bad_param(&ctx->prob, "include_deleted",
                                     "include_deleted must be true or false");
        p->include_deleted = del && strcmp(del, "true") == 0;
        if (p->include_deleted && !p->updated_since)
            return problem_bad_param(&ctx->prob, "include_deleted",
                                     "include_deleted needs updated_since");
    }
    const char *count = query_get(&ctx->q, "count");
    if (count && strcmp(count, "exact") != 0)
        return problem_bad_param(&ctx->prob, "count", "count must be \"exact\"");
    *want_count = count != NULL;
    if (parse_filters(ctx, p) || parse_shape(ctx, p) || parse_format(ctx, p) ||
        parse_near(ctx, p) || parse_order(ctx, p))
        return -1;
    const char *cur = query_get(&ctx->q, "cursor");
    if (cur) {
        cursor k;
        if (cursor_decode(cur, &k) != 0)
            return problem_bad_param(&ctx->prob, "cursor", "cursor is not one this API gave out");
        if (strcmp(k.sort, sql_sort_label(p)) != 0 || k.desc != p->desc)
            return problem_bad_param(&ctx->prob, "cursor",
                                     "cursor belongs to a different sort order; keep the other "
                                     "parameters as they were on the first page");
        if (strcmp(c->key_type, "uuid") == 0 && !value_is_uuid(k.key))
            return problem_bad_param(&ctx->prob, "cursor", "cursor is not one this API gave out");
        p->after = 1;
        snprintf(p->after_value, sizeof p->after_value, "%s", k.value);
        snprintf(p->after_key, sizeof p->after_key, "%s", k.key);
    }
    return query_reject_unused(&ctx->q, &ctx->prob);
}

int plan_item_from_query(req_ctx *ctx, read_plan *p) {
    p->coll = ctx->coll;
    p->key = ctx->key;
    if (parse_shape(ctx, p) || parse_format(ctx, p)) return -1;
    return query_reject_unused(&ctx->q, &ctx->prob);
}

void plan_set_viewer(read_plan *p, const identity *who) {
    if (!who->present) return;
    if (who->admin)
        p->viewer_all = 1;
    else
        p->viewer_centres = who->centres;
}
