/* A strict query-string parser. ulfius's own map mixes path and query parameters, joins
 * repeated keys with commas and silently drops values that are not UTF-8; we parse the raw
 * query ourselves so each of those is a clear 400 naming the parameter. */
#ifndef KP_HTTP_QUERY_H
#define KP_HTTP_QUERY_H

#include "http/problem.h"

#define QUERY_MAX_PARAMS 32
#define QUERY_MAX_VALUE  2048

typedef struct query_param {
    char *key;
    char *value;
    int used;
} query_param;

typedef struct query {
    query_param items[QUERY_MAX_PARAMS];
    int n;
} query;

/* Parses raw (the part after '?', may be NULL). Returns 0, or -1 with a 400 in p. */
int query_parse(query *q, const char *raw, problem *p);
void query_free(query *q);
/* The value of key (marked as used), or NULL. */
const char *query_get(query *q, const char *key);
/* 400 for the first parameter no handler asked for. */
int query_reject_unused(query *q, problem *p);

/* Percent-decodes s[0..n) into a new string ('+' as space when plus_is_space). Returns NULL
 * when the result would contain NUL, a bad escape or invalid UTF-8. */
char *url_decode(const char *s, size_t n, int plus_is_space);
int utf8_valid(const char *s, size_t n);

#endif
