#include "http/respond.h"

#include "cache/cache.h"
#include "core/hash.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void respond_header(req_ctx *ctx, const char *name, const char *value) {
    u_map_put(ctx->resp->map_header, name, value);
}

void etag_of(const char *body, size_t len, const char *version, char out[48]) {
    /* the ETag only has to change when the bytes change */
    uint64_t h = hash64(body, len, 0);
    if (version && *version)
        snprintf(out, 48, "\"%.12s-%016llx\"", version, (unsigned long long)h);
    else
        snprintf(out, 48, "\"%016llx\"", (unsigned long long)h);
}

long if_match_version(req_ctx *ctx) {
    const char *h = u_map_get_case(ctx->req->map_header, "If-Match");
    if (!h) return -1;
    while (*h == ' ')
        h++;
    if (strcmp(h, "*") == 0) return -2;
    if (strncmp(h, "W/", 2) == 0) h += 2;
    if (*h != '"') return -3;
    h++;
    long v = 0;
    int digits = 0;
    for (; *h >= '0' && *h <= '9' && digits < 10; h++, digits++)
        v = v * 10 + (*h - '0');
    return digits && *h == '-' ? v : -3;
}

/* If-None-Match: "*" or a comma list of (possibly weak) tags. */
static int none_match(const char *header, const char *etag) {
    if (!header) return 0;
    if (strcmp(header, "*") == 0) return 1;
    const char *p = header;
    size_t elen = strlen(etag);
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (strncmp(p, "W/", 2) == 0) p += 2;
        if (strncmp(p, etag, elen) == 0 && (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' '))
            return 1;
        const char *c = strchr(p, ',');
        if (!c) break;
        p = c + 1;
    }
    return 0;
}

int respond_body(req_ctx *ctx, int status, const char *ct, const char *body, size_t len,
                 const char *version, unsigned flags) {
    char etag[48];
    etag_of(body, len, version, etag);
    respond_header(ctx, "ETag", etag);
    if ((flags & RESPOND_PUBLIC) && !ctx->who.present) {
        char cc[64];
        snprintf(cc, sizeof cc, "public, max-age=%d", ctx->cfg->cache_max_age_s);
        respond_header(ctx, "Cache-Control", cc);
        respond_header(ctx, "Vary", "Accept, Origin");
    } else {
        /* what an editor sees may include drafts: never in a shared cache */
        respond_header(ctx, "Cache-Control", "private, no-store");
    }
    /* a revalidation fills the cache too: the next one is then answered from memory */
    if (ctx->cache_key && status == 200 && (flags & RESPOND_PUBLIC) && !ctx->who.present)
        cache_put(ctx->cache_key, &ctx->cache_gen, ct, body, len, etag,
                  u_map_get(ctx->resp->map_header, "Link"));
    const char *inm = u_map_get_case(ctx->req->map_header, "If-None-Match");
    if (status == 200 && none_match(inm, etag)) {
        ulfius_set_empty_body_response(ctx->resp, 304);
        ctx->bytes_out = 0;
        return 0;
    }
    respond_header(ctx, "Content-Type", ct);
    ulfius_set_binary_body_response(ctx->resp, (unsigned)status, body, len);
    ctx->bytes_out = len;
    return 0;
}

int respond_json(req_ctx *ctx, int status, const char *body, size_t len, unsigned flags) {
    return respond_body(ctx, status, "application/json", body, len, NULL, flags);
}

int respond_empty(req_ctx *ctx, int status) {
    ulfius_set_empty_body_response(ctx->resp, (unsigned)status);
    ctx->bytes_out = 0;
    return 0;
}

void respond_problem(req_ctx *ctx) {
    problem *p = &ctx->prob;
    if (!p->status) problem_set(p, 500, "internal", "the server failed to answer");
    size_t len = 0;
    char *body = problem_render(p, ctx->path, ctx->request_id, &len);
    respond_header(ctx, "Content-Type", "application/problem+json");
    respond_header(ctx, "Cache-Control", "no-store");
    if (p->allow[0]) respond_header(ctx, "Allow", p->allow);
    if (p->retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", p->retry_after);
        respond_header(ctx, "Retry-After", ra);
    }
    if (p->www_authenticate) {
        char wa[160];
        snprintf(wa, sizeof wa, "Bearer realm=\"knutepunkt\"%s",
                 p->status == 401 && p->type && strcmp(p->type, "invalid-token") == 0
                     ? ", error=\"invalid_token\""
                     : "");
        respond_header(ctx, "WWW-Authenticate", wa);
    }
    if (body) {
        ulfius_set_binary_body_response(ctx->resp, (unsigned)p->status, body, len);
        ctx->bytes_out = len;
    } else {
        ulfius_set_empty_body_response(ctx->resp, (unsigned)p->status);
    }
    free(body);
}

int respond_cached(req_ctx *ctx, const cache_hit *hit) {
    char cc[64];
    snprintf(cc, sizeof cc, "public, max-age=%d", ctx->cfg->cache_max_age_s);
    respond_header(ctx, "ETag", hit->etag);
    respond_header(ctx, "Cache-Control", cc);
    respond_header(ctx, "Vary", "Accept, Origin");
    if (hit->link[0]) respond_header(ctx, "Link", hit->link);
    if (none_match(u_map_get_case(ctx->req->map_header, "If-None-Match"), hit->etag)) {
        ulfius_set_empty_body_response(ctx->resp, 304);
        ctx->bytes_out = 0;
        return 0;
    }
    respond_header(ctx, "Content-Type", hit->content_type);
    ulfius_set_binary_body_response(ctx->resp, 200, hit->body, hit->len);
    ctx->bytes_out = hit->len;
    return 0;
}
