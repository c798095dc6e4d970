/* helpers.c: see helpers.h. */
#include "helpers.h"

#include "kb/kb.h"

#include <stdio.h>
#include <stdlib.h>

const char *test_data_path(const char *name) {
  static char buf[4096];
  const char *dir = getenv("MMPATH_TESTDATA");
  snprintf(buf, sizeof buf, "%s/%s", dir ? dir : MMPATH_SOURCE_DIR "/tests/data", name);
  return buf;
}

const char *test_kb_dir(void) {
  const char *dir = getenv("MMPATH_KB");
  return dir ? dir : MMPATH_SOURCE_DIR "/kb";
}

int test_kb_load(struct mm_kb **out) {
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  int rc = mm_kb_load(out, test_kb_dir(), &d);
  for (const mm_diag *x = d.head; x; x = x->next)
    fprintf(stderr, "%s:%d: %s\n", x->source ? x->source : "", x->line, x->text);
  mm_arena_free(&a);
  return rc;
}
