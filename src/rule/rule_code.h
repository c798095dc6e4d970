/* rule_code.h: internal to src/rule. The compiled form of a criterion, as
 * rule_compile.c writes it and rule_eval.c / rule_dump.c read it. Everything
 * lives in the caller's arena and is read-only after compilation, so one
 * compiled rule may be evaluated from many threads at once. */
#ifndef MM_RULE_CODE_H
#define MM_RULE_CODE_H
#include <stdint.h>

#include "util/value.h"
#include "rule/rule.h"
#include "rule/rule_ops.h"

/* One instruction: 12 bytes. See rule_ops.h for what a, b, k, mode and j
 * mean. */
typedef struct mm_rule_ins {
  uint8_t op;
  uint8_t a, b; /* references, < MM_RULE_MAX_REFS */
  uint8_t mode; /* mm_rule_mode, leaf instructions only */
  uint32_t k;   /* constant, string or list index */
  uint32_t j;   /* jump target */
} mm_rule_ins;

typedef struct mm_rule_list {
  uint32_t start, n; /* a run of the number or string pool */
} mm_rule_list;

/* Deepest evaluation stack a rule may need. Nesting is bounded by
 * MM_RULE_MAX_DEPTH parentheses, and one level holds at most three values
 * below the next '(': an 'or' chain's value, an 'and' chain's value and the
 * left side of '=' (p or q and p = (...)). The compiler still checks. */
#define MM_RULE_STACK (3 * MM_RULE_MAX_DEPTH + 8)

struct mm_rule {
  const char *source;
  const char *file;  /* where source was written (a copy of origin->file), or NULL */
  int line;          /* the line of its first character there, 0 without an origin */
  const mm_rule_ins *code;
  uint32_t n_code;
  uint32_t max_stack;
  const double *nums;
  const char *const *strs;
  const mm_rule_list *lists;
  /* distinct facts, in order of first appearance in the source */
  uint32_t n_refs;
  const int *slots;             /* fact slot of each reference */
  const mm_type *types;         /* its type */
  const char *const *ref_names; /* its name as first written, e.g. "exposed(PI)" */
};

#endif
