/* test_rule_lex.c: the criteria language's lexical rules
 * (docs/rule-language.md, "Lexical rules"): token kinds, hyphenated names
 * such as anti-CD38, signed and decimal numbers, both string quotes,
 * case-insensitive keywords, every operator, and line/column of each token
 * across lines; lexical errors carry their position and a hint. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "rule/rule_ast.h"

/* Lexes src into kinds/positions; returns the count (EOF included) or -1. */
static int lex_all(const char *src, mm_rule_token *toks, int max, mm_rule_error *err) {
  mm_rule_lexer lx;
  mm_rule_lex_init(&lx, src, strlen(src));
  for (int i = 0; i < max; i++) {
    if (mm_rule_lex_next(&lx, &toks[i], err) < 0) return -1;
    if (toks[i].kind == TK_EOF) return i + 1;
  }
  return max;
}

static void test_kinds_of_a_criterion(void **state) {
  (void)state;
  const char *src = "prior_lines >= 3 and exposed(anti-CD38) and x != -1.5";
  mm_rule_token t[32];
  mm_rule_error err;
  static const mm_rule_tk want[] = {TK_NAME, TK_GE,   TK_NUMBER, TK_AND, TK_NAME,
                                    TK_LPAREN, TK_NAME, TK_RPAREN, TK_AND, TK_NAME,
                                    TK_NE,   TK_NUMBER, TK_EOF};
  int n = lex_all(src, t, 32, &err);
  assert_int_equal(n, (int)(sizeof want / sizeof want[0]));
  for (int i = 0; i < n; i++) assert_int_equal(t[i].kind, want[i]);
  /* anti-CD38 is one name: there is no subtraction */
  assert_int_equal(t[6].len, strlen("anti-CD38"));
  assert_memory_equal(src + t[6].off, "anti-CD38", t[6].len);
  assert_true(t[2].num == 3.0);
  assert_true(t[11].num == -1.5);
  assert_int_equal(t[4].pos.col, 21); /* 'exposed' starts at byte 21 */
}

static void test_keywords_any_case(void **state) {
  (void)state;
  mm_rule_token t[16];
  mm_rule_error err;
  int n = lex_all("AND Or nOt IN is KNOWN Unknown TRUE false android", t, 16, &err);
  assert_int_equal(n, 11);
  static const mm_rule_tk want[] = {TK_AND, TK_OR,      TK_NOT,  TK_IN,    TK_IS,
                                    TK_KNOWN, TK_UNKNOWN, TK_TRUE, TK_FALSE, TK_NAME};
  for (int i = 0; i < 10; i++) assert_int_equal(t[i].kind, want[i]);
}

static void test_operators(void **state) {
  (void)state;
  mm_rule_token t[16];
  mm_rule_error err;
  int n = lex_all("< <= > >= = == != ( ) [ ] ,", t, 16, &err);
  static const mm_rule_tk want[] = {TK_LT, TK_LE, TK_GT, TK_GE, TK_EQ, TK_EQ, TK_NE,
                                    TK_LPAREN, TK_RPAREN, TK_LBRACK, TK_RBRACK, TK_COMMA,
                                    TK_EOF};
  assert_int_equal(n, 13);
  for (int i = 0; i < n; i++) assert_int_equal(t[i].kind, want[i]);
  /* no spaces needed */
  n = lex_all("x>=-1", t, 16, &err);
  assert_int_equal(n, 4);
  assert_int_equal(t[1].kind, TK_GE);
  assert_int_equal(t[2].kind, TK_NUMBER);
  assert_true(t[2].num == -1.0);
}

static void test_strings(void **state) {
  (void)state;
  mm_rule_token t[8];
  mm_rule_error err;
  int n = lex_all("'it''s' \"it's\"", t, 8, &err);
  assert_int_equal(n, 4); /* 'it' 's' then "it's" */
  assert_int_equal(t[0].kind, TK_STRING);
  assert_int_equal(t[0].len, 4);
  assert_int_equal(t[2].kind, TK_STRING);
  assert_int_equal(t[2].len, 6);
}

static void test_positions_across_lines(void **state) {
  (void)state;
  mm_rule_token t[8];
  mm_rule_error err;
  int n = lex_all("p and\n  q or\n\tr", t, 8, &err);
  assert_int_equal(n, 6);
  assert_int_equal(t[0].pos.line, 0);
  assert_int_equal(t[0].pos.col, 0);
  assert_int_equal(t[2].pos.line, 1);
  assert_int_equal(t[2].pos.col, 2);
  assert_int_equal(t[3].pos.line, 1);
  assert_int_equal(t[3].pos.col, 4);
  assert_int_equal(t[4].pos.line, 2);
  assert_int_equal(t[4].pos.col, 1);
}

static void expect_lex_error(const char *src, int col, const char *msg) {
  mm_rule_token t[16];
  mm_rule_error err;
  if (lex_all(src, t, 16, &err) != -1) fail_msg("'%s' lexed without error", src);
  assert_string_equal(err.msg, msg);
  assert_int_equal(err.pos.col, col);
}

static void test_errors(void **state) {
  (void)state;
  expect_lex_error("p && q", 2, "unexpected '&'; write 'and'");
  expect_lex_error("p || q", 2, "unexpected '|'; write 'or'");
  expect_lex_error("!p", 0, "unexpected '!'; write 'not'");
  expect_lex_error("x => 3", 2, "unexpected '=>'; write '>='");
  expect_lex_error("x =< 3", 2, "unexpected '=<'; write '<='");
  expect_lex_error("x <> 3", 2, "unexpected '<>'; write '!='");
  expect_lex_error("s = 'abc", 4, "unterminated string: missing closing '");
  expect_lex_error("s = \"a\nb\"", 4, "unterminated string: missing closing \"");
  expect_lex_error("x > 3.", 4, "malformed number: a digit must follow '.'");
  expect_lex_error("exposed(5-FU)", 8,
                   "malformed number '5-FU' (a name cannot start with a digit; quote it "
                   "as a string in a call, e.g. exposed('5-FU'))");
  expect_lex_error("x - 1", 2,
                   "unexpected '-': there is no subtraction; a '-' belongs inside a name "
                   "(anti-CD38) or before a number (-1)");
  expect_lex_error("x @ 1", 2, "unexpected character '@'");
  expect_lex_error("x \x01", 2, "unexpected character '\\x01'");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kinds_of_a_criterion),
      cmocka_unit_test(test_keywords_any_case),
      cmocka_unit_test(test_operators),
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_positions_across_lines),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
