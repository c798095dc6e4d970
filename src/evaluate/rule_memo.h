/* rule_memo.h: the criteria's rules evaluated once per evaluation. The kb
 * writes the same rule in many places ("age >= 18" 57 times, "prior_lines
 * >= 1" 23 times: 308 `when` rules in kb/, about 80 distinct), and each is a
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

/* The memo's table: a rule pointer to its id (open addressing), the
 * entries by id. Here for the inline lookup below: internal to rule_memo.c
 * otherwise. */
typedef struct mm_rule_memo_slot {
  const mm_rule *rule; /* NULL: empty */
  uint32_t id;
} mm_rule_memo_slot;

struct mm_rule_memo {
  mm_rule_memo_slot *slots;
  size_t cap, n;               /* cap a power of two, n < cap / 2 */
  const mm_rule **first;       /* by id: the first rule met with it */
  mm_rule_memo_entry *entries; /* by id */
  size_t n_ids, cap_ids;
  uint32_t gen;
};

mm_rule_memo *mm_rule_memo_new(void);
void mm_rule_memo_free(mm_rule_memo *m);
/* A new evaluation: every entry is stale (its trace was in the arena reset
 * since). */
void mm_rule_memo_begin(mm_rule_memo *m);
/* The slot a rule pointer hashes to first. */
static inline size_t mm_rule_memo_hash(const mm_rule *r) {
  uint64_t h = (uint64_t)(uintptr_t)r >> 4;
  return (size_t)((h * 0x9E3779B97F4A7C15ULL) >> 32);
}
/* A rule met for the first time: its entry (NULL when out of memory). */
mm_rule_memo_entry *mm_rule_memo_add(mm_rule_memo *m, const mm_rule *rule);
/* The entry of rule (the same for every rule with its source and facts);
 * stale unless entry->gen == m->gen. NULL when out of memory (the caller
 * evaluates the rule itself). Inline: every criterion of every evaluation
 * comes here. */
static inline mm_rule_memo_entry *mm_rule_memo_get(mm_rule_memo *m, const mm_rule *rule) {
  size_t mask = m->cap - 1;
  for (size_t i = m->cap ? mm_rule_memo_hash(rule) & mask : 0; m->cap; i = (i + 1) & mask) {
    const mm_rule_memo_slot *s = &m->slots[i];
    if (s->rule == rule) return &m->entries[s->id];
    if (!s->rule) break;
  }
  return mm_rule_memo_add(m, rule);
}
static inline uint32_t mm_rule_memo_gen(const mm_rule_memo *m) { return m->gen; }

#endif
