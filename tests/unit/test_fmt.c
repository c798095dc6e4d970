/* test_fmt.c: util/fmt.c writes, byte for byte, what snprintf writes, and
 * returns what it returns (explanations moved off stdio must not change one
 * byte of an answer): for every conversion it writes itself (%s, %d, %zu,
 * %%, %g, %.Ng, %.0f) on whole numbers, short decimals, values near its
 * bounds, signs, zero and -0, infinities and NaN, 300,000 pseudo-random
 * doubles of every magnitude; on cut outputs (small cap); and on formats it
 * hands to vsnprintf (widths, %x). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "util/fmt.h"

/* The point is to call snprintf with formats from a table, a NULL %s and
 * outputs cut short, as the formatter may be. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat-overflow"

static const char *const formats[] = {"%g", "%.6g", "%.3g", "%.0f", "%.10g", "%.1g", "%.15g", "%.17g"};

static void number_as_printf(double x) {
  for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
    char want[MM_FMT_NUM], got[MM_FMT_NUM];
    int nw = snprintf(want, sizeof want, formats[i], x);
    int ng = mm_format(got, sizeof got, formats[i], x);
    if (nw != ng || strcmp(want, got) != 0)
      fail_msg("%s of %.17g: fmt %s (%d), printf %s (%d)", formats[i], x, got, ng, want, nw);
  }
}

static void numbers_as_printf_writes_them(void **state) {
  (void)state;
  for (int k = 0; k <= 6; k++)
    for (long i = 0; i <= 20000; i++) {
      number_as_printf((double)i / pow(10, k));
      number_as_printf(-(double)i / pow(10, k));
      number_as_printf((double)i * pow(10, k));
    }
  const double edges[] = {0.0, -0.0, 1e-4, 9.9999e-5, 0.00012345, 999999.5, 999999.4, 1e6,
                          1e6 - 1, 123456.7, 1234567, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 1e-7, 2.5,
                          0.5, 1.5, 3.5, 1e15, 1e15 - 1, 1e16, 5.5, 0.8, 38, 99.99999,
                          999.9995, 0.00099995, 1e300, 1e-300, HUGE_VAL, -HUGE_VAL, NAN,
                          2.9999999999999996, 4503599627370495.5};
  for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
    number_as_printf(edges[i]);
    number_as_printf(-edges[i]);
  }
  unsigned long long s = 88172645463325252ull; /* xorshift64 */
  for (int i = 0; i < 100000; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    double x = (double)(s >> 11) / 9007199254740992.0 * pow(10, (int)(s % 30) - 15);
    number_as_printf(x);
    number_as_printf(round(x * 1000) / 1000);
    number_as_printf(round(x));
  }
}

static void texts_as_printf_writes_them(void **state) {
  (void)state;
  char want[64], got[64];
  /* a reason as the scores and the refractoriness write them */
  int nw = snprintf(want, sizeof want, "%s: progression %s within %d days of %zu%% %.6g", "lines[2]",
                    (char *)NULL, -30, (size_t)18446744073709551615ull, 4.1);
  int ng = mm_format(got, sizeof got, "%s: progression %s within %d days of %zu%% %.6g",
                     "lines[2]", (char *)NULL, -30, (size_t)18446744073709551615ull, 4.1);
  assert_int_equal(ng, nw);
  assert_string_equal(got, want);
  /* cut short: the same prefix, the same length returned */
  for (size_t cap = 0; cap < 20; cap++) {
    memset(want, 'x', sizeof want);
    memset(got, 'x', sizeof got);
    nw = snprintf(want, cap, "ISS %s: %.6g mg/L >= %d", "III", 5.5, -2147483647 - 1);
    ng = mm_format(got, cap, "ISS %s: %.6g mg/L >= %d", "III", 5.5, -2147483647 - 1);
    assert_int_equal(ng, nw);
    assert_memory_equal(got, want, sizeof got);
  }
  /* what it does not write itself goes to vsnprintf */
  nw = snprintf(want, sizeof want, "[%5s|%-4d|%04x|%.2f|%ld]", "a", 7, 255u, 2.345, 9L);
  ng = mm_format(got, sizeof got, "[%5s|%-4d|%04x|%.2f|%ld]", "a", 7, 255u, 2.345, 9L);
  assert_int_equal(ng, nw);
  assert_string_equal(got, want);
  /* into a strbuf and an arena, longer than their stack buffers */
  char long_text[700];
  memset(long_text, 'a', sizeof long_text - 1);
  long_text[sizeof long_text - 1] = '\0';
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_strbuf_format(&b, "<%s> %.0f", long_text, 82.0);
  assert_int_equal(b.len, 1 + 699 + 1 + 3);
  assert_string_equal(b.data + 700, "> 82");
  mm_strbuf_free(&b);
  mm_arena a;
  mm_arena_init(&a, 4096);
  char *p = mm_arena_format(&a, "%s.%s", long_text, "end");
  assert_non_null(p);
  assert_int_equal(strlen(p), 703);
  assert_string_equal(p + 699, ".end");
  mm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(numbers_as_printf_writes_them),
                                     cmocka_unit_test(texts_as_printf_writes_them)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
