// web.test.js: the mmpath web page in a real browser (Debian chromium,
// headless, driven by playwright-core). Run by tests/cli/web_browser.sh with
// MMPATH_URL (a server started with --open-evaluate on a new database, so
// the demo referrals are there) and MMPATH_HUB (the demo hub token).
// It fills the patient form, checks the summary and the options shown, the
// Italian page (no English string of mmpath's own, errors included), the
// print (Chromium PDF page count), a refused record after a result, switches
// language, sends a referral from a CAR-T card, moves a referral on the
// board (from the keyboard), filters the funnel, runs the screening page,
// and checks labels, contrast and the tablet width.
// Any request to another host fails the test.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { englishOnPage, unlabelled, lowContrast, pdfPages, shot } = require('./checks');

const BASE = process.env.MMPATH_URL;
const SHOTS = process.env.MMPATH_SHOTS || null; /* where to keep the screenshots (a person looks at them) */
const HUB = process.env.MMPATH_HUB;
if (!BASE || !HUB) {
  console.error('web.test.js: set MMPATH_URL and MMPATH_HUB');
  process.exit(2);
}
const origin = new URL(BASE).origin;

let checks = 0, fails = 0;
function ok(cond, name, detail) {
  checks++;
  if (cond) console.log('ok   ' + name);
  else { fails++; console.error('FAIL ' + name + (detail ? ': ' + detail : '')); }
}

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
    if (u.startsWith(origin) || u.startsWith('data:')) return route.continue();
    external.push(u);
    return route.abort();
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(10000);
  const consoleErrors = [];
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(String(e)));

  const shots = SHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'mmpath-shots-'));
  const english = async where => {
    const found = await englishOnPage(page);
    ok(found.length === 0, 'no English string of mmpath on the Italian page: ' + where, found.join(' | '));
  };
  try {
    // ---- Italian by default ----
    await page.goto(BASE + '/');
    ok(await page.locator('html').getAttribute('lang') === 'it', 'the page is in Italian by default');
    ok((await page.locator('#tab-eval').textContent()).trim() === 'Valutazione', 'tab label in Italian');
    await page.locator('#comorb-picker input').first().waitFor();
    await english('empty form');
    for (const tab of ['#tab-board', '#tab-funnel', '#tab-screen', '#tab-access']) {
      await page.click(tab);
      await page.waitForTimeout(200);
      await english('view ' + tab + ' without a token');
    }
    await page.click('#tab-eval');
    const noLabel = await unlabelled(page);
    ok(noLabel.length === 0, 'every visible form control has a label', noLabel.join(', '));
    ok(await page.locator('#comorb-picker label', { hasText: 'diabete mellito' }).count() === 1,
      'comorbidities are picked by their Italian kb names (kb/vocabulary/comorbidities.yaml)');

    // ---- fill the form for a patient (shared spec patient-record.md example) ----
    await page.fill('#f-id', 'BO-0017');
    await page.fill('#f-as_of', '2026-11-25');
    await page.fill('#f-birth_date', '12/04/1958'); /* typed as an Italian clinician writes it */
    await page.selectOption('#f-sex', 'male');
    const shownBirth = await page.locator('#f-birth_date').evaluate(i => Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').get.call(i));
    ok(shownBirth === '12/04/1958' && await page.locator('#f-birth_date').getAttribute('placeholder') === 'gg/mm/aaaa' &&
       await page.locator('#f-birth_date').evaluate(i => i.value) === '1958-04-12',
      'a date field takes and shows gg/mm/aaaa (placeholder «gg/mm/aaaa»), its value ISO for the record', shownBirth);
    await page.fill('#f-dx-date', '31/02/2019');
    ok(await page.locator('#f-dx-date').evaluate(i => !i.validity.valid && /gg\/mm\/aaaa/.test(i.validationMessage)),
      'an impossible date (31/02) is refused in the field, in Italian');
    await page.fill('#f-ecog', '1');
    await page.fill('#f-charlson', '1');
    await page.fill('#f-adl', '6');
    await page.fill('#f-iadl', '8');
    await page.fill('#f-dx-date', '2019-06-01');
    await page.fill('#f-iss', '2');
    await page.selectOption('#f-t4_14', 'true');
    await page.click('#add-lab');
    const lab = page.locator('#labs-table tr.lab').first();
    await lab.locator('[data-k=date]').fill('2026-11-20');
    await lab.locator('[data-k=test]').selectOption('igg');
    const units = await lab.locator('[data-k=unit] option').evaluateAll(os => os.map(o => o.value));
    ok(units.join(',') === 'mg/dL,g/L', 'the IgG units offered are the kb\'s (kb/vocabulary/labs.yaml)', units.join(','));
    await lab.locator('[data-k=value]').fill('350');
    await lab.locator('[data-k=unit]').selectOption('mg/dL');
    // line 1 exists already: a regimen fills its drugs (kb/vocabulary/regimens.yaml: VRd)
    const l1 = page.locator('#lines .line-row').nth(0);
    await l1.locator('[data-k=regimen]').fill('RVd');
    await l1.locator('[data-k=regimen]').press('Tab');
    ok(await l1.locator('[data-k=regimen]').inputValue() === 'VRd', 'a regimen variant (RVd) is read as the kb regimen VRd');
    const l1drugs = await l1.locator('[data-picker=drugs] .chip').evaluateAll(cs => cs.map(c => c.dataset.code));
    ok(l1drugs.join(',') === 'bortezomib,lenalidomide,dexamethasone', 'VRd fills its drugs', l1drugs.join(','));
    await l1.locator('[data-k=start]').fill('2019-07-01');
    await l1.locator('[data-k=end]').fill('2019-11-15');
    await l1.locator('[data-k=best_response]').selectOption('VGPR');
    await l1.locator('[data-k=progression]').fill('2022-03-01');
    await l1.locator('details.more summary').click();
    await l1.locator('[data-k=asct]').fill('2019-12-10');
    await l1.locator('[data-k=maint_drugs]').fill('Revlimid');
    await l1.locator('[data-k=maint_drugs]').press('Enter');
    await l1.locator('[data-k=maint_start]').fill('2020-02-01');
    await l1.locator('[data-k=maint_end]').fill('2022-03-01');
    await page.click('#add-line');
    const l2 = page.locator('#lines .line-row').nth(1);
    for (const d of ['daratumumab', 'pomalidomide', 'desametasone']) {
      await l2.locator('[data-k=drugs]').fill(d);
      await l2.locator('[data-k=drugs]').press('Enter');
    }
    ok((await l2.locator('[data-picker=drugs] .chip').evaluateAll(cs => cs.map(c => c.dataset.code))).join(',') ===
      'daratumumab,pomalidomide,dexamethasone', 'drugs are typed by any kb name (desametasone) and kept as codes');
    await l2.locator('[data-k=start]').fill('2022-03-15');
    await l2.locator('[data-k=end]').fill('2024-01-10');
    await l2.locator('[data-k=best_response]').selectOption('PR');
    await l2.locator('[data-k=progression]').fill('2024-01-10');
    await page.click('#evaluate');
    await page.waitForSelector('#result #summary');

    // ---- the answer first: the summary, CAR-T visible without scrolling ----
    const sumLine = (g, id) => page.locator('#summary [data-summary="' + g + '"] [data-summary-option="' + id + '"]');
    // Abecma / Carvykti EU SmPC 4.1: from 2 prior lines incl. IMiD, PI, anti-CD38 (ide-cel); 1 prior
    // line, lenalidomide-refractory (cilta-cel)
    ok(await sumLine('car_t', 'ide-cel').getAttribute('data-status') === 'eligible' &&
       await sumLine('car_t', 'cilta-cel').getAttribute('data-status') === 'eligible', 'summary: ide-cel and cilta-cel indicated');
    // Tecvayli EU SmPC 4.1: at least three prior therapies; two here, and that is the reason given
    const tecLine = await sumLine('bispecific', 'teclistamab').textContent();
    ok(/non indicato/.test(tecLine) && /almeno 3 terapie precedenti/.test(tecLine),
      'summary: teclistamab not indicated, because it needs 3 prior therapies', tecLine);
    ok(/seconda recidiva/.test(await page.locator('#summary [data-summary=state]').textContent()),
      'summary: the setting in words (second relapse)');
    const linesText = await page.locator('#summary [data-summary=lines]').textContent();
    ok(/Linee precedenti: 2/.test(linesText) && /lenalidomide/.test(linesText) && /desametasone/.test(linesText),
      'summary: lines and refractoriness by the kb\'s Italian drug names', linesText);
    ok(/^Dara-Kd \(daratumumab, carfilzomib, desametasone\)/.test(await sumLine('guideline', 'Dara-Kd').locator('.sname').textContent()),
      'summary: a regimen by its clinical name with its drugs beside');
    const carBox = await page.locator('#summary [data-summary=car_t]').boundingBox();
    ok(carBox && carBox.y >= 0 && carBox.y + carBox.height <= 900, 'the CAR-T answers are on screen without scrolling (1280×900)',
      JSON.stringify(carBox));
    ok(await page.locator('#detail').getAttribute('open') === null, 'the full detail is folded below the summary');
    const sumShot = await shot(page.locator('#summary'), 'summary-it', shots);
    ok(sumShot > 20000, 'screenshot of the summary (' + path.join(shots, 'summary-it.png') + ')', String(sumShot));
    await english('evaluation, summary');
    await page.locator('#detail > summary').click();
    await page.locator('#result .all-facts > summary').click();
    await english('evaluation, full detail and all facts open');
    ok(/Refrattario alle tre classi/.test(await page.locator('#result .all-facts').textContent()) &&
       /refrattario a lenalidomide/.test(await page.locator('#result .all-facts [data-fact=lenalidomide_refractory]').textContent()),
      'facts by clinical names (kb drug names), not codes');
    await shot(page, 'evaluation-it', shots, { fullPage: false });
    const lowC = await lowContrast(page, '#result .badge, #result .sline, #result .src, #result .missing, label, .hint, .tabs button');
    ok(lowC.length === 0, 'text contrast at least 4.5:1 (WCAG 2.1 AA)', lowC.slice(0, 5).join(' | '));

    // the options in detail (unchanged checks)
    const tec = page.locator('#result [data-option="teclistamab"]');
    ok(await tec.count() === 1, 'teclistamab is listed');
    ok((await tec.locator('.badge').first().textContent()).trim() === 'non indicato',
      'teclistamab: non indicato (2 prior lines, label needs 3)');
    ok((await tec.locator('.criterion .r-false').count()) >= 1, 'teclistamab shows the failing criterion');
    ok(/(EMA|SmPC|EPAR|Tecvayli)/i.test(await tec.locator('p.src').last().textContent()),
      'teclistamab shows its source');
    ok(await page.locator('#result [data-tier="recommended"] .opt.st-eligible').count() > 0,
      'guideline regimens for the setting are shown');
    const tierOrder = ['recommended', 'allowed', 'caution', 'unknown', 'not_eligible'];
    const shownTiers = await page.locator('#result section[data-tier]').evaluateAll(ss => ss.map(x => x.dataset.tier));
    ok(shownTiers.length >= 3 && shownTiers[0] === 'recommended' &&
       shownTiers.every((x, i) => i === 0 || tierOrder.indexOf(x) > tierOrder.indexOf(shownTiers[i - 1])),
      'options grouped by tier, recommended first, in order', shownTiers.join(','));
    const daraPd = page.locator('#result [data-tier="not_eligible"] [data-option="Dara-Pd"]');
    ok(await daraPd.count() === 1 && /refrattario a daratumumab \(anti-CD38\)/.test(await daraPd.textContent()),
      'Dara-Pd is not eligible: refrattario a daratumumab (anti-CD38)');
    const noBcma = page.locator('#result [data-option="NCT05020236"] li.excl[data-excluded="false"]').first();
    ok(/precedente terapia diretta contro BCMA: assente ✓/.test(await noBcma.textContent()),
      'an absent exclusion reads "…: assente ✓"', await noBcma.textContent());
    const ivig = page.locator('#result [data-supportive="ivig"]');
    ok(/350/.test(await ivig.textContent()) && /se si procede con le CAR-T/.test(await ivig.textContent()) &&
      await ivig.getAttribute('data-status') === 'conditional',
      'IVIG (IgG 350 mg/dL < 400) is conditional: if CAR-T goes ahead');
    ok(await page.locator('#result [data-refractory*="pomalidomide"]').count() > 0,
      'options name the drugs the patient is already refractory to');
    const itText = await page.locator('#result').textContent();
    ok(!/\((true|false|null)\)/.test(itText) && !/= (true|false|yes|unknown)\b/.test(itText),
      'no raw (true) / (false) / "= yes" in the Italian evaluation');
    ok(/\(sì\)/.test(itText) && /\(no\)/.test(itText), 'criterion values read (sì) / (no)');
    ok(/stato nel registro/.test(itText), 'a trial says in Italian whether it is enrolling');

    // ---- the print for the chart: header, summary, at most 4 A4 pages ----
    // the demo patient at second relapse (demo/patients/01-second-relapse.json)
    await page.selectOption('#example', '01-second-relapse');
    await page.click('#load-example');
    await page.click('#evaluate');
    await page.waitForSelector('#summary');
    await page.emulateMedia({ media: 'print' });
    ok(await page.locator('#print-reasons [data-print-option="cilta-cel"] .criterion').count() >= 6 &&
       await page.locator('#print-reasons [data-print-option="SVd"]').isVisible(),
      'print: the recommended options and the eligible CAR-T with their criteria');
    ok(!(await page.locator('#patient-form').isVisible()) && await page.locator('#summary').isVisible() &&
       !(await page.locator('#detail').isVisible()), 'print: the header and summary, not the form nor the detail');
    const head = await page.locator('#result-head').textContent();
    ok(/BO-0017/.test(head) && /25\/11\/2026/.test(head) && /base di conoscenza 2026/.test(head) && /UE \(EMA\)/.test(head) &&
       /non sostituisce il giudizio clinico/.test(head), 'print header: pseudonym, date, kb version, jurisdiction, disclaimer', head);
    const pdf = await page.pdf({ format: 'A4' });
    const pages = pdfPages(pdf);
    ok(pages >= 1 && pages <= 4, 'the summary print of the demo patient at second relapse fits in 4 A4 pages (issue #16): ' + pages, String(pages));
    // page 1 of A4 at 12 mm margins holds 273 mm = 1032 CSS px of a 186 mm = 703 px wide layout
    await page.setViewportSize({ width: 703, height: 1032 });
    const carTop = await page.locator('#summary [data-summary=car_t]').evaluate(el => el.getBoundingClientRect().bottom + window.scrollY);
    ok(carTop < 1032, 'the CAR-T answers are on page 1 of the print', String(carTop));
    await shot(page, 'print-summary-it', shots, { fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ media: 'screen' });

    // ---- the HTML export carries the same summary first (render_html.c) ----
    const demo01 = fs.readFileSync(path.join(__dirname, '../../demo/patients/01-second-relapse.json'), 'utf8');
    const exp = await (await fetch(BASE + '/api/v1/evaluate?format=html&lang=it', { method: 'POST',
      headers: { 'Content-Type': 'application/json' }, body: demo01 })).text();
    const sumAt = exp.indexOf('id="summary"'), factsAt = exp.indexOf('class="facts"'), optAt = exp.indexOf('class="option"');
    ok(sumAt > 0 && sumAt < factsAt && sumAt < optAt && /<li class="eligible" data-id="cilta-cel"><span class="verdict">indicato/.test(exp) &&
       /<li class="not_eligible" data-id="teclistamab">.*?almeno 3 terapie precedenti/.test(exp) &&
       /<strong>Dara-Kd<\/strong> \(daratumumab, carfilzomib, desametasone\)/.test(exp) && /non sostituisce il giudizio clinico/.test(exp),
      'the HTML export starts with the same summary (CAR-T, bispecific reason, Dara-Kd with its drugs) and the disclaimer');

    // ---- a refused record after a result: the old result is gone ----
    await page.fill('#f-ecog', '9');
    ok(await page.locator('#stale-note').isVisible() && /risultato sotto è del record precedente/.test(await page.locator('#stale-note').textContent()),
      'a result whose record was edited since says so, above it');
    await page.click('#evaluate');
    await page.waitForSelector('#form-errors:not([hidden])');
    ok(await page.locator('#result #summary, #result .opt').count() === 0 &&
       await page.locator('#result [data-state=refused]').count() === 1,
      'a refused record leaves no previous result on screen, and says so');
    ok(/ECOG \(0-4\): fuori intervallo — da 0 a 4/.test(await page.locator('#form-errors').textContent()),
      'the refusal is in Italian, with the field and the range', await page.locator('#form-errors').textContent());
    ok(await page.locator('#f-ecog').getAttribute('aria-invalid') === 'true' &&
       /fuori intervallo/.test(await page.locator('#f-ecog + .field-error').textContent()),
      'the invalid field is marked, with its message next to it');
    await english('refused record');
    await shot(page, 'refused-it', shots);
    await page.fill('#f-ecog', '1');

    // ---- US, Italy ----
    await page.selectOption('#jurisdiction', 'us');
    await page.click('#evaluate');
    await page.locator('#result .opt p.src', { hasText: 'nessuna indicazione USA' }).first().waitFor({ state: 'attached' });
    ok(!/indication is encoded|= (yes|unknown)\b|\((true|false)\)/.test(await page.locator('#result').textContent()),
      'US labels: the notes are in Italian too');
    await page.selectOption('#jurisdiction', 'it');
    await page.click('#evaluate');
    await page.locator('#result-meta', { hasText: 'UE + AIFA' }).waitFor();
    const cilta = await page.locator('#result [data-option="cilta-cel"] .reimbursement').textContent();
    ok(/Rimborsabilità AIFA: classe C\(nn\).*Det\. 650\/2024, GU n\.264 del 11\/11\/2024/.test(cilta),
      'jurisdiction it: cilta-cel shows its AIFA class, determination and Gazzetta');
    await page.selectOption('#jurisdiction', 'eu');
    await page.click('#evaluate');
    await page.locator('#result-meta', { hasText: 'UE (EMA)' }).waitFor();
    ok(await page.locator('#result .reimbursement').count() === 0, 'jurisdiction eu: no reimbursement line');

    // ---- English ----
    await page.selectOption('#lang', 'en');
    await page.locator('#summary [data-summary-option="teclistamab"] .badge', { hasText: 'not eligible' }).waitFor();
    ok((await page.locator('#tab-eval').textContent()).trim() === 'Evaluation', 'the switch turns the page to English');
    const enText = await page.locator('#result').textContent();
    ok(/\(yes\)/.test(enText) && !/\((true|false)\)/.test(enText), 'the evaluation is shown again in English, values as (yes) / (no)');
    ok(/prior BCMA-directed therapy: absent ✓/.test(await page.locator('#result [data-option="NCT05020236"]').textContent()),
      'in English an absent exclusion reads "…: absent ✓"');

    // ---- a demo patient of the build: newly diagnosed (demo/patients) ----
    const names = await page.locator('#example option').evaluateAll(os => os.map(o => o.value));
    ok(names.includes('02-newly-diagnosed'), 'the demo patients are offered', names.join(','));
    await page.selectOption('#example', '02-newly-diagnosed');
    await page.click('#load-example');
    ok(await page.inputValue('#f-id') === 'FE-0102' && await page.inputValue('#f-b2m') === '4.1',
      'a demo patient fills the form');
    await page.click('#evaluate');
    await page.locator('#result h2', { hasText: 'FE-0102' }).waitFor();
    const settingText = await page.locator('#result [data-fact="setting"]').first().textContent();
    ok(/newly diagnosed/.test(settingText) && !/newly_diagnosed/.test(settingText),
      'and is evaluated as newly diagnosed', settingText);
    ok(/\bII\b/.test(await page.locator('#result [data-fact="iss"]').first().textContent()),
      'ISS II from beta2-microglobulin 4.1 mg/L (Greipp 2005: 3.5-5.5 mg/L)');
    await page.selectOption('#lang', 'it');
    await page.locator('#tab-eval', { hasText: 'Valutazione' }).waitFor();

    // ---- import a FHIR R4 Bundle (mCODE): into the form, evaluated, what was not read shown ----
    await page.setInputFiles('#record-file', path.join(process.env.MMPATH_TESTDATA || path.join(__dirname, '../data'), 'fhir/rrmm.json'));
    await page.locator('#f-id[value]').waitFor({ state: 'attached' });
    for (let i = 0; i < 50 && await page.inputValue('#f-id') !== 'rrmm-002'; i++) await page.waitForTimeout(100);
    ok(await page.inputValue('#f-id') === 'rrmm-002', 'an imported FHIR Bundle fills the form');
    await page.click('#evaluate');
    await page.locator('#result h2', { hasText: 'rrmm-002' }).waitFor();
    ok(/Karnofsky/.test(await page.locator('#fhir-note').textContent()),
      'the imported Bundle is evaluated, and what was not read is shown');
    // the import changed the form after FE-0102's result (marked stale); the
    // new result is not shown faded as if it were still the old one
    ok(await page.locator('#result.stale').count() === 0, 'a new evaluation is not shown as stale');
    // the importer's notes in Italian (POST /api/v1/fhir/import?lang=it), FHIR
    // codes and paths as they are (docs/fhir.md "Language")
    const fhirIt = await page.locator('#fhir-note').textContent();
    ok(/il performance status di Karnofsky non è convertito in ECOG/.test(fhirIt) &&
       /LOINC 2160-0 .*non presente in kb\/fhir\.yaml/.test(fhirIt) && /Observation\/kps\.code\.coding\[0\]/.test(fhirIt) &&
       !/left out|not in kb\/fhir|line\(s\) of therapy|is not converted/.test(fhirIt),
      'the FHIR import warnings are in Italian', fhirIt);
    await english('FHIR import warnings');
    await shot(page.locator('#fhir-note'), 'fhir-warnings-it', shots);
    await shot(page, 'fhir-import-it', shots, { fullPage: false });
    // a language switch re-evaluates: the warnings follow the page's language
    await page.selectOption('#lang', 'en');
    await page.locator('#fhir-note', { hasText: 'is not converted to ECOG' }).waitFor();
    ok(!/non è convertito/.test(await page.locator('#fhir-note').textContent()),
      'after switching to English the FHIR import warnings are in English');
    await page.selectOption('#lang', 'it');
    await page.locator('#fhir-note', { hasText: 'non è convertito in ECOG' }).waitFor();
    ok(/non è convertito in ECOG/.test(await page.locator('#fhir-note').textContent()),
      'and in Italian again after switching back');

    // ---- a record with no myeloma diagnosis: said once, nothing listed (issue #12) ----
    await page.check('input[name=mode][value=json]');
    await page.fill('#record-json', '{"id":"X-1"}');
    await page.click('#evaluate');
    await page.locator('#result h2', { hasText: 'X-1' }).waitFor();
    ok(await page.locator('#result [data-note="no_myeloma_diagnosis"]').count() === 1 &&
       await page.locator('#result [data-supportive], #result [data-option]').count() === 0,
      'a record without a myeloma diagnosis says so once and lists no option or supportive care');
    await page.fill('#record-json', '{"id":"X-1",');
    await page.click('#evaluate');
    await page.locator('#result [data-state=refused]').waitFor();
    ok(/non è JSON valido/.test(await page.locator('#form-errors').textContent()), 'broken JSON is refused in Italian');
    await page.check('input[name=mode][value=form]');

    // ---- nothing of a patient stays in the browser ----
    const stored = await page.evaluate(() => Object.keys(localStorage).concat(Object.keys(sessionStorage)));
    ok(stored.every(k => k === 'mmpath.lang' || k === 'mmpath.token'), 'only the language and token are stored', stored.join(','));

    // ---- access: the hub token ----
    await page.click('#tab-access');
    await page.fill('#token', HUB);
    await page.click('#token-form button[type=submit]');
    await page.locator('#whoami', { hasText: 'BO-SER' }).waitFor();
    ok(/hub/.test(await page.locator('#whoami').textContent()), 'the token is the hub BO-SER');

    // ---- from answer to action: «Invia all'hub» on an eligible CAR-T line ----
    await page.click('#tab-eval');
    await page.selectOption('#example', '01-second-relapse');
    await page.click('#load-example');
    await page.click('#evaluate');
    await page.waitForSelector('#summary [data-send="cilta-cel"]');
    ok(await page.locator('#summary [data-send]').count() === 2 && await page.locator('#summary [data-send="teclistamab"]').count() === 0,
      'the send button is on the two eligible CAR-T lines only (not on a bispecific that is not indicated)');
    await page.click('#summary [data-send="cilta-cel"]');
    await page.waitForSelector('#new-dialog[open]');
    ok(await page.inputValue('#n-patient') === 'BO-0017' && await page.inputValue('#n-target') === 'cilta-cel' &&
       /Valutazione mmpath del 25\/11\/2026 \(base di conoscenza 2026\.\d+, UE\)/.test(await page.locator('#n-eval').textContent()) &&
       await page.inputValue('#n-note') === '',
      'the referral opens with pseudonym, product and the evaluation attached (the note left free)', await page.locator('#n-eval').textContent());
    await page.fill('#n-from', 'FE-ONC');
    await page.fill('#n-patient', 'Mario Rossi');
    await page.click('#new-form button[type=submit]');
    await page.waitForSelector('#new-errors:not([hidden])');
    ok(await page.locator('#n-patient').getAttribute('aria-invalid') === 'true', 'a name instead of a pseudonym is refused, the field marked');
    await english('referral refused');
    await page.fill('#n-patient', 'BO-0017');
    await page.click('#new-form button[type=submit]');
    await page.locator('#status', { hasText: 'creato' }).waitFor();
    const made = /Invio (\S+) creato/.exec(await page.locator('#status').textContent());
    ok(made && /^FE-ONC-\d{4}-\d{4}$/.test(made[1]), 'the referral is created and the id the server issued is shown', made && made[1]);
    // the evaluation is stored as the referral's "evaluation" record (the create request's `evaluation` key)
    const sent = await page.evaluate(async id => (await api('GET', '/api/v1/referrals/' + id)).data, made && made[1]);
    const evRec = sent && sent.events.find(e => e.kind === 'evaluation');
    ok(evRec && evRec.data.option === 'cilta-cel' && evRec.data.verdict === 'eligible' && evRec.data.date === '2026-11-25' &&
       evRec.data.jurisdiction === 'eu' && /^2026\./.test(evRec.data.kb_version) && sent.state === 'referred' && !sent.events[0].note,
      'the evaluation is stored as a record of kind "evaluation", not in the note', JSON.stringify(sent && sent.events));

    // ---- board: the new referral, then move one, from the keyboard ----
    await page.click('#tab-access');
    await page.focus('#tab-access');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    ok(await page.locator('#tab-board').getAttribute('aria-selected') === 'true', 'arrow keys move between tabs');
    await page.waitForSelector('[data-state="referred"] [data-referral="D-2026-011"]');
    ok(made && await page.locator('[data-state="referred"] [data-referral="' + made[1] + '"]').count() === 1,
      'the referral sent from the card is on the board, state «Richiesta ricevuta»');
    ok(made && /^Valutazione del 25\/11\/2026 \(base 2026\.\d+, UE\): indicato$/.test(
      (await page.locator('[data-referral="' + made[1] + '"] .eval').textContent()).trim()),
      'its card shows the evaluation it was sent with', made && await page.locator('[data-referral="' + made[1] + '"] .eval').textContent());
    const shown = await page.locator('#board .col').count();
    await page.uncheck('#board-nonempty');
    ok(shown < 15 && await page.locator('#board .col').count() === 15,
      'the board shows the states with referrals, or all 15 of the pathway', String(shown));
    await page.check('#board-nonempty');
    const moveBtn = page.locator('[data-referral="D-2026-011"] button');
    await moveBtn.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#move-dialog[open]');
    const options = await page.locator('#move-state option').evaluateAll(os => os.map(o => o.value));
    ok(options.includes('waitlisted') && !options.includes('apheresis'),
      'the dialog offers only the moves the pathway allows', options.join(','));
    await page.selectOption('#move-state', 'waitlisted');
    await page.fill('#move-date', '2026-11-24');
    await page.fill('#move-note', 'presa in carico');
    await page.click('#move-ok');
    await page.waitForSelector('[data-state="waitlisted"] [data-referral="D-2026-011"]');
    ok(await page.locator('[data-state="referred"] [data-referral="D-2026-011"]').count() === 0,
      'D-2026-011 moved from «referred» to «waitlisted»');
    const hist = page.locator('[data-referral="D-2026-011"] details.history');
    await hist.locator('summary').click();
    ok(/24\/11\/2026/.test(await hist.textContent()) && /presa in carico/.test(await hist.textContent()),
      'the card\'s history shows the move with its date (dd/mm/yyyy) and note');
    await hist.locator('.audit').waitFor();
    ok(/BO-SER \(hub\)/.test(await hist.locator('.audit').textContent()), 'and who made it (the hub token)');
    await page.click('[data-referral="D-2026-011"] button');
    await page.selectOption('#move-state', 'excluded');
    await page.fill('#move-date', '2026-11-25');
    await page.click('#move-ok');
    await page.waitForSelector('#move-errors:not([hidden])');
    ok(/Motivo/i.test(await page.locator('#move-errors').textContent()) || /motivo/.test(await page.locator('#move-errors').textContent()),
      'a move without its reason is refused, naming the field in Italian', await page.locator('#move-errors').textContent());
    await english('move refused');
    await page.click('#move-cancel');

    // ---- funnel: the filters work and show the API's figures ----
    const apiFunnel = async q => (await (await fetch(BASE + '/api/v1/funnel?format=json&' + q,
      { headers: { Authorization: 'Bearer ' + HUB } })).json()).total;
    await page.click('#tab-funnel');
    await page.fill('#fu-to', 'BO-SER');
    await page.click('#funnel-form button[type=submit]');
    await page.waitForSelector('#funnel-chart img');
    const total = async () => Number((await page.locator('#funnel-summary [data-figure=total] b').textContent()).trim());
    ok(await total() === await apiFunnel('to_center=BO-SER') && await total() >= 13,
      'the funnel counts the API\'s referrals to BO-SER (13 demo + the one sent)', String(await total()));
    await page.fill('#fu-from', 'FE-ONC');
    await page.click('#funnel-form button[type=submit]');
    await page.locator('#funnel-msg', { hasText: 'FE-ONC' }).waitFor();
    await page.waitForSelector('#funnel-chart img');
    const feOnc = await apiFunnel('to_center=BO-SER&from_center=FE-ONC');
    ok(await total() === feOnc && feOnc < 14, 'the referring-centre filter works: the figures are the API\'s for FE-ONC', String(await total()));
    ok(!page.url().includes('?'), 'the filter form does not reload the page', page.url());
    // the after-infusion stages (issue 14, What to build 5): the API's figures, in Italian
    const apiAfter = (await (await fetch(BASE + '/api/v1/funnel?format=json&to_center=BO-SER&from_center=FE-ONC',
      { headers: { Authorization: 'Bearer ' + HUB } })).json()).after_infusion;
    const tileText = async k => (await page.locator('[data-stage=after_infusion] [data-figure=' + k + '] b').textContent()).trim();
    const want = x => x.n + ' (' + x.pct + '%)';
    ok(await tileText('crs_grade3plus') === want(apiAfter.crs_grade3plus) + (apiAfter.crs_not_known.n ? ' · non noti: ' + apiAfter.crs_not_known.n : '') &&
       (await tileText('icans')).startsWith(want(apiAfter.icans)) &&
       await tileText('day100_response') === want(apiAfter.day100_response) &&
       await tileText('infused') === String(apiAfter.infused.n),
      'the funnel shows the after-infusion stages (CRS >= 3, ICANS, day-100 response) with the API\'s figures',
      JSON.stringify(apiAfter));
    ok(/Dopo l'infusione/.test(await page.locator('#funnel-summary').innerText()), 'the after-infusion stages are titled in Italian');
    await english('funnel with after-infusion stages');
    if (SHOTS) await shot(page, 'funnel-it', shots, { fullPage: true });
    await page.fill('#fu-since', '2026-12-31');
    await page.fill('#fu-until', '2026-01-01');
    await page.click('#funnel-form button[type=submit]');
    await page.locator('#fu-until + .field-error').waitFor();
    ok(await page.locator('#fu-until').getAttribute('aria-invalid') === 'true' &&
       /date in ordine impossibile/.test(await page.locator('#fu-until + .field-error').textContent()) &&
       await page.locator('#funnel-chart img').count() === 0,
      'an impossible window (until before since) is refused in Italian, the field marked, no stale chart');
    await english('funnel refused');
    await page.fill('#fu-since', '');
    await page.fill('#fu-until', '');

    // ---- screening page: a registry file, by centre and criterion, chart, CSV ----
    const demoDir = path.join(__dirname, '../../demo/patients');
    const recs = fs.readdirSync(demoDir).filter(f => f.endsWith('.json')).sort()
      .map(f => JSON.parse(fs.readFileSync(path.join(demoDir, f), 'utf8')));
    const reg = path.join(shots, 'registry.jsonl');
    fs.writeFileSync(reg, recs.map(r => JSON.stringify(r)).join('\n') + '\n{"id":"BAD-1","ecog":9}\n');
    // the same registry in the server's screening folder (serve --screen-dir)
    if (process.env.MMPATH_SCREEN_DIR) fs.copyFileSync(reg, path.join(process.env.MMPATH_SCREEN_DIR, 'registro-demo.jsonl'));
    await page.click('#tab-screen');
    await page.locator('#screen-products input').first().waitFor();
    await page.setInputFiles('#screen-file', reg);
    await page.click('#screen-start');
    await page.waitForSelector('#screen-centers');
    const rows = await page.locator('#screen-centers tbody tr').evaluateAll(trs => trs.map(tr => Array.from(tr.cells).map(c => c.textContent)));
    const byCenter = {};
    for (const r of recs) byCenter[r.center || '(senza centro)'] = (byCenter[r.center || '(senza centro)'] || 0) + 1;
    byCenter['(senza centro)'] = (byCenter['(senza centro)'] || 0) + 1;
    ok(rows.length === Object.keys(byCenter).length && rows.every(r => Number(r[1]) === byCenter[r[0]]),
      'screening: one row per centre of the file, with its record count', JSON.stringify(rows));
    const head2 = await page.locator('#screen-centers thead').textContent();
    const ciltaCol = (await page.locator('#screen-centers thead th').evaluateAll(ths => ths.map(t => t.textContent)))
      .findIndex(x => /Carvykti/.test(x));
    const boSer = rows.find(r => r[0] === 'BO-SER');
    ok(ciltaCol > 0 && boSer && /^1 \(0\)$/.test(boSer[ciltaCol]),
      'screening: BO-0017 (BO-SER, second relapse) counts as eligible for cilta-cel', head2);
    ok(await page.locator('#screen-chart rect').count() > 0 && await page.locator('#screen-criteria tbody tr').count() > 0,
      'screening: chart (SVG) and the criteria table');
    ok(/Completato: 6 record, 1 con errori/.test(await page.locator('#screen-msg').textContent()),
      'screening: done, the bad record counted', await page.locator('#screen-msg').textContent());
    ok(/^blob:/.test(await page.locator('#screen-csv').getAttribute('href')), 'screening: a CSV to download');
    await english('screening page');
    // the same file in pieces of ~700 bytes (several requests, as a registry over the
    // server's body cap is sent): the same counts
    const firstRows = JSON.stringify(rows);
    await page.evaluate(() => { document.getElementById('screen-form').dataset.piece = '700'; });
    const screens = [];
    const onReq = r => { if (r.url().includes('/api/v1/screen')) screens.push(r.url()); };
    page.on('request', onReq);
    await page.click('#screen-start');
    await page.locator('#screen-msg', { hasText: 'Completato' }).waitFor();
    page.off('request', onReq);
    const rows2 = await page.locator('#screen-centers tbody tr').evaluateAll(trs => trs.map(tr => Array.from(tr.cells).map(c => c.textContent)));
    ok(screens.length > 2 && JSON.stringify(rows2) === firstRows,
      'a file sent in pieces (' + screens.length + ' requests) gives the same table', JSON.stringify(rows2));
    // the same registry as a file on the server, by name: one request, no body,
    // and the centres are the server's (each result line's `center`)
    if (process.env.MMPATH_SCREEN_DIR) {
      ok(await page.locator('#screen-server-box').isVisible() &&
         (await page.locator('#screen-server option').allTextContents()).some(x => /^registro-demo\.jsonl \(/.test(x)),
        'the hub sees the registry files of the server\'s screening folder');
      await page.selectOption('#screen-server', 'registro-demo.jsonl');
      const sreq = [];
      const onS = r => { if (r.url().includes('/api/v1/screen?')) sreq.push(r); };
      page.on('request', onS);
      await page.click('#screen-start');
      await page.locator('#screen-msg', { hasText: 'Completato' }).waitFor();
      page.off('request', onS);
      const rows3 = await page.locator('#screen-centers tbody tr').evaluateAll(trs => trs.map(tr => Array.from(tr.cells).map(c => c.textContent)));
      ok(sreq.length === 1 && /[?&]file=registro-demo\.jsonl/.test(sreq[0].url()) && !sreq[0].postData(),
        'a file on the server is screened by name, in one request without a body', sreq.map(r => r.url()).join(' '));
      ok(JSON.stringify(rows3) === firstRows, 'and gives the same table by centre (the server\'s centres)', JSON.stringify(rows3));
      await english('screening of a server file');
      const bad = await (await fetch(BASE + '/api/v1/screen?file=..%2Fmmpath.db', { method: 'POST', headers: { Authorization: 'Bearer ' + HUB } })).json();
      ok(bad.status === 400 && bad.errors[0].path === 'query.file', 'a path outside the screening folder is refused (400, query.file)');
    }
    await shot(page, 'screening-it', shots, { fullPage: true });

    // ---- tablet width: still usable, nothing wider than the screen ----
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.click('#tab-eval');
    await page.click('#evaluate');
    await page.waitForSelector('#summary');
    ok(await page.locator('#evaluate').isVisible(), 'tablet width: the form is usable');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    ok(overflow <= 768, 'tablet width: no sideways scrolling', String(overflow));
    await shot(page, 'tablet-it', shots);

    ok(external.length === 0, 'no request left 127.0.0.1', external.join(' '));
    // the refusals asked for above (4xx) are logged by the browser; nothing else may be
    const unexpected = consoleErrors.filter(m => !/status of (400|403|422)/.test(m));
    ok(unexpected.length === 0, 'no other error in the browser console', unexpected.join(' | '));
  } catch (e) {
    fails++;
    console.error('FAIL ' + (e && e.stack || e));
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`web: ${checks - fails} passed, ${fails} failed`);
  process.exit(fails ? 1 : 0);
}
main();
