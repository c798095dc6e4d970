/* fact_names.c: the value sets of the engine's string facts. These are the
 * output vocabulary of the evaluation spec, not clinical thresholds. */
#include "kb/fact_names.h"

#include <stddef.h>

const char *const mm_sex_values[] = {"male", "female", "other", NULL};
const char *const mm_setting_values[] = {
    "newly_diagnosed_transplant_eligible", "newly_diagnosed_transplant_ineligible",
    "first_relapse", "second_relapse_or_later", "on_treatment", NULL};
const char *const mm_disease_state_values[] = {
#define X(e, value) [MM_DS_##e] = value,
    MM_DISEASE_STATES(X)
#undef X
    [MM_DS_COUNT] = NULL};
const char *const mm_frailty_values[] = {"fit", "intermediate", "frail", NULL};
const char *const mm_stage3_values[] = {"I", "II", "III", NULL};
const char *const mm_stage4_values[] = {"I", "II", "III", "IV", NULL};
