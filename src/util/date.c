/* date.c: civil-calendar conversions (Howard Hinnant's days_from_civil). */
#include "util/date.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

/* Day of the year before each month: [leap][month - 1]. */
static const int first_day[2][13] = {
    {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
    {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366}};

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

mm_date mm_date_from_ymd(int y, int m, int d) {
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* Day numbers of 1901-01-01 and 2100-01-01: between them a leap year every
 * four, so the year is one division and the month a look in the table. */
enum { DAY_1901 = -25202, DAY_2100 = 47482 };

void mm_date_to_ymd(mm_date z, int *y, int *m, int *d) {
  if (z >= DAY_1901 && z < DAY_2100) {
    int q = z - DAY_1901;         /* days since 1901-01-01 */
    int yo = (4 * q + 3) / 1461;  /* years since 1901 (1904 the first leap) */
    int doy = q - (365 * yo + yo / 4);
    const int *t = first_day[((yo + 1) & 3) == 0];
    int k = doy / 31; /* a month at most one short of the right one */
    while (doy >= t[k + 1]) k++;
    *y = 1901 + yo;
    *m = k + 1;
    *d = doy - t[k] + 1;
    return;
  }
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

/* The years of every record (1901-2099: a leap year every four) by table:
 * registry screening reads millions of dates. */
static bool from_table(int y, int m, int d, mm_date *out) {
  const int *t = first_day[(y & 3) == 0];
  if (d > t[m] - t[m - 1]) return false;
  /* Jan 1st of y: 365 a year and a leap day every four from 1972 (>> is
   * floor division, before 1970 too) */
  *out = 365 * (y - 1970) + ((y - 1969) >> 2) + t[m - 1] + d - 1;
  return true;
}

bool mm_date_parse(const char *s, size_t n, mm_date *out) {
  if (n != 10) return false;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  /* "YYYY-MM-" as one word: XOR with the pattern leaves each digit's value
   * and 0 for each dash; then one test that every byte is 0-9 (no byte has
   * its high nibble set, even after adding 6) and the dashes 0. */
  uint64_t w;
  memcpy(&w, s, 8);
  uint64_t t = w ^ 0x2D30302D30303030ull;
  if (((t | (t + 0x0606060606060606ull)) & 0xF0F0F0F0F0F0F0F0ull) ||
      (t & 0xFF0000FF00000000ull))
    return false;
  unsigned d0 = (unsigned)(unsigned char)s[8] - '0', d1 = (unsigned)(unsigned char)s[9] - '0';
  if (d0 > 9 || d1 > 9 || (t & 0xFF) == 0) return false;
  int y = (int)((t & 0xFF) * 1000 + ((t >> 8) & 0xFF) * 100 + ((t >> 16) & 0xFF) * 10 +
                ((t >> 24) & 0xFF));
  int m = (int)(((t >> 40) & 0xFF) * 10 + ((t >> 48) & 0xFF)), d = (int)(d0 * 10 + d1);
#else
  unsigned v[10];
  if (s[4] != '-' || s[7] != '-') return false;
  /* Unsigned: a byte below '0' wraps to a large value, so one compare
   * checks each digit. */
  for (int i = 0; i < 10; i++) {
    v[i] = (unsigned)(unsigned char)s[i] - '0';
    if (v[i] > 9 && i != 4 && i != 7) return false;
  }
  if (v[0] == 0) return false;
  int y = (int)(v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3]);
  int m = (int)(v[5] * 10 + v[6]), d = (int)(v[8] * 10 + v[9]);
#endif
  if (m < 1 || m > 12 || d < 1) return false;
  if (y > 1900 && y < 2100) return from_table(y, m, d, out);
  if (d > days_in_month(y, m)) return false;
  *out = mm_date_from_ymd(y, m, d);
  return true;
}

void mm_date_format(mm_date d, char buf[static 11]) {
  int y, m, day;
  mm_date_to_ymd(d, &y, &m, &day);
  /* Every field is range-bound, so the output always fits. */
  buf[0] = (char)('0' + y / 1000 % 10);
  buf[1] = (char)('0' + y / 100 % 10);
  buf[2] = (char)('0' + y / 10 % 10);
  buf[3] = (char)('0' + y % 10);
  buf[4] = '-';
  buf[5] = (char)('0' + m / 10);
  buf[6] = (char)('0' + m % 10);
  buf[7] = '-';
  buf[8] = (char)('0' + day / 10);
  buf[9] = (char)('0' + day % 10);
  buf[10] = '\0';
}

int mm_date_months_between(mm_date a, mm_date b) {
  int ya, ma, da, yb, mb, db;
  mm_date_to_ymd(a, &ya, &ma, &da);
  mm_date_to_ymd(b, &yb, &mb, &db);
  int months = (yb - ya) * 12 + (mb - ma);
  if (db < da) months--;
  return months;
}

int mm_date_years_between(mm_date a, mm_date b) {
  int m = mm_date_months_between(a, b);
  return m >= 0 ? m / 12 : -((-m + 11) / 12);
}

mm_date mm_date_today(void) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  return mm_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
