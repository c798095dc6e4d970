/* evaluate_screen.h: the options' verdicts as screening prints them, for a
 * registry of millions of records (`mmpath screen`, src/screen/screen_full.c).
 *
 * The same verdicts as mm_evaluate without explanations (both call
 * verdict.h, what a verdict means; tests/unit/test_screen_verdicts.c
 * compares the two, criterion by criterion, on a matrix of records in every
 * jurisdiction): each option the three-valued AND of its criteria, a
 * review or unverified criterion's false counted as unknown, a trial's
 * exclusions negated, a therapy decided by its best indication of the
 * jurisdiction's labels granted by as_of. What screening never prints is
 * not computed: no traces, no refractoriness finding (only the slots it
 * checks, for a caller's tier), no tiers or order, no candidacy, no
 * supportive care. A context's compact answer is made from these verdicts
 * too (mm_eval_options.plan), and written from the plan's pieces: the
 * bytes of the answer that depend on the kb alone (an option's head by
 * tier, an indication, a deciding criterion, a note, a supportive-care
 * item, a fact's name), made once with the plan by the compact renderer's
 * own functions (render_common.h), so that they are its bytes.
 *
 * What makes it cheaper than mm_evaluate: a plan made once per kb (the
 * options, their criteria and their indications flattened; every
 * `only`/setting/jurisdiction test that does not depend on the record done
 * once), and a rule evaluated once per record however many criteria share
 * it (the kb's 304 criteria compile to 82 distinct rules: age >= 18 is
 * written for most labels); the rules a record's setting reads are
 * evaluated up front, then every check's result is read from its rule's
 * value in one pass and each option combines its criteria's results.
 * Rules are shared only when they are the same rule (mm_rule_same: the
 * same source reading the same slots). */
#ifndef MM_EVALUATE_SCREEN_H
#define MM_EVALUATE_SCREEN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evaluate/messages.h"
#include "facts/facts.h"
#include "kb/kb.h"
#include "kb/kb_reimbursement.h"
#include "util/arena.h"

/* One criterion of one option (or indication) as screening evaluates it. */
typedef struct mm_screen_check {
  const mm_criterion *crit;
  uint32_t rule;   /* its distinct rule */
  bool exclusion;  /* a trial exclusion: met when its rule is false */
  bool soft;       /* review or unverified: its false counts as unknown */
} mm_screen_check;

/* A piece of the compact answer (mmpath/verdicts@1, render_compact.c) made
 * with the plan from the kb alone, so that a context's answer writes it
 * with one copy instead of formatting it again for every record. */
typedef struct mm_screen_piece {
  const char *s;
  size_t len;
} mm_screen_piece;

/* An option's verdict for one record. */
typedef struct mm_screen_verdict {
  const mm_option *opt;
  const mm_indication *indication;  /* therapy: the deciding indication, or NULL */
  mm_tv status;
  const mm_screen_check *checks;    /* the deciding criteria (into the plan) */
  const uint8_t *results;           /* each one's result as it counts (mm_tv) */
  size_t n_checks;
  mm_note note;                     /* as mm_option_result.note */
  /* Jurisdiction IT, a therapy with a deciding indication: shown is true
   * and reimbursement is its AIFA finding, NULL when the kb records none
   * (as mm_option_result.reimbursement and mm_reimbursement_shown). */
  bool reimbursement_shown;
  const mm_reimbursement *reimbursement;
  /* Options: the fact slots of the refractoriness checks of what it relies
   * on (its drugs and the deciding indication's, mm_kb_refractory_checks),
   * made with the plan: the finding's verdict, for the tier, reads them. */
  const int *refractory_slots;
  size_t n_refractory_slots;
  /* Trials: whether the trial enrols today (mm_verdict_trial_enrolling of
   * its registry status, read once with the plan); the note says it too. */
  mm_tv enrolling;
  /* The compact answer's pieces, into the plan (mm_render_compact_head and
   * the others, render_common.h): heads, the option's head by tier - 1
   * (options) or by status (trials, with their note); indication_piece,
   * the deciding indication's (NULL when none); check_pieces, one per
   * check, parallel to checks: ",{" ... "}", the criterion as it is listed
   * among the deciding ones. */
  const mm_screen_piece *heads;
  const mm_screen_piece *indication_piece;
  const mm_screen_piece *check_pieces;
} mm_screen_verdict;

/* The verdicts of one record: the options then the trials, in kb order
 * (mm_evaluate orders the options by tier; screening reads them by id). A
 * record without a myeloma diagnosis has none (n 0, no_diagnosis true). */
typedef struct mm_screen_verdicts {
  mm_screen_verdict *v;
  size_t n;
  bool no_diagnosis;
  /* Each distinct rule's value (mm_tv) by mm_screen_check.rule: those of
   * the verdicts' checks are this record's (others unknown, not read). */
  const uint8_t *rule_values;
} mm_screen_verdicts;

typedef struct mm_screen_plan mm_screen_plan;

/* The compact answer's pieces that are not an option's (render_compact.c).
 * Every piece's bytes are followed by MM_SCREEN_PIECE_PAD readable bytes,
 * so that a renderer may copy a piece 32 bytes at a time. */
#define MM_SCREEN_PIECE_PAD 32
typedef struct mm_screen_pieces {
  /* ,"knowledge_base":V,"jurisdiction":J,"disease_state": */
  mm_screen_piece about;
  /* By mm_note_code: ,"note":ID (empty for MM_NOTE_NONE). */
  const mm_screen_piece *notes;
  /* By kb supportive item, 4 each: ",{" ... "}" as listed when indicated,
   * unknown, indicated and conditional, unknown and conditional. */
  const mm_screen_piece *supportive;
  /* By fact slot: its name as a JSON string (a missing fact). */
  const mm_screen_piece *fact_names;
  /* At most the bytes of an option not unknown (an unknown one also lists
   * the facts missing), from its head to its closing brace. */
  size_t max_option;
} mm_screen_pieces;

/* Makes the plan of kb's options under jurisdiction j, restricted to the
 * option ids of only (NULL-ended; NULL: all). Reads kb, which must outlive
 * the plan; the plan is read-only afterwards (shared by threads). Returns 0
 * or -1 (out of memory). */
int mm_screen_plan_new(mm_screen_plan **out, const mm_kb *kb, mm_jurisdiction j,
                       const char *const *only);
void mm_screen_plan_free(mm_screen_plan *p);

/* The plan's checks (a verdict's checks point into them), so that a caller
 * can keep something per check (e.g. a criterion's id as JSON). */
const mm_screen_check *mm_screen_plan_checks(const mm_screen_plan *p, size_t *n);
/* Whether the plan gives mm_evaluate's verdicts in jurisdiction j for
 * every option (made for j, without `only`). */
bool mm_screen_plan_whole(const mm_screen_plan *p, mm_jurisdiction j);
/* The plan's pieces of the compact answer. */
const mm_screen_pieces *mm_screen_plan_pieces(const mm_screen_plan *p);
/* By kb supportive-care item, the first item (itself or an earlier one)
 * with the same rule (mm_rule_same) resting on the same decisions: its
 * result without explanations is that one's. */
const uint32_t *mm_screen_plan_supportive_same(const mm_screen_plan *p);
/* Distinct rules of the plan (for the figures in bench/ and the tests). */
size_t mm_screen_plan_rules(const mm_screen_plan *p);

/* The verdicts of the record whose facts are f (derived without
 * explanations is enough), allocated in arena. Returns 0, or -1 when the
 * arena is out of memory. */
int mm_screen_evaluate(mm_screen_verdicts *out, mm_arena *arena, const mm_screen_plan *p,
                       const mm_facts *f);

#endif
