/* funnel_keep.c: the funnel from counts kept in the store (funnel.h).
 *
 * A referral's contribution to the report depends on `until` (the state,
 * the stages reached, the intervals and the records as they stood then),
 * and only changes on the dates of its events (stored or corrected). So it
 * is kept as a step function: at each such date d >= its referral date,
 * the change from the contribution at the previous date to the one at d
 * (mm_funnel_one_of, the walk's own code, run for until = d). The store sums
 * these steps per (to_center, from_center, referral date) in one row; a
 * report sums the rows its filter selects, each step dated by `until`.
 * Since `since`/`until` select referrals by their referral date and every
 * step of a referral is dated on or after it, the sum is exactly the walk's
 * for every filter.
 *
 * Codes of the counters (MM_FUNNEL_LAYOUT; a change rebuilds the store's
 * kept counts): the fixed counters below, then by kb index the reason of
 * the current state and of exclusion, then the two histograms by value. */
#include <stdlib.h>
#include <string.h>

#include "referral/funnel.h"

#define MM_FUNNEL_LAYOUT "mmpath/funnel-kept@1"

enum {
  C_TOTAL = 0,
  C_STATE = 1,
  C_REACHED = C_STATE + MM_RS_COUNT,
  C_OWN = C_REACHED + MM_RS_COUNT,
  C_OTHER,
  C_TIC_OWN,
  C_TIC_OTHER,
  C_SCR_OWN,
  C_SCR_OTHER,
  C_POS,
  C_NEG,
  C_EXCLUDED,
  C_PENDING,
  C_INF,
  C_CRS3,
  C_CRS_UNK,
  C_ICANS,
  C_ICANS_UNK,
  C_D100,
  C_D100_PR,
  C_N_RA,
  C_N_AI,
  C_REASON = 1000,
  C_EXCL_REASON = 2000,
  C_RA = 1000000, /* + HIST_OFF + days */
  C_AI = 2000000,
  HIST_OFF = 500000
};

const char *mm_funnel_layout(const mm_ref_kb *kb, mm_arena *a) {
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_strbuf_puts(&b, MM_FUNNEL_LAYOUT " states");
  for (int s = 0; s < MM_RS_COUNT; s++) mm_strbuf_printf(&b, " %s", mm_ref_state_name(s));
  mm_strbuf_puts(&b, " reasons");
  for (size_t i = 0; i < kb->n_reasons; i++) mm_strbuf_printf(&b, " %s", kb->reasons[i].id);
  const char *s = b.failed ? NULL : mm_arena_strdup(a, b.data ? b.data : "");
  mm_strbuf_free(&b);
  return s;
}

static int32_t hist_code(int base, int v) {
  if (v < -HIST_OFF) v = -HIST_OFF; /* days: never near either bound */
  if (v >= HIST_OFF) v = HIST_OFF - 1;
  return base + HIST_OFF + v;
}

/* The counters one referral adds, in increasing code order. */
static size_t codes_of(const mm_funnel_one *o, int32_t *c) {
  size_t n = 0;
  if (!o->counted) return 0;
  c[n++] = C_TOTAL;
  c[n++] = C_STATE + (int32_t)o->now;
  for (int s = 0; s < MM_RS_COUNT; s++)
    if (o->seen[s]) c[n++] = C_REACHED + s;
  c[n++] = o->own ? C_OWN : C_OTHER;
  if (o->seen[MM_RS_WAITLISTED] || o->seen[MM_RS_SCREENING])
    c[n++] = o->own ? C_TIC_OWN : C_TIC_OTHER;
  if (o->seen[MM_RS_SCREENING]) c[n++] = o->own ? C_SCR_OWN : C_SCR_OTHER;
  if (o->seen[MM_RS_ELIGIBLE]) c[n++] = C_POS;
  if (o->seen[MM_RS_NOT_ELIGIBLE]) c[n++] = C_NEG;
  if (o->now == MM_RS_EXCLUDED) c[n++] = C_EXCLUDED;
  if (o->now == MM_RS_WAITLISTED) c[n++] = C_PENDING;
  bool flags[] = {o->infused, o->crs3, o->crs_unknown, o->icans, o->icans_unknown, o->d100,
                  o->d100_pr};
  for (int i = 0; i < 7; i++)
    if (flags[i]) c[n++] = C_INF + i;
  if (o->has_ref_aph) c[n++] = C_N_RA;
  if (o->aph_inf >= 0) c[n++] = C_N_AI;
  if (o->reason >= 0) {
    c[n++] = C_REASON + o->reason;
    if (o->now == MM_RS_EXCLUDED) c[n++] = C_EXCL_REASON + o->reason;
  }
  if (o->has_ref_aph) c[n++] = hist_code(C_RA, o->ref_aph);
  if (o->aph_inf >= 0) c[n++] = hist_code(C_AI, o->aph_inf);
  return n;
}

int mm_funnel_add_steps(mm_funnel *f, const mm_funnel_step *s, size_t n) {
  size_t nr = f->kb->n_reasons;
  int rc = MM_REF_OK;
  for (size_t i = 0; i < n; i++) {
    if (f->until != MM_DATE_NONE && s[i].at > f->until) continue;
    int32_t c = s[i].code;
    size_t k = (size_t)(long long)s[i].n; /* negative: wraps back when summed */
    if (c >= C_AI) rc |= mm_funnel_hist_add(&f->days_aph_inf, c - C_AI - HIST_OFF, s[i].n);
    else if (c >= C_RA) rc |= mm_funnel_hist_add(&f->days_ref_aph, c - C_RA - HIST_OFF, s[i].n);
    else if (c >= C_EXCL_REASON) {
      if ((size_t)(c - C_EXCL_REASON) < nr) f->excluded_by_reason[c - C_EXCL_REASON] += k;
    } else if (c >= C_REASON) {
      if ((size_t)(c - C_REASON) < nr) f->by_reason[c - C_REASON] += k;
    } else if (c == C_TOTAL) f->total += k;
    else if (c < C_REACHED) f->by_state[c - C_STATE] += k;
    else if (c < C_OWN) f->reached[c - C_REACHED] += k;
    else {
      size_t *fixed[] = {&f->origin.own, &f->origin.other, &f->taken_into_care.own,
                         &f->taken_into_care.other, &f->screened.own, &f->screened.other,
                         &f->evaluated_positive, &f->evaluated_negative, &f->excluded,
                         &f->pending, &f->inf_n, &f->inf_crs3, &f->inf_crs_unknown,
                         &f->inf_icans, &f->inf_icans_unknown, &f->inf_d100,
                         &f->inf_d100_pr_or_better, &f->n_ref_aph, &f->n_aph_inf};
      if ((size_t)(c - C_OWN) < sizeof fixed / sizeof *fixed) *fixed[c - C_OWN] += k;
    }
  }
  return rc ? MM_REF_ENOMEM : MM_REF_OK;
}

/* ---- step lists ---- */

static int step_cmp(const void *x, const void *y) {
  const mm_funnel_step *a = x, *b = y;
  if (a->at != b->at) return a->at < b->at ? -1 : 1;
  return (a->code > b->code) - (a->code < b->code);
}

/* Sorts and sums s in place; returns the new length (zeros dropped). */
size_t mm_funnel_steps_compact(mm_funnel_step *s, size_t n) {
  qsort(s, n, sizeof *s, step_cmp);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (m && s[m - 1].at == s[i].at && s[m - 1].code == s[i].code) s[m - 1].n += s[i].n;
    else s[m++] = s[i];
  }
  size_t z = 0;
  for (size_t i = 0; i < m; i++)
    if (s[i].n) s[z++] = s[i];
  return z;
}

int mm_funnel_steps_merge(const mm_funnel_step *a, size_t na, const mm_funnel_step *b,
                          size_t nb, mm_funnel_step **out, size_t *n_out) {
  *out = NULL;
  *n_out = 0;
  mm_funnel_step *o = malloc((na + nb + 1) * sizeof *o);
  if (!o) return MM_REF_ENOMEM;
  size_t i = 0, j = 0, m = 0;
  while (i < na || j < nb) {
    int c = i == na ? 1 : j == nb ? -1 : step_cmp(&a[i], &b[j]);
    mm_funnel_step s;
    if (c < 0) s = a[i++];
    else if (c > 0) s = b[j++];
    else {
      s = a[i++];
      s.n += b[j++].n;
    }
    if (s.n) o[m++] = s;
  }
  *out = o;
  *n_out = m;
  return MM_REF_OK;
}

static void put32(unsigned char *p, int32_t v) {
  uint32_t u = (uint32_t)v;
  p[0] = (unsigned char)u;
  p[1] = (unsigned char)(u >> 8);
  p[2] = (unsigned char)(u >> 16);
  p[3] = (unsigned char)(u >> 24);
}

static int32_t get32(const unsigned char *p) {
  return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                   (uint32_t)p[3] << 24);
}

void mm_funnel_steps_encode(const mm_funnel_step *s, size_t n, unsigned char *out) {
  for (size_t i = 0; i < n; i++, out += 12) {
    put32(out, s[i].at);
    put32(out + 4, s[i].code);
    put32(out + 8, s[i].n);
  }
}

size_t mm_funnel_steps_decode(const void *blob, size_t len, mm_funnel_step *out, size_t max) {
  const unsigned char *p = blob;
  size_t n = len / 12;
  if (n > max) n = max;
  for (size_t i = 0; i < n; i++, p += 12)
    out[i] = (mm_funnel_step){get32(p), get32(p + 4), get32(p + 8)};
  return n;
}

/* ---- the accumulator: a hash of (to, from, day) -> steps ---- */

typedef struct acc_key {
  char *to, *from;
  mm_date day;
  mm_funnel_step *s;
  size_t n, cap, sorted; /* sorted: length after the last compaction */
} acc_key;

struct mm_funnel_acc {
  acc_key *keys;
  size_t n, cap; /* keys */
  size_t *slots; /* index + 1, 0 empty */
  size_t n_slots;
  size_t bytes;
};

int mm_funnel_acc_new(mm_funnel_acc **out) {
  *out = calloc(1, sizeof **out);
  return *out ? MM_REF_OK : MM_REF_ENOMEM;
}

void mm_funnel_acc_clear(mm_funnel_acc *acc) {
  if (!acc) return;
  for (size_t i = 0; i < acc->n; i++) {
    free(acc->keys[i].to);
    free(acc->keys[i].s);
  }
  free(acc->keys);
  free(acc->slots);
  memset(acc, 0, sizeof *acc);
}

void mm_funnel_acc_free(mm_funnel_acc *acc) {
  mm_funnel_acc_clear(acc);
  free(acc);
}

size_t mm_funnel_acc_bytes(const mm_funnel_acc *acc) { return acc ? acc->bytes : 0; }

static size_t hash(const char *to, const char *from, mm_date day) {
  size_t h = 1469598103934665603ull ^ (size_t)(unsigned)day;
  for (const char *p = to; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  h = (h ^ 0xff) * 1099511628211ull;
  for (const char *p = from; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  return h;
}

static acc_key *acc_find(mm_funnel_acc *acc, const char *to, const char *from, mm_date day) {
  if (acc->n * 2 >= acc->n_slots) {
    size_t ns = acc->n_slots ? acc->n_slots * 2 : 64;
    size_t *sl = calloc(ns, sizeof *sl);
    if (!sl) return NULL;
    for (size_t i = 0; i < acc->n; i++) {
      size_t h = hash(acc->keys[i].to, acc->keys[i].from, acc->keys[i].day) & (ns - 1);
      while (sl[h]) h = (h + 1) & (ns - 1);
      sl[h] = i + 1;
    }
    acc->bytes += (ns - acc->n_slots) * sizeof *sl;
    free(acc->slots);
    acc->slots = sl;
    acc->n_slots = ns;
  }
  size_t h = hash(to, from, day) & (acc->n_slots - 1);
  for (; acc->slots[h]; h = (h + 1) & (acc->n_slots - 1)) {
    acc_key *k = &acc->keys[acc->slots[h] - 1];
    if (k->day == day && strcmp(k->to, to) == 0 && strcmp(k->from, from) == 0) return k;
  }
  if (acc->n == acc->cap) {
    size_t nc = acc->cap ? acc->cap * 2 : 16;
    acc_key *nk = realloc(acc->keys, nc * sizeof *nk);
    if (!nk) return NULL;
    acc->bytes += (nc - acc->cap) * sizeof *nk;
    acc->keys = nk;
    acc->cap = nc;
  }
  size_t lt = strlen(to), lf = strlen(from);
  char *mem = malloc(lt + lf + 2); /* to and from in one block */
  if (!mem) return NULL;
  memcpy(mem, to, lt + 1);
  memcpy(mem + lt + 1, from, lf + 1);
  acc->bytes += lt + lf + 2;
  acc_key *k = &acc->keys[acc->n];
  *k = (acc_key){mem, mem + lt + 1, day, NULL, 0, 0, 0};
  acc->slots[h] = ++acc->n;
  return k;
}

static int key_add(mm_funnel_acc *acc, acc_key *k, int32_t at, int32_t code, int32_t n) {
  if (k->n == k->cap) {
    /* summing first often saves growing: the same steps recur */
    if (k->n > 2 * k->sorted + 32) {
      k->n = k->sorted = mm_funnel_steps_compact(k->s, k->n);
    }
    if (k->n == k->cap) {
      size_t nc = k->cap ? k->cap * 2 : 32;
      mm_funnel_step *ns = realloc(k->s, nc * sizeof *ns);
      if (!ns) return MM_REF_ENOMEM;
      acc->bytes += (nc - k->cap) * sizeof *ns;
      k->s = ns;
      k->cap = nc;
    }
  }
  k->s[k->n++] = (mm_funnel_step){at, code, n};
  return MM_REF_OK;
}

int mm_funnel_steps(mm_funnel_acc *acc, const mm_ref_kb *kb, const mm_referral *r,
                    mm_date referred_on, int sign) {
  if (r->n_events == 0) return MM_REF_OK;
  mm_arena a;
  mm_arena_init(&a, 4096);
  const mm_ref_event *mv;
  size_t nm = mm_funnel_moves(r, &a, &mv);
  /* The dates the contribution may change on: the stored events' (the
   * records' cut) and the corrected moves' (the history's cut). */
  mm_date *d = mm_arena_alloc(&a, (r->n_events + nm + 1) * sizeof *d);
  acc_key *k = acc_find(acc, r->to_center, r->from_center, referred_on);
  int rc = mv && d && k ? MM_REF_OK : MM_REF_ENOMEM;
  size_t nd = 0;
  if (!rc) d[nd++] = referred_on;
  for (size_t i = 0; !rc && i < r->n_events; i++)
    if (r->events[i].date > referred_on) d[nd++] = r->events[i].date;
  for (size_t i = 0; !rc && i < nm; i++)
    if (mv[i].date > referred_on) d[nd++] = mv[i].date;
  /* few dates: insertion sort, then unique */
  for (size_t i = 1; !rc && i < nd; i++)
    for (size_t j = i; j > 0 && d[j - 1] > d[j]; j--) {
      mm_date t = d[j];
      d[j] = d[j - 1];
      d[j - 1] = t;
    }
  int32_t prev[64], cur[64];
  size_t np = 0;
  for (size_t i = 0; !rc && i < nd; i++) {
    if (i && d[i] == d[i - 1]) continue;
    mm_funnel_one o;
    rc = mm_funnel_one_of(kb, r, mv, nm, d[i], &a, &o);
    size_t nc = rc ? 0 : codes_of(&o, cur);
    /* what changed since the previous date (both lists ascending) */
    size_t x = 0, y = 0;
    while (!rc && (x < np || y < nc)) {
      if (y == nc || (x < np && prev[x] < cur[y])) rc = key_add(acc, k, d[i], prev[x++], -sign);
      else if (x == np || cur[y] < prev[x]) rc = key_add(acc, k, d[i], cur[y++], sign);
      else x++, y++;
    }
    memcpy(prev, cur, nc * sizeof *cur);
    np = nc;
  }
  mm_arena_free(&a);
  return rc;
}

int mm_funnel_acc_foreach(mm_funnel_acc *acc, mm_funnel_acc_visit visit, void *ctx) {
  for (size_t i = 0; acc && i < acc->n; i++) {
    acc_key *k = &acc->keys[i];
    k->n = k->sorted = mm_funnel_steps_compact(k->s, k->n);
    int rc = visit(ctx, k->to, k->from, k->day, k->s, k->n);
    if (rc) return rc;
  }
  return MM_REF_OK;
}

/* ---- the report from kept rows ---- */

static int add_row(void *ctx, const void *blob, size_t len) {
  mm_funnel_step buf[256];
  const unsigned char *p = blob;
  while (len >= 12) {
    size_t n = mm_funnel_steps_decode(p, len, buf, 256);
    if (mm_funnel_add_steps(ctx, buf, n)) return MM_REF_ENOMEM;
    p += n * 12;
    len -= n * 12;
  }
  return MM_REF_OK;
}

int mm_funnel_kept(mm_funnel *f, mm_ref_store *s, const mm_ref_filter *filter) {
  int rc = mm_ref_store_funnel_foreach(s, filter, add_row, f);
  if (!rc && (f->days_ref_aph.len > 0 || f->days_aph_inf.len > 0)) {
    /* drop values whose count summed to 0 */
    mm_funnel_hist *hs[] = {&f->days_ref_aph, &f->days_aph_inf};
    for (int h = 0; h < 2; h++) {
      size_t m = 0;
      for (size_t i = 0; i < hs[h]->len; i++)
        if (hs[h]->n[i]) {
          hs[h]->v[m] = hs[h]->v[i];
          hs[h]->n[m++] = hs[h]->n[i];
        }
      hs[h]->len = m;
    }
  }
  return rc;
}
