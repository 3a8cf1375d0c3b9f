#include "db/scheduler.h"

#include "log.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
    pthread_t thread;
    atomic_int stop;
    int started;
    int interval_ms;
    char *url;
} s;

static void *run(void *arg) {
    (void)arg;
    PGconn *pg = NULL;
    while (!atomic_load(&s.stop)) {
        if (!pg || PQstatus(pg) != CONNECTION_OK) {
            if (pg) PQfinish(pg);
            pg = PQconnectdb(s.url);
        }
        if (PQstatus(pg) == CONNECTION_OK) {
            PGresult *r = PQexec(pg, "SELECT kp_publish_due()");
            if (PQresultStatus(r) == PGRES_TUPLES_OK && atol(PQgetvalue(r, 0, 0)) > 0)
                log_info("announced %s scheduled publication(s)", PQgetvalue(r, 0, 0));
            PQclear(r);
            /* centres that opened or closed since their document was stored (0014) */
            r = PQexec(pg, "SELECT kp_refresh_open_now()");
            if (PQresultStatus(r) != PGRES_TUPLES_OK)
                log_warn("refreshing open_now failed: %s", PQresultErrorMessage(r));
            PQclear(r);
        }
        for (int waited = 0; waited < s.interval_ms && !atomic_load(&s.stop); waited += 100)
            usleep(100000);
    }
    if (pg) PQfinish(pg);
    return NULL;
}

int scheduler_start(const char *database_url, int interval_ms) {
    s.url = strdup(database_url);
    s.interval_ms = interval_ms;
    if (!s.url || pthread_create(&s.thread, NULL, run, NULL) != 0) return -1;
    s.started = 1;
    return 0;
}

void scheduler_stop(void) {
    if (!s.started) return;
    atomic_store(&s.stop, 1);
    pthread_join(s.thread, NULL);
    free(s.url);
    s.started = 0;
}
