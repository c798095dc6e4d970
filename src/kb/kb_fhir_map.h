/* kb_fhir_map.h: the code -> mmpath vocabulary map of the FHIR importer,
 * from kb/fhir.yaml (docs/fhir.md): every code the importer understands,
 * with its sources. A part of the knowledge base (mm_kb_fhir_map), loaded
 * with it and checked against its vocabularies (every target must exist);
 * src/fhir reads FHIR with it.
 *
 * Ownership: every string and array lives in the kb's arena. */
#ifndef MM_KB_FHIR_MAP_H
#define MM_KB_FHIR_MAP_H
#include <stdbool.h>
#include <stddef.h>

#include "kb/kb.h"

typedef enum {
  MM_FHIR_DIAGNOSIS,     /* the myeloma primary cancer condition */
  MM_FHIR_DRUG,          /* kb drug */
  MM_FHIR_LAB,           /* kb lab test, with UCUM unit spellings */
  MM_FHIR_COMORBIDITY,   /* kb comorbidity id */
  MM_FHIR_FISH,          /* diagnosis.fish finding */
  MM_FHIR_OBSERVATION,   /* what an Observation.code is (ecog, karnofsky, ...) */
  MM_FHIR_STATUS,        /* a cancer disease status value */
  MM_FHIR_ISS,           /* an ISS stage value: ref 1..3 */
  MM_FHIR_STOP,          /* a treatment termination reason: ref into mm_fhir_stop_names */
  MM_FHIR_RESULT,        /* a test result: present / absent / indeterminate (mm_fhir_result) */
  MM_FHIR_PROCEDURE,     /* a Procedure the record knows: mm_fhir_proc */
  MM_FHIR_RISS           /* an R-ISS stage value: ref 1..3 */
} mm_fhir_kind;

/* MM_FHIR_OBSERVATION values */
typedef enum {
  MM_FHIR_OBS_ECOG,
  MM_FHIR_OBS_KARNOFSKY,
  MM_FHIR_OBS_DISEASE_STATUS,
  MM_FHIR_OBS_CYTOGENETICS,
  MM_FHIR_OBS_ISCN,
  MM_FHIR_OBS_ISS_STAGE,
  MM_FHIR_OBS_COMORBIDITIES, /* mCODE Comorbidities: present/absent conditions in extensions */
  MM_FHIR_OBS_RISS_STAGE     /* mCODE MyelomaRISSStage */
} mm_fhir_obs;

/* MM_FHIR_STATUS values */
typedef enum {
  MM_FHIR_ST_PROGRESSION,
  MM_FHIR_ST_IMPROVED,
  MM_FHIR_ST_STABLE,
  MM_FHIR_ST_UNDETERMINED
} mm_fhir_status;

/* MM_FHIR_RESULT values: a genomic variant's value (LOINC answer list
 * LL1971-2) or interpretation (HL7 v3 ObservationInterpretation). */
typedef enum {
  MM_FHIR_RES_PRESENT,
  MM_FHIR_RES_ABSENT,
  MM_FHIR_RES_INDETERMINATE
} mm_fhir_result;

typedef struct mm_fhir_unit {
  const char *ucum;   /* Quantity.code */
  const char *unit;   /* spelling accepted by kb/vocabulary/labs.yaml */
  double factor;      /* to the lab's canonical unit (from labs.yaml) */
} mm_fhir_unit;

typedef struct mm_fhir_mapping {
  const char *system;  /* URI */
  const char *sys_name;/* short name (loinc, snomed, ...) */
  const char *code, *display;
  mm_fhir_kind kind;
  int ref;             /* drug / lab / comorbidity index, fish index, obs or status value */
  mm_fhir_unit *units; /* labs */
  size_t n_units;
  mm_verification verification;
  int line;            /* in kb/fhir.yaml */
} mm_fhir_mapping;

typedef struct mm_fhir_map {
  const char *file;
  mm_fhir_mapping *maps;
  size_t n_maps;
  const char **sys_uri, **sys_id, **sys_label; /* code systems, parallel */
  size_t n_sys;
  /* line grouping windows (src/facts/line_grouping.h, mm_lines_input), days */
  int gap_days, regimen_days, maintenance_days, conditioning_days, bridging_days;
  int *steroid_classes;  /* indices into kb->classes: never a bound of a line */
  size_t n_steroid_classes;
  struct mm_fhir_supportive *supportive; /* not myeloma therapy: never in a line */
  size_t n_supportive;
  /* Unit spellings that differ from a UCUM code only in case ("g/l" for
   * "g/L"): UCUM is case-sensitive, many exports are not. Parallel arrays;
   * each ucum is a unit code of some lab mapping. */
  const char **case_variant, **case_ucum;
  size_t n_case;
} mm_fhir_map;

/* MM_FHIR_PROCEDURE values */
typedef enum { MM_FHIR_PROC_ASCT, MM_FHIR_PROC_APHERESIS } mm_fhir_proc;

/* A supportive drug (kb/fhir.yaml supportive): an ATC code and the names
 * products are written with. */
typedef struct mm_fhir_supportive {
  const char *id, *atc;
  const char **names;
  size_t n_names;
} mm_fhir_supportive;

/* The supportive drug of an ATC code, or of a product text that begins
 * with one of its names (case-insensitive); NULL. Either may be NULL. */
const mm_fhir_supportive *mm_fhir_supportive_find(const mm_fhir_map *map, const char *atc,
                                                  const char *text);

/* The fish findings a map may name: those of the record's diagnosis.fish,
 * in record order (the first MM_FHIR_FISH_IN_RECORD), then those the record
 * has no field for (t11_14), which an import reports and leaves out. */
extern const char *const mm_fhir_fish_names[];
enum { MM_FHIR_FISH_IN_RECORD = 5 };
/* The stop_reason values of a record's line. */
extern const char *const mm_fhir_stop_names[];

/* The mapping of (system URI, code), or NULL. */
const mm_fhir_mapping *mm_fhir_map_find(const mm_fhir_map *map, const char *system,
                                        const char *code);
/* The UCUM code of which unit is a listed case variant ("g/l" -> "g/L"),
 * or NULL. */
const char *mm_fhir_ucum_case(const mm_fhir_map *map, const char *unit);
/* Short name of a system URI ("LOINC", "SNOMED CT"...) for messages. */
const char *mm_fhir_system_label(const mm_fhir_map *map, const char *system);

#endif
