/* score_response.c: the IMWG response category (Kumar 2016, laboratory
 * criteria) from a lab series and the start of the current line. The cut-offs
 * are kb/scores/imwg_response.yaml; the algorithm (docs/scores.md):
 *  1. baseline = the latest value of each test on or before the baseline date;
 *  2. the disease is followed by serum and/or urine M-protein when measurable,
 *     else by dFLC, else by bone-marrow plasma cells (>= 30 %);
 *  3. each later date on which a followed measure was taken is an assessment,
 *     with every test carried forward from its latest post-baseline value;
 *  4. each assessment gets PD (against the lowest value so far) or the deepest
 *     category whose criteria the labs document;
 *  5. the result is the category at the last assessment, confirmed when the
 *     previous assessment met it too. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/score_kb.h"

enum { T_S, T_U, T_K, T_L, T_BM, T_SIFE, T_UIFE, T_CLON, T_MRD, T_N };
static const char *const tests[T_N] = {"serum_m_protein", "urine_m_protein", "flc_kappa",
                                       "flc_lambda",      "bm_plasma_cells", "serum_ife",
                                       "urine_ife",       "bm_clonal_pc",    "mrd"};

/* ORDER: mm_response_cat */
const char *const mm_response_cat_names[MM_RESP__COUNT + 1] = {
    "sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", NULL};

const char *mm_response_cat_name(mm_response_cat c) {
  return c >= 0 && c < MM_RESP__COUNT ? mm_response_cat_names[c] : NULL;
}

enum { TRACK_M, TRACK_FLC, TRACK_BM };

typedef struct ctx {
  const sk_entry *e;
  mm_score_result *out;
  mm_arena *a;
  mm_strbuf *why;
} ctx;

static const sk_threshold *th(ctx *c, const char *name) {
  const sk_threshold *t = sk_th(c->e, name);
  if (t->unverified) c->out->review = true;
  return t;
}

static bool holds(ctx *c, const char *name, double x) {
  const sk_threshold *t = th(c, name);
  return sk_cmp(t->op, x, t->value);
}

static void explain(ctx *c, const char *name, const char *label, double x, const char *unit) {
  sk_th_explain(c->why, th(c, name), label, x, unit);
}

static int cmp_obs(const void *pa, const void *pb) {
  const mm_lab_obs *a = *(const mm_lab_obs *const *)pa, *b = *(const mm_lab_obs *const *)pb;
  return (a->date > b->date) - (a->date < b->date);
}

static int test_index(const char *t) {
  for (int i = 0; i < T_N; i++)
    if (strcmp(tests[i], t) == 0) return i;
  return -1;
}

typedef struct state {
  mm_value v[T_N];
} state;

static double reduction(double base, double now) {
  return base > 0 ? (base - now) / base * 100.0 : 0;
}

static bool flc_abnormal(ctx *c, double k, double l, bool *kappa_involved) {
  if (l <= 0) {
    *kappa_involved = true;
    return k > 0;
  }
  double r = k / l;
  *kappa_involved = r > 1;
  return holds(c, "flc_ratio_low", r) || holds(c, "flc_ratio_high", r);
}

static double dflc(double k, double l, bool kappa) { return kappa ? k - l : l - k; }

static bool is_neg(mm_value v) { return v.known && strcmp(v.str, "negative") == 0; }

/* The category at one assessment; `why` gets its reason; `note` the tests that
 * kept a deeper category from being documented. */
static int category(ctx *c, int track, bool ms, bool mu, bool kappa, const state *base,
                    const state *now, const state *nadir, mm_strbuf *note) {
  const mm_value *b = base->v, *v = now->v, *n = nadir->v;
  /* PD first */
  if (track == TRACK_M) {
    if (ms) {
      double inc = v[T_S].num - n[T_S].num;
      bool rel = n[T_S].num > 0 ? holds(c, "pd_relative_increase", inc / n[T_S].num * 100) : inc > 0;
      const char *abs = holds(c, "pd_serum_high_nadir", n[T_S].num) ? "pd_serum_increase_high_nadir"
                                                                      : "pd_serum_increase";
      if (rel && holds(c, abs, inc)) {
        mm_strbuf_puts(c->why, "PD: serum M-protein increase from lowest ");
        mm_strbuf_printf(c->why, "%.6g g/dL: ", n[T_S].num);
        explain(c, abs, "increase", inc, "g/dL");
        mm_strbuf_printf(c->why, " and >= %.6g%%", th(c, "pd_relative_increase")->value);
        return MM_RESP_PD;
      }
    }
    if (mu) {
      double inc = v[T_U].num - n[T_U].num;
      bool rel = n[T_U].num > 0 ? holds(c, "pd_relative_increase", inc / n[T_U].num * 100) : inc > 0;
      if (rel && holds(c, "pd_urine_increase", inc)) {
        mm_strbuf_printf(c->why, "PD: urine M-protein increase from lowest %.6g mg/24h: ",
                         n[T_U].num);
        explain(c, "pd_urine_increase", "increase", inc, "mg/24h");
        return MM_RESP_PD;
      }
    }
  } else if (track == TRACK_FLC) {
    double d = dflc(v[T_K].num, v[T_L].num, kappa), dn = dflc(n[T_K].num, n[T_L].num, kappa);
    double inc = d - dn;
    bool rel = dn > 0 ? holds(c, "pd_relative_increase", inc / dn * 100) : inc > 0;
    if (rel && holds(c, "pd_dflc_increase", inc)) {
      mm_strbuf_printf(c->why, "PD: dFLC increase from lowest %.6g mg/L: ", dn);
      explain(c, "pd_dflc_increase", "increase", inc, "mg/L");
      return MM_RESP_PD;
    }
  } else {
    double inc = v[T_BM].num - n[T_BM].num;
    if (holds(c, "pd_bm_increase", inc)) {
      mm_strbuf_printf(c->why, "PD: bone-marrow plasma cells from lowest %.6g%%: ", n[T_BM].num);
      explain(c, "pd_bm_increase", "increase", inc, "%");
      return MM_RESP_PD;
    }
  }
  /* CR / sCR */
  bool cr = false;
  if (!v[T_SIFE].known || !v[T_UIFE].known || !v[T_BM].known) {
    mm_strbuf_puts(note, "CR not assessable:");
    for (int t = T_SIFE; t <= T_UIFE; t++)
      if (!v[t].known) mm_strbuf_printf(note, " %s", tests[t]);
    if (!v[T_BM].known) mm_strbuf_printf(note, " %s", tests[T_BM]);
    mm_strbuf_puts(note, " missing");
  } else if (is_neg(v[T_SIFE]) && is_neg(v[T_UIFE]) && holds(c, "cr_bm_plasma_cells", v[T_BM].num)) {
    cr = true;
  }
  if (cr) {
    bool k_inv;
    bool have_flc = v[T_K].known && v[T_L].known;
    bool ratio_ok = have_flc && !flc_abnormal(c, v[T_K].num, v[T_L].num, &k_inv);
    if (ratio_ok && is_neg(v[T_CLON])) {
      mm_strbuf_printf(c->why, "sCR: serum and urine immunofixation negative, ");
      explain(c, "cr_bm_plasma_cells", "bone-marrow plasma cells", v[T_BM].num, "%");
      mm_strbuf_printf(c->why, ", normal FLC ratio %.3g, no clonal plasma cells in the marrow",
                       v[T_K].num / v[T_L].num);
      return MM_RESP_SCR;
    }
    mm_strbuf_printf(c->why, "CR: serum and urine immunofixation negative, ");
    explain(c, "cr_bm_plasma_cells", "bone-marrow plasma cells", v[T_BM].num, "%");
    if (!have_flc || !v[T_CLON].known) {
      mm_strbuf_puts(note, "sCR not assessable:");
      if (!have_flc) mm_strbuf_puts(note, " flc_kappa/flc_lambda");
      if (!v[T_CLON].known) mm_strbuf_puts(note, " bm_clonal_pc");
      mm_strbuf_puts(note, " missing");
    }
    if (is_neg(v[T_MRD])) mm_strbuf_puts(c->why, "; MRD negative");
    return MM_RESP_CR;
  }
  if (track == TRACK_M) {
    double rs = ms ? reduction(b[T_S].num, v[T_S].num) : 0;
    double ru = mu ? reduction(b[T_U].num, v[T_U].num) : 0;
    /* VGPR: serum part, and urine < 100 mg/24h (a urine value is needed) */
    bool vs = !ms || v[T_S].num == 0 || holds(c, "vgpr_serum_reduction", rs);
    if (vs && !v[T_U].known) {
      if (note->len) mm_strbuf_puts(note, "; ");
      mm_strbuf_puts(note, "VGPR not assessable: urine_m_protein missing");
    } else if (vs && holds(c, "vgpr_urine", v[T_U].num)) {
      mm_strbuf_puts(c->why, "VGPR: ");
      if (ms) {
        if (v[T_S].num == 0) mm_strbuf_puts(c->why, "serum M-protein not detectable on electrophoresis");
        else explain(c, "vgpr_serum_reduction", "serum reduction", rs, "%");
        mm_strbuf_puts(c->why, ", ");
      }
      explain(c, "vgpr_urine", "urine M-protein", v[T_U].num, "mg/24h");
      return MM_RESP_VGPR;
    }
    bool ps = !ms || holds(c, "pr_serum_reduction", rs);
    bool pu = !mu || holds(c, "pr_urine_reduction", ru) || holds(c, "pr_urine", v[T_U].num);
    if (ps && pu) {
      mm_strbuf_puts(c->why, "PR: ");
      if (ms) explain(c, "pr_serum_reduction", "serum reduction", rs, "%");
      if (ms && mu) mm_strbuf_puts(c->why, ", ");
      if (mu) {
        if (holds(c, "pr_urine_reduction", ru)) explain(c, "pr_urine_reduction", "urine reduction", ru, "%");
        else explain(c, "pr_urine", "urine M-protein", v[T_U].num, "mg/24h");
      }
      return MM_RESP_PR;
    }
    bool mrs = !ms || holds(c, "mr_serum_reduction", rs);
    bool mru = !mu || holds(c, "mr_urine_reduction", ru);
    if (mrs && mru) {
      mm_strbuf_puts(c->why, "MR: ");
      if (ms) explain(c, "mr_serum_reduction", "serum reduction", rs, "%");
      if (ms && mu) mm_strbuf_puts(c->why, ", ");
      if (mu) explain(c, "mr_urine_reduction", "urine reduction", ru, "%");
      return MM_RESP_MR;
    }
    mm_strbuf_puts(c->why, "SD: ");
    if (ms) explain(c, "mr_serum_reduction", "serum reduction", rs, "%");
    if (ms && mu) mm_strbuf_puts(c->why, ", ");
    if (mu) explain(c, "mr_urine_reduction", "urine reduction", ru, "%");
    return MM_RESP_SD;
  }
  if (track == TRACK_FLC) {
    double r = reduction(dflc(b[T_K].num, b[T_L].num, kappa), dflc(v[T_K].num, v[T_L].num, kappa));
    mm_strbuf_puts(c->why, holds(c, "pr_dflc_reduction", r) ? "PR: " : "SD: ");
    explain(c, "pr_dflc_reduction", "dFLC reduction", r, "%");
    return holds(c, "pr_dflc_reduction", r) ? MM_RESP_PR : MM_RESP_SD;
  }
  double r = reduction(b[T_BM].num, v[T_BM].num);
  mm_strbuf_puts(c->why, holds(c, "pr_bm_reduction", r) ? "PR: " : "SD: ");
  explain(c, "pr_bm_reduction", "bone-marrow plasma-cell reduction", r, "%");
  return holds(c, "pr_bm_reduction", r) ? MM_RESP_PR : MM_RESP_SD;
}

static int not_evaluable(ctx *c, const char *text, const char *const *miss) {
  for (; miss && *miss; miss++) sk_add_missing(c->out, c->a, *miss);
  mm_strbuf_printf(c->why, "not evaluable: %s", text);
  return 0;
}

static int fin(ctx *c) {
  c->out->because = mm_arena_strdup(c->a, c->why->data ? c->why->data : "");
  bool failed = c->why->failed;
  mm_strbuf_free(c->why);
  return failed || c->a->failed || !c->out->because ? -1 : 0;
}

int mm_score_response(mm_score_result *out, const mm_scores *kb, const mm_response_in *in,
                      mm_arena *arena) {
  const sk_entry *e = kb->e[SK_RESPONSE];
  sk_result_init(out, e, "response");
  mm_strbuf why;
  mm_strbuf_init(&why, 1 << 16);
  ctx c = {e, out, arena, &why};
  if (in->baseline == MM_DATE_NONE) {
    out->because = "baseline: a date is required (start of the current line)";
    mm_strbuf_free(&why);
    return -1;
  }
  /* validate and sort */
  const mm_lab_obs **obs = mm_arena_alloc(arena, (in->n_labs + 1) * sizeof *obs);
  if (!obs) {
    mm_strbuf_free(&why);
    return -1;
  }
  for (size_t i = 0; i < in->n_labs; i++) {
    const mm_lab_obs *o = &in->labs[i];
    int t = o->test ? test_index(o->test) : -1;
    if (t < 0) {
      out->because = mm_arena_printf(arena, "labs[%zu].test: '%s' is not a response test "
                                     "(serum_m_protein urine_m_protein flc_kappa flc_lambda "
                                     "bm_plasma_cells serum_ife urine_ife bm_clonal_pc mrd)",
                                     i, o->test ? o->test : "");
      mm_strbuf_free(&why);
      return -1;
    }
    if (o->date == MM_DATE_NONE) {
      out->because = mm_arena_printf(arena, "labs[%zu].date: required", i);
      mm_strbuf_free(&why);
      return -1;
    }
    mm_score_result tmp;
    sk_result_init(&tmp, e, "response");
    if (!o->value.known || sk_check(&tmp, arena, sk_input(e, tests[t]), o->value) < 0) {
      out->because = mm_arena_printf(arena, "labs[%zu].value: %s", i,
                                     o->value.known ? tmp.because : "required");
      mm_strbuf_free(&why);
      return -1;
    }
    obs[i] = o;
  }
  qsort(obs, in->n_labs, sizeof *obs, cmp_obs);

  state base;
  for (int t = 0; t < T_N; t++)
    base.v[t] = mm_value_unknown(t >= T_SIFE ? MM_TYPE_STRING : MM_TYPE_NUMBER);
  for (size_t i = 0; i < in->n_labs && obs[i]->date <= in->baseline; i++)
    base.v[test_index(obs[i]->test)] = obs[i]->value;
  for (int t = 0; t <= T_BM; t++) {
    sk_add_input(out, arena, mm_arena_printf(arena, "baseline.%s", tests[t]), base.v[t],
                 sk_input(e, tests[t])->unit);
  }

  /* which measures follow the disease */
  const mm_value *b = base.v;
  bool ms = b[T_S].known && holds(&c, "measurable_serum", b[T_S].num);
  bool mu = b[T_U].known && holds(&c, "measurable_urine", b[T_U].num);
  int track = TRACK_M;
  bool kappa = true;
  char date_s[11];
  mm_date_format(in->baseline, date_s);
  if (ms || mu) {
    mm_strbuf_printf(&why, "baseline %s: ", date_s);
    if (ms) explain(&c, "measurable_serum", "serum M-protein", b[T_S].num, "g/dL");
    if (ms && mu) mm_strbuf_puts(&why, ", ");
    if (mu) explain(&c, "measurable_urine", "urine M-protein", b[T_U].num, "mg/24h");
    mm_strbuf_puts(&why, " (measurable)");
  } else if (!b[T_S].known || !b[T_U].known) {
    static const char *const s_[] = {"serum_m_protein", NULL}, *const u_[] = {"urine_m_protein", NULL},
                             *const su[] = {"serum_m_protein", "urine_m_protein", NULL};
    const char *const *m = !b[T_S].known && !b[T_U].known ? su : !b[T_S].known ? s_ : u_;
    not_evaluable(&c, !b[T_S].known && !b[T_U].known
                          ? "baseline serum_m_protein and urine_m_protein missing"
                      : !b[T_S].known ? "baseline serum_m_protein missing"
                                      : "baseline urine_m_protein missing",
                  m);
    return fin(&c);
  } else if (!b[T_K].known || !b[T_L].known) {
    static const char *const m[] = {"flc_kappa", "flc_lambda", NULL};
    not_evaluable(&c, "serum and urine M-protein not measurable; baseline flc_kappa/flc_lambda missing", m);
    return fin(&c);
  } else if (flc_abnormal(&c, b[T_K].num, b[T_L].num, &kappa) &&
             holds(&c, "measurable_iflc", kappa ? b[T_K].num : b[T_L].num)) {
    track = TRACK_FLC;
    mm_strbuf_printf(&why, "baseline %s: serum and urine M-protein not measurable; ", date_s);
    explain(&c, "measurable_iflc", kappa ? "involved FLC kappa" : "involved FLC lambda",
            kappa ? b[T_K].num : b[T_L].num, "mg/L");
    mm_strbuf_printf(&why, ", ratio %.3g abnormal: dFLC followed", b[T_K].num / b[T_L].num);
  } else if (!b[T_BM].known) {
    static const char *const m[] = {"bm_plasma_cells", NULL};
    not_evaluable(&c, "serum, urine and FLC not measurable; baseline bm_plasma_cells missing", m);
    return fin(&c);
  } else if (holds(&c, "pr_bm_baseline", b[T_BM].num)) {
    track = TRACK_BM;
    mm_strbuf_printf(&why, "baseline %s: serum, urine and FLC not measurable; ", date_s);
    explain(&c, "pr_bm_baseline", "bone-marrow plasma cells", b[T_BM].num, "%");
  } else {
    not_evaluable(&c, "no measurable disease at baseline", NULL);
    return fin(&c);
  }

  /* assessments */
  state now = base, nadir = base;
  for (int t = 0; t < T_N; t++) {
    now.v[t] = mm_value_unknown(t >= T_SIFE ? MM_TYPE_STRING : MM_TYPE_NUMBER);
  }
  int cats[2] = {-1, -1};
  mm_date dates[2] = {MM_DATE_NONE, MM_DATE_NONE};
  const char *last_why = NULL;
  mm_strbuf note;
  mm_strbuf_init(&note, 4096);
  size_t i = 0;
  while (i < in->n_labs && obs[i]->date <= in->baseline) i++;
  size_t n_assess = 0;
  while (i < in->n_labs) {
    mm_date d = obs[i]->date;
    bool followed = false;
    for (; i < in->n_labs && obs[i]->date == d; i++) {
      int t = test_index(obs[i]->test);
      now.v[t] = obs[i]->value;
      if ((track == TRACK_M && ((t == T_S && ms) || (t == T_U && mu))) ||
          (track == TRACK_FLC && (t == T_K || t == T_L)) || (track == TRACK_BM && t == T_BM))
        followed = true;
    }
    if (!followed) continue;
    /* every followed measure needs a post-baseline value */
    bool complete = track == TRACK_M ? (!ms || now.v[T_S].known) && (!mu || now.v[T_U].known)
                    : track == TRACK_FLC ? now.v[T_K].known && now.v[T_L].known
                                         : now.v[T_BM].known;
    if (!complete) continue;
    mm_strbuf w;
    mm_strbuf_init(&w, 4096);
    mm_strbuf_clear(&note);
    ctx cc = c;
    cc.why = &w;
    int cat = category(&cc, track, ms, mu, kappa, &base, &now, &nadir, &note);
    char ds[11];
    mm_date_format(d, ds);
    last_why = mm_arena_printf(arena, "%s: %s%s%s", ds, w.data ? w.data : "",
                               note.len ? " (" : "", note.len ? note.data : "");
    if (note.len) last_why = mm_arena_printf(arena, "%s)", last_why);
    mm_strbuf_free(&w);
    cats[0] = cats[1];
    dates[0] = dates[1];
    cats[1] = cat;
    dates[1] = d;
    n_assess++;
    /* lowest values so far, for PD */
    for (int t = T_S; t <= T_BM; t++)
      if (now.v[t].known && (!nadir.v[t].known || now.v[t].num < nadir.v[t].num)) nadir.v[t] = now.v[t];
    if (track == TRACK_FLC) {
      double dn = dflc(nadir.v[T_K].num, nadir.v[T_L].num, kappa);
      double dv = dflc(now.v[T_K].num, now.v[T_L].num, kappa);
      /* the nadir of dFLC is a pair: keep the pair that gave the lowest dFLC */
      if (dv <= dn) {
        nadir.v[T_K] = now.v[T_K];
        nadir.v[T_L] = now.v[T_L];
      }
    }
  }
  mm_strbuf_free(&note);
  for (int t = 0; t <= T_BM; t++)
    sk_add_input(out, arena, tests[t], now.v[t], sk_input(e, tests[t])->unit);
  for (int t = T_SIFE; t < T_N; t++) sk_add_input(out, arena, tests[t], now.v[t], NULL);
  if (!n_assess) {
    static const char *const sm[] = {"serum_m_protein", NULL}, *const um[] = {"urine_m_protein", NULL},
                             *const fm[] = {"flc_kappa", "flc_lambda", NULL},
                             *const bm[] = {"bm_plasma_cells", NULL};
    mm_strbuf_puts(&why, "; ");
    not_evaluable(&c, "no complete assessment after baseline",
                  track == TRACK_FLC ? fm : track == TRACK_BM ? bm : ms ? sm : um);
    if (track == TRACK_M && ms && mu) sk_add_missing(out, arena, "urine_m_protein");
    return fin(&c);
  }
  int cat = cats[1];
  out->value = mm_value_string(mm_response_cat_names[cat]);
  int need = e->confirmations;
  bool confirmed = need <= 1;
  if (!confirmed && cats[0] >= 0) {
    if (cat == MM_RESP_PD) confirmed = cats[0] == MM_RESP_PD;
    else confirmed = cats[0] != MM_RESP_PD && cats[0] <= cat;
  }
  out->confirmed = confirmed;
  mm_strbuf_printf(&why, "; last assessment %s", last_why);
  if (cats[0] >= 0) {
    char ds[11];
    mm_date_format(dates[0], ds);
    mm_strbuf_printf(&why, "; previous assessment %s: %s", ds, mm_response_cat_names[cats[0]]);
  }
  if (confirmed) {
    mm_strbuf_printf(&why, " => %s, confirmed", mm_response_cat_names[cat]);
  } else {
    mm_strbuf_printf(&why, " => %s, unconfirmed", mm_response_cat_names[cat]);
    if (cats[0] >= 0 && cats[0] != MM_RESP_PD && cat != MM_RESP_PD)
      out->note = mm_arena_printf(arena, "unconfirmed: %s met at one assessment only; "
                                  "confirmed category %s", mm_response_cat_names[cat],
                                  mm_response_cat_names[cats[0]]);
    else
      out->note = mm_arena_printf(arena, "unconfirmed: %s needs %d consecutive assessments",
                                  mm_response_cat_names[cat], need);
  }
  return fin(&c);
}
