/* store_pg_server.c: the PostgreSQL backend's tokens, centres, audit and
 * heartbeat (store.h, backend version 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referral/store.h"

#ifdef MMPATH_HAVE_LIBPQ
#include "referral/store_pg.h"

#define TOKEN_COLS                                                                          \
  "id::text, hash, center, role, " MM_PG_TS("created") ", created_by, " MM_PG_TS("expires") \
  ", " MM_PG_TS("revoked")

static int token_insert(mm_ref_backend *be, const mm_ref_token *t, long long *id_out) {
  pg_backend *b = (pg_backend *)be;
  const char *v[] = {t->hash, t->center, t->role, t->created, t->created_by, t->expires};
  PGresult *r = mm_pg_query(b,
                            "INSERT INTO api_tokens(hash, center, role, created, created_by,"
                            " expires) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                            6, v);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "storing a token");
  *id_out = atoll(PQgetvalue(r, 0, 0));
  PQclear(r);
  return MM_REF_OK;
}

static void read_token(mm_arena *a, const PGresult *r, int row, mm_ref_token *t) {
  t->id = atoll(PQgetvalue(r, row, 0));
  t->hash = mm_pg_col(a, r, row, 1);
  t->center = mm_pg_col(a, r, row, 2);
  t->role = mm_pg_col(a, r, row, 3);
  t->created = mm_pg_col(a, r, row, 4);
  t->created_by = mm_pg_col(a, r, row, 5);
  t->expires = mm_pg_col(a, r, row, 6);
  t->revoked = mm_pg_col(a, r, row, 7);
}

static int token_find(mm_ref_backend *be, mm_arena *a, const char *hash, mm_ref_token *out) {
  pg_backend *b = (pg_backend *)be;
  if (PQstatus(b->conn) == CONNECTION_BAD) PQreset(b->conn);
  PGresult *r = mm_pg_query(b, "SELECT " TOKEN_COLS " FROM api_tokens WHERE hash = $1", 1,
                            &hash);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "reading the tokens");
  int ret = MM_REF_ENOTFOUND;
  if (PQntuples(r) > 0) {
    read_token(a, r, 0, out);
    ret = a->failed ? MM_REF_ENOMEM : MM_REF_OK;
  }
  PQclear(r);
  return ret;
}

static int token_revoke(mm_ref_backend *be, long long id, const char *at) {
  pg_backend *b = (pg_backend *)be;
  char ids[24];
  snprintf(ids, sizeof ids, "%lld", id);
  const char *v[] = {at, ids};
  PGresult *r = mm_pg_query(b,
                            "UPDATE api_tokens SET revoked = $1 WHERE id = $2 AND revoked IS NULL",
                            2, v);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) return mm_pg_fail(b, r, "revoking a token");
  int n = atoi(PQcmdTuples(r));
  PQclear(r);
  if (n == 0) {
    snprintf(b->msg, sizeof b->msg, "no active token %lld", id);
    return MM_REF_ENOTFOUND;
  }
  return MM_REF_OK;
}

static int token_foreach(mm_ref_backend *be, mm_ref_token_visit visit, void *ctx) {
  pg_backend *b = (pg_backend *)be;
  PGresult *r = mm_pg_query(b, "SELECT " TOKEN_COLS " FROM api_tokens ORDER BY id", 0, NULL);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "listing the tokens");
  mm_arena a;
  mm_arena_init(&a, 1024);
  int rc = MM_REF_OK;
  for (int i = 0; !rc && i < PQntuples(r); i++) {
    mm_arena_reset(&a);
    mm_ref_token t;
    read_token(&a, r, i, &t);
    rc = a.failed ? MM_REF_ENOMEM : visit(ctx, &t);
  }
  mm_arena_free(&a);
  PQclear(r);
  return rc;
}

static int center_known(mm_ref_backend *be, const char *id, bool *known) {
  pg_backend *b = (pg_backend *)be;
  PGresult *r = mm_pg_query(b, "SELECT 1 FROM centers WHERE id = $1", 1, &id);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "reading the centres");
  *known = PQntuples(r) > 0;
  PQclear(r);
  return MM_REF_OK;
}

static int center_add(mm_ref_backend *be, const char *id) {
  return mm_pg_command((pg_backend *)be,
                       "INSERT INTO centers(id) VALUES ($1) ON CONFLICT DO NOTHING", 1, &id,
                       "adding a centre");
}

static int audit_append(mm_ref_backend *be, const mm_ref_audit *a) {
  pg_backend *b = (pg_backend *)be;
  char tok[24], status[16];
  snprintf(tok, sizeof tok, "%lld", a->who.token_id);
  snprintf(status, sizeof status, "%d", a->status);
  const char *v[] = {a->at,          a->who.token_id ? tok : NULL, a->who.center, a->who.role,
                     a->who.user,    a->action,                    a->object,
                     a->status ? status : NULL, a->detail};
  return mm_pg_command(b,
                       "INSERT INTO api_audit(at, token_id, center, role, os_user, action,"
                       " object, status, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                       9, v, "writing the audit log");
}

static int audit_foreach(mm_ref_backend *be, const mm_ref_audit_filter *f,
                         mm_ref_audit_visit visit, void *ctx) {
  pg_backend *b = (pg_backend *)be;
  char after[24], tok[24], lim[24];
  snprintf(after, sizeof after, "%lld", f->after_id);
  snprintf(tok, sizeof tok, "%lld", f->token_id);
  snprintf(lim, sizeof lim, "%zu", f->limit);
  const char *v[] = {after,   f->action, f->object,  f->center,
                     f->user, tok,       f->since,   f->until,
                     f->limit ? lim : NULL};
  PGresult *r = mm_pg_query(
      b,
      "SELECT id::text, " MM_PG_TS("at") ", coalesce(token_id, 0)::text, center, role,"
      " os_user, action, object, coalesce(status, 0)::text, detail FROM api_audit"
      " WHERE id > $1::bigint"
      " AND ($2::text IS NULL OR action = $2 OR (right($2, 1) = '.'"
      " AND left(action, length($2)) = $2))"
      " AND ($3::text IS NULL OR object = $3) AND ($4::text IS NULL OR center = $4)"
      " AND ($5::text IS NULL OR os_user = $5) AND ($6::bigint = 0 OR token_id = $6)"
      " AND ($7::text IS NULL OR at >= $7::timestamptz)"
      " AND ($8::text IS NULL OR at < CASE WHEN length($8) = 10"
      " THEN ($8::date + 1)::timestamptz ELSE $8::timestamptz + interval '1 second' END)"
      " ORDER BY id LIMIT $9::bigint",
      9, v);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "reading the audit log");
  mm_arena a;
  mm_arena_init(&a, 2048);
  int rc = MM_REF_OK;
  for (int i = 0; !rc && i < PQntuples(r); i++) {
    mm_arena_reset(&a);
    mm_ref_audit x;
    x.id = atoll(PQgetvalue(r, i, 0));
    x.at = mm_pg_col(&a, r, i, 1);
    x.who.token_id = atoll(PQgetvalue(r, i, 2));
    x.who.center = mm_pg_col(&a, r, i, 3);
    x.who.role = mm_pg_col(&a, r, i, 4);
    x.who.user = mm_pg_col(&a, r, i, 5);
    x.action = mm_pg_col(&a, r, i, 6);
    x.object = mm_pg_col(&a, r, i, 7);
    x.status = atoi(PQgetvalue(r, i, 8));
    x.detail = mm_pg_col(&a, r, i, 9);
    rc = a.failed ? MM_REF_ENOMEM : visit(ctx, &x);
  }
  mm_arena_free(&a);
  PQclear(r);
  return rc;
}

static int heartbeat(mm_ref_backend *be, const char *at) {
  return mm_pg_command((pg_backend *)be, "UPDATE heartbeat SET at = $1 WHERE id = 1", 1, &at,
                       "writing the heartbeat");
}

void mm_pg_server_init(pg_backend *b) {
  b->base.token_insert = token_insert;
  b->base.token_find = token_find;
  b->base.token_revoke = token_revoke;
  b->base.token_foreach = token_foreach;
  b->base.center_known = center_known;
  b->base.center_add = center_add;
  b->base.audit_append = audit_append;
  b->base.audit_foreach = audit_foreach;
  b->base.heartbeat = heartbeat;
}
#else
/* without libpq there is nothing here (store_pg.c says so at open) */
typedef int mm_store_pg_server_unused;
#endif
