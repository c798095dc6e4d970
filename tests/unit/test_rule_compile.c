/* test_rule_compile.c: what a knowledge-base author sees when a criterion is
 * wrong (docs/rule-language.md, "Error messages"). Each bad rule gives
 * exactly one diagnostic, at the file, line and column of the offending
 * token (mapped through mm_rule_origin for one-line and block YAML scalars),
 * with the nearest known name or allowed value suggested. Also: the
 * criteria written in the brief and the kb compile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "test_rule_names.h"

typedef struct env {
  mm_arena arena;
  mm_diags diags;
  mm_rule_names names;
} env;

static int setup(void **state) {
  env *e = calloc(1, sizeof *e);
  if (!e) return -1;
  mm_arena_init(&e->arena, 0);
  mm_diags_init(&e->diags, &e->arena);
  e->names = trn_names();
  *state = e;
  return 0;
}

static int teardown(void **state) {
  env *e = *state;
  mm_arena_free(&e->arena);
  free(e);
  return 0;
}

/* Compiles src at origin o (NULL: line 1, column 1 is the first byte) and
 * checks the one diagnostic: "file:line:col: text". */
static void expect_error_at(env *e, const mm_rule_origin *o, const char *src,
                            const char *want) {
  mm_rule *r = (mm_rule *)1;
  size_t before = e->diags.errors;
  int rc = mm_rule_compile(&r, &e->arena, src, &e->names, o, &e->diags);
  if (rc == 0) fail_msg("'%s' compiled; expected: %s", src, want);
  assert_int_equal(rc, -1);
  assert_null(r);
  assert_int_equal(e->diags.errors, before + 1);
  const mm_diag *d = e->diags.tail;
  assert_int_equal(d->level, MM_DIAG_ERROR);
  char got[700];
  snprintf(got, sizeof got, "%s:%d:%d: %s", d->source ? d->source : "-", d->line, d->col,
           d->text);
  if (strcmp(got, want) != 0) fail_msg("'%s':\n got  %s\n want %s", src, got, want);
}

static void expect_error(env *e, const char *src, const char *want) {
  expect_error_at(e, NULL, src, want);
}

static void test_unknown_names_suggest(void **state) {
  env *e = *state;
  expect_error(e, "prior_line >= 3",
               "-:1:1: unknown name 'prior_line'; did you mean 'prior_lines'?");
  expect_error(e, "prior_lines >= 3 and progresion_on_last",
               "-:1:22: unknown name 'progresion_on_last'; did you mean 'progression_on_last'?");
  expect_error(e, "ECOG <= 1", "-:1:1: unknown name 'ECOG'; did you mean 'ecog'?");
  expect_error(e, "haemoglobin < 10", "-:1:1: unknown name 'haemoglobin'");
  /* calls: the resolver's reason, at the argument it is about */
  expect_error(e, "prior_lines >= 3 and exposed(anti-CD83)",
               "-:1:30: no drug or class named 'anti-CD83'");
  expect_error(e, "count_refractory(lenalidomide) >= 1",
               "-:1:18: count_refractory() counts the drugs of a class, and 'lenalidomide' "
               "is a drug");
  expect_error(e, "exposd(PI)", "-:1:1: unknown function 'exposd'");
  expect_error(e, "comorbidity(heart-failur)",
               "-:1:13: no comorbidity named 'heart-failur'");
}

static void test_positions_through_origin(void **state) {
  env *e = *state;
  /* when: "prior_lines >= 3 and ecgo <= 1"   (text starts at line 12, column 11) */
  mm_rule_origin one = {.file = "kb/therapies/teclistamab.yaml", .line = 12, .col = 11};
  expect_error_at(e, &one, "prior_lines >= 3 and ecgo <= 1",
                  "kb/therapies/teclistamab.yaml:12:32: unknown name 'ecgo'; did you mean "
                  "'ecog'?");
  /* when: |
   *   prior_lines >= 3 and
   *     ecgo <= 1               (block scalar at line 20, text indented to column 7) */
  mm_rule_origin block = {.file = "kb/trials/x.yaml", .line = 20, .col = 13, .block = 1,
                          .indent = 7};
  expect_error_at(e, &block, "prior_lines >= 3 and\n  ecgo <= 1\n",
                  "kb/trials/x.yaml:22:9: unknown name 'ecgo'; did you mean 'ecog'?");
  expect_error_at(e, &block, "prior_lines >= 3 and\n",
                  "kb/trials/x.yaml:22:7: expected a value, a name or '(' but found end of "
                  "rule");
}

static void test_types(void **state) {
  env *e = *state;
  expect_error(e, "prior_lines",
               "-:1:1: a criterion needs a condition (true or false), but 'prior_lines' is "
               "a number; compare it, e.g. with '>='");
  expect_error(e, "p and setting",
               "-:1:7: 'and' needs a condition (true or false), but 'setting' is a string");
  expect_error(e, "not 3", "-:1:5: 'not' needs a condition (true or false), but '3' is a number");
  expect_error(e, "'x'", "-:1:1: a criterion needs a condition (true or false), but 'x' is "
                         "a string");
  expect_error(e, "prior_lines >= 'three'",
               "-:1:13: cannot compare 'prior_lines' (a number) with 'three' (a string)");
  expect_error(e, "p = 1", "-:1:3: cannot compare 'p' (a boolean) with '1' (a number)");
  expect_error(e, "setting < 'first_relapse'",
               "-:1:9: strings compare only with '=', '!=' or 'in'; 'setting' is a string");
  expect_error(e, "p < q", "-:1:3: booleans compare only with '=' or '!='; 'p' is boolean");
  expect_error(e, "ecog in [0, 'one']",
               "-:1:13: list item 'one' is a string, but 'ecog' is a number");
  expect_error(e, "p in [1]", "-:1:3: 'in' needs a number or string fact on its left, not 'p' "
                              "(a boolean)");
  expect_error(e, "3 is known",
               "-:1:3: 'is known' needs a fact or a condition; '3' (a number) is always known");
}

static void test_allowed_values(void **state) {
  env *e = *state;
  expect_error(e, "frailty = 'fitt'",
               "-:1:11: 'fitt' is not a value of 'frailty'; did you mean 'fit'?");
  expect_error(e, "'Frail' != frailty",
               "-:1:1: 'Frail' is not a value of 'frailty'; did you mean 'frail'?");
  expect_error(e, "setting in ['first_relapse', 'relapsed']",
               "-:1:30: 'relapsed' is not a value of 'setting' (allowed: "
               "newly_diagnosed_transplant_eligible, newly_diagnosed_transplant_ineligible, "
               "first_relapse, second_relapse_or_later, on_treatment)");
  /* a string fact without allowed values takes any string */
  mm_rule *r;
  assert_int_equal(mm_rule_compile(&r, &e->arena, "s = 'anything'", &e->names, NULL,
                                   &e->diags), 0);
}

static void test_syntax(void **state) {
  env *e = *state;
  expect_error(e, "", "-:1:1: empty rule");
  expect_error(e, "   \n ", "-:2:2: empty rule");
  expect_error(e, "p and", "-:1:6: expected a value, a name or '(' but found end of rule");
  expect_error(e, "(p and q", "-:1:9: expected ')' to close the '(' at column 1 but found end "
                              "of rule");
  expect_error(e, "p q", "-:1:3: expected 'and', 'or' or the end of the rule but found name 'q'");
  expect_error(e, "p && q", "-:1:3: unexpected '&'; write 'and'");
  expect_error(e, "x < 1 < 2", "-:1:7: comparisons do not chain; join them with 'and' (a < b and "
                               "b < c)");
  expect_error(e, "exposed(PI", "-:1:11: expected ')' to close exposed( but found end of rule");
  expect_error(e, "exposed()", "-:1:9: expected a name inside exposed(...) but found ')'");
  expect_error(e, "x not [1]", "-:1:7: expected 'in' after 'not' but found '['");
  expect_error(e, "x in 1", "-:1:6: expected '[' to start the list after 'in' but found number 1");
  expect_error(e, "'a' < s", "-:1:5: strings compare only with '=', '!=' or 'in'; 'a' is a string");
  expect_error(e, "x in []", "-:1:7: empty list after 'in'");
  expect_error(e, "frailty in [fit]", "-:1:13: list items must be numbers or quoted strings; "
                                      "write 'fit' in quotes");
  expect_error(e, "x in [1 2]", "-:1:9: expected ',' or ']' in the list but found number 2");
  expect_error(e, "x is 3", "-:1:6: expected 'known' or 'unknown' after 'is' but found number 3");
  expect_error(e, "p and\n  and q", "-:2:3: expected a value, a name or '(' but found 'and'");
}

static void test_limits(void **state) {
  env *e = *state;
  char *big = malloc(MM_RULE_MAX_SOURCE + 2);
  assert_non_null(big);
  memset(big, ' ', MM_RULE_MAX_SOURCE + 1);
  big[0] = 'p';
  big[MM_RULE_MAX_SOURCE + 1] = '\0';
  expect_error(e, big, "-:1:1: rule too long (65537 bytes; limit is 65536)");
  assert_int_equal(e->diags.tail->code, MM_E_LIMIT);
  big[MM_RULE_MAX_SOURCE] = '\0'; /* exactly the limit is fine */
  mm_rule *r;
  assert_int_equal(mm_rule_compile(&r, &e->arena, big, &e->names, NULL, &e->diags), 0);
  free(big);
}

/* The code of each diagnostic (src/util/diag.h): what callers branch on. */
static void expect_code(env *e, const char *src, mm_diag_code want) {
  mm_rule *r;
  assert_int_equal(mm_rule_compile(&r, &e->arena, src, &e->names, NULL, &e->diags), -1);
  const mm_diag *d = e->diags.tail;
  if (d->code != want)
    fail_msg("'%s': code %s, want %s (%s)", src, mm_diag_code_name(d->code),
             mm_diag_code_name(want), d->text);
}

static void test_codes(void **state) {
  env *e = *state;
  expect_code(e, "prior_line >= 3", MM_E_UNKNOWN_NAME);
  expect_code(e, "haemoglobin < 10", MM_E_UNKNOWN_NAME);
  expect_code(e, "prior_lines >= 3 and exposed(anti-CD83)", MM_E_UNKNOWN_NAME);
  expect_code(e, "exposd(PI)", MM_E_UNKNOWN_NAME);
  expect_code(e, "prior_lines", MM_E_TYPE);
  expect_code(e, "prior_lines >= 'three'", MM_E_TYPE);
  expect_code(e, "frailty = 'fitt'", MM_E_INVALID);
  expect_code(e, "p and", MM_E_SYNTAX);         /* parser */
  expect_code(e, "p && q", MM_E_SYNTAX);        /* lexer */
  expect_code(e, "", MM_E_SYNTAX);
  char deep[2 * MM_RULE_MAX_DEPTH + 8];
  size_t n = 0;
  for (int i = 0; i <= MM_RULE_MAX_DEPTH; i++) deep[n++] = '(';
  deep[n++] = 'p';
  deep[n] = '\0';
  expect_code(e, deep, MM_E_LIMIT);
  expect_code(e, "ecog < 1234567890123456789012345678901234567890123456789012345678901234567890",
              MM_E_LIMIT);
}

/* The criteria of the brief and the kb, as a haematologist writes them. */
static void test_real_criteria_compile(void **state) {
  env *e = *state;
  static const char *const ok[] = {
      "prior_lines >= 3 and exposed(PI) and exposed(IMiD) and exposed(anti-CD38) and "
      "progression_on_last",
      "setting in ['first_relapse', 'second_relapse_or_later'] and not refractory(lenalidomide)",
      "not asct_prior or asct_to_progression_months >= 36",
      "igg < 400 and (candidate_car_t or candidate_bispecific)",
      "count_refractory(PI) >= 2 and count_refractory(IMiD) >= 2 and refractory(anti-CD38)",
      "ecog is known and ecog <= 1",
      "exposed('proteasome inhibitor') and refractory(Revlimid)",
      "comorbidity(heart_failure) = false and frailty != 'frail'",
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    mm_rule *r = NULL;
    if (mm_rule_compile(&r, &e->arena, ok[i], &e->names, NULL, &e->diags) != 0)
      fail_msg("'%s': %s", ok[i], e->diags.tail->text);
    assert_non_null(r);
  }
  assert_int_equal(e->diags.errors, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_unknown_names_suggest, setup, teardown),
      cmocka_unit_test_setup_teardown(test_positions_through_origin, setup, teardown),
      cmocka_unit_test_setup_teardown(test_types, setup, teardown),
      cmocka_unit_test_setup_teardown(test_allowed_values, setup, teardown),
      cmocka_unit_test_setup_teardown(test_syntax, setup, teardown),
      cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
      cmocka_unit_test_setup_teardown(test_codes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_real_criteria_compile, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
