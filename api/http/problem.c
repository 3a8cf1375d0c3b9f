#include "http/problem.h"

#include "http/query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *problem_title(int status) {
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 409:
        return "Conflict";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 428:
        return "Precondition Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 503:
        return "Service Unavailable";
    default:
        return status >= 500 ? "Internal Server Error" : "Error";
    }
}

/* snprintf may cut a multi-byte character in half (at the end, or inside a %.*s), and
 * JSON would then refuse the whole string: every byte that does not start a valid UTF-8
 * sequence becomes '?'. */
static void sanitize_utf8(char *s) {
    for (size_t i = 0; s[i];) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80             ? 1
                     : (c & 0xE0) == 0xC0 ? 2
                     : (c & 0xF0) == 0xE0 ? 3
                     : (c & 0xF8) == 0xF0 ? 4
                                          : 0;
        size_t avail = 0;
        while (avail < len && s[i + avail])
            avail++;
        if (len == 0 || avail < len || !utf8_valid(s + i, len)) {
            s[i++] = '?';
            continue;
        }
        i += len;
    }
}

static int vset(problem *p, int status, const char *type, const char *fmt, va_list ap) {
    if (p->status) return -1;
    p->status = status;
    p->type = type;
    snprintf(p->title, sizeof p->title, "%s", problem_title(status));
    vsnprintf(p->detail, sizeof p->detail, fmt, ap);
    sanitize_utf8(p->detail);
    return -1;
}

int problem_set(problem *p, int status, const char *type, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vset(p, status, type, fmt, ap);
    va_end(ap);
    return -1;
}

int problem_bad_param(problem *p, const char *param, const char *fmt, ...) {
    if (p->status) return -1;
    va_list ap;
    va_start(ap, fmt);
    vset(p, 400, "bad-parameter", fmt, ap);
    va_end(ap);
    snprintf(p->parameter, sizeof p->parameter, "%s", param);
    sanitize_utf8(p->parameter);
    problem_add_error(p, param, p->detail);
    return -1;
}

void problem_add_error(problem *p, const char *field, const char *message) {
    char f[256], m[512];
    snprintf(f, sizeof f, "%s", field);
    snprintf(m, sizeof m, "%s", message);
    sanitize_utf8(f);
    sanitize_utf8(m);
    if (!p->errors) p->errors = json_array();
    json_array_append_new(p->errors, json_pack("{s:s,s:s}", "field", f, "message", m));
}

char *problem_render(const problem *p, const char *instance, const char *request_id,
                     size_t *len_out) {
    json_t *o = json_object();
    char type[96];
    snprintf(type, sizeof type, "/problems/%s", p->type ? p->type : "error");
    json_object_set_new(o, "type", json_string(type));
    json_object_set_new(o, "title", json_string(p->title));
    json_object_set_new(o, "status", json_integer(p->status));
    if (p->detail[0]) json_object_set_new(o, "detail", json_string(p->detail));
    if (instance) json_object_set_new(o, "instance", json_string(instance));
    if (p->parameter[0]) json_object_set_new(o, "parameter", json_string(p->parameter));
    if (p->errors) json_object_set(o, "errors", p->errors);
    if (request_id) json_object_set_new(o, "request_id", json_string(request_id));
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (len_out) *len_out = s ? strlen(s) : 0;
    return s;
}

void problem_cleanup(problem *p) {
    json_decref(p->errors);
    memset(p, 0, sizeof *p);
}
