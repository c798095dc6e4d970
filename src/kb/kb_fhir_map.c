/* kb_fhir_map.c: kb/fhir.yaml, the code -> mmpath vocabulary map of the FHIR
 * importer, checked strictly: unknown keys are errors, every target must
 * exist in the kb vocabularies (drug, lab and its unit spelling, comorbidity,
 * fish finding), every entry carries sources and dates, and a (system, code)
 * pair appears once. Errors read file:line:col: reason. */
#include "kb/kb_fhir_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kb/kb_internal.h"

const char *const mm_fhir_fish_names[] = {"del17p", "t4_14", "t14_16", "gain1q", "amp1q",
                                          "t11_14", NULL};
const char *const mm_fhir_stop_names[] = {"progression", "toxicity", "completed", "patient_choice",
                                          "other", NULL};
static const char *const obs_names[] = {"ecog", "karnofsky", "disease_status", "cytogenetics",
                                        "iscn", "iss_stage", "comorbidities", "riss_stage",
                                        NULL}; /* ORDER: mm_fhir_obs */
static const char *const status_names[] = {"progression", "improved", "stable", "undetermined",
                                           NULL}; /* ORDER: mm_fhir_status */
static const char *const result_names[] = {"present", "absent", "indeterminate",
                                           NULL}; /* ORDER: mm_fhir_result */
static const char *const kind_names[] = {"diagnosis", "drug", "lab", "comorbidity", "fish",
                                         "observation", "status", "iss", "stop_reason", "result",
                                         "procedure", "riss", NULL};
/* ORDER: kind_names is mm_fhir_kind */

typedef struct loader {
  mm_fhir_map *map;
  mm_kb *kb;
  mm_yaml_reader *r;
} loader;

static int index_of(const char *const *names, const char *s) {
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], s) == 0) return i;
  return -1;
}

static void load_systems(loader *l, const mm_yaml *root) {
  mm_fhir_map *m = l->map;
  mm_arena *a = &l->kb->arena;
  const mm_yaml *seq = mm_yaml_read_seq(l->r, root, "systems", true);
  if (!seq) return;
  if (seq->n == 0) {
    mm_yaml_report(l->r, seq, MM_E_MISSING, "'systems' must be a non-empty list of {id, uri}");
    return;
  }
  m->sys_uri = mm_arena_alloc(a, seq->n * sizeof *m->sys_uri);
  m->sys_id = mm_arena_alloc(a, seq->n * sizeof *m->sys_id);
  m->sys_label = mm_arena_alloc(a, seq->n * sizeof *m->sys_label);
  if (a->failed) return;
  static const char *const keys[] = {"id", "uri", "label", NULL};
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *s = seq->items[i];
    char what[40];
    snprintf(what, sizeof what, "systems[%zu]", i);
    if (!mm_yaml_is_map(l->r, s, what)) continue;
    mm_yaml_check_keys(l->r, s, keys);
    const char *id = mm_yaml_read_string(l->r, s, "id", true);
    const char *uri = mm_yaml_read_string(l->r, s, "uri", true);
    const char *label = mm_yaml_read_string(l->r, s, "label", true);
    if (!id || !uri || !label) continue;
    for (size_t k = 0; k < m->n_sys; k++)
      if (strcmp(m->sys_uri[k], uri) == 0)
        mm_yaml_report(l->r, mm_yaml_get(s, "uri"), MM_E_DUPLICATE, "%s: uri '%s' listed twice",
                       what, uri);
    m->sys_uri[m->n_sys] = uri;
    m->sys_id[m->n_sys] = id;
    m->sys_label[m->n_sys++] = label;
  }
}

static const char *system_uri(const mm_fhir_map *m, const char *id) {
  for (size_t k = 0; k < m->n_sys; k++)
    if (strcmp(m->sys_id[k], id) == 0) return m->sys_uri[k];
  return NULL;
}

const char *mm_fhir_system_label(const mm_fhir_map *map, const char *system) {
  if (!system) return "(no system)";
  for (size_t k = 0; k < map->n_sys; k++)
    if (strcmp(map->sys_uri[k], system) == 0) return map->sys_label[k];
  return system;
}

/* The units of a lab target t: {UCUM code: unit spelling of labs.yaml}. */
static void load_units(loader *l, const mm_yaml *t, mm_fhir_mapping *mp, const char *what) {
  const mm_lab *lab = &l->kb->labs[mp->ref];
  const mm_yaml *u = mm_yaml_get(t, "units");
  if (!u) {
    if (lab->unit)
      mm_yaml_report(l->r, t, MM_E_MISSING,
                     "%s: lab '%s' needs 'units' (UCUM code: labs.yaml spelling)", what, lab->id);
    return;
  }
  if (u->kind != MM_YAML_MAP || u->n == 0) {
    mm_yaml_report(l->r, u, MM_E_TYPE,
                   "%s: 'units' must be a map {UCUM code: unit spelling of labs.yaml}", what);
    return;
  }
  if (!lab->unit) {
    mm_yaml_report(l->r, u, MM_E_INVALID, "%s: lab '%s' is categorical and has no units", what,
                   lab->id);
    return;
  }
  mp->units = mm_arena_alloc(&l->kb->arena, u->n * sizeof *mp->units);
  if (!mp->units) return;
  for (size_t i = 0; i < u->n; i++) {
    const mm_yaml *v = u->items[i];
    if (v->kind != MM_YAML_SCALAR || !*v->str) {
      mm_yaml_report(l->r, v, MM_E_TYPE, "%s: units: '%s' must map to a unit spelling", what,
                     u->keys[i]->str);
      continue;
    }
    const mm_lab_unit *lu = NULL;
    for (size_t k = 0; k < lab->n_units; k++)
      if (strcasecmp(lab->units[k].unit, v->str) == 0) lu = &lab->units[k];
    if (!lu) {
      mm_yaml_report(l->r, v, MM_E_UNKNOWN_NAME,
                     "%s: unit '%s' is not accepted for lab '%s' in kb/vocabulary/labs.yaml",
                     what, v->str, lab->id);
      continue;
    }
    mp->units[mp->n_units++] = (mm_fhir_unit){u->keys[i]->str, lu->unit, lu->factor};
  }
}

/* The target of mapping e: one key, its kind, naming something of the kb. */
static void load_target(loader *l, const mm_yaml *e, mm_fhir_mapping *mp, const char *what) {
  const mm_yaml *t = mm_yaml_get(e, "target");
  if (!t || t->kind != MM_YAML_MAP || t->n == 0) {
    mm_yaml_report(l->r, t ? t : e, t ? MM_E_TYPE : MM_E_MISSING,
                   "%s: 'target' must be a map, e.g. {drug: bortezomib}", what);
    return;
  }
  int kind = index_of(kind_names, t->keys[0]->str);
  if (kind < 0) {
    mm_yaml_report(l->r, t->keys[0], MM_E_UNKNOWN_KEY,
                   "%s: unknown target kind '%s' (diagnosis, drug, lab, comorbidity, fish, "
                   "observation, status, iss, stop_reason, result, procedure, riss)", what, t->keys[0]->str);
    return;
  }
  mp->kind = (mm_fhir_kind)kind;
  static const char *const lab_keys[] = {"lab", "units", NULL};
  if (kind == MM_FHIR_LAB) mm_yaml_check_keys(l->r, t, lab_keys);
  else if (t->n > 1)
    mm_yaml_report(l->r, t->keys[1], MM_E_UNKNOWN_KEY, "%s: a target has one key", what);
  const mm_yaml *v = t->items[0];
  if (v->kind != MM_YAML_SCALAR || !*v->str) {
    mm_yaml_report(l->r, v, MM_E_TYPE, "%s: target %s must be a name", what, kind_names[kind]);
    return;
  }
  const char *s = v->str;
  mp->ref = -1;
  const mm_kb *kb = l->kb;
  switch (mp->kind) {
  case MM_FHIR_DIAGNOSIS:
    if (strcmp(s, "multiple_myeloma") == 0) mp->ref = 0;
    else mm_yaml_report(l->r, v, MM_E_INVALID, "%s: diagnosis must be multiple_myeloma", what);
    break;
  case MM_FHIR_DRUG: {
    const mm_drug *d = mm_kb_find_drug(kb, s);
    if (d && strcmp(d->id, s) == 0) mp->ref = (int)(d - kb->drugs);
    else mm_yaml_report(l->r, v, MM_E_UNKNOWN_NAME,
                        "%s: '%s' is not a drug id of kb/vocabulary/drugs.yaml", what, s);
    break;
  }
  case MM_FHIR_LAB: {
    const mm_lab *lab = mm_kb_find_lab(kb, s);
    if (!lab) {
      mm_yaml_report(l->r, v, MM_E_UNKNOWN_NAME,
                     "%s: '%s' is not a lab id of kb/vocabulary/labs.yaml", what, s);
      break;
    }
    mp->ref = (int)(lab - kb->labs);
    load_units(l, t, mp, what);
    break;
  }
  case MM_FHIR_COMORBIDITY: {
    const mm_comorbidity *c = mm_kb_find_comorbidity(kb, s);
    if (c) mp->ref = (int)(c - kb->comorbidities);
    else mm_yaml_report(l->r, v, MM_E_UNKNOWN_NAME,
                        "%s: '%s' is not a comorbidity id of kb/vocabulary/comorbidities.yaml",
                        what, s);
    break;
  }
  case MM_FHIR_FISH:
    if ((mp->ref = index_of(mm_fhir_fish_names, s)) < 0)
      mm_yaml_report(l->r, v, MM_E_INVALID,
                     "%s: fish finding must be del17p, t4_14, t14_16, gain1q or amp1q", what);
    break;
  case MM_FHIR_OBSERVATION:
    if ((mp->ref = index_of(obs_names, s)) < 0)
      mm_yaml_report(l->r, v, MM_E_INVALID,
                     "%s: observation must be ecog, karnofsky, disease_status, cytogenetics, "
                     "iscn or iss_stage", what);
    break;
  case MM_FHIR_STATUS:
    if ((mp->ref = index_of(status_names, s)) < 0)
      mm_yaml_report(l->r, v, MM_E_INVALID,
                     "%s: status must be progression, improved, stable or undetermined", what);
    break;
  case MM_FHIR_ISS:
  case MM_FHIR_RISS:
    if (strlen(s) == 1 && s[0] >= '1' && s[0] <= '3') mp->ref = s[0] - '0';
    else mm_yaml_report(l->r, v, MM_E_INVALID, "%s: %s must be 1, 2 or 3", what, t->keys[0]->str);
    break;
  case MM_FHIR_STOP:
    if ((mp->ref = index_of(mm_fhir_stop_names, s)) < 0)
      mm_yaml_report(l->r, v, MM_E_INVALID,
                     "%s: stop_reason must be progression, toxicity, completed, patient_choice "
                     "or other", what);
    break;
  case MM_FHIR_RESULT:
    if ((mp->ref = index_of(result_names, s)) < 0)
      mm_yaml_report(l->r, v, MM_E_INVALID,
                     "%s: result must be present, absent or indeterminate", what);
    break;
  case MM_FHIR_PROCEDURE:
    if (strcmp(s, "asct") == 0) mp->ref = MM_FHIR_PROC_ASCT;
    else if (strcmp(s, "car_t_apheresis") == 0) mp->ref = MM_FHIR_PROC_APHERESIS;
    else mm_yaml_report(l->r, v, MM_E_INVALID, "%s: procedure must be asct or car_t_apheresis", what);
    break;
  }
}

static void load_mappings(loader *l, const mm_yaml *root) {
  mm_fhir_map *m = l->map;
  const mm_yaml *seq = mm_yaml_read_seq(l->r, root, "mappings", true);
  if (!seq) return;
  m->maps = mm_arena_alloc(&l->kb->arena, (seq->n + 1) * sizeof *m->maps);
  if (!m->maps) return;
  static const char *const keys[] = {"system", "code", "display", "target",
                                     MM_KB_PROVENANCE_KEYS, NULL};
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *e = seq->items[i];
    char what[48];
    snprintf(what, sizeof what, "mappings[%zu]", i);
    if (!mm_yaml_is_map(l->r, e, what)) continue;
    mm_yaml_check_keys(l->r, e, keys);
    mm_fhir_mapping mp = {.line = e->line};
    const char *sys = mm_yaml_read_string(l->r, e, "system", true);
    mp.code = mm_yaml_read_string(l->r, e, "code", true);
    mp.display = mm_yaml_read_string(l->r, e, "display", true);
    mp.verification = mm_kb_check_provenance(l->r, e, what);
    if (sys && !(mp.system = system_uri(m, sys)))
      mm_yaml_report(l->r, mm_yaml_get(e, "system"), MM_E_UNKNOWN_NAME,
                     "%s: unknown system '%s' (see 'systems')", what, sys);
    mp.sys_name = sys;
    load_target(l, e, &mp, what);
    if (!mp.system || !mp.code) continue;
    const mm_fhir_mapping *dup = mm_fhir_map_find(m, mp.system, mp.code);
    if (dup) {
      mm_yaml_report(l->r, mm_yaml_get(e, "code"), MM_E_DUPLICATE,
                     "%s: %s %s is already mapped at line %d", what, sys, mp.code, dup->line);
      continue;
    }
    m->maps[m->n_maps++] = mp;
  }
}

/* line_grouping: the windows of src/facts/line_grouping.c, whole days. */
static const char *const window_keys[] = {"gap_days", "regimen_days", "maintenance_days",
                                          "conditioning_days", "bridging_days", NULL};

static void load_grouping(loader *l, const mm_yaml *root) {
  const mm_yaml *g = mm_yaml_read_map(l->r, root, "line_grouping", true);
  if (!g) return;
  static const char *const keys[] = {"gap_days", "regimen_days", "maintenance_days",
                                     "conditioning_days", "bridging_days", "steroid_classes",
                                     MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(l->r, g, keys);
  mm_kb_check_provenance(l->r, g, "line_grouping");
  int *out[] = {&l->map->gap_days, &l->map->regimen_days, &l->map->maintenance_days,
                &l->map->conditioning_days, &l->map->bridging_days};
  for (int i = 0; window_keys[i]; i++) {
    const char *v = mm_yaml_read_string(l->r, g, window_keys[i], true);
    if (!v) continue;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || end == v || n < 0 || n > 365)
      mm_yaml_report(l->r, mm_yaml_get(g, window_keys[i]), MM_E_RANGE,
                     "line_grouping: %s must be a whole number 0..365", window_keys[i]);
    else *out[i] = (int)n;
  }
  /* the drug classes that never bound a line (corticosteroids) */
  size_t ns = 0;
  const char **ids = mm_yaml_read_strings(l->r, g, "steroid_classes", &ns, true);
  l->map->steroid_classes = ids ? mm_arena_alloc(&l->kb->arena, (ns + 1) * sizeof(int)) : NULL;
  const mm_yaml *list = mm_yaml_get(g, "steroid_classes");
  for (size_t i = 0; l->map->steroid_classes && i < ns; i++) {
    const mm_class *c = mm_kb_find_class(l->kb, ids[i]);
    if (!c)
      mm_yaml_report(l->r, list && i < list->n ? list->items[i] : g, MM_E_UNKNOWN_NAME,
                     "line_grouping: unknown drug class '%s' (kb/vocabulary/classes.yaml)", ids[i]);
    else l->map->steroid_classes[l->map->n_steroid_classes++] = (int)(c - l->kb->classes);
  }
}

/* supportive: [{id, atc, names, sources...}]: drugs that are not myeloma
 * therapy (bone, infection, growth factors...): never part of a line. */
static void load_supportive(loader *l, const mm_yaml *root) {
  mm_fhir_map *m = l->map;
  const mm_yaml *seq = mm_yaml_read_seq(l->r, root, "supportive", true);
  if (!seq || seq->n == 0) return;
  m->supportive = mm_arena_alloc(&l->kb->arena, seq->n * sizeof *m->supportive);
  if (!m->supportive) return;
  static const char *const keys[] = {"id", "atc", "names", MM_KB_PROVENANCE_KEYS, NULL};
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *e = seq->items[i];
    char what[48];
    snprintf(what, sizeof what, "supportive[%zu]", i);
    if (!mm_yaml_is_map(l->r, e, what)) continue;
    mm_yaml_check_keys(l->r, e, keys);
    mm_kb_check_provenance(l->r, e, what);
    mm_fhir_supportive s = {0};
    s.id = mm_yaml_read_string(l->r, e, "id", true);
    s.atc = mm_yaml_read_string(l->r, e, "atc", true);
    const mm_yaml *names = mm_yaml_read_seq(l->r, e, "names", true);
    if (!s.id || !s.atc || !names) continue;
    s.names = mm_arena_alloc(&l->kb->arena, (names->n + 1) * sizeof *s.names);
    if (!s.names) return;
    for (size_t k = 0; k < names->n; k++) {
      const mm_yaml *nm = names->items[k];
      if (nm->kind != MM_YAML_SCALAR) {
        mm_yaml_report(l->r, nm, MM_E_TYPE, "%s.names[%zu]: must be a string", what, k);
        continue;
      }
      if (mm_kb_find_drug(l->kb, nm->str))
        mm_yaml_report(l->r, nm, MM_E_DUPLICATE, "%s: '%s' is a myeloma drug of drugs.yaml", what,
                       nm->str);
      s.names[s.n_names++] = nm->str;
    }
    m->supportive[m->n_supportive++] = s;
  }
}

/* Whether text begins with name (case-insensitive) followed by its end, a
 * space, '*' (an AIFA pack: "ZOMETA*IV 1FL") or a digit. */
static bool names_product(const char *text, const char *name) {
  size_t n = strlen(name);
  if (strncasecmp(text, name, n) != 0) return false;
  char c = text[n];
  return c == 0 || c == ' ' || c == '*' || (c >= '0' && c <= '9');
}

const mm_fhir_supportive *mm_fhir_supportive_find(const mm_fhir_map *map, const char *atc,
                                                  const char *text) {
  for (size_t i = 0; i < map->n_supportive; i++) {
    const mm_fhir_supportive *s = &map->supportive[i];
    if (atc && strcmp(atc, s->atc) == 0) return s;
    for (size_t k = 0; text && k < s->n_names; k++)
      if (names_product(text, s->names[k])) return s;
  }
  return NULL;
}

/* ucum_case_variants: [{variant, ucum, sources...}]; each variant equals its
 * UCUM code but for case, and the code is a unit of some lab mapping. */
static void load_case_variants(loader *l, const mm_yaml *root) {
  mm_fhir_map *m = l->map;
  const mm_yaml *seq = mm_yaml_read_seq(l->r, root, "ucum_case_variants", false);
  if (!seq || seq->n == 0) return;
  m->case_variant = mm_arena_alloc(&l->kb->arena, seq->n * sizeof *m->case_variant);
  m->case_ucum = mm_arena_alloc(&l->kb->arena, seq->n * sizeof *m->case_ucum);
  if (!m->case_variant || !m->case_ucum) return;
  static const char *const keys[] = {"variant", "ucum", MM_KB_PROVENANCE_KEYS, NULL};
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *e = seq->items[i];
    char what[48];
    snprintf(what, sizeof what, "ucum_case_variants[%zu]", i);
    if (!mm_yaml_is_map(l->r, e, what)) continue;
    mm_yaml_check_keys(l->r, e, keys);
    mm_kb_check_provenance(l->r, e, what);
    const char *var = mm_yaml_read_string(l->r, e, "variant", true);
    const char *ucum = mm_yaml_read_string(l->r, e, "ucum", true);
    if (!var || !ucum) continue;
    if (strcasecmp(var, ucum) != 0 || strcmp(var, ucum) == 0) {
      mm_yaml_report(l->r, mm_yaml_get(e, "variant"), MM_E_INVALID,
                     "%s: '%s' is not a case variant of '%s'", what, var, ucum);
      continue;
    }
    bool known = false;
    for (size_t k = 0; k < m->n_maps && !known; k++)
      for (size_t u = 0; u < m->maps[k].n_units && !known; u++)
        known = strcmp(m->maps[k].units[u].ucum, ucum) == 0;
    if (!known) {
      mm_yaml_report(l->r, mm_yaml_get(e, "ucum"), MM_E_UNKNOWN_NAME,
                     "%s: '%s' is not a UCUM unit of any lab mapping", what, ucum);
      continue;
    }
    if (mm_fhir_ucum_case(m, var)) {
      mm_yaml_report(l->r, mm_yaml_get(e, "variant"), MM_E_DUPLICATE, "%s: '%s' listed twice",
                     what, var);
      continue;
    }
    m->case_variant[m->n_case] = var;
    m->case_ucum[m->n_case++] = ucum;
  }
}

const char *mm_fhir_ucum_case(const mm_fhir_map *map, const char *unit) {
  for (size_t i = 0; unit && i < map->n_case; i++)
    if (strcmp(map->case_variant[i], unit) == 0) return map->case_ucum[i];
  return NULL;
}

const mm_fhir_mapping *mm_fhir_map_find(const mm_fhir_map *map, const char *system,
                                        const char *code) {
  if (!system || !code) return NULL;
  for (size_t i = 0; i < map->n_maps; i++)
    if (strcmp(map->maps[i].code, code) == 0 && strcmp(map->maps[i].system, system) == 0)
      return &map->maps[i];
  return NULL;
}

int mm_kb_load_fhir_map(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  mm_fhir_map *m = mm_arena_alloc(&kb->arena, sizeof *m);
  if (!m) return -1;
  memset(m, 0, sizeof *m);
  kb->fhir_map = m;
  m->file = root->file;
  if (!mm_yaml_is_map(r, root, "the file")) return -1;
  loader l = {m, kb, r};
  static const char *const keys[] = {"schema_version", "systems", "line_grouping", "mappings",
                                     "ucum_case_variants", "supportive", NULL};
  mm_yaml_check_keys(r, root, keys);
  const char *sv = mm_yaml_read_string(r, root, "schema_version", true);
  if (sv && strcmp(sv, "1") != 0)
    mm_yaml_report(r, mm_yaml_get(root, "schema_version"), MM_E_INVALID,
                   "schema_version must be 1, got '%s'", sv);
  load_systems(&l, root);
  load_grouping(&l, root);
  load_mappings(&l, root);
  load_case_variants(&l, root);
  load_supportive(&l, root);
  return 0;
}
