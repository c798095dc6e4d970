/* test_render_numbers.c: the JSON renderer writes numbers that are not
 * whole (lab values) without printf when it can (render_common.c); what it
 * writes must be, byte for byte, what printf's "%.10g" writes, as before:
 * checked on every value of up to six decimals in ranges a lab reports
 * (0.0001 to 100, steps of the last decimal), on values near the bounds of
 * the fast path, and on 200,000 pseudo-random doubles of every magnitude. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evaluate/render_common.h"
#include "helpers.h"

static void same_as_printf(double x) {
  char want[64];
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_render_value_json(&b, mm_value_number(x));
  if (x == floor(x) && fabs(x) < 1e15) {
    mm_strbuf_free(&b); /* whole numbers have their own path, unchanged */
    return;
  }
  snprintf(want, sizeof want, "%.10g", x);
  if (strcmp(b.data, want) != 0) fail_msg("%.17g: rendered %s, printf %s", x, b.data, want);
  mm_strbuf_free(&b);
}

static void decimals_as_printf_writes_them(void **state) {
  (void)state;
  for (int k = 1; k <= 6; k++) {
    double step = pow(10, -k);
    for (long i = 1; i <= 100000; i++) {
      same_as_printf((double)i * step);
      same_as_printf((double)i / pow(10, k));
      same_as_printf(-(double)i / pow(10, k));
    }
  }
  const double edges[] = {1e-4, 1.5e-4, 9.9999e-5, 0.00012345, 999999999.5, 1e9 - 0.25,
                          123456789.1, 12345.678901, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 1e-7,
                          4.35, 17.2, 0.81, 57.5, 1.4, 1066.05};
  for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
    same_as_printf(edges[i]);
    same_as_printf(-edges[i]);
  }
  unsigned long long s = 88172645463325252ull; /* xorshift64 */
  for (int i = 0; i < 200000; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    double x = (double)(s >> 11) / 9007199254740992.0 * pow(10, (int)(s % 24) - 12);
    same_as_printf(x);
    same_as_printf(round(x * 1000) / 1000);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(decimals_as_printf_writes_them)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
