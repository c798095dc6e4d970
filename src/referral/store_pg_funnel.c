/* store_pg_funnel.c: the funnel's kept rows and the store's settings on
 * PostgreSQL (store.h, version 4; schema 6). A writer reads a row with
 * SELECT ... FOR UPDATE, so two writers of referrals with the same centres
 * and referral date queue on it; two writers creating the same row
 * conflict on its key (23505, MM_REF_ERETRY: the store runs the whole
 * transaction again). Blobs travel in binary. */
#ifdef MMPATH_HAVE_LIBPQ
#include <stdio.h>
#include <string.h>

#include "referral/store_pg.h"

static int fget(mm_ref_backend *be, mm_arena *a, const char *to, const char *from, mm_date day,
                const void **steps, size_t *len) {
  pg_backend *b = (pg_backend *)be;
  *steps = NULL;
  *len = 0;
  char d[11];
  mm_date_format(day, d);
  const char *v[] = {to, from, d};
  PGresult *r = PQexecParams(b->conn,
                             "SELECT steps FROM funnel_days WHERE to_center = $1 AND"
                             " from_center = $2 AND referred_on = $3::date FOR UPDATE",
                             3, NULL, v, NULL, NULL, 1);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "reading the funnel's counts");
  int rc = MM_REF_ENOTFOUND;
  if (PQntuples(r) == 1) {
    size_t n = (size_t)PQgetlength(r, 0, 0);
    void *p = mm_arena_alloc(a, n + 1);
    if (p && n) memcpy(p, PQgetvalue(r, 0, 0), n);
    *steps = p;
    *len = n;
    rc = p ? MM_REF_OK : MM_REF_ENOMEM;
  }
  PQclear(r);
  return rc;
}

static int fput(mm_ref_backend *be, const char *to, const char *from, mm_date day, bool exists,
                const void *steps, size_t len, const void *total, size_t total_len,
                mm_date last) {
  pg_backend *b = (pg_backend *)be;
  char d[11], l[11];
  mm_date_format(day, d);
  mm_date_format(last, l);
  if (len == 0) {
    if (!exists) return MM_REF_OK;
    const char *v[] = {to, from, d};
    return mm_pg_command(b,
                         "DELETE FROM funnel_days WHERE to_center = $1 AND from_center = $2"
                         " AND referred_on = $3::date",
                         3, v, "writing the funnel's counts");
  }
  const char *v[] = {to, from, d, l, steps, total};
  int lens[] = {0, 0, 0, 0, (int)len, (int)total_len};
  int fmts[] = {0, 0, 0, 0, 1, 1};
  PGresult *r = PQexecParams(
      b->conn,
      exists ? "UPDATE funnel_days SET last_at = $4::date, steps = $5::bytea, total = $6::bytea"
               " WHERE to_center = $1 AND from_center = $2 AND referred_on = $3::date"
             : "INSERT INTO funnel_days(to_center, from_center, referred_on, last_at, steps,"
               " total) VALUES ($1, $2, $3::date, $4::date, $5::bytea, $6::bytea)",
      6, NULL, v, lens, fmts, 0);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) return mm_pg_fail(b, r, "writing the funnel's counts");
  PQclear(r);
  return MM_REF_OK;
}

static int fclear(mm_ref_backend *be) {
  return mm_pg_exec((pg_backend *)be, "DELETE FROM funnel_days", "clearing the funnel's counts");
}

static int fforeach(mm_ref_backend *be, const mm_ref_filter *f, mm_ref_blob_visit visit,
                    void *ctx) {
  pg_backend *b = (pg_backend *)be;
  if (PQstatus(b->conn) == CONNECTION_BAD) PQreset(b->conn);
  char since[11], until[11];
  if (f->since != MM_DATE_NONE) mm_date_format(f->since, since);
  if (f->until != MM_DATE_NONE) mm_date_format(f->until, until);
  const char *v[] = {f->to_center, f->from_center, f->until != MM_DATE_NONE ? until : NULL,
                     f->since != MM_DATE_NONE ? since : NULL};
  /* one statement, one snapshot; planned with the values (unnamed) */
  PGresult *r = PQexecParams(
      b->conn,
      "SELECT CASE WHEN $3::date IS NULL OR last_at <= $3::date THEN total ELSE steps END"
      " FROM funnel_days WHERE ($1::text IS NULL OR to_center = $1)"
      " AND ($2::text IS NULL OR from_center = $2)"
      " AND ($3::date IS NULL OR referred_on <= $3::date)"
      " AND ($4::date IS NULL OR referred_on >= $4::date)",
      4, NULL, v, NULL, NULL, 1);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "reading the funnel's counts");
  int ret = MM_REF_OK;
  for (int i = 0; !ret && i < PQntuples(r); i++)
    ret = visit(ctx, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0));
  PQclear(r);
  return ret;
}

static int meta_get(mm_ref_backend *be, mm_arena *a, const char *key, const char **value) {
  pg_backend *b = (pg_backend *)be;
  *value = NULL;
  PGresult *r = mm_pg_query(b, "SELECT value FROM mmpath_meta WHERE key = $1", 1, &key);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "reading the store's settings");
  if (PQntuples(r) == 1) *value = mm_pg_col(a, r, 0, 0);
  PQclear(r);
  return MM_REF_OK;
}

static int meta_set(mm_ref_backend *be, const char *key, const char *value) {
  const char *v[] = {key, value};
  return mm_pg_command((pg_backend *)be,
                       "INSERT INTO mmpath_meta(key, value) VALUES ($1, $2)"
                       " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                       2, v, "writing the store's settings");
}

void mm_pg_funnel_init(pg_backend *b) {
  b->base.funnel_get = fget;
  b->base.funnel_put = fput;
  b->base.funnel_clear = fclear;
  b->base.funnel_foreach = fforeach;
  b->base.meta_get = meta_get;
  b->base.meta_set = meta_set;
}
#else
/* without libpq there is nothing here (store_pg.c says so at open) */
typedef int mm_store_pg_funnel_unused;
#endif
