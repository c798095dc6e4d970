/* records.h: inside src/referral, the schemas of the record kinds
 * (records.c) for the pathway code (pathway.c). */
#ifndef MM_REFERRAL_RECORDS_H
#define MM_REFERRAL_RECORDS_H
#include "referral/pathway.h"

typedef struct mm_ref_record_info {
  const char *data; /* canonical JSON, in the arena */
  int grade;        /* CRS/ICANS: highest computed ASTCT grade, -1 unknown */
} mm_ref_record_info;

/* Checks `data` against the kind's schema (paths under `path`), computes
 * what mmpath computes (ASTCT grades) and writes the canonical form. */
int mm_ref_record_canon(const mm_kb *kb, mm_ref_kind kind, const mm_json *data, mm_arena *a,
                        mm_diags *d, const char *path, mm_ref_record_info *info);
/* The IMWG response (src/score) of the labs of the given lists (JSON arrays
 * of {date, test, value|result}) against the baseline date; NULL when
 * unknown (*because says why). */
const char *mm_ref_response_of(const mm_kb *kb, const mm_json *const *labs_lists,
                               size_t n_lists, mm_date baseline, mm_arena *a,
                               const char **because);
/* Each lab's test is one of the response score's, with a value or result. */
int mm_ref_labs_check(const mm_kb *kb, const mm_json *labs, mm_diags *d, mm_arena *a,
                      const char *path);
#endif
