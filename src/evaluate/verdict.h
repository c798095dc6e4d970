/* verdict.h: inside src/evaluate: what a verdict means, in one place. The
 * engine (evaluate.c, mm_evaluate) and full screening's plan
 * (evaluate_screen.c) both decide an option's verdict; each calls these, so
 * that a change of meaning is made once (tests/unit/test_screen_verdicts.c
 * still compares the two, option by option). Inline: screening calls them
 * for every criterion of millions of records. */
#ifndef MM_EVAL_VERDICT_H
#define MM_EVAL_VERDICT_H
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "evaluate/messages.h"
#include "kb/fact_names.h"
#include "kb/kb.h"

/* A criterion resting on an interpretation (`review`) or on an entry
 * nobody checked against its source (entry_unverified, or its principle
 * unverified): its false never excludes a patient, it counts as unknown. */
static inline bool mm_verdict_soft(const mm_criterion *c, bool entry_unverified) {
  return c->has_review || entry_unverified ||
         (c->principle && c->principle->prov.verification == MM_UNVERIFIED);
}

/* A criterion's result as it counts, from its rule's value, by mode (bit 0:
 * a trial exclusion, met when its rule is false; bit 1: soft, false ->
 * unknown). A table indexed by mode << 2 | the rule's value (one index:
 * screening reads it branch-free for every criterion). */
static const uint8_t mm_verdict_counts_as_table[16] = {
    /* rule: false, true, unknown, (unused) */
    MM_FALSE,   MM_TRUE,    MM_UNKNOWN, MM_UNKNOWN, /* as it is */
    MM_TRUE,    MM_FALSE,   MM_UNKNOWN, MM_UNKNOWN, /* exclusion */
    MM_UNKNOWN, MM_TRUE,    MM_UNKNOWN, MM_UNKNOWN, /* soft */
    MM_TRUE,    MM_UNKNOWN, MM_UNKNOWN, MM_UNKNOWN, /* exclusion, soft */
};
static inline unsigned mm_verdict_mode(bool exclusion, bool soft) {
  return (exclusion ? 1u : 0u) | (soft ? 2u : 0u);
}
static inline mm_tv mm_verdict_counts_as(mm_tv rule_value, bool exclusion, bool soft) {
  return (mm_tv)mm_verdict_counts_as_table[mm_verdict_mode(exclusion, soft) << 2 | rule_value];
}

/* A therapy is decided by its best indication: eligible over unknown over
 * not eligible, the first of the best in kb order. */
static inline int mm_verdict_rank(mm_tv t) { return t == MM_TRUE ? 2 : t == MM_UNKNOWN ? 1 : 0; }
static inline bool mm_verdict_better(mm_tv t, mm_tv than) {
  return mm_verdict_rank(t) > mm_verdict_rank(than);
}

/* An indication counts when granted on or before as_of and not withdrawn
 * by then; *withdrawn set when it was withdrawn. */
static inline bool mm_verdict_indication_counts(mm_date approved, mm_date ended, mm_date as_of,
                                                bool *withdrawn) {
  if (approved > as_of) return false;
  if (ended != MM_DATE_NONE && ended <= as_of) {
    *withdrawn = true;
    return false;
  }
  return true;
}

/* A therapy's note from its indications of the jurisdiction's labels:
 * none encoded is not the same as none granted (the first is unknown to us,
 * the second a fact): then the status is unknown. */
static inline void mm_verdict_therapy_note(bool encoded, bool any, bool withdrawn, mm_tv *status,
                                           mm_note *note) {
  if (!encoded) {
    *status = MM_UNKNOWN;
    note->code = MM_NOTE_NO_INDICATION_ENCODED;
  } else if (!any && withdrawn) {
    note->code = MM_NOTE_INDICATION_ENDED;
  } else if (!any) {
    note->code = MM_NOTE_NO_INDICATION_GRANTED;
  }
}

/* A label for previously treated patients, met by a patient who has not
 * relapsed (kb/definitions.yaml `not_relapsed`: on therapy, or in response
 * without progression): the label allows it, but no relapse calls for it
 * now. Said beside the verdict, which stays the label's. */
static inline void mm_verdict_not_relapsed(const mm_value *values, int not_relapsed, mm_tv status,
                                           mm_note *note) {
  if (not_relapsed < 0 || status == MM_FALSE || note->code != MM_NOTE_NONE) return;
  mm_value v = values[not_relapsed];
  if (!v.known || !v.b) return;
  note->code = MM_NOTE_NOT_RELAPSED;
  note->state = values[MM_F_DISEASE_STATE].str;
}

/* ClinicalTrials.gov overall status: can a patient be enrolled today? */
static inline mm_tv mm_verdict_trial_enrolling(const char *status) {
  static const char *const open[] = {"recruiting", "not_yet_recruiting", "enrolling_by_invitation", NULL};
  static const char *const closed[] = {"active_not_recruiting", "completed", "terminated",
                                       "withdrawn", "suspended", NULL};
  for (const char *const *s = open; status && *s; s++)
    if (strcmp(*s, status) == 0) return MM_TRUE;
  for (const char *const *s = closed; status && *s; s++)
    if (strcmp(*s, status) == 0) return MM_FALSE;
  return MM_UNKNOWN;
}
/* The match is about the patient; whether the trial enrols today is the
 * registry's answer, shown beside it as a note. */
static inline mm_note_code mm_verdict_trial_note(mm_tv enrolling) {
  return enrolling == MM_FALSE     ? MM_NOTE_TRIAL_NOT_ENROLLING
         : enrolling == MM_UNKNOWN ? MM_NOTE_TRIAL_ENROLLING_UNKNOWN
                                   : MM_NOTE_NONE;
}

/* Nothing is evaluated for a record without a myeloma diagnosis. */
static inline bool mm_verdict_without_diagnosis(const mm_value *values) {
  mm_value v = values[MM_F_DISEASE_STATE];
  return v.known && v.str == mm_disease_state_values[MM_DS_NO_MYELOMA_DIAGNOSIS];
}

/* A guideline regimen is listed for its own setting only, every one when
 * the setting is unknown; one listed again for the same setting (repeats)
 * never. Settings are canonical strings, compared by pointer. */
static inline bool mm_verdict_guideline_listed(const mm_option *o, mm_value setting) {
  return !o->repeats && (!setting.known || setting.str == o->setting);
}

#endif
