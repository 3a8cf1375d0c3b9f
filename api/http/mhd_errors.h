/* The answers libmicrohttpd gives by itself, before dispatch() runs, as RFC 9457
 * problem+json instead of its built-in HTML; see mhd_errors.c for how and why. */
#ifndef KP_HTTP_MHD_ERRORS_H
#define KP_HTTP_MHD_ERRORS_H

#include "config.h"

#include <microhttpd.h>

/* Call once before the daemon starts: remembers the CORS setting for these answers and
 * logs a warning when the replacement cannot work in this process (the executable's
 * definitions are not the ones the dynamic linker binds) or libmicrohttpd is not the
 * version it was checked against. */
void mhd_errors_install(const config *cfg);

/* The MHD_OPTION_URI_LOG_CALLBACK to use instead of ulfius_uri_logger: the same, except
 * that a raw NUL byte inside the request target reaches dispatch() as "%00" (so it is a
 * 400 problem there) instead of silently ending the URL. */
void *mhd_errors_uri_logger(void *cls, const char *uri, struct MHD_Connection *connection);

#endif
