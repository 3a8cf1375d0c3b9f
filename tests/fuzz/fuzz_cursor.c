/* The keyset cursor: cursor_decode on the input; whatever decodes must encode and decode
 * again to the same fields. */
#include "fuzz.h"

#include "http/cursor.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4096) return 0;
    char *s = fuzz_cstring(data, size);
    cursor a;
    memset(&a, 0x5a, sizeof a); /* a decoder that forgets a field shows up below */
    if (cursor_decode(s, &a) == 0) {
        FUZZ_ASSERT(memchr(a.sort, '\0', sizeof a.sort) && memchr(a.key, '\0', sizeof a.key) &&
                        memchr(a.value, '\0', sizeof a.value),
                    "decoded fields are not terminated");
        FUZZ_ASSERT(a.desc == 0 || a.desc == 1, "desc %d", a.desc);
        FUZZ_ASSERT(a.key[0] != '\0', "empty key decoded");
        FUZZ_ASSERT(!strchr(a.sort, '\n') && !strchr(a.key, '\n'), "newline in sort or key");
        char enc[1400];
        FUZZ_ASSERT(cursor_encode(&a, enc, sizeof enc) == 0, "a decoded cursor does not encode");
        cursor b;
        memset(&b, 0, sizeof b);
        FUZZ_ASSERT(cursor_decode(enc, &b) == 0, "re-encoded cursor does not decode: %s", enc);
        FUZZ_ASSERT(strcmp(a.sort, b.sort) == 0, "sort \"%s\" != \"%s\"", a.sort, b.sort);
        FUZZ_ASSERT(a.desc == b.desc, "desc %d != %d", a.desc, b.desc);
        FUZZ_ASSERT(strcmp(a.key, b.key) == 0, "key \"%s\" != \"%s\"", a.key, b.key);
        FUZZ_ASSERT(strcmp(a.value, b.value) == 0, "value \"%s\" != \"%s\"", a.value, b.value);
        /* the encoding is canonical: encoding b gives the same text again */
        char enc2[1400];
        FUZZ_ASSERT(cursor_encode(&b, enc2, sizeof enc2) == 0 && strcmp(enc, enc2) == 0,
                    "encoding is not stable");
        /* a buffer one byte short is refused, never overrun */
        char *tight = malloc(strlen(enc));
        FUZZ_ASSERT(tight != NULL, "malloc");
        FUZZ_ASSERT(cursor_encode(&a, tight, strlen(enc)) == -1, "short buffer accepted");
        free(tight);
    }
    free(s);
    return 0;
}
