/* score.c: the structure of the staging, frailty and toxicity scores (ISS,
 * R-ISS, R2-ISS, IMWG frailty, ASTCT CRS, ICE, ASTCT ICANS) over the tables
 * of kb/scores/. Unknown inputs: rule scores (ISS, R-ISS) use Kleene logic
 * over first-match rules; additive and maximum scores try every value of an
 * unknown input that a table distinguishes (each cut-off, just below and just
 * above it, and the declared range), so a result is known exactly when every
 * completion gives the same answer. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "score/score_why.h"

#define EPS 1e-9

/* ---- small helpers shared with the other files ---- */

bool sk_cmp(sk_op op, double x, double v) {
  switch (op) {
  case SK_LT: return x < v - EPS;
  case SK_LE: return x <= v + EPS;
  case SK_GT: return x > v + EPS;
  case SK_GE: return x >= v - EPS;
  case SK_EQ: return fabs(x - v) <= EPS;
  }
  return false;
}

const char *sk_op_text(sk_op op) {
  static const char *const t[] = {"<", "<=", ">", ">=", "=="};
  return t[op];
}

void sk_result_init(mm_score_result *out, const sk_entry *e, const char *score) {
  memset(out, 0, sizeof *out);
  out->score = score;
  out->value = mm_value_unknown(MM_TYPE_STRING);
  out->points = mm_value_unknown(MM_TYPE_NUMBER);
  out->source = e ? e->source : NULL;
  out->review = e ? e->unverified : false;
}

int sk_add_input(mm_score_result *out, mm_arena *a, const char *name, mm_value v,
                 const char *unit) {
  mm_score_input *n = mm_arena_grow(a, out->inputs, out->n_inputs, out->n_inputs + 1,
                                    sizeof *n);
  if (!n) return -1;
  n[out->n_inputs++] = (mm_score_input){name, v, unit};
  out->inputs = n;
  return 0;
}

int sk_add_missing(mm_score_result *out, mm_arena *a, const char *name) {
  for (size_t i = 0; i < out->n_missing; i++)
    if (strcmp(out->missing[i], name) == 0) return 0;
  const char **n = mm_arena_grow(a, (void *)out->missing, out->n_missing,
                                 out->n_missing + 1, sizeof *n);
  if (!n) return -1;
  n[out->n_missing++] = name;
  out->missing = n;
  return 0;
}

static const char *type_name(mm_type t) {
  return t == MM_TYPE_BOOL ? "a boolean" : t == MM_TYPE_NUMBER ? "a number" : "a string";
}

int sk_check(mm_score_result *out, mm_arena *a, const mm_score_input_spec *s,
             mm_value v) {
  if (!v.known) return 0;
  const char *why = NULL;
  if (v.type != s->type) {
    why = mm_arena_printf(a, "%s: must be %s", s->name, type_name(s->type));
  } else if (s->type == MM_TYPE_NUMBER &&
             (!isfinite(v.num) || (s->has_min && v.num < s->min - EPS) ||
              (s->has_max && v.num > s->max + EPS))) {
    why = mm_arena_printf(a, "%s: %g is outside %g..%g%s%s", s->name, v.num,
                          s->has_min ? s->min : -INFINITY, s->has_max ? s->max : INFINITY,
                          s->unit ? " " : "", s->unit ? s->unit : "");
  } else if (s->type == MM_TYPE_STRING && s->values) {
    bool ok = false;
    for (const char *const *p = s->values; *p; p++) ok |= strcmp(*p, v.str) == 0;
    if (!ok) {
      mm_strbuf b;
      mm_strbuf_init(&b, 4096);
      mm_strbuf_printf(&b, "%s: '%s' is not one of", s->name, v.str);
      for (const char *const *p = s->values; *p; p++) mm_strbuf_printf(&b, " %s", *p);
      why = mm_arena_strdup(a, b.data ? b.data : "");
      mm_strbuf_free(&b);
    }
  }
  if (!why) return 0;
  out->because = why ? why : "invalid input";
  return -1;
}

/* Records every input and checks it; -1 (with out->because) when invalid. */
static int take_inputs(mm_score_result *out, const sk_entry *e, const mm_value *vals,
                       const char *const *names, size_t n, mm_arena *a) {
  for (size_t i = 0; i < n; i++) {
    const mm_score_input_spec *s = sk_input(e, names[i]);
    if (sk_check(out, a, s, vals[i]) < 0) return -1;
    if (sk_add_input(out, a, names[i], vals[i], s->unit) < 0) return -1;
  }
  return 0;
}

/* ---- ISS: III / I / II, first match, Kleene ---- */

enum { ST_I = 1, ST_II = 2, ST_III = 4 };
static const char *const stage_name[] = {"I", "II", "III"};

static mm_tv cond(const sk_threshold *t, mm_value v) {
  if (!v.known) return MM_UNKNOWN;
  return sk_cmp(t->op, v.num, t->value) ? MM_TRUE : MM_FALSE;
}

static void missing(sk_why *w, const char *input) {
  sk_name(w, input);
  sk_say(w, " missing", " mancante");
}

static void cond_text(sk_why *w, const sk_threshold *t, mm_value v, const char *unit) {
  if (!v.known) missing(w, t->input);
  else sk_th_say(w, t, t->input, sk_input_it(t->input), v.num, unit);
}

static void mask_text(sk_why *w, unsigned mask) {
  bool first = true;
  for (int i = 0; i < 3; i++)
    if (mask & (1u << i)) {
      if (!first) sk_say(w, " or ", " o ");
      sk_put(w, "%s", stage_name[i]);
      first = false;
    }
}

static int mask_stage(unsigned m) {
  return m == ST_I ? 1 : m == ST_II ? 2 : m == ST_III ? 3 : 0;
}

/* Possible ISS stages from the two labs; the reason into why; the unknown
 * labs that matter into out->missing. */
static unsigned iss_core(const sk_entry *e, mm_value b2m, mm_value alb, sk_why *why,
                         mm_score_result *out, mm_arena *a) {
  const sk_threshold *t3 = sk_th(e, "stage3_beta2m"), *t1b = sk_th(e, "stage1_beta2m"),
                     *t1a = sk_th(e, "stage1_albumin");
  const char *ub = sk_input(e, "beta2m_mg_l")->unit, *ua = sk_input(e, "albumin_g_dl")->unit;
  mm_tv c3 = cond(t3, b2m), c1b = cond(t1b, b2m), c1a = cond(t1a, alb);
  mm_tv c1 = mm_tv_and(c1b, c1a);
  unsigned mask = 0;
  if (c3 != MM_FALSE) mask |= ST_III;
  if (c3 != MM_TRUE && c1 != MM_FALSE) mask |= ST_I;
  if (c3 != MM_TRUE && c1 != MM_TRUE) mask |= ST_II;
  if (c3 == MM_UNKNOWN) sk_add_missing(out, a, t3->input);
  if (c3 != MM_TRUE && c1 == MM_UNKNOWN) {
    if (c1b == MM_UNKNOWN) sk_add_missing(out, a, t1b->input);
    if (c1a == MM_UNKNOWN) sk_add_missing(out, a, t1a->input);
  }
  if (mask == ST_III) {
    sk_put(why, "ISS III: ");
    cond_text(why, t3, b2m, ub);
  } else if (mask == ST_I) {
    sk_put(why, "ISS I: ");
    cond_text(why, t1b, b2m, ub);
    sk_say(why, " and ", " e ");
    cond_text(why, t1a, alb, ua);
  } else if (mask == ST_II) {
    sk_say(why, "ISS II: not III (", "ISS II: non III (");
    cond_text(why, t3, b2m, ub);
    sk_say(why, "), not I (", "), non I (");
    if (c1b == MM_FALSE) cond_text(why, t1b, b2m, ub);
    else cond_text(why, t1a, alb, ua);
    sk_put(why, ")");
  } else {
    sk_put(why, "ISS ");
    mask_text(why, mask);
    sk_put(why, ": ");
    if (c3 == MM_UNKNOWN || c1 == MM_UNKNOWN) {
      /* the beta2m part always comes first: the albumin one follows it */
      if (!b2m.known) missing(why, "beta2m_mg_l");
      else cond_text(why, c3 == MM_TRUE ? t3 : t1b, b2m, ub);
      if (!alb.known && c1b != MM_FALSE) {
        sk_put(why, ", ");
        missing(why, "albumin_g_dl");
      }
    }
  }
  return mask;
}

int mm_score_iss(mm_score_result *out, const mm_scores *kb, const mm_iss_in *in,
                 mm_arena *arena) {
  const sk_entry *e = kb->e[SK_ISS];
  sk_result_init(out, e, "iss");
  static const char *const names[] = {"beta2m_mg_l", "albumin_g_dl"};
  mm_value vals[] = {in->beta2m_mg_l, in->albumin_g_dl};
  if (take_inputs(out, e, vals, names, 2, arena) < 0) return -1;
  sk_why why;
  sk_why_init(&why, 4096);
  unsigned mask = iss_core(e, in->beta2m_mg_l, in->albumin_g_dl, &why, out, arena);
  int st = mask_stage(mask);
  if (st) {
    out->value = mm_value_string(stage_name[st - 1]);
    out->n_missing = 0;
  }
  return sk_why_finish(&why, out, arena);
}

/* ISS from the recorded stage, else from the labs. */
static int iss_mask(const sk_entry *iss_e, mm_value iss, mm_value b2m, mm_value alb,
                    sk_why *why, mm_score_result *out, mm_arena *a, unsigned *mask) {
  if (iss.known) {
    if (iss.num != floor(iss.num)) {
      out->because = "iss: must be 1, 2 or 3";
      return -1;
    }
    *mask = 1u << ((int)iss.num - 1);
    sk_say(why, "ISS %s (recorded)", "ISS %s (registrato)", stage_name[(int)iss.num - 1]);
    return 0;
  }
  mm_score_result tmp;
  sk_result_init(&tmp, NULL, "iss");
  *mask = iss_core(iss_e, b2m, alb, why, &tmp, a);
  out->review = out->review || iss_e->unverified;
  if (mask_stage(*mask) == 0)
    for (size_t i = 0; i < tmp.n_missing; i++) sk_add_missing(out, a, tmp.missing[i]);
  return 0;
}

static mm_tv bit_tv(unsigned mask, unsigned bit) {
  return mask == bit ? MM_TRUE : (mask & bit) ? MM_UNKNOWN : MM_FALSE;
}

/* ---- R-ISS ---- */

int mm_score_r_iss(mm_score_result *out, const mm_scores *kb, const mm_r_iss_in *in,
                   mm_arena *arena) {
  const sk_entry *e = kb->e[SK_R_ISS];
  sk_result_init(out, e, "r_iss");
  static const char *const names[] = {"iss",   "beta2m_mg_l", "albumin_g_dl", "del17p",
                                      "t4_14", "t14_16",      "ldh_above_uln"};
  mm_value vals[] = {in->iss,   in->beta2m_mg_l, in->albumin_g_dl, in->del17p,
                     in->t4_14, in->t14_16,      in->ldh_above_uln};
  if (take_inputs(out, e, vals, names, 7, arena) < 0) return -1;
  sk_why why;
  sk_why_init(&why, 8192);
  unsigned mask;
  mm_score_result issm;
  sk_result_init(&issm, NULL, "iss");
  if (iss_mask(kb->e[SK_ISS], in->iss, in->beta2m_mg_l, in->albumin_g_dl, &why, &issm,
               arena, &mask) < 0) {
    out->because = issm.because;
    sk_why_free(&why);
    return -1;
  }
  out->review = out->review || issm.review;
  /* high-risk CA: any of the kb's list */
  mm_tv hr = MM_FALSE;
  for (size_t i = 0; i < e->n_hr; i++)
    for (size_t j = 0; j < 7; j++)
      if (strcmp(names[j], e->high_risk_ca[i]) == 0) hr = mm_tv_or(hr, mm_value_truth(vals[j]));
  mm_tv ldh = mm_value_truth(in->ldh_above_uln);
  mm_tv is1 = bit_tv(mask, ST_I), is3 = bit_tv(mask, ST_III);
  mm_tv r1 = mm_tv_and(is1, mm_tv_and(mm_tv_not(hr), mm_tv_not(ldh)));
  mm_tv risk = mm_tv_or(hr, ldh);
  mm_tv r3 = mm_tv_and(is3, risk);
  unsigned res = 0;
  if (r1 != MM_FALSE) res |= ST_I;
  if (r1 != MM_TRUE && r3 != MM_FALSE) res |= ST_III;
  if (r1 != MM_TRUE && r3 != MM_TRUE) res |= ST_II;
  sk_say(&why, "; high-risk CA (", "; alto rischio citogenetico (");
  for (size_t i = 0; i < e->n_hr; i++) {
    if (i) sk_put(&why, "/");
    sk_name(&why, e->high_risk_ca[i]);
  }
  sk_put(&why, "): ");
  sk_tv(&why, hr);
  sk_say(&why, "; LDH above ULN: ", "; LDH sopra il limite superiore: ");
  sk_tv(&why, ldh);
  int st = mask_stage(res);
  if (st) {
    out->value = mm_value_string(stage_name[st - 1]);
    sk_put(&why, " => R-ISS %s", stage_name[st - 1]);
    if (st == 1)
      sk_say(&why, " (ISS I, no high-risk CA, normal LDH)",
             " (ISS I, senza alto rischio citogenetico, LDH normale)");
    else if (st == 3)
      sk_say(&why, " (ISS III and high-risk CA or high LDH)",
             " (ISS III e alto rischio citogenetico o LDH elevato)");
    else
      sk_say(&why, " (neither R-ISS I nor III)", " (né R-ISS I né III)");
  } else {
    sk_put(&why, " => R-ISS ");
    mask_text(&why, res);
    /* the unknown parts of the rules that are still open */
    bool iss_open = (r1 == MM_UNKNOWN && is1 == MM_UNKNOWN) ||
                    (r3 == MM_UNKNOWN && is3 == MM_UNKNOWN);
    if (iss_open) {
      if (issm.n_missing)
        for (size_t i = 0; i < issm.n_missing; i++) sk_add_missing(out, arena, issm.missing[i]);
      else
        sk_add_missing(out, arena, "iss");
    }
    bool hr_open = (r1 == MM_UNKNOWN && hr == MM_UNKNOWN) ||
                   (r3 == MM_UNKNOWN && risk == MM_UNKNOWN && hr == MM_UNKNOWN);
    if (hr_open)
      for (size_t i = 0; i < e->n_hr; i++)
        for (size_t j = 0; j < 7; j++)
          if (strcmp(names[j], e->high_risk_ca[i]) == 0 && !vals[j].known)
            sk_add_missing(out, arena, names[j]);
    bool ldh_open = (r1 == MM_UNKNOWN && ldh == MM_UNKNOWN) ||
                    (r3 == MM_UNKNOWN && risk == MM_UNKNOWN && ldh == MM_UNKNOWN);
    if (ldh_open) sk_add_missing(out, arena, "ldh_above_uln");
  }
  return sk_why_finish(&why, out, arena);
}

/* ---- candidates: the values of an input that a table distinguishes ---- */

typedef struct cands {
  mm_value *v;
  size_t n;
} cands;

static void cand_add(cands *c, mm_arena *a, mm_value v) {
  mm_value *n = mm_arena_grow(a, c->v, c->n, c->n + 1, sizeof *n);
  if (!n) return;
  n[c->n++] = v;
  c->v = n;
}

static void cand_num(cands *c, mm_arena *a, const mm_score_input_spec *s, double x) {
  if (s && s->has_min && x < s->min) x = s->min;
  if (s && s->has_max && x > s->max) x = s->max;
  cand_add(c, a, mm_value_number(x));
}

static cands cands_of(const mm_score_input_spec *s, const sk_item *it, mm_value v,
                      mm_arena *a) {
  cands c = {0};
  if (v.known) {
    cand_add(&c, a, v);
    return c;
  }
  if (s->type == MM_TYPE_BOOL) {
    cand_add(&c, a, mm_value_bool(true));
    cand_add(&c, a, mm_value_bool(false));
  } else if (s->type == MM_TYPE_STRING) {
    for (const char *const *p = s->values; p && *p; p++) cand_add(&c, a, mm_value_string(*p));
  } else {
    const double d = 1e-3;
    if (s->has_min) cand_num(&c, a, s, s->min);
    if (s->has_max) cand_num(&c, a, s, s->max);
    for (size_t i = 0; it && i < it->n_bands; i++) {
      const sk_band *b = &it->bands[i];
      double pts[] = {b->num - d, b->num, b->num + d, b->max - d, b->max, b->max + d};
      for (size_t k = 0; k < (b->is_range ? 6u : 3u); k++) cand_num(&c, a, s, pts[k]);
    }
  }
  return c;
}

static bool band_holds(const sk_band *b, mm_value v) {
  if (b->is_range) return v.num >= b->num - EPS && v.num <= b->max + EPS;
  if (v.type == MM_TYPE_BOOL) return strcmp(b->str, v.b ? "true" : "false") == 0;
  if (v.type == MM_TYPE_STRING) return strcmp(b->str, v.str) == 0;
  return sk_cmp(b->op, v.num, b->num);
}

static const sk_band *item_band(const sk_item *it, mm_value v) {
  for (size_t i = 0; i < it->n_bands; i++)
    if (band_holds(&it->bands[i], v)) return &it->bands[i];
  return NULL;
}

static double item_out(const sk_item *it, mm_value v) {
  const sk_band *b = item_band(it, v);
  return b ? b->out : 0;
}

/* "age 82 years > 80 years" / "del17p true" */
static void band_text(sk_why *w, const char *label_en, const char *label_it, const sk_band *band,
                      mm_value v, const char *unit) {
  sk_text(w, label_en, label_it);
  sk_put(w, " ");
  sk_value(w, v, unit);
  if (!band || v.type != MM_TYPE_NUMBER) return;
  if (band->is_range) {
    sk_put(w, " in ");
    sk_num(w, band->num, NULL);
    sk_put(w, "..");
    sk_num(w, band->max, unit);
  } else if (band->op != SK_EQ) {
    sk_put(w, " %s ", sk_op_text(band->op));
    sk_num(w, band->num, unit);
  }
}

/* Additive score over e->items: c[i] the candidates of item i, label[i] its
 * display name (English, Italian), unit[i] its unit, miss[i] the names to
 * report when item i is undecided (NULL-terminated), shown[i] its displayed
 * value. */
typedef struct item_in {
  cands c;
  const char *label, *label_it, *unit;
  const char *const *miss;
  mm_value shown;
} item_in;

static void points_eval(mm_score_result *out, const sk_entry *e, item_in *ii,
                        sk_why *why, mm_arena *a) {
  double lo = 0, hi = 0;
  for (size_t i = 0; i < e->n_items; i++) {
    const sk_item *it = &e->items[i];
    double ilo = INFINITY, ihi = -INFINITY;
    for (size_t k = 0; k < ii[i].c.n; k++) {
      double p = item_out(it, ii[i].c.v[k]);
      ilo = fmin(ilo, p);
      ihi = fmax(ihi, p);
    }
    if (ii[i].c.n == 0) ilo = ihi = 0;
    lo += ilo;
    hi += ihi;
    if (i) sk_put(why, "; ");
    if (ii[i].c.n == 1) {
      band_text(why, ii[i].label, ii[i].label_it, item_band(it, ii[i].c.v[0]), ii[i].c.v[0],
                ii[i].unit);
      sk_put(why, ": %.6g", ilo);
    } else {
      sk_text(why, ii[i].label, ii[i].label_it);
      sk_put(why, " ");
      sk_value(why, ii[i].shown, ii[i].unit);
      if (ilo == ihi) sk_put(why, ": %.6g", ilo);
      else {
        sk_put(why, ": ");
        sk_span(why, ilo, ihi, false);
      }
    }
    if (ilo != ihi)
      for (const char *const *m = ii[i].miss; m && *m; m++) sk_add_missing(out, a, *m);
  }
  const sk_group *glo = NULL, *ghi = NULL;
  for (size_t g = 0; g < e->n_groups; g++) {
    if (lo >= e->groups[g].min - EPS && lo <= e->groups[g].max + EPS) glo = &e->groups[g];
    if (hi >= e->groups[g].min - EPS && hi <= e->groups[g].max + EPS) ghi = &e->groups[g];
  }
  if (lo == hi) {
    out->points = mm_value_number(lo);
    sk_say(why, "; total ", "; totale ");
    sk_put(why, "%.6g", lo);
  } else {
    sk_say(why, "; total ", "; totale ");
    sk_span(why, lo, hi, false);
  }
  if (glo && glo == ghi) {
    out->value = mm_value_string(glo->value);
    out->n_missing = 0;
    sk_put(why, " => ");
    sk_value(why, mm_value_string(glo->value), NULL);
    sk_put(why, " (");
    sk_span(why, glo->min, glo->max, false);
    sk_put(why, ")");
  } else if (glo && ghi) {
    sk_put(why, " => ");
    sk_between(why, glo->value, ghi->value);
  } else {
    sk_say(why, " => no group of the table holds this total",
           " => nessun gruppo della tabella comprende questo totale");
    out->n_missing = 0;
  }
}

/* ---- R2-ISS ---- */

int mm_score_r2_iss(mm_score_result *out, const mm_scores *kb, const mm_r2_iss_in *in,
                    mm_arena *arena) {
  const sk_entry *e = kb->e[SK_R2_ISS];
  sk_result_init(out, e, "r2_iss");
  static const char *const names[] = {"iss",   "beta2m_mg_l",   "albumin_g_dl", "del17p",
                                      "t4_14", "ldh_above_uln", "gain1q",       "amp1q"};
  mm_value vals[] = {in->iss,   in->beta2m_mg_l,   in->albumin_g_dl, in->del17p,
                     in->t4_14, in->ldh_above_uln, in->gain1q,       in->amp1q};
  if (take_inputs(out, e, vals, names, 8, arena) < 0) return -1;
  sk_why why;
  sk_why_init(&why, 8192);
  unsigned mask;
  mm_score_result issm;
  sk_result_init(&issm, NULL, "iss");
  if (iss_mask(kb->e[SK_ISS], in->iss, in->beta2m_mg_l, in->albumin_g_dl, &why, &issm,
               arena, &mask) < 0) {
    out->because = issm.because;
    sk_why_free(&why);
    return -1;
  }
  out->review = out->review || issm.review;
  sk_say(&why, "; points: ", "; punti: ");
  item_in *ii = mm_arena_alloc(arena, (e->n_items ? e->n_items : 1) * sizeof *ii);
  if (!ii) {
    sk_why_free(&why);
    return -1;
  }
  mm_tv q = mm_tv_or(mm_value_truth(in->gain1q), mm_value_truth(in->amp1q));
  for (size_t i = 0; i < e->n_items; i++) {
    const sk_item *it = &e->items[i];
    item_in *x = &ii[i];
    x->label = it->input;
    x->label_it = sk_input_it(it->input);
    if (strcmp(it->input, "iss") == 0) {
      for (int s = 0; s < 3; s++)
        if (mask & (1u << s)) cand_add(&x->c, arena, mm_value_number(s + 1));
      x->shown = mask_stage(mask) ? mm_value_number(mask_stage(mask)) : mm_value_unknown(MM_TYPE_NUMBER);
      const char **m = mm_arena_alloc(arena, (issm.n_missing + 2) * sizeof *m);
      if (!m) break;
      for (size_t k = 0; k < issm.n_missing; k++) m[k] = issm.missing[k];
      if (!issm.n_missing) m[0] = "iss";
      x->miss = m;
    } else if (strcmp(it->input, "one_q_plus") == 0) {
      x->label = "1q+ (gain1q or amp1q)";
      x->label_it = "1q+ (guadagno o amplificazione 1q)";
      x->shown = mm_value_tv(q);
      if (q != MM_UNKNOWN) cand_add(&x->c, arena, mm_value_tv(q));
      else {
        cand_add(&x->c, arena, mm_value_bool(true));
        cand_add(&x->c, arena, mm_value_bool(false));
      }
      const char **m = mm_arena_alloc(arena, 3 * sizeof *m);
      if (!m) break;
      size_t k = 0;
      if (!in->gain1q.known) m[k++] = "gain1q";
      if (!in->amp1q.known) m[k++] = "amp1q";
      x->miss = m;
    } else {
      const mm_score_input_spec *s = sk_input(e, it->input);
      mm_value v = mm_value_unknown(s->type);
      for (size_t k = 0; k < 8; k++)
        if (strcmp(names[k], it->input) == 0) v = vals[k];
      x->c = cands_of(s, it, v, arena);
      x->shown = v;
      x->unit = s->unit;
      const char **m = mm_arena_alloc(arena, 2 * sizeof *m);
      if (!m) break;
      m[0] = it->input;
      x->miss = m;
    }
  }
  if (!arena->failed) points_eval(out, e, ii, &why, arena);
  return sk_why_finish(&why, out, arena);
}

/* ---- IMWG frailty ---- */

int mm_score_frailty(mm_score_result *out, const mm_scores *kb, const mm_frailty_in *in,
                     mm_arena *arena) {
  const sk_entry *e = kb->e[SK_FRAILTY];
  sk_result_init(out, e, "frailty");
  static const char *const names[] = {"age", "charlson", "adl", "iadl"};
  mm_value vals[] = {in->age, in->charlson, in->adl, in->iadl};
  if (take_inputs(out, e, vals, names, 4, arena) < 0) return -1;
  sk_why why;
  sk_why_init(&why, 8192);
  item_in *ii = mm_arena_alloc(arena, (e->n_items ? e->n_items : 1) * sizeof *ii);
  for (size_t i = 0; ii && i < e->n_items; i++) {
    const sk_item *it = &e->items[i];
    const mm_score_input_spec *s = sk_input(e, it->input);
    mm_value v = mm_value_unknown(MM_TYPE_NUMBER);
    for (size_t k = 0; k < 4; k++)
      if (strcmp(names[k], it->input) == 0) v = vals[k];
    ii[i].c = cands_of(s, it, v, arena);
    ii[i].label = it->input;
    ii[i].label_it = sk_input_it(it->input);
    ii[i].unit = s->unit;
    ii[i].shown = v;
    const char **m = mm_arena_alloc(arena, 2 * sizeof *m);
    if (m) m[0] = it->input;
    ii[i].miss = m;
  }
  if (!arena->failed) points_eval(out, e, ii, &why, arena);
  if (out->review) out->note = "kb entry unverified: needs clinician review";
  return sk_why_finish(&why, out, arena);
}

/* ---- grade scores: the highest grade among domains ---- */

static void domains_eval(const sk_entry *e, const mm_value *vals, const char *const *names,
                         size_t n, double *lo_out, double *hi_out, sk_why *why,
                         mm_score_result *out, mm_arena *a) {
  double lo = 0, hi = 0;
  double *dlo = mm_arena_alloc(a, (e->n_items + 1) * sizeof *dlo);
  double *dhi = mm_arena_alloc(a, (e->n_items + 1) * sizeof *dhi);
  if (!dlo || !dhi) return;
  for (size_t i = 0; i < e->n_items; i++) {
    const sk_item *it = &e->items[i];
    const mm_score_input_spec *s = sk_input(e, it->input);
    mm_value v = mm_value_unknown(s->type);
    for (size_t k = 0; k < n; k++)
      if (strcmp(names[k], it->input) == 0) v = vals[k];
    cands c = cands_of(s, it, v, a);
    dlo[i] = INFINITY;
    dhi[i] = -INFINITY;
    for (size_t k = 0; k < c.n; k++) {
      double g = item_out(it, c.v[k]);
      dlo[i] = fmin(dlo[i], g);
      dhi[i] = fmax(dhi[i], g);
    }
    if (!c.n) dlo[i] = dhi[i] = 0;
    lo = fmax(lo, dlo[i]);
    hi = fmax(hi, dhi[i]);
    if (i) sk_put(why, "; ");
    if (v.known) {
      band_text(why, it->input, sk_input_it(it->input), item_band(it, v), v, s->unit);
      sk_say(why, ": grade ", ": grado ");
      sk_put(why, "%.6g", dlo[i]);
    } else {
      missing(why, it->input);
      sk_say(why, ": grade ", ": grado ");
      sk_span(why, dlo[i], dhi[i], false);
    }
  }
  /* an unknown domain matters when it could raise the grade above the rest */
  for (size_t i = 0; i < e->n_items; i++)
    if (dlo[i] != dhi[i] && dhi[i] > lo) sk_add_missing(out, a, e->items[i].input);
  *lo_out = lo;
  *hi_out = hi;
}

static const char *grade_str(mm_arena *a, double g) { return mm_arena_printf(a, "%.0f", g); }

int mm_score_crs(mm_score_result *out, const mm_scores *kb, const mm_crs_in *in,
                 mm_arena *arena) {
  const sk_entry *e = kb->e[SK_CRS];
  sk_result_init(out, e, "crs");
  static const char *const names[] = {"fever", "fever_masked", "hypotension", "hypoxia"};
  mm_value vals[] = {in->fever, in->fever_masked, in->hypotension, in->hypoxia};
  if (take_inputs(out, e, vals, names, 4, arena) < 0) return -1;
  sk_why why;
  sk_why_init(&why, 8192);
  mm_tv fever = mm_value_truth(in->fever), masked = mm_value_truth(in->fever_masked);
  mm_tv crs = mm_tv_or(fever, masked);
  if (crs == MM_FALSE) {
    out->value = mm_value_string("0");
    sk_say(&why, "no fever >= 38 C and no antipyretic or anti-cytokine therapy: "
                 "not CRS by the ASTCT definition",
           "nessuna febbre >= 38 C e nessuna terapia antipiretica o anti-citochine: "
           "non è CRS secondo la definizione ASTCT");
    return sk_why_finish(&why, out, arena);
  }
  double lo = 0, hi = 0;
  domains_eval(e, vals, names, 4, &lo, &hi, &why, out, arena);
  if (crs == MM_TRUE) {
    if (fever == MM_TRUE)
      sk_say(&why, "; fever", "; febbre");
    else
      sk_say(&why, "; fever not required (antipyretic or anti-cytokine therapy given)",
             "; febbre non richiesta (terapia antipiretica o anti-citochine somministrata)");
    if (lo == hi) {
      out->value = mm_value_string(grade_str(arena, lo));
      out->n_missing = 0;
      sk_say(&why, " => grade %.0f (the more severe of hypotension and hypoxia)",
             " => grado %.0f (il più grave tra ipotensione e ipossia)", lo);
    } else {
      sk_say(&why, " => grade ", " => grado ");
      sk_span(&why, lo, hi, true);
    }
  } else {
    if (fever == MM_UNKNOWN) sk_add_missing(out, arena, "fever");
    if (masked == MM_UNKNOWN) sk_add_missing(out, arena, "fever_masked");
    sk_say(&why, "; fever unknown => no CRS or grade %.0f to %.0f",
           "; febbre non nota => nessuna CRS o grado da %.0f a %.0f", lo, hi);
  }
  return sk_why_finish(&why, out, arena);
}

int mm_score_ice(mm_score_result *out, const mm_scores *kb, const mm_ice_in *in,
                 mm_arena *arena) {
  const sk_entry *e = kb->e[SK_ICE];
  sk_result_init(out, e, "ice");
  out->value = mm_value_unknown(MM_TYPE_NUMBER);
  static const char *const names[] = {"orientation", "naming", "commands", "writing",
                                      "attention"};
  mm_value vals[] = {in->orientation, in->naming, in->commands, in->writing, in->attention};
  if (take_inputs(out, e, vals, names, 5, arena) < 0) return -1;
  sk_why why;
  sk_why_init(&why, 4096);
  double lo = 0, hi = 0;
  for (size_t i = 0; i < 5; i++) {
    const mm_score_input_spec *s = sk_input(e, names[i]);
    if (vals[i].known && vals[i].num != floor(vals[i].num)) {
      out->because = mm_arena_printf(arena, "%s: must be a whole number of points", names[i]);
      sk_why_free(&why);
      return -1;
    }
    if (i) sk_put(&why, " + ");
    if (vals[i].known) {
      lo += vals[i].num;
      hi += vals[i].num;
      sk_name(&why, names[i]);
      sk_put(&why, " %.0f/%.0f", vals[i].num, s->max);
    } else {
      lo += s->min;
      hi += s->max;
      missing(&why, names[i]);
      sk_put(&why, " (");
      sk_span(&why, s->min, s->max, true);
      sk_put(&why, ")");
      sk_add_missing(out, arena, names[i]);
    }
  }
  if (lo == hi) {
    out->value = mm_value_number(lo);
    sk_put(&why, " = %.0f", lo);
  } else {
    sk_put(&why, " = ");
    sk_span(&why, lo, hi, true);
  }
  return sk_why_finish(&why, out, arena);
}

int mm_score_icans(mm_score_result *out, const mm_scores *kb, const mm_icans_in *in,
                   mm_arena *arena) {
  const sk_entry *e = kb->e[SK_ICANS];
  sk_result_init(out, e, "icans");
  static const char *const names[] = {"ice_score", "consciousness", "seizure", "motor",
                                      "cerebral_edema"};
  mm_value vals[] = {in->ice_score, in->consciousness, in->seizure, in->motor,
                     in->cerebral_edema};
  if (take_inputs(out, e, vals, names, 5, arena) < 0) return -1;
  if (in->ice_score.known && in->ice_score.num != floor(in->ice_score.num)) {
    out->because = "ice_score: must be a whole number 0..10";
    return -1;
  }
  sk_why why;
  sk_why_init(&why, 8192);
  double lo = 0, hi = 0;
  domains_eval(e, vals, names, 5, &lo, &hi, &why, out, arena);
  if (lo == hi) {
    out->value = mm_value_string(grade_str(arena, lo));
    out->n_missing = 0;
    if (lo == 0) sk_say(&why, " => no ICANS (grade 0)", " => nessuna ICANS (grado 0)");
    else
      sk_say(&why, " => grade %.0f (the most severe domain)",
             " => grado %.0f (il dominio più grave)", lo);
  } else {
    sk_say(&why, " => grade ", " => grado ");
    sk_span(&why, lo, hi, true);
  }
  return sk_why_finish(&why, out, arena);
}
