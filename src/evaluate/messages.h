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

/* ---- notes on an option result, or on the whole evaluation ----
 * X(CODE, id, english, italian). The id is stable (for the API); "{j}" in a
 * text stands for the jurisdiction's name in the same language, "{s}" for
 * the disease state's (mm_disease_state_label). */
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
    "non è noto se lo studio arruoli (stato nel registro)")                                   \
  /* the evaluation: the record says nothing of myeloma (issue #12) */                        \
  X(NO_MYELOMA_DIAGNOSIS, "no_myeloma_diagnosis",                                             \
    "No multiple myeloma diagnosis in the record (neither a diagnosis nor a line of "         \
    "therapy): no option, trial or supportive care evaluated.",                               \
    "Nessuna diagnosi di mieloma multiplo nella scheda (né diagnosi né linee di terapia): "   \
    "nessuna opzione, studio o terapia di supporto valutati.")                                \
  /* a label for previously treated patients without relapse wording */                      \
  X(NOT_RELAPSED, "not_relapsed",                                                             \
    "the patient has not relapsed (disease state: {s}): this label asks for prior therapy, "  \
    "not for relapsed or refractory disease; whether to start it now is a clinical decision", \
    "il paziente non è in recidiva (stato di malattia: {s}): questa indicazione richiede "    \
    "una terapia precedente, non una malattia recidivata o refrattaria; se iniziarla ora è "  \
    "una decisione clinica")

typedef enum mm_note_code {
  MM_NOTE_NONE = 0, /* nothing to say */
#define MM_NOTE_ENUM_(code, id, en, it) MM_NOTE_##code,
  MM_NOTE_LIST(MM_NOTE_ENUM_)
#undef MM_NOTE_ENUM_
  MM_NOTE_COUNT
} mm_note_code;

/* A note with its arguments: which labels an indication note speaks of; the
 * disease state (a value of mm_disease_state_values) a state note names. */
typedef struct mm_note {
  mm_note_code code;
  mm_jurisdiction jurisdiction;
  const char *state;
} mm_note;

/* Bytes enough for any note in any language, with its terminating NUL. */
#define MM_NOTE_MAX 512

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
  X(JURIS_IT, "EU + AIFA", "UE + AIFA")                                                       \
  /* the Italian reimbursement beside a therapy (evaluate/reimbursement.c) */                 \
  X(REIMB, "AIFA reimbursement", "Rimborsabilità AIFA")                                       \
  X(REIMB_REIMBURSED, "reimbursed", "rimborsato")                                             \
  X(REIMB_NOT_REIMBURSED, "not reimbursed", "non rimborsato")                                 \
  X(REIMB_C_NN, "not yet assessed for reimbursement",                                         \
    "non ancora valutato ai fini della rimborsabilità")                                       \
  X(REIMB_NOT_FOUND, "not found", "non trovata")                                              \
  X(REIMB_NOT_RECORDED, "not recorded in the knowledge base",                                 \
    "non registrata nella base di conoscenza")                                                \
  X(REIMB_CLASS, "class", "classe")                                                           \
  X(REIMB_DET, "Det.", "Det.")                                                                \
  X(REIMB_GU, "GU no. ", "GU n.")                                                             \
  X(REIMB_GU_DATED, "GU", "GU")                                                               \
  X(REIMB_OF, "of", "del")                                                                    \
  X(REIMB_SEARCHED, "searched", "ricerca del")                                                \
  X(REIMB_AFTER_AS_OF, "published after the evaluation date",                                 \
    "pubblicata dopo la data di valutazione")                                                 \
  X(REIMB_NOTE, "AIFA note", "nota AIFA")                                                     \
  X(REIMB_SOURCE, "AIFA source", "fonte AIFA")                                                \
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
  /* disease states (mm_disease_state_label), in the order of kb/fact_names.h */             \
  X(DISEASE_STATE, "Disease state", "Stato di malattia")                                      \
  X(DS_NO_MYELOMA_DIAGNOSIS, "no myeloma diagnosis in the record",                            \
    "nessuna diagnosi di mieloma nella scheda")                                               \
  X(DS_NEWLY_DIAGNOSED, "newly diagnosed", "nuova diagnosi")                                  \
  X(DS_ON_THERAPY, "on therapy", "in terapia")                                                \
  X(DS_RESPONSE_AFTER_ASCT, "in response after ASCT", "in risposta dopo autotrapianto")       \
  X(DS_RESPONSE_AFTER_CAR_T, "in response after CAR-T", "in risposta dopo CAR-T")             \
  X(DS_RESPONSE_AFTER_BISPECIFIC, "in response after a bispecific antibody (stopped)",        \
    "in risposta dopo un anticorpo bispecifico (sospeso)")                                    \
  X(DS_RESPONSE_AFTER_THERAPY, "in response, off therapy", "in risposta, fuori terapia")      \
  X(DS_REFRACTORY_NONRESPONSIVE, "refractory (no response to the last line)",                 \
    "refrattaria (nessuna risposta all'ultima linea)")                                        \
  X(DS_RELAPSED_PROGRESSING, "relapsed or progressing", "in recidiva o in progressione")      \
  X(LABEL_TEXT, "label", "scheda tecnica")                                                    \
  /* a fact's string values (mm_fact_value_label): English shows the code */                 \
  X(SEX_MALE, "male", "maschio")                                                              \
  X(SEX_FEMALE, "female", "femmina")                                                          \
  X(SEX_OTHER, "other", "altro")                                                              \
  /* units of the engine's facts (mm_fact_unit_label): English always the plural */           \
  X(UNIT_YEARS, "years", "anni")                                                              \
  X(UNIT_YEARS_ONE, "years", "anno")                                                          \
  X(UNIT_MONTHS, "months", "mesi")                                                            \
  X(UNIT_MONTHS_ONE, "months", "mese")                                                        \
  X(UNIT_LINES, "lines", "linee")                                                             \
  X(UNIT_LINES_ONE, "lines", "linea")                                                         \
  X(UNIT_POINTS, "points", "punti")                                                           \
  X(UNIT_POINTS_ONE, "points", "punto")                                                       \
  /* ClinicalTrials.gov overall status (mm_trial_status_label): English shows the code */     \
  X(REG_RECRUITING, "recruiting", "in arruolamento")                                          \
  X(REG_NOT_YET_RECRUITING, "not_yet_recruiting", "arruolamento non ancora aperto")           \
  X(REG_BY_INVITATION, "enrolling_by_invitation", "arruolamento su invito")                   \
  X(REG_ACTIVE_NOT_RECRUITING, "active_not_recruiting", "attivo, non arruola")                \
  X(REG_COMPLETED, "completed", "concluso")                                                   \
  X(REG_TERMINATED, "terminated", "interrotto")                                               \
  X(REG_WITHDRAWN, "withdrawn", "ritirato")                                                   \
  X(REG_SUSPENDED, "suspended", "sospeso")                                                    \
  X(REG_UNKNOWN, "unknown", "stato non noto")                                                \
  /* supportive care by phase (mm_supportive_phase_label) and its conditions */               \
  X(PHASE_BEFORE_DURING, "before and during CAR-T or a bispecific",                           \
    "prima e durante CAR-T o bispecifico")                                                    \
  X(PHASE_AFTER_CAR_T, "after a CAR-T infusion", "dopo l'infusione di CAR-T")                 \
  X(PHASE_AFTER_BISPECIFIC, "after a bispecific stops", "dopo la sospensione del bispecifico") \
  X(PHASE_ANY, "on or off treatment, by laboratory values",                                  \
    "in terapia o fuori, in base agli esami")                                                 \
  X(WINDOW, "when", "quando")                                                                 \
  X(OR, "or", "o")                                                                            \
  X(CONDITIONAL, "conditional", "condizionale")                                               \
  X(SUPPORTIVE_CONDITIONAL, "Supportive care, if CAR-T or a bispecific goes ahead",           \
    "Terapia di supporto, se si procede con CAR-T o bispecifico") \
  /* the summary at the top of an evaluation (render_html.c; the web page's summary.js) */   \
  X(SUMMARY, "Summary", "Sintesi")                                                            \
  X(SUM_CAR_T, "CAR-T", "CAR-T")                                                              \
  X(SUM_BISPECIFIC, "Bispecific antibodies", "Anticorpi bispecifici")                         \
  X(SUM_OTHER, "Other approved therapies", "Altre terapie approvate")                         \
  X(SUM_GUIDELINE, "Guideline regimens", "Regimi delle linee guida")                          \
  X(SUM_ELIGIBLE, "eligible", "indicato")                                                     \
  X(SUM_CAUTION, "eligible, with caution", "indicato, con cautela")                           \
  X(SUM_UNKNOWN, "cannot be decided", "non determinabile")                                    \
  X(SUM_NOT_ELIGIBLE, "not eligible", "non indicato")                                         \
  X(SUM_ALL_MET, "every criterion met", "tutti i criteri soddisfatti")                        \
  X(SUM_RECOMMENDED, "recommended by the guideline", "raccomandato dalla linea guida")        \
  X(SUM_ENROLLING, "the trial is enrolling (registry status)",                                \
    "lo studio arruola (stato nel registro)")                                                 \
  X(SUM_NOT_ENROLLING, "the trial is not enrolling (registry status)",                        \
    "lo studio non arruola (stato nel registro)")                                             \
  X(SUM_ENROLLING_UNKNOWN, "whether the trial is enrolling is not known (registry status)",   \
    "non è noto se lo studio arruoli (stato nel registro)")                                   \
  X(DISCLAIMER, "Decision support: it does not replace clinical judgement. Check the label, " \
    "reimbursement and trial criteria before any decision.",                                 \
    "Supporto alla decisione: non sostituisce il giudizio clinico. Verificare scheda "        \
    "tecnica, rimborsabilità e criteri dello studio prima di ogni decisione.")

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
/* Human name of a disease state value ("in response after CAR-T" / "in
 * risposta dopo CAR-T"); NULL as "unknown", a value not in the table as it
 * is. */
const char *mm_disease_state_label(const char *state, mm_lang lang);
/* A trial's registry status for people; a status not in the table is
 * returned as it is. */
const char *mm_trial_status_label(const char *status, mm_lang lang);
/* A string fact's value for people, in text and HTML (JSON keeps the code):
 * Italian words for the setting, disease state, sex and frailty; English,
 * and any other value (ISS stages, IMWG response categories), as the code
 * itself. slot is the fact's slot in the kb's schema. */
const char *mm_fact_value_label(int slot, const char *value, mm_lang lang);
/* The unit of a fact for people ("years" / "anni", "anno" for 1); a unit
 * not in the table (mg/dL) as it is. */
const char *mm_fact_unit_label(const char *unit, double value, mm_lang lang);
/* A jurisdiction's short name ("EU", "UE"). */
const char *mm_jurisdiction_label(mm_jurisdiction j, mm_lang lang);
/* The phase of a supportive-care item, for people ("after a CAR-T infusion"). */
const char *mm_supportive_phase_label(mm_supportive_phase phase, mm_lang lang);

#endif
