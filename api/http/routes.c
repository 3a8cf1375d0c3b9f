/* The route table. Patterns are path segments; "{collection}" matches any registered
 * collection, "{writable}" one that has a table to write, and "{key}" any single segment.
 * Literal routes come first. Add a row here for a new endpoint. */
#include "http/routes.h"

#include "handlers/handlers.h"

#include <stdio.h>
#include <string.h>

typedef struct route {
    const char *method;
    const char *pattern;
    handler_fn fn;
} route;

static const route routes[] = {
    {"GET", "/healthz", ops_healthz},
    {"GET", "/readyz", ops_readyz},
    {"GET", "/openapi.json", ops_openapi},
    {"GET", "/v1", ops_index},
    {"POST", "/v1/auth/token", auth_token},
    {"POST", "/v1/auth/refresh", auth_refresh},
    {"POST", "/v1/auth/logout", auth_logout},
    {"GET", "/v1/me", auth_me},
    {"POST", "/v1/me/password", auth_change_password},
    {"GET", "/v1/users", users_list},
    {"POST", "/v1/users", users_create},
    {"GET", "/v1/users/{key}", users_get},
    {"PATCH", "/v1/users/{key}", users_patch},
    {"DELETE", "/v1/users/{key}", users_delete},
    {"GET", "/v1/changes", changes_feed},
    {"GET", "/v1/municipalities/{key}/nearest-centres", geo_nearest_centres},
    {"GET", "/v1/{collection}", items_list},
    {"POST", "/v1/{writable}", items_create},
    {"GET", "/v1/{collection}/{key}", items_get},
    {"PATCH", "/v1/{writable}/{key}", items_patch},
    {"DELETE", "/v1/{writable}/{key}", items_delete},
    {"GET", "/v1/{writable}/{key}/revisions", items_revisions},
    {NULL, NULL, NULL},
};

/* Matches pattern against ctx's segments; fills coll/key on success. */
static int match(const char *pattern, req_ctx *ctx, const collection **coll, const char **key) {
    char buf[128];
    snprintf(buf, sizeof buf, "%s", pattern + 1);
    int i = 0;
    char *save = NULL;
    *coll = NULL;
    *key = NULL;
    for (char *tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save), i++) {
        if (i >= ctx->nseg) return 0;
        if (strcmp(tok, "{collection}") == 0 || strcmp(tok, "{writable}") == 0) {
            *coll = collection_find(ctx->seg[i]);
            if (!*coll || (tok[1] == 'w' && !(*coll)->table)) return 0;
        } else if (strcmp(tok, "{key}") == 0) {
            *key = ctx->seg[i];
        } else if (strcmp(tok, ctx->seg[i]) != 0) {
            return 0;
        }
    }
    return i == ctx->nseg;
}

handler_fn routes_match(req_ctx *ctx, char *allow, size_t allowlen) {
    allow[0] = '\0';
    for (const route *r = routes; r->method; r++) {
        const collection *coll;
        const char *key;
        if (!match(r->pattern, ctx, &coll, &key)) continue;
        if (strcmp(r->method, ctx->method) == 0) {
            ctx->coll = coll;
            ctx->key = key;
            return r->fn;
        }
        if (!strstr(allow, r->method)) {
            size_t n = strlen(allow);
            snprintf(allow + n, allowlen - n, "%s%s", n ? ", " : "", r->method);
        }
    }
    return NULL;
}
