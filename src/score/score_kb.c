/* score_kb.c: reads kb/scores/ (*.yaml) (schema in docs/scores.md) into the
 * read-only tables the calculators use, for the kb loader (which opens the
 * files). Every problem is reported with file:line:col; unknown keys are
 * errors. The loader also checks that each score declares exactly the
 * inputs its C structure reads and every named threshold the structure
 * needs, so a kb edit cannot silently drop one. */
#include "score/score_kb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct loader {
  mm_scores *s;
  mm_yaml_reader *r;
} loader;

/* ---- the inputs and thresholds each C structure reads ---- */

static const char *const iss_in[] = {"beta2m_mg_l", "albumin_g_dl", NULL};
static const char *const r_iss_in[] = {"iss", "beta2m_mg_l", "albumin_g_dl", "del17p",
                                       "t4_14", "t14_16", "ldh_above_uln", NULL};
static const char *const r2_iss_in[] = {"iss", "beta2m_mg_l", "albumin_g_dl", "del17p",
                                        "t4_14", "ldh_above_uln", "gain1q", "amp1q",
                                        NULL};
static const char *const frailty_in[] = {"age", "charlson", "adl", "iadl", NULL};
static const char *const response_in[] = {
    "serum_m_protein", "urine_m_protein", "flc_kappa", "flc_lambda", "bm_plasma_cells",
    "serum_ife", "urine_ife", "bm_clonal_pc", "mrd", NULL};
static const char *const crs_in[] = {"fever", "fever_masked", "hypotension", "hypoxia",
                                     NULL};
static const char *const ice_in[] = {"orientation", "naming", "commands", "writing",
                                     "attention", NULL};
static const char *const icans_in[] = {"ice_score", "consciousness", "seizure", "motor",
                                       "cerebral_edema", NULL};

static const char *const iss_th[] = {"stage3_beta2m", "stage1_beta2m", "stage1_albumin",
                                     NULL};
static const char *const response_th[] = {
    "measurable_serum", "measurable_urine", "measurable_iflc", "flc_ratio_low",
    "flc_ratio_high", "cr_bm_plasma_cells", "vgpr_serum_reduction", "vgpr_urine",
    "pr_serum_reduction", "pr_urine_reduction", "pr_urine", "pr_dflc_reduction",
    "pr_bm_reduction", "pr_bm_baseline", "mr_serum_reduction", "mr_urine_reduction",
    "pd_relative_increase", "pd_serum_increase", "pd_serum_high_nadir",
    "pd_serum_increase_high_nadir", "pd_urine_increase", "pd_dflc_increase",
    "pd_bm_increase", NULL};
static const char *const none_th[] = {NULL};

static const struct {
  const char *id, *file;
  const char *const *inputs, *const *th;
  bool items, groups, domains, hr, tests;
} kinds[SK_COUNT] = {
    [SK_ISS] = {"iss", "iss.yaml", iss_in, iss_th, false, false, false, false, false},
    [SK_R_ISS] = {"r_iss", "r_iss.yaml", r_iss_in, none_th, false, false, false, true,
                  false},
    [SK_R2_ISS] = {"r2_iss", "r2_iss.yaml", r2_iss_in, none_th, true, true, false, false,
                   false},
    [SK_FRAILTY] = {"frailty", "frailty.yaml", frailty_in, none_th, true, true, false,
                    false, false},
    [SK_RESPONSE] = {"response", "imwg_response.yaml", response_in, response_th, false,
                     false, false, false, true},
    [SK_CRS] = {"crs", "crs.yaml", crs_in, none_th, false, false, true, false, false},
    [SK_ICE] = {"ice", "icans.yaml", ice_in, none_th, false, false, false, false, false},
    [SK_ICANS] = {"icans", "icans.yaml", icans_in, none_th, false, false, true, false,
                  false},
};

const char *const mm_score_files[] = {"iss.yaml",     "r_iss.yaml",         "r2_iss.yaml",
                                      "frailty.yaml", "imwg_response.yaml", "crs.yaml",
                                      "icans.yaml",   NULL};

/* ---- helpers ---- */

static bool in_list(const char *const *list, const char *s) {
  for (; *list; list++)
    if (strcmp(*list, s) == 0) return true;
  return false;
}

static const char *const verification_names[] = {"verified", "secondary", "unverified", NULL};

static bool parse_op(const char *s, sk_op *out) {
  static const struct { const char *s; sk_op op; } ops[] = {
      {"<", SK_LT}, {"<=", SK_LE}, {">", SK_GT}, {">=", SK_GE}, {"==", SK_EQ}};
  for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
    if (s && strcmp(s, ops[i].s) == 0) {
      *out = ops[i].op;
      return true;
    }
  return false;
}

/* ---- sections ---- */

static void load_inputs(loader *ld, sk_entry *e, const mm_yaml *m) {
  mm_yaml_reader *r = ld->r;
  static const char *const keys[] = {"type", "unit", "min", "max", "values", "text", NULL};
  e->inputs = mm_arena_alloc(r->arena, (m->n ? m->n : 1) * sizeof *e->inputs);
  if (!e->inputs) return;
  for (size_t i = 0; i < m->n; i++) {
    const mm_yaml *v = m->items[i];
    if (!mm_yaml_is_map(r, v, m->keys[i]->str) || !mm_yaml_check_keys(r, v, keys)) continue;
    mm_score_input_spec *s = &e->inputs[e->n_inputs++];
    s->name = m->keys[i]->str;
    const char *type = mm_yaml_read_string(r, v, "type", true);
    if (type && strcmp(type, "number") == 0) s->type = MM_TYPE_NUMBER;
    else if (type && strcmp(type, "bool") == 0) s->type = MM_TYPE_BOOL;
    else if (type && strcmp(type, "string") == 0) s->type = MM_TYPE_STRING;
    else if (type)
      mm_yaml_report(r, mm_yaml_get(v, "type"), MM_E_INVALID,
                     "%s: type must be number, bool or string, got '%s'", s->name, type);
    s->unit = mm_yaml_read_string(r, v, "unit", false);
    s->text = mm_yaml_read_string(r, v, "text", false);
    s->has_min = mm_yaml_read_number(r, v, "min", &s->min, false);
    s->has_max = mm_yaml_read_number(r, v, "max", &s->max, false);
    if ((s->has_min || s->has_max || s->unit) && s->type != MM_TYPE_NUMBER)
      mm_yaml_report(r, v, MM_E_INVALID, "%s: unit, min and max apply to numbers only", s->name);
    if (s->has_min && s->has_max && s->min > s->max)
      mm_yaml_report(r, v, MM_E_RANGE, "%s: min %g is above max %g", s->name, s->min, s->max);
    size_t n_vals;
    const char **vals = mm_yaml_read_strings(r, v, "values", &n_vals, false);
    if (vals) {
      s->values = vals;
      const mm_yaml *at = mm_yaml_get(v, "values");
      if (s->type != MM_TYPE_STRING)
        mm_yaml_report(r, at, MM_E_INVALID, "%s: values apply to strings only", s->name);
      if (!n_vals) mm_yaml_report(r, at, MM_E_MISSING, "%s: values must not be empty", s->name);
    } else if (s->type == MM_TYPE_STRING) {
      mm_yaml_report(r, v, MM_E_MISSING, "%s: a string input needs its values", s->name);
    }
  }
}

static void load_thresholds(loader *ld, sk_entry *e, const mm_yaml *m) {
  mm_yaml_reader *r = ld->r;
  static const char *const keys[] = {"input", "op", "value", "unit", "text",
                                     "verification", NULL};
  e->th = mm_arena_alloc(r->arena, (m->n ? m->n : 1) * sizeof *e->th);
  if (!e->th) return;
  for (size_t i = 0; i < m->n; i++) {
    const char *name = m->keys[i]->str;
    const mm_yaml *v = m->items[i];
    if (!mm_yaml_is_map(r, v, name) || !mm_yaml_check_keys(r, v, keys)) continue;
    sk_threshold *t = &e->th[e->n_th++];
    t->name = name;
    t->input = mm_yaml_read_string(r, v, "input", false);
    if (t->input && !sk_input(e, t->input))
      mm_yaml_report(r, mm_yaml_get(v, "input"), MM_E_UNKNOWN_NAME,
                     "%s: '%s' is not an input of %s", name, t->input, e->id);
    const char *op = mm_yaml_read_string(r, v, "op", true);
    if (op && (!parse_op(op, &t->op) || t->op == SK_EQ))
      mm_yaml_report(r, mm_yaml_get(v, "op"), MM_E_INVALID,
                     "%s: op must be <, <=, > or >=, got '%s'", name, op);
    mm_yaml_read_number(r, v, "value", &t->value, true);
    t->unit = mm_yaml_read_string(r, v, "unit", false);
    t->text = mm_yaml_read_string(r, v, "text", false);
    if (t->input) {
      const mm_score_input_spec *s = sk_input(e, t->input);
      if (s && s->unit && (!t->unit || strcmp(s->unit, t->unit) != 0))
        mm_yaml_report(r, v, MM_E_INVALID, "%s: unit must be the input's unit '%s'", name,
                       s->unit);
    }
    t->unverified = mm_yaml_read_enum(r, v, "verification", verification_names, 0) == 2 ||
                    e->unverified;
  }
}

/* The input of an item or a domain: a declared input, or r2_iss's derived
 * one_q_plus (a bool). */
static const mm_score_input_spec *item_input(loader *ld, sk_entry *e, const mm_yaml *n,
                                             const char *name) {
  static const mm_score_input_spec one_q = {.name = "one_q_plus", .type = MM_TYPE_BOOL};
  if (strcmp(e->id, "r2_iss") == 0 && strcmp(name, "one_q_plus") == 0) return &one_q;
  const mm_score_input_spec *s = sk_input(e, name);
  if (!s)
    mm_yaml_report(ld->r, n, MM_E_UNKNOWN_NAME, "'%s' is not an input of %s", name, e->id);
  return s;
}

static bool band_value(loader *ld, const mm_yaml *n, const mm_score_input_spec *s,
                       const char *str, sk_band *b) {
  b->str = str;
  if (s->type == MM_TYPE_NUMBER) {
    if (!mm_yaml_parse_number(str, &b->num)) {
      mm_yaml_report(ld->r, n, MM_E_TYPE, "%s: '%s' is not a number", s->name, str);
      return false;
    }
  } else if (s->type == MM_TYPE_BOOL) {
    if (strcmp(str, "true") != 0 && strcmp(str, "false") != 0) {
      mm_yaml_report(ld->r, n, MM_E_TYPE, "%s: '%s' must be true or false", s->name, str);
      return false;
    }
  } else if (s->values && !in_list(s->values, str)) {
    mm_yaml_report(ld->r, n, MM_E_INVALID, "%s: '%s' is not one of its values", s->name, str);
    return false;
  }
  return true;
}

/* One band of an item (points) or a domain (grade); false when it is left
 * out (reported). */
static bool load_band(loader *ld, const mm_yaml *bn, const mm_score_input_spec *s,
                      const char *input, bool grades, sk_band *b) {
  mm_yaml_reader *r = ld->r;
  if (!mm_yaml_read_number(r, bn, grades ? "grade" : "points", &b->out, true)) return false;
  b->unit = mm_yaml_read_string(r, bn, "unit", false);
  if (mm_yaml_get(bn, "min") || mm_yaml_get(bn, "max")) {
    b->is_range = true;
    if (s->type != MM_TYPE_NUMBER) {
      mm_yaml_report(r, bn, MM_E_INVALID, "%s: min/max bands need a number input", input);
      return false;
    }
    if (!mm_yaml_read_number(r, bn, "min", &b->num, true) ||
        !mm_yaml_read_number(r, bn, "max", &b->max, true))
      return false;
  } else {
    const char *op = mm_yaml_read_string(r, bn, "op", true);
    const char *val = mm_yaml_read_string(r, bn, "value", true);
    if (!op || !val) return false;
    if (!parse_op(op, &b->op)) {
      mm_yaml_report(r, mm_yaml_get(bn, "op"), MM_E_INVALID,
                     "%s: op must be <, <=, >, >= or ==, got '%s'", input, op);
      return false;
    }
    if (b->op != SK_EQ && s->type != MM_TYPE_NUMBER) {
      mm_yaml_report(r, bn, MM_E_INVALID, "%s: only == applies to a %s input", input,
                     s->type == MM_TYPE_BOOL ? "bool" : "string");
      return false;
    }
    if (!band_value(ld, mm_yaml_get(bn, "value"), s, val, b)) return false;
  }
  if (s->unit && b->unit && strcmp(s->unit, b->unit) != 0) {
    mm_yaml_report(r, bn, MM_E_INVALID, "%s: unit must be the input's unit '%s'", input,
                   s->unit);
    return false;
  }
  return true;
}

/* items (points) or domains (grades). */
static void load_items(loader *ld, sk_entry *e, const mm_yaml *seq, bool grades) {
  mm_yaml_reader *r = ld->r;
  static const char *const item_keys[] = {"input", "bands", "grades", NULL};
  static const char *const band_keys_pts[] = {"op", "value", "unit", "points", NULL};
  static const char *const band_keys_grade[] = {"op", "value", "unit", "min", "max",
                                                "grade", NULL};
  e->items = mm_arena_alloc(r->arena, (seq->n ? seq->n : 1) * sizeof *e->items);
  if (!e->items) return;
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *it = seq->items[i];
    if (!mm_yaml_is_map(r, it, grades ? "a domain" : "an item") ||
        !mm_yaml_check_keys(r, it, item_keys))
      continue;
    const char *input = mm_yaml_read_string(r, it, "input", true);
    if (!input) continue;
    const mm_score_input_spec *s = item_input(ld, e, it, input);
    if (!s) continue;
    sk_item *item = &e->items[e->n_items++];
    item->input = input;
    const mm_yaml *bands = mm_yaml_get(it, "bands");
    const mm_yaml *gmap = mm_yaml_get(it, "grades");
    size_t nb = (bands && bands->kind == MM_YAML_SEQ ? bands->n : 0) +
                (gmap && gmap->kind == MM_YAML_MAP ? gmap->n : 0);
    item->bands = mm_arena_alloc(r->arena, (nb ? nb : 1) * sizeof *item->bands);
    if (!item->bands) return;
    if (!bands && !gmap)
      mm_yaml_report(r, it, MM_E_MISSING, "%s: needs bands%s", input, grades ? " or grades" : "");
    if (gmap && !grades) mm_yaml_report(r, gmap, MM_E_INVALID, "grades belong to domains");
    if ((bands = mm_yaml_read_seq(r, it, "bands", false))) {
      for (size_t j = 0; j < bands->n; j++) {
        const mm_yaml *bn = bands->items[j];
        if (!mm_yaml_is_map(r, bn, "a band") ||
            !mm_yaml_check_keys(r, bn, grades ? band_keys_grade : band_keys_pts))
          continue;
        if (load_band(ld, bn, s, input, grades, &item->bands[item->n_bands])) item->n_bands++;
      }
    }
    if (grades && (gmap = mm_yaml_read_map(r, it, "grades", false))) {
      for (size_t j = 0; j < gmap->n; j++) {
        sk_band *b = &item->bands[item->n_bands];
        b->op = SK_EQ;
        if (!band_value(ld, gmap->keys[j], s, gmap->keys[j]->str, b)) continue;
        if (gmap->items[j]->kind != MM_YAML_SCALAR ||
            !mm_yaml_parse_number(gmap->items[j]->str, &b->out)) {
          mm_yaml_report(r, gmap->items[j], MM_E_TYPE, "%s: the grade of '%s' must be a number",
                         input, b->str);
          continue;
        }
        item->n_bands++;
      }
      if (s->values)
        for (const char *const *v = s->values; *v; v++)
          if (!mm_yaml_get(gmap, *v))
            mm_yaml_report(r, gmap, MM_E_MISSING, "%s: value '%s' has no grade", input, *v);
    }
  }
}

static void load_groups(loader *ld, sk_entry *e, const mm_yaml *seq) {
  mm_yaml_reader *r = ld->r;
  static const char *const keys[] = {"value", "min", "max", "text", NULL};
  e->groups = mm_arena_alloc(r->arena, (seq->n ? seq->n : 1) * sizeof *e->groups);
  if (!e->groups) return;
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *g = seq->items[i];
    if (!mm_yaml_is_map(r, g, "a group") || !mm_yaml_check_keys(r, g, keys)) continue;
    sk_group *gr = &e->groups[e->n_groups];
    gr->value = mm_yaml_read_string(r, g, "value", true);
    gr->text = mm_yaml_read_string(r, g, "text", false);
    if (!gr->value || !mm_yaml_read_number(r, g, "min", &gr->min, true) ||
        !mm_yaml_read_number(r, g, "max", &gr->max, true))
      continue;
    if (gr->min > gr->max) {
      mm_yaml_report(r, g, MM_E_RANGE, "group %s: min above max", gr->value);
      continue;
    }
    if (e->n_groups && gr->min <= e->groups[e->n_groups - 1].max)
      mm_yaml_report(r, g, MM_E_ORDER, "group %s overlaps the previous group (groups go upward)",
                     gr->value);
    e->n_groups++;
  }
}

/* sources (joined with "; "), updated, reviewed, verification:
 * docs/kb-format.md. */
static void load_provenance(loader *ld, sk_entry *e, const mm_yaml *n) {
  mm_yaml_reader *r = ld->r;
  size_t n_src;
  const char **src = mm_yaml_read_strings(r, n, "sources", &n_src, true);
  if (src && !n_src)
    mm_yaml_report(r, mm_yaml_get(n, "sources"), MM_E_MISSING,
                   "%s: sources needs at least one entry", e->id);
  if (src) {
    mm_strbuf b;
    mm_strbuf_init(&b, 1 << 16);
    for (size_t i = 0; i < n_src; i++) {
      if (b.len) mm_strbuf_puts(&b, "; ");
      mm_strbuf_puts(&b, src[i]);
    }
    e->source = mm_arena_strdup(r->arena, b.data ? b.data : "");
    mm_strbuf_free(&b);
  }
  mm_yaml_read_date(r, n, "updated", true);
  mm_yaml_read_date(r, n, "reviewed", true);
  mm_yaml_read_date(r, n, "searched", false); /* checked here, listed by `mmpath kb check` */
  e->unverified = mm_yaml_read_enum(r, n, "verification", verification_names, 0) == 2;
}

/* A part the score's structure has (`has`: required) or has not (then it
 * must be absent). */
static const mm_yaml *part(loader *ld, const sk_entry *e, const mm_yaml *n, const char *key,
                           mm_yaml_kind kind, bool has) {
  if (has) return mm_yaml_member(ld->r, n, key, kind, true);
  const mm_yaml *v = mm_yaml_get(n, key);
  if (v) mm_yaml_report(ld->r, v, MM_E_UNKNOWN_KEY, "%s has no %s", e->id, key);
  return NULL;
}

static void load_entry(loader *ld, const mm_yaml *n) {
  mm_yaml_reader *r = ld->r;
  static const char *const keys[] = {"id", "name", "sources", "updated", "reviewed",
                                     "verification", "searched", "notes", "inputs", "tests",
                                     "thresholds", "items", "groups", "domains",
                                     "high_risk_ca", "confirmations", NULL};
  if (!mm_yaml_is_map(r, n, "a score entry")) return;
  mm_yaml_check_keys(r, n, keys);
  const char *id = mm_yaml_read_string(r, n, "id", true);
  if (!id) return;
  int kind = -1;
  for (int k = 0; k < SK_COUNT; k++)
    if (strcmp(kinds[k].id, id) == 0) kind = k;
  if (kind < 0) {
    mm_yaml_report(r, mm_yaml_get(n, "id"), MM_E_UNKNOWN_NAME, "unknown score id '%s'", id);
    return;
  }
  if (ld->s->e[kind]) {
    mm_yaml_report(r, mm_yaml_get(n, "id"), MM_E_DUPLICATE, "score '%s' defined twice", id);
    return;
  }
  const char *base = strrchr(n->file, '/') ? strrchr(n->file, '/') + 1 : n->file;
  if (strcmp(kinds[kind].file, base) != 0)
    mm_yaml_report(r, mm_yaml_get(n, "id"), MM_E_INVALID, "score '%s' belongs in kb/scores/%s",
                   id, kinds[kind].file);
  sk_entry *e = mm_arena_alloc(r->arena, sizeof *e);
  if (!e) return;
  e->id = id;
  e->file = n->file;
  e->name = mm_yaml_read_string(r, n, "name", true);
  e->notes = mm_yaml_read_string(r, n, "notes", false);
  load_provenance(ld, e, n);

  const char *in_key = kinds[kind].tests ? "tests" : "inputs";
  const char *other_key = kinds[kind].tests ? "inputs" : "tests";
  if (mm_yaml_get(n, other_key))
    mm_yaml_report(r, mm_yaml_get(n, other_key), MM_E_UNKNOWN_KEY, "%s: use '%s', not '%s'", id,
                   in_key, other_key);
  const mm_yaml *inputs = mm_yaml_read_map(r, n, in_key, true);
  if (inputs) load_inputs(ld, e, inputs);
  for (const char *const *p = kinds[kind].inputs; *p; p++)
    if (!sk_input(e, *p))
      mm_yaml_report(r, inputs ? inputs : n, MM_E_MISSING, "%s: %s must declare '%s'", id, in_key,
                     *p);
  for (size_t i = 0; i < e->n_inputs; i++)
    if (!in_list(kinds[kind].inputs, e->inputs[i].name))
      mm_yaml_report(r, inputs, MM_E_UNKNOWN_NAME,
                     "%s: '%s' is not an input mmpath computes %s from", id, e->inputs[i].name, id);

  const mm_yaml *th = mm_yaml_read_map(r, n, "thresholds", false);
  if (th) load_thresholds(ld, e, th);
  for (const char *const *p = kinds[kind].th; *p; p++)
    if (!sk_th(e, *p))
      mm_yaml_report(r, th ? th : n, MM_E_MISSING, "%s: missing threshold '%s'", id, *p);
  for (size_t i = 0; i < e->n_th; i++)
    if (!in_list(kinds[kind].th, e->th[i].name))
      mm_yaml_report(r, th, MM_E_UNKNOWN_NAME, "%s: unknown threshold '%s'", id, e->th[i].name);
  if (kind == SK_ISS) {
    /* the ISS structure compares beta2m and albumin: say which is which */
    static const char *const want_in[][2] = {{"stage3_beta2m", "beta2m_mg_l"},
                                             {"stage1_beta2m", "beta2m_mg_l"},
                                             {"stage1_albumin", "albumin_g_dl"}};
    for (size_t i = 0; i < 3; i++) {
      const sk_threshold *t = sk_th(e, want_in[i][0]);
      if (t && (!t->input || strcmp(t->input, want_in[i][1]) != 0))
        mm_yaml_report(r, th, MM_E_INVALID, "%s: threshold '%s' needs input: %s", id,
                       want_in[i][0], want_in[i][1]);
    }
  }

  const mm_yaml *items = part(ld, e, n, "items", MM_YAML_SEQ, kinds[kind].items);
  const mm_yaml *domains = part(ld, e, n, "domains", MM_YAML_SEQ, kinds[kind].domains);
  if (items || domains) load_items(ld, e, items ? items : domains, domains != NULL);
  const mm_yaml *groups = part(ld, e, n, "groups", MM_YAML_SEQ, kinds[kind].groups);
  if (groups) load_groups(ld, e, groups);
  const mm_yaml *hr = part(ld, e, n, "high_risk_ca", MM_YAML_SEQ, kinds[kind].hr);
  if (hr) {
    e->high_risk_ca = mm_arena_alloc(r->arena, (hr->n ? hr->n : 1) * sizeof *e->high_risk_ca);
    for (size_t i = 0; e->high_risk_ca && i < hr->n; i++) {
      if (!mm_yaml_is(r, hr->items[i], MM_YAML_SCALAR, "high_risk_ca[]")) continue;
      const mm_score_input_spec *s = sk_input(e, hr->items[i]->str);
      if (!s || s->type != MM_TYPE_BOOL)
        mm_yaml_report(r, hr->items[i], MM_E_INVALID, "high_risk_ca: '%s' is not a bool input",
                       hr->items[i]->str);
      else
        e->high_risk_ca[e->n_hr++] = hr->items[i]->str;
    }
  }
  if (kinds[kind].tests) {
    double c = 0;
    if (mm_yaml_read_number(r, n, "confirmations", &c, true)) {
      if (c < 1 || c > 10 || c != floor(c))
        mm_yaml_report(r, mm_yaml_get(n, "confirmations"), MM_E_RANGE,
                       "confirmations must be 1..10");
      e->confirmations = (int)c;
    }
  } else {
    part(ld, e, n, "confirmations", MM_YAML_SCALAR, false);
  }
  ld->s->e[kind] = e;
}

static void load_file(loader *ld, const mm_yaml *root) {
  static const char *const top[] = {"scores", NULL};
  if (!mm_yaml_is_map(ld->r, root, "the file")) return;
  mm_yaml_check_keys(ld->r, root, top);
  const mm_yaml *scores = mm_yaml_read_seq(ld->r, root, "scores", true);
  for (size_t i = 0; scores && i < scores->n; i++) load_entry(ld, scores->items[i]);
}

int mm_scores_read(mm_scores **out, mm_yaml_reader *r, const char *kb_dir,
                   const mm_yaml *const *roots) {
  *out = NULL;
  mm_scores *s = mm_arena_alloc(r->arena, sizeof *s);
  if (!s) return -1;
  memset(s, 0, sizeof *s);
  loader ld = {.s = s, .r = r};
  size_t before = r->diags->errors;
  bool all_read = true;
  for (size_t i = 0; mm_score_files[i]; i++) {
    if (roots[i]) load_file(&ld, roots[i]);
    else all_read = false;
  }
  /* A file that could not be read was reported: its scores are not news. */
  for (int k = 0; k < SK_COUNT; k++)
    if (!s->e[k] && all_read && r->diags->errors == before)
      mm_diag_errorc(r->diags, MM_E_MISSING, NULL, 0, 0, NULL,
                     "%s/scores/%s: score '%s' is not defined", kb_dir, kinds[k].file,
                     kinds[k].id);
  if (r->diags->errors != before || !all_read) return -1;
  *out = s;
  return 0;
}

/* ---- lookups ---- */

const sk_threshold *sk_th(const sk_entry *e, const char *name) {
  for (size_t i = 0; i < e->n_th; i++)
    if (strcmp(e->th[i].name, name) == 0) return &e->th[i];
  return NULL;
}

const mm_score_input_spec *sk_input(const sk_entry *e, const char *name) {
  for (size_t i = 0; i < e->n_inputs; i++)
    if (strcmp(e->inputs[i].name, name) == 0) return &e->inputs[i];
  return NULL;
}
