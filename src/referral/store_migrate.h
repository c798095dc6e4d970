/* store_migrate.h: the one schema-migration mechanism of the storage
 * backends. Each backend has its own list of migrations (SQL in its own
 * dialect); step i takes the schema from version i to i+1, and the version
 * reached is kept in a table schema_version(version, applied_at). Applied
 * at open, all pending steps in ONE transaction under a lock that excludes
 * other processes (SQLite BEGIN IMMEDIATE, PostgreSQL
 * pg_advisory_xact_lock), re-reading the version once the lock is held, so
 * two servers starting at once migrate once. A database newer than the list
 * is refused (an older mmpath must not write a schema it does not know).
 * Append to a list; never edit a shipped step. */
#ifndef MM_REFERRAL_STORE_MIGRATE_H
#define MM_REFERRAL_STORE_MIGRATE_H
#include <stddef.h>

/* What a backend gives the migrator. Each returns 0 or an MM_REF_E* code,
 * with the reason in the backend's own message. */
typedef struct mm_ref_migrator {
  void *ctx;
  /* the schema version (0: an empty database) without any lock */
  int (*version)(void *ctx, int *v);
  /* starts the transaction and takes the migration lock */
  int (*lock)(void *ctx);
  /* runs one step's SQL, then records version v */
  int (*apply)(void *ctx, const char *sql, int v);
  int (*commit)(void *ctx);
  void (*rollback)(void *ctx);
} mm_ref_migrator;

/* Brings the schema to version n (steps[0..n-1]). msg gets the reason of a
 * refusal (a newer schema). */
int mm_ref_migrate(const mm_ref_migrator *m, const char *const *steps, int n, char *msg,
                   size_t msg_len);

#endif
