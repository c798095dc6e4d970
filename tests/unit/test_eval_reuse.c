/* test_eval_reuse.c: what a context reuses between evaluations must give
 * what doing the work again gives (issue #17 item 1, docs/api.md "Many
 * evaluations"): the facts' formatter without stdio writes what snprintf
 * writes (C17 7.21.6.1 for %s, %d, %zu, %%), and the rule memo gives one
 * entry to rules with the same source text and facts, another to a
 * different rule, and no value of an earlier evaluation. */
#include <stdio.h>
#include <string.h>

#include "evaluate/rule_memo.h"
#include "facts/facts_internal.h"
#include "helpers.h"

static void expect_as_snprintf(mm_arena *a, const char *got, const char *want) {
  (void)a;
  assert_non_null(got);
  assert_string_equal(got, want);
}

static void test_facts_printf__same_bytes_as_snprintf(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  char want[1024];
  snprintf(want, sizeof want, "%s.%s", "lines[2]", "progression");
  expect_as_snprintf(&a, mm_facts_printf(&a, "%s.%s", "lines[2]", "progression"), want);
  snprintf(want, sizeof want, "within %d days, %d, %zu lines, 100%%", 60, -2147483647 - 1,
           (size_t)18446744073709551615ULL);
  expect_as_snprintf(&a,
                     mm_facts_printf(&a, "within %d days, %d, %zu lines, 100%%", 60,
                                     -2147483647 - 1, (size_t)18446744073709551615ULL),
                     want);
  /* glibc prints a NULL string as "(null)": the same bytes as before */
  const char *volatile none = NULL; /* hidden from the compiler's checks */
  snprintf(want, sizeof want, "%s.end", none);
  expect_as_snprintf(&a, mm_facts_printf(&a, "%s.end", none), want);
  /* longer than the formatter's stack buffer (256) */
  char big[600];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  snprintf(want, sizeof want, "[%s]", big);
  expect_as_snprintf(&a, mm_facts_printf(&a, "[%s]", big), want);
  /* other conversions go to vsnprintf */
  snprintf(want, sizeof want, "%g months, %s", 1.5, "x");
  expect_as_snprintf(&a, mm_facts_printf(&a, "%g months, %s", 1.5, "x"), want);
  mm_arena_free(&a);
}

/* Two criteria of the kb with the rule "age >= 18" (written in many
 * entries, each compiled on its own) and one with another rule. */
static void find_rules(const mm_kb *kb, const mm_rule **same1, const mm_rule **same2,
                       const mm_rule **other) {
  *same1 = *same2 = *other = NULL;
  for (size_t i = 0; i < kb->n_options; i++) {
    const mm_option *o = &kb->options[i];
    for (size_t k = 0; k < o->n_indications; k++)
      for (size_t c = 0; c < o->indications[k].n_criteria; c++) {
        const mm_rule *r = o->indications[k].criteria[c].rule;
        if (strcmp(mm_rule_source(r), "age >= 18") == 0) {
          if (!*same1) *same1 = r;
          else if (!*same2 && r != *same1) *same2 = r;
        } else if (!*other) {
          *other = r;
        }
      }
  }
}

static void test_rule_memo__same_rule_one_entry_fresh_each_evaluation(void **state) {
  (void)state;
  mm_kb *kb;
  assert_int_equal(test_kb_load(&kb), 0);
  const mm_rule *a, *b, *c;
  find_rules(kb, &a, &b, &c);
  assert_non_null(a);
  assert_non_null(b);
  assert_non_null(c);
  assert_ptr_not_equal(a, b);
  mm_rule_memo *m = mm_rule_memo_new();
  assert_non_null(m);
  mm_rule_memo_begin(m);
  mm_rule_memo_entry *ea = mm_rule_memo_get(m, a);
  assert_non_null(ea);
  assert_ptr_equal(mm_rule_memo_get(m, b), ea);
  assert_ptr_not_equal(mm_rule_memo_get(m, c), ea);
  assert_ptr_equal(mm_rule_memo_get(m, a), ea); /* found again, not added */
  /* a value kept in one evaluation is stale in the next */
  ea->gen = mm_rule_memo_gen(m);
  ea->value = MM_TRUE;
  mm_rule_memo_begin(m);
  assert_int_not_equal(mm_rule_memo_get(m, a)->gen, mm_rule_memo_gen(m));
  mm_rule_memo_free(m);
  mm_kb_free(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_facts_printf__same_bytes_as_snprintf),
      cmocka_unit_test(test_rule_memo__same_rule_one_entry_fresh_each_evaluation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
