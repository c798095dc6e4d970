/* rule_memo.c: see rule_memo.h. A rule pointer maps to a dense id through
 * an open-addressing table (built as rules are first met, so the first
 * evaluations with a new memo pay for it); rules with the same source text
 * and the same facts read share an id. */
#include "evaluate/rule_memo.h"

#include <stdlib.h>
#include <string.h>

typedef mm_rule_memo_slot slot;

mm_rule_memo *mm_rule_memo_new(void) {
  mm_rule_memo *m = calloc(1, sizeof *m);
  if (m) m->gen = 1;
  return m;
}

void mm_rule_memo_free(mm_rule_memo *m) {
  if (!m) return;
  free(m->slots);
  free(m->first);
  free(m->entries);
  free(m);
}

void mm_rule_memo_begin(mm_rule_memo *m) {
  if (++m->gen == 0) { /* wrapped: forget every value */
    for (size_t i = 0; i < m->n_ids; i++) m->entries[i].gen = 0;
    m->gen = 1;
  }
}


static slot *find(const mm_rule_memo *m, const mm_rule *r) {
  size_t mask = m->cap - 1;
  for (size_t i = mm_rule_memo_hash(r) & mask;; i = (i + 1) & mask)
    if (!m->slots[i].rule || m->slots[i].rule == r) return &m->slots[i];
}

static bool grow(mm_rule_memo *m) {
  size_t cap = m->cap ? m->cap * 2 : 512;
  slot *old = m->slots;
  size_t old_cap = m->cap;
  m->slots = calloc(cap, sizeof *m->slots);
  if (!m->slots) {
    m->slots = old;
    return false;
  }
  m->cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].rule) *find(m, old[i].rule) = old[i];
  free(old);
  return true;
}

/* A rule met for the first time: the id of an earlier same rule, or a new one. */
static bool assign(mm_rule_memo *m, const mm_rule *r, uint32_t *id) {
  for (size_t i = 0; i < m->n_ids; i++)
    if (mm_rule_same(m->first[i], r)) {
      *id = (uint32_t)i;
      return true;
    }
  if (m->n_ids == m->cap_ids) {
    size_t cap = m->cap_ids ? m->cap_ids * 2 : 128;
    const mm_rule **first = realloc(m->first, cap * sizeof *first);
    if (!first) return false;
    m->first = first;
    mm_rule_memo_entry *entries = realloc(m->entries, cap * sizeof *entries);
    if (!entries) return false;
    m->entries = entries;
    m->cap_ids = cap;
  }
  m->first[m->n_ids] = r;
  m->entries[m->n_ids] = (mm_rule_memo_entry){0};
  *id = (uint32_t)m->n_ids++;
  return true;
}

mm_rule_memo_entry *mm_rule_memo_add(mm_rule_memo *m, const mm_rule *rule) {
  uint32_t id;
  if ((m->n + 1) * 2 > m->cap && !grow(m)) return NULL;
  if (!assign(m, rule, &id)) return NULL;
  *find(m, rule) = (slot){rule, id};
  m->n++;
  return &m->entries[id];
}
