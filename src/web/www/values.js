/* values.js: the codes a value may be (setting, disease state, frailty, sex)
 * in the page's words, as the server's text and HTML renderings say them
 * (src/evaluate/messages.h); the JSON keeps the codes. Loaded after app.js,
 * whose WORDS it extends and whose fmtValue() reads `val_<code>`. */
'use strict';
Object.assign(WORDS.it, {
  val_newly_diagnosed_transplant_eligible: 'nuova diagnosi, eleggibile al trapianto',
  val_newly_diagnosed_transplant_ineligible: 'nuova diagnosi, non eleggibile al trapianto',
  val_first_relapse: 'prima recidiva',
  val_second_relapse_or_later: 'seconda recidiva o successive',
  val_on_treatment: 'in trattamento',
  val_no_myeloma_diagnosis: 'nessuna diagnosi di mieloma nella scheda',
  val_newly_diagnosed: 'nuova diagnosi',
  val_on_therapy: 'in terapia',
  val_response_after_asct: 'in risposta dopo autotrapianto',
  val_response_after_car_t: 'in risposta dopo CAR-T',
  val_response_after_bispecific: 'in risposta dopo un anticorpo bispecifico (sospeso)',
  val_response_after_therapy: 'in risposta, fuori terapia',
  val_refractory_nonresponsive: "refrattaria (nessuna risposta all'ultima linea)",
  val_relapsed_progressing: 'in recidiva o in progressione',
  val_fit: 'idoneo',
  val_intermediate: 'intermedio',
  val_frail: 'fragile',
  val_male: 'maschio',
  val_female: 'femmina',
  val_other: 'altro'
});
Object.assign(WORDS.en, {
  val_newly_diagnosed_transplant_eligible: 'newly diagnosed, transplant eligible',
  val_newly_diagnosed_transplant_ineligible: 'newly diagnosed, transplant ineligible',
  val_first_relapse: 'first relapse',
  val_second_relapse_or_later: 'second relapse or later',
  val_on_treatment: 'on treatment',
  val_no_myeloma_diagnosis: 'no myeloma diagnosis in the record',
  val_newly_diagnosed: 'newly diagnosed',
  val_on_therapy: 'on therapy',
  val_response_after_asct: 'in response after ASCT',
  val_response_after_car_t: 'in response after CAR-T',
  val_response_after_bispecific: 'in response after a bispecific antibody (stopped)',
  val_response_after_therapy: 'in response, off therapy',
  val_refractory_nonresponsive: 'refractory (no response to the last line)',
  val_relapsed_progressing: 'relapsed or progressing',
  val_fit: 'fit',
  val_intermediate: 'intermediate',
  val_frail: 'frail',
  val_male: 'male',
  val_female: 'female',
  val_other: 'other'
});
