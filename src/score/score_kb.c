/* score_kb.c: loads kb/scores/ (*.yaml) (schema in docs/scores.md) into the
 * read-only tables the calculators use. Every problem is reported with
 * file:line:col; unknown keys are errors. The loader also checks that each
 * score declares exactly the inputs its C structure reads and every named
 * threshold the structure needs, so a kb edit cannot silently drop one. */
#include "score/score_kb.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml/yaml_tree.h"

typedef struct loader {
  mm_scores *s;
  mm_arena *a;
  mm_diags *d;
  const char *file;
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

static const char *const files[] = {"iss.yaml",     "r_iss.yaml",         "r2_iss.yaml",
                                    "frailty.yaml", "imwg_response.yaml", "crs.yaml",
                                    "icans.yaml",   NULL};

/* ---- helpers ---- */

static void err(loader *ld, const mm_yaml *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err(loader *ld, const mm_yaml *n, const char *fmt, ...) {
  char text[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  mm_diag_error(ld->d, ld->file, n ? n->line : 0, n ? n->col : 0, NULL, "%s", text);
}

static bool in_list(const char *const *list, const char *s) {
  for (; *list; list++)
    if (strcmp(*list, s) == 0) return true;
  return false;
}

/* Every key of map n must be in allowed. */
static bool keys_ok(loader *ld, const mm_yaml *n, const char *const *allowed,
                    const char *what) {
  bool ok = true;
  for (size_t i = 0; i < n->n; i++)
    if (!in_list(allowed, n->keys[i]->str)) {
      err(ld, n->keys[i], "unknown key '%s' in %s", n->keys[i]->str, what);
      ok = false;
    }
  return ok;
}

static const mm_yaml *want(loader *ld, const mm_yaml *n, mm_yaml_kind kind,
                           const char *what) {
  static const char *const names[] = {"a scalar", "a list", "a map"};
  if (!n) return NULL;
  if (n->kind != kind) {
    err(ld, n, "%s must be %s", what, names[kind]);
    return NULL;
  }
  return n;
}

static const char *scalar(loader *ld, const mm_yaml *map, const char *key, bool required,
                          const char *what) {
  const mm_yaml *n = mm_yaml_get(map, key);
  if (!n) {
    if (required) err(ld, map, "%s: missing '%s'", what, key);
    return NULL;
  }
  if (!want(ld, n, MM_YAML_SCALAR, key)) return NULL;
  return n->str;
}

static bool parse_num(const char *s, double *out) {
  if (!s || !*s) return false;
  char *end;
  double x = strtod(s, &end);
  if (*end || !isfinite(x)) return false;
  /* plain decimals only: no hex, no exponent, no "inf" */
  for (const char *p = s; *p; p++)
    if (!strchr("0123456789.-+", *p)) return false;
  *out = x;
  return true;
}

static bool num_at(loader *ld, const mm_yaml *map, const char *key, bool required,
                   double *out, const char *what) {
  const char *s = scalar(ld, map, key, required, what);
  if (!s) return false;
  if (!parse_num(s, out)) {
    err(ld, mm_yaml_get(map, key), "%s: '%s' must be a plain decimal number, got '%s'",
        what, key, s);
    return false;
  }
  return true;
}

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

static void load_inputs(loader *ld, sk_entry *e, const mm_yaml *m, const char *section) {
  static const char *const keys[] = {"type", "unit", "min", "max", "values", "text", NULL};
  e->inputs = mm_arena_alloc(ld->a, (m->n ? m->n : 1) * sizeof *e->inputs);
  if (!e->inputs) return;
  for (size_t i = 0; i < m->n; i++) {
    const mm_yaml *v = want(ld, m->items[i], MM_YAML_MAP, m->keys[i]->str);
    if (!v || !keys_ok(ld, v, keys, section)) continue;
    mm_score_input_spec *s = &e->inputs[e->n_inputs++];
    s->name = m->keys[i]->str;
    const char *type = scalar(ld, v, "type", true, s->name);
    if (type && strcmp(type, "number") == 0) s->type = MM_TYPE_NUMBER;
    else if (type && strcmp(type, "bool") == 0) s->type = MM_TYPE_BOOL;
    else if (type && strcmp(type, "string") == 0) s->type = MM_TYPE_STRING;
    else if (type)
      err(ld, mm_yaml_get(v, "type"), "%s: type must be number, bool or string, got '%s'",
          s->name, type);
    s->unit = scalar(ld, v, "unit", false, s->name);
    s->text = scalar(ld, v, "text", false, s->name);
    s->has_min = num_at(ld, v, "min", false, &s->min, s->name);
    s->has_max = num_at(ld, v, "max", false, &s->max, s->name);
    if ((s->has_min || s->has_max || s->unit) && s->type != MM_TYPE_NUMBER)
      err(ld, v, "%s: unit, min and max apply to numbers only", s->name);
    if (s->has_min && s->has_max && s->min > s->max)
      err(ld, v, "%s: min %g is above max %g", s->name, s->min, s->max);
    const mm_yaml *vals = mm_yaml_get(v, "values");
    if (vals && want(ld, vals, MM_YAML_SEQ, "values")) {
      const char **list = mm_arena_alloc(ld->a, (vals->n + 1) * sizeof *list);
      if (!list) return;
      for (size_t j = 0; j < vals->n; j++)
        if (want(ld, vals->items[j], MM_YAML_SCALAR, "values[]"))
          list[j] = vals->items[j]->str;
        else
          list[j] = "";
      s->values = list;
      if (s->type != MM_TYPE_STRING) err(ld, vals, "%s: values apply to strings only", s->name);
      if (!vals->n) err(ld, vals, "%s: values must not be empty", s->name);
    } else if (s->type == MM_TYPE_STRING) {
      err(ld, v, "%s: a string input needs its values", s->name);
    }
  }
}

static void load_thresholds(loader *ld, sk_entry *e, const mm_yaml *m) {
  static const char *const keys[] = {"input", "op", "value", "unit", "text",
                                     "verification", NULL};
  e->th = mm_arena_alloc(ld->a, (m->n ? m->n : 1) * sizeof *e->th);
  if (!e->th) return;
  for (size_t i = 0; i < m->n; i++) {
    const char *name = m->keys[i]->str;
    const mm_yaml *v = want(ld, m->items[i], MM_YAML_MAP, name);
    if (!v || !keys_ok(ld, v, keys, "a threshold")) continue;
    sk_threshold *t = &e->th[e->n_th++];
    t->name = name;
    t->input = scalar(ld, v, "input", false, name);
    if (t->input && !sk_input(e, t->input))
      err(ld, mm_yaml_get(v, "input"), "%s: '%s' is not an input of %s", name, t->input,
          e->id);
    const char *op = scalar(ld, v, "op", true, name);
    if (op && (!parse_op(op, &t->op) || t->op == SK_EQ))
      err(ld, mm_yaml_get(v, "op"), "%s: op must be <, <=, > or >=, got '%s'", name, op);
    num_at(ld, v, "value", true, &t->value, name);
    t->unit = scalar(ld, v, "unit", false, name);
    t->text = scalar(ld, v, "text", false, name);
    if (t->input) {
      const mm_score_input_spec *s = sk_input(e, t->input);
      if (s && s->unit && (!t->unit || strcmp(s->unit, t->unit) != 0))
        err(ld, v, "%s: unit must be the input's unit '%s'", name, s->unit);
    }
    const char *ver = scalar(ld, v, "verification", false, name);
    if (ver) {
      if (strcmp(ver, "unverified") == 0) t->unverified = true;
      else if (strcmp(ver, "verified") != 0 && strcmp(ver, "secondary") != 0)
        err(ld, mm_yaml_get(v, "verification"),
            "verification must be verified, secondary or unverified");
    }
    t->unverified = t->unverified || e->unverified;
  }
}

/* The input of an item or a domain: a declared input, or r2_iss's derived
 * one_q_plus (a bool). */
static const mm_score_input_spec *item_input(loader *ld, sk_entry *e, const mm_yaml *n,
                                             const char *name) {
  static const mm_score_input_spec one_q = {.name = "one_q_plus", .type = MM_TYPE_BOOL};
  if (strcmp(e->id, "r2_iss") == 0 && strcmp(name, "one_q_plus") == 0) return &one_q;
  const mm_score_input_spec *s = sk_input(e, name);
  if (!s) err(ld, n, "'%s' is not an input of %s", name, e->id);
  return s;
}

static bool band_value(loader *ld, const mm_yaml *n, const mm_score_input_spec *s,
                       const char *str, sk_band *b) {
  b->str = str;
  if (s->type == MM_TYPE_NUMBER) {
    if (!parse_num(str, &b->num)) {
      err(ld, n, "%s: '%s' is not a number", s->name, str);
      return false;
    }
  } else if (s->type == MM_TYPE_BOOL) {
    if (strcmp(str, "true") != 0 && strcmp(str, "false") != 0) {
      err(ld, n, "%s: '%s' must be true or false", s->name, str);
      return false;
    }
  } else if (s->values && !in_list(s->values, str)) {
    err(ld, n, "%s: '%s' is not one of its values", s->name, str);
    return false;
  }
  return true;
}

/* items (points) or domains (grades). */
static void load_items(loader *ld, sk_entry *e, const mm_yaml *seq, bool grades) {
  static const char *const item_keys[] = {"input", "bands", "grades", NULL};
  static const char *const band_keys_pts[] = {"op", "value", "unit", "points", NULL};
  static const char *const band_keys_grade[] = {"op", "value", "unit", "min", "max",
                                                "grade", NULL};
  e->items = mm_arena_alloc(ld->a, (seq->n ? seq->n : 1) * sizeof *e->items);
  if (!e->items) return;
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *it = want(ld, seq->items[i], MM_YAML_MAP, grades ? "a domain" : "an item");
    if (!it || !keys_ok(ld, it, item_keys, grades ? "a domain" : "an item")) continue;
    const char *input = scalar(ld, it, "input", true, "item");
    if (!input) continue;
    const mm_score_input_spec *s = item_input(ld, e, it, input);
    if (!s) continue;
    sk_item *item = &e->items[e->n_items++];
    item->input = input;
    const mm_yaml *bands = mm_yaml_get(it, "bands");
    const mm_yaml *gmap = mm_yaml_get(it, "grades");
    size_t nb = (bands && bands->kind == MM_YAML_SEQ ? bands->n : 0) +
                (gmap && gmap->kind == MM_YAML_MAP ? gmap->n : 0);
    item->bands = mm_arena_alloc(ld->a, (nb ? nb : 1) * sizeof *item->bands);
    if (!item->bands) return;
    if (!bands && !gmap) err(ld, it, "%s: needs bands%s", input, grades ? " or grades" : "");
    if (gmap && !grades) err(ld, gmap, "grades belong to domains");
    if (bands && want(ld, bands, MM_YAML_SEQ, "bands")) {
      for (size_t j = 0; j < bands->n; j++) {
        const mm_yaml *bn = want(ld, bands->items[j], MM_YAML_MAP, "a band");
        if (!bn || !keys_ok(ld, bn, grades ? band_keys_grade : band_keys_pts, "a band"))
          continue;
        sk_band *b = &item->bands[item->n_bands];
        const char *outkey = grades ? "grade" : "points";
        if (!num_at(ld, bn, outkey, true, &b->out, input)) continue;
        b->unit = scalar(ld, bn, "unit", false, input);
        if (mm_yaml_get(bn, "min") || mm_yaml_get(bn, "max")) {
          b->is_range = true;
          if (s->type != MM_TYPE_NUMBER) {
            err(ld, bn, "%s: min/max bands need a number input", input);
            continue;
          }
          if (!num_at(ld, bn, "min", true, &b->num, input) ||
              !num_at(ld, bn, "max", true, &b->max, input))
            continue;
        } else {
          const char *op = scalar(ld, bn, "op", true, input);
          const char *val = scalar(ld, bn, "value", true, input);
          if (!op || !val) continue;
          if (!parse_op(op, &b->op)) {
            err(ld, mm_yaml_get(bn, "op"), "%s: op must be <, <=, >, >= or ==, got '%s'",
                input, op);
            continue;
          }
          if (b->op != SK_EQ && s->type != MM_TYPE_NUMBER) {
            err(ld, bn, "%s: only == applies to a %s input", input,
                s->type == MM_TYPE_BOOL ? "bool" : "string");
            continue;
          }
          if (!band_value(ld, mm_yaml_get(bn, "value"), s, val, b)) continue;
        }
        if (s->unit && b->unit && strcmp(s->unit, b->unit) != 0) {
          err(ld, bn, "%s: unit must be the input's unit '%s'", input, s->unit);
          continue;
        }
        item->n_bands++;
      }
    }
    if (gmap && grades && want(ld, gmap, MM_YAML_MAP, "grades")) {
      for (size_t j = 0; j < gmap->n; j++) {
        sk_band *b = &item->bands[item->n_bands];
        b->op = SK_EQ;
        if (!band_value(ld, gmap->keys[j], s, gmap->keys[j]->str, b)) continue;
        if (gmap->items[j]->kind != MM_YAML_SCALAR || !parse_num(gmap->items[j]->str, &b->out)) {
          err(ld, gmap->items[j], "%s: the grade of '%s' must be a number", input, b->str);
          continue;
        }
        item->n_bands++;
      }
      if (s->values)
        for (const char *const *v = s->values; *v; v++) {
          bool found = false;
          for (size_t j = 0; j < gmap->n; j++) found |= strcmp(gmap->keys[j]->str, *v) == 0;
          if (!found) err(ld, gmap, "%s: value '%s' has no grade", input, *v);
        }
    }
  }
}

static void load_groups(loader *ld, sk_entry *e, const mm_yaml *seq) {
  static const char *const keys[] = {"value", "min", "max", "text", NULL};
  e->groups = mm_arena_alloc(ld->a, (seq->n ? seq->n : 1) * sizeof *e->groups);
  if (!e->groups) return;
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *g = want(ld, seq->items[i], MM_YAML_MAP, "a group");
    if (!g || !keys_ok(ld, g, keys, "a group")) continue;
    sk_group *gr = &e->groups[e->n_groups];
    gr->value = scalar(ld, g, "value", true, "group");
    gr->text = scalar(ld, g, "text", false, "group");
    if (!gr->value || !num_at(ld, g, "min", true, &gr->min, gr->value) ||
        !num_at(ld, g, "max", true, &gr->max, gr->value))
      continue;
    if (gr->min > gr->max) {
      err(ld, g, "group %s: min above max", gr->value);
      continue;
    }
    if (e->n_groups && gr->min <= e->groups[e->n_groups - 1].max)
      err(ld, g, "group %s overlaps the previous group (groups go upward)", gr->value);
    e->n_groups++;
  }
}

static bool date_ok(const char *s) {
  mm_date d;
  return s && mm_date_parse(s, strlen(s), &d);
}

static void load_entry(loader *ld, const mm_yaml *n) {
  static const char *const keys[] = {"id", "name", "sources", "updated", "reviewed",
                                     "verification", "notes", "inputs", "tests",
                                     "thresholds", "items", "groups", "domains",
                                     "high_risk_ca", "confirmations", NULL};
  if (!want(ld, n, MM_YAML_MAP, "a score entry")) return;
  keys_ok(ld, n, keys, "a score entry");
  const char *id = scalar(ld, n, "id", true, "score entry");
  if (!id) return;
  int kind = -1;
  for (int k = 0; k < SK_COUNT; k++)
    if (strcmp(kinds[k].id, id) == 0) kind = k;
  if (kind < 0) {
    err(ld, mm_yaml_get(n, "id"), "unknown score id '%s'", id);
    return;
  }
  if (ld->s->e[kind]) {
    err(ld, mm_yaml_get(n, "id"), "score '%s' defined twice", id);
    return;
  }
  if (strcmp(kinds[kind].file, strrchr(ld->file, '/') ? strrchr(ld->file, '/') + 1 : ld->file))
    err(ld, mm_yaml_get(n, "id"), "score '%s' belongs in kb/scores/%s", id, kinds[kind].file);
  sk_entry *e = mm_arena_alloc(ld->a, sizeof *e);
  if (!e) return;
  e->id = id;
  e->file = ld->file;
  e->name = scalar(ld, n, "name", true, id);
  e->notes = scalar(ld, n, "notes", false, id);
  /* sources, updated, reviewed, verification: docs/kb-format.md */
  const mm_yaml *src = mm_yaml_get(n, "sources");
  if (!src) err(ld, n, "%s: missing 'sources'", id);
  else if (want(ld, src, MM_YAML_SEQ, "sources")) {
    if (!src->n) err(ld, src, "%s: sources needs at least one entry", id);
    mm_strbuf b;
    mm_strbuf_init(&b, 1 << 16);
    for (size_t i = 0; i < src->n; i++) {
      if (!want(ld, src->items[i], MM_YAML_SCALAR, "sources[]")) continue;
      if (b.len) mm_strbuf_puts(&b, "; ");
      mm_strbuf_puts(&b, src->items[i]->str);
    }
    e->source = mm_arena_strdup(ld->a, b.data ? b.data : "");
    mm_strbuf_free(&b);
  }
  const char *upd = scalar(ld, n, "updated", true, id);
  if (upd && !date_ok(upd)) err(ld, mm_yaml_get(n, "updated"), "updated must be YYYY-MM-DD, got '%s'", upd);
  const char *rev = scalar(ld, n, "reviewed", true, id);
  if (rev && !date_ok(rev)) err(ld, mm_yaml_get(n, "reviewed"), "reviewed must be YYYY-MM-DD, got '%s'", rev);
  const char *ver = scalar(ld, n, "verification", false, id);
  if (ver) {
    if (strcmp(ver, "unverified") == 0) e->unverified = true;
    else if (strcmp(ver, "verified") != 0 && strcmp(ver, "secondary") != 0)
      err(ld, mm_yaml_get(n, "verification"),
          "verification must be verified, secondary or unverified, got '%s'", ver);
  }

  const char *in_key = kinds[kind].tests ? "tests" : "inputs";
  const char *other_key = kinds[kind].tests ? "inputs" : "tests";
  if (mm_yaml_get(n, other_key)) err(ld, mm_yaml_get(n, other_key), "%s: use '%s', not '%s'", id, in_key, other_key);
  const mm_yaml *inputs = want(ld, mm_yaml_get(n, in_key), MM_YAML_MAP, in_key);
  if (!mm_yaml_get(n, in_key)) err(ld, n, "%s: missing '%s'", id, in_key);
  if (inputs) load_inputs(ld, e, inputs, in_key);
  for (const char *const *p = kinds[kind].inputs; *p; p++)
    if (!sk_input(e, *p)) err(ld, inputs ? inputs : n, "%s: %s must declare '%s'", id, in_key, *p);
  for (size_t i = 0; i < e->n_inputs; i++)
    if (!in_list(kinds[kind].inputs, e->inputs[i].name))
      err(ld, inputs, "%s: '%s' is not an input mmpath computes %s from", id,
          e->inputs[i].name, id);

  const mm_yaml *th = mm_yaml_get(n, "thresholds");
  if (th && want(ld, th, MM_YAML_MAP, "thresholds")) load_thresholds(ld, e, th);
  for (const char *const *p = kinds[kind].th; *p; p++)
    if (!sk_th(e, *p)) err(ld, th ? th : n, "%s: missing threshold '%s'", id, *p);
  for (size_t i = 0; i < e->n_th; i++)
    if (!in_list(kinds[kind].th, e->th[i].name))
      err(ld, th, "%s: unknown threshold '%s'", id, e->th[i].name);
  if (kind == SK_ISS) {
    /* the ISS structure compares beta2m and albumin: say which is which */
    static const char *const want_in[][2] = {{"stage3_beta2m", "beta2m_mg_l"},
                                             {"stage1_beta2m", "beta2m_mg_l"},
                                             {"stage1_albumin", "albumin_g_dl"}};
    for (size_t i = 0; i < 3; i++) {
      const sk_threshold *t = sk_th(e, want_in[i][0]);
      if (t && (!t->input || strcmp(t->input, want_in[i][1]) != 0))
        err(ld, th, "%s: threshold '%s' needs input: %s", id, want_in[i][0], want_in[i][1]);
    }
  }

  const mm_yaml *items = mm_yaml_get(n, kinds[kind].domains ? "domains" : "items");
  if ((kinds[kind].items || kinds[kind].domains) && !items)
    err(ld, n, "%s: missing '%s'", id, kinds[kind].domains ? "domains" : "items");
  if (!kinds[kind].items && mm_yaml_get(n, "items")) err(ld, mm_yaml_get(n, "items"), "%s has no items", id);
  if (!kinds[kind].domains && mm_yaml_get(n, "domains")) err(ld, mm_yaml_get(n, "domains"), "%s has no domains", id);
  if (items && (kinds[kind].items || kinds[kind].domains) && want(ld, items, MM_YAML_SEQ, "items"))
    load_items(ld, e, items, kinds[kind].domains);

  const mm_yaml *groups = mm_yaml_get(n, "groups");
  if (kinds[kind].groups && !groups) err(ld, n, "%s: missing 'groups'", id);
  if (!kinds[kind].groups && groups) err(ld, groups, "%s has no groups", id);
  if (groups && kinds[kind].groups && want(ld, groups, MM_YAML_SEQ, "groups"))
    load_groups(ld, e, groups);

  const mm_yaml *hr = mm_yaml_get(n, "high_risk_ca");
  if (kinds[kind].hr && !hr) err(ld, n, "%s: missing 'high_risk_ca'", id);
  if (!kinds[kind].hr && hr) err(ld, hr, "%s has no high_risk_ca", id);
  if (hr && kinds[kind].hr && want(ld, hr, MM_YAML_SEQ, "high_risk_ca")) {
    e->high_risk_ca = mm_arena_alloc(ld->a, (hr->n ? hr->n : 1) * sizeof *e->high_risk_ca);
    for (size_t i = 0; e->high_risk_ca && i < hr->n; i++) {
      if (!want(ld, hr->items[i], MM_YAML_SCALAR, "high_risk_ca[]")) continue;
      const mm_score_input_spec *s = sk_input(e, hr->items[i]->str);
      if (!s || s->type != MM_TYPE_BOOL)
        err(ld, hr->items[i], "high_risk_ca: '%s' is not a bool input", hr->items[i]->str);
      else
        e->high_risk_ca[e->n_hr++] = hr->items[i]->str;
    }
  }
  if (kinds[kind].tests) {
    double c = 0;
    if (num_at(ld, n, "confirmations", true, &c, id)) {
      if (c < 1 || c > 10 || c != floor(c)) err(ld, mm_yaml_get(n, "confirmations"), "confirmations must be 1..10");
      e->confirmations = (int)c;
    }
  } else if (mm_yaml_get(n, "confirmations")) {
    err(ld, mm_yaml_get(n, "confirmations"), "%s has no confirmations", id);
  }
  ld->s->e[kind] = e;
}

static void load_file(loader *ld, const char *dir, const char *name) {
  char *path = mm_arena_printf(ld->a, "%s/scores/%s", dir, name);
  if (!path) return;
  ld->file = path;
  mm_yaml_error yerr = {0};
  mm_yaml *root = mm_yaml_load_file(ld->a, path, &yerr);
  if (!root) {
    mm_diag_error(ld->d, NULL, 0, 0, NULL, "%s", yerr.text);
    return;
  }
  static const char *const top[] = {"scores", NULL};
  if (!want(ld, root, MM_YAML_MAP, "the file")) return;
  keys_ok(ld, root, top, "a scores file");
  const mm_yaml *scores = mm_yaml_get(root, "scores");
  if (!scores) {
    err(ld, root, "missing 'scores'");
    return;
  }
  if (!want(ld, scores, MM_YAML_SEQ, "scores")) return;
  for (size_t i = 0; i < scores->n; i++) load_entry(ld, scores->items[i]);
}

int mm_scores_load(mm_scores **out, const char *kb_dir, mm_diags *diags) {
  *out = NULL;
  mm_scores *s = calloc(1, sizeof *s);
  if (!s) {
    mm_diag_error(diags, NULL, 0, 0, NULL, "out of memory");
    return -1;
  }
  mm_arena_init(&s->arena, 1 << 16);
  loader ld = {.s = s, .a = &s->arena, .d = diags};
  size_t before = diags->errors;
  for (const char *const *f = files; *f; f++) load_file(&ld, kb_dir, *f);
  for (int k = 0; k < SK_COUNT; k++)
    if (!s->e[k] && diags->errors == before)
      mm_diag_error(diags, NULL, 0, 0, NULL, "%s/scores/%s: score '%s' is not defined",
                    kb_dir, kinds[k].file, kinds[k].id);
  if (s->arena.failed) mm_diag_error(diags, NULL, 0, 0, NULL, "out of memory");
  if (diags->errors != before) {
    /* diagnostics point at file names in s->arena: copy them out first */
    for (mm_diag *d = diags->head; d; d = d->next)
      if (d->source) d->source = mm_arena_strdup(diags->arena, d->source);
    mm_scores_free(s);
    return -1;
  }
  *out = s;
  return 0;
}

void mm_scores_free(mm_scores *s) {
  if (!s) return;
  mm_arena_free(&s->arena);
  free(s);
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
