/* test_date.c: mm_date_parse (src/util/date.c) reads the years of records
 * (1901-2099) from a table of the months' first days, every other year by
 * Hinnant's days_from_civil: both must give the same day numbers and refuse
 * the same texts. Checked on every text "YYYY-MM-DD" with month 00-13 and
 * day 00-32 of the years 1890-2110 (both sides of both ends of the table),
 * against the proleptic Gregorian calendar's month lengths and against
 * mm_date_from_ymd / mm_date_to_ymd. */
#include <stdio.h>
#include <string.h>

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

/* The parser checks the eight bytes "YYYY-MM-" as one word: every byte
 * (1-255) at every position of a real date is refused unless it is the
 * pattern's digit or dash and the date stays real (ISO 8601 calendar date,
 * extended format). */
static void one_wrong_byte_is_refused(void **state) {
  (void)state;
  const char *base = "2024-02-29";
  for (int pos = 0; pos < 10; pos++)
    for (int c = 1; c < 256; c++) {
      char s[11];
      memcpy(s, base, 11);
      s[pos] = (char)c;
      bool dash = pos == 4 || pos == 7;
      bool ok = dash ? c == '-' : (c >= '0' && c <= '9');
      if (ok) { /* still a real date? */
        int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        const int days[] = {0, 31, 28 + leap, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        ok = y >= 1000 && m >= 1 && m <= 12 && d >= 1 && d <= days[m];
      }
      mm_date got;
      if (mm_date_parse(s, 10, &got) != ok) fail_msg("%s (byte %d at %d)", s, c, pos);
    }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(table_years_agree_with_the_calendar),
                                     cmocka_unit_test(one_wrong_byte_is_refused)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
