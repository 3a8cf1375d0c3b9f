/* JSON request bodies against every writable collection's descriptor, as a create (all
 * required fields) and as a merge patch, with no database (references and tags are checked
 * for form only). Invariants: success leaves a consistent write set; failure is a 422 with at
 * least one error that renders as valid JSON. */
#include "fuzz.h"

#include "http/problem.h"
#include "model/collection.h"
#include "model/validate.h"

#include <jansson.h>
#include <string.h>

#define FUZZ_MAX_INPUT (256 * 1024)

/* Every $n in an SQL fragment is 1..nparams; marks the ones seen in used[]. */
static void check_expr(const char *expr, int nparams, unsigned char *used, const char *coll) {
    for (const char *s = expr; (s = strchr(s, '$')) != NULL;) {
        s++;
        if (*s < '0' || *s > '9') continue;
        long n = strtol(s, (char **)&s, 10);
        FUZZ_ASSERT(n >= 1 && n <= nparams, "%s: $%ld with %d parameters in \"%s\"", coll, n,
                    nparams, expr);
        used[n] = 1;
    }
}

static void check_success(const collection *c, const write_set *ws, const problem *p) {
    FUZZ_ASSERT(p->status == 0, "%s: validated, yet problem %d", c->name, p->status);
    FUZZ_ASSERT(ws->ncols >= 0 && ws->ncols < WS_MAX_COLS, "%s: ncols %d", c->name, ws->ncols);
    FUZZ_ASSERT(ws->nparams >= 0 && ws->nparams < WS_MAX_PARAMS, "%s: nparams %d", c->name,
                ws->nparams);
    FUZZ_ASSERT(ws->nlinks >= 0 && ws->nlinks <= WS_MAX_LINKS, "%s: nlinks %d", c->name,
                ws->nlinks);
    unsigned char used[WS_MAX_PARAMS + 1] = {0};
    for (int i = 0; i < ws->ncols; i++) {
        FUZZ_ASSERT(ws->cols[i].column && ws->cols[i].column[0], "%s: column %d has no name",
                    c->name, i);
        check_expr(ws->cols[i].expr, ws->nparams, used, c->name);
    }
    /* The INSERT/UPDATE sends exactly these parameters: one no column uses has no type, and
     * PostgreSQL refuses the statement. */
    for (int i = 0; i < ws->nparams; i++) {
        FUZZ_ASSERT(ws->params[i] != NULL, "%s: parameter $%d is NULL", c->name, i + 1);
        FUZZ_ASSERT(used[i + 1], "%s: parameter $%d (\"%s\") is used by no column", c->name, i + 1,
                    ws->params[i]);
    }
    for (int i = 0; i < ws->nlinks; i++) {
        const ws_link *l = &ws->links[i];
        FUZZ_ASSERT(l->table[0] && l->column && l->value, "%s: link %d incomplete", c->name, i);
        size_t n = strlen(l->value);
        FUZZ_ASSERT(n >= 2 && l->value[0] == '{' && l->value[n - 1] == '}',
                    "%s: link %s value is not an array literal: %s", c->name, l->table, l->value);
    }
    FUZZ_ASSERT(ws->name_param_no >= 0 && ws->name_param_no <= ws->nparams, "%s: name $%d", c->name,
                ws->name_param_no);
}

static void check_failure(const collection *c, const problem *p) {
    FUZZ_ASSERT(p->status == 422, "%s: failed with status %d", c->name, p->status);
    size_t nerr = json_array_size(p->errors);
    FUZZ_ASSERT(nerr > 0,
                "%s: 422 without any error listed (an error message that is not "
                "valid UTF-8 is dropped by json_pack): %s",
                c->name, p->detail);
    size_t len = 0;
    char *body = problem_render(p, "/v1/x", "req-1", &len);
    FUZZ_ASSERT(body != NULL, "%s: problem_render gave NULL", c->name);
    json_error_t e;
    json_t *o = json_loadb(body, len, 0, &e);
    FUZZ_ASSERT(json_is_object(o), "%s: rendered problem is not a JSON object: %s", c->name, body);
    FUZZ_ASSERT(json_is_string(json_object_get(o, "detail")), "%s: detail lost: %s", c->name, body);
    json_t *errors = json_object_get(o, "errors");
    FUZZ_ASSERT(json_array_size(errors) == nerr, "%s: %zu errors rendered of %zu", c->name,
                json_array_size(errors), nerr);
    size_t i;
    json_t *x;
    json_array_foreach(errors, i, x) {
        FUZZ_ASSERT(json_is_string(json_object_get(x, "field")) &&
                        json_is_string(json_object_get(x, "message")),
                    "%s: malformed error %zu: %s", c->name, i, body);
    }
    json_decref(o);
    free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int seeded;
    if (!seeded) {
        json_object_seed(1); /* the same hash order every run */
        seeded = 1;
    }
    if (size > FUZZ_MAX_INPUT) return 0;
    json_error_t err;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(body)) {
        json_decref(body);
        return 0;
    }
    for (const collection *const *cp = collections_all(); *cp; cp++) {
        const collection *c = *cp;
        if (!c->table) continue;
        for (int create = 1; create >= 0; create--) {
            write_set ws;
            problem prob;
            write_set_init(&ws);
            memset(&prob, 0, sizeof prob);
            if (validate_body(c, body, create, NULL, &ws, &prob) == 0)
                check_success(c, &ws, &prob);
            else
                check_failure(c, &prob);
            write_set_cleanup(&ws);
            problem_cleanup(&prob);
        }
    }
    json_decref(body);
    return 0;
}
