/* Bearer tokens → identity, with revocation checked in the database on every request
 * (so it holds across API instances). */
#ifndef KP_AUTH_IDENTITY_H
#define KP_AUTH_IDENTITY_H

#include "db/pool.h"
#include "http/context.h"

/* 0: anonymous (no Authorization) or identified (ctx->who.present); -1: a 401/503 problem.
 * Runs once per request. */
int auth_identify(req_ctx *ctx, db_conn *db);
/* Like auth_identify, but anonymous is a 401. */
int auth_require(req_ctx *ctx, db_conn *db);
/* 1 when the identity may act for centre_id (admins: always). */
int auth_has_centre(const identity *who, const char *centre_id);

#endif
