/* test_date.c: mm_date_parse (src/util/date.c) reads the years of records
 * (1901-2099) from a table of the months' first days, every other year by
 * Hinnant's days_from_civil: both must give the same day numbers and refuse
 * the same texts. Checked on every text "YYYY-MM-DD" with month 00-13 and
 * day 00-32 of the years 1890-2110 (both sides of both ends of the table),
 * against the proleptic Gregorian calendar's month lengths and against
 * mm_date_from_ymd / mm_date_to_ymd. */
#include <stdio.h>

#include "helpers.h"
#include "util/date.h"

static void table_years_agree_with_the_calendar(void **state) {
  (void)state;
  char s[16];
  for (int y = 1890; y <= 2110; y++) {
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int days[] = {0, 31, 28 + leap, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 0; m <= 13; m++)
      for (int d = 0; d <= 32; d++) {
        snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
        mm_date got;
        bool real = m >= 1 && m <= 12 && d >= 1 && d <= days[m];
        assert_int_equal(mm_date_parse(s, 10, &got), real);
        if (!real) continue;
        assert_int_equal(got, mm_date_from_ymd(y, m, d));
        int yy, mm, dd;
        mm_date_to_ymd(got, &yy, &mm, &dd);
        assert_true(yy == y && mm == m && dd == d);
      }
  }
  mm_date epoch;
  assert_true(mm_date_parse("1970-01-01", 10, &epoch));
  assert_int_equal(epoch, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(table_years_agree_with_the_calendar)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
