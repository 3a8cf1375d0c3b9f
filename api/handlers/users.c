/* Admins manage accounts: GET/POST /v1/users, GET/PATCH/DELETE /v1/users/{id}. */
#include "auth/accounts.h"
#include "auth/identity.h"
#include "auth/password.h"
#include "db/pgerr.h"
#include "db/pool.h"
#include "handlers/handlers.h"
#include "http/respond.h"
#include "model/values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int read_json_body(req_ctx *ctx, int patch, json_t **out); /* handlers/write.c */

#define USER_SELECT                                                                                \
    "SELECT row_to_json(j)::text FROM (SELECT u.id, u.email, u.display_name, u.role, "             \
    "u.disabled, (SELECT coalesce(json_agg(kp_ref(c.id, c.slug, c.name) ORDER BY c.name), "        \
    "'[]') FROM user_centre uc JOIN centre c ON c.id = uc.centre_id WHERE uc.user_id = u.id) "     \
    "AS centres, u.created_at, u.updated_at FROM app_user u "

static db_conn *admin_db(req_ctx *ctx) {
    db_conn *db = db_acquire_or_problem(&ctx->prob);
    if (!db) return NULL;
    if (auth_require(ctx, db) != 0) {
        db_release(db);
        return NULL;
    }
    if (!ctx->who.admin) {
        db_release(db);
        problem_set(&ctx->prob, 403, "forbidden", "only admins manage users");
        return NULL;
    }
    return db;
}

static int fail(req_ctx *ctx, PGresult *r) {
    if (strcmp(db_sqlstate(r), "23505") == 0) {
        problem_add_error(&ctx->prob, "email", "is already used by another account");
        return problem_set(&ctx->prob, 409, "conflict", "the e-mail address is taken");
    }
    if (strcmp(db_sqlstate(r), "23514") == 0) {
        problem_add_error(&ctx->prob, "email", "must be an e-mail address");
        return problem_set(&ctx->prob, 422, "validation-failed", "1 field(s) failed validation");
    }
    return pgerr_problem(&ctx->prob, r);
}

static PGresult *q(db_conn *db, const char *sql, int n, const char *const *p) {
    return db_exec(db, sql, n, p, 0);
}

static int send_user(req_ctx *ctx, db_conn *db, const char *id, int status) {
    const char *p[1] = {id};
    PGresult *r = q(db, USER_SELECT "WHERE u.id = $1::uuid) j", 1, p);
    int rc;
    if (!db_ok(r))
        rc = fail(ctx, r);
    else if (PQntuples(r) == 0)
        rc = problem_set(&ctx->prob, 404, "not-found", "no user %s", id);
    else {
        if (status == 201) {
            char loc[96];
            snprintf(loc, sizeof loc, "/v1/users/%s", id);
            respond_header(ctx, "Location", loc);
        }
        respond_body(ctx, status, "application/json", PQgetvalue(r, 0, 0),
                     (size_t)PQgetlength(r, 0, 0), NULL, 0);
        rc = 0;
    }
    PQclear(r);
    return rc;
}

/* Checks a user body; on success fills the SET list and parameters. */
typedef struct user_input {
    const char *email, *display_name, *role, *password;
    int has_display_name, disabled; /* disabled: -1 not given */
    json_t *centres;
} user_input;

static int check_user(req_ctx *ctx, json_t *body, int create, user_input *in) {
    static const char *const allowed[] = {"email",   "display_name", "role", "password",
                                          "centres", "disabled",     NULL};
    memset(in, 0, sizeof *in);
    in->disabled = -1;
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) {
        int known = 0;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(*a, k) == 0;
        if (!known) problem_add_error(&ctx->prob, k, "is not a field of users");
    }
    json_t *e = json_object_get(body, "email");
    if (e && (!json_is_string(e) || strlen(json_string_value(e)) > 254 ||
              !strchr(json_string_value(e), '@')))
        problem_add_error(&ctx->prob, "email", "must be an e-mail address");
    else if (e)
        in->email = json_string_value(e);
    json_t *d = json_object_get(body, "display_name");
    if (d && !json_is_null(d) && (!json_is_string(d) || strlen(json_string_value(d)) > 200))
        problem_add_error(&ctx->prob, "display_name", "must be text of at most 200 bytes");
    else if (d) {
        in->has_display_name = 1;
        in->display_name = json_string_value(d);
    }
    json_t *r = json_object_get(body, "role");
    const char *role = json_string_value(r);
    if (r && (!role || (strcmp(role, "admin") != 0 && strcmp(role, "editor") != 0)))
        problem_add_error(&ctx->prob, "role", "must be admin or editor");
    else
        in->role = role;
    json_t *p = json_object_get(body, "password");
    const char *pw = json_string_value(p);
    if (p && (!pw || strlen(pw) < PASSWORD_MIN_CHARS || strlen(pw) > PASSWORD_MAX_BYTES))
        problem_add_error(&ctx->prob, "password", "must be 12 to 256 characters");
    else
        in->password = pw;
    json_t *dis = json_object_get(body, "disabled");
    if (dis && !json_is_boolean(dis))
        problem_add_error(&ctx->prob, "disabled", "must be true or false");
    else if (dis)
        in->disabled = json_is_true(dis);
    json_t *c = json_object_get(body, "centres");
    if (c) {
        size_t i;
        json_t *x;
        int ok = json_is_array(c) && json_array_size(c) <= 20;
        if (ok)
            json_array_foreach(c, i, x) ok &=
                json_is_string(x) &&
                (value_is_slug(json_string_value(x)) || value_is_uuid(json_string_value(x)));
        if (!ok)
            problem_add_error(&ctx->prob, "centres", "must be an array of centre slugs or ids");
        else
            in->centres = c;
    }
    if (create) {
        if (!e) problem_add_error(&ctx->prob, "email", "is required");
        if (!r) problem_add_error(&ctx->prob, "role", "is required");
        if (!p) problem_add_error(&ctx->prob, "password", "is required");
    }
    if (ctx->prob.errors)
        return problem_set(&ctx->prob, 422, "validation-failed", "%zu field(s) failed validation",
                           json_array_size(ctx->prob.errors));
    return 0;
}

static int set_centres(req_ctx *ctx, db_conn *db, const char *id, json_t *centres) {
    const char *p[1] = {id};
    PGresult *r = q(db, "DELETE FROM user_centre WHERE user_id = $1::uuid", 1, p);
    int ok = db_ok(r);
    PQclear(r);
    if (!ok) return problem_set(&ctx->prob, 503, "database-unavailable", "try again");
    size_t i;
    json_t *x;
    json_array_foreach(centres, i, x) {
        const char *c[2] = {id, json_string_value(x)};
        r = q(db, accounts_centre_link_sql(c[1] ? c[1] : ""), 2, c);
        int found = db_ok(r) && strcmp(PQcmdTuples(r), "0") != 0;
        PQclear(r);
        if (!found) {
            char path[32], msg[160];
            snprintf(path, sizeof path, "centres[%zu]", i);
            snprintf(msg, sizeof msg, "no centre \"%s\"", json_string_value(x));
            problem_add_error(&ctx->prob, path, msg);
        }
    }
    if (ctx->prob.errors)
        return problem_set(&ctx->prob, 422, "validation-failed", "a centre does not exist");
    return 0;
}

int users_list(req_ctx *ctx) {
    if (query_reject_unused(&ctx->q, &ctx->prob) != 0) return -1;
    db_conn *db = admin_db(ctx);
    if (!db) return -1;
    PGresult *r = q(db,
                    "SELECT json_build_object('items', coalesce(json_agg(x.u ORDER BY x.e), "
                    "'[]'), 'next', NULL)::text FROM (SELECT row_to_json(j) AS u, j.email AS e "
                    "FROM (SELECT u.id, u.email, u.display_name, u.role, u.disabled, (SELECT "
                    "coalesce(json_agg(kp_ref(c.id, c.slug, c.name) ORDER BY c.name), '[]') FROM "
                    "user_centre uc JOIN centre c ON c.id = uc.centre_id WHERE uc.user_id = u.id) "
                    "AS centres, u.created_at, u.updated_at FROM app_user u ORDER BY u.email "
                    "LIMIT 1000) j) x",
                    0, NULL);
    int rc = -1;
    if (!db_ok(r))
        fail(ctx, r);
    else
        rc = respond_body(ctx, 200, "application/json", PQgetvalue(r, 0, 0),
                          (size_t)PQgetlength(r, 0, 0), NULL, 0);
    PQclear(r);
    db_release(db);
    return rc;
}

int users_get(req_ctx *ctx) {
    if (query_reject_unused(&ctx->q, &ctx->prob) != 0) return -1;
    if (!value_is_uuid(ctx->key))
        return problem_set(&ctx->prob, 404, "not-found", "no user %s", ctx->key);
    db_conn *db = admin_db(ctx);
    if (!db) return -1;
    int rc = send_user(ctx, db, ctx->key, 200);
    db_release(db);
    return rc;
}

int users_create(req_ctx *ctx) {
    json_t *body = NULL;
    db_conn *db = NULL;
    int rc = -1;
    user_input in;
    char hash[PASSWORD_HASH_MAX];
    if (query_reject_unused(&ctx->q, &ctx->prob) || !(db = admin_db(ctx))) goto done;
    if (read_json_body(ctx, 0, &body) || check_user(ctx, body, 1, &in)) goto done;
    if (password_hash(in.password, hash) != 0) goto done;
    PGresult *r = q(db, "BEGIN", 0, NULL);
    PQclear(r);
    const char *p[4] = {in.email, hash, in.role, in.display_name};
    r = q(db,
          "INSERT INTO app_user (email, password_hash, role, display_name, disabled) VALUES "
          "($1, $2, $3, $4, false) RETURNING id::text",
          4, p);
    if (!db_ok(r)) {
        fail(ctx, r);
        PQclear(r);
        goto done;
    }
    char id[40];
    snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    if (in.disabled == 1) {
        const char *d[1] = {id};
        PQclear(q(db, "UPDATE app_user SET disabled = true WHERE id = $1::uuid", 1, d));
    }
    if (in.centres && set_centres(ctx, db, id, in.centres) != 0) goto done;
    if (send_user(ctx, db, id, 201) != 0) goto done;
    r = q(db, "COMMIT", 0, NULL);
    if (!db_ok(r)) {
        PQclear(r);
        problem_set(&ctx->prob, 503, "database-unavailable", "try again");
        goto done;
    }
    PQclear(r);
    rc = 0;
done:
    db_release(db);
    json_decref(body);
    return rc;
}

int users_patch(req_ctx *ctx) {
    json_t *body = NULL;
    db_conn *db = NULL;
    int rc = -1;
    user_input in;
    char hash[PASSWORD_HASH_MAX] = "";
    if (query_reject_unused(&ctx->q, &ctx->prob)) goto done;
    if (!value_is_uuid(ctx->key)) {
        problem_set(&ctx->prob, 404, "not-found", "no user %s", ctx->key);
        goto done;
    }
    if (!(db = admin_db(ctx))) goto done;
    if (read_json_body(ctx, 1, &body) || check_user(ctx, body, 0, &in)) goto done;
    if (in.password && password_hash(in.password, hash) != 0) goto done;
    PQclear(q(db, "BEGIN", 0, NULL));
    const char *p[7] = {ctx->key,
                        in.email,
                        in.has_display_name ? "1" : NULL,
                        in.display_name,
                        in.role,
                        in.disabled < 0 ? NULL
                        : in.disabled   ? "true"
                                        : "false",
                        hash[0] ? hash : NULL};
    PGresult *r =
        q(db,
          "UPDATE app_user SET email = coalesce($2, email), display_name = CASE WHEN $3::text "
          "IS NULL THEN display_name ELSE $4 END, role = coalesce($5, role), disabled = "
          "coalesce($6::boolean, disabled), password_hash = coalesce($7, password_hash) "
          "WHERE id = $1::uuid RETURNING id",
          7, p);
    if (!db_ok(r)) {
        fail(ctx, r);
        PQclear(r);
        goto done;
    }
    int found = PQntuples(r) == 1;
    PQclear(r);
    if (!found) {
        problem_set(&ctx->prob, 404, "not-found", "no user %s", ctx->key);
        goto done;
    }
    /* A new password, a disabled account or a changed role ends every session. */
    if ((hash[0] || in.disabled == 1 || in.role) && accounts_revoke_all(db_pg(db), ctx->key) != 0) {
        problem_set(&ctx->prob, 503, "database-unavailable", "try again");
        goto done;
    }
    if (in.centres && set_centres(ctx, db, ctx->key, in.centres) != 0) goto done;
    if (send_user(ctx, db, ctx->key, 200) != 0) goto done;
    r = q(db, "COMMIT", 0, NULL);
    int ok = db_ok(r);
    PQclear(r);
    if (!ok) {
        problem_set(&ctx->prob, 503, "database-unavailable", "try again");
        goto done;
    }
    rc = 0;
done:
    db_release(db);
    json_decref(body);
    return rc;
}

int users_delete(req_ctx *ctx) {
    if (query_reject_unused(&ctx->q, &ctx->prob) != 0) return -1;
    if (!value_is_uuid(ctx->key))
        return problem_set(&ctx->prob, 404, "not-found", "no user %s", ctx->key);
    db_conn *db = admin_db(ctx);
    if (!db) return -1;
    int rc = -1;
    if (strcmp(ctx->key, ctx->who.user_id) == 0) {
        problem_set(&ctx->prob, 409, "conflict", "you cannot delete your own account");
    } else {
        const char *p[1] = {ctx->key};
        PGresult *r = q(db, "DELETE FROM app_user WHERE id = $1::uuid", 1, p);
        if (!db_ok(r))
            fail(ctx, r);
        else if (strcmp(PQcmdTuples(r), "1") != 0)
            problem_set(&ctx->prob, 404, "not-found", "no user %s", ctx->key);
        else
            rc = respond_empty(ctx, 204);
        PQclear(r);
    }
    db_release(db);
    return rc;
}
