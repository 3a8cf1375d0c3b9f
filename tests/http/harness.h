/* HTTP integration test harness: starts the real server binary as a child process, talks to
 * it over libcurl (or a raw socket), reads and writes the test database over libpq, and
 * counts assertions.
 *
 * Environment (set by tests/CMakeLists.txt and scripts/test.sh):
 *   KP_BINARY              the server binary (argv[1] wins when given)
 *   KP_TEST_DATABASE_URL   the shared test database
 *   KP_MIGRATIONS_DIR      migrations folder (default: <source>/migrations)
 *   KP_TEST_PG_STOP/START  shell commands that stop / start the test cluster
 *   KP_CONTRACT_LOG        every response received is appended here as one JSON line
 */
#ifndef KP_TEST_HARNESS_H
#define KP_TEST_HARNESS_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- assertions -------------------------------------------------------------------------- */

/* Records one assertion; prints file:line and the message when it failed. Returns ok. */
int kp_check(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define CHECK(cond, ...) kp_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define CHECK_INT(expected, actual, what)                                                          \
    do {                                                                                           \
        long long kp_e_ = (long long)(expected), kp_a_ = (long long)(actual);                      \
        kp_check(kp_e_ == kp_a_, __FILE__, __LINE__, "%s: expected %lld, got %lld", (what), kp_e_, \
                 kp_a_);                                                                           \
    } while (0)

#define CHECK_STR(expected, actual, what)                                                          \
    do {                                                                                           \
        const char *kp_e_ = (expected), *kp_a_ = (actual);                                         \
        kp_check(kp_a_ &&kp_e_ &&strcmp(kp_e_, kp_a_) == 0, __FILE__, __LINE__,                    \
                 "%s: expected \"%s\", got %s%s%s", (what), kp_e_ ? kp_e_ : "(null)",              \
                 kp_a_ ? "\"" : "", kp_a_ ? kp_a_ : "(null)", kp_a_ ? "\"" : "");                  \
    } while (0)

/* The status of a response, printing the request and (part of) the body when it differs. */
#define CHECK_STATUS(resp, code) kp_check_status((resp), (code), __FILE__, __LINE__)
/* An RFC 9457 problem: status, application/problem+json, type/title/status/detail; when
 * param is not NULL the problem must name it (in "parameter" or an errors[].field). */
#define CHECK_PROBLEM(resp, code, param)                                                           \
    kp_check_problem((resp), (code), (param), __FILE__, __LINE__)

struct kp_response;
int kp_check_status(const struct kp_response *r, long code, const char *file, int line);
int kp_check_problem(const struct kp_response *r, long code, const char *param, const char *file,
                     int line);

/* Prints "N passed, N failed" and returns the process exit code (0 only without failures). */
int kp_finish(void);
int kp_failures(void);

/* ---- responses --------------------------------------------------------------------------- */

typedef struct kp_header {
    char *name;
    char *value;
} kp_header;

typedef struct kp_response {
    long status; /* 0 when the request failed at the transport level */
    char *method;
    char *path; /* path + query as sent */
    kp_header *headers;
    size_t nheaders;
    char *body; /* always NUL-terminated (body_len excludes the NUL) */
    size_t body_len;
    json_t *json; /* parsed body when it is JSON, else NULL */
    double seconds;
    char error[256]; /* transport error text, when status is 0 */
} kp_response;

/* Case-insensitive; the first header of that name, or NULL. */
const char *kp_header_get(const kp_response *r, const char *name);
/* Does the (comma-separated) header value list contain token (case-insensitive)? */
int kp_header_has_token(const kp_response *r, const char *name, const char *token);
void kp_response_free(kp_response *r);

/* ---- servers ----------------------------------------------------------------------------- */

typedef struct kp_server {
    pid_t pid;
    int port;
    char base[64];      /* http://127.0.0.1:PORT */
    char log_path[512]; /* the server's stdout + stderr */
    void *curl;         /* one handle per server: keep-alive */
    int exited;
    int exit_status; /* waitpid status once exited */
} kp_server;

/* Call first; name is used for log file names. Returns 0 when the environment is usable. */
int kp_init(int argc, char **argv, const char *name);

/* Starts the server with the default environment plus extra "NAME=value" strings (NULL-
 * terminated list or NULL) and waits for GET /healthz (60 s). NULL on failure (recorded). */
kp_server *kp_server_start(const char *const *extra_env);
/* SIGTERM, waits (30 s) and checks the exit status is 0 (graceful shutdown; under ASan a
 * leak makes it non-zero). Frees s. Returns 0 when it exited with status 0. */
int kp_server_stop(kp_server *s);
/* Kills the server without warning (SIGKILL), as a crash would, and frees it. */
void kp_server_kill(kp_server *s);
/* The server's output so far (malloc'd, NUL-terminated; "" when unreadable). */
char *kp_server_output(const kp_server *s);

/* Runs the server binary with env (default environment plus extra) and argument arg (NULL for
 * none), expecting it to exit by itself within timeout_s. Returns the exit code (0..255), or
 * -1 when it did not exit in time (it is killed) or was killed by a signal. *output gets its
 * stdout + stderr (malloc'd) when output is not NULL. */
int kp_run_binary(const char *const *extra_env, const char *arg, int timeout_s, char **output);
/* `knutepunkt user-add EMAIL ROLE [CENTRE…]` against the test database with the password on
 * stdin (creates or resets the user); output appended to log_path. Returns its exit code. */
/* Stops s and checks its log holds no ASan/LSan/UBSan report (what names it). */
void kp_server_stop_and_scan(kp_server *s, const char *what);
/* Creates an admin ht-<tag>-<pid>@test.invalid and logs it in through s; fills email and
 * auth_header ("Authorization: Bearer …"). 0, or -1 after a failed check. */
int kp_admin_login(kp_server *s, const char *tag, const char *password, char *email,
                   size_t email_len, char *auth_header, size_t auth_len);
int kp_user_add(const char *email, const char *role, const char *password,
                const char *const *centres, const char *log_path);

/* ---- requests ---------------------------------------------------------------------------- */

/* Any method, extra headers ("Name: value", NULL-terminated, or NULL) and body (or NULL).
 * path is the path + query; bytes outside printable ASCII are percent-encoded. HEAD asks for
 * no body. The response is appended to KP_CONTRACT_LOG. */
kp_response *kp_request(kp_server *s, const char *method, const char *path,
                        const char *const *headers, const char *body, size_t body_len);
/* Same, with a timeout in seconds (default 30). */
kp_response *kp_request_timeout(kp_server *s, const char *method, const char *path,
                                const char *const *headers, const char *body, size_t body_len,
                                long timeout_s);
kp_response *kp_get(kp_server *s, const char *path);
kp_response *kp_getf(kp_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* GET with one extra header. */
kp_response *kp_get_h(kp_server *s, const char *path, const char *header);

/* n GETs at once (curl multi, one connection each); returns n responses (free each with
 * kp_response_free, then the array with free). */
kp_response **kp_parallel_get(kp_server *s, const char *const *paths, size_t n);

/* The server caches anonymous GETs and learns of changes made directly in the database
 * asynchronously (LISTEN/NOTIFY). A test that writes through libpq waits after the write until
 * GET path (a list with count=exact) reports expected as its "total" (≤ 5 s; recorded as a
 * failure when it never does). Returns 1 when it did. */
int kp_await_total(kp_server *s, const char *path, long expected);

/* Sends bytes over a plain TCP connection and reads the answer until the server closes it
 * (10 s). Returns the HTTP status of the answer (0 if none) and, when raw is not NULL, the
 * whole answer (malloc'd). */
int kp_raw_request(kp_server *s, const char *data, size_t len, char **raw);

/* Percent-encodes s (everything but unreserved characters); malloc'd. */
char *kp_urlencode(const char *s);

/* ---- JSON -------------------------------------------------------------------------------- */

/* RFC 6901 JSON pointer; NULL when it names nothing. "" is the whole document. */
json_t *kp_pointer(json_t *doc, const char *pointer);
/* Deep equality where numbers compare by value (integer 34 equals real 34.0). */
int kp_json_equal(const json_t *a, const json_t *b);
/* Short (≤ 300 chars) rendering of a JSON value for messages; static buffer per call slot. */
const char *kp_json_brief(const json_t *v);
/* String member of an object, or NULL. */
const char *kp_str(const json_t *obj, const char *key);
/* Items array of a list response, or NULL. */
json_t *kp_items(const kp_response *r);

/* ---- database ---------------------------------------------------------------------------- */

/* The shared test database (connected once, closed by kp_finish). NULL when unavailable. */
PGconn *kp_db(void);
/* Runs SQL (printf-style); returns the result when it succeeded, else NULL (recorded as a
 * failure, with the error). The caller PQclear()s it. */
PGresult *kp_sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs SQL and returns the first column of the first row as a malloc'd string (NULL if none). */
char *kp_sql_value(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Connects to another database of the same cluster (dbname replaced). */
PGconn *kp_db_connect_to(const char *dbname);
/* KP_TEST_DATABASE_URL with the database name replaced (malloc'd). */
char *kp_database_url_for(const char *dbname);

/* ---- misc -------------------------------------------------------------------------------- */

/* Runs a shell command; returns its exit code (or -1). */
int kp_shell(const char *cmd);
double kp_now(void);
void kp_sleep_ms(long ms);
const char *kp_source_dir(void);
/* Reads a whole file (malloc'd, NUL-terminated); NULL on error. */
char *kp_read_file(const char *path, size_t *len);
/* The server's default environment for the shared test database (as passed to children). */
const char *kp_database_url(void);

#endif
