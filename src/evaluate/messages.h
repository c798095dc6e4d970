/* messages.h: every word the evaluation shows a person, in English and
 * Italian, in one table (messages.c). Clinical text (criteria, notes of the
 * kb) is not here: it comes from kb/ with both languages. The result tree
 * holds codes (mm_note), never sentences; renderers turn codes and labels
 * into words here, in the mm_lang asked. Machine formats (JSON keys, status
 * codes) never go through this table. */
#ifndef MM_MESSAGES_H
#define MM_MESSAGES_H
#include "kb/kb.h"
#include "util/lang.h"

/* ---- notes on an option result ----
 * X(CODE, id, english, italian). The id is stable (for the API); "{j}" in a
 * text stands for the jurisdiction's name in the same language. */
#define MM_NOTE_LIST(X)                                                                        \
  X(NO_INDICATION_ENCODED, "no_indication_encoded",                                           \
    "no {j} indication is encoded in the knowledge base for this product",                    \
    "nessuna indicazione {j} è codificata nella base di conoscenza per questo prodotto")       \
  X(INDICATION_ENDED, "indication_ended",                                                     \
    "the indication ended (withdrawn or replaced) on or before the evaluation date",          \
    "l'indicazione è cessata (ritirata o sostituita) entro la data di valutazione")           \
  X(NO_INDICATION_GRANTED, "no_indication_granted",                                           \
    "no {j} indication granted on or before the evaluation date",                             \
    "nessuna indicazione {j} concessa entro la data di valutazione")                          \
  X(TRIAL_NOT_ENROLLING, "trial_not_enrolling", "the trial is not enrolling (registry status)", \
    "lo studio non arruola (stato nel registro)")                                             \
  X(TRIAL_ENROLLING_UNKNOWN, "trial_enrolling_unknown",                                       \
    "whether the trial is enrolling is not known (registry status)",                          \
    "non è noto se lo studio arruoli (stato nel registro)")

typedef enum mm_note_code {
  MM_NOTE_NONE = 0, /* nothing to say */
#define MM_NOTE_ENUM_(code, id, en, it) MM_NOTE_##code,
  MM_NOTE_LIST(MM_NOTE_ENUM_)
#undef MM_NOTE_ENUM_
  MM_NOTE_COUNT
} mm_note_code;

/* A note with its argument: which labels an indication note speaks of. */
typedef struct mm_note {
  mm_note_code code;
  mm_jurisdiction jurisdiction;
} mm_note;

/* Bytes enough for any note in any language, with its terminating NUL. */
#define MM_NOTE_MAX 256

/* The stable id of a code ("no_indication_encoded"); NULL for MM_NOTE_NONE
 * or a code out of range. */
const char *mm_note_id(mm_note_code code);
/* The note in words, written into buf (MM_NOTE_MAX bytes). Returns buf, or
 * NULL (buf untouched) when there is nothing to say. */
const char *mm_note_text(mm_note note, mm_lang lang, char *buf);

/* ---- the words of the renderings ----
 * X(CODE, english, italian). The English words are those the renderings
 * always printed: changing one changes every `--lang en` output. */
#define MM_MSG_LIST(X)                                                                         \
  X(TITLE, "Treatment options", "Opzioni di trattamento")                                     \
  X(PATIENT, "Patient", "Paziente")                                                           \
  X(AS_OF, "as of", "alla data")                                                              \
  X(KB, "knowledge base", "base di conoscenza")                                               \
  X(JURISDICTION, "labels", "indicazioni")                                                    \
  X(SETTING, "Setting", "Setting")                                                            \
  X(KEY_FACTS, "Key facts", "Dati principali")                                                \
  X(ELIGIBLE, "ELIGIBLE", "ELEGGIBILE")                                                       \
  X(UNKNOWN, "UNKNOWN: missing data", "NON DETERMINABILE: dati mancanti")                     \
  X(NOT_ELIGIBLE, "NOT ELIGIBLE", "NON ELEGGIBILE")                                           \
  X(GUIDELINE, "guideline", "linea guida")                                                    \
  X(OVERLAY, "newer on-label option", "opzione più recente in indicazione")                   \
  X(THERAPIES, "approved therapy", "terapia approvata")                                       \
  X(TRIAL, "trial", "studio clinico")                                                         \
  X(TRIALS, "Clinical trials", "Studi clinici")                                               \
  X(SUPPORTIVE, "Supportive care", "Terapia di supporto")                                     \
  X(WARNINGS, "Warnings", "Avvertenze")                                                       \
  X(MISSING, "missing", "mancano")                                                            \
  X(SOURCE, "source", "fonte")                                                                \
  X(SECONDARY_SOURCE, "secondary source", "fonte secondaria")                                 \
  X(EVIDENCE, "evidence", "evidenze")                                                         \
  X(DECK_SAYS, "the deck says", "la presentazione dice")                                      \
  X(NOW, "now", "oggi")                                                                       \
  X(REVIEW, "needs clinician review", "richiede revisione clinica")                           \
  X(YES, "yes", "sì")                                                                         \
  X(NO, "no", "no")                                                                           \
  X(UNKNOWN_VALUE, "unknown", "non noto")                                                     \
  X(EXCLUSION, "exclusion", "esclusione")                                                     \
  X(FACTS, "Facts", "Dati derivati")                                                          \
  X(DERIVED, "derived", "derivato")                                                           \
  X(PHASE, "phase", "fase")                                                                   \
  X(NOTE, "note", "nota")                                                                     \
  X(INDICATION, "indication", "indicazione")                                                  \
  X(UNVERIFIED_ENTRY, "this entry is not verified against its source: a clinician decides",   \
    "voce non verificata sulla fonte: decide il clinico")                                     \
  /* refractoriness under the kb's principle (render_common.c) */                              \
  X(REFRACTORY_TO, "refractory to", "refrattario a")                                          \
  X(NOT_REFRACTORY_TO, "not refractory to", "non refrattario a")                              \
  X(REFRACTORY_UNKNOWN, "not known whether refractory to", "non noto se refrattario a")       \
  /* the last two items of a list ("{a}": all but the last, "{b}": the last) */               \
  X(LIST_AND, "{a} and {b}", "{a} e {b}")                                                     \
  X(LIST_OR, "{a} or {b}", "{a} o {b}")                                                       \
  X(CAUTION, "caution", "attenzione")                                                         \
  /* a trial exclusion as the record has it: "prior BCMA therapy: absent" */                  \
  X(EXCL_ABSENT, "absent", "assente")                                                         \
  X(EXCL_PRESENT, "present", "presente")                                                      \
  X(EXCL_NOT_KNOWN, "not known", "non noto")                                                  \
  /* the headings of the options, in the order a clinician reads them (mm_tier) */            \
  X(TIER_RECOMMENDED, "ELIGIBLE, RECOMMENDED BY THE GUIDELINE",                               \
    "ELEGGIBILE, RACCOMANDATO DALLA LINEA GUIDA")                                             \
  X(TIER_ALLOWED, "ELIGIBLE ON THE LABEL", "ELEGGIBILE SECONDO LA SCHEDA TECNICA")            \
  X(TIER_CAUTION, "ELIGIBLE, WITH A REFRACTORINESS CAUTION",                                  \
    "ELEGGIBILE, CON AVVERTENZA DI REFRATTARIETÀ")                                            \
  X(JURIS_EU, "EU", "UE")                                                                     \
  X(JURIS_US, "US", "USA")                                                                    \
  /* a trial's match, in the text line of a trial (the JSON has the code) */                  \
  X(MATCH_ELIGIBLE, "eligible", "eleggibile")                                                 \
  X(MATCH_NOT_ELIGIBLE, "not_eligible", "non eleggibile")                                     \
  X(MATCH_UNKNOWN, "unknown", "non determinabile")                                            \
  /* settings (mm_setting_label) */                                                           \
  X(SETTING_NDTE, "newly diagnosed, transplant eligible", "nuova diagnosi, eleggibile al trapianto") \
  X(SETTING_NDTI, "newly diagnosed, transplant ineligible",                                   \
    "nuova diagnosi, non eleggibile al trapianto")                                            \
  X(SETTING_FIRST_RELAPSE, "first relapse", "prima recidiva")                                 \
  X(SETTING_LATER_RELAPSE, "second relapse or later", "seconda recidiva o successive")        \
  X(SETTING_ON_TREATMENT, "on treatment", "in trattamento")                                   \
  X(SETTING_UNKNOWN, "unknown", "non determinabile")                                          \
  /* ClinicalTrials.gov overall status (mm_trial_status_label): English shows the code */     \
  X(REG_RECRUITING, "recruiting", "in arruolamento")                                          \
  X(REG_NOT_YET_RECRUITING, "not_yet_recruiting", "arruolamento non ancora aperto")           \
  X(REG_BY_INVITATION, "enrolling_by_invitation", "arruolamento su invito")                   \
  X(REG_ACTIVE_NOT_RECRUITING, "active_not_recruiting", "attivo, non arruola")                \
  X(REG_COMPLETED, "completed", "concluso")                                                   \
  X(REG_TERMINATED, "terminated", "interrotto")                                               \
  X(REG_WITHDRAWN, "withdrawn", "ritirato")                                                   \
  X(REG_SUSPENDED, "suspended", "sospeso")                                                    \
  X(REG_UNKNOWN, "unknown", "stato non noto")

typedef enum mm_msg {
#define MM_MSG_ENUM_(code, en, it) MM_MSG_##code,
  MM_MSG_LIST(MM_MSG_ENUM_)
#undef MM_MSG_ENUM_
  MM_MSG_COUNT
} mm_msg;

/* The word in the language asked (a static string). */
const char *mm_msg_get(mm_msg m, mm_lang lang);
/* Human name of a setting value ("first relapse" / "prima recidiva"); a
 * value not in the table is returned as it is, NULL as "unknown". */
const char *mm_setting_label(const char *setting, mm_lang lang);
/* A trial's registry status for people; a status not in the table is
 * returned as it is. */
const char *mm_trial_status_label(const char *status, mm_lang lang);
/* A jurisdiction's short name ("EU", "UE"). */
const char *mm_jurisdiction_label(mm_jurisdiction j, mm_lang lang);

#endif
