/* board.js: the referral board (one column per state of the pathway, a
 * hub moves a card), a new referral, and «Invia all'hub» from an eligible
 * or undecided CAR-T or bispecific option of an evaluation: the referral
 * opens with the patient's pseudonym, the product and the evaluation (date,
 * kb version, jurisdiction, verdict) in its first event's note; it is sent
 * with the spoke's token. The referral id is issued by the server and the
 * page shows its answer (a hub may still type an unused id). Loaded after
 * app.js, problems.js. */
'use strict';

Object.assign(WORDS.it, {
  board: 'Invii per stato', filter_center: 'Centro inviante', only_nonempty: 'solo stati con invii',
  new_referral: 'Nuovo invio', new_state: 'Nuovo stato', reason: 'Motivo', note: 'Nota (mai il nome del paziente)',
  move: 'Sposta', referral_id: 'Id invio (facoltativo)', from_center: 'Da centro', to_center: 'A centro (hub)', target: 'Prodotto',
  create: 'Invia', analyst_board: 'Un token «analista» vede solo il funnel e lo screening.', n_referrals: '{n} invii',
  move_title: 'Sposta {id}', current: 'Stato attuale: {s} dal {d}', moved: '{id} spostato in «{s}».',
  created: 'Invio {id} creato.', no_moves: 'Nessuna mossa possibile da questo stato.', history: 'Storia ({n} eventi)',
  changes: 'Modifiche (chi e quando)', created_by: 'creato', send_hub: "Invia all'hub", send_title: "Invio all'hub: {x}",
  attached: 'Valutazione allegata', eval_note: 'Valutazione mmpath del {d} (base di conoscenza {v}, {j}): {o} {s}.',
  eval_card: 'Valutazione del {d} (base {v}, {j}): {s}',
  spoke_only: "Per inviare serve il token del centro (ruolo spoke o hub): vedi «Accesso».", referral_id_hint: "Se vuoto, lo assegna il server (quando lo consente)."
});
Object.assign(WORDS.en, {
  board: 'Referrals by state', filter_center: 'Referring centre', only_nonempty: 'only states with referrals',
  new_referral: 'New referral', new_state: 'New state', reason: 'Reason', note: 'Note (never the patient name)',
  move: 'Move', referral_id: 'Referral id (optional)', from_center: 'From centre', to_center: 'To centre (hub)', target: 'Product',
  create: 'Send', analyst_board: 'An "analyst" token sees the funnel and screening only.', n_referrals: '{n} referrals',
  move_title: 'Move {id}', current: 'Current state: {s} since {d}', moved: '{id} moved to "{s}".',
  created: 'Referral {id} created.', no_moves: 'No move is possible from this state.', history: 'History ({n} events)',
  changes: 'Changes (who and when)', created_by: 'created', send_hub: 'Send to the hub', send_title: 'Referral to the hub: {x}',
  attached: 'Evaluation attached', eval_note: 'mmpath evaluation of {d} (knowledge base {v}, {j}): {o} {s}.',
  eval_card: 'Evaluation of {d} (kb {v}, {j}): {s}',
  spoke_only: 'Sending needs the centre token (spoke or hub role): see "Access".', referral_id_hint: 'If empty, the server assigns it (when it allows).'
});

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
  // the list is paged (docs/http-api.md): the board shows every referral, so
  // it follows `next` a page of 1000 at a time
  const base = '/api/v1/referrals?limit=1000' + (from ? '&from_center=' + encodeURIComponent(from) : '');
  let refs = [], after = null, res;
  do {
    res = await api('GET', base + (after ? '&after=' + encodeURIComponent(after) : ''));
    if (!res.ok) {
      $('#board').replaceChildren();
      msg.textContent = res.status === 403 && state.me && state.me.role === 'analyst' ? t('analyst_board') : problemText(res);
      return;
    }
    refs = refs.concat(res.data.referrals || []);
    after = res.data.next;
  } while (after);
  state.referrals = refs;
  msg.textContent = t('n_referrals', { n: refs.length });
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
      const target = state.vocab.targets.find(x => x.id === r.target);
      col.append(h('article', { class: 'ref', 'data-referral': r.id },
        h('div', { class: 'id' }, r.id),
        h('div', { class: 'meta' }, r.patient + ' · ' + r.from_center + ' → ' + r.to_center),
        h('div', { class: 'meta' }, (target ? target.label : r.target) + ' · ' + fmtDate(r.updated || '')),
        reason ? h('div', { class: 'meta' }, t('reason') + ': ' + reason.label) : null,
        last.note ? h('div', { class: 'meta' }, last.note) : null,
        evalLine(r),
        h('details', { class: 'history', ontoggle: ev => loadAudit(ev.target, r.id) },
          h('summary', null, t('history', { n: r.events.length })),
          h('ol', null, r.events.map(e => {
            const why = e.reason && state.vocab.reasons.find(x => x.id === e.reason);
            /* a record (kind) in words with what it says; a move by its state */
            return h('li', null, fmtDate(e.date) + ' — ' + (e.kind && typeof pwEventText === 'function' ? pwEventText(e, r) : stateLabel(e.state)) +
              (why ? ' (' + why.label + ')' : '') + (e.note ? ': ' + e.note : ''));
          }))),
        canMove ? h('button', { type: 'button', class: 'small', onclick: () => openMove(r) }, t('move') + ' ' + r.id) : null,
        typeof mmPathwayCard === 'function' ? mmPathwayCard(r) : null));
    }
    board.append(col);
  }
}

/* The evaluation the referral was sent with (its "evaluation" record). */
function evalLine(r) {
  const e = (r.events || []).find(x => x.kind === 'evaluation');
  const d = e && e.data;
  if (!d) return null;
  return h('div', { class: 'meta eval', 'data-evaluation': d.option },
    t('eval_card', { d: fmtDate(d.date), v: d.kb_version, j: t('juris_' + d.jurisdiction), s: t('st_' + d.verdict) }));
}

/* Who made each change through the API (the server's audit log). */
async function loadAudit(details, id) {
  if (!details.open || details.dataset.audit) return;
  details.dataset.audit = '1';
  const res = await api('GET', '/api/v1/referrals/' + encodeURIComponent(id));
  if (!res.ok || !Array.isArray(res.data.audit) || !res.data.audit.length) return;
  details.append(h('div', { class: 'audit' }, h('strong', null, t('changes')),
    h('ul', null, res.data.audit.map(a => h('li', null,
      fmtDate(a.at) + ' ' + String(a.at).slice(11, 16) + ' UTC — ' + (a.center || '?') + ' (' + t('role_' + (a.role || 'hub')) + '): ' +
      (a.event ? stateLabel(a.event.state) : t('created_by')))))));
}

let moving = null;
function openMove(r) {
  moving = r;
  const last = r.events[r.events.length - 1];
  $('#move-title').textContent = t('move_title', { id: r.id });
  $('#move-current').textContent = t('current', { s: stateLabel(last.state), d: fmtDate(last.date) });
  const target = state.vocab.targets.find(x => x.id === r.target);
  const st = state.vocab.states.find(x => x.id === last.state);
  const next = st ? (target && target.bispecific ? st.next_bispecific : st.next) : [];
  $('#move-state').replaceChildren(...next.map(id => h('option', { value: id }, stateLabel(id))));
  $('#move-ok').disabled = !next.length;
  if (!next.length) $('#move-current').textContent += ' — ' + t('no_moves');
  $('#move-reason').replaceChildren(h('option', { value: '' }, ''),
    ...state.vocab.reasons.map(x => h('option', { value: x.id }, x.label)));
  $('#move-date').value = today() < last.date ? last.date : today();
  $('#move-note').value = '';
  $('#move-errors').hidden = true;
  updateReason();
  $('#move-dialog').showModal();
  $('#move-state').focus();
  if (typeof mmPathwayMove === 'function') mmPathwayMove(r); /* pathway.js: the server's choices */
}
function updateReason() {
  const s = state.vocab && state.vocab.states.find(x => x.id === $('#move-state').value);
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

/* ---------- a new referral, blank or from an evaluation ---------- */
let newEvaluation = null;
async function openNew(prefill) {
  if (!state.vocab) await loadVocab();
  if (!state.vocab) return;
  prefill = prefill || {};
  $('#n-target').replaceChildren(...state.vocab.targets.map(x => h('option', { value: x.id }, x.label)));
  if (prefill.target) $('#n-target').value = prefill.target;
  $('#n-date').value = today();
  $('#n-patient').value = prefill.patient || $('#n-patient').value;
  $('#n-id').value = ''; /* the server issues the id (FE-ONC-2026-0007) */
  if (state.me && state.me.center) {
    if (state.me.role === 'spoke') $('#n-from').value = state.me.center;
    else if (!$('#n-from').value) $('#n-from').value = state.me.center;
  }
  $('#new-title').textContent = prefill.title || t('new_referral');
  /* the evaluation goes as the request's `evaluation` (stored as the
   * referral's first record), shown here in words; the note stays free */
  $('#n-note').value = '';
  newEvaluation = prefill.evaluation || null;
  $('#n-eval').textContent = prefill.evalText || '';
  $('#n-attached').hidden = !newEvaluation;
  $('#new-errors').hidden = true;
  $('#new-dialog').showModal();
  $('#n-patient').focus();
}
async function submitNew(e) {
  e.preventDefault();
  const ev = { date: $('#n-date').value, state: 'referred' };
  if ($('#n-note').value.trim()) ev.note = $('#n-note').value.trim().slice(0, 500);
  const body = {
    schema: 'mmpath/referral@1', patient: $('#n-patient').value.trim(),
    from_center: $('#n-from').value.trim(), to_center: $('#n-to').value.trim(), target: $('#n-target').value, events: [ev]
  };
  if ($('#n-id').value.trim()) body.id = $('#n-id').value.trim();
  if (newEvaluation) body.evaluation = newEvaluation;
  const res = await api('POST', '/api/v1/referrals', body);
  if (!res.ok) { problemBox($('#new-errors'), res); markDialogErrors(res); return; }
  $('#new-dialog').close();
  const id = (res.data && res.data.id) || body.id || '';
  say(t('created', { id }));
  if (($('.tabs [aria-selected=true]') || {}).dataset.view === 'board') loadBoard();
}
/* The dialog's fields named by the refusal, marked with their message. */
function markDialogErrors(res) {
  const map = { 'body.id': '#n-id', 'body.patient': '#n-patient', 'body.from_center': '#n-from', 'body.to_center': '#n-to',
    'body.target': '#n-target', 'body.events[0].date': '#n-date', 'body.events[0].note': '#n-note' };
  for (const el of $$('#new-form .invalid')) { el.classList.remove('invalid'); el.removeAttribute('aria-invalid'); }
  for (const x of $$('#new-form .field-error')) x.remove();
  for (const e of (res.data && res.data.errors) || []) {
    const el = map[e.path] && $(map[e.path]);
    if (!el) continue;
    el.classList.add('invalid');
    el.setAttribute('aria-invalid', 'true');
    el.insertAdjacentElement('afterend', h('span', { class: 'field-error' }, errorText(e, problemSlug(res))));
  }
}

/* «Invia all'hub» on a CAR-T or bispecific option that is eligible or
 * undecided, when the pathway knows the product (referral vocabulary). */
function sendButton(o) {
  if (!(o.group === 'car_t' || o.group === 'bispecific') || !(o.status === 'eligible' || o.status === 'unknown')) return null;
  if (state.vocabTargets && !state.vocabTargets.includes(o.id)) return null;
  return h('button', { type: 'button', class: 'small send no-print', 'data-send': o.id,
    onclick: () => sendToHub(o) }, t('send_hub'));
}
async function sendToHub(o) {
  const r = state.lastResult;
  if (!state.token || !(state.me && (state.me.role === 'spoke' || state.me.role === 'hub'))) { say(t('spoke_only')); return; }
  const evalText = r ? t('eval_note', { d: fmtDate(r.as_of), v: (r.knowledge_base || {}).version || '?',
    j: t('juris_' + r.jurisdiction), o: optionTitle(o), s: t('st_' + o.status) }) : '';
  const evaluation = r ? { date: r.as_of, kb_version: (r.knowledge_base || {}).version, jurisdiction: r.jurisdiction,
    option: o.id, verdict: o.status } : null;
  await openNew({ patient: r ? r.patient : '', target: o.id, evaluation, evalText, title: t('send_title', { x: optionTitle(o) }) });
}

function setupBoard() {
  $('#board-refresh').addEventListener('click', loadBoard);
  $('#board-filter').addEventListener('change', loadBoard);
  $('#board-nonempty').addEventListener('change', renderBoard);
  $('#move-form').addEventListener('submit', submitMove);
  $('#move-state').addEventListener('change', updateReason);
  $('#move-cancel').addEventListener('click', () => $('#move-dialog').close());
  $('#new-referral').addEventListener('click', () => openNew());
  $('#new-form').addEventListener('submit', submitNew);
  $('#new-cancel').addEventListener('click', () => $('#new-dialog').close());
  if (typeof mmPathwaySetup === 'function') mmPathwaySetup();
  /* which products the pathway takes (for the send button) */
  api('GET', '/api/v1/referral-vocabulary?lang=' + state.lang).then(res => {
    if (res.ok) state.vocabTargets = res.data.targets.map(x => x.id);
  });
}
