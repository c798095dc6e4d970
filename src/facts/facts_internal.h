/* facts_internal.h: what the fact-deriving files share. Each file computes
 * one family of facts; facts.c calls them in dependency order. */
#ifndef MM_FACTS_INTERNAL_H
#define MM_FACTS_INTERNAL_H
#include "kb/fact_names.h"
#include "facts/facts.h"

typedef struct mm_deriving {
  mm_facts *f;
  mm_arena *arena;
  const mm_kb *kb;
  const mm_patient *p;
  bool explain;
  bool labs; /* derive the lab facts (not when the caller reads none) */
  const bool *refractory_for; /* mm_facts_derive_for; NULL: every drug */
  const mm_facts_plan *sparse; /* a sparse plan: only its slots are read; NULL: all */
} mm_deriving;

/* Whether the caller reads the fact in slot (every fact but under a
 * sparse plan). */
static inline bool mm_fact_read(const mm_deriving *d, int slot) {
  return !d->sparse || d->sparse->read[slot];
}

static inline void mm_fact_set(mm_deriving *d, int slot, mm_value v) {
  if (slot >= 0) d->f->values[slot] = v;
}
/* The explanation helpers do nothing unless explaining. One language's
 * reason (at most 511 bytes: longer ones are cut, on a character boundary). */
void mm_fact_because_lang(mm_deriving *d, int slot, mm_lang lang, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* mm_arena_printf for the formats facts use, without stdio for %s, %d, %zu
 * (the same bytes; NULL when out of memory). */
char *mm_facts_printf(mm_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Why, in English and in Italian, as fixed texts. */
void mm_fact_because_text(mm_deriving *d, int slot, const char *en, const char *it);
/* Why, in English and in Italian: the same arguments fill both formats. */
#define mm_fact_because(d, slot, en, it, ...)                       \
  do {                                                              \
    if ((d)->explain) {                                             \
      mm_fact_because_lang((d), (slot), MM_LANG_EN, en, __VA_ARGS__); \
      mm_fact_because_lang((d), (slot), MM_LANG_IT, it, __VA_ARGS__); \
    }                                                               \
  } while (0)
/* A warning (nothing when the caller gave no diags): the diagnostic in
 * English at `path`, the Italian kept beside it. a1, a2 fill {1}, {2}. */
void mm_fact_warn(mm_deriving *d, mm_fact_warning_code code, const char *path, const char *a1,
                  const char *a2);
void mm_fact_from(mm_deriving *d, int slot, const char *input);
void mm_fact_missing(mm_deriving *d, int slot, const char *input);
void mm_fact_derived(mm_deriving *d, int slot);
/* Copies the missing inputs of the facts in `slots` into slot's. */
void mm_fact_missing_from_slots(mm_deriving *d, int slot, const int *slots, size_t n);

/* patient_facts.c: age, sex, ECOG, diagnosis, features, labs, comorbidities */
void mm_derive_patient(mm_deriving *d);
/* line_of_therapy.c: prior lines, on treatment, progression on/after last */
void mm_derive_lines(mm_deriving *d);
/* refractory.c: exposure, refractoriness and current use per drug and class */
void mm_derive_exposure(mm_deriving *d);
/* transplant.c: ASCT history, transplant eligibility */
void mm_derive_asct(mm_deriving *d);
void mm_derive_transplant_eligibility(mm_deriving *d);
/* setting.c: the treatment setting */
void mm_derive_setting(mm_deriving *d);
/* disease_state.c: the disease state, months since CAR-T / since a
 * bispecific stopped (after the lines and the exposure) */
void mm_derive_disease_state(mm_deriving *d);
/* scores (via src/score) */
void mm_derive_scores(mm_deriving *d);
/* composite facts of kb/definitions.yaml */
void mm_derive_composites(mm_deriving *d);

/* The last dose of a line (latest end of its phases), or ongoing. */
typedef struct mm_last_dose {
  bool ongoing;
  mm_date date; /* valid when !ongoing; MM_DATE_NONE if not recorded */
} mm_last_dose;
mm_last_dose mm_line_last_dose(const mm_line *l);

#endif
