/* patient_scan_keys.h: the scanner's tables of keys and enumerated values
 * (patient_scan_body.h, which alone includes it, in both of its copies),
 * matched in place as 8-byte words, and their check against the reader's
 * lists (mm_patient_scan_keys_check, in the copy with whitespace skips). */
#ifndef MM_PATIENT_SCAN_KEYS_H
#define MM_PATIENT_SCAN_KEYS_H
#include <stdint.h>
#include <string.h>

#include "patient/patient_internal.h"

/* The keys of each object, as in patient_internal.h (mm_*_keys, same
 * order), each with its closing quote and zero-padded: a key is matched as
 * up to three 8-byte words (mm_patient_scan_keys_check compares the tables
 * with the reader's lists; tests/unit/test_patient_scan.c runs it). */
typedef struct scan_key {
  unsigned char n; /* bytes of t: the key and its closing quote */
  char t[24];
  uint64_t mask[3]; /* which bytes of each word of t are the key's */
} scan_key;
/* The mask of word i of a key of n bytes (its closing quote counted). */
#define KMASK(n, i)                                                                       \
  ((n) >= 8 * ((i) + 1) ? ~0ull : (n) <= 8 * (i) ? 0ull : (1ull << (8 * ((n) - 8 * (i)))) - 1)
#define K(name)                                                                           \
  {sizeof(name), name "\"", {KMASK(sizeof(name), 0), KMASK(sizeof(name), 1), KMASK(sizeof(name), 2)}}
static const scan_key record_keys[MM_REC_N] = {
    K("schema"), K("id"), K("center"), K("as_of"), K("birth_date"), K("age"), K("sex"),
    K("ecog"), K("frailty"), K("comorbidities"), K("transplant_eligible"), K("diagnosis"),
    K("features"), K("labs"), K("lines")};
static const scan_key frailty_keys[MM_FRAIL_N] = {K("charlson"), K("adl"), K("iadl")};
static const scan_key diagnosis_keys[MM_DIAG_N] = {K("date"), K("iss"), K("beta2m_mg_l"),
                                                   K("albumin_g_dl"), K("ldh_above_uln"),
                                                   K("fish")};
static const scan_key fish_keys[MM_FISH_N] = {K("del17p"), K("t4_14"), K("t14_16"), K("gain1q"),
                                              K("amp1q")};
static const scan_key feature_keys[MM_FEAT_N] = {K("extramedullary"), K("plasma_cell_leukemia"),
                                                 K("cns")};
static const scan_key lab_keys[MM_LAB_N] = {K("date"), K("test"), K("value"), K("unit")};
static const scan_key line_keys[MM_LINE_N] = {
    K("regimen"), K("drugs"), K("start"), K("end"), K("asct"), K("maintenance"),
    K("best_response"), K("progression"), K("stop_reason"), K("refractory_to"),
    K("provisional")};
static const scan_key maintenance_keys[MM_MAINT_N] = {K("drugs"), K("start"), K("end")};
/* The values of the enumerated fields, matched as keys are: mm_sex_names,
 * mm_response_cat_names, mm_stop_names (same order; checked as the keys). */
static const scan_key sex_values[] = {K("male"), K("female"), K("other")};
static const scan_key response_values[] = {K("sCR"), K("CR"), K("VGPR"), K("PR"),
                                           K("MR"),  K("SD"), K("PD")};
static const scan_key stop_values[] = {K("progression"), K("toxicity"), K("completed"),
                                       K("patient_choice"), K("other")};
#define N_OF(a) (sizeof(a) / sizeof *(a))
#undef K

#if !MM_SCAN_COMPACT
static bool keys_same(const scan_key *k, const char *const *names, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strlen(names[i]) + 1 != k[i].n || memcmp(k[i].t, names[i], k[i].n - 1) != 0 ||
        k[i].t[k[i].n - 1] != '"')
      return false;
  return true;
}

bool mm_patient_scan_keys_check(void) {
  return keys_same(record_keys, mm_record_keys, MM_REC_N) &&
         keys_same(frailty_keys, mm_frailty_keys, MM_FRAIL_N) &&
         keys_same(diagnosis_keys, mm_diagnosis_keys, MM_DIAG_N) &&
         keys_same(fish_keys, mm_fish_keys, MM_FISH_N) &&
         keys_same(feature_keys, mm_feature_keys, MM_FEAT_N) &&
         keys_same(lab_keys, mm_lab_keys, MM_LAB_N) &&
         keys_same(line_keys, mm_line_keys, MM_LINE_N) &&
         keys_same(maintenance_keys, mm_maintenance_keys, MM_MAINT_N) &&
         keys_same(sex_values, mm_sex_names, N_OF(sex_values)) && !mm_sex_names[N_OF(sex_values)] &&
         keys_same(response_values, mm_response_cat_names, N_OF(response_values)) &&
         !mm_response_cat_names[N_OF(response_values)] &&
         keys_same(stop_values, mm_stop_names, N_OF(stop_values)) && !mm_stop_names[N_OF(stop_values)];
}
#endif

#endif
