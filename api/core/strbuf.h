/* A growable string buffer with a ceiling: appends past `max` fail and set `failed`, so
 * callers check once at the end instead of after every append (curl's dynbuf). */
#ifndef KP_STRBUF_H
#define KP_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *data; /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    size_t max;
    int failed; /* an append hit the ceiling or malloc failed */
} strbuf;

void sb_init(strbuf *sb, size_t max);
void sb_cleanup(strbuf *sb);
void sb_reset(strbuf *sb);
int sb_append(strbuf *sb, const char *s, size_t n);
int sb_puts(strbuf *sb, const char *s);
int sb_putc(strbuf *sb, char c);
int sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included. */
int sb_json_string(strbuf *sb, const char *s);
/* The contents, never NULL (an empty buffer gives ""). */
const char *sb_str(const strbuf *sb);
/* Hands the heap buffer to the caller (free() it) and resets sb. */
char *sb_steal(strbuf *sb, size_t *len_out);

#endif
