/* kb_referral.h: the words of the CAR-T / bispecific referral pathway
 * (spec mmpath/referral@1, docs/referral.md), from kb/referral.yaml: the
 * label of every state, the reasons, the products (targets) and the labels
 * of the reports. A part of the knowledge base (mm_kb_referral), loaded with
 * it and read-only afterwards; src/referral holds the pathway's model (which
 * state may follow which) and everything that uses these words.
 *
 * Ownership: every string and array lives in the kb's arena. */
#ifndef MM_KB_REFERRAL_H
#define MM_KB_REFERRAL_H
#include <stdbool.h>
#include <stddef.h>

#include "kb/kb.h"
#include "util/lang.h"

/* The states of the spec. ORDER: the spec's table; mm_ref_state_name and
 * src/referral/moves.c follow it. */
typedef enum {
  MM_RS_REFERRED,
  MM_RS_WAITLISTED,
  MM_RS_SCREENING,
  MM_RS_NOT_ELIGIBLE,
  MM_RS_ELIGIBLE,
  MM_RS_AWAITING_APHERESIS,
  MM_RS_APHERESIS,
  MM_RS_MANUFACTURING,
  MM_RS_MANUFACTURING_FAILED,
  MM_RS_AWAITING_INFUSION,
  MM_RS_INFUSED,
  MM_RS_FOLLOW_UP,
  MM_RS_NOT_INFUSED,
  MM_RS_EXCLUDED,
  MM_RS_DIED,
  MM_RS_COUNT
} mm_ref_state;

/* A state's id ("not_eligible"); "?" when out of range. */
const char *mm_ref_state_name(mm_ref_state s);
/* Parses a state id; false when unknown. */
bool mm_ref_state_parse(const char *s, mm_ref_state *out);

/* Identifiers (kb reason and target ids, referral and centre ids): 1-64
 * characters of [A-Za-z0-9._-], starting with a letter or digit. NULL when
 * fine, otherwise the reason. */
const char *mm_ref_check_id(const char *s);

typedef mm_text mm_ref_text;
typedef struct mm_ref_reason { const char *id; mm_ref_text name; } mm_ref_reason;
typedef struct mm_ref_target {
  const char *id;
  bool bispecific;
  mm_ref_text name;
} mm_ref_target;
typedef struct mm_ref_label { const char *id; mm_ref_text text; } mm_ref_label;

typedef struct mm_ref_kb {
  mm_ref_text states[MM_RS_COUNT];
  mm_ref_reason *reasons;
  size_t n_reasons;
  mm_ref_target *targets;
  size_t n_targets;
  mm_ref_label *labels;
  size_t n_labels;
} mm_ref_kb;

const mm_ref_reason *mm_ref_kb_reason(const mm_ref_kb *kb, const char *id);
const mm_ref_target *mm_ref_kb_target(const mm_ref_kb *kb, const char *id);
/* A report label in lang; "?<id>" never happens: load checks every label the
 * renderers use. */
const char *mm_ref_kb_label(const mm_ref_kb *kb, const char *id, mm_lang lang);
const char *mm_ref_text_in(const mm_ref_text *t, mm_lang lang);

#endif
