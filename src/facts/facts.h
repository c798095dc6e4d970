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
#include "util/lang.h"

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

/* ---- warnings: what the record leaves for the clinician to settle ----
 * X(CODE, id, english, italian). The id is stable; "{1}" and "{2}" in a text
 * stand for the warning's arguments (field paths, a count). The English is
 * what the diagnostic in mm_facts.warnings says. */
#define MM_FACT_WARNING_LIST(X)                                                            \
  X(LINE_AFTER_TRANSPLANT_LINE, "line_after_transplant_line",                              \
    "{1} follows a transplant line that ended without progression or stop_reason: if it "  \
    "is the planned maintenance or consolidation, record it as {2}.maintenance (IMWG: one " \
    "line), or give {2}.stop_reason",                                                      \
    "{1} segue una linea con trapianto conclusa senza progressione né stop_reason: se è "  \
    "il mantenimento o il consolidamento programmato, registrarla come {2}.maintenance "   \
    "(IMWG: una sola linea), oppure indicare {2}.stop_reason")                             \
  X(SEVERAL_TRANSPLANTS, "several_transplants",                                            \
    "{1} transplants: time to progression is counted from the latest ({2}); the "         \
    "melflufen label does not say which transplant counts (clinician review)",             \
    "{1} trapianti autologhi: il tempo alla progressione è contato dall'ultimo ({2}); la " \
    "scheda di melflufen non dice quale trapianto conta (revisione clinica)")

typedef enum mm_fact_warning_code {
  MM_FW_NONE = 0,
#define MM_FW_ENUM_(code, id, en, it) MM_FW_##code,
  MM_FACT_WARNING_LIST(MM_FW_ENUM_)
#undef MM_FW_ENUM_
  MM_FW_COUNT
} mm_fact_warning_code;

/* One warning of the fact engine: its diagnostic (in English, in
 * mm_facts.warnings) and the same text in Italian. */
typedef struct mm_fact_warning {
  mm_fact_warning_code code;
  const mm_diag *diag;
  const char *text_it;
} mm_fact_warning;

typedef struct mm_facts {
  const mm_kb *kb;
  const mm_patient *patient;
  mm_value *values;      /* kb->n_facts slots */
  mm_fact_info *info;    /* NULL unless explaining */
  mm_diags *warnings;    /* may be NULL */
  mm_fact_warning *warns;/* the warnings this derivation added to `warnings` */
  size_t n_warns;
} mm_facts;

/* The stable id of a warning code ("several_transplants"); NULL for
 * MM_FW_NONE or a code out of range. */
const char *mm_fact_warning_id(mm_fact_warning_code code);
/* A warning of f->warnings in the language asked: the Italian of the fact
 * engine's own warnings, any other diagnostic's text as it is. */
const char *mm_facts_warning_text(const mm_facts *f, const mm_diag *x, mm_lang lang);

/* Derives every fact. explain=false skips the explanations (screening), and
 * the scores when no rule of the kb reads them (kb->scores_read).
 * Warnings (e.g. a line that looks like planned maintenance) go to warnings. */
int mm_facts_derive(mm_facts **out, mm_arena *arena, const mm_kb *kb,
                    const mm_patient *p, bool explain, mm_diags *warnings);

enum {
  MM_FACTS_EXPLAIN = 1,       /* keep what each value came from */
  MM_FACTS_SCORES = 2,        /* compute the scores even if no kb rule reads them */
  MM_FACTS_NO_LABS = 4,       /* the caller reads no lab fact: leave them unknown */
  MM_FACTS_NO_COMPOSITES = 8, /* nor any composite of kb/definitions.yaml */
  MM_FACTS_NO_DISEASE_STATE = 16 /* nor disease_state, months_since_car_t,
                                    months_since_bispecific_stop: left unknown */
};
/* The same with flags: a caller with rules of its own (screening --criteria)
 * asks for MM_FACTS_SCORES when they read a score, MM_FACTS_NO_LABS and
 * MM_FACTS_NO_COMPOSITES when they read none (mm_kb_rule_sources).
 * values then has `spare` more slots after the facts, left unset, for the
 * caller's own results (the criteria, which later criteria may read). */
int mm_facts_derive_ex(mm_facts **out, mm_arena *arena, const mm_kb *kb,
                       const mm_patient *p, unsigned flags, size_t spare,
                       mm_diags *warnings);

/* The same, deriving refractoriness (each drug's refractory and
 * progressed_on, each class's refractory, progressed_on and
 * refractory_count) only for the drugs marked in refractory_for
 * (kb->n_drugs flags; NULL: every drug): the others' are left "not
 * refractory", true or not, so a caller marks every drug whose
 * refractoriness its rules read (mm_facts_refractory_reads). Exposure and
 * current use are derived for every drug. For screening with criteria
 * that name a few drugs or classes; never when explaining (ignored then). */
int mm_facts_derive_for(mm_facts **out, mm_arena *arena, const mm_kb *kb,
                        const mm_patient *p, unsigned flags, size_t spare,
                        const bool *refractory_for, mm_diags *warnings);
/* Marks in need (kb->n_drugs flags) the drugs whose refractoriness the
 * rule reads, directly or through one of their classes. */
void mm_facts_refractory_reads(const mm_kb *kb, const mm_rule *rule, bool *need);

/* What a caller's own rules read (screening --criteria), worked out once so
 * that each record derives only that: the facts those rules, the transplant
 * rule and the setting read, the exposure of the drugs and classes they
 * name, the refractoriness of the drugs whose refractoriness they read.
 * Made by mm_facts_plan_new, shared read-only by any number of threads. */
typedef struct mm_facts_plan {
  const mm_kb *kb;
  unsigned flags;        /* as for mm_facts_derive_ex, worked out from the rules */
  bool sparse;           /* only the slots read are set (see mm_facts_derive_plan) */
  bool *read;            /* kb->n_facts: the slot is read */
  bool *drug_read;       /* kb->n_drugs: a fact of the drug or of one of its classes is read */
  bool *refractory_for;  /* kb->n_drugs: as for mm_facts_derive_for */
  int *init;             /* the slots read outside the drug and class facts */
  size_t n_init;
  int *exposure;         /* the drug and class slots read */
  size_t n_exposure;
  bool current_read;     /* some drug's or class's current use is read */
  bool comorbidity_read; /* some comorbidity's fact is read */
  bool *class_read;      /* kb->n_classes: some fact of the class is read */
  bool *nonresponse_for; /* kb->n_drugs: the drug's refractoriness (not only
                            progressed_on) is read, itself or its classes' */
  int *classes;          /* those classes */
  size_t n_classes;
  int *class_place;      /* kb->n_classes: a class's place in `classes`, or -1 */
} mm_facts_plan;

/* The plan for rules[0..n) (NULL entries skipped) and `flags` (the
 * caller's mm_facts_derive_ex flags: a plan is sparse only when they skip
 * the composites, the disease state and the scores, which read many facts).
 * Slots at or past kb->n_facts (the caller's own results) are ignored.
 * Returns 0, or -1 out of memory; free with mm_facts_plan_free. */
int mm_facts_plan_new(mm_facts_plan **out, const mm_kb *kb, const mm_rule *const *rules,
                      size_t n, unsigned flags);
void mm_facts_plan_free(mm_facts_plan *plan);
/* mm_facts_derive_for with the plan's flags and refractory_for. A sparse
 * plan sets only the slots the plan reads (plan->read) and the setting;
 * every other slot of values is left unset, for a caller that reads
 * nothing else. The values of the slots read are those of
 * mm_facts_derive_ex. Never explains. */
int mm_facts_derive_plan(mm_facts **out, mm_arena *arena, const mm_kb *kb, const mm_patient *p,
                         const mm_facts_plan *plan, size_t spare);


#endif
