/* pathway.js: the referral board's pathway after the spec's moves (issue 14,
 * docs/referral.md): the move dialog offers only what the server allows now
 * (GET /api/v1/referrals/{id}/next: next states, date window), and each
 * card opens a records dialog: notes (a spoke may add them), corrections,
 * bridging, lymphodepletion, product and lot, visits, CRS and ICANS
 * episodes, with the server's refusals shown by field; the letter to the
 * referring centre and the registry export (CSV). Loaded after app.js, whose
 * state, h(), t(), api(), problemBox() and WORDS it uses; app.js calls
 * mmPathwayCard, mmPathwayMove and mmPathwaySetup when they exist. */
'use strict';

Object.assign(WORDS.it, {
  pw_records: 'Dati e lettera', pw_title: 'Invio {id}: dati del percorso', pw_kind: 'Tipo',
  pw_data: 'Dati (JSON)', pw_add: 'Registra', pw_letter_it: 'Lettera (IT)', pw_letter_en: 'Lettera (EN)',
  pw_download: 'Scarica la lettera (HTML, stampabile)', pw_registry: 'Export registro (CSV)',
  pw_recorded: '{id}: registrato «{k}».', pw_none: 'Nessun dato registrabile ora.',
  pw_kind_note: 'nota', pw_kind_correction: 'correzione', pw_kind_bridging: 'terapia ponte',
  pw_kind_lymphodepletion: 'linfodeplezione', pw_kind_product: 'prodotto e lotto', pw_kind_visit: 'visita',
  pw_kind_crs: 'episodio CRS', pw_kind_icans: 'episodio ICANS', pw_kind_evaluation: 'valutazione mmpath', pw_dates: 'date consentite: {a} – {b}',
  pw_grade: 'grado ASTCT {g}', pw_grade_unknown: 'grado ASTCT non calcolabile', pw_corrects: 'corregge l\'evento n. {n}'
});
Object.assign(WORDS.en, {
  pw_records: 'Records and letter', pw_title: 'Referral {id}: pathway records', pw_kind: 'Kind',
  pw_data: 'Data (JSON)', pw_add: 'Record', pw_letter_it: 'Letter (IT)', pw_letter_en: 'Letter (EN)',
  pw_download: 'Download the letter (HTML, printable)', pw_registry: 'Registry export (CSV)',
  pw_recorded: '{id}: "{k}" recorded.', pw_none: 'Nothing can be recorded now.',
  pw_kind_note: 'note', pw_kind_correction: 'correction', pw_kind_bridging: 'bridging therapy',
  pw_kind_lymphodepletion: 'lymphodepletion', pw_kind_product: 'product and lot', pw_kind_visit: 'visit',
  pw_kind_crs: 'CRS episode', pw_kind_icans: 'ICANS episode', pw_kind_evaluation: 'mmpath evaluation', pw_dates: 'dates allowed: {a} – {b}',
  pw_grade: 'ASTCT grade {g}', pw_grade_unknown: 'ASTCT grade cannot be computed', pw_corrects: 'corrects event no. {n}'
});

/* A record of the history in words: its kind and what decides it. */
function pwEventText(e) {
  const d = e.data || {};
  const parts = [t('pw_kind_' + e.kind)];
  if (e.kind === 'crs' || e.kind === 'icans')
    parts.push(typeof d.astct_max_grade === 'number' ? t('pw_grade', { g: d.astct_max_grade }) : t('pw_grade_unknown'));
  else if (e.kind === 'visit') {
    const v = state.vocab && (state.vocab.visits || []).find(x => x.id === d.visit);
    parts.push(v ? v.label : d.visit === 'unscheduled' ? t('rf_unscheduled') : d.visit);
    if (d.status) parts.push(t('v_' + d.status));
  } else if (e.kind === 'product') parts.push([d.product, d.lot].filter(Boolean).join(' · '));
  else if (e.kind === 'bridging' || e.kind === 'lymphodepletion') parts.push((d.drugs || []).map(drugName).join(', '));
  else if (e.kind === 'correction') parts.push(t('pw_corrects', { n: d.corrects }) + (d.why ? ': ' + d.why : ''));
  else if (e.kind === 'note' && d.text) parts.push(d.text);
  else if (e.kind === 'evaluation') parts.push(d.option + ' ' + t('st_' + d.verdict) + ' (' + fmtDate(d.date) + ', ' + d.kb_version + ')');
  return parts.filter(Boolean).join(' · ');
}

async function pwNext(id) {
  const res = await api('GET', '/api/v1/referrals/' + encodeURIComponent(id) + '/next?lang=' + state.lang);
  return res.ok ? res.data : null;
}

/* The move dialog: only the server's next states and dates. */
async function mmPathwayMove(r) {
  const n = await pwNext(r.id);
  if (!n) return;
  const sel = $('#move-state');
  const cur = sel.value; /* a choice already made stays */
  const have = Array.from(sel.options).map(o => o.value).join(',');
  if (have !== n.next.map(x => x.state).join(',')) {
    sel.replaceChildren(...n.next.map(x => h('option', { value: x.state }, x.label)));
    if (n.next.some(x => x.state === cur)) sel.value = cur;
  }
  $('#move-ok').disabled = !n.next.length;
  const date = $('#move-date');
  if (n.dates.min) date.min = n.dates.min; else date.removeAttribute('min');
  date.max = n.dates.max;
  if (date.value > n.dates.max) date.value = n.dates.max;
  updateReason();
}

function mmPathwayCard(r) {
  if (!state.me || (state.me.role !== 'hub' && state.me.role !== 'spoke')) return null;
  /* a link, so that the card's one button stays its move button */
  return h('a', { href: '#', class: 'small pw-open', 'data-pathway': r.id,
    onclick: e => { e.preventDefault(); pwOpen(r); } }, t('pw_records'));
}

function pwDialog() {
  let dlg = $('#pw-dialog');
  if (dlg) return dlg;
  dlg = h('dialog', { id: 'pw-dialog', 'aria-labelledby': 'pw-title' },
    h('form', { method: 'dialog', id: 'pw-form' },
      h('h3', { id: 'pw-title' }),
      h('p', { id: 'pw-hint', class: 'hint' }),
      h('label', { for: 'pw-kind' }, t('pw_kind')), h('select', { id: 'pw-kind' }),
      h('label', { for: 'pw-date' }, t('date')), h('input', { id: 'pw-date', type: 'date', required: true, 'data-path': 'date' }),
      h('div', { id: 'pw-fields', class: 'rf-grid' }),
      h('details', { id: 'pw-advanced' }, h('summary', null, t('rf_advanced')),
        h('label', { for: 'pw-data' }, t('pw_data')),
        h('textarea', { id: 'pw-data', rows: '8', spellcheck: 'false', class: 'mono' })),
      h('div', { id: 'pw-errors', class: 'errors', role: 'alert', hidden: true }),
      h('div', { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary', id: 'pw-ok' }, t('pw_add')),
        h('button', { type: 'button', id: 'pw-letter-it' }, t('pw_letter_it')),
        h('button', { type: 'button', id: 'pw-letter-en' }, t('pw_letter_en')),
        h('button', { type: 'button', id: 'pw-cancel' }, t('cancel'))),
      h('div', { id: 'pw-letter', class: 'pw-letter' })));
  document.body.append(dlg);
  $('#pw-kind').addEventListener('change', pwFields);
  /* the fields dated by the record's date (a first sign day, a lab) follow it */
  let was = '';
  $('#pw-date').addEventListener('focus', () => { was = $('#pw-date').value; });
  $('#pw-date').addEventListener('change', () => {
    for (const x of $$('#pw-fields [data-follow]')) if (!x.value || x.value === was) x.value = $('#pw-date').value;
    was = $('#pw-date').value;
    rfVisitNear($('#pw-fields'), pwCurrent, was);
  });
  /* opened, the JSON view starts from what the fields hold */
  $('#pw-advanced > summary').addEventListener('click', () => {
    if (!$('#pw-advanced').open) $('#pw-data').value = JSON.stringify(rfRead($('#pw-fields')), null, 1);
  });
  $('#pw-cancel').addEventListener('click', () => dlg.close());
  $('#pw-form').addEventListener('submit', pwSubmit);
  $('#pw-letter-it').addEventListener('click', () => pwLetter('it'));
  $('#pw-letter-en').addEventListener('click', () => pwLetter('en'));
  return dlg;
}

let pwCurrent = null;
function pwFields() {
  markInvalid([]);
  $('#pw-errors').hidden = true;
  rfBuild($('#pw-kind').value, $('#pw-fields'), pwCurrent, $('#pw-date').value);
}

async function pwOpen(r) {
  pwCurrent = r;
  const dlg = pwDialog();
  $('#pw-title').textContent = t('pw_title', { id: r.id });
  $('#pw-errors').hidden = true;
  $('#pw-letter').replaceChildren();
  const n = await pwNext(r.id);
  const kinds = n ? n.records : [];
  $('#pw-kind').replaceChildren(...kinds.map(k => h('option', { value: k }, t('pw_kind_' + k))));
  $('#pw-ok').disabled = !kinds.length;
  const date = $('#pw-date');
  date.max = n ? n.dates.max : today();
  date.removeAttribute('min');
  date.value = date.max;
  $('#pw-hint').textContent = kinds.length ? t('pw_dates', { a: fmtDate(r.events[0].date), b: fmtDate(date.max) }) : t('pw_none');
  $('#pw-advanced').open = false;
  if (!state.kb && typeof loadKbVocab === 'function') await loadKbVocab();
  pwFields();
  dlg.showModal();
  $('#pw-kind').focus();
}

async function pwSubmit(e) {
  e.preventDefault();
  let data;
  if ($('#pw-advanced').open) {
    try { data = JSON.parse($('#pw-data').value || '{}'); } catch (err) {
      problemBox($('#pw-errors'), { data: { code: 'invalid-json' } });
      return;
    }
  } else {
    data = rfRead($('#pw-fields'));
  }
  const kind = $('#pw-kind').value;
  const body = { date: $('#pw-date').value, kind, data };
  const res = await api('POST', '/api/v1/referrals/' + encodeURIComponent(pwCurrent.id) + '/events', body);
  if (!res.ok) {
    problemBox($('#pw-errors'), res);
    const first = markInvalid((res.data && res.data.errors) || [], problemSlug(res));
    if (first) first.focus();
    return;
  }
  markInvalid([]);
  $('#pw-dialog').close();
  /* what the server computed from the record: the episode's ASTCT grade,
   * the visit's IMWG response */
  const evs = (res.data && res.data.events) || [];
  const last = evs.length ? evs[evs.length - 1] : null;
  const d = (last && last.kind === kind && last.data) || {};
  let msg = t('pw_recorded', { id: pwCurrent.id, k: t('pw_kind_' + kind) });
  if (kind === 'crs' || kind === 'icans') {
    const miss = (d.signs || []).flatMap(x => x.missing || []);
    msg = typeof d.astct_max_grade === 'number' ? t('rf_grade_saved', { id: pwCurrent.id, g: d.astct_max_grade })
      : t('rf_grade_unknown', { id: pwCurrent.id, m: Array.from(new Set(miss)).map(x => t('rf_' + ({ ice_score: 'ice', cerebral_edema: 'edema' }[x] || x))).join(', ') });
  } else if (kind === 'visit' && d.imwg_response) {
    msg = t('rf_response_saved', { id: pwCurrent.id, r: d.imwg_response });
  }
  say(msg);
  await loadBoard();
  const card = $('[data-referral="' + CSS.escape(pwCurrent.id) + '"]');
  if (card) card.dataset.lastRecord = msg;
}

/* The letter: shown here (its text, without its print styles, which the
 * page's policy does not run) and offered as a download, which opens as the
 * printable page the server wrote. */
async function pwLetter(lang) {
  const box = $('#pw-letter');
  const res = await api('GET', '/api/v1/referrals/' + encodeURIComponent(pwCurrent.id) + '/letter?lang=' + lang);
  box.replaceChildren();
  if (!res.ok) { problemBox($('#pw-errors'), res); return; }
  $('#pw-errors').hidden = true;
  /* its <style> left out: the page's policy would refuse (and report) it */
  const doc = new DOMParser().parseFromString(res.data.replace(/<style[\s\S]*?<\/style>/g, ''), 'text/html');
  const url = URL.createObjectURL(new Blob([res.data], { type: 'text/html' }));
  box.append(h('a', { href: url, download: pwCurrent.id + '-' + lang + '.html', id: 'pw-download' }, t('pw_download')));
  const body = h('div', { class: 'letter', lang });
  for (const n of Array.from(doc.body.childNodes)) body.append(document.importNode(n, true));
  /* the server writes ISO dates: shown in the reader's format (the download keeps the server's page) */
  if (lang === 'it') {
    const w = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) n.nodeValue = n.nodeValue.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, '$3/$2/$1');
  }
  box.append(body);
}

async function pwRegistry() {
  const res = await api('GET', '/api/v1/registry-export?format=csv');
  if (!res.ok) { say((res.data && res.data.detail) || String(res.status)); return; }
  const a = h('a', { href: URL.createObjectURL(new Blob([res.data], { type: 'text/csv' })), download: 'registry-export.csv' });
  document.body.append(a);
  a.click();
  a.remove();
}

function mmPathwaySetup() {
  const bar = $('#new-referral');
  if (bar && !$('#pw-registry'))
    bar.after(h('button', { type: 'button', id: 'pw-registry', onclick: pwRegistry }, t('pw_registry')));
}
