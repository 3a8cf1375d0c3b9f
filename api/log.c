#include "log.h"

#include "core/strbuf.h"
#include "http/query.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_json;

void log_init(int json) {
    log_json = json;
}

static void now_iso(char *out, size_t n) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, n, "%s.%03ldZ", base, ts.tv_nsec / 1000000);
}

/* One write(2) per line: atomic for lines below PIPE_BUF, so threads need no lock. */
static void emit(const char *line) {
    size_t n = strlen(line);
    char stackbuf[4096];
    char *buf = n + 1 <= sizeof stackbuf ? stackbuf : malloc(n + 1);
    if (!buf) return;
    memcpy(buf, line, n);
    buf[n] = '\n';
    ssize_t w = write(STDERR_FILENO, buf, n + 1);
    (void)w;
    if (buf != stackbuf) free(buf);
}

static void vlog(const char *level, const char *fmt, va_list ap) {
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    char ts[40];
    now_iso(ts, sizeof ts);
    strbuf sb;
    sb_init(&sb, 4096);
    if (log_json) {
        sb_printf(&sb, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":", ts, level);
        sb_json_string(&sb, msg);
        sb_putc(&sb, '}');
    } else {
        sb_printf(&sb, "%s %s %s", ts, level, msg);
    }
    emit(sb_str(&sb));
    sb_cleanup(&sb);
}

#define LOG_FN(name, level)                                                                        \
    void name(const char *fmt, ...) {                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        vlog(level, fmt, ap);                                                                      \
        va_end(ap);                                                                                \
    }
LOG_FN(log_info, "info")
LOG_FN(log_warn, "warn")
LOG_FN(log_error, "error")

void log_truncate_address(const struct sockaddr *sa, char *out, size_t outlen) {
    snprintf(out, outlen, "-");
    if (!sa) return;
    if (sa->sa_family == AF_INET) {
        struct in_addr a = ((const struct sockaddr_in *)(const void *)sa)->sin_addr;
        unsigned char *b = (unsigned char *)&a.s_addr;
        snprintf(out, outlen, "%u.%u.%u.0/24", b[0], b[1], b[2]);
    } else if (sa->sa_family == AF_INET6) {
        struct in6_addr a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        memset(a.s6_addr + 6, 0, 10);
        char buf[INET6_ADDRSTRLEN];
        if (inet_ntop(AF_INET6, &a, buf, sizeof buf)) snprintf(out, outlen, "%s/48", buf);
    }
}

/* Rounds "lat,lon" (possibly %2C-encoded) to one decimal each; anything else becomes "?". */
static void round_near(const char *v, size_t n, strbuf *sb) {
    char tmp[96];
    if (n >= sizeof tmp) {
        sb_puts(sb, "?");
        return;
    }
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    char *comma = strstr(tmp, ",");
    size_t skip = 1;
    if (!comma && (comma = strstr(tmp, "%2C")) == NULL) comma = strstr(tmp, "%2c");
    if (comma && comma[0] == '%') skip = 3;
    if (!comma) {
        sb_puts(sb, "?");
        return;
    }
    *comma = '\0';
    char *e1 = NULL, *e2 = NULL;
    double lat = strtod(tmp, &e1), lon = strtod(comma + skip, &e2);
    if (e1 == tmp || *e1 || e2 == comma + skip || *e2) {
        sb_puts(sb, "?");
        return;
    }
    sb_printf(sb, "%.1f,%.1f", lat, lon);
}

void log_redact_query(const char *raw, char *out, size_t outlen) {
    strbuf sb;
    sb_init(&sb, outlen);
    const char *p = raw;
    int first = 1;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        const char *val = eq ? eq + 1 : "";
        size_t vlen = eq ? len - klen - 1 : 0;
        if (!first) sb_putc(&sb, '&');
        first = 0;
        sb_append(&sb, p, klen > 64 ? 64 : klen);
        /* compare the key as the server reads it: %71 is q */
        char *key = url_decode(p, klen, 1);
        if (eq) {
            sb_putc(&sb, '=');
            if (key && strcmp(key, "near") == 0)
                round_near(val, vlen, &sb);
            else if (!key || strcmp(key, "q") == 0 || strcmp(key, "access_token") == 0 ||
                     strcmp(key, "token") == 0 || strcmp(key, "password") == 0)
                sb_printf(&sb, "[%zu chars]", vlen);
            else
                sb_append(&sb, val, vlen > 128 ? 128 : vlen);
        }
        free(key);
        p = amp ? amp + 1 : NULL;
    }
    snprintf(out, outlen, "%s", sb.failed ? "[long query]" : sb_str(&sb));
    sb_cleanup(&sb);
}

void log_access(const access_entry *e) {
    char ts[40], ip[64], q[1024] = "";
    now_iso(ts, sizeof ts);
    log_truncate_address(e->client, ip, sizeof ip);
    if (e->query && *e->query) log_redact_query(e->query, q, sizeof q);
    strbuf sb;
    sb_init(&sb, 8192);
    if (log_json) {
        sb_printf(&sb, "{\"time\":\"%s\",\"level\":\"info\",\"msg\":\"request\",\"method\":", ts);
        sb_json_string(&sb, e->method);
        sb_puts(&sb, ",\"path\":");
        sb_json_string(&sb, e->path);
        if (*q) {
            sb_puts(&sb, ",\"query\":");
            sb_json_string(&sb, q);
        }
        sb_printf(&sb,
                  ",\"status\":%d,\"bytes\":%zu,\"duration_us\":%ld,\"request_id\":", e->status,
                  e->bytes, e->duration_us);
        sb_json_string(&sb, e->request_id);
        sb_puts(&sb, ",\"client\":");
        sb_json_string(&sb, ip);
        sb_putc(&sb, '}');
    } else {
        sb_printf(&sb, "%s %s %s%s%s %d %zuB %ldus rid=%s client=%s", ts, e->method, e->path,
                  *q ? "?" : "", q, e->status, e->bytes, e->duration_us, e->request_id, ip);
    }
    emit(sb_str(&sb));
    sb_cleanup(&sb);
}
