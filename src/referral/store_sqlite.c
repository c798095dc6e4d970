/* store_sqlite.c: the embedded default backend (store.h), one SQLite file.
 * WAL journal, a busy handler so concurrent writers queue instead of
 * failing, foreign keys on, synchronous=FULL (a committed event survives
 * power loss, not only kill -9). The schema is migrated by store_migrate.h
 * (BEGIN IMMEDIATE is the lock); triggers make events and the audit log
 * append-only in the database itself, whatever program writes it. Tokens,
 * centres and the audit are in store_sqlite_server.c. One connection per
 * backend object: use one per thread. */
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "referral/store_migrate.h"
#include "referral/store_sqlite.h"
#include "util/file.h"

/* Step i takes the schema from version i to i+1 (store_migrate.h). Versions
 * 1-3 were counted in PRAGMA user_version alone; from 4 on also in the
 * schema_version table. Append; never edit a shipped one. */
static const char *const migrations[] = {
    /* 0 -> 1: centres, referrals, append-only events (spec mmpath/referral@1). */
    "CREATE TABLE centers (\n"
    "  id TEXT PRIMARY KEY,\n"
    "  name TEXT\n"
    ") STRICT;\n"
    "CREATE TABLE referrals (\n"
    "  id TEXT PRIMARY KEY,\n"
    "  patient TEXT NOT NULL,      -- pseudonymous id only, never a name\n"
    "  from_center TEXT NOT NULL REFERENCES centers(id),\n"
    "  to_center TEXT NOT NULL REFERENCES centers(id),\n"
    "  target TEXT NOT NULL,\n"
    "  referred_on TEXT NOT NULL,  -- first event's date, for window filters\n"
    "  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))\n"
    ") STRICT;\n"
    "CREATE INDEX referrals_to ON referrals(to_center, referred_on);\n"
    "CREATE TABLE events (\n"
    "  referral TEXT NOT NULL REFERENCES referrals(id),\n"
    "  seq INTEGER NOT NULL CHECK (seq >= 0),\n"
    "  date TEXT NOT NULL,\n"
    "  state TEXT NOT NULL,\n"
    "  reason TEXT,\n"
    "  note TEXT,\n"
    "  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  PRIMARY KEY (referral, seq)\n"
    ") STRICT, WITHOUT ROWID;\n"
    "CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events\n"
    "  BEGIN SELECT RAISE(ABORT, 'referral events are append-only'); END;\n"
    "CREATE TRIGGER events_append_only_d BEFORE DELETE ON events\n"
    "  BEGIN SELECT RAISE(ABORT, 'referral events are append-only'); END;\n"
    "CREATE TRIGGER referrals_keep BEFORE DELETE ON referrals\n"
    "  BEGIN SELECT RAISE(ABORT, 'referrals are never deleted'); END;\n",
    /* 1 -> 2: who recorded each event, written in the same transaction. */
    "ALTER TABLE events ADD COLUMN actor TEXT;\n",
    /* 2 -> 3: events other than moves (corrections, records after infusion):
     * their kind and their content, a JSON object kept verbatim. */
    "ALTER TABLE events ADD COLUMN kind TEXT;\n"
    "ALTER TABLE events ADD COLUMN data TEXT CHECK (data IS NULL OR json_valid(data));\n",
    /* 3 -> 4: API tokens with an expiry and the audit log move from the
     * server's own tables (server_schema 1, created by older versions, or
     * not yet there) into the versioned schema; the audit gains the OS user
     * of a command line and the answer's status, and becomes append-only;
     * a heartbeat row proves that the database takes writes. */
    "CREATE TABLE IF NOT EXISTS api_tokens("
    " id INTEGER PRIMARY KEY,"
    " hash TEXT NOT NULL UNIQUE,"
    " center TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK(role IN ('hub','spoke','analyst')),"
    " created TEXT NOT NULL,"
    " created_by TEXT NOT NULL,"
    " revoked TEXT);\n"
    "ALTER TABLE api_tokens ADD COLUMN expires TEXT;\n"
    "CREATE TABLE IF NOT EXISTS api_audit("
    " id INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL,"
    " token_id INTEGER,"
    " center TEXT,"
    " role TEXT,"
    " action TEXT NOT NULL,"
    " object TEXT,"
    " detail TEXT);\n"
    "ALTER TABLE api_audit ADD COLUMN os_user TEXT;\n"
    "ALTER TABLE api_audit ADD COLUMN status INTEGER;\n"
    "CREATE INDEX api_audit_object ON api_audit(object, id);\n"
    "CREATE INDEX api_audit_at ON api_audit(at);\n"
    "CREATE TRIGGER api_audit_append_only_u BEFORE UPDATE ON api_audit\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
    "CREATE TRIGGER api_audit_append_only_d BEFORE DELETE ON api_audit\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
    "CREATE TABLE heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL,\n"
    "  pad BLOB) STRICT;\n"
    "INSERT INTO heartbeat VALUES (1, '', NULL);\n"
    "DROP TABLE IF EXISTS server_schema;\n",
    /* 4 -> 5: the current state (the last event's) kept on the referral by
     * the store once a write's events are appended (a trigger on each event
     * made an import 45% slower), and indexes for the list's filters and
     * its cursor (id order), so a filtered page reads only its rows. */
    "ALTER TABLE referrals ADD COLUMN state TEXT;\n"
    "UPDATE referrals SET state = (SELECT e.state FROM events e WHERE e.referral = referrals.id\n"
    "  ORDER BY e.seq DESC LIMIT 1);\n"

    "CREATE INDEX referrals_state ON referrals(state, id);\n"
    "CREATE INDEX referrals_from ON referrals(from_center, id);\n"
    "CREATE INDEX referrals_on ON referrals(referred_on);\n",
    /* 5 -> 6: the funnel's kept counts (funnel.h, store_funnel.c): per
     * (to_center, from_center, referral date) the referrals' step functions
     * summed (little-endian int32 triples), their sum, the last step's
     * date; filled from every history by the store at its first open with
     * a kb (the layout in mmpath_meta says which codes). */
    "CREATE TABLE funnel_days (\n"
    "  to_center TEXT NOT NULL,\n"
    "  from_center TEXT NOT NULL,\n"
    "  referred_on TEXT NOT NULL,\n"
    "  last_at TEXT NOT NULL,\n"
    "  total BLOB NOT NULL,  -- before steps: a whole report reads only it\n"
    "  steps BLOB NOT NULL,\n"
    "  PRIMARY KEY (to_center, from_center, referred_on)\n"
    ") STRICT;\n"
    "CREATE TABLE mmpath_meta (key TEXT PRIMARY KEY, value TEXT) STRICT;\n",
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof *migrations))
#define BUSY_TIMEOUT_MS 10000

/* The wait of a writer behind another connection's write. SQLite's own
 * busy timeout sleeps 1, 2, 5 ... 100 ms between tries, so behind a write
 * that takes a millisecond (an audit row and its fsync) a server worker
 * slept up to 100 ms: the referral list's p99 was 350 ms at 16
 * connections. Here the sleeps are 50 us doubling to 1 ms, for the same
 * 10 s in all. n counts the tries of this one lock (0 first). */
static int busy_wait(void *unused, int n) {
  (void)unused;
  long long us = n < 5 ? 50LL << n : 1000;
  long long waited = n < 5 ? 50LL * ((1LL << n) - 1) : 1550 + (long long)(n - 5) * 1000;
  if (waited >= (long long)BUSY_TIMEOUT_MS * 1000) return 0;
  struct timespec ts = {0, us * 1000};
  nanosleep(&ts, NULL);
  return 1;
}

/* Whether a write error with no errno kept (SQLite loses it on some paths,
 * e.g. the WAL's writes at COMMIT) is for want of space: the filesystem has
 * less than 1 MiB left, or the database or its WAL is at the process's file
 * size limit. */
static bool no_space(sqlite3 *db) {
  const char *path = sqlite3_db_filename(db, "main");
  if (!path || !*path) return false;
  struct statvfs fs;
  if (statvfs(path, &fs) == 0 && (unsigned long long)fs.f_bavail * fs.f_frsize < (1u << 20))
    return true;
  struct rlimit rl;
  if (getrlimit(RLIMIT_FSIZE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return false;
  char wal[4096];
  snprintf(wal, sizeof wal, "%s-wal", path);
  const char *files[] = {path, wal};
  for (int i = 0; i < 2; i++) {
    struct stat st;
    if (stat(files[i], &st) == 0 && (unsigned long long)st.st_size + 65536 > rl.rlim_cur)
      return true;
  }
  return false;
}

int mm_sqlite_code(sqlite3 *db) {
  switch (sqlite3_errcode(db) & 0xff) {
  case SQLITE_NOMEM: return MM_REF_ENOMEM;
  case SQLITE_FULL: return MM_REF_EFULL;
  case SQLITE_READONLY: return MM_REF_EREADONLY;
  case SQLITE_BUSY:
  case SQLITE_LOCKED: return MM_REF_EBUSY;
  case SQLITE_IOERR:
  case SQLITE_CANTOPEN:
    /* the system's reason, when SQLite kept it: no space (the disk, the
     * user's quota, the process's file size limit) */
    if (sqlite3_system_errno(db) == ENOSPC || sqlite3_system_errno(db) == EDQUOT ||
        sqlite3_system_errno(db) == EFBIG)
      return MM_REF_EFULL;
    if (sqlite3_system_errno(db) == EROFS) return MM_REF_EREADONLY;
    if (sqlite3_extended_errcode(db) == SQLITE_IOERR_WRITE && sqlite3_system_errno(db) == 0 &&
        no_space(db))
      return MM_REF_EFULL;
    return MM_REF_EBACKEND;
  default: return MM_REF_EBACKEND;
  }
}

int mm_sqlite_fail(sqlite_backend *b, const char *what) {
  int code = mm_sqlite_code(b->db);
  snprintf(b->msg, sizeof b->msg, "%s: %s%s", what, sqlite3_errmsg(b->db),
           code == MM_REF_EFULL       ? " (no space left for the database)"
           : code == MM_REF_EREADONLY ? " (the database cannot be written)"
                                      : "");
  return code;
}

int mm_sqlite_exec(sqlite_backend *b, const char *sql) {
  char *e = NULL;
  if (sqlite3_exec(b->db, sql, NULL, NULL, &e) != SQLITE_OK) {
    int code = mm_sqlite_code(b->db);
    snprintf(b->msg, sizeof b->msg, "%s%s", e ? e : sqlite3_errmsg(b->db),
             code == MM_REF_EFULL       ? " (no space left for the database)"
             : code == MM_REF_EREADONLY ? " (the database cannot be written)"
                                        : "");
    sqlite3_free(e);
    return code;
  }
  return MM_REF_OK;
}
#define fail mm_sqlite_fail
#define exec mm_sqlite_exec

static int begin_write(mm_ref_backend *be) {
  ((sqlite_backend *)be)->n_seen = 0;
  return exec((sqlite_backend *)be, "BEGIN IMMEDIATE");
}
static int commit(mm_ref_backend *be) { return exec((sqlite_backend *)be, "COMMIT"); }
static int rollback(mm_ref_backend *be) {
  sqlite_backend *b = (sqlite_backend *)be;
  b->n_seen = 0;
  if (b->bulk) { /* the page cache back; the indexes come back with the rollback */
    b->bulk = false;
    sqlite3_exec(b->db, "PRAGMA cache_size = -2000", NULL, NULL, NULL);
  }
  if (sqlite3_get_autocommit(b->db)) return MM_REF_OK; /* already rolled back */
  return exec(b, "ROLLBACK");
}

void mm_sqlite_bind(sqlite3_stmt *st, int i, const char *s) {
  if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, i);
}
#define bind_text mm_sqlite_bind

const char *mm_sqlite_col(mm_arena *a, sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? mm_arena_strdup(a, (const char *)t) : NULL;
}
#define col_dup mm_sqlite_col

/* Reads an event row (date, state, reason, note, actor, kind, data at
 * columns c..c+6). */
static int read_event(sqlite_backend *b, mm_arena *a, sqlite3_stmt *st, int c,
                      const char *id, mm_ref_event *e) {
  const char *date = (const char *)sqlite3_column_text(st, c);
  const char *state = (const char *)sqlite3_column_text(st, c + 1);
  if (!date || !mm_date_parse(date, strlen(date), &e->date) || !state ||
      !mm_ref_state_parse(state, &e->state)) {
    snprintf(b->msg, sizeof b->msg, "registry corrupt: referral '%s' has an event '%s' on '%s'",
             id, state ? state : "(null)", date ? date : "(null)");
    return MM_REF_EBACKEND;
  }
  e->reason = col_dup(a, st, c + 2);
  e->note = col_dup(a, st, c + 3);
  e->actor = col_dup(a, st, c + 4);
  e->kind = col_dup(a, st, c + 5);
  e->data = col_dup(a, st, c + 6);
  return MM_REF_OK;
}

static int get(mm_ref_backend *be, mm_arena *a, const char *id, mm_referral **out) {
  sqlite_backend *b = (sqlite_backend *)be;
  *out = NULL;
  sqlite3_stmt *st = b->get_ref;
  sqlite3_reset(st);
  bind_text(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(st);
    return MM_REF_ENOTFOUND;
  }
  if (rc != SQLITE_ROW) {
    rc = fail(b, "reading a referral");
    sqlite3_reset(st);
    return rc;
  }
  mm_referral *r = mm_arena_alloc(a, sizeof *r);
  if (!r) {
    sqlite3_reset(st);
    return MM_REF_ENOMEM;
  }
  r->id = col_dup(a, st, 0);
  r->patient = col_dup(a, st, 1);
  r->from_center = col_dup(a, st, 2);
  r->to_center = col_dup(a, st, 3);
  r->target = col_dup(a, st, 4);
  sqlite3_reset(st);
  st = b->get_events;
  sqlite3_reset(st);
  bind_text(st, 1, id);
  size_t cap = 0;
  int ret = MM_REF_OK;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (r->n_events == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      r->events = mm_arena_grow(a, r->events, cap, ncap, sizeof *r->events);
      if (!r->events) {
        ret = MM_REF_ENOMEM;
        break;
      }
      cap = ncap;
    }
    ret = read_event(b, a, st, 0, id, &r->events[r->n_events++]);
    if (ret) break;
  }
  if (!ret && rc != SQLITE_DONE) ret = fail(b, "reading events");
  sqlite3_reset(st);
  if (a->failed && !ret) ret = MM_REF_ENOMEM;
  if (!ret) *out = r;
  return ret;
}

int mm_sqlite_step_done(sqlite_backend *b, sqlite3_stmt *st, const char *what) {
  int rc = sqlite3_step(st);
  int ret = rc == SQLITE_DONE ? MM_REF_OK : fail(b, what);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return ret;
}

/* Whether centre id was registered earlier in this transaction (an import
 * names the same few centres a million times). */
static bool center_seen(sqlite_backend *b, const char *id) {
  for (size_t i = 0; i < b->n_seen; i++)
    if (strcmp(b->seen[i], id) == 0) return true;
  if (b->n_seen < sizeof b->seen / sizeof *b->seen && strlen(id) < sizeof b->seen[0])
    strcpy(b->seen[b->n_seen++], id);
  return false;
}

static int insert_referral(mm_ref_backend *be, const mm_referral *r) {
  sqlite_backend *b = (sqlite_backend *)be;
  const char *centers[] = {r->from_center, r->to_center};
  for (int i = 0; i < 2; i++) {
    if (center_seen(b, centers[i])) continue;
    bind_text(b->ins_center, 1, centers[i]);
    int rc = mm_sqlite_step_done(b, b->ins_center, "registering a centre");
    if (rc) return rc;
  }
  char date[11];
  mm_date_format(r->n_events ? r->events[0].date : 0, date);
  sqlite3_stmt *st = b->ins_ref;
  bind_text(st, 1, r->id);
  bind_text(st, 2, r->patient);
  bind_text(st, 3, r->from_center);
  bind_text(st, 4, r->to_center);
  bind_text(st, 5, r->target);
  bind_text(st, 6, date);
  bind_text(st, 7, r->n_events ? mm_ref_state_name(r->events[r->n_events - 1].state) : NULL);
  return mm_sqlite_step_done(b, st, "storing a referral");
}

static int append_event(mm_ref_backend *be, const char *id, size_t seq, const mm_ref_event *e) {
  sqlite_backend *b = (sqlite_backend *)be;
  char date[11];
  mm_date_format(e->date, date);
  sqlite3_stmt *st = b->ins_event;
  bind_text(st, 1, id);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
  bind_text(st, 3, date);
  bind_text(st, 4, mm_ref_state_name(e->state));
  bind_text(st, 5, e->reason);
  bind_text(st, 6, e->note);
  bind_text(st, 7, e->actor);
  bind_text(st, 8, e->kind);
  bind_text(st, 9, e->data);
  return mm_sqlite_step_done(b, st, "storing an event");
}

static int set_state(mm_ref_backend *be, const char *id, const char *state) {
  sqlite_backend *b = (sqlite_backend *)be;
  bind_text(b->set_state, 1, id);
  bind_text(b->set_state, 2, state);
  return mm_sqlite_step_done(b, b->set_state, "storing the current state");
}

/* The filter's WHERE over referrals r with only the conditions given
 * (?1..?8, see bind_filter): "?7 IS NULL OR r.state = ?7" would keep SQLite
 * from using any index, as it plans before the values are bound. */
static void filter_where(char *w, size_t n, const mm_ref_filter *f, bool with_after,
                         bool by_id) {
  static const char *const cond[] = {"r.id = ?1",          "r.patient = ?2",
                                     "r.to_center = ?3",   "r.from_center = ?4",
                                     "r.referred_on >= ?5", "r.referred_on <= ?6",
                                     "r.state = ?7",       "r.id > ?8"};
  /* by_id: a whole walk reads referrals in id order and filters as it goes
   * ("+" keeps a term off the indexes): through an index it would sort
   * every event afterwards, 4x slower for the funnel */
  const char *plus = by_id ? "+" : "";
  bool on[] = {f->id, f->patient, f->to_center, f->from_center, f->since != MM_DATE_NONE,
               f->until != MM_DATE_NONE, f->state, with_after && f->after};
  size_t len = 0;
  w[0] = '\0';
  for (size_t i = 0; i < sizeof on / sizeof *on; i++)
    if (on[i])
      len += (size_t)snprintf(w + len, n - len, "%s%s%s", len ? " AND " : " WHERE ",
                              i == 0 ? "" : plus, cond[i]);
}

/* since/until are formatted into the caller's buffers (they must outlive
 * the statement's steps: bound without a copy). */
static void bind_filter(sqlite3_stmt *st, const mm_ref_filter *f, char since[11],
                        char until[11]) {
  bind_text(st, 1, f->id);
  bind_text(st, 2, f->patient);
  bind_text(st, 3, f->to_center);
  bind_text(st, 4, f->from_center);
  if (f->since != MM_DATE_NONE) {
    mm_date_format(f->since, since);
    bind_text(st, 5, since);
  }
  if (f->until != MM_DATE_NONE) {
    mm_date_format(f->until, until);
    bind_text(st, 6, until);
  }
  bind_text(st, 7, f->state);
  bind_text(st, 8, f->after);
}

static int count(mm_ref_backend *be, const mm_ref_filter *f, size_t *n) {
  sqlite_backend *b = (sqlite_backend *)be;
  sqlite3_stmt *st;
  char w[400], sql[512];
  filter_where(w, sizeof w, f, false, false);
  snprintf(sql, sizeof sql, "SELECT count(*) FROM referrals r%s", w);
  if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
    return fail(b, "counting referrals");
  char since[11], until[11];
  bind_filter(st, f, since, until);
  int ret = MM_REF_OK;
  if (sqlite3_step(st) == SQLITE_ROW) *n = (size_t)sqlite3_column_int64(st, 0);
  else ret = fail(b, "counting referrals");
  sqlite3_finalize(st);
  return ret;
}

static int foreach(mm_ref_backend *be, const mm_ref_filter *f, mm_ref_visit visit, void *ctx) {
  sqlite_backend *b = (sqlite_backend *)be;
  /* a page is chosen on referrals alone (indexes), then joined; a whole
   * walk (the funnel, export) joins directly: the subquery would be
   * materialised first and made the funnel twice as slow */
#define LIST_COLS                                                 \
  "SELECT r.id, r.patient, r.from_center, r.to_center, r.target," \
  " e.date, e.state, e.reason, e.note, e.actor, e.kind, e.data"
  char w[400], sql[1024];
  filter_where(w, sizeof w, f, true, !f->limit);
  if (f->limit)
    snprintf(sql, sizeof sql,
             LIST_COLS " FROM (SELECT * FROM referrals r%s ORDER BY r.id LIMIT ?9) r"
                       " JOIN events e ON e.referral = r.id ORDER BY r.id, e.seq",
             w);
  else
    snprintf(sql, sizeof sql,
             LIST_COLS " FROM referrals r JOIN events e ON e.referral = r.id%s"
                       " ORDER BY r.id, e.seq",
             w);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
    return fail(b, "listing referrals");
  char since[11], until[11];
  bind_filter(st, f, since, until);
  if (f->limit) sqlite3_bind_int64(st, 9, (sqlite3_int64)f->limit);
  /* A read transaction, so the walk sees one consistent snapshot (or the
   * write transaction it is part of: the funnel's rebuild). */
  bool own = sqlite3_get_autocommit(b->db);
  int ret = own ? exec(b, "BEGIN") : MM_REF_OK;
  mm_arena a;
  mm_arena_init(&a, 16384);
  mm_referral cur = {0};
  size_t cap = 0;
  int rc = SQLITE_DONE;
  while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *id = (const char *)sqlite3_column_text(st, 0);
    if (!cur.id || strcmp(cur.id, id) != 0) {
      if (cur.id && (ret = visit(ctx, &cur)) != 0) break;
      mm_arena_reset(&a);
      cur = (mm_referral){0};
      cap = 0;
      cur.id = col_dup(&a, st, 0);
      cur.patient = col_dup(&a, st, 1);
      cur.from_center = col_dup(&a, st, 2);
      cur.to_center = col_dup(&a, st, 3);
      cur.target = col_dup(&a, st, 4);
    }
    if (cur.n_events == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      cur.events = mm_arena_grow(&a, cur.events, cap, ncap, sizeof *cur.events);
      cap = ncap;
    }
    if (a.failed) {
      ret = MM_REF_ENOMEM;
      break;
    }
    ret = read_event(b, &a, st, 5, cur.id, &cur.events[cur.n_events++]);
  }
  if (!ret && rc != SQLITE_DONE && rc != SQLITE_ROW) ret = fail(b, "listing referrals");
  if (!ret && rc == SQLITE_DONE && cur.id) ret = visit(ctx, &cur);
  sqlite3_finalize(st);
  mm_arena_free(&a);
  if (own && !sqlite3_get_autocommit(b->db)) exec(b, "COMMIT");
  return ret;
}

static int check(mm_ref_backend *be, char *msg, size_t n) {
  sqlite_backend *b = (sqlite_backend *)be;
  sqlite3_stmt *st;
  int ret = MM_REF_OK;
  const char *sqls[] = {"PRAGMA integrity_check", "PRAGMA foreign_key_check"};
  for (int i = 0; i < 2 && !ret; i++) {
    if (sqlite3_prepare_v2(b->db, sqls[i], -1, &st, NULL) != SQLITE_OK) {
      snprintf(msg, n, "%s", sqlite3_errmsg(b->db));
      return MM_REF_EBACKEND;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *t = (const char *)sqlite3_column_text(st, 0);
      if (i == 0 && t && strcmp(t, "ok") == 0) continue;
      snprintf(msg, n, "%s: %s", sqls[i], t ? t : "(row)");
      ret = MM_REF_EBACKEND;
      break;
    }
    sqlite3_finalize(st);
  }
  /* Events numbered 0..n-1 without holes, and every referral has events. */
  if (!ret &&
      sqlite3_prepare_v2(b->db,
                         "SELECT r.id FROM referrals r LEFT JOIN events e ON e.referral = r.id"
                         " GROUP BY r.id HAVING count(e.seq) = 0 OR max(e.seq) <> count(e.seq) - 1"
                         " OR min(e.date) <> r.referred_on LIMIT 1",
                         -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) {
      snprintf(msg, n, "referral '%s': events not numbered 0..n-1 or referral date wrong",
               sqlite3_column_text(st, 0));
      ret = MM_REF_EBACKEND;
    }
    sqlite3_finalize(st);
  }
  return ret;
}

static const char *errmsg(mm_ref_backend *be) { return ((sqlite_backend *)be)->msg; }

static void sfree(mm_ref_backend *be) {
  sqlite_backend *b = (sqlite_backend *)be;
  if (!b) return;
  sqlite3_stmt *sts[] = {b->get_ref,    b->get_events, b->ins_center, b->ins_ref,
                         b->ins_event,  b->ins_audit,  b->find_token, b->set_state,
                         b->funnel_get, b->funnel_ins, b->funnel_upd};
  for (size_t i = 0; i < sizeof sts / sizeof *sts; i++) sqlite3_finalize(sts[i]);
  sqlite3_close(b->db);
  free(b);
}

/* The migrator's side (store_migrate.h): the version is schema_version's
 * highest row, or PRAGMA user_version in a database from before it. */
static int m_version(void *ctx, int *v) {
  sqlite_backend *b = ctx;
  sqlite3_stmt *st;
  const char *sql =
      "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'schema_version')";
  *v = -1;
  if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
    return fail(b, "reading the schema version");
  bool table = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
  sqlite3_finalize(st);
  sql = table ? "SELECT coalesce(max(version), 0) FROM schema_version" : "PRAGMA user_version";
  if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
    return fail(b, "reading the schema version");
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? MM_REF_OK : fail(b, "reading the schema version");
}

static int m_lock(void *ctx) { return exec(ctx, "BEGIN IMMEDIATE"); }

static int m_apply(void *ctx, const char *sql, int v) {
  sqlite_backend *b = ctx;
  char rec[300];
  /* user_version too, so that an mmpath older than schema_version refuses
   * a database it does not know */
  snprintf(rec, sizeof rec,
           "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
           " applied_at TEXT NOT NULL);"
           "INSERT INTO schema_version VALUES (%d, strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ','now'));"
           "PRAGMA user_version = %d;",
           v, v);
  int rc = exec(b, sql);
  if (!rc) rc = exec(b, rec);
  if (rc) {
    char keep[sizeof b->msg];
    snprintf(keep, sizeof keep, "%s", b->msg);
    snprintf(b->msg, sizeof b->msg, "migrating the schema to version %d: %.250s", v, keep);
  }
  return rc;
}

static int m_commit(void *ctx) { return exec(ctx, "COMMIT"); }

static void m_rollback(void *ctx) {
  sqlite_backend *b = ctx;
  if (!sqlite3_get_autocommit(b->db)) sqlite3_exec(b->db, "ROLLBACK", 0, 0, 0);
}

static int migrate(sqlite_backend *b) {
  mm_ref_migrator m = {b, m_version, m_lock, m_apply, m_commit, m_rollback};
  return mm_ref_migrate(&m, migrations, N_MIGRATIONS, b->msg, sizeof b->msg);
}

/* Switches to WAL. Changing the journal mode may answer SQLITE_BUSY without
 * calling the busy handler (while another process creates the same file), so
 * retry for up to the busy timeout. The answer row is the mode in force (the
 * old one when the change could not be made). */
static int use_wal(sqlite_backend *b) {
  for (int waited = 0;; waited += 10) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(b->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK) {
      int busy = (sqlite3_errcode(b->db) & 0xff) == SQLITE_BUSY;
      sqlite3_finalize(st);
      if (busy && waited < BUSY_TIMEOUT_MS) {
        sqlite3_sleep(10);
        continue;
      }
      return fail(b, "switching the registry to WAL");
    }
    int rc = sqlite3_step(st);
    const char *mode = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    bool wal = mode && strcmp(mode, "wal") == 0;
    sqlite3_finalize(st);
    if (wal) return MM_REF_OK;
    /* BUSY, or the old mode answered because the change could not be made. */
    if (((rc & 0xff) == SQLITE_BUSY || rc == SQLITE_ROW) && waited < BUSY_TIMEOUT_MS) {
      sqlite3_sleep(10);
      continue;
    }
    if (rc == SQLITE_ROW) {
      snprintf(b->msg, sizeof b->msg, "switching the registry to WAL: journal mode is '%s'",
               mode ? mode : "?");
      return MM_REF_EBACKEND;
    }
    return fail(b, "switching the registry to WAL");
  }
}

int mm_ref_backend_sqlite_open(mm_ref_backend **out, const char *path, char *err,
                               size_t err_len) {
  *out = NULL;
  sqlite_backend *b = calloc(1, sizeof *b);
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
  b->base.free = sfree;
  mm_sqlite_server_init(b);
  mm_sqlite_funnel_init(b);
  b->base.bulk = mm_sqlite_bulk;
  /* patients' referrals: a new file is readable by its owner only */
  mm_file_create_private(path);
  int rc = sqlite3_open_v2(path, &b->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, err_len, "%s: cannot open the registry: %s", path,
             b->db ? sqlite3_errmsg(b->db) : "out of memory");
    sfree(&b->base);
    return MM_REF_EBACKEND;
  }
  sqlite3_busy_handler(b->db, busy_wait, NULL);
  sqlite3_extended_result_codes(b->db, 1);
  rc = exec(b, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;");
  if (!rc) rc = use_wal(b);
  if (!rc) rc = migrate(b);
  struct { sqlite3_stmt **st; const char *sql; } prep[] = {
      {&b->get_ref, "SELECT id, patient, from_center, to_center, target FROM referrals"
                    " WHERE id = ?1"},
      {&b->get_events, "SELECT date, state, reason, note, actor, kind, data FROM events"
                       " WHERE referral = ?1"
                       " ORDER BY seq"},
      {&b->ins_center, "INSERT OR IGNORE INTO centers(id) VALUES (?1)"},
      {&b->ins_ref, "INSERT INTO referrals(id, patient, from_center, to_center, target,"
                    " referred_on, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      {&b->ins_event, "INSERT INTO events(referral, seq, date, state, reason, note, actor,"
                      " kind, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
      {&b->set_state, "UPDATE referrals SET state = ?2 WHERE id = ?1"},
      {&b->ins_audit, "INSERT INTO api_audit(at, token_id, center, role, os_user, action,"
                      " object, status, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
      {&b->find_token, "SELECT id, hash, center, role, created, created_by, expires, revoked"
                       " FROM api_tokens WHERE hash = ?1"},
  };
  for (size_t i = 0; !rc && i < sizeof prep / sizeof *prep; i++)
    if (sqlite3_prepare_v3(b->db, prep[i].sql, -1, SQLITE_PREPARE_PERSISTENT, prep[i].st,
                           NULL) != SQLITE_OK)
      rc = fail(b, "preparing the registry statements");
  if (rc) {
    snprintf(err, err_len, "%s: %s", path, b->msg);
    sfree(&b->base);
    return rc;
  }
  *out = &b->base;
  return MM_REF_OK;
}
