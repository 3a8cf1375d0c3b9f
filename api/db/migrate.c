#include "db/migrate.h"

#include "core/strbuf.h"
#include "log.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MIGRATIONS 512
#define MAX_FILE_BYTES (64 * 1024 * 1024)

static int is_migration_name(const char *n) {
    size_t len = strlen(n);
    if (len < 9 || strcmp(n + len - 4, ".sql") != 0) return 0;
    for (int i = 0; i < 4; i++)
        if (n[i] < '0' || n[i] > '9') return 0;
    return n[4] == '_';
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    strbuf sb;
    sb_init(&sb, MAX_FILE_BYTES);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_append(&sb, buf, n);
    fclose(f);
    if (sb.failed) {
        sb_cleanup(&sb);
        return NULL;
    }
    sb_putc(&sb, '\0');
    sb.len--;
    return sb_steal(&sb, len_out);
}

static int exec_sql(PGconn *pg, const char *sql, char *err, size_t errlen) {
    PGresult *r = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
    if (!ok) snprintf(err, errlen, "%s", PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
}

static int copy_file(PGconn *pg, const char *dir, const char *table, const char *file, char *err,
                     size_t errlen) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    size_t len = 0;
    char *data = read_file(path, &len);
    if (!data) {
        snprintf(err, errlen, "cannot read %.200s", file);
        return -1;
    }
    char sql[512];
    snprintf(sql, sizeof sql, "COPY %s FROM STDIN WITH (FORMAT csv, HEADER true)", table);
    PGresult *r = PQexec(pg, sql);
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    if (!ok) snprintf(err, errlen, "%s", PQresultErrorMessage(r));
    PQclear(r);
    if (ok) {
        ok = PQputCopyData(pg, data, (int)len) == 1 && PQputCopyEnd(pg, NULL) == 1;
        while ((r = PQgetResult(pg)) != NULL) {
            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                ok = 0;
                snprintf(err, errlen, "%s", PQresultErrorMessage(r));
            }
            PQclear(r);
        }
    }
    free(data);
    return ok ? 0 : -1;
}

/* Runs one migration's text, streaming the kp:copy directives. */
static int apply_text(PGconn *pg, const char *dir, char *text, char *err, size_t errlen) {
    static const char directive[] = "-- kp:copy ";
    char *chunk = text;
    for (;;) {
        char *d = strstr(chunk, directive);
        while (d && d != text && d[-1] != '\n')
            d = strstr(d + 1, directive);
        if (!d) return exec_sql(pg, chunk, err, errlen);
        *d = '\0';
        if (exec_sql(pg, chunk, err, errlen) != 0) return -1;
        char *line = d + sizeof directive - 1;
        char *eol = strchr(line, '\n');
        if (eol) *eol = '\0';
        char table[128], file[1024];
        if (sscanf(line, "%127s %1023s", table, file) != 2) {
            snprintf(err, errlen, "bad kp:copy line: %s", line);
            return -1;
        }
        if (copy_file(pg, dir, table, file, err, errlen) != 0) return -1;
        if (!eol) return 0;
        chunk = eol + 1;
    }
}

static int is_applied(PGresult *applied, const char *version) {
    for (int i = 0; i < PQntuples(applied); i++)
        if (strcmp(PQgetvalue(applied, i, 0), version) == 0) return 1;
    return 0;
}

int migrate_run(const char *url, const char *dir, int apply, char *err, size_t errlen) {
    int rc = -1, n = 0;
    char *names[MAX_MIGRATIONS];
    PGresult *applied = NULL;
    PGconn *pg = PQconnectdb(url);
    if (PQstatus(pg) != CONNECTION_OK) {
        snprintf(err, errlen, "cannot connect to the database: %s", PQerrorMessage(pg));
        goto done;
    }
    PQsetNoticeProcessor(pg, NULL, NULL);
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "cannot open migrations folder %s", dir);
        goto done;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_MIGRATIONS)
        if (is_migration_name(e->d_name)) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_names);

    /* One migrator at a time, across every instance starting against this database. */
    if (exec_sql(pg,
                 "SET client_min_messages = warning;"
                 "SELECT pg_advisory_lock(727001);"
                 "CREATE TABLE IF NOT EXISTS schema_migrations ("
                 " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                 err, errlen) != 0)
        goto done;
    applied = PQexec(pg, "SELECT version FROM schema_migrations ORDER BY version");
    if (PQresultStatus(applied) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "%s", PQresultErrorMessage(applied));
        goto done;
    }
    for (int i = 0; i < PQntuples(applied); i++) {
        const char *v = PQgetvalue(applied, i, 0);
        int known = 0;
        for (int j = 0; j < n && !known; j++)
            known = strncmp(names[j], v, strlen(v)) == 0;
        if (!known) {
            snprintf(err, errlen,
                     "the database has migration %s, which this build does not know: it was "
                     "migrated by a newer version; refusing to start",
                     v);
            goto done;
        }
    }
    for (int i = 0; i < n; i++) {
        char version[256];
        snprintf(version, sizeof version, "%.*s", (int)(strlen(names[i]) - 4), names[i]);
        if (is_applied(applied, version)) continue;
        if (!apply) {
            snprintf(err, errlen, "migration %s is pending (AUTO_MIGRATE=0)", version);
            goto done;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *text = read_file(path, NULL);
        if (!text) {
            snprintf(err, errlen, "cannot read %s", path);
            goto done;
        }
        char msg[1024] = "";
        int ok = exec_sql(pg, "BEGIN", msg, sizeof msg) == 0 &&
                 apply_text(pg, dir, text, msg, sizeof msg) == 0;
        free(text);
        if (ok) {
            const char *p[1] = {version};
            PGresult *r = PQexecParams(pg, "INSERT INTO schema_migrations (version) VALUES ($1)", 1,
                                       NULL, p, NULL, NULL, 0);
            ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            if (!ok) snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
            PQclear(r);
        }
        if (ok) ok = exec_sql(pg, "COMMIT", msg, sizeof msg) == 0;
        if (!ok) {
            char ignore[16];
            exec_sql(pg, "ROLLBACK", ignore, sizeof ignore);
            snprintf(err, errlen, "migration %s failed, nothing of it applied: %s", version, msg);
            goto done;
        }
        log_info("applied migration %s", version);
    }
    rc = 0;
done:
    PQclear(applied);
    for (int i = 0; i < n; i++)
        free(names[i]);
    if (pg && PQstatus(pg) == CONNECTION_OK) {
        PGresult *r = PQexec(pg, "SELECT pg_advisory_unlock(727001)");
        PQclear(r);
    }
    PQfinish(pg);
    return rc;
}
