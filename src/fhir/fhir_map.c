/* fhir_map.c: loads kb/fhir.yaml, the code -> mmpath vocabulary map of the
 * FHIR importer, and checks it strictly: unknown keys are errors, every
 * target must exist in the kb vocabularies (drug, lab and its unit spelling,
 * comorbidity, fish finding), every entry carries sources and dates, and a
 * (system, code) pair appears once. Errors read file:line:col: reason. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fhir/fhir.h"
#include "yaml/yaml_tree.h"

const char *const mm_fhir_fish_names[] = {"del17p", "t4_14", "t14_16", "gain1q", "amp1q", NULL};
const char *const mm_fhir_stop_names[] = {"progression", "toxicity", "completed", "patient_choice",
                                          "other", NULL};
static const char *const obs_names[] = {"ecog", "karnofsky", "disease_status", "cytogenetics",
                                        "iscn", "iss_stage", NULL}; /* ORDER: mm_fhir_obs */
static const char *const status_names[] = {"progression", "improved", "stable", "undetermined",
                                           NULL}; /* ORDER: mm_fhir_status */
static const char *const kind_names[] = {"diagnosis", "drug", "lab", "comorbidity", "fish",
                                         "observation", "status", "iss", "stop_reason", NULL};
/* ORDER: kind_names is mm_fhir_kind */

typedef struct loader {
  mm_fhir_map *map;
  const mm_kb *kb;
  mm_diags *d;
} loader;

static void err(loader *l, const mm_yaml *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err(loader *l, const mm_yaml *at, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  mm_diag_error(l->d, l->map->file, at ? at->line : 0, at ? at->col : 0, NULL, "%s", msg);
}

static const char *scalar(loader *l, const mm_yaml *map, const char *key, const char *what) {
  const mm_yaml *v = mm_yaml_get(map, key);
  if (!v || v->kind != MM_YAML_SCALAR || !v->str || !*v->str) {
    err(l, v ? v : map, "%s: '%s' must be a non-empty string", what, key);
    return NULL;
  }
  return v->str;
}

static void only_keys(loader *l, const mm_yaml *m, const char *const *keys, const char *what) {
  for (size_t i = 0; i < m->n; i++) {
    bool ok = false;
    for (const char *const *k = keys; *k; k++) ok = ok || strcmp(*k, m->keys[i]->str) == 0;
    if (!ok) err(l, m->keys[i], "%s: unknown key '%s'", what, m->keys[i]->str);
  }
}

static int index_of(const char *const *names, const char *s) {
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], s) == 0) return i;
  return -1;
}

/* sources, updated, reviewed, verification (docs/kb-format.md). */
static mm_verification provenance(loader *l, const mm_yaml *m, const char *what) {
  const mm_yaml *s = mm_yaml_get(m, "sources");
  if (!s || s->kind != MM_YAML_SEQ || s->n == 0)
    err(l, s ? s : m, "%s: 'sources' must be a non-empty list", what);
  else
    for (size_t i = 0; i < s->n; i++)
      if (s->items[i]->kind != MM_YAML_SCALAR || !*s->items[i]->str)
        err(l, s->items[i], "%s: each source must be a non-empty string", what);
  const char *keys[] = {"updated", "reviewed"};
  for (int i = 0; i < 2; i++) {
    const char *v = scalar(l, m, keys[i], what);
    mm_date dt;
    if (v && !mm_date_parse(v, strlen(v), &dt))
      err(l, mm_yaml_get(m, keys[i]), "%s: '%s' must be YYYY-MM-DD, got '%s'", what, keys[i], v);
  }
  const mm_yaml *ver = mm_yaml_get(m, "verification");
  if (!ver) return MM_VERIFIED;
  if (ver->kind == MM_YAML_SCALAR) {
    if (strcmp(ver->str, "verified") == 0) return MM_VERIFIED;
    if (strcmp(ver->str, "secondary") == 0) return MM_SECONDARY;
    if (strcmp(ver->str, "unverified") == 0) return MM_UNVERIFIED;
  }
  err(l, ver, "%s: verification must be verified, secondary or unverified", what);
  return MM_UNVERIFIED;
}

static void load_systems(loader *l, const mm_yaml *root) {
  mm_fhir_map *m = l->map;
  const mm_yaml *seq = mm_yaml_get(root, "systems");
  if (!seq || seq->kind != MM_YAML_SEQ || seq->n == 0) {
    err(l, seq ? seq : root, "'systems' must be a non-empty list of {id, uri}");
    return;
  }
  m->sys_uri = mm_arena_alloc(&m->arena, seq->n * sizeof *m->sys_uri);
  m->sys_id = mm_arena_alloc(&m->arena, seq->n * sizeof *m->sys_id);
  m->sys_label = mm_arena_alloc(&m->arena, seq->n * sizeof *m->sys_label);
  if (m->arena.failed) return;
  static const char *const keys[] = {"id", "uri", "label", NULL};
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *s = seq->items[i];
    char what[40];
    snprintf(what, sizeof what, "systems[%zu]", i);
    if (s->kind != MM_YAML_MAP) {
      err(l, s, "%s: expected {id, uri, label}", what);
      continue;
    }
    only_keys(l, s, keys, what);
    const char *id = scalar(l, s, "id", what), *uri = scalar(l, s, "uri", what);
    const char *label = scalar(l, s, "label", what);
    if (!id || !uri || !label) continue;
    for (size_t k = 0; k < m->n_sys; k++)
      if (strcmp(m->sys_uri[k], uri) == 0)
        err(l, mm_yaml_get(s, "uri"), "%s: uri '%s' listed twice", what, uri);
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

static void load_units(loader *l, const mm_yaml *u, mm_fhir_mapping *mp, const char *what) {
  const mm_lab *lab = &l->kb->labs[mp->ref];
  if (!u) {
    if (lab->unit) err(l, NULL, "%s: lab '%s' needs 'units' (UCUM code: labs.yaml spelling)",
                       what, lab->id);
    return;
  }
  if (u->kind != MM_YAML_MAP || u->n == 0) {
    err(l, u, "%s: 'units' must be a map {UCUM code: unit spelling of labs.yaml}", what);
    return;
  }
  if (!lab->unit) {
    err(l, u, "%s: lab '%s' is categorical and has no units", what, lab->id);
    return;
  }
  mp->units = mm_arena_alloc(&l->map->arena, u->n * sizeof *mp->units);
  if (!mp->units) return;
  for (size_t i = 0; i < u->n; i++) {
    const mm_yaml *v = u->items[i];
    if (v->kind != MM_YAML_SCALAR || !*v->str) {
      err(l, v, "%s: units: '%s' must map to a unit spelling", what, u->keys[i]->str);
      continue;
    }
    const mm_lab_unit *lu = NULL;
    for (size_t k = 0; k < lab->n_units; k++)
      if (strcasecmp(lab->units[k].unit, v->str) == 0) lu = &lab->units[k];
    if (!lu) {
      err(l, v, "%s: unit '%s' is not accepted for lab '%s' in kb/vocabulary/labs.yaml", what,
          v->str, lab->id);
      continue;
    }
    mp->units[mp->n_units++] = (mm_fhir_unit){u->keys[i]->str, lu->unit, lu->factor};
  }
}

static void load_target(loader *l, const mm_yaml *t, mm_fhir_mapping *mp, const char *what) {
  if (!t || t->kind != MM_YAML_MAP || t->n == 0) {
    err(l, t, "%s: 'target' must be a map, e.g. {drug: bortezomib}", what);
    return;
  }
  int kind = index_of(kind_names, t->keys[0]->str);
  if (kind < 0) {
    err(l, t->keys[0], "%s: unknown target kind '%s' (diagnosis, drug, lab, comorbidity, fish, "
        "observation, status, iss, stop_reason)", what, t->keys[0]->str);
    return;
  }
  mp->kind = (mm_fhir_kind)kind;
  static const char *const lab_keys[] = {"lab", "units", NULL};
  if (kind == MM_FHIR_LAB) only_keys(l, t, lab_keys, what);
  else if (t->n > 1) err(l, t->keys[1], "%s: a target has one key", what);
  const mm_yaml *v = t->items[0];
  if (v->kind != MM_YAML_SCALAR || !*v->str) {
    err(l, v, "%s: target %s must be a name", what, kind_names[kind]);
    return;
  }
  const char *s = v->str;
  mp->ref = -1;
  switch (mp->kind) {
  case MM_FHIR_DIAGNOSIS:
    if (strcmp(s, "multiple_myeloma") == 0) mp->ref = 0;
    else err(l, v, "%s: diagnosis must be multiple_myeloma", what);
    break;
  case MM_FHIR_DRUG: {
    const mm_drug *d = mm_kb_find_drug(l->kb, s);
    if (d && strcmp(d->id, s) == 0) mp->ref = (int)(d - l->kb->drugs);
    else err(l, v, "%s: '%s' is not a drug id of kb/vocabulary/drugs.yaml", what, s);
    break;
  }
  case MM_FHIR_LAB: {
    const mm_lab *lab = mm_kb_find_lab(l->kb, s);
    if (!lab) {
      err(l, v, "%s: '%s' is not a lab id of kb/vocabulary/labs.yaml", what, s);
      break;
    }
    mp->ref = (int)(lab - l->kb->labs);
    load_units(l, mm_yaml_get(t, "units"), mp, what);
    break;
  }
  case MM_FHIR_COMORBIDITY: {
    const mm_comorbidity *c = mm_kb_find_comorbidity(l->kb, s);
    if (c) mp->ref = (int)(c - l->kb->comorbidities);
    else err(l, v, "%s: '%s' is not a comorbidity id of kb/vocabulary/comorbidities.yaml", what, s);
    break;
  }
  case MM_FHIR_FISH:
    if ((mp->ref = index_of(mm_fhir_fish_names, s)) < 0)
      err(l, v, "%s: fish finding must be del17p, t4_14, t14_16, gain1q or amp1q", what);
    break;
  case MM_FHIR_OBSERVATION:
    if ((mp->ref = index_of(obs_names, s)) < 0)
      err(l, v, "%s: observation must be ecog, karnofsky, disease_status, cytogenetics, iscn or "
          "iss_stage", what);
    break;
  case MM_FHIR_STATUS:
    if ((mp->ref = index_of(status_names, s)) < 0)
      err(l, v, "%s: status must be progression, improved, stable or undetermined", what);
    break;
  case MM_FHIR_ISS:
    if (strlen(s) == 1 && s[0] >= '1' && s[0] <= '3') mp->ref = s[0] - '0';
    else err(l, v, "%s: iss must be 1, 2 or 3", what);
    break;
  case MM_FHIR_STOP:
    if ((mp->ref = index_of(mm_fhir_stop_names, s)) < 0)
      err(l, v, "%s: stop_reason must be progression, toxicity, completed, patient_choice or "
          "other", what);
    break;
  }
}

static void load_mappings(loader *l, const mm_yaml *root) {
  mm_fhir_map *m = l->map;
  const mm_yaml *seq = mm_yaml_get(root, "mappings");
  if (!seq || seq->kind != MM_YAML_SEQ) {
    err(l, seq ? seq : root, "'mappings' must be a list");
    return;
  }
  m->maps = mm_arena_alloc(&m->arena, (seq->n + 1) * sizeof *m->maps);
  if (!m->maps) return;
  static const char *const keys[] = {"system", "code", "display", "target", "sources", "updated",
                                     "reviewed", "verification", NULL};
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *e = seq->items[i];
    char what[48];
    snprintf(what, sizeof what, "mappings[%zu]", i);
    if (e->kind != MM_YAML_MAP) {
      err(l, e, "%s: expected a map", what);
      continue;
    }
    only_keys(l, e, keys, what);
    mm_fhir_mapping mp = {.line = e->line};
    const char *sys = scalar(l, e, "system", what);
    mp.code = scalar(l, e, "code", what);
    mp.display = scalar(l, e, "display", what);
    mp.verification = provenance(l, e, what);
    if (sys && !(mp.system = system_uri(m, sys)))
      err(l, mm_yaml_get(e, "system"), "%s: unknown system '%s' (see 'systems')", what, sys);
    mp.sys_name = sys;
    load_target(l, mm_yaml_get(e, "target"), &mp, what);
    if (!mp.system || !mp.code) continue;
    const mm_fhir_mapping *dup = mm_fhir_map_find(m, mp.system, mp.code);
    if (dup) {
      err(l, mm_yaml_get(e, "code"), "%s: %s %s is already mapped at line %d", what, sys, mp.code,
          dup->line);
      continue;
    }
    m->maps[m->n_maps++] = mp;
  }
}

static void load_grouping(loader *l, const mm_yaml *root) {
  const mm_yaml *g = mm_yaml_get(root, "line_grouping");
  if (!g || g->kind != MM_YAML_MAP) {
    err(l, g ? g : root, "'line_grouping' must be a map {gap_days, sources, updated, reviewed}");
    return;
  }
  static const char *const keys[] = {"gap_days", "sources", "updated", "reviewed",
                                     "verification", NULL};
  only_keys(l, g, keys, "line_grouping");
  provenance(l, g, "line_grouping");
  const char *v = scalar(l, g, "gap_days", "line_grouping");
  if (!v) return;
  char *end;
  long n = strtol(v, &end, 10);
  if (*end || end == v || n < 0 || n > 365)
    err(l, mm_yaml_get(g, "gap_days"), "line_grouping: gap_days must be a whole number 0..365");
  else l->map->gap_days = (int)n;
}

const mm_fhir_mapping *mm_fhir_map_find(const mm_fhir_map *map, const char *system,
                                        const char *code) {
  if (!system || !code) return NULL;
  for (size_t i = 0; i < map->n_maps; i++)
    if (strcmp(map->maps[i].code, code) == 0 && strcmp(map->maps[i].system, system) == 0)
      return &map->maps[i];
  return NULL;
}

int mm_fhir_map_load(mm_fhir_map **out, const char *kb_dir, const mm_kb *kb, mm_diags *diags) {
  *out = NULL;
  mm_fhir_map *m = calloc(1, sizeof *m);
  if (!m) return -1;
  mm_arena_init(&m->arena, 0);
  m->file = mm_arena_printf(&m->arena, "%s/fhir.yaml", kb_dir);
  loader l = {m, kb, diags};
  size_t errors0 = diags->errors;
  mm_yaml_error yerr;
  const mm_yaml *root = m->file ? mm_yaml_load_file(&m->arena, m->file, &yerr) : NULL;
  if (!root) {
    mm_diag_error(diags, NULL, 0, 0, NULL, "%s", m->file ? yerr.text : "out of memory");
  } else if (root->kind != MM_YAML_MAP) {
    err(&l, root, "expected a map with systems, line_grouping, mappings");
  } else {
    static const char *const keys[] = {"schema_version", "systems", "line_grouping", "mappings",
                                       NULL};
    only_keys(&l, root, keys, "fhir.yaml");
    const char *sv = scalar(&l, root, "schema_version", "fhir.yaml");
    if (sv && strcmp(sv, "1") != 0)
      err(&l, mm_yaml_get(root, "schema_version"), "schema_version must be 1, got '%s'", sv);
    load_systems(&l, root);
    load_grouping(&l, root);
    load_mappings(&l, root);
  }
  if (m->arena.failed) mm_diag_error(diags, m->file, 0, 0, NULL, "out of memory");
  if (diags->errors > errors0) {
    mm_fhir_map_free(m);
    return -1;
  }
  *out = m;
  return 0;
}

void mm_fhir_map_free(mm_fhir_map *map) {
  if (!map) return;
  mm_arena_free(&map->arena);
  free(map);
}
