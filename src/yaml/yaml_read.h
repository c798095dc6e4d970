/* yaml_read.h: typed reading of an mm_yaml tree against a schema; every file
 * of the knowledge base (kb entries, score tables, referral vocabulary, FHIR
 * code map) is read with these.
 *
 * Each reader reports a problem as a diagnostic at the node's file:line:col,
 * with a code (MM_E_MISSING, MM_E_TYPE, MM_E_UNKNOWN_KEY...), and returns an
 * empty value, so that a loader goes on and reports every problem in one
 * pass. Strings returned are borrowed from the tree; lists are allocated in
 * the reader's arena. Nothing here is kb-specific (texts {en, it} and
 * provenance are read by src/kb on top of this). */
#ifndef MM_YAML_READ_H
#define MM_YAML_READ_H
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/date.h"
#include "util/diag.h"
#include "yaml/yaml_tree.h"

typedef struct mm_yaml_reader {
  mm_arena *arena;  /* what the readers allocate (lists of strings) */
  mm_diags *diags;  /* where every problem goes */
} mm_yaml_reader;

/* Reports an error at node `at` (its file:line:col; no position when at is
 * NULL). The text is formatted once, into the diagnostics. */
void mm_yaml_report(mm_yaml_reader *r, const mm_yaml *at, mm_diag_code code, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));

/* Is node of this kind? Else (node NULL too) "<what> must be a single value",
 * "... a list" or "... a map of keys" (MM_E_TYPE) and false. */
bool mm_yaml_is(mm_yaml_reader *r, const mm_yaml *node, mm_yaml_kind kind, const char *what);
static inline bool mm_yaml_is_map(mm_yaml_reader *r, const mm_yaml *node, const char *what) {
  return mm_yaml_is(r, node, MM_YAML_MAP, what);
}

/* Every key of map must be in allowed (NULL-ended); each other key is
 * "unknown key 'k' (known: a, b, ...)" (MM_E_UNKNOWN_KEY) at the key. True
 * when every key is known; true and silent when map is not a map. */
bool mm_yaml_check_keys(mm_yaml_reader *r, const mm_yaml *map, const char *const *allowed);

/* The member `key` of map when it is of `kind`. When absent: NULL, and
 * "missing key 'key'" (MM_E_MISSING) at the map if required. When of another
 * kind: NULL and "'key' must be a single value" / "a list" / "a map"
 * (MM_E_TYPE). */
const mm_yaml *mm_yaml_member(mm_yaml_reader *r, const mm_yaml *map, const char *key,
                              mm_yaml_kind kind, bool required);
static inline const mm_yaml *mm_yaml_read_seq(mm_yaml_reader *r, const mm_yaml *map,
                                              const char *key, bool required) {
  return mm_yaml_member(r, map, key, MM_YAML_SEQ, required);
}
static inline const mm_yaml *mm_yaml_read_map(mm_yaml_reader *r, const mm_yaml *map,
                                              const char *key, bool required) {
  return mm_yaml_member(r, map, key, MM_YAML_MAP, required);
}

/* A scalar's text, or NULL. Required also means not empty ("'key' must not
 * be empty"). */
const char *mm_yaml_read_string(mm_yaml_reader *r, const mm_yaml *map, const char *key,
                                bool required);
/* A list of scalars, NULL-ended, in r->arena; *n is its length (items that
 * are not scalars are reported and left out). NULL when absent or not a
 * list. */
const char **mm_yaml_read_strings(mm_yaml_reader *r, const mm_yaml *map, const char *key,
                                  size_t *n, bool required);

/* A plain decimal number: digits, one optional sign and point ("-1.5", "42");
 * no exponent, hex, inf or nan (docs/kb-format.md). */
bool mm_yaml_parse_number(const char *s, double *out);
/* The number under key into *out; false when absent or not a plain decimal
 * ("'key' must be a plain decimal number, got 'x'", MM_E_TYPE). */
bool mm_yaml_read_number(mm_yaml_reader *r, const mm_yaml *map, const char *key, double *out,
                         bool required);
/* true or false; dflt when absent (or wrong, after reporting it). */
bool mm_yaml_read_bool(mm_yaml_reader *r, const mm_yaml *map, const char *key, bool dflt);
/* A date YYYY-MM-DD that exists; MM_DATE_NONE when absent or wrong. */
mm_date mm_yaml_read_date(mm_yaml_reader *r, const mm_yaml *map, const char *key, bool required);
/* One of names (NULL-ended): its index. dflt when absent; dflt and "'key'
 * must be a, b or c, got 'x'" (MM_E_INVALID) when it is none of them. */
int mm_yaml_read_enum(mm_yaml_reader *r, const mm_yaml *map, const char *key,
                      const char *const *names, int dflt);

#endif
