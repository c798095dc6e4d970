/* facts.h: the derived facts of one patient (docs/facts.md): a value for
 * every slot of the knowledge base's fact schema, and, when explaining, what
 * each value came from. Lives in the caller's arena. */
#ifndef MM_FACTS_H
#define MM_FACTS_H
#include <stdbool.h>
#include <stddef.h>

#include "facts/value.h"
#include "kb/kb.h"
#include "patient/patient.h"
#include "util/arena.h"
#include "util/diag.h"

typedef struct mm_fact_info {
  const char *because;   /* one line a clinician can check, or NULL */
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

/* Derives every fact. explain=false skips the explanations (screening).
 * Warnings (e.g. a line that looks like planned maintenance) go to warnings. */
int mm_facts_derive(mm_facts **out, mm_arena *arena, const mm_kb *kb,
                    const mm_patient *p, bool explain, mm_diags *warnings);

#endif
