/* The one error currency: a handler records a problem and returns -1; the dispatcher
 * renders it as RFC 9457 application/problem+json. */
#ifndef KP_HTTP_PROBLEM_H
#define KP_HTTP_PROBLEM_H

#include <jansson.h>

typedef struct problem {
    int status;       /* 0: no problem recorded */
    const char *type; /* slug under /problems/, e.g. "bad-parameter" */
    char title[96];
    char detail[512];
    json_t *errors;       /* [{"field","message"}] or NULL */
    char parameter[64];   /* the query parameter at fault, if any */
    char allow[128];      /* Allow header for 405 */
    int retry_after;      /* seconds, for 503/429; 0: none */
    int www_authenticate; /* 1: add WWW-Authenticate: Bearer */
} problem;

/* Records a problem (the first one wins: later calls keep the original cause). Returns -1
 * so handlers can `return problem_set(...)`. */
int problem_set(problem *p, int status, const char *type, const char *detail_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 400 naming a query parameter. */
int problem_bad_param(problem *p, const char *param, const char *detail_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds a field error (422 lists all of them). */
void problem_add_error(problem *p, const char *field, const char *message);
/* The standard reason phrase for a status. */
const char *problem_title(int status);
/* Renders the body; the caller frees it. */
char *problem_render(const problem *p, const char *instance, const char *request_id,
                     size_t *len_out);
void problem_cleanup(problem *p);

#endif
