/* store_sqlite_server.c: the SQLite backend's tokens, centres, audit and
 * heartbeat (store.h, backend version 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referral/store_sqlite.h"

#define fail mm_sqlite_fail
#define bind_text mm_sqlite_bind
#define col_dup mm_sqlite_col

static int prepare(sqlite_backend *b, sqlite3_stmt **st, const char *sql, const char *what) {
  if (sqlite3_prepare_v2(b->db, sql, -1, st, NULL) != SQLITE_OK) return fail(b, what);
  return MM_REF_OK;
}

static int token_insert(mm_ref_backend *be, const mm_ref_token *t, long long *id_out) {
  sqlite_backend *b = (sqlite_backend *)be;
  sqlite3_stmt *st;
  int rc = prepare(b, &st,
                   "INSERT INTO api_tokens(hash, center, role, created, created_by, expires)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   "storing a token");
  if (rc) return rc;
  bind_text(st, 1, t->hash);
  bind_text(st, 2, t->center);
  bind_text(st, 3, t->role);
  bind_text(st, 4, t->created);
  bind_text(st, 5, t->created_by);
  bind_text(st, 6, t->expires);
  rc = sqlite3_step(st) == SQLITE_DONE ? MM_REF_OK : fail(b, "storing a token");
  sqlite3_finalize(st);
  if (!rc) *id_out = sqlite3_last_insert_rowid(b->db);
  return rc;
}

static void read_token(mm_arena *a, sqlite3_stmt *st, mm_ref_token *t) {
  t->id = sqlite3_column_int64(st, 0);
  t->hash = col_dup(a, st, 1);
  t->center = col_dup(a, st, 2);
  t->role = col_dup(a, st, 3);
  t->created = col_dup(a, st, 4);
  t->created_by = col_dup(a, st, 5);
  t->expires = col_dup(a, st, 6);
  t->revoked = col_dup(a, st, 7);
}

static int token_find(mm_ref_backend *be, mm_arena *a, const char *hash, mm_ref_token *out) {
  sqlite_backend *b = (sqlite_backend *)be;
  sqlite3_stmt *st = b->find_token;
  sqlite3_reset(st);
  bind_text(st, 1, hash);
  int rc = sqlite3_step(st), ret = MM_REF_ENOTFOUND;
  if (rc == SQLITE_ROW) {
    read_token(a, st, out);
    ret = a->failed ? MM_REF_ENOMEM : MM_REF_OK;
  } else if (rc != SQLITE_DONE) {
    ret = fail(b, "reading the tokens");
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return ret;
}

static int token_revoke(mm_ref_backend *be, long long id, const char *at) {
  sqlite_backend *b = (sqlite_backend *)be;
  sqlite3_stmt *st;
  int rc = prepare(b, &st, "UPDATE api_tokens SET revoked = ?1 WHERE id = ?2 AND revoked IS NULL",
                   "revoking a token");
  if (rc) return rc;
  bind_text(st, 1, at);
  sqlite3_bind_int64(st, 2, id);
  rc = sqlite3_step(st) == SQLITE_DONE ? MM_REF_OK : fail(b, "revoking a token");
  sqlite3_finalize(st);
  if (!rc && sqlite3_changes(b->db) == 0) {
    snprintf(b->msg, sizeof b->msg, "no active token %lld", id);
    rc = MM_REF_ENOTFOUND;
  }
  return rc;
}

static int token_foreach(mm_ref_backend *be, mm_ref_token_visit visit, void *ctx) {
  sqlite_backend *b = (sqlite_backend *)be;
  sqlite3_stmt *st;
  int rc = prepare(b, &st,
                   "SELECT id, hash, center, role, created, created_by, expires, revoked"
                   " FROM api_tokens ORDER BY id",
                   "listing the tokens");
  if (rc) return rc;
  mm_arena a;
  mm_arena_init(&a, 1024);
  int step;
  while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
    mm_arena_reset(&a);
    mm_ref_token t;
    read_token(&a, st, &t);
    rc = a.failed ? MM_REF_ENOMEM : visit(ctx, &t);
  }
  if (!rc && step != SQLITE_DONE) rc = fail(b, "listing the tokens");
  sqlite3_finalize(st);
  mm_arena_free(&a);
  return rc;
}

static int center_known(mm_ref_backend *be, const char *id, bool *known) {
  sqlite_backend *b = (sqlite_backend *)be;
  sqlite3_stmt *st;
  int rc = prepare(b, &st, "SELECT 1 FROM centers WHERE id = ?1", "reading the centres");
  if (rc) return rc;
  bind_text(st, 1, id);
  int step = sqlite3_step(st);
  *known = step == SQLITE_ROW;
  rc = step == SQLITE_ROW || step == SQLITE_DONE ? MM_REF_OK : fail(b, "reading the centres");
  sqlite3_finalize(st);
  return rc;
}

static int center_add(mm_ref_backend *be, const char *id) {
  sqlite_backend *b = (sqlite_backend *)be;
  bind_text(b->ins_center, 1, id);
  return mm_sqlite_step_done(b, b->ins_center, "adding a centre");
}

static int audit_append(mm_ref_backend *be, const mm_ref_audit *a) {
  sqlite_backend *b = (sqlite_backend *)be;
  sqlite3_stmt *st = b->ins_audit;
  bind_text(st, 1, a->at);
  if (a->who.token_id) sqlite3_bind_int64(st, 2, a->who.token_id);
  else sqlite3_bind_null(st, 2);
  bind_text(st, 3, a->who.center);
  bind_text(st, 4, a->who.role);
  bind_text(st, 5, a->who.user);
  bind_text(st, 6, a->action);
  bind_text(st, 7, a->object);
  if (a->status) sqlite3_bind_int(st, 8, a->status);
  else sqlite3_bind_null(st, 8);
  bind_text(st, 9, a->detail);
  return mm_sqlite_step_done(b, st, "writing the audit log");
}

/* A date alone as "until" means the whole day. */
static const char *until_bound(char buf[32], const char *until) {
  if (until && strlen(until) == 10) {
    snprintf(buf, 32, "%sT99", until);
    return buf;
  }
  return until;
}

static int audit_foreach(mm_ref_backend *be, const mm_ref_audit_filter *f,
                         mm_ref_audit_visit visit, void *ctx) {
  sqlite_backend *b = (sqlite_backend *)be;
  sqlite3_stmt *st;
  int rc = prepare(
      b, &st,
      "SELECT id, at, token_id, center, role, os_user, action, object, status, detail"
      " FROM api_audit WHERE id > ?1"
      " AND (?2 IS NULL OR action = ?2 OR (substr(?2, -1) = '.' AND substr(action, 1,"
      " length(?2)) = ?2))"
      " AND (?3 IS NULL OR object = ?3) AND (?4 IS NULL OR center = ?4)"
      " AND (?5 IS NULL OR os_user = ?5) AND (?6 = 0 OR token_id = ?6)"
      " AND (?7 IS NULL OR at >= ?7) AND (?8 IS NULL OR at <= ?8)"
      " ORDER BY id LIMIT ?9",
      "reading the audit log");
  if (rc) return rc;
  char ub[32];
  sqlite3_bind_int64(st, 1, f->after_id);
  bind_text(st, 2, f->action);
  bind_text(st, 3, f->object);
  bind_text(st, 4, f->center);
  bind_text(st, 5, f->user);
  sqlite3_bind_int64(st, 6, f->token_id);
  bind_text(st, 7, f->since);
  bind_text(st, 8, until_bound(ub, f->until));
  sqlite3_bind_int64(st, 9, f->limit ? (sqlite3_int64)f->limit : -1);
  mm_arena a;
  mm_arena_init(&a, 2048);
  int step;
  while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
    mm_arena_reset(&a);
    mm_ref_audit r;
    r.id = sqlite3_column_int64(st, 0);
    r.at = col_dup(&a, st, 1);
    r.who.token_id = sqlite3_column_int64(st, 2);
    r.who.center = col_dup(&a, st, 3);
    r.who.role = col_dup(&a, st, 4);
    r.who.user = col_dup(&a, st, 5);
    r.action = col_dup(&a, st, 6);
    r.object = col_dup(&a, st, 7);
    r.status = sqlite3_column_int(st, 8);
    r.detail = col_dup(&a, st, 9);
    rc = a.failed ? MM_REF_ENOMEM : visit(ctx, &r);
  }
  if (!rc && step != SQLITE_DONE) rc = fail(b, "reading the audit log");
  sqlite3_finalize(st);
  mm_arena_free(&a);
  return rc;
}

static int heartbeat(mm_ref_backend *be, const char *at) {
  sqlite_backend *b = (sqlite_backend *)be;
  sqlite3_stmt *st;
  /* 32 KiB, rewritten: a write as big as a large request must fit, not just
   * one page in the space a failed transaction left in the WAL */
  int rc = prepare(b, &st, "UPDATE heartbeat SET at = ?1, pad = zeroblob(32768) WHERE id = 1",
                   "writing the heartbeat");
  if (rc) return rc;
  bind_text(st, 1, at);
  rc = sqlite3_step(st) == SQLITE_DONE ? MM_REF_OK : fail(b, "writing the heartbeat");
  sqlite3_finalize(st);
  return rc;
}

void mm_sqlite_server_init(sqlite_backend *b) {
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
