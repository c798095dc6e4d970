/* records.js: the forms of the records after infusion in the pathway dialog
 * (pathway.js), one per kind, after the schema the server checks
 * (src/referral/records.c; docs/referral.md lists every key): a coordinator
 * fills fields, never JSON. Codes are the server's (the sign values of the
 * ASTCT scores in kb/scores/crs.yaml and icans.yaml, the IMWG response
 * tests of kb/scores/imwg_response.yaml, the visit schedule of
 * kb/pathway.yaml from GET /api/v1/referral-vocabulary), shown with the
 * page's labels. A field left empty is left out of the record: an absent
 * sign or finding is "not known", never "no" (each yes/no is a choice of
 * three). Every control carries data-path, the path the server names in a
 * refusal (problems.js fieldFor marks it). The JSON stays as the "advanced"
 * view. Loaded after pickers.js and before pathway.js. */
'use strict';

Object.assign(WORDS.it, {
  rf_text: 'Testo', rf_corrects: 'Evento corretto', rf_why: 'Motivo della correzione', rf_new_date: 'Data corretta (se cambia)',
  rf_void: 'Annulla l\'evento (registrato per errore)', rf_drugs: 'Farmaci', rf_end: 'Ultimo giorno', rf_start_is_date: 'La «Data» sopra è il primo giorno.',
  rf_product: 'Prodotto', rf_lot: 'Lotto', rf_product_id: 'Codice della sacca (facoltativo)',
  rf_visit: 'Visita', rf_unscheduled: 'fuori programma', rf_status: 'Stato del paziente', rf_igg: 'IgG (mg/dL)',
  rf_anc: 'Neutrofili (×10⁹/L)', rf_plt: 'Piastrine (×10⁹/L)', rf_parkinsonism: 'Parkinsonismo',
  rf_cnp: 'Paralisi di nervi cranici', rf_tox: 'Tossicità riviste alla visita', rf_infections: 'Infezioni',
  rf_labs: 'Esami per la risposta IMWG', rf_add_row: 'Aggiungi', rf_remove_row: 'Togli', rf_row: 'riga {n}',
  rf_type: 'Tipo', rf_grade: 'Grado CTCAE', rf_note: 'Nota', rf_test: 'Esame', rf_value: 'Valore', rf_result: 'Esito',
  rf_onset_is_date: 'La «Data» sopra è l\'esordio dell\'episodio.', rf_resolution: 'Risoluzione',
  rf_signs: 'Segni, un giorno per riga (il grado ASTCT è calcolato dal server)', rf_day: 'Giorno',
  rf_fever: 'Febbre ≥ 38 °C', rf_fever_masked: 'Antipiretici/anti-citochine dati', rf_hypotension: 'Ipotensione',
  rf_hypoxia: 'Ipossia', rf_ice: 'Punteggio ICE (0-10)', rf_consciousness: 'Coscienza', rf_seizure: 'Convulsioni',
  rf_motor: 'Deficit motorio', rf_edema: 'Edema cerebrale', rf_toci: 'Dosi di tocilizumab', rf_steroids: 'Corticosteroidi',
  rf_anakinra: 'Anakinra', rf_tri_unknown: 'non rilevato', rf_tri_yes: 'sì', rf_tri_no: 'no',
  rf_advanced: 'Avanzato: i dati come JSON', rf_grade_saved: '{id}: episodio registrato, grado ASTCT massimo {g}.',
  rf_grade_unknown: '{id}: episodio registrato; grado ASTCT non calcolabile: manca {m}.',
  rf_response_saved: '{id}: visita registrata; risposta IMWG: {r}.', rf_event: 'n. {n} · {d} · {k}',
  v_alive: 'vivo', v_dead: 'deceduto', v_lost_to_follow_up: 'perso al follow-up',
  v_bacterial: 'batterica', v_viral: 'virale', v_fungal: 'fungina', v_other: 'altra',
  v_none: 'assente', v_no_pressor: 'senza vasopressori', v_one_pressor: 'un vasopressore', v_multiple_pressors: 'più vasopressori',
  v_low_flow: 'O₂ a basso flusso (≤ 6 L/min)', v_high_flow: 'O₂ ad alto flusso / maschera', v_positive_pressure: 'pressione positiva (CPAP, BiPAP, intubazione)',
  v_alert: 'vigile', v_awakens_spontaneously: 'si sveglia spontaneamente', v_awakens_to_voice: 'si sveglia alla voce',
  v_awakens_to_touch: 'si sveglia solo al tatto', v_unarousable: 'non risvegliabile',
  v_rapidly_resolving: 'rapidamente risolte', v_prolonged: 'prolungate (> 5 min) o ripetute',
  v_deep_focal_weakness: 'deficit focale profondo (emi-/paraparesi)', v_focal: 'focale', v_diffuse: 'diffuso',
  v_negative: 'negativo', v_positive: 'positivo',
  l_serum_m_protein: 'Componente M sierica (g/dL)', l_urine_m_protein: 'Componente M urinaria (mg/24h)',
  l_flc_kappa: 'FLC kappa (mg/L)', l_flc_lambda: 'FLC lambda (mg/L)', l_bm_plasma_cells: 'Plasmacellule midollari (%)',
  l_serum_ife: 'Immunofissazione sierica', l_urine_ife: 'Immunofissazione urinaria',
  l_bm_clonal_pc: 'Plasmacellule clonali nella biopsia', l_mrd: 'MRD'
});
Object.assign(WORDS.en, {
  rf_text: 'Text', rf_corrects: 'Event corrected', rf_why: 'Why it is corrected', rf_new_date: 'Corrected date (if it changes)',
  rf_void: 'Void the event (recorded by mistake)', rf_drugs: 'Drugs', rf_end: 'Last day', rf_start_is_date: 'The "Date" above is the first day.',
  rf_product: 'Product', rf_lot: 'Lot', rf_product_id: 'Bag code (optional)',
  rf_visit: 'Visit', rf_unscheduled: 'unscheduled', rf_status: 'Patient status', rf_igg: 'IgG (mg/dL)',
  rf_anc: 'Neutrophils (×10⁹/L)', rf_plt: 'Platelets (×10⁹/L)', rf_parkinsonism: 'Parkinsonism',
  rf_cnp: 'Cranial nerve palsy', rf_tox: 'Toxicities reviewed at the visit', rf_infections: 'Infections',
  rf_labs: 'Labs for the IMWG response', rf_add_row: 'Add', rf_remove_row: 'Remove', rf_row: 'row {n}',
  rf_type: 'Type', rf_grade: 'CTCAE grade', rf_note: 'Note', rf_test: 'Test', rf_value: 'Value', rf_result: 'Result',
  rf_onset_is_date: 'The "Date" above is the onset of the episode.', rf_resolution: 'Resolution',
  rf_signs: 'Signs, one day per row (the ASTCT grade is computed by the server)', rf_day: 'Day',
  rf_fever: 'Fever ≥ 38 °C', rf_fever_masked: 'Antipyretics/anti-cytokine given', rf_hypotension: 'Hypotension',
  rf_hypoxia: 'Hypoxia', rf_ice: 'ICE score (0-10)', rf_consciousness: 'Consciousness', rf_seizure: 'Seizures',
  rf_motor: 'Motor weakness', rf_edema: 'Cerebral oedema', rf_toci: 'Tocilizumab doses', rf_steroids: 'Corticosteroids',
  rf_anakinra: 'Anakinra', rf_tri_unknown: 'not recorded', rf_tri_yes: 'yes', rf_tri_no: 'no',
  rf_advanced: 'Advanced: the data as JSON', rf_grade_saved: '{id}: episode recorded, highest ASTCT grade {g}.',
  rf_grade_unknown: '{id}: episode recorded; ASTCT grade cannot be computed: {m} missing.',
  rf_response_saved: '{id}: visit recorded; IMWG response: {r}.', rf_event: 'no. {n} · {d} · {k}',
  v_alive: 'alive', v_dead: 'dead', v_lost_to_follow_up: 'lost to follow-up',
  v_bacterial: 'bacterial', v_viral: 'viral', v_fungal: 'fungal', v_other: 'other',
  v_none: 'none', v_no_pressor: 'no vasopressor', v_one_pressor: 'one vasopressor', v_multiple_pressors: 'multiple vasopressors',
  v_low_flow: 'low-flow O₂ (≤ 6 L/min)', v_high_flow: 'high-flow O₂ / mask', v_positive_pressure: 'positive pressure (CPAP, BiPAP, intubation)',
  v_alert: 'alert', v_awakens_spontaneously: 'awakens spontaneously', v_awakens_to_voice: 'awakens to voice',
  v_awakens_to_touch: 'awakens only to touch', v_unarousable: 'unarousable',
  v_rapidly_resolving: 'rapidly resolving', v_prolonged: 'prolonged (> 5 min) or repetitive',
  v_deep_focal_weakness: 'deep focal weakness (hemi-/paraparesis)', v_focal: 'focal', v_diffuse: 'diffuse',
  v_negative: 'negative', v_positive: 'positive',
  l_serum_m_protein: 'Serum M-protein (g/dL)', l_urine_m_protein: 'Urine M-protein (mg/24h)',
  l_flc_kappa: 'FLC kappa (mg/L)', l_flc_lambda: 'FLC lambda (mg/L)', l_bm_plasma_cells: 'Bone-marrow plasma cells (%)',
  l_serum_ife: 'Serum immunofixation', l_urine_ife: 'Urine immunofixation',
  l_bm_clonal_pc: 'Clonal plasma cells in the biopsy', l_mrd: 'MRD'
});

/* The codes the server accepts (records.c; kb/scores/*.yaml). */
const RF = {
  status: ['alive', 'dead', 'lost_to_follow_up'],
  infection: ['bacterial', 'viral', 'fungal', 'other'],
  hypotension: ['none', 'no_pressor', 'one_pressor', 'multiple_pressors'],
  hypoxia: ['none', 'low_flow', 'high_flow', 'positive_pressure'],
  consciousness: ['alert', 'awakens_spontaneously', 'awakens_to_voice', 'awakens_to_touch', 'unarousable'],
  seizure: ['none', 'rapidly_resolving', 'prolonged'],
  motor: ['none', 'deep_focal_weakness'],
  cerebral_edema: ['none', 'focal', 'diffuse'],
  /* IMWG response tests: numeric ones take a value, the others a result */
  tests_num: ['serum_m_protein', 'urine_m_protein', 'flc_kappa', 'flc_lambda', 'bm_plasma_cells'],
  tests_cat: ['serum_ife', 'urine_ife', 'bm_clonal_pc', 'mrd']
};

let rfSeq = 0;
/* A labelled control; `path` is the record path ("data.lot"). */
function rfField(path, label, control, wide) {
  control.id = control.id || 'rf-' + (++rfSeq);
  control.dataset.path = path;
  return h('div', { class: 'rf-field' + (wide ? ' wide' : '') }, h('label', { for: control.id }, label), control);
}
function rfSelect(codes, prefix, blank) {
  /* empty: not recorded (left out of the record) */
  return h('select', null, blank !== false ? h('option', { value: '' }, blank || t('rf_tri_unknown')) : null,
    codes.map(c => h('option', { value: c }, t(prefix + c))));
}
function rfTri() {
  return h('select', { 'data-tri': '1' }, h('option', { value: '' }, t('rf_tri_unknown')),
    h('option', { value: 'true' }, t('rf_tri_yes')), h('option', { value: 'false' }, t('rf_tri_no')));
}
const rfNum = (min, max, step) => h('input', { type: 'number', min, max, step: step || 'any', inputmode: 'decimal' });
const rfDate = () => h('input', { type: 'date', max: today() });

/* The value of one control: undefined when empty (left out). */
function rfValue(el) {
  if (el.dataset.picker) { const c = el.codes(); return c.length ? c : undefined; }
  if (el.type === 'checkbox') return el.checked ? true : undefined;
  const v = el.value.trim();
  if (v === '') return undefined;
  if (el.dataset.tri) return v === 'true';
  if (el.type === 'number') return Number(v);
  return v;
}

/* Rows of sub-objects (signs, infections, labs): each row's controls are
 * named by their key; the paths are renumbered when read. */
function rfRows(key, label, makeRow, first) {
  const list = h('div', { class: 'rf-rows', 'data-rows': key });
  const add = () => {
    const n = list.children.length + 1;
    const cells = makeRow(n);
    const row = h('div', { class: 'rf-row' }, cells.map(([k, lab, c]) => {
      c.dataset.k = k;
      c.setAttribute('aria-label', lab + ' (' + t('rf_row', { n }) + ')');
      return h('label', { class: 'rf-cell' }, h('span', null, lab), c);
    }), h('button', { type: 'button', class: 'small', onclick: () => row.remove(),
      'aria-label': t('rf_remove_row') + ' ' + t('rf_row', { n }) }, '×'));
    list.append(row);
    return row;
  };
  if (first) first(add()); 
  return h('fieldset', { class: 'rf-set' }, h('legend', null, label), list,
    h('button', { type: 'button', class: 'small rf-add', 'data-add': key, onclick: () => add() }, t('rf_add_row')));
}

/* Per kind: the fields (into box) for referral r on date d. */
function rfBuild(kind, box, r, d) {
  const F = [];
  const add = (...xs) => { for (const x of xs) F.push(x); };
  const signDate = n => { const x = rfDate(); if (n === 1) { x.value = d; x.dataset.follow = '1'; } return x; };
  switch (kind) {
  case 'note': { const x = h('textarea', { rows: '3' }); add(rfField('data.text', t('rf_text'), x, true)); break; }
  case 'correction': {
    const sel = h('select', null, (r.events || []).map((e, i) => h('option', { value: String(i) },
      t('rf_event', { n: i, d: fmtDate(e.date), k: e.kind ? t('pw_kind_' + e.kind) : stateLabel(e.state) }))));
    sel.value = String(Math.max(0, (r.events || []).length - 1));
    add(rfField('data.corrects', t('rf_corrects'), sel, true), rfField('data.why', t('rf_why'), h('input', { type: 'text' }), true),
      rfField('data.date', t('rf_new_date'), rfDate()), rfField('data.void', t('rf_void'), h('input', { type: 'checkbox' })));
    break;
  }
  case 'bridging':
  case 'lymphodepletion':
    add(h('p', { class: 'hint wide' }, t('rf_start_is_date')),
      rfField('data.drugs', t('rf_drugs'), drugPicker('drugs', t('rf_drugs'), []), true), rfField('data.end', t('rf_end'), rfDate()));
    break;
  case 'product': {
    const sel = rfSelect(((state.vocab && state.vocab.targets) || []).map(x => x.id), '', false);
    for (const o of sel.options) { const x = state.vocab.targets.find(y => y.id === o.value); o.textContent = x ? x.label : o.value; }
    sel.value = r.target;
    add(rfField('data.product', t('rf_product'), sel), rfField('data.lot', t('rf_lot'), h('input', { type: 'text', autocomplete: 'off' })),
      rfField('data.product_id', t('rf_product_id'), h('input', { type: 'text', autocomplete: 'off' })));
    break;
  }
  case 'visit': {
    const visits = (state.vocab && state.vocab.visits) || [];
    const v = h('select', null, visits.map(x => h('option', { value: x.id }, x.label)),
      h('option', { value: 'unscheduled' }, t('rf_unscheduled')));
    v.addEventListener('change', () => { v.dataset.chosen = '1'; });
    const st = rfSelect(RF.status, 'v_', false);
    add(rfField('data.visit', t('rf_visit'), v), rfField('data.status', t('rf_status'), st),
      rfField('data.igg_mg_dl', t('rf_igg'), rfNum(0, 10000)), rfField('data.anc', t('rf_anc'), rfNum(0, 100)),
      rfField('data.platelets', t('rf_plt'), rfNum(0, 2000)), rfField('data.toxicity_reviewed', t('rf_tox'), rfTri()),
      rfField('data.parkinsonism', t('rf_parkinsonism'), rfTri()), rfField('data.cranial_nerve_palsy', t('rf_cnp'), rfTri()),
      rfRows('infections', t('rf_infections'), () => [['date', t('date'), rfDate()], ['type', t('rf_type'), rfSelect(RF.infection, 'v_')],
        ['grade', t('rf_grade'), rfNum(1, 5, 1)], ['text', t('rf_note'), h('input', { type: 'text' })]]),
      rfRows('labs', t('rf_labs'), () => {
        const test = h('select', null, h('option', { value: '' }, ''), RF.tests_num.concat(RF.tests_cat).map(x => h('option', { value: x }, t('l_' + x))));
        const val = rfNum(0, 100000), res = rfSelect(['negative', 'positive'], 'v_');
        const sync = () => { const cat = RF.tests_cat.includes(test.value); val.disabled = cat; res.disabled = !cat; };
        test.addEventListener('change', sync); sync();
        const dt = rfDate(); dt.value = $('#pw-date') ? $('#pw-date').value : d; dt.dataset.follow = '1';
        return [['date', t('date'), dt], ['test', t('rf_test'), test], ['value', t('rf_value'), val], ['result', t('rf_result'), res]];
      }));
    break;
  }
  case 'crs':
  case 'icans':
    add(h('p', { class: 'hint wide' }, t('rf_onset_is_date')), rfField('data.resolution', t('rf_resolution'), rfDate()),
      rfRows('signs', t('rf_signs'), n => kind === 'crs'
        ? [['date', t('rf_day'), signDate(n)], ['fever', t('rf_fever'), rfTri()], ['fever_masked', t('rf_fever_masked'), rfTri()],
          ['hypotension', t('rf_hypotension'), rfSelect(RF.hypotension, 'v_')], ['hypoxia', t('rf_hypoxia'), rfSelect(RF.hypoxia, 'v_')]]
        : [['date', t('rf_day'), signDate(n)], ['ice_score', t('rf_ice'), rfNum(0, 10, 1)],
          ['consciousness', t('rf_consciousness'), rfSelect(RF.consciousness, 'v_')], ['seizure', t('rf_seizure'), rfSelect(RF.seizure, 'v_')],
          ['motor', t('rf_motor'), rfSelect(RF.motor, 'v_')], ['cerebral_edema', t('rf_edema'), rfSelect(RF.cerebral_edema, 'v_')]],
      () => {}),
      kind === 'crs' ? rfField('data.tocilizumab_doses', t('rf_toci'), rfNum(0, 20, 1)) : null,
      rfField('data.corticosteroids', t('rf_steroids'), rfTri()), rfField('data.anakinra', t('rf_anakinra'), rfTri()));
    break;
  }
  box.replaceChildren(...F.filter(Boolean));
  if (kind === 'visit') rfVisitNear(box, r, d);
}

/* The scheduled visit nearest to the date, counted from the infusion
 * (day 0), until the user chooses one. */
function rfVisitNear(box, r, d) {
  const v = $('[data-path="data.visit"]', box);
  const visits = (state.vocab && state.vocab.visits) || [];
  const inf = (r.events || []).find(e => e.state === 'infused');
  if (!v || v.dataset.chosen || !inf || !visits.length || !d) return;
  const day = Math.round((Date.parse(d) - Date.parse(inf.date)) / 864e5);
  v.value = visits.reduce((a, b) => Math.abs(b.day - day) < Math.abs(a.day - day) ? b : a).id;
}

/* The record the fields hold; the rows' paths numbered as sent. */
function rfRead(box) {
  const data = {};
  for (const el of $$('[data-path]', box)) {
    if (el.closest('.rf-rows')) continue;
    const v = rfValue(el);
    const k = el.dataset.path.replace(/^data\./, '');
    if (v !== undefined) data[k] = k === 'corrects' ? Number(v) : v;
  }
  for (const list of $$('.rf-rows', box)) {
    const key = list.dataset.rows, out = [];
    for (const row of Array.from(list.children)) {
      const o = {};
      for (const el of $$('[data-k]', row)) {
        if (el.disabled) continue;
        const v = rfValue(el);
        if (v !== undefined) o[el.dataset.k] = v;
      }
      /* a row with only its date (or nothing) says nothing */
      if (Object.keys(o).some(k => k !== 'date')) {
        for (const el of $$('[data-k]', row)) el.dataset.path = 'data.' + key + '[' + out.length + '].' + el.dataset.k;
        out.push(o);
      }
    }
    if (out.length) data[key] = out;
  }
  return data;
}
