/* patient_facts.c: the facts the record states directly or almost so: age,
 * sex, ECOG, time since diagnosis, disease features, cytogenetics, the
 * latest value of each lab test, and comorbidities. */
#include <string.h>

#include "facts/facts_internal.h"

static void copy(mm_deriving *d, int slot, mm_value v, const char *input) {
  if (!mm_fact_read(d, slot)) return;
  mm_fact_set(d, slot, v);
  if (v.known) mm_fact_from(d, slot, input);
  else mm_fact_missing(d, slot, input);
}

static void derive_age(mm_deriving *d) {
  const mm_patient *p = d->p;
  if (p->birth_date != MM_DATE_NONE) {
    int age = mm_date_years_between(p->birth_date, p->as_of);
    mm_fact_set(d, MM_F_AGE, mm_value_number(age));
    mm_fact_from(d, MM_F_AGE, "birth_date");
    mm_fact_from(d, MM_F_AGE, "as_of");
  } else if (p->age_given.known) {
    mm_fact_set(d, MM_F_AGE, p->age_given);
    mm_fact_from(d, MM_F_AGE, "age");
  } else {
    mm_fact_missing(d, MM_F_AGE, "birth_date");
  }
}

static void derive_labs(mm_deriving *d) {
  const mm_patient *p = d->p;
  const mm_kb *kb = d->kb;
  /* The latest observation of each test, in one pass over the record. */
  const mm_observation **latest = mm_arena_alloc(d->arena, (kb->n_labs + 1) * sizeof *latest);
  if (!latest) return;
  for (size_t k = 0; k < p->n_labs; k++) {
    const mm_observation *o = &p->labs[k];
    if (!latest[o->lab] || o->date >= latest[o->lab]->date) latest[o->lab] = o;
  }
  for (size_t i = 0; i < kb->n_labs; i++) {
    const mm_lab *lab = &kb->labs[i];
    const mm_observation *o = latest[i];
    if (!o) {
      if (d->explain) mm_fact_missing(d, lab->slot, mm_facts_printf(d->arena, "labs[test=%s]", lab->id));
      continue;
    }
    mm_fact_set(d, lab->slot, lab->values ? mm_value_string(o->category) : mm_value_number(o->value));
    if (!d->explain) continue;
    mm_fact_from(d, lab->slot, o->path);
    char date[11];
    mm_date_format(o->date, date);
    if (lab->values)
      mm_fact_because(d, lab->slot, "%s %s (%s)", "%s %s (%s)", lab->id, o->category, date);
    else
      mm_fact_because(d, lab->slot, "%s %g %s (%s)", "%s %g %s (%s)", lab->id, o->value,
                      lab->unit, date);
  }
}

static void derive_comorbidities(mm_deriving *d) {
  const mm_patient *p = d->p;
  const mm_kb *kb = d->kb;
  int disq = MM_F_TRANSPLANT_DISQUALIFYING_COMORBIDITY;
  /* Under a sparse plan, the comorbidity facts only when one of them is. */
  bool each = !d->sparse || d->sparse->comorbidity_read;
  if (!each && !mm_fact_read(d, disq)) return;
  if (!p->comorbidities_given) {
    for (size_t i = 0; i < kb->n_comorbidities; i++)
      mm_fact_missing(d, kb->comorbidities[i].slot, "comorbidities");
    mm_fact_missing(d, disq, "comorbidities");
    return;
  }
  for (size_t i = 0; each && i < kb->n_comorbidities; i++) {
    mm_fact_set(d, kb->comorbidities[i].slot, mm_value_bool(false));
    mm_fact_from(d, kb->comorbidities[i].slot, "comorbidities");
  }
  bool any = false;
  for (size_t k = 0; k < p->n_comorbidities; k++) {
    const mm_comorbidity *c = &kb->comorbidities[p->comorbidities[k]];
    if (each) mm_fact_set(d, c->slot, mm_value_bool(true));
    if (c->transplant_disqualifying) {
      any = true;
      mm_fact_because(d, disq, "%s (kb/vocabulary/comorbidities.yaml: counts against transplant)",
                      "%s (kb/vocabulary/comorbidities.yaml: conta contro il trapianto)", c->id);
    }
  }
  mm_fact_set(d, disq, mm_value_bool(any));
  mm_fact_from(d, disq, "comorbidities");
}

void mm_derive_patient(mm_deriving *d) {
  const mm_patient *p = d->p;
  /* The two facts computed from dates only when read (a sparse plan). */
  if (mm_fact_read(d, MM_F_AGE)) derive_age(d);
  copy(d, MM_F_SEX, mm_value_string(p->sex), "sex");
  copy(d, MM_F_ECOG, p->ecog, "ecog");
  if (!mm_fact_read(d, MM_F_MONTHS_SINCE_DIAGNOSIS)) {
  } else if (p->diagnosis_date != MM_DATE_NONE) {
    mm_fact_set(d, MM_F_MONTHS_SINCE_DIAGNOSIS,
                mm_value_number(mm_date_months_between(p->diagnosis_date, p->as_of)));
    mm_fact_from(d, MM_F_MONTHS_SINCE_DIAGNOSIS, "diagnosis.date");
    mm_fact_from(d, MM_F_MONTHS_SINCE_DIAGNOSIS, "as_of");
  } else {
    mm_fact_missing(d, MM_F_MONTHS_SINCE_DIAGNOSIS, "diagnosis.date");
  }
  copy(d, MM_F_EXTRAMEDULLARY, p->extramedullary, "features.extramedullary");
  copy(d, MM_F_PLASMA_CELL_LEUKEMIA, p->plasma_cell_leukemia, "features.plasma_cell_leukemia");
  copy(d, MM_F_CNS_INVOLVEMENT, p->cns, "features.cns");
  copy(d, MM_F_DEL17P, p->del17p, "diagnosis.fish.del17p");
  copy(d, MM_F_T4_14, p->t4_14, "diagnosis.fish.t4_14");
  copy(d, MM_F_T14_16, p->t14_16, "diagnosis.fish.t14_16");
  copy(d, MM_F_GAIN1Q, p->gain1q, "diagnosis.fish.gain1q");
  copy(d, MM_F_AMP1Q, p->amp1q, "diagnosis.fish.amp1q");
  copy(d, MM_F_LDH_ABOVE_ULN, p->ldh_above_uln, "diagnosis.ldh_above_uln");
  if (d->labs) derive_labs(d);
  derive_comorbidities(d);
}
