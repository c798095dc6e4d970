// pathway.test.js: the referral pathway after the spec's moves on the web
// page (issue 14, src/web/www/pathway.js), in Debian's chromium driven by
// playwright-core, like web.test.js. Run by tests/cli/pathway_browser.sh
// with MMPATH_URL (a server on a new database with the demo referrals) and
// MMPATH_HUB. The hub opens a referral dated 200 days ago (the server
// issues its id), moves it to follow-up through the move dialog, records the
// product and the day-100 visit and reads its letter; on demo referral
// D-2026-001 (cilta-cel, infused on 2026-08-18) it records a CRS episode and
// visits, corrects a record, meets a refused future date and refused bad
// records, reads the letter and downloads the registry CSV. Any request to
// another host fails.
'use strict';
const { chromium } = require('playwright-core');
const { englishOnPage, unlabelled, shot } = require('./checks');
const fs = require('fs');
const os = require('os');
const path = require('path');

const BASE = process.env.MMPATH_URL;
const HUB = process.env.MMPATH_HUB;
if (!BASE || !HUB) {
  console.error('pathway.test.js: set MMPATH_URL and MMPATH_HUB');
  process.exit(2);
}
const origin = new URL(BASE).origin;
let checks = 0, fails = 0;
function ok(cond, name, detail) {
  checks++;
  if (cond) console.log('ok   ' + name);
  else { fails++; console.error('FAIL ' + name + (detail ? ': ' + detail : '')); }
}
const iso = d => d.toISOString().slice(0, 10);
const plus = (s, n) => { const d = new Date(s + 'T12:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return iso(d); };
const INFUSED = '2026-08-18';
const SHOTS = process.env.MMPATH_SHOTS || null; /* screenshots for a person to look at */

// A record typed as JSON (the dialog's "avanzato" view), for what the form
// cannot send (an unknown product, a grade given by hand).
async function record(page, kind, date, data) {
  await page.click('[data-pathway="D-2026-001"]');
  await page.waitForSelector('#pw-dialog[open]');
  await page.selectOption('#pw-kind', kind);
  await page.fill('#pw-date', date);
  await page.click('#pw-advanced summary');
  await page.fill('#pw-data', JSON.stringify(data));
  await page.click('#pw-ok');
}
// A record through its form: fill(page) sets the fields.
async function recordForm(page, id, kind, date, fill) {
  await page.click('[data-pathway="' + id + '"]');
  await page.waitForSelector('#pw-dialog[open]');
  await page.selectOption('#pw-kind', kind);
  await page.fill('#pw-date', date);
  await page.dispatchEvent('#pw-date', 'change');
  if (fill) await fill(page);
  await page.click('#pw-ok');
}
const F = p => '#pw-fields [data-path="' + p + '"]';

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mmpath-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'it-IT',
    timeout: 30000
  });
  const external = [];
  await context.route('**/*', route => {
    const u = route.request().url();
    if (u.startsWith(origin) || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    external.push(u);
    return route.abort();
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(10000);
  const consoleErrors = [];
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(String(e)));
  const english = async where => {
    const found = await englishOnPage(page);
    ok(found.length === 0, 'no English string of mmpath on the Italian page: ' + where, found.join(' | '));
  };
  try {
    await page.goto(BASE + '/');
    await page.click('#tab-access');
    await page.fill('#token', HUB);
    await page.click('#token-form button[type=submit]');
    // locator waits, not waitForFunction: its polling evaluates a string in the
    // page, which the page's CSP (no 'unsafe-eval') refuses on a slow machine
    await page.locator('#whoami', { hasText: 'hub' }).waitFor();
    await page.click('#tab-board');
    await page.waitForSelector('[data-pathway="D-2026-001"]');

    // the move dialog: only the server's next states and dates up to today
    await page.click('[data-referral="D-2026-004"] button');
    await page.waitForSelector('#move-dialog[open]');
    await page.locator('#move-date[max]:not([max=""])').waitFor({ state: 'attached' });
    const max = await page.locator('#move-date').getAttribute('max');
    const todayLocal = await page.evaluate(() => document.querySelector('#move-date').max);
    const options = await page.locator('#move-state option').evaluateAll(os => os.map(o => o.value));
    ok(options.join(',') === 'manufacturing_failed,awaiting_infusion,not_infused,died',
      'the move dialog offers the moves the server allows from manufacturing', options.join(','));
    ok(/^\d{4}-\d{2}-\d{2}$/.test(max) && (await page.locator('#move-date').getAttribute('min')) === '2026-10-02',
      'the move date is bounded by the last move (2026-10-02) and today (' + todayLocal + ')');
    // a date after today is refused (the browser blocks it; the server would too)
    await page.selectOption('#move-state', 'awaiting_infusion');
    await page.fill('#move-date', plus(max, 10));
    await page.click('#move-ok');
    ok(await page.locator('#move-date').evaluate(i => !i.validity.valid && /^Non dopo il \d\d\/\d\d\/\d{4}$/.test(i.validationMessage)),
      'a move dated after today is refused, «Non dopo il gg/mm/aaaa»', await page.locator('#move-date').evaluate(i => i.validationMessage));
    ok(await page.locator('#move-dialog').evaluate(d => d.open), 'and nothing was sent: the dialog stays open');
    await english('board with the move dialog');
    await page.click('#move-cancel');

    // ---- a new referral, through the page, from referred to follow-up ----
    // dated in the past (the page allows any date up to today) so that the
    // day-100 visit is not in the future
    const T0 = plus(max, -200);
    await page.click('#new-referral');
    await page.waitForSelector('#new-dialog[open]');
    await page.fill('#n-patient', 'PW-0042');
    await page.fill('#n-from', 'FE-ONC');
    await page.selectOption('#n-target', 'ide-cel');
    await page.fill('#n-date', T0);
    await page.click('#new-form button[type=submit]');
    await page.waitForSelector('#new-dialog', { state: 'hidden' });
    const NEW = await page.evaluate(async () =>
      (await api('GET', '/api/v1/referrals?patient=PW-0042')).data.referrals[0].id);
    ok(/^FE-ONC-\d{4}-0001$/.test(NEW), 'the server issued the new referral\'s id', NEW);
    const steps = [['waitlisted', 2], ['screening', 10], ['eligible', 20], ['apheresis', 30],
      ['manufacturing', 31], ['awaiting_infusion', 80], ['infused', 90], ['follow_up', 91]];
    for (const [s, d] of steps) {
      await page.waitForSelector('[data-referral="' + NEW + '"] button');
      await page.click('[data-referral="' + NEW + '"] button');
      await page.waitForSelector('#move-dialog[open]');
      await page.locator('#move-state option[value="' + s + '"]').waitFor({ state: 'attached' });
      await page.selectOption('#move-state', s);
      await page.fill('#move-date', plus(T0, d));
      await page.click('#move-ok');
      await page.waitForSelector('#move-dialog', { state: 'hidden' });
    }
    const moved = await page.evaluate(async id => (await api('GET', '/api/v1/referrals/' + id)).data, NEW);
    ok(moved.state === 'follow_up' && moved.events.length === 9, 'the page moved it from referred to follow-up', moved.state);
    // product and lot, then the day-100 visit, through their forms
    await recordForm(page, NEW, 'product', plus(T0, 90), async p => {
      ok(await p.locator(F('data.product')).inputValue() === 'ide-cel', 'the product form starts from the referral\'s product');
      await p.fill(F('data.lot'), 'IC-5512');
    });
    await page.waitForSelector('#pw-dialog', { state: 'hidden' });
    await recordForm(page, NEW, 'visit', plus(T0, 190), async p => {
      ok(await p.locator(F('data.visit')).inputValue() === 'd100',
        'the visit form proposes the scheduled visit nearest to the date (day 100 after the infusion, kb/pathway.yaml)');
      const opts = await p.locator(F('data.visit') + ' option').allTextContents();
      ok(opts.includes('Giorno 100') && opts.includes('Mese 12'), 'the schedule comes from the server in Italian', opts.join(','));
      await p.selectOption(F('data.status'), 'alive');
      await p.selectOption(F('data.toxicity_reviewed'), 'true');
      await p.fill(F('data.igg_mg_dl'), '410');
      ok(await unlabelled(p).then(u => u.length === 0), 'every field of the visit form has a label');
      await english('the visit form');
      if (SHOTS) await shot(p.locator('#pw-dialog'), 'record-visit-it', SHOTS);
    });
    await page.waitForSelector('#pw-dialog', { state: 'hidden' });
    const done100 = await page.evaluate(async id => (await api('GET', '/api/v1/referrals/' + id)).data, NEW);
    ok(done100.events.some(e => e.kind === 'visit' && e.data.visit === 'd100'), 'and recorded its day-100 visit');
    await page.click('[data-pathway="' + NEW + '"]');
    await page.waitForSelector('#pw-dialog[open]');
    await page.click('#pw-letter-en');
    await page.waitForSelector('#pw-letter .letter');
    const l2 = await page.locator('#pw-letter .letter').textContent();
    ok(/IC-5512/.test(l2) && /Day 100/.test(l2) && /none \(toxicities reviewed/.test(l2),
      'its English letter: lot, schedule, no CRS (reviewed at a visit from day 28)');
    await page.click('#pw-cancel');

    // records after the infusion of D-2026-001
    await record(page, 'product', INFUSED, { product: 'cilta-cel', lot: 'CB-7781' });
    await page.waitForSelector('#pw-dialog', { state: 'hidden' });
    ok(/registrato/.test(await page.locator('#status').textContent()), 'product and lot recorded');
    // an unknown product: refused naming the field, nothing stored
    await record(page, 'product', INFUSED, { product: 'cilta-cel-x', lot: 'CB-1' });
    await page.waitForSelector('#pw-errors:not([hidden])');
    ok(await page.locator('#pw-errors [data-path="body.data.product"]').count() === 1,
      'an unknown product is refused, naming body.data.product');
    await page.click('#pw-cancel');
    // a CRS grade outside ASTCT
    await record(page, 'crs', plus(INFUSED, 2), { signs: [{ date: plus(INFUSED, 2), fever: true, hypotension: 'none', hypoxia: 'low_flow' }], grade: 7 });
    await page.waitForSelector('#pw-errors:not([hidden])');
    ok(await page.locator('#pw-errors [data-path="body.data.grade"]').count() === 1, 'a CRS grade outside ASTCT is refused');
    await page.click('#pw-cancel');
    // the CRS episode through its form: one day of signs, fever with low-flow
    // oxygen and no hypotension = ASTCT grade 2 (Lee 2019, Table 4)
    await recordForm(page, 'D-2026-001', 'crs', plus(INFUSED, 2), async p => {
      ok(await p.locator('#pw-fields [data-rows=signs] [data-k=date]').first().evaluate(i => i.value) === plus(INFUSED, 2),
        'the first day of signs is the onset date');
      const row = p.locator('#pw-fields [data-rows=signs] .rf-row').first();
      await row.locator('[data-k=fever]').selectOption('true');
      await row.locator('[data-k=hypotension]').selectOption('none');
      await row.locator('[data-k=hypoxia]').selectOption('low_flow');
      await p.fill(F('data.resolution'), plus(INFUSED, 5));
      await p.fill(F('data.tocilizumab_doses'), '1');
      await p.selectOption(F('data.corticosteroids'), 'false');
      const shown = await p.locator('#pw-date').evaluate(i => Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').get.call(i));
      const [y, m, d] = plus(INFUSED, 2).split('-');
      ok(shown === d + '/' + m + '/' + y && await p.locator('#pw-date').evaluate(i => i.value) === plus(INFUSED, 2),
        'the date reads gg/mm/aaaa on the Italian page, the page\'s value ISO', shown);
      await english('the CRS form');
      if (SHOTS) await shot(p.locator('#pw-dialog'), 'record-crs-it', SHOTS);
    });
    await page.waitForSelector('#pw-dialog', { state: 'hidden' });
    ok(/grado ASTCT massimo 2/.test(await page.locator('#status').textContent()),
      'after saving, the page shows the ASTCT grade the server computed (2)', await page.locator('#status').textContent());
    const crs = (await page.evaluate(async () => (await api('GET', '/api/v1/referrals/D-2026-001')).data)).events.filter(e => e.kind === 'crs').pop();
    ok(crs.data.corticosteroids === false && crs.data.signs[0].fever === true && !('fever_masked' in crs.data.signs[0]) && !('anakinra' in crs.data),
      'a sign or drug left at «non rilevato» is not sent (absent is not "no")', JSON.stringify(crs.data));
    await page.locator('[data-referral="D-2026-001"] details.history summary').click();
    const hist = await page.locator('[data-referral="D-2026-001"] details.history li').allTextContents();
    ok(hist.some(x => /episodio CRS · grado ASTCT 2/.test(x)) && hist.some(x => /prodotto e lotto · cilta-cel · CB-7781/.test(x)) &&
       !hist.some(x => /undefined/.test(x)),
      'the card\'s history names each record in words (the CRS episode with its ASTCT grade, the lot)', hist.join(' | '));
    // a visit before the infusion: refused, the date field marked in Italian
    await recordForm(page, 'D-2026-001', 'visit', plus(INFUSED, -3), async p => { await p.selectOption(F('data.visit'), 'd7'); });
    await page.waitForSelector('#pw-errors:not([hidden])');
    ok(await page.locator('#pw-errors [data-path="body.date"]').count() === 1 &&
       await page.locator('#pw-date').getAttribute('aria-invalid') === 'true' &&
       await page.locator('#pw-date + .field-error').count() === 1, 'a visit before the infusion is refused, its date marked');
    // an infection without its date: the row's date field is marked
    await page.fill('#pw-date', plus(INFUSED, 28));
    await page.click('[data-add=infections]');
    await page.locator('#pw-fields [data-rows=infections] [data-k=type]').selectOption('viral');
    await page.click('#pw-ok');
    await page.waitForSelector('#pw-fields [data-rows=infections] [data-k=date][aria-invalid=true]');
    ok(/dato obbligatorio mancante/.test(await page.locator('#pw-fields [data-rows=infections] .field-error').textContent()),
      'an infection without its date is refused, the row\'s date marked «dato obbligatorio mancante»');
    await english('a refused visit');
    if (SHOTS) await shot(page.locator('#pw-dialog'), 'record-refused-it', SHOTS);
    await page.click('#pw-cancel');
    await recordForm(page, 'D-2026-001', 'visit', plus(INFUSED, 28), async p => {
      await p.selectOption(F('data.visit'), 'd28');
      await p.selectOption(F('data.toxicity_reviewed'), 'true');
      await p.fill(F('data.igg_mg_dl'), '320');
    });
    await page.waitForSelector('#pw-dialog', { state: 'hidden' });
    await recordForm(page, 'D-2026-001', 'visit', plus(INFUSED, 100), async p => {
      ok(await p.locator(F('data.visit')).inputValue() === 'd100', 'day 100 proposed for a visit 100 days after the infusion');
      await p.fill(F('data.igg_mg_dl'), '360');
    });
    await page.waitForSelector('#pw-dialog', { state: 'hidden' });
    // a correction: the day-28 visit was on day 27
    const res = await page.evaluate(async () => (await api('GET', '/api/v1/referrals/D-2026-001')).data);
    const seq = res.events.findIndex(e => e.kind === 'visit' && e.data.visit === 'd28');
    await recordForm(page, 'D-2026-001', 'correction', plus(INFUSED, 101), async p => {
      await p.selectOption(F('data.corrects'), String(seq));
      await p.fill(F('data.date'), plus(INFUSED, 27));
      await p.fill(F('data.why'), 'visita il giorno prima');
    });
    await page.waitForSelector('#pw-dialog', { state: 'hidden' });
    const after = await page.evaluate(async () => (await api('GET', '/api/v1/referrals/D-2026-001')).data);
    const c = after.events[after.events.length - 1];
    ok(c.kind === 'correction' && c.data.corrects === seq && /BO-SER hub/.test(c.data.who),
      'the correction names the event, why and who');
    await english('the board after the records');
    if (SHOTS) await shot(page, 'board-it', SHOTS, { fullPage: false });

    // the letter, in Italian
    await page.click('[data-pathway="D-2026-001"]');
    await page.waitForSelector('#pw-dialog[open]');
    await page.click('#pw-letter-it');
    await page.waitForSelector('#pw-letter .letter');
    const letter = await page.locator('#pw-letter .letter').textContent();
    ok(/Giorno 100/.test(letter) && /CB-7781/.test(letter) && /grado ASTCT massimo 2/.test(letter),
      'the letter shows the schedule, the lot and the CRS grade computed (ASTCT 2: low-flow oxygen)');
    ok(/4\.7/.test(letter) && /Fino al/.test(letter), 'and the SmPC condition with its end date');
    ok(await page.locator('#pw-download').getAttribute('download') === 'D-2026-001-it.html',
      'the printable letter can be downloaded');
    await english('the letter dialog');
    if (SHOTS) await shot(page.locator('#pw-dialog'), 'letter-it', SHOTS);
    await page.click('#pw-cancel');
    // the registry export, as CSV: the infused demo referrals, D-2026-001 with its lot
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#pw-registry')]);
    const csv = fs.readFileSync(await dl.path(), 'utf8');
    ok(/^referral,patient_id,/.test(csv) && /\nD-2026-001,PD-0101,.*CB-7781/.test(csv) &&
      new RegExp('\\n' + NEW + ',PW-0042,.*IC-5512').test(csv),
      'the registry export downloads as CSV with the rows of D-2026-001 and the new referral');
    ok(external.length === 0, 'no request left 127.0.0.1', external.join(' '));
    // the refusals asked for above (422) are logged by the browser; nothing else may be
    const unexpected = consoleErrors.filter(m => !/status of 422/.test(m));
    ok(unexpected.length === 0, 'no other error in the browser console', unexpected.join(' | '));
  } catch (e) {
    ok(false, 'the test ran to the end', String(e && e.stack || e));
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`${checks - fails}/${checks} checks passed`);
  process.exit(fails ? 1 : 0);
}
main();
