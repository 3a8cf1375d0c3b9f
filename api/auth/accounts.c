#include "auth/accounts.h"

#include "auth/password.h"
#include "log.h"
#include "model/values.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int run(PGconn *pg, const char *sql, int n, const char *const *params, char *err,
               size_t errlen) {
    PGresult *r = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok && err) snprintf(err, errlen, "%s", PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
}

int accounts_revoke_all(PGconn *pg, const char *user_id) {
    const char *p[1] = {user_id};
    if (run(pg, "UPDATE app_user SET tokens_valid_after = now() WHERE id = $1::uuid", 1, p, NULL,
            0) != 0)
        return -1;
    return run(pg,
               "UPDATE refresh_token SET revoked_at = now() WHERE user_id = $1::uuid AND "
               "revoked_at IS NULL",
               1, p, NULL, 0);
}

const char *accounts_centre_link_sql(const char *centre) {
    /* by id or by slug, each through its index (not id::text, which scans every centre) */
    return value_is_uuid(centre) ? "INSERT INTO user_centre (user_id, centre_id) SELECT $1::uuid, "
                                   "id FROM centre WHERE id = $2::uuid ON CONFLICT DO NOTHING"
                                 : "INSERT INTO user_centre (user_id, centre_id) SELECT $1::uuid, "
                                   "id FROM centre WHERE slug = $2 ON CONFLICT DO NOTHING";
}

int accounts_upsert(PGconn *pg, const char *email, const char *password, const char *role,
                    const char *const *centres, int ncentres, char *err, size_t errlen) {
    char hash[PASSWORD_HASH_MAX];
    if (strlen(password) < PASSWORD_MIN_CHARS || strlen(password) > PASSWORD_MAX_BYTES) {
        snprintf(err, errlen, "the password must be %d to %d characters", PASSWORD_MIN_CHARS,
                 PASSWORD_MAX_BYTES);
        return -1;
    }
    if (password_hash(password, hash) != 0) {
        snprintf(err, errlen, "hashing failed");
        return -1;
    }
    if (run(pg, "BEGIN", 0, NULL, err, errlen) != 0) return -1;
    const char *p[3] = {email, hash, role};
    PGresult *r = PQexecParams(pg,
                               "INSERT INTO app_user (email, password_hash, role) VALUES ($1, $2, "
                               "$3) ON CONFLICT (lower(email)) DO UPDATE SET password_hash = $2, "
                               "role = $3, disabled = false RETURNING id::text",
                               3, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "%s", PQresultErrorMessage(r));
        PQclear(r);
        run(pg, "ROLLBACK", 0, NULL, NULL, 0);
        return -1;
    }
    char id[40];
    snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *d[1] = {id};
    int rc = run(pg, "DELETE FROM user_centre WHERE user_id = $1::uuid", 1, d, err, errlen);
    for (int i = 0; rc == 0 && i < ncentres; i++) {
        const char *c[2] = {id, centres[i]};
        PGresult *x =
            PQexecParams(pg, accounts_centre_link_sql(centres[i]), 2, NULL, c, NULL, NULL, 0);
        if (PQresultStatus(x) != PGRES_COMMAND_OK || strcmp(PQcmdTuples(x), "1") != 0) {
            snprintf(err, errlen, "no centre \"%s\"", centres[i]);
            rc = -1;
        }
        PQclear(x);
    }
    if (rc == 0) rc = accounts_revoke_all(pg, id);
    if (rc == 0) rc = run(pg, "COMMIT", 0, NULL, err, errlen);
    if (rc != 0) run(pg, "ROLLBACK", 0, NULL, NULL, 0);
    return rc;
}

int accounts_bootstrap_admin(const char *url, const char *data_dir, const char *email) {
    PGconn *pg = PQconnectdb(url);
    int rc = -1;
    if (PQstatus(pg) != CONNECTION_OK) goto done;
    PGresult *r = PQexec(pg, "SELECT EXISTS (SELECT 1 FROM app_user WHERE role = 'admin')");
    int exists = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (exists) {
        rc = 0;
        goto done;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/admin-credentials", data_dir);
    mkdir(data_dir, 0700);
    /* Written once: never overwrite credentials someone may already have read. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        log_warn("no admin exists, and %s cannot be created (%s): create one with "
                 "`knutepunkt user-add EMAIL admin`",
                 path, strerror(errno));
        goto done;
    }
    char password[64], err[512];
    password_generate(password, sizeof password);
    if (accounts_upsert(pg, email, password, "admin", NULL, 0, err, sizeof err) != 0) {
        log_error("creating the first admin failed: %s", err);
        close(fd);
        unlink(path);
        goto done;
    }
    char text[512];
    int n = snprintf(text, sizeof text, "email=%s\npassword=%s\n", email, password);
    if (write(fd, text, (size_t)n) != n) log_warn("could not write %s", path);
    close(fd);
    log_info("created the first admin %s; the password is in %s (log in with POST "
             "/v1/auth/token)",
             email, path);
    rc = 0;
done:
    PQfinish(pg);
    return rc;
}
