/* New identifiers: item and instance UUIDs, and request ids. */
#ifndef KP_CORE_IDS_H
#define KP_CORE_IDS_H

/* A random (version 4) UUID in its 36-character text form. */
void id_new_uuid(char out[40]);
/* 24 hex digits (96 bits) for X-Request-Id: unique, not secret, so they come from a
 * per-thread generator the kernel seeds once, without a syscall per request. */
void id_new_request(char out[25]);

#endif
