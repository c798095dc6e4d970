/* facts_plan.c: the facts a caller's own rules read (mm_facts_plan), so
 * that screening with criteria derives per record only what its criteria,
 * the transplant rule and the setting read (facts.h). */
#include <stdlib.h>
#include <string.h>

#include "facts/facts_internal.h"
#include "rule/rule.h"

void mm_facts_plan_free(mm_facts_plan *plan) {
  if (!plan) return;
  free(plan->read);
  free(plan->drug_read);
  free(plan->refractory_for);
  free(plan->init);
  free(plan->exposure);
  free(plan->class_read);
  free(plan->nonresponse_for);
  free(plan->classes);
  free(plan->class_place);
  free(plan);
}

static void mark_rule(const mm_kb *kb, const mm_rule *rule, bool *read) {
  const int *slots;
  size_t n = rule ? mm_rule_slots(rule, &slots) : 0;
  for (size_t i = 0; i < n; i++)
    if (slots[i] >= 0 && (size_t)slots[i] < kb->n_facts) read[slots[i]] = true;
}

int mm_facts_plan_new(mm_facts_plan **out, const mm_kb *kb, const mm_rule *const *rules,
                      size_t n, unsigned flags) {
  *out = NULL;
  mm_facts_plan *p = calloc(1, sizeof *p);
  if (!p) return -1;
  p->kb = kb;
  p->flags = flags & ~(unsigned)MM_FACTS_EXPLAIN;
  p->read = calloc(kb->n_facts + 1, sizeof *p->read);
  p->drug_read = calloc(kb->n_drugs + 1, sizeof *p->drug_read);
  p->refractory_for = calloc(kb->n_drugs + 1, sizeof *p->refractory_for);
  p->init = malloc((kb->n_facts + 1) * sizeof *p->init);
  p->exposure = malloc((kb->n_facts + 1) * sizeof *p->exposure);
  p->class_read = calloc(kb->n_classes + 1, sizeof *p->class_read);
  p->nonresponse_for = calloc(kb->n_drugs + 1, sizeof *p->nonresponse_for);
  p->classes = malloc((kb->n_classes + 1) * sizeof *p->classes);
  p->class_place = malloc((kb->n_classes + 1) * sizeof *p->class_place);
  if (!p->read || !p->drug_read || !p->refractory_for || !p->init || !p->exposure ||
      !p->class_read || !p->classes || !p->class_place || !p->nonresponse_for) {
    mm_facts_plan_free(p);
    return -1;
  }
  /* The composites, the disease state and the scores read many facts: a
   * plan that derives them sets every slot, as mm_facts_derive_ex. */
  unsigned skipped = MM_FACTS_NO_COMPOSITES | MM_FACTS_NO_DISEASE_STATE;
  p->sparse = (p->flags & skipped) == skipped && !(p->flags & MM_FACTS_SCORES);
  for (size_t i = 0; i < n; i++) mark_rule(kb, rules[i], p->read);
  /* What the derivation itself reads: the transplant rule (for the
   * transplant eligibility), and the setting's inputs (setting.c), which
   * every screening result shows. */
  mark_rule(kb, kb->transplant_rule.rule, p->read);
  static const int setting_reads[] = {MM_F_SETTING, MM_F_TRANSPLANT_ELIGIBLE, MM_F_ON_TREATMENT,
                                      MM_F_PROGRESSION_ON_OR_AFTER_LAST, MM_F_PRIOR_LINES};
  for (size_t i = 0; i < sizeof setting_reads / sizeof *setting_reads; i++)
    p->read[setting_reads[i]] = true;
  if (!p->sparse)
    for (size_t i = 0; i < kb->n_facts; i++) p->read[i] = true;
  /* Refractoriness only for the drugs whose refractoriness is read; every
   * drug's when the composites (which may read any) are derived. */
  if (p->flags & MM_FACTS_NO_COMPOSITES) {
    for (size_t i = 0; i < n; i++) mm_facts_refractory_reads(kb, rules[i], p->refractory_for);
    mm_facts_refractory_reads(kb, kb->transplant_rule.rule, p->refractory_for);
  } else {
    for (size_t k = 0; k < kb->n_drugs; k++) p->refractory_for[k] = true;
  }
  /* A drug is followed through the lines when one of its facts, or one of
   * its classes', is read. */
  for (size_t k = 0; k < kb->n_drugs; k++) {
    const mm_drug *dr = &kb->drugs[k];
    const int own[] = {dr->slot_exposed, dr->slot_refractory, dr->slot_progressed_on,
                       dr->slot_current};
    for (size_t j = 0; j < 4; j++)
      if (own[j] >= 0 && p->read[own[j]]) p->drug_read[k] = true;
    if (dr->slot_current >= 0 && p->read[dr->slot_current]) p->current_read = true;
    if (dr->slot_refractory >= 0 && p->read[dr->slot_refractory]) p->nonresponse_for[k] = true;
    for (size_t j = 0; j < dr->n_classes; j++) {
      const mm_class *cl = &kb->classes[dr->classes[j]];
      const int of_class[] = {cl->slot_exposed,   cl->slot_refractory,      cl->slot_progressed_on,
                              cl->slot_current,   cl->slot_exposed_count,   cl->slot_refractory_count};
      for (size_t m = 0; m < 6; m++)
        if (of_class[m] >= 0 && p->read[of_class[m]]) p->drug_read[k] = true;
      if (cl->slot_current >= 0 && p->read[cl->slot_current]) p->current_read = true;
      if ((cl->slot_refractory >= 0 && p->read[cl->slot_refractory]) ||
          (cl->slot_refractory_count >= 0 && p->read[cl->slot_refractory_count]))
        p->nonresponse_for[k] = true;
    }
  }
  for (size_t i = 0; i < kb->n_comorbidities; i++)
    if (kb->comorbidities[i].slot >= 0 && p->read[kb->comorbidities[i].slot])
      p->comorbidity_read = true;
  for (size_t c = 0; c < kb->n_classes; c++) {
    const mm_class *cl = &kb->classes[c];
    const int of_class[] = {cl->slot_exposed,   cl->slot_refractory,      cl->slot_progressed_on,
                            cl->slot_current,   cl->slot_exposed_count,   cl->slot_refractory_count};
    for (size_t m = 0; m < 6; m++)
      if (of_class[m] >= 0 && p->read[of_class[m]]) p->class_read[c] = true;
    p->class_place[c] = p->class_read[c] ? (int)p->n_classes : -1;
    if (p->class_read[c]) p->classes[p->n_classes++] = (int)c;
  }
  size_t e0 = kb->exposure_first, e1 = kb->exposure_first + kb->exposure_count;
  for (size_t i = 0; i < kb->n_facts; i++) {
    if (!p->read[i]) continue;
    if (i >= e0 && i < e1) p->exposure[p->n_exposure++] = (int)i;
    else p->init[p->n_init++] = (int)i;
  }
  *out = p;
  return 0;
}
