/* Operations endpoints: liveness, readiness, the spec, the index. */
#include "db/pool.h"
#include "handlers/handlers.h"
#include "core/strbuf.h"
#include "http/respond.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *openapi_body;
static size_t openapi_len;

int ops_load_openapi(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n <= 0 || n > 16 * 1024 * 1024) {
        fclose(f);
        return -1;
    }
    openapi_body = malloc((size_t)n);
    if (!openapi_body || fread(openapi_body, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(openapi_body);
        openapi_body = NULL;
        return -1;
    }
    fclose(f);
    openapi_len = (size_t)n;
    return 0;
}

void ops_free_openapi(void) {
    free(openapi_body);
    openapi_body = NULL;
}

int ops_healthz(req_ctx *ctx) {
    static const char body[] = "{\"status\":\"ok\"}";
    respond_header(ctx, "Cache-Control", "no-store");
    ulfius_set_binary_body_response(ctx->resp, 200, body, sizeof body - 1);
    respond_header(ctx, "Content-Type", "application/json");
    ctx->bytes_out = sizeof body - 1;
    return 0;
}

int ops_readyz(req_ctx *ctx) {
    const char *search = db_search_flavour();
    if (!db_ping()) {
        ctx->prob.retry_after = 5;
        return problem_set(&ctx->prob, 503, "database-unavailable",
                           "the database is unreachable; the server retries by itself");
    }
    char body[160];
    int n = snprintf(
        body, sizeof body, "{\"status\":\"ready\",\"database\":\"ok\",\"search\":\"%s\"}",
        search && strcmp(search, "hunspell") == 0 ? "hunspell" : "norwegian-snowball-fallback");
    ulfius_set_binary_body_response(ctx->resp, 200, body, (size_t)n);
    respond_header(ctx, "Content-Type", "application/json");
    respond_header(ctx, "Cache-Control", "no-store");
    ctx->bytes_out = (size_t)n;
    return 0;
}

int ops_openapi(req_ctx *ctx) {
    if (!openapi_body)
        return problem_set(&ctx->prob, 404, "not-found", "the API description is not installed");
    return respond_json(ctx, 200, openapi_body, openapi_len, RESPOND_PUBLIC);
}

int ops_index(req_ctx *ctx) {
    strbuf sb;
    sb_init(&sb, 16384);
    sb_puts(&sb, "{\"collections\":[");
    int first = 1;
    for (const collection *const *c = collections_all(); *c; c++) {
        sb_printf(&sb, "%s{\"name\":\"%s\",\"href\":\"/v1/%s\"}", first ? "" : ",", (*c)->name,
                  (*c)->name);
        first = 0;
    }
    sb_puts(&sb, "],\"openapi\":\"/openapi.json\"}");
    respond_json(ctx, 200, sb_str(&sb), sb.len, RESPOND_PUBLIC);
    sb_cleanup(&sb);
    return 0;
}
