/* patient_read.c: a patient record (shared/spec/patient-record.md) from JSON
 * into mm_patient, checked field by field. Every problem is reported with its
 * path (`lines[1].start`), the JSON line and column, and one line of reason;
 * reading goes on after a problem so one pass reports them all. An unknown
 * field is an error: a typo in clinical data must not pass silently. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "patient/patient.h"
#include "util/suggest.h"

static const char *const response_names[] = {"sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", NULL};
static const char *const stop_names[] = {"progression", "toxicity", "completed",
                                         "patient_choice", "other", NULL};
static const char *const sex_names[] = {"male", "female", "other", NULL};

const char *mm_response_name(mm_response r) {
  return r >= MM_RESP_SCR && r <= MM_RESP_PD ? response_names[r] : NULL;
}

typedef struct reader {
  mm_arena *arena;
  const mm_kb *kb;
  const char *source;
  mm_diags *diags;
  mm_patient *p;
} reader;

static void err(reader *rd, const mm_json *at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void err(reader *rd, const mm_json *at, const char *path, const char *fmt, ...) {
  char text[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  mm_diag_error(rd->diags, rd->source, at ? at->line : 0, at ? at->col : 0, path, "%s", text);
}

/* path + "." + key, or path + "[i]". Every field read builds its path (for
 * errors and explanations), so these avoid printf: registry screening reads
 * millions of records. */
static const char *child(reader *rd, const char *path, const char *key) {
  size_t pl = strlen(path), kl = strlen(key);
  char *out = mm_arena_alloc_raw(rd->arena, pl + kl + 2);
  if (!out) return "";
  memcpy(out, path, pl);
  if (pl) out[pl++] = '.';
  memcpy(out + pl, key, kl + 1);
  return out;
}
static const char *elem(reader *rd, const char *path, size_t i) {
  char digits[24];
  size_t nd = 0;
  do digits[nd++] = (char)('0' + i % 10); while ((i /= 10) && nd < sizeof digits);
  size_t pl = strlen(path);
  char *out = mm_arena_alloc_raw(rd->arena, pl + nd + 3);
  if (!out) return "";
  memcpy(out, path, pl);
  out[pl++] = '[';
  while (nd) out[pl++] = digits[--nd];
  out[pl++] = ']';
  out[pl] = '\0';
  return out;
}

static void check_keys(reader *rd, const mm_json *obj, const char *path,
                       const char *const *known) {
  for (size_t i = 0; i < obj->len; i++) {
    const char *k = obj->members[i].key;
    bool ok = false;
    for (const char *const *q = known; *q && !ok; q++) {
      const char *a = *q, *b = k;
      while (*a && *a == *b) a++, b++;
      ok = *a == *b;
    }
    if (ok) continue;
    mm_suggest s;
    mm_suggest_init(&s, k);
    for (const char *const *q = known; *q; q++) mm_suggest_offer(&s, *q);
    const char *hint = mm_suggest_result(&s);
    if (hint)
      err(rd, obj->members[i].value, child(rd, path, k), "unknown field; did you mean '%s'?", hint);
    else
      err(rd, obj->members[i].value, child(rd, path, k), "unknown field");
  }
}

static bool want(reader *rd, const mm_json *v, mm_json_type t, const char *path, const char *what) {
  if (v->type == t || (t == MM_JSON_TRUE && v->type == MM_JSON_FALSE)) return true;
  err(rd, v, path, "must be %s, got %s", what, mm_json_type_name(v->type));
  return false;
}

/* A present, non-null member, else NULL. */
static const mm_json *field(const mm_json *obj, const char *key) {
  const mm_json *v = mm_json_get(obj, key);
  return mm_json_present(v) ? v : NULL;
}

static mm_date read_date(reader *rd, const mm_json *obj, const char *key, const char *path) {
  const mm_json *v = field(obj, key);
  if (!v) return MM_DATE_NONE;
  const char *p = child(rd, path, key);
  if (!want(rd, v, MM_JSON_STRING, p, "a date YYYY-MM-DD")) return MM_DATE_NONE;
  mm_date d;
  if (!mm_date_parse(v->str, v->len, &d)) {
    err(rd, v, p, "not a valid date YYYY-MM-DD: '%s'", v->str);
    return MM_DATE_NONE;
  }
  if (rd->p->as_of != MM_DATE_NONE && d > rd->p->as_of) {
    char buf[11];
    mm_date_format(rd->p->as_of, buf);
    err(rd, v, p, "after as_of (%s)", buf);
  }
  return d;
}

static mm_value read_bool(reader *rd, const mm_json *obj, const char *key, const char *path) {
  const mm_json *v = field(obj, key);
  if (!v || !want(rd, v, MM_JSON_TRUE, child(rd, path, key), "true or false"))
    return mm_value_unknown(MM_TYPE_BOOL);
  return mm_value_bool(v->type == MM_JSON_TRUE);
}

static mm_value read_number(reader *rd, const mm_json *obj, const char *key, const char *path,
                            double min, double max, bool integer) {
  const mm_json *v = field(obj, key);
  if (!v) return mm_value_unknown(MM_TYPE_NUMBER);
  const char *p = child(rd, path, key);
  if (!want(rd, v, MM_JSON_NUMBER, p, integer ? "a whole number" : "a number"))
    return mm_value_unknown(MM_TYPE_NUMBER);
  if (integer && !v->is_integer) {
    err(rd, v, p, "must be a whole number");
    return mm_value_unknown(MM_TYPE_NUMBER);
  }
  if (v->number < min || v->number > max) {
    err(rd, v, p, "out of range (%g to %g)", min, max);
    return mm_value_unknown(MM_TYPE_NUMBER);
  }
  return mm_value_number(v->number);
}

static int read_enum(reader *rd, const mm_json *obj, const char *key, const char *path,
                     const char *const *names) {
  const mm_json *v = field(obj, key);
  if (!v) return -1;
  const char *p = child(rd, path, key);
  if (!want(rd, v, MM_JSON_STRING, p, "a string")) return -1;
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], v->str) == 0) return i;
  char list[200] = "";
  size_t used = 0;
  for (int i = 0; names[i]; i++) {
    int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    if (w > 0 && (size_t)w < sizeof list - used) used += (size_t)w;
  }
  err(rd, v, p, "'%s' is not one of: %s", v->str, list);
  return -1;
}

static const mm_drug *resolve_drug(reader *rd, const mm_json *v, const char *path) {
  const mm_drug *d = mm_kb_find_drug(rd->kb, v->str);
  if (d) return d;
  mm_suggest s;
  mm_suggest_init(&s, v->str);
  for (size_t i = 0; i < rd->kb->n_drugs; i++) {
    mm_suggest_offer(&s, rd->kb->drugs[i].id);
    for (size_t k = 0; k < rd->kb->drugs[i].n_brands; k++)
      mm_suggest_offer(&s, rd->kb->drugs[i].brands[k]);
  }
  const char *hint = mm_suggest_result(&s);
  if (hint) err(rd, v, path, "unknown drug '%s'; did you mean '%s'?", v->str, hint);
  else if (mm_kb_find_regimen(rd->kb, v->str, NULL))
    err(rd, v, path, "'%s' is a regimen, not a drug: write it as \"regimen\"", v->str);
  else err(rd, v, path, "unknown drug '%s'", v->str);
  return NULL;
}

/* drugs: ["name", {name, start, end}, ...] */
static mm_drug_use *read_drug_list(reader *rd, const mm_json *arr, const char *path,
                                   bool allow_objects, size_t *n_out) {
  *n_out = 0;
  if (!want(rd, arr, MM_JSON_ARRAY, path, "an array of drug names")) return NULL;
  mm_drug_use *out = mm_arena_alloc(rd->arena, (arr->len + 1) * sizeof *out);
  if (!out) return NULL;
  for (size_t i = 0; i < arr->len; i++) {
    const mm_json *v = arr->items[i];
    const char *p = elem(rd, path, i);
    mm_drug_use u = {.start = MM_DATE_NONE, .end = MM_DATE_NONE, .path = p};
    const mm_json *name = v;
    if (v->type == MM_JSON_OBJECT && allow_objects) {
      static const char *const keys[] = {"name", "start", "end", NULL};
      check_keys(rd, v, p, keys);
      name = field(v, "name");
      if (!name) {
        err(rd, v, child(rd, p, "name"), "missing: the drug's name");
        continue;
      }
      u.start = read_date(rd, v, "start", p);
      u.end = read_date(rd, v, "end", p);
      u.own_dates = true;
      if (u.start != MM_DATE_NONE && u.end != MM_DATE_NONE && u.end < u.start)
        err(rd, field(v, "end"), child(rd, p, "end"), "before start");
      p = child(rd, p, "name");
    }
    if (!want(rd, name, MM_JSON_STRING, p, allow_objects ? "a drug name or {name, start, end}"
                                                         : "a drug name"))
      continue;
    const mm_drug *d = resolve_drug(rd, name, p);
    if (!d) continue;
    u.drug = (int)(d - rd->kb->drugs);
    bool dup = false;
    for (size_t k = 0; k < *n_out; k++) dup |= out[k].drug == u.drug;
    if (dup) {
      err(rd, name, p, "'%s' is listed twice", d->id);
      continue;
    }
    out[(*n_out)++] = u;
  }
  return out;
}

static void read_regimen(reader *rd, const mm_json *line, const char *path, mm_line *l) {
  const mm_json *v = field(line, "regimen");
  if (!v) return;
  const char *p = child(rd, path, "regimen");
  if (!want(rd, v, MM_JSON_STRING, p, "a regimen name")) return;
  l->regimen_name = v->str;
  const mm_ambiguity *amb = NULL;
  l->regimen = mm_kb_find_regimen(rd->kb, v->str, &amb);
  if (amb) {
    char cands[300] = "";
    size_t used = 0;
    for (size_t i = 0; i < amb->n_candidates; i++) {
      int w = snprintf(cands + used, sizeof cands - used, "%s%s", i ? ", " : "", amb->candidates[i]);
      if (w > 0 && (size_t)w < sizeof cands - used) used += (size_t)w;
    }
    err(rd, v, p, "ambiguous regimen '%s' (%s): write one of %s, or list the drugs",
        v->str, amb->reason.en ? amb->reason.en : "", cands);
    return;
  }
  if (l->regimen) return;
  const mm_drug *single = mm_kb_find_drug(rd->kb, v->str);
  if (single) { /* a single agent written as the regimen */
    l->drugs = mm_arena_alloc(rd->arena, sizeof *l->drugs);
    if (!l->drugs) return;
    l->drugs[0] = (mm_drug_use){(int)(single - rd->kb->drugs), MM_DATE_NONE, MM_DATE_NONE, false, p};
    l->n_drugs = 1;
    l->drugs_known = true;
    return;
  }
  mm_suggest s;
  mm_suggest_init(&s, v->str);
  for (size_t i = 0; i < rd->kb->n_regimens; i++) {
    mm_suggest_offer(&s, rd->kb->regimens[i].id);
    for (size_t k = 0; k < rd->kb->regimens[i].n_variants; k++)
      mm_suggest_offer(&s, rd->kb->regimens[i].variants[k]);
  }
  const char *hint = mm_suggest_result(&s);
  if (hint) err(rd, v, p, "unknown regimen '%s'; did you mean '%s'?", v->str, hint);
  else err(rd, v, p, "unknown regimen '%s': list its drugs in \"drugs\"", v->str);
}

static void read_line(reader *rd, const mm_json *v, const char *path, mm_line *l) {
  static const char *const keys[] = {"regimen", "drugs", "start", "end", "asct", "maintenance",
                                     "best_response", "progression", "stop_reason",
                                     "refractory_to", NULL};
  memset(l, 0, sizeof *l);
  l->path = path;
  l->start = l->end = l->asct = l->maint_start = l->maint_end = l->progression = MM_DATE_NONE;
  l->best_response = MM_RESP_NONE;
  l->stop_reason = MM_STOP_NONE;
  if (!want(rd, v, MM_JSON_OBJECT, path, "an object")) return;
  check_keys(rd, v, path, keys);
  read_regimen(rd, v, path, l);
  const mm_json *drugs = field(v, "drugs");
  if (drugs) {
    size_t n;
    const char *p = child(rd, path, "drugs");
    mm_drug_use *list = read_drug_list(rd, drugs, p, true, &n);
    if (list && l->regimen) {
      /* Both given: they must name the same drugs. */
      for (size_t i = 0; i < l->regimen->n_drugs; i++) {
        bool found = false;
        for (size_t k = 0; k < n; k++) found |= list[k].drug == l->regimen->drugs[i];
        if (!found)
          err(rd, drugs, p, "does not match regimen '%s': %s is missing", l->regimen->id,
              rd->kb->drugs[l->regimen->drugs[i]].id);
      }
      for (size_t k = 0; k < n; k++) {
        bool found = false;
        for (size_t i = 0; i < l->regimen->n_drugs; i++) found |= list[k].drug == l->regimen->drugs[i];
        if (!found)
          err(rd, drugs, list[k].path, "'%s' is not part of regimen '%s'",
              rd->kb->drugs[list[k].drug].id, l->regimen->id);
      }
    }
    if (list) {
      l->drugs = list;
      l->n_drugs = n;
      l->drugs_known = true;
    }
  } else if (l->regimen) {
    l->n_drugs = l->regimen->n_drugs;
    l->drugs = mm_arena_alloc(rd->arena, (l->n_drugs + 1) * sizeof *l->drugs);
    const char *p = child(rd, path, "regimen");
    for (size_t i = 0; l->drugs && i < l->n_drugs; i++)
      l->drugs[i] = (mm_drug_use){l->regimen->drugs[i], MM_DATE_NONE, MM_DATE_NONE, false, p};
    l->drugs_known = l->drugs != NULL;
  }
  l->start = read_date(rd, v, "start", path);
  l->end = read_date(rd, v, "end", path);
  if (l->start != MM_DATE_NONE && l->end != MM_DATE_NONE && l->end < l->start)
    err(rd, field(v, "end"), child(rd, path, "end"), "before start");
  const mm_json *asct = field(v, "asct");
  if (asct) {
    if (asct->type == MM_JSON_TRUE) {
      l->has_asct = true;
    } else if (asct->type == MM_JSON_FALSE) {
      l->has_asct = false;
    } else {
      l->asct = read_date(rd, v, "asct", path);
      l->has_asct = l->asct != MM_DATE_NONE;
      if (l->asct != MM_DATE_NONE && l->start != MM_DATE_NONE && l->asct < l->start)
        err(rd, asct, child(rd, path, "asct"), "before the line's start");
    }
  }
  const mm_json *m = field(v, "maintenance");
  if (m) {
    const char *mp = child(rd, path, "maintenance");
    if (want(rd, m, MM_JSON_OBJECT, mp, "an object {drugs, start, end}")) {
      static const char *const mkeys[] = {"drugs", "start", "end", NULL};
      check_keys(rd, m, mp, mkeys);
      l->has_maintenance = true;
      const mm_json *md = field(m, "drugs");
      if (md) l->maint = read_drug_list(rd, md, child(rd, mp, "drugs"), false, &l->n_maint);
      else err(rd, m, child(rd, mp, "drugs"), "missing: the maintenance drugs");
      l->maint_start = read_date(rd, m, "start", mp);
      l->maint_end = read_date(rd, m, "end", mp);
      if (l->maint_start != MM_DATE_NONE && l->maint_end != MM_DATE_NONE &&
          l->maint_end < l->maint_start)
        err(rd, field(m, "end"), child(rd, mp, "end"), "before start");
      if (l->maint_start != MM_DATE_NONE && l->start != MM_DATE_NONE && l->maint_start < l->start)
        err(rd, field(m, "start"), child(rd, mp, "start"), "before the line's start");
    }
  }
  l->best_response = (mm_response)read_enum(rd, v, "best_response", path, response_names);
  l->progression = read_date(rd, v, "progression", path);
  l->has_progression = l->progression != MM_DATE_NONE;
  if (l->has_progression && l->start != MM_DATE_NONE && l->progression < l->start)
    err(rd, field(v, "progression"), child(rd, path, "progression"), "before the line's start");
  l->stop_reason = (mm_stop_reason)read_enum(rd, v, "stop_reason", path, stop_names);
  const mm_json *rt = field(v, "refractory_to");
  if (rt) {
    size_t n;
    mm_drug_use *list = read_drug_list(rd, rt, child(rd, path, "refractory_to"), false, &n);
    if (list) {
      l->refractory_to = mm_arena_alloc(rd->arena, (n + 1) * sizeof *l->refractory_to);
      for (size_t i = 0; l->refractory_to && i < n; i++) l->refractory_to[i] = list[i].drug;
      l->n_refractory_to = l->refractory_to ? n : 0;
    }
  }
}

static void read_lab(reader *rd, const mm_json *v, const char *path, mm_observation *o, bool *ok) {
  static const char *const keys[] = {"date", "test", "value", "unit", NULL};
  *ok = false;
  if (!want(rd, v, MM_JSON_OBJECT, path, "an object {date, test, value, unit}")) return;
  check_keys(rd, v, path, keys);
  o->path = path;
  o->date = read_date(rd, v, "date", path);
  if (o->date == MM_DATE_NONE && !field(v, "date"))
    err(rd, v, child(rd, path, "date"), "missing: the date of the observation");
  const mm_json *test = field(v, "test");
  if (!test) {
    err(rd, v, child(rd, path, "test"), "missing: the lab test");
    return;
  }
  if (!want(rd, test, MM_JSON_STRING, child(rd, path, "test"), "a lab test name")) return;
  const mm_lab *lab = mm_kb_find_lab(rd->kb, test->str);
  if (!lab) {
    mm_suggest s;
    mm_suggest_init(&s, test->str);
    for (size_t i = 0; i < rd->kb->n_labs; i++) mm_suggest_offer(&s, rd->kb->labs[i].id);
    const char *hint = mm_suggest_result(&s);
    err(rd, test, child(rd, path, "test"), "unknown lab test '%s'%s%s%s", test->str,
        hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
    return;
  }
  o->lab = (int)(lab - rd->kb->labs);
  const mm_json *value = field(v, "value");
  const mm_json *unit = field(v, "unit");
  const char *vp = child(rd, path, "value"), *up = child(rd, path, "unit");
  if (!value) {
    err(rd, v, vp, "missing: the value");
    return;
  }
  if (lab->values) {
    if (unit) err(rd, unit, up, "'%s' has no unit (its values are words)", lab->id);
    if (!want(rd, value, MM_JSON_STRING, vp, "one of the test's values")) return;
    for (size_t i = 0; i < lab->n_values; i++)
      if (strcmp(lab->values[i], value->str) == 0) {
        o->category = lab->values[i];
        *ok = o->date != MM_DATE_NONE;
        return;
      }
    err(rd, value, vp, "'%s' is not a value of '%s'", value->str, lab->id);
    return;
  }
  if (!want(rd, value, MM_JSON_NUMBER, vp, "a number")) return;
  if (!unit) {
    err(rd, v, up, "missing: the unit (%s accepts %s%s)", lab->id, lab->unit,
        lab->n_units > 1 ? " and others" : "");
    return;
  }
  if (!want(rd, unit, MM_JSON_STRING, up, "a unit")) return;
  const mm_lab_unit *lu = NULL;
  for (size_t i = 0; i < lab->n_units; i++)
    if (strcasecmp(lab->units[i].unit, unit->str) == 0) lu = &lab->units[i];
  if (!lu) {
    char list[200] = "";
    size_t used = 0;
    for (size_t i = 0; i < lab->n_units; i++) {
      int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", lab->units[i].unit);
      if (w > 0 && (size_t)w < sizeof list - used) used += (size_t)w;
    }
    err(rd, unit, up, "unit '%s' is not accepted for %s (accepted: %s)", unit->str, lab->id, list);
    return;
  }
  o->value = value->number * lu->factor;
  if (lab->has_range && (o->value < lab->min || o->value > lab->max)) {
    err(rd, value, vp, "%g %s is not a plausible %s (%g to %g %s)", value->number, unit->str,
        lab->id, lab->min, lab->max, lab->unit);
    return;
  }
  *ok = o->date != MM_DATE_NONE;
}

static void read_diagnosis(reader *rd, const mm_json *d, mm_patient *p) {
  static const char *const keys[] = {"date", "iss", "beta2m_mg_l", "albumin_g_dl",
                                     "ldh_above_uln", "fish", NULL};
  if (!want(rd, d, MM_JSON_OBJECT, "diagnosis", "an object")) return;
  check_keys(rd, d, "diagnosis", keys);
  p->diagnosis_date = read_date(rd, d, "date", "diagnosis");
  p->iss = read_number(rd, d, "iss", "diagnosis", 1, 3, true);
  /* Plausible values are those of the lab vocabulary (kb/vocabulary/labs.yaml),
   * whose canonical units these fields use. */
  const mm_lab *b2m = mm_kb_find_lab(rd->kb, "beta2m"), *alb = mm_kb_find_lab(rd->kb, "albumin");
  p->beta2m_mg_l = read_number(rd, d, "beta2m_mg_l", "diagnosis",
                               b2m && b2m->has_range ? b2m->min : 0,
                               b2m && b2m->has_range ? b2m->max : 1e9, false);
  p->albumin_g_dl = read_number(rd, d, "albumin_g_dl", "diagnosis",
                                alb && alb->has_range ? alb->min : 0,
                                alb && alb->has_range ? alb->max : 1e9, false);
  p->ldh_above_uln = read_bool(rd, d, "ldh_above_uln", "diagnosis");
  const mm_json *fish = field(d, "fish");
  if (fish && want(rd, fish, MM_JSON_OBJECT, "diagnosis.fish", "an object")) {
    static const char *const fkeys[] = {"del17p", "t4_14", "t14_16", "gain1q", "amp1q", NULL};
    check_keys(rd, fish, "diagnosis.fish", fkeys);
    p->del17p = read_bool(rd, fish, "del17p", "diagnosis.fish");
    p->t4_14 = read_bool(rd, fish, "t4_14", "diagnosis.fish");
    p->t14_16 = read_bool(rd, fish, "t14_16", "diagnosis.fish");
    p->gain1q = read_bool(rd, fish, "gain1q", "diagnosis.fish");
    p->amp1q = read_bool(rd, fish, "amp1q", "diagnosis.fish");
  }
}

int mm_patient_from_json(mm_patient **out, mm_arena *arena, const mm_kb *kb,
                         const mm_json *root, const char *source, mm_diags *diags) {
  *out = NULL;
  size_t errors_before = diags->errors;
  mm_patient *p = mm_arena_alloc(arena, sizeof *p);
  if (!p) return -1;
  reader rd = {arena, kb, source, diags, p};
  p->as_of = p->birth_date = p->diagnosis_date = MM_DATE_NONE;
  mm_value ub = mm_value_unknown(MM_TYPE_BOOL), un = mm_value_unknown(MM_TYPE_NUMBER);
  p->age_given = p->ecog = p->charlson = p->adl = p->iadl = p->iss = un;
  p->beta2m_mg_l = p->albumin_g_dl = un;
  p->transplant_eligible = p->ldh_above_uln = p->del17p = p->t4_14 = p->t14_16 = ub;
  p->gain1q = p->amp1q = p->extramedullary = p->plasma_cell_leukemia = p->cns = ub;
  if (root->type != MM_JSON_OBJECT) {
    err(&rd, root, "", "a patient record must be a JSON object, got %s",
        mm_json_type_name(root->type));
    return -1;
  }
  static const char *const keys[] = {"schema", "id", "center", "as_of", "birth_date", "age",
                                     "sex", "ecog", "frailty", "comorbidities",
                                     "transplant_eligible", "diagnosis", "features", "labs",
                                     "lines", NULL};
  check_keys(&rd, root, "", keys);
  const mm_json *v;
  if ((v = field(root, "schema")) && want(&rd, v, MM_JSON_STRING, "schema", "a string") &&
      strcmp(v->str, "mmpath/patient@1") != 0)
    err(&rd, v, "schema", "'%s' is not a record format this mmpath reads (mmpath/patient@1)", v->str);
  v = field(root, "id");
  if (!v) err(&rd, root, "id", "missing: the pseudonymous patient id is required");
  else if (want(&rd, v, MM_JSON_STRING, "id", "a string")) {
    if (v->len == 0) err(&rd, v, "id", "must not be empty");
    p->id = v->str;
  }
  if ((v = field(root, "center")) && want(&rd, v, MM_JSON_STRING, "center", "a string"))
    p->center = v->str;
  /* as_of first: every other date is checked against it. */
  if ((v = field(root, "as_of"))) {
    if (want(&rd, v, MM_JSON_STRING, "as_of", "a date YYYY-MM-DD") &&
        !mm_date_parse(v->str, v->len, &p->as_of))
      err(&rd, v, "as_of", "not a valid date YYYY-MM-DD: '%s'", v->str);
    p->as_of_given = p->as_of != MM_DATE_NONE;
  }
  if (!p->as_of_given) p->as_of = mm_date_today();
  p->birth_date = read_date(&rd, root, "birth_date", "");
  p->age_given = read_number(&rd, root, "age", "", 0, 130, true);
  int sex = read_enum(&rd, root, "sex", "", sex_names);
  p->sex = sex >= 0 ? sex_names[sex] : NULL;
  p->ecog = read_number(&rd, root, "ecog", "", 0, 4, true);
  if ((v = field(root, "frailty")) && want(&rd, v, MM_JSON_OBJECT, "frailty", "an object")) {
    static const char *const fkeys[] = {"charlson", "adl", "iadl", NULL};
    check_keys(&rd, v, "frailty", fkeys);
    p->charlson = read_number(&rd, v, "charlson", "frailty", 0, 37, true);
    p->adl = read_number(&rd, v, "adl", "frailty", 0, 6, true);
    p->iadl = read_number(&rd, v, "iadl", "frailty", 0, 8, true);
  }
  if ((v = field(root, "comorbidities")) &&
      want(&rd, v, MM_JSON_ARRAY, "comorbidities", "an array of codes")) {
    p->comorbidities_given = true;
    p->comorbidities = mm_arena_alloc(arena, (v->len + 1) * sizeof *p->comorbidities);
    for (size_t i = 0; p->comorbidities && i < v->len; i++) {
      const char *path = elem(&rd, "comorbidities", i);
      const mm_json *c = v->items[i];
      if (!want(&rd, c, MM_JSON_STRING, path, "a comorbidity code")) continue;
      const mm_comorbidity *m = mm_kb_find_comorbidity(kb, c->str);
      if (!m) {
        mm_suggest s;
        mm_suggest_init(&s, c->str);
        for (size_t k = 0; k < kb->n_comorbidities; k++) mm_suggest_offer(&s, kb->comorbidities[k].id);
        const char *hint = mm_suggest_result(&s);
        err(&rd, c, path, "unknown comorbidity code '%s'%s%s%s", c->str,
            hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
        continue;
      }
      p->comorbidities[p->n_comorbidities++] = (int)(m - kb->comorbidities);
    }
  }
  p->transplant_eligible = read_bool(&rd, root, "transplant_eligible", "");
  if ((v = field(root, "diagnosis"))) read_diagnosis(&rd, v, p);
  if ((v = field(root, "features")) && want(&rd, v, MM_JSON_OBJECT, "features", "an object")) {
    static const char *const fkeys[] = {"extramedullary", "plasma_cell_leukemia", "cns", NULL};
    check_keys(&rd, v, "features", fkeys);
    p->extramedullary = read_bool(&rd, v, "extramedullary", "features");
    p->plasma_cell_leukemia = read_bool(&rd, v, "plasma_cell_leukemia", "features");
    p->cns = read_bool(&rd, v, "cns", "features");
  }
  if ((v = field(root, "labs")) && want(&rd, v, MM_JSON_ARRAY, "labs", "an array")) {
    p->labs = mm_arena_alloc(arena, (v->len + 1) * sizeof *p->labs);
    for (size_t i = 0; p->labs && i < v->len; i++) {
      bool ok;
      read_lab(&rd, v->items[i], elem(&rd, "labs", i), &p->labs[p->n_labs], &ok);
      if (ok) p->n_labs++;
    }
  }
  if ((v = field(root, "lines")) && want(&rd, v, MM_JSON_ARRAY, "lines", "an array, oldest first")) {
    p->lines_given = true;
    p->lines = mm_arena_alloc(arena, (v->len + 1) * sizeof *p->lines);
    for (size_t i = 0; p->lines && i < v->len; i++) {
      mm_line *l = &p->lines[p->n_lines++];
      read_line(&rd, v->items[i], elem(&rd, "lines", i), l);
      if (i > 0 && l->start != MM_DATE_NONE) {
        const mm_line *prev = &p->lines[i - 1];
        if (prev->start != MM_DATE_NONE && l->start < prev->start)
          err(&rd, field(v->items[i], "start"), child(&rd, l->path, "start"),
              "before %s.start: lines are listed oldest first", prev->path);
      }
    }
  }
  if (p->birth_date != MM_DATE_NONE && p->diagnosis_date != MM_DATE_NONE &&
      p->diagnosis_date < p->birth_date)
    err(&rd, field(field(root, "diagnosis"), "date"), "diagnosis.date", "before birth_date");
  if (arena->failed) {
    mm_diag_error(diags, source, 0, 0, NULL, "out of memory");
    return -1;
  }
  if (diags->errors > errors_before) return -1;
  *out = p;
  return 0;
}

int mm_patient_read(mm_patient **out, mm_arena *arena, const mm_kb *kb, const char *json,
                    size_t len, const char *source, mm_diags *diags) {
  *out = NULL;
  mm_json_error jerr;
  mm_json *root = mm_json_parse(arena, json, len, &jerr);
  if (!root) {
    mm_diag_error(diags, source, jerr.line, jerr.col, NULL, "invalid JSON: %s", jerr.text);
    return -1;
  }
  return mm_patient_from_json(out, arena, kb, root, source, diags);
}
