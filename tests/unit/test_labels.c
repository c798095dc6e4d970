/* test_labels.c: each approved therapy's EU label (kb/therapies/<id>.yaml,
 * SmPC 4.1 wording with its EPAR source there) at its boundaries: prior
 * lines 1 vs 2 and 2 vs 3, progression on the last therapy vs more than 60
 * days after it, lenalidomide refractoriness, ASCT-to-progression 35 vs 36
 * months, penta-refractoriness, lenalidomide exposure, prior anti-BCMA
 * therapy, the US labels where they differ, and approval dates against
 * as_of. A missing input gives unknown (never not_eligible) and names the
 * input; a criterion marked `review:` never gives not_eligible
 * (docs/kb-options.md). The deck's algorithm is tested in test_evaluate.c;
 * the records and checks both use are in evaluate_records.{c,h}. */
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

/* ======================= approved therapies (kb/therapies) ======================= */

/* Teclistamab, elranatamab, talquetamab, linvoseltamab (EU SmPC 4.1, therapy.md
 * 4.2): >= 3 prior therapies incl. an IMiD, a PI and an anti-CD38, and
 * progression on the last therapy. 3 lines: eligible; 2 lines: not, on
 * prior_lines_ge_3 only. */
static void test_labels__bispecifics_eu_three_vs_two_prior_lines(void **s) {
  (void)s;
  const char *ids[] = {"teclistamab", "elranatamab", "talquetamab", "linvoseltamab"};
  run r;
  eu(&r, TCE_3);
  for (size_t i = 0; i < 4; i++) {
    const mm_option_result *o = opt(&r, ids[i]);
    test_expect_status(o, MM_TRUE);
    expect_indication(o, "eu_monotherapy");
    assert_string_equal(o->opt->group, "bispecific");
  }
  done(&r);
  eu(&r, TCE_2);
  for (size_t i = 0; i < 4; i++) test_expect_fails(opt(&r, ids[i]), "prior_lines_ge_3");
  done(&r);
}

/* EU "progression on the last therapy" (therapy.md section 0, patient-safety
 * flag): progression 92 days after the last dose of the last line is relapse,
 * not refractoriness, and does not match the CAR-T and bispecific labels.
 * Melflufen's label says "on or after" (Pepaxti SmPC 4.1): still eligible. */
static void test_labels__progression_after_the_last_line_is_not_on_it(void **s) {
  (void)s;
  run r;
  eu(&r, L_VRD_ASCT_LEN "," L_DKD "," L_PVD_LATE_PD);
  const char *ids[] = {"teclistamab", "elranatamab", "talquetamab", "linvoseltamab", "ide-cel"};
  for (size_t i = 0; i < 5; i++) test_expect_fails(opt(&r, ids[i]), "progression_on_last");
  assert_int_equal(test_crit(opt(&r, "melflufen"), "progression_on_or_after_last")->result, MM_TRUE);
  done(&r);
}

/* Ide-cel EU (Abecma SmPC 4.1 since March 2024, therapy.md 4.1): >= 2 prior
 * therapies, triple-class exposed, progression on the last. Triple-class
 * exposure in one line (Dara-VRd + ASCT + lenalidomide) is not enough. */
static void test_labels__ide_cel_eu_two_vs_one_prior_line(void **s) {
  (void)s;
  run r;
  eu(&r, TCE_2);
  test_expect_status(opt(&r, "ide-cel"), MM_TRUE);
  expect_indication(opt(&r, "ide-cel"), "eu_two_prior");
  done(&r);
  eu(&r, "{\"regimen\":\"Dara-VRd\",\"start\":\"2019-01-10\",\"end\":\"2019-05-01\",\"asct\":\"2019-06-15\","
         "\"maintenance\":{\"drugs\":[\"lenalidomide\"],\"start\":\"2019-09-01\",\"end\":\"2021-03-01\"},"
         "\"best_response\":\"VGPR\",\"progression\":\"2021-03-01\"}");
  assert_true(r.f->values[mm_kb_fact_slot(kb, "triple_class_exposed")].b);
  test_expect_fails(opt(&r, "ide-cel"), "prior_lines_ge_2");
  done(&r);
}

/* Cilta-cel EU (Carvykti, EC April 2024, therapy.md 4.1): >= 1 prior therapy
 * incl. an IMiD and a PI, progression on the last, refractory to lenalidomide. */
static void test_labels__cilta_cel_with_and_without_lenalidomide_refractoriness(void **s) {
  (void)s;
  run r;
  eu(&r, L_VRD_ASCT_LEN);
  test_expect_status(opt(&r, "cilta-cel"), MM_TRUE);
  expect_indication(opt(&r, "cilta-cel"), "eu_one_prior_len_refractory");
  done(&r);
  /* Lenalidomide stopped two years before progression; then Kd, progression on it. */
  eu(&r, L_VRD_ASCT_NOMAINT ",{\"regimen\":\"Kd\",\"start\":\"2021-04-01\",\"end\":\"2022-09-01\","
         "\"best_response\":\"PR\",\"progression\":\"2022-09-01\"}");
  test_expect_fails(opt(&r, "cilta-cel"), "lenalidomide_refractory");
  done(&r);
}

/* Talquetamab after anti-BCMA therapy (deck: "also after anti-BCMA"; the EU
 * label, Talvey SmPC 4.1, does not exclude it): 4 lines, the last teclistamab
 * with progression on it. */
static void test_labels__talquetamab_after_anti_bcma(void **s) {
  (void)s;
  run r;
  eu(&r, TCE_3 "," L_TEC);
  assert_true(r.f->values[mm_kb_fact_slot(kb, "anti_bcma_exposed")].b);
  assert_true(r.f->values[mm_kb_fact_slot(kb, "anti_bcma_refractory")].b);
  test_expect_status(opt(&r, "talquetamab"), MM_TRUE);
  /* MajesTEC-3 (kb/trials/NCT05083169.yaml) excludes prior BCMA therapy. */
  assert_int_equal(test_crit(trial(&r, "NCT05083169"), "prior_anti_bcma")->result, MM_FALSE);
  test_expect_status(trial(&r, "NCT05083169"), MM_FALSE);
  done(&r);
}

/* Melflufen EU (Pepaxti SmPC 4.1, 2022 wording, therapy.md 4.3): with a prior
 * ASCT, time to progression at least 3 years from it. ASCT 2019-06-15:
 * progression 2022-06-14 is 35 whole months, 2022-06-15 is 36. */
static void melflufen_record(run *r, const char *first_progression) {
  char lines[2048];
  snprintf(lines, sizeof lines,
           "{\"regimen\":\"VRd\",\"start\":\"2019-01-10\",\"end\":\"2019-05-01\",\"asct\":\"2019-06-15\","
           "\"maintenance\":{\"drugs\":[\"lenalidomide\"],\"start\":\"2019-09-01\",\"end\":\"%s\"},"
           "\"best_response\":\"CR\",\"progression\":\"%s\"},"
           "{\"regimen\":\"Dara-Kd\",\"start\":\"2022-07-01\",\"end\":\"2023-09-01\",\"best_response\":\"PR\",\"progression\":\"2023-09-01\"},"
           "{\"regimen\":\"PVd\",\"start\":\"2023-10-01\",\"end\":\"2024-06-01\",\"best_response\":\"PR\",\"progression\":\"2024-06-01\"}",
           first_progression, first_progression);
  eu(r, lines);
}

static void test_labels__melflufen_asct_to_progression_35_vs_36_months(void **s) {
  (void)s;
  run r;
  melflufen_record(&r, "2022-06-15");
  assert_int_equal((int)r.f->values[mm_kb_fact_slot(kb, "asct_to_progression_months")].num, 36);
  test_expect_status(opt(&r, "melflufen"), MM_TRUE);
  expect_indication(opt(&r, "melflufen"), "eu_2022");
  done(&r);
  melflufen_record(&r, "2022-06-14");
  assert_int_equal((int)r.f->values[mm_kb_fact_slot(kb, "asct_to_progression_months")].num, 35);
  test_expect_fails(opt(&r, "melflufen"), "ttp_after_asct_ge_36_months");
  done(&r);
}

/* Melflufen with two ASCTs: the label does not say which transplant the 3
 * years count from (therapy.md 4.3 ambiguity); the `review:` criterion
 * single_asct is false, but the option is unknown, never not_eligible. */
static void test_labels__review_criterion_never_gives_not_eligible(void **s) {
  (void)s;
  run r;
  eu(&r, "{\"regimen\":\"VRd\",\"start\":\"2019-01-10\",\"end\":\"2019-05-01\",\"asct\":\"2019-06-15\","
         "\"best_response\":\"CR\",\"progression\":\"2021-03-01\"},"
         "{\"regimen\":\"Dara-Kd\",\"start\":\"2021-04-01\",\"end\":\"2021-10-01\",\"asct\":\"2021-11-15\","
         "\"maintenance\":{\"drugs\":[\"daratumumab\"],\"start\":\"2022-01-10\",\"end\":\"2022-09-01\"},"
         "\"best_response\":\"PR\",\"progression\":\"2022-09-01\"},"
         "{\"regimen\":\"PVd\",\"start\":\"2022-10-01\",\"end\":\"2024-03-01\",\"best_response\":\"SD\",\"progression\":\"2024-03-01\"},"
         "{\"regimen\":\"Rd\",\"start\":\"2024-04-01\",\"end\":\"2025-01-01\",\"best_response\":\"SD\",\"progression\":\"2025-01-01\"}");
  assert_int_equal((int)r.f->values[mm_kb_fact_slot(kb, "asct_count")].num, 2);
  const mm_option_result *o = opt(&r, "melflufen");
  const mm_criterion_result *c = test_crit(o, "single_asct");
  assert_true(c->crit->has_review);
  assert_int_equal(c->rule_value, MM_FALSE);
  assert_int_equal(c->result, MM_UNKNOWN);
  expect_unknown_on(o, "single_asct");
  done(&r);
}

/* Selinexor-dexamethasone EU (Nexpovio SmPC 4.1, therapy.md 4.3): >= 4 prior
 * therapies, refractory to 2 PIs, 2 IMiDs and an anti-CD38, progression on
 * the last: penta-refractory vs refractory to carfilzomib only among PIs. */
static void test_labels__selinexor_dex_penta_refractory_vs_not(void **s) {
  (void)s;
  run r;
  eu(&r, TCE_4);
  assert_true(r.f->values[mm_kb_fact_slot(kb, "penta_refractory")].b);
  test_expect_status(opt(&r, "selinexor-dex"), MM_TRUE);
  expect_indication(opt(&r, "selinexor-dex"), "eu_sd");
  done(&r);
  /* Isa-Pd instead of PVd as third line: bortezomib never refractory. */
  eu(&r, L_VRD_ASCT_LEN "," L_DKD ",{\"regimen\":\"Isa-Pd\",\"start\":\"2022-10-01\",\"end\":\"2024-03-01\","
         "\"best_response\":\"PR\",\"progression\":\"2024-03-01\"}," L_PCD);
  assert_false(r.f->values[mm_kb_fact_slot(kb, "penta_refractory")].b);
  test_expect_fails(opt(&r, "selinexor-dex"), "two_pi_refractory");
  done(&r);
  /* Penta-refractory after 3 lines: not yet. */
  eu(&r, TCE_3);
  test_expect_fails(opt(&r, "selinexor-dex"), "prior_lines_ge_4");
  done(&r);
}

/* Selinexor-bortezomib EU (Nexpovio SmPC 4.1): >= 1 prior therapy. */
static void test_labels__selinexor_bortezomib_one_prior_line(void **s) {
  (void)s;
  run r;
  eu(&r, L_VRD_ASCT_LEN);
  test_expect_status(opt(&r, "selinexor-bortezomib"), MM_TRUE);
  done(&r);
  evaluate_json(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"age\":60,\"comorbidities\":[],\"diagnosis\":{\"date\":\"2026-11-02\"},\"lines\":[]}", MM_JURIS_EU);
  test_expect_fails(opt(&r, "selinexor-bortezomib"), "prior_lines_ge_1");
  /* The EU Blenrep indication is for "relapsed or refractory multiple myeloma"
   * (EMA EPAR blenrep-0, CHMP opinion 2025-05-22): without a line there is no
   * relapse either. */
  test_expect_fails(opt(&r, "belantamab"), "relapsed_or_refractory prior_lines_ge_1");
  done(&r);
}

/* The relapse combinations (therapy.md 4.4): >= 1 prior therapy for Kd, KRd,
 * DVd, DKd, DRd, Isa-Kd, ERd, IRd, Rd, PVd (incl. lenalidomide); Isa-Pd,
 * Elo-Pd and Pd need >= 2 prior therapies and progression on the last. */
static void test_labels__relapse_combinations(void **s) {
  (void)s;
  const char *one[] = {"carfilzomib-dex", "carfilzomib-lenalidomide", "daratumumab-bortezomib",
                       "daratumumab-carfilzomib", "daratumumab-lenalidomide", "isatuximab-carfilzomib",
                       "elotuzumab-lenalidomide", "ixazomib-lenalidomide", "lenalidomide-dex",
                       "pomalidomide-bortezomib", "daratumumab-pomalidomide"};
  const char *two[] = {"isatuximab-pomalidomide", "elotuzumab-pomalidomide", "pomalidomide-dex"};
  run r;
  eu(&r, L_VRD_ASCT_LEN);
  for (size_t i = 0; i < sizeof one / sizeof *one; i++) test_expect_status(opt(&r, one[i]), MM_TRUE);
  for (size_t i = 0; i < 3; i++) test_expect_fails(opt(&r, two[i]), "prior_lines_ge_2");
  done(&r);
  eu(&r, TCE_2);
  for (size_t i = 0; i < 3; i++) test_expect_status(opt(&r, two[i]), MM_TRUE);
  done(&r);
  /* PVd (Imnovid SmPC 4.1): the prior regimen must include lenalidomide. */
  eu(&r, "{\"regimen\":\"Dara-VTd\",\"start\":\"2020-01-10\",\"end\":\"2020-05-01\",\"asct\":\"2020-06-15\","
         "\"best_response\":\"CR\",\"progression\":\"2023-01-10\"}");
  test_expect_fails(opt(&r, "pomalidomide-bortezomib"), "lenalidomide_exposed");
  test_expect_fails(opt(&r, "daratumumab-pomalidomide"), "lenalidomide_exposed dpd_limbs");
  done(&r);
}

/* Daratumumab monotherapy EU (Darzalex SmPC 4.1): prior PI and IMiD and
 * progression on the last therapy; bortezomib at relapse (EU SmPC 4.1 of
 * generic bortezomib, therapy.md 4.4): after >= 1 prior therapy, having
 * undergone or being unsuitable for transplant. */
static void test_labels__daratumumab_monotherapy_and_bortezomib_relapse(void **s) {
  (void)s;
  run r;
  eu(&r, L_VRD_ASCT_LEN);
  test_expect_status(opt(&r, "daratumumab"), MM_TRUE);
  test_expect_status(opt(&r, "bortezomib"), MM_TRUE); /* ASCT done */
  done(&r);
  eu(&r, L_VRD_ASCT_LEN "," L_DKD "," L_PVD_LATE_PD);
  test_expect_fails(opt(&r, "daratumumab"), "progression_on_last");
  done(&r);
  /* VRd without ASCT, transplant eligible by the clinician: neither done nor unsuitable. */
  evaluate_json(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"age\":55,\"transplant_eligible\":true,\"lines\":["
                    "{\"regimen\":\"VRd\",\"start\":\"2024-01-10\",\"end\":\"2024-09-01\",\"best_response\":\"VGPR\","
                    "\"progression\":\"2026-01-10\"}]}", MM_JURIS_EU);
  test_expect_fails(opt(&r, "bortezomib"), "asct_done_or_unsuitable");
  done(&r);
}

/* DPd EU (Darzalex SmPC 4.1): one prior therapy with lenalidomide-refractory
 * disease, or >= 2 with progression on or after the last. One line without
 * lenalidomide refractoriness: not eligible. */
static void test_labels__dpd_one_line_needs_lenalidomide_refractoriness(void **s) {
  (void)s;
  run r;
  eu(&r, L_VRD_ASCT_NOMAINT);
  test_expect_fails(opt(&r, "daratumumab-pomalidomide"), "dpd_limbs");
  done(&r);
}

/* US labels (therapy.md 4.2): teclistamab monotherapy needs >= 4 prior lines;
 * since 2026-03-06 Tec-Dara (>= 1 prior line incl. a PI and an IMiD) is also a
 * US indication of the teclistamab option. */
static void test_labels__teclistamab_us_four_prior_lines(void **s) {
  (void)s;
  run r;
  evaluate_lines(&r, "2026-03-05", TCE_3, MM_JURIS_US);
  test_expect_fails(opt(&r, "teclistamab"), "prior_lines_ge_4");
  expect_indication(opt(&r, "teclistamab"), "us_monotherapy");
  test_expect_fails(opt(&r, "elranatamab"), "prior_lines_ge_4");
  test_expect_fails(opt(&r, "talquetamab"), "prior_lines_ge_4");
  test_expect_fails(opt(&r, "linvoseltamab"), "prior_lines_ge_4");
  done(&r);
  evaluate_lines(&r, "2026-03-06", TCE_3, MM_JURIS_US);
  test_expect_status(opt(&r, "teclistamab"), MM_TRUE);
  expect_indication(opt(&r, "teclistamab"), "us_with_daratumumab");
  done(&r);
  evaluate_lines(&r, "2026-03-05", TCE_4, MM_JURIS_US);
  test_expect_status(opt(&r, "teclistamab"), MM_TRUE);
  expect_indication(opt(&r, "teclistamab"), "us_monotherapy");
  test_expect_status(opt(&r, "elranatamab"), MM_TRUE);
  /* Kyprolis US PI: one to three prior lines; the EU label has no upper limit. */
  test_expect_fails(opt(&r, "carfilzomib-dex"), "prior_lines_1_to_3");
  done(&r);
  evaluate_lines(&r, "2026-03-05", TCE_4, MM_JURIS_EU);
  test_expect_status(opt(&r, "carfilzomib-dex"), MM_TRUE);
  done(&r);
}

/* US labels say "relapsed or refractory": progression long after the last
 * line still matches (ide-cel US, >= 2 prior lines), unlike the EU label. */
static void test_labels__us_relapsed_or_refractory_vs_eu_progression_on_last(void **s) {
  (void)s;
  run r;
  evaluate_lines(&r, "2026-11-25", L_VRD_ASCT_LEN "," L_DKD "," L_PVD_LATE_PD, MM_JURIS_US);
  test_expect_status(opt(&r, "ide-cel"), MM_TRUE);
  expect_indication(opt(&r, "ide-cel"), "us_two_prior_lines");
  done(&r);
  /* Belantamab US (FDA 2025-10-23): BVd after >= 2 prior lines; EU after 1. */
  evaluate_lines(&r, "2026-11-25", L_VRD_ASCT_LEN, MM_JURIS_US);
  test_expect_fails(opt(&r, "belantamab"), "prior_lines_ge_2");
  done(&r);
}

/* An indication counts only from its approval date (docs/kb-options.md):
 * linvoseltamab EU 2025-05-31, belantamab EU 2025-07-24 (kb/therapies). */
static void test_labels__indication_approved_after_as_of_does_not_count(void **s) {
  (void)s;
  run r;
  evaluate_lines(&r, "2025-05-30", TCE_3, MM_JURIS_EU);
  const mm_option_result *o = opt(&r, "linvoseltamab");
  test_expect_status(o, MM_FALSE);
  assert_null(o->indication);
  assert_int_equal(o->note.code, MM_NOTE_NO_INDICATION_GRANTED);
  assert_int_equal(o->note.jurisdiction, MM_JURIS_EU);
  test_expect_status(opt(&r, "teclistamab"), MM_TRUE); /* EU 2022 */
  done(&r);
  evaluate_lines(&r, "2025-05-31", TCE_3, MM_JURIS_EU);
  test_expect_status(opt(&r, "linvoseltamab"), MM_TRUE);
  done(&r);
  evaluate_lines(&r, "2025-07-23", L_VRD_ASCT_LEN, MM_JURIS_EU);
  test_expect_status(opt(&r, "belantamab"), MM_FALSE);
  assert_null(opt(&r, "belantamab")->indication);
  done(&r);
  evaluate_lines(&r, "2025-07-24", L_VRD_ASCT_LEN, MM_JURIS_EU);
  test_expect_status(opt(&r, "belantamab"), MM_TRUE);
  done(&r);
}

/* Missing data gives unknown, never not_eligible, and names the input: the
 * last line ended with no outcome (progression on it unknown), and no age. */
static void test_labels__missing_data_gives_unknown_with_the_input(void **s) {
  (void)s;
  run r;
  eu(&r, L_VRD_ASCT_LEN "," L_DKD "," L_PVD_NO_OUTCOME);
  const char *ids[] = {"teclistamab", "elranatamab", "talquetamab", "linvoseltamab", "ide-cel"};
  for (size_t i = 0; i < 5; i++) {
    const mm_option_result *o = opt(&r, ids[i]);
    expect_unknown_on(o, "progression_on_last");
    assert_true(missing_has(test_crit(o, "progression_on_last"), "lines[2].progression"));
  }
  done(&r);
  evaluate_json(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[" TCE_3 "]}", MM_JURIS_EU);
  const mm_option_result *o = opt(&r, "teclistamab");
  expect_unknown_on(o, "adult");
  assert_true(missing_has(test_crit(o, "adult"), "birth_date"));
  done(&r);
}

/* A record with only an id and a diagnosis (its details unknown): no option
 * is not_eligible (unknown everywhere). With no diagnosis at all, see
 * test_state.c: nothing is evaluated. */
static void test_labels__only_an_id_is_never_not_eligible(void **s) {
  (void)s;
  run r;
  evaluate_json(&r, "{\"id\":\"ONLY-ID\",\"as_of\":\"2026-11-25\",\"diagnosis\":{}}", MM_JURIS_EU);
  assert_true(r.ev->n_options > 0);
  for (size_t i = 0; i < r.ev->n_options; i++) test_expect_status(&r.ev->options[i], MM_UNKNOWN);
  for (size_t i = 0; i < r.ev->n_trials; i++) test_expect_status(&r.ev->trials[i], MM_UNKNOWN);
  done(&r);
}

/* The criterion rules are the kb's, read at load time: the teclistamab EU
 * threshold is `prior_lines >= 3` in kb/therapies/teclistamab.yaml. */
static void test_labels__criteria_come_from_the_kb(void **s) {
  (void)s;
  run r;
  eu(&r, TCE_2);
  const mm_criterion_result *c = test_crit(opt(&r, "teclistamab"), "prior_lines_ge_3");
  assert_string_equal(mm_rule_source(c->crit->rule), "prior_lines >= 3");
  assert_non_null(strstr(opt(&r, "teclistamab")->opt->prov.file, "teclistamab.yaml"));
  done(&r);
}

/* kb/therapies/ide-cel.yaml eu_three_prior_2021 and cilta-cel.yaml
 * eu_three_prior_2022 (EC conditional authorisations 2021-08-19 and
 * 2022-05-26, >= 3 prior therapies; therapy.md section 4.1 EU history): a
 * 3-line triple-class-exposed patient progressing on the last line, evaluated
 * on 2024-03-02 (before both 2024 extensions), is eligible under the labels
 * of that day. */
static void test_labels__car_t_labels_as_they_were_in_2023(void **s) {
  (void)s;
  run r;
  evaluate_lines(&r, "2024-03-02", TCE_3, MM_JURIS_EU);
  test_expect_status(opt(&r, "ide-cel"), MM_TRUE);
  assert_string_equal(opt(&r, "ide-cel")->indication->id, "eu_three_prior_2021");
  test_expect_status(opt(&r, "cilta-cel"), MM_TRUE);
  assert_string_equal(opt(&r, "cilta-cel")->indication->id, "eu_three_prior_2022");
  done(&r);
}

/* kb/therapies/melflufen.yaml us_pepaxto_withdrawn: US accelerated approval
 * 2021-02-26, withdrawn 2024-02-23 (therapy.md section 4.3). */
static void test_labels__withdrawn_authorisation_no_longer_counts(void **s) {
  (void)s;
  const char *tcr4 =
      "{\"regimen\":\"VRd\",\"start\":\"2018-01-01\",\"best_response\":\"SD\",\"progression\":\"2018-06-01\"},"
      "{\"regimen\":\"Kd\",\"start\":\"2018-07-01\",\"best_response\":\"SD\",\"progression\":\"2019-01-01\"},"
      "{\"regimen\":\"Dara-Pd\",\"start\":\"2019-02-01\",\"best_response\":\"SD\",\"progression\":\"2020-01-01\"},"
      "{\"regimen\":\"Elo-Pd\",\"start\":\"2020-02-01\",\"best_response\":\"SD\",\"progression\":\"2021-01-01\"}";
  run r;
  evaluate_lines(&r, "2023-06-01", tcr4, MM_JURIS_US);
  test_expect_status(opt(&r, "melflufen"), MM_TRUE);
  done(&r);
  evaluate_lines(&r, "2024-02-23", tcr4, MM_JURIS_US);
  test_expect_status(opt(&r, "melflufen"), MM_FALSE);
  assert_int_equal(opt(&r, "melflufen")->note.code, MM_NOTE_INDICATION_ENDED);
  done(&r);
}

/* A product whose US label the kb does not encode is unknown, not "no". */
static void test_labels__no_indication_encoded_is_unknown(void **s) {
  (void)s;
  run r;
  for (size_t i = 0; i < kb->n_options; i++) {
    const mm_option *o = &kb->options[i];
    if (o->kind != MM_OPT_THERAPY) continue;
    bool us = false;
    for (size_t k = 0; k < o->n_indications; k++) us |= o->indications[k].jurisdiction == MM_JURIS_US;
    if (us) continue;
    evaluate_lines(&r, "2026-11-25", TCE_3, MM_JURIS_US);
    const mm_option_result *res = opt(&r, o->id);
    test_expect_status(res, MM_UNKNOWN);
    assert_int_equal(res->note.code, MM_NOTE_NO_INDICATION_ENCODED);
    assert_int_equal(res->note.jurisdiction, MM_JURIS_US);
    done(&r);
    return;
  }
  skip(); /* every therapy has a US indication */
}

/* A listed regimen is not a recommendation to repeat drugs the patient is
 * refractory to (IMWG definition, kb/definitions.yaml): each option names
 * them. TCE_3 progressed within 60 days of Dara-Kd and of PVd. */
static void test_labels__options_name_drugs_already_refractory(void **s) {
  (void)s;
  run r;
  eu(&r, TCE_3);
  const mm_option_result *o = opt(&r, "Dara-Kd");
  bool dara = false, cfz = false;
  for (size_t i = 0; i < o->n_refractory_drugs; i++) {
    const char *id = kb->drugs[o->refractory_drugs[i]].id;
    dara |= strcmp(id, "daratumumab") == 0;
    cfz |= strcmp(id, "carfilzomib") == 0;
  }
  assert_true(dara);
  assert_true(cfz);
  done(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_labels__bispecifics_eu_three_vs_two_prior_lines),
      cmocka_unit_test(test_labels__progression_after_the_last_line_is_not_on_it),
      cmocka_unit_test(test_labels__ide_cel_eu_two_vs_one_prior_line),
      cmocka_unit_test(test_labels__cilta_cel_with_and_without_lenalidomide_refractoriness),
      cmocka_unit_test(test_labels__talquetamab_after_anti_bcma),
      cmocka_unit_test(test_labels__melflufen_asct_to_progression_35_vs_36_months),
      cmocka_unit_test(test_labels__review_criterion_never_gives_not_eligible),
      cmocka_unit_test(test_labels__selinexor_dex_penta_refractory_vs_not),
      cmocka_unit_test(test_labels__selinexor_bortezomib_one_prior_line),
      cmocka_unit_test(test_labels__relapse_combinations),
      cmocka_unit_test(test_labels__daratumumab_monotherapy_and_bortezomib_relapse),
      cmocka_unit_test(test_labels__dpd_one_line_needs_lenalidomide_refractoriness),
      cmocka_unit_test(test_labels__teclistamab_us_four_prior_lines),
      cmocka_unit_test(test_labels__us_relapsed_or_refractory_vs_eu_progression_on_last),
      cmocka_unit_test(test_labels__indication_approved_after_as_of_does_not_count),
      cmocka_unit_test(test_labels__missing_data_gives_unknown_with_the_input),
      cmocka_unit_test(test_labels__only_an_id_is_never_not_eligible),
      cmocka_unit_test(test_labels__criteria_come_from_the_kb),
      cmocka_unit_test(test_labels__car_t_labels_as_they_were_in_2023),
      cmocka_unit_test(test_labels__withdrawn_authorisation_no_longer_counts),
      cmocka_unit_test(test_labels__no_indication_encoded_is_unknown),
      cmocka_unit_test(test_labels__options_name_drugs_already_refractory),
  };
  return cmocka_run_group_tests_name("labels", tests, setup, teardown);
}
