/* result.js: an evaluation on the page: the header a chart needs
 * (pseudonym, date, kb version, jurisdiction, disclaimer), the summary
 * (summary.js), then the full detail folded: options by tier (options.js),
 * trials, supportive care (supportive.js), derived facts by their clinical
 * names (facts.js). Loaded after app.js. */
'use strict';

Object.assign(WORDS.it, {
  print_summary: 'Stampa sintesi', print_full: 'Stampa completa', detail: 'Dettaglio completo: criteri, fonti ed evidenze',
  facts: 'Fatti derivati', trials: 'Studi clinici', supportive: 'Terapia di supporto', warnings: 'Avvertenze',
  criteria: 'Criteri', source: 'Fonte', evidence: 'Evidenze', missing: 'Dato mancante che deciderebbe',
  st_eligible: 'indicato', st_not_eligible: 'non indicato', st_unknown: 'non determinabile', st_indicated: 'indicato',
  kind_trial: 'Studi clinici', fact: 'Fatto', value_col: 'Valore', derived: 'derivato', because: 'perché',
  deck_outdated: 'La presentazione è superata', all_facts: 'Tutti i fatti derivati ({n})',
  not_enrolling: 'lo studio non arruola (stato nel registro)',
  enrolling_unknown: 'non è noto se lo studio arruoli (stato nel registro)', enrolling: 'lo studio arruola (stato nel registro)',
  evaluated_on: 'valutato il {d}', kb_version: 'base di conoscenza {v}', printed_on: 'stampato il {d}',
  disclaimer: 'Supporto alla decisione: non sostituisce il giudizio clinico. Verificare scheda tecnica, rimborsabilità e criteri dello studio prima di ogni decisione.',
  evidence_line: 'n={n} · ORR {orr} · mPFS {mpfs} · mDOR {mdor}'
});
Object.assign(WORDS.en, {
  print_summary: 'Print summary', print_full: 'Print in full', detail: 'Full detail: criteria, sources and evidence',
  facts: 'Derived facts', trials: 'Clinical trials', supportive: 'Supportive care', warnings: 'Warnings',
  criteria: 'Criteria', source: 'Source', evidence: 'Evidence', missing: 'Missing input that would decide',
  st_eligible: 'eligible', st_not_eligible: 'not eligible', st_unknown: 'cannot be decided', st_indicated: 'indicated',
  kind_trial: 'Clinical trials', fact: 'Fact', value_col: 'Value', derived: 'derived', because: 'because',
  deck_outdated: 'The slide deck is out of date', all_facts: 'All derived facts ({n})',
  not_enrolling: 'the trial is not enrolling (registry status)',
  enrolling_unknown: 'whether the trial is enrolling is not known (registry status)', enrolling: 'the trial is enrolling (registry status)',
  evaluated_on: 'evaluated on {d}', kb_version: 'knowledge base {v}', printed_on: 'printed on {d}',
  disclaimer: 'Decision support: it does not replace clinical judgement. Check the label, reimbursement and trial criteria before any decision.',
  evidence_line: 'n={n} · ORR {orr} · mPFS {mpfs} · mDOR {mdor}'
});

function mark(result) {
  const r = result === true ? 'true' : result === false ? 'false' : 'null';
  return h('span', { class: 'mark r-' + r, role: 'img', 'aria-label': r === 'true' ? t('yes') : r === 'false' ? t('no') : t('unknown') },
    r === 'true' ? '✓' : r === 'false' ? '✗' : '?');
}
/* A value as a person reads it: sì / no, non noto; codes in words (values.js). */
function fmtValue(v) {
  if (v === null || v === undefined) return t('unknown');
  if (typeof v === 'boolean') return t(v ? 'yes' : 'no');
  if (typeof v === 'number') return state.lang === 'it' ? String(v).replace('.', ',') : String(v);
  if (typeof v === 'object') return Array.isArray(v) ? v.map(fmtValue).join(', ') : JSON.stringify(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return fmtDate(v);
  return (WORDS[state.lang] || {})['val_' + v] || String(v);
}
/* A trial's enrolling (the registry's answer, a code in the JSON) in the
 * page's words; other options carry the server's note, in the language asked. */
function optionNote(o) {
  if (o.kind === 'trial') return o.enrolling === false ? t('not_enrolling') : o.enrolling === true ? t('enrolling') : t('enrolling_unknown');
  return o.note ? clinText(o.note) : null;
}
function statusBadge(s) {
  return h('span', { class: 'badge st-' + (s || 'unknown') }, t('st_' + (s || 'unknown')));
}
function missingText(list) { return list.map(m => fieldLabel(m.replace(/\[test=(\w+)\]/, (_, x) => '.' + x))).join(', '); }

function renderCriteria(list) {
  return h('ul', { class: 'crit' }, (list || []).map(c => {
    const missing = Array.isArray(c.missing) && c.missing.length
      ? h('div', { class: 'missing' }, t('missing') + ': ', missingMapped(c.missing)) : null;
    const value = c.value !== undefined ? h('span', { class: 'src' }, ' (' + fmtValue(c.value) + ')') : null;
    const review = c.review ? h('div', { class: 'src' }, clinText(c.review)) : null;
    if (c.exclusion) return renderExclusion(c, value, missing, review); // options.js
    return h('li', { class: 'criterion' }, mark(c.result), h('div', null, clinText(c.text || c.id), value, missing, review));
  }));
}
/* Missing inputs are record paths (labs[test=anc], diagnosis.fish.del17p):
 * shown by the form's labels or the lab's kb name. */
function missingMapped(list) {
  return list.map(m => {
    const lab = /^labs\[test=(\w+)\]$/.exec(m);
    if (lab) { const l = state.kb && state.kb.labs.find(x => x.id === lab[1]); return l ? l.name : m; }
    return fieldLabel(m);
  }).join(', ');
}

/* Jurisdiction it: the AIFA finding beside the verdict, as the server words it. */
function reimbursement(o) {
  const r = o.reimbursement;
  if (!r || !r.text) return null;
  return h('p', { class: 'src reimbursement', 'data-reimbursement': r.status || '' }, clinText(r.text),
    r.note ? h('span', null, ' — ' + clinText(r.note)) : null,
    Array.isArray(r.sources) && r.sources.length ? h('span', { class: 'src', lang: 'en' }, ' (' + r.sources[0] + ')') : null);
}

function renderOption(o) {
  const src = o.source || (o.indication && o.indication.label) || '';
  /* sources, references and trial figures are quoted as the kb holds them (English): marked lang="en" */
  const ev = (o.evidence || []).map(e => h('li', null, h('span', { lang: 'en' }, [e.trial, e.ref].filter(Boolean).join(' · ')),
    h('div', { class: 'src', lang: 'en' }, t('evidence_line', { n: e.n || '—', orr: e.orr || '—', mpfs: e.mpfs || '—', mdor: e.mdor || '—' })),
    e.note ? h('div', { class: 'src' }, clinText(e.note)) : null));
  return h('article', { class: 'opt st-' + (o.status || 'unknown'), 'data-option': o.id },
    h('h4', null, h('span', { class: 'name' }, optionTitle(o)), statusBadge(o.status), kindLabel(o), // options.js
      sendButton(o)), // board.js
    optionNote(o) ? h('p', { class: 'src' }, optionNote(o)) : null,
    refractoryCaution(o), // options.js
    reimbursement(o),
    renderCriteria(o.criteria),
    src ? h('p', { class: 'src source' }, t('source') + ': ', h('span', { lang: 'en' }, src)) : null,
    ev.length ? h('details', null, h('summary', null, t('evidence')), h('ul', null, ev)) : null,
    Array.isArray(o.deck_outdated) && o.deck_outdated.length
      ? h('p', { class: 'missing deck' }, t('deck_outdated') + ': ' + o.deck_outdated.map(d => clinText(d.now || d.deck_says)).join('; ')) : null);
}

function renderResult(r) {
  const out = $('#result');
  out.replaceChildren();
  const kb = r.knowledge_base || {};
  out.append(h('header', { class: 'head', id: 'result-head' },
    h('div', null, h('h2', null, t('patient') + ' ' + (r.patient || '')),
      h('p', { class: 'src', id: 'result-meta' }, [t('evaluated_on', { d: fmtDate(r.as_of) }), r.jurisdiction && t('juris_' + r.jurisdiction + '_long'),
        kb.version && t('kb_version', { v: kb.version }), state.health && 'mmpath ' + state.health.version].filter(Boolean).join(' · ')),
      h('p', { class: 'disclaimer' }, t('disclaimer')),
      h('p', { class: 'print-only src' }, t('printed_on', { d: fmtDate(today()) }))),
    h('div', { class: 'no-print buttons' },
      h('button', { type: 'button', id: 'print-summary', onclick: () => printEvaluation(false) }, t('print_summary')), // summary.js
      h('button', { type: 'button', id: 'print-full', onclick: () => printEvaluation(true) }, t('print_full')))));
  if (state.fhirWarnings)
    out.append(h('div', { class: 'errors warn', id: 'fhir-note' },
      h('strong', null, t('fhir_imported', { n: state.fhirWarnings.length })),
      h('ul', null, state.fhirWarnings.map(w => h('li', null, h('code', null, w.path || ''), ' ', w.message)))));
  /* Notes on the whole evaluation, in the language asked (e.g. no myeloma
   * diagnosis in the record: nothing was evaluated). */
  for (const n of Array.isArray(r.notes) ? r.notes : [])
    out.append(h('div', { class: 'errors warn', 'data-note': n.id || '' }, h('strong', null, clinText(n.text || n.id))));
  if (Array.isArray(r.warnings) && r.warnings.length)
    out.append(h('div', { class: 'errors warn' }, h('strong', null, t('warnings')),
      h('ul', null, r.warnings.map(w => h('li', null, clinText(typeof w === 'string' ? w : (w.text || w.message || w.id))))))); 
  out.append(renderSummary(r)); // summary.js
  const reasons = renderPrintReasons(r); // summary.js
  if (reasons) out.append(reasons);
  const detail = h('details', { id: 'detail', class: 'detail' }, h('summary', null, t('detail')));
  for (const section of renderTiers(r.options || [])) detail.append(section); // options.js
  if ((r.trials || []).length)
    detail.append(h('section', { class: 'group', 'data-kind': 'trial' }, h('h3', null, t('kind_trial')), r.trials.map(renderOption)));
  if ((r.supportive_care || []).length) detail.append(renderSupportive(r.supportive_care)); // supportive.js
  detail.append(renderFacts(r.facts || {}));
  out.append(detail);
  out.focus();
  out.scrollIntoView({ block: 'start' });
}

/* The facts a clinician checks first, then all of them (collapsed). */
const KEY_FACTS = ['age', 'setting', 'disease_state', 'prior_lines', 'transplant_eligible', 'frailty', 'ecog', 'iss',
  'r_iss', 'r2_iss', 'progression_on_last', 'lenalidomide_refractory', 'triple_class_exposed',
  'triple_class_refractory', 'penta_exposed', 'penta_refractory', 'anti_bcma_exposed', 'asct_to_progression_months'];
function factRow(k, f) {
  const extra = [f.derived ? t('derived') : '', f.because ? t('because') + ' ' + clinText(f.because) : '',
    Array.isArray(f.missing) && f.missing.length ? t('missing') + ': ' + missingMapped(f.missing) : ''].filter(Boolean).join(' · ');
  return h('tr', { 'data-fact': k }, h('td', null, factLabel(k)), // facts.js
    h('td', null, fmtValue(f.value) + (f.unit && f.value !== null ? ' ' + unitLabel(f.unit) : '')),
    h('td', { class: 'src' }, extra));
}
function factTable(facts, keys) {
  return h('table', { class: 'facts' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('fact')), h('th', { scope: 'col' }, t('value_col')),
      h('th', { scope: 'col' }, h('span', { class: 'sr' }, t('because'))))),
    h('tbody', null, keys.filter(k => facts[k]).map(k => factRow(k, facts[k] || {}))));
}
function renderFacts(facts) {
  return h('section', { class: 'group', 'data-kind': 'facts' }, h('h3', null, t('facts')), factTable(facts, KEY_FACTS),
    h('details', { class: 'all-facts' }, h('summary', null, t('all_facts', { n: Object.keys(facts).length })),
      factTable(facts, Object.keys(facts))));
}
