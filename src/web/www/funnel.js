/* funnel.js: the referral funnel (GET /api/v1/funnel) as figures and the
 * server's SVG chart, with its filters (hub, referring centre, dates). The
 * form never submits to the server as a page: the filters go to the API and
 * the figures shown are the API's for those filters. Loaded after app.js. */
'use strict';

Object.assign(WORDS.it, {
  funnel: 'Funnel degli invii', since: 'Dal', until: 'Al', total: 'Totale', positive: 'Valutati idonei',
  negative: 'Valutati non idonei', med_ref_aph: 'Mediana invio → aferesi (giorni)', med_aph_inf: 'Mediana aferesi → infusione (giorni)',
  chart_alt: 'Grafico del funnel degli invii', spoke_funnel: 'Un token «spoke» conta solo gli invii del proprio centro.',
  filters_shown: 'Filtri: {f}', no_filters: 'nessun filtro', after_inf: 'Dopo l\'infusione (su {n} infusi)',
  fu_infused: 'Infusi', fu_crs3: 'CRS di grado ≥ 3 (ASTCT)', fu_icans: 'ICANS (qualsiasi grado)', fu_d100: 'Risposta al giorno 100 registrata',
  fu_d100_pr: 'Giorno 100: risposta parziale o migliore', fu_not_known: 'non noti: {n}'
});
Object.assign(WORDS.en, {
  funnel: 'Referral funnel', since: 'Since', until: 'Until', total: 'Total', positive: 'Evaluated eligible',
  negative: 'Evaluated not eligible', med_ref_aph: 'Median referral → apheresis (days)', med_aph_inf: 'Median apheresis → infusion (days)',
  chart_alt: 'Referral funnel chart', spoke_funnel: 'A "spoke" token counts only its own centre\'s referrals.',
  filters_shown: 'Filters: {f}', no_filters: 'none', after_inf: 'After infusion (of {n} infused)',
  fu_infused: 'Infused', fu_crs3: 'CRS grade ≥ 3 (ASTCT)', fu_icans: 'ICANS (any grade)', fu_d100: 'Day-100 response recorded',
  fu_d100_pr: 'Day 100: partial response or better', fu_not_known: 'not known: {n}'
});

const FUNNEL_FILTERS = [['#fu-to', 'to_center', 'to_center'], ['#fu-from', 'from_center', 'from_center'],
  ['#fu-since', 'since', 'since'], ['#fu-until', 'until', 'until']];
let funnelSeq = 0;
async function loadFunnel(e) {
  if (e) e.preventDefault();
  const seq = ++funnelSeq;
  const msg = $('#funnel-msg');
  msg.textContent = '';
  $('#funnel-summary').replaceChildren();
  $('#funnel-chart').replaceChildren();
  if (!state.token) { msg.textContent = t('no_token'); return; }
  const q = new URLSearchParams({ lang: state.lang });
  const shown = [];
  for (const [id, k, label] of FUNNEL_FILTERS) {
    const v = $(id).value.trim();
    if (v) { q.set(k, v); shown.push(t(label) + ' ' + (k === 'since' || k === 'until' ? fmtDate(v) : v)); }
  }
  const res = await api('GET', '/api/v1/funnel?' + q + '&format=json');
  if (seq !== funnelSeq) return;
  if (!res.ok) {
    msg.textContent = res.status === 403 && state.me && state.me.role === 'spoke' ? t('spoke_funnel') : problemText(res);
    const first = markFunnelErrors(res);
    if (first) first.focus();
    return;
  }
  markFunnelErrors(null);
  const f = res.data, g = f.groups || {}, m = f.median_days || {};
  const tile = (key, label, v) => h('div', { 'data-figure': key }, h('b', null, v === null || v === undefined ? '—' : String(v)), label);
  msg.textContent = t('filters_shown', { f: shown.join(', ') || t('no_filters') });
  $('#funnel-summary').replaceChildren(h('div', { class: 'summary' },
    tile('total', t('total'), f.total),
    tile('positive', t('positive'), g.evaluated_positive ? g.evaluated_positive.n + ' (' + g.evaluated_positive.pct + '%)' : null),
    tile('negative', t('negative'), g.evaluated_negative ? g.evaluated_negative.n + ' (' + g.evaluated_negative.pct + '%)' : null),
    tile('ref_aph', t('med_ref_aph'), m.referral_to_apheresis), tile('aph_inf', t('med_aph_inf'), m.apheresis_to_infusion)));
  /* the after-infusion stages, the API's figures (percent of the infused) */
  const a = f.after_infusion;
  if (a) {
    const c = (x, unk) => x ? x.n + ' (' + x.pct + '%)' + (unk && unk.n ? ' · ' + t('fu_not_known', { n: unk.n }) : '') : null;
    $('#funnel-summary').append(h('h3', null, t('after_inf', { n: a.base })), h('div', { class: 'summary', 'data-stage': 'after_infusion' },
      tile('infused', t('fu_infused'), a.infused ? a.infused.n : null),
      tile('crs_grade3plus', t('fu_crs3'), c(a.crs_grade3plus, a.crs_not_known)),
      tile('icans', t('fu_icans'), c(a.icans, a.icans_not_known)),
      tile('day100_response', t('fu_d100'), c(a.day100_response)),
      tile('day100_pr_or_better', t('fu_d100_pr'), c(a.day100_pr_or_better))));
  }
  const svg = await api('GET', '/api/v1/funnel?' + q + '&format=svg');
  if (seq !== funnelSeq) return;
  if (svg.ok && typeof svg.data === 'string') {
    /* as an image: the chart's own styles stay inside it */
    const data = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(svg.data)));
    $('#funnel-chart').replaceChildren(h('img', { src: data, alt: t('chart_alt') }));
  }
}
function markFunnelErrors(res) {
  for (const el of $$('#funnel-form .invalid')) { el.classList.remove('invalid'); el.removeAttribute('aria-invalid'); }
  for (const x of $$('#funnel-form .field-error')) x.remove();
  let first = null;
  for (const e of (res && res.data && res.data.errors) || []) {
    const f = FUNNEL_FILTERS.find(x => 'query.' + x[1] === e.path);
    if (!f) continue;
    const el = $(f[0]);
    el.classList.add('invalid');
    el.setAttribute('aria-invalid', 'true');
    el.insertAdjacentElement('afterend', h('span', { class: 'field-error' }, errorText(e, problemSlug(res))));
    first = first || el;
  }
  return first;
}
function setupFunnel() {
  $('#funnel-form').addEventListener('submit', loadFunnel);
}
