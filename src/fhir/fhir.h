/* fhir.h: FHIR R4 import. A Bundle (or one resource) describing one patient,
 * mCODE profiles where present, becomes an mmpath/patient@1 record (JSON).
 *
 * The code -> vocabulary map is kb/fhir.yaml (docs/fhir.md): every code the
 * importer understands is written there with its sources; it is a part of
 * the knowledge base (kb/kb_fhir_map.h, mm_kb_fhir_map(kb)). Anything that
 * cannot be mapped is reported (resource, JSON path, reason) and left out:
 * never guessed. */
#ifndef MM_FHIR_H
#define MM_FHIR_H
#include <stdbool.h>
#include <stddef.h>

#include "json/json.h"
#include "kb/kb.h"
#include "kb/kb_fhir_map.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/strbuf.h"

typedef struct mm_fhir_options {
  mm_date as_of;        /* MM_DATE_NONE: today */
  const char *source;   /* names the input in diagnostics */
} mm_fhir_options;

/* Imports one FHIR R4 JSON text. The record is appended to out. What is left
 * out goes to diags as warnings (with "Type/id.path"); invalid FHIR input
 * as errors. Returns 0 when the record was written, -1 when the input is
 * invalid (nothing written), -2 when out of memory. */
int mm_fhir_import(mm_strbuf *out, const mm_kb *kb, const mm_fhir_map *map, const char *json,
                   size_t len, const mm_fhir_options *opts, mm_diags *diags);

/* The kb drug a FHIR medication concept names (a CodeableConcept such as
 * MedicationRequest.medicationCodeableConcept or Medication.code), by the
 * import's own rules: the kb map's codes, ATC, kb names and Italian product
 * names. Returns the index into kb->drugs, or -1 when it names no kb drug
 * (a supportive drug, an unknown code): why is reported in diags as a
 * warning at `path`, from `source`. Diagnostics live in diags' arena;
 * `arena` holds the paths built while reading. */
int mm_fhir_medication_drug(const mm_kb *kb, const mm_fhir_map *map, const mm_json *concept,
                            mm_arena *arena, mm_diags *diags, const char *source,
                            const char *path);

#endif
