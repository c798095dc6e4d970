/* test_rule_describe.c: mm_rule_describe renders a compiled rule back as a
 * canonical expression (docs/rule-language.md, "Describing a rule"), with
 * fact values when given the fact vector, for explanations such as "why is
 * this option not eligible". Round trips of random rules are checked in
 * test_rule_random.c. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "test_rule_names.h"
#include "util/strbuf.h"

static void check(const char *src, const mm_value *facts, const char *want) {
  mm_arena arena;
  mm_arena_init(&arena, 0);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  mm_rule_names names = trn_names();
  mm_rule *r = NULL;
  if (mm_rule_compile(&r, &arena, src, &names, NULL, &diags) != 0)
    fail_msg("'%s': %s", src, diags.tail->text);
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_rule_describe(r, facts, &b);
  if (strcmp(b.data ? b.data : "", want) != 0)
    fail_msg("'%s'\n  described as '%s'\n  want         '%s'", src, b.data, want);
  mm_strbuf_free(&b);
  mm_arena_free(&arena);
}

static void test_canonical_text(void **state) {
  (void)state;
  check("prior_lines >= 3 and exposed(PI) and exposed(IMiD) and exposed(anti-CD38) and "
        "progression_on_last", NULL,
        "prior_lines >= 3 and exposed(PI) and exposed(IMiD) and exposed(anti-CD38) and "
        "progression_on_last");
  check("3 <= prior_lines and (exposed(PI) or setting in ['first_relapse'])", NULL,
        "prior_lines >= 3 and (exposed(PI) or setting in ['first_relapse'])");
  check("((p)) OR (q AND r)", NULL, "p or q and r");
  check("(p or q) and r", NULL, "(p or q) and r");
  check("not (p and q)", NULL, "not (p and q)");
  check("not x < 3", NULL, "not x < 3");
  check("x is unknown or x is not known or x is known", NULL,
        "x is unknown or x is unknown or x is known");
  check("x not in [1, 2.5] and s not in [\"it's\"]", NULL,
        "x not in [1, 2.5] and s not in [\"it's\"]");
  check("p = false and q != false and (p and q) = r", NULL, "not p and q and (p and q) = r");
  check("(p or q) is unknown", NULL, "(p or q) is unknown");
  check("x == y and s != t and frailty = 'fit'", NULL, "x = y and s != t and frailty = 'fit'");
  check("true or false", NULL, "true or false");
  check("2 > 1", NULL, "true"); /* folded at compile time */
  check("count_refractory(PI) >= 2 and refractory(Revlimid)", NULL,
        "count_refractory(PI) >= 2 and refractory(Revlimid)");
}

/* Constants are written as the language reads them (plain decimals: no
 * exponent, docs/rule-language.md) and exactly, so that the text compiles
 * again to the same rule (rule.h). "%g" wrote 1777777777777 as 1.77778e+12,
 * which does not compile; found by tests/fuzz/rule.c. */
static void test_constants_exact(void **state) {
  (void)state;
  check("prior_lines >= 1777777777777", NULL, "prior_lines >= 1777777777777");
  check("x < 0.1234567", NULL, "x < 0.1234567");
  check("x > 0.000000015", NULL, "x > 0.000000015");
  check("x in [123456789.25, -1000000000000000000000]", NULL,
        "x in [123456789.25, -1000000000000000000000]");
  check("x = -0.5", NULL, "x = -0.5");
}

static void test_with_values(void **state) {
  (void)state;
  mm_value facts[256];
  trn_facts_init(facts);
  facts[trn_slot_of("prior_lines")] = mm_value_number(2);
  facts[trn_slot_of("exposed(PI)")] = mm_value_bool(true);
  facts[trn_slot_of("setting")] = mm_value_string("first_relapse");
  check("prior_lines >= 3 and exposed(PI) and progression_on_last", facts,
        "prior_lines [2] >= 3 and exposed(PI) [true] and progression_on_last [unknown]");
  check("setting in ['first_relapse'] or ecog is known", facts,
        "setting ['first_relapse'] in ['first_relapse'] or ecog [unknown] is known");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_canonical_text),
      cmocka_unit_test(test_constants_exact),
      cmocka_unit_test(test_with_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
