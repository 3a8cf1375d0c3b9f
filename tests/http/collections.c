/* http_collections: the generic read API of every collection — lists, items, limits,
 * filters, sorting, fields, include, updated_since, ETags, cursors, paging (also while rows
 * are inserted) and full-text search. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static kp_server *srv;
static char prefix[64]; /* slug prefix of the rows this run inserts */
/* Rows written through libpq reach the server's response cache through LISTEN/NOTIFY, a
 * moment after the commit. before_write() has the server cache a count of the public centres;
 * after_write() waits until that cached count matches the database, which proves the server
 * has heard of the change (and dropped every answer cached before it). */
#define CENTRE_COUNT "/v1/centres?count=exact&limit=1&fields=id"
static void before_write(void) {
    kp_response_free(kp_get(srv, CENTRE_COUNT));
}
static void after_write(void) {
    char *n = kp_sql_value("SELECT count(*) FROM api_centres WHERE _public");
    if (n) kp_await_total(srv, CENTRE_COUNT, atol(n));
    free(n);
}

typedef struct coll {
    const char *name;
    const char *title; /* the name-like field: name or title */
    const char *key;   /* the primary key field: id or number or slug */
    const char *alt;   /* the second key (slug) or NULL */
    const char *sort;  /* a text sort key */
    const char *embed; /* a field include= embeds, or NULL */
    int searchable;    /* q= */
    int updated;       /* updated_since= */
} coll;

static const coll colls[] = {
    {"centres", "name", "id", "slug", "name", "parent", 1, 1},
    {"networks", "name", "id", "slug", "name", "members", 1, 1},
    {"reports", "title", "id", "slug", "title", "network", 1, 1},
    {"resources", "name", "id", "slug", "name", "centre", 1, 1},
    {"practices", "name", "id", "slug", "name", "municipality", 1, 1},
    {"news", "title", "id", "slug", "title", "centre", 1, 1},
    {"events", "name", "id", "slug", "name", "network", 1, 1},
    {"organisations", "name", "id", "slug", "name", "municipality", 1, 1},
    {"tags", "name", "slug", NULL, "name", NULL, 0, 0},
    {"municipalities", "name", "number", "slug", "name", NULL, 0, 0},
};
#define NCOLLS (sizeof colls / sizeof colls[0])

/* ---- helpers ----------------------------------------------------------------------------- */

/* The key of an item as a string (id, number or slug). */
static const char *item_key(const json_t *item, const char *key) {
    return kp_str(item, key);
}

/* Follows next cursors from path (which has a query, or not). Returns all items (new
 * reference) or NULL on an error (recorded). *pages gets the number of pages. */
static json_t *list_all(const char *path, int *pages) {
    json_t *all = json_array();
    char *cursor = NULL;
    int n = 0;
    const char *sep = strchr(path, '?') ? "&" : "?";
    for (;;) {
        kp_response *r =
            cursor ? kp_getf(srv, "%s%scursor=%s", path, sep, cursor) : kp_get(srv, path);
        free(cursor);
        cursor = NULL;
        n++;
        json_t *items = kp_items(r);
        if (!CHECK_STATUS(r, 200) || !CHECK(items, "GET %s: no items array", r->path)) {
            kp_response_free(r);
            json_decref(all);
            return NULL;
        }
        json_array_extend(all, items);
        json_t *next = json_object_get(r->json, "next");
        CHECK(next && (json_is_null(next) || json_is_string(next)),
              "GET %s: \"next\" is a string or null", r->path);
        const char *link = kp_header_get(r, "Link");
        if (json_is_string(next)) {
            CHECK(link && strstr(link, "rel=\"next\"") && strstr(link, json_string_value(next)),
                  "GET %s: Link rel=next carries the cursor: %s", r->path, link ? link : "(none)");
            cursor = strdup(json_string_value(next));
        } else {
            CHECK(!link || !strstr(link, "rel=\"next\""),
                  "GET %s: no Link rel=next on the last page", r->path);
        }
        kp_response_free(r);
        if (!cursor) break;
        if (!CHECK(n < 1000, "GET %s: more than 1000 pages, the cursor loops", path)) {
            free(cursor);
            break;
        }
    }
    if (pages) *pages = n;
    return all;
}

/* total from count=exact on path */
static long count_exact(const char *path) {
    kp_response *r = kp_getf(srv, "%s%scount=exact%s", path, strchr(path, '?') ? "&" : "?",
                             strstr(path, "limit=") ? "" : "&limit=1");
    long total = -1;
    if (CHECK_STATUS(r, 200)) {
        json_t *t = json_object_get(r->json, "total");
        if (CHECK(json_is_integer(t), "GET %s: count=exact gives an integer total", r->path))
            total = (long)json_integer_value(t);
    }
    kp_response_free(r);
    return total;
}

/* Does arr (of strings, or of objects with "slug"/"number") contain value? */
static int array_has(const json_t *arr, const char *value) {
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e) {
        if (json_is_string(e) && strcmp(json_string_value(e), value) == 0) return 1;
        if (json_is_object(e)) {
            const char *s = kp_str(e, "slug"), *num = kp_str(e, "number");
            if ((s && strcmp(s, value) == 0) || (num && strcmp(num, value) == 0)) return 1;
        }
    }
    return 0;
}

/* Is value one of the comma list? */
static int in_list(const char *value, const char *list) {
    size_t n = strlen(value);
    for (const char *p = list; *p;) {
        size_t m = strcspn(p, ",");
        if (m == n && strncmp(p, value, n) == 0) return 1;
        p += m;
        if (*p) p++;
    }
    return 0;
}

/* ---- lists, items, keys ------------------------------------------------------------------ */

static void test_list_and_items(const coll *c) {
    kp_response *r = kp_getf(srv, "/v1/%s", c->name);
    CHECK_STATUS(r, 200);
    json_t *items = kp_items(r);
    CHECK(items && json_array_size(items) > 0, "GET /v1/%s has items", c->name);
    CHECK(r->json && json_object_get(r->json, "next") != NULL, "GET /v1/%s has \"next\"", c->name);
    CHECK(json_array_size(items) <= 20, "GET /v1/%s: default limit 20, got %zu", c->name,
          json_array_size(items));
    const char *ct = kp_header_get(r, "Content-Type");
    CHECK(ct && strncmp(ct, "application/json", 16) == 0, "GET /v1/%s: Content-Type %s", c->name,
          ct ? ct : "(none)");
    const char *cc = kp_header_get(r, "Cache-Control");
    CHECK(cc && strstr(cc, "public"), "GET /v1/%s: Cache-Control public, got %s", c->name,
          cc ? cc : "(none)");
    CHECK(kp_header_get(r, "ETag") != NULL, "GET /v1/%s has an ETag", c->name);

    /* every item by its key and by its alternative key, identical to the list's item */
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        if (i >= 5) break;
        const char *key = item_key(item, c->key);
        if (!CHECK(key, "/v1/%s item has %s", c->name, c->key)) continue;
        char *ek = kp_urlencode(key);
        kp_response *a = kp_getf(srv, "/v1/%s/%s", c->name, ek);
        free(ek);
        CHECK_STATUS(a, 200);
        CHECK(kp_json_equal(a->json, item), "GET /v1/%s/%s equals the list item", c->name, key);
        CHECK(kp_header_get(a, "ETag") != NULL, "GET /v1/%s/%s has an ETag", c->name, key);
        cc = kp_header_get(a, "Cache-Control");
        CHECK(cc && strstr(cc, "public"), "GET /v1/%s/%s: Cache-Control public", c->name, key);
        if (c->alt) {
            const char *alt = kp_str(item, c->alt);
            if (CHECK(alt, "/v1/%s item has %s", c->name, c->alt)) {
                char *ea = kp_urlencode(alt);
                kp_response *b = kp_getf(srv, "/v1/%s/%s", c->name, ea);
                free(ea);
                CHECK_STATUS(b, 200);
                CHECK(kp_json_equal(a->json, b->json), "GET /v1/%s by %s and by %s agree", c->name,
                      c->key, c->alt);
                kp_response_free(b);
            }
        }
        kp_response_free(a);
    }
    kp_response_free(r);

    const char *unknown[] = {"no-such-item-here", "00000000-0000-4000-8000-000000000000", "9999",
                             "x", NULL};
    for (const char **u = unknown; *u; u++) {
        kp_response *a = kp_getf(srv, "/v1/%s/%s", c->name, *u);
        CHECK_PROBLEM(a, 404, NULL);
        kp_response_free(a);
    }
    /* an item path takes only fields/include/format */
    kp_response *a = kp_getf(srv, "/v1/%s?bogus_param=1", c->name);
    CHECK_PROBLEM(a, 400, "bogus_param");
    kp_response_free(a);
}

static void test_limits(const coll *c) {
    const char *bad[] = {"0", "101", "x", "-1", "1.5", "", "1e2", "99999999999999999999", NULL};
    for (const char **b = bad; *b; b++) {
        kp_response *r = kp_getf(srv, "/v1/%s?limit=%s", c->name, *b);
        CHECK_PROBLEM(r, 400, "limit");
        kp_response_free(r);
    }
    kp_response *r = kp_getf(srv, "/v1/%s?limit=1", c->name);
    CHECK_STATUS(r, 200);
    CHECK(kp_items(r) && json_array_size(kp_items(r)) == 1, "GET /v1/%s?limit=1: one item",
          c->name);
    kp_response_free(r);
    r = kp_getf(srv, "/v1/%s?limit=100", c->name);
    CHECK_STATUS(r, 200);
    CHECK(kp_items(r) && json_array_size(kp_items(r)) <= 100, "limit=100 bounds the page");
    kp_response_free(r);

    r = kp_getf(srv, "/v1/%s?count=yes", c->name);
    CHECK_PROBLEM(r, 400, "count");
    kp_response_free(r);
    r = kp_getf(srv, "/v1/%s?nonsense=1", c->name);
    CHECK_PROBLEM(r, 400, "nonsense");
    kp_response_free(r);
    r = kp_getf(srv, "/v1/%s?limit=5&Limit=5", c->name);
    CHECK_PROBLEM(r, 400, "Limit");
    kp_response_free(r);
}

/* count=exact and paging with limit=2: every item exactly once, total equal. */
static void test_paging(const coll *c) {
    char path[128];
    snprintf(path, sizeof path, "/v1/%s?limit=2", c->name);
    int pages = 0;
    json_t *all = list_all(path, &pages);
    long total = count_exact(path);
    if (!all) return;
    CHECK_INT(total, json_array_size(all), "count=exact total vs items paged through");
    int dups = 0;
    for (size_t i = 0; i < json_array_size(all); i++)
        for (size_t k = i + 1; k < json_array_size(all); k++) {
            const char *a = item_key(json_array_get(all, i), c->key);
            const char *b = item_key(json_array_get(all, k), c->key);
            if (a && b && strcmp(a, b) == 0) dups++;
        }
    CHECK(dups == 0, "/v1/%s paged by 2: %d duplicates", c->name, dups);
    CHECK(pages >= (int)(json_array_size(all) + 1) / 2, "/v1/%s: %d pages for %zu items", c->name,
          pages, json_array_size(all));

    /* the big page agrees with the small pages */
    snprintf(path, sizeof path, "/v1/%s?limit=100", c->name);
    json_t *big = list_all(path, NULL);
    if (big) {
        CHECK_INT(json_array_size(big), json_array_size(all), "limit=100 vs limit=2 item count");
        int same = json_array_size(big) == json_array_size(all);
        for (size_t i = 0; same && i < json_array_size(all); i++)
            same = strcmp(item_key(json_array_get(all, i), c->key),
                          item_key(json_array_get(big, i), c->key)) == 0;
        CHECK(same, "/v1/%s: limit=2 pages give the same order as limit=100", c->name);
    }
    json_decref(big);
    json_decref(all);

    /* count=exact on the first page: total + items */
    kp_response *r = kp_getf(srv, "/v1/%s?count=exact", c->name);
    CHECK_STATUS(r, 200);
    CHECK(json_integer_value(json_object_get(r->json, "total")) == total,
          "/v1/%s?count=exact total stable", c->name);
    kp_response_free(r);
    r = kp_getf(srv, "/v1/%s", c->name);
    CHECK(r->json && json_object_get(r->json, "total") == NULL,
          "/v1/%s without count=exact has no total", c->name);
    kp_response_free(r);
}

static void test_sorting(const coll *c) {
    for (int desc = 0; desc <= 1; desc++) {
        char path[128];
        snprintf(path, sizeof path, "/v1/%s?sort=%s%s&limit=100", c->name, desc ? "-" : "",
                 c->sort);
        json_t *all = list_all(path, NULL);
        if (!all) continue;
        int ordered = 1;
        for (size_t i = 1; i < json_array_size(all); i++) {
            const char *a = kp_str(json_array_get(all, i - 1), c->sort);
            const char *b = kp_str(json_array_get(all, i), c->sort);
            if (!a || !b) continue;
            int cmp = strcmp(a, b);
            if (desc ? cmp < 0 : cmp > 0) {
                ordered = 0;
                CHECK(0, "%s: \"%s\" before \"%s\"", path, a, b);
            }
        }
        CHECK(ordered, "%s is ordered", path);
        json_decref(all);
    }
    const char *bad[] = {"bogus", "-bogus", "--name", "distance", "rank", "", NULL};
    for (const char **b = bad; *b; b++) {
        kp_response *r = kp_getf(srv, "/v1/%s?sort=%s", c->name, *b);
        CHECK_PROBLEM(r, 400, "sort");
        kp_response_free(r);
    }
}

static void test_fields_include(const coll *c) {
    kp_response *r =
        kp_getf(srv, "/v1/%s?fields=%s,%s&limit=5", c->name, c->title, c->alt ? c->alt : c->key);
    CHECK_STATUS(r, 200);
    size_t i;
    json_t *item;
    json_array_foreach(kp_items(r), i, item) {
        CHECK(json_object_size(item) == 2 && json_object_get(item, c->title) &&
                  json_object_get(item, c->alt ? c->alt : c->key),
              "/v1/%s?fields=%s,%s gives exactly those keys: %s", c->name, c->title,
              c->alt ? c->alt : c->key, kp_json_brief(item));
    }
    json_t *first = json_array_get(kp_items(r), 0);
    const char *alt = first ? kp_str(first, c->alt ? c->alt : c->key) : NULL;
    if (alt) {
        char *ea = kp_urlencode(alt);
        kp_response *a = kp_getf(srv, "/v1/%s/%s?fields=%s", c->name, ea, c->title);
        free(ea);
        CHECK_STATUS(a, 200);
        CHECK(a->json && json_object_size(a->json) == 1 && json_object_get(a->json, c->title),
              "GET /v1/%s/{key}?fields=%s gives one key: %s", c->name, c->title,
              kp_json_brief(a->json));
        kp_response_free(a);
    }
    kp_response_free(r);

    const char *bad[] = {"bogus", "name,bogus", "", ",", "_search", "_public", NULL};
    for (const char **b = bad; *b; b++) {
        r = kp_getf(srv, "/v1/%s?fields=%s", c->name, *b);
        CHECK_PROBLEM(r, 400, "fields");
        kp_response_free(r);
    }
    r = kp_getf(srv, "/v1/%s?include=bogus", c->name);
    CHECK_PROBLEM(r, 400, "include");
    kp_response_free(r);
    r = kp_getf(srv, "/v1/%s?include=%s", c->name, c->title);
    CHECK_PROBLEM(r, 400, "include");
    kp_response_free(r);

    if (!c->embed) return;
    /* include=<ref>: where the reference is set, the embedded item is a full item */
    json_t *all = NULL;
    char path[160];
    snprintf(path, sizeof path, "/v1/%s?include=%s&limit=100", c->name, c->embed);
    all = list_all(path, NULL);
    int embedded = 0;
    json_array_foreach(all, i, item) {
        json_t *e = json_object_get(item, c->embed);
        if (json_is_array(e)) e = json_array_get(e, 0);
        if (!json_is_object(e)) continue;
        embedded++;
        CHECK(json_object_size(e) > 3 &&
                  (json_object_get(e, "created_at") || json_object_get(e, "population")),
              "%s: the embedded %s is a full item: %s", path, c->embed, kp_json_brief(e));
    }
    CHECK(embedded > 0, "%s: some item has an embedded %s", path, c->embed);
    json_decref(all);
}

static void test_etag(const coll *c) {
    char path[128];
    snprintf(path, sizeof path, "/v1/%s?limit=3", c->name);
    kp_response *r = kp_get(srv, path);
    const char *etag = kp_header_get(r, "ETag");
    if (CHECK(etag && etag[0], "%s has an ETag", path)) {
        char h[160];
        snprintf(h, sizeof h, "If-None-Match: %s", etag);
        kp_response *n = kp_get_h(srv, path, h);
        CHECK_STATUS(n, 304);
        CHECK_INT(0, n->body_len, "304 body length");
        CHECK(kp_header_get(n, "ETag") && strcmp(kp_header_get(n, "ETag"), etag) == 0,
              "a 304 repeats the ETag");
        CHECK(kp_header_get(n, "Cache-Control") != NULL, "a 304 has Cache-Control");
        kp_response_free(n);
        snprintf(h, sizeof h, "If-None-Match: \"other\", W/%s", etag);
        n = kp_get_h(srv, path, h);
        CHECK_STATUS(n, 304);
        kp_response_free(n);
        n = kp_get_h(srv, path, "If-None-Match: \"0000000000000000\"");
        CHECK_STATUS(n, 200);
        kp_response_free(n);
        n = kp_getf(srv, "/v1/%s?limit=4", c->name);
        CHECK(kp_header_get(n, "ETag") && strcmp(kp_header_get(n, "ETag"), etag) != 0,
              "a different page has a different ETag");
        kp_response_free(n);
    }
    json_t *first = json_array_get(kp_items(r), 0);
    const char *key = first ? item_key(first, c->key) : NULL;
    if (key) {
        char *ek = kp_urlencode(key);
        kp_response *a = kp_getf(srv, "/v1/%s/%s", c->name, ek);
        const char *ie = kp_header_get(a, "ETag");
        if (CHECK(ie, "GET /v1/%s/%s has an ETag", c->name, key)) {
            char h[160];
            snprintf(h, sizeof h, "If-None-Match: %s", ie);
            kp_response *n = kp_request(srv, "GET", a->path, (const char *[]){h, NULL}, NULL, 0);
            CHECK_STATUS(n, 304);
            CHECK_INT(0, n->body_len, "304 body length (item)");
            kp_response_free(n);
        }
        kp_response_free(a);
        free(ek);
    }
    kp_response_free(r);
}

/* base64url without padding, as the API's cursors */
static void b64url(const char *in, char *out, size_t outlen) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t n = strlen(in), o = 0;
    for (size_t i = 0; i < n && o + 5 < outlen; i += 3) {
        unsigned v = (unsigned char)in[i] << 16;
        if (i + 1 < n) v |= (unsigned char)in[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char)in[i + 2];
        int chars = i + 2 < n ? 4 : i + 1 < n ? 3 : 2;
        for (int k = 0; k < chars; k++)
            out[o++] = t[(v >> (18 - 6 * k)) & 63];
    }
    out[o] = '\0';
}

/* Well-formed cursors whose sort value does not fit the sort: 400, never 500. */
static void test_forged_cursors(void) {
    struct {
        const char *path, *raw;
    } forged[] = {
        {"/v1/reports?sort=-date", "v1\ndate\n1\n00000000-0000-4000-8000-000000000000\nnot-a-date"},
        {"/v1/centres?sort=name", "v1\nname\n0\n00000000-0000-4000-8000-000000000000\nAbc"},
        {"/v1/centres?near=63.4,10.4",
         "v1\ndistance\n0\n00000000-0000-4000-8000-000000000000\nfar"},
        {"/v1/centres?q=senter", "v1\nrank\n0\n00000000-0000-4000-8000-000000000000\nhigh"},
        {"/v1/centres?sort=created_at",
         "v1\ncreated_at\n0\n00000000-0000-4000-8000-000000000000\nnever"},
        {"/v1/municipalities?sort=population", "v1\npopulation\n0\n0301\nmany"},
        {"/v1/municipalities?sort=population", "v1\npopulation\n0\n0301\n99999999999999"},
    };
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        char enc[400];
        b64url(forged[i].raw, enc, sizeof enc);
        kp_response *r = kp_getf(srv, "%s&cursor=%s", forged[i].path, enc);
        if (i == 1) {
            CHECK_STATUS(r, 200); /* a valid cursor: the page after "Abc" */
        } else {
            CHECK_PROBLEM(r, 400, NULL);
        }
        kp_response_free(r);
    }
}

/* The Link header is a usable URL: the same page as ?cursor=. */
static void test_link_header(void) {
    kp_response *r = kp_get(srv, "/v1/centres?limit=2&region=sor-ost,midt&sort=-name");
    const char *link = kp_header_get(r, "Link");
    const char *next = kp_str(r->json, "next");
    if (CHECK(link && next && link[0] == '<', "Link header: %s", link ? link : "(none)")) {
        char url[2048];
        size_t n = strcspn(link + 1, ">");
        snprintf(url, sizeof url, "%.*s", (int)n, link + 1);
        CHECK(strncmp(url, "/v1/centres?", 12) == 0 || strstr(url, "://"),
              "Link target is the list URL: %s", url);
        CHECK(strstr(url, "region=sor-ost,midt") || strstr(url, "region=sor-ost%2Cmidt"),
              "Link keeps the filters: %s", url);
        const char *path = strstr(url, "://") ? strchr(strstr(url, "://") + 3, '/') : url;
        kp_response *a = kp_get(srv, path ? path : url);
        kp_response *b =
            kp_getf(srv, "/v1/centres?limit=2&region=sor-ost,midt&sort=-name&cursor=%s", next);
        CHECK_STATUS(a, 200);
        CHECK(kp_json_equal(a->json, b->json), "following Link = passing cursor");
        kp_response_free(a);
        kp_response_free(b);
    }
    kp_response_free(r);
}

static void test_cursors(const coll *c) {
    /* the last one is well-formed ("v1\nname\n0\nnot-a-uuid\nx") but names no uuid key */
    const char *bad[] = {"garbage!", "AAAA", "djEKbmFtZQ", "x", "djEKbmFtZQowCm5vdC1hLXV1aWQKeA",
                         NULL};
    for (const char **b = bad; *b; b++) {
        if (strcmp(c->key, "id") != 0 && b[1] == NULL) break;
        kp_response *r = kp_getf(srv, "/v1/%s?cursor=%s", c->name, *b);
        CHECK_PROBLEM(r, 400, "cursor");
        kp_response_free(r);
    }
    /* a cursor is only good for the order it was made for */
    kp_response *r = kp_getf(srv, "/v1/%s?limit=1&sort=%s", c->name, c->sort);
    const char *next = kp_str(r->json, "next");
    if (CHECK(next, "/v1/%s?limit=1 has a next cursor", c->name)) {
        kp_response *x = kp_getf(srv, "/v1/%s?limit=1&sort=-%s&cursor=%s", c->name, c->sort, next);
        CHECK_PROBLEM(x, 400, "cursor");
        kp_response_free(x);
        if (strcmp(c->name, "tags") != 0 && strcmp(c->name, "municipalities") != 0) {
            x = kp_getf(srv, "/v1/%s?limit=1&sort=created_at&cursor=%s", c->name, next);
            CHECK_PROBLEM(x, 400, "cursor");
            kp_response_free(x);
        }
        x = kp_getf(srv, "/v1/%s?limit=1&sort=%s&cursor=%s", c->name, c->sort, next);
        CHECK_STATUS(x, 200);
        kp_response_free(x);
    }
    kp_response_free(r);
}

/* ---- filters ----------------------------------------------------------------------------- */

typedef enum {
    P_EQ_ANY,     /* the string at one of the pointers is in the list */
    P_HAS_ANY,    /* the array at one of the pointers has an element in the list */
    P_PREFIX,     /* the string at the pointer starts with the value */
    P_INT_RANGE,  /* from <= number <= to ("" = open) */
    P_DATE_RANGE, /* partial dates at the pointers overlap [from, to] (ISO days, "" = open) */
} pred;

typedef struct fcase {
    const char *coll;
    const char *query;
    pred p;
    const char *pointers[4];
    const char *a, *b;
} fcase;

static const fcase fcases[] = {
    {"centres", "region=midt,nord", P_EQ_ANY, {"/region"}, "midt,nord", NULL},
    {"centres", "region=vest", P_EQ_ANY, {"/region"}, "vest", NULL},
    {"centres", "kind=regional", P_EQ_ANY, {"/kind"}, "regional", NULL},
    {"centres", "kind=department,local", P_EQ_ANY, {"/kind"}, "department,local", NULL},
    {"centres", "parent=sagatun-recovery", P_EQ_ANY, {"/parent/slug"}, "sagatun-recovery", NULL},
    {"centres",
     "network=knutepunkt-for-recovery",
     P_HAS_ANY,
     {"/networks"},
     "knutepunkt-for-recovery",
     NULL},
    {"centres", "county=34", P_EQ_ANY, {"/county/number"}, "34", NULL},
    {"centres", "county=50,34", P_EQ_ANY, {"/county/number"}, "50,34", NULL},
    {"centres", "municipality=5001", P_EQ_ANY, {"/municipality/number"}, "5001", NULL},
    {"centres", "municipality=trondheim", P_EQ_ANY, {"/municipality/number"}, "5001", NULL},
    {"centres", "municipality=hamar,5001", P_EQ_ANY, {"/municipality/number"}, "3403,5001", NULL},
    {"centres", "tag=recovery", P_HAS_ANY, {"/tags"}, "recovery", NULL},
    {"centres", "tag=kurs,parorende", P_HAS_ANY, {"/tags"}, "kurs,parorende", NULL},
    /* every seed centre is open: this one need not narrow the list */
    {"centres", "operating_status=open", P_EQ_ANY, {"/operating_status"}, "open", NULL},
    {"centres", "founded_from=2018", P_DATE_RANGE, {"/founded"}, "2018-01-01", ""},
    {"centres", "region=midt&kind=regional", P_EQ_ANY, {"/region"}, "midt", NULL},
    {"networks",
     "kind=regional_network,annual_gathering",
     P_EQ_ANY,
     {"/kind"},
     "regional_network,annual_gathering",
     NULL},
    {"networks", "region=midt", P_EQ_ANY, {"/region"}, "midt", NULL},
    {"networks", "centre=kbt", P_HAS_ANY, {"/organisers", "/members"}, "kbt", NULL},
    {"networks",
     "founded_from=2018&founded_to=2018",
     P_DATE_RANGE,
     {"/founded"},
     "2018-01-01",
     "2018-12-31"},
    {"networks", "tag=brukerstyring", P_HAS_ANY, {"/tags"}, "brukerstyring", NULL},
    {"reports",
     "kind=final_report,evaluation",
     P_EQ_ANY,
     {"/kind"},
     "final_report,evaluation",
     NULL},
    {"reports",
     "centre=sagatun-recovery",
     P_HAS_ANY,
     {"/organisers", "/centres_present", "/owner_centre/slug"},
     "sagatun-recovery",
     NULL},
    {"reports",
     "network=knutepunkt-for-recovery",
     P_EQ_ANY,
     {"/network/slug"},
     "knutepunkt-for-recovery",
     NULL},
    {"reports", "date_from=2019&date_to=2019", P_DATE_RANGE, {"/date"}, "2019-01-01", "2019-12-31"},
    {"reports", "date_from=2023-09", P_DATE_RANGE, {"/date"}, "2023-09-01", ""},
    {"reports", "date_to=2019-06-30", P_DATE_RANGE, {"/date"}, "", "2019-06-30"},
    {"reports", "participant_count_from=10", P_INT_RANGE, {"/participant_count"}, "10", ""},
    {"reports", "tag=evaluering", P_HAS_ANY, {"/tags"}, "evaluering", NULL},
    {"resources", "kind=model", P_EQ_ANY, {"/kind"}, "model", NULL},
    {"resources", "centre=kbt", P_HAS_ANY, {"/centre/slug", "/owner_centre/slug"}, "kbt", NULL},
    {"resources", "organisation=ks", P_EQ_ANY, {"/organisation/slug"}, "ks", NULL},
    {"resources",
     "date_from=2019&date_to=2019-12",
     P_DATE_RANGE,
     {"/date"},
     "2019-01-01",
     "2019-12-31"},
    {"resources", "tag=hope", P_HAS_ANY, {"/tags"}, "hope", NULL},
    {"practices", "kind=example", P_EQ_ANY, {"/kind"}, "example", NULL},
    {"practices",
     "network=brukerstemmenettverk-bergen",
     P_EQ_ANY,
     {"/network/slug"},
     "brukerstemmenettverk-bergen",
     NULL},
    {"practices", "municipality=4601", P_EQ_ANY, {"/municipality/number"}, "4601", NULL},
    {"practices", "county=46", P_PREFIX, {"/municipality/number"}, "46", NULL},
    {"practices", "tag=selvhjelp", P_HAS_ANY, {"/tags"}, "selvhjelp", NULL},
    {"news",
     "date_from=2023-11&date_to=2023-11",
     P_DATE_RANGE,
     {"/date"},
     "2023-11-01",
     "2023-11-30"},
    {"news", "date_from=2023-10-10", P_DATE_RANGE, {"/date"}, "2023-10-10", ""},
    {"news", "tag=psykisk-helse", P_HAS_ANY, {"/tags"}, "psykisk-helse", NULL},
    {"news", "centre=varres", P_HAS_ANY, {"/centre/slug", "/owner_centre/slug"}, "varres", NULL},
    {"events", "centre=kbt", P_HAS_ANY, {"/organisers", "/owner_centre/slug"}, "kbt", NULL},
    {"events", "kind=workshop", P_EQ_ANY, {"/kind"}, "workshop", NULL},
    {"events", "municipality=3209", P_EQ_ANY, {"/municipality/number"}, "3209", NULL},
    {"events",
     "network=knutepunkt-for-recovery",
     P_EQ_ANY,
     {"/network/slug"},
     "knutepunkt-for-recovery",
     NULL},
    {"events",
     "date_from=2019&date_to=2019",
     P_DATE_RANGE,
     {"/starts", "/ends"},
     "2019-01-01",
     "2019-12-31"},
    {"events", "date_from=2023-08", P_DATE_RANGE, {"/starts", "/ends"}, "2023-08-01", ""},
    {"events", "tag=konferanse", P_HAS_ANY, {"/tags"}, "konferanse", NULL},
    {"organisations", "kind=university,hospital", P_EQ_ANY, {"/kind"}, "university,hospital", NULL},
    {"organisations", "municipality=5001", P_EQ_ANY, {"/municipality/number"}, "5001", NULL},
    {"organisations", "tag=forskning", P_HAS_ANY, {"/tags"}, "forskning", NULL},
    {"tags", "kind=chime", P_EQ_ANY, {"/kind"}, "chime", NULL},
    {"tags",
     "kind=recovery_factor,core_task",
     P_EQ_ANY,
     {"/kind"},
     "recovery_factor,core_task",
     NULL},
    {"municipalities", "county=50", P_EQ_ANY, {"/county/number"}, "50", NULL},
    {"municipalities", "county=trondelag", P_EQ_ANY, {"/county/number"}, "50", NULL},
    {"municipalities", "region=nord", P_EQ_ANY, {"/region"}, "nord", NULL},
    {"municipalities", "population_from=100000", P_INT_RANGE, {"/population"}, "100000", ""},
    {"municipalities", "population_to=1000", P_INT_RANGE, {"/population"}, "", "1000"},
    {"municipalities",
     "population_from=20000&population_to=30000",
     P_INT_RANGE,
     {"/population"},
     "20000",
     "30000"},
};

/* The partial date's earliest/latest day ("" when absent). */
static const char *pd(json_t *v, const char *which) {
    const char *s = kp_str(v, which);
    return s ? s : "";
}

static int matches(const fcase *f, json_t *item, char *why, size_t whylen) {
    const char *const *ptrs = f->pointers;
    switch (f->p) {
    case P_EQ_ANY:
        for (int i = 0; i < 4 && ptrs[i]; i++) {
            json_t *v = kp_pointer(item, ptrs[i]);
            if (json_is_string(v) && in_list(json_string_value(v), f->a)) return 1;
        }
        snprintf(why, whylen, "%s is %s", ptrs[0], kp_json_brief(kp_pointer(item, ptrs[0])));
        return 0;
    case P_HAS_ANY:
        for (int i = 0; i < 4 && ptrs[i]; i++) {
            json_t *v = kp_pointer(item, ptrs[i]);
            for (const char *p = f->a; *p;) {
                size_t m = strcspn(p, ",");
                char one[128];
                snprintf(one, sizeof one, "%.*s", (int)m, p);
                if (json_is_array(v) && array_has(v, one)) return 1;
                if (json_is_string(v) && strcmp(json_string_value(v), one) == 0) return 1;
                p += m;
                if (*p) p++;
            }
        }
        snprintf(why, whylen, "%s is %s", ptrs[0], kp_json_brief(kp_pointer(item, ptrs[0])));
        return 0;
    case P_PREFIX: {
        const char *s = json_string_value(kp_pointer(item, ptrs[0]));
        if (s && strncmp(s, f->a, strlen(f->a)) == 0) return 1;
        snprintf(why, whylen, "%s is %s", ptrs[0], s ? s : "(missing)");
        return 0;
    }
    case P_INT_RANGE: {
        json_t *v = kp_pointer(item, ptrs[0]);
        if (!json_is_integer(v)) {
            snprintf(why, whylen, "%s is %s", ptrs[0], kp_json_brief(v));
            return 0;
        }
        long long n = json_integer_value(v);
        int ok = (!*f->a || n >= atoll(f->a)) && (!*f->b || n <= atoll(f->b));
        if (!ok) snprintf(why, whylen, "%s is %lld", ptrs[0], n);
        return ok;
    }
    case P_DATE_RANGE: {
        /* the item spans [min earliest, max latest] over its dates */
        char lo[16] = "", hi[16] = "";
        for (int i = 0; i < 4 && ptrs[i]; i++) {
            json_t *v = kp_pointer(item, ptrs[i]);
            if (!json_is_object(v)) continue;
            const char *e = pd(v, "earliest"), *l = pd(v, "latest");
            if (*e && (!*lo || strcmp(e, lo) < 0)) snprintf(lo, sizeof lo, "%s", e);
            if (*l && (!*hi || strcmp(l, hi) > 0)) snprintf(hi, sizeof hi, "%s", l);
        }
        if (!*lo || !*hi) {
            snprintf(why, whylen, "has no date at %s", ptrs[0]);
            return 0;
        }
        int ok = (!*f->a || strcmp(hi, f->a) >= 0) && (!*f->b || strcmp(lo, f->b) <= 0);
        if (!ok) snprintf(why, whylen, "spans %s..%s", lo, hi);
        return ok;
    }
    }
    return 0;
}

static void test_filters(void) {
    for (size_t i = 0; i < sizeof fcases / sizeof fcases[0]; i++) {
        const fcase *f = &fcases[i];
        char path[256];
        snprintf(path, sizeof path, "/v1/%s?%s&limit=100", f->coll, f->query);
        json_t *all = list_all(path, NULL);
        if (!all) continue;
        CHECK(json_array_size(all) > 0, "%s: the filter matches some seed item", path);
        size_t k;
        json_t *item;
        json_array_foreach(all, k, item) {
            char why[400] = "";
            if (!matches(f, item, why, sizeof why))
                CHECK(0, "%s returned %s, which does not match: %s", path,
                      kp_str(item, "slug") ? kp_str(item, "slug") : "?", why);
        }
        char unf[128];
        snprintf(unf, sizeof unf, "/v1/%s", f->coll);
        long total = count_exact(unf);
        char filtered[256];
        snprintf(filtered, sizeof filtered, "/v1/%s?%s", f->coll, f->query);
        long ftotal = count_exact(filtered);
        CHECK(ftotal == (long)json_array_size(all), "%s: count=exact %ld vs %zu items", path,
              ftotal, json_array_size(all));
        int need_narrower = strcmp(f->query, "operating_status=open") != 0;
        CHECK(total > ftotal || (!need_narrower && total == ftotal),
              "%s: the unfiltered list (%ld) is larger than the filtered (%ld)", path, total,
              ftotal);
        json_decref(all);
    }

    /* filters check their values */
    struct {
        const char *path, *param;
    } bad[] = {
        {"/v1/centres?region=atlantis", "region"},
        {"/v1/centres?region=midt,atlantis", "region"},
        {"/v1/centres?region=", "region"},
        {"/v1/centres?region=midt,", "region"},
        {"/v1/centres?kind=spaceship", "kind"},
        {"/v1/centres?operating_status=maybe", "operating_status"},
        {"/v1/centres?centre=kbt", "centre"},
        {"/v1/centres?parent=Not%20A%20Slug", "parent"},
        {"/v1/centres?county=%C3%B8st", "county"},
        {"/v1/centres?tag=Not_A_Tag", "tag"},
        {"/v1/centres?founded_from=2019-13", "founded_from"},
        {"/v1/centres?founded_to=19", "founded_to"},
        {"/v1/centres?date_from=2019", "date_from"},
        {"/v1/networks?kind=club", "kind"},
        {"/v1/networks?centre=a%20b", "centre"},
        {"/v1/reports?kind=novel", "kind"},
        {"/v1/reports?date_from=2019-02-30x", "date_from"},
        {"/v1/reports?date_to=yesterday", "date_to"},
        {"/v1/reports?participant_count_from=abc", "participant_count_from"},
        {"/v1/reports?participant_count_to=1.5", "participant_count_to"},
        {"/v1/reports?participant_count=5", "participant_count"},
        {"/v1/resources?kind=poster", "kind"},
        {"/v1/resources?organisation=KS!", "organisation"},
        {"/v1/practices?kind=rumour", "kind"},
        {"/v1/practices?county=x%20y", "county"},
        {"/v1/news?kind=any", "kind"},
        {"/v1/news?date_from=2023-1", "date_from"},
        {"/v1/events?kind=party", "kind"},
        {"/v1/events?date_to=2023-00", "date_to"},
        {"/v1/organisations?kind=club", "kind"},
        {"/v1/tags?kind=mood", "kind"},
        {"/v1/tags?q=hope", "q"},
        {"/v1/tags?updated_since=2020-01-01T00:00:00Z", "updated_since"},
        {"/v1/municipalities?region=south", "region"},
        {"/v1/municipalities?population_from=many", "population_from"},
        {"/v1/municipalities?q=oslo", "q"},
        {"/v1/centres?updated_since=yesterday", "updated_since"},
        {"/v1/centres?updated_since=2020-01-01", "updated_since"},
        {"/v1/reports?format=xml", "format"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kp_response *r = kp_get(srv, bad[i].path);
        CHECK_PROBLEM(r, 400, bad[i].param);
        kp_response_free(r);
    }
    /* GeoJSON only where there is a location */
    kp_response *r = kp_get(srv, "/v1/reports?format=geojson");
    CHECK(r->status == 406 || r->status == 400, "reports as GeoJSON: 406 or 400, got %ld",
          r->status);
    kp_response_free(r);
}

static void test_updated_since(void) {
    char slug[96];
    snprintf(slug, sizeof slug, "%s-future", prefix);
    before_write();
    PGresult *res = kp_sql("INSERT INTO centre (slug, name, kind, created_at, updated_at) VALUES "
                           "('%s', 'Zz ht future centre', 'local', '2999-01-01T00:00:00Z', "
                           "'2999-01-01T00:00:00Z')",
                           slug);
    PQclear(res);
    after_write();
    kp_response *r = kp_get(srv, "/v1/centres?updated_since=2998-12-31T00:00:00Z&limit=100");
    CHECK_STATUS(r, 200);
    json_t *items = kp_items(r);
    CHECK(items && json_array_size(items) == 1 &&
              strcmp(kp_str(json_array_get(items, 0), "slug")
                         ? kp_str(json_array_get(items, 0), "slug")
                         : "",
                     slug) == 0,
          "updated_since=2998-12-31 gives only the row updated in 2999: %s", kp_json_brief(items));
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres?updated_since=2998-12-31T01:00:00%2B02:00&limit=100");
    CHECK_STATUS(r, 200);
    CHECK(kp_items(r) && json_array_size(kp_items(r)) == 1, "updated_since with an offset");
    kp_response_free(r);
    long all = count_exact("/v1/centres");
    long since = count_exact("/v1/centres?updated_since=2000-01-01T00:00:00Z");
    CHECK(all == since && all > 1, "updated_since in the past gives everything (%ld vs %ld)", since,
          all);
    long none = count_exact("/v1/centres?updated_since=3000-01-01T00:00:00Z");
    CHECK_INT(0, none, "updated_since in the far future");
    before_write();
    res = kp_sql("DELETE FROM centre WHERE slug = '%s'", slug);
    PQclear(res);
    after_write();

    const char *others[] = {"networks", "reports", "resources",     "practices",
                            "news",     "events",  "organisations", NULL};
    for (const char **o = others; *o; o++) {
        char p[160];
        snprintf(p, sizeof p, "/v1/%s?updated_since=3000-01-01T00:00:00Z", *o);
        CHECK_INT(0, count_exact(p), p);
        snprintf(p, sizeof p, "/v1/%s?updated_since=2000-01-01T00:00:00Z", *o);
        char q[64];
        snprintf(q, sizeof q, "/v1/%s", *o);
        CHECK_INT(count_exact(q), count_exact(p), p);
    }
}

/* Filters no seed item exercises: a report with a municipality, a practice of a centre. */
static void test_filters_on_inserted_rows(void) {
    char rslug[96], pslug[96];
    snprintf(rslug, sizeof rslug, "%s-report", prefix);
    snprintf(pslug, sizeof pslug, "%s-practice", prefix);
    PGresult *res = kp_sql("INSERT INTO report (slug, title, kind, municipality_number) VALUES "
                           "('%s', 'Ht report in Bodø', 'project_report', '1804')",
                           rslug);
    PQclear(res);
    res = kp_sql("INSERT INTO practice (slug, name, kind, centre_id) SELECT '%s', "
                 "'Ht practice of KBT', 'example', id FROM centre WHERE slug = 'kbt'",
                 pslug);
    PQclear(res);
    kp_response *r = kp_get(srv, "/v1/reports?municipality=1804&limit=100");
    CHECK_STATUS(r, 200);
    json_t *items = kp_items(r);
    CHECK(items && json_array_size(items) == 1 && kp_str(json_array_get(items, 0), "slug") &&
              strcmp(kp_str(json_array_get(items, 0), "slug"), rslug) == 0,
          "reports?municipality=1804 gives the one report there: %s", kp_json_brief(items));
    kp_response_free(r);
    r = kp_get(srv, "/v1/reports?municipality=bodo&limit=100");
    CHECK(kp_items(r) && json_array_size(kp_items(r)) == 1, "reports?municipality=bodo");
    kp_response_free(r);
    r = kp_get(srv, "/v1/practices?centre=kbt&limit=100");
    CHECK_STATUS(r, 200);
    items = kp_items(r);
    CHECK(items && json_array_size(items) == 1 && kp_str(json_array_get(items, 0), "slug") &&
              strcmp(kp_str(json_array_get(items, 0), "slug"), pslug) == 0 &&
              json_is_string(kp_pointer(json_array_get(items, 0), "/centre/slug")),
          "practices?centre=kbt gives the one practice of KBT: %s", kp_json_brief(items));
    kp_response_free(r);
    char *kbt = kp_sql_value("SELECT id FROM centre WHERE slug = 'kbt'");
    if (kbt) {
        r = kp_getf(srv, "/v1/practices?centre=%s&limit=100", kbt);
        CHECK(kp_items(r) && json_array_size(kp_items(r)) == 1, "practices?centre=<uuid>");
        kp_response_free(r);
    }
    free(kbt);
    res = kp_sql("DELETE FROM report WHERE slug = '%s'", rslug);
    PQclear(res);
    res = kp_sql("DELETE FROM practice WHERE slug = '%s'", pslug);
    PQclear(res);
}

/* Drafts and items scheduled for later are never public: not listed, not counted, 404. */
static void test_unpublished_hidden(void) {
    char draft[96], later[96];
    snprintf(draft, sizeof draft, "%s-draft", prefix);
    snprintf(later, sizeof later, "%s-later", prefix);
    long before = count_exact("/v1/centres");
    before_write();
    PGresult *res =
        kp_sql("INSERT INTO centre (slug, name, kind, status, parent_id, location) SELECT '%s', "
               "'AAA ht draft', 'department', 'draft', id, location FROM centre WHERE slug = 'kbt'",
               draft);
    PQclear(res);
    res = kp_sql("INSERT INTO centre (slug, name, kind, publish_at, parent_id, location) SELECT "
                 "'%s', 'AAA ht later', 'department', now() + interval '1 day', id, location "
                 "FROM centre WHERE slug = 'kbt'",
                 later);
    PQclear(res);
    /* a public change too, so that after_write() can tell the server has heard of these */
    res = kp_sql("INSERT INTO centre (slug, name, kind) VALUES ('%s-public', 'Ht public', "
                 "'local')",
                 prefix);
    PQclear(res);
    after_write();
    const char *hidden[] = {draft, later, NULL};
    for (const char **h = hidden; *h; h++) {
        kp_response *r = kp_getf(srv, "/v1/centres/%s", *h);
        CHECK_PROBLEM(r, 404, NULL);
        kp_response_free(r);
    }
    CHECK_INT(before + 1, count_exact("/v1/centres"), "drafts are not counted");
    const char *lists[] = {"/v1/centres?limit=100",
                           "/v1/centres?q=ht&limit=100",
                           "/v1/centres?near=63.43,10.39&limit=100",
                           "/v1/centres?parent=kbt&limit=100",
                           "/v1/municipalities/5001/nearest-centres?limit=100",
                           NULL};
    for (const char **l = lists; *l; l++) {
        json_t *all = list_all(*l, NULL);
        size_t i;
        json_t *it;
        json_array_foreach(all, i, it) {
            const char *slug = kp_str(it, "slug");
            CHECK(!slug || (strcmp(slug, draft) != 0 && strcmp(slug, later) != 0),
                  "GET %s lists the unpublished %s", *l, slug);
        }
        json_decref(all);
    }
    kp_response *r = kp_get(srv, "/v1/centres/kbt");
    json_t *units = json_object_get(r->json, "units");
    CHECK(json_is_array(units) && !array_has(units, draft) && !array_has(units, later),
          "kbt's units leave out unpublished ones: %s", kp_json_brief(units));
    kp_response_free(r);
    before_write();
    res =
        kp_sql("DELETE FROM centre WHERE slug IN ('%s', '%s', '%s-public')", draft, later, prefix);
    PQclear(res);
    after_write();
}

/* Paging while centres are inserted before and after the current position: no original item
 * is skipped or repeated. */
static void test_paging_concurrent_inserts(void) {
    json_t *orig = list_all("/v1/centres?sort=name&limit=100", NULL);
    if (!orig) return;
    size_t n = json_array_size(orig);
    char *seen = calloc(n, 1);
    if (!seen) abort();
    int dup = 0, pages = 0, inserted = 0;
    char *cursor = NULL;
    json_t *ids = json_array();
    for (;;) {
        kp_response *r = cursor ? kp_getf(srv, "/v1/centres?sort=name&limit=2&cursor=%s", cursor)
                                : kp_get(srv, "/v1/centres?sort=name&limit=2");
        free(cursor);
        cursor = NULL;
        pages++;
        if (!CHECK_STATUS(r, 200)) {
            kp_response_free(r);
            break;
        }
        size_t i;
        json_t *item;
        const char *last = NULL;
        json_array_foreach(kp_items(r), i, item) {
            const char *id = kp_str(item, "id");
            last = kp_str(item, "name");
            for (size_t k = 0; k < json_array_size(ids); k++)
                if (id && strcmp(json_string_value(json_array_get(ids, k)), id) == 0) dup++;
            json_array_append_new(ids, json_string(id ? id : ""));
            for (size_t k = 0; k < n; k++)
                if (id && strcmp(kp_str(json_array_get(orig, k), "id"), id) == 0) seen[k] = 1;
        }
        /* insert: one sorting first, one last, one right after the current position, one
         * right before it */
        if (last) {
            char *el = PQescapeLiteral(kp_db(), last, strlen(last));
            PGresult *res = kp_sql("INSERT INTO centre (slug, name, kind) VALUES "
                                   "('%s-a%d', 'AAA ht concurrent %d', 'local'), "
                                   "('%s-z%d', 'zzz ht concurrent %d', 'local'), "
                                   "('%s-n%d', %s || ' ht next', 'local'), "
                                   "('%s-p%d', substr(%s, 1, length(%s) - 1), 'local')",
                                   prefix, pages, pages, prefix, pages, pages, prefix, pages, el,
                                   prefix, pages, el, el);
            if (res) inserted += 4;
            PQclear(res);
            PQfreemem(el);
        }
        const char *next = kp_str(r->json, "next");
        if (next) cursor = strdup(next);
        kp_response_free(r);
        if (!cursor || pages > 200) break;
    }
    free(cursor);
    int missing = 0;
    for (size_t k = 0; k < n; k++)
        if (!seen[k]) {
            missing++;
            CHECK(0, "paging under inserts skipped %s", kp_str(json_array_get(orig, k), "slug"));
        }
    CHECK(missing == 0 && dup == 0,
          "paging by name under concurrent inserts: %d original items missing, %d duplicates "
          "(%d pages, %d rows inserted)",
          missing, dup, pages, inserted);
    free(seen);
    json_decref(ids);
    json_decref(orig);
    before_write();
    PGresult *res = kp_sql("DELETE FROM centre WHERE slug LIKE '%s-%%'", prefix);
    PQclear(res);
    after_write();
}

/* ---- search ------------------------------------------------------------------------------ */

static int slugs_have(json_t *items, const char *slug) {
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        if (kp_str(it, "slug") && strcmp(kp_str(it, "slug"), slug) == 0) return 1;
    }
    return 0;
}

/* Items whose text matches the regex but not the other (so only stemming can find them). */
static PGresult *stem_only(const char *table, const char *has, const char *lacks) {
    return kp_sql("SELECT slug FROM %s WHERE kp_is_public(status, publish_at) "
                  "AND coalesce(name, '') || ' ' || coalesce(description, '') ~* '%s' "
                  "AND coalesce(name, '') || ' ' || coalesce(description, '') !~* '%s' "
                  "ORDER BY slug",
                  table, has, lacks);
}

static void test_search(void) {
    kp_response *r = kp_get(srv, "/v1/centres?q=senter&limit=100");
    CHECK_STATUS(r, 200);
    json_t *items = kp_items(r);
    CHECK(items && json_array_size(items) > 0, "q=senter finds centres");
    /* found only through the Norwegian lemmatiser: "sentrene"/"senteret" without "senter" */
    PGresult *res = stem_only("centre", "\\m(sentrene|senteret)\\M", "\\msenter\\M");
    int n = res ? PQntuples(res) : 0;
    CHECK(n > 0, "the seeds have a centre that says sentrene/senteret but never senter");
    for (int i = 0; i < n; i++)
        CHECK(slugs_have(items, PQgetvalue(res, i, 0)),
              "q=senter finds %s (which says sentrene/senteret)", PQgetvalue(res, i, 0));
    PQclear(res);
    kp_response_free(r);

    r = kp_get(srv, "/v1/centres?q=sentrene&limit=100");
    CHECK_STATUS(r, 200);
    items = kp_items(r);
    res = stem_only("centre", "\\msenter\\M", "\\m(sentrene|senteret)\\M");
    n = res ? PQntuples(res) : 0;
    CHECK(n > 0, "the seeds have a centre that says senter but never sentrene/senteret");
    for (int i = 0; i < n; i++)
        CHECK(slugs_have(items, PQgetvalue(res, i, 0)), "q=sentrene finds %s (which says senter)",
              PQgetvalue(res, i, 0));
    PQclear(res);
    kp_response_free(r);

    r = kp_get(srv, "/v1/networks?q=sentrene");
    CHECK_STATUS(r, 200);
    CHECK(kp_items(r) && json_array_size(kp_items(r)) > 0, "q=sentrene finds networks");
    kp_response_free(r);

    /* ranked: the first result names the word; the order follows the RUM distance
     * (search <=> query, best first), ties by id; name (weight A) matches come before
     * matches in the description only */
    r = kp_get(srv, "/v1/centres?q=brukerstyrt&limit=100");
    CHECK_STATUS(r, 200);
    items = kp_items(r);
    CHECK(items && json_array_size(items) >= 2, "q=brukerstyrt finds centres");
    json_t *first = json_array_get(items, 0);
    const char *fname = first ? kp_str(first, "name") : NULL;
    CHECK(fname && (strstr(fname, "rukerstyrt") || strstr(fname, "RUKERSTYRT")),
          "the first result for q=brukerstyrt has it in its name: %s", fname ? fname : "(none)");
    if (items && json_array_size(items) >= 2) {
        double prev = -1;
        char prev_id[64] = "";
        int ranked = 1, in_name = 1, name_then_body = 1, body_only = 0;
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            const char *id = kp_str(it, "id") ? kp_str(it, "id") : "";
            char *d = kp_sql_value("SELECT (search <=> websearch_to_tsquery('kp_norwegian', "
                                   "'brukerstyrt'))::float8 || ' ' || (ts_filter(search, '{a}') "
                                   "@@ websearch_to_tsquery('kp_norwegian', 'brukerstyrt'))::int "
                                   "FROM centre WHERE id = '%s'",
                                   id);
            double v = d ? atof(d) : -1;
            in_name = d && strchr(d, ' ') && strchr(d, ' ')[1] == '1';
            free(d);
            if (v < prev || (v == prev && strcmp(id, prev_id) <= 0)) ranked = 0;
            if (!in_name) body_only = 1;
            if (in_name && body_only) name_then_body = 0;
            prev = v;
            snprintf(prev_id, sizeof prev_id, "%s", id);
        }
        CHECK(ranked, "q=brukerstyrt results are in (search <=> query, id) order");
        CHECK(body_only, "q=brukerstyrt also finds centres that say it only in the description");
        CHECK(name_then_body, "q=brukerstyrt: every name match comes before the others");
    }
    /* paging through search results (rank cursor) gives the same items: with few ties and
     * with large tie groups at the page boundaries (q=senter: many centres rank alike) */
    const char *paged_q[] = {"/v1/centres?q=brukerstyrt", "/v1/centres?q=senter",
                             "/v1/centres?q=regional", "/v1/centres?q=senter%20or%20recovery",
                             NULL};
    for (const char **pq = paged_q; *pq; pq++) {
        char path[256];
        snprintf(path, sizeof path, "%s&limit=100", *pq);
        kp_response *one = kp_get(srv, path);
        json_t *all = kp_items(one);
        snprintf(path, sizeof path, "%s&limit=3", *pq);
        int pages = 0;
        json_t *paged = list_all(path, &pages);
        if (CHECK(all && paged, "%s: one page and paged", *pq)) {
            CHECK(json_array_size(all) > 3 && json_array_size(all) < 100, "%s finds %zu items", *pq,
                  json_array_size(all));
            CHECK(json_array_size(all) == json_array_size(paged), "%s paged by 3: %zu vs %zu", *pq,
                  json_array_size(paged), json_array_size(all));
            int same = json_array_size(all) == json_array_size(paged);
            for (size_t i = 0; same && i < json_array_size(all); i++)
                same = strcmp(kp_str(json_array_get(all, i), "id"),
                              kp_str(json_array_get(paged, i), "id")) == 0;
            CHECK(same, "%s paged by 3 gives the same order, no duplicates or gaps (%d pages)", *pq,
                  pages);
        }
        json_decref(paged);
        kp_response_free(one);
    }
    long total = count_exact("/v1/centres?q=brukerstyrt");
    CHECK(items && total == (long)json_array_size(items), "q= count=exact %ld", total);
    kp_response_free(r);

    r = kp_get(srv, "/v1/centres?q=brukerstyrt&sort=name&limit=100");
    CHECK_STATUS(r, 200);
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres?q=brukerstyrt&sort=rank");
    CHECK_STATUS(r, 200);
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres?q=brukerstyrt&sort=-rank");
    CHECK_PROBLEM(r, 400, "sort");
    kp_response_free(r);

    /* every searchable collection answers q= (and a phrase, an OR, a minus) */
    for (size_t i = 0; i < NCOLLS; i++) {
        if (!colls[i].searchable) continue;
        const char *qs[] = {"recovery",
                            "%22brukerstyrt%20senter%22",
                            "recovery%20or%20nettverk",
                            "recovery%20-nettverk",
                            "%26%7C!%3A*()",
                            NULL};
        for (const char **q = qs; *q; q++) {
            kp_response *x = kp_getf(srv, "/v1/%s?q=%s", colls[i].name, *q);
            CHECK_STATUS(x, 200);
            kp_response_free(x);
        }
    }
    r = kp_get(srv, "/v1/resources?q=recovery");
    CHECK(kp_items(r) && json_array_size(kp_items(r)) > 0, "q=recovery finds resources");
    kp_response_free(r);

    r = kp_get(srv, "/v1/centres?q=");
    CHECK_PROBLEM(r, 400, "q");
    kp_response_free(r);
    char q[260];
    memset(q, 'a', 201);
    q[201] = '\0';
    r = kp_getf(srv, "/v1/centres?q=%s", q);
    CHECK_PROBLEM(r, 400, "q");
    kp_response_free(r);
    q[200] = '\0';
    r = kp_getf(srv, "/v1/centres?q=%s", q);
    CHECK_STATUS(r, 200);
    kp_response_free(r);
    /* 200 characters, not bytes: 200 × "ø" is 400 bytes */
    char wide[1300] = "";
    for (int i = 0; i < 200; i++)
        strcat(wide, "%C3%B8");
    r = kp_getf(srv, "/v1/centres?q=%s", wide);
    CHECK_STATUS(r, 200);
    kp_response_free(r);
}

/* A change made directly in the database (psql, another tool) reaches readers at once, even
 * for answers the server has cached. */
static void test_direct_change_visible(void) {
    char slug[96];
    snprintf(slug, sizeof slug, "%s-cached", prefix);
    before_write();
    PGresult *res = kp_sql("INSERT INTO centre (slug, name, kind) VALUES ('%s', 'Ht cached one', "
                           "'local')",
                           slug);
    PQclear(res);
    after_write();
    kp_response *r = kp_getf(srv, "/v1/centres/%s?fields=name", slug);
    CHECK_STATUS(r, 200);
    kp_response_free(r);
    r = kp_getf(srv, "/v1/centres/%s?fields=name", slug); /* now from the cache, if any */
    CHECK_STR("Ht cached one", kp_str(r->json, "name"), "the new centre's name");
    kp_response_free(r);

    res = kp_sql("UPDATE centre SET name = 'Ht cached two' WHERE slug = '%s'", slug);
    PQclear(res);
    double t0 = kp_now();
    const char *name = NULL;
    char last[64] = "";
    while (kp_now() - t0 < 3.0) {
        r = kp_getf(srv, "/v1/centres/%s?fields=name", slug);
        name = kp_str(r->json, "name");
        snprintf(last, sizeof last, "%s", name ? name : "");
        kp_response_free(r);
        if (strcmp(last, "Ht cached two") == 0) break;
        kp_sleep_ms(20);
    }
    double took = kp_now() - t0;
    CHECK(strcmp(last, "Ht cached two") == 0 && took < 1.5,
          "a direct UPDATE is visible within 1.5 s (took %.2f s, last name \"%s\")", took, last);

    before_write();
    res = kp_sql("DELETE FROM centre WHERE slug = '%s'", slug);
    PQclear(res);
    t0 = kp_now();
    long st = 0;
    while (kp_now() - t0 < 3.0) {
        r = kp_getf(srv, "/v1/centres/%s?fields=name", slug);
        st = r->status;
        kp_response_free(r);
        if (st == 404) break;
        kp_sleep_ms(20);
    }
    CHECK(st == 404 && kp_now() - t0 < 1.5, "a direct DELETE is visible within 1.5 s (%ld)", st);
    after_write();
}

static void test_includes_more(void) {
    /* include=parent on one item: the parent in full */
    kp_response *r = kp_get(srv, "/v1/centres/glimt-recoverysenter?include=parent");
    CHECK_STATUS(r, 200);
    json_t *p = json_object_get(r->json, "parent");
    CHECK(json_is_object(p) && json_object_get(p, "description") && kp_str(p, "slug") &&
              strcmp(kp_str(p, "slug"), "kbt") == 0,
          "glimt-recoverysenter?include=parent embeds kbt in full: %s", kp_json_brief(p));
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres/glimt-recoverysenter");
    p = json_object_get(r->json, "parent");
    CHECK(json_is_object(p) && !json_object_get(p, "description"),
          "without include the parent is a reference: %s", kp_json_brief(p));
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres?include=parent,municipality&fields=slug,parent&limit=100");
    CHECK_STATUS(r, 200);
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres?include=parent&limit=100");
    size_t i;
    json_t *it;
    int with = 0;
    json_array_foreach(kp_items(r), i, it) {
        json_t *par = json_object_get(it, "parent");
        if (json_is_null(par)) continue;
        with++;
        CHECK(json_object_get(par, "description") != NULL,
              "include=parent: %s has its parent in full", kp_str(it, "slug"));
    }
    CHECK(with >= 3, "some centres have a parent (%d)", with);
    kp_response_free(r);
}

int main(int argc, char **argv) {
    if (kp_init(argc, argv, "http_collections") != 0) return kp_finish();
    snprintf(prefix, sizeof prefix, "ht-coll-%d", (int)getpid());
    srv = kp_server_start(NULL); /* migrates a fresh database first */
    /* leftovers of an earlier, interrupted run (the tables exist once the server ran) */
    PGresult *res = kp_sql("DELETE FROM centre WHERE slug LIKE 'ht-coll-%%'");
    PQclear(res);
    res = kp_sql("DELETE FROM report WHERE slug LIKE 'ht-coll-%%'");
    PQclear(res);
    res = kp_sql("DELETE FROM practice WHERE slug LIKE 'ht-coll-%%'");
    PQclear(res);
    if (srv) {
        for (size_t i = 0; i < NCOLLS; i++) {
            test_list_and_items(&colls[i]);
            test_limits(&colls[i]);
            test_paging(&colls[i]);
            test_sorting(&colls[i]);
            test_fields_include(&colls[i]);
            test_etag(&colls[i]);
            test_cursors(&colls[i]);
        }
        test_forged_cursors();
        test_link_header();
        test_filters();
        test_updated_since();
        test_filters_on_inserted_rows();
        test_unpublished_hidden();
        test_paging_concurrent_inserts();
        test_search();
        test_includes_more();
        test_direct_change_visible();
        kp_server_stop(srv);
    }
    res = kp_sql("DELETE FROM centre WHERE slug LIKE '%s-%%'", prefix);
    PQclear(res);
    return kp_finish();
}
