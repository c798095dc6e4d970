/* records.c: the schema of each record kind (pathway.h), checked field by
 * field with the field path, and written back in one canonical form (the
 * schema's order, only known keys) with what mmpath computes from it: the
 * ASTCT grade of each CRS / ICANS sign set and of the episode (src/score,
 * tables in kb/scores/), the IMWG response of a visit's labs.
 *
 * A schema is C data: the structure of a record is the program's; the
 * clinical values (grades, allowed sign values, the visit schedule, drug
 * names) come from the kb. */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "referral/pathway.h"
#include "referral/records.h"
#include "score/score.h"

typedef enum { F_DATE, F_INT, F_NUM, F_STR, F_BOOL, F_ENUM, F_STRS, F_OBJS, F_SIGNS } ftype;

typedef struct field {
  const char *name;
  ftype t;
  bool req;
  double min, max;
  const char *const *values;   /* F_ENUM */
  const struct schema *sub;    /* F_OBJS */
} field;

typedef struct schema {
  const field *f;
  size_t n;
} schema;
#define SCHEMA(a) {a, sizeof a / sizeof *a}

static const char *const infection_types[] = {"bacterial", "viral", "fungal", "other", NULL};
static const char *const statuses[] = {"alive", "dead", "lost_to_follow_up", NULL};

static const field lab_f[] = {
    {"date", F_DATE, true, 0, 0, NULL, NULL},
    {"test", F_STR, true, 0, 0, NULL, NULL},
    {"value", F_NUM, false, -1e9, 1e9, NULL, NULL}, /* or "result" for categorical */
    {"result", F_STR, false, 0, 0, NULL, NULL},
};
static const schema lab_s = SCHEMA(lab_f);
static const field infection_f[] = {
    {"date", F_DATE, true, 0, 0, NULL, NULL},
    {"type", F_ENUM, true, 0, 0, infection_types, NULL},
    {"grade", F_INT, false, 1, 5, NULL, NULL},
    {"text", F_STR, false, 0, 0, NULL, NULL},
};
static const schema infection_s = SCHEMA(infection_f);

static const field note_f[] = {{"text", F_STR, true, 0, 0, NULL, NULL}};
static const field correction_f[] = {
    {"corrects", F_INT, true, 0, 1e9, NULL, NULL},
    {"why", F_STR, true, 0, 0, NULL, NULL},
    {"date", F_DATE, false, 0, 0, NULL, NULL},
    {"reason", F_STR, false, 0, 0, NULL, NULL},
    {"note", F_STR, false, 0, 0, NULL, NULL},
    {"void", F_BOOL, false, 0, 0, NULL, NULL},
    {"who", F_STR, false, 0, 0, NULL, NULL},
};
static const field therapy_f[] = {
    {"drugs", F_STRS, true, 0, 0, NULL, NULL},
    {"end", F_DATE, false, 0, 0, NULL, NULL},
};
static const field product_f[] = {
    {"product", F_STR, true, 0, 0, NULL, NULL},
    {"lot", F_STR, false, 0, 0, NULL, NULL},
    {"product_id", F_STR, false, 0, 0, NULL, NULL},
};
static const field visit_f[] = {
    {"visit", F_STR, true, 0, 0, NULL, NULL},
    {"status", F_ENUM, true, 0, 0, statuses, NULL},
    {"igg_mg_dl", F_NUM, false, 0, 10000, NULL, NULL},
    {"anc", F_NUM, false, 0, 100, NULL, NULL},
    {"platelets", F_NUM, false, 0, 2000, NULL, NULL},
    {"infections", F_OBJS, false, 0, 0, NULL, &infection_s},
    {"parkinsonism", F_BOOL, false, 0, 0, NULL, NULL},
    {"cranial_nerve_palsy", F_BOOL, false, 0, 0, NULL, NULL},
    {"toxicity_reviewed", F_BOOL, false, 0, 0, NULL, NULL},
    {"labs", F_OBJS, false, 0, 0, NULL, &lab_s},
};
static const field episode_f[] = {
    {"resolution", F_DATE, false, 0, 0, NULL, NULL},
    {"signs", F_SIGNS, true, 0, 0, NULL, NULL},
    {"grade", F_INT, false, -1e9, 1e9, NULL, NULL}, /* checked against ASTCT below */
    {"tocilizumab_doses", F_INT, false, 0, 20, NULL, NULL},
    {"corticosteroids", F_BOOL, false, 0, 0, NULL, NULL},
    {"anakinra", F_BOOL, false, 0, 0, NULL, NULL},
};

/* The evaluation a referral is sent with: what the page showed, by kb
 * version; `option` a kb option id, `verdict` its status then. */
static const char *const jurisdictions[] = {"eu", "us", "it", NULL};
static const char *const verdicts[] = {"eligible", "unknown", "not_eligible", NULL};
static const field evaluation_f[] = {
    {"date", F_DATE, true, 0, 0, NULL, NULL},
    {"kb_version", F_STR, true, 0, 0, NULL, NULL},
    {"jurisdiction", F_ENUM, true, 0, 0, jurisdictions, NULL},
    {"option", F_STR, true, 0, 0, NULL, NULL},
    {"verdict", F_ENUM, true, 0, 0, verdicts, NULL},
};

static const schema schemas[MM_RK_COUNT] = {
    [MM_RK_NOTE] = SCHEMA(note_f),       [MM_RK_CORRECTION] = SCHEMA(correction_f),
    [MM_RK_BRIDGING] = SCHEMA(therapy_f), [MM_RK_LYMPHODEPLETION] = SCHEMA(therapy_f),
    [MM_RK_PRODUCT] = SCHEMA(product_f), [MM_RK_VISIT] = SCHEMA(visit_f),
    [MM_RK_CRS] = SCHEMA(episode_f),     [MM_RK_ICANS] = SCHEMA(episode_f),
    [MM_RK_EVALUATION] = SCHEMA(evaluation_f),
};

typedef struct vctx {
  mm_diags *d;
  mm_arena *a;
  const mm_kb *kb;
  mm_ref_kind kind;
  int max_grade;        /* highest computed sign grade, -1 none */
  bool grade_unknown;   /* some sign set's grade is unknown */
  const char *unknown_because;
} vctx;

static void err(vctx *c, mm_diag_code code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void err(vctx *c, mm_diag_code code, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mm_diag_vadd(c->d, MM_DIAG_ERROR, code, NULL, 0, 0, path, fmt, ap);
  va_end(ap);
}

/* What mmpath computes and writes into a record: read back (an export
 * re-imported), they are recomputed, never taken from the input. */
static bool computed_key(const char *k) {
  static const char *const keys[] = {"astct_grade", "missing", "astct_max_grade",
                                     "imwg_response", "imwg_because", NULL};
  for (const char *const *x = keys; *x; x++)
    if (strcmp(*x, k) == 0) return true;
  return false;
}

static const char *sub(mm_arena *a, const char *path, const char *key) {
  return mm_arena_printf(a, "%s.%s", path, key);
}

/* One sign set: every key an input of the score (the score says which are
 * wrong and why), plus its date. Writes the set and its computed grade. */
static void signs_set(vctx *c, const mm_json *o, const char *path, mm_strbuf *b) {
  const char *score = c->kind == MM_RK_CRS ? "crs" : "icans";
  if (o->type != MM_JSON_OBJECT) {
    err(c, MM_E_TYPE, path, "a sign set must be an object {date, %s%s}", score,
        " inputs}");
    return;
  }
  mm_score_input *in = mm_arena_alloc(c->a, (o->len + 1) * sizeof *in);
  size_t n = 0;
  mm_date date = MM_DATE_NONE;
  mm_strbuf_putc(b, '{');
  for (size_t i = 0; in && i < o->len; i++) {
    const char *k = o->members[i].key;
    const mm_json *v = o->members[i].value;
    if (computed_key(k)) continue;
    if (strcmp(k, "date") == 0) {
      if (v->type != MM_JSON_STRING || !mm_date_parse(v->str, v->len, &date))
        err(c, MM_E_INVALID, sub(c->a, path, k), "date must be YYYY-MM-DD%s%s", "", "");
      continue;
    }
    mm_value x;
    if (v->type == MM_JSON_TRUE || v->type == MM_JSON_FALSE) x = mm_value_bool(v->type == MM_JSON_TRUE);
    else if (v->type == MM_JSON_NUMBER) x = mm_value_number(v->number);
    else if (v->type == MM_JSON_STRING) x = mm_value_string(v->str);
    else {
      err(c, MM_E_TYPE, sub(c->a, path, k), "'%s' must be a boolean, a number or a string%s", k, "");
      continue;
    }
    in[n++] = (mm_score_input){k, x, NULL};
  }
  if (date == MM_DATE_NONE && !mm_json_get(o, "date"))
    err(c, MM_E_MISSING, sub(c->a, path, "date"), "'date' is required%s%s", "", "");
  mm_score_result res;
  const char *why = NULL;
  const mm_scores *sk = mm_kb_scores(c->kb);
  int rc = in ? mm_score_run(&res, sk, score, in, n, c->a, &why) : -1;
  if (rc != 0) {
    /* the score names the field first ("hypotension: ...") */
    const char *colon = why ? strchr(why, ':') : NULL;
    const char *fld = colon ? mm_arena_printf(c->a, "%.*s", (int)(colon - why), why) : NULL;
    bool plain = fld && !strchr(fld, ' ');
    mm_diag_errorc(c->d, MM_E_RANGE, NULL, 0, 0, plain ? sub(c->a, path, fld) : path, "%s",
                   why ? why : "invalid sign set");
    mm_strbuf_putc(b, '}');
    return;
  }
  char ds[11] = "";
  if (date != MM_DATE_NONE) mm_date_format(date, ds);
  mm_strbuf_printf(b, "\"date\":\"%s\"", ds);
  for (size_t i = 0; i < n; i++) {
    mm_strbuf_printf(b, ",\"%s\":", in[i].name);
    if (in[i].value.type == MM_TYPE_BOOL) mm_strbuf_puts(b, in[i].value.b ? "true" : "false");
    else if (in[i].value.type == MM_TYPE_NUMBER) mm_strbuf_printf(b, "%g", in[i].value.num);
    else mm_strbuf_json_string(b, in[i].value.str);
  }
  mm_strbuf_puts(b, ",\"astct_grade\":");
  if (res.value.known && res.value.type == MM_TYPE_STRING) {
    int g = (int)strtol(res.value.str, NULL, 10);
    mm_strbuf_printf(b, "%d", g);
    if (g > c->max_grade) c->max_grade = g;
  } else {
    mm_strbuf_puts(b, "null,\"missing\":[");
    for (size_t i = 0; i < res.n_missing; i++) {
      if (i) mm_strbuf_putc(b, ',');
      mm_strbuf_json_string(b, res.missing[i]);
    }
    mm_strbuf_putc(b, ']');
    c->grade_unknown = true;
  }
  mm_strbuf_putc(b, '}');
}

static void value(vctx *c, const field *f, const mm_json *v, const char *path, mm_strbuf *b);

/* An object against a schema: unknown keys, required keys, each value. */
static void object(vctx *c, const schema *s, const mm_json *o, const char *path, mm_strbuf *b,
                   bool open) {
  if (o->type != MM_JSON_OBJECT) {
    err(c, MM_E_TYPE, path, "must be an object, got %s%s", mm_json_type_name(o->type), "");
    return;
  }
  for (size_t i = 0; i < o->len; i++) {
    bool known = computed_key(o->members[i].key);
    for (size_t k = 0; k < s->n; k++) known |= strcmp(s->f[k].name, o->members[i].key) == 0;
    if (!known) {
      mm_strbuf keys;
      mm_strbuf_init(&keys, 512);
      for (size_t k = 0; k < s->n; k++) mm_strbuf_printf(&keys, "%s%s", k ? ", " : "", s->f[k].name);
      err(c, MM_E_UNKNOWN_KEY, sub(c->a, path, o->members[i].key), "unknown key '%s' (known: %s)",
          o->members[i].key, keys.data ? keys.data : "");
      mm_strbuf_free(&keys);
    }
  }
  if (!open) mm_strbuf_putc(b, '{');
  bool first = !open;
  for (size_t k = 0; k < s->n; k++) {
    const mm_json *v = mm_json_get(o, s->f[k].name);
    if (!mm_json_present(v)) {
      if (s->f[k].req)
        err(c, MM_E_MISSING, sub(c->a, path, s->f[k].name), "'%s' is required%s", s->f[k].name, "");
      continue;
    }
    mm_strbuf_printf(b, "%s\"%s\":", first ? "" : ",", s->f[k].name);
    first = false;
    value(c, &s->f[k], v, sub(c->a, path, s->f[k].name), b);
  }
  if (!open) mm_strbuf_putc(b, '}');
}

static void value(vctx *c, const field *f, const mm_json *v, const char *path, mm_strbuf *b) {
  switch (f->t) {
  case F_DATE: {
    mm_date dt;
    if (v->type != MM_JSON_STRING || !mm_date_parse(v->str, v->len, &dt)) {
      err(c, MM_E_INVALID, path, "must be a date YYYY-MM-DD%s%s", "", "");
      mm_strbuf_puts(b, "null");
    } else {
      mm_strbuf_json_string(b, v->str);
    }
    return;
  }
  case F_INT:
  case F_NUM:
    if (v->type != MM_JSON_NUMBER || (f->t == F_INT && !v->is_integer)) {
      err(c, MM_E_TYPE, path, "must be %s%s", f->t == F_INT ? "a whole number" : "a number", "");
      mm_strbuf_puts(b, "null");
    } else if (v->number < f->min || v->number > f->max) {
      mm_diag_errorc(c->d, MM_E_RANGE, NULL, 0, 0, path, "%g is outside %g..%g", v->number,
                     f->min, f->max);
      mm_strbuf_puts(b, "null");
    } else {
      mm_strbuf_printf(b, "%g", v->number);
    }
    return;
  case F_BOOL:
    if (v->type != MM_JSON_TRUE && v->type != MM_JSON_FALSE)
      err(c, MM_E_TYPE, path, "must be true or false%s%s", "", "");
    mm_strbuf_puts(b, v->type == MM_JSON_TRUE ? "true" : "false");
    return;
  case F_STR:
  case F_ENUM:
    if (v->type != MM_JSON_STRING || strlen(v->str) != v->len || v->len == 0 || v->len > 500) {
      err(c, MM_E_TYPE, path, "must be a text of 1 to 500 bytes%s%s", "", "");
      mm_strbuf_puts(b, "null");
      return;
    }
    if (f->t == F_ENUM) {
      bool ok = false;
      for (const char *const *x = f->values; *x; x++) ok |= strcmp(*x, v->str) == 0;
      if (!ok) {
        mm_strbuf l;
        mm_strbuf_init(&l, 256);
        for (const char *const *x = f->values; *x; x++)
          mm_strbuf_printf(&l, "%s%s", x == f->values ? "" : ", ", *x);
        err(c, MM_E_INVALID, path, "'%s' is not one of: %s", v->str, l.data ? l.data : "");
        mm_strbuf_free(&l);
      }
    }
    mm_strbuf_json_string(b, v->str);
    return;
  case F_STRS:
  case F_OBJS:
  case F_SIGNS:
    if (v->type != MM_JSON_ARRAY || (f->t != F_OBJS && v->len == 0)) {
      err(c, MM_E_TYPE, path, "must be a %slist%s", f->t == F_OBJS ? "" : "non-empty ", "");
      mm_strbuf_puts(b, "[]");
      return;
    }
    mm_strbuf_putc(b, '[');
    for (size_t i = 0; i < v->len; i++) {
      const char *ip = mm_arena_printf(c->a, "%s[%zu]", path, i);
      if (i) mm_strbuf_putc(b, ',');
      const mm_json *it = v->items[i];
      if (f->t == F_STRS) {
        if (it->type != MM_JSON_STRING || mm_ref_check_id(it->str)) {
          err(c, MM_E_INVALID, ip, "a drug name (letters, digits, '-', '_')%s%s", "", "");
          mm_strbuf_puts(b, "null");
          continue;
        }
        const mm_drug *dr = mm_kb_find_drug(c->kb, it->str);
        mm_strbuf_json_string(b, dr ? dr->id : it->str);
      } else if (f->t == F_OBJS) {
        object(c, f->sub, it, ip, b, false);
      } else {
        signs_set(c, it, ip, b);
      }
    }
    mm_strbuf_putc(b, ']');
    return;
  }
}

int mm_ref_record_canon(const mm_kb *kb, mm_ref_kind kind, const mm_json *data, mm_arena *a,
                        mm_diags *d, const char *path, mm_ref_record_info *info) {
  size_t before = d->errors;
  vctx c = {d, a, kb, kind, -1, false, NULL};
  mm_strbuf b;
  mm_strbuf_init(&b, 1 << 20);
  memset(info, 0, sizeof *info);
  info->grade = -1;
  object(&c, &schemas[kind], data, path, &b, false);
  /* episode: the grade is ASTCT's, computed from the signs; a grade given
   * must be an ASTCT grade and agree with the signs when they decide it */
  if ((kind == MM_RK_CRS || kind == MM_RK_ICANS) && d->errors == before && b.len > 1) {
    const mm_json *g = mm_json_get(data, "grade");
    if (mm_json_present(g) && (g->number < 1 || g->number > 4))
      mm_diag_errorc(d, MM_E_RANGE, NULL, 0, 0, sub(a, path, "grade"),
                     "grade %g is not an ASTCT %s grade (1 to 4; death is the 'died' move)",
                     g->number, kind == MM_RK_CRS ? "CRS" : "ICANS");
    else if (mm_json_present(g) && !c.grade_unknown && (int)g->number != c.max_grade)
      mm_diag_errorc(d, MM_E_INVALID, NULL, 0, 0, sub(a, path, "grade"),
                     "grade %d does not match the ASTCT grade computed from the signs (%d)",
                     (int)g->number, c.max_grade);
    else if (!mm_json_present(g) && c.max_grade == 0 && !c.grade_unknown)
      mm_diag_errorc(d, MM_E_INVALID, NULL, 0, 0, sub(a, path, "signs"),
                     "no sign set reaches ASTCT grade 1: this is not a %s episode",
                     kind == MM_RK_CRS ? "CRS" : "ICANS");
    b.len--; /* reopen the object to add the computed grade */
    if (c.grade_unknown)
      mm_strbuf_puts(&b, ",\"astct_max_grade\":null");
    else
      mm_strbuf_printf(&b, ",\"astct_max_grade\":%d", c.max_grade);
    mm_strbuf_putc(&b, '}');
    info->grade = c.grade_unknown ? -1 : c.max_grade;
  }
  if (kind == MM_RK_EVALUATION && d->errors == before) {
    const mm_json *o = mm_json_get(data, "option");
    if (!mm_kb_find_option(kb, o->str))
      mm_diag_errorc(d, MM_E_UNKNOWN_NAME, NULL, 0, 0, sub(a, path, "option"),
                     "'%s' is not an option of the knowledge base", o->str);
  }
  if (b.failed) mm_diag_errorc(d, MM_E_NOMEM, NULL, 0, 0, path, "record too large");
  info->data = d->errors == before ? mm_arena_strdup(a, b.data ? b.data : "{}") : NULL;
  mm_strbuf_free(&b);
  return d->errors == before ? 0 : -1;
}

/* ---- the IMWG response of the labs recorded up to a visit ---- */

const char *mm_ref_response_of(const mm_kb *kb, const mm_json *const *labs_lists, size_t n_lists,
                               mm_date baseline, mm_arena *a, const char **because) {
  size_t n = 0;
  for (size_t i = 0; i < n_lists; i++) n += labs_lists[i] ? labs_lists[i]->len : 0;
  *because = NULL;
  if (!n) return NULL;
  mm_lab_obs *obs = mm_arena_alloc(a, n * sizeof *obs);
  if (!obs) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n_lists; i++)
    for (size_t j = 0; labs_lists[i] && j < labs_lists[i]->len; j++) {
      const mm_json *l = labs_lists[i]->items[j];
      const mm_json *dt = mm_json_get(l, "date"), *t = mm_json_get(l, "test");
      const mm_json *v = mm_json_get(l, "value"), *r = mm_json_get(l, "result");
      mm_lab_obs o = {MM_DATE_NONE, t ? t->str : NULL, mm_value_unknown(MM_TYPE_NUMBER)};
      if (!dt || !o.test || !mm_date_parse(dt->str, dt->len, &o.date)) continue;
      if (v && v->type == MM_JSON_NUMBER) o.value = mm_value_number(v->number);
      else if (r && r->type == MM_JSON_STRING) o.value = mm_value_string(r->str);
      obs[k++] = o;
    }
  mm_response_in in = {baseline, obs, k};
  mm_score_result res;
  if (mm_score_response(&res, mm_kb_scores(kb), &in, a) != 0) {
    *because = res.because;
    return NULL;
  }
  *because = res.because;
  return res.value.known ? res.value.str : NULL;
}

/* Checks the labs' tests and values against the response score's tests. */
int mm_ref_labs_check(const mm_kb *kb, const mm_json *labs, mm_diags *d, mm_arena *a,
                      const char *path) {
  if (!labs || labs->type != MM_JSON_ARRAY) return 0;
  size_t nt = 0, before = d->errors;
  const mm_score_input_spec *tests = mm_score_response_tests(mm_kb_scores(kb), &nt);
  for (size_t i = 0; i < labs->len; i++) {
    const mm_json *t = mm_json_get(labs->items[i], "test");
    if (!t || t->type != MM_JSON_STRING) continue;
    const mm_score_input_spec *sp = NULL;
    for (size_t k = 0; k < nt; k++)
      if (strcmp(tests[k].name, t->str) == 0) sp = &tests[k];
    const char *ip = mm_arena_printf(a, "%s[%zu]", path, i);
    if (!sp) {
      mm_strbuf l;
      mm_strbuf_init(&l, 512);
      for (size_t k = 0; k < nt; k++) mm_strbuf_printf(&l, "%s%s", k ? ", " : "", tests[k].name);
      mm_diag_errorc(d, MM_E_UNKNOWN_NAME, NULL, 0, 0, mm_arena_printf(a, "%s.test", ip),
                     "'%s' is not a test of the IMWG response (%s)", t->str, l.data ? l.data : "");
      mm_strbuf_free(&l);
      continue;
    }
    bool num = sp->type == MM_TYPE_NUMBER;
    const mm_json *v = mm_json_get(labs->items[i], num ? "value" : "result");
    if (!mm_json_present(v))
      mm_diag_errorc(d, MM_E_MISSING, NULL, 0, 0,
                     mm_arena_printf(a, "%s.%s", ip, num ? "value" : "result"),
                     "'%s' needs a %s%s%s", t->str, num ? "number value" : "result",
                     sp->unit ? " in " : "", sp->unit ? sp->unit : "");
  }
  return d->errors > before ? -1 : 0;
}

