/* app.js: the mmpath web page. Plain JavaScript, no build step, no external
 * request: it talks only to this server's /api/v1 (docs/http-api.md).
 * Views: the evaluation form (or a pasted/uploaded record), the referral
 * board by state with moves, the funnel chart, and the API token. Italian
 * by default, English on the switch; every element is a real button, link
 * or form control, so the page works from the keyboard. */
'use strict';

/* ---------- words ---------- */
const WORDS = {
  it: {
    skip: 'Vai al contenuto', tagline: 'supporto decisionale per il mieloma multiplo',
    tab_eval: 'Valutazione', tab_board: 'Invii CAR-T', tab_funnel: 'Funnel', tab_access: 'Accesso',
    language: 'Lingua', patient: 'Paziente', input_mode: 'Inserimento', mode_form: 'modulo',
    mode_json: 'incolla o carica un record JSON', record_json: 'Record (mmpath/patient@1 o Bundle FHIR R4)',
    upload: 'Carica un file', f_id: 'Pseudonimo (id)', f_as_of: 'Data di valutazione',
    f_birth_date: 'Data di nascita', f_age: 'oppure età', f_sex: 'Sesso', male: 'maschio',
    female: 'femmina', other: 'altro', f_transplant: 'Candidabile a trapianto',
    derive: 'da derivare', yes: 'sì', no: 'no', unknown: 'non noto', frailty: 'Fragilità (IMWG)',
    diagnosis: 'Diagnosi', f_dx_date: 'Data', f_ldh: 'LDH sopra il limite',
    f_b2m: 'oppure β2-microglobulina (mg/L)', f_alb: 'e albumina (g/dL)',
    features: 'Caratteristiche della malattia', f_emd: 'Extramidollare',
    f_pcl: 'Leucemia plasmacellulare', f_cns: 'SNC',
    f_comorb: 'Comorbidità (codici separati da virgola, es. heart_failure, ckd)',
    labs: 'Esami', date: 'Data', test: 'Esame', value: 'Valore', unit: 'Unità', remove: 'Rimuovi',
    add_lab: '+ esame', lines: 'Linee di terapia (dalla più vecchia)', add_line: '+ linea',
    line: 'Linea', regimen: 'Schema (es. VRd, Dara-Rd)', drugs: 'oppure farmaci (separati da virgola)',
    start: 'Inizio', end: 'Fine', asct: 'Autotrapianto (data)', best_response: 'Miglior risposta',
    progression: 'Progressione', maintenance: 'Mantenimento (farmaci)', maint_start: 'Inizio mantenimento',
    maint_end: 'Fine mantenimento', stop_reason: 'Motivo di stop',
    jurisdiction: 'Giurisdizione', evaluate: 'Valuta', example: 'Carica esempio', show_json: 'Vedi JSON',
    examples: 'Pazienti di esempio',
    no_lines: 'Nessuna linea di terapia finora (altrimenti righe vuote = non note)',
    no_comorb: 'Nessuna comorbidità (altrimenti campo vuoto = non note)',
    result_hint: 'Compila il modulo e premi «Valuta»: per ogni opzione compaiono i criteri, la fonte e i dati mancanti.',
    board: 'Invii per stato', filter_center: 'Centro inviante', refresh: 'Aggiorna',
    new_referral: 'Nuovo invio', new_state: 'Nuovo stato', reason: 'Motivo',
    note: 'Nota (mai il nome del paziente)', move: 'Sposta', cancel: 'Annulla',
    referral_id: 'Id invio', from_center: 'Da centro', to_center: 'A centro', target: 'Prodotto',
    create: 'Crea', funnel: 'Funnel degli invii', since: 'Dal', until: 'Al', show: 'Mostra',
    access: 'Accesso', token: 'Token API', save: 'Salva', forget: 'Dimentica', api: 'API',
    token_hint: 'Il token del centro (mmpath token new --center C --role hub|spoke|analyst) resta in questo browser.',
    evaluating: 'Valutazione in corso…', print: 'Stampa', facts: 'Fatti derivati',
    options: 'Opzioni terapeutiche', trials: 'Studi clinici', supportive: 'Terapia di supporto',
    warnings: 'Avvertenze', criteria: 'Criteri', source: 'Fonte', evidence: 'Evidenze',
    missing: 'Dato mancante che deciderebbe', st_eligible: 'indicato', st_not_eligible: 'non indicato',
    st_unknown: 'non determinabile', st_indicated: 'indicato',
    kind_trial: 'Studi clinici',
    errors_title: 'Il record ha errori:', no_token: 'Serve un token: vedi «Accesso».',
    saved: 'Token salvato.', forgotten: 'Token dimenticato.', who: 'Centro {c}, ruolo {r}.',
    anonymous: 'Nessun token: solo valutazione (se il server lo consente).',
    move_title: 'Sposta {id}', current: 'Stato attuale: {s} dal {d}', moved: '{id} spostato in «{s}».',
    created: 'Invio {id} creato.', no_moves: 'Nessuna mossa possibile da questo stato.',
    n_referrals: '{n} invii', total: 'Totale', positive: 'Valutati idonei', negative: 'Valutati non idonei',
    med_ref_aph: 'Mediana invio → aferesi (giorni)', med_aph_inf: 'Mediana aferesi → infusione (giorni)',
    chart_alt: 'Grafico del funnel degli invii', analyst_board: 'Un token «analyst» vede solo il funnel.',
    spoke_funnel: 'Un token «spoke» conta solo gli invii del proprio centro.', error: 'Errore', value_col: 'Valore',
    fact: 'Fatto', derived: 'derivato', because: 'perché', deck_outdated: 'La presentazione è superata',
    all_facts: 'Tutti i fatti derivati ({n})', history: 'Storia ({n} eventi)',
    fhir_imported: 'Importato da FHIR: {n} elementi non letti, da verificare',
    only_nonempty: 'solo stati con invii', changes: 'Modifiche (chi e quando)', created_by: 'creato',
    not_enrolling: 'lo studio non arruola (stato nel registro)',
    enrolling_unknown: 'non è noto se lo studio arruoli (stato nel registro)', juris_eu: 'UE', juris_us: 'USA',
    juris_it: 'UE + AIFA'
  },
  en: {
    skip: 'Skip to content', tagline: 'multiple-myeloma decision support',
    tab_eval: 'Evaluation', tab_board: 'CAR-T referrals', tab_funnel: 'Funnel', tab_access: 'Access',
    language: 'Language', patient: 'Patient', input_mode: 'Input', mode_form: 'form',
    mode_json: 'paste or upload a JSON record', record_json: 'Record (mmpath/patient@1 or FHIR R4 Bundle)',
    upload: 'Upload a file', f_id: 'Pseudonym (id)', f_as_of: 'Evaluation date',
    f_birth_date: 'Birth date', f_age: 'or age', f_sex: 'Sex', male: 'male', female: 'female',
    other: 'other', f_transplant: 'Transplant eligible', derive: 'derive', yes: 'yes', no: 'no',
    unknown: 'unknown', frailty: 'Frailty (IMWG)', diagnosis: 'Diagnosis', f_dx_date: 'Date',
    f_b2m: 'or β2-microglobulin (mg/L)', f_alb: 'and albumin (g/dL)',
    f_ldh: 'LDH above ULN', features: 'Disease features', f_emd: 'Extramedullary',
    f_pcl: 'Plasma cell leukaemia', f_cns: 'CNS',
    f_comorb: 'Comorbidities (codes, comma separated, e.g. heart_failure, ckd)',
    labs: 'Labs', date: 'Date', test: 'Test', value: 'Value', unit: 'Unit', remove: 'Remove',
    add_lab: '+ lab', lines: 'Lines of therapy (oldest first)', add_line: '+ line', line: 'Line',
    regimen: 'Regimen (e.g. VRd, Dara-Rd)', drugs: 'or drugs (comma separated)', start: 'Start',
    end: 'End', asct: 'ASCT (date)', best_response: 'Best response', progression: 'Progression',
    maintenance: 'Maintenance (drugs)', maint_start: 'Maintenance start', maint_end: 'Maintenance end',
    stop_reason: 'Stop reason', jurisdiction: 'Jurisdiction', evaluate: 'Evaluate',
    example: 'Load example', show_json: 'Show JSON', examples: 'Example patients',
    no_lines: 'No line of therapy yet (otherwise empty rows mean unknown)',
    no_comorb: 'No comorbidity (otherwise an empty field means unknown)',
    result_hint: 'Fill in the form and press "Evaluate": each option shows its criteria, source and missing inputs.',
    board: 'Referrals by state', filter_center: 'Referring centre', refresh: 'Refresh',
    new_referral: 'New referral', new_state: 'New state', reason: 'Reason',
    note: 'Note (never the patient name)', move: 'Move', cancel: 'Cancel', referral_id: 'Referral id',
    from_center: 'From centre', to_center: 'To centre', target: 'Product', create: 'Create',
    funnel: 'Referral funnel', since: 'Since', until: 'Until', show: 'Show', access: 'Access',
    token: 'API token', save: 'Save', forget: 'Forget', api: 'API',
    token_hint: 'Your centre token (mmpath token new --center C --role hub|spoke|analyst) stays in this browser.',
    evaluating: 'Evaluating…', print: 'Print', facts: 'Derived facts', options: 'Treatment options',
    trials: 'Clinical trials', supportive: 'Supportive care', warnings: 'Warnings',
    criteria: 'Criteria', source: 'Source', evidence: 'Evidence', missing: 'Missing input that would decide',
    st_eligible: 'eligible', st_not_eligible: 'not eligible', st_unknown: 'cannot be decided',
    st_indicated: 'indicated',
    kind_trial: 'Clinical trials',
    errors_title: 'The record has errors:', no_token: 'A token is needed: see "Access".',
    saved: 'Token saved.', forgotten: 'Token forgotten.', who: 'Centre {c}, role {r}.',
    anonymous: 'No token: evaluation only (if the server allows it).', move_title: 'Move {id}',
    current: 'Current state: {s} since {d}', moved: '{id} moved to "{s}".', created: 'Referral {id} created.',
    no_moves: 'No move is possible from this state.', n_referrals: '{n} referrals', total: 'Total',
    positive: 'Evaluated eligible', negative: 'Evaluated not eligible',
    med_ref_aph: 'Median referral → apheresis (days)', med_aph_inf: 'Median apheresis → infusion (days)',
    chart_alt: 'Referral funnel chart', analyst_board: 'An "analyst" token sees the funnel only.',
    spoke_funnel: 'A "spoke" token counts only its own centre\'s referrals.', error: 'Error', value_col: 'Value',
    fact: 'Fact', derived: 'derived', because: 'because', deck_outdated: 'The slide deck is out of date',
    all_facts: 'All derived facts ({n})', history: 'History ({n} events)',
    fhir_imported: 'Imported from FHIR: {n} items were not read; check them',
    only_nonempty: 'only states with referrals', changes: 'Changes (who and when)', created_by: 'created',
    not_enrolling: 'the trial is not enrolling (registry status)',
    enrolling_unknown: 'whether the trial is enrolling is not known (registry status)', juris_eu: 'EU', juris_us: 'US',
    juris_it: 'EU + AIFA'
  }
};

const LAB_TESTS = ['igg', 'serum_m_protein', 'urine_m_protein', 'flc_kappa', 'flc_lambda',
  'bm_plasma_cells', 'anc', 'platelets', 'hemoglobin', 'creatinine_clearance', 'ldh', 'beta2m',
  'albumin', 'mrd'];
const RESPONSES = ['', 'sCR', 'CR', 'VGPR', 'PR', 'MR', 'SD', 'PD'];
const STOP_REASONS = ['', 'progression', 'toxicity', 'completed', 'patient_choice', 'other'];

const state = {
  lang: localStorage.getItem('mmpath.lang') || 'it',
  token: localStorage.getItem('mmpath.token') || '',
  me: null, vocab: null, referrals: [], lastRecord: null, lastResult: null, examples: {}
};

/* ---------- small helpers ---------- */
const $ = (sel, root) => (root || document).querySelector(sel);
const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
function t(key, vars) {
  let s = (WORDS[state.lang] && WORDS[state.lang][key]) || WORDS.en[key] || key;
  if (vars) for (const k of Object.keys(vars)) s = s.replace('{' + k + '}', vars[k]);
  return s;
}
/* Element builder: text always goes in as text, never as HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
function today() { return new Date().toISOString().slice(0, 10); }
function say(msg) { $('#status').textContent = msg || ''; }

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method, headers, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body))
  });
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  return { ok: res.ok, status: res.status, type, data };
}

/* A problem+json answer as a list under a title. */
function problemBox(box, res, title) {
  box.replaceChildren();
  box.hidden = false;
  const p = res.data && typeof res.data === 'object' ? res.data : { title: String(res.data || res.status) };
  box.append(h('strong', null, title || p.title || t('error')));
  const errs = Array.isArray(p.errors) ? p.errors : [];
  if (!errs.length && p.detail) box.append(h('p', null, p.detail));
  if (errs.length) box.append(h('ul', null, errs.map(e => h('li', null, h('code', null, e.path), ': ', e.message))));
}

/* ---------- language and tabs ---------- */
function applyLang() {
  document.documentElement.lang = state.lang;
  $('#lang').value = state.lang;
  for (const el of $$('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  fillTriSelects();
}

function fillTriSelects() {
  for (const sel of $$('select.tri')) {
    const v = sel.value;
    sel.replaceChildren(h('option', { value: '' }, t('unknown')), h('option', { value: 'true' }, t('yes')),
      h('option', { value: 'false' }, t('no')));
    sel.value = v;
  }
}

function showView(name, focus) {
  for (const b of $$('.tabs button')) {
    const on = b.dataset.view === name;
    b.setAttribute('aria-selected', on ? 'true' : 'false');
    b.tabIndex = on ? 0 : -1;
    if (on && focus) b.focus();
  }
  for (const v of $$('.view')) v.hidden = v.id !== 'view-' + name;
  if (location.hash.slice(1) !== name) history.replaceState(null, '', '#' + name);
  if (name === 'board') loadBoard();
  if (name === 'funnel') loadFunnel();
  if (name === 'access') showWho();
}

function setupTabs() {
  const tabs = $$('.tabs button');
  tabs.forEach((b, i) => {
    b.addEventListener('click', () => showView(b.dataset.view));
    b.addEventListener('keydown', e => {
      let j = null;
      if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
      else if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
      else if (e.key === 'Home') j = 0;
      else if (e.key === 'End') j = tabs.length - 1;
      if (j !== null) { e.preventDefault(); showView(tabs[j].dataset.view, true); }
    });
  });
}

/* ---------- the patient form ---------- */
function inputCell(name, type, value, label, opts) {
  if (opts) {
    const sel = h('select', { 'data-k': name, 'aria-label': label });
    for (const o of opts) sel.append(h('option', { value: o }, o));
    sel.value = value || '';
    return sel;
  }
  return h('input', { 'data-k': name, type: type || 'text', value: value || '', 'aria-label': label, autocomplete: 'off' });
}

function addLab(lab) {
  lab = lab || {};
  const tr = h('tr', { class: 'lab' });
  const test = h('select', { 'data-k': 'test', 'aria-label': t('test') }, LAB_TESTS.map(x => h('option', { value: x }, x)));
  test.value = lab.test || 'igg';
  tr.append(h('td', null, inputCell('date', 'date', lab.date, t('date'))), h('td', null, test),
    h('td', null, inputCell('value', 'number', lab.value, t('value'))),
    h('td', null, inputCell('unit', 'text', lab.unit, t('unit'))),
    h('td', null, h('button', { type: 'button', class: 'small', 'aria-label': t('remove'), onclick: () => tr.remove() }, '×')));
  $('#labs-table tbody').append(tr);
}

function addLine(line) {
  line = line || {};
  const n = $$('#lines .line-row').length + 1;
  const box = h('div', { class: 'line-row' });
  const field = (k, label, type, value, opts) => h('div', null, h('label', null, label),
    inputCell(k, type, value, label + ' (' + t('line') + ' ' + n + ')', opts));
  box.append(h('h4', null, h('span', null, t('line') + ' ' + n),
    h('button', { type: 'button', class: 'small', 'aria-label': t('remove') + ' ' + t('line') + ' ' + n, onclick: () => box.remove() }, '×')));
  const maint = line.maintenance || {};
  box.append(h('div', { class: 'grid' },
    field('regimen', t('regimen'), 'text', line.regimen),
    field('drugs', t('drugs'), 'text', (line.drugs || []).map(d => typeof d === 'string' ? d : d.name).join(', ')),
    field('start', t('start'), 'date', line.start), field('end', t('end'), 'date', line.end),
    field('asct', t('asct'), 'date', typeof line.asct === 'string' ? line.asct : ''),
    field('best_response', t('best_response'), null, line.best_response, RESPONSES),
    field('progression', t('progression'), 'date', line.progression),
    field('stop_reason', t('stop_reason'), null, line.stop_reason, STOP_REASONS),
    field('maint_drugs', t('maintenance'), 'text', (maint.drugs || []).join(', ')),
    field('maint_start', t('maint_start'), 'date', maint.start),
    field('maint_end', t('maint_end'), 'date', maint.end)));
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
    else if (el.name === 'comorbidities') val = v.split(',').map(s => s.trim()).filter(Boolean);
    setPath(r, el.name, val);
  }
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
    if (g('regimen')) l.regimen = g('regimen');
    if (g('drugs')) l.drugs = g('drugs').split(',').map(s => s.trim()).filter(Boolean);
    for (const k of ['start', 'end', 'asct', 'best_response', 'progression', 'stop_reason']) if (g(k)) l[k] = g(k);
    if (g('maint_drugs')) {
      l.maintenance = { drugs: g('maint_drugs').split(',').map(s => s.trim()).filter(Boolean) };
      if (g('maint_start')) l.maintenance.start = g('maint_start');
      if (g('maint_end')) l.maintenance.end = g('maint_end');
    }
    return l;
  }).filter(l => Object.keys(l).length);
  if (!r.comorbidities && $('#no-comorb').checked) r.comorbidities = []; /* none, not unknown */
  if (lines.length) r.lines = lines;
  else if ($('#no-lines').checked) r.lines = []; /* none, which is not "unknown" */
  return r;
}

function fillForm(rec) {
  for (const el of $$('#form-input [name]')) {
    let v = rec;
    for (const p of el.name.split('.')) v = v && typeof v === 'object' ? v[p] : undefined;
    el.value = v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v);
  }
  $('#labs-table tbody').replaceChildren();
  for (const lab of rec.labs || []) addLab(lab);
  $('#lines').replaceChildren();
  for (const l of rec.lines || []) addLine(l);
  $('#no-lines').checked = Array.isArray(rec.lines) && rec.lines.length === 0;
  $('#no-comorb').checked = Array.isArray(rec.comorbidities) && rec.comorbidities.length === 0;
}

const EXAMPLE = {
  schema: 'mmpath/patient@1', id: 'DEMO-0017', as_of: '2026-11-25', birth_date: '1958-04-12',
  sex: 'male', ecog: 1, frailty: { charlson: 1, adl: 6, iadl: 8 }, transplant_eligible: null,
  diagnosis: { date: '2019-06-01', iss: 2, ldh_above_uln: false,
    fish: { del17p: false, t4_14: true, t14_16: false, gain1q: true, amp1q: false } },
  features: { extramedullary: false, plasma_cell_leukemia: false, cns: false },
  labs: [{ date: '2026-11-20', test: 'igg', value: 350, unit: 'mg/dL' },
    { date: '2026-11-20', test: 'serum_m_protein', value: 1.4, unit: 'g/dL' }],
  lines: [
    { regimen: 'VRd', start: '2019-07-01', end: '2019-11-15', asct: '2019-12-10',
      maintenance: { drugs: ['lenalidomide'], start: '2020-02-01', end: '2022-03-01' },
      best_response: 'VGPR', progression: '2022-03-01' },
    { drugs: ['daratumumab', 'pomalidomide', 'dexamethasone'], start: '2022-03-15', end: '2024-01-10',
      best_response: 'PR', progression: '2024-01-10' },
    { regimen: 'KRd', start: '2024-02-01', end: '2025-09-01', best_response: 'PR', progression: '2025-09-01' }
  ]
};

function markInvalid(errors) {
  for (const el of $$('.invalid')) el.classList.remove('invalid');
  let first = null;
  for (const e of errors || []) {
    const path = String(e.path || '').replace(/^body\./, '');
    let el = $('#form-input [name="' + path + '"]');
    const m = /^lines\[(\d+)\]\.(\w+)/.exec(path) || /^labs\[(\d+)\]\.(\w+)/.exec(path);
    if (!el && m) {
      const rows = path.startsWith('lines') ? $$('#lines .line-row') : $$('#labs-table tr.lab');
      const row = rows[Number(m[1])];
      if (row) el = $('[data-k="' + m[2] + '"]', row) || $('[data-k="' + m[2].replace('maintenance', 'maint_drugs') + '"]', row);
    }
    if (el) { el.classList.add('invalid'); el.setAttribute('aria-invalid', 'true'); first = first || el; }
  }
  return first;
}

async function evaluate(ev) {
  if (ev) ev.preventDefault();
  const box = $('#form-errors');
  box.hidden = true;
  let body;
  state.fhirWarnings = null;
  if ($('input[name=mode]:checked').value === 'json') {
    body = $('#record-json').value;
    let parsed = null;
    try { parsed = JSON.parse(body); } catch (e) { parsed = null; }
    if (parsed && typeof parsed === 'object' && parsed.resourceType) {
      /* a FHIR R4 Bundle (mCODE): the server imports it into a record */
      const imp = await api('POST', '/api/v1/fhir/import', body);
      if (!imp.ok) { problemBox(box, imp); box.focus(); return; }
      state.fhirWarnings = imp.data.warnings || [];
      body = JSON.stringify(imp.data.record);
      $('#record-json').value = JSON.stringify(imp.data.record, null, 2);
    }
  } else body = JSON.stringify(recordFromForm());
  state.lastRecord = body;
  say(t('evaluating'));
  const q = '?lang=' + state.lang + '&jurisdiction=' + $('#jurisdiction').value + '&format=json';
  let res;
  try { res = await api('POST', '/api/v1/evaluate' + q, body); } catch (e) { say(String(e)); return; }
  say('');
  if (!res.ok) {
    problemBox(box, res, res.status === 422 ? t('errors_title') : null);
    if (res.status === 401) box.append(h('p', null, t('no_token')));
    const first = markInvalid(res.data && res.data.errors);
    if (first) first.focus(); else box.focus();
    return;
  }
  markInvalid([]);
  state.lastResult = res.data;
  renderResult(res.data);
}

/* ---------- the evaluation ---------- */
function mark(result) {
  const r = result === true ? 'true' : result === false ? 'false' : 'null';
  return h('span', { class: 'mark r-' + r, 'aria-label': r === 'true' ? t('yes') : r === 'false' ? t('no') : t('unknown') },
    r === 'true' ? '✓' : r === 'false' ? '✗' : '?');
}
/* A value as a person reads it: sì / no, non noto; codes and numbers as they are. */
function fmtValue(v) {
  if (v === null || v === undefined) return t('unknown');
  if (typeof v === 'boolean') return t(v ? 'yes' : 'no');
  if (typeof v === 'object') return JSON.stringify(v);
  return (WORDS[state.lang] || {})['val_' + v] || String(v); // values.js
}
/* A trial's enrolling (the registry's answer, a code in the JSON) in the
 * page's words; other options carry the server's note, already in the
 * language asked. */
function optionNote(o) {
  if (o.kind === 'trial') return o.enrolling === false ? t('not_enrolling') : o.enrolling === true ? null : t('enrolling_unknown');
  return o.note || null;
}
function statusBadge(s) {
  return h('span', { class: 'badge st-' + (s || 'unknown') }, t('st_' + (s || 'unknown')));
}

function renderCriteria(list) {
  return h('ul', { class: 'crit' }, (list || []).map(c => {
    const missing = Array.isArray(c.missing) && c.missing.length
      ? h('div', { class: 'missing' }, t('missing') + ': ', c.missing.join(', ')) : null;
    const value = c.value !== undefined ? h('span', { class: 'src' }, ' (' + fmtValue(c.value) + ')') : null;
    const review = c.review ? h('div', { class: 'src' }, String(c.review)) : null;
    if (c.exclusion) return renderExclusion(c, value, missing, review); // options.js
    return h('li', { class: 'criterion' }, mark(c.result),
      h('div', null, c.text || c.id, value, missing, review));
  }));
}

/* Jurisdiction it: the AIFA finding beside the verdict, in the words the
 * server wrote (the language asked), with its note and first source. */
function reimbursement(o) {
  const r = o.reimbursement;
  if (!r || !r.text) return null;
  return h('p', { class: 'src reimbursement', 'data-reimbursement': r.status || '' }, r.text,
    r.note ? h('span', null, ' — ' + r.note) : null,
    Array.isArray(r.sources) && r.sources.length ? h('span', { class: 'src' }, ' (' + r.sources[0] + ')') : null);
}

function renderOption(o) {
  const src = o.source || (o.indication && o.indication.label) || '';
  const ev = (o.evidence || []).map(e => h('li', null,
    [e.trial, e.ref, e.n && 'n=' + e.n, e.orr && 'ORR ' + e.orr, e.mpfs && 'mPFS ' + e.mpfs, e.mdor && 'mDOR ' + e.mdor, e.note]
      .filter(Boolean).join(' · ')));
  return h('article', { class: 'opt st-' + (o.status || 'unknown'), 'data-option': o.id },
    h('h4', null, h('span', { class: 'name' }, o.name || o.id), statusBadge(o.status),
      kindLabel(o), // options.js
      o.rule ? h('span', { class: 'src' }, o.rule) : null),
    optionNote(o) ? h('p', { class: 'src' }, optionNote(o)) : null,
    refractoryCaution(o), // options.js
    reimbursement(o),
    renderCriteria(o.criteria),
    src ? h('p', { class: 'src' }, t('source') + ': ' + src) : null,
    ev.length ? h('details', null, h('summary', null, t('evidence')), h('ul', null, ev)) : null,
    Array.isArray(o.deck_outdated) && o.deck_outdated.length
      ? h('p', { class: 'missing' }, t('deck_outdated') + ': ' + o.deck_outdated.map(d => d.now || d.deck_says).join('; ')) : null);
}

function renderResult(r) {
  const out = $('#result');
  out.replaceChildren();
  const kb = r.knowledge_base || {};
  out.append(h('div', { class: 'head' },
    h('div', null, h('h2', null, t('patient') + ' ' + (r.patient || '')),
      h('p', { class: 'src' }, [r.as_of, r.jurisdiction && t('juris_' + r.jurisdiction), kb.version && 'kb ' + kb.version].filter(Boolean).join(' · '))),
    h('button', { type: 'button', class: 'no-print', onclick: () => window.print() }, t('print'))));
  if (state.fhirWarnings)
    out.append(h('div', { class: 'errors warn', id: 'fhir-note' },
      h('strong', null, t('fhir_imported', { n: state.fhirWarnings.length })),
      h('ul', null, state.fhirWarnings.map(w => h('li', null, h('code', null, w.path || ''), ' ', w.message)))));
  /* Notes on the whole evaluation, in the language asked (e.g. no myeloma
   * diagnosis in the record: nothing was evaluated). */
  for (const n of Array.isArray(r.notes) ? r.notes : [])
    out.append(h('div', { class: 'errors warn', 'data-note': n.id || '' }, h('strong', null, n.text || n.id)));
  if (Array.isArray(r.warnings) && r.warnings.length)
    out.append(h('div', { class: 'errors warn' }, h('strong', null, t('warnings')),
      h('ul', null, r.warnings.map(w => h('li', null, typeof w === 'string' ? w : (w.message || JSON.stringify(w)))))));
  for (const section of renderTiers(r.options || [])) out.append(section); // options.js
  if ((r.trials || []).length)
    out.append(h('section', { class: 'group', 'data-kind': 'trial' }, h('h3', null, t('kind_trial')), r.trials.map(renderOption)));
  if ((r.supportive_care || []).length) out.append(renderSupportive(r.supportive_care)); // supportive.js
  out.append(renderFacts(r.facts || {}));
  out.focus();
  out.scrollIntoView({ block: 'start' });
}

/* The facts a clinician checks first, then all of them (collapsed). */
const KEY_FACTS = ['age', 'setting', 'disease_state', 'prior_lines', 'transplant_eligible', 'frailty', 'ecog', 'iss',
  'r_iss', 'r2_iss', 'progression_on_last', 'lenalidomide_refractory', 'triple_class_exposed',
  'triple_class_refractory', 'penta_exposed', 'penta_refractory', 'anti_bcma_exposed',
  'asct_to_progression_months'];
function factRow(k, f) {
  const extra = [f.derived ? t('derived') : '', f.because ? t('because') + ' ' + f.because : '',
    Array.isArray(f.missing) && f.missing.length ? t('missing') + ': ' + f.missing.join(', ') : ''].filter(Boolean).join(' · ');
  return h('tr', { 'data-fact': k }, h('td', null, k), h('td', null, fmtValue(f.value) + (f.unit && f.value !== null ? ' ' + f.unit : '')),
    h('td', { class: 'src' }, extra));
}
function factTable(facts, keys) {
  return h('table', { class: 'facts' },
    h('thead', null, h('tr', null, h('th', null, t('fact')), h('th', null, t('value_col')), h('th', null, ''))),
    h('tbody', null, keys.filter(k => facts[k]).map(k => factRow(k, facts[k] || {}))));
}
function renderFacts(facts) {
  return h('section', { class: 'group' }, h('h3', null, t('facts')), factTable(facts, KEY_FACTS),
    h('details', { class: 'all-facts' }, h('summary', null, t('all_facts', { n: Object.keys(facts).length })),
      factTable(facts, Object.keys(facts))));
}

function setupForm() {
  $('#patient-form').addEventListener('submit', evaluate);
  $('#add-lab').addEventListener('click', () => addLab());
  $('#add-line').addEventListener('click', () => addLine());
  $('#load-example').addEventListener('click', () => {
    const ex = state.examples[$('#example').value] || EXAMPLE;
    fillForm(ex);
    $('#record-json').value = JSON.stringify(ex, null, 2);
  });
  $('#show-json').addEventListener('click', () => {
    $('#record-json').value = JSON.stringify(recordFromForm(), null, 2);
    $('input[name=mode][value=json]').checked = true;
    switchMode();
  });
  for (const r of $$('input[name=mode]')) r.addEventListener('change', switchMode);
  $('#record-file').addEventListener('change', async e => {
    const f = e.target.files[0];
    if (f) $('#record-json').value = await f.text();
  });
  $('#result').tabIndex = -1;
}
function switchMode() {
  const json = $('input[name=mode]:checked').value === 'json';
  $('#json-input').hidden = !json;
  $('#form-input').hidden = json;
}

/* ---------- referrals ---------- */
async function loadVocab() {
  const res = await api('GET', '/api/v1/referral-vocabulary?lang=' + state.lang);
  state.vocab = res.ok ? res.data : null;
  return state.vocab;
}
function stateLabel(id) {
  const s = state.vocab && state.vocab.states.find(x => x.id === id);
  return s ? s.label : id;
}

async function loadBoard() {
  const msg = $('#board-msg');
  msg.textContent = '';
  if (!state.token) { msg.textContent = t('no_token'); $('#board').replaceChildren(); return; }
  await loadVocab();
  const from = $('#board-filter').value.trim();
  const res = await api('GET', '/api/v1/referrals' + (from ? '?from_center=' + encodeURIComponent(from) : ''));
  if (!res.ok) {
    $('#board').replaceChildren();
    msg.textContent = res.status === 403 && state.me && state.me.role === 'analyst' ? t('analyst_board')
      : (res.data && (res.data.detail || res.data.title)) || String(res.status);
    return;
  }
  state.referrals = res.data.referrals || [];
  msg.textContent = t('n_referrals', { n: res.data.count });
  renderBoard();
}

function renderBoard() {
  const board = $('#board');
  board.replaceChildren();
  if (!state.vocab) return;
  const canMove = state.me && state.me.role === 'hub';
  const nonEmpty = $('#board-nonempty').checked;
  for (const s of state.vocab.states) {
    const refs = state.referrals.filter(r => r.state === s.id);
    if (nonEmpty && !refs.length) continue;
    const col = h('section', { class: 'col' + (refs.length ? '' : ' empty'), 'data-state': s.id, 'aria-label': s.label },
      h('h3', null, h('span', null, s.label), h('span', { class: 'badge' }, String(refs.length))));
    for (const r of refs) {
      const last = r.events[r.events.length - 1] || {};
      const reason = last.reason && state.vocab.reasons.find(x => x.id === last.reason);
      col.append(h('article', { class: 'ref', 'data-referral': r.id },
        h('div', { class: 'id' }, r.id),
        h('div', { class: 'meta' }, r.patient + ' · ' + r.from_center + ' → ' + r.to_center),
        h('div', { class: 'meta' }, r.target + ' · ' + (r.updated || '')),
        reason ? h('div', { class: 'meta' }, t('reason') + ': ' + reason.label) : null,
        last.note ? h('div', { class: 'meta' }, last.note) : null,
        h('details', { class: 'history', ontoggle: ev => loadAudit(ev.target, r.id) },
          h('summary', null, t('history', { n: r.events.length })),
          h('ol', null, r.events.map(e => {
            const why = e.reason && state.vocab.reasons.find(x => x.id === e.reason);
            return h('li', null, e.date + ' — ' + stateLabel(e.state) +
              (why ? ' (' + why.label + ')' : '') + (e.note ? ': ' + e.note : ''));
          }))),
        canMove ? h('button', { type: 'button', class: 'small', onclick: () => openMove(r) }, t('move') + ' ' + r.id) : null,
        typeof mmPathwayCard === 'function' ? mmPathwayCard(r) : null));
    }
    board.append(col);
  }
}

/* Who made each change through the API (the server's audit log). */
async function loadAudit(details, id) {
  if (!details.open || details.dataset.audit) return;
  details.dataset.audit = '1';
  const res = await api('GET', '/api/v1/referrals/' + encodeURIComponent(id));
  if (!res.ok || !Array.isArray(res.data.audit) || !res.data.audit.length) return;
  details.append(h('div', { class: 'audit' }, h('strong', null, t('changes')),
    h('ul', null, res.data.audit.map(a => h('li', null,
      a.at.replace('T', ' ').replace('Z', ' UTC') + ' — ' + (a.center || '?') + ' (' + (a.role || '?') + '): ' +
      (a.event ? stateLabel(a.event.state) : t('created_by')))))));
}

let moving = null;
function openMove(r) {
  moving = r;
  const dlg = $('#move-dialog');
  const last = r.events[r.events.length - 1];
  $('#move-title').textContent = t('move_title', { id: r.id });
  $('#move-current').textContent = t('current', { s: stateLabel(last.state), d: last.date });
  const target = state.vocab.targets.find(x => x.id === r.target);
  const st = state.vocab.states.find(x => x.id === last.state);
  const next = st ? (target && target.bispecific ? st.next_bispecific : st.next) : [];
  const sel = $('#move-state');
  sel.replaceChildren(...next.map(id => h('option', { value: id }, stateLabel(id))));
  $('#move-ok').disabled = !next.length;
  if (!next.length) $('#move-current').textContent += ' — ' + t('no_moves');
  $('#move-reason').replaceChildren(h('option', { value: '' }, ''),
    ...state.vocab.reasons.map(x => h('option', { value: x.id }, x.label)));
  $('#move-date').value = today() < last.date ? last.date : today();
  $('#move-note').value = '';
  $('#move-errors').hidden = true;
  updateReason();
  dlg.showModal();
  sel.focus();
  if (typeof mmPathwayMove === 'function') mmPathwayMove(r); /* pathway.js: the server's choices */
}
function updateReason() {
  const id = $('#move-state').value;
  const s = state.vocab && state.vocab.states.find(x => x.id === id);
  $('#move-reason-wrap').hidden = !(s && s.needs_reason);
}
async function submitMove(e) {
  e.preventDefault();
  const body = { date: $('#move-date').value, state: $('#move-state').value };
  if (!$('#move-reason-wrap').hidden && $('#move-reason').value) body.reason = $('#move-reason').value;
  if ($('#move-note').value.trim()) body.note = $('#move-note').value.trim();
  const res = await api('POST', '/api/v1/referrals/' + encodeURIComponent(moving.id) + '/events', body);
  if (!res.ok) { problemBox($('#move-errors'), res); return; }
  $('#move-dialog').close();
  say(t('moved', { id: moving.id, s: stateLabel(body.state) }));
  await loadBoard();
  const card = $('[data-referral="' + moving.id + '"] button') || $('[data-referral="' + moving.id + '"]');
  if (card) card.focus();
}

async function openNew() {
  if (!state.vocab) await loadVocab();
  if (!state.vocab) return;
  $('#n-target').replaceChildren(...state.vocab.targets.map(x => h('option', { value: x.id }, x.label)));
  $('#n-date').value = today();
  if (state.me && state.me.center) {
    if (state.me.role === 'spoke') $('#n-from').value = state.me.center;
    else if (!$('#n-from').value) $('#n-from').value = state.me.center;
  }
  $('#new-errors').hidden = true;
  $('#new-dialog').showModal();
  $('#n-id').focus();
}
async function submitNew(e) {
  e.preventDefault();
  const body = {
    schema: 'mmpath/referral@1', id: $('#n-id').value.trim() || undefined, patient: $('#n-patient').value.trim(),
    from_center: $('#n-from').value.trim(), to_center: $('#n-to').value.trim(), target: $('#n-target').value,
    events: [{ date: $('#n-date').value, state: 'referred' }]
  };
  const res = await api('POST', '/api/v1/referrals', body);
  if (!res.ok) { problemBox($('#new-errors'), res); return; }
  $('#new-dialog').close();
  say(t('created', { id: (res.data && res.data.id) || body.id }));
  loadBoard();
}

function setupBoard() {
  $('#board-refresh').addEventListener('click', loadBoard);
  $('#board-filter').addEventListener('change', loadBoard);
  $('#board-nonempty').addEventListener('change', renderBoard);
  $('#move-form').addEventListener('submit', submitMove);
  $('#move-state').addEventListener('change', updateReason);
  $('#move-cancel').addEventListener('click', () => $('#move-dialog').close());
  $('#new-referral').addEventListener('click', openNew);
  $('#new-form').addEventListener('submit', submitNew);
  $('#new-cancel').addEventListener('click', () => $('#new-dialog').close());
  if (typeof mmPathwaySetup === 'function') mmPathwaySetup();
}

/* ---------- funnel ---------- */
async function loadFunnel(e) {
  if (e) e.preventDefault();
  const msg = $('#funnel-msg');
  msg.textContent = '';
  $('#funnel-summary').replaceChildren();
  $('#funnel-chart').replaceChildren();
  if (!state.token) { msg.textContent = t('no_token'); return; }
  const q = new URLSearchParams({ lang: state.lang });
  for (const [id, k] of [['#fu-to', 'to_center'], ['#fu-from', 'from_center'], ['#fu-since', 'since'], ['#fu-until', 'until']])
    if ($(id).value.trim()) q.set(k, $(id).value.trim());
  const res = await api('GET', '/api/v1/funnel?' + q + '&format=json');
  if (!res.ok) {
    msg.textContent = res.status === 403 && state.me && state.me.role === 'spoke' ? t('spoke_funnel')
      : (res.data && (res.data.errors && res.data.errors.length ? res.data.errors.map(x => x.path + ': ' + x.message).join('; ') : res.data.detail)) || String(res.status);
    return;
  }
  const f = res.data, g = f.groups || {}, m = f.median_days || {};
  const tile = (label, v) => h('div', null, h('b', null, v === null || v === undefined ? '—' : String(v)), label);
  $('#funnel-summary').replaceChildren(h('div', { class: 'summary' },
    tile(t('total'), f.total),
    tile(t('positive'), g.evaluated_positive ? g.evaluated_positive.n + ' (' + g.evaluated_positive.pct + '%)' : null),
    tile(t('negative'), g.evaluated_negative ? g.evaluated_negative.n + ' (' + g.evaluated_negative.pct + '%)' : null),
    tile(t('med_ref_aph'), m.referral_to_apheresis), tile(t('med_aph_inf'), m.apheresis_to_infusion)));
  const svg = await api('GET', '/api/v1/funnel?' + q + '&format=svg');
  if (svg.ok && typeof svg.data === 'string') {
    /* as an image: the chart's own styles stay inside it */
    const data = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(svg.data)));
    $('#funnel-chart').replaceChildren(h('img', { src: data, alt: t('chart_alt') }));
  }
}

/* ---------- access ---------- */
async function showWho() {
  const res = await api('GET', '/api/v1/me');
  state.me = res.ok ? res.data : null;
  const who = $('#whoami');
  if (res.ok && res.data.role) who.textContent = t('who', { c: res.data.center, r: res.data.role });
  else if (res.ok) who.textContent = t('anonymous');
  else who.textContent = (res.data && res.data.detail) || t('no_token');
  $('#new-referral').hidden = !(state.me && (state.me.role === 'hub' || state.me.role === 'spoke'));
}
function setupAccess() {
  $('#token').value = state.token;
  $('#token-form').addEventListener('submit', async e => {
    e.preventDefault();
    state.token = $('#token').value.trim();
    localStorage.setItem('mmpath.token', state.token);
    say(t('saved'));
    await showWho();
  });
  $('#token-clear').addEventListener('click', async () => {
    state.token = '';
    $('#token').value = '';
    localStorage.removeItem('mmpath.token');
    say(t('forgotten'));
    await showWho();
  });
}

/* ---------- start ---------- */
async function start() {
  setupTabs();
  setupForm();
  setupBoard();
  setupAccess();
  $('#lang').addEventListener('change', async () => {
    state.lang = $('#lang').value;
    localStorage.setItem('mmpath.lang', state.lang);
    applyLang();
    state.vocab = null;
    const view = ($('.tabs [aria-selected=true]') || {}).dataset.view;
    if (view === 'eval' && state.lastResult) evaluate();
    else if (view) showView(view);
  });
  applyLang();
  $('#f-as_of').value = today();
  addLine();
  /* the demo patients of the build, after the spec's example */
  const ex = await api('GET', '/api/v1/examples');
  if (ex.ok && Array.isArray(ex.data.examples))
    for (const e of ex.data.examples) {
      state.examples[e.name] = e.record;
      $('#example').append(h('option', { value: e.name }, e.name + ' (' + (e.record.id || '?') + ')'));
    }
  const health = await api('GET', '/api/v1/health');
  if (health.ok) $('#kbver').textContent = 'mmpath ' + health.data.version + ' · kb ' + (health.data.kb || '?');
  await showWho();
  const fromHash = () => {
    const view = location.hash.slice(1);
    showView(['eval', 'board', 'funnel', 'access'].includes(view) ? view : 'eval');
  };
  window.addEventListener('hashchange', fromHash);
  fromHash();
}
document.addEventListener('DOMContentLoaded', start);
