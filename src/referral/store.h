/* store.h: everything the server stores (referrals and their events, API
 * tokens, the audit log), behind a small backend interface.
 *
 * Two layers, as libgit2 separates git_refdb from sys/refdb_backend.h:
 *  - mm_ref_store (store.c, store_server.c) is what callers use: create,
 *    move, import, get, foreach, check; tokens; the audit. It runs every
 *    write as ONE backend transaction and calls the state machine
 *    (mm_referral_check_move) inside it, after reading the stored history,
 *    so two writers cannot both move the same referral from the same state,
 *    and a refused write stores nothing. Every write also appends its audit
 *    row (who: mm_ref_store_set_who) in that same transaction: a change
 *    whose audit row cannot be written is not made.
 *  - mm_ref_backend is a versioned vtable of storage primitives. SQLite
 *    (store_sqlite.c, a file: the embedded default) and PostgreSQL
 *    (store_pg.c, "postgresql://..." or "postgres://...", libpq) implement
 *    it; mm_ref_store_open chooses by the location, no caller changes.
 *
 * Schema: each backend has its own versioned list of migrations and a
 * schema_version table (store_migrate.h), applied at open under a lock that
 * excludes other processes (SQLite BEGIN IMMEDIATE, PostgreSQL
 * pg_advisory_xact_lock), so two servers may start at once.
 *
 * Return codes: 0, or one of the negative MM_REF_E* below. */
#ifndef MM_REFERRAL_STORE_H
#define MM_REFERRAL_STORE_H
#include <stdbool.h>
#include <stddef.h>

#include "referral/referral.h"

enum {
  MM_REF_OK = 0,
  MM_REF_EINVALID = -1,  /* refused: the diagnostics say why */
  MM_REF_ENOTFOUND = -2, /* no such referral (token, centre) */
  MM_REF_EEXISTS = -3,   /* a referral with that id exists */
  MM_REF_EBACKEND = -4,  /* storage error (I/O, corrupt, cannot connect): errmsg */
  MM_REF_ENOMEM = -5,
  MM_REF_EBUSY = -6,     /* other writers held it too long (locks, or serialisation
                            failures retried MM_REF_RETRIES times): try again */
  MM_REF_EFULL = -7,     /* the disk (or the database's quota) is full */
  MM_REF_EREADONLY = -8, /* the database cannot be written (file mode, read-only
                            mount, a PostgreSQL standby or read-only transaction) */
  MM_REF_ERETRY = -9     /* backend to store only: a serialisation failure or
                            deadlock (PostgreSQL 40001/40P01); the store rolls
                            back and runs the whole transaction again */
};
/* How many times a write is run again after MM_REF_ERETRY. */
#define MM_REF_RETRIES 10
/* A short name of a return code ("MM_REF_EFULL"), for messages and tests. */
const char *mm_ref_strerror(int rc);

/* Which referrals a foreach visits; NULL / MM_DATE_NONE / 0 fields match
 * all. since/until compare the referral date (its first event's date);
 * state the current state (the last event's, a state name). A page: the
 * referrals with an id after `after`, at most `limit` of them (0: all),
 * in id order; mm_ref_store_count ignores both. Each filter is served by
 * an index (schema version 5). */
typedef struct mm_ref_filter {
  const char *id, *patient, *to_center, *from_center;
  mm_date since, until;
  const char *state;
  const char *after;
  size_t limit;
} mm_ref_filter;
#define MM_REF_FILTER_ALL \
  ((mm_ref_filter){NULL, NULL, NULL, NULL, MM_DATE_NONE, MM_DATE_NONE, NULL, NULL, 0})

/* The referral passed to a visitor lives until the visitor returns. A
 * non-zero return stops the walk and is returned by foreach. */
typedef int (*mm_ref_visit)(void *ctx, const mm_referral *r);

/* ---- what the server stores besides referrals ---- */

/* Who acts, as the audit records it. Every string is borrowed. */
typedef struct mm_ref_who {
  long long token_id; /* the API token (0: none) */
  const char *center; /* the token's centre, or NULL */
  const char *role;   /* the token's role ("hub", "spoke", "analyst"), or NULL */
  const char *user;   /* the operating-system user of a command line, or NULL */
} mm_ref_who;

/* One audit row. `at` is UTC "YYYY-MM-DDTHH:MM:SSZ" (the store fills it);
 * `object` a referral id, "token:ID"...; `status` the HTTP status of the
 * answer (0 for the command line); `detail` a short JSON object or text that
 * never holds a patient's data beyond the pseudonym. */
typedef struct mm_ref_audit {
  long long id;
  const char *at;
  mm_ref_who who;
  const char *action, *object;
  int status;
  const char *detail;
} mm_ref_audit;

/* Which audit rows a walk visits (NULL / 0 match all), oldest first. */
typedef struct mm_ref_audit_filter {
  const char *action;      /* exact, or a prefix ending in '.' ("referral.") */
  const char *object, *center, *user;
  long long token_id;      /* 0: any */
  const char *since, *until; /* "YYYY-MM-DD" or a full UTC time; until inclusive */
  long long after_id;      /* rows with id > after_id */
  size_t limit;            /* 0: all */
} mm_ref_audit_filter;

/* An API token as stored: never the token, only its SHA-256 (hex). Times are
 * UTC "YYYY-MM-DDTHH:MM:SSZ"; expires and revoked NULL when not set. */
typedef struct mm_ref_token {
  long long id;
  const char *hash, *center, *role, *created, *created_by, *expires, *revoked;
} mm_ref_token;

typedef int (*mm_ref_audit_visit)(void *ctx, const mm_ref_audit *a);
/* One kept funnel row's blob (funnel.h: little-endian int32 triples). */
typedef int (*mm_ref_blob_visit)(void *ctx, const void *blob, size_t len);
typedef int (*mm_ref_token_visit)(void *ctx, const mm_ref_token *t);

/* ---- the backend interface (implement this for a new database) ---- */
#define MM_REF_BACKEND_VERSION 4
typedef struct mm_ref_backend mm_ref_backend;
struct mm_ref_backend {
  unsigned int version; /* MM_REF_BACKEND_VERSION: first, always */
  /* A write transaction that excludes other writers of what it reads, waiting
   * for them a bounded time: SQLite BEGIN IMMEDIATE (one writer at a time);
   * PostgreSQL READ COMMITTED where get() locks the referral row before
   * reading its events (SELECT ... FOR UPDATE). Any statement or the commit
   * may answer MM_REF_ERETRY (the store then runs it all again). */
  int (*begin_write)(mm_ref_backend *b);
  int (*commit)(mm_ref_backend *b);
  int (*rollback)(mm_ref_backend *b);
  /* One referral with its events, allocated in arena; MM_REF_ENOTFOUND. */
  int (*get)(mm_ref_backend *b, mm_arena *arena, const char *id, mm_referral **out);
  /* The referral row (its centres registered as needed) with its current
   * state (version 4: the state of r's last event), no events. */
  int (*insert_referral)(mm_ref_backend *b, const mm_referral *r);
  /* Event number seq (0-based) of referral id; never update or delete. */
  int (*append_event)(mm_ref_backend *b, const char *id, size_t seq, const mm_ref_event *e);
  /* Referrals matching f, ordered by id, each with all its events. */
  int (*foreach)(mm_ref_backend *b, const mm_ref_filter *f, mm_ref_visit visit, void *ctx);
  /* Storage-level consistency check; 0 when sound, else msg says why. */
  int (*check)(mm_ref_backend *b, char *msg, size_t msg_len);
  const char *(*errmsg)(mm_ref_backend *b);
  void (*free)(mm_ref_backend *b);
  /* ---- version 2: tokens, centres, audit, write check ---- */
  /* Inside a write transaction: a new token row; *id_out its id. */
  int (*token_insert)(mm_ref_backend *b, const mm_ref_token *t, long long *id_out);
  /* The token whose hash is `hash` (revoked or not); MM_REF_ENOTFOUND. */
  int (*token_find)(mm_ref_backend *b, mm_arena *arena, const char *hash, mm_ref_token *out);
  /* Inside a write transaction: marks token id revoked at `at`;
   * MM_REF_ENOTFOUND when there is no such token not yet revoked. */
  int (*token_revoke)(mm_ref_backend *b, long long id, const char *at);
  int (*token_foreach)(mm_ref_backend *b, mm_ref_token_visit visit, void *ctx);
  /* The network's centres: whether id is one; adding one (in a write
   * transaction; an existing one is left as it is). */
  int (*center_known)(mm_ref_backend *b, const char *id, bool *known);
  int (*center_add)(mm_ref_backend *b, const char *id);
  /* Inside a write transaction: one audit row (a->id is ignored). */
  int (*audit_append)(mm_ref_backend *b, const mm_ref_audit *a);
  int (*audit_foreach)(mm_ref_backend *b, const mm_ref_audit_filter *f,
                       mm_ref_audit_visit visit, void *ctx);
  /* Inside a write transaction: rewrites the one heartbeat row, so that a
   * commit after it proves the database takes writes. */
  int (*heartbeat)(mm_ref_backend *b, const char *at);
  /* ---- version 3: counts, the current state ---- */
  /* How many referrals match f (its after and limit ignored). */
  int (*count)(mm_ref_backend *b, const mm_ref_filter *f, size_t *n);
  /* Inside a write transaction, after events are appended: referral id's
   * current state (its last event's), kept for the state filter. */
  int (*set_state)(mm_ref_backend *b, const char *id, const char *state);
  /* ---- version 4: the funnel's kept counts (funnel.h; schema 6) ---- */
  /* Inside a write transaction: the steps of row (to, from, day), read and
   * locked against other writers until the commit (blob in arena);
   * MM_REF_ENOTFOUND when there is no such row. */
  int (*funnel_get)(mm_ref_backend *b, mm_arena *arena, const char *to, const char *from,
                    mm_date day, const void **steps, size_t *len);
  /* Inside a write transaction: writes row (to, from, day) (inserted when
   * !exists, so that two writers creating it conflict; deleted when len is
   * 0) with its steps, their sum `total` and the last step's date. */
  int (*funnel_put)(mm_ref_backend *b, const char *to, const char *from, mm_date day,
                    bool exists, const void *steps, size_t len, const void *total,
                    size_t total_len, mm_date last);
  /* Inside a write transaction: deletes every kept row. */
  int (*funnel_clear)(mm_ref_backend *b);
  /* The rows f selects (to_center, from_center, since/until on the day):
   * for each, its total when its last step is by f->until (or no until),
   * else its steps. */
  int (*funnel_foreach)(mm_ref_backend *b, const mm_ref_filter *f, mm_ref_blob_visit visit,
                        void *ctx);
  /* A small setting of the store (key -> text): *value NULL when unset. */
  int (*meta_get)(mm_ref_backend *b, mm_arena *arena, const char *key, const char **value);
  int (*meta_set)(mm_ref_backend *b, const char *key, const char *value);
  /* Inside a write transaction (may be NULL): a large import begins (on)
   * or ends (off), so the backend may defer work to the end in the same
   * transaction (SQLite: the list's indexes dropped and built again once,
   * a larger page cache). A rollback undoes it all. */
  int (*bulk)(mm_ref_backend *b, bool on);
};

/* Opens (creating and migrating as needed) an SQLite registry file. */
int mm_ref_backend_sqlite_open(mm_ref_backend **out, const char *path, char *err,
                               size_t err_len);
/* Connects to a PostgreSQL database (a libpq URL "postgresql://..."), and
 * migrates its schema. MM_REF_EBACKEND when this mmpath is built without
 * libpq. */
int mm_ref_backend_pg_open(mm_ref_backend **out, const char *url, char *err,
                           size_t err_len);
/* Whether a location names a PostgreSQL database (postgres:// or
 * postgresql://) rather than an SQLite file. */
bool mm_ref_location_is_pg(const char *location);

/* ---- the store (what callers use) ---- */
typedef struct mm_ref_store mm_ref_store;

typedef struct mm_ref_import_stats {
  size_t created;   /* new referrals */
  size_t extended;  /* existing referrals given new events */
  size_t unchanged; /* already stored exactly */
  size_t events;    /* events written */
} mm_ref_import_stats;

/* location: a file path (SQLite) or a PostgreSQL URL. kb is borrowed and
 * must outlive the store; it may be NULL for a store used only for tokens
 * and the audit (referral writes then answer MM_REF_EINVALID). One store is
 * one connection: use it from one thread at a time. */
int mm_ref_store_open(mm_ref_store **out, const char *location, const mm_ref_kb *kb,
                      char *err, size_t err_len);
/* Wraps a backend the caller made (takes ownership, frees it on error). */
int mm_ref_store_wrap(mm_ref_store **out, mm_ref_backend *backend, const mm_ref_kb *kb,
                      char *err, size_t err_len);
void mm_ref_store_free(mm_ref_store *s);
const char *mm_ref_store_errmsg(mm_ref_store *s);
/* Who the following writes and audit rows are made by (copied; its strings
 * borrowed: they must outlive the calls). NULL: nobody known. */
void mm_ref_store_set_who(mm_ref_store *s, const mm_ref_who *who);

/* A new referral with its events (at least 'referred'); EEXISTS if known.
 * Audited as "referral.create". */
int mm_ref_store_create(mm_ref_store *s, const mm_referral *r, mm_diags *diags);
/* Appends one event after checking it against the stored history.
 * Audited as "referral.move" (or "referral.<kind>" for another kind). */
int mm_ref_store_move(mm_ref_store *s, const char *id, const mm_ref_event *e,
                      mm_diags *diags);
/* All or nothing, one transaction: each referral is created, extended (the
 * stored events are a prefix of the file's) or left as is (identical);
 * anything else is an error at "[i].field". Each referral created or
 * extended is audited as "referral.import". */
int mm_ref_store_import(mm_ref_store *s, const mm_referral *rs, size_t n, mm_diags *diags,
                        const char *source, mm_ref_import_stats *stats);
/* Appends one event after `check` (called inside the write transaction
 * with the stored referral; it may rewrite e, and returns 0 or -1 with
 * diagnostics): the pathway's checks (src/referral/pathway.h) without
 * this layer knowing them. */
typedef int (*mm_ref_check_fn)(void *ctx, const mm_referral *stored, mm_ref_event *e,
                               mm_diags *diags);
int mm_ref_store_append(mm_ref_store *s, const char *id, mm_ref_event *e, mm_ref_check_fn check,
                        void *ctx, mm_diags *diags);
/* A new referral whose id the store issues: "<prefix>-<n>" with n (4
 * digits at least) one more than the highest issued with that prefix,
 * found inside the write transaction, so two writers never get the same
 * id. r->id is set (in arena) on success. */
int mm_ref_store_create_issued(mm_ref_store *s, mm_referral *r, const char *prefix,
                               mm_arena *arena, mm_diags *diags);
/* Referrals for mm_ref_store_import_each, read one at a time: next gives
 * 1 with *r (in arena, which the store resets between calls) and *index its
 * place in the file, 2 when that referral has problems (diagnostics added:
 * the import fails, the rest is still read for theirs), 0 at the end, or a
 * negative MM_REF_ code; rewind starts again (a transaction that meets a
 * busy database is run again). */
typedef struct mm_ref_source {
  int (*next)(void *ctx, mm_arena *arena, mm_referral **r, size_t *index, mm_diags *diags);
  int (*rewind)(void *ctx);
  void *ctx;
} mm_ref_source;
/* mm_ref_store_import in bounded memory: one referral held at a time, all
 * written in one transaction or none (the caller has checked the file's ids
 * are unique). *n: how many were read. */
int mm_ref_store_import_each(mm_ref_store *s, const mm_ref_source *in, mm_diags *diags,
                             const char *source, mm_ref_import_stats *stats, size_t *n);
int mm_ref_store_get(mm_ref_store *s, mm_arena *arena, const char *id, mm_referral **out);
int mm_ref_store_foreach(mm_ref_store *s, const mm_ref_filter *f, mm_ref_visit visit,
                         void *ctx);
/* How many referrals match f (NULL: all), f->after and f->limit ignored:
 * the `total` beside a page. */
int mm_ref_store_count(mm_ref_store *s, const mm_ref_filter *f, size_t *n);
/* The funnel's kept rows f selects (store_funnel.c; read by
 * mm_funnel_kept). Every write keeps them in its own transaction; a store
 * opened with a kb whose layout differs from the kept one (a registry from
 * before schema 6, a new kb reason) rebuilds them first, in one
 * transaction. */
int mm_ref_store_funnel_foreach(mm_ref_store *s, const mm_ref_filter *f,
                                mm_ref_blob_visit visit, void *ctx);
/* Rebuilds the kept funnel rows from every stored history (the reference
 * walk), in one write transaction. */
int mm_ref_store_funnel_rebuild(mm_ref_store *s);
/* Storage check plus every stored history re-checked by the state machine. */
int mm_ref_store_check(mm_ref_store *s, mm_diags *diags, size_t *n_referrals);

/* ---- tokens, centres, audit, health (store_server.c) ---- */
/* A new token row (t->id, created ignored; created is now) and its audit
 * row "token.create", one transaction. The centre must be one of the
 * network's (MM_REF_ENOTFOUND otherwise) unless add_center, which adds it
 * (audited "center.add") in the same transaction. */
int mm_ref_store_token_add(mm_ref_store *s, const mm_ref_token *t, bool add_center,
                           long long *id_out);
/* The token with this hash; MM_REF_ENOTFOUND. Strings in arena. */
int mm_ref_store_token_find(mm_ref_store *s, mm_arena *arena, const char *hash,
                            mm_ref_token *out);
/* Revokes a token (audited "token.revoke"); MM_REF_ENOTFOUND when there is
 * no such active token. */
int mm_ref_store_token_revoke(mm_ref_store *s, long long id);
int mm_ref_store_token_foreach(mm_ref_store *s, mm_ref_token_visit visit, void *ctx);
/* Whether a centre is one of the network's. */
int mm_ref_store_center_known(mm_ref_store *s, const char *id, bool *known);
/* One audit row in its own transaction (a read, a refusal...). */
int mm_ref_store_audit(mm_ref_store *s, const char *action, const char *object, int status,
                       const char *detail);
int mm_ref_store_audit_foreach(mm_ref_store *s, const mm_ref_audit_filter *f,
                               mm_ref_audit_visit visit, void *ctx);
/* Proves the database takes writes: the heartbeat row rewritten and
 * committed. MM_REF_EREADONLY, MM_REF_EFULL, MM_REF_EBUSY... otherwise. */
int mm_ref_store_ping(mm_ref_store *s);
/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ" (plus `add_seconds`). */
void mm_ref_now(char out[32], long long add_seconds);

#endif
