/* form.js: the patient form (in the order a clinician reads a chart:
 * identity, diagnosis, lines of therapy, recent labs, clinical state), the
 * import of a record file or FHIR R4 Bundle into it, and the evaluation
 * request. An empty field is unknown, never no. The page keeps nothing of a
 * patient after the tab closes (no storage), and a new evaluation replaces
 * the old one: while it runs, or when it is refused, no previous result is
 * on screen. Loaded after app.js, pickers.js, problems.js. */
'use strict';

Object.assign(WORDS.it, {
  patient: 'Paziente', input_mode: 'Inserimento', mode_form: 'modulo', mode_json: 'incolla un record JSON',
  record_json: 'Record (mmpath/patient@1 o Bundle FHIR R4)', upload: 'Importa un file (record JSON o Bundle FHIR R4)',
  f_id: 'Pseudonimo (mai il nome)', f_center: 'Centro', f_as_of: 'Data di valutazione', f_birth_date: 'Data di nascita',
  f_age: 'oppure età (anni)', f_sex: 'Sesso', male: 'maschio', female: 'femmina', other: 'altro',
  f_transplant: 'Candidabile a trapianto', derive: 'da derivare', frailty: 'Fragilità (IMWG)',
  diagnosis: 'Diagnosi', f_dx_date: 'Data della diagnosi', f_ldh: 'LDH sopra il limite', f_iss: 'ISS (1-3)',
  f_b2m: 'oppure β2-microglobulina (mg/L)', f_alb: 'e albumina (g/dL)', f_charlson: 'Indice di Charlson',
  f_adl: 'ADL (0-6)', f_iadl: 'IADL (0-8)', f_ecog: 'ECOG (0-4)', clinical: 'Stato clinico attuale',
  features: 'Caratteristiche della malattia', f_emd: 'Extramidollare', f_pcl: 'Leucemia plasmacellulare',
  f_cns: 'Interessamento del SNC', f_comorb: 'Comorbidità', labs: 'Esami recenti', test: 'Esame', value: 'Valore',
  unit: 'Unità', remove: 'Rimuovi', add_lab: '+ esame', lines: 'Linee di terapia (dalla prima)', add_line: '+ linea',
  line: 'Linea', regimen: 'Schema (es. VRd, Dara-Rd)', drugs: 'Farmaci', start: 'Inizio', end: 'Fine',
  asct: 'Autotrapianto (data)', best_response: 'Miglior risposta', progression: 'Progressione (data)',
  maintenance: 'Farmaci del mantenimento', maint_start: 'Inizio mantenimento', maint_end: 'Fine mantenimento',
  stop_reason: 'Motivo di sospensione', asct_maint: 'Autotrapianto e mantenimento', jurisdiction: 'Giurisdizione',
  evaluate: 'Valuta', example: 'Carica esempio', show_json: 'Vedi JSON', examples: 'Pazienti di esempio',
  no_lines: 'Nessuna linea di terapia finora (altrimenti righe vuote = non note)',
  result_hint: 'Compila il modulo o importa un record e premi «Valuta»: in cima la sintesi, sotto i criteri, le fonti e i dati mancanti.',
  evaluating: 'Valutazione in corso…', running_note: 'Valutazione in corso: il risultato comparirà qui.',
  refused_note: 'Nessun risultato per questo record: correggere gli errori indicati nel modulo.',
  imported: 'Record importato nel modulo: controllare i campi.',
  stale: 'Il modulo è cambiato dopo questa valutazione: il risultato sotto è del record precedente. Premere «Valuta».', bad_json: 'Il testo non è JSON valido.',
  fhir_imported: 'Importato da FHIR: {n} note dell\'importazione, da verificare',
  juris_eu: 'UE', juris_us: 'USA', juris_it: 'UE + AIFA', juris_eu_long: 'UE (EMA)', juris_us_long: 'USA (FDA)',
  juris_it_long: 'Italia (UE + AIFA)'
});
Object.assign(WORDS.en, {
  patient: 'Patient', input_mode: 'Input', mode_form: 'form', mode_json: 'paste a JSON record',
  record_json: 'Record (mmpath/patient@1 or FHIR R4 Bundle)', upload: 'Import a file (JSON record or FHIR R4 Bundle)',
  f_id: 'Pseudonym (never the name)', f_center: 'Centre', f_as_of: 'Evaluation date', f_birth_date: 'Birth date',
  f_age: 'or age (years)', f_sex: 'Sex', male: 'male', female: 'female', other: 'other',
  f_transplant: 'Transplant eligible', derive: 'derive', frailty: 'Frailty (IMWG)', diagnosis: 'Diagnosis',
  f_dx_date: 'Diagnosis date', f_ldh: 'LDH above ULN', f_iss: 'ISS (1-3)', f_b2m: 'or β2-microglobulin (mg/L)',
  f_alb: 'and albumin (g/dL)', f_charlson: 'Charlson index', f_adl: 'ADL (0-6)', f_iadl: 'IADL (0-8)',
  f_ecog: 'ECOG (0-4)', clinical: 'Current clinical state', features: 'Disease features', f_emd: 'Extramedullary',
  f_pcl: 'Plasma cell leukaemia', f_cns: 'CNS involvement', f_comorb: 'Comorbidities', labs: 'Recent labs',
  test: 'Test', value: 'Value', unit: 'Unit', remove: 'Remove', add_lab: '+ lab', lines: 'Lines of therapy (earliest first)',
  add_line: '+ line', line: 'Line', regimen: 'Regimen (e.g. VRd, Dara-Rd)', drugs: 'Drugs', start: 'Start', end: 'End',
  asct: 'ASCT (date)', best_response: 'Best response', progression: 'Progression (date)',
  maintenance: 'Maintenance drugs', maint_start: 'Maintenance start', maint_end: 'Maintenance end',
  stop_reason: 'Stop reason', asct_maint: 'Transplant and maintenance', jurisdiction: 'Jurisdiction',
  evaluate: 'Evaluate', example: 'Load example', show_json: 'Show JSON', examples: 'Example patients',
  no_lines: 'No line of therapy yet (otherwise empty rows mean unknown)',
  result_hint: 'Fill in the form or import a record and press "Evaluate": the summary on top, then criteria, sources and missing inputs.',
  evaluating: 'Evaluating…', running_note: 'Evaluating: the result will appear here.',
  refused_note: 'No result for this record: correct the errors shown in the form.',
  imported: 'Record imported into the form: check the fields.',
  stale: 'The form has changed since this evaluation: the result below is of the previous record. Press "Evaluate".', bad_json: 'The text is not valid JSON.',
  fhir_imported: 'Imported from FHIR: {n} import notes to check',
  juris_eu: 'EU', juris_us: 'US', juris_it: 'EU + AIFA', juris_eu_long: 'EU (EMA)', juris_us_long: 'US (FDA)',
  juris_it_long: 'Italy (EU + AIFA)'
});

function addLab(lab) {
  lab = lab || {};
  const tr = h('tr', { class: 'lab' });
  const test = labSelect(lab.test);
  const unitCell = h('td', null, unitSelect(test.value, lab.unit));
  test.addEventListener('change', () => unitCell.replaceChildren(unitSelect(test.value)));
  tr.append(h('td', null, h('input', { 'data-k': 'date', type: 'date', value: lab.date || '', 'aria-label': t('date') })),
    h('td', null, test),
    h('td', null, h('input', { 'data-k': 'value', type: 'number', step: 'any', value: lab.value ?? '', 'aria-label': t('value') })),
    unitCell,
    h('td', null, h('button', { type: 'button', class: 'small', 'aria-label': t('remove') + ' ' + t('test'), onclick: () => tr.remove() }, '×')));
  $('#labs-table tbody').append(tr);
}

/* A line as a chart says it: regimen (its drugs filled in), dates, best
 * response, progression; transplant, maintenance and the stop reason folded. */
function addLine(line) {
  line = line || {};
  const n = $$('#lines .line-row').length + 1;
  const box = h('div', { class: 'line-row' });
  const lab = (k, text) => h('label', { for: 'l' + n + '-' + k }, text);
  const inp = (k, type, value, extra) => h('input', Object.assign({ id: 'l' + n + '-' + k, 'data-k': k, type: type || 'text',
    value: value || '', autocomplete: 'off' }, extra || {}));
  const field = (k, text, ctl) => { ctl.id = 'l' + n + '-' + k; return h('div', null, lab(k, text), ctl); };
  const drugs = drugPicker('drugs', t('drugs') + ' (' + t('line') + ' ' + n + ')',
    (line.drugs || []).map(d => typeof d === 'string' ? d : d.name));
  const regimen = inp('regimen', 'text', line.regimen, { list: 'dl-regimens' });
  const hint = h('div', { class: 'src' });
  const maint = line.maintenance || {};
  const mdrugs = drugPicker('maint_drugs', t('maintenance') + ' (' + t('line') + ' ' + n + ')', maint.drugs || []);
  box.append(h('h4', null, h('span', null, t('line') + ' ' + n),
    h('button', { type: 'button', class: 'small', 'aria-label': t('remove') + ' ' + t('line') + ' ' + n, onclick: () => box.remove() }, '×')));
  box.append(h('div', { class: 'grid' },
    h('div', { class: 'wide' }, lab('regimen', t('regimen')), regimen, hint),
    h('div', { class: 'wide' }, h('span', { class: 'lbl' }, t('drugs')), drugs),
    field('start', t('start'), inp('start', 'date', line.start)), field('end', t('end'), inp('end', 'date', line.end)),
    field('best_response', t('best_response'), codeSelect('best_response', t('best_response'), RESPONSES, 'resp_', line.best_response)),
    field('progression', t('progression'), inp('progression', 'date', line.progression))),
  h('details', { class: 'more', open: line.asct || maint.drugs || line.stop_reason ? true : null },
    h('summary', null, t('asct_maint')),
    h('div', { class: 'grid' },
      field('asct', t('asct'), inp('asct', 'date', typeof line.asct === 'string' ? line.asct : '')),
      h('div', { class: 'wide' }, h('span', { class: 'lbl' }, t('maintenance')), mdrugs),
      field('maint_start', t('maint_start'), inp('maint_start', 'date', maint.start)),
      field('maint_end', t('maint_end'), inp('maint_end', 'date', maint.end)),
      field('stop_reason', t('stop_reason'), codeSelect('stop_reason', t('stop_reason'), STOP_REASONS, 'stop_', line.stop_reason)))));
  const update = regimenField(regimen, drugs, hint);
  if (line.regimen) update();
  $('#lines').append(box);
}

function setPath(obj, path, value) {
  const parts = path.split('.');
  let o = obj;
  for (let i = 0; i < parts.length - 1; i++) o = o[parts[i]] = o[parts[i]] || {};
  o[parts[parts.length - 1]] = value;
}

/* The form as an mmpath/patient@1 record; empty fields are left out. */
function recordFromForm() {
  const r = { schema: 'mmpath/patient@1' };
  for (const el of $$('#form-input [name]')) {
    const v = el.value.trim();
    if (v === '') continue;
    let val = v;
    if (el.type === 'number') val = Number(v);
    else if (el.classList.contains('tri') || el.name === 'transplant_eligible') val = v === 'true';
    setPath(r, el.name, val);
  }
  const com = comorbCodes();
  if (com.length) r.comorbidities = com;
  else if ($('#no-comorb').checked) r.comorbidities = []; /* none, not unknown */
  const labs = $$('#labs-table tr.lab').map(tr => {
    const g = k => $('[data-k="' + k + '"]', tr).value.trim();
    const lab = { date: g('date'), test: g('test'), value: g('value') === '' ? null : Number(g('value')) };
    if (g('unit')) lab.unit = g('unit');
    return lab;
  }).filter(l => l.date || l.value !== null);
  if (labs.length) r.labs = labs;
  const lines = $$('#lines .line-row').map(box => {
    const g = k => $('[data-k="' + k + '"]', box).value.trim();
    const l = {};
    const reg = g('regimen');
    const drugs = $('[data-picker=drugs]', box).codes();
    const kr = reg ? findRegimen(reg) : null;
    if (reg) l.regimen = kr ? kr.id : reg;
    if (drugs.length && !(kr && sameSet(drugs, kr.drugs))) l.drugs = drugs;
    for (const k of ['start', 'end', 'asct', 'best_response', 'progression', 'stop_reason']) if (g(k)) l[k] = g(k);
    const md = $('[data-picker=maint_drugs]', box).codes();
    if (md.length) {
      l.maintenance = { drugs: md };
      if (g('maint_start')) l.maintenance.start = g('maint_start');
      if (g('maint_end')) l.maintenance.end = g('maint_end');
    }
    return l;
  }).filter(l => Object.keys(l).length);
  if (lines.length) r.lines = lines;
  else if ($('#no-lines').checked) r.lines = []; /* none, which is not "unknown" */
  return r;
}

function fillForm(rec) {
  for (const el of $$('#form-input [name]')) {
    let v = rec;
    for (const p of el.name.split('.')) v = v && typeof v === 'object' ? v[p] : undefined;
    el.value = v === undefined || v === null ? '' : String(v);
  }
  setComorbCodes(Array.isArray(rec.comorbidities) ? rec.comorbidities : []);
  $('#no-comorb').checked = Array.isArray(rec.comorbidities) && rec.comorbidities.length === 0;
  $('#labs-table tbody').replaceChildren();
  for (const lab of rec.labs || []) addLab(lab);
  $('#lines').replaceChildren();
  for (const l of rec.lines || []) addLine(l);
  if (!(rec.lines || []).length) addLine();
  $('#no-lines').checked = Array.isArray(rec.lines) && rec.lines.length === 0;
}

/* After a language switch: the rows again, with the new labels, same values. */
function relabelForm() {
  const rec = recordFromForm();
  $('#labs-table tbody').replaceChildren();
  for (const lab of rec.labs || []) addLab(lab);
  $('#lines').replaceChildren();
  for (const l of rec.lines || []) addLine(l);
  if (!(rec.lines || []).length) addLine();
}

function initForm() {
  $('#f-as_of').value = today();
  addLine();
}

/* A record file or FHIR Bundle: a Bundle is imported by the server, then
 * either mode shows it (the form filled, or the JSON). The importer's
 * warnings come in the page's language (lang=); the Bundle is kept so that
 * a language switch can ask for them again (fhirWarningsInLang). */
async function importText(text) {
  const box = $('#form-errors');
  box.hidden = true;
  let parsed;
  try { parsed = JSON.parse(text); } catch (e) {
    box.replaceChildren(h('strong', null, t('bad_json'))); box.hidden = false; return null;
  }
  state.fhirWarnings = null;
  if (parsed && parsed.resourceType) {
    const imp = await api('POST', '/api/v1/fhir/import?lang=' + state.lang, text);
    if (!imp.ok) { problemBox(box, imp); return null; }
    state.fhirWarnings = imp.data.warnings || [];
    state.fhirBundle = text;
    state.fhirLang = state.lang;
    parsed = imp.data.record;
  }
  return parsed;
}

/* After a language switch the warnings already shown are in the other
 * language: the kept Bundle is imported again for them (the record is the
 * same; if the server refuses now, the old text stays). */
async function fhirWarningsInLang() {
  if (!state.fhirWarnings || !state.fhirBundle || state.fhirLang === state.lang) return;
  const lang = state.lang;
  const imp = await api('POST', '/api/v1/fhir/import?lang=' + lang, state.fhirBundle);
  if (imp.ok && state.fhirWarnings) { state.fhirWarnings = imp.data.warnings || []; state.fhirLang = lang; }
}

let evalSeq = 0;
async function evaluate(ev) {
  if (ev) ev.preventDefault();
  const seq = ++evalSeq;
  const box = $('#form-errors');
  box.hidden = true;
  markInvalid([]);
  /* the previous result goes now: nothing on screen may pass for this record's */
  state.lastResult = null;
  $('#result').classList.remove('stale'); /* the note goes with the old result: so does the fading */
  $('#result').replaceChildren(h('p', { class: 'hint running', 'data-state': 'running' }, t('running_note')));
  $('#result').setAttribute('aria-busy', 'true');
  let body;
  if ($('input[name=mode]:checked').value === 'json') {
    const keepWarnings = state.fhirWarnings;
    const rec = await importText($('#record-json').value);
    if (seq !== evalSeq) return;
    if (!rec) { refused(); box.focus(); return; }
    if (!state.fhirWarnings) state.fhirWarnings = keepWarnings && state.importedText === $('#record-json').value ? keepWarnings : null;
    body = JSON.stringify(rec);
  } else body = JSON.stringify(recordFromForm());
  await fhirWarningsInLang();
  if (seq !== evalSeq) return;
  state.lastRecord = body;
  say(t('evaluating'));
  const q = '?lang=' + state.lang + '&jurisdiction=' + $('#jurisdiction').value + '&format=json';
  const res = await api('POST', '/api/v1/evaluate' + q, body);
  if (seq !== evalSeq) return; /* a newer evaluation was asked meanwhile */
  say('');
  if (!res.ok) {
    problemBox(box, res);
    if (res.status === 401) box.append(h('p', null, t('no_token')));
    refused();
    const first = markInvalid(res.data && res.data.errors, problemSlug(res));
    if (first && !$('#form-input').hidden) first.focus(); else box.focus();
    return;
  }
  state.lastResult = res.data;
  $('#result').removeAttribute('aria-busy');
  renderResult(res.data); // result.js
}
function refused() {
  $('#result').removeAttribute('aria-busy');
  $('#result').replaceChildren(h('p', { class: 'errors', 'data-state': 'refused' }, t('refused_note')));
}

/* A result on screen whose record has since been edited says so, above it. */
function markStale(e) {
  if (!state.lastResult || $('#stale-note') || (e && e.target && e.target.closest('#example'))) return;
  $('#result').classList.add('stale');
  $('#result').prepend(h('div', { class: 'errors warn', id: 'stale-note', role: 'status' }, h('strong', null, t('stale'))));
}

function switchMode() {
  const json = $('input[name=mode]:checked').value === 'json';
  $('#json-input').hidden = !json;
  $('#form-input').hidden = json;
}

function setupForm() {
  $('#patient-form').addEventListener('submit', evaluate);
  $('#patient-form').addEventListener('input', markStale);
  $('#patient-form').addEventListener('change', markStale);
  $('#add-lab').addEventListener('click', () => addLab());
  /* "none" and a ticked comorbidity cannot both hold */
  $('#no-comorb').addEventListener('change', () => { if ($('#no-comorb').checked) setComorbCodes([]); });
  $('#add-line').addEventListener('click', () => addLine());
  $('#load-example').addEventListener('click', () => {
    const ex = state.examples[$('#example').value];
    if (!ex) return;
    state.fhirWarnings = state.fhirBundle = null;
    fillForm(ex);
    $('#record-json').value = JSON.stringify(ex, null, 2);
    markStale();
  });
  $('#show-json').addEventListener('click', () => {
    $('#record-json').value = JSON.stringify(recordFromForm(), null, 2);
    $('input[name=mode][value=json]').checked = true;
    switchMode();
  });
  for (const r of $$('input[name=mode]')) r.addEventListener('change', switchMode);
  $('#record-file').addEventListener('change', async e => {
    const f = e.target.files[0];
    if (!f) return;
    const text = await f.text();
    e.target.value = '';
    const rec = await importText(text);
    if (!rec) return;
    state.importedText = JSON.stringify(rec, null, 2);
    $('#record-json').value = state.importedText;
    fillForm(rec);
    markStale();
    say(t('imported'));
  });
  $('#result').tabIndex = -1;
}
