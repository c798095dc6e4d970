/* test_rule_eval.c: the rule VM's three-valued semantics (docs/rule-language.md,
 * "Three-valued logic"), checked exhaustively in the manner of SQLite's
 * e_expr.test: every pair of truth values through 'and', 'or', 'not' against
 * tables written out here (not computed by the code under test), every
 * comparison operator against an unknown operand, 'in', 'is known', the
 * trace (which facts were read, which unknown ones decided an unknown), the
 * pathological inputs (10,000-deep nesting, a 10,000-term 'or'), and the
 * disassembly of a small criterion. Facts come from test_rule_names.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "test_rule_names.h"
#include "util/strbuf.h"

#define F MM_FALSE
#define T MM_TRUE
#define U MM_UNKNOWN

typedef struct env {
  mm_arena arena;
  mm_diags diags;
  mm_rule_names names;
  mm_value facts[256];
} env;

static int setup(void **state) {
  env *e = calloc(1, sizeof *e);
  if (!e) return -1;
  mm_arena_init(&e->arena, 0);
  mm_diags_init(&e->diags, &e->arena);
  e->names = trn_names();
  assert_true(trn_nslots() <= 256);
  trn_facts_init(e->facts);
  *state = e;
  return 0;
}

static int teardown(void **state) {
  env *e = *state;
  mm_arena_free(&e->arena);
  free(e);
  return 0;
}

static mm_rule *compile_ok(env *e, const char *src) {
  mm_rule *r = NULL;
  int rc = mm_rule_compile(&r, &e->arena, src, &e->names, NULL, &e->diags);
  if (rc != 0) fail_msg("'%s' did not compile: %s", src, e->diags.tail ? e->diags.tail->text : "?");
  return r;
}

/* Sets a fact by name ("exposed(PI)") to a truth value; U = unknown. */
static void set_tv(env *e, const char *name, mm_tv v) {
  int slot = trn_slot_of(name);
  assert_true(slot >= 0);
  e->facts[slot] = mm_value_tv(v);
}

static void set_num(env *e, const char *name, double x) {
  int slot = trn_slot_of(name);
  assert_true(slot >= 0);
  e->facts[slot] = mm_value_number(x);
}

static void set_unknown(env *e, const char *name) {
  int slot = trn_slot_of(name);
  assert_true(slot >= 0);
  e->facts[slot] = mm_value_unknown(trn_slot_type(slot));
}

static mm_tv eval(env *e, const char *src) {
  mm_rule *r = compile_ok(e, src);
  mm_rule_trace tr;
  mm_tv fast = mm_rule_eval(r, e->facts, NULL);
  mm_tv traced = mm_rule_eval(r, e->facts, &tr);
  if (fast != traced) fail_msg("'%s': fast path %d, traced path %d", src, fast, traced);
  return fast;
}

#define EXPECT(e, src, want)                                                       \
  do {                                                                             \
    mm_tv got_ = eval((e), (src));                                                 \
    if (got_ != (want)) fail_msg("'%s': got %s, want %s", (src), tvs(got_), tvs(want)); \
  } while (0)

static const char *tvs(mm_tv t) { return t == T ? "true" : t == F ? "false" : "unknown"; }

static const mm_tv all[3] = {F, T, U};

/* Kleene's tables, written out: rows a, columns b, in the order F T U. */
static const mm_tv and_table[3][3] = {{F, F, F}, {F, T, U}, {F, U, U}};
static const mm_tv or_table[3][3] = {{F, T, U}, {T, T, T}, {U, T, U}};
static const mm_tv not_table[3] = {T, F, U};

static void test_and_or_not_tables(void **state) {
  env *e = *state;
  for (int i = 0; i < 3; i++) {
    set_tv(e, "p", all[i]);
    EXPECT(e, "not p", not_table[i]);
    EXPECT(e, "not not p", all[i]);
    for (int j = 0; j < 3; j++) {
      set_tv(e, "q", all[j]);
      EXPECT(e, "p and q", and_table[i][j]);
      EXPECT(e, "p or q", or_table[i][j]);
      EXPECT(e, "q and p", and_table[i][j]); /* commutative even with short-circuit */
      EXPECT(e, "q or p", or_table[i][j]);
      EXPECT(e, "not (p and q)", not_table[and_table[i][j] == T ? 1 : and_table[i][j] == F ? 0 : 2]);
      EXPECT(e, "p = q", (all[i] == U || all[j] == U) ? U : (all[i] == all[j] ? T : F));
      EXPECT(e, "p != q", (all[i] == U || all[j] == U) ? U : (all[i] != all[j] ? T : F));
    }
  }
}

/* Kleene 'and' is the minimum and 'or' the maximum under F < U < T. */
static int rank(mm_tv t) { return t == F ? 0 : t == U ? 1 : 2; }
static mm_tv kmin(mm_tv a, mm_tv b) { return rank(a) < rank(b) ? a : b; }
static mm_tv kmax(mm_tv a, mm_tv b) { return rank(a) > rank(b) ? a : b; }

static void test_three_term_chains_and_precedence(void **state) {
  env *e = *state;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      for (int k = 0; k < 3; k++) {
        set_tv(e, "p", all[i]);
        set_tv(e, "q", all[j]);
        set_tv(e, "r", all[k]);
        EXPECT(e, "p and q and r", kmin(kmin(all[i], all[j]), all[k]));
        EXPECT(e, "p or q or r", kmax(kmax(all[i], all[j]), all[k]));
        /* 'and' binds tighter than 'or' */
        EXPECT(e, "p or q and r", kmax(all[i], kmin(all[j], all[k])));
        EXPECT(e, "p and q or r", kmax(kmin(all[i], all[j]), all[k]));
        EXPECT(e, "p and (q or r)", kmin(all[i], kmax(all[j], all[k])));
        EXPECT(e, "not p and q", kmin(not_table[i], all[j]));
      }
}

static void test_literals_with_unknown(void **state) {
  env *e = *state;
  set_unknown(e, "p");
  EXPECT(e, "false and p", F);
  EXPECT(e, "p and false", F);
  EXPECT(e, "true and p", U);
  EXPECT(e, "true or p", T);
  EXPECT(e, "p or true", T);
  EXPECT(e, "false or p", U);
  EXPECT(e, "p = true", U);
  EXPECT(e, "p != false", U);
  EXPECT(e, "true", T);
  EXPECT(e, "FALSE", F);
  EXPECT(e, "true = false", F);
}

static const char *const cmp_ops[] = {"<", "<=", ">", ">=", "=", "==", "!="};

static void test_every_comparison_against_unknown(void **state) {
  env *e = *state;
  char buf[128];
  set_unknown(e, "x");
  set_num(e, "y", 3);
  set_unknown(e, "s");
  for (size_t i = 0; i < sizeof cmp_ops / sizeof cmp_ops[0]; i++) {
    snprintf(buf, sizeof buf, "x %s 3", cmp_ops[i]);
    EXPECT(e, buf, U);
    snprintf(buf, sizeof buf, "3 %s x", cmp_ops[i]);
    EXPECT(e, buf, U);
    snprintf(buf, sizeof buf, "x %s y", cmp_ops[i]);
    EXPECT(e, buf, U);
    snprintf(buf, sizeof buf, "y %s x", cmp_ops[i]);
    EXPECT(e, buf, U);
    snprintf(buf, sizeof buf, "not (x %s 3)", cmp_ops[i]);
    EXPECT(e, buf, U);
  }
  EXPECT(e, "s = 'a'", U);
  EXPECT(e, "s != 'a'", U);
  EXPECT(e, "'a' = s", U);
  EXPECT(e, "s = t", U);
  EXPECT(e, "setting = 'first_relapse'", U);
}

static void test_comparisons_known(void **state) {
  env *e = *state;
  set_num(e, "x", 3);
  set_num(e, "y", 2.5);
  /* x OP 3, 3 OP x and x OP y, for x = 3, y = 2.5 */
  static const struct {
    const char *op;
    mm_tv x3, three_x, xy;
  } want[] = {
      {"<", F, F, F},  {"<=", T, T, F}, {">", F, F, T}, {">=", T, T, T},
      {"=", T, T, F},  {"==", T, T, F}, {"!=", F, F, T},
  };
  char buf[64];
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    snprintf(buf, sizeof buf, "x %s 3", want[i].op);
    EXPECT(e, buf, want[i].x3);
    snprintf(buf, sizeof buf, "3 %s x", want[i].op);
    EXPECT(e, buf, want[i].three_x);
    snprintf(buf, sizeof buf, "x %s y", want[i].op);
    EXPECT(e, buf, want[i].xy);
  }
  EXPECT(e, "2 < x", T);
  EXPECT(e, "4 <= x", F);
  EXPECT(e, "x > -1", T);
  EXPECT(e, "y >= 2.5", T);
  EXPECT(e, "y > 2.5", F);
  EXPECT(e, "1 < 2", T);
  EXPECT(e, "2 <= 1", F);
  e->facts[trn_slot_of("s")] = mm_value_string("abc");
  e->facts[trn_slot_of("t")] = mm_value_string("abc");
  EXPECT(e, "s = 'abc'", T);
  EXPECT(e, "s = \"abc\"", T);
  EXPECT(e, "s = 'ABC'", F); /* string comparison is exact */
  EXPECT(e, "s != 'abc'", F);
  EXPECT(e, "s = t", T);
  EXPECT(e, "s != t", F);
  EXPECT(e, "'a' = 'a'", T);
}

static void test_in_lists(void **state) {
  env *e = *state;
  set_unknown(e, "x");
  EXPECT(e, "x in [1, 2, 3]", U);
  EXPECT(e, "x not in [1, 2, 3]", U);
  set_num(e, "x", 2);
  EXPECT(e, "x in [1, 2, 3]", T);
  EXPECT(e, "x not in [1, 2, 3]", F);
  EXPECT(e, "x in [1.5, -2]", F);
  EXPECT(e, "x NOT IN [0]", T);
  e->facts[trn_slot_of("setting")] = mm_value_string("first_relapse");
  EXPECT(e, "setting in ['first_relapse', 'second_relapse_or_later']", T);
  EXPECT(e, "setting in ['on_treatment']", F);
  EXPECT(e, "setting not in ['on_treatment']", T);
  set_unknown(e, "setting");
  EXPECT(e, "setting in ['first_relapse', 'second_relapse_or_later']", U);
  EXPECT(e, "setting not in ['first_relapse']", U);
}

static void test_is_known(void **state) {
  env *e = *state;
  set_unknown(e, "x");
  EXPECT(e, "x is known", F);
  EXPECT(e, "x is unknown", T);
  EXPECT(e, "x is not known", T);
  EXPECT(e, "x is not unknown", F);
  EXPECT(e, "x is known and x <= 1", F); /* never unknown: the guard decides */
  set_num(e, "x", 1);
  EXPECT(e, "x is known", T);
  EXPECT(e, "x is unknown", F);
  EXPECT(e, "x is known and x <= 1", T);
  set_unknown(e, "p");
  set_tv(e, "q", F);
  EXPECT(e, "p is known", F);
  EXPECT(e, "(p and q) is known", T);  /* false and unknown = false: known */
  EXPECT(e, "(p or q) is known", F);
  EXPECT(e, "(p or q) is unknown", T);
  EXPECT(e, "exposed(PI) is unknown", T);
  e->facts[trn_slot_of("s")] = mm_value_string(NULL); /* a string with no text is unknown */
  EXPECT(e, "s is known", F);
}

/* The trace: used = slots read, in order of first appearance; unknown =
 * slots whose unknown value made the result unknown. */
static void check_trace(env *e, const char *src, mm_tv want, const char *used,
                        const char *unknown) {
  mm_rule *r = compile_ok(e, src);
  mm_rule_trace tr;
  memset(&tr, 0xAB, sizeof tr); /* must be fully rewritten */
  mm_tv got = mm_rule_eval(r, e->facts, &tr);
  char u[512] = "", k[512] = "", name[64];
  size_t nu = 0, nk = 0;
  assert_true(tr.n_used <= MM_RULE_MAX_REFS && tr.n_unknown <= tr.n_used);
  for (size_t i = 0; i < tr.n_used; i++)
    nu += (size_t)snprintf(u + nu, sizeof u - nu, "%s%s", i ? " " : "",
                           trn_slot_name(tr.used[i], name, sizeof name));
  for (size_t i = 0; i < tr.n_unknown; i++)
    nk += (size_t)snprintf(k + nk, sizeof k - nk, "%s%s", i ? " " : "",
                           trn_slot_name(tr.unknown[i], name, sizeof name));
  if (got != want || strcmp(u, used) || strcmp(k, unknown))
    fail_msg("'%s': got %s used [%s] unknown [%s]; want %s used [%s] unknown [%s]", src,
             tvs(got), u, k, tvs(want), used, unknown);
}

static void test_trace(void **state) {
  env *e = *state;
  set_tv(e, "p", T);
  set_unknown(e, "q");
  check_trace(e, "p or q", T, "p", "");        /* q is never read */
  check_trace(e, "q or p", T, "q p", "");      /* q read, but p decided */
  check_trace(e, "p and q", U, "p q", "q");
  check_trace(e, "q and p", U, "q p", "q");
  set_tv(e, "p", F);
  check_trace(e, "q and p", F, "q p", "");     /* false and unknown = false */
  check_trace(e, "p and q", F, "p", "");
  check_trace(e, "not q", U, "q", "q");
  check_trace(e, "p and p and p", F, "p", ""); /* distinct slots */
  set_unknown(e, "p");
  set_tv(e, "r", T);
  check_trace(e, "(p or q) and r", U, "p q r", "p q");
  check_trace(e, "r and (q or p)", U, "r q p", "q p");
  set_tv(e, "r", F);
  check_trace(e, "(p or q) or r", U, "p q r", "p q");
  /* a known guard carries no unknown */
  set_unknown(e, "x");
  check_trace(e, "x is known or q", U, "x q", "q");
  check_trace(e, "x is unknown or q", T, "x", "");
  /* comparisons report their unknown operands */
  set_unknown(e, "y");
  check_trace(e, "x < y", U, "x y", "x y");
  set_num(e, "y", 1);
  check_trace(e, "x < y", U, "x y", "x");
  check_trace(e, "y < x", U, "y x", "x");
  /* a realistic criterion: order of first appearance, call names canonical */
  set_num(e, "prior_lines", 3);
  set_tv(e, "exposed(PI)", T);
  set_unknown(e, "exposed(IMiD)");
  set_unknown(e, "setting");
  check_trace(e,
              "prior_lines >= 3 and exposed(PI) and exposed(IMiD) and "
              "setting in ['first_relapse', 'second_relapse_or_later']",
              U, "prior_lines exposed(pi) exposed(imid) setting",
              "exposed(imid) setting");
  set_num(e, "prior_lines", 1);
  check_trace(e, "prior_lines >= 3 and exposed(PI) and exposed(IMiD)", F, "prior_lines", "");
  /* the same fact through a synonym is one slot */
  set_unknown(e, "refractory(lenalidomide)");
  check_trace(e, "refractory(Revlimid) or refractory(lenalidomide)", U,
              "refractory(lenalidomide)", "refractory(lenalidomide)");
}

static void test_slots_and_source(void **state) {
  env *e = *state;
  const char *src = "ecog <= 1 and exposed(anti-CD38) and ecog is known";
  mm_rule *r = compile_ok(e, src);
  const int *slots;
  size_t n = mm_rule_slots(r, &slots);
  assert_int_equal(n, 2);
  assert_int_equal(slots[0], trn_slot_of("ecog"));
  assert_int_equal(slots[1], trn_slot_of("exposed(anti_cd38)"));
  assert_string_equal(mm_rule_source(r), src);
  assert_string_equal(mm_rule_slot_name(r, slots[1]), "exposed(anti-CD38)");
  assert_null(mm_rule_slot_name(r, trn_slot_of("p")));
}

static char *repeat(const char *s, int n, const char *mid, const char *tail) {
  size_t ls = strlen(s), lm = strlen(mid), lt = strlen(tail);
  char *out = malloc(ls * (size_t)n + lm + lt * (size_t)n + 1);
  assert_non_null(out);
  char *p = out;
  for (int i = 0; i < n; i++, p += ls) memcpy(p, s, ls);
  memcpy(p, mid, lm);
  p += lm;
  for (int i = 0; i < n; i++, p += lt) memcpy(p, tail, lt);
  *p = '\0';
  return out;
}

static void expect_error(env *e, const char *src, const char *text, int col) {
  mm_rule *r = (mm_rule *)1;
  size_t before = e->diags.errors;
  assert_int_equal(mm_rule_compile(&r, &e->arena, src, &e->names, NULL, &e->diags), -1);
  assert_null(r);
  assert_int_equal(e->diags.errors, before + 1);
  assert_string_equal(e->diags.tail->text, text);
  assert_int_equal(e->diags.tail->line, 1);
  assert_int_equal(e->diags.tail->col, col);
}

static void test_depth_limit(void **state) {
  env *e = *state;
  /* 200 levels are allowed; the 201st is refused at its own column */
  char *ok = repeat("(", MM_RULE_MAX_DEPTH, "p", ")");
  set_tv(e, "p", T);
  EXPECT(e, ok, T);
  free(ok);
  char *deep = repeat("(", MM_RULE_MAX_DEPTH + 1, "p", ")");
  expect_error(e, deep, "nesting too deep (limit is 200)", MM_RULE_MAX_DEPTH + 1);
  free(deep);
  char *huge = repeat("(", 10000, "p", ")");
  expect_error(e, huge, "nesting too deep (limit is 200)", 201);
  free(huge);
  char *nots = repeat("not ", 10000, "p", "");
  expect_error(e, nots, "nesting too deep (limit is 200)", 4 * 200 + 1);
  free(nots);
  char *mixed = repeat("(not ", 10000, "p", ")");
  expect_error(e, mixed, "nesting too deep (limit is 200)", 5 * 100 + 1);
  free(mixed);
  /* the deepest stack the limit allows: three values per '(' */
  char *wide = repeat("p or q and p = (", MM_RULE_MAX_DEPTH, "p", ")");
  set_tv(e, "p", F);
  set_tv(e, "q", T);
  EXPECT(e, wide, F); /* innermost p = (p) is true, so the next p = (...) is false, ... */
  set_unknown(e, "q");
  EXPECT(e, wide, U);
  free(wide);
  char *open = repeat("[", 10000, "", "");
  expect_error(e, open, "expected a value, a name or '(' but found '['", 1);
  free(open);
}

static void test_10000_term_or(void **state) {
  env *e = *state;
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  /* 9,999 boolean terms and one comparison: 50 kB, within MM_RULE_MAX_SOURCE */
  static const char *const names[] = {"p", "q", "r"};
  for (int i = 0; i < 9999; i++) mm_strbuf_printf(&b, "%s or ", names[i % 3]);
  mm_strbuf_puts(&b, "x = 7");
  assert_true(b.len <= MM_RULE_MAX_SOURCE);
  clock_t t0 = clock();
  mm_rule *r = compile_ok(e, b.data);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  /* a generous bound (sanitizer builds included): quadratic work would not meet it */
  if (secs > 2.0) fail_msg("compiling a 10,000-term 'or' took %.2f s", secs);
  const int *slots;
  assert_int_equal(mm_rule_slots(r, &slots), 4);
  set_tv(e, "p", F);
  set_tv(e, "q", F);
  set_tv(e, "r", F);
  set_num(e, "x", 7);
  assert_int_equal(mm_rule_eval(r, e->facts, NULL), T);
  set_num(e, "x", -5);
  assert_int_equal(mm_rule_eval(r, e->facts, NULL), F);
  set_unknown(e, "x");
  mm_rule_trace tr;
  assert_int_equal(mm_rule_eval(r, e->facts, &tr), U);
  assert_int_equal(tr.n_unknown, 1);
  assert_int_equal(tr.unknown[0], trn_slot_of("x"));
  set_unknown(e, "q");
  assert_int_equal(mm_rule_eval(r, e->facts, &tr), U);
  assert_int_equal(tr.n_unknown, 2);
  set_tv(e, "r", T);
  assert_int_equal(mm_rule_eval(r, e->facts, &tr), T);
  assert_int_equal(tr.n_unknown, 0);
  mm_strbuf_clear(&b);
  /* an 'and' of 4,000 'or's: still shallow, still fine */
  for (int i = 0; i < 4000; i++) mm_strbuf_puts(&b, i ? " and (p or q)" : "(p or q)");
  r = compile_ok(e, b.data);
  set_tv(e, "p", T);
  assert_int_equal(mm_rule_eval(r, e->facts, NULL), T);
  set_tv(e, "p", F);
  assert_int_equal(mm_rule_eval(r, e->facts, NULL), U);
  mm_strbuf_free(&b);
}

static void test_dump(void **state) {
  env *e = *state;
  mm_rule *r = compile_ok(e, "prior_lines >= 3 and (exposed(PI) or setting in "
                             "['first_relapse']) and not ecog is known");
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_rule_dump(r, &b);
  assert_string_equal(b.data,
                      "     0  GEN    r0 prior_lines, 3; jf -> 7\n"
                      "     1  LOAD   r1 exposed(PI); jt -> 3\n"
                      "     2  INS    r2 setting, ['first_relapse']; or -> 3\n"
                      "     3  ANDJ   -> 7\n"
                      "     4  KNOWN  r3 ecog\n"
                      "     5  NOT\n"
                      "     6  ANDJ   -> 7\n");
  mm_strbuf_free(&b);
  assert_string_equal(mm_rule_op_name(0), "TRUE");
  assert_null(mm_rule_op_name(-1));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_and_or_not_tables, setup, teardown),
      cmocka_unit_test_setup_teardown(test_three_term_chains_and_precedence, setup, teardown),
      cmocka_unit_test_setup_teardown(test_literals_with_unknown, setup, teardown),
      cmocka_unit_test_setup_teardown(test_every_comparison_against_unknown, setup, teardown),
      cmocka_unit_test_setup_teardown(test_comparisons_known, setup, teardown),
      cmocka_unit_test_setup_teardown(test_in_lists, setup, teardown),
      cmocka_unit_test_setup_teardown(test_is_known, setup, teardown),
      cmocka_unit_test_setup_teardown(test_trace, setup, teardown),
      cmocka_unit_test_setup_teardown(test_slots_and_source, setup, teardown),
      cmocka_unit_test_setup_teardown(test_depth_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_10000_term_or, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
