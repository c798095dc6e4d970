/* labels.c: see labels.h. */
#include "evaluate/labels.h"

#include <stdbool.h>
#include <string.h>

static const char *const labels[L_COUNT][2] = {
    [L_TITLE] = {"Treatment options", "Opzioni di trattamento"},
    [L_PATIENT] = {"Patient", "Paziente"},
    [L_AS_OF] = {"as of", "alla data"},
    [L_KB] = {"knowledge base", "base di conoscenza"},
    [L_JURISDICTION] = {"labels", "indicazioni"},
    [L_SETTING] = {"Setting", "Setting"},
    [L_KEY_FACTS] = {"Key facts", "Dati principali"},
    [L_ELIGIBLE] = {"ELIGIBLE", "ELEGGIBILE"},
    [L_UNKNOWN] = {"UNKNOWN: missing data", "NON DETERMINABILE: dati mancanti"},
    [L_NOT_ELIGIBLE] = {"NOT ELIGIBLE", "NON ELEGGIBILE"},
    [L_GUIDELINE] = {"guideline", "linea guida"},
    [L_OVERLAY] = {"newer on-label option", "opzione più recente in indicazione"},
    [L_THERAPIES] = {"approved therapy", "terapia approvata"},
    [L_TRIALS] = {"Clinical trials", "Studi clinici"},
    [L_SUPPORTIVE] = {"Supportive care", "Terapia di supporto"},
    [L_WARNINGS] = {"Warnings", "Avvertenze"},
    [L_MISSING] = {"missing", "mancano"},
    [L_FAILS] = {"not met", "non soddisfatto"},
    [L_SOURCE] = {"source", "fonte"},
    [L_EVIDENCE] = {"evidence", "evidenze"},
    [L_DECK_SAYS] = {"the deck says", "la presentazione dice"},
    [L_NOW] = {"now", "oggi"},
    [L_REVIEW] = {"needs clinician review", "richiede revisione clinica"},
    [L_YES] = {"yes", "sì"},
    [L_NO] = {"no", "no"},
    [L_UNKNOWN_VALUE] = {"unknown", "non noto"},
    [L_CRITERION] = {"criterion", "criterio"},
    [L_RESULT] = {"result", "esito"},
    [L_EXCLUSION] = {"exclusion", "esclusione"},
    [L_FACTS] = {"Facts", "Dati derivati"},
    [L_DERIVED] = {"derived", "derivato"},
    [L_FROM] = {"from", "da"},
    [L_BECAUSE] = {"because", "perché"},
    [L_STATUS] = {"status", "stato"},
    [L_PHASE] = {"phase", "fase"},
    [L_NOTE] = {"note", "nota"},
    [L_INDICATION] = {"indication", "indicazione"},
    [L_PRINT] = {"Print", "Stampa"},
    [L_ALREADY_REFRACTORY] = {"caution, already refractory to", "attenzione, già refrattario a"},
    [L_UNVERIFIED_ENTRY] = {"this entry is not verified against its source: a clinician decides",
                            "voce non verificata sulla fonte: decide il clinico"},
};

const char *mm_label_get(mm_label l, const char *lang) {
  return labels[l][lang && strcmp(lang, "it") == 0 ? 1 : 0];
}

const char *mm_setting_label(const char *setting, const char *lang) {
  static const char *const names[][3] = {
      {"newly_diagnosed_transplant_eligible", "newly diagnosed, transplant eligible",
       "nuova diagnosi, eleggibile al trapianto"},
      {"newly_diagnosed_transplant_ineligible", "newly diagnosed, transplant ineligible",
       "nuova diagnosi, non eleggibile al trapianto"},
      {"first_relapse", "first relapse", "prima recidiva"},
      {"second_relapse_or_later", "second relapse or later", "seconda recidiva o successive"},
      {"on_treatment", "on treatment", "in trattamento"},
  };
  bool it = lang && strcmp(lang, "it") == 0;
  for (size_t i = 0; setting && i < sizeof names / sizeof *names; i++)
    if (strcmp(names[i][0], setting) == 0) return names[i][it ? 2 : 1];
  return setting ? setting : (it ? "non determinabile" : "unknown");
}
