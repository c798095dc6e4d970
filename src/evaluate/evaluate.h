/* evaluate.h: one patient's options with reasons: guideline regimens for the
 * setting, approved therapies per label, trials, supportive care. One result
 * tree, rendered by render_json.c, render_text.c and render_html.c. The tree
 * holds values and codes, never sentences: its words (notes, labels) come
 * from the table of messages.h in the language a renderer is asked for. */
#ifndef MM_EVALUATE_H
#define MM_EVALUATE_H
#include <stdbool.h>
#include <stddef.h>

#include "evaluate/messages.h"
#include "facts/facts.h"
#include "kb/kb.h"
#include "util/lang.h"
#include "util/strbuf.h"

typedef struct mm_rule_memo mm_rule_memo;

typedef struct mm_eval_options {
  mm_jurisdiction jurisdiction; /* default EU */
  bool explain;                 /* keep traces (false for fast screening) */
  bool trials, supportive;      /* include trials / supportive care */
  const char *const *only;      /* option ids to evaluate, NULL-ended; NULL = all */
  /* A caller's memo of rule values (rule_memo.h), kept between evaluations
   * with one kb on one thread; NULL: every criterion evaluates its rule. */
  mm_rule_memo *memo;
  /* A caller's screening plan (evaluate_screen.h) of this kb and
   * jurisdiction, made without `only`: without explanations, with trials
   * and no `only`, the options' verdicts come from it (each distinct rule
   * evaluated once, the criteria flattened), the same verdicts as without
   * it, but each option's criteria left in its plan's verdict
   * (mm_option_result.planned): only the compact renderer reads that tree.
   * NULL: not used. */
  const struct mm_screen_plan *plan;
} mm_eval_options;

#define MM_EVAL_OPTIONS_INIT {MM_JURIS_EU, true, true, true, NULL, NULL, NULL}

struct mm_evaluation;
typedef struct mm_render_cache mm_render_cache;

/* Refractoriness to what an option relies on, under the kb's principle
 * (kb/algorithm.yaml `principles`, kb->refractoriness): a guideline regimen
 * of a relapse setting has it as a criterion; every option carries it as a
 * finding beside its verdict (a caution for a label option, never its
 * verdict). One drug named in a finding: */
typedef struct mm_refractory_hit {
  int drug; /* kb->drugs index; -1 when only the class is known */
  int cls;  /* the cross-refractory class it counts through, or -1 */
} mm_refractory_hit;

typedef struct mm_refractoriness {
  /* MM_TRUE: refractory to a drug the option relies on or to its
   * cross-refractory class; MM_UNKNOWN: not known for some and true for
   * none; MM_FALSE: not refractory (or nothing checked: n_checked 0). */
  mm_tv refractory;
  /* true: the drugs the disease is refractory to (a class's members it is
   * refractory to, each with the class); unknown: those not known; false:
   * empty. */
  const mm_refractory_hit *hits;
  size_t n_hits;
  const mm_refractory_hit *checked; /* what was checked: the option's drugs */
  size_t n_checked;
} mm_refractoriness;

/* What a rule read, kept for the explanation: the slots it used and those
 * it found unknown, in order (mm_rule_trace, trimmed to what it holds: the
 * full one is 528 bytes for every criterion of every option). */
typedef struct mm_trace {
  const int *used;
  size_t n_used;
  const int *unknown;
  size_t n_unknown;
} mm_trace;

/* Each result points back to its evaluation (ev) so that the public
 * accessors (include/mmpath.h) can name its facts from the result alone. */
typedef struct mm_criterion_result {
  const struct mm_evaluation *ev;
  const mm_criterion *crit;
  bool exclusion;     /* a trial exclusion: met when its rule is false */
  bool unverified;    /* its entry is unverified: false counts as unknown */
  mm_tv rule_value;   /* the rule's own value */
  mm_tv result;       /* as it counts: exclusion negated; review false->unknown */
  const mm_trace *trace; /* what the rule read; NULL unless explaining */
  /* The inputs that would decide it: set when explaining and the result is
   * unknown, else NULL and 0. Each is a record path ("labs[test=igg]",
   * "diagnosis.ldh_above_uln") or, for a fact that has no input of its own,
   * the fact's name; distinct, in the order the rule read them. Computed
   * once by mm_evaluate; renderers only print them. May be empty when
   * unknown (a false under review counts as unknown with nothing missing). */
  const char *const *missing;
  size_t n_missing;
  /* A principle's criterion (crit->principle): the option's refractoriness,
   * which words it ("refractory to daratumumab (anti-CD38) and carfilzomib");
   * else NULL. */
  const mm_refractoriness *refractoriness;
} mm_criterion_result;

/* Where an option stands in the order a clinician reads them
 * (docs/kb-options.md "Order of the options"); options are sorted by tier,
 * kb order within a tier. */
typedef enum mm_tier {
  MM_TIER_RECOMMENDED = 1, /* a regimen of the guideline algorithm, eligible, not refractory */
  MM_TIER_ALLOWED = 2,     /* eligible on its label (or an overlay entry), no refractoriness */
  MM_TIER_CAUTION = 3,     /* eligible, but refractory to a drug it relies on */
  MM_TIER_UNKNOWN = 4,     /* missing data decide it */
  MM_TIER_NOT_ELIGIBLE = 5
} mm_tier;

typedef struct mm_option_result {
  const struct mm_evaluation *ev;
  const mm_option *opt;
  const mm_indication *indication; /* therapy: the indication that decided */
  mm_tv status;
  bool implicit_setting;           /* guideline: criteria[0] is the setting */
  mm_criterion_result *criteria;
  size_t n_criteria;
  mm_note note;                    /* a code and its argument (messages.h), e.g.
                                      MM_NOTE_NO_INDICATION_GRANTED; MM_NOTE_NONE if none */
  mm_tv enrolling;                 /* trials: enrolling today per the registry status */
  const int *refractory_drugs;     /* drugs of the regimen or product the patient is */
  size_t n_refractory_drugs;       /* refractory to (every drug, kept for the API) */
  /* Under the kb's principle; NULL when nothing is checked (no principle,
   * or only not-counted drugs). */
  const mm_refractoriness *refractoriness;
  /* The finding's verdict (refractoriness->refractory, MM_FALSE when nothing
   * is checked): set for every option when explaining, else for eligible
   * options only (what the tier reads; the finding itself is then NULL). */
  mm_tv refractory;
  mm_tier tier;                    /* options only (not trials) */
  /* Jurisdiction MM_JURIS_IT, a therapy with a deciding EU indication: its
   * AIFA finding (kb/kb_reimbursement.h), NULL when the kb records none;
   * NULL in the other jurisdictions. Beside the verdict, never part of it. */
  const struct mm_reimbursement *reimbursement;
  bool reimbursement_after_as_of;  /* its act is dated after the evaluation date */
  /* Evaluated from a caller's plan (mm_eval_options.plan): its verdict
   * (evaluate_screen.h), whose checks and results are the criteria, which
   * are then not made (criteria NULL, n_criteria 0): such a tree is for the
   * compact answer alone, which reads them there. NULL otherwise. */
  const struct mm_screen_verdict *planned;
} mm_option_result;

/* A supportive-care item (supportive.c). An item that holds only if a
 * decision not taken yet goes ahead (CAR-T, a bispecific: its conditional_on
 * facts are true or unknown, and it does not hold without them) is
 * conditional: result MM_UNKNOWN, never MM_TRUE, conditions the decisions
 * it rests on, missing what else it would need once they are taken. */
typedef struct mm_supportive_result {
  const struct mm_evaluation *ev;
  const mm_supportive *item;
  mm_tv result;
  const mm_trace *trace; /* NULL unless explaining */
  const char *const *missing; /* as in mm_criterion_result */
  size_t n_missing;
  bool conditional;
  const mm_supportive_condition *const *conditions; /* when conditional */
  size_t n_conditions;
} mm_supportive_result;

typedef struct mm_evaluation {
  const mm_kb *kb;
  const mm_patient *patient;
  mm_facts *facts;
  mm_eval_options opts;
  /* About the whole evaluation: MM_NOTE_NO_MYELOMA_DIAGNOSIS when the record
   * has no myeloma diagnosis, and then nothing below was evaluated (no
   * option, trial or supportive-care item); else MM_NOTE_NONE. */
  mm_note note;
  /* In the order a clinician reads them (mm_tier): recommended guideline
   * regimens, label options, label options with a refractoriness caution,
   * unknown, not eligible; kb order (algorithm, overlay, therapies) within
   * each. */
  mm_option_result *options;
  size_t n_options;
  mm_option_result *trials;
  size_t n_trials;
  mm_supportive_result *supportive;
  size_t n_supportive;
  mm_diags *warnings;
  /* Set by a caller that renders evaluation after evaluation with one kb
   * (mmpath_context): what depends only on the kb is rendered once
   * (render_cache.c). NULL (mm_evaluate's default): rendered every time. */
  mm_render_cache *cache;
  /* The plan the options came from (mm_eval_options.plan, when used: then
   * each has its verdict, mm_option_result.planned), whose pieces the
   * compact answer is written from; NULL otherwise. */
  const struct mm_screen_plan *planned;
} mm_evaluation;

int mm_evaluate(mm_evaluation **out, mm_arena *arena, const mm_kb *kb,
                mm_facts *facts, const mm_eval_options *opts);

/* Renderers, appending to b. JSON is mmpath/evaluation@1: keys and codes are
 * the same in every language, the texts meant for people follow lang. */
void mm_render_evaluation_json(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang);
void mm_render_evaluation_text(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang);
void mm_render_evaluation_html(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang);
/* The compact answer, mmpath/verdicts@1: verdicts and the criteria that
 * decided them, codes only (the same in every language); made from the tree
 * alone, the same whether it was evaluated with explanations or not. */
void mm_render_evaluation_compact(mm_strbuf *b, const mm_evaluation *ev);
void mm_render_facts_json(mm_strbuf *b, const mm_facts *f, mm_lang lang);
void mm_render_facts_text(mm_strbuf *b, const mm_facts *f, mm_lang lang);
/* Errors of an invalid record: {"errors":[{"path","line","column","message"}]} */
void mm_render_diags_json(mm_strbuf *b, const mm_diags *d);
void mm_render_diags_text(mm_strbuf *b, const mm_diags *d);

#endif
