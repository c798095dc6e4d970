/* test_screen_verdicts.c: full screening's verdicts (src/evaluate/
 * evaluate_screen.c, what `mmpath screen` prints) are mm_evaluate's, the
 * engine's reference (src/evaluate/evaluate.c), for every option of the real
 * knowledge base: the same options and trials, each with the same status,
 * deciding indication, criteria and their results, note and Italian
 * reimbursement. Records: the evaluation tests' own, and a matrix the test
 * writes (lines of therapy from none to penta-refractory, evaluation dates
 * before and after approvals, data missing, no myeloma diagnosis at all),
 * in the three jurisdictions, with and without --only. A screening that
 * shares one rule between criteria, or skips an option mm_evaluate keeps,
 * or keeps one it skips, fails here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate/evaluate_screen.h"
#include "evaluate/reimbursement.h"
#include "evaluate_records.h"
#include "helpers.h"

mm_kb *kb;

static int setup(void **state) {
  (void)state;
  return test_kb_load(&kb);
}

static int teardown(void **state) {
  (void)state;
  mm_kb_free(kb);
  return 0;
}

static const mm_option_result *find_result(const mm_evaluation *ev, const mm_option *o) {
  const mm_option_result *r = o->kind == MM_OPT_TRIAL ? ev->trials : ev->options;
  size_t n = o->kind == MM_OPT_TRIAL ? ev->n_trials : ev->n_options;
  for (size_t i = 0; i < n; i++)
    if (r[i].opt == o) return &r[i];
  return NULL;
}

/* Compares the two for one record; returns the number of options compared. */
static size_t compare(const char *json, mm_jurisdiction j, const char *const *only) {
  test_run r;
  mm_arena_init(&r.arena, 0);
  mm_diags_init(&r.diags, &r.arena);
  if (mm_patient_read(&r.p, &r.arena, kb, json, strlen(json), "t", &r.diags) != 0) {
    for (const mm_diag *x = r.diags.head; x; x = x->next)
      fprintf(stderr, "  %s: %s\n", x->path ? x->path : "", x->text);
    fail_msg("record not read: %s", json);
  }
  assert_int_equal(mm_facts_derive(&r.f, &r.arena, kb, r.p, true, &r.diags), 0);
  mm_eval_options eo = MM_EVAL_OPTIONS_INIT;
  eo.jurisdiction = j;
  eo.supportive = false;
  eo.only = only;
  assert_int_equal(mm_evaluate(&r.ev, &r.arena, kb, r.f, &eo), 0);
  mm_screen_plan *plan = NULL;
  assert_int_equal(mm_screen_plan_new(&plan, kb, j, only), 0);
  mm_screen_verdicts vs;
  assert_int_equal(mm_screen_evaluate(&vs, &r.arena, plan, r.f), 0);
  const mm_evaluation *ev = r.ev;
  assert_int_equal(vs.no_diagnosis, ev->note.code == MM_NOTE_NO_MYELOMA_DIAGNOSIS);
  assert_int_equal(vs.n, ev->n_options + ev->n_trials);
  for (size_t i = 0; i < vs.n; i++) {
    const mm_screen_verdict *v = &vs.v[i];
    const mm_option_result *o = find_result(ev, v->opt);
    if (!o) fail_msg("%s: screened, not evaluated", v->opt->id);
    if (v->status != o->status)
      fail_msg("%s (%s): status %d, evaluated %d", v->opt->id, r.p->id, v->status, o->status);
    assert_ptr_equal(v->indication, o->indication);
    assert_int_equal(v->note.code, o->note.code);
    assert_int_equal(v->note.jurisdiction, o->note.jurisdiction);
    assert_ptr_equal(v->note.state, o->note.state);
    assert_int_equal(v->n_checks, o->n_criteria);
    for (size_t c = 0; c < v->n_checks; c++) {
      assert_ptr_equal(v->checks[c].crit, o->criteria[c].crit);
      if (v->results[c] != (uint8_t)o->criteria[c].result)
        fail_msg("%s/%s (%s): %d, evaluated %d", v->opt->id, o->criteria[c].crit->id, r.p->id,
                 v->results[c], o->criteria[c].result);
    }
    assert_int_equal(v->reimbursement_shown, mm_reimbursement_shown(o));
    assert_ptr_equal(v->reimbursement, o->reimbursement);
  }
  mm_screen_plan_free(plan);
  test_run_done(&r);
  return vs.n;
}

/* Lines of therapy, from none to five. */
static const char *const lines[] = {
    "",
    "{\"regimen\":\"VRd\",\"start\":\"2025-01-10\"}",
    L_VRD_ASCT_LEN,
    L_VRD_ASCT_NOMAINT,
    TCE_2,
    TCE_3,
    TCE_4,
    TCE_4 "," L_TEC,
    L_VRD_ASCT_NOMAINT "," L_PVD_LATE_PD,
    L_VRD_ASCT_LEN "," L_PVD_NO_OUTCOME,
    "{\"drugs\":[\"lenalidomide\"],\"start\":\"2020-01-01\",\"end\":\"2020-06-01\"}",
};

/* Whole records around the lines: the date decides which indications are
 * granted; the rest leaves facts known or unknown. */
static const char *const as_of[] = {"2012-06-01", "2019-03-01", "2025-08-01", "2026-11-25"};
static const char *const extra[] = {
    "\"birth_date\":\"1956-03-01\",\"sex\":\"female\",\"ecog\":1,\"transplant_eligible\":false,"
    "\"diagnosis\":{\"date\":\"2011-11-01\",\"iss\":2,"
    "\"fish\":{\"del17p\":false,\"t4_14\":false,\"t14_16\":false,\"gain1q\":true}}",
    "\"age\":58,\"transplant_eligible\":true,\"diagnosis\":{\"date\":\"2011-11-01\"}",
    "\"age\":80,\"ecog\":3,\"comorbidities\":[\"ckd\"]",
    "\"age\":66",
};

static void matrix(mm_jurisdiction j, const char *const *only, size_t *records, size_t *options) {
  char json[8192];
  for (size_t l = 0; l < sizeof lines / sizeof *lines; l++)
    for (size_t d = 0; d < sizeof as_of / sizeof *as_of; d++)
      for (size_t e = 0; e < sizeof extra / sizeof *extra; e++) {
        /* lines dated after as_of would be refused: the old dates get none */
        const char *ls = strcmp(as_of[d], "2025-07-01") < 0 && l > 0 ? "" : lines[l];
        snprintf(json, sizeof json,
                 "{\"schema\":\"mmpath/patient@1\",\"id\":\"M-%zu-%zu-%zu\",\"as_of\":\"%s\","
                 "%s,\"lines\":[%s]}",
                 l, d, e, as_of[d], extra[e], ls);
        *options += compare(json, j, only);
        ++*records;
      }
}

static void test_matrix_every_jurisdiction(void **state) {
  (void)state;
  size_t records = 0, options = 0;
  matrix(MM_JURIS_EU, NULL, &records, &options);
  matrix(MM_JURIS_US, NULL, &records, &options);
  matrix(MM_JURIS_IT, NULL, &records, &options);
  /* 11 x 4 x 4 records a jurisdiction, every option of the kb each */
  assert_int_equal(records, 3 * 11 * 4 * 4);
  assert_true(options > records * 20);
}

static void test_matrix_only(void **state) {
  (void)state;
  static const char *const only[] = {"VRd", "KRd", "teclistamab", "daratumumab",
                                     "NCT05257083", "no-such-option", NULL};
  size_t records = 0, options = 0;
  matrix(MM_JURIS_IT, only, &records, &options);
  assert_true(options > 0);
}

static char *read_all(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf - 1, fp);
  fclose(fp);
  buf[n] = '\0';
  return strdup(buf);
}

static void test_files(void **state) {
  (void)state;
  static const char *const files[] = {"evaluate/refractory_dara_kd.json",
                                      "evaluate/two_lines_tce.json"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char *json = read_all(test_data_path(files[i]));
    assert_non_null(json);
    for (int j = 0; j < 3; j++) compare(json, (mm_jurisdiction)j, NULL);
    free(json);
  }
}

/* A record without a myeloma diagnosis gets no option at all, as from
 * mm_evaluate (issue #12). */
static void test_no_diagnosis(void **state) {
  (void)state;
  assert_int_equal(compare("{\"schema\":\"mmpath/patient@1\",\"id\":\"N-1\",\"as_of\":\"2026-01-01\","
                           "\"age\":60,\"lines\":[]}",
                           MM_JURIS_EU, NULL),
                   0);
}

/* The kb's criteria share far fewer distinct rules (docs: age >= 18 is
 * written for most labels): what makes screening cheaper. */
static void test_rules_shared(void **state) {
  (void)state;
  mm_screen_plan *plan = NULL;
  assert_int_equal(mm_screen_plan_new(&plan, kb, MM_JURIS_EU, NULL), 0);
  size_t n_checks;
  mm_screen_plan_checks(plan, &n_checks);
  size_t n_rules = mm_screen_plan_rules(plan);
  printf("screening plan: %zu criteria, %zu distinct rules\n", n_checks, n_rules);
  assert_true(n_rules > 0 && n_rules < n_checks);
  mm_screen_plan_free(plan);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_matrix_every_jurisdiction),
      cmocka_unit_test(test_matrix_only),
      cmocka_unit_test(test_files),
      cmocka_unit_test(test_no_diagnosis),
      cmocka_unit_test(test_rules_shared),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
