/* dates.js: date fields the user reads in their own format. A native
 * <input type=date> shows the BROWSER's format (mm/dd/yyyy in an English
 * Chromium, whatever the page's language), so every date field of the page
 * is a text field showing gg/mm/aaaa in Italian (yyyy-mm-dd in English)
 * whose `value`, for the page's code, stays ISO (yyyy-mm-dd): the field's
 * own `value` property is wrapped. Typed as gg/mm/aaaa, g/m/aaaa or ISO; the
 * `min`/`max` attributes (ISO) are kept and checked here, with the message
 * in the page's language, so the browser blocks the form as it did. A text
 * that is not a date is sent as typed (the server refuses it, naming the
 * field). app.js's h() passes every new date input here; the page's own
 * are converted when this file loads (right after app.js). */
'use strict';

Object.assign(WORDS.it, {
  d_placeholder: 'gg/mm/aaaa', d_bad: 'Data nel formato gg/mm/aaaa', d_min: 'Non prima del {d}', d_max: 'Non dopo il {d}'
});
Object.assign(WORDS.en, {
  d_placeholder: 'yyyy-mm-dd', d_bad: 'A date as yyyy-mm-dd or dd/mm/yyyy', d_min: 'Not before {d}', d_max: 'Not after {d}'
});

const NATIVE_VALUE = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');

/* ISO of a typed date (gg/mm/aaaa, g/m/aaaa, gg-mm-aaaa, gg.mm.aaaa or
 * ISO), or null when it is not a real calendar date. */
function parseDateText(s) {
  s = String(s || '').trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s), y, mo, d;
  if (m) [y, mo, d] = [m[1], m[2], m[3]];
  else if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s))) [d, mo, y] = [m[1], m[2], m[3]];
  else return null;
  const iso = y + '-' + String(mo).padStart(2, '0') + '-' + String(d).padStart(2, '0');
  const dt = new Date(iso + 'T12:00:00Z');
  return !isNaN(dt) && dt.toISOString().slice(0, 10) === iso ? iso : null;
}

function dateCheck(el) {
  const raw = NATIVE_VALUE.get.call(el).trim();
  const iso = raw ? parseDateText(raw) : '';
  const min = el.getAttribute('min'), max = el.getAttribute('max');
  el.setCustomValidity(iso === null ? t('d_bad')
    : iso && min && iso < min ? t('d_min', { d: fmtDate(min) })
    : iso && max && iso > max ? t('d_max', { d: fmtDate(max) }) : '');
}

function mmDateField(el) {
  if (el.dataset.dateField) return el;
  const initial = NATIVE_VALUE.get.call(el);
  el.type = 'text';
  el.dataset.dateField = '1';
  el.inputMode = 'numeric';
  el.autocomplete = 'off';
  el.placeholder = t('d_placeholder');
  Object.defineProperty(el, 'value', {
    configurable: true,
    get() { const raw = NATIVE_VALUE.get.call(this); const iso = parseDateText(raw); return iso || raw.trim(); },
    set(v) { const iso = parseDateText(v); NATIVE_VALUE.set.call(this, iso ? fmtDate(iso) : (v || '')); dateCheck(this); }
  });
  el.value = initial;
  el.addEventListener('input', () => dateCheck(el));
  /* left, the text is shown in the user's format */
  el.addEventListener('change', () => { const iso = parseDateText(NATIVE_VALUE.get.call(el)); if (iso) NATIVE_VALUE.set.call(el, fmtDate(iso)); dateCheck(el); });
  new MutationObserver(() => dateCheck(el)).observe(el, { attributes: true, attributeFilter: ['min', 'max'] });
  return el;
}

/* After a language switch: the same dates, shown in the new format. */
function mmDatesRelabel() {
  for (const el of $$('input[data-date-field]')) {
    const v = el.value;
    el.placeholder = t('d_placeholder');
    el.value = v;
  }
}

for (const el of $$('input[type=date]')) mmDateField(el);
