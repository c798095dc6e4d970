/* options.js: the treatment options of an evaluation on the page, in the
 * order a clinician reads them (docs/kb-options.md "Order of the options"),
 * with the refractoriness caution beside a label option and trial
 * exclusions read as exclusions (issue #12). Loaded after app.js, whose h(),
 * t(), mark() and renderOption() it uses and whose WORDS it extends. */
'use strict';

Object.assign(WORDS.it, {
  caution: 'Attenzione', excl_absent: 'assente', excl_present: 'presente', excl_not_known: 'non noto',
  exclusion: 'esclusione', kind1_guideline_regimen: 'linea guida', kind1_overlay: 'opzione più recente in indicazione',
  kind1_approved_therapy: 'terapia approvata',
  tier_recommended: 'Indicato, raccomandato dalla linea guida', tier_allowed: 'Indicato secondo la scheda tecnica',
  tier_caution: 'Indicato, con avvertenza di refrattarietà', tier_unknown: 'Non determinabile: mancano dati',
  tier_not_eligible: 'Non indicato'
});
Object.assign(WORDS.en, {
  caution: 'Caution', excl_absent: 'absent', excl_present: 'present', excl_not_known: 'not known',
  exclusion: 'exclusion', kind1_guideline_regimen: 'guideline', kind1_overlay: 'newer on-label option',
  kind1_approved_therapy: 'approved therapy',
  tier_recommended: 'Eligible, recommended by the guideline', tier_allowed: 'Eligible on the label',
  tier_caution: 'Eligible, with a refractoriness caution', tier_unknown: 'Cannot be decided: data missing',
  tier_not_eligible: 'Not eligible'
});

/* The options come sorted by tier (the server's order): one section per
 * tier, in that order. */
function renderTiers(options) {
  const tiers = [];
  for (const o of options) {
    const last = tiers[tiers.length - 1];
    if (last && last.tier === o.tier) last.options.push(o);
    else tiers.push({ tier: o.tier, options: [o] });
  }
  return tiers.map(g => h('section', { class: 'group', 'data-tier': g.tier || 'unknown' },
    h('h3', null, t('tier_' + (g.tier || 'unknown')) + ' (' + g.options.length + ')'), g.options.map(renderOption)));
}

/* A trial exclusion reads as one: its text, what the record says (the
 * JSON's `excluded`, the exclusion's own rule), then the mark, never the
 * mark beside the exclusion's own text alone: "prior BCMA therapy: absent ✓". */
function renderExclusion(c, value, missing, review) {
  const word = t(c.excluded === false ? 'excl_absent' : c.excluded === true ? 'excl_present' : 'excl_not_known');
  return h('li', { class: 'criterion excl', 'data-excluded': String(c.excluded) }, h('span', null),
    h('div', null, t('exclusion') + ': ' + (c.text || c.id) + ': ', h('strong', null, word), ' ',
      mark(c.result), value, missing, review));
}

/* The refractoriness caution beside a label option: the disease is
 * refractory to what it relies on, and no criterion of it says so already
 * (a relapse regimen's principle criterion does). */
function refractoryCaution(o) {
  const f = o.refractoriness;
  if (!f || f.status !== 'refractory' || (o.criteria || []).some(c => c.principle)) return null;
  return h('p', { class: 'missing', 'data-refractory': (f.drugs || []).map(d => d.drug || d.class).join(',') },
    t('caution') + ': ' + f.text);
}

/* What kind of option it is, now that a tier mixes kinds. */
function kindLabel(o) {
  if (o.kind === 'trial') return null;
  const k = o.kind === 'guideline_regimen' && o.group === 'overlay' ? 'kind1_overlay' : 'kind1_' + o.kind;
  return h('span', { class: 'src' }, t(k));
}
