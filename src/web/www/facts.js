/* facts.js: a derived fact by its clinical name, with its unit, in the
 * page's language. The names of drugs, classes, labs and comorbidities
 * come from the knowledge base (pickers.js loads them); the patient-level
 * facts (docs/facts.md) have the page's words. Codes stay in the JSON and in
 * the data-fact attributes. Loaded after app.js and pickers.js. */
'use strict';

Object.assign(WORDS.it, {
  fact_age: 'Età', fact_sex: 'Sesso', fact_ecog: 'ECOG', fact_months_since_diagnosis: 'Mesi dalla diagnosi',
  fact_extramedullary: 'Malattia extramidollare', fact_plasma_cell_leukemia: 'Leucemia plasmacellulare',
  fact_cns_involvement: 'Interessamento del SNC', fact_ldh_above_uln: 'LDH sopra il limite',
  fact_prior_lines: 'Linee precedenti', fact_on_treatment: 'In terapia', fact_progression_on_last: "Progressione durante l'ultima linea",
  fact_progression_on_or_after_last: "Progressione durante o dopo l'ultima linea", fact_asct_prior: 'Autotrapianto eseguito',
  fact_asct_count: 'Numero di autotrapianti', fact_asct_to_progression_months: 'Mesi da autotrapianto a progressione',
  fact_transplant_disqualifying_comorbidity: 'Comorbidità che esclude il trapianto', fact_transplant_eligible: 'Candidabile a trapianto',
  fact_setting: 'Fase di malattia (setting)', fact_disease_state: 'Stato della malattia', fact_months_since_car_t: 'Mesi dalla CAR-T',
  fact_months_since_bispecific_stop: 'Mesi dalla sospensione del bispecifico', fact_frailty: 'Fragilità (IMWG)',
  fact_frailty_score: 'Punteggio di fragilità', fact_iss: 'ISS', fact_r_iss: 'R-ISS', fact_r2_iss: 'R2-ISS', fact_response: 'Risposta attuale',
  fact_triple_class_exposed: 'Esposto alle tre classi (PI, IMiD, anti-CD38)', fact_triple_class_refractory: 'Refrattario alle tre classi',
  fact_penta_exposed: 'Penta-esposto', fact_penta_refractory: 'Penta-refrattario', fact_relapsed_or_refractory: 'Recidivato o refrattario',
  fact_not_relapsed: 'Non in recidiva', fact_high_risk_cytogenetics: 'Citogenetica ad alto rischio', fact_del17p: 'del(17p)',
  fact_t4_14: 't(4;14)', fact_t14_16: 't(14;16)', fact_gain1q: 'gain(1q)', fact_amp1q: 'amp(1q)', fact_flc_ratio: 'Rapporto FLC κ/λ',
  fact_candidate_car_t: 'candidato a CAR-T (indicato da scheda tecnica)', fact_candidate_bispecific: 'candidato a un bispecifico (indicato da scheda tecnica)',
  fx_exposed: 'esposto a {x}', fx_refractory: 'refrattario a {x}', fx_progressed_on: 'progressione durante {x}', fx_current: 'in corso: {x}',
  fx_exposed_count: 'farmaci ricevuti: {x}', fx_refractory_count: 'farmaci refrattari: {x}', fx_comorbidity: 'comorbidità: {x}',
  u_years: 'anni', u_months: 'mesi', u_lines: 'linee', u_points: 'punti', u_drugs: 'farmaci'
});
Object.assign(WORDS.en, {
  fact_age: 'Age', fact_sex: 'Sex', fact_ecog: 'ECOG', fact_months_since_diagnosis: 'Months since diagnosis',
  fact_extramedullary: 'Extramedullary disease', fact_plasma_cell_leukemia: 'Plasma cell leukaemia',
  fact_cns_involvement: 'CNS involvement', fact_ldh_above_uln: 'LDH above ULN', fact_prior_lines: 'Prior lines',
  fact_on_treatment: 'On treatment', fact_progression_on_last: 'Progression on the last line',
  fact_progression_on_or_after_last: 'Progression on or after the last line', fact_asct_prior: 'Prior ASCT',
  fact_asct_count: 'Number of ASCTs', fact_asct_to_progression_months: 'Months from ASCT to progression',
  fact_transplant_disqualifying_comorbidity: 'Comorbidity excluding transplant', fact_transplant_eligible: 'Transplant eligible',
  fact_setting: 'Setting', fact_disease_state: 'Disease state', fact_months_since_car_t: 'Months since CAR-T',
  fact_months_since_bispecific_stop: 'Months since the bispecific stopped', fact_frailty: 'Frailty (IMWG)',
  fact_frailty_score: 'Frailty score', fact_iss: 'ISS', fact_r_iss: 'R-ISS', fact_r2_iss: 'R2-ISS', fact_response: 'Current response',
  fact_triple_class_exposed: 'Triple-class exposed (PI, IMiD, anti-CD38)', fact_triple_class_refractory: 'Triple-class refractory',
  fact_penta_exposed: 'Penta-exposed', fact_penta_refractory: 'Penta-refractory', fact_relapsed_or_refractory: 'Relapsed or refractory',
  fact_not_relapsed: 'Not relapsed', fact_high_risk_cytogenetics: 'High-risk cytogenetics', fact_del17p: 'del(17p)',
  fact_t4_14: 't(4;14)', fact_t14_16: 't(14;16)', fact_gain1q: 'gain(1q)', fact_amp1q: 'amp(1q)', fact_flc_ratio: 'FLC κ/λ ratio',
  fact_candidate_car_t: 'CAR-T candidate (eligible on a label)', fact_candidate_bispecific: 'bispecific candidate (eligible on a label)',
  fx_exposed: 'exposed to {x}', fx_refractory: 'refractory to {x}', fx_progressed_on: 'progressed on {x}', fx_current: 'current: {x}',
  fx_exposed_count: 'drugs received: {x}', fx_refractory_count: 'drugs refractory: {x}', fx_comorbidity: 'comorbidity: {x}',
  u_years: 'years', u_months: 'months', u_lines: 'lines', u_points: 'points', u_drugs: 'drugs'
});

/* The kb's name of a drug or class id, or null. */
function kbName(id) {
  const kb = state.kb;
  if (!kb) return null;
  const d = kb.drugs.find(x => x.id === id);
  if (d) return d.name;
  const c = kb.classes.find(x => x.id === id);
  return c ? c.name : null;
}

function factLabel(k) {
  if (WORDS.en['fact_' + k] !== undefined) return t('fact_' + k);
  const kb = state.kb || { labs: [], comorbidities: [] };
  const lab = kb.labs.find(x => x.id === k);
  if (lab) return lab.name;
  let m = /^comorbidity_(\w+)$/.exec(k);
  if (m) { const c = kb.comorbidities.find(x => x.id === m[1]); if (c) return t('fx_comorbidity', { x: c.name }); }
  m = /^(\w+?)_(exposed_count|refractory_count|exposed|refractory|progressed_on|current)$/.exec(k);
  if (m && kbName(m[1])) return t('fx_' + m[2], { x: kbName(m[1]) });
  return k;
}
function unitLabel(u) { return u && WORDS.en['u_' + u] !== undefined ? t('u_' + u) : (u || ''); }

/* A server text in the page's terms: ISO dates in the user's format, and
 * the fact codes it quotes ("bispecific_current = no", "lines[1]: ...") by
 * their names. */
function clinText(s) {
  s = fmtText(s);
  s = s.replace(/\blines\[(\d+)\]/g, (_, i) => t('fp_line', { n: Number(i) + 1 }));
  return s.replace(/\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]{3,}) = /g, (all, k) => {
    const l = factLabel(k);
    return l === k ? all : l + ' = ';
  });
}
