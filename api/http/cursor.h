/* The opaque keyset cursor: base64url of "v1\n<sort>\n<dir>\n<key>\n<sort value>". It names
 * the sort it was made for, so a cursor reused with another sort is a clear 400. */
#ifndef KP_HTTP_CURSOR_H
#define KP_HTTP_CURSOR_H

#include <stddef.h>

typedef struct cursor {
    char sort[64];
    int desc;
    char value[512];
    char key[128];
} cursor;

/* Writes the encoded cursor into out (at most outlen bytes, NUL included); -1 if too long. */
int cursor_encode(const cursor *c, char *out, size_t outlen);
/* 0 on success, -1 for anything that is not a cursor we made. */
int cursor_decode(const char *s, cursor *out);

#endif
