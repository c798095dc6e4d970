/* rule.c: the rule language (src/rule: lexer, parser, compiler, VM,
 * disassembler, describer) over the knowledge base's real names
 * (mm_kb_rule_names). The input is an expression, optionally followed by a
 * NUL and bytes that give the facts' values. Properties: compiling never
 * crashes and a refusal says why (one error diagnostic); an expression
 * compiled evaluates the same with and without a trace; the trace's
 * invariants hold (unknown exactly when some unknown fact is listed, each
 * listed fact read and unknown); and mm_rule_describe's text compiles again
 * to a rule with the same value on the same facts (rule.h). */
#include <string.h>

#include "fuzz.h"
#include "rule/rule.h"
#include "util/strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fuzz_kb();
  return 0;
}

/* A value of the slot's type from the next byte: unknown, or known. */
static mm_value value_of(const mm_fact_def *f, uint8_t v) {
  if (v % 4 == 0) return mm_value_unknown(f->type);
  switch (f->type) {
  case MM_TYPE_BOOL: return mm_value_bool(v & 4);
  case MM_TYPE_NUMBER: {
    static const double nums[] = {0, 1, 2, 3, 4, 5, -1, 0.5, 12, 18, 60, 65, 70, 75, 1e9};
    return mm_value_number(nums[(v >> 2) % (sizeof nums / sizeof nums[0])]);
  }
  default: {
    size_t n = 0;
    while (f->values && f->values[n]) n++;
    if (!n || (v >> 2) % 8 == 7) return mm_value_string("something else");
    return mm_value_string(f->values[(v >> 2) % n]);
  }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > MM_RULE_MAX_SOURCE + 4096) return 0;
  const mm_kb *kb = fuzz_kb();
  const uint8_t *nul = memchr(data, 0, size);
  size_t src_len = nul ? (size_t)(nul - data) : size;
  const uint8_t *fb = nul ? nul + 1 : data, *fe = data + size;

  char *src = malloc(src_len + 1);
  if (!src) abort();
  memcpy(src, data, src_len);
  src[src_len] = '\0';
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_rule_names names;
  mm_kb_rule_names(kb, &names);
  /* where the text was written: a one-line scalar or a block one */
  mm_rule_origin origin = {"fuzz.yaml", 3, 7, size % 2, 5};
  mm_rule *r = NULL;
  int rc = mm_rule_compile(&r, &a, src, &names, &origin, &d);
  if (rc != 0) {
    if (r || d.errors != 1 || !d.head->text[0])
      fuzz_fail("rule: refused with %zu errors", d.errors);
    goto done;
  }
  if (!r || d.errors) fuzz_fail("rule: compiled with %zu errors", d.errors);

  /* the facts the rule reads, valued from the bytes after the NUL */
  mm_value *facts = malloc(kb->n_facts * sizeof *facts);
  if (!facts) abort();
  memcpy(facts, kb->facts_unknown, kb->n_facts * sizeof *facts);
  const int *slots;
  size_t n_slots = mm_rule_slots(r, &slots);
  for (size_t i = 0; i < n_slots; i++) {
    if (slots[i] < 0 || (size_t)slots[i] >= kb->n_facts) fuzz_fail("rule: slot %d", slots[i]);
    facts[slots[i]] = value_of(&kb->facts[slots[i]], fb < fe ? *fb++ : (uint8_t)(i * 37));
  }

  mm_rule_trace tr;
  mm_tv fast = mm_rule_eval(r, facts, NULL), traced = mm_rule_eval(r, facts, &tr);
  if (fast != traced) fuzz_fail("rule: '%s' is %d without a trace, %d with", src, fast, traced);
  if ((traced == MM_UNKNOWN) != (tr.n_unknown > 0))
    fuzz_fail("rule: '%s' is %d with %zu unknown facts listed", src, traced, tr.n_unknown);
  for (size_t i = 0; i < tr.n_unknown; i++) {
    bool read = false;
    for (size_t k = 0; k < tr.n_used; k++) read |= tr.used[k] == tr.unknown[i];
    if (!read || facts[tr.unknown[i]].known)
      fuzz_fail("rule: '%s' lists slot %d as unknown", src, tr.unknown[i]);
  }
  for (size_t i = 0; i < tr.n_used; i++)
    for (size_t k = 0; k < i; k++)
      if (tr.used[i] == tr.used[k]) fuzz_fail("rule: '%s' lists slot %d twice", src, tr.used[i]);

  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_rule_dump(r, &b);
  mm_strbuf_clear(&b);
  mm_rule_describe(r, facts, &b); /* with the values, for explanations */
  mm_strbuf_clear(&b);
  mm_rule_describe(r, NULL, &b);
  if (b.failed) abort();
  mm_rule *again = NULL;
  mm_diags d2;
  mm_diags_init(&d2, &a);
  if (mm_rule_compile(&again, &a, b.data ? b.data : "", &names, NULL, &d2) != 0)
    fuzz_fail("rule: '%s' described as '%s', which does not compile: %s", src,
              b.data ? b.data : "", d2.head ? d2.head->text : "");
  mm_tv re = mm_rule_eval(again, facts, NULL);
  if (re != fast)
    fuzz_fail("rule: '%s' is %d but its description '%s' is %d", src, fast, b.data, re);
  mm_strbuf_free(&b);
  free(facts);
done:
  free(src);
  mm_arena_free(&a);
  return 0;
}
