/* knutepunkt: the API server. `knutepunkt [serve]` migrates (AUTO_MIGRATE=1) and serves;
 * `knutepunkt migrate` only migrates; `knutepunkt --help` lists the settings. */
#include "config.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "handlers/handlers.h"
#include "http/server.h"
#include "log.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHUTDOWN_GRACE_MS 10000

int main(int argc, char **argv) {
    const char *cmd = argc > 1 ? argv[1] : "serve";
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        printf("usage: knutepunkt [serve|migrate]\n\n");
        config_print_help();
        return 0;
    }
    if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "migrate") != 0) {
        fprintf(stderr, "unknown command %s (try --help)\n", cmd);
        return 2;
    }
    config cfg;
    char err[1024];
    if (config_load(&cfg, err, sizeof err) != 0) {
        fprintf(stderr, "configuration error: %s\n", err);
        config_free(&cfg);
        return 2;
    }
    log_init(strcmp(cfg.log_format, "json") == 0);
    int migrate_only = strcmp(cmd, "migrate") == 0;
    if (migrate_run(cfg.database_url, cfg.migrations_dir, migrate_only || cfg.auto_migrate, err,
                    sizeof err) != 0) {
        log_error("%s", err);
        config_free(&cfg);
        return 1;
    }
    if (migrate_only) {
        config_free(&cfg);
        return 0;
    }
    if (!cfg.jwt_secret) log_warn("JWT_SECRET is not set: tokens cannot be issued or checked");
    if (ops_load_openapi(cfg.openapi_path) != 0)
        log_warn("cannot read the OpenAPI document at %s", cfg.openapi_path);

    /* Signals are taken by sigwait in this thread only; workers inherit the mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    db_pool_config pc = {cfg.database_url, cfg.db_pool_size, cfg.db_acquire_ms,
                         cfg.statement_timeout_ms};
    if (db_pool_init(&pc) != 0 || server_start(&cfg) != 0) {
        db_pool_shutdown();
        ops_free_openapi();
        config_free(&cfg);
        return 1;
    }
    const char *search = db_search_flavour();
    if (!search || strcmp(search, "hunspell") != 0)
        log_warn("full-text search uses the plain norwegian stemmer (hunspell-no dictionary "
                 "not installed in the database)");
    int sig = 0;
    sigwait(&set, &sig);
    log_info("%s received: finishing in-flight requests", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server_stop(SHUTDOWN_GRACE_MS);
    db_pool_shutdown();
    ops_free_openapi();
    config_free(&cfg);
    log_info("stopped");
    return 0;
}
