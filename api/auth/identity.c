#include "auth/identity.h"

#include "auth/token.h"
#include "db/pgerr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int invalid(req_ctx *ctx, const char *why) {
    ctx->prob.www_authenticate = 1;
    return problem_set(&ctx->prob, 401, "invalid-token", "%s", why);
}

int auth_identify(req_ctx *ctx, db_conn *db) {
    if (ctx->identified) return ctx->who.present || !ctx->prob.status ? 0 : -1;
    ctx->identified = 1;
    const char *h = u_map_get_case(ctx->req->map_header, "Authorization");
    if (!h) return 0;
    if (strncasecmp(h, "Bearer ", 7) != 0)
        return invalid(ctx, "use Authorization: Bearer <access token>");
    token_claims c;
    if (token_verify(h + 7, &c) != 0) return invalid(ctx, "the access token is invalid or expired");
    char ms[32];
    snprintf(ms, sizeof ms, "%lld", c.iat_ms);
    const char *params[4] = {c.sub, ms, c.jti, c.fam};
    PGresult *r = db_exec(
        db,
        "SELECT u.role, u.disabled OR u.tokens_valid_after > to_timestamp($2::float8 / 1000)"
        "   OR EXISTS (SELECT 1 FROM revoked_token WHERE jti = $3::uuid)"
        "   OR EXISTS (SELECT 1 FROM refresh_token WHERE family_id = $4::uuid"
        "              AND revoked_at IS NOT NULL),"
        " coalesce((SELECT array_agg(centre_id ORDER BY centre_id)::text FROM user_centre"
        "           WHERE user_id = u.id), '{}'),"
        " (SELECT count(*) FROM user_centre WHERE user_id = u.id),"
        " (SELECT min(centre_id::text) FROM user_centre WHERE user_id = u.id)"
        " FROM app_user u WHERE u.id = $1::uuid",
        4, params, 1);
    int rc;
    if (!db_ok(r)) {
        rc = pgerr_problem(&ctx->prob, r);
    } else if (PQntuples(r) != 1) {
        rc = invalid(ctx, "the token's user no longer exists");
    } else if (strcmp(PQgetvalue(r, 0, 1), "t") == 0) {
        rc = invalid(ctx, "the token was revoked");
    } else {
        identity *w = &ctx->who;
        w->present = 1;
        snprintf(w->user_id, sizeof w->user_id, "%s", c.sub);
        snprintf(w->role, sizeof w->role, "%s", PQgetvalue(r, 0, 0));
        w->admin = strcmp(w->role, "admin") == 0;
        snprintf(w->centres, sizeof w->centres, "%s", PQgetvalue(r, 0, 2));
        w->ncentres = atoi(PQgetvalue(r, 0, 3));
        snprintf(w->first_centre, sizeof w->first_centre, "%s", PQgetvalue(r, 0, 4));
        snprintf(w->jti, sizeof w->jti, "%s", c.jti);
        snprintf(w->fam, sizeof w->fam, "%s", c.fam);
        w->exp = c.exp;
        rc = 0;
    }
    PQclear(r);
    return rc;
}

int auth_require(req_ctx *ctx, db_conn *db) {
    if (auth_identify(ctx, db) != 0) return -1;
    if (ctx->who.present) return 0;
    ctx->prob.www_authenticate = 1;
    return problem_set(&ctx->prob, 401, "unauthenticated",
                       "this needs Authorization: Bearer <access token> from POST /v1/auth/token");
}

int auth_has_centre(const identity *who, const char *centre_id) {
    if (who->admin) return 1;
    if (!centre_id || !*centre_id) return 0;
    return strstr(who->centres, centre_id) != NULL;
}
