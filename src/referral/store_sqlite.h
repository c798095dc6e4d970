/* store_sqlite.h: what the two files of the SQLite backend share
 * (store_sqlite.c: connection, schema, referrals; store_sqlite_server.c:
 * tokens, centres, audit, heartbeat). Not for callers (store.h). */
#ifndef MM_REFERRAL_STORE_SQLITE_H
#define MM_REFERRAL_STORE_SQLITE_H
#include <sqlite3.h>

#include "referral/store.h"

typedef struct sqlite_backend {
  mm_ref_backend base;
  sqlite3 *db;
  sqlite3_stmt *get_ref, *get_events, *ins_center, *ins_ref, *ins_event, *ins_audit,
      *find_token, *set_state;
  sqlite3_stmt *funnel_get, *funnel_ins, *funnel_upd; /* store_sqlite_funnel.c, lazily */
  char msg[300];
  char seen[8][65]; /* centres registered in this transaction */
  size_t n_seen;
  bool bulk;        /* inside a large import (mm_sqlite_bulk) */
} sqlite_backend;

/* The MM_REF_E* code of the connection's last error (full disk, read-only,
 * busy as themselves). */
int mm_sqlite_code(sqlite3 *db);
/* Keeps "what: SQLite's message" and returns mm_sqlite_code. */
int mm_sqlite_fail(sqlite_backend *b, const char *what);
int mm_sqlite_exec(sqlite_backend *b, const char *sql);
int mm_sqlite_step_done(sqlite_backend *b, sqlite3_stmt *st, const char *what);
/* Binds text, or NULL for a NULL string. */
void mm_sqlite_bind(sqlite3_stmt *st, int i, const char *s);
/* Column i as a string in arena, NULL for SQL NULL. */
const char *mm_sqlite_col(mm_arena *a, sqlite3_stmt *st, int i);
/* Fills the version-2 members of b->base (store_sqlite_server.c). */
void mm_sqlite_server_init(sqlite_backend *b);
/* The backend's bulk (store.h): on drops the list's indexes and takes a
 * larger page cache; off builds the indexes again and gives the cache back.
 * Off after a rollback only gives the cache back. */
int mm_sqlite_bulk(mm_ref_backend *be, bool on);
/* Fills the version-4 members (store_sqlite_funnel.c). */
void mm_sqlite_funnel_init(sqlite_backend *b);

#endif
