/* facts.c: derives every fact of one patient, in dependency order: what the
 * record says, then lines and exposure, ASCT, scores, transplant eligibility,
 * the setting and the disease state, and last the composite facts written in
 * kb/definitions.yaml. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "facts/facts_internal.h"
#include "rule/rule.h"
#include "util/fmt.h"

static mm_fact_info *info(mm_deriving *d, int slot) {
  return d->explain && slot >= 0 ? &d->f->info[slot] : NULL;
}

char *mm_facts_printf(mm_arena *a, const char *fmt, ...) {
  char stack[256];
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = mm_vformat(stack, sizeof stack, fmt, ap);
  va_end(ap);
  char *s = NULL;
  if (n >= 0 && (size_t)n < sizeof stack) {
    s = mm_arena_alloc_raw(a, (size_t)n + 1);
    if (s) memcpy(s, stack, (size_t)n + 1);
  } else if (n >= 0 && (s = mm_arena_alloc_raw(a, (size_t)n + 1))) {
    mm_vformat(s, (size_t)n + 1, fmt, ap2);
  }
  va_end(ap2);
  return s;
}

void mm_fact_because_lang(mm_deriving *d, int slot, mm_lang lang, const char *fmt, ...) {
  mm_fact_info *i = info(d, slot);
  if (!i) return;
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  int n = mm_vformat(text, sizeof text, fmt, ap);
  va_end(ap);
  /* A cut reason must still be UTF-8: drop a character cut in half. */
  if (n >= (int)sizeof text) {
    size_t end = sizeof text - 1;
    size_t k = end;
    while (k > 0 && ((unsigned char)text[k - 1] & 0xC0) == 0x80) k--;
    if (k > 0 && ((unsigned char)text[k - 1] & 0x80)) {
      unsigned char lead = (unsigned char)text[k - 1];
      size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      if (k - 1 + len > end) text[k - 1] = '\0';
    }
  }
  if (lang == MM_LANG_IT) i->because_it = mm_arena_strdup(d->arena, text);
  else i->because = mm_arena_strdup(d->arena, text);
}

void mm_fact_because_text(mm_deriving *d, int slot, const char *en, const char *it) {
  mm_fact_info *i = info(d, slot);
  if (!i) return;
  i->because = en;
  i->because_it = it;
}

static void push(mm_deriving *d, const char ***list, size_t *n, const char *s) {
  for (size_t k = 0; k < *n; k++)
    if (strcmp((*list)[k], s) == 0) return;
  if ((*n & (*n + 1)) == 0 || *n == 0) { /* grow at 0, 1, 3, 7, ... */
    const char **grown = mm_arena_grow(d->arena, *list, *n, (*n + 1) * 2, sizeof **list);
    if (!grown) return;
    *list = grown;
  }
  (*list)[(*n)++] = s;
}

void mm_fact_from(mm_deriving *d, int slot, const char *input) {
  mm_fact_info *i = info(d, slot);
  if (i && input) push(d, &i->from, &i->n_from, input);
}

void mm_fact_missing(mm_deriving *d, int slot, const char *input) {
  mm_fact_info *i = info(d, slot);
  if (i && input) push(d, &i->missing, &i->n_missing, input);
}

void mm_fact_derived(mm_deriving *d, int slot) {
  mm_fact_info *i = info(d, slot);
  if (i) i->derived = true;
}

void mm_fact_missing_from_slots(mm_deriving *d, int slot, const int *slots, size_t n) {
  if (!info(d, slot)) return;
  for (size_t k = 0; k < n; k++) {
    const mm_fact_info *src = &d->f->info[slots[k]];
    if (src->n_missing == 0 && !d->f->values[slots[k]].known)
      mm_fact_missing(d, slot, d->kb->facts[slots[k]].name);
    for (size_t m = 0; m < src->n_missing; m++) mm_fact_missing(d, slot, src->missing[m]);
  }
}

void mm_derive_composites(mm_deriving *d) {
  const mm_kb *kb = d->kb;
  for (size_t i = 0; i < kb->n_composites; i++) {
    const mm_composite *c = &kb->composites[i];
    if (!c->rule) continue;
    mm_rule_trace trace;
    mm_tv t = mm_rule_eval(c->rule, d->f->values, d->explain ? &trace : NULL);
    mm_fact_set(d, c->slot, mm_value_tv(t));
    if (!d->explain) continue;
    mm_fact_because(d, c->slot, "%s", "%s", c->when);
    if (t == MM_UNKNOWN) mm_fact_missing_from_slots(d, c->slot, trace.unknown, trace.n_unknown);
    for (size_t k = 0; k < trace.n_used; k++)
      mm_fact_from(d, c->slot, kb->facts[trace.used[k]].name);
    if (c->prov.verification == MM_UNVERIFIED) d->f->info[c->slot].review = true;
  }
}

int mm_facts_derive(mm_facts **out, mm_arena *arena, const mm_kb *kb, const mm_patient *p,
                    bool explain, mm_diags *warnings) {
  unsigned flags = explain ? MM_FACTS_EXPLAIN | MM_FACTS_SCORES : 0;
  if (kb->scores_read) flags |= MM_FACTS_SCORES;
  return mm_facts_derive_ex(out, arena, kb, p, flags, 0, warnings);
}

int mm_facts_derive_ex(mm_facts **out, mm_arena *arena, const mm_kb *kb, const mm_patient *p,
                       unsigned flags, size_t spare, mm_diags *warnings) {
  return mm_facts_derive_for(out, arena, kb, p, flags, spare, NULL, warnings);
}

void mm_facts_refractory_reads(const mm_kb *kb, const mm_rule *rule, bool *need) {
  const int *slots;
  size_t n = rule ? mm_rule_slots(rule, &slots) : 0;
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < kb->n_drugs; k++) {
      const mm_drug *dr = &kb->drugs[k];
      if (slots[i] == dr->slot_refractory || slots[i] == dr->slot_progressed_on) need[k] = true;
    }
    for (size_t c = 0; c < kb->n_classes; c++) {
      const mm_class *cl = &kb->classes[c];
      if (slots[i] != cl->slot_refractory && slots[i] != cl->slot_progressed_on &&
          slots[i] != cl->slot_refractory_count)
        continue;
      for (size_t k = 0; k < kb->n_drugs; k++)
        for (size_t j = 0; j < kb->drugs[k].n_classes; j++)
          if (kb->drugs[k].classes[j] == (int)c) need[k] = true;
    }
  }
}

/* The derivation; sparse (a sparse plan, never when explaining): only the
 * slots it reads are set. */
static int derive(mm_facts **out, mm_arena *arena, const mm_kb *kb, const mm_patient *p,
                  unsigned flags, size_t spare, const bool *refractory_for,
                  const mm_facts_plan *sparse, mm_diags *warnings) {
  bool explain = flags & MM_FACTS_EXPLAIN;
  *out = NULL;
  mm_facts *f = mm_arena_alloc(arena, sizeof *f);
  if (!f) return -1;
  f->kb = kb;
  f->patient = p;
  f->warnings = warnings;
  f->values = mm_arena_alloc_raw(arena, (kb->n_facts + spare) * sizeof *f->values);
  if (explain) f->info = mm_arena_alloc(arena, kb->n_facts * sizeof *f->info);
  if (!f->values || (explain && !f->info)) return -1;
  /* Every fact starts unknown, except the drug and class facts, which
   * mm_derive_exposure writes whole (they are most of the slots). */
  size_t e0 = kb->exposure_first, e1 = kb->exposure_first + kb->exposure_count;
  if (explain) sparse = NULL;
  if (sparse) { /* only what the caller reads: a few slots of hundreds */
    for (size_t i = 0; i < sparse->n_init; i++)
      f->values[sparse->init[i]] = kb->facts_unknown[sparse->init[i]];
  } else {
    memcpy(f->values, kb->facts_unknown, e0 * sizeof *f->values);
    memcpy(f->values + e1, kb->facts_unknown + e1, (kb->n_facts - e1) * sizeof *f->values);
  }
  /* Explanations show every fact; otherwise a caller may skip what it
   * does not read. */
  if (explain)
    flags &= ~(unsigned)(MM_FACTS_NO_LABS | MM_FACTS_NO_COMPOSITES | MM_FACTS_NO_DISEASE_STATE);
  mm_deriving d = {f, arena, kb, p, explain, !(flags & MM_FACTS_NO_LABS),
                   explain ? NULL : refractory_for, sparse};
  mm_derive_patient(&d);
  mm_derive_lines(&d);
  mm_derive_exposure(&d);
  if (mm_fact_read(&d, MM_F_ASCT_PRIOR) || mm_fact_read(&d, MM_F_ASCT_COUNT) ||
      mm_fact_read(&d, MM_F_ASCT_TO_PROGRESSION_MONTHS))
    mm_derive_asct(&d);
  if (flags & (MM_FACTS_SCORES | MM_FACTS_EXPLAIN)) mm_derive_scores(&d);
  mm_derive_transplant_eligibility(&d);
  mm_derive_setting(&d);
  /* The composites may read the disease state. */
  if (!(flags & MM_FACTS_NO_DISEASE_STATE) || !(flags & MM_FACTS_NO_COMPOSITES))
    mm_derive_disease_state(&d);
  if (!(flags & MM_FACTS_NO_COMPOSITES)) mm_derive_composites(&d);
  if (arena->failed) return -1;
  *out = f;
  return 0;
}

int mm_facts_derive_for(mm_facts **out, mm_arena *arena, const mm_kb *kb, const mm_patient *p,
                        unsigned flags, size_t spare, const bool *refractory_for,
                        mm_diags *warnings) {
  return derive(out, arena, kb, p, flags, spare, refractory_for, NULL, warnings);
}

int mm_facts_derive_plan(mm_facts **out, mm_arena *arena, const mm_kb *kb, const mm_patient *p,
                         const mm_facts_plan *plan, size_t spare) {
  return derive(out, arena, kb, p, plan->flags, spare, plan->refractory_for,
                plan->sparse ? plan : NULL, NULL);
}
