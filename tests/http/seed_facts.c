/* http_seed_facts: walks tests/http/seed_facts.json through the HTTP API.
 * Each fact is {"get": path, "pointer": RFC 6901 pointer, "equals" | "contains": value}.
 * "equals" compares deeply (numbers by value); "contains" on an array means some element
 * equals the value, or, for an array of objects and a string value, some element's "slug" is
 * that string; on a string it means a substring. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_FACTS 80

typedef struct cached {
    char *path;
    kp_response *resp;
} cached;

static cached *cache;
static size_t ncache;

static kp_response *fetch(kp_server *s, const char *path) {
    for (size_t i = 0; i < ncache; i++)
        if (strcmp(cache[i].path, path) == 0) return cache[i].resp;
    cached *c = realloc(cache, (ncache + 1) * sizeof *c);
    if (!c) abort();
    cache = c;
    cache[ncache].path = strdup(path);
    cache[ncache].resp = kp_get(s, path);
    kp_response *r = cache[ncache].resp;
    ncache++;
    CHECK_STATUS(r, 200);
    return r;
}

static int contains(json_t *target, json_t *value) {
    if (json_is_array(target)) {
        size_t i;
        json_t *e;
        json_array_foreach(target, i, e) {
            if (kp_json_equal(e, value)) return 1;
            if (json_is_object(e) && json_is_string(value)) {
                const char *slug = kp_str(e, "slug");
                if (slug && strcmp(slug, json_string_value(value)) == 0) return 1;
            }
        }
        return 0;
    }
    if (json_is_string(target) && json_is_string(value))
        return strstr(json_string_value(target), json_string_value(value)) != NULL;
    return 0;
}

int main(int argc, char **argv) {
    if (kp_init(argc, argv, "http_seed_facts") != 0) return kp_finish();
    char path[4200];
    const char *override = getenv("KP_SEED_FACTS");
    if (override && *override)
        snprintf(path, sizeof path, "%s", override);
    else
        snprintf(path, sizeof path, "%s/tests/http/seed_facts.json", kp_source_dir());
    json_error_t err;
    json_t *facts = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!CHECK(json_is_array(facts), "%s is a JSON array (%s, line %d)", path, err.text, err.line))
        return kp_finish();
    CHECK(json_array_size(facts) >= MIN_FACTS, "the checklist has %zu facts, at least %d wanted",
          json_array_size(facts), MIN_FACTS);

    kp_server *s = kp_server_start(NULL);
    if (s) {
        size_t i, bad = 0;
        json_t *f;
        json_array_foreach(facts, i, f) {
            const char *get = kp_str(f, "get"), *ptr = kp_str(f, "pointer");
            json_t *equals = json_object_get(f, "equals"), *cont = json_object_get(f, "contains");
            if (!CHECK(get && ptr && (!equals != !cont) && json_object_size(f) == 3,
                       "fact #%zu is malformed: %s", i, kp_json_brief(f))) {
                bad++;
                continue;
            }
            kp_response *r = fetch(s, get);
            if (r->status != 200) {
                CHECK(0, "fact #%zu: GET %s answered %ld", i, get, r->status);
                bad++;
                continue;
            }
            json_t *actual = kp_pointer(r->json, ptr);
            int ok;
            if (equals) {
                ok = actual && kp_json_equal(actual, equals);
                CHECK(ok, "fact #%zu: GET %s %s: expected %s, got %s", i, get, ptr,
                      kp_json_brief(equals), kp_json_brief(actual));
            } else {
                ok = actual && contains(actual, cont);
                CHECK(ok, "fact #%zu: GET %s %s: expected it to contain %s, got %s", i, get, ptr,
                      kp_json_brief(cont), kp_json_brief(actual));
            }
            if (!ok) bad++;
        }
        printf("seed facts: %zu of %zu hold\n", json_array_size(facts) - bad,
               json_array_size(facts));
        kp_server_stop(s);
    }
    for (size_t i = 0; i < ncache; i++) {
        free(cache[i].path);
        kp_response_free(cache[i].resp);
    }
    free(cache);
    json_decref(facts);
    return kp_finish();
}
