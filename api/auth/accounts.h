/* Account operations shared by the HTTP handlers, the first-start admin and the
 * `knutepunkt user-add` command. */
#ifndef KP_AUTH_ACCOUNTS_H
#define KP_AUTH_ACCOUNTS_H

#include <libpq-fe.h>
#include <stddef.h>

/* The statement that binds user $1 to centre $2 (the centre given as id or slug; no row
 * inserted when there is no such centre, or the binding exists). */
const char *accounts_centre_link_sql(const char *centre);
/* Creates or updates (by e-mail) a user with this password, role and centres (slugs or ids,
 * may be NULL). Returns 0 or -1 with a message in err. Runs in its own transaction. */
int accounts_upsert(PGconn *pg, const char *email, const char *password, const char *role,
                    const char *const *centres, int ncentres, char *err, size_t errlen);
/* On first start (no admin yet) creates admin ADMIN_EMAIL with a generated password that is
 * written once to <data_dir>/admin-credentials (mode 0600). */
int accounts_bootstrap_admin(const char *url, const char *data_dir, const char *email);
/* Revokes every token of a user (password change, disabling): same transaction as pg's. */
int accounts_revoke_all(PGconn *pg, const char *user_id);

#endif
