/* store.c: the registry operations callers use, written once over the
 * backend vtable (store.h). Every write is one transaction: read the stored
 * history, check with the state machine (moves.c), write, append the audit
 * row, commit; on any refusal or error, roll back so nothing is stored. A
 * transaction the backend could not serialise (MM_REF_ERETRY) is run again
 * from the start, a bounded number of times. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "referral/funnel.h"
#include "referral/store.h"
#include "referral/store_internal.h"

const char *mm_ref_strerror(int rc) {
  switch (rc) {
  case MM_REF_OK: return "MM_REF_OK";
  case MM_REF_EINVALID: return "MM_REF_EINVALID";
  case MM_REF_ENOTFOUND: return "MM_REF_ENOTFOUND";
  case MM_REF_EEXISTS: return "MM_REF_EEXISTS";
  case MM_REF_EBACKEND: return "MM_REF_EBACKEND";
  case MM_REF_ENOMEM: return "MM_REF_ENOMEM";
  case MM_REF_EBUSY: return "MM_REF_EBUSY";
  case MM_REF_EFULL: return "MM_REF_EFULL";
  case MM_REF_EREADONLY: return "MM_REF_EREADONLY";
  case MM_REF_ERETRY: return "MM_REF_ERETRY";
  }
  return "MM_REF_E?";
}

void mm_ref_now(char out[32], long long add_seconds) {
  time_t t = time(NULL) + (time_t)add_seconds;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool mm_ref_location_is_pg(const char *location) {
  return strncmp(location, "postgres://", 11) == 0 ||
         strncmp(location, "postgresql://", 13) == 0;
}

int mm_ref_store_wrap(mm_ref_store **out, mm_ref_backend *be, const mm_ref_kb *kb,
                      char *err, size_t err_len) {
  *out = NULL;
  if (!be) return MM_REF_EBACKEND;
  if (be->version != MM_REF_BACKEND_VERSION) {
    snprintf(err, err_len, "storage backend version %u, this mmpath knows %d", be->version,
             MM_REF_BACKEND_VERSION);
    be->free(be);
    return MM_REF_EBACKEND;
  }
  mm_ref_store *s = calloc(1, sizeof *s);
  if (!s) {
    be->free(be);
    return MM_REF_ENOMEM;
  }
  s->be = be;
  s->kb = kb;
  int rc = mm_ref_store_keep_open(s);
  if (rc) {
    snprintf(err, err_len, "building the funnel's kept counts: %s", mm_ref_store_errmsg(s));
    mm_ref_store_free(s);
    return rc;
  }
  *out = s;
  return MM_REF_OK;
}

int mm_ref_store_open(mm_ref_store **out, const char *location, const mm_ref_kb *kb,
                      char *err, size_t err_len) {
  *out = NULL;
  mm_ref_backend *be;
  int rc = mm_ref_location_is_pg(location)
               ? mm_ref_backend_pg_open(&be, location, err, err_len)
               : mm_ref_backend_sqlite_open(&be, location, err, err_len);
  if (rc) return rc;
  return mm_ref_store_wrap(out, be, kb, err, err_len);
}

void mm_ref_store_free(mm_ref_store *s) {
  if (!s) return;
  mm_funnel_acc_free(s->keep);
  s->be->free(s->be);
  free(s);
}

const char *mm_ref_store_errmsg(mm_ref_store *s) {
  return s->msg[0] ? s->msg : s->be->errmsg(s->be);
}

void mm_ref_store_set_who(mm_ref_store *s, const mm_ref_who *who) {
  s->who = who ? *who : (mm_ref_who){0, NULL, NULL, NULL};
}

/* Ends a write: commit on success, else roll back and keep the error. */
int mm_ref_store_finish(mm_ref_store *s, int rc) {
  /* the funnel's kept counts, in the same transaction as the events */
  if (rc == MM_REF_OK) rc = mm_ref_store_keep_flush(s);
  else mm_funnel_acc_clear(s->keep);
  if (rc == MM_REF_OK) {
    rc = s->be->commit(s->be);
    if (rc) {
      snprintf(s->msg, sizeof s->msg, "%s", s->be->errmsg(s->be));
      s->be->rollback(s->be);
    }
    return rc;
  }
  if (rc <= MM_REF_EBACKEND && rc != MM_REF_ENOMEM)
    snprintf(s->msg, sizeof s->msg, "%s", s->be->errmsg(s->be));
  s->be->rollback(s->be);
  return rc;
}

int mm_ref_store_begin(mm_ref_store *s) {
  s->msg[0] = '\0';
  mm_funnel_acc_clear(s->keep); /* a transaction run again starts afresh */
  int rc = s->be->begin_write(s->be);
  if (rc) {
    snprintf(s->msg, sizeof s->msg, "%s", s->be->errmsg(s->be));
    s->be->rollback(s->be);
  }
  return rc;
}

int mm_ref_store_audit_in(mm_ref_store *s, const char *action, const char *object,
                          int status, const char *detail) {
  char now[32];
  mm_ref_now(now, 0);
  mm_ref_audit a = {0, now, s->who, action, object, status, detail};
  return s->be->audit_append(s->be, &a);
}

/* Runs op (one whole transaction) again while the backend asks for it; the
 * diagnostics an abandoned attempt added are dropped. */
int mm_ref_store_run(mm_ref_store *s, int (*op)(mm_ref_store *, void *), void *arg,
                     mm_diags *d) {
  mm_diags saved = d ? *d : (mm_diags){0};
  for (int attempt = 0;; attempt++) {
    int rc = op(s, arg);
    if (rc != MM_REF_ERETRY) return rc;
    if (attempt == MM_REF_RETRIES) {
      snprintf(s->msg, sizeof s->msg,
               "the database could not serialise this write after %d attempts "
               "(other writers): try again", MM_REF_RETRIES + 1);
      return MM_REF_EBUSY;
    }
    if (d) {
      if (saved.tail) saved.tail->next = NULL;
      *d = saved;
    }
    /* 1, 2, 4 ... ms plus a little jitter, so racing writers spread out */
    long ms = (1L << (attempt < 6 ? attempt : 6)) + (long)(getpid() % 7);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
}

/* Event seq of referral id, then the referral's current state (schema 5:
 * the list's state filter reads it through an index). */
static int append_one(mm_ref_store *s, const char *id, size_t seq, const mm_ref_event *e) {
  int rc = s->be->append_event(s->be, id, seq, e);
  return rc ? rc : s->be->set_state(s->be, id, mm_ref_state_name(e->state));
}

/* The funnel's kept counts after event e was appended to the stored r. */
static int keep_append(mm_ref_store *s, const mm_referral *r, const mm_ref_event *e,
                       mm_arena *a) {
  mm_referral now = *r;
  now.events = mm_arena_alloc(a, (r->n_events + 1) * sizeof *now.events);
  if (!now.events) return MM_REF_ENOMEM;
  if (r->n_events) memcpy(now.events, r->events, r->n_events * sizeof *now.events);
  now.events[now.n_events++] = *e;
  return mm_ref_store_keep(s, r, &now);
}

/* Events from..n-1, then the current state once (not once an event: an
 * import writes a million referrals). */
static int write_events(mm_ref_store *s, const mm_referral *r, size_t from, size_t *count) {
  for (size_t i = from; i < r->n_events; i++) {
    int rc = s->be->append_event(s->be, r->id, i, &r->events[i]);
    if (rc) return rc;
    if (count) (*count)++;
  }
  /* a new referral's row was inserted with its state (insert_referral) */
  if (from == 0 || from >= r->n_events) return MM_REF_OK;
  return s->be->set_state(s->be, r->id, mm_ref_state_name(r->events[r->n_events - 1].state));
}

/* The audit detail of a new referral: who and where, never notes. */
static char *create_detail(const mm_referral *r, size_t from) {
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_strbuf_puts(&b, "{\"patient\":");
  mm_strbuf_json_string(&b, r->patient);
  mm_strbuf_puts(&b, ",\"from_center\":");
  mm_strbuf_json_string(&b, r->from_center);
  mm_strbuf_puts(&b, ",\"to_center\":");
  mm_strbuf_json_string(&b, r->to_center);
  mm_strbuf_puts(&b, ",\"target\":");
  mm_strbuf_json_string(&b, r->target);
  mm_strbuf_printf(&b, ",\"events\":%zu}", r->n_events - from);
  if (b.failed) {
    mm_strbuf_free(&b);
    return NULL;
  }
  return b.data;
}

/* The audit detail of a move: the event, without its note. */
static char *move_detail(size_t seq, const mm_ref_event *e) {
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  char date[11];
  mm_date_format(e->date, date);
  mm_strbuf_printf(&b, "{\"seq\":%zu,\"date\":\"%s\",\"state\":\"%s\",\"reason\":", seq, date,
                   mm_ref_state_name(e->state));
  mm_strbuf_json_string(&b, e->reason);
  if (e->kind) {
    mm_strbuf_puts(&b, ",\"kind\":");
    mm_strbuf_json_string(&b, e->kind);
  }
  mm_strbuf_putc(&b, '}');
  if (b.failed) {
    mm_strbuf_free(&b);
    return NULL;
  }
  return b.data;
}

static int audit_owned(mm_ref_store *s, const char *action, const char *object, char *detail) {
  if (!detail) return MM_REF_ENOMEM;
  int rc = mm_ref_store_audit_in(s, action, object, 0, detail);
  free(detail);
  return rc;
}

typedef struct create_args {
  const mm_referral *r;
  mm_diags *d;
} create_args;

static int create_once(mm_ref_store *s, void *p) {
  create_args *x = p;
  const mm_referral *r = x->r;
  int rc = mm_ref_store_begin(s);
  if (rc) return rc;
  mm_arena a;
  mm_arena_init(&a, 4096);
  mm_referral *old;
  rc = s->be->get(s->be, &a, r->id, &old);
  if (rc == MM_REF_OK) {
    mm_diag_errorc(x->d, MM_E_DUPLICATE, NULL, 0, 0,
                   mm_arena_printf(x->d->arena, "%s.id", r->id),
                   "referral '%s' already exists", r->id);
    rc = MM_REF_EEXISTS;
  } else if (rc == MM_REF_ENOTFOUND) {
    rc = s->be->insert_referral(s->be, r);
    if (!rc) rc = write_events(s, r, 0, NULL);
    if (!rc) rc = mm_ref_store_keep(s, NULL, r);
    if (!rc) rc = audit_owned(s, "referral.create", r->id, create_detail(r, 0));
  }
  mm_arena_free(&a);
  return mm_ref_store_finish(s, rc);
}

int mm_ref_store_create(mm_ref_store *s, const mm_referral *r, mm_diags *d) {
  if (!s->kb || mm_referral_validate(s->kb, r, d, NULL, NULL) < 0) return MM_REF_EINVALID;
  create_args x = {r, d};
  return mm_ref_store_run(s, create_once, &x, d);
}

typedef struct move_args {
  const char *id;
  const mm_ref_event *e;
  mm_diags *d;
} move_args;

static int move_once(mm_ref_store *s, void *p) {
  move_args *x = p;
  const char *id = x->id;
  mm_diags *d = x->d;
  int rc = mm_ref_store_begin(s);
  if (rc) return rc;
  mm_arena a;
  mm_arena_init(&a, 4096);
  mm_referral *r;
  rc = s->be->get(s->be, &a, id, &r);
  if (rc == MM_REF_ENOTFOUND) {
    mm_diag_errorc(d, MM_E_NOT_FOUND, NULL, 0, 0, id, "no referral '%s'", id);
  } else if (rc == MM_REF_OK) {
    const char *field;
    mm_diag_code code;
    char why[200];
    const mm_ref_event *prev = r->n_events ? &r->events[r->n_events - 1] : NULL;
    if (mm_referral_check_move(s->kb, r->target, prev, x->e, &field, &code, why, sizeof why) <
        0) {
      mm_diag_errorc(d, code, NULL, 0, 0,
                     mm_arena_printf(d->arena, "%s.events[%zu].%s", id, r->n_events, field),
                     "%s", why);
      rc = MM_REF_EINVALID;
    } else {
      rc = append_one(s, id, r->n_events, x->e);
      if (!rc) rc = keep_append(s, r, x->e, &a);
      /* the kind (visit, crs, correction...) is in the detail */
      const char *action = x->e->kind ? "referral.record" : "referral.move";
      if (!rc) rc = audit_owned(s, action, id, move_detail(r->n_events, x->e));
    }
  }
  mm_arena_free(&a);
  return mm_ref_store_finish(s, rc);
}

int mm_ref_store_move(mm_ref_store *s, const char *id, const mm_ref_event *e, mm_diags *d) {
  if (!s->kb) return MM_REF_EINVALID;
  move_args x = {id, e, d};
  return mm_ref_store_run(s, move_once, &x, d);
}

typedef struct append_args {
  const char *id;
  mm_ref_event *e;
  mm_ref_check_fn check;
  void *ctx;
  mm_diags *d;
} append_args;

/* One event checked by the caller's rule (the pathway's: moves, records,
 * corrections) against the history read inside the transaction, written
 * with its audit row. */
static int append_once(mm_ref_store *s, void *p) {
  append_args *x = p;
  int rc = mm_ref_store_begin(s);
  if (rc) return rc;
  mm_arena a;
  mm_arena_init(&a, 4096);
  mm_referral *r;
  rc = s->be->get(s->be, &a, x->id, &r);
  if (rc == MM_REF_ENOTFOUND) {
    mm_diag_errorc(x->d, MM_E_NOT_FOUND, NULL, 0, 0, x->id, "no referral '%s'", x->id);
  } else if (rc == MM_REF_OK) {
    rc = x->check(x->ctx, r, x->e, x->d) < 0
             ? MM_REF_EINVALID
             : append_one(s, x->id, r->n_events, x->e);
    if (!rc) rc = keep_append(s, r, x->e, &a);
    /* the kind (visit, crs, correction...) is in the detail */
    const char *action = x->e->kind ? "referral.record" : "referral.move";
    if (!rc) rc = audit_owned(s, action, x->id, move_detail(r->n_events, x->e));
  }
  mm_arena_free(&a);
  return mm_ref_store_finish(s, rc);
}

int mm_ref_store_append(mm_ref_store *s, const char *id, mm_ref_event *e, mm_ref_check_fn check,
                        void *ctx, mm_diags *d) {
  append_args x = {id, e, check, ctx, d};
  return mm_ref_store_run(s, append_once, &x, d);
}

/* Whether "<prefix>-<n>" exists (n formatted as issued). */
static int issued_exists(mm_ref_store *s, mm_arena *a, const char *prefix, long n, bool *yes) {
  mm_referral *r;
  int rc = s->be->get(s->be, a, mm_arena_printf(a, "%s-%04ld", prefix, n), &r);
  *yes = rc == MM_REF_OK;
  return rc == MM_REF_ENOTFOUND ? MM_REF_OK : rc;
}

typedef struct issued_args {
  mm_referral *r;
  const char *prefix;
  mm_arena *arena;
} issued_args;

/* The next free "<prefix>-NNNN" found and taken inside one write
 * transaction; two servers racing for it make one of them run again
 * (MM_REF_ERETRY on the unique key) and take the next. */
static int issued_once(mm_ref_store *s, void *p) {
  issued_args *x = p;
  int rc = mm_ref_store_begin(s);
  if (rc) return rc;
  mm_arena a;
  mm_arena_init(&a, 4096);
  /* Issued ids are dense (1, 2, ... n): gallop, then bisect for n. */
  long lo = 0, hi = 1;
  bool yes = true;
  while (!rc && yes) {
    rc = issued_exists(s, &a, x->prefix, hi, &yes);
    if (yes) {
      lo = hi;
      hi *= 2;
    }
  }
  while (!rc && hi - lo > 1) {
    long mid = lo + (hi - lo) / 2;
    rc = issued_exists(s, &a, x->prefix, mid, &yes);
    if (yes) lo = mid;
    else hi = mid;
  }
  /* an id of that form made by hand (import, a hub's own) may leave a
   * gap: step past any that exists */
  for (yes = true; !rc && yes;) {
    rc = issued_exists(s, &a, x->prefix, lo + 1, &yes);
    if (yes) lo++;
  }
  if (!rc) {
    x->r->id = mm_arena_printf(x->arena, "%s-%04ld", x->prefix, lo + 1);
    rc = x->r->id ? s->be->insert_referral(s->be, x->r) : MM_REF_ENOMEM;
    if (!rc) rc = write_events(s, x->r, 0, NULL);
    if (!rc) rc = mm_ref_store_keep(s, NULL, x->r);
    if (!rc) rc = audit_owned(s, "referral.create", x->r->id, create_detail(x->r, 0));
  }
  mm_arena_free(&a);
  return mm_ref_store_finish(s, rc);
}

int mm_ref_store_create_issued(mm_ref_store *s, mm_referral *r, const char *prefix,
                               mm_arena *arena, mm_diags *d) {
  r->id = mm_arena_printf(arena, "%s-0001", prefix); /* validated with a well-formed id */
  if (!s->kb || mm_referral_validate(s->kb, r, d, NULL, NULL) < 0) return MM_REF_EINVALID;
  issued_args x = {r, prefix, arena};
  return mm_ref_store_run(s, issued_once, &x, d);
}

static bool same_str(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_event(const mm_ref_event *a, const mm_ref_event *b) {
  return a->date == b->date && a->state == b->state && same_str(a->reason, b->reason) &&
         same_str(a->note, b->note) && same_str(a->kind, b->kind) &&
         same_str(a->data, b->data);
}

typedef struct import_args {
  const mm_referral *rs;
  size_t n;
  mm_diags *d;
  const char *src;
  mm_ref_import_stats *st;
} import_args;

/* One referral of an import, inside its transaction: created, or checked
 * against the stored one and extended. 0, MM_REF_EINVALID (diagnostics) or
 * the backend's code. */
static int import_one(mm_ref_store *s, const mm_referral *r, size_t i, mm_diags *d,
                      const char *src, mm_ref_import_stats *st, mm_arena *a) {
  mm_referral *old;
  int g = s->be->get(s->be, a, r->id, &old);
  if (g == MM_REF_ENOTFOUND) {
    g = s->be->insert_referral(s->be, r);
    if (!g) g = write_events(s, r, 0, &st->events);
    if (!g) g = mm_ref_store_keep(s, NULL, r);
    if (!g) g = audit_owned(s, "referral.import", r->id, create_detail(r, 0));
    if (!g) st->created++;
    return g;
  }
  if (g) return g;
  /* Known id: the file may only add events after the stored ones. */
  const char *fields[] = {"patient", "from_center", "to_center", "target"};
  const char *mine[] = {r->patient, r->from_center, r->to_center, r->target};
  const char *theirs[] = {old->patient, old->from_center, old->to_center, old->target};
  bool ok = true;
  for (int k = 0; k < 4; k++)
    if (!same_str(mine[k], theirs[k])) {
      mm_diag_errorc(d, MM_E_STATE, src, 0, 0,
                     mm_arena_printf(d->arena, "[%zu].%s", i, fields[k]),
                     "referral '%s' is stored with %s '%s', the file says '%s'", r->id,
                     fields[k], theirs[k], mine[k]);
      ok = false;
    }
  size_t k = 0;
  for (; ok && k < old->n_events; k++)
    if (k >= r->n_events || !same_event(&old->events[k], &r->events[k])) {
      mm_diag_errorc(d, MM_E_STATE, src, 0, 0,
                     mm_arena_printf(d->arena, "[%zu].events[%zu]", i, k),
                     "referral '%s' has %zu stored events and this one %s; events are "
                     "append-only (a correction is a new event)",
                     r->id, old->n_events, k >= r->n_events ? "is missing" : "differs");
      ok = false;
    }
  if (!ok) return MM_REF_EINVALID;
  if (r->n_events == old->n_events) {
    st->unchanged++;
    return MM_REF_OK;
  }
  g = write_events(s, r, old->n_events, &st->events);
  if (!g) g = mm_ref_store_keep(s, old, r);
  if (!g) g = audit_owned(s, "referral.import", r->id, create_detail(r, old->n_events));
  if (!g) st->extended++;
  return g;
}

/* Whether an import goes on after rc: past a referral's own problem, to
 * report every one; not past the database's. */
static bool import_goes_on(int rc) {
  return rc != MM_REF_EBACKEND && rc != MM_REF_ENOMEM && rc > MM_REF_EBUSY;
}

static int import_once(mm_ref_store *s, void *p) {
  import_args *x = p;
  memset(x->st, 0, sizeof *x->st);
  int rc = mm_ref_store_begin(s);
  if (rc) return rc;
  mm_arena a;
  mm_arena_init(&a, 16384);
  for (size_t i = 0; i < x->n && import_goes_on(rc); i++) {
    mm_arena_reset(&a);
    int g = import_one(s, &x->rs[i], i, x->d, x->src, x->st, &a);
    if (!g) g = mm_ref_store_keep_bound(s);
    if (g) rc = g;
  }
  if (a.failed && !rc) rc = MM_REF_ENOMEM;
  mm_arena_free(&a);
  return mm_ref_store_finish(s, rc);
}

/* Referrals an import writes before it tells the backend it is a large one. */
#define BULK_AFTER 20000

typedef struct import_each_args {
  const mm_ref_source *in;
  mm_diags *d;
  const char *src;
  mm_ref_import_stats *st;
  size_t n;
} import_each_args;

static int import_each_once(mm_ref_store *s, void *p) {
  import_each_args *x = p;
  memset(x->st, 0, sizeof *x->st);
  x->n = 0;
  if (x->in->rewind(x->in->ctx)) return MM_REF_EBACKEND;
  int rc = mm_ref_store_begin(s);
  if (rc) return rc;
  mm_arena ra, a; /* the referral read; the stored one */
  mm_arena_init(&ra, 16384);
  mm_arena_init(&a, 16384);
  bool bulk = false;
  while (import_goes_on(rc)) {
    mm_arena_reset(&ra);
    mm_arena_reset(&a);
    mm_referral *r;
    size_t i;
    int g = x->in->next(x->in->ctx, &ra, &r, &i, x->d);
    if (g == 0) break;
    if (g < 0) {
      rc = g;
      break;
    }
    x->n++;
    if (g == 2 ||
        mm_referral_validate(s->kb, r, x->d, x->src, mm_arena_printf(&ra, "[%zu]", i)) < 0) {
      rc = MM_REF_EINVALID; /* the rest still read, for their problems */
      continue;
    }
    if (rc) continue; /* nothing more written once one failed */
    /* a large import: the backend may defer its indexes to the end */
    g = MM_REF_OK;
    if (x->n == BULK_AFTER && s->be->bulk) {
      g = s->be->bulk(s->be, true);
      bulk = g == MM_REF_OK;
    }
    if (!g) g = import_one(s, r, i, x->d, x->src, x->st, &a);
    if (!g) g = mm_ref_store_keep_bound(s);
    if (g) rc = g;
  }
  if ((a.failed || ra.failed) && !rc) rc = MM_REF_ENOMEM;
  mm_arena_free(&a);
  mm_arena_free(&ra);
  /* the deferred indexes, in the transaction (a rollback drops them) */
  if (bulk && !rc) rc = s->be->bulk(s->be, false);
  return mm_ref_store_finish(s, rc);
}

int mm_ref_store_import_each(mm_ref_store *s, const mm_ref_source *in, mm_diags *d,
                             const char *src, mm_ref_import_stats *st, size_t *n) {
  mm_ref_import_stats local = {0};
  if (!st) st = &local;
  memset(st, 0, sizeof *st);
  if (!s->kb) return MM_REF_EINVALID;
  import_each_args x = {in, d, src, st, 0};
  int rc = mm_ref_store_run(s, import_each_once, &x, d);
  if (n) *n = x.n;
  return rc;
}

int mm_ref_store_import(mm_ref_store *s, const mm_referral *rs, size_t n, mm_diags *d,
                        const char *src, mm_ref_import_stats *st) {
  mm_ref_import_stats local = {0};
  if (!st) st = &local;
  memset(st, 0, sizeof *st);
  if (!s->kb) return MM_REF_EINVALID;
  size_t before = d->errors;
  for (size_t i = 0; i < n; i++)
    mm_referral_validate(s->kb, &rs[i], d, src, mm_arena_printf(d->arena, "[%zu]", i));
  if (d->errors > before) return MM_REF_EINVALID;
  import_args x = {rs, n, d, src, st};
  return mm_ref_store_run(s, import_once, &x, d);
}

int mm_ref_store_get(mm_ref_store *s, mm_arena *arena, const char *id, mm_referral **out) {
  s->msg[0] = '\0';
  return s->be->get(s->be, arena, id, out);
}

int mm_ref_store_foreach(mm_ref_store *s, const mm_ref_filter *f, mm_ref_visit visit,
                         void *ctx) {
  s->msg[0] = '\0';
  return s->be->foreach(s->be, f ? f : &MM_REF_FILTER_ALL, visit, ctx);
}

int mm_ref_store_count(mm_ref_store *s, const mm_ref_filter *f, size_t *n) {
  s->msg[0] = '\0';
  *n = 0;
  return s->be->count(s->be, f ? f : &MM_REF_FILTER_ALL, n);
}

typedef struct check_ctx {
  mm_ref_store *s;
  mm_diags *d;
  size_t n;
  mm_funnel_acc *steps; /* every history's funnel steps, for the kept ones */
} check_ctx;

static int check_one(void *p, const mm_referral *r) {
  check_ctx *c = p;
  c->n++;
  mm_referral_validate(c->s->kb, r, c->d, "registry", r->id);
  return c->steps && r->n_events
             ? mm_funnel_steps(c->steps, c->s->kb, r, r->events[0].date, 1)
             : MM_REF_OK;
}

int mm_ref_store_check(mm_ref_store *s, mm_diags *d, size_t *n_referrals) {
  char msg[256];
  size_t before = d->errors;
  if (s->be->check(s->be, msg, sizeof msg)) {
    mm_diag_errorc(d, MM_E_IO, "registry", 0, 0, NULL, "%s", msg);
    return MM_REF_EBACKEND;
  }
  check_ctx c = {s, d, 0, NULL};
  int rc = s->kb ? mm_funnel_acc_new(&c.steps) : MM_REF_OK;
  if (!rc) rc = mm_ref_store_foreach(s, NULL, check_one, &c);
  if (n_referrals) *n_referrals = c.n;
  /* the funnel's kept counts are what the histories make */
  if (!rc && c.steps && (rc = mm_ref_store_keep_verify(s, c.steps, msg, sizeof msg)) ==
                            MM_REF_EINVALID)
    mm_diag_errorc(d, MM_E_STATE, "registry", 0, 0, NULL,
                   "%s: `mmpath funnel --rebuild` builds them again", msg);
  mm_funnel_acc_free(c.steps);
  if (rc && rc != MM_REF_EINVALID) return rc;
  return d->errors > before ? MM_REF_EINVALID : MM_REF_OK;
}
