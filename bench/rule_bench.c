/* rule_bench.c: how fast the rule VM evaluates a typical criterion, with and
 * without the trace (registry screening runs millions of evaluations). It
 * compiles one 6-term label criterion against a small resolver of its own
 * and times mm_rule_eval over a few fact vectors (all true: every term is
 * read; one unknown; first term false: the 'and' stops at once).
 *
 * Build and run (from the repository root):
 *   cd src && gcc -std=c17 -O2 -D_POSIX_C_SOURCE=200809L -I. ../bench/rule_bench.c \
 *       rule/rule_lex.c rule/rule_parse.c rule/rule_compile.c rule/rule_eval.c \
 *       rule/rule_dump.c rule/rule_describe.c util/arena.c util/strbuf.c util/diag.c \
 *       -o /tmp/rule_bench && /tmp/rule_bench [iterations]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rule/rule.h"

static const struct {
  const char *name;
  mm_type type;
} facts_def[] = {
    {"prior_lines", MM_TYPE_NUMBER},      {"exposed(PI)", MM_TYPE_BOOL},
    {"exposed(IMiD)", MM_TYPE_BOOL},      {"exposed(anti-CD38)", MM_TYPE_BOOL},
    {"progression_on_last", MM_TYPE_BOOL}, {"ecog", MM_TYPE_NUMBER},
};
#define NFACTS (sizeof facts_def / sizeof facts_def[0])

static int lookup(const char *key, mm_rule_name_info *out) {
  for (size_t i = 0; i < NFACTS; i++)
    if (strcmp(facts_def[i].name, key) == 0) {
      *out = (mm_rule_name_info){(int)i, facts_def[i].type, NULL};
      return 0;
    }
  return -1;
}

static int resolve(void *payload, const char *name, mm_rule_name_info *out) {
  (void)payload;
  return lookup(name, out);
}

static int resolve_call(void *payload, const char *fn, const char *arg,
                        mm_rule_name_info *out, char *why, size_t why_len) {
  (void)payload;
  char key[128];
  snprintf(key, sizeof key, "%s(%s)", fn, arg);
  if (lookup(key, out) == 0) return 0;
  snprintf(why, why_len, "no fact %s", key);
  return -1;
}

static void each_name(void *payload, void (*cb)(void *, const char *), void *ctx) {
  (void)payload;
  for (size_t i = 0; i < NFACTS; i++) cb(ctx, facts_def[i].name);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double time_evals(const mm_rule *r, const mm_value *facts, mm_rule_trace *tr, long n,
                         mm_tv *last) {
  volatile int sink = 0;
  double t0 = now();
  for (long i = 0; i < n; i++) sink += (int)mm_rule_eval(r, facts, tr);
  double t1 = now();
  *last = mm_rule_eval(r, facts, tr);
  (void)sink;
  return (t1 - t0) * 1e9 / (double)n;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000000L;
  const char *src = "prior_lines >= 3 and exposed(PI) and exposed(IMiD) and "
                    "exposed(anti-CD38) and progression_on_last and ecog <= 1";
  mm_arena arena;
  mm_arena_init(&arena, 0);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  mm_rule_names names = {resolve, resolve_call, each_name, NULL};
  mm_rule *r;
  if (mm_rule_compile(&r, &arena, src, &names, NULL, &diags) != 0) {
    fprintf(stderr, "compile: %s\n", diags.head ? diags.head->text : "?");
    return 1;
  }
  mm_value all_true[NFACTS] = {mm_value_number(4), mm_value_bool(true), mm_value_bool(true),
                               mm_value_bool(true), mm_value_bool(true), mm_value_number(1)};
  mm_value one_unknown[NFACTS];
  memcpy(one_unknown, all_true, sizeof all_true);
  one_unknown[4] = mm_value_unknown(MM_TYPE_BOOL);
  mm_value first_false[NFACTS];
  memcpy(first_false, all_true, sizeof all_true);
  first_false[0] = mm_value_number(1);

  static const char *const tvn[] = {"false", "true", "unknown"};
  const struct {
    const char *what;
    const mm_value *facts;
  } cases[] = {
      {"all 6 terms true", all_true},
      {"5th term unknown", one_unknown},
      {"1st term false", first_false},
  };
  printf("rule: %s\n%ld evaluations per figure\n", src, n);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    mm_rule_trace tr;
    mm_tv v1, v2;
    /* warm up, then measure each path twice and keep the better figure */
    time_evals(r, cases[i].facts, NULL, n / 10, &v1);
    double fast = time_evals(r, cases[i].facts, NULL, n, &v1);
    double fast2 = time_evals(r, cases[i].facts, NULL, n, &v1);
    double traced = time_evals(r, cases[i].facts, &tr, n, &v2);
    double traced2 = time_evals(r, cases[i].facts, &tr, n, &v2);
    if (fast2 < fast) fast = fast2;
    if (traced2 < traced) traced = traced2;
    printf("%-18s -> %-7s  %6.1f ns/eval without trace, %6.1f ns/eval with trace\n",
           cases[i].what, tvn[v1], fast, traced);
    if (v1 != v2) {
      fprintf(stderr, "traced and untraced results differ\n");
      return 1;
    }
  }
  mm_arena_free(&arena);
  return 0;
}
