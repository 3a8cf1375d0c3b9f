/* The HTTP front: ulfius on libmicrohttpd with an epoll worker pool. Every request goes
 * through dispatch(): parse → route → handler → one response (or one problem) → access log.
 * ulfius's own router is not used: we need strict paths, our 404/405 bodies and our
 * query parsing. */
#include "http/server.h"

#include "cache/cache.h"
#include "core/ids.h"
#include "http/context.h"
#include "http/deadline.h"
#include "http/mhd_errors.h"
#include "http/respond.h"
#include "http/routes.h"
#include "core/strbuf.h"
#include "log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct _u_instance instance;
static const config *server_cfg;
static atomic_int in_flight;
static atomic_int stopping;

static long elapsed_us(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000000L + (t1.tv_nsec - t0->tv_nsec) / 1000L;
}

/* X-Request-Id: echoed when it looks like an id, otherwise made here. */
static void set_request_id(req_ctx *ctx) {
    const char *given = u_map_get_case(ctx->req->map_header, "X-Request-Id");
    if (given) {
        size_t n = strlen(given);
        int ok = n >= 1 && n < sizeof ctx->request_id;
        for (size_t i = 0; ok && i < n; i++) {
            char c = given[i];
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.';
        }
        if (ok) {
            memcpy(ctx->request_id, given, n + 1);
            return;
        }
    }
    id_new_request(ctx->request_id);
}

/* Splits the raw URL into decoded path segments and the raw query. Paths are strict: an
 * empty segment ("//", a trailing "/") names nothing. */
static int parse_url(req_ctx *ctx) {
    const char *url = ctx->req->http_url ? ctx->req->http_url : "/";
    const char *qm = strchr(url, '?');
    size_t plen = qm ? (size_t)(qm - url) : strlen(url);
    if (qm) ctx->raw_query = strdup(qm + 1);
    ctx->path = url_decode(url, plen, 0);
    if (!ctx->path)
        return problem_set(&ctx->prob, 400, "bad-path",
                           "the path contains %%00, a bad escape or invalid UTF-8");
    if (ctx->path[0] != '/') return problem_set(&ctx->prob, 404, "not-found", "no such route");
    const char *p = url + 1;
    const char *end = url + plen;
    if (plen == 1) return 0;
    while (p <= end) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        const char *segend = slash ? slash : end;
        if (segend == p || ctx->nseg >= CTX_MAX_SEGMENTS)
            return problem_set(&ctx->prob, 404, "not-found", "no such route");
        ctx->seg[ctx->nseg] = url_decode(p, (size_t)(segend - p), 0);
        if (!ctx->seg[ctx->nseg])
            return problem_set(&ctx->prob, 400, "bad-path", "a path segment is not valid");
        ctx->nseg++;
        if (!slash) break;
        p = slash + 1;
    }
    return 0;
}

static void cors_headers(req_ctx *ctx) {
    const char *origins = server_cfg->cors_origins;
    const char *origin = u_map_get_case(ctx->req->map_header, "Origin");
    if (strcmp(origins, "*") == 0) {
        respond_header(ctx, "Access-Control-Allow-Origin", "*");
    } else if (origin) {
        size_t olen = strlen(origin);
        for (const char *p = origins; *p;) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            while (n && *p == ' ')
                p++, n--;
            if (n == olen && strncmp(p, origin, n) == 0) {
                respond_header(ctx, "Access-Control-Allow-Origin", origin);
                break;
            }
            if (!c) break;
            p = c + 1;
        }
        respond_header(ctx, "Vary", "Origin");
    }
    respond_header(ctx, "Access-Control-Expose-Headers",
                   "ETag, Link, Location, Retry-After, X-Request-Id");
}

static void full_allow(const char *allow, char *out, size_t outlen) {
    snprintf(out, outlen, "%s%s%sOPTIONS", allow, strstr(allow, "GET") ? ", HEAD" : "",
             *allow ? ", " : "");
}

static int preflight(req_ctx *ctx) {
    char allow[96], methods[128];
    snprintf(ctx->method, sizeof ctx->method, "OPTIONS");
    routes_match(ctx, allow, sizeof allow);
    if (!allow[0]) return problem_set(&ctx->prob, 404, "not-found", "no such route");
    full_allow(allow, methods, sizeof methods);
    respond_header(ctx, "Allow", methods);
    respond_header(ctx, "Access-Control-Allow-Methods", methods);
    respond_header(ctx, "Access-Control-Allow-Headers",
                   "Authorization, Content-Type, If-Match, If-None-Match, Prefer, X-Request-Id");
    respond_header(ctx, "Access-Control-Max-Age", "600");
    return respond_empty(ctx, 204);
}

/* The cache key: path, the query parameters in sorted order, and the representation. */
static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *cache_key_of(req_ctx *ctx) {
    const char *url = ctx->req->http_url;
    if (!url || strncmp(url, "/v1/", 4) != 0 || strlen(url) > 2048) return NULL;
    const char *qm = strchr(url, '?');
    size_t plen = qm ? (size_t)(qm - url) : strlen(url);
    char *parts[QUERY_MAX_PARAMS + 1];
    int n = 0;
    char *qs = qm ? strdup(qm + 1) : NULL;
    char *save = NULL;
    for (char *t = qs ? strtok_r(qs, "&", &save) : NULL; t && n <= QUERY_MAX_PARAMS;
         t = strtok_r(NULL, "&", &save))
        parts[n++] = t;
    if (n > QUERY_MAX_PARAMS) { /* answered 400 anyway */
        free(qs);
        return NULL;
    }
    qsort(parts, (size_t)n, sizeof parts[0], cmp_str);
    const char *accept = u_map_get_case(ctx->req->map_header, "Accept");
    strbuf sb;
    sb_init(&sb, 4096);
    sb_append(&sb, url, plen);
    for (int i = 0; i < n; i++) {
        sb_putc(&sb, i ? '&' : '?');
        sb_puts(&sb, parts[i]);
    }
    sb_puts(&sb, accept && strstr(accept, "application/geo+json") ? "|geo" : "|json");
    free(qs);
    char *key = sb.failed ? NULL : sb_steal(&sb, NULL);
    sb_cleanup(&sb);
    return key;
}

/* Anonymous GETs are answered from the cache when it holds a live copy. */
static int serve_from_cache(req_ctx *ctx) {
    if (strcmp(ctx->method, "GET") != 0 || !cache_enabled() ||
        u_map_get_case(ctx->req->map_header, "Authorization"))
        return 0;
    ctx->cache_key = cache_key_of(ctx);
    if (!ctx->cache_key) return 0;
    cache_hit hit;
    if (!cache_generation(&ctx->cache_gen)) {
        free(ctx->cache_key); /* the generation is unknown: neither read nor fill */
        ctx->cache_key = NULL;
        return 0;
    }
    if (!cache_get(ctx->cache_key, &ctx->cache_gen, &hit)) return 0;
    respond_cached(ctx, &hit);
    free(hit.body);
    return 1;
}

/* Limits we answer ourselves; libmicrohttpd answers requests beyond its connection memory
 * (MHD_OPTION_CONNECTION_MEMORY_LIMIT) itself, as problem+json too (mhd_errors.c). */
#define MAX_URL_BYTES    8192
#define MAX_HEADER_BYTES 32768
/* Each connection's memory for its request line and headers (and our answer's headers):
 * room for the largest request we judge ourselves, with our 414/431 answer. Kept small
 * because libmicrohttpd zeroes the whole of it after every request: at 128 KiB that memset
 * was 5 % of the server's CPU on a database read. */
#define CONNECTION_MEMORY_BYTES (64 * 1024)

static int check_sizes(req_ctx *ctx) {
    if (ctx->req->http_url && strlen(ctx->req->http_url) > MAX_URL_BYTES)
        return problem_set(&ctx->prob, 414, "uri-too-long", "the URL is longer than %d bytes",
                           MAX_URL_BYTES);
    size_t total = 0;
    const char **keys = u_map_enum_keys(ctx->req->map_header);
    const char **values = u_map_enum_values(ctx->req->map_header);
    for (int i = 0; keys && keys[i]; i++)
        total += strlen(keys[i]) + (values && values[i] ? strlen(values[i]) : 0) + 4;
    if (total > MAX_HEADER_BYTES)
        return problem_set(&ctx->prob, 431, "headers-too-large",
                           "the request headers are larger than %d bytes", MAX_HEADER_BYTES);
    return 0;
}

static int run(req_ctx *ctx) {
    if (check_sizes(ctx) != 0) return -1;
    /* RFC 9112: an HTTP/1.1 request without Host is a 400 */
    if (ctx->req->http_protocol && strcmp(ctx->req->http_protocol, "HTTP/1.1") == 0 &&
        !u_map_get_case(ctx->req->map_header, "Host"))
        return problem_set(&ctx->prob, 400, "bad-request", "HTTP/1.1 requests need a Host header");
    if (parse_url(ctx) != 0) return -1;
    if (serve_from_cache(ctx)) return 0;
    if (strcmp(ctx->method, "OPTIONS") == 0) return preflight(ctx);
    if (ctx->req->binary_body_length > (size_t)server_cfg->max_body_bytes)
        return problem_set(&ctx->prob, 413, "body-too-large",
                           "the request body is larger than %d bytes", server_cfg->max_body_bytes);
    if (query_parse(&ctx->q, ctx->raw_query, &ctx->prob) != 0) return -1;
    char allow[96];
    handler_fn fn = routes_match(ctx, allow, sizeof allow);
    if (!fn && !allow[0]) return problem_set(&ctx->prob, 404, "not-found", "no such route");
    if (!fn) {
        full_allow(allow, ctx->prob.allow, sizeof ctx->prob.allow);
        return problem_set(&ctx->prob, 405, "method-not-allowed", "%s is not allowed here",
                           ctx->head ? "HEAD" : ctx->method);
    }
    return fn(ctx);
}

static int dispatch(const struct _u_request *req, struct _u_response *resp, void *user) {
    (void)user;
    atomic_fetch_add(&in_flight, 1);
    req_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    clock_gettime(CLOCK_MONOTONIC, &ctx.t0);
    ctx.req = req;
    ctx.resp = resp;
    ctx.cfg = server_cfg;
    snprintf(ctx.method, sizeof ctx.method, "%s", req->http_verb ? req->http_verb : "");
    if (strcmp(ctx.method, "HEAD") == 0) {
        ctx.head = 1;
        snprintf(ctx.method, sizeof ctx.method, "GET");
    }
    set_request_id(&ctx);
    cors_headers(&ctx);
    respond_header(&ctx, "X-Request-Id", ctx.request_id);
    respond_header(&ctx, "X-Content-Type-Options", "nosniff");
    if (atomic_load(&stopping)) {
        ctx.prob.retry_after = 5;
        problem_set(&ctx.prob, 503, "shutting-down", "the server is shutting down");
        respond_problem(&ctx);
        respond_header(&ctx, "Connection", "close");
    } else if (run(&ctx) != 0) {
        respond_problem(&ctx);
    }
    access_entry e = {
        .method = ctx.head ? "HEAD" : ctx.method,
        .path = ctx.path ? ctx.path : "?",
        .query = ctx.raw_query,
        .status = (int)resp->status,
        .bytes = ctx.bytes_out,
        .duration_us = elapsed_us(&ctx.t0),
        .request_id = ctx.request_id,
        .client = req->client_address,
    };
    log_access(&e);
    problem_cleanup(&ctx.prob);
    query_free(&ctx.q);
    for (int i = 0; i < ctx.nseg; i++)
        free(ctx.seg[i]);
    free(ctx.path);
    free(ctx.raw_query);
    free(ctx.cache_key);
    atomic_fetch_sub(&in_flight, 1);
    /* Never U_CALLBACK_ERROR: ulfius would answer it with a bare text 500. */
    return U_CALLBACK_COMPLETE;
}

int server_start(const config *cfg) {
    server_cfg = cfg;
    if (ulfius_init_instance(&instance, (unsigned)cfg->port, NULL, NULL) != U_OK) return -1;
    instance.max_post_body_size = (size_t)cfg->max_body_bytes + 1; /* see run(): 413 */
    instance.allowed_post_processor = U_POST_PROCESS_NONE;
    ulfius_set_default_endpoint(&instance, dispatch, NULL);
    mhd_errors_install(cfg); /* libmicrohttpd's own answers as problem+json: mhd_errors.c */

    static struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, cfg->bind_address, &addr.sin_addr) != 1) {
        log_error("BIND_ADDRESS %s is not an IPv4 address", cfg->bind_address);
        return -1;
    }
    if (deadline_start(cfg->request_deadline_s) != 0) return -1;
    struct MHD_OptionItem ops[] = {
        /* ulfius's callbacks, wrapped: request deadlines (deadline.c), and a raw NUL in
         * the target becomes %00, a 400 (mhd_errors.c) */
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)deadline_request_completed, NULL},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)deadline_uri_logger, NULL},
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)deadline_notify_connection, NULL},
        {MHD_OPTION_SOCK_ADDR, 0, &addr},
        {MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)cfg->threads, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg->connection_timeout_s, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cfg->connection_limit, NULL},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)cfg->per_ip_connection_limit, NULL},
        /* room for our own 414/431 answers (see check_sizes) */
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)CONNECTION_MEMORY_BYTES, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    int rc = ulfius_start_framework_with_mhd_options(
        &instance,
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG, ops);
    if (rc != U_OK) {
        log_error("cannot listen on %s:%d (port busy?)", cfg->bind_address, cfg->port);
        ulfius_clean_instance(&instance);
        deadline_stop();
        return -1;
    }
    log_info("listening on http://%s:%d with %d worker threads", cfg->bind_address, cfg->port,
             cfg->threads);
    return 0;
}

void server_stop(int grace_ms) {
    atomic_store(&stopping, 1);
    /* Stop accepting: new connections are refused at once instead of waiting unanswered
     * in the kernel's backlog until the process exits. */
    MHD_socket lfd =
        instance.mhd_daemon ? MHD_quiesce_daemon(instance.mhd_daemon) : MHD_INVALID_SOCKET;
    if (lfd != MHD_INVALID_SOCKET) shutdown(lfd, SHUT_RDWR);
    for (int waited = 0; atomic_load(&in_flight) > 0 && waited < grace_ms; waited += 10)
        usleep(10000);
    usleep(50000); /* let the last responses leave the socket buffers */
    ulfius_stop_framework(&instance);
    ulfius_clean_instance(&instance);
    deadline_stop();
    if (lfd != MHD_INVALID_SOCKET) close(lfd);
}
