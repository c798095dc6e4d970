/* rule_memo.h: the criteria's rules evaluated once per evaluation. The kb
 * writes the same rule in many places ("age >= 18" 57 times, "prior_lines
 * >= 1" 23 times: 308 criteria, about 80 distinct rules), and each is a
 * pure function of the facts, so a caller that evaluates record after
 * record (mmpath_context) keeps one memo: the first criterion with a rule
 * evaluates it, the others with the same source and the same facts read
 * take its value, its trace and its missing inputs. A memo serves one kb
 * and one thread; mm_evaluate without one evaluates every criterion. */
#ifndef MM_RULE_MEMO_H
#define MM_RULE_MEMO_H
#include <stdint.h>

#include "evaluate/evaluate.h"

/* What one rule gave in the current evaluation (gen == the memo's). */
typedef struct mm_rule_memo_entry {
  uint32_t gen;
  mm_tv value;
  const mm_trace *trace;        /* when explaining */
  bool missing_done;            /* missing, n_missing computed (explaining, unknown) */
  const char *const *missing;
  size_t n_missing;
} mm_rule_memo_entry;

mm_rule_memo *mm_rule_memo_new(void);
void mm_rule_memo_free(mm_rule_memo *m);
/* A new evaluation: every entry is stale (its trace was in the arena reset
 * since). */
void mm_rule_memo_begin(mm_rule_memo *m);
/* The entry of rule (the same for every rule with its source and facts);
 * stale unless entry->gen == mm_rule_memo_gen(m). NULL when out of memory
 * (the caller evaluates the rule itself). */
mm_rule_memo_entry *mm_rule_memo_get(mm_rule_memo *m, const mm_rule *rule);
uint32_t mm_rule_memo_gen(const mm_rule_memo *m);

#endif
