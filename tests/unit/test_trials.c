/* test_trials.c: trial matching (kb/trials/<NCT>.yaml, docs/kb-options.md):
 * a trial's status is the AND of its inclusion criteria and of the negation
 * of each exclusion. For a few trials of the deck and of therapy.md section
 * 6, a patient who matches, one excluded by an exclusion criterion (status
 * not_eligible, that criterion false, its rule true), one unknown with the
 * missing input named, and the boundaries the registry text sets. A
 * criterion marked `review:` never excludes. */
#include <stdio.h>
#include <string.h>

#include "evaluate/evaluate.h"
#include "evaluate/render_common.h"
#include "facts/facts.h"
#include "helpers.h"
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

static void evaluate_json(run *r, const char *json) { test_run_evaluate(r, kb, json, MM_JURIS_EU); }

/* Age, ECOG, comorbidities and serum M-protein (g/dL) at as_of 2026-11-25,
 * with these lines. An ECOG or M-protein below 0 is left out of the record. */
static void evaluate_patient(run *r, int age, int ecog, double m_protein, const char *lines) {
  char json[8192], ecog_s[32] = "", labs[160] = "";
  if (ecog >= 0) snprintf(ecog_s, sizeof ecog_s, "\"ecog\":%d,", ecog);
  if (m_protein >= 0)
    snprintf(labs, sizeof labs, "\"labs\":[{\"date\":\"2026-11-20\",\"test\":\"serum_m_protein\","
             "\"value\":%.2f,\"unit\":\"g/dL\"}],", m_protein);
  int n = snprintf(json, sizeof json,
                   "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"age\":%d,\"comorbidities\":[],%s%s"
                   "\"diagnosis\":{\"date\":\"2019-01-15\"},\"lines\":[%s]}", age, ecog_s, labs,
                   lines);
  assert_true(n > 0 && (size_t)n < sizeof json);
  evaluate_json(r, json);
}

static void done(run *r) { test_run_done(r); }

static const mm_option_result *trial(run *r, const char *id) {
  for (size_t i = 0; i < r->ev->n_trials; i++)
    if (strcmp(r->ev->trials[i].opt->id, id) == 0) return &r->ev->trials[i];
  fail_msg("no trial %s in the evaluation", id);
  return NULL;
}

/* Excluded by the exclusion criterion cid: its rule is true, it counts false. */
static void expect_excluded_by(const mm_option_result *o, const char *cid) {
  test_expect_fails(o, cid);
  const mm_criterion_result *c = test_crit(o, cid);
  assert_true(c->exclusion);
  assert_int_equal(c->rule_value, MM_TRUE);
  assert_false(c->crit->has_review);
}

static void expect_unknown_missing(const mm_option_result *o, const char *cid, const char *input) {
  test_expect_status(o, MM_UNKNOWN);
  const mm_criterion_result *c = test_crit(o, cid);
  assert_int_equal(c->result, MM_UNKNOWN);
  for (size_t i = 0; i < c->n_missing; i++)
    if (strcmp(c->missing[i], input) == 0) return;
  fail_msg("%s: criterion %s does not name %s as missing", o->opt->id, cid, input);
}

/* Lines of therapy. */
#define L_VRD_ASCT_LEN                                                                          \
  "{\"regimen\":\"VRd\",\"start\":\"2019-01-10\",\"end\":\"2019-05-01\",\"asct\":\"2019-06-15\"," \
  "\"maintenance\":{\"drugs\":[\"lenalidomide\"],\"start\":\"2019-09-01\",\"end\":\"2021-03-01\"}," \
  "\"best_response\":\"VGPR\",\"progression\":\"2021-03-01\"}"
#define L_VRD_ASCT_NOMAINT                                                                      \
  "{\"regimen\":\"VRd\",\"start\":\"2019-01-10\",\"end\":\"2019-05-01\",\"asct\":\"2019-06-15\"," \
  "\"best_response\":\"VGPR\",\"progression\":\"2021-03-01\"}"
#define L_KD "{\"regimen\":\"Kd\",\"start\":\"2021-04-01\",\"end\":\"2022-09-01\",\"best_response\":\"PR\",\"progression\":\"2022-09-01\"}"
#define L_DKD "{\"regimen\":\"Dara-Kd\",\"start\":\"2021-04-01\",\"end\":\"2022-09-01\",\"best_response\":\"PR\",\"progression\":\"2022-09-01\"}"
#define L_PVD "{\"regimen\":\"PVd\",\"start\":\"2022-10-01\",\"end\":\"2024-03-01\",\"best_response\":\"PR\",\"progression\":\"2024-03-01\"}"
#define L_TEC "{\"drugs\":[\"teclistamab\"],\"start\":\"2024-04-01\",\"end\":\"2025-06-01\",\"best_response\":\"VGPR\",\"progression\":\"2025-06-01\"}"
#define L_SVD "{\"regimen\":\"SVd\",\"start\":\"2025-07-01\",\"end\":\"2026-05-01\",\"best_response\":\"PR\",\"progression\":\"2026-05-01\"}"

/* MajesTEC-3, NCT05083169 (kb/trials/NCT05083169.yaml; registry text and
 * EudraCT 2020-004742-11 E.3; therapy.md section 6): 1-3 prior lines incl. a
 * PI and lenalidomide, lenalidomide-refractory if only 1 line, progression
 * on or after the last, ECOG <= 2, measurable disease; excluded: prior
 * BCMA-directed therapy, anti-CD38-refractory disease. */
static void test_trials__majestec3(void **s) {
  (void)s;
  run r;
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN "," L_KD);
  test_expect_status(trial(&r, "NCT05083169"), MM_TRUE);
  assert_string_equal(trial(&r, "NCT05083169")->opt->name.en, "MajesTEC-3");
  done(&r);
  /* One prior line, lenalidomide-refractory: in. */
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN);
  test_expect_status(trial(&r, "NCT05083169"), MM_TRUE);
  done(&r);
  /* One prior line, not lenalidomide-refractory: out. */
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_NOMAINT);
  test_expect_fails(trial(&r, "NCT05083169"), "one_line_then_len_refractory");
  done(&r);
  /* Progression on Dara-Kd: anti-CD38-refractory, excluded. */
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN "," L_DKD);
  expect_excluded_by(trial(&r, "NCT05083169"), "anti_cd38_refractory");
  done(&r);
  /* Four lines: outside 1-3. */
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN "," L_KD "," L_PVD "," L_SVD);
  test_expect_fails(trial(&r, "NCT05083169"), "prior_lines_1_to_3");
  done(&r);
  /* ECOG 3: out; ECOG not recorded: unknown, asking for it. */
  evaluate_patient(&r, 64, 3, 1.2, L_VRD_ASCT_LEN "," L_KD);
  test_expect_fails(trial(&r, "NCT05083169"), "ecog_le_2");
  done(&r);
  evaluate_patient(&r, 64, -1, 1.2, L_VRD_ASCT_LEN "," L_KD);
  expect_unknown_missing(trial(&r, "NCT05083169"), "ecog_le_2", "ecog");
  done(&r);
  /* No M-protein recorded: measurable disease unknown. */
  evaluate_patient(&r, 64, 1, -1, L_VRD_ASCT_LEN "," L_KD);
  expect_unknown_missing(trial(&r, "NCT05083169"), "measurable_disease", "labs[test=serum_m_protein]");
  done(&r);
  /* Serum M-protein 0.4 g/dL is below the 0.5 g/dL of the registry text. */
  evaluate_patient(&r, 64, 1, 0.4, L_VRD_ASCT_LEN "," L_KD);
  test_expect_status(trial(&r, "NCT05083169"), MM_UNKNOWN); /* urine M-protein and FLC still unknown */
  assert_int_equal(test_crit(trial(&r, "NCT05083169"), "measurable_disease")->result, MM_UNKNOWN);
  done(&r);
}

/* MajesTEC-3 excludes prior BCMA-directed therapy (Tufts listing; therapy.md 6). */
static void test_trials__majestec3_excludes_prior_bcma(void **s) {
  (void)s;
  run r;
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN "," L_KD ",{\"drugs\":[\"belantamab mafodotin\",\"bortezomib\",\"dexamethasone\"],"
                   "\"start\":\"2022-10-01\",\"end\":\"2024-03-01\",\"best_response\":\"PR\",\"progression\":\"2024-03-01\"}");
  expect_excluded_by(trial(&r, "NCT05083169"), "prior_anti_bcma");
  done(&r);
}

/* CARTITUDE-6 / EMagine, NCT05257083 (EBMT 2023 trial-in-progress abstract):
 * newly diagnosed, ASCT in the intended plan, measurable disease; excluded:
 * any prior therapy for myeloma. */
static void test_trials__cartitude6(void **s) {
  (void)s;
  run r;
  evaluate_patient(&r, 58, 0, 2.0, "");
  test_expect_status(trial(&r, "NCT05257083"), MM_TRUE);
  done(&r);
  /* Transplant eligibility not derivable (comorbidities not recorded): unknown. */
  evaluate_json(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"age\":58,\"diagnosis\":{},\"lines\":[],"
                    "\"labs\":[{\"date\":\"2026-11-20\",\"test\":\"serum_m_protein\",\"value\":2.0,\"unit\":\"g/dL\"}]}");
  expect_unknown_missing(trial(&r, "NCT05257083"), "newly_diagnosed_transplant_eligible", "comorbidities");
  done(&r);
  /* A running first line: excluded (prior therapy), and no longer newly diagnosed. */
  evaluate_patient(&r, 58, 0, 2.0, "{\"regimen\":\"Dara-VRd\",\"start\":\"2026-09-01\"}");
  test_expect_fails(trial(&r, "NCT05257083"), "newly_diagnosed_transplant_eligible prior_myeloma_therapy");
  assert_true(test_crit(trial(&r, "NCT05257083"), "prior_myeloma_therapy")->exclusion);
  done(&r);
}

/* CARTITUDE-5, NCT04923893 (registry eligibility text): newly diagnosed,
 * ASCT not planned (age, comorbidity or deferral: review), ECOG 0-1,
 * measurable disease (serum M-protein >= 1.0 g/dL in this registry text). */
static void test_trials__cartitude5(void **s) {
  (void)s;
  run r;
  evaluate_patient(&r, 76, 1, 1.5, "");
  test_expect_status(trial(&r, "NCT04923893"), MM_TRUE);
  done(&r);
  evaluate_patient(&r, 76, 2, 1.5, "");
  test_expect_fails(trial(&r, "NCT04923893"), "ecog_le_1");
  done(&r);
  /* Transplant eligible: ASCT may be deferred, so review, never not_eligible. */
  evaluate_patient(&r, 60, 1, 1.5, "");
  const mm_option_result *o = trial(&r, "NCT04923893");
  test_expect_status(o, MM_UNKNOWN);
  assert_int_equal(test_crit(o, "asct_not_planned")->rule_value, MM_FALSE);
  assert_true(test_crit(o, "asct_not_planned")->crit->has_review);
  done(&r);
}

/* MagnetisMM-5, NCT05020236 (registry 2023-05-23; Pfizer pages): >= 1 prior
 * line incl. lenalidomide and a PI, at most 4 (3 in another version: review);
 * prior BCMA therapy and anti-CD38 refractoriness are review exclusions. */
static void test_trials__magnetismm5(void **s) {
  (void)s;
  run r;
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN);
  test_expect_status(trial(&r, "NCT05020236"), MM_TRUE);
  done(&r);
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN "," L_KD "," L_PVD "," L_TEC "," L_SVD);
  test_expect_fails(trial(&r, "NCT05020236"), "prior_lines_1_to_4");
  done(&r);
  /* Four lines, the last teclistamab: the review criteria (prior_lines_le_3,
   * prior_anti_bcma) are false by rule but the trial is unknown. */
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN "," L_KD "," L_PVD "," L_TEC);
  const mm_option_result *o = trial(&r, "NCT05020236");
  test_expect_status(o, MM_UNKNOWN);
  assert_int_equal(test_crit(o, "prior_anti_bcma")->rule_value, MM_TRUE);
  assert_int_equal(test_crit(o, "prior_anti_bcma")->result, MM_UNKNOWN);
  assert_int_equal(test_crit(o, "prior_lines_le_3")->result, MM_UNKNOWN);
  done(&r);
}

/* iMMagine-3, NCT06413498 (Kite/Arcellx announcement): 1-3 prior lines incl.
 * an IMiD and an anti-CD38 antibody. */
static void test_trials__immagine3(void **s) {
  (void)s;
  run r;
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN "," L_DKD);
  test_expect_status(trial(&r, "NCT06413498"), MM_TRUE);
  done(&r);
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN "," L_KD);
  test_expect_fails(trial(&r, "NCT06413498"), "exposed_imid_and_anti_cd38");
  done(&r);
  evaluate_json(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[" L_VRD_ASCT_LEN "," L_DKD "]}");
  expect_unknown_missing(trial(&r, "NCT06413498"), "age_ge_18", "birth_date");
  done(&r);
}

/* MonumenTAL-3, NCT05455320: prior pomalidomide excludes (registry text). */
static void test_trials__monumental3_excludes_prior_pomalidomide(void **s) {
  (void)s;
  run r;
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN "," L_KD);
  test_expect_status(trial(&r, "NCT05455320"), MM_TRUE);
  done(&r);
  evaluate_patient(&r, 64, 1, 1.2, L_VRD_ASCT_LEN "," L_PVD);
  expect_excluded_by(trial(&r, "NCT05455320"), "prior_pomalidomide");
  done(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_trials__majestec3),
      cmocka_unit_test(test_trials__majestec3_excludes_prior_bcma),
      cmocka_unit_test(test_trials__cartitude6),
      cmocka_unit_test(test_trials__cartitude5),
      cmocka_unit_test(test_trials__magnetismm5),
      cmocka_unit_test(test_trials__immagine3),
      cmocka_unit_test(test_trials__monumental3_excludes_prior_pomalidomide),
  };
  return cmocka_run_group_tests_name("trials", tests, setup, teardown);
}
