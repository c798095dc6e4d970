/* funnel.h: the funnel report over referrals (spec mmpath/funnel@1, the
 * deck's two funnel slides; docs/referral.md says what each percentage is
 * of). Counting is separate from rendering: mm_funnel_add takes one referral
 * at a time (it is an mm_ref_visit), so a report over a large registry is one
 * pass with memory in the number of referrals reaching apheresis. The four
 * renderers (text, JSON, SVG, HTML) only format the counts. */
#ifndef MM_REFERRAL_FUNNEL_H
#define MM_REFERRAL_FUNNEL_H
#include <stddef.h>

#include "referral/referral.h"
#include "referral/store.h"

typedef struct mm_funnel_split { size_t own, other; } mm_funnel_split;

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
  int *days_ref_aph, *days_aph_inf;    /* one per referral that got there */
  size_t n_ref_aph, n_aph_inf, cap_ref_aph, cap_aph_inf;
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
/* Computes the medians; call once after the last add. */
void mm_funnel_finish(mm_funnel *f);

/* Percent of base rounded half up (the deck's rounding); 0 when base is 0. */
int mm_pct(size_t n, size_t base);

void mm_funnel_json(mm_strbuf *b, const mm_funnel *f);
void mm_funnel_text(mm_strbuf *b, const mm_funnel *f, mm_lang lang);
void mm_funnel_svg(mm_strbuf *b, const mm_funnel *f, mm_lang lang);
void mm_funnel_html(mm_strbuf *b, const mm_funnel *f, mm_lang lang);

#endif
