/* api/config.c: defaults, overrides, validation and error messages. */
#include "config.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const all_vars[] = {
    "DATABASE_URL",
    "BIND_ADDRESS",
    "PORT",
    "THREADS",
    "DB_POOL_SIZE",
    "DB_ACQUIRE_TIMEOUT_MS",
    "STATEMENT_TIMEOUT_MS",
    "MAX_BODY_BYTES",
    "CONNECTION_LIMIT",
    "PER_IP_CONNECTION_LIMIT",
    "CONNECTION_TIMEOUT_S",
    "CORS_ORIGINS",
    "LOG_FORMAT",
    "JWT_SECRET",
    "APP_ENV",
    "MIGRATIONS_DIR",
    "OPENAPI_PATH",
    "DATA_DIR",
    "AUTO_MIGRATE",
    "CACHE_MAX_AGE",
};

#define SECRET_32 "0123456789abcdef0123456789abcdef"

static void clear_env(void) {
    for (size_t i = 0; i < sizeof all_vars / sizeof all_vars[0]; i++)
        unsetenv(all_vars[i]);
}

/* Loads with the current environment; always frees whatever was loaded. */
static int load(char *err, size_t errlen) {
    config cfg;
    err[0] = '\0';
    int rc = config_load(&cfg, err, errlen);
    config_free(&cfg);
    return rc;
}

START_TEST(defaults) {
    config cfg;
    char err[256] = "";
    ck_assert_int_eq(config_load(&cfg, err, sizeof err), 0);
    ck_assert_str_eq(cfg.database_url, "postgresql:///knutepunkt");
    ck_assert_str_eq(cfg.bind_address, "127.0.0.1");
    ck_assert_int_eq(cfg.port, 8080);
    /* 0 (the default) becomes twice the CPUs */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    ck_assert_int_eq(cfg.threads, cpus < 1 ? 4 : cpus > 32 ? 64 : (int)(2 * cpus));
    ck_assert_int_eq(cfg.db_pool_size, 8);
    ck_assert_int_eq(cfg.db_acquire_ms, 2000);
    ck_assert_int_eq(cfg.statement_timeout_ms, 5000);
    ck_assert_int_eq(cfg.max_body_bytes, 1048576);
    ck_assert_int_eq(cfg.connection_limit, 1024);
    ck_assert_int_eq(cfg.per_ip_connection_limit, 64);
    ck_assert_int_eq(cfg.connection_timeout_s, 10);
    ck_assert_str_eq(cfg.cors_origins, "*");
    ck_assert_str_eq(cfg.log_format, "text");
    ck_assert_ptr_null(cfg.jwt_secret);
    ck_assert_str_eq(cfg.app_env, "development");
    ck_assert_str_eq(cfg.migrations_dir, "migrations");
    ck_assert_str_eq(cfg.data_dir, "var");
    ck_assert_int_eq(cfg.auto_migrate, 1);
    ck_assert_int_eq(cfg.cache_max_age_s, 30);
    ck_assert_str_eq(err, "");
    config_free(&cfg);
}
END_TEST

START_TEST(overrides) {
    setenv("DATABASE_URL", "postgresql://db.example/kp", 1);
    setenv("BIND_ADDRESS", "0.0.0.0", 1);
    setenv("PORT", "9090", 1);
    setenv("THREADS", "2", 1);
    setenv("DB_POOL_SIZE", "256", 1);
    setenv("CORS_ORIGINS", "https://a.example,https://b.example", 1);
    setenv("LOG_FORMAT", "json", 1);
    setenv("JWT_SECRET", SECRET_32, 1);
    setenv("APP_ENV", "production", 1);
    setenv("DATA_DIR", "state", 1);
    setenv("AUTO_MIGRATE", "0", 1);
    setenv("CACHE_MAX_AGE", "0", 1);
    config cfg;
    char err[256] = "";
    ck_assert_int_eq(config_load(&cfg, err, sizeof err), 0);
    ck_assert_str_eq(cfg.database_url, "postgresql://db.example/kp");
    ck_assert_str_eq(cfg.bind_address, "0.0.0.0");
    ck_assert_int_eq(cfg.port, 9090);
    ck_assert_int_eq(cfg.threads, 2);
    ck_assert_int_eq(cfg.db_pool_size, 256);
    ck_assert_str_eq(cfg.cors_origins, "https://a.example,https://b.example");
    ck_assert_str_eq(cfg.log_format, "json");
    ck_assert_str_eq(cfg.jwt_secret, SECRET_32);
    ck_assert_str_eq(cfg.app_env, "production");
    ck_assert_str_eq(cfg.data_dir, "state");
    ck_assert_int_eq(cfg.auto_migrate, 0);
    ck_assert_int_eq(cfg.cache_max_age_s, 0);
    config_free(&cfg);
}
END_TEST

START_TEST(empty_value_means_default) {
    setenv("PORT", "", 1);
    setenv("LOG_FORMAT", "", 1);
    setenv("JWT_SECRET", "", 1);
    config cfg;
    char err[256] = "";
    ck_assert_int_eq(config_load(&cfg, err, sizeof err), 0);
    ck_assert_int_eq(cfg.port, 8080);
    ck_assert_str_eq(cfg.log_format, "text");
    ck_assert_ptr_null(cfg.jwt_secret);
    config_free(&cfg);
}
END_TEST

START_TEST(integer_bounds_accepted) {
    static const struct {
        const char *var, *value;
    } ok[] = {
        {"PORT", "1"},
        {"PORT", "65535"},
        {"THREADS", "256"},
        {"STATEMENT_TIMEOUT_MS", "10"},
        {"MAX_BODY_BYTES", "1024"},
        {"MAX_BODY_BYTES", "67108864"},
        {"CACHE_MAX_AGE", "86400"},
        {"AUTO_MIGRATE", "1"},
    };
    char err[256];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        clear_env();
        setenv(ok[i].var, ok[i].value, 1);
        ck_assert_msg(load(err, sizeof err) == 0, "%s=%s rejected: %s", ok[i].var, ok[i].value,
                      err);
    }
}
END_TEST

START_TEST(bad_integers_name_the_variable) {
    static const struct {
        const char *var, *value;
    } bad[] = {
        {"PORT", "abc"},
        {"PORT", "80x"},
        {"PORT", "8080 "},
        {"PORT", "0"},
        {"PORT", "65536"},
        {"PORT", "-1"},
        {"PORT", "99999999999999999999999"},
        {"PORT", "1.5"},
        {"THREADS", "257"},
        {"DB_POOL_SIZE", "0"},
        {"DB_ACQUIRE_TIMEOUT_MS", "60001"},
        {"STATEMENT_TIMEOUT_MS", "9"},
        {"MAX_BODY_BYTES", "1023"},
        {"CONNECTION_LIMIT", "3"},
        {"PER_IP_CONNECTION_LIMIT", "65537"},
        {"CONNECTION_TIMEOUT_S", "3601"},
        {"AUTO_MIGRATE", "2"},
        {"CACHE_MAX_AGE", "-1"},
        {"CACHE_MAX_AGE", "86401"},
    };
    char err[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        clear_env();
        setenv(bad[i].var, bad[i].value, 1);
        ck_assert_msg(load(err, sizeof err) == -1, "%s=%s accepted", bad[i].var, bad[i].value);
        ck_assert_msg(strncmp(err, bad[i].var, strlen(bad[i].var)) == 0,
                      "error for %s=%s does not start with the name: %s", bad[i].var, bad[i].value,
                      err);
        ck_assert_msg(strstr(err, "integer") != NULL, "error lacks the expected type: %s", err);
    }
}
END_TEST

START_TEST(error_fits_small_buffer) {
    setenv("PER_IP_CONNECTION_LIMIT", "nope", 1);
    char err[12];
    memset(err, 'x', sizeof err);
    ck_assert_int_eq(load(err, sizeof err), -1);
    ck_assert_uint_eq(strlen(err), sizeof err - 1);
    ck_assert_str_eq(err, "PER_IP_CONN");
}
END_TEST

START_TEST(log_format_validated) {
    char err[256];
    static const char *const bad[] = {"xml", "JSON", "Text", "text "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("LOG_FORMAT", bad[i], 1);
        ck_assert_int_eq(load(err, sizeof err), -1);
        ck_assert_msg(strstr(err, "LOG_FORMAT") != NULL, "error: %s", err);
    }
    setenv("LOG_FORMAT", "json", 1);
    ck_assert_int_eq(load(err, sizeof err), 0);
}
END_TEST

START_TEST(app_env_validated) {
    char err[256];
    static const char *const bad[] = {"staging", "prod", "Production", "test"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("APP_ENV", bad[i], 1);
        ck_assert_int_eq(load(err, sizeof err), -1);
        ck_assert_msg(strstr(err, "APP_ENV") != NULL, "error: %s", err);
    }
    setenv("APP_ENV", "development", 1);
    ck_assert_int_eq(load(err, sizeof err), 0);
}
END_TEST

START_TEST(production_requires_jwt_secret) {
    char err[256];
    setenv("APP_ENV", "production", 1);
    ck_assert_int_eq(load(err, sizeof err), -1);
    ck_assert_msg(strstr(err, "JWT_SECRET") != NULL, "error: %s", err);
    setenv("JWT_SECRET", "", 1); /* empty counts as missing */
    ck_assert_int_eq(load(err, sizeof err), -1);
    ck_assert_msg(strstr(err, "JWT_SECRET") != NULL, "error: %s", err);
    setenv("JWT_SECRET", SECRET_32, 1);
    ck_assert_int_eq(load(err, sizeof err), 0);
}
END_TEST

START_TEST(development_allows_missing_secret) {
    char err[256];
    setenv("APP_ENV", "development", 1);
    ck_assert_int_eq(load(err, sizeof err), 0);
}
END_TEST

START_TEST(short_jwt_secret_rejected) {
    char err[256];
    static const char *const envs[] = {"development", "production"};
    for (size_t i = 0; i < 2; i++) {
        setenv("APP_ENV", envs[i], 1);
        setenv("JWT_SECRET", "0123456789abcdef0123456789abcde", 1); /* 31 bytes */
        ck_assert_int_eq(load(err, sizeof err), -1);
        ck_assert_msg(strstr(err, "JWT_SECRET") != NULL, "error: %s", err);
        setenv("JWT_SECRET", "short", 1);
        ck_assert_int_eq(load(err, sizeof err), -1);
        setenv("JWT_SECRET", SECRET_32, 1);
        ck_assert_int_eq(load(err, sizeof err), 0);
    }
}
END_TEST

START_TEST(openapi_path_default) {
    config cfg;
    char err[256];
    ck_assert_int_eq(config_load(&cfg, err, sizeof err), 0);
    ck_assert_str_eq(cfg.openapi_path, "migrations/../openapi/openapi.json");
    config_free(&cfg);

    setenv("MIGRATIONS_DIR", "/srv/kp/migrations", 1);
    ck_assert_int_eq(config_load(&cfg, err, sizeof err), 0);
    ck_assert_str_eq(cfg.openapi_path, "/srv/kp/migrations/../openapi/openapi.json");
    config_free(&cfg);

    char longdir[400];
    memset(longdir, 'd', sizeof longdir - 1);
    longdir[sizeof longdir - 1] = '\0';
    setenv("MIGRATIONS_DIR", longdir, 1);
    ck_assert_int_eq(config_load(&cfg, err, sizeof err), 0);
    char want[512];
    snprintf(want, sizeof want, "%s/../openapi/openapi.json", longdir);
    ck_assert_str_eq(cfg.openapi_path, want);
    config_free(&cfg);
}
END_TEST

START_TEST(openapi_path_override) {
    setenv("MIGRATIONS_DIR", "elsewhere", 1);
    setenv("OPENAPI_PATH", "spec/api.json", 1);
    config cfg;
    char err[256];
    ck_assert_int_eq(config_load(&cfg, err, sizeof err), 0);
    ck_assert_str_eq(cfg.openapi_path, "spec/api.json");
    config_free(&cfg);
}
END_TEST

START_TEST(free_is_idempotent) {
    config cfg;
    char err[256];
    ck_assert_int_eq(config_load(&cfg, err, sizeof err), 0);
    config_free(&cfg);
    ck_assert_ptr_null(cfg.database_url);
    ck_assert_ptr_null(cfg.openapi_path);
    config_free(&cfg);
}
END_TEST

int main(void) {
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_checked_fixture(tc, clear_env, clear_env);
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, overrides);
    tcase_add_test(tc, empty_value_means_default);
    tcase_add_test(tc, integer_bounds_accepted);
    tcase_add_test(tc, bad_integers_name_the_variable);
    tcase_add_test(tc, error_fits_small_buffer);
    tcase_add_test(tc, log_format_validated);
    tcase_add_test(tc, app_env_validated);
    tcase_add_test(tc, production_requires_jwt_secret);
    tcase_add_test(tc, development_allows_missing_secret);
    tcase_add_test(tc, short_jwt_secret_rejected);
    tcase_add_test(tc, openapi_path_default);
    tcase_add_test(tc, openapi_path_override);
    tcase_add_test(tc, free_is_idempotent);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
