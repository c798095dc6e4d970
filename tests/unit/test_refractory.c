/* test_refractory.c: refractoriness in the choice of regimen (issue #12,
 * item 1). The patient of tests/data/evaluate/refractory_dara_kd.json is 68,
 * at second relapse, progressing on Dara-Kd after VRd + ASCT + lenalidomide
 * maintenance (progression at the end of maintenance): refractory to
 * lenalidomide, daratumumab and carfilzomib (IMWG: progression while on the
 * drug, Rajkumar SV et al. Blood 2011;117:4691), not to bortezomib (last
 * dose 2020-06-15, progression 2023).
 *
 * Expectations and their sources (kb/algorithm.yaml `principles`):
 * - a relapse regimen relying on a drug the patient is refractory to is not
 *   an option: "resistance to major drug classes used in first-line remains
 *   the most critical factor for the choice of treatment at relapse" (How I
 *   treat relapsed multiple myeloma, Blood 2022;139(19):2904); so Dara-Kd,
 *   Dara-Pd fail;
 * - another anti-CD38 antibody after daratumumab-refractoriness fails too
 *   (class cross-refractoriness, kb/vocabulary/classes.yaml anti_cd38:
 *   re-treatment gave "<6 months of clinical benefit", Blood Adv
 *   2023;7(21):6430); so Isa-Kd, Isa-Pd fail;
 * - NOT carfilzomib after bortezomib, NOT pomalidomide after lenalidomide:
 *   "patients who received lenalidomide until progression can switch to a
 *   proteasome inhibitor-based therapy ... pomalidomide-based triplets are
 *   also effective following the development of lenalidomide-refractory
 *   disease" (Hematology Am Soc Hematol Educ Program 2020(1):248); so Elo-Pd
 *   and BPd stay eligible here, and Kd stays eligible at first relapse for a
 *   bortezomib-refractory patient. */
#include <stdio.h>
#include <stdlib.h>
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

static void evaluate_text(run *r, const char *json) { test_run_evaluate(r, kb, json, MM_JURIS_EU); }

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[65536];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

static void evaluate_file(run *r, const char *name) {
  evaluate_text(r, slurp(test_data_path(name)));
}

static void done(run *r) { test_run_done(r); }

/* An option by id and group (algorithm | overlay | car_t ...; NULL: any). */
static const mm_option_result *opt_g(run *r, const char *id, const char *group) {
  for (size_t i = 0; i < r->ev->n_options; i++) {
    const mm_option_result *o = &r->ev->options[i];
    if (strcmp(o->opt->id, id) == 0 && (!group || strcmp(o->opt->group, group) == 0)) return o;
  }
  fail_msg("no option %s%s%s", id, group ? " in group " : "", group ? group : "");
  return NULL;
}

/* ---- the Dara-Kd patient: verdicts of the guideline regimens ---- */

static void darakd_guideline_verdicts(void **state) {
  (void)state;
  run r;
  evaluate_file(&r, "evaluate/refractory_dara_kd.json");
  mm_value s = r.f->values[mm_kb_fact_slot(kb, "setting")];
  assert_true(s.known);
  assert_string_equal(s.str, "second_relapse_or_later");
  /* refractory to what the regimen relies on, or to its class */
  test_expect_status(opt_g(&r, "Dara-Kd", "algorithm"), MM_FALSE);
  test_expect_status(opt_g(&r, "Isa-Kd", "algorithm"), MM_FALSE);
  test_expect_status(opt_g(&r, "Dara-Pd", "algorithm"), MM_FALSE);
  test_expect_status(opt_g(&r, "Isa-Pd", "algorithm"), MM_FALSE);
  /* pomalidomide after lenalidomide is a standard sequence; dexamethasone
   * refractoriness does not count (kb/algorithm.yaml not_counted) */
  test_expect_status(opt_g(&r, "Elo-Pd", "algorithm"), MM_TRUE);
  test_expect_status(opt_g(&r, "BPd", "algorithm"), MM_TRUE);
  test_expect_status(opt_g(&r, "SVd", "algorithm"), MM_TRUE);
  test_expect_status(opt_g(&r, "Sd", "algorithm"), MM_TRUE);
  done(&r);
}

/* The words of a criterion (the principle's from its finding). */
static const char *crit_text(const mm_criterion_result *c, mm_lang lang) {
  static char out[512];
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_render_criterion_text(&b, c, lang);
  snprintf(out, sizeof out, "%s", b.data ? b.data : "");
  mm_strbuf_free(&b);
  return out;
}

static const char *finding_text(const mm_option_result *o, mm_lang lang) {
  static char out[512];
  assert_non_null(o->refractoriness);
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_render_refractoriness(&b, kb, o->refractoriness, lang);
  snprintf(out, sizeof out, "%s", b.data ? b.data : "");
  mm_strbuf_free(&b);
  return out;
}

/* The failing criterion says why, in both languages, naming the drug and
 * the cross-refractory class it counts through (kb/vocabulary/classes.yaml
 * anti_cd38 cross_refractory). */
static void darakd_failing_criterion_text(void **state) {
  (void)state;
  run r;
  evaluate_file(&r, "evaluate/refractory_dara_kd.json");
  const char *both[] = {"Dara-Kd", "Isa-Kd"};
  for (size_t i = 0; i < 2; i++) {
    const mm_option_result *o = opt_g(&r, both[i], "algorithm");
    test_expect_fails(o, "not_refractory_to_regimen");
    const mm_criterion_result *c = test_crit(o, "not_refractory_to_regimen");
    assert_string_equal(crit_text(c, MM_LANG_EN), "refractory to daratumumab (anti-CD38) and carfilzomib");
    assert_string_equal(crit_text(c, MM_LANG_IT), "refrattario a daratumumab (anti-CD38) e carfilzomib");
  }
  assert_string_equal(crit_text(test_crit(opt_g(&r, "Isa-Pd", "algorithm"), "not_refractory_to_regimen"),
                                MM_LANG_EN),
                      "refractory to daratumumab (anti-CD38)");
  /* met: what was checked; dexamethasone is not counted */
  const mm_criterion_result *ok = test_crit(opt_g(&r, "Elo-Pd", "algorithm"), "not_refractory_to_regimen");
  assert_int_equal(ok->result, MM_TRUE);
  assert_string_equal(crit_text(ok, MM_LANG_EN), "not refractory to elotuzumab or pomalidomide");
  assert_string_equal(crit_text(ok, MM_LANG_IT), "non refrattario a elotuzumab o pomalidomide");
  done(&r);
}

/* Label options stay judged on their label (Revlimid, Kyprolis, Darzalex,
 * Sarclisa EU SmPC 4.1: after at least one prior therapy), with the same
 * finding beside the verdict. */
static void darakd_label_options_carry_the_finding(void **state) {
  (void)state;
  run r;
  evaluate_file(&r, "evaluate/refractory_dara_kd.json");
  static const struct {
    const char *id, *en;
  } cases[] = {
      {"lenalidomide-dex", "refractory to lenalidomide"},
      {"carfilzomib-lenalidomide", "refractory to carfilzomib and lenalidomide"},
      {"daratumumab-lenalidomide", "refractory to daratumumab (anti-CD38) and lenalidomide"},
      {"elotuzumab-lenalidomide", "refractory to lenalidomide"},
      {"ixazomib-lenalidomide", "refractory to lenalidomide"},
      {"isatuximab-carfilzomib", "refractory to daratumumab (anti-CD38) and carfilzomib"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const mm_option_result *o = opt_g(&r, cases[i].id, NULL);
    test_expect_status(o, MM_TRUE);
    assert_int_equal(o->refractoriness->refractory, MM_TRUE);
    assert_string_equal(finding_text(o, MM_LANG_EN), cases[i].en);
    assert_int_equal(o->tier, MM_TIER_CAUTION);
    assert_true(mm_refractory_caution(o));
  }
  assert_string_equal(finding_text(opt_g(&r, "lenalidomide-dex", NULL), MM_LANG_IT),
                      "refrattario a lenalidomide");
  /* no finding on what the disease is not refractory to */
  const mm_option_result *pd = opt_g(&r, "pomalidomide-dex", NULL);
  assert_int_equal(pd->refractoriness->refractory, MM_FALSE);
  assert_int_equal(pd->tier, MM_TIER_ALLOWED);
  done(&r);
}

/* The order a clinician reads them (docs/kb-options.md "Order of the
 * options"): recommended guideline regimens, label options, label options
 * with a caution, unknown, not eligible; kb order within a tier. */
static void darakd_options_ordered(void **state) {
  (void)state;
  run r;
  evaluate_file(&r, "evaluate/refractory_dara_kd.json");
  for (size_t i = 1; i < r.ev->n_options; i++)
    assert_true(r.ev->options[i - 1].tier <= r.ev->options[i].tier);
  static const char *const recommended[] = {"Elo-Pd", "SVd", "Sd", "BVd", "BPd"};
  for (size_t i = 0; i < 5; i++) {
    assert_string_equal(r.ev->options[i].opt->id, recommended[i]);
    assert_int_equal(r.ev->options[i].tier, MM_TIER_RECOMMENDED);
  }
  assert_int_equal(r.ev->options[5].tier, MM_TIER_ALLOWED);
  assert_int_equal(opt_g(&r, "Dara-Kd", "algorithm")->tier, MM_TIER_NOT_ELIGIBLE);
  /* the text rendering follows: recommended heading first, Elo-Pd before Dara-Kd */
  mm_strbuf b;
  mm_strbuf_init(&b, 1 << 16);
  mm_render_evaluation_text(&b, r.ev, MM_LANG_EN);
  const char *rec = strstr(b.data, "ELIGIBLE, RECOMMENDED BY THE GUIDELINE (5)");
  const char *caution = strstr(b.data, "ELIGIBLE, WITH A REFRACTORINESS CAUTION");
  const char *elo = strstr(b.data, "\n  Elo-Pd "), *dkd = strstr(b.data, "\n  Dara-Kd ");
  assert_non_null(rec);
  assert_non_null(caution);
  assert_true(rec < elo && elo < caution && caution < dkd);
  assert_non_null(strstr(b.data, "    caution: refractory to lenalidomide\n"));
  mm_strbuf_free(&b);
  /* JSON: the array in that order, tier and rank beside the status */
  mm_strbuf_init(&b, 1 << 18);
  mm_render_evaluation_json(&b, r.ev, MM_LANG_EN);
  assert_non_null(strstr(b.data, "\"id\":\"Elo-Pd\",\"kind\":\"guideline_regimen\",\"name\":"));
  assert_non_null(strstr(b.data, "\"status\":\"eligible\",\"tier\":\"recommended\",\"rank\":1,"));
  assert_non_null(strstr(b.data, "\"refractoriness\":{\"status\":\"refractory\",\"drugs\":[{\"drug\":"
                                 "\"daratumumab\",\"class\":\"anti_cd38\"},{\"drug\":\"carfilzomib\"}],"
                                 "\"text\":\"refractory to daratumumab (anti-CD38) and carfilzomib\"}"));
  /* every criterion keeps its whole text, however long (a trial's) */
  assert_null(strstr(b.data, "\"text\":\"\""));
  assert_non_null(strstr(b.data, "measurable disease (IMWG; trial-specific thresholds not retrieved)"));
  mm_strbuf_free(&b);
  done(&r);
}

/* Refractoriness not known (Dara-Kd ended, its outcome not recorded): the
 * principle's criterion is unknown, naming the missing input, never false. */
static void unknown_refractoriness_names_the_input(void **state) {
  (void)state;
  run r;
  evaluate_text(&r,
                "{\"id\":\"RF-U\",\"as_of\":\"2026-12-07\",\"age\":68,\"comorbidities\":[],\"lines\":["
                "{\"regimen\":\"VRd\",\"start\":\"2020-02-01\",\"end\":\"2020-06-15\",\"asct\":\"2020-07-20\","
                "\"best_response\":\"VGPR\",\"progression\":\"2023-09-10\"},"
                "{\"regimen\":\"Dara-Kd\",\"start\":\"2023-09-25\",\"end\":\"2026-06-01\",\"best_response\":\"VGPR\"}]}");
  const mm_option_result *o = opt_g(&r, "Isa-Kd", "algorithm");
  const mm_criterion_result *c = test_crit(o, "not_refractory_to_regimen");
  assert_int_equal(c->result, MM_UNKNOWN);
  bool named = false;
  for (size_t i = 0; i < c->n_missing; i++) named |= strcmp(c->missing[i], "lines[1].progression") == 0;
  assert_true(named);
  assert_string_equal(crit_text(c, MM_LANG_EN),
                      "not known whether refractory to isatuximab (anti-CD38) or carfilzomib");
  assert_string_equal(crit_text(c, MM_LANG_IT),
                      "non noto se refrattario a isatuximab (anti-CD38) o carfilzomib");
  assert_int_not_equal(o->status, MM_TRUE);
  done(&r);
}

/* Carfilzomib after bortezomib is a standard sequence (Hematology Am Soc
 * Hematol Educ Program 2020(1):248): the PI class is not cross-refractory.
 * VRd given until progression: refractory to bortezomib and lenalidomide. */
static void carfilzomib_after_bortezomib_stays_an_option(void **state) {
  (void)state;
  run r;
  evaluate_text(&r,
                "{\"id\":\"RF-V\",\"as_of\":\"2026-12-07\",\"age\":72,\"comorbidities\":[],\"lines\":["
                "{\"regimen\":\"VRd\",\"start\":\"2024-01-10\",\"best_response\":\"PR\","
                "\"progression\":\"2026-11-01\"}]}");
  assert_string_equal(r.f->values[mm_kb_fact_slot(kb, "setting")].str, "first_relapse");
  test_expect_status(opt_g(&r, "Kd", "algorithm"), MM_TRUE);
  test_expect_status(opt_g(&r, "Dara-Kd", "algorithm"), MM_TRUE);
  const mm_option_result *pvd = opt_g(&r, "PVd", "algorithm");
  test_expect_fails(pvd, "not_refractory_to_regimen");
  assert_string_equal(crit_text(test_crit(pvd, "not_refractory_to_regimen"), MM_LANG_EN),
                      "refractory to bortezomib");
  done(&r);
}

/* Issue #12 item 6: an exclusion reads as one, in every renderer and both
 * languages: what the record says (absent / present / not known), then the
 * mark. MagnetisMM-5 excludes prior BCMA-directed therapy (absent here);
 * MajesTEC-3 excludes anti-CD38-refractory disease (present here). */
static void exclusions_read_as_exclusions(void **state) {
  (void)state;
  run r;
  evaluate_file(&r, "evaluate/refractory_dara_kd.json");
  mm_strbuf b;
  mm_strbuf_init(&b, 1 << 18);
  mm_render_evaluation_html(&b, r.ev, MM_LANG_IT);
  assert_non_null(strstr(b.data, "esclusione: precedente terapia diretta contro BCMA: assente "
                                 "<span class=\"mark true\">&#10004;</span>"));
  assert_non_null(strstr(b.data, ": presente <span class=\"mark false\">&#10008;</span>"));
  mm_strbuf_free(&b);
  mm_strbuf_init(&b, 1 << 18);
  mm_render_evaluation_html(&b, r.ev, MM_LANG_EN);
  assert_non_null(strstr(b.data, "exclusion: prior BCMA-directed therapy: absent "
                                 "<span class=\"mark true\">&#10004;</span>"));
  mm_strbuf_free(&b);
  mm_strbuf_init(&b, 1 << 18);
  mm_render_evaluation_text(&b, r.ev, MM_LANG_EN);
  assert_non_null(strstr(b.data, "      exclusion: disease refractory to an anti-CD38 monoclonal antibody "
                                 "(IMWG); prior exposure alone is allowed: present [ ]"));
  mm_strbuf_free(&b);
  mm_strbuf_init(&b, 1 << 18);
  mm_render_evaluation_text(&b, r.ev, MM_LANG_IT);
  assert_non_null(strstr(b.data, ": presente [ ]"));
  assert_null(strstr(b.data, "[x] esclusione"));
  mm_strbuf_free(&b);
  assert_string_equal(mm_exclusion_word(MM_FALSE, MM_LANG_IT), "assente");
  assert_string_equal(mm_exclusion_word(MM_TRUE, MM_LANG_EN), "present");
  assert_string_equal(mm_exclusion_word(MM_UNKNOWN, MM_LANG_IT), "non noto");
  done(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(darakd_guideline_verdicts),
      cmocka_unit_test(darakd_failing_criterion_text),
      cmocka_unit_test(darakd_label_options_carry_the_finding),
      cmocka_unit_test(darakd_options_ordered),
      cmocka_unit_test(unknown_refractoriness_names_the_input),
      cmocka_unit_test(carfilzomib_after_bortezomib_stays_an_option),
      cmocka_unit_test(exclusions_read_as_exclusions),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
