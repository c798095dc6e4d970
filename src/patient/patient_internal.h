/* patient_internal.h: what the two record readers share. patient_read.c
 * reads any record from a JSON tree and explains every error;
 * patient_scan.c reads the usual records straight from their text, for
 * registry screening, and leaves the rest to patient_read.c. One list of
 * fields per object, here, keeps them reading the same record. */
#ifndef MM_PATIENT_INTERNAL_H
#define MM_PATIENT_INTERNAL_H
#include "patient/patient.h"

/* The fields of each object of mmpath/patient@1, in the spec's order. */
enum { MM_REC_SCHEMA, MM_REC_ID, MM_REC_CENTER, MM_REC_AS_OF, MM_REC_BIRTH_DATE, MM_REC_AGE,
       MM_REC_SEX, MM_REC_ECOG, MM_REC_FRAILTY, MM_REC_COMORBIDITIES,
       MM_REC_TRANSPLANT_ELIGIBLE, MM_REC_DIAGNOSIS, MM_REC_FEATURES, MM_REC_LABS,
       MM_REC_LINES, MM_REC_N };
enum { MM_FRAIL_CHARLSON, MM_FRAIL_ADL, MM_FRAIL_IADL, MM_FRAIL_N };
enum { MM_DIAG_DATE, MM_DIAG_ISS, MM_DIAG_BETA2M, MM_DIAG_ALBUMIN, MM_DIAG_LDH, MM_DIAG_FISH,
       MM_DIAG_N };
enum { MM_FISH_DEL17P, MM_FISH_T4_14, MM_FISH_T14_16, MM_FISH_GAIN1Q, MM_FISH_AMP1Q, MM_FISH_N };
enum { MM_FEAT_EXTRAMEDULLARY, MM_FEAT_PCL, MM_FEAT_CNS, MM_FEAT_N };
enum { MM_LAB_DATE, MM_LAB_TEST, MM_LAB_VALUE, MM_LAB_UNIT, MM_LAB_N };
enum { MM_LINE_REGIMEN, MM_LINE_DRUGS, MM_LINE_START, MM_LINE_END, MM_LINE_ASCT,
       MM_LINE_MAINTENANCE, MM_LINE_BEST_RESPONSE, MM_LINE_PROGRESSION, MM_LINE_STOP_REASON,
       MM_LINE_REFRACTORY_TO, MM_LINE_PROVISIONAL, MM_LINE_N };
enum { MM_MAINT_DRUGS, MM_MAINT_START, MM_MAINT_END, MM_MAINT_N };

extern const char *const mm_record_keys[MM_REC_N];
extern const char *const mm_frailty_keys[MM_FRAIL_N];
extern const char *const mm_diagnosis_keys[MM_DIAG_N];
extern const char *const mm_fish_keys[MM_FISH_N];
extern const char *const mm_feature_keys[MM_FEAT_N];
extern const char *const mm_lab_keys[MM_LAB_N];
extern const char *const mm_line_keys[MM_LINE_N];
extern const char *const mm_maintenance_keys[MM_MAINT_N];

/* The values of the enumerated fields, NULL-ended, in enum order. */
extern const char *const mm_stop_names[];
extern const char *const mm_sex_names[];

/* Whether two short names are the same: inline, since most differ at the
 * first letter and records hold dozens of them. */
static inline bool mm_same_name(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}
/* The index of s in a NULL-ended list of names, or -1. */
static inline int mm_name_index(const char *const *names, const char *s) {
  for (int i = 0; names[i]; i++)
    if (mm_same_name(names[i], s)) return i;
  return -1;
}

/* Whether patient_scan.c's own key tables are the lists above (a test). */
bool mm_patient_scan_keys_check(void);

/* A record with nothing read yet: every date absent, every value unknown. */
void mm_patient_init(mm_patient *p);
/* The lab's accepted unit (letter case ignored), or NULL. */
const mm_lab_unit *mm_lab_unit_find(const mm_lab *lab, const char *unit);
/* Whether a line's drugs are exactly the regimen's (list has no repeats). */
bool mm_regimen_matches(const mm_regimen *r, const mm_drug_use *list, size_t n);

#endif
