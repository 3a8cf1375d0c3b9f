/* See harness.h. */
#include "harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef KP_SOURCE_DIR
#define KP_SOURCE_DIR "."
#endif

extern char **environ;

#define MAX_SERVERS     8
#define JWT_TEST_SECRET "http-integration-tests-secret-0123456789abcdef"

static int passed, failed;
static const char *binary;
static const char *test_name = "http";
static const char *database_url;
static const char *migrations_dir;
static const char *contract_log;
static char openapi_path[4096];
static PGconn *db;
static kp_server *servers[MAX_SERVERS];
static int server_seq;

/* Every server-side setting the binary reads: cleared from the inherited environment so a
 * developer's shell never changes what a test runs against. */
static const char *const server_vars[] = {
    "DATABASE_URL",
    "BIND_ADDRESS",
    "PORT",
    "THREADS",
    "DB_POOL_SIZE",
    "DB_ACQUIRE_TIMEOUT_MS",
    "STATEMENT_TIMEOUT_MS",
    "MAX_BODY_BYTES",
    "CONNECTION_LIMIT",
    "PER_IP_CONNECTION_LIMIT",
    "CONNECTION_TIMEOUT_S",
    "CORS_ORIGINS",
    "LOG_FORMAT",
    "JWT_SECRET",
    "APP_ENV",
    "MIGRATIONS_DIR",
    "OPENAPI_PATH",
    "DATA_DIR",
    "AUTO_MIGRATE",
    "CACHE_MAX_AGE",
    NULL,
};

/* ---- small utilities --------------------------------------------------------------------- */

static char *xstrdup(const char *s) {
    char *p = strdup(s ? s : "");
    if (!p) abort();
    return p;
}

static char *vformat(const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) abort();
    char *s = malloc((size_t)n + 1);
    if (!s) abort();
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_append(buf *b, const void *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) abort();
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

double kp_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void kp_sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

const char *kp_source_dir(void) {
    return KP_SOURCE_DIR;
}

const char *kp_database_url(void) {
    return database_url;
}

char *kp_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    if (!b.data) buf_append(&b, "", 0);
    if (len) *len = b.len;
    return b.data;
}

int kp_shell(const char *cmd) {
    fflush(stdout);
    fflush(stderr);
    int st = system(cmd);
    if (st == -1 || !WIFEXITED(st)) return -1;
    return WEXITSTATUS(st);
}

/* ---- assertions -------------------------------------------------------------------------- */

int kp_check(int ok, const char *file, int line, const char *fmt, ...) {
    if (ok) {
        passed++;
        return 1;
    }
    failed++;
    const char *base = strrchr(file, '/');
    fprintf(stdout, "FAIL %s:%d: ", base ? base + 1 : file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
    return 0;
}

int kp_failures(void) {
    return failed;
}

static const char *body_excerpt(const kp_response *r) {
    static char out[700];
    if (!r || !r->body) return "";
    snprintf(out, sizeof out, "%.600s%s", r->body, r->body_len > 600 ? "…" : "");
    return out;
}

int kp_check_status(const kp_response *r, long code, const char *file, int line) {
    if (!r) return kp_check(0, file, line, "no response");
    if (r->status == 0)
        return kp_check(0, file, line, "%s %s: expected %ld, transport error: %s", r->method,
                        r->path, code, r->error);
    return kp_check(r->status == code, file, line, "%s %s: expected status %ld, got %ld: %s",
                    r->method, r->path, code, r->status, body_excerpt(r));
}

int kp_check_problem(const kp_response *r, long code, const char *param, const char *file,
                     int line) {
    if (!kp_check_status(r, code, file, line)) return 0;
    const char *ct = kp_header_get(r, "Content-Type");
    int ok = kp_check(ct && strncasecmp(ct, "application/problem+json", 24) == 0, file, line,
                      "%s %s: Content-Type %s, expected application/problem+json", r->method,
                      r->path, ct ? ct : "(none)");
    json_t *j = r->json;
    json_t *st = j ? json_object_get(j, "status") : NULL;
    ok &=
        kp_check(j && json_is_object(j) && json_is_string(json_object_get(j, "type")) &&
                     json_is_string(json_object_get(j, "title")) && json_is_integer(st) &&
                     json_integer_value(st) == code && json_is_string(json_object_get(j, "detail")),
                 file, line, "%s %s: problem body lacks type/title/status=%ld/detail: %s",
                 r->method, r->path, code, body_excerpt(r));
    ok &= kp_check(!strstr(r->body, "SELECT ") && !strstr(r->body, "ERROR:") &&
                       !strstr(r->body, "syntax error"),
                   file, line, "%s %s: problem leaks internals: %s", r->method, r->path,
                   body_excerpt(r));
    if (param && j) {
        int named = 0;
        const char *p = kp_str(j, "parameter");
        if (p && strcmp(p, param) == 0) named = 1;
        json_t *errors = json_object_get(j, "errors");
        size_t i;
        json_t *e;
        json_array_foreach(errors, i, e) {
            const char *f = kp_str(e, "field");
            if (f && strcmp(f, param) == 0) named = 1;
        }
        ok &= kp_check(named, file, line, "%s %s: the problem does not name parameter \"%s\": %s",
                       r->method, r->path, param, body_excerpt(r));
    }
    return ok;
}

/* ---- servers ----------------------------------------------------------------------------- */

static void kill_servers(void) {
    for (int i = 0; i < MAX_SERVERS; i++) {
        if (servers[i] && !servers[i]->exited) {
            kill(servers[i]->pid, SIGKILL);
            waitpid(servers[i]->pid, NULL, 0);
        }
    }
}

static void on_fatal_signal(int sig) {
    kill_servers();
    signal(sig, SIG_DFL);
    raise(sig);
}

int kp_init(int argc, char **argv, const char *name) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_name = name;
    binary = argc > 1 ? argv[1] : getenv("KP_BINARY");
    database_url = getenv("KP_TEST_DATABASE_URL");
    migrations_dir = getenv("KP_MIGRATIONS_DIR");
    static char mig_default[4096];
    if (!migrations_dir || !*migrations_dir) {
        snprintf(mig_default, sizeof mig_default, "%s/migrations", KP_SOURCE_DIR);
        migrations_dir = mig_default;
    }
    snprintf(openapi_path, sizeof openapi_path, "%s/openapi/openapi.json", KP_SOURCE_DIR);
    contract_log = getenv("KP_CONTRACT_LOG");
    if (contract_log && !*contract_log) contract_log = NULL;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    atexit(kill_servers);
    signal(SIGINT, on_fatal_signal);
    signal(SIGTERM, on_fatal_signal);
    signal(SIGPIPE, SIG_IGN);
    int ok = 1;
    ok &= CHECK(binary && access(binary, X_OK) == 0,
                "the server binary (argv[1] or KP_BINARY) is not executable: %s",
                binary ? binary : "(unset)");
    ok &= CHECK(database_url && *database_url,
                "KP_TEST_DATABASE_URL is not set (run through `make test`)");
    return ok ? 0 : -1;
}

int kp_finish(void) {
    kill_servers();
    if (db) PQfinish(db);
    db = NULL;
    curl_global_cleanup();
    printf("%d passed, %d failed\n", passed, failed);
    fflush(stdout);
    return failed ? 1 : 0;
}

static int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t alen = sizeof a;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static int is_server_var(const char *entry) {
    for (const char *const *v = server_vars; *v; v++) {
        size_t n = strlen(*v);
        if (strncmp(entry, *v, n) == 0 && entry[n] == '=') return 1;
    }
    return 0;
}

/* name of an "A=b" or "A" entry */
static int same_name(const char *a, const char *b) {
    size_t na = strcspn(a, "="), nb = strcspn(b, "=");
    return na == nb && strncmp(a, b, na) == 0;
}

static void env_put(char ***env, size_t *n, const char *entry) {
    for (size_t i = 0; i < *n; i++) {
        if (same_name((*env)[i], entry)) {
            free((*env)[i]);
            if (strchr(entry, '=')) {
                (*env)[i] = xstrdup(entry);
            } else { /* "NAME" alone removes it */
                (*env)[i] = (*env)[--*n];
                (*env)[*n] = NULL;
            }
            return;
        }
    }
    if (!strchr(entry, '=')) return;
    char **e = realloc(*env, (*n + 2) * sizeof **env);
    if (!e) abort();
    *env = e;
    e[(*n)++] = xstrdup(entry);
    e[*n] = NULL;
}

static char **child_env(int port, const char *const *extra) {
    char **env = calloc(1, sizeof *env);
    size_t n = 0;
    if (!env) abort();
    for (char **e = environ; *e; e++)
        if (!is_server_var(*e)) env_put(&env, &n, *e);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "DATABASE_URL=%s", database_url ? database_url : "");
    env_put(&env, &n, tmp);
    snprintf(tmp, sizeof tmp, "PORT=%d", port > 0 ? port : 1);
    env_put(&env, &n, tmp);
    snprintf(tmp, sizeof tmp, "MIGRATIONS_DIR=%s", migrations_dir);
    env_put(&env, &n, tmp);
    snprintf(tmp, sizeof tmp, "OPENAPI_PATH=%s", openapi_path);
    env_put(&env, &n, tmp);
    env_put(&env, &n, "BIND_ADDRESS=127.0.0.1");
    env_put(&env, &n, "LOG_FORMAT=text");
    env_put(&env, &n, "CORS_ORIGINS=*");
    env_put(&env, &n, "APP_ENV=development");
    env_put(&env, &n, "JWT_SECRET=" JWT_TEST_SECRET);
    env_put(&env, &n, "DATA_DIR=.");
    for (const char *const *x = extra; x && *x; x++)
        env_put(&env, &n, *x);
    return env;
}

static void free_env(char **env) {
    for (char **e = env; e && *e; e++)
        free(*e);
    free(env);
}

static pid_t spawn(const char *const *extra, int port, const char *arg, const char *log_path) {
    char **env = child_env(port, extra);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int out = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int in = open("/dev/null", O_RDONLY);
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        if (in >= 0) dup2(in, 0);
        char *argv[3] = {(char *)binary, (char *)arg, NULL};
        execve(binary, argv, env);
        fprintf(stderr, "exec %s failed: %s\n", binary, strerror(errno));
        _exit(127);
    }
    free_env(env);
    return pid;
}

char *kp_server_output(const kp_server *s) {
    char *t = kp_read_file(s->log_path, NULL);
    return t ? t : xstrdup("");
}

static void print_output_tail(const char *log_path) {
    char *t = kp_read_file(log_path, NULL);
    if (!t) return;
    size_t n = strlen(t);
    printf("---- last server output (%s) ----\n%s\n----\n", log_path, n > 4000 ? t + n - 4000 : t);
    free(t);
}

static void forget_server(kp_server *s) {
    for (int i = 0; i < MAX_SERVERS; i++)
        if (servers[i] == s) servers[i] = NULL;
}

static void free_server(kp_server *s) {
    forget_server(s);
    if (s->curl) curl_easy_cleanup(s->curl);
    free(s);
}

/* Has it exited? Reaps it. */
static int reap(kp_server *s) {
    if (s->exited) return 1;
    int st;
    pid_t r = waitpid(s->pid, &st, WNOHANG);
    if (r == s->pid) {
        s->exited = 1;
        s->exit_status = st;
    }
    return s->exited;
}

kp_server *kp_server_start(const char *const *extra_env) {
    if (!binary || !database_url) {
        CHECK(0, "cannot start the server: no binary or database");
        return NULL;
    }
    for (int attempt = 1; attempt <= 3; attempt++) {
        kp_server *s = calloc(1, sizeof *s);
        if (!s) abort();
        s->port = free_port();
        snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
        snprintf(s->log_path, sizeof s->log_path, "%s-server-%d.log", test_name, ++server_seq);
        s->pid = spawn(extra_env, s->port, NULL, s->log_path);
        if (s->pid < 0) {
            free(s);
            CHECK(0, "fork failed: %s", strerror(errno));
            return NULL;
        }
        for (int i = 0; i < MAX_SERVERS; i++) {
            if (!servers[i]) {
                servers[i] = s;
                break;
            }
        }
        double deadline = kp_now() + 60.0;
        int up = 0;
        while (kp_now() < deadline && !reap(s)) {
            CURL *c = curl_easy_init();
            char url[128];
            snprintf(url, sizeof url, "%s/healthz", s->base);
            curl_easy_setopt(c, CURLOPT_URL, url);
            curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
            curl_easy_setopt(c, CURLOPT_TIMEOUT, 2L);
            long code = 0;
            if (curl_easy_perform(c) == CURLE_OK)
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
            curl_easy_cleanup(c);
            if (code == 200) {
                up = 1;
                break;
            }
            kp_sleep_ms(100);
        }
        if (up) return s;
        if (s->exited) {
            char *out = kp_server_output(s);
            int busy = strstr(out, "port busy") != NULL;
            free(out);
            if (busy && attempt < 3) { /* lost the race for the port: try another */
                free_server(s);
                continue;
            }
            CHECK(0, "the server exited during start-up (status %d)",
                  WIFEXITED(s->exit_status) ? WEXITSTATUS(s->exit_status) : -1);
        } else {
            CHECK(0, "the server did not answer /healthz within 60 s");
            kill(s->pid, SIGKILL);
            waitpid(s->pid, NULL, 0);
            s->exited = 1;
        }
        print_output_tail(s->log_path);
        free_server(s);
        return NULL;
    }
    return NULL;
}

int kp_server_stop(kp_server *s) {
    if (!s) return -1;
    if (!s->exited) kill(s->pid, SIGTERM);
    double deadline = kp_now() + 30.0;
    while (!reap(s) && kp_now() < deadline)
        kp_sleep_ms(20);
    int ok;
    if (!s->exited) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        ok = CHECK(0, "the server did not exit within 30 s of SIGTERM");
    } else if (WIFSIGNALED(s->exit_status)) {
        ok = CHECK(0, "the server was killed by signal %d after SIGTERM", WTERMSIG(s->exit_status));
    } else {
        ok = CHECK(WEXITSTATUS(s->exit_status) == 0,
                   "graceful shutdown: the server exited with status %d after SIGTERM "
                   "(expected 0; under ASan, 23 means leaks)",
                   WEXITSTATUS(s->exit_status));
    }
    if (!ok) print_output_tail(s->log_path);
    free_server(s);
    return ok ? 0 : -1;
}

void kp_server_kill(kp_server *s) {
    if (!s) return;
    if (!s->exited) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
    }
    free_server(s);
}

int kp_run_binary(const char *const *extra_env, const char *arg, int timeout_s, char **output) {
    char log_path[512];
    snprintf(log_path, sizeof log_path, "%s-run-%d.log", test_name, ++server_seq);
    pid_t pid = spawn(extra_env, free_port(), arg, log_path);
    if (pid < 0) return -1;
    double deadline = kp_now() + timeout_s;
    int st = 0, done = 0;
    while (kp_now() < deadline) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            done = 1;
            break;
        }
        kp_sleep_ms(20);
    }
    if (!done) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    if (output) {
        char *t = kp_read_file(log_path, NULL);
        *output = t ? t : xstrdup("");
    }
    if (!done || !WIFEXITED(st)) return -1;
    return WEXITSTATUS(st);
}

/* ---- requests ---------------------------------------------------------------------------- */

const char *kp_header_get(const kp_response *r, const char *name) {
    if (!r) return NULL;
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
    return NULL;
}

int kp_header_has_token(const kp_response *r, const char *name, const char *token) {
    size_t tlen = strlen(token);
    for (size_t i = 0; r && i < r->nheaders; i++) {
        if (strcasecmp(r->headers[i].name, name) != 0) continue;
        const char *p = r->headers[i].value;
        while (*p) {
            while (*p == ' ' || *p == ',')
                p++;
            size_t n = strcspn(p, ",");
            size_t m = n;
            while (m && p[m - 1] == ' ')
                m--;
            if (m == tlen && strncasecmp(p, token, tlen) == 0) return 1;
            p += n;
        }
    }
    return 0;
}

void kp_response_free(kp_response *r) {
    if (!r) return;
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->body);
    free(r->method);
    free(r->path);
    json_decref(r->json);
    free(r);
}

static void clear_headers(kp_response *r) {
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    r->nheaders = 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud) {
    kp_response *r = ud;
    size_t len = size * n;
    if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) { /* a new response (after 100 Continue) */
        clear_headers(r);
        return len;
    }
    const char *colon = memchr(p, ':', len);
    if (!colon) return len;
    size_t nlen = (size_t)(colon - p);
    const char *v = colon + 1;
    const char *end = p + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    kp_header *h = realloc(r->headers, (r->nheaders + 1) * sizeof *h);
    if (!h) abort();
    r->headers = h;
    h[r->nheaders].name = strndup(p, nlen);
    h[r->nheaders].value = strndup(v, (size_t)(end - v));
    if (!h[r->nheaders].name || !h[r->nheaders].value) abort();
    r->nheaders++;
    return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
    buf_append(ud, p, size * n);
    return size * n;
}

/* Percent-encodes bytes that may not appear raw in a request target. */
static char *encode_target(const char *path) {
    buf b = {0};
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\' ||
            *p == '^' || *p == '`' || *p == '{' || *p == '|' || *p == '}') {
            char esc[4];
            snprintf(esc, sizeof esc, "%%%02X", *p);
            buf_append(&b, esc, 3);
        } else {
            buf_append(&b, p, 1);
        }
    }
    if (!b.data) buf_append(&b, "", 0);
    return b.data;
}

char *kp_urlencode(const char *s) {
    buf b = {0};
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            buf_append(&b, p, 1);
        } else {
            char esc[4];
            snprintf(esc, sizeof esc, "%%%02X", *p);
            buf_append(&b, esc, 3);
        }
    }
    if (!b.data) buf_append(&b, "", 0);
    return b.data;
}

static void contract_record(const kp_response *r) {
    if (!contract_log || r->status == 0) return;
    const char *ct = kp_header_get(r, "Content-Type");
    json_t *body = json_stringn(r->body, r->body_len);
    if (!body) { /* not UTF-8: keep the ASCII, mark the rest */
        char *copy = xstrdup(r->body);
        for (char *p = copy; *p; p++)
            if ((unsigned char)*p >= 0x80) *p = '?';
        body = json_string(copy);
        free(copy);
    }
    json_t *o = json_pack("{s:s,s:s,s:I,s:o,s:o}", "method", r->method, "url", r->path, "status",
                          (json_int_t)r->status, "content_type", ct ? json_string(ct) : json_null(),
                          "body", body ? body : json_null());
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!line) return;
    size_t n = strlen(line);
    line[n] = '\n'; /* json_dumps leaves room for exactly this NUL; write n + 1 bytes */
    int fd = open(contract_log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        ssize_t w = write(fd, line, n + 1);
        (void)w;
        close(fd);
    }
    free(line);
}

typedef struct pending {
    kp_response *r;
    buf body;
    struct curl_slist *headers;
    char *url;
} pending;

/* Sets up handle c for one request into a fresh response. */
static void request_begin(pending *pd, CURL *c, kp_server *s, const char *method, const char *path,
                          const char *const *headers, const char *body, size_t body_len,
                          long timeout_s) {
    memset(pd, 0, sizeof *pd);
    kp_response *r = calloc(1, sizeof *r);
    if (!r) abort();
    pd->r = r;
    r->method = xstrdup(method);
    r->path = encode_target(path);
    pd->url = format("%s%s", s->base, r->path);
    curl_easy_setopt(c, CURLOPT_URL, pd->url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &pd->body);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        if (strcmp(method, "POST") != 0) curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
    for (const char *const *h = headers; h && *h; h++)
        pd->headers = curl_slist_append(pd->headers, *h);
    if (pd->headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, pd->headers);
}

/* Completes a request: status, body, JSON, contract log. Returns the response. */
static kp_response *request_end(pending *pd, CURL *c, CURLcode rc) {
    kp_response *r = pd->r;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    } else {
        snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(rc));
    }
    curl_slist_free_all(pd->headers);
    free(pd->url);
    if (!pd->body.data) buf_append(&pd->body, "", 0);
    r->body = pd->body.data;
    r->body_len = pd->body.len;
    const char *ct = kp_header_get(r, "Content-Type");
    if (r->status && ct && strstr(ct, "json") && r->body_len > 0) {
        json_error_t err;
        r->json = json_loadb(r->body, r->body_len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
        CHECK(r->json != NULL, "%s %s: the %s body is not valid JSON (%s at %d): %.300s", r->method,
              r->path, ct, err.text, err.position, r->body);
    }
    contract_record(r);
    return r;
}

kp_response *kp_request_timeout(kp_server *s, const char *method, const char *path,
                                const char *const *headers, const char *body, size_t body_len,
                                long timeout_s) {
    if (!s) {
        kp_response *r = calloc(1, sizeof *r);
        if (!r) abort();
        r->method = xstrdup(method);
        r->path = encode_target(path);
        snprintf(r->error, sizeof r->error, "no server");
        r->body = xstrdup("");
        return r;
    }
    if (!s->curl) s->curl = curl_easy_init();
    CURL *c = s->curl;
    curl_easy_reset(c);
    pending pd;
    request_begin(&pd, c, s, method, path, headers, body, body_len, timeout_s);
    double t0 = kp_now();
    CURLcode rc = curl_easy_perform(c);
    pd.r->seconds = kp_now() - t0;
    return request_end(&pd, c, rc);
}

kp_response **kp_parallel_get(kp_server *s, const char *const *paths, size_t n) {
    kp_response **out = calloc(n ? n : 1, sizeof *out);
    pending *pd = calloc(n ? n : 1, sizeof *pd);
    CURL **h = calloc(n ? n : 1, sizeof *h);
    if (!out || !pd || !h) abort();
    CURLM *m = curl_multi_init();
    for (size_t i = 0; i < n; i++) {
        h[i] = curl_easy_init();
        request_begin(&pd[i], h[i], s, "GET", paths[i], NULL, NULL, 0, 30);
        curl_easy_setopt(h[i], CURLOPT_PRIVATE, (void *)(uintptr_t)i);
        curl_multi_add_handle(m, h[i]);
    }
    double t0 = kp_now();
    int running = 1;
    while (running) {
        if (curl_multi_perform(m, &running) != CURLM_OK) break;
        if (running) curl_multi_poll(m, NULL, 0, 1000, NULL);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE) continue;
            void *priv = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
            size_t i = (size_t)(uintptr_t)priv;
            pd[i].r->seconds = kp_now() - t0;
            out[i] = request_end(&pd[i], h[i], msg->data.result);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!out[i]) out[i] = request_end(&pd[i], h[i], CURLE_OPERATION_TIMEDOUT);
        curl_multi_remove_handle(m, h[i]);
        curl_easy_cleanup(h[i]);
    }
    curl_multi_cleanup(m);
    free(pd);
    free(h);
    return out;
}

kp_response *kp_request(kp_server *s, const char *method, const char *path,
                        const char *const *headers, const char *body, size_t body_len) {
    return kp_request_timeout(s, method, path, headers, body, body_len, 30);
}

kp_response *kp_get(kp_server *s, const char *path) {
    return kp_request(s, "GET", path, NULL, NULL, 0);
}

kp_response *kp_getf(kp_server *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *path = vformat(fmt, ap);
    va_end(ap);
    kp_response *r = kp_get(s, path);
    free(path);
    return r;
}

kp_response *kp_get_h(kp_server *s, const char *path, const char *header) {
    const char *h[2] = {header, NULL};
    return kp_request(s, "GET", path, h, NULL, 0);
}

/* Case-insensitive strstr (strcasestr is a GNU extension). */
static const char *find_header_start(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return hay;
    return NULL;
}

int kp_await_total(kp_server *s, const char *path, long expected) {
    double deadline = kp_now() + 5.0;
    long total = -1;
    for (;;) {
        kp_response *r = kp_get(s, path);
        json_t *t = r->json ? json_object_get(r->json, "total") : NULL;
        total = json_is_integer(t) ? (long)json_integer_value(t) : -1;
        kp_response_free(r);
        if (total == expected || kp_now() > deadline) break;
        kp_sleep_ms(25);
    }
    return CHECK(total == expected, "GET %s: total %ld, expected %ld after a database change", path,
                 total, expected);
}

int kp_raw_request(kp_server *s, const char *data, size_t len, char **raw) {
    if (raw) *raw = NULL;
    if (!s) return 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)s->port);
    buf b = {0};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
        size_t off = 0;
        while (off < len) {
            ssize_t w = send(fd, data + off, len - off, MSG_NOSIGNAL);
            if (w <= 0) break;
            off += (size_t)w;
        }
        double deadline = kp_now() + 10.0;
        char chunk[8192];
        while (kp_now() < deadline) {
            ssize_t n = recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) break;
            buf_append(&b, chunk, (size_t)n);
            /* stop once a whole response with Content-Length has arrived */
            const char *hend = b.data ? strstr(b.data, "\r\n\r\n") : NULL;
            if (hend) {
                const char *cl = find_header_start(b.data, "\r\nContent-Length:");
                if (cl && cl < hend) {
                    size_t want = (size_t)strtoul(cl + 17, NULL, 10);
                    if (b.len >= (size_t)(hend + 4 - b.data) + want) break;
                }
            }
        }
    }
    close(fd);
    int status = 0;
    if (b.data && strncmp(b.data, "HTTP/1.", 7) == 0 && b.len > 12) status = atoi(b.data + 9);
    if (raw)
        *raw = b.data ? b.data : xstrdup("");
    else
        free(b.data);
    return status;
}

/* ---- JSON -------------------------------------------------------------------------------- */

json_t *kp_pointer(json_t *doc, const char *pointer) {
    if (!doc || !pointer) return NULL;
    if (!*pointer) return doc;
    if (*pointer != '/') return NULL;
    json_t *cur = doc;
    const char *p = pointer + 1;
    for (;;) {
        size_t n = strcspn(p, "/");
        char tok[512];
        size_t o = 0;
        for (size_t i = 0; i < n && o + 1 < sizeof tok; i++) {
            if (p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
                tok[o++] = p[i + 1] == '0' ? '~' : '/';
                i++;
            } else {
                tok[o++] = p[i];
            }
        }
        tok[o] = '\0';
        if (json_is_object(cur)) {
            cur = json_object_get(cur, tok);
        } else if (json_is_array(cur)) {
            char *end = NULL;
            if (!o || (o > 1 && tok[0] == '0')) return NULL;
            unsigned long idx = strtoul(tok, &end, 10);
            if (*end) return NULL;
            cur = json_array_get(cur, idx);
        } else {
            return NULL;
        }
        if (!cur) return NULL;
        if (!p[n]) return cur;
        p += n + 1;
    }
}

int kp_json_equal(const json_t *a, const json_t *b) {
    if (!a || !b) return a == b;
    if (json_is_number(a) && json_is_number(b)) {
        double x = json_number_value(a), y = json_number_value(b);
        double scale = fmax(1.0, fmax(fabs(x), fabs(y)));
        return fabs(x - y) <= 1e-9 * scale;
    }
    if (json_typeof(a) != json_typeof(b)) return 0;
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b)) return 0;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)a, k, v) {
            if (!kp_json_equal(v, json_object_get(b, k))) return 0;
        }
        return 1;
    }
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!kp_json_equal(json_array_get(a, i), json_array_get(b, i))) return 0;
        return 1;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

const char *kp_json_brief(const json_t *v) {
    static char slots[4][320];
    static int next;
    char *out = slots[next++ % 4];
    if (!v) {
        snprintf(out, 320, "(missing)");
        return out;
    }
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(out, 320, "%.300s%s", s ? s : "?", s && strlen(s) > 300 ? "…" : "");
    free(s);
    return out;
}

const char *kp_str(const json_t *obj, const char *key) {
    return json_string_value(json_object_get(obj, key));
}

json_t *kp_items(const kp_response *r) {
    if (!r || !r->json) return NULL;
    json_t *items = json_object_get(r->json, "items");
    return json_is_array(items) ? items : NULL;
}

/* ---- database ---------------------------------------------------------------------------- */

char *kp_database_url_for(const char *dbname) {
    const char *url = database_url ? database_url : "";
    const char *scheme = strstr(url, "://");
    const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
    if (!slash) return format("%s/%s", url, dbname);
    const char *q = strchr(slash, '?');
    return format("%.*s/%s%s", (int)(slash - url), url, dbname, q ? q : "");
}

static PGconn *connect_url(const char *url) {
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        CHECK(0, "cannot connect to the test database: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    return c;
}

PGconn *kp_db(void) {
    if (db && PQstatus(db) != CONNECTION_OK) PQreset(db);
    if (!db && database_url) db = connect_url(database_url);
    return db;
}

PGconn *kp_db_connect_to(const char *dbname) {
    char *url = kp_database_url_for(dbname);
    PGconn *c = connect_url(url);
    free(url);
    return c;
}

static PGresult *run_sql(const char *sql) {
    PGconn *c = kp_db();
    if (!c) return NULL;
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        CHECK(0, "SQL failed: %s\n  %.500s", PQresultErrorMessage(r), sql);
        PQclear(r);
        return NULL;
    }
    return r;
}

PGresult *kp_sql(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *sql = vformat(fmt, ap);
    va_end(ap);
    PGresult *r = run_sql(sql);
    free(sql);
    return r;
}

char *kp_sql_value(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *sql = vformat(fmt, ap);
    va_end(ap);
    PGresult *r = run_sql(sql);
    free(sql);
    char *v = NULL;
    if (r && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) v = xstrdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

int kp_user_add(const char *email, const char *role, const char *password,
                const char *const *centres, const char *log_path) {
    if (!binary) return -1;
    char url[4200], mig[4200];
    const char *m = getenv("KP_MIGRATIONS_DIR");
    snprintf(url, sizeof url, "DATABASE_URL=%s", kp_database_url());
    if (m && *m)
        snprintf(mig, sizeof mig, "MIGRATIONS_DIR=%s", m);
    else
        snprintf(mig, sizeof mig, "MIGRATIONS_DIR=%s/migrations", kp_source_dir());
    size_t n = 0;
    for (char **e = environ; *e; e++)
        n++;
    char **env = calloc(n + 4, sizeof *env);
    if (!env) abort();
    size_t k = 0;
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "DATABASE_URL=", 13) != 0 && strncmp(*e, "MIGRATIONS_DIR=", 15) != 0 &&
            strncmp(*e, "JWT_SECRET=", 11) != 0 && strncmp(*e, "APP_ENV=", 8) != 0)
            env[k++] = *e;
    env[k++] = url;
    env[k++] = mig;
    env[k++] = "APP_ENV=development";
    env[k] = NULL;
    char *argv[16] = {(char *)binary, "user-add", (char *)email, (char *)role};
    int a = 4;
    for (int i = 0; centres && centres[i] && a < 15; i++)
        argv[a++] = (char *)centres[i];
    argv[a] = NULL;
    int fds[2];
    if (pipe(fds) != 0) {
        free(env);
        return -1;
    }
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        dup2(fds[0], 0);
        close(fds[0]);
        close(fds[1]);
        int out = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        execve(binary, argv, env);
        _exit(127);
    }
    free(env);
    close(fds[0]);
    char line[300];
    int len = snprintf(line, sizeof line, "%s\n", password);
    ssize_t w = write(fds[1], line, (size_t)len);
    (void)w;
    close(fds[1]);
    int st = 0;
    while (waitpid(child, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void kp_server_stop_and_scan(kp_server *s, const char *what) {
    if (!s) return;
    char log_path[512];
    snprintf(log_path, sizeof log_path, "%s", s->log_path);
    kp_server_stop(s);
    char *out = kp_read_file(log_path, NULL);
    CHECK(out && !strstr(out, "AddressSanitizer") && !strstr(out, "LeakSanitizer") &&
              !strstr(out, "runtime error:"),
          "%s: no sanitizer report in %s", what, log_path);
    free(out);
}

int kp_admin_login(kp_server *s, const char *tag, const char *password, char *email,
                   size_t email_len, char *auth_header, size_t auth_len) {
    char log[128];
    snprintf(email, email_len, "ht-%s-%d@test.invalid", tag, (int)getpid());
    snprintf(log, sizeof log, "http_%s-user-add.log", tag);
    int rc = kp_user_add(email, "admin", password, NULL, log);
    if (!CHECK(rc == 0, "user-add %s admin: exit %d (see %s)", email, rc, log)) return -1;
    char body[512];
    int n = snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
    const char *h[] = {"Content-Type: application/json", NULL};
    kp_response *r = kp_request(s, "POST", "/v1/auth/token", h, body, (size_t)n);
    const char *tok = r->status == 200 ? kp_str(r->json, "access_token") : NULL;
    int ok = CHECK(tok != NULL, "the test admin logs in: %ld %.200s", r->status, r->body);
    if (tok) snprintf(auth_header, auth_len, "Authorization: Bearer %s", tok);
    kp_response_free(r);
    return ok ? 0 : -1;
}
