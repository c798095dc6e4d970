/* pickers.js: the form's pickers over the knowledge base's vocabularies
 * (GET /api/v1/kb/{drugs,regimens,comorbidities,labs}?lang=): the page shows
 * the kb's names in the language chosen and stores the codes the record
 * needs. Regimens and drugs have type-ahead over names, variants, synonyms
 * and brands; a regimen fills its drugs. Responses and stop reasons are the
 * record schema's codes (shared/spec/patient-record.md) in the page's words.
 * Loaded after app.js (h, t, api, WORDS, state). */
'use strict';

Object.assign(WORDS.it, {
  resp_sCR: 'sCR (remissione completa stringente)', resp_CR: 'CR (remissione completa)',
  resp_VGPR: 'VGPR (risposta parziale molto buona)', resp_PR: 'PR (risposta parziale)', resp_MR: 'MR (risposta minima)',
  resp_SD: 'SD (malattia stabile)', resp_PD: 'PD (progressione)',
  stop_progression: 'progressione', stop_toxicity: 'tossicità', stop_completed: 'completata',
  stop_patient_choice: 'scelta del paziente', stop_other: 'altro',
  add_drug: 'aggiungi farmaco', remove_x: 'Rimuovi {x}', unknown_drug: '«{x}» non è un farmaco della base di conoscenza',
  unknown_regimen: '«{x}» non è uno schema della base di conoscenza: indicare i farmaci',
  regimen_drugs: 'farmaci dello schema: {d}', comorb_none: 'Nessuna comorbidità',
  comorb_hint: 'Nessuna casella spuntata e «nessuna» non spuntata = comorbidità non note.'
});
Object.assign(WORDS.en, {
  resp_sCR: 'sCR (stringent complete response)', resp_CR: 'CR (complete response)',
  resp_VGPR: 'VGPR (very good partial response)', resp_PR: 'PR (partial response)', resp_MR: 'MR (minimal response)',
  resp_SD: 'SD (stable disease)', resp_PD: 'PD (progressive disease)',
  stop_progression: 'progression', stop_toxicity: 'toxicity', stop_completed: 'completed',
  stop_patient_choice: 'patient choice', stop_other: 'other',
  add_drug: 'add a drug', remove_x: 'Remove {x}', unknown_drug: '"{x}" is not a drug of the knowledge base',
  unknown_regimen: '"{x}" is not a regimen of the knowledge base: list its drugs',
  regimen_drugs: 'drugs of the regimen: {d}', comorb_none: 'No comorbidity',
  comorb_hint: 'No box ticked and "none" not ticked = comorbidities unknown.'
});

const RESPONSES = ['sCR', 'CR', 'VGPR', 'PR', 'MR', 'SD', 'PD'];
const STOP_REASONS = ['progression', 'toxicity', 'completed', 'patient_choice', 'other'];

async function loadKbVocab() {
  const q = '?lang=' + state.lang;
  const [d, r, c, l] = await Promise.all(['drugs', 'regimens', 'comorbidities', 'labs']
    .map(s => api('GET', '/api/v1/kb/' + s + q)));
  state.kb = {
    drugs: d.ok ? d.data.drugs : [], classes: d.ok ? d.data.classes : [], regimens: r.ok ? r.data.regimens : [],
    comorbidities: c.ok ? c.data.comorbidities : [], labs: l.ok ? l.data.labs : []
  };
  const norm = s => String(s || '').trim().toLowerCase();
  state.kb.drugIndex = new Map();
  for (const x of state.kb.drugs)
    for (const n of [x.id, x.name, ...(x.synonyms || []), ...(x.brands || [])]) if (n) state.kb.drugIndex.set(norm(n), x);
  state.kb.regIndex = new Map();
  for (const x of state.kb.regimens)
    for (const n of [x.id, ...(x.variants || [])]) if (n) state.kb.regIndex.set(norm(n), x);
  state.kb.norm = norm;
  const dl = (id, items) => {
    let el = document.getElementById(id);
    if (!el) { el = h('datalist', { id }); document.body.append(el); }
    el.replaceChildren(...items);
  };
  dl('dl-regimens', state.kb.regimens.map(x => h('option', { value: x.id }, x.name +
    (x.variants && x.variants.length ? ' · ' + x.variants.join(', ') : ''))));
  const drugOpts = [];
  for (const x of state.kb.drugs) {
    drugOpts.push(h('option', { value: x.name }, (x.brands || []).join(', ')));
    if (x.id !== x.name) drugOpts.push(h('option', { value: x.id }, x.name));
  }
  dl('dl-drugs', drugOpts);
  buildComorbPicker();
}
const findDrug = s => state.kb && state.kb.drugIndex.get(state.kb.norm(s));
const findRegimen = s => state.kb && state.kb.regIndex.get(state.kb.norm(s));
const drugName = id => { const d = state.kb && state.kb.drugs.find(x => x.id === id); return d ? d.name : id; };

/* A select of codes with the page's labels. */
function codeSelect(k, label, codes, prefix, value) {
  const sel = h('select', { 'data-k': k, 'aria-label': label }, h('option', { value: '' }, ''),
    codes.map(c => h('option', { value: c }, t(prefix + c))));
  sel.value = value || '';
  return sel;
}
function labSelect(value) {
  const sel = h('select', { 'data-k': 'test', 'aria-label': t('test') },
    (state.kb ? state.kb.labs : []).map(x => h('option', { value: x.id }, x.name + (x.unit ? ' (' + x.unit + ')' : ''))));
  sel.value = value || 'igg';
  return sel;
}
function unitSelect(test, value) {
  const lab = state.kb && state.kb.labs.find(x => x.id === test);
  const units = lab && lab.units && lab.units.length ? lab.units : [''];
  const sel = h('select', { 'data-k': 'unit', 'aria-label': t('unit') }, units.map(u => h('option', { value: u }, u || '—')));
  if (value && !units.includes(value)) sel.append(h('option', { value }, value));
  sel.value = value || units[0];
  return sel;
}

/* Drugs as chips (the kb's name shown, the code kept) with a type-ahead
 * input; Enter or a choice from the list adds one. */
function drugPicker(k, label, codes) {
  const box = h('div', { class: 'chips', 'data-picker': k });
  const input = h('input', { 'data-k': k, list: 'dl-drugs', 'aria-label': label + ' — ' + t('add_drug'),
    autocomplete: 'off', placeholder: t('add_drug') });
  const list = h('span', { class: 'chip-list' });
  const add = code => {
    if ($$('.chip', list).some(c => c.dataset.code === code)) return;
    const name = drugName(code);
    list.append(h('span', { class: 'chip', 'data-code': code }, name,
      h('button', { type: 'button', class: 'chip-x', 'aria-label': t('remove_x', { x: name }),
        onclick: ev => { ev.target.closest('.chip').remove(); box.dispatchEvent(new Event('drugs-changed')); } }, '×')));
  };
  const take = () => {
    const v = input.value.trim();
    if (!v) return true;
    const d = findDrug(v);
    if (!d) { input.setCustomValidity(t('unknown_drug', { x: v })); input.reportValidity(); return false; }
    input.setCustomValidity('');
    add(d.id);
    input.value = '';
    box.dispatchEvent(new Event('drugs-changed'));
    return true;
  };
  input.addEventListener('change', take);
  input.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); take(); } });
  box.append(list, input);
  box.codes = () => { take(); return $$('.chip', list).map(c => c.dataset.code).concat(input.value.trim() ? [input.value.trim()] : []); };
  box.set = cs => { list.replaceChildren(); for (const c of cs || []) add(findDrug(c) ? findDrug(c).id : c); };
  box.set(codes);
  return box;
}

/* The regimen field: type-ahead over the kb's regimens; a known regimen
 * fills the line's drugs (when they are empty or were its own) and shows
 * them beside. */
function regimenField(input, picker, hint) {
  let filledFrom = null;
  const update = () => {
    const v = input.value.trim();
    const r = v ? findRegimen(v) : null;
    input.setCustomValidity(v && !r ? t('unknown_regimen', { x: v }) : '');
    hint.textContent = r ? t('regimen_drugs', { d: r.drugs.map(drugName).join(', ') }) : '';
    if (r) {
      input.value = r.id;
      const cur = picker.codes();
      if (!cur.length || (filledFrom && sameSet(cur, filledFrom.drugs))) { picker.set(r.drugs); filledFrom = r; }
    }
  };
  input.addEventListener('change', update);
  return update;
}
function sameSet(a, b) { return a.length === b.length && a.every(x => b.includes(x)); }

/* Comorbidities: a box per kb code, with its name. */
function buildComorbPicker() {
  const box = $('#comorb-picker');
  if (!box) return;
  const was = new Set($$('input[type=checkbox][data-code]', box).filter(c => c.checked).map(c => c.dataset.code));
  box.replaceChildren(...(state.kb ? state.kb.comorbidities : []).map(c =>
    h('label', { class: 'inline' }, h('input', { type: 'checkbox', 'data-code': c.id, checked: was.has(c.id) || null,
      onchange: () => { if (c && $$('input[data-code]:checked', box).length) $('#no-comorb').checked = false; } }), ' ', c.name)));
}
function comorbCodes() { return $$('#comorb-picker input[data-code]:checked').map(c => c.dataset.code); }
function setComorbCodes(codes) {
  const set = new Set(codes || []);
  for (const c of $$('#comorb-picker input[data-code]')) c.checked = set.has(c.dataset.code);
}
