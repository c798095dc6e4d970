/* supportive.js: the supportive-care part of an evaluation on the page
 * (kb/supportive_care.yaml, issue #12), loaded after app.js, whose h() and
 * t() it uses and whose WORDS it extends. */
'use strict';

Object.assign(WORDS.it, {
  st_conditional: 'se si procede', window: 'quando', or: 'o',
  phase_before_during_car_t_or_bispecific: 'Prima e durante CAR-T o bispecifico',
  phase_after_car_t: "Dopo l'infusione di CAR-T", phase_after_bispecific: 'Dopo la sospensione del bispecifico',
  phase_any: 'In terapia o fuori, in base agli esami'
});
Object.assign(WORDS.en, {
  st_conditional: 'if it goes ahead', window: 'when', or: 'or',
  phase_before_during_car_t_or_bispecific: 'Before and during CAR-T or a bispecific',
  phase_after_car_t: 'After a CAR-T infusion', phase_after_bispecific: 'After a bispecific stops',
  phase_any: 'On or off treatment, by laboratory values'
});

/* Supportive care by phase: indicated, conditional on a decision not taken
 * yet ("if CAR-T goes ahead": never shown as indicated), or unknown with the
 * missing inputs; each with its window. */
function renderSupportive(items) {
  const phases = [];
  for (const s of items) {
    const p = s.phase || 'any';
    let g = phases.find(x => x.phase === p);
    if (!g) phases.push(g = { phase: p, items: [] });
    g.items.push(s);
  }
  const item = s => {
    const cond = Array.isArray(s.conditional) && s.conditional.length;
    const st = cond ? 'conditional' : s.status === 'indicated' ? 'eligible' : 'unknown';
    return h('li', { 'data-supportive': s.id, 'data-status': st },
      statusBadge(st), ' ',
      cond ? h('em', null, s.conditional.map(c => c.text).join(' ' + t('or') + ' ') + ': ') : null,
      clinText(s.text || s.id),
      s.window && s.window.text ? h('div', { class: 'src' }, t('window') + ': ' + clinText(s.window.text)) : null,
      s.because ? h('span', { class: 'src' }, ' — ' + clinText(s.because)) : null, // facts.js
      Array.isArray(s.missing) && s.missing.length ? h('div', { class: 'missing' }, t('missing') + ': ' + missingMapped(s.missing)) : null);
  };
  return h('section', { class: 'group', 'data-kind': 'supportive' }, h('h3', null, t('supportive')),
    phases.map(g => h('div', { 'data-phase': g.phase }, h('h4', null, t('phase_' + g.phase)),
      h('ul', null, g.items.map(item)))));
}
