/* supportive.c: the supportive-care plan of one patient (kb/supportive_care.yaml).
 * Each item's rule (trigger and window) is evaluated on the facts. An item
 * that rests on a decision not taken yet is never «indicated»: eligibility
 * for a CAR-T or a bispecific label (candidate_car_t, candidate_bispecific)
 * is not the decision to give it, so an item listed with those facts in its
 * conditional_on is evaluated twice more, with them false and with them true:
 *   holds without them                      -> as evaluated (indicated)
 *   fails without them, or is unknown
 *   without them and holds with them        -> conditional ("if CAR-T goes
 *                                              ahead: ..."), result unknown
 *   otherwise                               -> as evaluated
 * Anything else unknown is unknown with the missing inputs named. */
#include <string.h>

#include "evaluate/evaluate_internal.h"
#include "evaluate/evaluate_screen.h"
#include "kb/fact_names.h"

/* One candidacy: true when an option of the group is eligible, unknown when
 * none is but one is undecided, else false; the options named in words. */
static mm_tv candidacy(mm_evaluation *ev, mm_arena *arena, const char *group, int slot) {
  mm_tv t = MM_FALSE;
  mm_strbuf yes, undecided;
  bool explain = ev->facts->info != NULL;
  if (explain) {
    mm_strbuf_init(&yes, 0);
    mm_strbuf_init(&undecided, 0);
  }
  for (size_t i = 0; i < ev->n_options; i++) {
    const mm_option_result *r = &ev->options[i];
    /* the first letter first: most options are of neither group */
    const char *g = r->opt->group;
    if (r->opt->kind != MM_OPT_THERAPY || !g || g[0] != group[0] || strcmp(g, group) != 0)
      continue;
    t = mm_tv_or(t, r->status);
    if (!explain || r->status == MM_FALSE) continue;
    mm_strbuf *b = r->status == MM_TRUE ? &yes : &undecided;
    mm_strbuf_printf(b, "%s%s", b->len ? ", " : "", r->opt->id);
  }
  /* With a filter, options left out may have been candidates: unknown. */
  if (ev->opts.only) t = mm_tv_or(t, MM_UNKNOWN);
  ev->facts->values[slot] = mm_value_tv(t);
  if (!explain) return t;
  mm_fact_info *info = &ev->facts->info[slot];
  if (yes.len) {
    info->because = mm_arena_printf(arena, "eligible on label: %s", yes.data);
    info->because_it = mm_arena_printf(arena, "eleggibile da scheda tecnica: %s", yes.data);
  } else if (undecided.len) {
    info->because = mm_arena_printf(arena, "cannot be decided: %s", undecided.data);
    info->because_it = mm_arena_printf(arena, "non determinabile: %s", undecided.data);
  }
  mm_strbuf_free(&yes);
  mm_strbuf_free(&undecided);
  return t;
}

/* The groups of the candidacies and their facts. */
static const char *const candidacy_group[2] = {"car_t", "bispecific"};
static const int candidacy_slot[2] = {MM_F_CANDIDATE_CAR_T, MM_F_CANDIDATE_BISPECIFIC};

void mm_eval_set_candidates(mm_evaluation *ev, mm_arena *arena) {
  if (ev->facts->info) { /* explained: each with the options named */
    for (int k = 0; k < 2; k++) candidacy(ev, arena, candidacy_group[k], candidacy_slot[k]);
    return;
  }
  /* Without explanations: both in one pass, as candidacy decides them. */
  mm_tv t[2] = {MM_FALSE, MM_FALSE};
  for (size_t i = 0; i < ev->n_options; i++) {
    const mm_option_result *r = &ev->options[i];
    const char *g = r->opt->group;
    if (r->opt->kind != MM_OPT_THERAPY || !g) continue;
    for (int k = 0; k < 2; k++)
      if (g[0] == candidacy_group[k][0] && strcmp(g, candidacy_group[k]) == 0)
        t[k] = mm_tv_or(t[k], r->status);
  }
  for (int k = 0; k < 2; k++) {
    if (ev->opts.only) t[k] = mm_tv_or(t[k], MM_UNKNOWN);
    ev->facts->values[candidacy_slot[k]] = mm_value_tv(t[k]);
  }
}

/* The decisions an item rests on that are not known to be off; *all_on
 * whether every one is known to be on. */
static size_t open_conditions(const mm_evaluation *ev, const mm_supportive *it,
                              const mm_supportive_condition **out, bool *all_on) {
  size_t n = 0;
  *all_on = true;
  for (size_t k = 0; k < it->n_conditions; k++) {
    mm_value v = ev->facts->values[it->conditions[k]->slot];
    if (!v.known || v.b) out[n++] = it->conditions[k];
    if (!v.known) *all_on = false;
  }
  return n;
}

/* The item's rule with its open decisions set to value, in the facts
 * themselves (the caller puts them back): cheaper than a copy of every
 * fact for the few it sets. */
static mm_tv eval_assuming(mm_value *values, const mm_supportive *it,
                           const mm_supportive_condition *const *open, size_t n, bool value,
                           mm_rule_trace *trace) {
  for (size_t k = 0; k < n; k++) values[open[k]->slot] = mm_value_bool(value);
  return mm_rule_eval(it->rule, values, trace);
}

static void run_item(mm_evaluation *ev, mm_arena *arena, mm_supportive_result *s) {
  const mm_supportive *it = s->item;
  const mm_value *values = ev->facts->values;
  mm_rule_trace tr;
  s->result = mm_rule_eval(it->rule, values, ev->opts.explain ? &tr : NULL);
  s->trace = ev->opts.explain ? mm_eval_keep_trace(arena, &tr) : NULL;
  const mm_supportive_condition **open =
      it->n_conditions ? mm_arena_alloc_raw(arena, it->n_conditions * sizeof *open) : NULL;
  bool all_on = false;
  size_t n_open = open && s->result != MM_FALSE ? open_conditions(ev, it, open, &all_on) : 0;
  /* the decisions' own values, put back after */
  mm_value *saved = n_open ? mm_arena_alloc_raw(arena, n_open * sizeof *saved) : NULL;
  if (saved) {
    mm_value *facts = ev->facts->values;
    for (size_t k = 0; k < n_open; k++) saved[k] = facts[open[k]->slot];
    mm_rule_trace with_trace;
    mm_tv without = eval_assuming(facts, it, open, n_open, false, NULL);
    /* its trace only names the missing inputs of an explanation; not
     * evaluated when the item holds without the decisions, nor (without
     * explaining) when they are all known to be on: then it is the
     * item's own result */
    mm_tv with = without == MM_TRUE            ? MM_TRUE
                 : all_on && !s->trace         ? s->result
                 : eval_assuming(facts, it, open, n_open, true, s->trace ? &with_trace : NULL);
    for (size_t k = n_open; k-- > 0;) facts[open[k]->slot] = saved[k];
    if (without != MM_TRUE && with != MM_FALSE && (without == MM_FALSE || with == MM_TRUE)) {
      s->conditional = true;
      s->result = MM_UNKNOWN;
      s->conditions = open;
      s->n_conditions = n_open;
      if (s->trace && with == MM_UNKNOWN)
        mm_eval_find_missing(ev, arena, with_trace.unknown, with_trace.n_unknown, &s->missing, &s->n_missing);
      return;
    }
  }
  if (s->trace && s->result == MM_UNKNOWN)
    mm_eval_find_missing(ev, arena, tr.unknown, tr.n_unknown, &s->missing, &s->n_missing);
}

void mm_eval_supportive(mm_evaluation *ev, mm_arena *arena) {
  const mm_kb *kb = ev->kb;
  ev->supportive = mm_arena_alloc(arena, (kb->n_supportive + 1) * sizeof *ev->supportive);
  /* From a plan, without explanations: an item with the same rule and
   * decisions as an earlier one has its result (a trigger is often written
   * for several items). */
  const uint32_t *same = ev->planned && !ev->opts.explain
                             ? mm_screen_plan_supportive_same(ev->planned) : NULL;
  for (size_t i = 0; ev->supportive && i < kb->n_supportive; i++) {
    mm_supportive_result *s = &ev->supportive[ev->n_supportive++];
    if (same && same[i] != i) {
      *s = ev->supportive[same[i]];
      s->item = &kb->supportive[i];
      continue;
    }
    s->ev = ev;
    s->item = &kb->supportive[i];
    run_item(ev, arena, s);
  }
}
