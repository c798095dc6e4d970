/* test_api_tree.c: the public API (include/mmpath.h) as a C caller uses it:
 * the evaluation of a demo patient walked as a tree, checked the way a
 * clinician would check it against the labels recorded in the knowledge
 * base; the problems of an invalid record as a list; the renderers of the
 * tree agreeing with the one-call conveniences. Only mmpath.h is used. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "mmpath.h"

static mmpath_kb *kb;

static int setup(void **state) {
  (void)state;
  char *errors = NULL;
  int rc = mmpath_kb_open(&kb, test_kb_dir(), &errors);
  if (rc != MMPATH_OK) fprintf(stderr, "%s", errors ? errors : "kb\n");
  free(errors);
  return rc == MMPATH_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  mmpath_kb_free(kb);
  return 0;
}

static char *demo(const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/demo/patients/%s", MMPATH_SOURCE_DIR, name);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)n + 1);
  assert_non_null(text);
  assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
  text[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return text;
}

static mmpath_evaluation *evaluate(const char *name, mmpath_jurisdiction j) {
  size_t len;
  char *text = demo(name, &len);
  mmpath_options o = MMPATH_OPTIONS_INIT;
  o.jurisdiction = j;
  mmpath_evaluation *ev = NULL;
  mmpath_problems *problems = NULL;
  assert_int_equal(mmpath_evaluation_new(&ev, &problems, kb, text, len, &o), MMPATH_OK);
  assert_null(problems);
  assert_non_null(ev);
  free(text);
  return ev;
}

static const mmpath_option *option(const mmpath_evaluation *ev, const char *id) {
  const mmpath_option *o = mmpath_evaluation_find(ev, id);
  if (!o) fail_msg("no option %s in the evaluation", id);
  return o;
}

static const mmpath_criterion *criterion(const mmpath_option *o, const char *id) {
  for (size_t i = 0; i < mmpath_option_criterion_count(o); i++)
    if (strcmp(mmpath_criterion_id(mmpath_option_criterion(o, i)), id) == 0)
      return mmpath_option_criterion(o, i);
  fail_msg("no criterion %s in %s", id, mmpath_option_id(o));
  return NULL;
}

/* The fact the criterion read, by name: its value. */
static const mmpath_value *observed(const mmpath_criterion *c, const char *fact) {
  for (size_t i = 0; i < mmpath_criterion_observed_count(c); i++)
    if (strcmp(mmpath_criterion_observed_fact(c, i), fact) == 0)
      return mmpath_criterion_observed_value(c, i);
  fail_msg("criterion %s did not read %s", mmpath_criterion_id(c), fact);
  return NULL;
}

static const mmpath_value *fact(const mmpath_evaluation *ev, const char *name) {
  size_t i;
  assert_int_equal(mmpath_evaluation_fact_find(&i, ev, name), 0);
  assert_string_equal(mmpath_evaluation_fact_name(ev, i), name);
  return mmpath_evaluation_fact_value(ev, i);
}

/* demo/patients/01-second-relapse.json: VRd + ASCT + lenalidomide
 * maintenance (progression on it), then Dara-Pd (progression): 2 prior
 * lines, lenalidomide-refractory, progression on the last line. */
static void second_relapse_car_t_and_bispecifics(void **state) {
  (void)state;
  mmpath_evaluation *ev = evaluate("01-second-relapse.json", MMPATH_JURISDICTION_EU);
  assert_string_equal(mmpath_evaluation_patient(ev), "BO-0017");
  assert_string_equal(mmpath_evaluation_as_of(ev), "2026-11-25");
  assert_int_equal(mmpath_evaluation_jurisdiction(ev), MMPATH_JURISDICTION_EU);
  assert_string_equal(mmpath_value_string(fact(ev, "setting")), "second_relapse_or_later");
  assert_int_equal(mmpath_value_type(fact(ev, "prior_lines")), MMPATH_TYPE_NUMBER);
  assert_true(mmpath_value_number(fact(ev, "prior_lines")) == 2);
  size_t i;
  assert_int_equal(mmpath_evaluation_fact_find(&i, ev, "lenalidomide_refractory"), 0);
  assert_non_null(strstr(mmpath_evaluation_fact_reason(ev, i, MMPATH_LANG_EN), "lenalidomide"));
  assert_int_equal(mmpath_evaluation_fact_find(&i, ev, "no_such_fact"), MMPATH_ENOTFOUND);

  /* Cilta-cel, EU label since April 2024 (kb/therapies/cilta-cel.yaml,
   * source: Legend Biotech's CHMP-opinion release quoting the indication):
   * at least 1 prior therapy including an IMiD and a PI, refractory to
   * lenalidomide, progression on the last therapy. All hold. */
  const mmpath_option *cilta = option(ev, "cilta-cel");
  assert_int_equal(mmpath_option_kind(cilta), MMPATH_KIND_THERAPY);
  assert_string_equal(mmpath_option_group(cilta), "car_t");
  assert_int_equal(mmpath_option_verdict(cilta), MMPATH_MET);
  assert_string_equal(mmpath_option_indication(cilta), "eu_one_prior_len_refractory");
  assert_non_null(strstr(mmpath_option_indication_label(cilta), "refractory to lenalidomide"));
  assert_non_null(strstr(mmpath_option_source(cilta), "Legend Biotech"));
  assert_string_equal(mmpath_option_name(cilta, MMPATH_LANG_IT),
                      "ciltacabtagene autoleucel (Carvykti)");
  for (size_t k = 0; k < mmpath_option_criterion_count(cilta); k++) {
    const mmpath_criterion *c = mmpath_option_criterion(cilta, k);
    assert_int_equal(mmpath_criterion_verdict(c), MMPATH_MET);
    assert_int_equal(mmpath_criterion_missing_count(c), 0);
    assert_false(mmpath_criterion_is_exclusion(c));
  }
  const mmpath_criterion *len_ref = criterion(cilta, "lenalidomide_refractory");
  assert_string_equal(mmpath_criterion_rule(len_ref), "refractory(lenalidomide)");
  assert_true(mmpath_value_bool(observed(len_ref, "lenalidomide_refractory")));

  /* Teclistamab, EU SmPC 4.1 (kb/therapies/teclistamab.yaml, verified):
   * at least three prior therapies. Two here: not met, and the criterion
   * says why. */
  const mmpath_option *tec = option(ev, "teclistamab");
  assert_string_equal(mmpath_option_group(tec), "bispecific");
  assert_int_equal(mmpath_option_verdict(tec), MMPATH_NOT_MET);
  const mmpath_criterion *three = criterion(tec, "prior_lines_ge_3");
  assert_int_equal(mmpath_criterion_verdict(three), MMPATH_NOT_MET);
  assert_true(mmpath_value_number(observed(three, "prior_lines")) == 2);
  assert_int_equal(mmpath_criterion_verdict(criterion(tec, "adult")), MMPATH_MET);

  /* Tec-Dara (kb/algorithm.yaml overlay): on-label in the US only, no EC
   * decision found by as_of: that criterion unknown for review, not for
   * missing data. The regimen relies on daratumumab, and the disease
   * progressed on it: not an option at relapse (kb/algorithm.yaml
   * principles, not_refractory_to_regimen). */
  const mmpath_option *tec_dara = option(ev, "Tec-Dara");
  assert_int_equal(mmpath_option_kind(tec_dara), MMPATH_KIND_GUIDELINE);
  assert_int_equal(mmpath_option_verdict(tec_dara), MMPATH_NOT_MET);
  assert_int_equal(mmpath_criterion_verdict(criterion(tec_dara, "not_refractory_to_regimen")),
                   MMPATH_NOT_MET);
  const mmpath_criterion *pending = criterion(tec_dara, "eu_decision_pending");
  assert_int_equal(mmpath_criterion_verdict(pending), MMPATH_UNKNOWN);
  assert_non_null(strstr(mmpath_criterion_review(pending, MMPATH_LANG_EN), "EU"));
  assert_int_equal(mmpath_criterion_missing_count(pending), 0);
  /* the caution beside it: daratumumab was in the last line */
  assert_int_equal(mmpath_option_refractory_drug_count(tec_dara), 1);
  assert_string_equal(mmpath_option_refractory_drug(tec_dara, 0), "daratumumab");
  assert_null(mmpath_option_refractory_drug(tec_dara, 1));

  /* Trials: MajesTEC-3 excludes anti-CD38-refractory disease (kb/trials),
   * and is no longer recruiting (registry status). */
  const mmpath_option *majestec3 = option(ev, "NCT05083169");
  assert_int_equal(mmpath_option_kind(majestec3), MMPATH_KIND_TRIAL);
  assert_int_equal(mmpath_option_verdict(majestec3), MMPATH_NOT_MET);
  assert_int_equal(mmpath_option_enrolling(majestec3), MMPATH_NOT_MET);
  assert_string_equal(mmpath_option_trial_status(majestec3), "active_not_recruiting");
  bool excluded = false;
  for (size_t k = 0; k < mmpath_option_criterion_count(majestec3); k++) {
    const mmpath_criterion *c = mmpath_option_criterion(majestec3, k);
    excluded |= mmpath_criterion_is_exclusion(c) && mmpath_criterion_verdict(c) == MMPATH_NOT_MET;
  }
  assert_true(excluded);
  assert_int_equal(mmpath_option_enrolling(option(ev, "NCT05020236")), MMPATH_MET);
  assert_int_equal(mmpath_option_enrolling(cilta), MMPATH_UNKNOWN);
  assert_null(mmpath_option_trial_status(cilta));
  size_t n_trials = mmpath_evaluation_trial_count(ev);
  assert_true(n_trials > 0);
  assert_null(mmpath_evaluation_trial(ev, n_trials));

  /* Supportive care: IVIG while IgG < 400 mg/dL (Raje 2023, Blood Cancer J
   * 13:116, Table 4): IgG 350, but this patient has had no CAR-T or
   * bispecific, only eligibility for one, which is not the decision to give
   * it: the item is conditional, never MET (issue #12). */
  const mmpath_supportive *ivig = NULL;
  for (size_t k = 0; k < mmpath_evaluation_supportive_count(ev); k++)
    if (strcmp(mmpath_supportive_id(mmpath_evaluation_supportive(ev, k)), "ivig") == 0)
      ivig = mmpath_evaluation_supportive(ev, k);
  assert_non_null(ivig);
  assert_int_equal(mmpath_supportive_verdict(ivig), MMPATH_UNKNOWN);
  assert_true(mmpath_supportive_condition_count(ivig) >= 1);
  assert_string_equal(mmpath_supportive_condition_fact(ivig, 0), "candidate_car_t");
  assert_string_equal(mmpath_supportive_condition_text(ivig, 0, MMPATH_LANG_EN),
                      "if CAR-T goes ahead");
  assert_null(mmpath_supportive_condition_fact(ivig, mmpath_supportive_condition_count(ivig)));
  bool igg = false;
  for (size_t k = 0; k < mmpath_supportive_observed_count(ivig); k++)
    if (strcmp(mmpath_supportive_observed_fact(ivig, k), "igg") == 0)
      igg = mmpath_value_number(mmpath_supportive_observed_value(ivig, k)) == 350;
  assert_true(igg);
  assert_non_null(strstr(mmpath_supportive_source(ivig), "Raje NS"));
  assert_null(mmpath_evaluation_supportive(ev, mmpath_evaluation_supportive_count(ev)));
  mmpath_evaluation_free(ev);

  /* The US label of cilta-cel decides under US jurisdiction. */
  ev = evaluate("01-second-relapse.json", MMPATH_JURISDICTION_US);
  assert_string_equal(mmpath_option_indication(option(ev, "cilta-cel")),
                      "us_one_prior_len_refractory");
  mmpath_evaluation_free(ev);
}

/* demo/patients/05-incomplete-record.json: the first line has no
 * progression date, so lenalidomide refractoriness cannot be decided; the
 * CAR-T label needs it: unknown, and the missing input is named. */
static void incomplete_record_names_the_missing_input(void **state) {
  (void)state;
  mmpath_evaluation *ev = evaluate("05-incomplete-record.json", MMPATH_JURISDICTION_EU);
  const mmpath_option *cilta = option(ev, "cilta-cel");
  assert_int_equal(mmpath_option_verdict(cilta), MMPATH_UNKNOWN);
  const mmpath_criterion *len_ref = criterion(cilta, "lenalidomide_refractory");
  assert_int_equal(mmpath_criterion_verdict(len_ref), MMPATH_UNKNOWN);
  assert_false(mmpath_value_known(observed(len_ref, "lenalidomide_refractory")));
  assert_int_equal(mmpath_criterion_missing_count(len_ref), 1);
  assert_string_equal(mmpath_criterion_missing(len_ref, 0), "lines[0].progression");
  assert_null(mmpath_criterion_missing(len_ref, 1));
  /* every other criterion of the label holds: only this one is open */
  for (size_t k = 0; k < mmpath_option_criterion_count(cilta); k++) {
    const mmpath_criterion *c = mmpath_option_criterion(cilta, k);
    if (c != len_ref) assert_int_equal(mmpath_criterion_verdict(c), MMPATH_MET);
  }
  /* the fact itself says the same */
  size_t i;
  assert_int_equal(mmpath_evaluation_fact_find(&i, ev, "lenalidomide_refractory"), 0);
  assert_false(mmpath_value_known(mmpath_evaluation_fact_value(ev, i)));
  assert_int_equal(mmpath_evaluation_fact_missing_count(ev, i), 1);
  assert_string_equal(mmpath_evaluation_fact_missing(ev, i, 0), "lines[0].progression");
  mmpath_evaluation_free(ev);
}

/* The example of docs/http-api.md: two problems, each with its path and
 * position; then text that is not JSON at all. */
static void problems_of_an_invalid_record(void **state) {
  (void)state;
  const char *rec = "{\"id\":\"X-2\",\"sex\":\"maybe\",\"lines\":[{\"start\":\"2020-13-01\"}]}";
  mmpath_evaluation *ev = NULL;
  mmpath_problems *problems = NULL;
  assert_int_equal(mmpath_evaluation_new(&ev, &problems, kb, rec, strlen(rec), NULL),
                   MMPATH_EINVALID);
  assert_null(ev);
  assert_non_null(problems);
  assert_int_equal(mmpath_problems_count(problems), 2);
  const mmpath_problem *sex = mmpath_problems_get(problems, 0);
  assert_string_equal(mmpath_problem_path(sex), "sex");
  assert_int_equal(mmpath_problem_line(sex), 1);
  assert_int_equal(mmpath_problem_column(sex), 19);
  assert_non_null(strstr(mmpath_problem_message(sex), "'maybe' is not one of"));
  const mmpath_problem *start = mmpath_problems_get(problems, 1);
  assert_string_equal(mmpath_problem_path(start), "lines[0].start");
  assert_int_equal(mmpath_problem_column(start), 45);
  assert_null(mmpath_problems_get(problems, 2));
  for (size_t i = 0; i < 2; i++) {
    mmpath_problem_code code = mmpath_problem_error_code(mmpath_problems_get(problems, i));
    /* the reader's value checks give the generic code until they are coded */
    assert_true(code == MMPATH_PROBLEM_INVALID || code == MMPATH_PROBLEM_RANGE ||
                code == MMPATH_PROBLEM_TYPE);
    assert_non_null(mmpath_problem_code_name(code));
  }
  char *json = NULL;
  assert_int_equal(mmpath_render_problems(&json, problems, MMPATH_FORMAT_JSON, MMPATH_LANG_EN), 0);
  assert_string_equal(
      json, "{\"errors\":[{\"path\":\"sex\",\"line\":1,\"column\":19,\"message\":\"'maybe' is not "
            "one of: male, female, other\"},{\"path\":\"lines[0].start\",\"line\":1,\"column\":45,"
            "\"message\":\"not a valid date YYYY-MM-DD: '2020-13-01'\"}]}\n");
  /* the convenience gives the same text */
  char *again = NULL;
  assert_int_equal(mmpath_evaluate(&again, kb, rec, strlen(rec), NULL), MMPATH_EINVALID);
  assert_string_equal(again, json);
  free(again);
  free(json);
  mmpath_problems_free(problems);

  const char *broken = "{\"id\":";
  assert_int_equal(mmpath_evaluation_new(&ev, &problems, kb, broken, strlen(broken), NULL),
                   MMPATH_EINVALID);
  assert_int_equal(mmpath_problems_count(problems), 1);
  const mmpath_problem *p = mmpath_problems_get(problems, 0);
  assert_int_equal(mmpath_problem_error_code(p), MMPATH_PROBLEM_SYNTAX);
  assert_string_equal(mmpath_problem_code_name(MMPATH_PROBLEM_SYNTAX), "syntax");
  assert_string_equal(mmpath_problem_path(p), "");
  assert_int_equal(mmpath_problem_line(p), 1);
  assert_int_equal(mmpath_problem_column(p), 7);
  mmpath_problems_free(problems);
  /* the caller may not want them */
  assert_int_equal(mmpath_evaluation_new(&ev, NULL, kb, broken, strlen(broken), NULL),
                   MMPATH_EINVALID);
  assert_null(ev);
}

/* mmpath_evaluate and mmpath_facts are the renderers of the tree. */
static void conveniences_render_the_tree(void **state) {
  (void)state;
  static const char *const patients[] = {"01-second-relapse.json", "02-newly-diagnosed.json",
                                         "05-incomplete-record.json"};
  for (size_t p = 0; p < 3; p++) {
    size_t len;
    char *text = demo(patients[p], &len);
    mmpath_evaluation *ev = evaluate(patients[p], MMPATH_JURISDICTION_EU);
    for (int f = MMPATH_FORMAT_JSON; f <= MMPATH_FORMAT_HTML; f++) {
      for (int l = MMPATH_LANG_EN; l <= MMPATH_LANG_IT; l++) {
        mmpath_options o = MMPATH_OPTIONS_INIT;
        o.format = (mmpath_format)f;
        o.lang = (mmpath_lang)l;
        char *one = NULL, *tree = NULL;
        assert_int_equal(mmpath_evaluate(&one, kb, text, len, &o), MMPATH_OK);
        assert_int_equal(mmpath_render(&tree, ev, o.format, o.lang), MMPATH_OK);
        assert_string_equal(one, tree);
        free(one);
        free(tree);
        assert_int_equal(mmpath_facts(&one, kb, text, len, &o), MMPATH_OK);
        assert_int_equal(mmpath_render_facts(&tree, ev, o.format, o.lang), MMPATH_OK);
        assert_string_equal(one, tree);
        free(one);
        free(tree);
      }
    }
    mmpath_evaluation_free(ev);
    free(text);
  }
}

/* One error convention: 0 or a negative mmpath_status, decided by codes. */
static void errors(void **state) {
  (void)state;
  mmpath_kb *none = NULL;
  char *errs = NULL;
  assert_int_equal(mmpath_kb_open(&none, "/nonexistent/kb", &errs), MMPATH_ENOTFOUND);
  assert_null(none);
  assert_non_null(strstr(errs, "manifest.yaml"));
  free(errs);
  size_t len;
  char *text = demo("01-second-relapse.json", &len);
  mmpath_options old = MMPATH_OPTIONS_INIT;
  old.version = 1; /* lang and jurisdiction were strings then */
  char *out = (char *)"x";
  assert_int_equal(mmpath_evaluate(&out, kb, text, len, &old), MMPATH_ERROR);
  assert_null(out);
  mmpath_evaluation *ev = (mmpath_evaluation *)1;
  assert_int_equal(mmpath_evaluation_new(&ev, NULL, kb, text, len, &old), MMPATH_ERROR);
  assert_null(ev);
  mmpath_options bad = MMPATH_OPTIONS_INIT;
  bad.lang = (mmpath_lang)7;
  assert_int_equal(mmpath_facts(&out, kb, text, len, &bad), MMPATH_ERROR);
  free(text);
  mmpath_evaluation_free(NULL);
  mmpath_problems_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(second_relapse_car_t_and_bispecifics),
      cmocka_unit_test(incomplete_record_names_the_missing_input),
      cmocka_unit_test(problems_of_an_invalid_record),
      cmocka_unit_test(conveniences_render_the_tree),
      cmocka_unit_test(errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
