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

typedef struct run {
  mm_arena arena;
  mm_diags diags;
  mm_patient *p;
  mm_facts *f;
  mm_evaluation *ev;
} run;

static void evaluate_text(run *r, const char *json) {
  mm_arena_init(&r->arena, 0);
  mm_diags_init(&r->diags, &r->arena);
  int rc = mm_patient_read(&r->p, &r->arena, kb, json, strlen(json), "test", &r->diags);
  if (rc == 0) rc = mm_facts_derive(&r->f, &r->arena, kb, r->p, true, &r->diags);
  mm_eval_options o = MM_EVAL_OPTIONS_INIT;
  if (rc == 0) rc = mm_evaluate(&r->ev, &r->arena, kb, r->f, &o);
  for (const mm_diag *x = rc ? r->diags.head : NULL; x; x = x->next)
    fprintf(stderr, "  %s: %s\n", x->path ? x->path : "", x->text);
  assert_int_equal(rc, 0);
}

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

static void done(run *r) { mm_arena_free(&r->arena); }

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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(darakd_guideline_verdicts),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
