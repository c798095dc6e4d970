/* evaluate_records.c: the records and result-tree checks shared by
 * test_evaluate.c and test_labels.c (evaluate_records.h). */
#include "evaluate_records.h"

#include <stdio.h>
#include <string.h>

mm_kb *kb;

void evaluate_json(run *r, const char *json, mm_jurisdiction j) {
  test_run_evaluate(r, kb, json, j);
}

/* A record: adult (65 at as_of), no comorbidity, ECOG 1, with these lines. */
void evaluate_lines(run *r, const char *as_of, const char *lines, mm_jurisdiction j) {
  char json[8192];
  int n = snprintf(json, sizeof json,
                   "{\"id\":\"T\",\"as_of\":\"%s\",\"age\":65,\"comorbidities\":[],\"ecog\":1,"
                   "\"lines\":[%s]}", as_of, lines);
  assert_true(n > 0 && (size_t)n < sizeof json);
  evaluate_json(r, json, j);
}

void eu(run *r, const char *lines) { evaluate_lines(r, "2026-11-25", lines, MM_JURIS_EU); }

void done(run *r) { test_run_done(r); }

/* ---- finding things in the result tree ---- */

static const mm_option_result *find_in(const mm_option_result *v, size_t n, const char *id,
                                       const char *group) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i].opt->id, id) == 0 && (!group || strcmp(v[i].opt->group, group) == 0))
      return &v[i];
  return NULL;
}

/* An option (guideline regimen or approved therapy) by id, optionally in a
 * group (algorithm | overlay | car_t ...). Fails the test when absent. */
const mm_option_result *opt_g(run *r, const char *id, const char *group) {
  const mm_option_result *o = find_in(r->ev->options, r->ev->n_options, id, group);
  if (!o) fail_msg("no option %s%s%s in the evaluation", id, group ? " in group " : "", group ? group : "");
  return o;
}
const mm_option_result *opt(run *r, const char *id) { return opt_g(r, id, NULL); }

const mm_option_result *trial(run *r, const char *id) {
  const mm_option_result *o = find_in(r->ev->trials, r->ev->n_trials, id, NULL);
  if (!o) fail_msg("no trial %s in the evaluation", id);
  return o;
}

/* unknown, never not_eligible, and the criterion cid is the unknown one. */
void expect_unknown_on(const mm_option_result *o, const char *cid) {
  test_expect_status(o, MM_UNKNOWN);
  for (size_t i = 0; i < o->n_criteria; i++)
    assert_int_not_equal(o->criteria[i].result, MM_FALSE);
  assert_int_equal(test_crit(o, cid)->result, MM_UNKNOWN);
}

/* The record input named as missing for an unknown criterion. */
bool missing_has(const mm_criterion_result *c, const char *input) {
  for (size_t i = 0; i < c->n_missing; i++)
    if (strcmp(c->missing[i], input) == 0) return true;
  return false;
}

void expect_indication(const mm_option_result *o, const char *ind) {
  assert_non_null(o->indication);
  if (strcmp(o->indication->id, ind) != 0)
    fail_msg("%s decided by indication %s, expected %s", o->opt->id, o->indication->id, ind);
}

