/* fhir_internal.h: what the files of the FHIR import share (not a public
 * header). mm_fhir_import (fhir_import.c) reads the input into resources,
 * hands each to its reader (fhir_patient.c, fhir_medication.c,
 * fhir_observation.c), which fill the import state below; the drug periods
 * become lines of therapy (fhir_lines.c, by src/facts/line_grouping.c) and
 * the state is written as a record (fhir_record.c). Everything lives in the
 * import's arena. */
#ifndef MM_FHIR_INTERNAL_H
#define MM_FHIR_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>

#include "facts/line_grouping.h"
#include "fhir/fhir.h"
#include "json/json.h"

/* One resource of the input (a Bundle entry, a contained Medication, or the
 * input itself when it is a single resource). */
typedef struct mm_fhir_res {
  const mm_json *r;
  const char *type, *id, *name; /* name: "Observation/abc" or "entry[3](Observation)" */
  const char *full_url;
} mm_fhir_res;

/* One lab value, in a unit spelling of kb/vocabulary/labs.yaml. */
typedef struct mm_fhir_lab_out {
  const mm_lab *lab;
  mm_date date;
  double value;
  const char *unit;
  size_t order;
} mm_fhir_lab_out;

/* One progression (a disease status Observation). */
typedef struct mm_fhir_prog {
  mm_date date;
  const char *where;
  const mm_json *at;
} mm_fhir_prog;

/* The import: its inputs, the resources, and what the readers found. */
typedef struct mm_fhir_imp {
  mm_arena *a;
  const mm_kb *kb;
  const mm_fhir_map *map;
  mm_diags *d;
  const char *src;
  mm_date as_of;
  mm_fhir_res *res;
  size_t n_res;
  const mm_fhir_res *patient;
  const char *pid;
  mm_date birth;
  const char *sex;
  int ecog;
  mm_date ecog_date;
  bool *has_comorb;
  int *comorbs;
  size_t n_comorbs;
  bool has_mm;   /* a multiple myeloma Condition made on or before as_of */
  bool mm_later; /* one dated after as_of only */
  mm_date dx;
  signed char fish[8];        /* per mm_fhir_fish_names: 1 present, -1 absent, 0 unknown */
  bool fish_conflict[8];      /* present here, absent there: written as unknown */
  const char *fish_where[8];  /* the observation that set fish[i] */
  int iss;
  mm_date iss_date;
  const char *iss_where;
  int riss;             /* an R-ISS stage observation (the earliest), its date */
  mm_date riss_date;
  const char *riss_where;
  signed char ldh_above; /* diagnosis.ldh_above_uln: -1 false (from R-ISS I), 0 unknown */
  mm_fhir_lab_out *labs;
  size_t n_labs, cap_labs;
  mm_drug_period *per; /* drug: index into kb->drugs; stop: into mm_fhir_stop_names */
  size_t n_per, cap_per;
  mm_fhir_prog *progs;
  size_t n_progs, cap_progs;
  mm_fhir_prog *ascts; /* ASCT Procedures: date, resource */
  size_t n_ascts, cap_ascts;
  mm_fhir_prog *aphs;  /* CAR-T leukapheresis Procedures: date, resource */
  size_t n_aphs, cap_aphs;
  bool provisional;    /* some line is provisional: the count of lines is unknown */
} mm_fhir_imp;

/* Appends an event (a progression, ASCT, leukapheresis) to a growing list. */
void mm_fhir_add_event(mm_fhir_imp *im, mm_fhir_prog **list, size_t *n, size_t *cap, mm_date d,
                       const char *where, const mm_json *at);

/* ---- fhir_import.c: helpers of every reader ---- */

/* A warning (left out, with the reason) or an error (invalid FHIR) of kind
 * code at a JSON node (may be NULL) and a path ("Observation/x.valueQuantity"),
 * added to im->d in English and Italian (mm_diag_vadd2: both formats read
 * the same arguments; a word that differs by language is passed English
 * then Italian, each format skipping the other's with "%.0s"). FHIR terms,
 * codes, resource names, paths and kb file names stay untranslated. */
void mm_fhir_warn(mm_fhir_imp *im, mm_diag_code code, const mm_json *at, const char *path,
                  const char *fmt_en, const char *fmt_it, ...)
    __attribute__((format(printf, 5, 7), format(printf, 6, 7)));
void mm_fhir_bad(mm_fhir_imp *im, mm_diag_code code, const mm_json *at, const char *path,
                 const char *fmt_en, const char *fmt_it, ...)
    __attribute__((format(printf, 5, 7), format(printf, 6, 7)));
/* path.key and path[i], in the import's arena. */
const char *mm_fhir_sub(mm_fhir_imp *im, const char *path, const char *key);
const char *mm_fhir_idx(mm_fhir_imp *im, const char *path, size_t i);
/* A member of the wanted type, NULL when absent or null; a wrong type is an
 * error (invalid FHIR) with the path. */
const mm_json *mm_fhir_get(mm_fhir_imp *im, const mm_json *obj, const char *key, mm_json_type t,
                           const char *path);
const char *mm_fhir_get_str(mm_fhir_imp *im, const mm_json *obj, const char *key,
                            const char *path);
/* A FHIR date or dateTime as a calendar day; MM_DATE_NONE (reported) when it
 * is partial, invalid or after as_of. what_en, what_it: the date's name in
 * the report ("start", "inizio"). */
mm_date mm_fhir_date(mm_fhir_imp *im, const mm_json *v, const char *path, const char *what_en,
                     const char *what_it);
/* "a drug", "a lab test"...: what a mapping kind is, for messages. */
const char *mm_fhir_kind_word(mm_fhir_kind k, mm_lang lang);
/* The first coding of a CodeableConcept that kb/fhir.yaml maps (its path in
 * *hit, may be NULL); NULL when none does (each coding reported if report). */
const mm_fhir_mapping *mm_fhir_concept(mm_fhir_imp *im, const mm_json *cc, const char *path,
                                       const char **hit, bool report);

/* ---- the readers: each reads one resource into the import state ---- */

/* fhir_patient.c: whether a resource's subject is this record's patient
 * (reported when not); the Patient; a Condition (diagnosis, comorbidity). */
bool mm_fhir_about_patient(mm_fhir_imp *im, const mm_fhir_res *r);
void mm_fhir_read_patient(mm_fhir_imp *im, const mm_fhir_res *r);
void mm_fhir_read_condition(mm_fhir_imp *im, const mm_fhir_res *r);
/* fhir_medication.c: a MedicationStatement, -Administration or -Request
 * becomes a drug period. */
void mm_fhir_read_medication(mm_fhir_imp *im, const mm_fhir_res *r);
/* fhir_observation.c: labs, ECOG, disease status, cytogenetics, ISS, R-ISS,
 * comorbidities. */
void mm_fhir_read_observation(mm_fhir_imp *im, const mm_fhir_res *r);
/* What an R-ISS stage says by its definition (Palumbo, JCO 2015): R-ISS I
 * is ISS I, normal LDH and none of del(17p), t(4;14), t(14;16); R-ISS III is
 * ISS III. Written where the input says nothing else, reported; a
 * contradiction is reported and the stated value kept. */
void mm_fhir_apply_riss(mm_fhir_imp *im);

/* fhir_procedure.c: a Procedure: an ASCT or a CAR-T leukapheresis (codes
 * of kb/fhir.yaml), dated events for the line grouping. */
void mm_fhir_read_procedure(mm_fhir_imp *im, const mm_fhir_res *r);

/* ---- fhir_lines.c: drug periods into lines of therapy ---- */

/* Groups im->per (reordered) with the progressions, transplants and
 * leukaphereses into lines by the IMWG definition (src/facts/
 * line_grouping.c, windows from kb/fhir.yaml), attaches the progressions,
 * and reports what it could not decide (a provisional line names what to
 * check). *n_out lines (NULL when none or out of memory), in the arena. */
mm_grouped_line *mm_fhir_build_lines(mm_fhir_imp *im, size_t *n_out);
/* The reason a line is provisional, in words (NULL when it is sure): in
 * English for the record's `provisional`, in lang for the report. */
const char *mm_fhir_provisional_text(mm_fhir_imp *im, const mm_grouped_line *l, mm_lang lang);

/* ---- fhir_record.c ---- */

/* Appends the mmpath/patient@1 record of the import state to b. */
void mm_fhir_write_record(mm_fhir_imp *im, mm_strbuf *b, mm_grouped_line *lines, size_t nl);

#endif
