/* libmicrohttpd's own error answers, as RFC 9457 problem+json.
 *
 * What libmicrohttpd does (0.9.75, Debian 12's libmicrohttpd12 0.9.75-6; src/microhttpd/
 * connection.c): some requests never reach ulfius or dispatch(). libmicrohttpd answers them
 * itself, with a fixed HTML body (the REQUEST_* / REQ_HTTP_VER_* / INTERNAL_ERROR message
 * macros) and no Content-Type, then closes the connection:
 *   400  a malformed request line (e.g. "HTTP/1.x") or header line; a Content-Length that
 *        is not a decimal number (negative, letters); malformed chunked encoding;
 *        (with MHD_OPTION_STRICT_FOR_CLIENT only) HTTP/1.1 without Host
 *   413  a Content-Length or a chunk size beyond 64 bits
 *   414  a request line that does not fit in MHD_OPTION_CONNECTION_MEMORY_LIMIT
 *   431  headers that do not fit there (one huge header, or thousands of lines)
 *   500  a body the application did not consume (cannot happen with ulfius, which takes
 *        every byte)
 *   505  HTTP/0.x or HTTP/2 and above in the request line
 * Every one of them goes through one static function, transmit_error_response_len():
 *     r = MHD_create_response_from_buffer(len, MESSAGE, MHD_RESPMEM_PERSISTENT);
 *     MHD_queue_response(connection, status, r);
 *     MHD_destroy_response(r);
 * libmicrohttpd has no option to change or suppress these bodies (HAVE_MESSAGES is a
 * build-time switch and only empties them), and neither ulfius nor MHD offers a hook on
 * that path.
 *
 * What we do: the Debian library is not linked with -Bsymbolic, so its own calls to these
 * two exported functions go through its PLT (objdump -d libmicrohttpd.so.12 shows
 * "call MHD_create_response_from_buffer@plt" and "call MHD_queue_response@plt" in that
 * function; it is the library's only call of the former). The executable comes first in
 * the dynamic linker's lookup scope, so the two definitions below take the place of the
 * library's (ELF symbol interposition, as with malloc) and reach the real ones through
 * dlsym(RTLD_NEXT). MHD_create_response_from_buffer notes a PERSISTENT response on its
 * thread; when MHD_queue_response is then handed exactly that response, it queues a
 * problem+json answer with the same status instead. The status is only known at the
 * queue call (the same "too big" message is a 414 or a 431), hence both. One exception:
 * once the header block was complete (errors in parse_connection_headers(), i.e. a bad
 * Content-Length, and in the body), 0.9.75 would put the reply's header block on the wire
 * twice (its state machine builds it again after the error), so there we write the answer
 * to the socket ourselves and refuse the queueing; libmicrohttpd then closes the
 * connection, as it meant to.
 *
 * Why this and not the alternatives: a front proxy is not part of the stack, and
 * rebuilding libmicrohttpd is out. A pre-check at accept time would mean parsing HTTP a
 * second time, ourselves, for every request of every kept-alive connection, on the hot
 * path, and would still miss errors found later (chunked bodies). Interposition changes
 * nothing for normal requests: neither ulfius (it uses ..._with_free_callback) nor our
 * code calls MHD_create_response_from_buffer, and MHD_queue_response adds one
 * thread-local load and one compare per response before it jumps to the real one.
 *
 * The same wrapper also gives a problem for any other answer of 400 or more that comes
 * without a Content-Type: ulfius's own plain-text 500 when it runs out of memory. Every
 * problem we send ourselves has a Content-Type and passes untouched.
 *
 * A raw NUL byte in the request target: libmicrohttpd hands the URL on as a C string, so
 * "GET /v1/centres/kbt\0/../varres HTTP/1.1" would be served as /v1/centres/kbt.
 * mhd_errors_uri_logger() (our MHD_OPTION_URI_LOG_CALLBACK, wrapping ulfius's) sees the
 * request line as parse_initial_message_line() left it: the target, a NUL where the
 * space before the version was, then "HTTP/d.d" (the callback only runs once the version
 * parsed). When the target's first NUL is not followed by that version, the NUL was in
 * the target: ulfius gets the target up to it plus "%00", and dispatch() refuses it with
 * a 400 problem like any %00. (A target that itself hides "\0HTTP/1.1\0" cannot be told
 * from the real end: it is served as the part before the NUL, which the client could
 * have asked for directly.)
 *
 * If a libmicrohttpd upgrade changes any of this (direct calls, another response
 * function, another request-line layout), the HTML or the cut URL comes back and
 * tests/http/hostile.c, which checks every case above for problem+json, fails.
 * mhd_errors_install() also logs a warning at start when the interposition is not in
 * effect or the library is not 0.9.75. No HTML is left; libmicrohttpd still closes
 * without any answer: a request line without a space, idle or over-limit connections, and
 * a request that fills the connection memory so exactly that no reply header fits
 * ("failed to create response header"). */
#define _GNU_SOURCE
#include "http/mhd_errors.h"

#include "core/ids.h"
#include "http/problem.h"
#include "log.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <ulfius.h>

typedef struct MHD_Response *(*create_fn)(size_t, void *, enum MHD_ResponseMemoryMode);
typedef enum MHD_Result (*queue_fn)(struct MHD_Connection *, unsigned int, struct MHD_Response *);

static create_fn real_create;
static queue_fn real_queue;
static int cors_any; /* CORS_ORIGINS is "*": these answers may carry the header too */

/* The PERSISTENT response created last on this thread and not yet queued. */
static _Thread_local struct {
    struct MHD_Response *response;
    const char *message;
    size_t len;
} pending;

static void *lookup_next(const char *name) {
    void *f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "mhd_errors: %s not found in libmicrohttpd\n", name);
        abort();
    }
    return f;
}

/* Before main(): the wrappers may be called from any thread once the daemon runs. */
__attribute__((constructor)) static void resolve_real(void) {
    void *c = lookup_next("MHD_create_response_from_buffer");
    void *q = lookup_next("MHD_queue_response");
    memcpy(&real_create, &c, sizeof real_create);
    memcpy(&real_queue, &q, sizeof real_queue);
}

static int has(const char *msg, size_t len, const char *needle) {
    return msg && memmem(msg, len, needle, strlen(needle)) != NULL;
}

/* Type and detail from the status and (when libmicrohttpd gave one) its message. */
static void describe(problem *p, unsigned status, const char *msg, size_t len) {
    int s = (int)status;
    switch (status) {
    case 400:
        if (has(msg, len, "Content-Length"))
            problem_set(p, s, "bad-content-length",
                        "the Content-Length header is not a number of bytes");
        else if (has(msg, len, "chunked"))
            problem_set(p, s, "bad-chunked-encoding",
                        "the chunked transfer coding of the body is malformed");
        else if (has(msg, len, "Host"))
            problem_set(p, s, "bad-request", "HTTP/1.1 requests need a Host header");
        else
            problem_set(p, s, "bad-request", "the request is not well-formed HTTP/1.1");
        break;
    case 413:
        problem_set(p, s, "body-too-large", "%s",
                    has(msg, len, "chunk") ? "a chunk size of the body is too large"
                                           : "the Content-Length is too large");
        break;
    case 414:
        problem_set(p, s, "uri-too-long", "the request line is too long");
        break;
    case 431:
        problem_set(p, s, "headers-too-large", "the request headers are too large or too many");
        break;
    case 505:
        problem_set(p, s, "http-version-not-supported",
                    "the HTTP version is not supported: use HTTP/1.1 or HTTP/1.0");
        snprintf(p->title, sizeof p->title, "HTTP Version Not Supported");
        break;
    default:
        if (status >= 500)
            problem_set(p, s, "internal", "the server failed to answer");
        else
            problem_set(p, s, "bad-request", "the request cannot be processed");
    }
}

static void log_answer(struct MHD_Connection *c, unsigned status, size_t bytes, const char *rid) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    access_entry e = {
        .method = "-", /* libmicrohttpd answered before the request was whole */
        .path = "-",
        .status = (int)status,
        .bytes = bytes,
        .request_id = rid,
        .client = ci ? ci->client_addr : NULL,
    };
    log_access(&e);
}

/* Was the header block complete when libmicrohttpd gave up? Then the error came from
 * parse_connection_headers() (Content-Length, cookies) or from the body, not from reading
 * the request line or a header line. */
static int after_headers(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    return ci && ci->header_size != 0;
}

/* Writes the whole answer to the socket ourselves (plain HTTP, no TLS). */
static int send_direct(struct MHD_Connection *c, unsigned status, const char *body, size_t len,
                       const char *rid) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci) return -1;
    char date[64];
    struct tm tm;
    time_t now = time(NULL);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
    const char *reason = MHD_get_reason_phrase_for(status);
    char head[768];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %u %s\r\nDate: %s\r\nConnection: close\r\n"
                     "Content-Type: application/problem+json\r\nCache-Control: no-store\r\n"
                     "X-Content-Type-Options: nosniff\r\nX-Request-Id: %s\r\n%s"
                     "Content-Length: %zu\r\n\r\n",
                     status, reason && *reason ? reason : "Error", date, rid,
                     cors_any ? "Access-Control-Allow-Origin: *\r\n"
                                "Access-Control-Expose-Headers: X-Request-Id\r\n"
                              : "",
                     len);
    if (n <= 0 || (size_t)n >= sizeof head) return -1;
    struct iovec iov[2] = {{head, (size_t)n}, {(void *)body, len}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    ssize_t sent = sendmsg(ci->connect_fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    return sent == (ssize_t)((size_t)n + len) ? 0 : -1;
}

/* Queues a problem with this status in place of original (which the caller destroys as
 * before). from_mhd: libmicrohttpd's own answer, which no access-log line covers yet. */
static enum MHD_Result queue_problem(struct MHD_Connection *c, unsigned status,
                                     struct MHD_Response *original, const char *msg, size_t msg_len,
                                     int from_mhd) {
    problem p;
    memset(&p, 0, sizeof p);
    describe(&p, status, msg, msg_len);
    char rid[25];
    id_new_request(rid);
    size_t len = 0;
    char *body = problem_render(&p, NULL, rid, &len);
    problem_cleanup(&p);
    if (!body) return real_queue(c, status, original); /* out of memory: the old answer */
    if (from_mhd && after_headers(c)) {
        /* libmicrohttpd 0.9.75 would send the header block of this answer twice: after an
         * error in parse_connection_headers() its state machine goes on and builds the
         * reply headers again, so the body a client reads is the second header block.
         * We write the answer ourselves and refuse the queueing, and libmicrohttpd then
         * closes the connection (the close it intended anyway). */
        int ok = send_direct(c, status, body, len, rid) == 0;
        log_answer(c, status, ok ? len : 0, rid);
        free(body);
        return MHD_NO;
    }
    struct MHD_Response *r = real_create(len, body, MHD_RESPMEM_MUST_COPY);
    free(body);
    if (!r) return real_queue(c, status, original);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/problem+json");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Request-Id", rid);
    if (cors_any) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
        MHD_add_response_header(r, "Access-Control-Expose-Headers", "X-Request-Id");
    }
    enum MHD_Result ret = real_queue(c, status, r);
    MHD_destroy_response(r);
    if (from_mhd) log_answer(c, status, len, rid);
    return ret;
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
                                                     enum MHD_ResponseMemoryMode mode) {
    struct MHD_Response *r = real_create(size, buffer, mode);
    if (mode == MHD_RESPMEM_PERSISTENT) {
        pending.response = r;
        pending.message = buffer;
        pending.len = size;
    }
    return r;
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
                                   struct MHD_Response *response) {
    struct MHD_Response *noted = pending.response;
    if (__builtin_expect(noted == NULL && status_code < 400, 1))
        return real_queue(connection, status_code, response);
    pending.response = NULL;
    if (response && response == noted)
        return queue_problem(connection, status_code, response, pending.message, pending.len, 1);
    if (status_code >= 400 && response &&
        !MHD_get_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE))
        return queue_problem(connection, status_code, response, NULL, 0, 0);
    return real_queue(connection, status_code, response);
}

void *mhd_errors_uri_logger(void *cls, const char *uri, struct MHD_Connection *connection) {
    (void)connection;
    if (!uri) return ulfius_uri_logger(cls, uri);
    size_t n = strlen(uri);
    const char *v = uri + n + 1; /* "HTTP/d.d" then a NUL, unless the target went on */
    int at_version = strncmp(v, "HTTP/", 5) == 0 && v[5] >= '0' && v[5] <= '9' && v[6] == '.' &&
                     v[7] >= '0' && v[7] <= '9' && v[8] == '\0';
    if (at_version) return ulfius_uri_logger(cls, uri);
    char *cut = malloc(n + sizeof "%00");
    if (!cut) return NULL; /* ulfius_uri_logger fails the same way on no memory */
    memcpy(cut, uri, n);
    memcpy(cut + n, "%00", sizeof "%00");
    void *ctx = ulfius_uri_logger(cls, cut);
    free(cut);
    return ctx;
}

void mhd_errors_install(const config *cfg) {
    cors_any = strcmp(cfg->cors_origins, "*") == 0;
    void *c = dlsym(RTLD_DEFAULT, "MHD_create_response_from_buffer");
    void *q = dlsym(RTLD_DEFAULT, "MHD_queue_response");
    create_fn bound_create;
    queue_fn bound_queue;
    memcpy(&bound_create, &c, sizeof bound_create);
    memcpy(&bound_queue, &q, sizeof bound_queue);
    if (bound_create != MHD_create_response_from_buffer || bound_queue != MHD_queue_response)
        log_warn("libmicrohttpd's own error answers stay HTML: the executable's "
                 "MHD_create_response_from_buffer/MHD_queue_response are not the ones bound");
    const char *version = MHD_get_version();
    if (!version || strcmp(version, "0.9.75") != 0)
        log_warn("libmicrohttpd %s: its own error answers were made problem+json for 0.9.75 "
                 "(api/http/mhd_errors.c); check them (tests/http/hostile.c)",
                 version ? version : "?");
}
