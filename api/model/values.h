/* Checks of single values from query strings and bodies. */
#ifndef KP_MODEL_VALUES_H
#define KP_MODEL_VALUES_H

#include <stddef.h>

int value_is_uuid(const char *s);
int value_is_slug(const char *s); /* [a-z0-9]+(-[a-z0-9]+)*, at most 120 chars */
int value_is_digits(const char *s, size_t min, size_t max);
/* Partial date (EDTF level 1 subset): YYYY, YYYY-MM, YYYY-MM-DD, YYYY-21..24 (seasons).
 * Checks the calendar (no 2023-02-30). */
int value_is_partial_date(const char *s);
/* RFC 3339 date-time with an explicit offset or Z. */
int value_is_rfc3339(const char *s);
/* Parses a whole decimal integer within [min, max]. */
int value_parse_long(const char *s, long min, long max, long *out);
/* Characters (code points) in a valid UTF-8 string. */
size_t value_utf8_chars(const char *s);
/* Parses a finite decimal number (no NaN, no inf, no hex). */
int value_parse_double(const char *s, double *out);

#endif
