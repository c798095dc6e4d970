/* patient_read.c: a patient record (shared/spec/patient-record.md) from JSON
 * into mm_patient, checked field by field. Every problem is reported with its
 * path (`lines[1].start`), the JSON line and column, and one line of reason;
 * reading goes on after a problem so one pass reports them all. An unknown
 * field is an error: a typo in clinical data must not pass silently. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "patient/patient_internal.h"
#include "util/suggest.h"

const char *const mm_stop_names[] = {"progression", "toxicity", "completed",
                                         "patient_choice", "other", NULL};
const char *const mm_sex_names[] = {"male", "female", "other", NULL};

typedef struct reader {
  mm_arena *arena;
  const mm_kb *kb;
  const char *source;
  mm_diags *diags;
  mm_patient *p;
  bool paths;  /* build field paths; without, the first error ends the pass */
  bool failed; /* an error was found while not building paths */
} reader;

static void err(reader *rd, mm_diag_code code, const mm_json *at, const char *path,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void err(reader *rd, mm_diag_code code, const mm_json *at, const char *path,
                const char *fmt, ...) {
  if (!rd->paths) { /* the caller reads the record again, with paths, for the message */
    rd->failed = true;
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  mm_diag_vadd(rd->diags, MM_DIAG_ERROR, code, rd->source, at ? at->line : 0, at ? at->col : 0,
               path, fmt, ap);
  va_end(ap);
}

/* path + "." + key, or path + "[i]": for errors and explanations. Registry
 * screening reads millions of valid records and explains none, so it reads
 * without paths ("") and only a record with an error is read again with them. */
static const char *child(reader *rd, const char *path, const char *key) {
  if (!rd->paths) return "";
  size_t pl = strlen(path), kl = strlen(key);
  char *out = mm_arena_alloc_raw(rd->arena, pl + kl + 2);
  if (!out) return "";
  memcpy(out, path, pl);
  if (pl) out[pl++] = '.';
  memcpy(out + pl, key, kl + 1);
  return out;
}
static const char *elem(reader *rd, const char *path, size_t i) {
  if (!rd->paths) return "";
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

static void unknown_field(reader *rd, const mm_json_member *m, const char *path,
                          const char *const *known, size_t n) {
  if (!rd->paths) {
    rd->failed = true;
    return;
  }
  mm_suggest s;
  mm_suggest_init(&s, m->key);
  for (size_t i = 0; i < n; i++) mm_suggest_offer(&s, known[i]);
  const char *hint = mm_suggest_result(&s);
  if (hint)
    err(rd, MM_E_UNKNOWN_KEY, m->value, child(rd, path, m->key),
        "unknown field; did you mean '%s'?", hint);
  else
    err(rd, MM_E_UNKNOWN_KEY, m->value, child(rd, path, m->key), "unknown field");
}

/* Matches an object's members once against its known fields: slot[i] gets
 * the value of known[i], NULL when absent or JSON null (null is absent). An
 * unknown field is an error: a typo in clinical data must not pass silently.
 * Records list fields in the spec's order, so the search starts after the
 * previous match. */
static void bind(reader *rd, const mm_json *obj, const char *path, const char *const *known,
                 size_t n, const mm_json **slot) {
  memset(slot, 0, n * sizeof *slot);
  size_t next = 0;
  for (size_t i = 0; i < obj->len; i++) {
    const mm_json_member *m = &obj->members[i];
    size_t k = next, tries = 0;
    for (; tries < n; tries++, k = k + 1 == n ? 0 : k + 1)
      if (mm_same_name(known[k], m->key)) break;
    if (tries == n) {
      unknown_field(rd, m, path, known, n);
      continue;
    }
    if (m->value->type != MM_JSON_NULL) slot[k] = m->value;
    next = k + 1 == n ? 0 : k + 1;
  }
}

static bool want(reader *rd, const mm_json *v, mm_json_type t, const char *path, const char *what) {
  if (v->type == t || (t == MM_JSON_TRUE && v->type == MM_JSON_FALSE)) return true;
  err(rd, MM_E_TYPE, v, path, "must be %s, got %s", what, mm_json_type_name(v->type));
  return false;
}

/* v: a field's value from bind(), NULL when absent. */
static mm_date read_date(reader *rd, const mm_json *v, const char *path, const char *key) {
  if (!v) return MM_DATE_NONE;
  if (v->type != MM_JSON_STRING) {
    want(rd, v, MM_JSON_STRING, child(rd, path, key), "a date YYYY-MM-DD");
    return MM_DATE_NONE;
  }
  mm_date d;
  if (!mm_date_parse(v->str, v->len, &d)) {
    err(rd, MM_E_INVALID, v, child(rd, path, key), "not a valid date YYYY-MM-DD: '%s'", v->str);
    return MM_DATE_NONE;
  }
  if (rd->p->as_of != MM_DATE_NONE && d > rd->p->as_of) {
    char buf[11];
    mm_date_format(rd->p->as_of, buf);
    err(rd, MM_E_ORDER, v, child(rd, path, key), "after as_of (%s)", buf);
  }
  return d;
}

static mm_value read_bool(reader *rd, const mm_json *v, const char *path, const char *key) {
  if (!v) return mm_value_unknown(MM_TYPE_BOOL);
  if (v->type == MM_JSON_TRUE || v->type == MM_JSON_FALSE) return mm_value_bool(v->type == MM_JSON_TRUE);
  want(rd, v, MM_JSON_TRUE, child(rd, path, key), "true or false");
  return mm_value_unknown(MM_TYPE_BOOL);
}

static mm_value read_number(reader *rd, const mm_json *v, const char *path, const char *key,
                            double min, double max, bool integer) {
  if (!v) return mm_value_unknown(MM_TYPE_NUMBER);
  if (v->type != MM_JSON_NUMBER) {
    want(rd, v, MM_JSON_NUMBER, child(rd, path, key), integer ? "a whole number" : "a number");
    return mm_value_unknown(MM_TYPE_NUMBER);
  }
  if (integer && !v->is_integer) {
    err(rd, MM_E_TYPE, v, child(rd, path, key), "must be a whole number");
    return mm_value_unknown(MM_TYPE_NUMBER);
  }
  if (v->number < min || v->number > max) {
    err(rd, MM_E_RANGE, v, child(rd, path, key), "out of range (%g to %g)", min, max);
    return mm_value_unknown(MM_TYPE_NUMBER);
  }
  return mm_value_number(v->number);
}

static int read_enum(reader *rd, const mm_json *v, const char *path, const char *key,
                     const char *const *names) {
  if (!v) return -1;
  if (!want(rd, v, MM_JSON_STRING, child(rd, path, key), "a string")) return -1;
  int found = mm_name_index(names, v->str);
  if (found >= 0) return found;
  char list[200] = "";
  size_t used = 0;
  for (int i = 0; names[i]; i++) {
    int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
    if (w > 0 && (size_t)w < sizeof list - used) used += (size_t)w;
  }
  err(rd, MM_E_INVALID, v, child(rd, path, key), "'%s' is not one of: %s", v->str, list);
  return -1;
}

static const mm_drug *resolve_drug(reader *rd, const mm_json *v, const char *path) {
  const mm_drug *d = mm_kb_find_drug(rd->kb, v->str);
  if (d) return d;
  if (!rd->paths) {
    rd->failed = true;
    return NULL;
  }
  mm_suggest s;
  mm_suggest_init(&s, v->str);
  for (size_t i = 0; i < rd->kb->n_drugs; i++) {
    mm_suggest_offer(&s, rd->kb->drugs[i].id);
    for (size_t k = 0; k < rd->kb->drugs[i].n_brands; k++)
      mm_suggest_offer(&s, rd->kb->drugs[i].brands[k]);
  }
  const char *hint = mm_suggest_result(&s);
  if (hint)
    err(rd, MM_E_UNKNOWN_NAME, v, path, "unknown drug '%s'; did you mean '%s'?", v->str, hint);
  else if (mm_kb_find_regimen(rd->kb, v->str, NULL))
    err(rd, MM_E_UNKNOWN_NAME, v, path, "'%s' is a regimen, not a drug: write it as \"regimen\"",
        v->str);
  else
    err(rd, MM_E_UNKNOWN_NAME, v, path, "unknown drug '%s'", v->str);
  return NULL;
}

/* drugs: ["name", {name, start, end}, ...] */
enum { D_NAME, D_START, D_END, D_N };
static const char *const drug_keys[D_N] = {"name", "start", "end"};

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
      const mm_json *f[D_N];
      bind(rd, v, p, drug_keys, D_N, f);
      name = f[D_NAME];
      if (!name) {
        err(rd, MM_E_MISSING, v, child(rd, p, "name"), "missing: the drug's name");
        continue;
      }
      u.start = read_date(rd, f[D_START], p, "start");
      u.end = read_date(rd, f[D_END], p, "end");
      u.own_dates = true;
      if (u.start != MM_DATE_NONE && u.end != MM_DATE_NONE && u.end < u.start)
        err(rd, MM_E_ORDER, f[D_END], child(rd, p, "end"), "before start");
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
      err(rd, MM_E_DUPLICATE, name, p, "'%s' is listed twice", d->id);
      continue;
    }
    out[(*n_out)++] = u;
  }
  return out;
}

static void read_regimen(reader *rd, const mm_json *v, const char *path, mm_line *l) {
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
    err(rd, MM_E_AMBIGUOUS, v, p, "ambiguous regimen '%s' (%s): write one of %s, or list the drugs",
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
  if (!rd->paths) {
    rd->failed = true;
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
  if (hint)
    err(rd, MM_E_UNKNOWN_NAME, v, p, "unknown regimen '%s'; did you mean '%s'?", v->str, hint);
  else
    err(rd, MM_E_UNKNOWN_NAME, v, p, "unknown regimen '%s': list its drugs in \"drugs\"", v->str);
}

bool mm_regimen_matches(const mm_regimen *r, const mm_drug_use *list, size_t n) {
  if (n != r->n_drugs) return false;
  for (size_t k = 0; k < n; k++) {
    bool found = false;
    for (size_t i = 0; i < r->n_drugs; i++) found |= list[k].drug == r->drugs[i];
    if (!found) return false;
  }
  return true;
}

/* Both regimen and drugs given: they must name the same drugs. */
static void check_regimen_drugs(reader *rd, const mm_json *drugs, const char *p, const mm_line *l,
                                const mm_drug_use *list, size_t n) {
  if (mm_regimen_matches(l->regimen, list, n)) return;
  for (size_t i = 0; i < l->regimen->n_drugs; i++) {
    bool found = false;
    for (size_t k = 0; k < n; k++) found |= list[k].drug == l->regimen->drugs[i];
    if (!found)
      err(rd, MM_E_INVALID, drugs, p, "does not match regimen '%s': %s is missing", l->regimen->id,
          rd->kb->drugs[l->regimen->drugs[i]].id);
  }
  for (size_t k = 0; k < n; k++) {
    bool found = false;
    for (size_t i = 0; i < l->regimen->n_drugs; i++) found |= list[k].drug == l->regimen->drugs[i];
    if (!found)
      err(rd, MM_E_INVALID, drugs, list[k].path, "'%s' is not part of regimen '%s'",
          rd->kb->drugs[list[k].drug].id, l->regimen->id);
  }
}

const char *const mm_maintenance_keys[MM_MAINT_N] = {"drugs", "start", "end"};

static void read_maintenance(reader *rd, const mm_json *m, const char *path, mm_line *l) {
  const char *mp = child(rd, path, "maintenance");
  if (!want(rd, m, MM_JSON_OBJECT, mp, "an object {drugs, start, end}")) return;
  const mm_json *f[MM_MAINT_N];
  bind(rd, m, mp, mm_maintenance_keys, MM_MAINT_N, f);
  l->has_maintenance = true;
  if (f[MM_MAINT_DRUGS]) l->maint = read_drug_list(rd, f[MM_MAINT_DRUGS], child(rd, mp, "drugs"), false, &l->n_maint);
  else err(rd, MM_E_MISSING, m, child(rd, mp, "drugs"), "missing: the maintenance drugs");
  l->maint_start = read_date(rd, f[MM_MAINT_START], mp, "start");
  l->maint_end = read_date(rd, f[MM_MAINT_END], mp, "end");
  if (l->maint_start != MM_DATE_NONE && l->maint_end != MM_DATE_NONE &&
      l->maint_end < l->maint_start)
    err(rd, MM_E_ORDER, f[MM_MAINT_END], child(rd, mp, "end"), "before start");
  if (l->maint_start != MM_DATE_NONE && l->start != MM_DATE_NONE && l->maint_start < l->start)
    err(rd, MM_E_ORDER, f[MM_MAINT_START], child(rd, mp, "start"), "before the line's start");
}

const char *const mm_line_keys[MM_LINE_N] = {"regimen", "drugs", "start", "end", "asct",
                                           "maintenance", "best_response", "progression",
                                           "stop_reason", "refractory_to", "provisional"};

/* f: the line's fields, bound by the caller (the next line's checks use its start). */
static void read_line(reader *rd, const mm_json *v, const mm_json **f, const char *path, mm_line *l) {
  memset(l, 0, sizeof *l);
  l->path = path;
  l->start = l->end = l->asct = l->maint_start = l->maint_end = l->progression = MM_DATE_NONE;
  l->best_response = MM_RESP_NONE;
  l->stop_reason = MM_STOP_NONE;
  if (!want(rd, v, MM_JSON_OBJECT, path, "an object")) {
    memset(f, 0, MM_LINE_N * sizeof *f);
    return;
  }
  bind(rd, v, path, mm_line_keys, MM_LINE_N, f);
  read_regimen(rd, f[MM_LINE_REGIMEN], path, l);
  if (f[MM_LINE_DRUGS]) {
    size_t n;
    const char *p = child(rd, path, "drugs");
    mm_drug_use *list = read_drug_list(rd, f[MM_LINE_DRUGS], p, true, &n);
    if (list && l->regimen) check_regimen_drugs(rd, f[MM_LINE_DRUGS], p, l, list, n);
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
  l->start = read_date(rd, f[MM_LINE_START], path, "start");
  l->end = read_date(rd, f[MM_LINE_END], path, "end");
  if (l->start != MM_DATE_NONE && l->end != MM_DATE_NONE && l->end < l->start)
    err(rd, MM_E_ORDER, f[MM_LINE_END], child(rd, path, "end"), "before start");
  const mm_json *asct = f[MM_LINE_ASCT];
  if (asct) {
    if (asct->type == MM_JSON_TRUE) {
      l->has_asct = true;
    } else if (asct->type == MM_JSON_FALSE) {
      l->has_asct = false;
    } else {
      l->asct = read_date(rd, asct, path, "asct");
      l->has_asct = l->asct != MM_DATE_NONE;
      if (l->asct != MM_DATE_NONE && l->start != MM_DATE_NONE && l->asct < l->start)
        err(rd, MM_E_ORDER, asct, child(rd, path, "asct"), "before the line's start");
    }
  }
  if (f[MM_LINE_MAINTENANCE]) read_maintenance(rd, f[MM_LINE_MAINTENANCE], path, l);
  l->best_response = (mm_response_cat)read_enum(rd, f[MM_LINE_BEST_RESPONSE], path,
                                                "best_response", mm_response_cat_names);
  l->progression = read_date(rd, f[MM_LINE_PROGRESSION], path, "progression");
  l->has_progression = l->progression != MM_DATE_NONE;
  if (l->has_progression && l->start != MM_DATE_NONE && l->progression < l->start)
    err(rd, MM_E_ORDER, f[MM_LINE_PROGRESSION], child(rd, path, "progression"),
        "before the line's start");
  l->stop_reason = (mm_stop_reason)read_enum(rd, f[MM_LINE_STOP_REASON], path, "stop_reason", mm_stop_names);
  /* an importer's note that the line's bounds are not sure: the count of
   * lines becomes unknown (facts/line_of_therapy.c) */
  if (f[MM_LINE_PROVISIONAL] &&
      want(rd, f[MM_LINE_PROVISIONAL], MM_JSON_STRING, child(rd, path, "provisional"), "a string"))
    l->provisional = f[MM_LINE_PROVISIONAL]->str;
  if (f[MM_LINE_REFRACTORY_TO]) {
    size_t n;
    mm_drug_use *list =
        read_drug_list(rd, f[MM_LINE_REFRACTORY_TO], child(rd, path, "refractory_to"), false, &n);
    if (list) {
      l->refractory_to = mm_arena_alloc(rd->arena, (n + 1) * sizeof *l->refractory_to);
      for (size_t i = 0; l->refractory_to && i < n; i++) l->refractory_to[i] = list[i].drug;
      l->n_refractory_to = l->refractory_to ? n : 0;
    }
  }
}

const char *const mm_lab_keys[MM_LAB_N] = {"date", "test", "value", "unit"};

static const mm_lab *resolve_lab(reader *rd, const mm_json *test, const char *path) {
  const mm_lab *lab = mm_kb_find_lab(rd->kb, test->str);
  if (lab || !rd->paths) {
    rd->failed |= !lab;
    return lab;
  }
  mm_suggest s;
  mm_suggest_init(&s, test->str);
  for (size_t i = 0; i < rd->kb->n_labs; i++) mm_suggest_offer(&s, rd->kb->labs[i].id);
  const char *hint = mm_suggest_result(&s);
  err(rd, MM_E_UNKNOWN_NAME, test, child(rd, path, "test"), "unknown lab test '%s'%s%s%s",
      test->str, hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
  return NULL;
}

const mm_lab_unit *mm_lab_unit_find(const mm_lab *lab, const char *unit) {
  for (size_t i = 0; i < lab->n_units; i++) {
    const char *a = lab->units[i].unit, *b = unit; /* ASCII, letter case ignored */
    while (*a && (*a == *b || ((*a | 0x20) == (*b | 0x20) && (*a | 0x20) >= 'a' && (*a | 0x20) <= 'z')))
      a++, b++;
    if (!*a && !*b) return &lab->units[i];
  }
  return NULL;
}

static const mm_lab_unit *resolve_unit(reader *rd, const mm_lab *lab, const mm_json *unit,
                                       const char *up) {
  const mm_lab_unit *u = mm_lab_unit_find(lab, unit->str);
  if (u) return u;
  char list[200] = "";
  size_t used = 0;
  for (size_t i = 0; i < lab->n_units; i++) {
    int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", lab->units[i].unit);
    if (w > 0 && (size_t)w < sizeof list - used) used += (size_t)w;
  }
  err(rd, MM_E_UNKNOWN_NAME, unit, up, "unit '%s' is not accepted for %s (accepted: %s)", unit->str,
      lab->id, list);
  return NULL;
}

static void read_lab(reader *rd, const mm_json *v, const char *path, mm_observation *o, bool *ok) {
  *ok = false;
  if (!want(rd, v, MM_JSON_OBJECT, path, "an object {date, test, value, unit}")) return;
  const mm_json *f[MM_LAB_N];
  bind(rd, v, path, mm_lab_keys, MM_LAB_N, f);
  o->path = path;
  o->date = read_date(rd, f[MM_LAB_DATE], path, "date");
  if (!f[MM_LAB_DATE])
    err(rd, MM_E_MISSING, v, child(rd, path, "date"), "missing: the date of the observation");
  const mm_json *test = f[MM_LAB_TEST], *value = f[MM_LAB_VALUE], *unit = f[MM_LAB_UNIT];
  if (!test) {
    err(rd, MM_E_MISSING, v, child(rd, path, "test"), "missing: the lab test");
    return;
  }
  if (!want(rd, test, MM_JSON_STRING, child(rd, path, "test"), "a lab test name")) return;
  const mm_lab *lab = resolve_lab(rd, test, path);
  if (!lab) return;
  o->lab = (int)(lab - rd->kb->labs);
  const char *vp = child(rd, path, "value"), *up = child(rd, path, "unit");
  if (!value) {
    err(rd, MM_E_MISSING, v, vp, "missing: the value");
    return;
  }
  if (lab->values) {
    if (unit) err(rd, MM_E_INVALID, unit, up, "'%s' has no unit (its values are words)", lab->id);
    if (!want(rd, value, MM_JSON_STRING, vp, "one of the test's values")) return;
    int i = mm_name_index(lab->values, value->str);
    if (i >= 0) {
      o->category = lab->values[i];
      *ok = o->date != MM_DATE_NONE;
      return;
    }
    err(rd, MM_E_INVALID, value, vp, "'%s' is not a value of '%s'", value->str, lab->id);
    return;
  }
  if (!want(rd, value, MM_JSON_NUMBER, vp, "a number")) return;
  if (!unit) {
    err(rd, MM_E_MISSING, v, up, "missing: the unit (%s accepts %s%s)", lab->id, lab->unit,
        lab->n_units > 1 ? " and others" : "");
    return;
  }
  if (!want(rd, unit, MM_JSON_STRING, up, "a unit")) return;
  const mm_lab_unit *lu = resolve_unit(rd, lab, unit, up);
  if (!lu) return;
  o->value = value->number * lu->factor;
  if (lab->has_range && (o->value < lab->min || o->value > lab->max)) {
    err(rd, MM_E_RANGE, value, vp, "%g %s is not a plausible %s (%g to %g %s)", value->number,
        unit->str, lab->id, lab->min, lab->max, lab->unit);
    return;
  }
  *ok = o->date != MM_DATE_NONE;
}

const char *const mm_diagnosis_keys[MM_DIAG_N] = {"date", "iss", "beta2m_mg_l", "albumin_g_dl",
                                                "ldh_above_uln", "fish"};
const char *const mm_fish_keys[MM_FISH_N] = {"del17p", "t4_14", "t14_16", "gain1q", "amp1q"};

/* Returns the diagnosis date's JSON value, for the check against birth_date. */
static const mm_json *read_diagnosis(reader *rd, const mm_json *d, mm_patient *p) {
  if (!want(rd, d, MM_JSON_OBJECT, "diagnosis", "an object")) return NULL;
  p->diagnosis_given = true;
  const mm_json *f[MM_DIAG_N];
  bind(rd, d, "diagnosis", mm_diagnosis_keys, MM_DIAG_N, f);
  p->diagnosis_date = read_date(rd, f[MM_DIAG_DATE], "diagnosis", "date");
  p->iss = read_number(rd, f[MM_DIAG_ISS], "diagnosis", "iss", 1, 3, true);
  /* Plausible values are those of the lab vocabulary (kb/vocabulary/labs.yaml),
   * whose canonical units these fields use. */
  const mm_lab *b2m = rd->kb->lab_beta2m, *alb = rd->kb->lab_albumin;
  p->beta2m_mg_l = read_number(rd, f[MM_DIAG_BETA2M], "diagnosis", "beta2m_mg_l",
                               b2m && b2m->has_range ? b2m->min : 0,
                               b2m && b2m->has_range ? b2m->max : 1e9, false);
  p->albumin_g_dl = read_number(rd, f[MM_DIAG_ALBUMIN], "diagnosis", "albumin_g_dl",
                                alb && alb->has_range ? alb->min : 0,
                                alb && alb->has_range ? alb->max : 1e9, false);
  p->ldh_above_uln = read_bool(rd, f[MM_DIAG_LDH], "diagnosis", "ldh_above_uln");
  const mm_json *fish = f[MM_DIAG_FISH];
  if (fish && want(rd, fish, MM_JSON_OBJECT, "diagnosis.fish", "an object")) {
    const mm_json *c[MM_FISH_N];
    bind(rd, fish, "diagnosis.fish", mm_fish_keys, MM_FISH_N, c);
    p->del17p = read_bool(rd, c[MM_FISH_DEL17P], "diagnosis.fish", "del17p");
    p->t4_14 = read_bool(rd, c[MM_FISH_T4_14], "diagnosis.fish", "t4_14");
    p->t14_16 = read_bool(rd, c[MM_FISH_T14_16], "diagnosis.fish", "t14_16");
    p->gain1q = read_bool(rd, c[MM_FISH_GAIN1Q], "diagnosis.fish", "gain1q");
    p->amp1q = read_bool(rd, c[MM_FISH_AMP1Q], "diagnosis.fish", "amp1q");
  }
  return f[MM_DIAG_DATE];
}

static void read_comorbidities(reader *rd, const mm_json *v, mm_patient *p) {
  const mm_kb *kb = rd->kb;
  p->comorbidities_given = true;
  p->comorbidities = mm_arena_alloc(rd->arena, (v->len + 1) * sizeof *p->comorbidities);
  for (size_t i = 0; p->comorbidities && i < v->len; i++) {
    const char *path = elem(rd, "comorbidities", i);
    const mm_json *c = v->items[i];
    if (!want(rd, c, MM_JSON_STRING, path, "a comorbidity code")) continue;
    const mm_comorbidity *m = mm_kb_find_comorbidity(kb, c->str);
    if (m) {
      p->comorbidities[p->n_comorbidities++] = (int)(m - kb->comorbidities);
      continue;
    }
    if (!rd->paths) {
      rd->failed = true;
      continue;
    }
    mm_suggest s;
    mm_suggest_init(&s, c->str);
    for (size_t k = 0; k < kb->n_comorbidities; k++) mm_suggest_offer(&s, kb->comorbidities[k].id);
    const char *hint = mm_suggest_result(&s);
    err(rd, MM_E_UNKNOWN_NAME, c, path, "unknown comorbidity code '%s'%s%s%s", c->str,
        hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
  }
}

static void read_lines(reader *rd, const mm_json *v, mm_patient *p) {
  p->lines_given = true;
  p->lines = mm_arena_alloc(rd->arena, (v->len + 1) * sizeof *p->lines);
  const mm_json *f[MM_LINE_N];
  for (size_t i = 0; p->lines && i < v->len; i++) {
    mm_line *l = &p->lines[p->n_lines++];
    read_line(rd, v->items[i], f, elem(rd, "lines", i), l);
    if (i > 0 && l->start != MM_DATE_NONE) {
      const mm_line *prev = &p->lines[i - 1];
      if (prev->start != MM_DATE_NONE && l->start < prev->start)
        err(rd, MM_E_ORDER, f[MM_LINE_START], child(rd, l->path, "start"),
            "before %s.start: lines are listed oldest first", prev->path);
    }
  }
}

const char *const mm_record_keys[MM_REC_N] = {
    "schema", "id", "center", "as_of", "birth_date", "age", "sex", "ecog", "frailty",
    "comorbidities", "transplant_eligible", "diagnosis", "features", "labs", "lines"};
const char *const mm_frailty_keys[MM_FRAIL_N] = {"charlson", "adl", "iadl"};
const char *const mm_feature_keys[MM_FEAT_N] = {"extramedullary", "plasma_cell_leukemia", "cns"};

void mm_patient_init(mm_patient *p) {
  mm_value ub = mm_value_unknown(MM_TYPE_BOOL), un = mm_value_unknown(MM_TYPE_NUMBER);
  *p = (mm_patient){0};
  p->as_of = p->birth_date = p->diagnosis_date = MM_DATE_NONE;
  p->age_given = p->ecog = p->charlson = p->adl = p->iadl = p->iss = un;
  p->beta2m_mg_l = p->albumin_g_dl = un;
  p->transplant_eligible = p->ldh_above_uln = p->del17p = p->t4_14 = p->t14_16 = ub;
  p->gain1q = p->amp1q = p->extramedullary = p->plasma_cell_leukemia = p->cns = ub;
}

static void read_record(reader *rd, const mm_json *root) {
  mm_patient *p = rd->p;
  mm_patient_init(p);
  if (root->type != MM_JSON_OBJECT) {
    err(rd, MM_E_TYPE, root, "", "a patient record must be a JSON object, got %s",
        mm_json_type_name(root->type));
    return;
  }
  const mm_json *f[MM_REC_N], *v;
  bind(rd, root, "", mm_record_keys, MM_REC_N, f);
  if ((v = f[MM_REC_SCHEMA]) && want(rd, v, MM_JSON_STRING, "schema", "a string") &&
      strcmp(v->str, "mmpath/patient@1") != 0)
    err(rd, MM_E_INVALID, v, "schema",
        "'%s' is not a record format this mmpath reads (mmpath/patient@1)", v->str);
  v = f[MM_REC_ID];
  if (!v)
    err(rd, MM_E_MISSING, root, "id", "missing: the pseudonymous patient id is required");
  else if (want(rd, v, MM_JSON_STRING, "id", "a string")) {
    if (v->len == 0) err(rd, MM_E_INVALID, v, "id", "must not be empty");
    p->id = v->str;
  }
  if ((v = f[MM_REC_CENTER]) && want(rd, v, MM_JSON_STRING, "center", "a string")) p->center = v->str;
  /* as_of first: every other date is checked against it. */
  if ((v = f[MM_REC_AS_OF])) {
    if (want(rd, v, MM_JSON_STRING, "as_of", "a date YYYY-MM-DD") &&
        !mm_date_parse(v->str, v->len, &p->as_of))
      err(rd, MM_E_INVALID, v, "as_of", "not a valid date YYYY-MM-DD: '%s'", v->str);
    p->as_of_given = p->as_of != MM_DATE_NONE;
  }
  if (!p->as_of_given) p->as_of = mm_date_today();
  p->birth_date = read_date(rd, f[MM_REC_BIRTH_DATE], "", "birth_date");
  p->age_given = read_number(rd, f[MM_REC_AGE], "", "age", 0, 130, true);
  int sex = read_enum(rd, f[MM_REC_SEX], "", "sex", mm_sex_names);
  p->sex = sex >= 0 ? mm_sex_names[sex] : NULL;
  p->ecog = read_number(rd, f[MM_REC_ECOG], "", "ecog", 0, 4, true);
  if ((v = f[MM_REC_FRAILTY]) && want(rd, v, MM_JSON_OBJECT, "frailty", "an object")) {
    const mm_json *y[MM_FRAIL_N];
    bind(rd, v, "frailty", mm_frailty_keys, MM_FRAIL_N, y);
    p->charlson = read_number(rd, y[MM_FRAIL_CHARLSON], "frailty", "charlson", 0, 37, true);
    p->adl = read_number(rd, y[MM_FRAIL_ADL], "frailty", "adl", 0, 6, true);
    p->iadl = read_number(rd, y[MM_FRAIL_IADL], "frailty", "iadl", 0, 8, true);
  }
  if ((v = f[MM_REC_COMORBIDITIES]) && want(rd, v, MM_JSON_ARRAY, "comorbidities", "an array of codes"))
    read_comorbidities(rd, v, p);
  p->transplant_eligible = read_bool(rd, f[MM_REC_TRANSPLANT_ELIGIBLE], "", "transplant_eligible");
  const mm_json *diagnosis_date = NULL;
  if ((v = f[MM_REC_DIAGNOSIS])) diagnosis_date = read_diagnosis(rd, v, p);
  if ((v = f[MM_REC_FEATURES]) && want(rd, v, MM_JSON_OBJECT, "features", "an object")) {
    const mm_json *e[MM_FEAT_N];
    bind(rd, v, "features", mm_feature_keys, MM_FEAT_N, e);
    p->extramedullary = read_bool(rd, e[MM_FEAT_EXTRAMEDULLARY], "features", "extramedullary");
    p->plasma_cell_leukemia = read_bool(rd, e[MM_FEAT_PCL], "features", "plasma_cell_leukemia");
    p->cns = read_bool(rd, e[MM_FEAT_CNS], "features", "cns");
  }
  if ((v = f[MM_REC_LABS]) && want(rd, v, MM_JSON_ARRAY, "labs", "an array")) {
    p->labs = mm_arena_alloc(rd->arena, (v->len + 1) * sizeof *p->labs);
    for (size_t i = 0; p->labs && i < v->len; i++) {
      bool ok;
      read_lab(rd, v->items[i], elem(rd, "labs", i), &p->labs[p->n_labs], &ok);
      if (ok) p->n_labs++;
    }
  }
  if ((v = f[MM_REC_LINES]) && want(rd, v, MM_JSON_ARRAY, "lines", "an array, oldest first"))
    read_lines(rd, v, p);
  if (p->birth_date != MM_DATE_NONE && p->diagnosis_date != MM_DATE_NONE &&
      p->diagnosis_date < p->birth_date)
    err(rd, MM_E_ORDER, diagnosis_date, "diagnosis.date", "before birth_date");
}

int mm_patient_from_json_ex(mm_patient **out, mm_arena *arena, const mm_kb *kb,
                            const mm_json *root, const char *source, mm_diags *diags,
                            unsigned flags) {
  *out = NULL;
  size_t errors_before = diags->errors;
  mm_patient *p = mm_arena_alloc(arena, sizeof *p);
  if (!p) return -1;
  reader rd = {arena, kb, source, diags, p, !(flags & MM_READ_NO_PATHS), false};
  read_record(&rd, root);
  if (rd.failed) { /* read again with paths: the errors need them */
    rd.paths = true;
    rd.failed = false;
    read_record(&rd, root);
    if (diags->errors == errors_before) /* cannot happen: the same checks ran */
      mm_diag_errorc(diags, MM_E_INVALID, source, root->line, root->col, NULL, "invalid record");
  }
  if (arena->failed) {
    mm_diag_errorc(diags, MM_E_NOMEM, source, 0, 0, NULL, "out of memory");
    return -1;
  }
  if (diags->errors > errors_before) return -1;
  *out = p;
  return 0;
}

int mm_patient_from_json(mm_patient **out, mm_arena *arena, const mm_kb *kb,
                         const mm_json *root, const char *source, mm_diags *diags) {
  return mm_patient_from_json_ex(out, arena, kb, root, source, diags, 0);
}

int mm_patient_read(mm_patient **out, mm_arena *arena, const mm_kb *kb, const char *json,
                    size_t len, const char *source, mm_diags *diags) {
  *out = NULL;
  mm_json_error jerr;
  mm_json *root = mm_json_parse(arena, json, len, &jerr);
  if (!root) {
    mm_diag_errorc(diags, MM_E_SYNTAX, source, jerr.line, jerr.col, NULL, "invalid JSON: %s",
                   jerr.text);
    return -1;
  }
  return mm_patient_from_json(out, arena, kb, root, source, diags);
}
