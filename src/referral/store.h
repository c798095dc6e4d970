/* store.h: the referral registry's storage, behind a small backend interface.
 *
 * Two layers, as libgit2 separates git_refdb from sys/refdb_backend.h:
 *  - mm_ref_store (store.c) is what callers use: create, move, import, get,
 *    foreach, check. It runs every write as ONE backend transaction and
 *    calls the state machine (mm_referral_check_move) inside it, after
 *    reading the stored history, so two writers cannot both move the same
 *    referral from the same state, and a refused write stores nothing.
 *  - mm_ref_backend is a versioned vtable of storage primitives. The SQLite
 *    backend (store_sqlite.c) is the embedded default; a PostgreSQL backend
 *    implements the same struct and is chosen by mm_ref_store_open from the
 *    location ("postgres://..."), without touching any caller.
 *
 * Return codes: 0, or one of the negative MM_REF_E* below. */
#ifndef MM_REFERRAL_STORE_H
#define MM_REFERRAL_STORE_H
#include <stddef.h>

#include "referral/referral.h"

enum {
  MM_REF_OK = 0,
  MM_REF_EINVALID = -1,  /* refused: the diagnostics say why */
  MM_REF_ENOTFOUND = -2, /* no such referral */
  MM_REF_EEXISTS = -3,   /* a referral with that id exists */
  MM_REF_EBACKEND = -4,  /* storage error (I/O, busy, corrupt): errmsg */
  MM_REF_ENOMEM = -5
};

/* Which referrals a foreach visits; NULL / MM_DATE_NONE fields match all.
 * since/until compare the referral date (its first event's date). */
typedef struct mm_ref_filter {
  const char *id, *patient, *to_center, *from_center;
  mm_date since, until;
} mm_ref_filter;
#define MM_REF_FILTER_ALL \
  ((mm_ref_filter){NULL, NULL, NULL, NULL, MM_DATE_NONE, MM_DATE_NONE})

/* The referral passed to a visitor lives until the visitor returns. A
 * non-zero return stops the walk and is returned by foreach. */
typedef int (*mm_ref_visit)(void *ctx, const mm_referral *r);

/* ---- the backend interface (implement this for a new database) ---- */
#define MM_REF_BACKEND_VERSION 1
typedef struct mm_ref_backend mm_ref_backend;
struct mm_ref_backend {
  unsigned int version; /* MM_REF_BACKEND_VERSION: first, always */
  /* A write transaction that excludes other writers from its start (SQLite
   * BEGIN IMMEDIATE, PostgreSQL SERIALIZABLE or a row lock), waiting for
   * them a bounded time. */
  int (*begin_write)(mm_ref_backend *b);
  int (*commit)(mm_ref_backend *b);
  int (*rollback)(mm_ref_backend *b);
  /* One referral with its events, allocated in arena; MM_REF_ENOTFOUND. */
  int (*get)(mm_ref_backend *b, mm_arena *arena, const char *id, mm_referral **out);
  /* The referral row (its centres registered as needed), no events. */
  int (*insert_referral)(mm_ref_backend *b, const mm_referral *r);
  /* Event number seq (0-based) of referral id; never update or delete. */
  int (*append_event)(mm_ref_backend *b, const char *id, size_t seq, const mm_ref_event *e);
  /* Referrals matching f, ordered by id, each with all its events. */
  int (*foreach)(mm_ref_backend *b, const mm_ref_filter *f, mm_ref_visit visit, void *ctx);
  /* Storage-level consistency check; 0 when sound, else msg says why. */
  int (*check)(mm_ref_backend *b, char *msg, size_t msg_len);
  const char *(*errmsg)(mm_ref_backend *b);
  void (*free)(mm_ref_backend *b);
};

/* Opens (creating and migrating as needed) an SQLite registry file. */
int mm_ref_backend_sqlite_open(mm_ref_backend **out, const char *path, char *err,
                               size_t err_len);

/* ---- the store (what callers use) ---- */
typedef struct mm_ref_store mm_ref_store;

typedef struct mm_ref_import_stats {
  size_t created;   /* new referrals */
  size_t extended;  /* existing referrals given new events */
  size_t unchanged; /* already stored exactly */
  size_t events;    /* events written */
} mm_ref_import_stats;

/* location: a file path (SQLite). kb is borrowed and must outlive the store. */
int mm_ref_store_open(mm_ref_store **out, const char *location, const mm_ref_kb *kb,
                      char *err, size_t err_len);
/* Wraps a backend the caller made (takes ownership, frees it on error). */
int mm_ref_store_wrap(mm_ref_store **out, mm_ref_backend *backend, const mm_ref_kb *kb,
                      char *err, size_t err_len);
void mm_ref_store_free(mm_ref_store *s);
const char *mm_ref_store_errmsg(mm_ref_store *s);

/* A new referral with its events (at least 'referred'); EEXISTS if known. */
int mm_ref_store_create(mm_ref_store *s, const mm_referral *r, mm_diags *diags);
/* Appends one event after checking it against the stored history. */
int mm_ref_store_move(mm_ref_store *s, const char *id, const mm_ref_event *e,
                      mm_diags *diags);
/* All or nothing, one transaction: each referral is created, extended (the
 * stored events are a prefix of the file's) or left as is (identical);
 * anything else is an error at "[i].field". */
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
int mm_ref_store_get(mm_ref_store *s, mm_arena *arena, const char *id, mm_referral **out);
int mm_ref_store_foreach(mm_ref_store *s, const mm_ref_filter *f, mm_ref_visit visit,
                         void *ctx);
/* Storage check plus every stored history re-checked by the state machine. */
int mm_ref_store_check(mm_ref_store *s, mm_diags *diags, size_t *n_referrals);

#endif
