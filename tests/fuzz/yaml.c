/* yaml.c: the knowledge base's YAML reader (src/yaml: libyaml events into
 * the strict tree) and, on the tree, the typed readers as a screening
 * criteria file uses them (mm_screen_criteria_parse: keys, strings, rules
 * compiled at the scalar's position). Properties: no crash; a refusal has a
 * message; every node has a position inside the text; every map's keys are
 * distinct scalars found by mm_yaml_get; a scalar mm_yaml_parse_number
 * accepts is finite. */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "screen/screen.h"
#include "yaml/yaml_read.h"
#include "yaml/yaml_tree.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fuzz_kb();
  return 0;
}

static void walk(const mm_yaml *n, int lines, int depth) {
  if (depth > 10000) fuzz_fail("yaml: deeper than 10000");
  if (n->line < 1 || n->col < 1 || n->line > lines)
    fuzz_fail("yaml: a node at %d:%d in a text of %d lines", n->line, n->col, lines);
  switch (n->kind) {
  case MM_YAML_SCALAR: {
    if (!n->str) fuzz_fail("yaml: a scalar without text at %d:%d", n->line, n->col);
    double x;
    if (mm_yaml_parse_number(n->str, &x) && !isfinite(x)) fuzz_fail("yaml: '%s' is %g", n->str, x);
    break;
  }
  case MM_YAML_SEQ:
    for (size_t i = 0; i < n->n; i++) walk(n->items[i], lines, depth + 1);
    break;
  case MM_YAML_MAP:
    for (size_t i = 0; i < n->n; i++) {
      if (n->keys[i]->kind != MM_YAML_SCALAR || !n->keys[i]->str)
        fuzz_fail("yaml: a key that is not a scalar at %d:%d", n->line, n->col);
      /* (a key with a NUL inside is found by its text up to the NUL) */
      if (!mm_yaml_get(n, n->keys[i]->str))
        fuzz_fail("yaml: key '%s' at %d:%d not found by mm_yaml_get", n->keys[i]->str,
                  n->keys[i]->line, n->keys[i]->col);
      walk(n->keys[i], lines, depth + 1);
      walk(n->items[i], lines, depth + 1);
    }
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  /* a bound on the line numbers: libyaml also breaks lines at U+0085,
   * U+2028 and U+2029, and counts CR LF once */
  int lines = size > 1000000 ? 1000000 : (int)size + 1;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_yaml_error err;
  memset(&err, 0, sizeof err);
  mm_yaml *root = mm_yaml_load_string(&a, "fuzz.yaml", text, size, &err);
  if (!root && !err.text[0]) fuzz_fail("yaml: refused without a message");
  if (root) walk(root, lines, 0);

  /* as a screening criteria file */
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_screen_criteria *c = NULL;
  int rc = mm_screen_criteria_parse(&c, fuzz_kb(), "fuzz.yaml", text, size, &d);
  if (rc == 0 && (!c || d.errors)) fuzz_fail("yaml: criteria read with %zu errors", d.errors);
  if (rc != 0 && (c || !d.errors)) fuzz_fail("yaml: criteria refused without an error");
  for (const mm_diag *x = d.head; x; x = x->next)
    if (x->line < 0 || x->col < 0 || x->line > lines)
      fuzz_fail("yaml: a criteria diagnostic at %d:%d in %d lines: %s", x->line, x->col, lines,
                x->text);
  mm_screen_criteria_free(c);
  mm_arena_free(&a);
  return 0;
}
