/* fact_names.h: the facts the engine itself computes (docs/facts.md), one
 * X-macro list that gives the slot enum and the schema rows. Per-drug,
 * per-class, per-lab, per-comorbidity and composite facts follow these slots
 * and come from the knowledge base.
 * X(ENUM, "name", type, unit, values, source) */
#ifndef MM_FACT_NAMES_H
#define MM_FACT_NAMES_H

#include "score/score.h" /* mm_response_cat_names: the values of `response` */

#define MM_PATIENT_FACTS(X)                                                    \
  X(AGE, "age", MM_TYPE_NUMBER, "years", NULL, MM_FACT_PATIENT)                \
  X(SEX, "sex", MM_TYPE_STRING, NULL, mm_sex_values, MM_FACT_PATIENT)          \
  X(ECOG, "ecog", MM_TYPE_NUMBER, NULL, NULL, MM_FACT_PATIENT)                 \
  X(MONTHS_SINCE_DIAGNOSIS, "months_since_diagnosis", MM_TYPE_NUMBER, "months", NULL, MM_FACT_PATIENT) \
  X(EXTRAMEDULLARY, "extramedullary", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT) \
  X(PLASMA_CELL_LEUKEMIA, "plasma_cell_leukemia", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT) \
  X(CNS_INVOLVEMENT, "cns_involvement", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT) \
  X(DEL17P, "del17p", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT)              \
  X(T4_14, "t4_14", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT)                \
  X(T14_16, "t14_16", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT)              \
  X(GAIN1Q, "gain1q", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT)              \
  X(AMP1Q, "amp1q", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT)                \
  X(LDH_ABOVE_ULN, "ldh_above_uln", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT) \
  X(PRIOR_LINES, "prior_lines", MM_TYPE_NUMBER, "lines", NULL, MM_FACT_PATIENT) \
  X(ON_TREATMENT, "on_treatment", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT)  \
  X(PROGRESSION_ON_LAST, "progression_on_last", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT) \
  X(PROGRESSION_ON_OR_AFTER_LAST, "progression_on_or_after_last", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT) \
  X(ASCT_PRIOR, "asct_prior", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT)      \
  X(ASCT_COUNT, "asct_count", MM_TYPE_NUMBER, NULL, NULL, MM_FACT_PATIENT)    \
  X(ASCT_TO_PROGRESSION_MONTHS, "asct_to_progression_months", MM_TYPE_NUMBER, "months", NULL, MM_FACT_PATIENT) \
  X(TRANSPLANT_DISQUALIFYING_COMORBIDITY, "transplant_disqualifying_comorbidity", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT) \
  X(TRANSPLANT_ELIGIBLE, "transplant_eligible", MM_TYPE_BOOL, NULL, NULL, MM_FACT_PATIENT) \
  X(SETTING, "setting", MM_TYPE_STRING, NULL, mm_setting_values, MM_FACT_PATIENT) \
  X(DISEASE_STATE, "disease_state", MM_TYPE_STRING, NULL, mm_disease_state_values, MM_FACT_PATIENT) \
  X(MONTHS_SINCE_CAR_T, "months_since_car_t", MM_TYPE_NUMBER, "months", NULL, MM_FACT_PATIENT) \
  X(MONTHS_SINCE_BISPECIFIC_STOP, "months_since_bispecific_stop", MM_TYPE_NUMBER, "months", NULL, MM_FACT_PATIENT) \
  X(FRAILTY, "frailty", MM_TYPE_STRING, NULL, mm_frailty_values, MM_FACT_SCORE) \
  X(FRAILTY_SCORE, "frailty_score", MM_TYPE_NUMBER, "points", NULL, MM_FACT_SCORE) \
  X(ISS, "iss", MM_TYPE_STRING, NULL, mm_stage3_values, MM_FACT_SCORE)        \
  X(R_ISS, "r_iss", MM_TYPE_STRING, NULL, mm_stage3_values, MM_FACT_SCORE)    \
  X(R2_ISS, "r2_iss", MM_TYPE_STRING, NULL, mm_stage4_values, MM_FACT_SCORE)  \
  X(RESPONSE, "response", MM_TYPE_STRING, NULL, mm_response_cat_names, MM_FACT_SCORE) \
  X(CANDIDATE_CAR_T, "candidate_car_t", MM_TYPE_BOOL, NULL, NULL, MM_FACT_EVALUATION) \
  X(CANDIDATE_BISPECIFIC, "candidate_bispecific", MM_TYPE_BOOL, NULL, NULL, MM_FACT_EVALUATION)

typedef enum {
#define X(e, name, type, unit, values, source) MM_F_##e,
  MM_PATIENT_FACTS(X)
#undef X
  MM_F_COUNT
} mm_patient_fact;

/* The values of disease_state (docs/facts.md; src/facts/disease_state.c),
 * in the order of the course of the disease. X(ENUM, "value") */
#define MM_DISEASE_STATES(X)                                                   \
  X(NO_MYELOMA_DIAGNOSIS, "no_myeloma_diagnosis")                              \
  X(NEWLY_DIAGNOSED, "newly_diagnosed")                                        \
  X(ON_THERAPY, "on_therapy")                                                  \
  X(RESPONSE_AFTER_ASCT, "response_after_asct")                                \
  X(RESPONSE_AFTER_CAR_T, "response_after_car_t")                              \
  X(RESPONSE_AFTER_BISPECIFIC, "response_after_bispecific")                    \
  X(RESPONSE_AFTER_THERAPY, "response_after_therapy")                          \
  X(REFRACTORY_NONRESPONSIVE, "refractory_nonresponsive")                      \
  X(RELAPSED_PROGRESSING, "relapsed_progressing")

typedef enum {
#define X(e, value) MM_DS_##e,
  MM_DISEASE_STATES(X)
#undef X
  MM_DS_COUNT
} mm_disease_state;

/* The values a string fact may take (what the rule compiler checks). The
 * fact's value is always one of these pointers, so that callers may compare
 * by pointer; mm_disease_state_values[MM_DS_x] is state x. */
extern const char *const mm_sex_values[];
extern const char *const mm_setting_values[];
extern const char *const mm_disease_state_values[];
extern const char *const mm_frailty_values[];
extern const char *const mm_stage3_values[];
extern const char *const mm_stage4_values[];

#endif
