/* Logging. Privacy by default: the readers may be people seeking mental-health help, so no
 * full client address, no token, no search text and no precise location is ever written. */
#ifndef KP_LOG_H
#define KP_LOG_H

#include <stddef.h>
#include <sys/socket.h>

void log_init(int json);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

typedef struct access_entry {
    const char *method;
    const char *path;  /* without the query */
    const char *query; /* raw query or NULL; redacted by log_access */
    int status;
    size_t bytes;
    long duration_us;
    const char *request_id;
    const struct sockaddr *client;
} access_entry;

void log_access(const access_entry *e);

/* Client address truncated to its /24 (IPv4) or /48 (IPv6) network. */
void log_truncate_address(const struct sockaddr *sa, char *out, size_t outlen);
/* Query string made safe to log: near= rounded to one decimal; the values of q=, tokens and
 * keys that do not decode are replaced by their length. Writes at most outlen-1 bytes. */
void log_redact_query(const char *query, char *out, size_t outlen);

#endif
