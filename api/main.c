/* knutepunkt: the API server.
 *   knutepunkt [serve]                migrate (AUTO_MIGRATE=1), create the first admin, serve
 *   knutepunkt migrate                only migrate
 *   knutepunkt user-add EMAIL ROLE [CENTRE…]   create or reset a user; password on stdin
 *   knutepunkt --help                 the settings */
#include "auth/accounts.h"
#include "auth/password.h"
#include "auth/token.h"
#include "cache/cache.h"
#include "config.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "db/scheduler.h"
#include "handlers/handlers.h"
#include "http/server.h"
#include "log.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHUTDOWN_GRACE_MS     10000
#define SCHEDULER_INTERVAL_MS 1000

static int user_add(const config *cfg, int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: knutepunkt user-add EMAIL admin|editor [CENTRE-SLUG…] "
                        "(password on standard input)\n");
        return 2;
    }
    char password[PASSWORD_MAX_BYTES + 2];
    if (!fgets(password, sizeof password, stdin)) {
        fprintf(stderr, "no password on standard input\n");
        return 2;
    }
    password[strcspn(password, "\r\n")] = '\0';
    PGconn *pg = PQconnectdb(cfg->database_url);
    char err[512];
    int rc = PQstatus(pg) == CONNECTION_OK
                 ? accounts_upsert(pg, argv[2], password, argv[3], (const char *const *)argv + 4,
                                   argc - 4, err, sizeof err)
                 : (snprintf(err, sizeof err, "%s", PQerrorMessage(pg)), -1);
    PQfinish(pg);
    if (rc != 0) fprintf(stderr, "user-add failed: %s\n", err);
    return rc == 0 ? 0 : 1;
}

/* Without JWT_SECRET (development only) tokens are signed with a random key that lives as
 * long as the process. */
static int init_tokens(const config *cfg) {
    if (cfg->jwt_secret) return token_init(cfg->jwt_secret, strlen(cfg->jwt_secret));
    char key[72];
    if (random_token(key, sizeof key, 48) != 0) return -1;
    log_warn("JWT_SECRET is not set: using a random key; tokens end when the server stops");
    return token_init(key, strlen(key));
}

int main(int argc, char **argv) {
    /* Few malloc arenas: eight worker threads would otherwise each grow their own, and the
     * process's memory with them. A fixed mmap threshold: each argon2 verification takes
     * 19 MiB, and glibc's adaptive threshold would move such blocks into the heap, where
     * their pages stay resident after free (RSS +20 MB per concurrent login). */
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    const char *cmd = argc > 1 ? argv[1] : "serve";
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        printf("usage: knutepunkt [serve|migrate|user-add EMAIL ROLE [CENTRE…]]\n\n");
        config_print_help();
        return 0;
    }
    if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "migrate") != 0 && strcmp(cmd, "user-add") != 0) {
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
    int rc = 1;
    int migrate_only = strcmp(cmd, "migrate") == 0;
    if (migrate_run(cfg.database_url, cfg.migrations_dir, migrate_only || cfg.auto_migrate, err,
                    sizeof err) != 0) {
        log_error("%s", err);
        goto out;
    }
    if (migrate_only) {
        rc = 0;
        goto out;
    }
    if (strcmp(cmd, "user-add") == 0) {
        rc = user_add(&cfg, argc, argv);
        goto out;
    }
    if (init_tokens(&cfg) != 0) {
        log_error("cannot set up token signing");
        goto out;
    }
    accounts_bootstrap_admin(cfg.database_url, cfg.data_dir, cfg.admin_email);
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
    if (cache_init(cfg.database_url, (size_t)cfg.cache_max_bytes, cfg.cache_ttl_ms) != 0)
        log_warn("the response cache could not start; serving without it");
    if (scheduler_start(cfg.database_url, SCHEDULER_INTERVAL_MS) != 0)
        log_warn("scheduled publications will not be announced in the change feed");
    if (db_pool_init(&pc) != 0 || server_start(&cfg) != 0) {
        db_pool_shutdown();
        cache_shutdown();
        scheduler_stop();
        goto out;
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
    cache_shutdown();
    scheduler_stop();
    log_info("stopped");
    rc = 0;
out:
    token_shutdown();
    ops_free_openapi();
    config_free(&cfg);
    return rc;
}
