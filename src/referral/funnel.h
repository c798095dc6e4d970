/* funnel.h: the funnel report over referrals (spec mmpath/funnel@1, the
 * deck's two funnel slides; docs/referral.md says what each percentage is
 * of). Counting is separate from rendering. Two ways to count, with the same
 * result for every filter:
 *  - the walk (the reference): mm_funnel_add takes one referral at a time
 *    (it is an mm_ref_visit) over a foreach of the filter;
 *  - the kept counts (funnel_keep.c, the default): the store keeps, per
 *    (to_center, from_center, referral day), each referral's contribution
 *    as a step function of `until` (mm_funnel_steps), updated in the write
 *    transaction of every event; mm_funnel_kept sums the rows the filter
 *    selects.
 * The medians are exact either way: days are whole numbers, counted in a
 * histogram (value -> how many). The four renderers (text, JSON, SVG,
 * HTML) only format the counts. */
#ifndef MM_REFERRAL_FUNNEL_H
#define MM_REFERRAL_FUNNEL_H
#include <stddef.h>
#include <stdint.h>

#include "referral/referral.h"
#include "referral/store.h"

typedef struct mm_funnel_split { size_t own, other; } mm_funnel_split;

/* Whole days -> how many, sorted by value (the medians' input). */
typedef struct mm_funnel_hist {
  int *v;
  long long *n;
  size_t len, cap;
} mm_funnel_hist;

typedef struct mm_funnel {
  const mm_ref_kb *kb;
  mm_arena arena;
  const char *to_center, *from_center; /* filter, NULL = all */
  mm_date since, until;                /* window on the referral date */
  size_t total;
  size_t by_state[MM_RS_COUNT];        /* state at `until` */
  size_t reached[MM_RS_COUNT];         /* history reached the state by `until` */
  size_t *by_reason;                   /* per kb reason: reason of the state at `until` */
  size_t *excluded_by_reason;          /* the same, of referrals excluded at `until` */
  mm_funnel_split origin;              /* all referrals: own centre or other */
  mm_funnel_split taken_into_care;     /* reached waitlisted or screening */
  mm_funnel_split screened;            /* reached screening */
  size_t evaluated_positive, evaluated_negative;
  size_t excluded, pending;            /* state at until: excluded; waitlisted */
  mm_funnel_hist days_ref_aph, days_aph_inf; /* one count per referral that got there */
  size_t n_ref_aph, n_aph_inf;
  int median_ref_aph, median_aph_inf;  /* -1 when no referral got there */
  /* After infusion (records, pathway.h), of the referrals infused by
   * `until`: CRS of ASTCT grade >= 3, any ICANS, a response recorded at the
   * day-100 visit (and how many of those are PR or deeper). */
  size_t inf_n, inf_crs3, inf_crs_unknown, inf_icans, inf_icans_unknown, inf_d100,
      inf_d100_pr_or_better;
} mm_funnel;

/* filter: to_center, from_center, since, until are used (may be NULL). */
int mm_funnel_new(mm_funnel **out, const mm_ref_kb *kb, const mm_ref_filter *filter);
void mm_funnel_free(mm_funnel *f);
/* Counts one referral (the caller filtered it); an mm_ref_visit. */
int mm_funnel_add(void *funnel, const mm_referral *r);
/* Computes the medians; call once after the last add (or mm_funnel_kept). */
void mm_funnel_finish(mm_funnel *f);

/* The walk's pieces the kept counts reuse: a histogram count (n may be
 * negative), the corrected moves of a referral (in arena a). */
int mm_funnel_hist_add(mm_funnel_hist *h, int v, long long n);
size_t mm_funnel_moves(const mm_referral *r, mm_arena *a, const mm_ref_event **out);

/* ---- the kept counts (funnel_keep.c) ---- */

/* What one referral adds to the report for a given `until` (the walk's
 * per-referral step; MM_DATE_NONE: the whole history). */
typedef struct mm_funnel_one {
  bool counted;        /* has a move dated by `until` */
  mm_ref_state now;    /* state at until */
  int reason;          /* kb index of the current reason, -1 none */
  bool seen[MM_RS_COUNT];
  bool own;            /* referred by the hub's own centre */
  bool has_ref_aph;    /* a first apheresis by until: days since referral */
  int ref_aph, aph_inf; /* aph_inf: -1 when not infused after an apheresis */
  bool infused, crs3, crs_unknown, icans, icans_unknown, d100, d100_pr;
} mm_funnel_one;
int mm_funnel_one_of(const mm_ref_kb *kb, const mm_referral *r, const mm_ref_event *moves,
                     size_t n_moves, mm_date until, mm_arena *a, mm_funnel_one *out);

/* A kept count: from day `at` on (until >= at), counter `code` changes by
 * n. Codes (funnel_keep.c, MM_FUNNEL_LAYOUT): fixed counters, then reasons
 * by kb index, then the two histograms by day value. */
typedef struct mm_funnel_step { int32_t at, code, n; } mm_funnel_step;
/* The layout the kept codes are written in; the store rebuilds its kept
 * counts when the stored one differs (a new kb reason, a new state). */
const char *mm_funnel_layout(const mm_ref_kb *kb, mm_arena *a);

/* Steps per (to_center, from_center, referral day), summed, for one write
 * transaction or a whole import; memory in the distinct days, not the
 * referrals. */
typedef struct mm_funnel_acc mm_funnel_acc;
int mm_funnel_acc_new(mm_funnel_acc **out);
void mm_funnel_acc_free(mm_funnel_acc *acc);
void mm_funnel_acc_clear(mm_funnel_acc *acc);
/* Bytes held (to flush before it grows too big). */
size_t mm_funnel_acc_bytes(const mm_funnel_acc *acc);
/* Adds sign x referral r's step function: its contribution to the report
 * for every `until`, 0 before referred_on (the stored referral date, which
 * the since/until filters compare). r: a stored history (corrections
 * included). */
int mm_funnel_steps(mm_funnel_acc *acc, const mm_ref_kb *kb, const mm_referral *r,
                    mm_date referred_on, int sign);
/* Visits each key: its steps sorted by (at, code), summed, zeros left out. */
typedef int (*mm_funnel_acc_visit)(void *ctx, const char *to, const char *from, mm_date day,
                                   const mm_funnel_step *steps, size_t n);
int mm_funnel_acc_foreach(mm_funnel_acc *acc, mm_funnel_acc_visit visit, void *ctx);
/* Merges two step lists (sorted) into out (sorted, summed, zeros left out;
 * malloc'd, caller frees). Serialised as little-endian int32 triples. */
int mm_funnel_steps_merge(const mm_funnel_step *a, size_t na, const mm_funnel_step *b,
                          size_t nb, mm_funnel_step **out, size_t *n_out);
/* Sorts s by (at, code) and sums equal ones in place; the new length. */
size_t mm_funnel_steps_compact(mm_funnel_step *s, size_t n);
size_t mm_funnel_steps_decode(const void *blob, size_t len, mm_funnel_step *out, size_t max);
void mm_funnel_steps_encode(const mm_funnel_step *s, size_t n, unsigned char *out);

/* Adds a kept row to the report: its total (steps summed, at ignored)
 * when every step is by until, else its steps dated by f->until. */
int mm_funnel_add_steps(mm_funnel *f, const mm_funnel_step *s, size_t n);
/* The report from the store's kept counts (mm_ref_store_funnel_foreach). */
int mm_funnel_kept(mm_funnel *f, mm_ref_store *s, const mm_ref_filter *filter);

/* Percent of base rounded half up (the deck's rounding); 0 when base is 0. */
int mm_pct(size_t n, size_t base);

void mm_funnel_json(mm_strbuf *b, const mm_funnel *f);
void mm_funnel_text(mm_strbuf *b, const mm_funnel *f, mm_lang lang);
void mm_funnel_svg(mm_strbuf *b, const mm_funnel *f, mm_lang lang);
void mm_funnel_html(mm_strbuf *b, const mm_funnel *f, mm_lang lang);

#endif
