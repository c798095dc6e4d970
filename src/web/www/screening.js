/* screening.js: registry screening for analysts (POST /api/v1/screen,
 * docs/screen.md). The file goes to the server in pieces of 16 MiB cut at
 * line ends (the server caps a body at 64 MiB; a registry is larger), one
 * request after the other, the browser never holding the file whole; each
 * answer is read line by line as the server writes it, so the progress
 * shows while it runs. The page reads the
 * file's records' `center` once, alongside, to count by centre (a result
 * line's own `center` wins when the server sends one). Then: the summary by
 * centre and by criterion as tables and an SVG chart, and a CSV of them.
 * Products offered: the kb's therapies of the CAR-T and bispecific groups
 * (GET /api/v1/kb/therapies). A hub or analyst token may instead pick a
 * registry file already on the server (serve --screen-dir; GET
 * /api/v1/screen-files), screened by name in one request; the centres are
 * then the server's (each result line's `center`). Loaded after app.js,
 * problems.js. */
'use strict';

Object.assign(WORDS.it, {
  screen_title: 'Screening di un registro', screen_file: 'File del registro (JSON Lines, un record mmpath/patient@1 per riga)',
  screen_hint: 'Il file è inviato al server a flusso, senza limiti di dimensione nel browser; nessun dato resta nella pagina dopo la chiusura.',
  screen_options: 'Prodotti da contare', screen_start: 'Avvia lo screening', screen_stop: 'Interrompi',
  screen_running: 'In corso: {n} record valutati{p}', screen_done: 'Completato: {n} record, {e} con errori.',
  screen_stopped: 'Interrotto dopo {n} record.', screen_nofile: 'Scegliere un file.',
  by_center: 'Per centro', by_criterion: 'Criteri che escludono o mancano', center: 'Centro', records: 'Record',
  malformed: 'Con errori', eligible_n: '{o}: idonei', unknown_n: '{o}: da decidere', criterion: 'Criterio', product: 'Prodotto',
  not_met: 'Non soddisfatto', not_known: 'Non noto', no_center: '(senza centro)', csv: 'Scarica CSV',
  screen_server: 'Oppure un file già sul server (cartella di screening)', screen_server_file: '{n} ({k} kB, {d})',
  chart_screen: 'Pazienti idonei per centro e prodotto', choose_file: 'Scegli il file', cell_head: '{o}', cell_hint: 'In ogni cella: pazienti idonei (tra parentesi: non determinabili, mancano dati).', none_selected: 'Scegliere almeno un prodotto.'
});
Object.assign(WORDS.en, {
  screen_title: 'Registry screening', screen_file: 'Registry file (JSON Lines, one mmpath/patient@1 record a line)',
  screen_hint: 'The file is streamed to the server, with no size limit in the browser; nothing stays in the page after it closes.',
  screen_options: 'Products to count', screen_start: 'Start screening', screen_stop: 'Stop',
  screen_running: 'Running: {n} records evaluated{p}', screen_done: 'Done: {n} records, {e} with errors.',
  screen_stopped: 'Stopped after {n} records.', screen_nofile: 'Choose a file.',
  by_center: 'By centre', by_criterion: 'Criteria that exclude or are missing', center: 'Centre', records: 'Records',
  malformed: 'With errors', eligible_n: '{o}: eligible', unknown_n: '{o}: to be decided', criterion: 'Criterion', product: 'Product',
  not_met: 'Not met', not_known: 'Not known', no_center: '(no centre)', csv: 'Download CSV',
  screen_server: 'Or a file already on the server (screening folder)', screen_server_file: '{n} ({k} kB, {d})',
  chart_screen: 'Eligible patients by centre and product', choose_file: 'Choose the file', cell_head: '{o}', cell_hint: 'Each cell: eligible patients (in brackets: cannot be decided, data missing).', none_selected: 'Choose at least one product.'
});

const scr = { therapies: null, crit: null, abort: null };

async function showScreening() {
  await loadServerFiles();
  if (scr.lang === state.lang && scr.therapies) return;
  const res = await api('GET', '/api/v1/kb/therapies?lang=' + state.lang);
  scr.lang = state.lang;
  scr.therapies = res.ok ? res.data.therapies : [];
  scr.crit = new Map();
  for (const th of scr.therapies)
    for (const ind of th.indications || []) for (const c of ind.criteria || []) if (!scr.crit.has(c.id)) scr.crit.set(c.id, c.text);
  const box = $('#screen-products');
  const was = new Set($$('input[data-option]:checked', box).map(x => x.dataset.option));
  box.replaceChildren(...scr.therapies.filter(x => x.group === 'car_t' || x.group === 'bispecific').map(x =>
    h('label', { class: 'inline' }, h('input', { type: 'checkbox', 'data-option': x.id,
      checked: !was.size || was.has(x.id) ? true : null }), ' ', x.name)));
}

/* The registry files of the server's screening folder, for a hub or
 * analyst token (the list is hidden otherwise, or when it is empty). */
async function loadServerFiles() {
  const box = $('#screen-server-box'), sel = $('#screen-server');
  const role = state.me && state.me.role;
  const res = role === 'hub' || role === 'analyst' ? await api('GET', '/api/v1/screen-files') : null;
  const files = res && res.ok ? res.data.files : [];
  const was = sel.value;
  sel.replaceChildren(h('option', { value: '' }, ''), ...files.map(f => h('option', { value: f.name },
    t('screen_server_file', { n: f.name, k: Math.ceil(f.bytes / 1024), d: fmtDate(f.modified) }))));
  if (files.some(f => f.name === was)) sel.value = was;
  box.hidden = !files.length;
}

/* The `center` of each record of the file, in order (empty lines are not
 * records: docs/screen.md), read as a stream. */
async function fileCenters(file) {
  const ids = new Map(), names = [];
  let out = new Uint32Array(1024), n = 0, rest = '';
  const dec = new TextDecoder();
  const push = line => {
    if (!line.length) return;
    const m = /"center"\s*:\s*"([^"\\]{0,64})"/.exec(line);
    const c = m ? m[1] : '';
    if (!ids.has(c)) { ids.set(c, names.length); names.push(c); }
    if (n === out.length) { const o = new Uint32Array(out.length * 2); o.set(out); out = o; }
    out[n++] = ids.get(c);
  };
  const reader = file.stream().getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const parts = (rest + dec.decode(value, { stream: true })).split('\n');
    rest = parts.pop();
    for (const p of parts) push(p.replace(/\r$/, ''));
  }
  push(rest);
  return { names, at: i => names[out[i]], n };
}

/* Pieces of at most `size` bytes ending at a line end (a record is at most
 * 1 MiB: docs/screen.md), as Blobs: nothing is read but the few bytes
 * around each cut. */
const SCREEN_PIECE = 16 * 1024 * 1024;
async function* filePieces(file, size) {
  let start = 0;
  while (start < file.size) {
    let end = Math.min(start + size, file.size);
    while (end < file.size) {
      const win = new Uint8Array(await file.slice(end, Math.min(end + (1 << 20) + 2, file.size)).arrayBuffer());
      const nl = win.indexOf(10);
      if (nl >= 0) { end += nl + 1; break; }
      end = Math.min(end + win.length, file.size);
    }
    yield file.slice(start, end);
    start = end;
  }
}

async function runScreening(e) {
  e.preventDefault();
  const server = $('#screen-server').value;
  const file = server ? null : $('#screen-file').files[0];
  const msg = $('#screen-msg');
  const only = $$('#screen-products input[data-option]:checked').map(x => x.dataset.option);
  if (!file && !server) { msg.textContent = t('screen_nofile'); $('#screen-file').focus(); return; }
  if (!only.length) { msg.textContent = t('none_selected'); return; }
  $('#screen-out').replaceChildren();
  msg.textContent = t('screen_running', { n: 0, p: '' }); /* no earlier run's words stay */
  scr.abort = new AbortController();
  $('#screen-stop').hidden = false;
  $('#screen-start').disabled = true;
  /* a server file: its centres are the server's (each line's `center`) */
  const centers = server ? Promise.resolve({ names: [], at: () => '', n: null }) : fileCenters(file);
  const agg = new Map(); /* centre -> {records, malformed, [option]: {eligible, unknown}} */
  const crit = new Map(); /* option|criterion -> {not_met, not_known} */
  let n = 0, errors = 0, summary = null, total = null;
  centers.then(c => { total = c.n; });
  const q = '?format=jsonl&jurisdiction=' + $('#screen-juris').value + '&only=' + encodeURIComponent(only.join(','));
  try {
    const headers = { 'Content-Type': 'application/x-ndjson', Accept: 'application/x-ndjson' };
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    const c = await centers;
    let rest = '', records = 0, malformed = 0;
    const take = line => {
      if (!line.trim()) return;
      const r = JSON.parse(line);
      if (r.summary) { records += r.summary.records || 0; malformed += r.summary.malformed || 0; summary = true; return; }
      const center = r.center || c.at(n) || '';
      n++;
      let a = agg.get(center);
      if (!a) agg.set(center, a = { records: 0, malformed: 0 });
      a.records++;
      if (r.error) { a.malformed++; errors++; return; }
      for (const id of r.eligible || []) (a[id] = a[id] || { eligible: 0, unknown: 0 }).eligible++;
      for (const [id, list] of Object.entries(r.unknown || {})) {
        (a[id] = a[id] || { eligible: 0, unknown: 0 }).unknown++;
        for (const k of list) (crit.get(id + '|' + k) || crit.set(id + '|' + k, { not_met: 0, not_known: 0 }).get(id + '|' + k)).not_known++;
      }
      for (const [id, list] of Object.entries(r.not_eligible || {}))
        for (const k of list) (crit.get(id + '|' + k) || crit.set(id + '|' + k, { not_met: 0, not_known: 0 }).get(id + '|' + k)).not_met++;
    };
    let last = 0;
    /* the file in pieces under the server's body cap (docs/screen.md), cut
     * at line ends, sent one after the other; results come in file order */
    const pieces = server ? [null] : filePieces(file, Number($('#screen-form').dataset.piece) || SCREEN_PIECE);
    for await (const piece of pieces) {
      const res = await fetch('/api/v1/screen' + q + (server ? '&file=' + encodeURIComponent(server) : ''),
        { method: 'POST', headers, body: piece === null ? undefined : piece, signal: scr.abort.signal });
      if (!res.ok) {
        const data = await res.json().catch(() => null);
        msg.textContent = problemText({ ok: false, status: res.status, data });
        if (agg.size) renderScreening(agg, crit, only);
        return;
      }
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      rest = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parts = (rest + dec.decode(value, { stream: true })).split('\n');
        rest = parts.pop();
        for (const p of parts) take(p);
        if (Date.now() - last > 200) {
          last = Date.now();
          msg.textContent = t('screen_running', { n, p: total ? ' / ' + total + ' (' + Math.floor(100 * n / total) + '%)' : '' });
        }
      }
      take(rest);
    }
    summary = summary ? { records, malformed } : null;
    msg.textContent = t('screen_done', { n: summary ? summary.records : n, e: summary ? summary.malformed : errors });
    renderScreening(agg, crit, only);
  } catch (err) {
    if (err && err.name === 'AbortError') msg.textContent = t('screen_stopped', { n });
    else msg.textContent = t('network');
    if (agg.size) renderScreening(agg, crit, only);
  } finally {
    $('#screen-stop').hidden = true;
    $('#screen-start').disabled = false;
    scr.abort = null;
  }
}

function productName(id) { const x = (scr.therapies || []).find(y => y.id === id); return x ? x.name : id; }

function renderScreening(agg, crit, only) {
  const centers = Array.from(agg.keys()).sort();
  /* one column per product: eligible, then (to be decided); the CSV has both apart */
  const head = [t('center'), t('records'), t('malformed')];
  const csvHead = head.slice();
  for (const o of only) {
    head.push(t('cell_head', { o: productName(o) }));
    csvHead.push(t('eligible_n', { o: productName(o) }), t('unknown_n', { o: productName(o) }));
  }
  const rows = [], csvRows = [];
  for (const c of centers) {
    const a = agg.get(c);
    const row = [c || t('no_center'), a.records, a.malformed], csvRow = row.slice();
    for (const o of only) {
      const x = a[o] || {};
      row.push((x.eligible || 0) + ' (' + (x.unknown || 0) + ')');
      csvRow.push(x.eligible || 0, x.unknown || 0);
    }
    rows.push(row);
    csvRows.push(csvRow);
  }
  const critRows = Array.from(crit.entries()).map(([k, v]) => {
    const [o, c] = k.split('|');
    return [scr.crit.get(c) || c, productName(o), v.not_met, v.not_known];
  }).sort((a, b) => (b[2] + b[3]) - (a[2] + a[3]));
  const critHead = [t('criterion'), t('product'), t('not_met'), t('not_known')];
  const table = (id, hd, rs) => h('table', { class: 'facts', id },
    h('thead', null, h('tr', null, hd.map(x => h('th', { scope: 'col' }, x)))),
    h('tbody', null, rs.map(r => h('tr', null, r.map((x, i) => i ? h('td', { class: i > 0 ? 'num' : null }, String(x)) : h('th', { scope: 'row' }, String(x)))))));
  const csv = [csvHead, ...csvRows, [], critHead, ...critRows].map(r => r.map(x => {
    const s = String(x);
    return /[",\n;]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }).join(',')).join('\r\n') + '\r\n';
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  $('#screen-out').replaceChildren(
    h('h3', null, t('by_center')), h('p', { class: 'src' }, t('cell_hint')), h('div', { class: 'scroll' }, table('screen-centers', head, rows)),
    screenChart(centers, agg, only),
    h('h3', null, t('by_criterion')), h('div', { class: 'scroll' }, table('screen-criteria', critHead, critRows)),
    h('p', null, h('a', { href: url, download: 'mmpath-screening.csv', class: 'button', id: 'screen-csv' }, t('csv'))));
}

/* Grouped horizontal bars: per centre, one bar per product (eligible). */
function screenChart(centers, agg, only) {
  const NS = 'http://www.w3.org/2000/svg';
  const s = (tag, attrs, text) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const colors = ['#1f5fa8', '#b2541a', '#2e7d32', '#6a1b9a', '#8d6e00', '#00695c'];
  const bar = 14, gap = 10, left = 150, width = 640;
  const max = Math.max(1, ...centers.flatMap(c => only.map(o => ((agg.get(c)[o] || {}).eligible || 0))));
  const h0 = 30 + centers.length * (only.length * bar + gap) + only.length * 18;
  const svg = s('svg', { viewBox: '0 0 ' + (left + width + 60) + ' ' + h0, role: 'img', 'aria-labelledby': 'screen-chart-title', id: 'screen-chart', class: 'chart' });
  svg.append(s('title', { id: 'screen-chart-title' }, t('chart_screen')));
  svg.append(s('text', { x: 0, y: 16, 'font-size': 14, 'font-weight': 'bold', fill: '#222' }, t('chart_screen')));
  let y = 30;
  for (const c of centers) {
    svg.append(s('text', { x: left - 8, y: y + (only.length * bar) / 2 + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#222' }, c || t('no_center')));
    only.forEach((o, i) => {
      const v = (agg.get(c)[o] || {}).eligible || 0;
      const w = Math.round(width * v / max);
      svg.append(s('rect', { x: left, y: y + i * bar, width: Math.max(w, 1), height: bar - 2, fill: colors[i % colors.length] }));
      svg.append(s('text', { x: left + w + 4, y: y + i * bar + bar - 4, 'font-size': 11, fill: '#222' }, String(v)));
    });
    y += only.length * bar + gap;
  }
  only.forEach((o, i) => {
    svg.append(s('rect', { x: left, y: y + i * 18, width: 12, height: 12, fill: colors[i % colors.length] }));
    svg.append(s('text', { x: left + 18, y: y + i * 18 + 11, 'font-size': 12, fill: '#222' }, productName(o)));
  });
  return h('figure', { class: 'chart' }, svg);
}

function setupScreening() {
  $('#screen-form').addEventListener('submit', runScreening);
  $('#screen-stop').addEventListener('click', () => { if (scr.abort) scr.abort.abort(); });
  $('#screen-file').addEventListener('change', e => {
    const f = e.target.files[0];
    $('#screen-fname').textContent = f ? f.name + ' (' + Math.ceil(f.size / 1024) + ' kB)' : '';
    if (f) $('#screen-server').value = ''; /* one source: the last chosen */
  });
  $('#screen-server').addEventListener('change', () => {
    if ($('#screen-server').value) { $('#screen-file').value = ''; $('#screen-fname').textContent = ''; }
  });
}
