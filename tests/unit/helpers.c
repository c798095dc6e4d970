/* helpers.c: see helpers.h. */
#include "helpers.h"

#include "evaluate/render_common.h"
#include "kb/kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const mm_criterion_result *test_crit(const mm_option_result *o, const char *cid) {
  for (size_t i = 0; i < o->n_criteria; i++)
    if (strcmp(o->criteria[i].crit->id, cid) == 0) return &o->criteria[i];
  fail_msg("option %s has no criterion %s", o->opt->id, cid);
  return NULL;
}

void test_expect_status(const mm_option_result *o, int want) {
  if (o->status == (mm_tv)want) return;
  fprintf(stderr, "  %s: status %s, expected %s; criteria:", o->opt->id, mm_status_word(o->status),
          mm_status_word((mm_tv)want));
  for (size_t i = 0; i < o->n_criteria; i++)
    fprintf(stderr, " %s=%s", o->criteria[i].crit->id, mm_status_word(o->criteria[i].result));
  fprintf(stderr, "\n");
  fail_msg("%s: wrong status", o->opt->id);
}

void test_expect_fails(const mm_option_result *o, const char *failing) {
  test_expect_status(o, MM_FALSE);
  char got[512] = "";
  size_t len = 0;
  for (size_t i = 0; i < o->n_criteria && len < sizeof got; i++)
    if (o->criteria[i].result == MM_FALSE)
      len += (size_t)snprintf(got + len, sizeof got - len, "%s%s", len ? " " : "", o->criteria[i].crit->id);
  if (strcmp(got, failing) != 0) fail_msg("%s fails on '%s', expected '%s'", o->opt->id, got, failing);
}
