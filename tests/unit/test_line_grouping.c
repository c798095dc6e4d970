/* test_line_grouping.c: lines of therapy by the IMWG definition
 * (src/facts/line_grouping.c) on neutral types, no FHIR. Each case is one
 * rule of Rajkumar SV et al., Blood 2015;126(7):921-922
 * (doi:10.1182/blood-2015-05-647636), quoted where it is pinned. Windows as
 * kb/fhir.yaml line_grouping: gap 30, regimen 28, maintenance 180,
 * conditioning 7, bridging 90 days. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts/line_grouping.h"

#define NONE MM_DATE_NONE
enum { BORT, LEN, DEX, DARA, MEL, POM, CARF, CYC, IDECEL, SEL }; /* drug ids: only compared */
enum { PROGRESSION, TOXICITY, COMPLETED };                        /* stop reason ids */
#define A MM_LG_ACTIVE
#define S MM_LG_STEROID
#define C MM_LG_CELL

static mm_date D(const char *s) {
  mm_date d;
  assert_true(mm_date_parse(s, 10, &d));
  return d;
}

static mm_drug_period P(int drug, const char *start, const char *end, int stop, int role) {
  return (mm_drug_period){drug, D(start), end ? D(end) : NONE, 0, stop, role, false};
}

typedef struct events {
  mm_date prog[8], asct[4], aph[4];
  size_t np, na, nh;
} events;

static mm_grouped_line *group(mm_arena *a, mm_drug_period *p, size_t n, const events *ev,
                              size_t *nl) {
  for (size_t i = 0; i < n; i++) p[i].order = i;
  static const events none = {0};
  if (!ev) ev = &none;
  mm_lines_input in = {p, n, ev->prog, ev->asct, ev->aph, ev->np, ev->na, ev->nh,
                       {PROGRESSION, TOXICITY}, 30, 28, 180, 7, 90};
  mm_grouped_line *lines = NULL;
  int *asct_line;
  assert_int_equal(mm_lines_group(&lines, nl, &asct_line, a, &in), 0);
  return lines;
}

static bool has(const mm_drug_period *d, size_t n, int drug) {
  for (size_t i = 0; i < n; i++)
    if (d[i].drug == drug) return true;
  return false;
}

static void test_empty(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  size_t nl = 7;
  assert_null(group(&a, NULL, 0, NULL, &nl));
  assert_int_equal(nl, 0);
  mm_arena_free(&a);
}

/* "A planned treatment approach of induction therapy followed by ASCT,
 * followed by maintenance is considered one line": D-VRd, melphalan
 * conditioning, ASCT, lenalidomide maintenance; progression on it. The
 * relapse regimen after the progression is the second line. */
static void test_induction_asct_maintenance_one_line(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {
      P(DARA, "2021-01-04", "2021-05-20", -1, A), P(BORT, "2021-01-04", "2021-05-20", -1, A),
      P(LEN, "2021-01-04", "2021-05-20", -1, A),  P(DEX, "2021-01-04", "2021-05-20", -1, S),
      P(MEL, "2021-07-08", "2021-07-08", -1, A),  P(LEN, "2021-10-01", "2024-03-01", -1, A),
      P(CARF, "2024-03-20", NULL, -1, A),         P(DEX, "2024-03-20", NULL, -1, S)};
  events ev = {.prog = {D("2024-03-01")}, .np = 1, .asct = {D("2021-07-10")}, .na = 1};
  size_t nl;
  mm_grouped_line *l = group(&a, p, 8, &ev, &nl);
  assert_int_equal(nl, 2);
  assert_int_equal(l[0].asct, D("2021-07-10"));
  assert_int_equal(l[0].n_maint, 1);
  assert_int_equal(l[0].maint[0].drug, LEN);
  assert_true(has(l[0].drugs, l[0].n_drugs, MEL)); /* conditioning: inside the line */
  assert_int_equal(l[0].why, MM_LG_SURE);
  assert_int_equal(l[1].start, D("2024-03-20"));
  assert_int_equal(l[1].why, MM_LG_SURE);
  size_t k;
  assert_int_equal(mm_lines_attach_progression(l, nl, D("2024-03-01"), &k),
                   MM_LINES_PROGRESSION_SET);
  assert_int_equal(k, 0);
  mm_arena_free(&a);
}

/* Dexamethasone restarting within days between regimens must not chain
 * them (the old 30-day heuristic did): three regimens, each after a
 * progression, are three lines; the steroid is listed in each. */
static void test_steroid_never_bridges(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {
      P(DARA, "2022-01-01", "2022-12-01", -1, A), P(POM, "2022-01-01", "2022-12-01", -1, A),
      P(DEX, "2022-01-01", "2022-12-20", -1, S),  P(CARF, "2022-12-15", "2023-08-01", -1, A),
      P(CYC, "2022-12-15", "2023-08-01", -1, A),  P(DEX, "2022-12-28", "2023-08-10", -1, S),
      P(SEL, "2023-08-15", "2024-02-01", -1, A),  P(DEX, "2023-08-15", "2024-02-01", -1, S)};
  events ev = {.prog = {D("2022-12-01"), D("2023-08-01"), D("2024-02-01")}, .np = 3};
  size_t nl;
  mm_grouped_line *l = group(&a, p, 8, &ev, &nl);
  assert_int_equal(nl, 3);
  for (size_t k = 0; k < nl; k++) {
    assert_true(has(l[k].drugs, l[k].n_drugs, DEX));
    assert_int_equal(l[k].why, MM_LG_SURE);
  }
  assert_int_equal(l[1].start, D("2022-12-15"));
  mm_arena_free(&a);
}

/* "If one or more drugs of a combination are discontinued due to toxicity
 * and the others continue, this is not a new line": bortezomib stopped for
 * neuropathy, Rd going on. A drug added later with nothing recorded is
 * provisional, never a guessed count. */
static void test_toxicity_stop_and_addition(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {P(BORT, "2020-01-01", "2020-03-01", TOXICITY, A),
                        P(LEN, "2020-01-01", "2020-12-01", -1, A),
                        P(DEX, "2020-01-01", "2020-12-01", -1, S)};
  size_t nl;
  mm_grouped_line *l = group(&a, p, 3, NULL, &nl);
  assert_int_equal(nl, 1);
  assert_int_equal(l[0].why, MM_LG_SURE);
  assert_int_equal(l[0].end, D("2020-12-01"));

  mm_drug_period q[] = {P(LEN, "2020-01-01", "2020-12-01", -1, A),
                        P(DARA, "2020-05-01", "2020-12-01", -1, A)};
  l = group(&a, q, 2, NULL, &nl);
  assert_int_equal(nl, 1);
  assert_int_equal(l[0].why, MM_LG_ADDED);
  assert_int_equal(l[0].why_drug, DARA);
  mm_arena_free(&a);
}

/* "A new line starts when a planned course is modified to include other
 * agents as a result of toxicity": bortezomib stopped for toxicity and
 * carfilzomib in its place is a new line, sure; the same switch with no
 * reason recorded is a new line marked provisional. */
static void test_switch(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {P(BORT, "2020-01-01", "2020-04-01", TOXICITY, A),
                        P(LEN, "2020-01-01", "2020-12-01", -1, A),
                        P(CARF, "2020-04-10", "2020-12-01", -1, A)};
  size_t nl;
  mm_grouped_line *l = group(&a, p, 3, NULL, &nl);
  assert_int_equal(nl, 2);
  assert_int_equal(l[1].why, MM_LG_SURE);
  assert_true(has(l[1].drugs, l[1].n_drugs, LEN)); /* continued: part of the new regimen */

  mm_drug_period q[] = {P(BORT, "2020-01-01", "2020-04-01", -1, A),
                        P(LEN, "2020-01-01", "2020-12-01", -1, A),
                        P(CARF, "2020-04-10", "2020-12-01", -1, A)};
  l = group(&a, q, 3, NULL, &nl);
  assert_int_equal(nl, 2);
  assert_int_equal(l[1].why, MM_LG_SWITCH);
  mm_arena_free(&a);
}

/* "A new line also starts when a planned period of observation off therapy
 * is interrupted by a need for treatment": after a progression, sure; with
 * no progression recorded, planned continuation cannot be ruled out. */
static void test_restart_after_pause(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {P(BORT, "2020-01-01", "2020-06-01", COMPLETED, A),
                        P(LEN, "2021-03-01", NULL, -1, A)};
  size_t nl;
  mm_grouped_line *l = group(&a, p, 2, NULL, &nl);
  assert_int_equal(nl, 2);
  assert_int_equal(l[1].why, MM_LG_RESTART);
  /* group() reorders its periods: a fresh copy */
  mm_drug_period p2[] = {P(BORT, "2020-01-01", "2020-06-01", COMPLETED, A),
                         P(LEN, "2021-03-01", NULL, -1, A)};
  events ev = {.prog = {D("2021-02-15")}, .np = 1};
  l = group(&a, p2, 2, &ev, &nl);
  assert_int_equal(nl, 2);
  assert_int_equal(l[1].why, MM_LG_SURE);
  mm_arena_free(&a);
}

/* Bridging therapy between leukapheresis and CAR-T infusion is not a line:
 * one CAR-T line. Without a leukapheresis record the same therapy might be
 * a line of its own: provisional. */
static void test_car_t_bridging(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {P(DARA, "2022-01-01", "2023-01-10", -1, A),
                        P(CARF, "2023-02-01", "2023-03-10", -1, A),
                        P(CYC, "2023-03-20", "2023-03-22", -1, A),
                        P(IDECEL, "2023-03-25", "2023-03-25", -1, C)};
  events ev = {.prog = {D("2023-01-10")}, .np = 1, .aph = {D("2023-01-25")}, .nh = 1};
  size_t nl;
  mm_grouped_line *l = group(&a, p, 4, &ev, &nl);
  assert_int_equal(nl, 2);
  assert_true(l[1].car_t);
  assert_true(has(l[1].drugs, l[1].n_drugs, CARF));
  assert_true(has(l[1].drugs, l[1].n_drugs, IDECEL));
  assert_int_equal(l[1].why, MM_LG_SURE);
  ev.nh = 0;
  l = group(&a, p, 4, &ev, &nl);
  assert_int_equal(nl, 2);
  assert_int_equal(l[1].why, MM_LG_NO_APHERESIS);
  mm_arena_free(&a);
}

/* Therapy long after the ASCT (beyond the maintenance window) with no
 * progression: maintenance or a new line? provisional. A steroid given
 * alone, in no line: provisional too. */
static void test_late_maintenance_and_steroid_alone(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {P(BORT, "2020-01-01", "2020-05-01", -1, A),
                        P(LEN, "2021-03-01", NULL, -1, A)};
  events ev = {.asct = {D("2020-06-15")}, .na = 1};
  size_t nl;
  mm_grouped_line *l = group(&a, p, 2, &ev, &nl);
  assert_int_equal(nl, 1);
  assert_int_equal(l[0].why, MM_LG_LATE_MAINT);

  /* maintenance stopped for progression (a stop reason, no progression
   * Observation), a new regimen after a pause: a new line, sure */
  mm_drug_period m[] = {P(BORT, "2020-01-01", "2020-05-01", -1, A),
                        P(LEN, "2020-08-01", "2022-01-10", PROGRESSION, A),
                        P(CARF, "2022-04-01", NULL, -1, A)};
  l = group(&a, m, 3, &ev, &nl);
  assert_int_equal(nl, 2);
  assert_int_equal(l[0].n_maint, 1);
  assert_int_equal(l[0].why, MM_LG_SURE);
  assert_int_equal(l[1].why, MM_LG_SURE);

  mm_drug_period q[] = {P(BORT, "2020-01-01", "2020-05-01", PROGRESSION, A),
                        P(DEX, "2020-06-01", "2020-06-20", -1, S),
                        P(CARF, "2020-08-01", NULL, -1, A)};
  events e2 = {.prog = {D("2020-05-01")}, .np = 1};
  l = group(&a, q, 3, &e2, &nl);
  assert_int_equal(nl, 2);
  assert_int_equal(l[1].why, MM_LG_STEROID_ALONE);
  mm_arena_free(&a);
}

/* Cycles of one drug at most gap_days apart are one exposure; a line's stop
 * reason is that of the drugs that end it, when they agree. */
static void test_cycles_and_stop_reason(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_drug_period p[] = {P(BORT, "2020-01-01", "2020-01-21", -1, A),
                        P(BORT, "2020-02-10", "2020-03-01", COMPLETED, A),
                        P(LEN, "2020-01-01", "2020-03-01", COMPLETED, A)};
  size_t nl;
  mm_grouped_line *l = group(&a, p, 3, NULL, &nl);
  assert_int_equal(nl, 1);
  assert_int_equal(l[0].n_drugs, 2);
  assert_int_equal(l[0].stop, COMPLETED);
  assert_false(l[0].stop_conflict);
  mm_drug_period q[] = {P(BORT, "2020-01-01", "2020-03-01", COMPLETED, A),
                        P(LEN, "2020-01-01", "2020-03-01", TOXICITY, A)};
  l = group(&a, q, 2, NULL, &nl);
  assert_true(l[0].stop_conflict);
  assert_int_equal(l[0].stop, -1);
  mm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty),
      cmocka_unit_test(test_induction_asct_maintenance_one_line),
      cmocka_unit_test(test_steroid_never_bridges),
      cmocka_unit_test(test_toxicity_stop_and_addition),
      cmocka_unit_test(test_switch),
      cmocka_unit_test(test_restart_after_pause),
      cmocka_unit_test(test_car_t_bridging),
      cmocka_unit_test(test_late_maintenance_and_steroid_alone),
      cmocka_unit_test(test_cycles_and_stop_reason),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
