/* store_internal.h: what store.c and store_server.c share: the store object
 * and the transaction helpers. Not for callers (store.h). */
#ifndef MM_REFERRAL_STORE_INTERNAL_H
#define MM_REFERRAL_STORE_INTERNAL_H
#include "referral/store.h"

typedef struct mm_funnel_acc mm_funnel_acc;

struct mm_ref_store {
  mm_ref_backend *be;
  mm_funnel_acc *keep; /* the funnel steps of the open write transaction */
  const mm_ref_kb *kb; /* NULL: tokens and audit only */
  mm_ref_who who;      /* who the writes are made by (mm_ref_store_set_who) */
  char msg[320];
};

/* Starts a write transaction (rolled back again when it fails). */
int mm_ref_store_begin(mm_ref_store *s);
/* Ends it: commit when rc is 0 (returning the commit's code), else roll
 * back and return rc; the backend's message is kept for errmsg. */
int mm_ref_store_finish(mm_ref_store *s, int rc);
/* Appends an audit row by s->who, inside the current transaction. */
int mm_ref_store_audit_in(mm_ref_store *s, const char *action, const char *object,
                          int status, const char *detail);
/* Runs op, one whole transaction, again after MM_REF_ERETRY (at most
 * MM_REF_RETRIES times, then MM_REF_EBUSY); diagnostics of abandoned
 * attempts are dropped (d may be NULL). */
int mm_ref_store_run(mm_ref_store *s, int (*op)(mm_ref_store *, void *), void *arg,
                     mm_diags *d);

/* The funnel's kept counts (store_funnel.c): a write's change from the
 * stored history `old` (NULL: a new referral) to `now`, summed in s->keep
 * and written by mm_ref_store_finish before the commit. */
int mm_ref_store_keep(mm_ref_store *s, const mm_referral *old, const mm_referral *now);
/* Writes s->keep into the kept rows (inside the transaction) and empties it. */
int mm_ref_store_keep_flush(mm_ref_store *s);
/* The same once s->keep holds more than a few MiB (an import, a rebuild). */
int mm_ref_store_keep_bound(mm_ref_store *s);
/* Whether the kept rows are exactly `walked` (every history's steps, made
 * by a walk): 0, MM_REF_EINVALID with the first difference in why, or the
 * backend's code. */
int mm_ref_store_keep_verify(mm_ref_store *s, mm_funnel_acc *walked, char *why, size_t n);
/* At open: rebuilds the kept rows when their layout is not this kb's. */
int mm_ref_store_keep_open(mm_ref_store *s);

#endif
