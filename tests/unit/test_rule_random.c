/* test_rule_random.c: a differential test of the rule compiler and VM. It
 * generates random well-typed expressions from the grammar (seeded, so a
 * failure repeats), compiles each, and compares the VM, with and without
 * trace, against a plain tree-walking evaluator written here from the
 * definitions of docs/rule-language.md (Kleene logic as min/max over
 * false < unknown < true), for many random fact vectors. It also checks the
 * trace's invariants: the result is unknown exactly when some unknown fact
 * is listed; listed unknown facts were read and are unknown; read facts are
 * distinct; and mm_rule_describe's text of each rule compiles to a rule
 * with the same values. It catches what hand-picked cases miss in the
 * superinstruction and short-circuit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "rule/rule_ast.h"
#include "test_rule_names.h"
#include "util/strbuf.h"

typedef struct rng {
  uint64_t s;
} rng;

static uint32_t next(rng *g) {
  g->s ^= g->s << 13;
  g->s ^= g->s >> 7;
  g->s ^= g->s << 17;
  return (uint32_t)(g->s >> 11);
}
static int pick(rng *g, int n) { return (int)(next(g) % (uint32_t)n); }

static const char *const bool_facts[] = {"p", "q", "r", "exposed(PI)", "refractory(Revlimid)",
                                         "comorbidity(heart_failure)"};
static const char *const num_facts[] = {"x", "y", "count_refractory(IMiD)"};
static const char *const cmp_ops[] = {"<", "<=", ">", ">=", "=", "==", "!="};
#define N(a) ((int)(sizeof a / sizeof a[0]))

static void gen_bool(rng *g, mm_strbuf *b, int depth);

static void gen_num_operand(rng *g, mm_strbuf *b, bool fact) {
  if (fact) mm_strbuf_puts(b, num_facts[pick(g, N(num_facts))]);
  else mm_strbuf_printf(b, "%d", pick(g, 5) - 1);
}

static void gen_bool(rng *g, mm_strbuf *b, int depth) {
  int choice = pick(g, depth <= 0 ? 8 : 15);
  switch (choice) {
  case 0:
  case 1: mm_strbuf_puts(b, bool_facts[pick(g, N(bool_facts))]); break;
  case 2: mm_strbuf_puts(b, pick(g, 2) ? "true" : "false"); break;
  case 3: { /* number comparison, fact on either side or both */
    int shape = pick(g, 3);
    gen_num_operand(g, b, shape != 1);
    mm_strbuf_printf(b, " %s ", cmp_ops[pick(g, N(cmp_ops))]);
    gen_num_operand(g, b, shape != 0);
    break;
  }
  case 4: {
    static const char *const s[] = {"s = 'a'", "s != 'b'", "'a' = s", "s = t", "s != t",
                                    "setting = 'first_relapse'", "setting != 'on_treatment'"};
    mm_strbuf_puts(b, s[pick(g, N(s))]);
    break;
  }
  case 5: {
    static const char *const s[] = {"x in [0, 1]", "x not in [2]", "y in [1, 2, 3]",
                                    "s in ['a', 'b']", "s not in ['a']",
                                    "setting in ['first_relapse', 'on_treatment']"};
    mm_strbuf_puts(b, s[pick(g, N(s))]);
    break;
  }
  case 6: {
    static const char *const s[] = {"x is known", "p is unknown", "s is not known",
                                    "exposed(pi) is not unknown"};
    mm_strbuf_puts(b, s[pick(g, N(s))]);
    break;
  }
  case 7: mm_strbuf_puts(b, pick(g, 2) ? "p = true" : "q != false"); break;
  case 8:
  case 9:
  case 10: { /* and/or chains of 2..5 terms */
    int n = 2 + pick(g, 4);
    const char *op = choice == 8 ? " and " : choice == 9 ? " or " : NULL;
    mm_strbuf_putc(b, '(');
    for (int i = 0; i < n; i++) {
      if (i) mm_strbuf_puts(b, op ? op : (pick(g, 2) ? " and " : " or "));
      gen_bool(g, b, depth - 1);
    }
    mm_strbuf_putc(b, ')');
    break;
  }
  case 11:
    mm_strbuf_puts(b, "not ");
    gen_bool(g, b, depth - 1);
    break;
  case 12: /* a literal is refused by 'is known', so join a fact */
    mm_strbuf_puts(b, pick(g, 2) ? "(p and " : "(x > 1 or ");
    gen_bool(g, b, depth - 1);
    mm_strbuf_puts(b, pick(g, 2) ? ") is known" : ") is unknown");
    break;
  case 13:
    mm_strbuf_putc(b, '(');
    gen_bool(g, b, depth - 1);
    mm_strbuf_puts(b, pick(g, 2) ? ") = (" : ") != (");
    gen_bool(g, b, depth - 1);
    mm_strbuf_putc(b, ')');
    break;
  default:
    mm_strbuf_putc(b, '(');
    gen_bool(g, b, depth - 1);
    mm_strbuf_putc(b, ')');
    break;
  }
}

/* ---- the reference evaluator ------------------------------------------ */

static int rank(mm_tv t) { return t == MM_FALSE ? 0 : t == MM_UNKNOWN ? 1 : 2; }
static mm_tv of_rank(int r) { return r == 0 ? MM_FALSE : r == 1 ? MM_UNKNOWN : MM_TRUE; }

static int slot_of_node(const mm_rule_node *x) {
  char key[128];
  if (x->kind == N_CALL) snprintf(key, sizeof key, "%s(%s)", x->str, x->arg);
  else snprintf(key, sizeof key, "%s", x->str);
  int slot = trn_slot_of(key);
  assert_true(slot >= 0);
  return slot;
}

/* A value: known flag + number / string / truth. */
typedef struct val {
  bool known;
  mm_type type;
  double num;
  const char *str;
  mm_tv tv;
} val;

static mm_tv ref_bool(const mm_rule_node *x, const mm_value *facts);

static val ref_val(const mm_rule_node *x, const mm_value *facts) {
  val v = {.known = true};
  switch (x->kind) {
  case N_NUM: v.type = MM_TYPE_NUMBER; v.num = x->num; return v;
  case N_STR: v.type = MM_TYPE_STRING; v.str = x->str; return v;
  case N_NAME:
  case N_CALL: {
    const mm_value *f = &facts[slot_of_node(x)];
    v.type = f->type;
    v.known = f->known;
    v.num = f->num;
    v.str = f->str;
    v.tv = f->known ? (f->b ? MM_TRUE : MM_FALSE) : MM_UNKNOWN;
    return v;
  }
  default:
    v.type = MM_TYPE_BOOL;
    v.tv = ref_bool(x, facts);
    v.known = v.tv != MM_UNKNOWN;
    return v;
  }
}

static mm_tv ref_bool(const mm_rule_node *x, const mm_value *facts) {
  switch (x->kind) {
  case N_BOOL: return x->b ? MM_TRUE : MM_FALSE;
  case N_NAME:
  case N_CALL: return ref_val(x, facts).tv;
  case N_AND:
  case N_OR: {
    int acc = x->kind == N_AND ? 2 : 0;
    for (size_t i = 0; i < x->n; i++) {
      int k = rank(ref_bool(x->kids[i], facts));
      acc = x->kind == N_AND ? (k < acc ? k : acc) : (k > acc ? k : acc);
    }
    return of_rank(acc);
  }
  case N_NOT: return of_rank(2 - rank(ref_bool(x->l, facts)));
  case N_IS: {
    bool known = ref_val(x->l, facts).known;
    bool want_known = x->b != x->neg;
    return known == want_known ? MM_TRUE : MM_FALSE;
  }
  case N_IN: {
    val l = ref_val(x->l, facts);
    if (!l.known) return MM_UNKNOWN;
    bool hit = false;
    for (size_t i = 0; i < x->n; i++)
      hit |= l.type == MM_TYPE_NUMBER ? x->kids[i]->num == l.num
                                      : strcmp(x->kids[i]->str, l.str) == 0;
    return hit != x->neg ? MM_TRUE : MM_FALSE;
  }
  case N_CMP: {
    val l = ref_val(x->l, facts), r = ref_val(x->r, facts);
    if (!l.known || !r.known) return MM_UNKNOWN;
    int c;
    if (l.type == MM_TYPE_NUMBER) c = l.num < r.num ? -1 : l.num > r.num;
    else if (l.type == MM_TYPE_STRING) c = strcmp(l.str, r.str) != 0;
    else c = l.tv != r.tv;
    bool v = x->op == TK_LT ? c < 0 : x->op == TK_LE ? c <= 0 : x->op == TK_GT ? c > 0
           : x->op == TK_GE ? c >= 0 : x->op == TK_EQ ? c == 0 : c != 0;
    return v ? MM_TRUE : MM_FALSE;
  }
  default: fail_msg("unexpected node kind %d", x->kind);
  }
  return MM_UNKNOWN;
}

static const char *const str_values[] = {"a", "b"};

static void random_facts(rng *g, mm_value *facts) {
  trn_facts_init(facts);
  for (int i = 0; i < trn_nslots(); i++) {
    if (pick(g, 3) == 0) continue; /* unknown */
    mm_type t = trn_slot_type(i);
    char name[64];
    trn_slot_name(i, name, sizeof name);
    if (t == MM_TYPE_BOOL) facts[i] = mm_value_bool(pick(g, 2));
    else if (t == MM_TYPE_NUMBER) facts[i] = mm_value_number(pick(g, 4) - 1);
    else if (strcmp(name, "setting") == 0)
      facts[i] = mm_value_string(trn_setting_values[pick(g, 5)]);
    else facts[i] = mm_value_string(str_values[pick(g, 2)]);
  }
}

static void test_vm_matches_reference(void **state) {
  (void)state;
  rng g = {0x9E3779B97F4A7C15ull};
  mm_rule_names names = trn_names();
  mm_value facts[256];
  assert_true(trn_nslots() <= 256);
  int compiled = 0, evaluated = 0, unknowns = 0;
  for (int iter = 0; iter < 4000; iter++) {
    mm_arena arena;
    mm_arena_init(&arena, 0);
    mm_diags diags;
    mm_diags_init(&diags, &arena);
    mm_strbuf b;
    mm_strbuf_init(&b, 0);
    gen_bool(&g, &b, 1 + pick(&g, 5));
    mm_rule *r = NULL;
    if (mm_rule_compile(&r, &arena, b.data, &names, NULL, &diags) != 0)
      fail_msg("generated rule does not compile: %s\n  %s", b.data, diags.tail->text);
    compiled++;
    mm_rule_node *tree;
    mm_rule_error err;
    assert_int_equal(mm_rule_parse(&tree, &arena, b.data, b.len, &err), 0);
    /* mm_rule_describe's text compiles to a rule with the same values */
    mm_strbuf desc;
    mm_strbuf_init(&desc, 0);
    mm_rule_describe(r, NULL, &desc);
    mm_rule *again = NULL;
    if (mm_rule_compile(&again, &arena, desc.data, &names, NULL, &diags) != 0)
      fail_msg("%s\n  described as %s\n  which does not compile: %s", b.data, desc.data,
               diags.tail->text);
    for (int k = 0; k < 12; k++) {
      random_facts(&g, facts);
      mm_rule_trace tr;
      mm_tv want = ref_bool(tree, facts);
      mm_tv fast = mm_rule_eval(r, facts, NULL);
      mm_tv traced = mm_rule_eval(r, facts, &tr);
      evaluated++;
      unknowns += want == MM_UNKNOWN;
      if (fast != want || traced != want)
        fail_msg("%s\n  reference %d, VM %d, traced VM %d", b.data, want, fast, traced);
      if (mm_rule_eval(again, facts, NULL) != want)
        fail_msg("%s\n  described as %s\n  which gives %d, not %d", b.data, desc.data,
                 mm_rule_eval(again, facts, NULL), want);
      if ((want == MM_UNKNOWN) != (tr.n_unknown > 0))
        fail_msg("%s\n  result %d but %zu unknown facts listed", b.data, want, tr.n_unknown);
      for (size_t i = 0; i < tr.n_unknown; i++) {
        assert_false(facts[tr.unknown[i]].known);
        bool read = false;
        for (size_t j = 0; j < tr.n_used; j++) read |= tr.used[j] == tr.unknown[i];
        assert_true(read);
      }
      for (size_t i = 0; i < tr.n_used; i++)
        for (size_t j = i + 1; j < tr.n_used; j++) assert_int_not_equal(tr.used[i], tr.used[j]);
    }
    mm_strbuf_free(&desc);
    mm_strbuf_free(&b);
    mm_arena_free(&arena);
  }
  printf("%d random rules, %d evaluations (%d unknown) agree with the reference\n", compiled,
         evaluated, unknowns);
  assert_true(unknowns > evaluated / 20); /* the unknown paths were exercised */
}

/* Token soup: any input either compiles or gives exactly one error with a
 * position inside the text; nothing crashes (run under ASan in CI). */
static void test_garbage_gives_one_error(void **state) {
  (void)state;
  static const char *const pieces[] = {
      "p", "x", "s", "setting", "exposed", "(", ")", "[", "]", ",", "and", "or", "not", "in",
      "is", "known", "unknown", "true", "false", "<", "<=", ">", ">=", "=", "==", "!=", "1",
      "-2", "3.5", "'a'", "\"b\"", "'", "\"", "&", "|", "!", "-", ".", "\n", " ", "\t",
      "anti-CD38", "PI", "prior_line", "\x01", "\xc3\xa9", "9x", "exposed(", "(PI)"};
  rng g = {12345};
  mm_rule_names names = trn_names();
  mm_value facts[256];
  trn_facts_init(facts);
  int ok = 0, bad = 0;
  for (int iter = 0; iter < 20000; iter++) {
    mm_arena arena;
    mm_arena_init(&arena, 0);
    mm_diags diags;
    mm_diags_init(&diags, &arena);
    mm_strbuf b;
    mm_strbuf_init(&b, 0);
    int n = pick(&g, 12);
    for (int i = 0; i < n; i++) {
      mm_strbuf_puts(&b, pieces[pick(&g, N(pieces))]);
      if (pick(&g, 2)) mm_strbuf_putc(&b, ' ');
    }
    const char *src = b.data ? b.data : "";
    mm_rule *r = NULL;
    int rc = mm_rule_compile(&r, &arena, src, &names, NULL, &diags);
    if (rc == 0) {
      ok++;
      assert_int_equal(diags.errors, 0);
      mm_rule_trace tr;
      mm_tv v = mm_rule_eval(r, facts, &tr);
      assert_true(v == MM_UNKNOWN || tr.n_unknown == 0);
    } else {
      bad++;
      assert_null(r);
      if (diags.errors != 1) fail_msg("'%s': %zu errors", src, diags.errors);
      int lines = 1;
      for (const char *c = src; *c; c++) lines += *c == '\n';
      assert_true(diags.head->line >= 1 && diags.head->line <= lines);
      assert_true(diags.head->col >= 1 && (size_t)diags.head->col <= strlen(src) + 1);
      assert_true(strlen(diags.head->text) > 5);
    }
    mm_strbuf_free(&b);
    mm_arena_free(&arena);
  }
  printf("token soup: %d compiled, %d refused with one positioned error\n", ok, bad);
  assert_true(ok > 100 && bad > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vm_matches_reference),
      cmocka_unit_test(test_garbage_gives_one_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
