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

#include "score/score_why.h"

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
  sk_why *why;
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

static void explain(ctx *c, const char *name, const char *label, const char *label_it, double x,
                    const char *unit) {
  sk_th_say(c->why, th(c, name), label, label_it, x, unit);
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
                    const state *now, const state *nadir, sk_why *note) {
  const mm_value *b = base->v, *v = now->v, *n = nadir->v;
  /* PD first */
  if (track == TRACK_M) {
    if (ms) {
      double inc = v[T_S].num - n[T_S].num;
      bool rel = n[T_S].num > 0 ? holds(c, "pd_relative_increase", inc / n[T_S].num * 100) : inc > 0;
      const char *abs = holds(c, "pd_serum_high_nadir", n[T_S].num) ? "pd_serum_increase_high_nadir"
                                                                      : "pd_serum_increase";
      if (rel && holds(c, abs, inc)) {
        sk_say(c->why, "PD: serum M-protein increase from lowest ",
               "PD: aumento della componente M sierica dal valore più basso ");
        sk_put(c->why, "%.6g g/dL: ", n[T_S].num);
        explain(c, abs, "increase", "aumento", inc, "g/dL");
        sk_say(c->why, " and >= %.6g%%", " e >= %.6g%%", th(c, "pd_relative_increase")->value);
        return MM_RESP_PD;
      }
    }
    if (mu) {
      double inc = v[T_U].num - n[T_U].num;
      bool rel = n[T_U].num > 0 ? holds(c, "pd_relative_increase", inc / n[T_U].num * 100) : inc > 0;
      if (rel && holds(c, "pd_urine_increase", inc)) {
        sk_say(c->why, "PD: urine M-protein increase from lowest %.6g mg/24h: ",
               "PD: aumento della componente M urinaria dal valore più basso %.6g mg/24h: ",
               n[T_U].num);
        explain(c, "pd_urine_increase", "increase", "aumento", inc, "mg/24h");
        return MM_RESP_PD;
      }
    }
  } else if (track == TRACK_FLC) {
    double d = dflc(v[T_K].num, v[T_L].num, kappa), dn = dflc(n[T_K].num, n[T_L].num, kappa);
    double inc = d - dn;
    bool rel = dn > 0 ? holds(c, "pd_relative_increase", inc / dn * 100) : inc > 0;
    if (rel && holds(c, "pd_dflc_increase", inc)) {
      sk_say(c->why, "PD: dFLC increase from lowest %.6g mg/L: ",
             "PD: aumento della dFLC dal valore più basso %.6g mg/L: ", dn);
      explain(c, "pd_dflc_increase", "increase", "aumento", inc, "mg/L");
      return MM_RESP_PD;
    }
  } else {
    double inc = v[T_BM].num - n[T_BM].num;
    if (holds(c, "pd_bm_increase", inc)) {
      sk_say(c->why, "PD: bone-marrow plasma cells from lowest %.6g%%: ",
             "PD: plasmacellule midollari dal valore più basso %.6g%%: ", n[T_BM].num);
      explain(c, "pd_bm_increase", "increase", "aumento", inc, "%");
      return MM_RESP_PD;
    }
  }
  /* CR / sCR */
  bool cr = false;
  if (!v[T_SIFE].known || !v[T_UIFE].known || !v[T_BM].known) {
    sk_say(note, "CR not assessable:", "CR non valutabile, mancano:");
    static const int cr_tests[] = {T_SIFE, T_UIFE, T_BM};
    bool first = true;
    for (size_t i = 0; i < 3; i++) {
      int t = cr_tests[i];
      if (v[t].known) continue;
      if (!first) sk_text(note, NULL, ",");
      sk_put(note, " ");
      sk_name(note, tests[t]);
      first = false;
    }
    sk_say(note, " missing", NULL);
  } else if (is_neg(v[T_SIFE]) && is_neg(v[T_UIFE]) && holds(c, "cr_bm_plasma_cells", v[T_BM].num)) {
    cr = true;
  }
  if (cr) {
    bool k_inv;
    bool have_flc = v[T_K].known && v[T_L].known;
    bool ratio_ok = have_flc && !flc_abnormal(c, v[T_K].num, v[T_L].num, &k_inv);
    if (ratio_ok && is_neg(v[T_CLON])) {
      sk_say(c->why, "sCR: serum and urine immunofixation negative, ",
             "sCR: immunofissazione sierica e urinaria negativa, ");
      explain(c, "cr_bm_plasma_cells", "bone-marrow plasma cells", "plasmacellule midollari",
              v[T_BM].num, "%");
      sk_say(c->why, ", normal FLC ratio %.3g, no clonal plasma cells in the marrow",
             ", rapporto FLC normale %.3g, nessuna plasmacellula clonale nel midollo",
             v[T_K].num / v[T_L].num);
      return MM_RESP_SCR;
    }
    sk_say(c->why, "CR: serum and urine immunofixation negative, ",
           "CR: immunofissazione sierica e urinaria negativa, ");
    explain(c, "cr_bm_plasma_cells", "bone-marrow plasma cells", "plasmacellule midollari",
            v[T_BM].num, "%");
    if (!have_flc || !v[T_CLON].known) {
      sk_say(note, "sCR not assessable:", "sCR non valutabile, mancano:");
      if (!have_flc) sk_say(note, " flc_kappa/flc_lambda", " FLC kappa/lambda");
      if (!have_flc && !v[T_CLON].known) sk_say(note, NULL, ",");
      if (!v[T_CLON].known) {
        sk_put(note, " ");
        sk_name(note, "bm_clonal_pc");
      }
      sk_say(note, " missing", NULL);
    }
    if (is_neg(v[T_MRD])) sk_say(c->why, "; MRD negative", "; MRD negativa");
    return MM_RESP_CR;
  }
  if (track == TRACK_M) {
    double rs = ms ? reduction(b[T_S].num, v[T_S].num) : 0;
    double ru = mu ? reduction(b[T_U].num, v[T_U].num) : 0;
    /* VGPR: serum part, and urine < 100 mg/24h (a urine value is needed) */
    bool vs = !ms || v[T_S].num == 0 || holds(c, "vgpr_serum_reduction", rs);
    if (vs && !v[T_U].known) {
      if (note->b[MM_LANG_EN].len) sk_put(note, "; ");
      sk_say(note, "VGPR not assessable: urine_m_protein missing",
             "VGPR non valutabile: componente M urinaria mancante");
    } else if (vs && holds(c, "vgpr_urine", v[T_U].num)) {
      sk_put(c->why, "VGPR: ");
      if (ms) {
        if (v[T_S].num == 0)
          sk_say(c->why, "serum M-protein not detectable on electrophoresis",
                 "componente M sierica non rilevabile all'elettroforesi");
        else
          explain(c, "vgpr_serum_reduction", "serum reduction", "riduzione sierica", rs, "%");
        sk_put(c->why, ", ");
      }
      explain(c, "vgpr_urine", "urine M-protein", "componente M urinaria", v[T_U].num, "mg/24h");
      return MM_RESP_VGPR;
    }
    bool ps = !ms || holds(c, "pr_serum_reduction", rs);
    bool pu = !mu || holds(c, "pr_urine_reduction", ru) || holds(c, "pr_urine", v[T_U].num);
    if (ps && pu) {
      sk_put(c->why, "PR: ");
      if (ms) explain(c, "pr_serum_reduction", "serum reduction", "riduzione sierica", rs, "%");
      if (ms && mu) sk_put(c->why, ", ");
      if (mu) {
        if (holds(c, "pr_urine_reduction", ru))
          explain(c, "pr_urine_reduction", "urine reduction", "riduzione urinaria", ru, "%");
        else
          explain(c, "pr_urine", "urine M-protein", "componente M urinaria", v[T_U].num, "mg/24h");
      }
      return MM_RESP_PR;
    }
    bool mrs = !ms || holds(c, "mr_serum_reduction", rs);
    bool mru = !mu || holds(c, "mr_urine_reduction", ru);
    int cat = mrs && mru ? MM_RESP_MR : MM_RESP_SD;
    sk_put(c->why, "%s: ", mm_response_cat_names[cat]);
    if (ms) explain(c, "mr_serum_reduction", "serum reduction", "riduzione sierica", rs, "%");
    if (ms && mu) sk_put(c->why, ", ");
    if (mu) explain(c, "mr_urine_reduction", "urine reduction", "riduzione urinaria", ru, "%");
    return cat;
  }
  if (track == TRACK_FLC) {
    double r = reduction(dflc(b[T_K].num, b[T_L].num, kappa), dflc(v[T_K].num, v[T_L].num, kappa));
    sk_put(c->why, holds(c, "pr_dflc_reduction", r) ? "PR: " : "SD: ");
    explain(c, "pr_dflc_reduction", "dFLC reduction", "riduzione dFLC", r, "%");
    return holds(c, "pr_dflc_reduction", r) ? MM_RESP_PR : MM_RESP_SD;
  }
  double r = reduction(b[T_BM].num, v[T_BM].num);
  sk_put(c->why, holds(c, "pr_bm_reduction", r) ? "PR: " : "SD: ");
  explain(c, "pr_bm_reduction", "bone-marrow plasma-cell reduction",
          "riduzione delle plasmacellule midollari", r, "%");
  return holds(c, "pr_bm_reduction", r) ? MM_RESP_PR : MM_RESP_SD;
}

static int not_evaluable(ctx *c, const char *en, const char *it, const char *const *miss) {
  for (; miss && *miss; miss++) sk_add_missing(c->out, c->a, *miss);
  sk_say(c->why, "not evaluable: ", "non valutabile: ");
  sk_text(c->why, en, it);
  return 0;
}

int mm_score_response(mm_score_result *out, const mm_scores *kb, const mm_response_in *in,
                      mm_arena *arena) {
  const sk_entry *e = kb->e[SK_RESPONSE];
  sk_result_init(out, e, "response");
  sk_why why;
  sk_why_init(&why, 1 << 16);
  ctx c = {e, out, arena, &why};
  if (in->baseline == MM_DATE_NONE) {
    out->because = "baseline: a date is required (start of the current line)";
    sk_why_free(&why);
    return -1;
  }
  /* validate and sort */
  const mm_lab_obs **obs = mm_arena_alloc(arena, (in->n_labs + 1) * sizeof *obs);
  if (!obs) {
    sk_why_free(&why);
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
      sk_why_free(&why);
      return -1;
    }
    if (o->date == MM_DATE_NONE) {
      out->because = mm_arena_printf(arena, "labs[%zu].date: required", i);
      sk_why_free(&why);
      return -1;
    }
    mm_score_result tmp;
    sk_result_init(&tmp, e, "response");
    if (!o->value.known || sk_check(&tmp, arena, sk_input(e, tests[t]), o->value) < 0) {
      out->because = mm_arena_printf(arena, "labs[%zu].value: %s", i,
                                     o->value.known ? tmp.because : "required");
      sk_why_free(&why);
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
    sk_say(&why, "baseline %s: ", "basale %s: ", date_s);
    if (ms)
      explain(&c, "measurable_serum", "serum M-protein", "componente M sierica", b[T_S].num, "g/dL");
    if (ms && mu) sk_put(&why, ", ");
    if (mu)
      explain(&c, "measurable_urine", "urine M-protein", "componente M urinaria", b[T_U].num,
              "mg/24h");
    sk_say(&why, " (measurable)", " (misurabile)");
  } else if (!b[T_S].known || !b[T_U].known) {
    static const char *const s_[] = {"serum_m_protein", NULL}, *const u_[] = {"urine_m_protein", NULL},
                             *const su[] = {"serum_m_protein", "urine_m_protein", NULL};
    const char *const *m = !b[T_S].known && !b[T_U].known ? su : !b[T_S].known ? s_ : u_;
    if (!b[T_S].known && !b[T_U].known)
      not_evaluable(&c, "baseline serum_m_protein and urine_m_protein missing",
                    "componente M sierica e urinaria al basale mancanti", m);
    else if (!b[T_S].known)
      not_evaluable(&c, "baseline serum_m_protein missing",
                    "componente M sierica al basale mancante", m);
    else
      not_evaluable(&c, "baseline urine_m_protein missing",
                    "componente M urinaria al basale mancante", m);
    return sk_why_finish(&why, out, arena);
  } else if (!b[T_K].known || !b[T_L].known) {
    static const char *const m[] = {"flc_kappa", "flc_lambda", NULL};
    not_evaluable(&c, "serum and urine M-protein not measurable; baseline flc_kappa/flc_lambda missing",
                  "componente M sierica e urinaria non misurabili; FLC kappa/lambda al basale "
                  "mancanti", m);
    return sk_why_finish(&why, out, arena);
  } else if (flc_abnormal(&c, b[T_K].num, b[T_L].num, &kappa) &&
             holds(&c, "measurable_iflc", kappa ? b[T_K].num : b[T_L].num)) {
    track = TRACK_FLC;
    sk_say(&why, "baseline %s: serum and urine M-protein not measurable; ",
           "basale %s: componente M sierica e urinaria non misurabili; ", date_s);
    explain(&c, "measurable_iflc", kappa ? "involved FLC kappa" : "involved FLC lambda",
            kappa ? "FLC kappa coinvolta" : "FLC lambda coinvolta", kappa ? b[T_K].num : b[T_L].num,
            "mg/L");
    sk_say(&why, ", ratio %.3g abnormal: dFLC followed",
           ", rapporto %.3g anomalo: si segue la dFLC", b[T_K].num / b[T_L].num);
  } else if (!b[T_BM].known) {
    static const char *const m[] = {"bm_plasma_cells", NULL};
    not_evaluable(&c, "serum, urine and FLC not measurable; baseline bm_plasma_cells missing",
                  "componente M sierica, urinaria e FLC non misurabili; plasmacellule midollari "
                  "al basale mancanti", m);
    return sk_why_finish(&why, out, arena);
  } else if (holds(&c, "pr_bm_baseline", b[T_BM].num)) {
    track = TRACK_BM;
    sk_say(&why, "baseline %s: serum, urine and FLC not measurable; ",
           "basale %s: componente M sierica, urinaria e FLC non misurabili; ", date_s);
    explain(&c, "pr_bm_baseline", "bone-marrow plasma cells", "plasmacellule midollari",
            b[T_BM].num, "%");
  } else {
    not_evaluable(&c, "no measurable disease at baseline", "nessuna malattia misurabile al basale",
                  NULL);
    return sk_why_finish(&why, out, arena);
  }

  /* assessments */
  state now = base, nadir = base;
  for (int t = 0; t < T_N; t++) {
    now.v[t] = mm_value_unknown(t >= T_SIFE ? MM_TYPE_STRING : MM_TYPE_NUMBER);
  }
  int cats[2] = {-1, -1};
  mm_date dates[2] = {MM_DATE_NONE, MM_DATE_NONE};
  sk_why last, note; /* the last assessment's reason; what kept it from deeper */
  sk_why_init(&last, 1 << 16);
  sk_why_init(&note, 4096);
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
    sk_why w;
    sk_why_init(&w, 4096);
    sk_why_clear(&note);
    ctx cc = c;
    cc.why = &w;
    int cat = category(&cc, track, ms, mu, kappa, &base, &now, &nadir, &note);
    char ds[11];
    mm_date_format(d, ds);
    sk_why_clear(&last);
    sk_put(&last, "%s: ", ds);
    sk_append(&last, &w);
    if (note.b[MM_LANG_EN].len) {
      sk_put(&last, " (");
      sk_append(&last, &note);
      sk_put(&last, ")");
    }
    sk_why_free(&w);
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
  sk_why_free(&note);
  for (int t = 0; t <= T_BM; t++)
    sk_add_input(out, arena, tests[t], now.v[t], sk_input(e, tests[t])->unit);
  for (int t = T_SIFE; t < T_N; t++) sk_add_input(out, arena, tests[t], now.v[t], NULL);
  if (!n_assess) {
    static const char *const sm[] = {"serum_m_protein", NULL}, *const um[] = {"urine_m_protein", NULL},
                             *const fm[] = {"flc_kappa", "flc_lambda", NULL},
                             *const bm[] = {"bm_plasma_cells", NULL};
    sk_why_free(&last);
    sk_put(&why, "; ");
    not_evaluable(&c, "no complete assessment after baseline",
                  "nessuna valutazione completa dopo il basale",
                  track == TRACK_FLC ? fm : track == TRACK_BM ? bm : ms ? sm : um);
    if (track == TRACK_M && ms && mu) sk_add_missing(out, arena, "urine_m_protein");
    return sk_why_finish(&why, out, arena);
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
  sk_say(&why, "; last assessment ", "; ultima valutazione ");
  sk_append(&why, &last);
  sk_why_free(&last);
  if (cats[0] >= 0) {
    char ds[11];
    mm_date_format(dates[0], ds);
    sk_say(&why, "; previous assessment %s: %s", "; valutazione precedente %s: %s", ds,
           mm_response_cat_names[cats[0]]);
  }
  if (confirmed) {
    sk_say(&why, " => %s, confirmed", " => %s, confermata", mm_response_cat_names[cat]);
  } else {
    sk_say(&why, " => %s, unconfirmed", " => %s, non confermata", mm_response_cat_names[cat]);
    if (cats[0] >= 0 && cats[0] != MM_RESP_PD && cat != MM_RESP_PD)
      out->note = mm_arena_printf(arena, "unconfirmed: %s met at one assessment only; "
                                  "confirmed category %s", mm_response_cat_names[cat],
                                  mm_response_cat_names[cats[0]]);
    else
      out->note = mm_arena_printf(arena, "unconfirmed: %s needs %d consecutive assessments",
                                  mm_response_cat_names[cat], need);
  }
  return sk_why_finish(&why, out, arena);
}
