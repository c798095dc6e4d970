/* kb_vocabulary.c: the files of kb/vocabulary: classes, drugs, regimens, labs and
 * comorbidities, with every name registered for lookup. */
#include <stdio.h>
#include <string.h>

#include "kb/kb_internal.h"

static const mm_yaml *entries(mm_yaml_reader *r, const mm_yaml *root, const char *key) {
  if (!mm_yaml_is_map(r, root, "the file")) return NULL;
  const char *const keys[] = {key, NULL};
  mm_yaml_check_keys(r, root, keys);
  return mm_yaml_read_seq(r, root, key, true);
}

static void add_name(mm_kb *kb, mm_yaml_reader *r, mm_name_kind kind, const char *name,
                     int index, const mm_yaml *at, const char *what) {
  int other = -1;
  int rc = mm_kb_names_add(kb, kind, name, index, &other);
  if (rc == -3) mm_yaml_report(r, at, MM_E_LIMIT,
                               "%s name '%s': too many names in the knowledge base", what, name);
  if (rc == -1) {
    const char *other_id = kind == MM_NAME_DRUG ? kb->drugs[other].id
                           : kind == MM_NAME_CLASS ? kb->classes[other].id
                           : kind == MM_NAME_REGIMEN ? kb->regimens[other].id
                                                     : kb->ambiguities[other].name;
    mm_yaml_report(r, at, MM_E_DUPLICATE, "%s name '%s' already names '%s'", what, name, other_id);
  }
}

int mm_kb_load_classes(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  const mm_yaml *list = entries(r, root, "classes");
  if (!list) return -1;
  kb->classes = mm_arena_alloc(&kb->arena, (list->n + 1) * sizeof *kb->classes);
  if (!kb->classes) return -1;
  static const char *const keys[] = {"id", "name", "synonyms", "cross_refractory",
                                     MM_KB_PROVENANCE_KEYS, NULL};
  for (size_t i = 0; i < list->n; i++) {
    const mm_yaml *e = list->items[i];
    if (!mm_yaml_is_map(r, e, "a class")) continue;
    mm_yaml_check_keys(r, e, keys);
    mm_class *c = &kb->classes[kb->n_classes];
    c->id = mm_yaml_read_string(r, e, "id", true);
    c->name = mm_kb_read_text(r, e, "name", true);
    c->synonyms = mm_yaml_read_strings(r, e, "synonyms", &c->n_synonyms, false);
    mm_kb_read_provenance(r, e, &c->prov);
    mm_kb_read_cross_refractory(kb, r, e, c);
    if (!c->id) continue;
    int idx = (int)kb->n_classes++;
    add_name(kb, r, MM_NAME_CLASS, c->id, idx, e, "class");
    for (size_t k = 0; k < c->n_synonyms; k++)
      add_name(kb, r, MM_NAME_CLASS, c->synonyms[k], idx, e, "class");
  }
  return 0;
}

static const char *fact_key(mm_arena *a, const char *id) {
  char *k = mm_arena_strdup(a, id);
  if (!k) return NULL;
  for (char *p = k; *p; p++)
    if (*p == '-' || *p == ' ') *p = '_';
  return k;
}

int mm_kb_load_drugs(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  const mm_yaml *list = entries(r, root, "drugs");
  if (!list) return -1;
  kb->drugs = mm_arena_alloc(&kb->arena, (list->n + 1) * sizeof *kb->drugs);
  if (!kb->drugs) return -1;
  static const char *const keys[] = {"id", "name", "classes", "target", "atc", "brands",
                                     "synonyms", MM_KB_PROVENANCE_KEYS, NULL};
  for (size_t i = 0; i < list->n; i++) {
    const mm_yaml *e = list->items[i];
    if (!mm_yaml_is_map(r, e, "a drug")) continue;
    mm_yaml_check_keys(r, e, keys);
    mm_drug *d = &kb->drugs[kb->n_drugs];
    d->id = mm_yaml_read_string(r, e, "id", true);
    d->name = mm_kb_read_text(r, e, "name", true);
    size_t nc = 0;
    const char **classes = mm_yaml_read_strings(r, e, "classes", &nc, true);
    d->classes = mm_arena_alloc(&kb->arena, (nc + 1) * sizeof *d->classes);
    for (size_t k = 0; k < nc && d->classes; k++) {
      int ci;
      if (!mm_kb_names_get(kb, MM_NAME_CLASS, classes[k], &ci)) {
        mm_yaml_report(r, mm_yaml_get(e, "classes"), MM_E_UNKNOWN_NAME,
                       "unknown class '%s'", classes[k]);
        continue;
      }
      d->classes[d->n_classes++] = ci;
      kb->classes[ci].n_members++;
    }
    d->target = mm_kb_read_text(r, e, "target", false);
    d->atc = mm_yaml_read_string(r, e, "atc", false);
    d->brands = mm_yaml_read_strings(r, e, "brands", &d->n_brands, false);
    d->synonyms = mm_yaml_read_strings(r, e, "synonyms", &d->n_synonyms, false);
    mm_kb_read_provenance(r, e, &d->prov);
    if (!d->id) continue;
    d->key = fact_key(&kb->arena, d->id);
    int idx = (int)kb->n_drugs++;
    add_name(kb, r, MM_NAME_DRUG, d->id, idx, e, "drug");
    for (size_t k = 0; k < d->n_brands; k++)
      add_name(kb, r, MM_NAME_DRUG, d->brands[k], idx, e, "drug");
    for (size_t k = 0; k < d->n_synonyms; k++)
      add_name(kb, r, MM_NAME_DRUG, d->synonyms[k], idx, e, "drug");
    if (mm_kb_names_get(kb, MM_NAME_CLASS, d->id, NULL))
      mm_yaml_report(r, e, MM_E_DUPLICATE, "drug '%s' has the name of a class", d->id);
  }
  return 0;
}

int mm_kb_load_regimens(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  if (!mm_yaml_is_map(r, root, "the file")) return -1;
  static const char *const top[] = {"regimens", "ambiguous", NULL};
  mm_yaml_check_keys(r, root, top);
  const mm_yaml *list = mm_yaml_read_seq(r, root, "regimens", true);
  if (!list) return -1;
  kb->regimens = mm_arena_alloc(&kb->arena, (list->n + 1) * sizeof *kb->regimens);
  if (!kb->regimens) return -1;
  static const char *const keys[] = {"id", "variants", "drugs", "name",
                                     MM_KB_PROVENANCE_KEYS, NULL};
  for (size_t i = 0; i < list->n; i++) {
    const mm_yaml *e = list->items[i];
    if (!mm_yaml_is_map(r, e, "a regimen")) continue;
    mm_yaml_check_keys(r, e, keys);
    mm_regimen *g = &kb->regimens[kb->n_regimens];
    g->id = mm_yaml_read_string(r, e, "id", true);
    g->variants = mm_yaml_read_strings(r, e, "variants", &g->n_variants, false);
    g->name = mm_kb_read_text(r, e, "name", false);
    size_t nd = 0;
    const char **drugs = mm_yaml_read_strings(r, e, "drugs", &nd, true);
    g->drugs = mm_arena_alloc(&kb->arena, (nd + 1) * sizeof *g->drugs);
    for (size_t k = 0; k < nd && g->drugs; k++) {
      const mm_drug *d = mm_kb_find_drug(kb, drugs[k]);
      if (!d) {
        mm_yaml_report(r, mm_yaml_get(e, "drugs"), MM_E_UNKNOWN_NAME,
                       "regimen '%s': unknown drug '%s'",
                     g->id ? g->id : "?", drugs[k]);
        continue;
      }
      g->drugs[g->n_drugs++] = (int)(d - kb->drugs);
    }
    mm_kb_read_provenance(r, e, &g->prov);
    if (!g->id) continue;
    int idx = (int)kb->n_regimens++;
    add_name(kb, r, MM_NAME_REGIMEN, g->id, idx, e, "regimen");
    for (size_t k = 0; k < g->n_variants; k++)
      add_name(kb, r, MM_NAME_REGIMEN, g->variants[k], idx, e, "regimen");
  }
  const mm_yaml *amb = mm_yaml_read_seq(r, root, "ambiguous", false);
  if (!amb) return 0;
  kb->ambiguities = mm_arena_alloc(&kb->arena, (amb->n + 1) * sizeof *kb->ambiguities);
  if (!kb->ambiguities) return -1;
  static const char *const akeys[] = {"name", "candidates", "reason",
                                      MM_KB_PROVENANCE_KEYS, NULL};
  for (size_t i = 0; i < amb->n; i++) {
    const mm_yaml *e = amb->items[i];
    if (!mm_yaml_is_map(r, e, "an ambiguous name")) continue;
    mm_yaml_check_keys(r, e, akeys);
    mm_ambiguity *a = &kb->ambiguities[kb->n_ambiguities];
    a->name = mm_yaml_read_string(r, e, "name", true);
    a->candidates = mm_yaml_read_strings(r, e, "candidates", &a->n_candidates, true);
    a->reason = mm_kb_read_text(r, e, "reason", true);
    mm_kb_read_provenance(r, e, &a->prov);
    for (size_t k = 0; k < a->n_candidates; k++)
      if (!mm_kb_names_get(kb, MM_NAME_REGIMEN, a->candidates[k], NULL))
        mm_yaml_report(r, mm_yaml_get(e, "candidates"), MM_E_UNKNOWN_NAME, "unknown regimen '%s'",
                     a->candidates[k]);
    if (!a->name) continue;
    if (mm_kb_names_get(kb, MM_NAME_REGIMEN, a->name, NULL))
      mm_yaml_report(r, e, MM_E_DUPLICATE, "'%s' is both a regimen and an ambiguous name", a->name);
    add_name(kb, r, MM_NAME_AMBIGUOUS, a->name, (int)kb->n_ambiguities++, e, "ambiguous");
  }
  return 0;
}

int mm_kb_load_labs(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  const mm_yaml *list = entries(r, root, "labs");
  if (!list) return -1;
  kb->labs = mm_arena_alloc(&kb->arena, (list->n + 1) * sizeof *kb->labs);
  if (!kb->labs) return -1;
  static const char *const keys[] = {"id", "name", "unit", "units", "range", "values",
                                     MM_KB_PROVENANCE_KEYS, NULL};
  for (size_t i = 0; i < list->n; i++) {
    const mm_yaml *e = list->items[i];
    if (!mm_yaml_is_map(r, e, "a lab test")) continue;
    mm_yaml_check_keys(r, e, keys);
    mm_lab *l = &kb->labs[kb->n_labs];
    l->id = mm_yaml_read_string(r, e, "id", true);
    l->name = mm_kb_read_text(r, e, "name", true);
    l->values = mm_yaml_read_strings(r, e, "values", &l->n_values, false);
    mm_kb_read_provenance(r, e, &l->prov);
    if (!l->values) {
      l->unit = mm_yaml_read_string(r, e, "unit", true);
      const mm_yaml *units = mm_yaml_read_seq(r, e, "units", true);
      if (units) {
        l->units = mm_arena_alloc(&kb->arena, (units->n + 1) * sizeof *l->units);
        static const char *const ukeys[] = {"unit", "factor", NULL};
        for (size_t k = 0; k < units->n && l->units; k++) {
          const mm_yaml *u = units->items[k];
          if (!mm_yaml_is_map(r, u, "a unit")) continue;
          mm_yaml_check_keys(r, u, ukeys);
          mm_lab_unit *lu = &l->units[l->n_units];
          lu->unit = mm_yaml_read_string(r, u, "unit", true);
          if (!mm_yaml_read_number(r, u, "factor", &lu->factor, true) || !lu->unit) continue;
          if (lu->factor <= 0) {
            mm_yaml_report(r, u, MM_E_RANGE, "'factor' must be positive");
            continue;
          }
          l->n_units++;
        }
      }
      const mm_yaml *range = mm_yaml_get(e, "range");
      if (range && mm_yaml_is_map(r, range, "'range'")) {
        static const char *const rkeys[] = {"min", "max", NULL};
        mm_yaml_check_keys(r, range, rkeys);
        l->has_range = mm_yaml_read_number(r, range, "min", &l->min, true) &
                       mm_yaml_read_number(r, range, "max", &l->max, true);
        if (l->has_range && l->min > l->max) mm_yaml_report(r, range, MM_E_RANGE,
                                                            "'min' above 'max'");
      }
    } else if (mm_yaml_get(e, "unit") || mm_yaml_get(e, "units")) {
      mm_yaml_report(r, e, MM_E_INVALID, "a categorical test (with 'values') has no units");
    }
    if (!l->id) continue;
    for (size_t k = 0; k < kb->n_labs; k++)
      if (strcmp(kb->labs[k].id, l->id) == 0) mm_yaml_report(r, e, MM_E_DUPLICATE,
                                                             "duplicate lab id '%s'", l->id);
    kb->n_labs++;
  }
  kb->lab_beta2m = mm_kb_find_lab(kb, "beta2m");
  kb->lab_albumin = mm_kb_find_lab(kb, "albumin");
  return 0;
}

int mm_kb_load_comorbidities(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  const mm_yaml *list = entries(r, root, "comorbidities");
  if (!list) return -1;
  kb->comorbidities = mm_arena_alloc(&kb->arena, (list->n + 1) * sizeof *kb->comorbidities);
  if (!kb->comorbidities) return -1;
  static const char *const keys[] = {"id", "name", "transplant_disqualifying",
                                     MM_KB_PROVENANCE_KEYS, NULL};
  for (size_t i = 0; i < list->n; i++) {
    const mm_yaml *e = list->items[i];
    if (!mm_yaml_is_map(r, e, "a comorbidity")) continue;
    mm_yaml_check_keys(r, e, keys);
    mm_comorbidity *c = &kb->comorbidities[kb->n_comorbidities];
    c->id = mm_yaml_read_string(r, e, "id", true);
    c->name = mm_kb_read_text(r, e, "name", true);
    c->transplant_disqualifying = mm_yaml_read_bool(r, e, "transplant_disqualifying", false);
    mm_kb_read_provenance(r, e, &c->prov);
    if (!c->id) continue;
    for (size_t k = 0; k < kb->n_comorbidities; k++)
      if (strcmp(kb->comorbidities[k].id, c->id) == 0)
        mm_yaml_report(r, e, MM_E_DUPLICATE, "duplicate comorbidity id '%s'", c->id);
    kb->n_comorbidities++;
  }
  return 0;
}
