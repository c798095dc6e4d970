/* summary.js: the answer first. At the top of every evaluation: the disease
 * state and setting in words, the lines and the key refractoriness, then
 * CAR-T, bispecifics, the other approved therapies, the guideline regimens
 * and the trials, each as one line with its verdict and the one reason that
 * decides it; the full detail is folded below (result.js). Everything comes
 * from the evaluation's JSON (option group, kind, tier, status, criteria)
 * and the kb's names: no clinical list here. Also the print: the summary
 * alone by default (Ctrl+P or «Stampa sintesi»), everything on «Stampa
 * completa». Loaded after app.js, result.js. */
'use strict';

Object.assign(WORDS.it, {
  summary: 'Sintesi', st_caution: 'indicato, con cautela',
  print_reasons: 'Opzioni raccomandate e CAR-T o bispecifici indicati: i criteri', s_state: 'Malattia', s_lines: 'Linee precedenti: {n}', s_lines_unknown: 'linee precedenti non note',
  s_refractory: 'refrattario a: {x}', s_not_refractory: 'nessuna refrattarietà registrata', s_triple_exp: 'tripla esposizione (PI, IMiD, anti-CD38): {v}',
  s_triple_ref: 'tripla refrattarietà: {v}', s_bcma: 'già esposto ad anti-BCMA: {v}', s_asct: 'autotrapianto: {v}',
  g_car_t: 'CAR-T', g_bispecific: 'Anticorpi bispecifici', g_other: 'Altre terapie approvate', g_guideline: 'Regimi delle linee guida',
  g_trial: 'Studi clinici', r_recommended: 'raccomandato dalla linea guida', r_all_met: 'tutti i criteri soddisfatti ({n})',
  r_missing: 'manca: {x}', r_excluded: 'esclusione presente: {x}', none_listed: 'nessuna voce', s_more: 'e altri {n} non indicati: {x}'
});
Object.assign(WORDS.en, {
  summary: 'Summary', st_caution: 'eligible, with caution',
  print_reasons: 'Recommended options and eligible CAR-T or bispecifics: the criteria', s_state: 'Disease', s_lines: 'Prior lines: {n}', s_lines_unknown: 'prior lines not known',
  s_refractory: 'refractory to: {x}', s_not_refractory: 'no refractoriness recorded', s_triple_exp: 'triple-class exposed (PI, IMiD, anti-CD38): {v}',
  s_triple_ref: 'triple-class refractory: {v}', s_bcma: 'prior anti-BCMA: {v}', s_asct: 'ASCT: {v}',
  g_car_t: 'CAR-T', g_bispecific: 'Bispecific antibodies', g_other: 'Other approved therapies', g_guideline: 'Guideline regimens',
  g_trial: 'Clinical trials', r_recommended: 'recommended by the guideline', r_all_met: 'every criterion met ({n})',
  r_missing: 'missing: {x}', r_excluded: 'exclusion present: {x}', none_listed: 'nothing listed', s_more: 'and {n} more not eligible: {x}'
});

/* An option by the name clinicians use, drugs beside: a guideline regimen
 * is its kb id (Dara-Kd) with its drugs; a therapy its kb name (with brand
 * and abbreviation); a trial its acronym and registry number. */
function optionTitle(o) {
  if (o.kind === 'guideline_regimen') return o.id + (o.name && o.name !== o.id ? ' (' + o.name + ')' : '');
  if (o.kind === 'trial') return (o.name || o.id) + (o.name && o.name !== o.id ? ' · ' + o.id : '');
  return o.name || o.id;
}

/* The one reason that decides an option's verdict. */
function decidingReason(o) {
  const crit = (o.criteria || []);
  if (o.status === 'not_eligible') {
    const ex = crit.find(c => c.exclusion && c.excluded === true);
    const f = crit.find(c => !c.exclusion && c.result === false);
    if (f) return clinText(f.text || f.id);
    if (ex) return t('r_excluded', { x: clinText(ex.text || ex.id) });
    return optionNote(o) || '';
  }
  if (o.status === 'unknown') {
    const u = crit.find(c => c.result !== true && c.result !== false);
    if (u) return clinText(u.text || u.id) + (u.missing && u.missing.length ? ' — ' + t('r_missing', { x: missingMapped(u.missing) }) : '');
    return optionNote(o) || '';
  }
  const parts = [];
  if (o.kind === 'trial') parts.push(optionNote(o));
  else if (o.tier === 'caution' && o.refractoriness && o.refractoriness.text) parts.push(t('caution') + ': ' + clinText(o.refractoriness.text));
  else if (o.tier === 'recommended') parts.push(t('r_recommended') + (o.rule ? ' (' + o.rule + ')' : ''));
  else parts.push(t('r_all_met', { n: crit.length }));
  if (o.reimbursement && o.reimbursement.text) parts.push(clinText(o.reimbursement.text));
  return parts.filter(Boolean).join(' · ');
}

const STATUS_ORDER = { eligible: 0, unknown: 1, not_eligible: 2 };
const TIER_ORDER = { recommended: 0, allowed: 1, caution: 2, unknown: 3, not_eligible: 4 };
function byVerdict(a, b) {
  return (STATUS_ORDER[a.status] ?? 1) - (STATUS_ORDER[b.status] ?? 1) || (TIER_ORDER[a.tier] ?? 3) - (TIER_ORDER[b.tier] ?? 3) ||
    (a.rank ?? 0) - (b.rank ?? 0);
}

function summaryLine(o) {
  return h('li', { class: 'sline st-' + (o.status === 'eligible' && o.tier === 'caution' ? 'caution' : o.status || 'unknown'),
    'data-summary-option': o.id, 'data-status': o.status || 'unknown' },
    o.status === 'eligible' && o.tier === 'caution' ? h('span', { class: 'badge st-caution' }, t('st_caution')) : statusBadge(o.status), ' ',
    h('a', { href: '#opt-' + o.id, class: 'sname', onclick: ev => { ev.preventDefault(); openOption(o.id); } }, optionTitle(o)),
    h('span', { class: 'sreason' }, ' — ' + decidingReason(o)),
    sendButton(o)); // board.js
}
function openOption(id) {
  const d = $('#detail');
  if (d) d.open = true;
  const el = $('#result [data-option="' + CSS.escape(id) + '"]');
  if (el) { el.scrollIntoView({ block: 'start' }); el.tabIndex = -1; el.focus(); }
}

/* Not-eligible lines beyond the first few of a group fold into one line:
 * the summary must fit the chart's first pages. */
function summaryGroup(key, list, foldAfter) {
  list = list.slice().sort(byVerdict);
  const shown = [], folded = [];
  for (const o of list) (o.status === 'not_eligible' && foldAfter !== undefined &&
    shown.filter(x => x.status === 'not_eligible').length >= foldAfter ? folded : shown).push(o);
  return h('section', { class: 'sgroup', 'data-summary': key }, h('h4', null, t('g_' + key)),
    list.length ? h('ul', null, shown.map(summaryLine),
      folded.length ? h('li', { class: 'sline more' }, t('s_more', { n: folded.length, x: folded.map(o => o.kind === 'guideline_regimen' ? o.id : (o.name || o.id).replace(/ \(.*$/, '')).join(', ') })) : null)
      : h('p', { class: 'src' }, t('none_listed')));
}

function renderSummary(r) {
  const f = r.facts || {};
  const v = k => f[k] ? f[k].value : undefined;
  const box = h('section', { class: 'summary-box', id: 'summary', 'aria-labelledby': 'summary-title' },
    h('h3', { id: 'summary-title' }, t('summary')));
  if (!(r.options || []).length && !(r.trials || []).length) return box;
  const stateWords = [v('setting'), v('disease_state')].filter(x => x !== undefined && x !== null).map(fmtValue);
  const refr = Object.keys(f).filter(k => /_refractory$/.test(k) && f[k].value === true)
    .map(k => k.replace(/_refractory$/, '')).filter(x => state.kb && state.kb.drugs.some(d => d.id === x)).map(kbName);
  const lines = v('prior_lines');
  box.append(h('p', { class: 'sstate', 'data-summary': 'state' }, h('strong', null, t('s_state') + ': '),
    stateWords.join(' · ') || t('unknown')),
  h('p', { class: 'slines', 'data-summary': 'lines' },
    lines === null || lines === undefined ? t('s_lines_unknown') : t('s_lines', { n: lines }),
    ' · ', refr.length ? t('s_refractory', { x: refr.join(', ') }) : t('s_not_refractory'),
    f.triple_class_exposed ? ' · ' + t('s_triple_exp', { v: fmtValue(v('triple_class_exposed')) }) : '',
    f.triple_class_refractory ? ' · ' + t('s_triple_ref', { v: fmtValue(v('triple_class_refractory')) }) : '',
    f.anti_bcma_exposed ? ' · ' + t('s_bcma', { v: fmtValue(v('anti_bcma_exposed')) }) : '',
    f.asct_prior ? ' · ' + t('s_asct', { v: fmtValue(v('asct_prior')) }) : ''));
  const opts = r.options || [];
  const therapies = opts.filter(o => o.kind !== 'guideline_regimen');
  box.append(summaryGroup('car_t', therapies.filter(o => o.group === 'car_t')),
    summaryGroup('bispecific', therapies.filter(o => o.group === 'bispecific')),
    summaryGroup('other', therapies.filter(o => o.group !== 'car_t' && o.group !== 'bispecific'), 0),
    summaryGroup('guideline', opts.filter(o => o.kind === 'guideline_regimen'), 3),
    summaryGroup('trial', r.trials || [], 0));
  return box;
}

/* For the print of the summary: the recommended options and the eligible
 * CAR-T and bispecifics with their criteria (on screen they are in the
 * detail, which this print leaves out). */
function renderPrintReasons(r) {
  const pick = (r.options || []).filter(o => o.tier === 'recommended' ||
    (o.status === 'eligible' && (o.group === 'car_t' || o.group === 'bispecific')));
  if (!pick.length) return null;
  return h('section', { class: 'print-only print-reasons', id: 'print-reasons' }, h('h3', null, t('print_reasons')),
    pick.map(o => {
      const el = renderOption(o); // result.js
      el.removeAttribute('data-option');
      el.dataset.printOption = o.id;
      /* evidence, sources and the slide-deck notes stay in the full print */
      for (const d of $$('details, .source, .deck', el)) d.remove();
      return el;
    }));
}

/* Print: the summary by default; the full detail on request (details
 * opened for the print, closed again after). */
function printEvaluation(full) {
  const opened = [];
  if (full) {
    document.body.classList.add('print-full');
    for (const d of $$('#result details')) if (!d.open) { d.open = true; opened.push(d); }
    window.addEventListener('afterprint', () => {
      document.body.classList.remove('print-full');
      for (const d of opened) d.open = false;
    }, { once: true });
  }
  window.print();
}
