/* order.c: see order.h. The finding is computed from the same fact slots as
 * the principle's criterion (mm_kb_refractory_checks), so that the words
 * beside an option and its verdict never disagree; unlike the rule, which
 * stops at its first false, the finding looks at every check, to name every
 * drug the disease is refractory to. */
#include <string.h>

#include "evaluate/order.h"

/* The drugs of class cls the disease is refractory to, appended to hits. */
static size_t class_hits(const mm_evaluation *ev, int cls, mm_refractory_hit *hits, size_t n) {
  const mm_kb *kb = ev->kb;
  size_t before = n;
  for (size_t d = 0; d < kb->n_drugs; d++) {
    const mm_drug *drug = &kb->drugs[d];
    bool member = false;
    for (size_t k = 0; k < drug->n_classes && !member; k++) member = drug->classes[k] == cls;
    if (!member || drug->slot_refractory < 0) continue;
    mm_value v = ev->facts->values[drug->slot_refractory];
    if (v.known && v.b) hits[n++] = (mm_refractory_hit){(int)d, cls};
  }
  /* Refractory to the class with no member named (cannot happen from the
   * record today; kept honest): name the class alone. */
  if (n == before) hits[n++] = (mm_refractory_hit){-1, cls};
  return n;
}

const int *mm_eval_option_drugs(const mm_option_result *r, mm_arena *arena, size_t *n) {
  const mm_option *o = r->opt;
  *n = 0;
  if (o->regimen) {
    *n = o->regimen->n_drugs;
    return o->regimen->drugs;
  }
  const mm_indication *ind = r->indication;
  if (!ind || !ind->n_drugs) {
    *n = o->n_drugs;
    return o->drugs;
  }
  int *all = mm_arena_alloc_raw(arena, (o->n_drugs + ind->n_drugs) * sizeof *all);
  if (!all) return NULL;
  memcpy(all, o->drugs, o->n_drugs * sizeof *all);
  size_t k = o->n_drugs;
  for (size_t i = 0; i < ind->n_drugs; i++) {
    bool seen = false;
    for (size_t j = 0; j < k && !seen; j++) seen = all[j] == ind->drugs[i];
    if (!seen) all[k++] = ind->drugs[i];
  }
  *n = k;
  return all;
}

/* The checks of the principle on what option r relies on, in arena (not
 * zeroed: filled up to *nc); NULL when none or out of memory. */
static const mm_refractory_check *option_checks(const mm_evaluation *ev, mm_arena *arena,
                                                const mm_option_result *r, size_t *nc) {
  const mm_kb *kb = ev->kb;
  size_t n;
  *nc = 0;
  const int *drugs = mm_eval_option_drugs(r, arena, &n);
  if (!kb->refractoriness || !n || !drugs) return NULL;
  size_t cap = 0;
  for (size_t i = 0; i < n; i++) cap += 1 + kb->drugs[drugs[i]].n_classes;
  mm_refractory_check *checks = mm_arena_alloc_raw(arena, cap * sizeof *checks);
  if (!checks) return NULL;
  *nc = mm_kb_refractory_checks(kb, kb->refractoriness, drugs, n, checks, cap);
  return *nc ? checks : NULL;
}

/* The arrays here are filled before they are read, up to their counts: not
 * zeroed (this runs for most options of every evaluation). */
const mm_refractoriness *mm_eval_refractoriness(const mm_evaluation *ev, mm_arena *arena,
                                                const mm_option_result *r) {
  const mm_kb *kb = ev->kb;
  size_t nc;
  const mm_refractory_check *checks = option_checks(ev, arena, r, &nc);
  if (!checks) return NULL;
  size_t cap_hits = 0;
  for (size_t i = 0; i < nc; i++)
    cap_hits += checks[i].cls >= 0 ? kb->classes[checks[i].cls].n_members + 1 : 1;
  mm_refractoriness *f = mm_arena_alloc(arena, sizeof *f);
  mm_refractory_hit *checked = mm_arena_alloc_raw(arena, nc * sizeof *checked);
  mm_refractory_hit *hits = mm_arena_alloc_raw(arena, cap_hits * sizeof *hits);
  if (!f || !checked || !hits) return NULL;
  size_t n_true = 0, n_unknown = 0;
  for (size_t i = 0; i < nc; i++) {
    checked[i] = (mm_refractory_hit){checks[i].drug, checks[i].cls};
    mm_value v = ev->facts->values[checks[i].slot];
    if (v.known && v.b) {
      if (checks[i].cls >= 0) n_true = class_hits(ev, checks[i].cls, hits, n_true);
      else hits[n_true++] = checked[i];
    }
    if (!v.known) n_unknown++;
  }
  f->refractory = n_true ? MM_TRUE : n_unknown ? MM_UNKNOWN : MM_FALSE;
  if (!n_true)
    for (size_t i = 0; i < nc; i++)
      if (!ev->facts->values[checks[i].slot].known) hits[f->n_hits++] = checked[i];
  if (n_true) f->n_hits = n_true;
  f->hits = hits;
  f->checked = checked;
  f->n_checked = nc;
  return f;
}

/* The finding's verdict alone (mm_eval_refractoriness's `refractory`),
 * for an answer that shows only the tier: the same checks, without naming
 * the drugs (class_hits walks every drug of the kb) or keeping anything. */
mm_tv mm_eval_refractory(const mm_evaluation *ev, mm_arena *arena, const mm_option_result *r) {
  size_t nc; /* none, or out of memory (arena->failed: the evaluation fails) */
  const mm_refractory_check *checks = option_checks(ev, arena, r, &nc);
  bool unknown = false;
  for (size_t i = 0; i < nc; i++) {
    mm_value v = ev->facts->values[checks[i].slot];
    if (v.known && v.b) return MM_TRUE;
    if (!v.known) unknown = true;
  }
  return unknown ? MM_UNKNOWN : MM_FALSE;
}

mm_tier mm_eval_tier(mm_tv status, mm_tv refractory, const mm_option *o) {
  if (status == MM_FALSE) return MM_TIER_NOT_ELIGIBLE;
  if (status == MM_UNKNOWN) return MM_TIER_UNKNOWN;
  if (refractory == MM_TRUE) return MM_TIER_CAUTION;
  if (o->kind == MM_OPT_GUIDELINE && o->group && strcmp(o->group, "algorithm") == 0)
    return MM_TIER_RECOMMENDED;
  return MM_TIER_ALLOWED;
}

static mm_tier tier_of(const mm_option_result *r) {
  return mm_eval_tier(r->status, r->refractory, r->opt);
}

int mm_eval_order(mm_evaluation *ev, mm_arena *arena) {
  if (!ev->n_options) return 0;
  /* every option has a tier: sorted is filled whole, each option copied
   * once to its place (a stable counting sort by tier) */
  mm_option_result *sorted = mm_arena_alloc_raw(arena, ev->n_options * sizeof *sorted);
  if (!sorted) return -1;
  size_t at[MM_TIER_NOT_ELIGIBLE + 2] = {0};
  for (size_t i = 0; i < ev->n_options; i++) {
    ev->options[i].tier = tier_of(&ev->options[i]);
    at[ev->options[i].tier + 1]++;
  }
  for (int t = MM_TIER_RECOMMENDED; t <= MM_TIER_NOT_ELIGIBLE; t++) at[t + 1] += at[t];
  for (size_t i = 0; i < ev->n_options; i++) sorted[at[ev->options[i].tier]++] = ev->options[i];
  ev->options = sorted; /* the unsorted array stays in the arena, unused */
  return 0;
}
