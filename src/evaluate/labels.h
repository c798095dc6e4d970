/* labels.h: the words of the user interface in Italian and English (not
 * clinical knowledge: that lives in kb/). */
#ifndef MM_LABELS_H
#define MM_LABELS_H

typedef enum {
  L_TITLE, L_PATIENT, L_AS_OF, L_KB, L_JURISDICTION, L_SETTING, L_KEY_FACTS,
  L_ELIGIBLE, L_UNKNOWN, L_NOT_ELIGIBLE, L_GUIDELINE, L_OVERLAY, L_THERAPIES, L_TRIALS,
  L_SUPPORTIVE, L_WARNINGS, L_MISSING, L_FAILS, L_SOURCE, L_EVIDENCE, L_DECK_SAYS, L_NOW,
  L_REVIEW, L_YES, L_NO, L_UNKNOWN_VALUE, L_CRITERION, L_RESULT, L_EXCLUSION, L_FACTS,
  L_DERIVED, L_FROM, L_BECAUSE, L_STATUS, L_PHASE, L_NOTE, L_INDICATION, L_PRINT,
  L_UNVERIFIED_ENTRY, L_ALREADY_REFRACTORY,
  L_COUNT
} mm_label;

const char *mm_label_get(mm_label l, const char *lang);
/* Human name of a setting value, e.g. "first relapse" / "prima recidiva". */
const char *mm_setting_label(const char *setting, const char *lang);

#endif
