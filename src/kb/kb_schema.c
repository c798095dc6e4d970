/* kb_schema.c: the fact schema, i.e. every name a criterion may read. The
 * engine's own facts come first (kb/fact_names.h), then one group of
 * slots per drug, class, lab test and comorbidity of the vocabularies, then
 * the composite facts of kb/definitions.yaml. */
#include <stdio.h>
#include <string.h>

#include "kb/fact_names.h"
#include "kb/kb_internal.h"

static int add(mm_kb *kb, size_t cap, const char *name, mm_type type, const char *unit,
               const char *const *values, mm_fact_source source, int ref) {
  if (kb->n_facts >= cap || !name) return -1;
  mm_fact_def *f = &kb->facts[kb->n_facts];
  f->name = name;
  f->type = type;
  f->unit = unit;
  f->values = values;
  f->source = source;
  f->ref = ref;
  return (int)kb->n_facts++;
}

static const char *cat(mm_kb *kb, const char *prefix, const char *stem, const char *suffix) {
  return mm_arena_printf(&kb->arena, "%s%s%s", prefix, stem, suffix);
}

int mm_kb_build_schema(mm_kb *kb, mm_yaml_reader *r) {
  size_t cap = MM_F_COUNT + kb->n_drugs * 4 + kb->n_classes * 6 + kb->n_labs +
               kb->n_comorbidities + kb->n_composites + 1;
  kb->facts = mm_arena_alloc(&kb->arena, cap * sizeof *kb->facts);
  if (!kb->facts) return -1;
#define X(e, name, type, unit, values, source) add(kb, cap, name, type, unit, values, source, -1);
  MM_PATIENT_FACTS(X)
#undef X
  for (size_t i = 0; i < kb->n_drugs; i++) {
    mm_drug *d = &kb->drugs[i];
    d->slot_exposed = add(kb, cap, cat(kb, "", d->key, "_exposed"), MM_TYPE_BOOL, NULL, NULL, MM_FACT_DRUG, (int)i);
    d->slot_refractory = add(kb, cap, cat(kb, "", d->key, "_refractory"), MM_TYPE_BOOL, NULL, NULL, MM_FACT_DRUG, (int)i);
    d->slot_progressed_on = add(kb, cap, cat(kb, "", d->key, "_progressed_on"), MM_TYPE_BOOL, NULL, NULL, MM_FACT_DRUG, (int)i);
    d->slot_current = add(kb, cap, cat(kb, "", d->key, "_current"), MM_TYPE_BOOL, NULL, NULL, MM_FACT_DRUG, (int)i);
  }
  for (size_t i = 0; i < kb->n_classes; i++) {
    mm_class *c = &kb->classes[i];
    c->slot_exposed = add(kb, cap, cat(kb, "", c->id, "_exposed"), MM_TYPE_BOOL, NULL, NULL, MM_FACT_CLASS, (int)i);
    c->slot_refractory = add(kb, cap, cat(kb, "", c->id, "_refractory"), MM_TYPE_BOOL, NULL, NULL, MM_FACT_CLASS, (int)i);
    c->slot_progressed_on = add(kb, cap, cat(kb, "", c->id, "_progressed_on"), MM_TYPE_BOOL, NULL, NULL, MM_FACT_CLASS, (int)i);
    c->slot_current = add(kb, cap, cat(kb, "", c->id, "_current"), MM_TYPE_BOOL, NULL, NULL, MM_FACT_CLASS, (int)i);
    c->slot_exposed_count = add(kb, cap, cat(kb, "", c->id, "_exposed_count"), MM_TYPE_NUMBER, "drugs", NULL, MM_FACT_CLASS, (int)i);
    c->slot_refractory_count = add(kb, cap, cat(kb, "", c->id, "_refractory_count"), MM_TYPE_NUMBER, "drugs", NULL, MM_FACT_CLASS, (int)i);
  }
  /* The template of "no drug named": false, and counts of 0. */
  kb->exposure_first = MM_F_COUNT;
  kb->exposure_count = kb->n_facts - MM_F_COUNT;
  kb->exposure_none = mm_arena_alloc(&kb->arena, (kb->exposure_count + 1) * sizeof *kb->exposure_none);
  for (size_t i = 0; kb->exposure_none && i < kb->exposure_count; i++) {
    const mm_fact_def *f = &kb->facts[kb->exposure_first + i];
    kb->exposure_none[i] = f->type == MM_TYPE_NUMBER ? mm_value_number(0) : mm_value_bool(false);
  }
  for (size_t i = 0; i < kb->n_labs; i++) {
    mm_lab *l = &kb->labs[i];
    l->slot = l->values ? add(kb, cap, l->id, MM_TYPE_STRING, NULL, l->values, MM_FACT_LAB, (int)i)
                        : add(kb, cap, l->id, MM_TYPE_NUMBER, l->unit, NULL, MM_FACT_LAB, (int)i);
  }
  for (size_t i = 0; i < kb->n_comorbidities; i++) {
    mm_comorbidity *c = &kb->comorbidities[i];
    c->slot = add(kb, cap, cat(kb, "comorbidity_", c->id, ""), MM_TYPE_BOOL, NULL, NULL,
                  MM_FACT_COMORBIDITY, (int)i);
  }
  for (size_t i = 0; i < kb->n_composites; i++) {
    mm_composite *c = &kb->composites[i];
    c->slot = add(kb, cap, c->id, MM_TYPE_BOOL, NULL, NULL, MM_FACT_COMPOSITE, (int)i);
  }
  /* Every fact unknown: where deriving a record's facts starts. */
  kb->facts_unknown = mm_arena_alloc(&kb->arena, (kb->n_facts + 1) * sizeof *kb->facts_unknown);
  if (!kb->facts_unknown) return -1;
  for (size_t i = 0; i < kb->n_facts; i++) kb->facts_unknown[i] = mm_value_unknown(kb->facts[i].type);
  int dup = mm_kb_fact_index_build(kb);
  if (dup < 0) return -1;
  if (dup > 0) {
    mm_yaml_report(r, NULL, MM_E_DUPLICATE,
                   "two facts are named '%s' (a drug, class, lab or composite "
                 "id collides with another fact)", kb->facts[dup - 1].name);
    return -1;
  }
  return 0;
}
