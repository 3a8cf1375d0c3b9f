#ifndef KP_HTTP_SERVER_H
#define KP_HTTP_SERVER_H

#include "config.h"

/* Starts serving on the configured address with a worker-thread pool. */
int server_start(const config *cfg);
/* Stops accepting, waits (bounded) for in-flight requests, stops the workers. */
void server_stop(int grace_ms);

#endif
