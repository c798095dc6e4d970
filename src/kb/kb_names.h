/* kb_names.h: the knowledge base's name tables (internal to src/kb). */
#ifndef MM_KB_NAMES_H
#define MM_KB_NAMES_H
#include "kb/kb.h"

typedef enum {
  MM_NAME_DRUG, MM_NAME_CLASS, MM_NAME_REGIMEN, MM_NAME_AMBIGUOUS,
  /* The same names spelled exactly as in the kb: registries mostly write
   * them so, and an exact match skips normalizing (mm_kb_names_finish). */
  MM_NAME_DRUG_EXACT, MM_NAME_REGIMEN_EXACT
} mm_name_kind;

/* Lowercase (ASCII), without spaces, tabs, '-', '_' and '+'; returns the
 * length written. */
size_t mm_name_normalize(const char *name, char *out, size_t cap);
int mm_kb_names_init(mm_kb *kb, size_t expected);
/* 0 added (or same entry again); -1 the name already names another entry
 * (*existing set); -2 empty name or out of memory; -3 the table is full. */
int mm_kb_names_add(mm_kb *kb, mm_name_kind kind, const char *name, int index,
                    int *existing);
const mm_name_entry *mm_kb_names_get(const mm_kb *kb, mm_name_kind kind,
                                     const char *name, int *index);
/* After every name is added: drops the exact spellings of regimens whose
 * normalized name is ambiguous, so that the ambiguity is still reported. */
void mm_kb_names_finish(mm_kb *kb);
/* 0, or 1 + the slot of a duplicate fact name, or -1 out of memory. */
int mm_kb_fact_index_build(mm_kb *kb);

#endif
