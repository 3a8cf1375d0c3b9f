/* Settings come from environment variables only, described once in config.c's table. */
#ifndef KP_CONFIG_H
#define KP_CONFIG_H

#include <stddef.h>

typedef struct config {
    char *database_url;
    char *bind_address;
    int port;
    int threads;       /* libmicrohttpd worker threads */
    int db_pool_size;  /* PostgreSQL connections */
    int db_acquire_ms; /* longest wait for a free connection before 503 */
    int statement_timeout_ms;
    int max_body_bytes;
    int connection_limit;
    int per_ip_connection_limit;
    int connection_timeout_s;
    int request_deadline_s;
    char *cors_origins; /* "*" or a comma list of origins */
    char *log_format;   /* "text" or "json" */
    char *jwt_secret;
    char *app_env; /* "development" or "production" */
    char *migrations_dir;
    char *openapi_path;
    char *data_dir;
    int auto_migrate;
    int cache_max_age_s; /* Cache-Control max-age for public reads */
    int cache_max_bytes; /* in-process response cache; 0 turns it off */
    int cache_ttl_ms;
    char *admin_email; /* the first admin, created on first start */
} config;

/* Fills cfg from the environment. On a bad value writes a message to err and returns -1. */
int config_load(config *cfg, char *err, size_t errlen);
void config_free(config *cfg);
/* Prints every setting with its default (for --help and the README). */
void config_print_help(void);

#endif
