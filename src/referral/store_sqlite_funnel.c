/* store_sqlite_funnel.c: the funnel's kept rows and the store's settings
 * on SQLite (store.h, version 4; schema 6). The rows are only read and
 * written by the store inside its write transactions (BEGIN IMMEDIATE: one
 * writer at a time), so a read-modify-write of a row is safe. */
#include <stdio.h>
#include <string.h>

#include "referral/store_sqlite.h"

static int prep(sqlite_backend *b, sqlite3_stmt **st, const char *sql) {
  if (*st) return MM_REF_OK;
  if (sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
    return mm_sqlite_fail(b, "preparing the funnel statements");
  return MM_REF_OK;
}

static int fget(mm_ref_backend *be, mm_arena *a, const char *to, const char *from, mm_date day,
                const void **steps, size_t *len) {
  sqlite_backend *b = (sqlite_backend *)be;
  *steps = NULL;
  *len = 0;
  int rc = prep(b, &b->funnel_get,
                "SELECT steps FROM funnel_days WHERE to_center = ?1 AND from_center = ?2"
                " AND referred_on = ?3");
  if (rc) return rc;
  char d[11];
  mm_date_format(day, d);
  sqlite3_stmt *st = b->funnel_get;
  mm_sqlite_bind(st, 1, to);
  mm_sqlite_bind(st, 2, from);
  mm_sqlite_bind(st, 3, d);
  int s = sqlite3_step(st);
  if (s == SQLITE_ROW) {
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    void *p = mm_arena_alloc(a, n + 1);
    if (p && n) memcpy(p, sqlite3_column_blob(st, 0), n);
    *steps = p;
    *len = n;
    rc = p ? MM_REF_OK : MM_REF_ENOMEM;
  } else {
    rc = s == SQLITE_DONE ? MM_REF_ENOTFOUND : mm_sqlite_fail(b, "reading the funnel's counts");
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc;
}

static int fput(mm_ref_backend *be, const char *to, const char *from, mm_date day, bool exists,
                const void *steps, size_t len, const void *total, size_t total_len,
                mm_date last) {
  sqlite_backend *b = (sqlite_backend *)be;
  char d[11], l[11];
  mm_date_format(day, d);
  mm_date_format(last, l);
  if (len == 0) {
    if (!exists) return MM_REF_OK;
    char sql[] = "DELETE FROM funnel_days WHERE to_center = ?1 AND from_center = ?2"
                 " AND referred_on = ?3";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
      return mm_sqlite_fail(b, "writing the funnel's counts");
    mm_sqlite_bind(st, 1, to);
    mm_sqlite_bind(st, 2, from);
    mm_sqlite_bind(st, 3, d);
    int rc = sqlite3_step(st) == SQLITE_DONE ? MM_REF_OK
                                              : mm_sqlite_fail(b, "writing the funnel's counts");
    sqlite3_finalize(st);
    return rc;
  }
  sqlite3_stmt **st = exists ? &b->funnel_upd : &b->funnel_ins;
  int rc = prep(b, st,
                exists ? "UPDATE funnel_days SET last_at = ?4, steps = ?5, total = ?6"
                         " WHERE to_center = ?1 AND from_center = ?2 AND referred_on = ?3"
                       : "INSERT INTO funnel_days(to_center, from_center, referred_on, last_at,"
                         " steps, total) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (rc) return rc;
  mm_sqlite_bind(*st, 1, to);
  mm_sqlite_bind(*st, 2, from);
  mm_sqlite_bind(*st, 3, d);
  mm_sqlite_bind(*st, 4, l);
  sqlite3_bind_blob(*st, 5, steps, (int)len, SQLITE_STATIC);
  sqlite3_bind_blob(*st, 6, total, (int)total_len, SQLITE_STATIC);
  return mm_sqlite_step_done(b, *st, "writing the funnel's counts");
}

static int fclear(mm_ref_backend *be) {
  return mm_sqlite_exec((sqlite_backend *)be, "DELETE FROM funnel_days");
}

static int fforeach(mm_ref_backend *be, const mm_ref_filter *f, mm_ref_blob_visit visit,
                    void *ctx) {
  sqlite_backend *b = (sqlite_backend *)be;
  /* only the conditions given, so that the primary key serves them */
  char sql[512];
  size_t n = (size_t)snprintf(sql, sizeof sql,
                              "SELECT CASE WHEN ?3 IS NULL OR last_at <= ?3 THEN total"
                              " ELSE steps END FROM funnel_days WHERE 1");
  if (f->to_center) n += (size_t)snprintf(sql + n, sizeof sql - n, " AND to_center = ?1");
  if (f->from_center) n += (size_t)snprintf(sql + n, sizeof sql - n, " AND from_center = ?2");
  if (f->until != MM_DATE_NONE)
    n += (size_t)snprintf(sql + n, sizeof sql - n, " AND referred_on <= ?3");
  if (f->since != MM_DATE_NONE)
    snprintf(sql + n, sizeof sql - n, " AND referred_on >= ?4");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
    return mm_sqlite_fail(b, "reading the funnel's counts");
  char since[11], until[11];
  mm_sqlite_bind(st, 1, f->to_center);
  mm_sqlite_bind(st, 2, f->from_center);
  if (f->until != MM_DATE_NONE) {
    mm_date_format(f->until, until);
    mm_sqlite_bind(st, 3, until);
  }
  if (f->since != MM_DATE_NONE) {
    mm_date_format(f->since, since);
    mm_sqlite_bind(st, 4, since);
  }
  /* one snapshot (or the write transaction this is part of) */
  bool own = sqlite3_get_autocommit(b->db);
  int ret = own ? mm_sqlite_exec(b, "BEGIN") : MM_REF_OK;
  int s = SQLITE_DONE;
  while (!ret && (s = sqlite3_step(st)) == SQLITE_ROW)
    ret = visit(ctx, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
  if (!ret && s != SQLITE_DONE) ret = mm_sqlite_fail(b, "reading the funnel's counts");
  sqlite3_finalize(st);
  if (own && !sqlite3_get_autocommit(b->db)) mm_sqlite_exec(b, "COMMIT");
  return ret;
}

static int meta_get(mm_ref_backend *be, mm_arena *a, const char *key, const char **value) {
  sqlite_backend *b = (sqlite_backend *)be;
  *value = NULL;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(b->db, "SELECT value FROM mmpath_meta WHERE key = ?1", -1, &st,
                         NULL) != SQLITE_OK)
    return mm_sqlite_fail(b, "reading the store's settings");
  mm_sqlite_bind(st, 1, key);
  int s = sqlite3_step(st), rc = MM_REF_OK;
  if (s == SQLITE_ROW) *value = mm_sqlite_col(a, st, 0);
  else if (s != SQLITE_DONE) rc = mm_sqlite_fail(b, "reading the store's settings");
  sqlite3_finalize(st);
  return rc;
}

static int meta_set(mm_ref_backend *be, const char *key, const char *value) {
  sqlite_backend *b = (sqlite_backend *)be;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(b->db, "INSERT OR REPLACE INTO mmpath_meta(key, value) VALUES (?1, ?2)",
                         -1, &st, NULL) != SQLITE_OK)
    return mm_sqlite_fail(b, "writing the store's settings");
  mm_sqlite_bind(st, 1, key);
  mm_sqlite_bind(st, 2, value);
  int rc = sqlite3_step(st) == SQLITE_DONE ? MM_REF_OK
                                           : mm_sqlite_fail(b, "writing the store's settings");
  sqlite3_finalize(st);
  return rc;
}

/* The referrals table's secondary indexes: migrations 1 and 5 of
 * store_sqlite.c (keep the same definitions when a migration changes them). */
static const char bulk_drop[] =
    "DROP INDEX referrals_to; DROP INDEX referrals_state; DROP INDEX referrals_from;"
    " DROP INDEX referrals_on; PRAGMA cache_size = -16384;";
static const char bulk_make[] =
    "CREATE INDEX referrals_to ON referrals(to_center, referred_on);"
    " CREATE INDEX referrals_state ON referrals(state, id);"
    " CREATE INDEX referrals_from ON referrals(from_center, id);"
    " CREATE INDEX referrals_on ON referrals(referred_on);";

int mm_sqlite_bulk(mm_ref_backend *be, bool on) {
  sqlite_backend *b = (sqlite_backend *)be;
  if (on) {
    /* 16 MiB of pages: the events and the audit are appended in id order;
     * the indexes written at random places are the ones deferred */
    int rc = mm_sqlite_exec(b, bulk_drop);
    b->bulk = rc == MM_REF_OK;
    return rc;
  }
  bool in_tx = !sqlite3_get_autocommit(b->db);
  int rc = b->bulk && in_tx ? mm_sqlite_exec(b, bulk_make) : MM_REF_OK;
  b->bulk = false;
  sqlite3_exec(b->db, "PRAGMA cache_size = -2000", NULL, NULL, NULL);
  return rc;
}

void mm_sqlite_funnel_init(sqlite_backend *b) {
  b->base.funnel_get = fget;
  b->base.funnel_put = fput;
  b->base.funnel_clear = fclear;
  b->base.funnel_foreach = fforeach;
  b->base.meta_get = meta_get;
  b->base.meta_set = meta_set;
}
