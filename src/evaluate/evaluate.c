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
#include "evaluate/evaluate_screen.h"
#include "evaluate/order.h"
#include "evaluate/reimbursement.h"
#include "evaluate/rule_memo.h"
#include "evaluate/verdict.h"
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
  mm_tv t = mm_verdict_counts_as(out->rule_value, out->exclusion, mm_verdict_soft(c, out->unverified));
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
  mm_tv t = mm_verdict_counts_as(out->rule_value, out->exclusion, mm_verdict_soft(c, out->unverified));
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
  bool soft = mm_verdict_soft(c, unverified);
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
  mm_tv t = mm_verdict_counts_as(out->rule_value, exclusion, soft);
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

static bool wanted(const mm_eval_options *o, const char *id) {
  if (!o->only) return true;
  for (const char *const *p = o->only; *p; p++)
    if (strcmp(*p, id) == 0) return true;
  return false;
}

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
    if (!mm_verdict_indication_counts(ind->approved, ind->withdrawn, as_of, &withdrawn)) continue;
    mm_criterion_result *res;
    size_t n;
    mm_tv t = run_criteria(ev, arena, ind->criteria, ind->n_criteria, NULL, 0, &ind->prov, &res, &n);
    if (!any || mm_verdict_better(t, r->status)) {
      r->status = t;
      r->indication = ind;
      r->criteria = res;
      r->n_criteria = n;
    }
    any = true;
  }
  r->note.jurisdiction = labels;
  mm_verdict_therapy_note(encoded, any, withdrawn, &r->status, &r->note);
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

static mm_option_result *take_result(mm_option_result *r) {
  memset(r, 0, sizeof *r);
  return r;
}

/* The options and trials from the caller's plan (mm_eval_options.plan):
 * the verdicts of the loop of mm_evaluate without explanations, but for
 * the criteria, which stay in each verdict (mm_option_result.planned): the
 * compact answer reads them there. The options are written straight in
 * the order of mm_eval_order (by tier, kb order within one), their tiers
 * set, so that the tree needs no sorting. */
static int evaluate_planned(mm_evaluation *ev, mm_arena *arena) {
  mm_screen_verdicts vs;
  if (mm_screen_evaluate(&vs, arena, ev->opts.plan, ev->facts) != 0) return -1;
  uint8_t *tiers = mm_arena_alloc_raw(arena, 2 * vs.n + 1), *refractory = tiers + vs.n;
  if (!tiers) return -1;
  size_t at[MM_TIER_NOT_ELIGIBLE + 2] = {0}; /* then where each tier starts */
  for (size_t i = 0; i < vs.n; i++) {
    const mm_screen_verdict *v = &vs.v[i];
    if (v->opt->kind == MM_OPT_TRIAL) continue;
    /* The finding's verdict (mm_eval_refractory) from the plan's checks,
     * for an eligible option (the tier of the others does not read it). */
    mm_tv refr = MM_FALSE;
    if (v->status == MM_TRUE) {
      bool unknown = false;
      for (size_t k = 0; k < v->n_refractory_slots && refr != MM_TRUE; k++) {
        mm_value x = ev->facts->values[v->refractory_slots[k]];
        if (x.known && x.b) refr = MM_TRUE;
        else if (!x.known) unknown = true;
      }
      if (refr != MM_TRUE && unknown) refr = MM_UNKNOWN;
    }
    refractory[i] = (uint8_t)refr;
    tiers[i] = (uint8_t)mm_eval_tier(v->status, refr, v->opt);
    at[tiers[i] + 1]++;
  }
  for (int t = MM_TIER_RECOMMENDED; t <= MM_TIER_NOT_ELIGIBLE; t++) at[t + 1] += at[t];
  ev->n_options = at[MM_TIER_NOT_ELIGIBLE + 1];
  for (size_t i = 0; i < vs.n; i++) {
    const mm_screen_verdict *v = &vs.v[i];
    bool trial = v->opt->kind == MM_OPT_TRIAL;
    mm_option_result *r = trial ? &ev->trials[ev->n_trials++] : &ev->options[at[tiers[i]]++];
    memset(r, 0, sizeof *r);
    r->ev = ev;
    r->opt = v->opt;
    r->status = v->status;
    r->indication = v->indication;
    r->note = v->note;
    r->planned = v;
    if (trial) {
      r->enrolling = v->enrolling;
      continue;
    }
    r->implicit_setting = v->opt->kind == MM_OPT_GUIDELINE;
    r->refractory = (mm_tv)refractory[i];
    r->tier = (mm_tier)tiers[i];
    /* jurisdiction IT: the plan found the AIFA entry (mm_eval_reimbursement) */
    if (v->reimbursement_shown) mm_eval_reimbursement_found(ev, r, v->reimbursement);
  }
  return 0;
}

/* Every option and trial listed for the patient, in kb order, as the
 * options ask. */
static void evaluate_listed(mm_evaluation *ev, mm_arena *arena) {
  const mm_kb *kb = ev->kb;
  const mm_facts *facts = ev->facts;
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
      r->enrolling = mm_verdict_trial_enrolling(o->status);
      r->note.code = mm_verdict_trial_note(r->enrolling);
      continue;
    }
    /* Guideline entries of other settings are left out; when the setting is
     * unknown every entry is listed, as unknown. */
    if (o->kind == MM_OPT_GUIDELINE && !mm_verdict_guideline_listed(o, setting)) continue;
    mm_option_result *r = take_result(&ev->options[ev->n_options++]);
    r->ev = ev;
    r->opt = o;
    if (o->kind == MM_OPT_THERAPY) {
      evaluate_therapy(ev, arena, r);
      mm_eval_reimbursement(ev, r);
      mm_verdict_not_relapsed(facts->values, not_relapsed, r->status, &r->note);
    } else {
      r->implicit_setting = true;
      r->status = run_criteria(ev, arena, o->criteria, o->n_criteria, NULL, 0, &o->prov,
                               &r->criteria, &r->n_criteria);
    }
    if (ev->opts.explain) note_refractory_drugs(ev, arena, r);
    /* The finding words the principle's criterion and decides an eligible
     * option's tier; without explanations only its verdict is wanted, for
     * eligible options (the tier of the others does not read it). */
    if (ev->opts.explain) {
      r->refractoriness = mm_eval_refractoriness(ev, arena, r);
      r->refractory = r->refractoriness ? r->refractoriness->refractory : MM_FALSE;
      for (size_t k = 0; k < r->n_criteria; k++)
        if (r->criteria[k].crit->principle) r->criteria[k].refractoriness = r->refractoriness;
    } else if (r->status == MM_TRUE) {
      r->refractory = mm_eval_refractory(ev, arena, r);
    }
  }
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
  if (mm_verdict_without_diagnosis(facts->values)) {
    ev->note.code = MM_NOTE_NO_MYELOMA_DIAGNOSIS;
    mm_eval_set_candidates(ev, arena);
    *out = ev;
    return 0;
  }
  if (ev->opts.plan && !ev->opts.explain && ev->opts.trials && !ev->opts.only &&
      mm_screen_plan_whole(ev->opts.plan, ev->opts.jurisdiction)) {
    if (evaluate_planned(ev, arena) != 0) return -1;
    ev->planned = ev->opts.plan;
  } else {
    evaluate_listed(ev, arena);
  }
  mm_eval_set_candidates(ev, arena);
  if (!ev->planned && mm_eval_order(ev, arena) != 0) return -1; /* planned: in order */
  if (ev->opts.supportive && !ev->opts.only) mm_eval_supportive(ev, arena);
  if (arena->failed) return -1;
  *out = ev;
  return 0;
}
