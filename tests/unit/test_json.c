/* test_json.c: the strict JSON reader (RFC 8259). Registry screening relies
 * on it to refuse what the spec calls invalid JSON, as the bench's TASK.md
 * requires: NaN, Infinity, duplicate keys, lone surrogates, invalid UTF-8,
 * trailing text. Both the copying and the in-place parse are checked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "json/json.h"
#include "util/strbuf.h"

typedef struct parsed {
  mm_arena arena;
  mm_json *root, *root_in_situ;
  mm_json_error err, err_in_situ;
  char buf[4096];
} parsed;

static void parse(parsed *p, const char *text) {
  mm_arena_init(&p->arena, 0);
  size_t len = strlen(text);
  assert_true(len < sizeof p->buf);
  memcpy(p->buf, text, len + 1);
  p->root = mm_json_parse(&p->arena, text, len, &p->err);
  p->root_in_situ = mm_json_parse_in_situ(&p->arena, p->buf, len, &p->err_in_situ);
  /* Both ways agree on whether the text is JSON, and where it is not. */
  assert_int_equal(p->root != NULL, p->root_in_situ != NULL);
  if (!p->root) {
    assert_int_equal(p->err.line, p->err_in_situ.line);
    assert_int_equal(p->err.col, p->err_in_situ.col);
  }
}

static unsigned long long pow10i(int n) {
  unsigned long long r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

static void done(parsed *p) { mm_arena_free(&p->arena); }

static void refused(const char *text, int line, int col, const char *why) {
  parsed p;
  parse(&p, text);
  if (p.root) fail_msg("accepted: %s", text);
  assert_int_equal(p.err.line, line);
  assert_int_equal(p.err.col, col);
  if (!strstr(p.err.text, why)) fail_msg("'%s': message '%s' lacks '%s'", text, p.err.text, why);
  done(&p);
}

static void test_json__rfc8259_rejections(void **s) {
  (void)s;
  refused("{\"a\": NaN}", 1, 7, "invalid JSON value");
  refused("{\"a\": Infinity}", 1, 7, "invalid JSON value");
  refused("{\"a\": -Infinity}", 1, 7, "invalid number");
  refused("{\"a\": 1, \"a\": 2}", 1, 1, "duplicate key");
  refused("\"\\ud800\"", 1, 2, "lone UTF-16 surrogate");
  refused("\"\\udc00x\"", 1, 2, "lone UTF-16 surrogate");
  refused("\"\xff\"", 1, 2, "invalid UTF-8");
  refused("\"\xc0\xaf\"", 1, 2, "invalid UTF-8"); /* overlong */
  refused("{} {}", 1, 4, "unexpected text after");
  refused("[1,]", 1, 4, "invalid JSON value");
  refused("{\"a\":1,}", 1, 8, "expected a string key");
  refused("01", 1, 2, "unexpected text after");
  refused("1.", 1, 1, "invalid number");
  refused("\"a\tb\"", 1, 3, "control character");
  refused("{\n  \"lines\": [\n    {\"start\": \"2024\"\n  ]\n}", 4, 3, "expected ',' or '}'");
  refused("{\"k\\u0000\": 1}", 1, 2, "NUL character in object key");
}

static void test_json__values_and_positions(void **s) {
  (void)s;
  parsed p;
  parse(&p, "{\"id\": \"BO-0017\",\n \"age\": 68, \"x\": 1.5e2, \"t\": true, \"n\": null,\n"
            " \"s\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\"\", \"l\": [1, 2, 3]}");
  for (int k = 0; k < 2; k++) {
    const mm_json *r = k ? p.root_in_situ : p.root;
    assert_non_null(r);
    assert_string_equal(mm_json_get(r, "id")->str, "BO-0017");
    const mm_json *age = mm_json_get(r, "age");
    assert_true(age->is_integer);
    assert_int_equal(age->integer, 68);
    assert_int_equal(age->line, 2);
    assert_int_equal(age->col, 9);
    assert_false(mm_json_get(r, "x")->is_integer);
    assert_true(mm_json_get(r, "x")->number == 150.0);
    assert_int_equal(mm_json_get(r, "t")->type, MM_JSON_TRUE);
    assert_false(mm_json_present(mm_json_get(r, "n")));
    assert_string_equal(mm_json_get(r, "s")->str, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\"");
    assert_int_equal(mm_json_get(r, "l")->len, 3);
    assert_null(mm_json_get(r, "missing"));
  }
  done(&p);
}

static void test_json__depth_limit(void **s) {
  (void)s;
  static char deep[MM_JSON_MAX_DEPTH * 2 + 8];
  size_t n = 0;
  for (int i = 0; i <= MM_JSON_MAX_DEPTH; i++) deep[n++] = '[';
  for (int i = 0; i <= MM_JSON_MAX_DEPTH; i++) deep[n++] = ']';
  deep[n] = '\0';
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_json_error err;
  assert_null(mm_json_parse(&a, deep, n, &err));
  assert_non_null(strstr(err.text, "nesting too deep"));
  /* one level less is fine */
  assert_non_null(mm_json_parse(&a, deep + 1, n - 2, &err));
  mm_arena_free(&a);
}

/* The cap on values (mm_json_parse_ex): every value counts, the text is
 * refused at the first one past the cap, with limit set and the position
 * of that value; at the cap it parses, and 0 means no cap. */
static void test_json__value_limit(void **s) {
  (void)s;
  const char *text = "{\"a\": [1, true, null], \"b\": \"x\"}"; /* 6 values */
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_json_error err;
  assert_null(mm_json_parse_ex(&a, text, strlen(text), false, 5, &err));
  assert_true(err.limit);
  assert_int_equal(err.col, 29); /* the string "x" */
  assert_non_null(strstr(err.text, "limit is 5"));
  assert_non_null(mm_json_parse_ex(&a, text, strlen(text), false, 6, &err));
  assert_non_null(mm_json_parse_ex(&a, text, strlen(text), false, 0, &err));
  /* a syntax error is not a limit */
  assert_null(mm_json_parse_ex(&a, "[1,", 3, false, 5, &err));
  assert_false(err.limit);
  mm_arena_free(&a);
}

/* What the renderers write reads back as the same text (quotes, backslashes,
 * control characters, UTF-8). */
static void test_json__written_strings_read_back(void **s) {
  (void)s;
  const char *texts[] = {"", "plain", "say \"no\"", "back\\slash", "two\nlines\ttab\r",
                         "bell\x07 and \x1f", "caff\xc3\xa8 \xf0\x9f\x98\x80",
                         "\"\\\n\"\\"};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    mm_strbuf b;
    mm_strbuf_init(&b, 0);
    mm_strbuf_json_string(&b, texts[i]);
    mm_arena a;
    mm_arena_init(&a, 0);
    mm_json_error err;
    mm_json *v = mm_json_parse(&a, b.data, b.len, &err);
    if (!v) fail_msg("%s does not parse: %s", b.data, err.text);
    assert_int_equal(v->type, MM_JSON_STRING);
    assert_string_equal(v->str, texts[i]);
    mm_arena_free(&a);
    mm_strbuf_free(&b);
  }
}

/* Bytes that are not UTF-8 (a percent-decoded query or path echoed in an
 * error) are written as U+FFFD, one per bad byte: JSON text is UTF-8
 * (RFC 8259 section 8.1), so the answer stays JSON. Found by
 * tests/fuzz/http.c. */
static void test_json__written_strings_not_utf8(void **s) {
  (void)s;
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"\xff", "\xef\xbf\xbd"},                       /* never in UTF-8 */
      {"a\xc3", "a\xef\xbf\xbd"},                     /* cut short at the end */
      {"\xc3(", "\xef\xbf\xbd("},                     /* cut short */
      {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},    /* overlong '/' */
      {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* a surrogate */
      {"\xf4\x90\x80\x80x", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx"}, /* > U+10FFFF */
      {"caff\xc3\xa8 \xff\xf0\x9f\x98\x80", "caff\xc3\xa8 \xef\xbf\xbd\xf0\x9f\x98\x80"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    mm_strbuf b;
    mm_strbuf_init(&b, 0);
    mm_strbuf_json_string(&b, cases[i].in);
    mm_arena a;
    mm_arena_init(&a, 0);
    mm_json_error err;
    mm_json *v = mm_json_parse(&a, b.data, b.len, &err);
    if (!v) fail_msg("case %zu: %s does not parse: %s", i, b.data, err.text);
    assert_int_equal(v->type, MM_JSON_STRING);
    assert_string_equal(v->str, cases[i].out);
    mm_arena_free(&a);
    mm_strbuf_free(&b);
  }
}

/* Numbers read exactly as strtod reads them (the reader computes common
 * ones itself): lab values, long fractions, leading zeros, exponents,
 * 2^53 and beyond, and a deterministic sweep of decimals. */
static void test_json__numbers_as_strtod(void **s) {
  (void)s;
  const char *fixed[] = {"0", "-0", "17.2", "1066", "0.0012", "-3.75", "123456789012345",
                         "1234567890123456", "12345678901234567890", "9007199254740993",
                         "0.1", "0.30000000000000004", "1e3", "2.5E-3", "1.7976931348623157e308",
                         "5e-324", "0.000000000000000000000123", "100000000000000000000000",
                         "3.1415926535897932384626", "0.9999999999999999999"};
  char text[64];
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 20000 + (int)(sizeof fixed / sizeof *fixed); i++) {
    if (i < (int)(sizeof fixed / sizeof *fixed)) {
      snprintf(text, sizeof text, "%s", fixed[i]);
    } else {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift: the same sweep every run */
      int frac = (int)(x % 18);
      unsigned long long whole = (x >> 8) % 1000000ull, part = (x >> 28) % 1000000000000000000ull;
      snprintf(text, sizeof text, "%s%llu.%0*llu", x & 1 ? "-" : "", whole, frac + 1,
               part % (frac + 1 < 19 ? (unsigned long long)pow10i(frac + 1) : 1));
    }
    mm_arena a;
    mm_arena_init(&a, 0);
    mm_json_error err;
    mm_json *v = mm_json_parse(&a, text, strlen(text), &err);
    if (!v) fail_msg("%s does not parse: %s", text, err.text);
    double want = strtod(text, NULL);
    if (memcmp(&v->number, &want, sizeof want) != 0)
      fail_msg("%s read as %.17g, strtod says %.17g", text, v->number, want);
    mm_arena_free(&a);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json__rfc8259_rejections),
      cmocka_unit_test(test_json__values_and_positions),
      cmocka_unit_test(test_json__depth_limit),
      cmocka_unit_test(test_json__value_limit),
      cmocka_unit_test(test_json__written_strings_read_back),
      cmocka_unit_test(test_json__written_strings_not_utf8),
      cmocka_unit_test(test_json__numbers_as_strtod),
  };
  return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
