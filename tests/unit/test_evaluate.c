/* test_evaluate.c: the deck's algorithm (kb/algorithm.yaml, rules R1-R5,
 * with their sources there): the guideline regimens listed, with reasons, on
 * records written to hit each branch at its boundaries: newly diagnosed
 * transplant eligible or not, first relapse with and without lenalidomide
 * refractoriness (and unknown refractoriness), second relapse or later, on
 * treatment, an unknown setting naming its missing input. The approved
 * therapies' labels are tested in test_labels.c; the records and checks both
 * use are in evaluate_records.{c,h}. */
#include <stdio.h>
#include <string.h>

#include "evaluate_records.h"

static int setup(void **state) {
  (void)state;
  return test_kb_load(&kb);
}

static int teardown(void **state) {
  (void)state;
  mm_kb_free(kb);
  return 0;
}

/* The value of one indication, evaluated on its own (the result tree keeps
 * only the indication that decided). *failing gets the first false one. */
static mm_tv indication_value(run *r, const char *opt_id, const char *ind_id, const char **failing) {
  const mm_option *o = mm_kb_find_option(kb, opt_id);
  assert_non_null(o);
  *failing = NULL;
  for (size_t i = 0; i < o->n_indications; i++) {
    const mm_indication *ind = &o->indications[i];
    if (strcmp(ind->id, ind_id) != 0) continue;
    mm_tv all = MM_TRUE;
    for (size_t k = 0; k < ind->n_criteria; k++) {
      mm_tv t = mm_rule_eval(ind->criteria[k].rule, r->f->values, NULL);
      if (t == MM_FALSE && ind->criteria[k].has_review) t = MM_UNKNOWN;
      if (t == MM_FALSE && !*failing) *failing = ind->criteria[k].id;
      all = mm_tv_and(all, t);
    }
    return all;
  }
  fail_msg("%s has no indication %s", opt_id, ind_id);
  return MM_UNKNOWN;
}

/* The guideline regimens of the evaluation, in the kb's order (algorithm,
 * then overlay; the evaluation sorts them by tier, test_refractory.c), as
 * "id/group ...". */
static void expect_guideline_list(run *r, const char *want) {
  char got[1024] = "";
  size_t len = 0;
  for (size_t k = 0; k < kb->n_options; k++)
    for (size_t i = 0; i < r->ev->n_options; i++) {
      const mm_option_result *o = &r->ev->options[i];
      if (o->opt != &kb->options[k] || o->opt->kind != MM_OPT_GUIDELINE) continue;
      len += (size_t)snprintf(got + len, sizeof got - len, "%s%s/%s", len ? " " : "", o->opt->id,
                              o->opt->group);
    }
  if (strcmp(got, want) != 0) fail_msg("guideline list\n  got:      %s\n  expected: %s", got, want);
}

static void expect_all_guideline(run *r, const char *group, mm_tv want) {
  for (size_t i = 0; i < r->ev->n_options; i++) {
    const mm_option_result *o = &r->ev->options[i];
    if (o->opt->kind == MM_OPT_GUIDELINE && strcmp(o->opt->group, group) == 0) test_expect_status(o, want);
  }
}

/* ======================= the algorithm (kb/algorithm.yaml) ======================= */

/* R1 (deck: age < 65-70, no comorbidity): induction DaraVTD/VRD (both
 * readings listed), VTD, VCD, ASCT, lenalidomide maintenance; the overlay adds
 * Isa-VRd (EU July 2025, therapy.md 3.4); Dara-VRd is shown once. */
static void test_evaluate__newly_diagnosed_transplant_eligible(void **s) {
  (void)s;
  run r;
  evaluate_json(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"age\":60,\"comorbidities\":[],\"diagnosis\":{\"date\":\"2026-11-02\"},\"lines\":[]}", MM_JURIS_EU);
  expect_guideline_list(&r, "Dara-VTd/algorithm VRd/algorithm Dara-VRd/algorithm VTd/algorithm VCd/algorithm "
                            "lenalidomide-maintenance/algorithm Isa-VRd/overlay");
  expect_all_guideline(&r, "algorithm", MM_TRUE);
  expect_all_guideline(&r, "overlay", MM_TRUE);
  const mm_option_result *o = opt(&r, "Dara-VTd");
  assert_true(o->implicit_setting);
  assert_string_equal(o->criteria[0].crit->id, "setting");
  assert_string_equal(o->opt->rule_tag, "R1");
  done(&r);
}

/* R2 (deck: age > 65-70 or comorbidity): DaraRD, DaraVMP, Isa/Dara-VRD, then
 * (RD, VMP). The overlay's Dara-VRd and Isa-VRd repeat R2 and are shown once. */
static void test_evaluate__newly_diagnosed_transplant_ineligible(void **s) {
  (void)s;
  run r;
  evaluate_json(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"age\":76,\"diagnosis\":{\"date\":\"2026-11-02\"},\"lines\":[]}", MM_JURIS_EU);
  expect_guideline_list(&r, "Dara-Rd/algorithm Dara-VMP/algorithm Isa-VRd/algorithm Dara-VRd/algorithm "
                            "Rd/algorithm VMP/algorithm");
  expect_all_guideline(&r, "algorithm", MM_TRUE);
  assert_string_equal(opt(&r, "Dara-Rd")->opt->rule_tag, "R2");
  done(&r);
  /* A disqualifying comorbidity at 60 gives the same setting (kb/definitions.yaml). */
  evaluate_json(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"age\":60,\"comorbidities\":[\"heart_failure\"],\"diagnosis\":{\"date\":\"2026-11-02\"},\"lines\":[]}", MM_JURIS_EU);
  test_expect_status(opt(&r, "VMP"), MM_TRUE);
  done(&r);
}

/* R3 (first relapse, lenalidomide-refractory): PVD, DaraVD, KD (+/- Dara/Isa)
 * eligible; the R4 triplets not eligible because of `not refractory(lenalidomide)`;
 * overlay (therapy.md 3.4): BVd, BPd (lenalidomide-exposed), SVd, and Tec-Dara
 * (US only: review). */
static void test_evaluate__first_relapse_lenalidomide_refractory(void **s) {
  (void)s;
  run r;
  eu(&r, L_VRD_ASCT_LEN);
  expect_guideline_list(&r, "PVd/algorithm Dara-Vd/algorithm Kd/algorithm Dara-Kd/algorithm Isa-Kd/algorithm "
                            "Dara-Rd/algorithm KRd/algorithm Elo-Rd/algorithm IRd/algorithm "
                            "BVd/overlay BPd/overlay SVd/overlay Tec-Dara/overlay");
  const char *r3[] = {"PVd", "Dara-Vd", "Kd", "Dara-Kd", "Isa-Kd"};
  for (size_t i = 0; i < 5; i++) {
    const mm_option_result *o = opt_g(&r, r3[i], "algorithm");
    test_expect_status(o, MM_TRUE);
    assert_string_equal(o->opt->rule_tag, "R3");
    assert_int_equal(test_crit(o, "lenalidomide_refractory")->result, MM_TRUE);
  }
  const char *r4[] = {"Dara-Rd", "KRd", "Elo-Rd", "IRd"};
  for (size_t i = 0; i < 4; i++) {
    const mm_option_result *o = opt_g(&r, r4[i], "algorithm");
    /* R4's own condition, and the relapse principle (kb/algorithm.yaml
     * principles): a regimen relying on lenalidomide is not an option */
    test_expect_fails(o, "not_lenalidomide_refractory not_refractory_to_regimen");
    assert_string_equal(mm_rule_source(test_crit(o, "not_lenalidomide_refractory")->crit->rule),
                        "not refractory(lenalidomide)");
    assert_int_equal(test_crit(o, "setting")->result, MM_TRUE);
  }
  test_expect_status(opt_g(&r, "BVd", "overlay"), MM_TRUE);
  test_expect_status(opt_g(&r, "BPd", "overlay"), MM_TRUE);
  test_expect_status(opt_g(&r, "SVd", "overlay"), MM_TRUE);
  expect_unknown_on(opt_g(&r, "Tec-Dara", "overlay"), "eu_decision_pending");
  done(&r);
}

/* R4 (first relapse, not lenalidomide-refractory): DaraRD, KRD, EloRD, IRD
 * eligible; the R3 regimens not eligible on `refractory(lenalidomide)`. The
 * overlay's BPd still needs lenalidomide exposure only (Blenrep EU). */
static void test_evaluate__first_relapse_not_lenalidomide_refractory(void **s) {
  (void)s;
  run r;
  eu(&r, L_VRD_ASCT_NOMAINT);
  assert_string_equal(r.f->values[mm_kb_fact_slot(kb, "setting")].str, "first_relapse");
  const char *r4[] = {"Dara-Rd", "KRd", "Elo-Rd", "IRd"};
  for (size_t i = 0; i < 4; i++) {
    const mm_option_result *o = opt_g(&r, r4[i], "algorithm");
    test_expect_status(o, MM_TRUE);
    assert_string_equal(o->opt->rule_tag, "R4");
  }
  const char *r3[] = {"PVd", "Dara-Vd", "Kd", "Dara-Kd", "Isa-Kd"};
  for (size_t i = 0; i < 5; i++) test_expect_fails(opt_g(&r, r3[i], "algorithm"), "lenalidomide_refractory");
  test_expect_status(opt_g(&r, "BPd", "overlay"), MM_TRUE);
  done(&r);
}

/* First relapse with lenalidomide refractoriness undecidable (no best
 * response recorded, progression long after the last dose: IMWG
 * non-response cannot be excluded): R3 and R4 are both unknown, never
 * not_eligible, and ask for lines[0].best_response. */
static void test_evaluate__first_relapse_unknown_refractoriness(void **s) {
  (void)s;
  run r;
  eu(&r, "{\"regimen\":\"VRd\",\"start\":\"2019-01-10\",\"end\":\"2019-05-01\",\"asct\":\"2019-06-15\","
         "\"progression\":\"2021-03-01\"}");
  assert_string_equal(r.f->values[mm_kb_fact_slot(kb, "setting")].str, "first_relapse");
  const char *r3[] = {"PVd", "Dara-Vd", "Kd", "Dara-Kd", "Isa-Kd"};
  for (size_t i = 0; i < 5; i++) {
    const mm_option_result *o = opt_g(&r, r3[i], "algorithm");
    expect_unknown_on(o, "lenalidomide_refractory");
    assert_true(missing_has(test_crit(o, "lenalidomide_refractory"), "lines[0].best_response"));
  }
  const char *r4[] = {"Dara-Rd", "KRd", "Elo-Rd", "IRd"};
  for (size_t i = 0; i < 4; i++) {
    const mm_option_result *o = opt_g(&r, r4[i], "algorithm");
    expect_unknown_on(o, "not_lenalidomide_refractory");
    assert_true(missing_has(test_crit(o, "not_lenalidomide_refractory"), "lines[0].best_response"));
  }
  /* Cilta-cel is decided anyway: progression two years after the last dose
   * is not progression on the last therapy (false and unknown is false). */
  test_expect_fails(opt(&r, "cilta-cel"), "progression_on_last");
  assert_int_equal(test_crit(opt(&r, "cilta-cel"), "lenalidomide_refractory")->result, MM_UNKNOWN);
  done(&r);
}

/* BPd at first relapse (overlay, Blenrep EU: after >= 1 prior therapy
 * including lenalidomide): with Dara-VTd as the only prior line, no. */
static void test_evaluate__first_relapse_bpd_needs_lenalidomide_exposure(void **s) {
  (void)s;
  run r;
  eu(&r, "{\"regimen\":\"Dara-VTd\",\"start\":\"2020-01-10\",\"end\":\"2020-05-01\",\"asct\":\"2020-06-15\","
         "\"best_response\":\"CR\",\"progression\":\"2023-01-10\"}");
  test_expect_fails(opt_g(&r, "BPd", "overlay"), "lenalidomide_exposed");
  test_expect_status(opt_g(&r, "BVd", "overlay"), MM_TRUE);
  /* The approved therapy: BVd decides; BPd's own indication fails on lenalidomide. */
  const mm_option_result *b = opt(&r, "belantamab");
  test_expect_status(b, MM_TRUE);
  expect_indication(b, "eu_bvd");
  const char *failing;
  assert_int_equal(indication_value(&r, "belantamab", "eu_bpd", &failing), MM_FALSE);
  assert_string_equal(failing, "lenalidomide_exposed");
  done(&r);
  eu(&r, L_VRD_ASCT_LEN);
  assert_int_equal(indication_value(&r, "belantamab", "eu_bpd", &failing), MM_TRUE);
  done(&r);
}

/* R5 (second relapse and later): K- and P-based triplets with antibodies,
 * selinexor, belantamab; the deck adds no condition. Overlay: Tec-Dara (review). */
static void test_evaluate__second_relapse_or_later(void **s) {
  (void)s;
  run r;
  eu(&r, TCE_2);
  expect_guideline_list(&r, "Dara-Kd/algorithm Isa-Kd/algorithm Dara-Pd/algorithm Isa-Pd/algorithm "
                            "Elo-Pd/algorithm SVd/algorithm Sd/algorithm BVd/algorithm BPd/algorithm "
                            "Tec-Dara/overlay");
  /* Progression on Dara-Kd: the regimens relying on daratumumab, on
   * another anti-CD38 antibody (a cross-refractory class) or on carfilzomib
   * are not options (kb/algorithm.yaml principles); the others are. */
  const char *refractory[] = {"Dara-Kd", "Isa-Kd", "Dara-Pd", "Isa-Pd"};
  for (size_t i = 0; i < 4; i++)
    test_expect_fails(opt_g(&r, refractory[i], "algorithm"), "not_refractory_to_regimen");
  const char *others[] = {"Elo-Pd", "SVd", "Sd", "BVd", "BPd"};
  for (size_t i = 0; i < 5; i++) test_expect_status(opt_g(&r, others[i], "algorithm"), MM_TRUE);
  assert_string_equal(opt(&r, "Sd")->opt->rule_tag, "R5");
  const mm_option_result *tec_dara = opt_g(&r, "Tec-Dara", "overlay");
  test_expect_fails(tec_dara, "not_refractory_to_regimen");
  assert_int_equal(test_crit(tec_dara, "eu_decision_pending")->result, MM_UNKNOWN);
  done(&r);
}

/* On treatment: the algorithm lists nothing for a running line. */
static void test_evaluate__on_treatment_lists_no_guideline_regimen(void **s) {
  (void)s;
  run r;
  eu(&r, "{\"regimen\":\"Dara-VRd\",\"start\":\"2026-06-01\"}");
  assert_string_equal(r.f->values[mm_kb_fact_slot(kb, "setting")].str, "on_treatment");
  expect_guideline_list(&r, "");
  done(&r);
}

/* Setting unknown (the last line's outcome is not recorded): every entry is
 * listed as unknown with the input that decides it, except the R4 triplets,
 * which the lenalidomide refractoriness excludes whatever the setting. */
static void test_evaluate__unknown_setting_names_the_missing_input(void **s) {
  (void)s;
  run r;
  eu(&r, L_VRD_ASCT_LEN "," L_DKD "," L_PVD_NO_OUTCOME);
  const mm_option_result *o = opt(&r, "Dara-VTd");
  expect_unknown_on(o, "setting");
  assert_true(missing_has(test_crit(o, "setting"), "lines[2].progression"));
  expect_unknown_on(opt_g(&r, "Sd", "algorithm"), "setting");
  /* lenalidomide-refractory: KRd's R4 condition fails, and so does the
   * principle that a relapse regimen is not one relying on a drug the disease
   * is refractory to (kb/algorithm.yaml principles) */
  test_expect_fails(opt(&r, "KRd"), "not_lenalidomide_refractory not_refractory_to_regimen");
  done(&r);
}
int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_evaluate__newly_diagnosed_transplant_eligible),
      cmocka_unit_test(test_evaluate__newly_diagnosed_transplant_ineligible),
      cmocka_unit_test(test_evaluate__first_relapse_lenalidomide_refractory),
      cmocka_unit_test(test_evaluate__first_relapse_not_lenalidomide_refractory),
      cmocka_unit_test(test_evaluate__first_relapse_unknown_refractoriness),
      cmocka_unit_test(test_evaluate__first_relapse_bpd_needs_lenalidomide_exposure),
      cmocka_unit_test(test_evaluate__second_relapse_or_later),
      cmocka_unit_test(test_evaluate__on_treatment_lists_no_guideline_regimen),
      cmocka_unit_test(test_evaluate__unknown_setting_names_the_missing_input),
  };
  return cmocka_run_group_tests_name("evaluate", tests, setup, teardown);
}
