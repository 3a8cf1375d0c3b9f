/* http_hostile: what a hostile or broken client sends. Oversized URLs, headers and bodies
 * (our own 414/431/413, and beyond libmicrohttpd's connection memory), lying, malformed
 * and negative Content-Lengths, bad chunked encoding, unknown HTTP versions, invalid UTF-8,
 * %00 and raw NUL bytes, repeated and shadowing parameters, deeply nested JSON, absurd
 * numbers, every method on every route, HTTP/1.1 without Host, and slow clients that
 * trickle a request byte by byte while normal requests must stay fast. Every error answer,
 * also those libmicrohttpd gives before our handler runs (api/http/mhd_errors.c), must be
 * an RFC 9457 problem+json with type, title, status and detail.
 *
 * Deliberately malformed traffic goes over raw sockets and is not recorded in
 * KP_CONTRACT_LOG; everything sent through libcurl is (and must match the spec). */
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define PASSWORD "hostile-test-password-0123"

static kp_server *srv;   /* defaults, but CONNECTION_TIMEOUT_S=2 */
static kp_server *small; /* MAX_BODY_BYTES=4096 */
static char email[128];
static char auth_header[4200]; /* "Authorization: Bearer …" of an admin */
static char title_prefix[64];  /* titles of the news rows this run creates */

/* ---- raw sockets ------------------------------------------------------------------------- */

typedef struct raw_result {
    char *data; /* everything received (NUL-terminated) */
    size_t len;
    int status;       /* of the first response, 0 when none */
    int closed;       /* the server closed the connection (EOF or reset) */
    double seconds;   /* from the last byte sent until the close (or the deadline) */
    char ctype[128];  /* Content-Type of the first response */
    const char *body; /* first response's body (points into data), or NULL */
    size_t body_len;
} raw_result;

static void raw_free(raw_result *r) {
    free(r->data);
    memset(r, 0, sizeof *r);
}

static int raw_connect(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static const char *find_ci(const char *hay, const char *end, const char *needle) {
    size_t n = strlen(needle);
    for (const char *p = hay; p + n <= end; p++)
        if (strncasecmp(p, needle, n) == 0) return p;
    return NULL;
}

/* Status, Content-Type and body of the first response in r->data. */
static void raw_parse(raw_result *r) {
    r->status = 0;
    r->ctype[0] = '\0';
    r->body = NULL;
    r->body_len = 0;
    if (!r->data || r->len < 12 || strncmp(r->data, "HTTP/1.", 7) != 0) return;
    r->status = atoi(r->data + 9);
    const char *hend = strstr(r->data, "\r\n\r\n");
    if (!hend) return;
    const char *ct = find_ci(r->data, hend, "\r\nContent-Type:");
    if (ct) {
        ct += 15;
        while (*ct == ' ')
            ct++;
        size_t n = strcspn(ct, "\r\n");
        snprintf(r->ctype, sizeof r->ctype, "%.*s", (int)n, ct);
    }
    r->body = hend + 4;
    size_t avail = r->len - (size_t)(r->body - r->data);
    const char *cl = find_ci(r->data, hend, "\r\nContent-Length:");
    size_t want = cl ? (size_t)strtoul(cl + 17, NULL, 10) : avail;
    r->body_len = want < avail ? want : avail;
}

/* Reads from fd until the server closes it or deadline_s passes. */
static void raw_read_all(int fd, double deadline_s, raw_result *out) {
    double t0 = kp_now();
    char chunk[16384];
    for (;;) {
        double left = deadline_s - (kp_now() - t0);
        if (left <= 0) break;
        struct pollfd p = {fd, POLLIN, 0};
        int n = poll(&p, 1, (int)(left * 1000) + 1);
        if (n <= 0) continue;
        ssize_t got = recv(fd, chunk, sizeof chunk, 0);
        if (got <= 0) {
            out->closed = 1;
            break;
        }
        char *d = realloc(out->data, out->len + (size_t)got + 1);
        if (!d) abort();
        out->data = d;
        memcpy(out->data + out->len, chunk, (size_t)got);
        out->len += (size_t)got;
        out->data[out->len] = '\0';
    }
    out->seconds = kp_now() - t0;
    if (!out->data) {
        out->data = calloc(1, 1);
        if (!out->data) abort();
    }
    raw_parse(out);
}

/* Sends data on a new connection and reads until the server closes it (requests carry
 * Connection: close) or deadline_s passes. */
static void raw_exchange(kp_server *s, const char *data, size_t len, double deadline_s,
                         raw_result *out) {
    memset(out, 0, sizeof *out);
    int fd = s ? raw_connect(s->port) : -1;
    if (fd < 0) {
        out->data = calloc(1, 1);
        return;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = send(fd, data + off, len - off, MSG_NOSIGNAL);
        if (w <= 0) break; /* the server may answer and close before reading everything */
        off += (size_t)w;
    }
    raw_read_all(fd, deadline_s, out);
    close(fd);
}

/* Is the first response a problem+json with this status (type, title, status, detail)? */
static int raw_is_problem(const raw_result *r, int status) {
    if (r->status != status || strncasecmp(r->ctype, "application/problem+json", 24) != 0 ||
        !r->body)
        return 0;
    json_error_t err;
    json_t *j = json_loadb(r->body, r->body_len, 0, &err);
    int ok = json_is_object(j) && json_integer_value(json_object_get(j, "status")) == status &&
             json_is_string(json_object_get(j, "type")) &&
             json_is_string(json_object_get(j, "title")) &&
             json_is_string(json_object_get(j, "detail"));
    json_decref(j);
    return ok;
}

/* The problem type of the first response ("" when none); static buffer per call slot. */
static const char *raw_problem_type(const raw_result *r) {
    static char out[4][96];
    static int next;
    char *o = out[next++ % 4];
    o[0] = '\0';
    json_t *j = r->body ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    const char *t = json_string_value(json_object_get(j, "type"));
    snprintf(o, 96, "%s", t ? t : "");
    json_decref(j);
    return o;
}

/* A view of the second response in r's stream (r keeps the bytes); status 0 when none. */
static raw_result raw_second(const raw_result *r) {
    raw_result v;
    memset(&v, 0, sizeof v);
    const char *from = r->body ? r->body + r->body_len : NULL; /* after the first answer */
    const char *p = from ? strstr(from, "HTTP/1.") : NULL;
    if (!p) return v;
    v.data = (char *)p;
    v.len = r->len - (size_t)(p - r->data);
    raw_parse(&v);
    return v;
}

static const char *raw_brief(const raw_result *r) {
    static char out[4][400];
    static int next;
    char *o = out[next++ % 4];
    snprintf(o, 400, "%.380s", r->data ? r->data : "");
    for (char *p = o; *p; p++)
        if (*p == '\r' || *p == '\n') *p = ' ';
    return o;
}

/* Does any status line in the stream say 5xx? */
static int raw_has_5xx(const raw_result *r) {
    for (const char *p = r->data; p && (p = strstr(p, "HTTP/1.")) != NULL; p += 7)
        if (strlen(p) > 12 && p[8] == ' ' && p[9] == '5') return 1;
    return 0;
}

/* GET path with an extra raw header block; the request as a malloc'd string. */
static char *raw_get(const char *target, const char *extra_headers, size_t *len) {
    const char *h = extra_headers ? extra_headers : "";
    size_t n = strlen(target) + strlen(h) + 80;
    char *req = malloc(n);
    if (!req) abort();
    *len = (size_t)snprintf(req, n, "GET %s HTTP/1.1\r\nHost: x\r\n%sConnection: close\r\n\r\n",
                            target, h);
    return req;
}

static int alive(kp_server *s) {
    kp_response *r = kp_request_timeout(s, "GET", "/healthz", NULL, NULL, 0, 5);
    int ok = r->status == 200;
    kp_response_free(r);
    return ok;
}

static kp_response *post_json(kp_server *s, const char *method, const char *path, int with_token,
                              const char *body, size_t len) {
    const char *h[4] = {"Content-Type: application/json", NULL, NULL, NULL};
    if (with_token) h[1] = auth_header;
    return kp_request(s, method, path, h, body, len);
}

/* ---- sizes ------------------------------------------------------------------------------- */

static char *repeat(char c, size_t n) {
    char *s = malloc(n + 1);
    if (!s) abort();
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* A GET of /v1/centres?q=aaa… whose request target is exactly target_len bytes. */
static char *target_of_len(size_t target_len) {
    static const char head[] = "/v1/centres?q=";
    char *t = repeat('a', target_len);
    memcpy(t, head, sizeof head - 1);
    return t;
}

static void test_url_limits(void) {
    /* ours: 414 problem+json above 8 KiB, up to where libmicrohttpd's 64 KiB per
     * connection (CONNECTION_MEMORY_BYTES in api/http/server.c) ends; beyond, its own 414,
     * also problem+json (the raw socket keeps these out of the contract log: the spec does
     * not list 414) */
    size_t sizes[] = {8193, 9 * 1024, 32 * 1024, 60 * 1024, 64 * 1024, 120 * 1024};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *t = target_of_len(sizes[i]);
        size_t len;
        char *req = raw_get(t, NULL, &len);
        raw_result r;
        raw_exchange(srv, req, len, 5, &r);
        CHECK(raw_is_problem(&r, 414), "a %zu-byte URL: 414 problem+json, got %s", sizes[i],
              raw_brief(&r));
        raw_free(&r);
        free(req);
        free(t);
    }
    /* exactly 8 KiB is still ours to judge: q is too long (400), not 414 */
    char *t = target_of_len(8192);
    kp_response *r = kp_get(srv, t);
    CHECK_PROBLEM(r, 400, "q");
    kp_response_free(r);
    free(t);

    /* beyond the connection's memory libmicrohttpd answers before our handler runs: a 414
     * problem+json all the same, at once, and the server lives on */
    size_t huge[] = {200 * 1024, 1024 * 1024};
    size_t len;
    char *req;
    raw_result rr;
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        t = target_of_len(huge[i]);
        req = raw_get(t, NULL, &len);
        raw_exchange(srv, req, len, 5, &rr);
        CHECK(raw_is_problem(&rr, 414) &&
                  strcmp(raw_problem_type(&rr), "/problems/uri-too-long") == 0 && rr.closed &&
                  rr.seconds < 4.0,
              "a %zu KiB URL: 414 uri-too-long problem+json within 4 s, got %s after %.1f s",
              huge[i] / 1024, raw_brief(&rr), rr.seconds);
        raw_free(&rr);
        free(req);
        free(t);
    }
    /* Around the 64 KiB edge either side answers (both with problem+json), or, where not
     * even the answer fits, libmicrohttpd closes the connection, at the latest at
     * CONNECTION_TIMEOUT_S (2 s here). Never HTML, never a 5xx. */
    int ours = 0, html = 0, none = 0;
    for (size_t n = 63 * 1024; n <= 64 * 1024 + 512; n += 128) {
        t = target_of_len(n);
        req = raw_get(t, NULL, &len);
        raw_exchange(srv, req, len, 5, &rr);
        if (raw_is_problem(&rr, rr.status))
            ours++;
        else if (rr.status)
            html++;
        else
            none++;
        CHECK(!raw_has_5xx(&rr) && rr.closed && rr.seconds < 3.0,
              "a %zu-byte URL: a 4xx or a close within 3 s, got %s after %.1f s", n, raw_brief(&rr),
              rr.seconds);
        raw_free(&rr);
        free(req);
        free(t);
    }
    printf("URLs of 63-64.5 KiB: %d answered with problem+json, %d otherwise, %d closed "
           "without an answer\n",
           ours, html, none);
    CHECK(html == 0, "URLs of 63-64.5 KiB: %d answers were not problem+json", html);
    CHECK(alive(srv), "the server answers after oversized URLs");
}

static void test_header_limits(void) {
    /* one 40 KiB header */
    char *big = repeat('h', 40 * 1024);
    size_t hlen = strlen(big) + 16;
    char *hdr = malloc(hlen);
    if (!hdr) abort();
    snprintf(hdr, hlen, "X-Big: %s\r\n", big);
    size_t len;
    char *req = raw_get("/v1/centres?limit=1", hdr, &len);
    raw_result r;
    raw_exchange(srv, req, len, 5, &r);
    CHECK(raw_is_problem(&r, 431), "a 40 KiB header: 431 problem+json, got %s", raw_brief(&r));
    raw_free(&r);
    free(req);
    free(hdr);
    free(big);

    /* 40 headers of 1 KiB: the total counts */
    size_t cap = 40 * 1100 + 1;
    char *many = malloc(cap);
    if (!many) abort();
    size_t off = 0;
    char *kib = repeat('v', 1024);
    for (int i = 0; i < 40; i++)
        off += (size_t)snprintf(many + off, cap - off, "X-H%d: %s\r\n", i, kib);
    req = raw_get("/v1/centres?limit=1", many, &len);
    raw_exchange(srv, req, len, 5, &r);
    CHECK(raw_is_problem(&r, 431), "40 headers of 1 KiB: 431 problem+json, got %s", raw_brief(&r));
    raw_free(&r);
    free(req);

    /* 28 KiB in all is allowed */
    off = 0;
    for (int i = 0; i < 28; i++)
        off += (size_t)snprintf(many + off, cap - off, "X-H%d: %s\r\n", i, kib);
    req = raw_get("/v1/centres?limit=1", many, &len);
    raw_exchange(srv, req, len, 5, &r);
    CHECK(r.status == 200, "28 KiB of headers: 200, got %s", raw_brief(&r));
    raw_free(&r);
    free(req);
    free(many);
    free(kib);

    /* beyond libmicrohttpd's memory: its 431, as problem+json too */
    big = repeat('h', 200 * 1024);
    hlen = strlen(big) + 16;
    hdr = malloc(hlen);
    if (!hdr) abort();
    snprintf(hdr, hlen, "X-Big: %s\r\n", big);
    req = raw_get("/v1/centres?limit=1", hdr, &len);
    raw_exchange(srv, req, len, 5, &r);
    CHECK(raw_is_problem(&r, 431) &&
              strcmp(raw_problem_type(&r), "/problems/headers-too-large") == 0 && r.closed &&
              r.seconds < 4.0,
          "a 200 KiB header: 431 headers-too-large problem+json within 4 s, got %s", raw_brief(&r));
    raw_free(&r);
    free(req);
    free(hdr);
    free(big);

    /* thousands of short header lines: the header records fill the connection's memory */
    enum { LINES = 10000 };
    cap = (size_t)LINES * 16 + 1;
    many = malloc(cap);
    if (!many) abort();
    off = 0;
    for (int i = 0; i < LINES; i++)
        off += (size_t)snprintf(many + off, cap - off, "X-%d: y\r\n", i);
    req = raw_get("/v1/centres?limit=1", many, &len);
    raw_exchange(srv, req, len, 5, &r);
    CHECK(raw_is_problem(&r, 431) && r.closed && r.seconds < 4.0,
          "%d header lines: 431 problem+json within 4 s, got %s", LINES, raw_brief(&r));
    raw_free(&r);
    free(req);
    free(many);
    CHECK(alive(srv), "the server answers after oversized headers");
}

/* ---- bodies ------------------------------------------------------------------------------ */

/* A news item of exactly len bytes of JSON (len ≥ 120). */
static char *news_body_of_len(size_t len, const char *title) {
    char head[256];
    int n = snprintf(head, sizeof head, "{\"title\":\"%s\",\"date\":\"2024-05-01\",\"summary\":\"",
                     title);
    char *b = repeat('s', len);
    memcpy(b, head, (size_t)n);
    memcpy(b + len - 2, "\"}", 2);
    return b;
}

static void test_body_limit(void) {
    if (!small || !auth_header[0]) return;
    char title[96];
    snprintf(title, sizeof title, "%s-too-big", title_prefix);
    char *body = news_body_of_len(10 * 1024, title);
    kp_response *r = post_json(small, "POST", "/v1/news", 1, body, strlen(body));
    CHECK_PROBLEM(r, 413, NULL);
    kp_response_free(r);
    /* without Expect: 100-continue the body arrives at once */
    const char *noexpect[] = {"Content-Type: application/json", auth_header, "Expect:", NULL};
    r = kp_request(small, "POST", "/v1/news", noexpect, body, strlen(body));
    CHECK_PROBLEM(r, 413, NULL);
    kp_response_free(r);
    r = post_json(small, "PATCH", "/v1/news/00000000-0000-4000-8000-000000000000", 1, body,
                  strlen(body));
    CHECK_PROBLEM(r, 413, NULL);
    kp_response_free(r);
    r = post_json(small, "POST", "/v1/auth/token", 0, body, strlen(body));
    CHECK_PROBLEM(r, 413, NULL);
    kp_response_free(r);

    /* chunked: no Content-Length to judge by, the same 413 */
    size_t cap = strlen(body) * 2 + 1024;
    char *req = malloc(cap);
    if (!req) abort();
    size_t off = (size_t)snprintf(req, cap,
                                  "POST /v1/news HTTP/1.1\r\nHost: x\r\n%s\r\n"
                                  "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                  "Connection: close\r\n\r\n",
                                  auth_header);
    size_t blen = strlen(body);
    for (size_t i = 0; i < blen; i += 1000) {
        size_t n = blen - i < 1000 ? blen - i : 1000;
        off += (size_t)snprintf(req + off, cap - off, "%zx\r\n%.*s\r\n", n, (int)n, body + i);
    }
    off += (size_t)snprintf(req + off, cap - off, "0\r\n\r\n");
    raw_result rr;
    raw_exchange(small, req, off, 10, &rr);
    CHECK(raw_is_problem(&rr, 413), "a chunked 10 KB body: 413 problem+json, got %s",
          raw_brief(&rr));
    raw_free(&rr);
    free(req);
    free(body);

    /* the boundary: 4096 bytes are accepted, 4097 are not */
    snprintf(title, sizeof title, "%s-limit", title_prefix);
    body = news_body_of_len(4096, title);
    r = post_json(small, "POST", "/v1/news", 1, body, 4096);
    CHECK_STATUS(r, 201);
    kp_response_free(r);
    free(body);
    body = news_body_of_len(4097, title);
    r = post_json(small, "POST", "/v1/news", 1, body, 4097);
    CHECK_PROBLEM(r, 413, NULL);
    kp_response_free(r);
    free(body);
    CHECK(alive(small), "the small-body server answers after the 413s");
}

/* A Content-Length longer than the body: the connection waits for bytes that never come
 * and is closed at CONNECTION_TIMEOUT_S (2 s); no worker is held meanwhile. */
static void test_lying_length(void) {
    enum { N = 12 }; /* more than the 8 worker threads */
    int fds[N];
    static const char lie[] =
        "POST /v1/news HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n{}";
    static const char huge_lie[] = "POST /v1/auth/token HTTP/1.1\r\nHost: x\r\n"
                                   "Content-Type: application/json\r\n"
                                   "Content-Length: 1000000\r\n\r\n{\"email\":";
    double sent = kp_now();
    for (int i = 0; i < N; i++) {
        fds[i] = raw_connect(srv->port);
        const char *d = i % 3 == 2 ? huge_lie : lie;
        size_t n = i % 3 == 2 ? sizeof huge_lie - 1 : sizeof lie - 1;
        if (fds[i] >= 0 && send(fds[i], d, n, MSG_NOSIGNAL) != (ssize_t)n) {
            close(fds[i]);
            fds[i] = -1;
        }
        CHECK(fds[i] >= 0, "lying connection %d opened", i);
    }
    /* meanwhile everything else answers fast */
    double worst = 0;
    int bad = 0;
    const char *paths[] = {"/healthz", "/v1/centres?limit=1", "/v1/news?limit=2", "/readyz"};
    for (int i = 0; i < 24; i++) {
        kp_response *r = kp_get(srv, paths[i % 4]);
        if (r->status != 200) bad++;
        if (r->seconds > worst) worst = r->seconds;
        kp_response_free(r);
    }
    CHECK(bad == 0 && worst < 0.5,
          "while %d connections lie about their length: %d requests failed, slowest %.3f s", N, bad,
          worst);
    /* each is closed at the timeout, without an answer (or at most a 4xx) */
    for (int i = 0; i < N; i++) {
        if (fds[i] < 0) continue;
        raw_result r;
        memset(&r, 0, sizeof r);
        raw_read_all(fds[i], 6.0 - (kp_now() - sent), &r);
        double at = kp_now() - sent;
        close(fds[i]);
        CHECK(r.closed && at >= 1.5 && at < 4.5,
              "lying Content-Length %d: closed at the 2 s timeout (closed=%d after %.2f s)", i,
              r.closed, at);
        CHECK(!raw_has_5xx(&r) && (r.status == 0 || (r.status >= 400 && r.status < 500)),
              "lying Content-Length %d: no answer or a 4xx, got %s", i, raw_brief(&r));
        raw_free(&r);
    }

    /* shorter than the body: the rest is read as the next request, which is garbage here */
    static const char shorter[] = "POST /v1/news HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                  "application/json\r\nContent-Length: 2\r\n\r\n"
                                  "{}GARBAGE THAT IS NOT HTTP\r\n\r\n";
    raw_result r;
    raw_exchange(srv, shorter, sizeof shorter - 1, 5, &r);
    CHECK(raw_is_problem(&r, 401),
          "Content-Length shorter than the body: the POST itself is "
          "answered (401 problem+json), got %s",
          raw_brief(&r));
    raw_result rest = raw_second(&r);
    CHECK(raw_is_problem(&rest, 400) && !raw_has_5xx(&r) && r.closed && r.seconds < 4.0,
          "and the rest is refused with a 400 problem+json, without a hang: %s", raw_brief(&rest));
    raw_free(&r);
    /* … or a second request, which is simply served */
    static const char smuggle[] = "POST /v1/news HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                  "application/json\r\nContent-Length: 2\r\n\r\n"
                                  "{}GET /v1/centres/kbt HTTP/1.1\r\nHost: x\r\n"
                                  "Connection: close\r\n\r\n";
    raw_exchange(srv, smuggle, sizeof smuggle - 1, 5, &r);
    const char *second = r.data ? strstr(r.data + 1, "HTTP/1.1 ") : NULL;
    CHECK(raw_is_problem(&r, 401) && second && strncmp(second, "HTTP/1.1 200", 12) == 0 &&
              strstr(second, "\"slug\":\"kbt\""),
          "a pipelined request after a short body is served on its own: %s", raw_brief(&r));
    raw_free(&r);
    CHECK(alive(srv), "the server answers after lying Content-Lengths");
}

/* ---- encoding, parameters ---------------------------------------------------------------- */

static void test_bad_encoding(void) {
    struct {
        const char *path, *param;
    } bad[] = {
        {"/v1/news/%FF", NULL},
        {"/v1/news/%C3%28", NULL},
        {"/v1/news/a%00b", NULL},
        {"/v1/news/%00", NULL},
        {"/v1/centres/kbt/revisions%00", NULL},
        {"/v1/users/%ED%A0%80", NULL},
        {"/v1/municipalities/50%0001/nearest-centres", NULL},
        {"/v1/municipalities/%F4%90%80%80", NULL}, /* above U+10FFFF */
        {"/v1/%E0%80%AFcentres", NULL},            /* overlong */
        {"/v1/centres/kbt%C2", NULL},              /* truncated sequence */
        {"/v1/centres/%", NULL},
        {"/v1/centres/%4", NULL},
        {"/v1/changes?since=%FF", "since"},
        {"/v1/changes?since=2024%00", "since"},
        {"/v1/news?q=%C0%AF", "q"},
        {"/v1/news?tag=a%00b", "tag"},
        {"/v1/centres/kbt?fields=%FF", "fields"},
        {"/v1/municipalities/5001/nearest-centres?limit=%00", "limit"},
        {"/v1/news?q=%ED%BF%BF", "q"},
        {"/v1/news?q=%F8%88%80%80%80", "q"},
        {"/v1/news?q=abc%", "q"},
        {"/v1/news?%00=1", NULL},
        {"/v1/news?a%FF=1", NULL},
        {"/v1/me?x=%00", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kp_response *r = kp_get(srv, bad[i].path);
        CHECK_PROBLEM(r, 400, bad[i].param);
        kp_response_free(r);
    }
    /* before any handler: a write route answers 400, not 401 */
    const char *h[] = {"Content-Type: application/json", NULL};
    kp_response *r = kp_request(srv, "POST", "/v1/auth/token?%FF=1", h, "{}", 2);
    CHECK_PROBLEM(r, 400, NULL);
    kp_response_free(r);
    r = kp_request(srv, "DELETE", "/v1/news/%C3%28", NULL, NULL, 0);
    CHECK_PROBLEM(r, 400, NULL);
    kp_response_free(r);

    /* A raw NUL in the request target is a 400 like %00 (libmicrohttpd would hand the URL
     * on cut at the NUL: mhd_errors_uri_logger turns it into %00). Never the item before
     * or after it. */
    static const struct {
        const char *req;
        size_t len;
    } nuls[] = {
#define NUL_CASE(s) {s, sizeof s - 1}
        NUL_CASE(
            "GET /v1/centres/kbt\0/../varres HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        NUL_CASE("GET /v1/centres/kbt\0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        NUL_CASE("GET /v1/centres?limit=1\0&q=x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        NUL_CASE("GET /healthz?\0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        NUL_CASE("GET \0/healthz HTTP/1.0\r\n\r\n"),
#undef NUL_CASE
    };
    for (size_t i = 0; i < sizeof nuls / sizeof nuls[0]; i++) {
        raw_result nr;
        raw_exchange(srv, nuls[i].req, nuls[i].len, 5, &nr);
        CHECK(raw_is_problem(&nr, 400) && !strstr(nr.data, "\"slug\""),
              "a raw NUL in the request target (case %zu): 400 problem+json, got %s", i,
              raw_brief(&nr));
        raw_free(&nr);
    }

    /* raw bytes a client library would have escaped */
    const char *raws[] = {"/v1/news/\xc3\x28", "/v1/news?q=\xff\xfe", "/v1/centres?\xff=1",
                          "/v1/centres/kbt?fields=\xed\xa0\x80"};
    for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
        size_t len;
        char *req = raw_get(raws[i], NULL, &len);
        raw_result rr;
        raw_exchange(srv, req, len, 5, &rr);
        CHECK(raw_is_problem(&rr, 400), "raw invalid UTF-8 (case %zu): 400 problem+json, got %s", i,
              raw_brief(&rr));
        raw_free(&rr);
        free(req);
    }
}

/* ---- what libmicrohttpd answers before our handler runs ------------------------------------ */

static void test_mhd_answers(void) {
    static const struct {
        const char *what, *req;
        int status;
        const char *type;
    } cases[] = {
        {"a negative Content-Length",
         "POST /v1/news HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Content-Length: -1\r\n\r\n{}",
         400, "/problems/bad-content-length"},
        {"a Content-Length of letters",
         "POST /v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}", 400,
         "/problems/bad-content-length"},
        {"a Content-Length list",
         "PATCH /v1/news/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\n{}", 400,
         "/problems/bad-content-length"},
        {"a Content-Length with a sign",
         "POST /v1/news HTTP/1.1\r\nHost: x\r\nContent-Length: +2\r\n\r\n{}", 400,
         "/problems/bad-content-length"},
        {"an empty Content-Length on a GET",
         "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n", 400,
         "/problems/bad-content-length"},
        {"a Content-Length beyond 64 bits",
         "POST /v1/news HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
         413, "/problems/body-too-large"},
        {"a chunk size that is not hex",
         "POST /v1/news HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
         400, "/problems/bad-chunked-encoding"},
        {"a chunk without its CRLF",
         "POST /v1/news HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
         "2\r\n{}XX0\r\n\r\n",
         400, "/problems/bad-chunked-encoding"},
        {"a chunk size beyond 64 bits",
         "POST /v1/news HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
         "1ffffffffffffffff\r\n{}\r\n0\r\n\r\n",
         413, "/problems/body-too-large"},
        {"HTTP/2.0", "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505,
         "/problems/http-version-not-supported"},
        {"HTTP/3.0", "GET /v1/centres HTTP/3.0\r\nHost: x\r\n\r\n", 505,
         "/problems/http-version-not-supported"},
        {"HTTP/0.9", "GET /healthz HTTP/0.9\r\n\r\n", 505, "/problems/http-version-not-supported"},
        {"HTTP/1.x", "GET /healthz HTTP/1.x\r\nHost: x\r\n\r\n", 400, "/problems/bad-request"},
        {"a lower-case version", "GET /healthz http/1.1\r\nHost: x\r\n\r\n", 400,
         "/problems/bad-request"},
        {"no version", "GET /healthz\r\nHost: x\r\n\r\n", 400, "/problems/bad-request"},
        {"a header line without a colon", "GET /healthz HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n",
         400, "/problems/bad-request"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        raw_result r;
        raw_exchange(srv, cases[i].req, strlen(cases[i].req), 5, &r);
        CHECK(raw_is_problem(&r, cases[i].status) &&
                  strcmp(raw_problem_type(&r), cases[i].type) == 0,
              "%s: %d %s problem+json, got %s", cases[i].what, cases[i].status, cases[i].type,
              raw_brief(&r));
        /* one answer, its header block once (libmicrohttpd 0.9.75 alone sends it twice
         * after a bad Content-Length), then the connection is closed */
        raw_result again = raw_second(&r);
        CHECK(again.status == 0 && r.closed && r.seconds < 4.0,
              "%s: one answer, then a close within 4 s (closed=%d after %.1f s): %s", cases[i].what,
              r.closed, r.seconds, raw_brief(&r));
        CHECK(find_ci(r.data, r.data + r.len, "\r\nX-Request-Id: ") != NULL,
              "%s: the answer carries X-Request-Id", cases[i].what);
        raw_free(&r);
    }
    /* after a good request on the same connection, too */
    static const char kept[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                               "POST /v1/news HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n";
    raw_result r;
    raw_exchange(srv, kept, sizeof kept - 1, 5, &r);
    raw_result second = raw_second(&r);
    CHECK(r.status == 200 && raw_is_problem(&second, 400) && r.closed,
          "a bad Content-Length after a good request on one connection: 200, then 400 "
          "problem+json and a close, got %s",
          raw_brief(&second));
    raw_free(&r);
    CHECK(alive(srv), "the server answers after what libmicrohttpd refused");
    /* mhd_errors_install() warns at start when the replacement cannot work here */
    char *out = kp_server_output(srv);
    CHECK(!strstr(out, "answers stay HTML") && !strstr(out, "were made problem+json for"),
          "no warning about libmicrohttpd's own answers at start");
    free(out);
}

static void test_repeated(void) {
    struct {
        const char *path, *param;
    } rep[] = {
        {"/v1/news?limit=1&limit=1", "limit"},
        {"/v1/centres?q=a&q=b", "q"},
        {"/v1/changes?limit=1&limit=2", "limit"},
        {"/v1/centres/kbt?fields=name&fields=slug", "fields"},
        {"/v1/municipalities/5001/nearest-centres?limit=1&limit=1", "limit"},
        {"/v1/news?count=exact&count=exact", "count"},
        {"/v1/news?sort=title&sort=-title", "sort"},
        {"/v1/centres?near=63.4,10.4&near=59.9,10.7", "near"},
        {"/v1/news?q&q", "q"},
        {"/v1/news?q=&q=", "q"},
    };
    for (size_t i = 0; i < sizeof rep / sizeof rep[0]; i++) {
        kp_response *r = kp_get(srv, rep[i].path);
        CHECK_PROBLEM(r, 400, rep[i].param);
        kp_response_free(r);
    }
    /* a query with more parameters than the server keeps */
    char path[1024] = "/v1/news?";
    size_t off = strlen(path);
    for (int i = 0; i < 40; i++)
        off += (size_t)snprintf(path + off, sizeof path - off, "%sp%d=1", i ? "&" : "", i);
    kp_response *r = kp_get(srv, path);
    CHECK_PROBLEM(r, 400, NULL);
    kp_response_free(r);
}

/* A query key named like a path parameter never picks another item: the item of the path,
 * or a 400 for the unknown parameter. */
static void test_shadowing(void) {
    struct {
        const char *path, *param, *slug;
    } cases[] = {
        {"/v1/centres/kbt?key=evil", "key", "kbt"},
        {"/v1/centres/kbt?collection=news", "collection", "kbt"},
        {"/v1/centres/kbt?collection=x&key=varres", "collection", "kbt"},
        {"/v1/centres/kbt?slug=varres", "slug", "kbt"},
        {"/v1/centres/kbt?id=00000000-0000-4000-8000-000000000000", "id", "kbt"},
        {"/v1/centres/kbt?key=", "key", "kbt"},
        {"/v1/centres?collection=news", "collection", NULL},
        {"/v1/municipalities/5001/nearest-centres?key=0301", "key", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kp_response *r = kp_get(srv, cases[i].path);
        if (r->status == 200 && cases[i].slug) {
            CHECK_STR(cases[i].slug, kp_str(r->json, "slug"), cases[i].path);
        } else if (r->status == 200) {
            CHECK(kp_items(r) != NULL, "%s: a list of the path's collection", cases[i].path);
        } else {
            CHECK_PROBLEM(r, 400, cases[i].param);
        }
        kp_response_free(r);
    }
    /* the same on a write route: never another item */
    kp_response *r = kp_request(srv, "DELETE", "/v1/centres/kbt?key=varres", NULL, NULL, 0);
    CHECK(r->status == 400 || r->status == 401, "DELETE /v1/centres/kbt?key=varres: 400 or 401");
    kp_response_free(r);
    char *n = kp_sql_value("SELECT count(*) FROM centre WHERE slug IN ('kbt', 'varres')");
    CHECK(n && strcmp(n, "2") == 0, "kbt and varres are still there");
    free(n);
}

/* ---- JSON bodies ------------------------------------------------------------------------- */

static void test_nested_json(void) {
    if (!auth_header[0]) return;
    enum { DEPTH = 100000 };
    char *arrays = repeat('[', DEPTH);
    size_t olen = (size_t)DEPTH * 5 + 1;
    char *objects = malloc(olen);
    if (!objects) abort();
    for (size_t i = 0; i < DEPTH; i++)
        memcpy(objects + 5 * i, "{\"a\":", 5);
    objects[olen - 1] = '\0';
    /* balanced, deeper than jansson's 2048 */
    size_t blen = 2 * 3000 + 2;
    char *balanced = malloc(blen + 16);
    if (!balanced) abort();
    memcpy(balanced, "{\"t\":", 5);
    memset(balanced + 5, '[', 3000);
    memset(balanced + 5 + 3000, ']', 3000);
    memcpy(balanced + 5 + 6000, "}", 2);

    const char *bodies[] = {arrays, objects, balanced};
    const char *names[] = {"100k [", "100k {\"a\":", "3000 balanced arrays"};
    for (int b = 0; b < 3; b++) {
        size_t len = strlen(bodies[b]);
        kp_response *r = post_json(srv, "POST", "/v1/news", 1, bodies[b], len);
        CHECK(r->status == 400 || r->status == 422, "%s as a news body: 400 or 422, got %ld",
              names[b], r->status);
        CHECK_PROBLEM(r, r->status, NULL);
        kp_response_free(r);
        r = post_json(srv, "PATCH", "/v1/news/00000000-0000-4000-8000-000000000000", 1, bodies[b],
                      len);
        CHECK(r->status == 400 || r->status == 404 || r->status == 422,
              "%s as a PATCH body: 400, 404 or 422, got %ld", names[b], r->status);
        CHECK_PROBLEM(r, r->status, NULL);
        kp_response_free(r);
        r = post_json(srv, "POST", "/v1/auth/token", 0, bodies[b], len);
        CHECK(r->status == 400 || r->status == 422, "%s as a login body: 400 or 422, got %ld",
              names[b], r->status);
        CHECK_PROBLEM(r, r->status, NULL);
        kp_response_free(r);
    }
    free(arrays);
    free(objects);
    free(balanced);
    CHECK(alive(srv), "the server answers after deeply nested JSON");
}

static void test_numbers(void) {
    if (!auth_header[0]) return;
    /* bodies: every one must be refused (4xx); none creates anything (required fields are
     * missing or the value is out of range) */
    const char *nums[] = {"1e400",  "-1e400",   "99999999999999999999999",
                          "NaN",    "Infinity", "-0",
                          "1e-400", "1e308",    "-0.0",
                          "0.5",    "-1",       "0x10",
                          "1E+999", "+1",       ".5"};
    char body[512];
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        struct {
            const char *path, *fmt;
        } forms[] = {
            {"/v1/reports", "{\"participant_count\":%s}"},
            {"/v1/centres", "{\"location\":{\"lat\":%s,\"lon\":10}}"},
            {"/v1/news", "{\"title\":%s,\"date\":\"2024\"}"},
            {"/v1/news", "{\"title\":\"x\",\"date\":%s}"},
            {"/v1/auth/token", "{\"email\":%s,\"password\":\"xxxxxxxxxxxxxx\"}"},
        };
        for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
            int n = snprintf(body, sizeof body, forms[f].fmt, nums[i]);
            int token = strcmp(forms[f].path, "/v1/auth/token") != 0;
            kp_response *r = post_json(srv, "POST", forms[f].path, token, body, (size_t)n);
            CHECK(r->status >= 400 && r->status < 500, "POST %s %s: 4xx, got %ld %.200s",
                  forms[f].path, body, r->status, r->body);
            if (r->status >= 400 && r->status < 500) CHECK_PROBLEM(r, r->status, NULL);
            kp_response_free(r);
        }
    }
    /* query values that must be refused */
    const char *refused[] = {
        "/v1/news?limit=1e400",
        "/v1/news?limit=NaN",
        "/v1/news?limit=-0",
        "/v1/news?limit=1e-400",
        "/v1/news?limit=99999999999999999999",
        "/v1/news?limit=Infinity",
        "/v1/news?limit=0x10",
        "/v1/news?limit=1.5",
        "/v1/news?limit=-1",
        "/v1/centres?near=NaN,10",
        "/v1/centres?near=10,NaN",
        "/v1/centres?near=nan,10",
        "/v1/centres?near=1e400,10",
        "/v1/centres?near=Infinity,10",
        "/v1/centres?near=63.4,-Infinity",
        "/v1/centres?near=1e-400,10",
        "/v1/centres?near=63.4,1e400",
        "/v1/centres?near=91,10",
        "/v1/centres?near=63.4,10.4&radius_km=NaN",
        "/v1/centres?near=63.4,10.4&radius_km=1e400",
        "/v1/centres?near=63.4,10.4&radius_km=-1",
        "/v1/centres?near=63.4,10.4&radius_km=-0",
        "/v1/centres?near=63.4,10.4&radius_km=1e-400",
        "/v1/municipalities/5001/nearest-centres?limit=1e400",
        "/v1/changes?limit=NaN",
        "/v1/changes?since=1e400",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        kp_response *r = kp_get(srv, refused[i]);
        CHECK(r->status >= 400 && r->status < 500, "GET %s: 4xx, got %ld", refused[i], r->status);
        if (r->status >= 400 && r->status < 500) CHECK_PROBLEM(r, r->status, NULL);
        kp_response_free(r);
    }
    /* odd but valid: answered, never a 5xx */
    const char *odd[] = {"/v1/centres?near=-0,-0&limit=1", "/v1/centres?near=0.0e0,1e-30&limit=1",
                         "/v1/centres?near=63.4,10.4&radius_km=1e-300", "/v1/news?limit=0001"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        kp_response *r = kp_get(srv, odd[i]);
        CHECK(r->status == 200 || (r->status >= 400 && r->status < 500),
              "GET %s: 200 or 4xx, got %ld", odd[i], r->status);
        kp_response_free(r);
    }
}

/* ---- methods ----------------------------------------------------------------------------- */

static void check_answer(kp_response *r, const char *method, const char *path) {
    if (!CHECK(r->status >= 200 && r->status < 500, "%s %s: answered without a 5xx, got %ld %s",
               method, path, r->status, r->status ? "" : r->error))
        return;
    if (r->status == 405) {
        const char *allow = kp_header_get(r, "Allow");
        CHECK(allow && *allow && !kp_header_has_token(r, "Allow", method),
              "%s %s: 405 with an Allow that does not list the method: %s", method, path,
              allow ? allow : "(none)");
    }
    if (r->status >= 400) {
        if (strcmp(method, "HEAD") == 0) {
            const char *ct = kp_header_get(r, "Content-Type");
            CHECK(!ct || strncmp(ct, "application/problem+json", 24) == 0,
                  "HEAD %s: %ld with Content-Type %s", path, r->status, ct);
        } else {
            CHECK_PROBLEM(r, r->status, NULL);
        }
    }
}

static void test_methods(void) {
    static const char *const methods[] = {"GET",    "HEAD",    "POST",  "PUT",     "PATCH",
                                          "DELETE", "OPTIONS", "TRACE", "CONNECT", "BREW"};
    const char *fixed[] = {"/healthz",
                           "/readyz",
                           "/openapi.json",
                           "/v1",
                           "/v1/auth/token",
                           "/v1/auth/refresh",
                           "/v1/auth/logout",
                           "/v1/me",
                           "/v1/me/password",
                           "/v1/users",
                           "/v1/users/00000000-0000-4000-8000-000000000000",
                           "/v1/changes",
                           "/v1/municipalities/0301/nearest-centres",
                           "/v1/nope",
                           "/nope",
                           "/v1/centres/kbt/nope",
                           "/"};
    char paths[64][160];
    int np = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        snprintf(paths[np++], sizeof paths[0], "%s", fixed[i]);
    kp_response *idx = kp_get(srv, "/v1");
    json_t *cols = idx->json ? json_object_get(idx->json, "collections") : NULL;
    size_t ci;
    json_t *c;
    json_array_foreach(cols, ci, c) {
        const char *name = kp_str(c, "name");
        if (!name || np + 3 > 64) continue;
        snprintf(paths[np++], sizeof paths[0], "/v1/%s", name);
        kp_response *l = kp_getf(srv, "/v1/%s?limit=1", name);
        json_t *item = kp_items(l) ? json_array_get(kp_items(l), 0) : NULL;
        const char *key = kp_str(item, "number");
        if (!key) key = kp_str(item, "id");
        if (!key) key = kp_str(item, "slug");
        if (CHECK(key != NULL, "GET /v1/%s?limit=1 gives an item key", name)) {
            snprintf(paths[np++], sizeof paths[0], "/v1/%s/%s", name, key);
            snprintf(paths[np++], sizeof paths[0], "/v1/%s/%s/revisions", name, key);
        }
        kp_response_free(l);
    }
    kp_response_free(idx);
    CHECK(np > 40, "the method matrix covers %d paths", np);
    char *before = kp_sql_value("SELECT count(*) FROM revision");
    const char *ct[] = {"Content-Type: application/json", NULL};
    int requests = 0;
    for (int p = 0; p < np; p++) {
        for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
            const char *meth = methods[m];
            int with_body =
                strcmp(meth, "POST") == 0 || strcmp(meth, "PUT") == 0 || strcmp(meth, "PATCH") == 0;
            kp_response *r = kp_request_timeout(srv, meth, paths[p], with_body ? ct : NULL,
                                                with_body ? "{}" : NULL, with_body ? 2 : 0, 10);
            check_answer(r, meth, paths[p]);
            kp_response_free(r);
            requests++;
        }
    }
    printf("method matrix: %d requests on %d paths\n", requests, np);
    /* nothing was written without a token */
    char *after = kp_sql_value("SELECT count(*) FROM revision");
    CHECK(before && after && strcmp(before, after) == 0,
          "no revision was written by the method matrix (%s before, %s after)",
          before ? before : "?", after ? after : "?");
    free(before);
    free(after);
}

static void test_no_host(void) {
    static const char nohost[] = "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n";
    raw_result r;
    raw_exchange(srv, nohost, sizeof nohost - 1, 5, &r);
    CHECK(raw_is_problem(&r, 400), "HTTP/1.1 without Host: 400 problem+json, got %s",
          raw_brief(&r));
    raw_free(&r);
    static const char nohost_v1[] = "GET /v1/centres/kbt HTTP/1.1\r\nConnection: close\r\n\r\n";
    raw_exchange(srv, nohost_v1, sizeof nohost_v1 - 1, 5, &r);
    CHECK(raw_is_problem(&r, 400), "HTTP/1.1 without Host on an item: 400 problem+json, got %s",
          raw_brief(&r));
    raw_free(&r);
    static const char http10[] = "GET /healthz HTTP/1.0\r\n\r\n";
    raw_exchange(srv, http10, sizeof http10 - 1, 5, &r);
    CHECK(r.status == 200, "HTTP/1.0 needs no Host: 200, got %s", raw_brief(&r));
    raw_free(&r);
    static const char two_hosts[] = "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n"
                                    "Connection: close\r\n\r\n";
    raw_exchange(srv, two_hosts, sizeof two_hosts - 1, 5, &r);
    CHECK(r.status == 200 || raw_is_problem(&r, 400), "two Host headers: 200 or 400, got %s",
          raw_brief(&r));
    raw_free(&r);
}

/* ---- slow clients ------------------------------------------------------------------------ */

enum { SLOW = 40, SLOW_ROUNDS = 15, SLOW_STEP_MS = 200 };

typedef struct slow_state {
    int port;
    int fds[SLOW];
    int opened;
    int dropped; /* closed by the server while trickling */
    int sent;
} slow_state;

static void *slow_thread(void *arg) {
    slow_state *st = arg;
    static const char req[] = "GET /v1/centres HTTP/1.1\r\nHost: x\r\n\r\n";
    for (int round = 0; round < SLOW_ROUNDS; round++) {
        for (int i = 0; i < SLOW; i++) {
            if (st->fds[i] < 0) continue;
            ssize_t w = send(st->fds[i], req + round, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w == 1) {
                st->sent++;
            } else if (w < 0 && errno != EAGAIN) {
                close(st->fds[i]);
                st->fds[i] = -1;
                st->dropped++;
            }
        }
        kp_sleep_ms(SLOW_STEP_MS);
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void test_slow_clients(void) {
    slow_state st;
    memset(&st, 0, sizeof st);
    st.port = srv->port;
    for (int i = 0; i < SLOW; i++) {
        st.fds[i] = raw_connect(srv->port);
        if (st.fds[i] >= 0) st.opened++;
    }
    CHECK(st.opened == SLOW, "opened %d of %d slow connections", st.opened, SLOW);
    pthread_t th;
    double t0 = kp_now();
    if (pthread_create(&th, NULL, slow_thread, &st) != 0) {
        CHECK(0, "cannot start the slow-client thread");
        return;
    }
    enum { N = 200 };
    double lat[N];
    int bad = 0;
    double budget = SLOW_ROUNDS * SLOW_STEP_MS / 1000.0 - 0.3;
    for (int i = 0; i < N; i++) {
        /* spread over the trickle; some answered from the cache, some by the database */
        double due = t0 + budget * i / N;
        while (kp_now() < due)
            kp_sleep_ms(2);
        char path[64];
        if (i % 2)
            snprintf(path, sizeof path, "/v1/centres?limit=%d", 1 + i % 50);
        else
            snprintf(path, sizeof path, "/v1/centres");
        kp_response *r = kp_get(srv, path);
        if (r->status != 200) {
            bad++;
            CHECK_STATUS(r, 200);
        }
        lat[i] = r->seconds;
        kp_response_free(r);
    }
    pthread_join(th, NULL);
    qsort(lat, N, sizeof lat[0], cmp_double);
    double p99 = lat[(N * 99) / 100 - 1], p50 = lat[N / 2];
    printf("slow clients: %d sockets, %d bytes trickled, %d dropped by the server; %d GETs: "
           "p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
           st.opened, st.sent, st.dropped, N, p50 * 1000, p99 * 1000, lat[N - 1] * 1000);
    CHECK(bad == 0, "%d of %d GETs failed beside the slow clients", bad, N);
    CHECK(p99 < 0.200, "p99 of GET /v1/centres beside %d slow clients: %.1f ms (limit 200 ms)",
          SLOW, p99 * 1000);
    int open_at_end = 0;
    for (int i = 0; i < SLOW; i++) {
        if (st.fds[i] < 0) continue;
        open_at_end++;
        close(st.fds[i]);
        st.fds[i] = -1;
    }
    printf("slow clients: %d still open after %.1f s, all closed now\n", open_at_end,
           kp_now() - t0);
    CHECK(alive(srv), "the server answers after the slow clients left");
}

/* A client that trickles its headers (a line a second: never idle long enough for the
 * idle timeout) is cut off at REQUEST_DEADLINE_S. */
static void test_request_deadline(void) {
    const char *env[] = {"REQUEST_DEADLINE_S=3", "CONNECTION_TIMEOUT_S=10", NULL};
    kp_server *s = kp_server_start(env);
    if (!s) return;
    int fd = raw_connect(s->port);
    if (CHECK(fd >= 0, "connect to the REQUEST_DEADLINE_S=3 server")) {
        const char *start = "GET /v1/centres HTTP/1.1\r\nHost: deadline\r\n";
        double t0 = kp_now(), closed_after = -1;
        int sent = send(fd, start, strlen(start), MSG_NOSIGNAL) > 0;
        for (int i = 0; sent && i < 40 && closed_after < 0; i++) {
            kp_sleep_ms(250);
            struct pollfd p = {.fd = fd, .events = POLLIN};
            char buf[512];
            if (poll(&p, 1, 0) > 0 && recv(fd, buf, sizeof buf, MSG_DONTWAIT) <= 0) {
                closed_after = kp_now() - t0;
                break;
            }
            if (i % 4 == 3) {
                char line[40];
                int n = snprintf(line, sizeof line, "X-Slow-%d: a\r\n", i);
                if (send(fd, line, (size_t)n, MSG_NOSIGNAL) < 0) closed_after = kp_now() - t0;
            }
        }
        CHECK(closed_after >= 2.5 && closed_after < 6,
              "headers trickled a line a second are cut off at the 3 s deadline (closed after "
              "%.2f s; -1: still open after 10 s)",
              closed_after);
        close(fd);
    }
    kp_response *r = kp_get(s, "/v1/centres?limit=1");
    CHECK_STATUS(r, 200);
    kp_response_free(r);
    kp_server_stop_and_scan(s, "the REQUEST_DEADLINE_S=3 server");
}

/* ---- main -------------------------------------------------------------------------------- */

static void cleanup(void) {
    PQclear(kp_sql("DELETE FROM change WHERE collection = 'news' AND item_id IN "
                   "(SELECT id FROM news WHERE title LIKE '%s%%')",
                   title_prefix));
    PQclear(kp_sql("DELETE FROM revision WHERE collection = 'news' AND item_id IN "
                   "(SELECT id FROM news WHERE title LIKE '%s%%')",
                   title_prefix));
    PQclear(kp_sql("DELETE FROM news WHERE title LIKE '%s%%'", title_prefix));
    if (email[0]) PQclear(kp_sql("DELETE FROM app_user WHERE email = '%s'", email));
}

int main(int argc, char **argv) {
    if (kp_init(argc, argv, "http_hostile") != 0) return kp_finish();
    snprintf(title_prefix, sizeof title_prefix, "kp-hostile-%d", (int)getpid());
    const char *env[] = {"CONNECTION_TIMEOUT_S=2", NULL};
    srv = kp_server_start(env);
    const char *small_env[] = {"MAX_BODY_BYTES=4096", NULL};
    small = kp_server_start(small_env);
    if (srv) {
        kp_admin_login(srv, "hostile", PASSWORD, email, sizeof email, auth_header,
                       sizeof auth_header);
        test_url_limits();
        test_header_limits();
        test_body_limit();
        test_lying_length();
        test_bad_encoding();
        test_mhd_answers();
        test_repeated();
        test_shadowing();
        test_nested_json();
        test_numbers();
        test_methods();
        test_no_host();
        test_slow_clients();
        test_request_deadline();
        cleanup();
    }
    kp_server_stop_and_scan(small, "the MAX_BODY_BYTES=4096 server");
    kp_server_stop_and_scan(srv, "the main server");
    return kp_finish();
}
