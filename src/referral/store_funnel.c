/* store_funnel.c: the funnel's kept counts in the store (funnel.h,
 * store.h). Every write adds, in its own transaction, the change of the
 * referral's step function (mm_funnel_steps: minus the stored history's,
 * plus the new one's) to the rows (to_center, from_center, referral date);
 * a row holds its steps, their sum and its last step's date, so that a
 * report whose `until` is after every step of a row reads only the sum.
 * The rows are rebuilt from every history (the walk) when their layout is
 * not the kb's: a registry from before schema 6, a kb with a new reason. */
#include <stdlib.h>
#include <string.h>

#include "referral/funnel.h"
#include "referral/store_internal.h"

/* An import flushes its sums to the rows past this (bounded memory). */
#define KEEP_FLUSH_BYTES ((size_t)8 << 20)
/* The rebuild reads the registry a page at a time (writes between pages). */
#define REBUILD_PAGE 5000

int mm_ref_store_keep(mm_ref_store *s, const mm_referral *old, const mm_referral *now) {
  if (!s->kb || now->n_events == 0) return MM_REF_OK;
  if (!s->keep && mm_funnel_acc_new(&s->keep)) return MM_REF_ENOMEM;
  /* the stored referral date (the filters' referred_on): the first event's */
  mm_date on = (old && old->n_events ? old : now)->events[0].date;
  int rc = old ? mm_funnel_steps(s->keep, s->kb, old, on, -1) : MM_REF_OK;
  return rc ? rc : mm_funnel_steps(s->keep, s->kb, now, on, 1);
}

int mm_ref_store_keep_bound(mm_ref_store *s) {
  return mm_funnel_acc_bytes(s->keep) > KEEP_FLUSH_BYTES ? mm_ref_store_keep_flush(s)
                                                         : MM_REF_OK;
}

static int flush_key(void *ctx, const char *to, const char *from, mm_date day,
                     const mm_funnel_step *steps, size_t n) {
  mm_ref_store *s = ctx;
  if (n == 0) return MM_REF_OK;
  mm_arena a;
  mm_arena_init(&a, 4096);
  const void *blob = NULL;
  size_t len = 0;
  int rc = s->be->funnel_get(s->be, &a, to, from, day, &blob, &len);
  bool exists = rc == MM_REF_OK;
  mm_funnel_step *old = NULL, *m = NULL, *t = NULL;
  unsigned char *sb = NULL, *tb = NULL;
  size_t nm = 0;
  if (rc == MM_REF_ENOTFOUND) rc = MM_REF_OK;
  if (!rc) {
    old = malloc((len / 12 + 1) * sizeof *old);
    rc = old ? MM_REF_OK : MM_REF_ENOMEM;
  }
  if (!rc) {
    size_t no = mm_funnel_steps_decode(blob, len, old, len / 12);
    rc = mm_funnel_steps_merge(old, no, steps, n, &m, &nm);
  }
  if (!rc) {
    /* the sum of every step, dated on the last one */
    mm_date last = nm ? m[nm - 1].at : day;
    t = malloc((nm + 1) * sizeof *t);
    sb = malloc(nm * 12 + 1);
    tb = malloc(nm * 12 + 1);
    rc = t && sb && tb ? MM_REF_OK : MM_REF_ENOMEM;
    if (!rc) {
      for (size_t i = 0; i < nm; i++) t[i] = (mm_funnel_step){last, m[i].code, m[i].n};
      size_t nt = mm_funnel_steps_compact(t, nm);
      mm_funnel_steps_encode(m, nm, sb);
      mm_funnel_steps_encode(t, nt, tb);
      rc = s->be->funnel_put(s->be, to, from, day, exists, sb, nm * 12, tb, nt * 12, last);
    }
  }
  free(old);
  free(m);
  free(t);
  free(sb);
  free(tb);
  mm_arena_free(&a);
  return rc;
}

int mm_ref_store_keep_flush(mm_ref_store *s) {
  if (!s->keep) return MM_REF_OK;
  int rc = mm_funnel_acc_foreach(s->keep, flush_key, s);
  mm_funnel_acc_clear(s->keep);
  return rc;
}

int mm_ref_store_funnel_foreach(mm_ref_store *s, const mm_ref_filter *f,
                                mm_ref_blob_visit visit, void *ctx) {
  s->msg[0] = '\0';
  return s->be->funnel_foreach(s->be, f ? f : &MM_REF_FILTER_ALL, visit, ctx);
}

typedef struct rebuild_ctx {
  mm_ref_store *s;
  char *last; /* the last id read (malloc'd) */
  size_t n;
} rebuild_ctx;

static int rebuild_one(void *p, const mm_referral *r) {
  rebuild_ctx *c = p;
  free(c->last);
  c->last = strdup(r->id);
  c->n++;
  if (!c->last) return MM_REF_ENOMEM;
  return mm_ref_store_keep(c->s, NULL, r);
}

static int rebuild_once(mm_ref_store *s, void *force) {
  int rc = mm_ref_store_begin(s);
  if (rc) return rc;
  mm_arena a;
  mm_arena_init(&a, 1024);
  const char *want = mm_funnel_layout(s->kb, &a), *have = NULL;
  rc = want ? s->be->meta_get(s->be, &a, "funnel_layout", &have) : MM_REF_ENOMEM;
  /* another process may have rebuilt while this one waited for the lock */
  bool todo = force || !have || strcmp(have, want) != 0;
  if (!rc && todo) rc = s->be->funnel_clear(s->be);
  rebuild_ctx c = {s, NULL, 0};
  while (!rc && todo) {
    mm_ref_filter f = MM_REF_FILTER_ALL;
    f.limit = REBUILD_PAGE;
    size_t before = c.n;
    char *after = c.last ? strdup(c.last) : NULL;
    f.after = after;
    rc = s->be->foreach(s->be, &f, rebuild_one, &c);
    free(after);
    if (!rc) rc = mm_ref_store_keep_bound(s);
    if (c.n - before < REBUILD_PAGE) break;
  }
  free(c.last);
  if (!rc && todo) rc = s->be->meta_set(s->be, "funnel_layout", want);
  mm_arena_free(&a);
  return mm_ref_store_finish(s, rc);
}

int mm_ref_store_funnel_rebuild(mm_ref_store *s) {
  if (!s->kb) return MM_REF_EINVALID;
  return mm_ref_store_run(s, rebuild_once, (void *)1, NULL);
}

int mm_ref_store_keep_open(mm_ref_store *s) {
  if (!s->kb) return MM_REF_OK;
  mm_arena a;
  mm_arena_init(&a, 1024);
  const char *want = mm_funnel_layout(s->kb, &a), *have = NULL;
  int rc = want ? s->be->meta_get(s->be, &a, "funnel_layout", &have) : MM_REF_ENOMEM;
  bool same = !rc && have && strcmp(have, want) == 0;
  mm_arena_free(&a);
  if (rc || same) return rc;
  return mm_ref_store_run(s, rebuild_once, NULL, NULL);
}

typedef struct verify_ctx {
  mm_ref_store *s;
  size_t rows, bad;
  char first[160]; /* the first row that differs */
} verify_ctx;

static int verify_key(void *p, const char *to, const char *from, mm_date day,
                      const mm_funnel_step *steps, size_t n) {
  verify_ctx *c = p;
  if (n == 0) return MM_REF_OK;
  c->rows++;
  mm_arena a;
  mm_arena_init(&a, 4096);
  const void *blob = NULL;
  size_t len = 0;
  int rc = c->s->be->funnel_get(c->s->be, &a, to, from, day, &blob, &len);
  bool same = false;
  if (rc == MM_REF_OK && len == n * 12) {
    mm_funnel_step *have = mm_arena_alloc(&a, (n + 1) * sizeof *have);
    rc = have ? MM_REF_OK : MM_REF_ENOMEM;
    same = have && mm_funnel_steps_decode(blob, len, have, n) == n &&
           memcmp(have, steps, n * sizeof *have) == 0;
  }
  if (rc == MM_REF_ENOTFOUND) rc = MM_REF_OK;
  if (!rc && !same && c->bad++ == 0) {
    char d[11];
    mm_date_format(day, d);
    snprintf(c->first, sizeof c->first, "to %s, from %s, referred on %s", to, from, d);
  }
  mm_arena_free(&a);
  return rc;
}

static int count_row(void *ctx, const void *blob, size_t len) {
  (void)blob;
  (void)len;
  (*(size_t *)ctx)++;
  return MM_REF_OK;
}

int mm_ref_store_keep_verify(mm_ref_store *s, mm_funnel_acc *walked, char *why, size_t n) {
  verify_ctx c = {s, 0, 0, ""};
  int rc = mm_funnel_acc_foreach(walked, verify_key, &c);
  size_t stored = 0;
  if (!rc) rc = s->be->funnel_foreach(s->be, &MM_REF_FILTER_ALL, count_row, &stored);
  if (rc) return rc;
  if (c.bad)
    snprintf(why, n, "the funnel's kept counts differ from the histories in %zu of %zu rows (first: %s)",
             c.bad, c.rows, c.first);
  else if (stored != c.rows)
    snprintf(why, n, "the funnel keeps %zu rows, the histories make %zu", stored, c.rows);
  else
    return MM_REF_OK;
  return MM_REF_EINVALID;
}
