/* problems.js: the server's refusals in the page's language. An API error
 * is a problem document (docs/http-api.md) whose `type` ends with a stable
 * slug and whose errors carry a field `path` and a `code`
 * (src/util/diag.h mm_diag_code_name); the English `message` is for API
 * users. The page shows the slug's title, the field by its label and the
 * code's meaning, with what the message quotes (the value, a range, a
 * suggestion, the accepted values) carried over; it never shows the English
 * text itself. Loaded after app.js (h, t, WORDS). */
'use strict';

Object.assign(WORDS.it, {
  p_default: 'Richiesta rifiutata', 'p_bad-parameter': 'Parametro non valido', 'p_invalid-json': 'JSON non valido',
  'p_patient-mismatch': 'Il paziente non corrisponde', p_unauthorized: 'Token mancante o non valido',
  p_forbidden: 'Non consentito per questo ruolo', 'p_not-found': 'Non trovato',
  'p_method-not-allowed': 'Metodo non consentito', p_conflict: 'Esiste già', 'p_unsupported-media-type': 'Formato non accettato',
  'p_invalid-input': 'Dati non validi', 'p_invalid-record': 'Il record ha errori', 'p_invalid-referral': 'Invio non valido',
  'p_move-refused': 'Spostamento rifiutato', 'p_patient-id-missing': 'Manca l\'identificativo del paziente',
  p_internal: 'Errore interno del server', 'p_not-implemented': 'Non disponibile su questo server',
  p_busy: 'Server occupato: riprovare tra poco', 'p_kb-unavailable': 'Base di conoscenza non caricata',
  'p_body-too-large': 'Contenuto troppo grande', p_network: 'Il server non risponde: riprovare.',
  n_problems: '{n} problemi', n_problem: '1 problema',
  c_invalid: 'valore non valido', c_syntax: 'sintassi non valida', c_type: 'tipo di dato errato',
  'c_unknown-key': 'campo non previsto', c_missing: 'dato obbligatorio mancante', 'c_unknown-name': 'nome o codice sconosciuto',
  c_ambiguous: 'nome ambiguo', c_range: 'fuori intervallo', c_order: 'date in ordine impossibile',
  c_duplicate: 'duplicato', 'c_not-found': 'non trovato', c_limit: 'oltre il limite', c_io: 'errore di lettura',
  c_state: 'stato non consentito', c_nomem: 'memoria esaurita',
  q_range: 'da {a} a {b}', q_mean: 'forse «{s}»?', q_one_of: 'valori ammessi: {v}', q_accepted: 'unità ammesse: {v}',
  q_date: 'data nel formato AAAA-MM-GG', q_value: 'valore «{v}»',
  fp_header: 'intestazione', fp_query: 'parametro', fp_body: 'record', fp_path: 'indirizzo',
  'fp_header.Authorization': 'token di accesso', 'fp_header.Content-Type': 'formato inviato',
  fp_line: 'linea {n}', fp_lab: 'esame {n}', fp_maintenance: 'mantenimento', fp_events: 'evento {n}',
  fp_drugs: 'farmaci', fp_comorbidities: 'comorbidità', fp_reason: 'motivo', fp_state: 'stato', fp_date: 'data', fp_note: 'nota',
  fp_id: 'id', fp_patient: 'pseudonimo', fp_from_center: 'da centro', fp_to_center: 'a centro', fp_target: 'prodotto'
});
Object.assign(WORDS.en, {
  p_default: 'Request refused', 'p_bad-parameter': 'Invalid parameter', 'p_invalid-json': 'Invalid JSON',
  'p_patient-mismatch': 'The patient does not match', p_unauthorized: 'Token missing or invalid',
  p_forbidden: 'Not allowed for this role', 'p_not-found': 'Not found', 'p_method-not-allowed': 'Method not allowed',
  p_conflict: 'Exists already', 'p_unsupported-media-type': 'Format not accepted', 'p_invalid-input': 'Invalid input',
  'p_invalid-record': 'The record has errors', 'p_invalid-referral': 'Invalid referral', 'p_move-refused': 'Move refused',
  'p_patient-id-missing': 'The patient id is missing', p_internal: 'Internal server error',
  'p_not-implemented': 'Not available on this server', p_busy: 'Server busy: try again shortly',
  'p_kb-unavailable': 'Knowledge base not loaded', 'p_body-too-large': 'Body too large',
  p_network: 'The server does not answer: try again.', n_problems: '{n} problems', n_problem: '1 problem',
  c_invalid: 'invalid value', c_syntax: 'invalid syntax', c_type: 'wrong type', 'c_unknown-key': 'unexpected field',
  c_missing: 'required input missing', 'c_unknown-name': 'unknown name or code', c_ambiguous: 'ambiguous name',
  c_range: 'out of range', c_order: 'dates in an impossible order', c_duplicate: 'duplicate', 'c_not-found': 'not found',
  c_limit: 'over the limit', c_io: 'read error', c_state: 'state not allowed', c_nomem: 'out of memory',
  q_range: '{a} to {b}', q_mean: 'did you mean "{s}"?', q_one_of: 'allowed: {v}', q_accepted: 'accepted units: {v}',
  q_date: 'a date YYYY-MM-DD', q_value: 'value "{v}"',
  fp_header: 'header', fp_query: 'parameter', fp_body: 'record', fp_path: 'address',
  'fp_header.Authorization': 'access token', 'fp_header.Content-Type': 'format sent',
  fp_line: 'line {n}', fp_lab: 'lab {n}', fp_maintenance: 'maintenance', fp_events: 'event {n}',
  fp_drugs: 'drugs', fp_comorbidities: 'comorbidities', fp_reason: 'reason', fp_state: 'state', fp_date: 'date', fp_note: 'note',
  fp_id: 'id', fp_patient: 'pseudonym', fp_from_center: 'from centre', fp_to_center: 'to centre', fp_target: 'product'
});

function problemSlug(res) {
  const p = res && res.data;
  if (res && res.status === 0) return 'network';
  if (p && typeof p === 'object') {
    if (p.code) return p.code;
    if (typeof p.type === 'string') return p.type.replace(/^.*:/, '');
  }
  return 'default';
}
function problemTitle(res) {
  const k = 'p_' + problemSlug(res);
  return WORDS.en[k] !== undefined ? t(k) : t('p_default') + (res && res.status ? ' (' + res.status + ')' : '');
}

/* An error's code (or, for a problem without codes, its slug) in words,
 * with what the English message quotes: numbers, codes, a suggestion. */
function errorText(e, slug) {
  const msg = String(e.message || '');
  const code = e.code || (slug === 'unauthorized' || slug === 'forbidden' ? null
    : /\brequire[sd]?\b|\bmissing\b|\bneeds\b/.test(msg) ? 'missing' : /\bis (before|after)\b/.test(msg) ? 'order' : 'invalid');
  const parts = [];
  parts.push(code && WORDS.en['c_' + code] !== undefined ? t('c_' + code) : problemTitleBySlug(slug));
  let m;
  if ((m = /out of range \(([^ ]+) to ([^ )]+)\)/.exec(msg))) parts.push(t('q_range', { a: m[1], b: m[2] }));
  if (/not a valid date/.test(msg)) parts.push(t('q_date'));
  if ((m = /did you mean '([^']+)'/.exec(msg))) parts.push(t('q_mean', { s: m[1] }));
  if ((m = /is not one of: ([^()]+?)(?: \(line|$)/.exec(msg))) parts.push(t('q_one_of', { v: m[1].trim() }));
  if ((m = /\(accepted: ([^)]+)\)/.exec(msg))) parts.push(t('q_accepted', { v: m[1] }));
  else if (code !== 'missing' && ((m = /^'([^']{1,60})'/.exec(msg)) || (m = / '([^']{1,60})'/.exec(msg)))) parts.push(t('q_value', { v: m[1] }));
  return parts.join(' — ');
}
function problemTitleBySlug(slug) { return t(WORDS.en['p_' + slug] !== undefined ? 'p_' + slug : 'p_default'); }

/* A field path (body.lines[1].start) as the user reads it: its label on the
 * page when the form has it, else the path's parts in words. */
function fieldLabel(path) {
  const p = String(path || '').replace(/^body\.?/, '');
  if (!p) return t('fp_body');
  if (WORDS.en['fp_' + path] !== undefined) return t('fp_' + path);
  if (WORDS.en['fp_' + p] !== undefined) return t('fp_' + p);
  const el = fieldFor(p);
  const lab = el && (el.labels && el.labels[0] ? el.labels[0].textContent : el.getAttribute('aria-label'));
  const row = /^(lines|labs)\[(\d+)\]/.exec(p);
  if (lab) return (row ? t(row[1] === 'lines' ? 'fp_line' : 'fp_lab', { n: Number(row[2]) + 1 }) + ' › ' : '') + lab.trim();
  return p.split('.').map(seg => {
    const m = /^(\w+)\[(\d+)\]$/.exec(seg);
    if (m && m[1] === 'lines') return t('fp_line', { n: Number(m[2]) + 1 });
    if (m && m[1] === 'labs') return t('fp_lab', { n: Number(m[2]) + 1 });
    if (m && m[1] === 'events') return t('fp_events', { n: Number(m[2]) + 1 });
    if (m && WORDS.en['fp_' + m[1]] !== undefined) return t('fp_' + m[1]) + ' ' + (Number(m[2]) + 1);
    return WORDS.en['fp_' + seg] !== undefined ? t('fp_' + seg) : seg;
  }).join(' › ');
}

/* The form control a record path names, if the form shows it. */
function fieldFor(path) {
  path = String(path || '').replace(/^body\.?/, '');
  if (!path) return null;
  /* the pathway dialog's record form (records.js): its controls carry the
   * path; a path deeper than any control names its nearest parent */
  const dlg = $('#pw-dialog[open]');
  if (dlg && /^(date|data)\b/.test(path)) {
    for (let p = path; p; p = p.replace(/(\.[^.\[]*|\[\d+\])$/, '')) {
      const hit = $('[data-path="' + CSS.escape(p) + '"]', dlg);
      if (hit) return hit.dataset.picker ? $('input', hit) || hit : hit;
      if (!/[.[]/.test(p)) break;
    }
    return null;
  }
  let el = $('#form-input [name="' + path + '"]');
  if (el) return el;
  if (/^comorbidities/.test(path)) return $('#comorb-picker');
  const m = /^(lines|labs)\[(\d+)\]\.?([\w.]*)/.exec(path);
  if (m) {
    const rows = m[1] === 'lines' ? $$('#lines .line-row') : $$('#labs-table tr.lab');
    const row = rows[Number(m[2])];
    if (!row) return null;
    const k = m[3].replace(/^maintenance\.drugs.*/, 'maint_drugs').replace(/^maintenance\.start/, 'maint_start')
      .replace(/^maintenance\.end/, 'maint_end').replace(/^drugs.*/, 'drugs').replace(/\[\d+\].*$/, '');
    return $('[data-k="' + k + '"]', row) || $('[data-k]', row);
  }
  return null;
}

/* The problem as one sentence (for a status line). */
function problemText(res) {
  const p = res && res.data && typeof res.data === 'object' ? res.data : {};
  const errs = Array.isArray(p.errors) ? p.errors : [];
  const slug = problemSlug(res);
  return problemTitle(res) + (errs.length ? ': ' + errs.map(e => fieldLabel(e.path) + ' — ' + errorText(e, slug)).join('; ') : '');
}

/* The problem in a box: its title, then each error with its field. */
function problemBox(box, res, title) {
  box.replaceChildren();
  box.hidden = false;
  const p = res && res.data && typeof res.data === 'object' ? res.data : {};
  const errs = Array.isArray(p.errors) ? p.errors : [];
  const slug = problemSlug(res);
  box.append(h('strong', null, title || problemTitle(res)));
  if (errs.length > 1) box.append(h('span', null, ' (' + t('n_problems', { n: errs.length }) + ')'));
  if (errs.length) box.append(h('ul', null, errs.map(e => h('li', { 'data-path': e.path || '' },
    h('span', { class: 'fpath' }, fieldLabel(e.path)), ': ', errorText(e, slug)))));
}

/* Mark each field the errors name, with its message right after it; the
 * first one is returned (to be focused). */
function markInvalid(errors, slug) {
  for (const el of $$('.invalid')) { el.classList.remove('invalid'); el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); }
  for (const el of $$('.field-error')) el.remove();
  let first = null, n = 0;
  for (const e of errors || []) {
    const el = fieldFor(e.path);
    if (!el) continue;
    const id = 'ferr-' + (n++);
    el.classList.add('invalid');
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', id);
    el.insertAdjacentElement('afterend', h('span', { class: 'field-error', id, role: 'note' }, errorText(e, slug)));
    first = first || el;
  }
  return first;
}
