/* Numbered SQL migrations (migrations/NNNN_name.sql): each applied once, in its own
 * transaction, recorded in schema_migrations. A line `-- kp:copy TABLE FILE` inside a
 * migration streams FILE (CSV with a header, path relative to the migrations folder) into
 * TABLE with COPY FROM STDIN, in the same transaction. */
#ifndef KP_DB_MIGRATE_H
#define KP_DB_MIGRATE_H

#include <stddef.h>

/* apply=1 applies pending migrations; apply=0 only checks. Returns 0 when the database is
 * at the code's version, -1 (with a message in err) when a migration failed, when the
 * database has migrations this build does not know (it is newer: refuse to run), or when
 * apply=0 and some are pending. */
int migrate_run(const char *url, const char *dir, int apply, char *err, size_t errlen);

#endif
