/* A deadline for each request: its headers and body must arrive, and its answer be made,
 * within REQUEST_DEADLINE_S of its start. libmicrohttpd only has an idle timeout, which a
 * client sending a byte now and then never trips (slowloris). */
#ifndef KP_HTTP_DEADLINE_H
#define KP_HTTP_DEADLINE_H

#include <microhttpd.h>

/* Starts the watcher; deadline_s > 0. */
int deadline_start(int deadline_s);
void deadline_stop(void);

/* libmicrohttpd callbacks (MHD_OPTION_NOTIFY_CONNECTION, and wrappers of the URI log and
 * completion callbacks that server.c would otherwise pass directly). */
void deadline_notify_connection(void *cls, struct MHD_Connection *connection, void **socket_ctx,
                                enum MHD_ConnectionNotificationCode toe);
void *deadline_uri_logger(void *cls, const char *uri, struct MHD_Connection *connection);
void deadline_request_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                                enum MHD_RequestTerminationCode toe);

#endif
