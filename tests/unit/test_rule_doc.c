/* test_rule_doc.c: runs the examples of docs/rule-language.md (as jq's
 * man.test runs its manual). Every fenced block whose info string is
 * `example` gives facts, a rule and the expected value (and optionally the
 * trace's unknown facts), or a rule and its one compile error; every `dump`
 * block gives a rule and its exact disassembly; every `describe` block a
 * rule, optional facts, and its mm_rule_describe text. The format is described in
 * the document's "Examples" section. A wrong example, an unknown line in a
 * block, or a document with too few examples fails the test, naming the
 * document line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "test_rule_names.h"
#include "util/strbuf.h"

#define DOC MMPATH_SOURCE_DIR "/docs/rule-language.md"

typedef struct block {
  int line;        /* document line of the opening fence */
  bool dump, describe;
  char *facts, *rule, *expect, *missing, *error, *text;
  bool has_missing;
  mm_strbuf body; /* dump: the expected disassembly */
} block;

static char *read_doc(void) {
  FILE *f = fopen(DOC, "rb");
  if (!f) fail_msg("cannot open %s", DOC);
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) mm_strbuf_add(&b, buf, n);
  fclose(f);
  assert_false(b.failed);
  return mm_strbuf_steal(&b);
}

static const char *tvs(mm_tv t) { return t == MM_TRUE ? "true" : t == MM_FALSE ? "false" : "unknown"; }

/* Applies a facts: line ("name=value name=value ..."); strings it keeps
 * are copied into a. 0, or prints the bad pair and returns -1. */
static int apply_facts(mm_arena *a, const char *line, mm_value *facts, int docline) {
  char *fl = mm_arena_strdup(a, line);
  assert_non_null(fl);
  char *p = fl;
  for (;;) {
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) return 0;
    char *tok = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    if (*p) *p++ = '\0';
    char copy[128];
    snprintf(copy, sizeof copy, "%s", tok);
    if (trn_assign(facts, tok) != 0) {
      printf("%s:%d: bad fact '%s'\n", DOC, docline, copy);
      return -1;
    }
  }
}

/* Runs one example; returns 0 or prints why and returns -1. */
static int run_example(const block *bl) {
  mm_arena arena;
  mm_arena_init(&arena, 0);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  mm_rule_names names = trn_names();
  int rc = -1;
  if (!bl->rule) {
    printf("%s:%d: example without 'rule:'\n", DOC, bl->line);
    goto out;
  }
  mm_rule *r = NULL;
  int crc = mm_rule_compile(&r, &arena, bl->rule, &names, NULL, &diags);
  if (bl->dump) {
    if (crc != 0) {
      printf("%s:%d: '%s' does not compile: %s\n", DOC, bl->line, bl->rule, diags.tail->text);
      goto out;
    }
    mm_strbuf got;
    mm_strbuf_init(&got, 0);
    mm_rule_dump(r, &got);
    const char *want = bl->body.data ? bl->body.data : "";
    if (strcmp(got.data ? got.data : "", want) != 0)
      printf("%s:%d: disassembly of '%s' is\n%swant\n%s", DOC, bl->line, bl->rule, got.data,
             want);
    else rc = 0;
    mm_strbuf_free(&got);
    goto out;
  }
  if (bl->describe) {
    if (crc != 0 || !bl->text) {
      printf("%s:%d: describe block needs a rule that compiles and a 'text:'\n", DOC, bl->line);
      goto out;
    }
    mm_value *vals = NULL;
    if (bl->facts) {
      vals = mm_arena_alloc(&arena, (size_t)trn_nslots() * sizeof *vals);
      assert_non_null(vals);
      trn_facts_init(vals);
      if (apply_facts(&arena, bl->facts, vals, bl->line) != 0) goto out;
    }
    mm_strbuf got;
    mm_strbuf_init(&got, 0);
    mm_rule_describe(r, vals, &got);
    if (strcmp(got.data ? got.data : "", bl->text) != 0)
      printf("%s:%d: '%s' is described as\n  %s\nthe document says\n  %s\n", DOC, bl->line,
             bl->rule, got.data, bl->text);
    else rc = 0;
    mm_strbuf_free(&got);
    goto out;
  }
  if (bl->error) {
    if (crc == 0) {
      printf("%s:%d: '%s' compiled, expected error %s\n", DOC, bl->line, bl->rule, bl->error);
      goto out;
    }
    char got[700];
    snprintf(got, sizeof got, "%d:%d: %s", diags.tail->line, diags.tail->col, diags.tail->text);
    if (diags.errors != 1 || strcmp(got, bl->error) != 0)
      printf("%s:%d: '%s' gives %zu error(s), last '%s'; want '%s'\n", DOC, bl->line, bl->rule,
             diags.errors, got, bl->error);
    else rc = 0;
    goto out;
  }
  if (crc != 0) {
    printf("%s:%d: '%s' does not compile: %s\n", DOC, bl->line, bl->rule, diags.tail->text);
    goto out;
  }
  if (!bl->expect) {
    printf("%s:%d: example without 'expect:' or 'error:'\n", DOC, bl->line);
    goto out;
  }
  mm_value *facts = mm_arena_alloc(&arena, (size_t)trn_nslots() * sizeof *facts);
  assert_non_null(facts);
  trn_facts_init(facts);
  if (apply_facts(&arena, bl->facts ? bl->facts : "", facts, bl->line) != 0) goto out;
  mm_rule_trace tr;
  mm_tv got = mm_rule_eval(r, facts, &tr);
  mm_tv fast = mm_rule_eval(r, facts, NULL);
  if (strcmp(tvs(got), bl->expect) != 0 || fast != got) {
    printf("%s:%d: '%s' is %s (untraced %s); the document says %s\n", DOC, bl->line, bl->rule,
           tvs(got), tvs(fast), bl->expect);
    goto out;
  }
  if (bl->has_missing) {
    char names_got[512] = "", name[64];
    size_t used = 0;
    for (size_t i = 0; i < tr.n_unknown; i++)
      used += (size_t)snprintf(names_got + used, sizeof names_got - used, "%s%s", i ? " " : "",
                               trn_slot_name(tr.unknown[i], name, sizeof name));
    if (strcmp(names_got, bl->missing) != 0) {
      printf("%s:%d: '%s' lists unknown [%s]; the document says [%s]\n", DOC, bl->line, bl->rule,
             names_got, bl->missing);
      goto out;
    }
  }
  rc = 0;
out:
  mm_arena_free(&arena);
  return rc;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
  return s;
}

static void test_doc_examples(void **state) {
  (void)state;
  char *doc = read_doc();
  int n_examples = 0, n_errors = 0, n_dumps = 0, failures = 0, lineno = 0;
  block bl;
  bool in_block = false;
  for (char *line = doc; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    lineno++;
    if (!in_block) {
      if (strcmp(line, "```example") == 0 || strcmp(line, "```dump") == 0 ||
          strcmp(line, "```describe") == 0) {
        memset(&bl, 0, sizeof bl);
        bl.line = lineno;
        bl.dump = strcmp(line, "```dump") == 0;
        bl.describe = strcmp(line, "```describe") == 0;
        mm_strbuf_init(&bl.body, 0);
        in_block = true;
      }
    } else if (strcmp(line, "```") == 0) {
      in_block = false;
      if (bl.dump || bl.describe) n_dumps++;
      else if (bl.error) n_errors++;
      else n_examples++;
      if (run_example(&bl) != 0) failures++;
      mm_strbuf_free(&bl.body);
    } else if (strncmp(line, "rule:", 5) == 0) {
      bl.rule = trim(line + 5);
    } else if (bl.dump) {
      mm_strbuf_puts(&bl.body, line);
      mm_strbuf_putc(&bl.body, '\n');
    } else if (strncmp(line, "facts:", 6) == 0) {
      bl.facts = trim(line + 6);
    } else if (strncmp(line, "expect:", 7) == 0) {
      bl.expect = trim(line + 7);
    } else if (strncmp(line, "missing:", 8) == 0) {
      bl.missing = trim(line + 8);
      bl.has_missing = true;
    } else if (bl.describe && strncmp(line, "text:", 5) == 0) {
      bl.text = trim(line + 5);
    } else if (strncmp(line, "error:", 6) == 0) {
      bl.error = trim(line + 6);
    } else {
      printf("%s:%d: unknown line in example: %s\n", DOC, lineno, line);
      failures++;
    }
    line = nl ? nl + 1 : NULL;
  }
  if (in_block) {
    printf("%s: unterminated example block at line %d\n", DOC, bl.line);
    failures++;
    mm_strbuf_free(&bl.body);
  }
  printf("%s: %d value examples, %d error examples, %d disassemblies/descriptions, %d failed\n", DOC,
         n_examples, n_errors, n_dumps, failures);
  free(doc);
  assert_int_equal(failures, 0);
  /* the document must keep a real set of examples */
  assert_true(n_examples >= 25);
  assert_true(n_errors >= 5);
  assert_true(n_dumps >= 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_doc_examples),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
