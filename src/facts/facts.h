/* facts.h: the derived facts of one patient (docs/facts.md): a value for
 * every slot of the knowledge base's fact schema, and, when explaining, what
 * each value came from. Lives in the caller's arena. */
#ifndef MM_FACTS_H
#define MM_FACTS_H
#include <stdbool.h>
#include <stddef.h>

#include "util/value.h"
#include "kb/kb.h"
#include "patient/patient.h"
#include "util/arena.h"
#include "util/diag.h"

typedef struct mm_fact_info {
  const char *because;   /* one line a clinician can check, or NULL */
  const char *because_it;/* the same in Italian */
  const char **from;     /* record fields that produced the value */
  size_t n_from;
  const char **missing;  /* unknown: the inputs that would decide it */
  size_t n_missing;
  bool derived;          /* computed where the clinician could have said */
  bool review;           /* rests on an unverified definition */
} mm_fact_info;

typedef struct mm_facts {
  const mm_kb *kb;
  const mm_patient *patient;
  mm_value *values;      /* kb->n_facts slots */
  mm_fact_info *info;    /* NULL unless explaining */
  mm_diags *warnings;    /* may be NULL */
} mm_facts;

/* Derives every fact. explain=false skips the explanations (screening), and
 * the scores when no rule of the kb reads them (kb->scores_read).
 * Warnings (e.g. a line that looks like planned maintenance) go to warnings. */
int mm_facts_derive(mm_facts **out, mm_arena *arena, const mm_kb *kb,
                    const mm_patient *p, bool explain, mm_diags *warnings);

enum {
  MM_FACTS_EXPLAIN = 1,       /* keep what each value came from */
  MM_FACTS_SCORES = 2,        /* compute the scores even if no kb rule reads them */
  MM_FACTS_NO_LABS = 4,       /* the caller reads no lab fact: leave them unknown */
  MM_FACTS_NO_COMPOSITES = 8  /* nor any composite of kb/definitions.yaml */
};
/* The same with flags: a caller with rules of its own (screening --criteria)
 * asks for MM_FACTS_SCORES when they read a score, MM_FACTS_NO_LABS and
 * MM_FACTS_NO_COMPOSITES when they read none (mm_kb_rule_sources).
 * values then has `spare` more slots after the facts, left unset, for the
 * caller's own results (the criteria, which later criteria may read). */
int mm_facts_derive_ex(mm_facts **out, mm_arena *arena, const mm_kb *kb,
                       const mm_patient *p, unsigned flags, size_t spare,
                       mm_diags *warnings);


#endif
