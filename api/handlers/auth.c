/* Log in, refresh, log out, who am I, change my password. */
#include "auth/accounts.h"
#include "auth/identity.h"
#include "auth/password.h"
#include "auth/token.h"
#include "db/pgerr.h"
#include "db/pool.h"
#include "handlers/handlers.h"
#include "http/respond.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LOGIN_MAX_FAILURES "5" /* within LOGIN_WINDOW, per e-mail and per address */
#define LOGIN_WINDOW       "15 minutes"

int read_json_body(req_ctx *ctx, int patch, json_t **out); /* handlers/write.c */

/* A required string member of the body, or a 422 error for it. */
static const char *body_string(req_ctx *ctx, json_t *body, const char *name, size_t max) {
    json_t *v = json_object_get(body, name);
    const char *s = json_string_value(v);
    if (!s || !*s || strlen(s) > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "is required: text of at most %zu bytes", max);
        problem_add_error(&ctx->prob, name, msg);
        return NULL;
    }
    return s;
}

static int unknown_members(req_ctx *ctx, json_t *body, const char *const *allowed) {
    const char *k;
    json_t *v;
    int bad = 0;
    json_object_foreach(body, k, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k) == 0;
        if (!ok) {
            problem_add_error(&ctx->prob, k, "is not a known field");
            bad = 1;
        }
    }
    return bad;
}

static int validation_failed(req_ctx *ctx) {
    return problem_set(&ctx->prob, 422, "validation-failed", "%zu field(s) failed validation",
                       ctx->prob.errors ? json_array_size(ctx->prob.errors) : (size_t)0);
}

/* The client address as a rate-limit key; hashed in SQL, never stored in clear. */
static void client_key(req_ctx *ctx, char *out, size_t n) {
    const struct sockaddr *sa = ctx->req->client_address;
    char ip[INET6_ADDRSTRLEN] = "unknown";
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip,
                  sizeof ip);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip,
                  sizeof ip);
    snprintf(out, n, "%s", ip);
}

static int run(req_ctx *ctx, db_conn *db, const char *sql, int n, const char *const *p,
               PGresult **out) {
    PGresult *r = db_exec(db, sql, n, p, 0);
    if (!db_ok(r)) {
        pgerr_problem(&ctx->prob, r);
        PQclear(r);
        return -1;
    }
    if (out)
        *out = r;
    else
        PQclear(r);
    return 0;
}

/* Issues an access token and a refresh token of `family` (a new family when NULL). */
static int issue_tokens(req_ctx *ctx, db_conn *db, const char *user_id, const char *role,
                        const char *family) {
    char refresh[64];
    if (random_token(refresh, sizeof refresh, 32) != 0)
        return problem_set(&ctx->prob, 500, "internal", "no randomness");
    const char *p[3] = {user_id, refresh, family ? family : ""};
    PGresult *r = NULL;
    if (run(ctx, db,
            "INSERT INTO refresh_token (family_id, user_id, token_hash, expires_at) "
            "VALUES (coalesce(nullif($3, '')::uuid, gen_random_uuid()), $1::uuid, "
            "digest($2, 'sha256'), now() + interval '7 days') "
            "RETURNING family_id::text, gen_random_uuid()::text",
            3, p, &r) != 0)
        return -1;
    char *access = NULL;
    int rc = token_issue(user_id, role, PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 0), &access);
    PQclear(r);
    if (rc != 0)
        return problem_set(&ctx->prob, 503, "tokens-unavailable",
                           "tokens cannot be issued: the server has no JWT_SECRET");
    PGresult *c = db_exec_once(db, "COMMIT", 0, NULL);
    int ok = db_ok(c);
    PQclear(c);
    if (!ok) {
        free(access);
        return problem_set(&ctx->prob, 503, "database-unavailable", "the database failed");
    }
    json_t *o = json_pack("{s:s,s:s,s:i,s:s}", "access_token", access, "token_type", "Bearer",
                          "expires_in", ACCESS_TOKEN_TTL_S, "refresh_token", refresh);
    char *s = json_dumps(o, JSON_COMPACT);
    respond_header(ctx, "Pragma", "no-cache");
    respond_body(ctx, 200, "application/json", s, strlen(s), NULL, 0);
    respond_header(ctx, "Cache-Control", "no-store");
    free(s);
    json_decref(o);
    free(access);
    return 0;
}

int auth_token(req_ctx *ctx) {
    static const char *const allowed[] = {"email", "password", NULL};
    json_t *body = NULL;
    db_conn *db = NULL;
    PGresult *r = NULL;
    int rc = -1;
    char addr[64];
    client_key(ctx, addr, sizeof addr);
    if (query_reject_unused(&ctx->q, &ctx->prob) || read_json_body(ctx, 0, &body)) goto done;
    int bad = unknown_members(ctx, body, allowed);
    const char *email = body_string(ctx, body, "email", 254);
    const char *password = body_string(ctx, body, "password", PASSWORD_MAX_BYTES);
    if (bad || !email || !password) {
        validation_failed(ctx);
        goto done;
    }
    if (!(db = db_acquire_or_problem(&ctx->prob))) goto done;
    /* Both limits are in the database, so every instance shares them. */
    const char *lim[2] = {email, addr};
    if (run(ctx, db,
            "SELECT count(*) >= " LOGIN_MAX_FAILURES
            ", ceil(extract(epoch FROM (min(at) + interval '" LOGIN_WINDOW
            "' - now())))::int FROM login_failure WHERE key IN ('email:' || lower($1), 'addr:' || "
            "encode(digest($2, 'sha256'), 'hex')) AND at > now() - interval '" LOGIN_WINDOW "' "
            "GROUP BY key ORDER BY 1 DESC, 2 DESC LIMIT 1",
            2, lim, &r) != 0)
        goto done;
    if (PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't') {
        int wait = atoi(PQgetvalue(r, 0, 1));
        ctx->prob.retry_after = wait > 0 ? wait : 1;
        problem_set(&ctx->prob, 429, "too-many-attempts",
                    "too many failed logins; try again in %d seconds", ctx->prob.retry_after);
        goto done;
    }
    PQclear(r);
    r = NULL;
    const char *u[1] = {email};
    if (run(ctx, db,
            "SELECT id::text, password_hash, role, disabled FROM app_user "
            "WHERE lower(email) = lower($1)",
            1, u, &r) != 0)
        goto done;
    int found = PQntuples(r) == 1;
    /* An unknown e-mail still pays for one argon2 verification: same time, same answer. */
    int ok = password_verify(found ? PQgetvalue(r, 0, 1) : NULL, password);
    if (!ok || !found || PQgetvalue(r, 0, 3)[0] == 't') {
        const char *f[2] = {email, addr};
        run(ctx, db,
            "INSERT INTO login_failure (key) VALUES ('email:' || lower($1)), "
            "('addr:' || encode(digest($2, 'sha256'), 'hex'))",
            2, f, NULL);
        PGresult *prune = db_exec(
            db, "DELETE FROM login_failure WHERE at < now() - interval '1 day'", 0, NULL, 0);
        PQclear(prune);
        ctx->prob.www_authenticate = 1;
        problem_set(&ctx->prob, 401, "login-failed", "wrong e-mail or password");
        goto done;
    }
    const char *clear[1] = {email};
    if (run(ctx, db, "BEGIN", 0, NULL, NULL) != 0 ||
        run(ctx, db, "DELETE FROM login_failure WHERE key = 'email:' || lower($1)", 1, clear,
            NULL) != 0)
        goto done;
    rc = issue_tokens(ctx, db, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 2), NULL);
done:
    PQclear(r);
    db_release(db);
    json_decref(body);
    return rc;
}

int auth_refresh(req_ctx *ctx) {
    static const char *const allowed[] = {"refresh_token", NULL};
    json_t *body = NULL;
    db_conn *db = NULL;
    PGresult *r = NULL;
    int rc = -1;
    if (query_reject_unused(&ctx->q, &ctx->prob) || read_json_body(ctx, 0, &body)) goto done;
    int bad = unknown_members(ctx, body, allowed);
    const char *token = body_string(ctx, body, "refresh_token", 200);
    if (bad || !token) {
        validation_failed(ctx);
        goto done;
    }
    if (!(db = db_acquire_or_problem(&ctx->prob))) goto done;
    const char *p[1] = {token};
    if (run(ctx, db, "BEGIN", 0, NULL, NULL) != 0 ||
        run(ctx, db,
            "SELECT t.id::text, t.family_id::text, t.user_id::text, t.used_at IS NOT NULL, "
            "t.revoked_at IS NOT NULL OR t.expires_at < now() OR u.disabled, u.role "
            "FROM refresh_token t JOIN app_user u ON u.id = t.user_id "
            "WHERE t.token_hash = digest($1, 'sha256') FOR UPDATE OF t",
            1, p, &r) != 0)
        goto done;
    ctx->prob.www_authenticate = 1;
    if (PQntuples(r) != 1) {
        problem_set(&ctx->prob, 401, "invalid-token", "the refresh token is not valid");
        goto done;
    }
    const char *fam[1] = {PQgetvalue(r, 0, 1)};
    if (PQgetvalue(r, 0, 3)[0] == 't') {
        /* A rotated token came back: someone else has the chain. End it for everyone. */
        if (run(ctx, db,
                "UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1::uuid AND "
                "revoked_at IS NULL",
                1, fam, NULL) == 0) {
            PGresult *c = db_exec_once(db, "COMMIT", 0, NULL);
            PQclear(c);
        }
        problem_set(&ctx->prob, 401, "invalid-token",
                    "this refresh token was already used; the session has been revoked, log in "
                    "again");
        goto done;
    }
    if (PQgetvalue(r, 0, 4)[0] == 't') {
        problem_set(&ctx->prob, 401, "invalid-token",
                    "the refresh token has expired or was revoked");
        goto done;
    }
    ctx->prob.www_authenticate = 0;
    const char *id[1] = {PQgetvalue(r, 0, 0)};
    if (run(ctx, db, "UPDATE refresh_token SET used_at = now() WHERE id = $1::uuid", 1, id, NULL) !=
        0)
        goto done;
    rc = issue_tokens(ctx, db, PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 5), PQgetvalue(r, 0, 1));
done:
    PQclear(r);
    db_release(db);
    json_decref(body);
    return rc;
}

int auth_logout(req_ctx *ctx) {
    db_conn *db = NULL;
    int rc = -1;
    if (query_reject_unused(&ctx->q, &ctx->prob) || !(db = db_acquire_or_problem(&ctx->prob)))
        goto done;
    if (auth_require(ctx, db) != 0) goto done;
    char exp[24];
    snprintf(exp, sizeof exp, "%ld", ctx->who.exp);
    const char *p[3] = {ctx->who.jti, exp, ctx->who.fam};
    if (run(ctx, db, "BEGIN", 0, NULL, NULL) != 0 ||
        run(ctx, db,
            "INSERT INTO revoked_token (jti, expires_at) VALUES ($1::uuid, "
            "to_timestamp($2::float8)) "
            "ON CONFLICT DO NOTHING",
            2, p, NULL) != 0 ||
        run(ctx, db,
            "UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1::uuid AND "
            "revoked_at IS NULL",
            1, p + 2, NULL) != 0 ||
        run(ctx, db, "DELETE FROM revoked_token WHERE expires_at < now()", 0, NULL, NULL) != 0 ||
        run(ctx, db, "COMMIT", 0, NULL, NULL) != 0)
        goto done;
    respond_header(ctx, "Cache-Control", "no-store");
    rc = respond_empty(ctx, 204);
done:
    db_release(db);
    return rc;
}

static const char user_json_sql[] =
    "SELECT row_to_json(j)::text FROM (SELECT u.id, u.email, u.display_name, u.role, "
    "u.disabled, (SELECT coalesce(json_agg(kp_ref(c.id, c.slug, c.name) ORDER BY c.name), '[]') "
    "FROM user_centre uc JOIN centre c ON c.id = uc.centre_id WHERE uc.user_id = u.id) AS "
    "centres, u.created_at, u.updated_at FROM app_user u WHERE u.id = $1::uuid) j";

int auth_me(req_ctx *ctx) {
    db_conn *db = NULL;
    PGresult *r = NULL;
    int rc = -1;
    if (query_reject_unused(&ctx->q, &ctx->prob) || !(db = db_acquire_or_problem(&ctx->prob)))
        goto done;
    if (auth_require(ctx, db) != 0) goto done;
    const char *p[1] = {ctx->who.user_id};
    if (run(ctx, db, user_json_sql, 1, p, &r) != 0) goto done;
    respond_body(ctx, 200, "application/json", PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0),
                 NULL, 0);
    rc = 0;
done:
    PQclear(r);
    db_release(db);
    return rc;
}

int auth_change_password(req_ctx *ctx) {
    static const char *const allowed[] = {"current_password", "new_password", NULL};
    json_t *body = NULL;
    db_conn *db = NULL;
    PGresult *r = NULL;
    int rc = -1;
    if (query_reject_unused(&ctx->q, &ctx->prob) || !(db = db_acquire_or_problem(&ctx->prob)))
        goto done;
    if (auth_require(ctx, db) != 0 || read_json_body(ctx, 0, &body) != 0) goto done;
    int bad = unknown_members(ctx, body, allowed);
    const char *cur = body_string(ctx, body, "current_password", PASSWORD_MAX_BYTES);
    const char *next = body_string(ctx, body, "new_password", PASSWORD_MAX_BYTES);
    if (next && strlen(next) < PASSWORD_MIN_CHARS) {
        char msg[64];
        snprintf(msg, sizeof msg, "must be at least %d characters", PASSWORD_MIN_CHARS);
        problem_add_error(&ctx->prob, "new_password", msg);
        bad = 1;
    }
    if (bad || !cur || !next) {
        validation_failed(ctx);
        goto done;
    }
    const char *p[1] = {ctx->who.user_id};
    if (run(ctx, db, "SELECT password_hash FROM app_user WHERE id = $1::uuid", 1, p, &r) != 0)
        goto done;
    if (PQntuples(r) != 1 || !password_verify(PQgetvalue(r, 0, 0), cur)) {
        problem_add_error(&ctx->prob, "current_password", "is not your current password");
        problem_set(&ctx->prob, 422, "validation-failed", "1 field(s) failed validation");
        goto done;
    }
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(next, hash) != 0) {
        problem_set(&ctx->prob, 500, "internal", "hashing failed");
        goto done;
    }
    const char *u[2] = {ctx->who.user_id, hash};
    if (run(ctx, db, "BEGIN", 0, NULL, NULL) != 0 ||
        run(ctx, db, "UPDATE app_user SET password_hash = $2 WHERE id = $1::uuid", 2, u, NULL) ||
        accounts_revoke_all(db_pg(db), ctx->who.user_id) != 0 ||
        run(ctx, db, "COMMIT", 0, NULL, NULL) != 0) {
        if (!ctx->prob.status) problem_set(&ctx->prob, 503, "database-unavailable", "try again");
        goto done;
    }
    respond_header(ctx, "Cache-Control", "no-store");
    rc = respond_empty(ctx, 204);
done:
    PQclear(r);
    db_release(db);
    json_decref(body);
    return rc;
}
