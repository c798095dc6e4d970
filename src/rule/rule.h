/* rule.h: the criteria language of the knowledge base.
 *
 * A criterion is one expression over the patient's derived facts, e.g.
 *   prior_lines >= 3 and exposed(PI) and exposed(IMiD) and exposed(anti-CD38)
 * It is compiled once, when the knowledge base loads (names resolved to fact
 * slots, types checked), and evaluated many times without re-parsing, in
 * three-valued (Kleene) logic. docs/rule-language.md is the reference.
 *
 * The language knows nothing of myeloma: names are resolved through the
 * caller's mm_rule_names, so the same compiler serves the knowledge base,
 * the analyst's --criteria files and the tests. */
#ifndef MM_RULE_H
#define MM_RULE_H
#include <stddef.h>

#include "util/value.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/strbuf.h"

#define MM_RULE_MAX_SOURCE 65536 /* bytes of one expression */
#define MM_RULE_MAX_DEPTH 200    /* nesting of parentheses and operators */
#define MM_RULE_MAX_REFS 64      /* distinct facts one expression may read */

/* What a name (or a call such as exposed(PI)) stands for. */
typedef struct mm_rule_name_info {
  int slot;                    /* index into the fact vector */
  mm_type type;
  const char *const *values;   /* strings only: the allowed values, NULL-ended, or NULL */
} mm_rule_name_info;

typedef struct mm_rule_names {
  /* Resolve a bare name; returns 0 and fills *out, or -1 if unknown. */
  int (*resolve)(void *payload, const char *name, mm_rule_name_info *out);
  /* Resolve fn(arg), e.g. exposed(anti-CD38); -1 if unknown. On -1 the
   * resolver may write a reason into why (size why_len), e.g. "no drug or
   * class named 'anti-CD83'; did you mean 'anti-CD38'?". */
  int (*resolve_call)(void *payload, const char *fn, const char *arg,
                      mm_rule_name_info *out, char *why, size_t why_len);
  /* Every bare name, for "did you mean" suggestions. */
  void (*each_name)(void *payload, void (*cb)(void *ctx, const char *name), void *ctx);
  void *payload;
} mm_rule_names;

typedef struct mm_rule mm_rule; /* compiled; lives in the caller's arena */

/* Where an expression was written, for error positions. For a one-line
 * YAML scalar, line/col are the scalar's; errors inside the expression are
 * reported at line, col + offset (or the right line for multi-line text). */
typedef struct mm_rule_origin {
  const char *file;
  int line, col;
  int block;  /* 1 if written as a YAML block scalar (text starts next line) */
  int indent; /* block scalar: column of its text, 1-based */
} mm_rule_origin;

/* Compiles src. On error returns -1 and adds one diagnostic to diags with
 * file, line, column and a message that suggests the nearest known name. */
int mm_rule_compile(mm_rule **out, mm_arena *arena, const char *src,
                    const mm_rule_names *names, const mm_rule_origin *origin,
                    mm_diags *diags);

/* What one evaluation looked at: the distinct slots the expression read, and
 * those whose unknown value made the result unknown (empty unless the result
 * is MM_UNKNOWN). Fixed arrays: evaluation never allocates. */
typedef struct mm_rule_trace {
  int used[MM_RULE_MAX_REFS];
  size_t n_used;
  int unknown[MM_RULE_MAX_REFS];
  size_t n_unknown;
} mm_rule_trace;

/* Evaluates against facts[slot]. trace may be NULL (fast path). */
mm_tv mm_rule_eval(const mm_rule *rule, const mm_value *facts, mm_rule_trace *trace);

/* The slots the expression reads, in order of first appearance. */
size_t mm_rule_slots(const mm_rule *rule, const int **slots_out);
/* The expression's source text, as written. */
const char *mm_rule_source(const mm_rule *rule);
/* Whether two rules compiled against one kb's fact names are the same rule:
 * the same source reading the same slots, hence the same code and, for the
 * same facts, the same value and trace. What the evaluation's rule memo and
 * the screening plan share a rule's result by. */
bool mm_rule_same(const mm_rule *a, const mm_rule *b);
/* Where it was written: the origin's file and the line of the expression's
 * first character (*line), or NULL (and 0) when compiled without an origin. */
const char *mm_rule_file(const mm_rule *rule, int *line);

/* How the expression first named a slot it reads ("prior_lines",
 * "exposed(PI)"), for explanations; NULL if it does not read that slot. */
const char *mm_rule_slot_name(const mm_rule *rule, int slot);

/* Appends the disassembly of the compiled code to out, one instruction per
 * line ("     0  GEN    r0 prior_lines, 3"); see src/rule/rule_ops.h. */
void mm_rule_dump(const mm_rule *rule, mm_strbuf *out);
/* Appends the rule as a canonical expression, rebuilt from the bytecode:
 * facts named as first written, constants on the right of comparisons,
 * only needed parentheses ("prior_lines >= 3 and (p or q)"). With facts
 * (may be NULL), each fact shows its value: "prior_lines [2] >= 3 and
 * progression_on_last [unknown]". Compiling the text again gives a rule with
 * the same value on every fact vector. Allocates; not for the hot path. */
void mm_rule_describe(const mm_rule *rule, const mm_value *facts, mm_strbuf *out);
/* The name of opcode op as the disassembler prints it, or NULL. */
const char *mm_rule_op_name(int op);

#endif
