/* app.js: the core of the mmpath web page. Plain JavaScript, no build step,
 * no external request: it talks only to this server's /api/v1
 * (docs/http-api.md). Here: the page's own words (it, en), the helpers
 * every module uses (h, t, api, dates), the tabs and the start. The views
 * live in their modules, loaded after this file (index.html): form.js and
 * pickers.js (the patient), result.js, summary.js, options.js,
 * supportive.js, values.js (the evaluation), problems.js (server errors in
 * the page's language), board.js (referrals), funnel.js, screening.js,
 * dates.js (date fields in the user's format), records.js and pathway.js.
 * Italian by default, English on the switch; every element is a real
 * button, link or form control, so the page works from the keyboard.
 * Nothing of a patient is stored in the browser: only the language and the
 * API token are (localStorage). */
'use strict';

/* ---------- words ---------- */
const WORDS = {
  it: {
    skip: 'Vai al contenuto', tagline: 'supporto decisionale per il mieloma multiplo', sections: 'Sezioni',
    tab_eval: 'Valutazione', tab_board: 'Invii CAR-T', tab_funnel: 'Funnel', tab_screen: 'Screening registro',
    tab_access: 'Accesso', language: 'Lingua', yes: 'sì', no: 'no', unknown: 'non noto',
    date: 'Data', error: 'Errore', cancel: 'Annulla', refresh: 'Aggiorna', show: 'Mostra', api: 'API',
    no_token: 'Serve un token: vedi «Accesso».', access: 'Accesso', token: 'Token API', save: 'Salva',
    forget: 'Dimentica', saved: 'Token salvato.', forgotten: 'Token dimenticato.', who: 'Centro {c}, ruolo {r}.',
    anonymous: 'Nessun token: solo valutazione (se il server lo consente).',
    token_hint: 'Il token del centro (mmpath token new --center C --role hub|spoke|analyst) resta in questo browser; i dati dei pazienti no.',
    role_hub: 'hub', role_spoke: 'spoke', role_analyst: 'analista', example_n: 'Esempio {n} ({id})', network: 'Il server non risponde: riprovare.'
  },
  en: {
    skip: 'Skip to content', tagline: 'multiple-myeloma decision support', sections: 'Sections',
    tab_eval: 'Evaluation', tab_board: 'CAR-T referrals', tab_funnel: 'Funnel', tab_screen: 'Registry screening',
    tab_access: 'Access', language: 'Language', yes: 'yes', no: 'no', unknown: 'unknown',
    date: 'Date', error: 'Error', cancel: 'Cancel', refresh: 'Refresh', show: 'Show', api: 'API',
    no_token: 'A token is needed: see "Access".', access: 'Access', token: 'API token', save: 'Save',
    forget: 'Forget', saved: 'Token saved.', forgotten: 'Token forgotten.', who: 'Centre {c}, role {r}.',
    anonymous: 'No token: evaluation only (if the server allows it).',
    token_hint: 'Your centre token (mmpath token new --center C --role hub|spoke|analyst) stays in this browser; patient data does not.',
    role_hub: 'hub', role_spoke: 'spoke', role_analyst: 'analyst', example_n: 'Example {n} ({id})', network: 'The server does not answer: try again.'
  }
};

const state = {
  lang: localStorage.getItem('mmpath.lang') || 'it',
  token: localStorage.getItem('mmpath.token') || '',
  me: null, vocab: null, referrals: [], lastRecord: null, lastResult: null, examples: {}, health: null
};

/* ---------- small helpers ---------- */
const $ = (sel, root) => (root || document).querySelector(sel);
const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
function t(key, vars) {
  let s = (WORDS[state.lang] && WORDS[state.lang][key]);
  if (s === undefined) s = WORDS.en[key];
  if (s === undefined) s = key;
  if (vars) for (const k of Object.keys(vars)) s = s.split('{' + k + '}').join(vars[k]);
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
  /* a date field shows the user's format, its value stays ISO (dates.js) */
  if (tag === 'input' && attrs && attrs.type === 'date' && typeof mmDateField === 'function') mmDateField(el);
  return el;
}
function today() {
  const d = new Date();
  return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
}
/* A date as the user reads it: dd/mm/yyyy in Italian, ISO in English. */
function fmtDate(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso));
  if (!m) return String(iso);
  return state.lang === 'it' ? m[3] + '/' + m[2] + '/' + m[1] : m[0];
}
/* The server's clinical texts carry ISO dates: shown in the user's format. */
function fmtText(s) {
  if (s === null || s === undefined) return '';
  s = String(s);
  return state.lang === 'it' ? s.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, '$3/$2/$1') : s;
}
function say(msg) { $('#status').textContent = msg || ''; }

async function api(method, path, body, extra) {
  const headers = { Accept: 'application/json' };
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  if (body !== undefined) headers['Content-Type'] = (extra && extra.type) || 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method, headers, signal: extra && extra.signal,
      body: body === undefined ? undefined : (typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body))
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    return { ok: false, status: 0, type: '', data: { code: 'network' } };
  }
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  return { ok: res.ok, status: res.status, type, data };
}

/* ---------- language and tabs ---------- */
const VIEWS = ['eval', 'board', 'funnel', 'screen', 'access'];
function applyLang() {
  document.documentElement.lang = state.lang;
  $('#lang').value = state.lang;
  for (const el of $$('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of $$('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const el of $$('[data-i18n-ph]')) el.setAttribute('placeholder', t(el.dataset.i18nPh));
  fillTriSelects();
  if (typeof mmDatesRelabel === 'function') mmDatesRelabel();
  for (const o of $$('#example option')) o.textContent = t('example_n', { n: o.dataset.i18nExample, id: (state.examples[o.value] || {}).id || '?' });
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
  if (location.hash.slice(1) !== name) history.replaceState(null, '', location.pathname + '#' + name);
  if (name === 'board') loadBoard(); // board.js
  if (name === 'funnel') loadFunnel(); // funnel.js
  if (name === 'screen') showScreening(); // screening.js
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

/* ---------- access ---------- */
async function showWho() {
  const res = await api('GET', '/api/v1/me');
  state.me = res.ok ? res.data : null;
  const who = $('#whoami');
  if (res.ok && res.data.role) who.textContent = t('who', { c: res.data.center, r: t('role_' + res.data.role) });
  else if (res.ok) who.textContent = t('anonymous');
  else who.textContent = problemText(res); // problems.js
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
  setupForm(); // form.js
  setupBoard(); // board.js
  setupFunnel(); // funnel.js
  setupScreening(); // screening.js
  setupAccess();
  $('#lang').addEventListener('change', async () => {
    state.lang = $('#lang').value;
    localStorage.setItem('mmpath.lang', state.lang);
    applyLang();
    state.vocab = null;
    await loadKbVocab(); // pickers.js
    relabelForm(); // form.js
    const view = ($('.tabs [aria-selected=true]') || {}).dataset.view;
    if (view === 'eval' && state.lastResult) evaluate();
    else if (view) showView(view);
  });
  applyLang();
  await loadKbVocab();
  initForm(); // form.js
  const ex = await api('GET', '/api/v1/examples');
  if (ex.ok && Array.isArray(ex.data.examples))
    for (const e of ex.data.examples) {
      state.examples[e.name] = e.record;
      $('#example').append(h('option', { value: e.name, 'data-i18n-example': String($('#example').options.length + 1) },
        t('example_n', { n: $('#example').options.length + 1, id: e.record.id || '?' })));
    }
  const health = await api('GET', '/api/v1/health');
  if (health.ok) {
    state.health = health.data;
    $('#kbver').textContent = 'mmpath ' + health.data.version + ' · kb ' + (health.data.kb || '?');
  }
  await showWho();
  const fromHash = () => {
    const view = location.hash.slice(1);
    showView(VIEWS.includes(view) ? view : 'eval');
  };
  window.addEventListener('hashchange', fromHash);
  fromHash();
}
document.addEventListener('DOMContentLoaded', start);
