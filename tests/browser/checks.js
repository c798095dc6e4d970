// checks.js: checks the browser test runs in several states of the page:
// English words of mmpath's own on the Italian page, labels, contrast,
// PDF page count, screenshots.
'use strict';
const fs = require('fs');
const path = require('path');

// Words and phrases the page or the server would show if a string escaped
// translation (the page's English words, the server's English problem
// titles and messages, raw values). Matched as whole words in the VISIBLE
// text (innerText) of the Italian page. Drug INNs and trial names are
// international and are not listed.
const ENGLISH = ['Evaluate', 'Evaluation', 'Print', 'Summary', 'Error', 'Patient', 'Referral', 'Referrals',
  'Token required', 'Invalid token', 'Move refused', 'Request body too large', 'Not found', 'Not allowed',
  'Invalid', 'invalid', 'problem in the record', 'problems in the record', 'out of range', 'did you mean',
  'is not one of', 'not a valid date', 'eligible', 'not eligible', 'cannot be decided', 'unknown', 'true', 'false',
  'null', 'whether the trial', 'registry status', 'is enrolling', 'Cannot', 'Missing', 'missing input',
  'Choose File', 'No file chosen', 'Load example', 'Show JSON', 'Lines of therapy', 'Best response', 'Stop reason',
  'Derived facts', 'Supportive care', 'Clinical trials', 'Warnings', 'Source', 'Evidence', 'years', 'months',
  'second relapse', 'first relapse', 'newly diagnosed', 'relapsed', 'progressing', 'refractory to', 'exposed to',
  'Skip to content', 'Language', 'Access', 'Refresh', 'Cancel', 'Send to the hub', 'Registry', 'Records',
  'Download', 'Centre', 'Criterion', 'Running', 'Done', 'Stopped', 'yes', 'heart_failure', 'second_relapse_or_later',
  'relapsed_progressing', 'first_relapse', 'patient_choice', 'Server busy', 'Internal error', 'Unsupported media type',
  // the board's pathway dialogs, record forms, letter UI and funnel stages (pathway.js, records.js, funnel.js)
  'Records and letter', 'Kind', 'Letter', 'bridging therapy', 'lymphodepletion', 'product and lot', 'visit',
  'CRS episode', 'ICANS episode', 'dates allowed', 'Nothing can be recorded now', 'alive', 'dead', 'lost to follow-up',
  'not recorded', 'Fever', 'Hypotension', 'Hypoxia', 'Consciousness', 'Seizures', 'Resolution', 'Day', 'Add', 'Remove',
  'Corticosteroids', 'Tocilizumab doses', 'Patient status', 'Infections', 'Labs for the IMWG response', 'Advanced',
  'After infusion', 'Infused', 'not known', 'Day-100 response', 'partial response or better', 'Filters', 'Total',
  'Or a file already on the server', 'Choose the file', 'none', 'low-flow', 'unscheduled', 'bacterial', 'viral',
  'Not before', 'Not after', 'yyyy-mm-dd', 'mm/dd/yyyy'];

async function englishOnPage(page) {
  /* quotations marked lang="en" (kb sources, label wording, references) are not the page's own words */
  let text = await page.locator('body').innerText();
  for (const q of await page.locator('[lang=en]:visible').allInnerTexts()) text = text.replace(q, ' ');
  const found = [];
  for (const w of ENGLISH) {
    const re = new RegExp('(^|[^A-Za-zÀ-ÿ_])' + w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '(?=$|[^A-Za-zÀ-ÿ_])');
    const m = re.exec(text);
    if (m) found.push(w + ' «…' + text.slice(Math.max(0, m.index - 30), m.index + w.length + 30).replace(/\s+/g, ' ') + '…»');
  }
  return found;
}

// Every visible form control has a name a screen reader reads (a label, or
// aria-label / aria-labelledby).
async function unlabelled(page) {
  return page.locator('input:visible, select:visible, textarea:visible').evaluateAll(els => els.filter(el => {
    if (el.type === 'hidden') return false;
    if (el.labels && el.labels.length && el.labels[0].textContent.trim()) return false;
    if ((el.getAttribute('aria-label') || '').trim()) return false;
    if (el.getAttribute('aria-labelledby')) return false;
    return true;
  }).map(el => el.id || el.name || el.outerHTML.slice(0, 80)));
}

// WCAG 2.1 contrast of text against its (first opaque) background, for the
// elements that carry the answer; returns those under 4.5:1.
async function lowContrast(page, selector) {
  return page.locator(selector).evaluateAll(els => {
    const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
    const lum = c => {
      const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const bg = el => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c;
      }
      return [255, 255, 255];
    };
    const out = [];
    for (const el of els) {
      if (!el.offsetParent || !el.textContent.trim()) continue;
      const fg = rgb(getComputedStyle(el).color), b = bg(el);
      const l1 = lum(fg), l2 = lum(b);
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      if (ratio < 4.5) out.push(el.className + ' ' + ratio.toFixed(2) + ' «' + el.textContent.trim().slice(0, 30) + '»');
    }
    return out;
  });
}

// Pages of a PDF printed by Chromium (each page is one /Type /Page object).
function pdfPages(buf) {
  return (buf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
}

// A screenshot kept for a person to look at (MMPATH_SHOTS), and its size.
async function shot(target, name, dir, opts) {
  const file = path.join(dir, name + '.png');
  await target.screenshot(Object.assign({ path: file }, opts || {}));
  return fs.statSync(file).size;
}

module.exports = { englishOnPage, unlabelled, lowContrast, pdfPages, shot };
