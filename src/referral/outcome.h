/* outcome.h: inside src/referral, what the records after infusion say
 * (outcome.c), for the letter and the registry export. */
#ifndef MM_REFERRAL_OUTCOME_H
#define MM_REFERRAL_OUTCOME_H
#include "referral/pathway.h"

typedef struct mm_ref_episodes {
  size_t n;
  int any;                 /* 1 yes, 0 no (reviewed, none recorded), -1 unknown */
  mm_date onset, resolution; /* first onset, last resolution */
  bool unresolved;         /* an episode has no resolution yet */
  int grade;               /* highest ASTCT grade computed, -1 none */
  bool grade_unknown;      /* an episode's grade could not be computed */
  int tocilizumab;         /* doses over the episodes */
  bool tocilizumab_unknown;
  int steroids;            /* 1, 0, -1 */
} mm_ref_episodes;

typedef struct mm_ref_facts {
  mm_ref_view view;
  mm_date infused_on, death, last_contact, ld_start, best_response_date, igg_date;
  const char *product, *lot, *product_id, *ld_drugs, *bridging_drugs, *status;
  int bridging, infection; /* 1, 0, -1 */
  mm_ref_episodes crs, icans;
  const char *day100_response, *best_response;
  double igg, anc, platelets;
  bool has_igg, has_anc, has_platelets;
} mm_ref_facts;

int mm_ref_outcome_read(const mm_referral *r, mm_arena *a, mm_ref_facts *o);
/* The value of a registry `from` key (kb/pathway.yaml) as text, NULL when
 * not held ("not applicable" where the form's question does not arise). */
const char *mm_ref_fact_text(const mm_ref_facts *o, const mm_referral *r, const char *from,
                             mm_arena *a);
#endif
