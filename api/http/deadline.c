/* Request deadlines. Each connection is tracked from libmicrohttpd's "started" to its
 * "closed" notification; its clock restarts when a request line arrives and when a request
 * has been answered (a kept-alive connection waiting for the next one). A watcher thread
 * checks once a second and shuts down the socket of a connection whose clock has run past
 * the deadline; libmicrohttpd then sees the connection end and closes it in its own thread.
 * shutdown(2) only ends the connection: the descriptor stays valid until libmicrohttpd
 * closes it, which it does after the "closed" notification removes it from our list. Idle
 * connections are left to CONNECTION_TIMEOUT_S, which is shorter. */
#include "http/deadline.h"

#include "http/mhd_errors.h"
#include "log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <ulfius.h>
#include <unistd.h>

typedef struct tracked {
    struct tracked *prev, *next;
    int fd;
    long long mark_ms; /* when its clock started */
    int cut;           /* shut down already */
} tracked;

static struct {
    pthread_mutex_t lock;
    tracked head; /* a ring: head.next is the first */
    long long deadline_ms;
    pthread_t thread;
    atomic_int stop;
    int started;
    atomic_llong cuts;
} d = {.lock = PTHREAD_MUTEX_INITIALIZER, .head = {&d.head, &d.head, -1, 0, 0}};

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static tracked *tracker_of(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *ci =
        connection ? MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT) : NULL;
    return ci ? (tracked *)ci->socket_context : NULL;
}

static void restart_clock(struct MHD_Connection *connection) {
    tracked *t = tracker_of(connection);
    if (!t) return;
    pthread_mutex_lock(&d.lock);
    t->mark_ms = now_ms();
    pthread_mutex_unlock(&d.lock);
}

void deadline_notify_connection(void *cls, struct MHD_Connection *connection, void **socket_ctx,
                                enum MHD_ConnectionNotificationCode toe) {
    (void)cls;
    if (!d.started) return;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        tracked *t = ci ? calloc(1, sizeof *t) : NULL;
        if (!t) return; /* untracked: only the idle timeout applies */
        t->fd = ci->connect_fd;
        t->mark_ms = now_ms();
        pthread_mutex_lock(&d.lock);
        t->next = d.head.next;
        t->prev = &d.head;
        d.head.next->prev = t;
        d.head.next = t;
        pthread_mutex_unlock(&d.lock);
        *socket_ctx = t;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_ctx) {
        tracked *t = *socket_ctx;
        pthread_mutex_lock(&d.lock);
        t->prev->next = t->next;
        t->next->prev = t->prev;
        pthread_mutex_unlock(&d.lock);
        free(t);
        *socket_ctx = NULL;
    }
}

void *deadline_uri_logger(void *cls, const char *uri, struct MHD_Connection *connection) {
    restart_clock(connection); /* a request has begun: headers and body must follow */
    return mhd_errors_uri_logger(cls, uri, connection);
}

void deadline_request_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                                enum MHD_RequestTerminationCode toe) {
    mhd_request_completed(cls, connection, con_cls, toe); /* ulfius's own */
    restart_clock(connection);
}

static void *watch(void *arg) {
    (void)arg;
    while (!atomic_load(&d.stop)) {
        for (int i = 0; i < 10 && !atomic_load(&d.stop); i++)
            usleep(100000);
        long long now = now_ms();
        int cut = 0;
        pthread_mutex_lock(&d.lock);
        for (tracked *t = d.head.next; t != &d.head; t = t->next) {
            if (!t->cut && now - t->mark_ms > d.deadline_ms) {
                shutdown(t->fd, SHUT_RDWR);
                t->cut = 1;
                cut++;
            }
        }
        pthread_mutex_unlock(&d.lock);
        if (cut) {
            atomic_fetch_add(&d.cuts, cut);
            log_warn("closed %d connection(s) that did not finish a request within %lld s", cut,
                     d.deadline_ms / 1000);
        }
    }
    return NULL;
}

int deadline_start(int deadline_s) {
    d.deadline_ms = (long long)deadline_s * 1000;
    d.started = 1;
    if (pthread_create(&d.thread, NULL, watch, NULL) != 0) {
        d.started = 0;
        return -1;
    }
    return 0;
}

void deadline_stop(void) {
    if (!d.started) return;
    atomic_store(&d.stop, 1);
    pthread_join(d.thread, NULL);
    /* libmicrohttpd has closed every connection by now (server_stop runs first) */
    d.started = 0;
}
