/* http_geo: proximity (near=, radius_km=, near_municipality=), distances, paging in distance
 * order, GeoJSON, municipalities (lookup by number, name, ASCII and Sami spellings) and
 * nearest centres, coordinate validation, and the spatial index plan. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static kp_server *srv;
static char prefix[64];

#define TRONDHEIM "63.4305,10.3951"
#define OSLO      "59.9139,10.7522"
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

/* ---- helpers ----------------------------------------------------------------------------- */

/* All items of a list, following next cursors (new reference), or NULL (recorded). */
static json_t *list_all(const char *path) {
    json_t *all = json_array();
    char *cursor = NULL;
    for (int pages = 0; pages < 500; pages++) {
        kp_response *r = cursor ? kp_getf(srv, "%s&cursor=%s", path, cursor) : kp_get(srv, path);
        free(cursor);
        cursor = NULL;
        json_t *items = kp_items(r);
        if (!CHECK_STATUS(r, 200) || !CHECK(items, "%s: items", r->path)) {
            kp_response_free(r);
            json_decref(all);
            return NULL;
        }
        json_array_extend(all, items);
        const char *next = kp_str(r->json, "next");
        if (next) cursor = strdup(next);
        kp_response_free(r);
        if (!cursor) return all;
    }
    free(cursor);
    CHECK(0, "%s: the cursor never ends", path);
    return all;
}

static long count_exact(const char *path) {
    kp_response *r = kp_getf(srv, "%s%scount=exact&limit=1", path, strchr(path, '?') ? "&" : "?");
    long total = -1;
    if (CHECK_STATUS(r, 200) &&
        CHECK(json_is_integer(json_object_get(r->json, "total")), "%s: total", r->path))
        total = (long)json_integer_value(json_object_get(r->json, "total"));
    kp_response_free(r);
    return total;
}

static double num(json_t *v) {
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* distance_km ascending and present on every item */
static int check_distance_order(json_t *items, const char *what, double max_km) {
    double prev = -1;
    int ok = 1;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        double d = num(json_object_get(it, "distance_km"));
        if (isnan(d)) {
            ok = CHECK(0, "%s: %s has no distance_km", what, kp_str(it, "slug"));
            continue;
        }
        if (d < prev - 1e-9) ok = CHECK(0, "%s: %.3f after %.3f", what, d, prev);
        if (d > max_km + 1e-9)
            ok = CHECK(0, "%s: %s is %.3f km away, beyond %.1f", what, kp_str(it, "slug"), d,
                       max_km);
        prev = d;
    }
    return ok;
}

/* ---- proximity --------------------------------------------------------------------------- */

static void test_near(void) {
    long located = 0;
    char *n = kp_sql_value("SELECT count(*) FROM api_centres WHERE _public AND _geog IS NOT NULL");
    if (n) located = atol(n);
    free(n);
    CHECK(located >= 5, "the seeds have located centres (%ld)", located);

    json_t *all = list_all("/v1/centres?near=" TRONDHEIM "&limit=100");
    if (all) {
        CHECK_INT(located, json_array_size(all), "near= lists every located centre");
        check_distance_order(all, "near=Trondheim", 1e9);
        size_t i;
        json_t *it;
        json_array_foreach(all, i, it) {
            CHECK(json_is_object(json_object_get(it, "location")), "near=: %s has a location",
                  kp_str(it, "slug"));
        }
        json_t *first = json_array_get(all, 0);
        CHECK(first && num(json_object_get(first, "distance_km")) < 20,
              "the nearest centre to Trondheim is in Trondheim: %s", kp_json_brief(first));
    }
    CHECK_INT(located, count_exact("/v1/centres?near=" TRONDHEIM), "near= count=exact");

    /* paging in distance order: every located centre once, same order as one page */
    json_t *paged = list_all("/v1/centres?near=" TRONDHEIM "&limit=2&fields=id,slug");
    if (all && paged) {
        CHECK_INT(json_array_size(all), json_array_size(paged), "near= paged by 2");
        int same = json_array_size(all) == json_array_size(paged);
        for (size_t i = 0; same && i < json_array_size(all); i++)
            same = strcmp(kp_str(json_array_get(all, i), "id"),
                          kp_str(json_array_get(paged, i), "id")) == 0;
        CHECK(same, "near= paged by 2 gives each located centre once, in distance order");
        check_distance_order(paged, "near= paged", 1e9);
    }
    json_decref(paged);
    json_decref(all);

    /* radius bounds the result */
    const char *radii[] = {"1", "50", "300", "600.5", "2000", NULL};
    long prev = -1;
    for (const char **r = radii; *r; r++) {
        char path[160];
        snprintf(path, sizeof path, "/v1/centres?near=" OSLO "&radius_km=%s&limit=100", *r);
        json_t *items = list_all(path);
        if (!items) continue;
        check_distance_order(items, path, atof(*r));
        CHECK((long)json_array_size(items) >= prev, "%s: a larger radius finds no fewer", path);
        prev = (long)json_array_size(items);
        snprintf(path, sizeof path, "/v1/centres?near=" OSLO "&radius_km=%s", *r);
        CHECK_INT(json_array_size(items), count_exact(path), "radius count=exact");
        json_decref(items);
    }
    CHECK(prev == located, "radius_km=2000 around Oslo reaches every centre (%ld of %ld)", prev,
          located);

    kp_response *r = kp_get(srv, "/v1/centres?near=" TRONDHEIM "&sort=distance&limit=3");
    CHECK_STATUS(r, 200);
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres?near=" TRONDHEIM "&sort=name&limit=100");
    CHECK_STATUS(r, 200);
    json_t *items = kp_items(r);
    int ordered = 1;
    for (size_t i = 1; i < json_array_size(items); i++)
        if (strcmp(kp_str(json_array_get(items, i - 1), "name"),
                   kp_str(json_array_get(items, i), "name")) > 0)
            ordered = 0;
    CHECK(ordered, "near= with sort=name orders by name");
    CHECK(json_array_size(items) > 0 &&
              json_object_get(json_array_get(items, 0), "distance_km") != NULL,
          "near= with sort=name still gives distance_km");
    kp_response_free(r);
}

static void test_distance(void) {
    char slug[96];
    snprintf(slug, sizeof slug, "%s-trondheim", prefix);
    before_write();
    PGresult *res = kp_sql("INSERT INTO centre (slug, name, kind, location) VALUES ('%s', "
                           "'Ht geo Trondheim torg', 'local', "
                           "ST_SetSRID(ST_MakePoint(10.3951, 63.4305), 4326)::geography)",
                           slug);
    PQclear(res);
    after_write();
    json_t *items = list_all("/v1/centres?near=" OSLO "&radius_km=500&limit=100&fields=slug");
    double d = NAN;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        if (kp_str(it, "slug") && strcmp(kp_str(it, "slug"), slug) == 0)
            d = num(json_object_get(it, "distance_km"));
    }
    CHECK(!isnan(d), "the centre in Trondheim is within 500 km of Oslo");
    CHECK(fabs(d - 391.5) <= 391.5 * 0.005, "Oslo → Trondheim is 391.5 km ± 0.5 %%, got %.3f", d);
    json_decref(items);

    kp_response *r = kp_getf(srv, "/v1/centres/%s?fields=location", slug);
    CHECK_STATUS(r, 200);
    CHECK(fabs(num(kp_pointer(r->json, "/location/lat")) - 63.4305) < 1e-6 &&
              fabs(num(kp_pointer(r->json, "/location/lon")) - 10.3951) < 1e-6,
          "location is {lat, lon}: %s", kp_json_brief(r->json));
    kp_response_free(r);

    items = list_all("/v1/centres?near=" OSLO "&radius_km=300&limit=100&fields=slug");
    int found = 0;
    json_array_foreach(items, i, it) {
        if (kp_str(it, "slug") && strcmp(kp_str(it, "slug"), slug) == 0) found = 1;
    }
    CHECK(!found, "the centre in Trondheim is not within 300 km of Oslo");
    json_decref(items);

    /* at the point itself */
    r = kp_get(srv, "/v1/centres?near=" TRONDHEIM "&radius_km=0.001&fields=slug&limit=100");
    CHECK_STATUS(r, 200);
    found = 0;
    json_array_foreach(kp_items(r), i, it) {
        if (kp_str(it, "slug") && strcmp(kp_str(it, "slug"), slug) == 0) {
            found = 1;
            CHECK(num(json_object_get(it, "distance_km")) < 0.001, "distance 0 at the point");
        }
    }
    CHECK(found, "radius_km=0.001 at the centre's point finds it");
    kp_response_free(r);

    before_write();
    res = kp_sql("DELETE FROM centre WHERE slug = '%s'", slug);
    PQclear(res);
    after_write();
}

static void test_bad_coordinates(void) {
    struct {
        const char *query, *param;
    } bad[] = {
        {"near=91,10", "near"},
        {"near=-90.5,10", "near"},
        {"near=63,181", "near"},
        {"near=63,-180.01", "near"},
        {"near=NaN,10", "near"},
        {"near=10,nan", "near"},
        {"near=inf,10", "near"},
        {"near=1e999,10", "near"},
        {"near=abc", "near"},
        {"near=abc,def", "near"},
        {"near=63.4", "near"},
        {"near=63.4;10.4", "near"},
        {"near=63.4,10.4,5", "near"},
        {"near=,", "near"},
        {"near=63.4,", "near"},
        {"near=", "near"},
        {"near=0x10,10", "near"},
        {"near=" OSLO "&radius_km=0", "radius_km"},
        {"near=" OSLO "&radius_km=-5", "radius_km"},
        {"near=" OSLO "&radius_km=100000", "radius_km"},
        {"near=" OSLO "&radius_km=abc", "radius_km"},
        {"near=" OSLO "&radius_km=", "radius_km"},
        {"near=" OSLO "&radius_km=NaN", "radius_km"},
        {"radius_km=5", "radius_km"},
        {"sort=distance", "sort"},
        {"near=" OSLO "&sort=-distance", "sort"},
        {"near=" OSLO "&near_municipality=5001", "near_municipality"},
        {"near_municipality=", "near_municipality"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kp_response *r = kp_getf(srv, "/v1/centres?%s", bad[i].query);
        CHECK_PROBLEM(r, 400, bad[i].param);
        kp_response_free(r);
    }
    /* edges that are valid */
    const char *good[] = {"near=90,180",
                          "near=-90,-180",
                          "near=0,0",
                          "near=%2B59.9,%2B10.7",
                          "near=59.9%2C10.7",
                          "near=" OSLO "&radius_km=2000",
                          NULL};
    for (const char **g = good; *g; g++) {
        kp_response *r = kp_getf(srv, "/v1/centres?%s", *g);
        CHECK_STATUS(r, 200);
        kp_response_free(r);
    }
    /* near= on collections without a location is an unknown parameter */
    kp_response *r = kp_get(srv, "/v1/reports?near=" OSLO);
    CHECK_PROBLEM(r, 400, "near");
    kp_response_free(r);
}

/* ---- GeoJSON ----------------------------------------------------------------------------- */

/* A Feature per RFC 7946 whose Point matches properties.location. */
static int check_feature(json_t *f, const char *what) {
    int ok =
        CHECK(json_is_object(f) && kp_str(f, "type") && strcmp(kp_str(f, "type"), "Feature") == 0,
              "%s: a Feature: %s", what, kp_json_brief(f));
    if (!ok) return 0;
    json_t *props = json_object_get(f, "properties");
    ok &= CHECK(json_is_object(props), "%s: properties is an object", what);
    json_t *g = json_object_get(f, "geometry");
    ok &= CHECK(g != NULL, "%s: has a geometry member", what);
    json_t *loc = json_object_get(props, "location");
    if (json_is_null(g)) {
        return ok &
               CHECK(json_is_null(loc) || !loc, "%s: geometry null only without a location", what);
    }
    ok &= CHECK(kp_str(g, "type") && strcmp(kp_str(g, "type"), "Point") == 0,
                "%s: geometry is a Point: %s", what, kp_json_brief(g));
    json_t *c = json_object_get(g, "coordinates");
    ok &= CHECK(json_is_array(c) && json_array_size(c) == 2, "%s: coordinates [lon, lat]", what);
    if (json_is_object(loc) && json_is_array(c)) {
        double lon = num(json_array_get(c, 0)), lat = num(json_array_get(c, 1));
        ok &= CHECK(fabs(lon - num(json_object_get(loc, "lon"))) < 2e-6 &&
                        fabs(lat - num(json_object_get(loc, "lat"))) < 2e-6,
                    "%s: coordinates %s are [lon, lat] of location %s", what, kp_json_brief(c),
                    kp_json_brief(loc));
    }
    json_t *id = json_object_get(f, "id");
    ok &= CHECK(!id || json_is_string(id) || json_is_number(id), "%s: id is a string or number",
                what);
    return ok;
}

static void check_collection(kp_response *r, const char *what, int want_distance) {
    CHECK_STATUS(r, 200);
    const char *ct = kp_header_get(r, "Content-Type");
    CHECK(ct && strncmp(ct, "application/geo+json", 20) == 0,
          "%s: Content-Type application/geo+json, got %s", what, ct ? ct : "(none)");
    json_t *j = r->json;
    CHECK(kp_str(j, "type") && strcmp(kp_str(j, "type"), "FeatureCollection") == 0,
          "%s: a FeatureCollection", what);
    json_t *features = json_object_get(j, "features");
    CHECK(json_is_array(features) && json_array_size(features) > 0, "%s: features", what);
    size_t i;
    json_t *f;
    int bad = 0;
    json_array_foreach(features, i, f) {
        if (!check_feature(f, what)) bad++;
        if (want_distance)
            CHECK(json_is_number(kp_pointer(f, "/properties/distance_km")),
                  "%s: properties.distance_km", what);
    }
    CHECK(bad == 0, "%s: %d bad features", what, bad);
}

static void test_geojson(void) {
    kp_response *r = kp_get_h(srv, "/v1/centres?limit=100", "Accept: application/geo+json");
    check_collection(r, "Accept: application/geo+json", 0);
    const char *ai = kp_header_get(r, "ETag");
    char *etag_geo = ai ? strdup(ai) : NULL;
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres?format=geojson&limit=100");
    check_collection(r, "format=geojson", 0);
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres?limit=100");
    CHECK(r->json && json_object_get(r->json, "items"), "plain JSON without Accept/format");
    CHECK(etag_geo && kp_header_get(r, "ETag") && strcmp(etag_geo, kp_header_get(r, "ETag")) != 0,
          "GeoJSON and JSON have different ETags");
    CHECK(kp_header_has_token(r, "Vary", "Accept"), "Vary lists Accept");
    kp_response_free(r);
    free(etag_geo);
    r = kp_get_h(srv, "/v1/centres?format=json&limit=2", "Accept: application/geo+json");
    CHECK(r->json && json_object_get(r->json, "items"), "format=json wins over Accept");
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres?near=" TRONDHEIM "&format=geojson&limit=3");
    check_collection(r, "near= as GeoJSON", 1);
    kp_response_free(r);
    r = kp_get(srv, "/v1/municipalities?format=geojson&limit=20");
    check_collection(r, "municipalities as GeoJSON", 0);
    kp_response_free(r);

    /* paging GeoJSON */
    r = kp_get(srv, "/v1/centres?format=geojson&limit=2");
    const char *next = kp_str(r->json, "next");
    if (CHECK(next, "GeoJSON list has a next cursor")) {
        kp_response *p2 = kp_getf(srv, "/v1/centres?format=geojson&limit=2&cursor=%s", next);
        check_collection(p2, "GeoJSON page 2", 0);
        kp_response_free(p2);
    }
    kp_response_free(r);

    r = kp_get(srv, "/v1/centres/kbt?format=geojson");
    CHECK_STATUS(r, 200);
    check_feature(r->json, "/v1/centres/kbt?format=geojson");
    CHECK(json_is_object(kp_pointer(r->json, "/geometry")), "kbt has a Point");
    CHECK(kp_header_get(r, "Content-Type") &&
              strncmp(kp_header_get(r, "Content-Type"), "application/geo+json", 20) == 0,
          "a Feature is application/geo+json");
    kp_response_free(r);
    r = kp_get_h(srv, "/v1/centres/varres", "Accept: application/geo+json");
    CHECK_STATUS(r, 200);
    check_feature(r->json, "/v1/centres/varres with Accept");
    kp_response_free(r);
    r = kp_get(srv, "/v1/municipalities/5001?format=geojson");
    CHECK_STATUS(r, 200);
    check_feature(r->json, "/v1/municipalities/5001?format=geojson");
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres?format=kml");
    CHECK_PROBLEM(r, 400, "format");
    kp_response_free(r);
}

/* ---- municipalities ---------------------------------------------------------------------- */

/* Splits one CSV line (quotes allowed) into at most max fields; returns the count. */
static int csv_fields(char *line, char **out, int max) {
    int n = 0;
    char *p = line;
    while (n < max) {
        char *w = p;
        out[n++] = w;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else if (!*p) {
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                *w++ = *p++;
        }
        char end = *p;
        *w = '\0';
        if (end != ',') break;
        p++;
    }
    return n;
}

typedef struct muni {
    char number[8];
    char name[64];
    char name_alt[160];
} muni;

static muni *munis;
static size_t nmunis;

static void load_csv(void) {
    char path[4200];
    snprintf(path, sizeof path, "%s/data/municipalities.csv", kp_source_dir());
    char *text = kp_read_file(path, NULL);
    if (!CHECK(text, "read %s", path)) return;
    int header = 1;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r') line[--n] = '\0';
        if (!n) continue;
        if (header) {
            header = 0;
            continue;
        }
        char *f[20];
        int k = csv_fields(line, f, 20);
        if (!CHECK(k >= 5, "CSV row has fields: %.80s", line)) continue;
        muni *m = realloc(munis, (nmunis + 1) * sizeof *m);
        if (!m) abort();
        munis = m;
        snprintf(munis[nmunis].number, sizeof munis[nmunis].number, "%s", f[0]);
        snprintf(munis[nmunis].name, sizeof munis[nmunis].name, "%s", f[1]);
        snprintf(munis[nmunis].name_alt, sizeof munis[nmunis].name_alt, "%s", f[2]);
        nmunis++;
    }
    free(text);
}

static const muni *muni_named(const char *name) {
    for (size_t i = 0; i < nmunis; i++)
        if (strcmp(munis[i].name, name) == 0) return &munis[i];
    return NULL;
}

/* GET /v1/municipalities/{raw key, percent-encoded here} answers number. */
static void expect_municipality(const char *key, const char *number) {
    char *e = kp_urlencode(key);
    kp_response *r = kp_getf(srv, "/v1/municipalities/%s", e);
    free(e);
    CHECK_STATUS(r, 200);
    CHECK_STR(number, kp_str(r->json, "number"), r->path);
    kp_response_free(r);
}

static void test_municipalities(void) {
    load_csv();
    CHECK(nmunis >= 300, "data/municipalities.csv has %zu rows", nmunis);
    CHECK_INT(nmunis, count_exact("/v1/municipalities"),
              "municipalities count=exact vs rows in data/municipalities.csv");
    json_t *all = list_all("/v1/municipalities?limit=100&fields=number");
    CHECK(all && json_array_size(all) == nmunis, "paging municipalities gives %zu",
          all ? json_array_size(all) : 0);
    json_decref(all);

    const muni *bodo = muni_named("Bodø"), *baerum = muni_named("Bærum"),
               *trd = muni_named("Trondheim"), *kautokeino = muni_named("Kautokeino");
    if (CHECK(bodo && baerum && trd && kautokeino,
              "the CSV has Bodø, Bærum, Trondheim, Kautokeino")) {
        expect_municipality("bodø", bodo->number);
        expect_municipality("Bodø", bodo->number);
        expect_municipality("BODØ", bodo->number);
        expect_municipality("bodo", bodo->number);
        expect_municipality("bodoe", bodo->number);
        expect_municipality("baerum", baerum->number);
        expect_municipality("bærum", baerum->number);
        expect_municipality("Bærum", baerum->number);
        expect_municipality(trd->number, trd->number);
        expect_municipality("trondheim", trd->number);
        expect_municipality("guovdageaidnu", kautokeino->number);
        expect_municipality("Guovdageaidnu", kautokeino->number);
        expect_municipality(kautokeino->number, kautokeino->number);
    }
    /* every parallel (Sami, Kven) name in the CSV resolves, unless it names two */
    int alts = 0;
    for (size_t i = 0; i < nmunis; i++) {
        const char *a = munis[i].name_alt;
        while (*a) {
            size_t n = strcspn(a, ";");
            char one[160];
            snprintf(one, sizeof one, "%.*s", (int)n, a);
            int shared = 0;
            for (size_t k = 0; k < nmunis; k++)
                if (k != i && (strstr(munis[k].name_alt, one) || strcmp(munis[k].name, one) == 0))
                    shared = 1;
            if (!shared) {
                expect_municipality(one, munis[i].number);
                alts++;
            }
            a += n;
            while (*a == ';' || *a == ' ')
                a++;
        }
    }
    CHECK(alts >= 20, "checked %d parallel names", alts);

    const char *unknown[] = {"atlantis", "9999", "0000", "ø", NULL};
    for (const char **u = unknown; *u; u++) {
        char *e = kp_urlencode(*u);
        kp_response *r = kp_getf(srv, "/v1/municipalities/%s", e);
        free(e);
        CHECK_PROBLEM(r, 404, NULL);
        const char *detail = kp_str(r->json, "detail");
        CHECK(detail && (strstr(detail, *u) || strstr(detail, "no ")),
              "the 404 says what was not found: %s", detail ? detail : "(none)");
        kp_response_free(r);
    }
    kp_response *r = kp_get(srv, "/v1/municipalities/heroy");
    CHECK(r->status == 404 || r->status == 300 || r->status == 200,
          "an ambiguous name (Herøy) is a clear answer, got %ld", r->status);
    kp_response_free(r);
}

static void test_nearest(void) {
    kp_response *r = kp_get(srv, "/v1/municipalities/5001/nearest-centres");
    CHECK_STATUS(r, 200);
    json_t *items = kp_items(r);
    CHECK(items && json_array_size(items) >= 1 && json_array_size(items) <= 5,
          "nearest-centres gives 1..5 centres, got %zu", items ? json_array_size(items) : 0);
    check_distance_order(items, "nearest-centres 5001", 1e9);
    /* the same as near_municipality= and as near= at the municipality's point */
    kp_response *same = kp_get(srv, "/v1/centres?near_municipality=5001&limit=5");
    CHECK_STATUS(same, 200);
    CHECK(kp_json_equal(kp_items(same), items), "near_municipality=5001 gives the same list");
    kp_response_free(same);
    same = kp_get(srv, "/v1/municipalities/trondheim/nearest-centres");
    CHECK(kp_json_equal(kp_items(same), items), "nearest-centres by name = by number");
    kp_response_free(same);
    same = kp_get(srv, "/v1/centres?near_municipality=trondheim&limit=5");
    CHECK(kp_json_equal(kp_items(same), items), "near_municipality=trondheim = 5001");
    kp_response_free(same);
    kp_response *m = kp_get(srv, "/v1/municipalities/5001");
    double lat = num(kp_pointer(m->json, "/location/lat")),
           lon = num(kp_pointer(m->json, "/location/lon"));
    kp_response_free(m);
    same = kp_getf(srv, "/v1/centres?near=%.7f,%.7f&limit=5", lat, lon);
    json_t *si = kp_items(same);
    int ids_same = si && items && json_array_size(si) == json_array_size(items);
    for (size_t i = 0; ids_same && i < json_array_size(si); i++)
        ids_same = strcmp(kp_str(json_array_get(si, i), "id"),
                          kp_str(json_array_get(items, i), "id")) == 0;
    CHECK(ids_same, "near=<the municipality's point> gives the same order");
    kp_response_free(same);
    kp_response_free(r);

    r = kp_get(srv, "/v1/municipalities/5001/nearest-centres?kind=regional");
    CHECK_STATUS(r, 200);
    items = kp_items(r);
    CHECK(items && json_array_size(items) > 0, "nearest regional centres");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        CHECK(kp_str(it, "kind") && strcmp(kp_str(it, "kind"), "regional") == 0,
              "kind=regional narrows nearest-centres: %s is %s", kp_str(it, "slug"),
              kp_str(it, "kind"));
    }
    check_distance_order(items, "nearest regional", 1e9);
    kp_response_free(r);

    r = kp_get(srv, "/v1/municipalities/5612/nearest-centres?limit=2");
    CHECK_STATUS(r, 200);
    CHECK(kp_items(r) && json_array_size(kp_items(r)) == 2, "limit= on nearest-centres");
    kp_response_free(r);
    r = kp_get(srv, "/v1/municipalities/0301/nearest-centres?radius_km=1");
    CHECK_STATUS(r, 200);
    kp_response_free(r);

    r = kp_get(srv, "/v1/municipalities/atlantis/nearest-centres");
    CHECK_PROBLEM(r, 404, NULL);
    kp_response_free(r);
    r = kp_get(srv, "/v1/centres?near_municipality=atlantis");
    CHECK_PROBLEM(r, 404, NULL);
    kp_response_free(r);
    r = kp_get(srv, "/v1/municipalities/5001/nearest-centres?near=" OSLO);
    CHECK_PROBLEM(r, 400, "near");
    kp_response_free(r);
    r = kp_get(srv, "/v1/municipalities/5001/nearest-centres?bogus=1");
    CHECK_PROBLEM(r, 400, "bogus");
    kp_response_free(r);
    r = kp_request(srv, "POST", "/v1/municipalities/5001/nearest-centres", NULL, "{}", 2);
    CHECK_PROBLEM(r, 405, NULL);
    kp_response_free(r);

    /* county= on centres */
    r = kp_get(srv, "/v1/centres?county=34&limit=100");
    CHECK_STATUS(r, 200);
    items = kp_items(r);
    CHECK(items && json_array_size(items) > 0, "county=34 finds centres");
    json_array_foreach(items, i, it) {
        const char *c = json_string_value(kp_pointer(it, "/county/number"));
        CHECK(c && strcmp(c, "34") == 0, "county=34: %s is in county %s", kp_str(it, "slug"),
              c ? c : "(none)");
    }
    kp_response_free(r);
}

/* Items at exactly one point (more than a page and more than any fixed slack): paging by
 * nearest sees each once, in (distance, id) order, across page boundaries within the tie. */
static void test_ties(void) {
    enum { N = 70 };
    PGresult *res = kp_sql("INSERT INTO centre (slug, name, kind, location) SELECT '%s-tie-' || g, "
                           "'Ht tie ' || g, 'local', ST_SetSRID(ST_MakePoint(24.5, 70.5), "
                           "4326)::geography FROM generate_series(1, %d) g",
                           prefix, N);
    PQclear(res);
    char path[512];
    snprintf(path, sizeof path, "/v1/centres?near=70.5,24.5&radius_km=1&limit=7&fields=id");
    char seen[N][40];
    int n = 0, pages = 0, ordered = 1;
    while (pages++ < 30) {
        kp_response *r = kp_get(srv, path);
        if (!CHECK_STATUS(r, 200)) {
            kp_response_free(r);
            break;
        }
        size_t i;
        json_t *it;
        json_array_foreach(kp_items(r), i, it) {
            const char *id = kp_str(it, "id");
            if (!id) continue;
            for (int j = 0; j < n; j++)
                CHECK(strcmp(seen[j], id) != 0, "tied item %s is listed once", id);
            if (n > 0 && strcmp(seen[n - 1], id) >= 0) ordered = 0;
            if (n < N) snprintf(seen[n++], sizeof seen[0], "%s", id);
        }
        const char *next = kp_str(r->json, "next");
        if (next)
            snprintf(path, sizeof path,
                     "/v1/centres?near=70.5,24.5&radius_km=1&limit=7&fields=id&cursor=%s", next);
        kp_response_free(r);
        if (!next) break;
    }
    CHECK_INT(N, n, "items at one point, paged 7 at a time");
    CHECK(ordered, "items at one point come in id order");
    res = kp_sql("DELETE FROM centre WHERE slug LIKE '%s-tie-%%'", prefix);
    PQclear(res);
}

/* ---- the spatial index ------------------------------------------------------------------- */

static void test_index_plan(void) {
    PGconn *c = kp_db();
    if (!c) return;
    /* Only the plan matters here: the rows are rolled back, so their documents
     * (migrations/0011) need not be made — replica mode skips the triggers. */
    PGresult *r = PQexec(c, "BEGIN; SET LOCAL session_replication_role = replica");
    PQclear(r);
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO centre (slug, name, kind, location) "
             "SELECT '%s-bulk-' || g, 'Ht bulk ' || g, 'local', "
             "ST_SetSRID(ST_MakePoint(4.6 + random() * 26.4, 58.0 + random() * 13.0), "
             "4326)::geography FROM generate_series(1, 100000) g",
             prefix);
    r = PQexec(c, sql);
    int ok = CHECK(PQresultStatus(r) == PGRES_COMMAND_OK, "insert 100,000 centres: %s",
                   PQresultErrorMessage(r));
    PQclear(r);
    if (ok) {
        r = PQexec(c, "ANALYZE centre");
        PQclear(r);
        r = PQexec(c, "EXPLAIN SELECT id FROM centre WHERE location IS NOT NULL "
                      "ORDER BY location <-> ST_MakePoint(10.75, 59.91)::geography LIMIT 20");
        char plan[4096] = "";
        size_t n = 0;
        for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++)
            n += (size_t)snprintf(plan + n, n < sizeof plan ? sizeof plan - n : 0, "%s\n",
                                  PQgetvalue(r, i, 0));
        PQclear(r);
        CHECK(strstr(plan, "Index Scan using centre_location_idx") != NULL,
              "the nearest-20 query uses centre_location_idx:\n%s", plan);
    }
    r = PQexec(c, "ROLLBACK");
    PQclear(r);
    /* the shared test database should not carry 100,000 dead rows into other tests */
    r = PQexec(c, "VACUUM ANALYZE centre");
    PQclear(r);
    char *left = kp_sql_value("SELECT count(*) FROM centre WHERE slug LIKE '%s-bulk-%%'", prefix);
    CHECK(left && strcmp(left, "0") == 0, "the bulk rows are rolled back");
    free(left);
}

int main(int argc, char **argv) {
    if (kp_init(argc, argv, "http_geo") != 0) return kp_finish();
    snprintf(prefix, sizeof prefix, "ht-geo-%d", (int)getpid());
    srv = kp_server_start(NULL); /* migrates a fresh database first */
    PGresult *res = kp_sql("DELETE FROM centre WHERE slug LIKE 'ht-geo-%%'"); /* earlier runs */
    PQclear(res);
    if (srv) {
        test_near();
        test_distance();
        test_bad_coordinates();
        test_geojson();
        test_municipalities();
        test_nearest();
        test_ties();
        kp_server_stop(srv);
    }
    test_index_plan();
    res = kp_sql("DELETE FROM centre WHERE slug LIKE '%s-%%'", prefix);
    PQclear(res);
    free(munis);
    return kp_finish();
}
