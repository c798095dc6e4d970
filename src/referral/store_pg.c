/* store_pg.c: the PostgreSQL backend (store.h), for a network's hub where
 * several `mmpath serve` share one database. One libpq connection per
 * backend object (use one per thread). A write transaction (READ COMMITTED)
 * locks the referral row it reads (SELECT ... FOR UPDATE) before reading its
 * events, so a second writer of the same referral waits, then sees the
 * first one's event and is checked against it (the pathway's order holds
 * under concurrency without serialisation failures between unrelated
 * writes). A conflict that remains (a key another transaction inserted
 * meanwhile: two creates of one id; a deadlock 40P01; a serialisation
 * failure 40001 when the server's default isolation is stricter) answers
 * MM_REF_ERETRY and the store runs the whole transaction again. Waits for
 * locks are bounded (lock_timeout). The schema
 * is migrated by store_migrate.h under pg_advisory_xact_lock; triggers keep
 * events and the audit append-only whatever program writes. Times are
 * timestamptz, dates date, the event's data json (kept verbatim). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referral/store.h"

#ifndef MMPATH_HAVE_LIBPQ
int mm_ref_backend_pg_open(mm_ref_backend **out, const char *url, char *err, size_t err_len) {
  (void)url;
  *out = NULL;
  snprintf(err, err_len, "this mmpath is built without PostgreSQL (libpq)");
  return MM_REF_EBACKEND;
}
#else
#include <libpq-fe.h>

#include "referral/store_migrate.h"
#include "referral/store_pg.h"

/* Step i takes the schema from version i to i+1 (store_migrate.h), the same
 * versions as the SQLite list. Append; never edit a shipped one. */
static const char *const migrations[] = {
    /* 0 -> 1: centres, referrals, append-only events (spec mmpath/referral@1) */
    "CREATE TABLE centers (id text PRIMARY KEY, name text);\n"
    "CREATE TABLE referrals (\n"
    "  id text PRIMARY KEY,\n"
    "  patient text NOT NULL,\n"
    "  from_center text NOT NULL REFERENCES centers(id),\n"
    "  to_center text NOT NULL REFERENCES centers(id),\n"
    "  target text NOT NULL,\n"
    "  referred_on date NOT NULL,\n"
    "  recorded_at timestamptz NOT NULL DEFAULT now());\n"
    "CREATE INDEX referrals_to ON referrals(to_center, referred_on);\n"
    "CREATE TABLE events (\n"
    "  referral text NOT NULL REFERENCES referrals(id),\n"
    "  seq integer NOT NULL CHECK (seq >= 0),\n"
    "  date date NOT NULL,\n"
    "  state text NOT NULL,\n"
    "  reason text,\n"
    "  note text,\n"
    "  recorded_at timestamptz NOT NULL DEFAULT now(),\n"
    "  PRIMARY KEY (referral, seq));\n"
    "CREATE FUNCTION mmpath_refuse() RETURNS trigger LANGUAGE plpgsql AS\n"
    "  $$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;\n"
    "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW\n"
    "  EXECUTE FUNCTION mmpath_refuse('referral events are append-only');\n"
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT\n"
    "  EXECUTE FUNCTION mmpath_refuse('referral events are append-only');\n"
    "CREATE TRIGGER referrals_keep BEFORE DELETE ON referrals FOR EACH ROW\n"
    "  EXECUTE FUNCTION mmpath_refuse('referrals are never deleted');\n"
    "CREATE TRIGGER referrals_no_truncate BEFORE TRUNCATE ON referrals FOR EACH STATEMENT\n"
    "  EXECUTE FUNCTION mmpath_refuse('referrals are never deleted');\n",
    /* 1 -> 2: who recorded each event, written in the same transaction */
    "ALTER TABLE events ADD COLUMN actor text;\n",
    /* 2 -> 3: events other than moves: their kind and content (JSON, verbatim) */
    "ALTER TABLE events ADD COLUMN kind text;\n"
    "ALTER TABLE events ADD COLUMN data json;\n",
    /* 3 -> 4: API tokens with an expiry, the append-only audit log, the
     * heartbeat row of the write check */
    "CREATE TABLE api_tokens (\n"
    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
    "  hash text NOT NULL UNIQUE,\n"
    "  center text NOT NULL,\n"
    "  role text NOT NULL CHECK (role IN ('hub','spoke','analyst')),\n"
    "  created timestamptz NOT NULL,\n"
    "  created_by text NOT NULL,\n"
    "  revoked timestamptz,\n"
    "  expires timestamptz);\n"
    "CREATE TABLE api_audit (\n"
    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
    "  at timestamptz NOT NULL,\n"
    "  token_id bigint,\n"
    "  center text,\n"
    "  role text,\n"
    "  action text NOT NULL,\n"
    "  object text,\n"
    "  detail text,\n"
    "  os_user text,\n"
    "  status integer);\n"
    "CREATE INDEX api_audit_object ON api_audit(object, id);\n"
    "CREATE INDEX api_audit_at ON api_audit(at);\n"
    "CREATE TRIGGER api_audit_append_only BEFORE UPDATE OR DELETE ON api_audit FOR EACH ROW\n"
    "  EXECUTE FUNCTION mmpath_refuse('the audit log is append-only');\n"
    "CREATE TRIGGER api_audit_no_truncate BEFORE TRUNCATE ON api_audit FOR EACH STATEMENT\n"
    "  EXECUTE FUNCTION mmpath_refuse('the audit log is append-only');\n"
    "CREATE TABLE heartbeat (id integer PRIMARY KEY CHECK (id = 1), at timestamptz);\n"
    "INSERT INTO heartbeat VALUES (1, NULL);\n",
    /* 4 -> 5: as SQLite's: the current state kept on the referral by the
     * store after a write's events; indexes for the list's filters and its
     * cursor (id order). */
    "ALTER TABLE referrals ADD COLUMN state text;\n"
    "UPDATE referrals r SET state = (SELECT e.state FROM events e WHERE e.referral = r.id\n"
    "  ORDER BY e.seq DESC LIMIT 1);\n"

    "CREATE INDEX referrals_state ON referrals(state, id);\n"
    "CREATE INDEX referrals_from ON referrals(from_center, id);\n"
    "CREATE INDEX referrals_on ON referrals(referred_on);\n",
    /* 5 -> 6: as SQLite's: the funnel's kept counts, per (to_center,
     * from_center, referral date), filled by the store at its first open
     * with a kb; the store's settings (the kept counts' layout). */
    "CREATE TABLE funnel_days (\n"
    "  to_center text NOT NULL,\n"
    "  from_center text NOT NULL,\n"
    "  referred_on date NOT NULL,\n"
    "  last_at date NOT NULL,\n"
    "  total bytea NOT NULL,\n"
    "  steps bytea NOT NULL,\n"
    "  PRIMARY KEY (to_center, from_center, referred_on));\n"
    "CREATE TABLE mmpath_meta (key text PRIMARY KEY, value text);\n",
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof *migrations))
/* any number, the same in every mmpath: the migration lock's key */
#define MIGRATION_LOCK_KEY "727700001"

int mm_pg_code(const PGresult *r) {
  const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  if (!st) return MM_REF_EBACKEND;
  if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0) return MM_REF_ERETRY;
  /* a key another transaction inserted after our snapshot: a conflict too */
  if (strcmp(st, "23505") == 0) return MM_REF_ERETRY;
  if (strcmp(st, "53100") == 0) return MM_REF_EFULL;
  if (strcmp(st, "25006") == 0) return MM_REF_EREADONLY;
  if (strcmp(st, "55P03") == 0 || strcmp(st, "57014") == 0) return MM_REF_EBUSY;
  if (strncmp(st, "53", 2) == 0 && strcmp(st, "53200") == 0) return MM_REF_ENOMEM;
  return MM_REF_EBACKEND;
}

int mm_pg_fail(pg_backend *b, PGresult *r, const char *what) {
  int code = r ? mm_pg_code(r) : MM_REF_EBACKEND;
  const char *m = r ? PQresultErrorMessage(r) : PQerrorMessage(b->conn);
  if (!m || !*m) m = PQerrorMessage(b->conn);
  snprintf(b->msg, sizeof b->msg, "%s: %.*s%s", what, (int)strcspn(m, "\n"), m,
           code == MM_REF_EFULL       ? " (no space left for the database)"
           : code == MM_REF_EREADONLY ? " (the database cannot be written)"
                                      : "");
  PQclear(r);
  return code;
}

/* A lost connection (the server restarted) is made again before a new
 * transaction: a kept store outlives it. */
static void alive(pg_backend *b) {
  if (PQstatus(b->conn) == CONNECTION_BAD) PQreset(b->conn);
}

int mm_pg_exec(pg_backend *b, const char *sql, const char *what) {
  PGresult *r = PQexec(b->conn, sql);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return mm_pg_fail(b, r, what);
  PQclear(r);
  return MM_REF_OK;
}

PGresult *mm_pg_query(pg_backend *b, const char *sql, int n, const char *const *v) {
  return PQexecParams(b->conn, sql, n, NULL, v, NULL, NULL, 0);
}

int mm_pg_command(pg_backend *b, const char *sql, int n, const char *const *v,
                  const char *what) {
  PGresult *r = mm_pg_query(b, sql, n, v);
  if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
    return mm_pg_fail(b, r, what);
  PQclear(r);
  return MM_REF_OK;
}

const char *mm_pg_col(mm_arena *a, const PGresult *r, int row, int col) {
  return PQgetisnull(r, row, col) ? NULL : mm_arena_strdup(a, PQgetvalue(r, row, col));
}

static int begin_write(mm_ref_backend *be) {
  pg_backend *b = (pg_backend *)be;
  alive(b);
  int rc = mm_pg_exec(b, "BEGIN ISOLATION LEVEL READ COMMITTED", "starting a write");
  b->writing = rc == MM_REF_OK;
  return rc;
}
static int commit(mm_ref_backend *be) {
  pg_backend *b = (pg_backend *)be;
  b->writing = false;
  return mm_pg_exec(b, "COMMIT", "committing");
}
static int rollback(mm_ref_backend *be) {
  pg_backend *b = (pg_backend *)be;
  b->writing = false;
  if (PQtransactionStatus(b->conn) == PQTRANS_IDLE) return MM_REF_OK;
  PQclear(PQexec(b->conn, "ROLLBACK"));
  return MM_REF_OK;
}

#define EVENT_COLS "e.date::text, e.state, e.reason, e.note, e.actor, e.kind, e.data::text"

static int read_event(pg_backend *b, mm_arena *a, const PGresult *r, int row, int c,
                      const char *id, mm_ref_event *e) {
  const char *date = PQgetisnull(r, row, c) ? NULL : PQgetvalue(r, row, c);
  const char *state = PQgetisnull(r, row, c + 1) ? NULL : PQgetvalue(r, row, c + 1);
  if (!date || !mm_date_parse(date, strlen(date), &e->date) || !state ||
      !mm_ref_state_parse(state, &e->state)) {
    snprintf(b->msg, sizeof b->msg, "registry corrupt: referral '%s' has an event '%s' on '%s'",
             id, state ? state : "(null)", date ? date : "(null)");
    return MM_REF_EBACKEND;
  }
  e->reason = mm_pg_col(a, r, row, c + 2);
  e->note = mm_pg_col(a, r, row, c + 3);
  e->actor = mm_pg_col(a, r, row, c + 4);
  e->kind = mm_pg_col(a, r, row, c + 5);
  e->data = mm_pg_col(a, r, row, c + 6);
  return MM_REF_OK;
}

static int get(mm_ref_backend *be, mm_arena *a, const char *id, mm_referral **out) {
  pg_backend *b = (pg_backend *)be;
  *out = NULL;
  alive(b);
  const char *v[] = {id};
  PGresult *r;
  if (b->writing) {
    /* the row lock first: another writer of this referral commits before
     * we read its events (the next statement's snapshot sees them) */
    r = mm_pg_query(b, "SELECT 1 FROM referrals WHERE id = $1 FOR UPDATE", 1, v);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "locking a referral");
    int n = PQntuples(r);
    PQclear(r);
    if (n == 0) return MM_REF_ENOTFOUND;
  }
  /* one statement: one snapshot of the referral and its events */
  r = mm_pg_query(b,
                            "SELECT r.id, r.patient, r.from_center, r.to_center, r.target, "
                            EVENT_COLS " FROM referrals r LEFT JOIN events e ON e.referral = r.id"
                            " WHERE r.id = $1 ORDER BY e.seq",
                            1, v);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "reading a referral");
  int n = PQntuples(r);
  if (n == 0) {
    PQclear(r);
    return MM_REF_ENOTFOUND;
  }
  mm_referral *ref = mm_arena_alloc(a, sizeof *ref);
  int ret = ref ? MM_REF_OK : MM_REF_ENOMEM;
  if (!ret) {
    memset(ref, 0, sizeof *ref);
    ref->id = mm_pg_col(a, r, 0, 0);
    ref->patient = mm_pg_col(a, r, 0, 1);
    ref->from_center = mm_pg_col(a, r, 0, 2);
    ref->to_center = mm_pg_col(a, r, 0, 3);
    ref->target = mm_pg_col(a, r, 0, 4);
    bool none = PQgetisnull(r, 0, 5); /* a referral without events (corrupt) */
    ref->n_events = 0;
    ref->events = none ? NULL : mm_arena_alloc(a, (size_t)n * sizeof *ref->events);
    if (!none && !ref->events) ret = MM_REF_ENOMEM;
    for (int i = 0; !none && !ret && i < n; i++)
      ret = read_event(b, a, r, i, 5, id, &ref->events[ref->n_events++]);
  }
  PQclear(r);
  if (a->failed && !ret) ret = MM_REF_ENOMEM;
  if (!ret) *out = ref;
  return ret;
}

static int insert_referral(mm_ref_backend *be, const mm_referral *r) {
  pg_backend *b = (pg_backend *)be;
  const char *centers[] = {r->from_center, r->to_center};
  for (int i = 0; i < 2; i++) {
    int rc = mm_pg_command(b, "INSERT INTO centers(id) VALUES ($1) ON CONFLICT DO NOTHING", 1,
                           &centers[i], "registering a centre");
    if (rc) return rc;
  }
  char date[11];
  mm_date_format(r->n_events ? r->events[0].date : 0, date);
  const char *v[] = {r->id, r->patient, r->from_center, r->to_center, r->target, date,
                     r->n_events ? mm_ref_state_name(r->events[r->n_events - 1].state) : NULL};
  return mm_pg_command(b,
                       "INSERT INTO referrals(id, patient, from_center, to_center, target,"
                       " referred_on, state) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                       7, v, "storing a referral");
}

static int append_event(mm_ref_backend *be, const char *id, size_t seq, const mm_ref_event *e) {
  pg_backend *b = (pg_backend *)be;
  char date[11], s[24];
  mm_date_format(e->date, date);
  snprintf(s, sizeof s, "%zu", seq);
  const char *v[] = {id, s, date, mm_ref_state_name(e->state), e->reason, e->note, e->actor,
                     e->kind, e->data};
  return mm_pg_command(b,
                       "INSERT INTO events(referral, seq, date, state, reason, note, actor,"
                       " kind, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                       9, v, "storing an event");
}

static int set_state(mm_ref_backend *be, const char *id, const char *state) {
  const char *v[] = {id, state};
  return mm_pg_command((pg_backend *)be, "UPDATE referrals SET state = $2 WHERE id = $1", 2, v,
                       "storing the current state");
}

/* The filter's WHERE over referrals r: $1..$8 (see filter_values). */
#define FILTER_WHERE \
  " WHERE ($1::text IS NULL OR r.id = $1) AND ($2::text IS NULL OR r.patient = $2)" \
  " AND ($3::text IS NULL OR r.to_center = $3) AND ($4::text IS NULL OR r.from_center = $4)" \
  " AND ($5::date IS NULL OR r.referred_on >= $5) AND ($6::date IS NULL OR r.referred_on <= $6)" \
  " AND ($7::text IS NULL OR r.state = $7) AND ($8::text IS NULL OR r.id > $8)"

static void filter_values(const mm_ref_filter *f, const char *v[9], char since[11],
                          char until[11], char limit[24]) {
  if (f->since != MM_DATE_NONE) mm_date_format(f->since, since);
  if (f->until != MM_DATE_NONE) mm_date_format(f->until, until);
  snprintf(limit, 24, "%zu", f->limit);
  const char *x[9] = {f->id, f->patient, f->to_center, f->from_center,
                      f->since != MM_DATE_NONE ? since : NULL,
                      f->until != MM_DATE_NONE ? until : NULL, f->state, f->after,
                      f->limit ? limit : NULL}; /* LIMIT NULL: all */
  memcpy(v, x, sizeof x);
}

static int count(mm_ref_backend *be, const mm_ref_filter *f, size_t *n) {
  pg_backend *b = (pg_backend *)be;
  alive(b);
  const char *v[9];
  char since[11], until[11], limit[24];
  filter_values(f, v, since, until, limit);
  v[7] = NULL; /* after */
  PGresult *r = mm_pg_query(b, "SELECT count(*) FROM referrals r" FILTER_WHERE, 8, v);
  if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
    return mm_pg_fail(b, r, "counting referrals");
  *n = (size_t)strtoull(PQgetvalue(r, 0, 0), NULL, 10);
  PQclear(r);
  return MM_REF_OK;
}

static int foreach(mm_ref_backend *be, const mm_ref_filter *f, mm_ref_visit visit, void *ctx) {
  pg_backend *b = (pg_backend *)be;
  alive(b);
  const char *v[9];
  char since[11], until[11], limit[24];
  filter_values(f, v, since, until, limit);
  /* one statement, one snapshot; rows streamed one at a time; the page is
   * chosen on referrals alone (indexes), then joined */
  static const char page[] = "SELECT r.id, r.patient, r.from_center, r.to_center, r.target, "
      EVENT_COLS " FROM (SELECT * FROM referrals r" FILTER_WHERE
      " ORDER BY r.id LIMIT $9::bigint) r JOIN events e ON e.referral = r.id"
      " ORDER BY r.id, e.seq";
  static const char all[] = "SELECT r.id, r.patient, r.from_center, r.to_center, r.target, "
      EVENT_COLS " FROM referrals r JOIN events e ON e.referral = r.id" FILTER_WHERE
      " ORDER BY r.id, e.seq";
  if (!PQsendQueryParams(b->conn, f->limit ? page : all, f->limit ? 9 : 8, NULL, v, NULL,
                         NULL, 0) ||
      !PQsetSingleRowMode(b->conn))
    return mm_pg_fail(b, NULL, "listing referrals");
  mm_arena a;
  mm_arena_init(&a, 16384);
  mm_referral cur = {0};
  size_t cap = 0;
  int ret = MM_REF_OK;
  bool stopped = false;
  PGresult *r;
  while ((r = PQgetResult(b->conn))) {
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE && !ret && !stopped) {
      const char *id = PQgetvalue(r, 0, 0);
      if (!cur.id || strcmp(cur.id, id) != 0) {
        if (cur.id && (ret = visit(ctx, &cur)) != 0) stopped = true;
        mm_arena_reset(&a);
        cur = (mm_referral){0};
        cap = 0;
        cur.id = mm_pg_col(&a, r, 0, 0);
        cur.patient = mm_pg_col(&a, r, 0, 1);
        cur.from_center = mm_pg_col(&a, r, 0, 2);
        cur.to_center = mm_pg_col(&a, r, 0, 3);
        cur.target = mm_pg_col(&a, r, 0, 4);
      }
      if (!stopped) {
        if (cur.n_events == cap) {
          size_t ncap = cap ? cap * 2 : 16;
          cur.events = mm_arena_grow(&a, cur.events, cap, ncap, sizeof *cur.events);
          cap = ncap;
        }
        if (a.failed) ret = MM_REF_ENOMEM;
        else ret = read_event(b, &a, r, 0, 5, cur.id, &cur.events[cur.n_events++]);
      }
      PQclear(r);
    } else if (st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE) {
      PQclear(r); /* the end, or rows after a stop: drained */
    } else {
      if (!ret) ret = mm_pg_fail(b, r, "listing referrals");
      else PQclear(r);
    }
  }
  if (!ret && !stopped && cur.id) ret = visit(ctx, &cur);
  mm_arena_free(&a);
  return ret;
}

static int check(mm_ref_backend *be, char *msg, size_t n) {
  pg_backend *b = (pg_backend *)be;
  PGresult *r = PQexec(b->conn,
                       "SELECT r.id FROM referrals r LEFT JOIN events e ON e.referral = r.id"
                       " GROUP BY r.id, r.referred_on HAVING count(e.seq) = 0"
                       " OR max(e.seq) <> count(e.seq) - 1 OR min(e.date) <> r.referred_on"
                       " LIMIT 1");
  int ret = MM_REF_OK;
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    snprintf(msg, n, "%s", PQresultErrorMessage(r));
    ret = MM_REF_EBACKEND;
  } else if (PQntuples(r) > 0) {
    snprintf(msg, n, "referral '%s': events not numbered 0..n-1 or referral date wrong",
             PQgetvalue(r, 0, 0));
    ret = MM_REF_EBACKEND;
  }
  PQclear(r);
  return ret;
}

static const char *errmsg(mm_ref_backend *be) { return ((pg_backend *)be)->msg; }

static void pfree(mm_ref_backend *be) {
  pg_backend *b = (pg_backend *)be;
  if (!b) return;
  PQfinish(b->conn);
  free(b);
}

/* ---- the migrator (store_migrate.h) ---- */
static int m_version(void *ctx, int *v) {
  pg_backend *b = ctx;
  /* pg_class read by a query (the statement's snapshot), not to_regclass():
   * that one may answer from a catalog cache taken before the migration
   * lock was granted, and miss the table the other process just made */
  PGresult *r = PQexec(b->conn,
                       "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN"
                       " pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                       " WHERE c.relname = 'schema_version' AND n.nspname = current_schema())");
  if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "reading the schema version");
  bool table = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
  PQclear(r);
  *v = 0;
  if (!table) return MM_REF_OK;
  r = PQexec(b->conn, "SELECT coalesce(max(version), 0) FROM schema_version");
  if (PQresultStatus(r) != PGRES_TUPLES_OK) return mm_pg_fail(b, r, "reading the schema version");
  *v = atoi(PQgetvalue(r, 0, 0));
  PQclear(r);
  return MM_REF_OK;
}

static int m_lock(void *ctx) {
  pg_backend *b = ctx;
  int rc = mm_pg_exec(b, "BEGIN", "migrating the schema");
  if (!rc)
    rc = mm_pg_exec(b, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK_KEY ")",
                    "waiting for the migration lock");
  return rc;
}

static int m_apply(void *ctx, const char *sql, int v) {
  pg_backend *b = ctx;
  char what[64], rec[300];
  snprintf(what, sizeof what, "migrating the schema to version %d", v);
  snprintf(rec, sizeof rec,
           "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY,"
           " applied_at timestamptz NOT NULL DEFAULT now());"
           "INSERT INTO schema_version(version) VALUES (%d);", v);
  int rc = mm_pg_exec(b, sql, what);
  if (!rc) rc = mm_pg_exec(b, rec, what);
  return rc;
}

static int m_commit(void *ctx) { return mm_pg_exec(ctx, "COMMIT", "migrating the schema"); }
static void m_rollback(void *ctx) { rollback(ctx); }

static void quiet(void *arg, const char *message) {
  (void)arg;
  (void)message; /* NOTICEs ("relation exists, skipping") are not errors */
}

int mm_ref_backend_pg_open(mm_ref_backend **out, const char *url, char *err, size_t err_len) {
  *out = NULL;
  pg_backend *b = calloc(1, sizeof *b);
  if (!b) return MM_REF_ENOMEM;
  b->base.version = MM_REF_BACKEND_VERSION;
  b->base.begin_write = begin_write;
  b->base.commit = commit;
  b->base.rollback = rollback;
  b->base.get = get;
  b->base.insert_referral = insert_referral;
  b->base.append_event = append_event;
  b->base.foreach = foreach;
  b->base.count = count;
  b->base.set_state = set_state;
  b->base.check = check;
  b->base.errmsg = errmsg;
  b->base.free = pfree;
  mm_pg_server_init(b);
  mm_pg_funnel_init(b);
  b->conn = PQconnectdb(url);
  if (!b->conn || PQstatus(b->conn) != CONNECTION_OK) {
    const char *m = b->conn ? PQerrorMessage(b->conn) : "out of memory";
    snprintf(err, err_len, "cannot connect to the PostgreSQL database: %.*s",
             (int)strcspn(m, "\n"), m);
    pfree(&b->base);
    return MM_REF_EBACKEND;
  }
  PQsetNoticeProcessor(b->conn, quiet, NULL);
  /* ISO dates whatever the server's DateStyle; UTC times; bounded waits */
  int rc = mm_pg_exec(b,
                      "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC';"
                      " SET lock_timeout = '10s'; SET application_name = 'mmpath'",
                      "setting up the connection");
  mm_ref_migrator m = {b, m_version, m_lock, m_apply, m_commit, m_rollback};
  if (!rc) rc = mm_ref_migrate(&m, migrations, N_MIGRATIONS, b->msg, sizeof b->msg);
  if (rc) {
    snprintf(err, err_len, "PostgreSQL: %s", b->msg);
    pfree(&b->base);
    return rc;
  }
  *out = &b->base;
  return MM_REF_OK;
}
#endif
