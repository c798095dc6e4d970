/* kb_read.h: typed reading of knowledge-base YAML nodes against a schema.
 * Each reader adds a diagnostic at the node's file:line:col on a problem and
 * returns an empty value, so a loader reports every problem in one pass. */
#ifndef MM_KB_READ_H
#define MM_KB_READ_H
#include <stdbool.h>

#include "kb/kb.h"
#include "yaml/yaml_tree.h"

typedef struct mm_kb_reader {
  mm_arena *arena;
  mm_diags *diags;
} mm_kb_reader;

void mm_kbr_error(mm_kb_reader *r, const mm_yaml *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Is node a map (else error "<what> must be a map")? */
bool mm_kbr_is_map(mm_kb_reader *r, const mm_yaml *node, const char *what);
/* Every key of map must be in allowed (NULL-ended); else "unknown key". */
void mm_kbr_check_keys(mm_kb_reader *r, const mm_yaml *map, const char *const *allowed);
const char *mm_kbr_string(mm_kb_reader *r, const mm_yaml *map, const char *key, bool required);
mm_text mm_kbr_text(mm_kb_reader *r, const mm_yaml *map, const char *key, bool required);
const char **mm_kbr_strings(mm_kb_reader *r, const mm_yaml *map, const char *key,
                            size_t *n, bool required);
mm_date mm_kbr_date(mm_kb_reader *r, const mm_yaml *map, const char *key, bool required);
bool mm_kbr_number(mm_kb_reader *r, const mm_yaml *map, const char *key, double *out,
                   bool required);
bool mm_kbr_bool(mm_kb_reader *r, const mm_yaml *map, const char *key, bool dflt);
/* sources (>= 1), updated, reviewed (required) and verification (optional). */
void mm_kbr_provenance(mm_kb_reader *r, const mm_yaml *map, mm_provenance *out);
/* The same for a part of an entry (an indication): what it does not say
 * it takes from its parent. */
void mm_kbr_provenance_inherit(mm_kb_reader *r, const mm_yaml *map, const mm_provenance *parent,
                               mm_provenance *out);
/* The keys every entry may carry: sources, updated, reviewed, verification. */
#define MM_KB_PROVENANCE_KEYS "sources", "updated", "reviewed", "verification"
/* A sequence under key (NULL and an error if required and absent). */
const mm_yaml *mm_kbr_seq(mm_kb_reader *r, const mm_yaml *map, const char *key, bool required);

#endif
