/* evaluate.c: one patient's options with reasons. Every option is the
 * three-valued AND of its criteria (docs/kb-options.md):
 *   guideline regimens: listed for the patient's setting (deck algorithm,
 *     then the newer on-label overlay), with their conditions;
 *   approved therapies: the label of the chosen jurisdiction, counting only
 *     indications granted on or before as_of (Italy: the EU label, with the
 *     AIFA reimbursement beside it, evaluate/reimbursement.c);
 *   trials: inclusion criteria and the negation of each exclusion;
 *   supportive care: each item whose trigger holds (supportive.c).
 * A criterion resting on an interpretation (`review`) never makes an option
 * not eligible: its false counts as unknown, shown for clinician review.
 * A record without a myeloma diagnosis (disease_state) gets nothing at all,
 * and a label a patient who has not relapsed meets carries a note saying so. */
#include <string.h>

#include "evaluate/evaluate.h"
#include "evaluate/evaluate_internal.h"
#include "evaluate/order.h"
#include "evaluate/reimbursement.h"
#include "evaluate/rule_memo.h"
#include "kb/fact_names.h"

/* The inputs that would decide a rule left unknown (see mm_criterion_result):
 * for each slot the trace names, the record inputs its fact is missing, or
 * the fact itself when it has none; distinct, in order. Counted first so
 * that one arena array holds them. */
/* Not inlined: it runs only when explaining an unknown, and inlined it made
 * run_criterion too big to inline in the loop every option goes through. */
__attribute__((noinline)) void mm_eval_find_missing(const mm_evaluation *ev, mm_arena *arena,
                                                    const int *unknown, size_t n_unknown,
                                                    const char *const **out, size_t *n_out) {
  const mm_facts *f = ev->facts;
  size_t cap = 0;
  for (size_t i = 0; i < n_unknown; i++) {
    const mm_fact_info *info = f->info ? &f->info[unknown[i]] : NULL;
    cap += info && info->n_missing ? info->n_missing : 1;
  }
  if (!cap) return;
  const char **m = mm_arena_alloc(arena, cap * sizeof *m);
  if (!m) return;
  size_t n = 0;
  for (size_t i = 0; i < n_unknown; i++) {
    int slot = unknown[i];
    const mm_fact_info *info = f->info ? &f->info[slot] : NULL;
    size_t k_n = info && info->n_missing ? info->n_missing : 1;
    for (size_t k = 0; k < k_n; k++) {
      const char *s = info && info->n_missing ? info->missing[k] : f->kb->facts[slot].name;
      bool seen = !s;
      for (size_t j = 0; j < n && !seen; j++) seen = strcmp(m[j], s) == 0;
      if (!seen) m[n++] = s;
    }
  }
  *out = m;
  *n_out = n;
}

const mm_trace *mm_eval_keep_trace(mm_arena *arena, const mm_rule_trace *trace) {
  mm_trace *t = mm_arena_alloc_raw(arena, sizeof *t + (trace->n_used + trace->n_unknown) * sizeof(int));
  if (!t) return NULL;
  int *slots = (int *)(t + 1);
  memcpy(slots, trace->used, trace->n_used * sizeof *slots);
  memcpy(slots + trace->n_used, trace->unknown, trace->n_unknown * sizeof *slots);
  *t = (mm_trace){slots, trace->n_used, slots + trace->n_used, trace->n_unknown};
  return t;
}

/* An explained criterion: the rule evaluated with a trace on the stack,
 * kept trimmed; the inputs that would decide it when unknown. Out of line:
 * screening never explains, and run_criterion must stay small. */
__attribute__((noinline)) static void run_explained(const mm_evaluation *ev, mm_arena *arena,
                                                   const mm_criterion *c,
                                                   mm_criterion_result *out) {
  mm_rule_trace tr;
  out->rule_value = mm_rule_eval(c->rule, ev->facts->values, &tr);
  out->trace = mm_eval_keep_trace(arena, &tr);
  mm_tv t = out->exclusion ? mm_tv_not(out->rule_value) : out->rule_value;
  if ((c->has_review || out->unverified) && t == MM_FALSE) t = MM_UNKNOWN;
  if (out->trace && t == MM_UNKNOWN)
    mm_eval_find_missing(ev, arena, tr.unknown, tr.n_unknown, &out->missing, &out->n_missing);
}

/* A criterion whose rule the memo may already hold (an earlier criterion
 * with the same rule in this evaluation): its value, trace and missing
 * inputs, the same as run_explained or the fast path would make. */
__attribute__((noinline)) static void run_memo(const mm_evaluation *ev, mm_arena *arena,
                                              const mm_criterion *c, mm_criterion_result *out) {
  mm_rule_memo *m = ev->opts.memo;
  mm_rule_memo_entry *e = mm_rule_memo_get(m, c->rule);
  if (!e) { /* out of memory for the memo: without it */
    if (ev->opts.explain) run_explained(ev, arena, c, out);
    else out->rule_value = mm_rule_eval(c->rule, ev->facts->values, NULL);
    return;
  }
  uint32_t gen = mm_rule_memo_gen(m);
  if (e->gen != gen) {
    if (ev->opts.explain) {
      mm_rule_trace tr;
      e->value = mm_rule_eval(c->rule, ev->facts->values, &tr);
      e->trace = mm_eval_keep_trace(arena, &tr);
    } else {
      e->value = mm_rule_eval(c->rule, ev->facts->values, NULL);
      e->trace = NULL;
    }
    e->missing_done = false;
    e->missing = NULL;
    e->n_missing = 0;
    e->gen = gen;
  }
  out->rule_value = e->value;
  if (!ev->opts.explain) return;
  out->trace = e->trace;
  mm_tv t = out->exclusion ? mm_tv_not(out->rule_value) : out->rule_value;
  if ((c->has_review || out->unverified) && t == MM_FALSE) t = MM_UNKNOWN;
  if (!out->trace || t != MM_UNKNOWN) return;
  if (!e->missing_done) {
    mm_eval_find_missing(ev, arena, e->trace->unknown, e->trace->n_unknown, &e->missing,
                         &e->n_missing);
    e->missing_done = true;
  }
  out->missing = e->missing;
  out->n_missing = e->n_missing;
}

/* unverified: the entry rests on a fact nobody checked against its source,
 * so, like a criterion marked `review`, it can never exclude a patient. */
/* Inlined into run_criteria: screening calls it for every criterion of every
 * option of millions of records, and the call itself showed in profiles. */
static inline __attribute__((always_inline)) mm_tv run_criterion(const mm_evaluation *ev, mm_arena *arena, const mm_criterion *c,
                           bool exclusion, bool unverified, mm_criterion_result *out) {
  out->ev = ev;
  out->crit = c;
  out->trace = NULL;
  out->exclusion = exclusion;
  /* A principle's criterion rests on the principle's own verification. */
  if (c->principle && c->principle->prov.verification == MM_UNVERIFIED) unverified = true;
  out->unverified = unverified;
  out->missing = NULL;
  out->n_missing = 0;
  out->refractoriness = NULL;
  /* Traces only when explaining. */
  if (ev->opts.explain) {
    if (ev->opts.memo) run_memo(ev, arena, c, out);
    else run_explained(ev, arena, c, out);
  } else if (ev->opts.memo) { /* the memo's value, inline: no trace to keep */
    mm_rule_memo_entry *e = mm_rule_memo_get(ev->opts.memo, c->rule);
    if (e && e->gen == ev->opts.memo->gen) {
      out->rule_value = e->value;
    } else {
      out->rule_value = mm_rule_eval(c->rule, ev->facts->values, NULL);
      if (e) *e = (mm_rule_memo_entry){ev->opts.memo->gen, out->rule_value, NULL, false, NULL, 0};
    }
  } else {
    out->rule_value = mm_rule_eval(c->rule, ev->facts->values, NULL);
  }
  mm_tv t = exclusion ? mm_tv_not(out->rule_value) : out->rule_value;
  if ((c->has_review || unverified) && t == MM_FALSE) t = MM_UNKNOWN;
  out->result = t;
  return t;
}

static mm_tv run_criteria(mm_evaluation *ev, mm_arena *arena, const mm_criterion *crit,
                          size_t n, const mm_criterion *excl, size_t n_excl,
                          const mm_provenance *prov, mm_criterion_result **out, size_t *n_out) {
  /* Not zeroed: run_criterion sets every field (screening evaluates every
   * option of millions of records, and the zeroing showed in profiles). */
  *out = mm_arena_alloc_raw(arena, (n + n_excl + 1) * sizeof **out);
  *n_out = 0;
  mm_tv all = MM_TRUE;
  if (!*out) return MM_UNKNOWN;
  bool unverified = prov->verification == MM_UNVERIFIED;
  for (size_t i = 0; i < n; i++)
    all = mm_tv_and(all, run_criterion(ev, arena, &crit[i], false, unverified, &(*out)[(*n_out)++]));
  for (size_t i = 0; i < n_excl; i++)
    all = mm_tv_and(all, run_criterion(ev, arena, &excl[i], true, unverified, &(*out)[(*n_out)++]));
  return all;
}

/* ClinicalTrials.gov overall status: can a patient be enrolled today? */
static mm_tv trial_enrolling(const char *status) {
  static const char *const open[] = {"recruiting", "not_yet_recruiting", "enrolling_by_invitation", NULL};
  static const char *const closed[] = {"active_not_recruiting", "completed", "terminated",
                                       "withdrawn", "suspended", NULL};
  for (const char *const *s = open; status && *s; s++)
    if (strcmp(*s, status) == 0) return MM_TRUE;
  for (const char *const *s = closed; status && *s; s++)
    if (strcmp(*s, status) == 0) return MM_FALSE;
  return MM_UNKNOWN;
}

static bool wanted(const mm_eval_options *o, const char *id) {
  if (!o->only) return true;
  for (const char *const *p = o->only; *p; p++)
    if (strcmp(*p, id) == 0) return true;
  return false;
}

static int status_rank(mm_tv t) { return t == MM_TRUE ? 2 : t == MM_UNKNOWN ? 1 : 0; }

static void evaluate_therapy(mm_evaluation *ev, mm_arena *arena, mm_option_result *r) {
  const mm_option *o = r->opt;
  mm_date as_of = ev->patient->as_of;
  bool any = false, encoded = false, withdrawn = false;
  mm_jurisdiction labels = mm_jurisdiction_labels(ev->opts.jurisdiction);
  r->status = MM_FALSE;
  for (size_t i = 0; i < o->n_indications; i++) {
    const mm_indication *ind = &o->indications[i];
    if (ind->jurisdiction != labels) continue;
    encoded = true;
    if (ind->approved > as_of) continue;
    if (ind->withdrawn != MM_DATE_NONE && ind->withdrawn <= as_of) {
      withdrawn = true;
      continue;
    }
    mm_criterion_result *res;
    size_t n;
    mm_tv t = run_criteria(ev, arena, ind->criteria, ind->n_criteria, NULL, 0, &ind->prov, &res, &n);
    if (!any || status_rank(t) > status_rank(r->status)) {
      r->status = t;
      r->indication = ind;
      r->criteria = res;
      r->n_criteria = n;
    }
    any = true;
  }
  /* No indication of this jurisdiction in the kb is not the same as none
   * granted: the first is unknown to us, the second is a fact. */
  r->note.jurisdiction = labels;
  if (!encoded) {
    r->status = MM_UNKNOWN;
    r->note.code = MM_NOTE_NO_INDICATION_ENCODED;
  } else if (!any && withdrawn) {
    r->note.code = MM_NOTE_INDICATION_ENDED;
  } else if (!any) {
    r->note.code = MM_NOTE_NO_INDICATION_GRANTED;
  }
}


/* The drugs of an option the patient is already refractory to: shown beside
 * it so that a listed regimen is not read as a recommendation to repeat them. */
static void note_refractory_drugs(const mm_evaluation *ev, mm_arena *arena, mm_option_result *r) {
  size_t n;
  const int *drugs = mm_eval_option_drugs(r, arena, &n);
  int *out = NULL;
  for (size_t i = 0; i < n; i++) {
    mm_value v = ev->facts->values[ev->kb->drugs[drugs[i]].slot_refractory];
    if (!v.known || !v.b) continue;
    if (!out && !(out = mm_arena_alloc(arena, n * sizeof *out))) return;
    out[r->n_refractory_drugs++] = drugs[i];
  }
  r->refractory_drugs = out;
}

/* A label for previously treated patients, met by a patient who has not
 * relapsed (kb/definitions.yaml `not_relapsed`: on therapy, or in response
 * without progression): the label allows it, but no relapse calls for it
 * now. Said beside the verdict, which stays the label's. */
static void note_not_relapsed(const mm_evaluation *ev, int not_relapsed, mm_option_result *r) {
  if (not_relapsed < 0 || r->status == MM_FALSE || r->note.code != MM_NOTE_NONE) return;
  mm_value v = ev->facts->values[not_relapsed];
  if (!v.known || !v.b) return;
  r->note.code = MM_NOTE_NOT_RELAPSED;
  r->note.state = ev->facts->values[MM_F_DISEASE_STATE].str;
}

/* Nothing is evaluated for a record without a myeloma diagnosis. */
static bool without_diagnosis(const mm_facts *f) {
  mm_value v = f->values[MM_F_DISEASE_STATE];
  return v.known && v.str == mm_disease_state_values[MM_DS_NO_MYELOMA_DIAGNOSIS];
}

static mm_option_result *take_result(mm_option_result *r) {
  memset(r, 0, sizeof *r);
  return r;
}

int mm_evaluate(mm_evaluation **out, mm_arena *arena, const mm_kb *kb, mm_facts *facts,
                const mm_eval_options *opts) {
  *out = NULL;
  mm_evaluation *ev = mm_arena_alloc(arena, sizeof *ev);
  if (!ev) return -1;
  ev->kb = kb;
  ev->patient = facts->patient;
  ev->facts = facts;
  ev->warnings = facts->warnings;
  if (opts) ev->opts = *opts;
  else ev->opts = (mm_eval_options)MM_EVAL_OPTIONS_INIT;
  if (ev->opts.memo) mm_rule_memo_begin(ev->opts.memo);
  /* Room for every kb entry, zeroed one by one as taken (take_result): the
   * whole arrays are mostly unused, and zeroing them showed in profiles. */
  ev->options = mm_arena_alloc_raw(arena, (kb->n_options + 1) * sizeof *ev->options);
  ev->trials = mm_arena_alloc_raw(arena, (kb->n_options + 1) * sizeof *ev->trials);
  if (!ev->options || !ev->trials) return -1;
  if (without_diagnosis(facts)) {
    ev->note.code = MM_NOTE_NO_MYELOMA_DIAGNOSIS;
    mm_eval_set_candidates(ev, arena);
    *out = ev;
    return 0;
  }
  int not_relapsed = kb->not_relapsed_slot;
  mm_value setting = facts->values[MM_F_SETTING];
  for (size_t i = 0; i < kb->n_options; i++) {
    const mm_option *o = &kb->options[i];
    if (!wanted(&ev->opts, o->id)) continue;
    if (o->kind == MM_OPT_TRIAL) {
      if (!ev->opts.trials && !ev->opts.only) continue;
      mm_option_result *r = take_result(&ev->trials[ev->n_trials++]);
      r->ev = ev;
      r->opt = o;
      r->status = run_criteria(ev, arena, o->criteria, o->n_criteria, o->exclusion, o->n_exclusion,
                               &o->prov, &r->criteria, &r->n_criteria);
      /* The match is about the patient; whether the trial enrols today is
       * the registry's answer, shown beside it. */
      r->enrolling = trial_enrolling(o->status);
      if (r->enrolling == MM_FALSE) r->note.code = MM_NOTE_TRIAL_NOT_ENROLLING;
      if (r->enrolling == MM_UNKNOWN) r->note.code = MM_NOTE_TRIAL_ENROLLING_UNKNOWN;
      continue;
    }
    /* Guideline entries of other settings are left out; when the setting is
     * unknown every entry is listed, as unknown. Settings are canonical
     * strings, compared by pointer. */
    if (o->kind == MM_OPT_GUIDELINE && (o->repeats || (setting.known && setting.str != o->setting)))
      continue;
    mm_option_result *r = take_result(&ev->options[ev->n_options++]);
    r->ev = ev;
    r->opt = o;
    if (o->kind == MM_OPT_THERAPY) {
      evaluate_therapy(ev, arena, r);
      mm_eval_reimbursement(ev, r);
      note_not_relapsed(ev, not_relapsed, r);
    } else {
      r->implicit_setting = true;
      r->status = run_criteria(ev, arena, o->criteria, o->n_criteria, NULL, 0, &o->prov,
                               &r->criteria, &r->n_criteria);
    }
    if (ev->opts.explain) note_refractory_drugs(ev, arena, r);
    /* The finding words the principle's criterion and decides an eligible
     * option's tier; a fast screening needs it for eligible options only. */
    if (ev->opts.explain || r->status == MM_TRUE)
      r->refractoriness = mm_eval_refractoriness(ev, arena, r);
    for (size_t k = 0; k < r->n_criteria; k++)
      if (r->criteria[k].crit->principle) r->criteria[k].refractoriness = r->refractoriness;
  }
  mm_eval_set_candidates(ev, arena);
  if (mm_eval_order(ev, arena) != 0) return -1;
  if (ev->opts.supportive && !ev->opts.only) mm_eval_supportive(ev, arena);
  if (arena->failed) return -1;
  *out = ev;
  return 0;
}
