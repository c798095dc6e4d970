/* kb_read.h: the parts of a knowledge-base file that are the kb's own, read
 * on top of the typed YAML reader (yaml/yaml_read.h): bilingual texts and the
 * provenance every entry carries (docs/kb-format.md). Like the typed reader,
 * each reports a problem at its node and returns an empty value. */
#ifndef MM_KB_READ_H
#define MM_KB_READ_H
#include <stdbool.h>

#include "kb/kb.h"
#include "yaml/yaml_read.h"
#include "yaml/yaml_tree.h"

/* A text {en: ..., it: ...}: both languages, each a non-empty string. */
mm_text mm_kb_read_text(mm_yaml_reader *r, const mm_yaml *map, const char *key, bool required);
/* sources (>= 1), updated, reviewed (required), verification, searched and
 * rationale (optional; searched is MM_DATE_NONE, rationale NULL when absent). */
void mm_kb_read_provenance(mm_yaml_reader *r, const mm_yaml *map, mm_provenance *out);
/* The same for a part of an entry (an indication): what it does not say
 * it takes from its parent. */
void mm_kb_read_provenance_inherit(mm_yaml_reader *r, const mm_yaml *map,
                                   const mm_provenance *parent, mm_provenance *out);
/* The provenance of a section of kb/referral.yaml or kb/fhir.yaml, checked
 * but not kept: its verification. Every message starts "<what>: ", in the
 * wording these two files have always had ("'sources' must be a non-empty
 * list", "'updated' must be YYYY-MM-DD, got 'x'", "verification must be
 * ..."), which their tests hold. */
mm_verification mm_kb_check_provenance(mm_yaml_reader *r, const mm_yaml *map, const char *what);
/* The keys every entry may carry: sources, updated, reviewed, verification,
 * searched, rationale. */
#define MM_KB_PROVENANCE_KEYS \
  "sources", "updated", "reviewed", "verification", "searched", "rationale"

#endif
