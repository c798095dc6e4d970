/* test_line_grouping.c: drug periods into lines of therapy
 * (src/facts/line_grouping.c) on neutral types, no FHIR: the rules the FHIR
 * import relies on (docs/fhir.md), each pinned by a small case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts/line_grouping.h"

#define NONE MM_DATE_NONE
enum { BORT, LEN, DEX, DARA };      /* drug ids: only compared */
enum { TOXICITY, COMPLETED };       /* stop reason ids */

static mm_date D(const char *s) {
  mm_date d;
  assert_true(mm_date_parse(s, 10, &d));
  return d;
}

static mm_grouped_line *group(mm_arena *a, mm_drug_period *p, size_t n, size_t *nl) {
  for (size_t i = 0; i < n; i++) p[i].order = i;
  mm_grouped_line *lines = NULL;
  assert_int_equal(mm_lines_group(&lines, nl, a, p, n, 30), 0);
  return lines;
}

static void test_empty(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_grouped_line *lines = (mm_grouped_line *)1;
  size_t nl = 7;
  assert_int_equal(mm_lines_group(&lines, &nl, &a, NULL, 0, 30), 0);
  assert_null(lines);
  assert_int_equal(nl, 0);
  mm_arena_free(&a);
}

/* Overlapping drugs form one line; a drug that starts after the line ended
 * starts the next; lines come in start order whatever the input order. */
static void test_overlap_and_order(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {
      {DARA, D("2022-03-15"), NONE, 0, -1},
      {BORT, D("2019-07-01"), D("2019-11-15"), 0, -1},
      {DEX, D("2019-07-01"), D("2019-12-01"), 0, -1},
  };
  size_t nl;
  mm_grouped_line *l = group(&a, p, 3, &nl);
  assert_int_equal(nl, 2);
  assert_int_equal(l[0].start, D("2019-07-01"));
  assert_int_equal(l[0].end, D("2019-12-01"));
  assert_int_equal(l[0].n_drugs, 2);
  assert_int_equal(l[1].start, D("2022-03-15"));
  assert_int_equal(l[1].end, NONE);
  assert_int_equal(l[1].n_drugs, 1);
  assert_int_equal(l[1].drugs[0].drug, DARA);
  /* a drug starting on the day the line ends still joins it */
  mm_drug_period q[] = {
      {BORT, D("2020-01-01"), D("2020-03-01"), 0, -1},
      {LEN, D("2020-03-01"), D("2020-09-01"), 0, -1},
  };
  l = group(&a, q, 2, &nl);
  assert_int_equal(nl, 1);
  assert_int_equal(l[0].end, D("2020-09-01"));
  mm_arena_free(&a);
}

/* Same-drug periods at most gap_days apart merge; one day more, they don't
 * (and, with nothing bridging them, make two lines). */
static void test_gap_days(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {
      {LEN, D("2020-01-01"), D("2020-01-31"), 0, -1},
      {LEN, D("2020-03-01"), D("2020-06-30"), 0, COMPLETED}, /* 30 days after */
  };
  size_t nl;
  mm_grouped_line *l = group(&a, p, 2, &nl);
  assert_int_equal(nl, 1);
  assert_int_equal(l[0].n_drugs, 1);
  assert_int_equal(l[0].end, D("2020-06-30"));
  assert_int_equal(l[0].stop, COMPLETED);
  mm_drug_period q[] = {
      {LEN, D("2020-01-01"), D("2020-01-31"), 0, -1},
      {LEN, D("2020-03-02"), D("2020-06-30"), 0, -1}, /* 31 days after */
  };
  l = group(&a, q, 2, &nl);
  assert_int_equal(nl, 2);
  mm_arena_free(&a);
}

/* The same drug twice in one line (bridged by another drug) is one entry
 * with the outer dates. */
static void test_same_drug_twice(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {
      {DEX, D("2021-01-01"), D("2021-12-31"), 0, -1},
      {BORT, D("2021-01-01"), D("2021-02-01"), 0, -1},
      {BORT, D("2021-06-01"), D("2021-09-01"), 0, -1},
  };
  size_t nl;
  mm_grouped_line *l = group(&a, p, 3, &nl);
  assert_int_equal(nl, 1);
  assert_int_equal(l[0].n_drugs, 2);
  for (size_t i = 0; i < l[0].n_drugs; i++)
    if (l[0].drugs[i].drug == BORT) {
      assert_int_equal(l[0].drugs[i].start, D("2021-01-01"));
      assert_int_equal(l[0].drugs[i].end, D("2021-09-01"));
    }
  mm_arena_free(&a);
}

/* A line's stop reason comes from the drugs that end with it, when they
 * agree; a drug stopped earlier does not stop the line; a disagreement is
 * flagged, not resolved. */
static void test_stop_reason(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {
      {BORT, D("2021-01-01"), D("2021-03-01"), 0, TOXICITY},
      {LEN, D("2021-01-01"), D("2021-12-31"), 0, COMPLETED},
      {DEX, D("2021-01-01"), D("2021-12-31"), 0, -1},
  };
  size_t nl;
  mm_grouped_line *l = group(&a, p, 3, &nl);
  assert_int_equal(nl, 1);
  assert_int_equal(l[0].stop, COMPLETED);
  assert_false(l[0].stop_conflict);
  mm_drug_period q[] = {
      {LEN, D("2021-01-01"), D("2021-12-31"), 0, COMPLETED},
      {DEX, D("2021-01-01"), D("2021-12-31"), 0, TOXICITY},
  };
  l = group(&a, q, 2, &nl);
  assert_int_equal(l[0].stop, -1);
  assert_true(l[0].stop_conflict);
  mm_arena_free(&a);
}

/* A progression ends the latest line that started before it, once. */
static void test_progression(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {
      {BORT, D("2019-07-01"), D("2019-11-15"), 0, -1},
      {DARA, D("2022-03-15"), D("2024-01-10"), 0, -1},
  };
  size_t nl, k = 99;
  mm_grouped_line *l = group(&a, p, 2, &nl);
  assert_int_equal(mm_lines_attach_progression(l, nl, D("2019-07-01"), &k),
                   MM_LINES_PROGRESSION_NO_LINE);
  assert_int_equal(k, 99);
  assert_int_equal(mm_lines_attach_progression(l, nl, D("2022-03-01"), &k),
                   MM_LINES_PROGRESSION_SET);
  assert_int_equal(k, 0);
  assert_int_equal(l[0].progression, D("2022-03-01"));
  assert_int_equal(mm_lines_attach_progression(l, nl, D("2022-03-10"), &k),
                   MM_LINES_PROGRESSION_ALREADY);
  assert_int_equal(k, 0);
  assert_int_equal(l[0].progression, D("2022-03-01"));
  assert_int_equal(mm_lines_attach_progression(l, nl, D("2024-01-10"), &k),
                   MM_LINES_PROGRESSION_SET);
  assert_int_equal(k, 1);
  mm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty),           cmocka_unit_test(test_overlap_and_order),
      cmocka_unit_test(test_gap_days),        cmocka_unit_test(test_same_drug_twice),
      cmocka_unit_test(test_stop_reason),     cmocka_unit_test(test_progression),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
