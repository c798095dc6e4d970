/* kb_definitions.c: kb/definitions.yaml, the definitions the fact engine
 * applies: the refractoriness window and non-response categories (IMWG), the
 * rule that derives transplant eligibility when the clinician has not given
 * it, the drug classes that mark a line as CAR-T or bispecific for the
 * disease state, and composite facts such as triple_class_refractory, each a
 * rule. */
#include <string.h>

#include "kb/kb_internal.h"
#include "score/score.h"

static void read_composite(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *e, mm_composite *c) {
  static const char *const keys[] = {"id", "text", "when", MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(r, e, keys);
  c->id = mm_yaml_read_string(r, e, "id", true);
  c->text = mm_kb_read_text(r, e, "text", true);
  c->when = mm_yaml_read_string(r, e, "when", true);
  mm_kb_read_provenance(r, e, &c->prov);
  (void)kb;
}

/* A list of class ids of kb/vocabulary/classes.yaml, as indices. */
static int *read_classes(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *map, const char *key,
                         size_t *n) {
  size_t ns = 0;
  const char **ids = mm_yaml_read_strings(r, map, key, &ns, true);
  *n = 0;
  int *out = ids ? mm_arena_alloc(&kb->arena, (ns + 1) * sizeof *out) : NULL;
  if (!out) return NULL;
  const mm_yaml *list = mm_yaml_get(map, key);
  for (size_t i = 0; i < ns; i++) {
    const mm_class *c = mm_kb_find_class(kb, ids[i]);
    if (!c) {
      mm_yaml_report(r, list && i < list->n ? list->items[i] : map, MM_E_UNKNOWN_NAME,
                     "unknown drug class '%s' (kb/vocabulary/classes.yaml)", ids[i]);
      continue;
    }
    out[(*n)++] = (int)(c - kb->classes);
  }
  return out;
}

static void read_disease_state(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  const mm_yaml *ds = mm_yaml_get(root, "disease_state");
  if (!ds) {
    mm_yaml_report(r, root, MM_E_MISSING, "missing key 'disease_state'");
    return;
  }
  if (!mm_yaml_is_map(r, ds, "'disease_state'")) return;
  static const char *const keys[] = {"car_t_classes", "bispecific_classes",
                                     MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(r, ds, keys);
  kb->car_t_classes = read_classes(kb, r, ds, "car_t_classes", &kb->n_car_t_classes);
  kb->bispecific_classes = read_classes(kb, r, ds, "bispecific_classes",
                                        &kb->n_bispecific_classes);
  mm_kb_read_provenance(r, ds, &kb->disease_state_prov);
}

int mm_kb_load_definitions(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  if (!mm_yaml_is_map(r, root, "the file")) return -1;
  static const char *const top[] = {"refractoriness", "transplant_eligibility",
                                    "disease_state", "composites", NULL};
  mm_yaml_check_keys(r, root, top);
  const mm_yaml *refr = mm_yaml_get(root, "refractoriness");
  if (!refr) {
    mm_yaml_report(r, root, MM_E_MISSING, "missing key 'refractoriness'");
  } else if (mm_yaml_is_map(r, refr, "'refractoriness'")) {
    static const char *const keys[] = {"window_days", "nonresponse", MM_KB_PROVENANCE_KEYS, NULL};
    mm_yaml_check_keys(r, refr, keys);
    double days = 0;
    if (mm_yaml_read_number(r, refr, "window_days", &days, true)) {
      if (days < 0 || days > 3650 || days != (int)days)
        mm_yaml_report(r, mm_yaml_get(refr, "window_days"), MM_E_TYPE,
                       "'window_days' must be a whole number of days");
      kb->refractory_window_days = (int)days;
    }
    kb->nonresponse = mm_yaml_read_strings(r, refr, "nonresponse", &kb->n_nonresponse, true);
    /* A misspelt category would never match a line's best response. */
    for (size_t i = 0; kb->nonresponse && i < kb->n_nonresponse; i++) {
      bool known = false;
      for (const char *const *c = mm_response_cat_names; *c && !known; c++)
        known = strcmp(*c, kb->nonresponse[i]) == 0;
      if (!known)
        mm_yaml_report(r, mm_yaml_get(refr, "nonresponse"), MM_E_UNKNOWN_NAME,
                       "'%s' is not an IMWG response category (sCR, CR, VGPR, PR, MR, SD, PD)",
                       kb->nonresponse[i]);
    }
    mm_kb_read_provenance(r, refr, &kb->refractory_prov);
  }
  const mm_yaml *te = mm_yaml_get(root, "transplant_eligibility");
  if (!te) mm_yaml_report(r, root, MM_E_MISSING, "missing key 'transplant_eligibility'");
  else if (mm_yaml_is_map(r, te, "'transplant_eligibility'"))
    read_composite(kb, r, te, &kb->transplant_rule);
  read_disease_state(kb, r, root);
  const mm_yaml *list = mm_yaml_read_seq(r, root, "composites", true);
  if (!list) return -1;
  kb->composites = mm_arena_alloc(&kb->arena, (list->n + 1) * sizeof *kb->composites);
  if (!kb->composites) return -1;
  for (size_t i = 0; i < list->n; i++) {
    if (!mm_yaml_is_map(r, list->items[i], "a composite fact")) continue;
    mm_composite *c = &kb->composites[kb->n_composites];
    read_composite(kb, r, list->items[i], c);
    if (c->id) kb->n_composites++;
  }
  return 0;
}

static const mm_yaml *when_node(const mm_yaml *root, const char *id, bool is_transplant) {
  if (is_transplant) return mm_yaml_get(mm_yaml_get(root, "transplant_eligibility"), "when");
  const mm_yaml *list = mm_yaml_get(root, "composites");
  for (size_t i = 0; list && i < list->n; i++) {
    const mm_yaml *idn = mm_yaml_get(list->items[i], "id");
    if (idn && idn->kind == MM_YAML_SCALAR && strcmp(idn->str, id) == 0)
      return mm_yaml_get(list->items[i], "when");
  }
  return NULL;
}

/* Composites are computed in file order: each may read only earlier ones. */
int mm_kb_compile_definitions(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  if (kb->transplant_rule.when) {
    const mm_yaml *n = when_node(root, NULL, true);
    kb->transplant_rule.rule = mm_kb_compile_rule(kb, r, n);
    kb->transplant_rule.slot = mm_kb_fact_slot(kb, "transplant_eligible");
  }
  for (size_t i = 0; i < kb->n_composites; i++) {
    mm_composite *c = &kb->composites[i];
    const mm_yaml *n = when_node(root, c->id, false);
    c->rule = mm_kb_compile_rule(kb, r, n);
    if (!c->rule) continue;
    const int *slots;
    size_t ns = mm_rule_slots(c->rule, &slots);
    for (size_t k = 0; k < ns; k++) {
      const mm_fact_def *f = &kb->facts[slots[k]];
      if (f->source == MM_FACT_COMPOSITE && f->ref >= (int)i)
        mm_yaml_report(r, n, MM_E_ORDER,
                       "composite '%s' reads '%s', which is defined after it (or is itself)",
                     c->id, f->name);
      if (f->source == MM_FACT_EVALUATION)
        mm_yaml_report(r, n, MM_E_INVALID,
                       "composite '%s' reads '%s', which exists only while evaluating options",
                     c->id, f->name);
    }
  }
  return 0;
}
