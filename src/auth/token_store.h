/* token_store.h: the server's own tables in the mmpath SQLite file: API tokens
 * (hashed with SHA-256, never stored in clear) and the audit log of every
 * change with who made it. The referral store owns PRAGMA user_version and
 * its own tables; ours are created idempotently and versioned in
 * `server_schema`. One connection per request (SQLite connections are not
 * shared between threads). */
#ifndef MM_AUTH_TOKEN_STORE_H
#define MM_AUTH_TOKEN_STORE_H
#include <sqlite3.h>
#include <stddef.h>

#include "auth/auth.h"
#include "util/arena.h"

#define MM_STORE_SCHEMA_VERSION 1
/* "mmp_" + 64 hex characters */
#define MM_TOKEN_LEN 68

/* Opens (creating if needed) the file, with WAL and a busy timeout, and
 * makes sure the server's tables exist. -1 with a reason in err. */
int mm_store_open(sqlite3 **out, const char *path, char *err, size_t err_len);
/* Opens an existing file read-only, for token checks: no schema work, so it
 * costs little on every request. */
int mm_store_open_ro(sqlite3 **out, const char *path);
void mm_store_close(sqlite3 *db);

/* Creates a token for a centre and role: *token_out is the token in clear
 * (shown once), only its hash is stored. `by` says who made it (audit). */
int mm_store_token_new(char token_out[MM_TOKEN_LEN + 1], long long *id_out, sqlite3 *db,
                       const char *center, mm_role role, const char *by);
/* Looks a token up: 0 and *out filled (strings in arena) when it is known
 * and not revoked, 1 when it is not, -1 on a database error. */
int mm_store_token_check(mm_principal *out, sqlite3 *db, const char *token,
                         mm_arena *arena);
/* Revokes token `id`: 0, 1 when there is no such token, -1 on error. */
int mm_store_token_revoke(sqlite3 *db, long long id, const char *by);

/* Appends to the audit log: who (token id, centre, role), what (`action`,
 * e.g. "referral.create"), on what (`object`, e.g. a referral id), and a
 * JSON or text detail. */
int mm_store_audit(sqlite3 *db, const mm_principal *who, const char *action,
                   const char *object, const char *detail);

#endif
