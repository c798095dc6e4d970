/* store_pg.h: what the two files of the PostgreSQL backend share
 * (store_pg.c: connection, schema, referrals; store_pg_server.c: tokens,
 * centres, audit, heartbeat). Only with libpq (MMPATH_HAVE_LIBPQ). Not for
 * callers (store.h). */
#ifndef MM_REFERRAL_STORE_PG_H
#define MM_REFERRAL_STORE_PG_H
#include <libpq-fe.h>
#include <stdbool.h>

#include "referral/store.h"

typedef struct pg_backend {
  mm_ref_backend base;
  PGconn *conn;
  bool writing; /* inside begin_write: get() locks the referral row */
  char msg[400];
} pg_backend;

/* The MM_REF_E* code of a failed result's SQLSTATE: serialisation
 * failures, deadlocks and concurrent duplicate keys MM_REF_ERETRY, a full
 * disk MM_REF_EFULL, a read-only transaction MM_REF_EREADONLY, lock
 * timeouts MM_REF_EBUSY. */
int mm_pg_code(const PGresult *r);
/* Keeps "what: PostgreSQL's message", clears r, returns mm_pg_code. */
int mm_pg_fail(pg_backend *b, PGresult *r, const char *what);
/* Runs SQL without parameters (several statements allowed). */
int mm_pg_exec(pg_backend *b, const char *sql, const char *what);
/* A statement with n text parameters (NULL for SQL NULL): the result (the
 * caller clears it), or 0 / an error code for a statement without rows. */
PGresult *mm_pg_query(pg_backend *b, const char *sql, int n, const char *const *v);
int mm_pg_command(pg_backend *b, const char *sql, int n, const char *const *v,
                  const char *what);
/* A value as a string in arena, NULL for SQL NULL. */
const char *mm_pg_col(mm_arena *a, const PGresult *r, int row, int col);
/* Fills the version-2 members of b->base (store_pg_server.c). */
void mm_pg_server_init(pg_backend *b);
/* Fills the version-4 members (store_pg_funnel.c). */
void mm_pg_funnel_init(pg_backend *b);

/* A timestamptz column as UTC "YYYY-MM-DDTHH:MM:SSZ". */
#define MM_PG_TS(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

#endif
