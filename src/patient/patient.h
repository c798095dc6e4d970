/* patient.h: a patient record (mmpath/patient@1, shared/spec/patient-record.md)
 * read, checked and resolved against the knowledge base's vocabularies.
 * Everything lives in the caller's arena. Absent fields stay absent: the
 * facts engine turns them into "unknown", never into false. */
#ifndef MM_PATIENT_H
#define MM_PATIENT_H
#include <stdbool.h>
#include <stddef.h>

#include "util/value.h"
#include "json/json.h"
#include "kb/kb.h"
#include "score/score.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/diag.h"

typedef enum {
  MM_STOP_NONE = -1,
  MM_STOP_PROGRESSION, MM_STOP_TOXICITY, MM_STOP_COMPLETED,
  MM_STOP_PATIENT_CHOICE, MM_STOP_OTHER
} mm_stop_reason;

/* One drug inside a line: its own dates when given, else the phase's. */
typedef struct mm_drug_use {
  int drug;          /* index into kb->drugs */
  mm_date start, end;/* own dates, MM_DATE_NONE when not given */
  bool own_dates;
  const char *path;  /* "lines[1].drugs[2]" or "lines[0].regimen" */
} mm_drug_use;

typedef struct mm_line {
  const char *path;          /* "lines[k]" */
  const char *regimen_name;  /* as written */
  const mm_regimen *regimen; /* resolved, or NULL */
  mm_drug_use *drugs;        /* induction / main phase */
  size_t n_drugs;
  bool drugs_known;          /* regimen or drugs given */
  mm_date start, end;        /* MM_DATE_NONE when absent (no end: ongoing) */
  bool has_asct;
  mm_date asct;              /* MM_DATE_NONE when given as true */
  bool has_maintenance;
  mm_drug_use *maint;
  size_t n_maint;
  mm_date maint_start, maint_end;
  mm_response_cat best_response; /* score/score.h: the IMWG categories */
  bool has_progression;
  mm_date progression;
  mm_stop_reason stop_reason;
  int *refractory_to;        /* drug indices declared by the clinician */
  size_t n_refractory_to;
  const char *provisional;   /* why the line's bounds are not sure (lines grouped from
                              * medication records, docs/fhir.md), NULL when they are */
} mm_line;

typedef struct mm_observation {
  int lab;            /* index into kb->labs */
  mm_date date;
  double value;       /* canonical unit */
  const char *category; /* categorical tests */
  const char *path;
} mm_observation;

typedef struct mm_patient {
  const char *id, *center;
  mm_date as_of;
  bool as_of_given;
  mm_date birth_date;
  mm_value age_given;             /* number, from "age" */
  const char *sex;                /* NULL when absent */
  mm_value ecog;                  /* number */
  mm_value charlson, adl, iadl;   /* frailty inputs */
  bool comorbidities_given;
  int *comorbidities;             /* indices into kb->comorbidities */
  size_t n_comorbidities;
  mm_value transplant_eligible;   /* bool, unknown when null/absent */
  bool diagnosis_given;           /* a `diagnosis` object, even empty: the
                                     record states a myeloma diagnosis */
  mm_date diagnosis_date;
  mm_value iss;                   /* number 1..3 */
  mm_value beta2m_mg_l, albumin_g_dl;
  mm_value ldh_above_uln;
  mm_value del17p, t4_14, t14_16, gain1q, amp1q;
  mm_value extramedullary, plasma_cell_leukemia, cns;
  mm_observation *labs;
  size_t n_labs;
  bool lines_given;
  mm_line *lines;
  size_t n_lines;
} mm_patient;

/* Reads one record from JSON text. Every problem is added to diags with its
 * field path and the JSON line/column; returns 0 when the record is valid,
 * -1 otherwise (*out is then NULL). source names the input in diagnostics. */
int mm_patient_read(mm_patient **out, mm_arena *arena, const mm_kb *kb,
                    const char *json, size_t len, const char *source,
                    mm_diags *diags);
/* Same, from an already parsed JSON value. */
int mm_patient_from_json(mm_patient **out, mm_arena *arena, const mm_kb *kb,
                         const mm_json *root, const char *source, mm_diags *diags);

/* Flags of mm_patient_from_json_ex. MM_READ_NO_PATHS: the patient's paths
 * (mm_line.path, ...) are left empty, for callers that explain nothing, e.g.
 * registry screening; a record with errors is read again with paths, so its
 * diagnostics are the same as without the flag. */
enum { MM_READ_NO_PATHS = 1 };
int mm_patient_from_json_ex(mm_patient **out, mm_arena *arena, const mm_kb *kb,
                            const mm_json *root, const char *source, mm_diags *diags,
                            unsigned flags);

/* Registry screening's fast way: reads a record in the usual form straight
 * from its text (NUL-terminated strings are written into it, as with
 * mm_json_parse_in_situ), as mm_patient_from_json_ex(MM_READ_NO_PATHS) would.
 * Returns 1 when read; 0 when the record is unusual or has an error: text is
 * then as it was, for the full reader to read and explain; -1 out of memory. */
int mm_patient_scan(mm_patient **out, mm_arena *arena, const mm_kb *kb, char *text, size_t len);

#endif
