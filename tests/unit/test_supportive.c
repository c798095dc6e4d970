/* test_supportive.c: supportive care by phase (kb/supportive_care.yaml,
 * issue #12), each expectation with the source it comes from:
 *   Raje NS et al. Blood Cancer J 2023;13:116, Table 4 (PMID 37528088):
 *     IVIG while IgG < 400 mg/dL; CSF for grade >= 3 neutropenia (ANC < 1.0);
 *     withhold the bispecific while ANC < 0.5.
 *   Rejeski K et al. Blood 2023;142:865 (EHA/EBMT), Table 3: antiviral
 *     prophylaxis from lymphodepletion until 1 year after the CAR-T infusion
 *     and/or until CD4 > 0.2 x10^9/L.
 *   ASH table (ash-sap.org/view-large/12050824): PJP 12-18 months after a
 *     CAR-T infusion, at least until CD4 > 200/uL; with a bispecific until
 *     1 month after it stops; G-CSF considered when ANC < 1.0 x10^9/L.
 *   EMN table (ashpublications.net/view-large/12526167, citing Ludwig 2023,
 *     PMID 37269857): valaciclovir 'Continue for 3 months ... or until CD4
 *     >200/µl'; IVIG 'Continue even off therapy as long as IgG <400 mg/dL'.
 *   EBMT/JACIE/EHA and ASH-ASTCT as summarised (PMC10909447 Table 3):
 *     inactivated vaccines >= 3 months, live vaccines >= 12 months after CAR-T.
 * And the rule of the issue: an item that rests on an eligibility (a
 * candidacy, true or unknown) is conditional, never indicated. */
#include <stdio.h>
#include <string.h>

#include "evaluate/evaluate.h"
#include "facts/facts.h"
#include "helpers.h"
#include "kb/fact_names.h"
#include "patient/patient.h"

static mm_kb *kb;

static int setup(void **state) {
  (void)state;
  return test_kb_load(&kb);
}

static int teardown(void **state) {
  (void)state;
  mm_kb_free(kb);
  return 0;
}

typedef test_run run;

static void evaluate(run *r, const char *json) { test_run_evaluate(r, kb, json, MM_JURIS_EU); }

/* A relapsed patient (VRd + ASCT + lenalidomide, then Dara-Pd) with more
 * lines after them, labs and as_of 2026-11-25. */
static void patient(run *r, const char *labs, const char *more_lines) {
  char json[8192];
  int n = snprintf(
      json, sizeof json,
      "{\"id\":\"S\",\"as_of\":\"2026-11-25\",\"age\":66,\"comorbidities\":[],\"ecog\":1,"
      "\"diagnosis\":{\"date\":\"2018-01-10\"},\"labs\":[%s],\"lines\":["
      "{\"regimen\":\"VRd\",\"start\":\"2018-02-01\",\"end\":\"2018-06-01\",\"asct\":\"2018-07-15\","
      "\"maintenance\":{\"drugs\":[\"lenalidomide\"],\"start\":\"2018-09-01\",\"end\":\"2021-03-01\"},"
      "\"best_response\":\"VGPR\",\"progression\":\"2021-03-01\"},"
      "{\"drugs\":[\"daratumumab\",\"pomalidomide\",\"dexamethasone\"],\"start\":\"2021-03-15\","
      "\"end\":\"2024-05-01\",\"best_response\":\"VGPR\",\"progression\":\"2024-05-01\"}%s%s]}",
      labs, *more_lines ? "," : "", more_lines);
  assert_true(n > 0 && (size_t)n < sizeof json);
  evaluate(r, json);
}

/* A cilta-cel infusion on that date, in CR since. */
static const char *car_t_on(char buf[256], const char *date) {
  snprintf(buf, 256,
           "{\"drugs\":[\"ciltacabtagene autoleucel\"],\"start\":\"%s\",\"end\":\"%s\","
           "\"best_response\":\"CR\"}", date, date);
  return buf;
}

static void done(run *r) { test_run_done(r); }

static const mm_supportive_result *item(const run *r, const char *id) {
  for (size_t i = 0; i < r->ev->n_supportive; i++)
    if (strcmp(r->ev->supportive[i].item->id, id) == 0) return &r->ev->supportive[i];
  fail_msg("no supportive-care item '%s'", id);
  return NULL;
}

static void expect(const run *r, const char *id, mm_tv want) {
  const mm_supportive_result *s = item(r, id);
  if (s->result != want || (want == MM_TRUE && s->conditional))
    fail_msg("%s: result %d (conditional %d), want %d; rule %s", id, s->result, s->conditional,
             want, s->item->when);
}

static void expect_conditional(const run *r, const char *id, const char *first_fact) {
  const mm_supportive_result *s = item(r, id);
  if (!s->conditional || s->result != MM_UNKNOWN || !s->n_conditions)
    fail_msg("%s: not conditional (result %d)", id, s->result);
  assert_string_equal(s->conditions[0]->fact, first_fact);
}

static void expect_missing(const run *r, const char *id, const char *input) {
  const mm_supportive_result *s = item(r, id);
  for (size_t k = 0; k < s->n_missing; k++)
    if (strcmp(s->missing[k], input) == 0) return;
  fail_msg("%s: '%s' is not among its missing inputs", id, input);
}

static double fact_number(const run *r, int slot) {
  mm_value v = r->f->values[slot];
  assert_true(v.known);
  return v.num;
}

/* The patient of issue #12: CR 5 months after cilta-cel, IgG 280 mg/dL. IVIG
 * (Raje 2023, EMN: on or off therapy while IgG < 400), antiviral (EHA/EBMT:
 * until 1 year after the infusion) and PJP (ASH: 12-18 months) are
 * indicated, with their windows. */
static void cr_five_months_after_cilta_cel(void **state) {
  (void)state;
  run r;
  char c[256];
  patient(&r, "{\"date\":\"2026-11-20\",\"test\":\"igg\",\"value\":280,\"unit\":\"mg/dL\"}",
          car_t_on(c, "2026-06-20"));
  assert_int_equal(fact_number(&r, MM_F_MONTHS_SINCE_CAR_T), 5);
  expect(&r, "ivig", MM_TRUE);
  expect(&r, "antiviral_after_car_t", MM_TRUE);
  expect(&r, "pjp_after_car_t", MM_TRUE);
  const mm_supportive_window *w = &item(&r, "antiviral_after_car_t")->item->window;
  assert_string_equal(w->fact, "months_since_car_t");
  assert_true(w->has_until && w->until_months == 12);
  assert_non_null(strstr(w->text.en, "12 months"));
  /* EBMT/JACIE/EHA, ASH-ASTCT: inactivated vaccines from 3 months; no live
   * vaccines before 12 */
  expect(&r, "vaccination_after_car_t", MM_TRUE);
  expect(&r, "no_live_vaccines_after_car_t", MM_TRUE);
  /* nothing after a bispecific: none was given */
  expect(&r, "antiviral_after_bispecific", MM_FALSE);
  expect(&r, "pjp_after_bispecific", MM_FALSE);
  done(&r);
}

/* 14 months after the infusion: the 12-month items are over; whether
 * prophylaxis goes on is the CD4 count's (all sources: until CD4 > 200/uL). */
static void fourteen_months_after_car_t(void **state) {
  (void)state;
  run r;
  char c[256];
  patient(&r, "", car_t_on(c, "2025-09-20"));
  assert_int_equal(fact_number(&r, MM_F_MONTHS_SINCE_CAR_T), 14);
  expect(&r, "antiviral_after_car_t", MM_FALSE);
  expect(&r, "pjp_after_car_t", MM_FALSE);
  expect(&r, "no_live_vaccines_after_car_t", MM_FALSE);
  expect(&r, "vaccination_after_car_t", MM_TRUE);
  expect(&r, "prophylaxis_until_cd4_after_car_t", MM_UNKNOWN);
  expect_missing(&r, "prophylaxis_until_cd4_after_car_t", "labs[test=cd4]");
  done(&r);
  patient(&r, "{\"date\":\"2026-11-20\",\"test\":\"cd4\",\"value\":150,\"unit\":\"/uL\"}",
          car_t_on(c, "2025-09-20"));
  expect(&r, "prophylaxis_until_cd4_after_car_t", MM_TRUE);
  done(&r);
  patient(&r, "{\"date\":\"2026-11-20\",\"test\":\"cd4\",\"value\":320,\"unit\":\"/uL\"}",
          car_t_on(c, "2025-09-20"));
  expect(&r, "prophylaxis_until_cd4_after_car_t", MM_FALSE);
  done(&r);
}

/* The 12-month window counts whole months: 11 in, 12 out (EHA/EBMT "until 1
 * year after the infusion"); vaccination from 3 months, not at 2. */
static void car_t_window_boundaries(void **state) {
  (void)state;
  run r;
  char c[256];
  patient(&r, "", car_t_on(c, "2025-12-25"));
  assert_int_equal(fact_number(&r, MM_F_MONTHS_SINCE_CAR_T), 11);
  expect(&r, "antiviral_after_car_t", MM_TRUE);
  done(&r);
  patient(&r, "", car_t_on(c, "2025-11-25"));
  assert_int_equal(fact_number(&r, MM_F_MONTHS_SINCE_CAR_T), 12);
  expect(&r, "antiviral_after_car_t", MM_FALSE);
  expect(&r, "prophylaxis_until_cd4_after_car_t", MM_UNKNOWN);
  done(&r);
  patient(&r, "", car_t_on(c, "2026-09-10"));
  assert_int_equal(fact_number(&r, MM_F_MONTHS_SINCE_CAR_T), 2);
  expect(&r, "vaccination_after_car_t", MM_FALSE);
  expect(&r, "no_live_vaccines_after_car_t", MM_TRUE);
  done(&r);
}

/* Eligibility is not the decision: a myeloma record that says nothing else
 * (candidacy unknown) and the demo patient eligible for ide-cel (candidacy
 * true) get conditional items, never indicated ones. (A record with no
 * myeloma diagnosis at all gets nothing: test_state.c.) */
static void candidacy_gives_conditional_items(void **state) {
  (void)state;
  run r;
  evaluate(&r, "{\"id\":\"X-2\",\"diagnosis\":{}}");
  assert_false(r.f->values[MM_F_CANDIDATE_CAR_T].known);
  for (size_t i = 0; i < r.ev->n_supportive; i++)
    if (r.ev->supportive[i].result == MM_TRUE)
      fail_msg("%s is indicated for a record that says nothing", r.ev->supportive[i].item->id);
  expect_conditional(&r, "antiviral_prophylaxis", "candidate_car_t");
  expect_conditional(&r, "hospitalisation_step_up", "candidate_car_t");
  assert_int_equal(item(&r, "hospitalisation_step_up")->n_conditions, 2);
  done(&r);
  /* the same patient as the web and API tests: eligible for ide-cel, IgG 350 */
  patient(&r,
          "{\"date\":\"2026-11-20\",\"test\":\"igg\",\"value\":350,\"unit\":\"mg/dL\"},"
          "{\"date\":\"2026-11-20\",\"test\":\"anc\",\"value\":2.0,\"unit\":\"10^9/L\"}",
          "");
  assert_true(r.f->values[MM_F_CANDIDATE_CAR_T].known && r.f->values[MM_F_CANDIDATE_CAR_T].b);
  expect_conditional(&r, "ivig", "candidate_car_t");
  expect_conditional(&r, "antiviral_prophylaxis", "candidate_car_t");
  expect(&r, "gcsf", MM_FALSE); /* ANC 2.0 */
  for (size_t i = 0; i < r.ev->n_supportive; i++)
    assert_int_not_equal(r.ev->supportive[i].result, MM_TRUE);
  done(&r);
}

/* A bispecific stopped 2 months ago: antiviral prophylaxis goes on (EMN: 3
 * months), PJP's 1 month (ASH) is over and the CD4 count decides (EMN). */
static void bispecific_stopped_two_months_ago(void **state) {
  (void)state;
  run r;
  const char *tec = "{\"drugs\":[\"teclistamab\"],\"start\":\"2024-06-01\",\"end\":\"2026-09-20\","
                    "\"best_response\":\"CR\",\"stop_reason\":\"completed\"}";
  patient(&r, "{\"date\":\"2026-11-20\",\"test\":\"cd4\",\"value\":180,\"unit\":\"/uL\"}", tec);
  assert_int_equal(fact_number(&r, MM_F_MONTHS_SINCE_BISPECIFIC_STOP), 2);
  expect(&r, "antiviral_after_bispecific", MM_TRUE);
  expect(&r, "pjp_after_bispecific", MM_FALSE);
  expect(&r, "prophylaxis_until_cd4_after_bispecific", MM_TRUE);
  expect(&r, "antiviral_prophylaxis", MM_FALSE); /* no longer on it, no candidacy */
  done(&r);
  /* 4 months: the EMN's 3 months are over too */
  const char *old = "{\"drugs\":[\"teclistamab\"],\"start\":\"2024-06-01\",\"end\":\"2026-07-20\","
                    "\"best_response\":\"CR\",\"stop_reason\":\"completed\"}";
  patient(&r, "", old);
  assert_int_equal(fact_number(&r, MM_F_MONTHS_SINCE_BISPECIFIC_STOP), 4);
  expect(&r, "antiviral_after_bispecific", MM_FALSE);
  done(&r);
}

/* On a bispecific: prophylaxis is indicated, not conditional (it holds
 * without any candidacy); G-CSF by ANC (Raje 2023, ASH), withholding the
 * bispecific and antibacterial/antifungal prophylaxis below 0.5. */
static void on_bispecific_gcsf_by_anc(void **state) {
  (void)state;
  run r;
  const char *tec = "{\"drugs\":[\"teclistamab\"],\"start\":\"2026-08-01\"}";
  patient(&r, "{\"date\":\"2026-11-20\",\"test\":\"anc\",\"value\":0.8,\"unit\":\"10^9/L\"}", tec);
  assert_false(r.f->values[MM_F_MONTHS_SINCE_BISPECIFIC_STOP].known);
  expect(&r, "antiviral_prophylaxis", MM_TRUE);
  expect(&r, "pjp_prophylaxis", MM_TRUE);
  expect(&r, "gcsf", MM_TRUE);
  expect(&r, "antibacterial_prophylaxis", MM_FALSE);
  expect(&r, "withhold_bispecific_neutropenia", MM_FALSE);
  expect(&r, "antiviral_after_bispecific", MM_FALSE);
  done(&r);
  patient(&r, "{\"date\":\"2026-11-20\",\"test\":\"anc\",\"value\":400,\"unit\":\"/uL\"}", tec);
  expect(&r, "gcsf", MM_TRUE);
  expect(&r, "antibacterial_prophylaxis", MM_TRUE);
  expect(&r, "antifungal_prophylaxis", MM_TRUE);
  expect(&r, "withhold_bispecific_neutropenia", MM_TRUE);
  done(&r);
  patient(&r, "{\"date\":\"2026-11-20\",\"test\":\"anc\",\"value\":1.2,\"unit\":\"10^9/L\"}", tec);
  expect(&r, "gcsf", MM_FALSE);
  done(&r);
  patient(&r, "", tec);
  expect(&r, "gcsf", MM_UNKNOWN);
  expect_missing(&r, "gcsf", "labs[test=anc]");
  done(&r);
}

/* The timing facts: a CAR-T line without its date, and a later line whose
 * drugs are not recorded, leave them unknown with the input named; no CAR-T
 * on record is unknown with nothing missing (the rules read exposed(car_t)). */
static void timing_facts_unknown_with_input(void **state) {
  (void)state;
  run r;
  patient(&r, "", "{\"drugs\":[\"ciltacabtagene autoleucel\"],\"best_response\":\"CR\"}");
  assert_false(r.f->values[MM_F_MONTHS_SINCE_CAR_T].known);
  assert_string_equal(r.f->info[MM_F_MONTHS_SINCE_CAR_T].missing[0], "lines[2].start");
  expect(&r, "antiviral_after_car_t", MM_UNKNOWN);
  expect_missing(&r, "antiviral_after_car_t", "lines[2].start");
  done(&r);
  char c[256];
  char more[512];
  snprintf(more, sizeof more, "%s,{\"start\":\"2026-10-01\"}", car_t_on(c, "2026-06-20"));
  patient(&r, "", more);
  assert_false(r.f->values[MM_F_MONTHS_SINCE_CAR_T].known);
  assert_string_equal(r.f->info[MM_F_MONTHS_SINCE_CAR_T].missing[0], "lines[3].drugs");
  done(&r);
  patient(&r, "", "");
  assert_false(r.f->values[MM_F_MONTHS_SINCE_CAR_T].known);
  assert_int_equal(r.f->info[MM_F_MONTHS_SINCE_CAR_T].n_missing, 0);
  expect(&r, "antiviral_after_car_t", MM_FALSE);
  done(&r);
}

/* The loader: the window's months need the fact they count on, a number
 * fact; conditional_on names the file's conditions; the window's bounds are
 * evaluated with the trigger. */
static void loader_checks(void **state) {
  (void)state;
  const struct {
    const char *from, *to, *says;
  } cases[] = {
      {"      fact: months_since_car_t\n      from_months: 0\n      until_months: 12\n",
       "      from_months: 0\n      until_months: 12\n", "need the 'fact'"},
      {"      fact: months_since_car_t\n      from_months: 0\n      until_months: 12\n",
       "      fact: setting\n      from_months: 0\n      until_months: 12\n", "a number fact"},
      {"      fact: months_since_car_t\n      from_months: 0\n      until_months: 12\n",
       "      fact: months_since_car_t\n      from_months: 12\n      until_months: 12\n",
       "'until_months' must be after"},
      {"conditional_on: [candidate_car_t, candidate_bispecific]",
       "conditional_on: [candidate_car_t, candidate_cart]", "not one of the file's conditions"},
      {"  - fact: candidate_car_t\n", "  - fact: igg\n", "a boolean fact"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char dir[64];
    test_kb_copy(dir, "supportive_care.yaml", cases[i].from, cases[i].to);
    mm_arena a;
    mm_arena_init(&a, 0);
    mm_diags d;
    mm_diags_init(&d, &a);
    mm_kb *bad = NULL;
    assert_int_not_equal(mm_kb_load(&bad, dir, &d), 0);
    bool found = false;
    for (const mm_diag *x = d.head; x; x = x->next) found |= strstr(x->text, cases[i].says) != NULL;
    if (!found) fail_msg("case %zu: no diagnostic saying '%s'", i, cases[i].says);
    mm_arena_free(&a);
    test_kb_remove(dir);
  }
  /* the rule evaluated is the trigger and the window */
  bool seen = false;
  for (size_t i = 0; i < kb->n_supportive; i++)
    if (strcmp(kb->supportive[i].id, "antiviral_after_car_t") == 0) {
      seen = true;
      assert_string_equal(kb->supportive[i].when, "(exposed(car_t)) and months_since_car_t >= 0 "
                                                  "and months_since_car_t < 12");
    }
  assert_true(seen);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cr_five_months_after_cilta_cel),
      cmocka_unit_test(fourteen_months_after_car_t),
      cmocka_unit_test(car_t_window_boundaries),
      cmocka_unit_test(candidacy_gives_conditional_items),
      cmocka_unit_test(bispecific_stopped_two_months_ago),
      cmocka_unit_test(on_bispecific_gcsf_by_anc),
      cmocka_unit_test(timing_facts_unknown_with_input),
      cmocka_unit_test(loader_checks),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
