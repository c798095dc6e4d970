// web.test.js: the mmpath web page in a real browser (Debian chromium,
// headless, driven by playwright-core). Run by tests/cli/web_browser.sh with
// MMPATH_URL (a server started with --open-evaluate on a new database, so
// the demo referrals are there) and MMPATH_HUB (the demo hub token).
// It fills the patient form, checks the options shown, switches language,
// moves a referral on the board (from the keyboard) and reads the funnel.
// Any request to another host fails the test.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');

const BASE = process.env.MMPATH_URL;
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

  try {
    // ---- Italian by default ----
    await page.goto(BASE + '/');
    ok(await page.locator('html').getAttribute('lang') === 'it', 'the page is in Italian by default');
    ok((await page.locator('#tab-eval').textContent()).trim() === 'Valutazione', 'tab label in Italian');

    // ---- fill the form for a patient (shared spec patient-record.md example) ----
    await page.fill('#f-id', 'BO-0017');
    await page.fill('#f-as_of', '2026-11-25');
    await page.fill('#f-birth_date', '1958-04-12');
    await page.selectOption('#f-sex', 'male');
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
    await lab.locator('[data-k=value]').fill('350');
    await lab.locator('[data-k=unit]').fill('mg/dL');
    // line 1 exists already; add line 2
    const l1 = page.locator('#lines .line-row').nth(0);
    await l1.locator('[data-k=regimen]').fill('VRd');
    await l1.locator('[data-k=start]').fill('2019-07-01');
    await l1.locator('[data-k=end]').fill('2019-11-15');
    await l1.locator('[data-k=asct]').fill('2019-12-10');
    await l1.locator('[data-k=best_response]').selectOption('VGPR');
    await l1.locator('[data-k=progression]').fill('2022-03-01');
    await l1.locator('[data-k=maint_drugs]').fill('lenalidomide');
    await l1.locator('[data-k=maint_start]').fill('2020-02-01');
    await l1.locator('[data-k=maint_end]').fill('2022-03-01');
    await page.click('#add-line');
    const l2 = page.locator('#lines .line-row').nth(1);
    await l2.locator('[data-k=drugs]').fill('daratumumab, pomalidomide, dexamethasone');
    await l2.locator('[data-k=start]').fill('2022-03-15');
    await l2.locator('[data-k=end]').fill('2024-01-10');
    await l2.locator('[data-k=best_response]').selectOption('PR');
    await l2.locator('[data-k=progression]').fill('2024-01-10');
    await page.click('#evaluate');
    await page.waitForSelector('#result .opt');

    // Tecvayli (EU SmPC 4.1): at least three prior therapies; two here
    const tec = page.locator('#result [data-option="teclistamab"]');
    ok(await tec.count() === 1, 'teclistamab is listed');
    ok((await tec.locator('.badge').first().textContent()).trim() === 'non indicato',
      'teclistamab: non indicato (2 prior lines, label needs 3)');
    ok((await tec.locator('.criterion .r-false').count()) >= 1, 'teclistamab shows the failing criterion');
    ok(/(EMA|SmPC|EPAR|Tecvayli)/i.test(await tec.locator('.src').last().textContent()),
      'teclistamab shows its source');
    // Abecma (EU): at least two prior therapies incl. an IMiD, a PI and an anti-CD38
    const idecel = page.locator('#result [data-option="ide-cel"] .badge').first();
    ok((await idecel.textContent()).trim() === 'indicato', 'ide-cel: indicato');
    ok(await page.locator('#result [data-tier="recommended"] .opt.st-eligible').count() > 0,
      'guideline regimens for the setting are shown');
    // the order a clinician reads them (docs/kb-options.md): recommended,
    // label, label with a refractoriness caution, unknown, not eligible
    const tierOrder = ['recommended', 'allowed', 'caution', 'unknown', 'not_eligible'];
    const shownTiers = await page.locator('#result section[data-tier]').evaluateAll(ss => ss.map(x => x.dataset.tier));
    ok(shownTiers.length >= 3 && shownTiers[0] === 'recommended' &&
       shownTiers.every((x, i) => i === 0 || tierOrder.indexOf(x) > tierOrder.indexOf(shownTiers[i - 1])),
      'options grouped by tier, recommended first, in order', shownTiers.join(','));
    // progression on daratumumab-pomalidomide (IMWG): Dara-Pd and Isa-Pd (anti-CD38
    // cross-refractoriness) are not options (kb/algorithm.yaml principles)
    const daraPd = page.locator('#result [data-tier="not_eligible"] [data-option="Dara-Pd"]');
    ok(await daraPd.count() === 1 && /refrattario a daratumumab \(anti-CD38\)/.test(await daraPd.textContent()),
      'Dara-Pd is not eligible: refrattario a daratumumab (anti-CD38)');
    ok(await page.locator('#result [data-tier="not_eligible"] [data-option="Isa-Pd"]').count() === 1,
      'Isa-Pd is not eligible either (anti-CD38 cross-refractoriness)');
    // an exclusion reads as one (issue #12): what the record says, then the mark
    const noBcma = page.locator('#result [data-option="NCT05020236"] li.excl[data-excluded="false"]').first();
    ok(/precedente terapia diretta contro BCMA: assente ✓/.test(await noBcma.textContent()),
      'an absent exclusion reads "…: assente ✓"', await noBcma.textContent());
    const antiCd38 = page.locator('#result [data-option="NCT05083169"] li.excl[data-excluded="true"]').first();
    ok(/: presente ✗/.test(await antiCd38.textContent()), 'a present exclusion reads "…: presente ✗"',
      await antiCd38.textContent());
    // Raje 2023 (Blood Cancer J 13:116): IVIG while IgG < 400 mg/dL; the patient is
    // only eligible for a CAR-T, so IVIG is conditional, never «indicato» (issue #12)
    const ivig = page.locator('#result [data-supportive="ivig"]');
    ok(/350/.test(await ivig.textContent()) && /se si procede con le CAR-T/.test(await ivig.textContent()) &&
      await ivig.getAttribute('data-status') === 'conditional',
      'IVIG (IgG 350 mg/dL < 400) is conditional: if CAR-T goes ahead');
    ok(await page.locator('#result .missing').count() > 0, 'missing inputs are named');
    // lenalidomide and pomalidomide refractory (IMWG, 60 days): a regimen holding
    // them carries the caution
    ok(await page.locator('#result [data-refractory*="pomalidomide"]').count() > 0,
      'options name the drugs the patient is already refractory to');
    // every word in Italian: values as sì / no / non noto, never a raw
    // true/false, and none of the engine's English notes (now codes that the
    // server and the page translate)
    const itText = await page.locator('#result').textContent();
    ok(!/\((true|false|null)\)/.test(itText) && !/= (true|false|yes|unknown)\b/.test(itText),
      'no raw (true) / (false) / "= yes" in the Italian evaluation');
    ok(/\(sì\)/.test(itText) && /\(no\)/.test(itText), 'criterion values read (sì) / (no)');
    ok(!/trial is (not )?enrolling|indication is encoded|indication granted on or before|withdrawn or replaced|registry status/.test(itText),
      'no English engine note in the Italian evaluation');
    ok(/stato nel registro/.test(itText), 'a trial says in Italian whether it is enrolling');
    // US labels: products whose US label the kb does not encode say so in Italian
    await page.selectOption('#jurisdiction', 'us');
    await page.click('#evaluate');
    await page.locator('#result .opt p.src', { hasText: 'nessuna indicazione USA' }).first().waitFor();
    ok(!/indication is encoded|= (yes|unknown)\b|\((true|false)\)/.test(await page.locator('#result').textContent()),
      'US labels: the notes are in Italian too');
    // Italy: the EU verdicts, with the AIFA reimbursement under each therapy
    // (Carvykti: Det. 650/2024, class C(nn), GU SG n. 264 of 2024-11-11)
    await page.selectOption('#jurisdiction', 'it');
    await page.click('#evaluate');
    await page.locator('#result .head p.src', { hasText: 'UE + AIFA' }).waitFor();
    const cilta = await page.locator('#result [data-option="cilta-cel"] .reimbursement').textContent();
    ok(/Rimborsabilità AIFA: classe C\(nn\).*Det\. 650\/2024, GU n\.264 del 11\/11\/2024/.test(cilta),
      'jurisdiction it: cilta-cel shows its AIFA class, determination and Gazzetta');
    ok(await page.locator('#result [data-option="belantamab"] [data-reimbursement="not_found"]').count() === 1,
      'jurisdiction it: a finding not found says so');
    await page.selectOption('#jurisdiction', 'eu');
    await page.click('#evaluate');
    await page.locator('#result .head p.src', { hasText: /· UE ·/ }).waitFor();
    ok(await page.locator('#result .reimbursement').count() === 0, 'jurisdiction eu: no reimbursement line');

    // ---- English ----
    await page.selectOption('#lang', 'en');
    // (locators, not waitForFunction: the page's CSP forbids eval, rightly)
    await page.locator('#result [data-option="teclistamab"] .badge', { hasText: 'not eligible' }).waitFor();
    ok((await page.locator('#tab-eval').textContent()).trim() === 'Evaluation', 'the switch turns the page to English');
    const enText = await page.locator('#result').textContent();
    ok(/\(yes\)/.test(enText) && !/\((true|false)\)/.test(enText), 'the evaluation is shown again in English, values as (yes) / (no)');
    ok(/prior BCMA-directed therapy: absent ✓/.test(await page.locator('#result [data-option="NCT05020236"]').textContent()),
      'in English an absent exclusion reads "…: absent ✓"');
    ok(/: present ✗/.test(await page.locator('#result [data-option="NCT05083169"] li.excl[data-excluded="true"]').first().textContent()),
      'in English a present exclusion reads "…: present ✗"');

    // ---- print: the form is not printed, the evaluation is ----
    await page.emulateMedia({ media: 'print' });
    ok(!(await page.locator('#patient-form').isVisible()) && await page.locator('#result').isVisible(),
      'printing shows the evaluation without the form');
    await page.emulateMedia({ media: 'screen' });

    // ---- a bad record: the field path, the field marked ----
    await page.fill('#f-ecog', '9');
    await page.click('#evaluate');
    await page.waitForSelector('#form-errors:not([hidden])');
    ok(/body\.ecog/.test(await page.locator('#form-errors').textContent()), 'an invalid ECOG is reported with its path');
    ok(await page.locator('#f-ecog').getAttribute('aria-invalid') === 'true', 'the invalid field is marked');
    await page.fill('#f-ecog', '1');

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
    // Greipp 2005: beta2m 3.5-5.5 mg/L is ISS II
    ok(/\bII\b/.test(await page.locator('#result [data-fact="iss"]').first().textContent()),
      'ISS II from beta2-microglobulin 4.1 mg/L');

    // ---- upload a FHIR R4 Bundle (mCODE): imported, evaluated, what was not read shown ----
    await page.check('input[name=mode][value=json]');
    await page.setInputFiles('#record-file', path.join(process.env.MMPATH_TESTDATA || path.join(__dirname, '../data'), 'fhir/rrmm.json'));
    for (let i = 0; i < 50 && !(await page.inputValue('#record-json')).includes('Bundle'); i++)
      await page.waitForTimeout(100);
    await page.click('#evaluate');
    await page.locator('#result h2', { hasText: 'rrmm-002' }).waitFor();
    ok(/Karnofsky/.test(await page.locator('#fhir-note').textContent()),
      'an uploaded FHIR Bundle is evaluated, and what was not read is shown');

    // ---- a record with no myeloma diagnosis: said once, nothing listed (issue #12) ----
    await page.fill('#record-json', '{"id":"X-1"}');
    await page.click('#evaluate');
    await page.locator('#result h2', { hasText: 'X-1' }).waitFor();
    ok(await page.locator('#result [data-note="no_myeloma_diagnosis"]').count() === 1 &&
       await page.locator('#result [data-supportive], #result [data-option]').count() === 0,
      'a record without a myeloma diagnosis says so once and lists no option or supportive care');
    await page.check('input[name=mode][value=form]');

    // ---- access: the hub token ----
    await page.click('#tab-access');
    await page.fill('#token', HUB);
    await page.click('#token-form button[type=submit]');
    await page.locator('#whoami', { hasText: 'BO-SER' }).waitFor();
    ok(/hub/.test(await page.locator('#whoami').textContent()), 'the token is the hub BO-SER');

    // ---- board: move a referral, from the keyboard ----
    await page.focus('#tab-access');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    ok(await page.locator('#tab-board').getAttribute('aria-selected') === 'true', 'arrow keys move between tabs');
    await page.waitForSelector('[data-state="referred"] [data-referral="D-2026-011"]');
    ok(true, 'D-2026-011 is in column "referred"');
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
    await page.fill('#move-note', 'taken into care');
    await page.keyboard.press('Tab');
    await page.click('#move-ok');
    await page.waitForSelector('[data-state="waitlisted"] [data-referral="D-2026-011"]');
    ok(true, 'D-2026-011 moved to column "waitlisted"');
    ok(await page.locator('[data-state="referred"] [data-referral="D-2026-011"]').count() === 0,
      'and left column "referred"');
    const hist = page.locator('[data-referral="D-2026-011"] details.history');
    await hist.locator('summary').click();
    ok(/2026-11-24/.test(await hist.textContent()) && /taken into care/.test(await hist.textContent()),
      'the card\'s history shows the move with its date and note');
    await hist.locator('.audit').waitFor();
    ok(/BO-SER \(hub\)/.test(await hist.locator('.audit').textContent()),
      'and who made it (the hub token)');
    // a refused move: a reason is required for "excluded"
    await page.click('[data-referral="D-2026-011"] button');
    await page.selectOption('#move-state', 'excluded');
    await page.fill('#move-date', '2026-11-25');
    await page.click('#move-ok');
    await page.waitForSelector('#move-errors:not([hidden])');
    ok(/body\.reason/.test(await page.locator('#move-errors').textContent()), 'a move without its reason is refused, naming the field');
    await page.click('#move-cancel');

    // ---- funnel ----
    await page.click('#tab-funnel');
    await page.fill('#fu-to', 'BO-SER');
    await page.click('#funnel-form button[type=submit]');
    await page.waitForSelector('#funnel-chart img');
    ok(/^13/.test((await page.locator('#funnel-summary .summary div b').first().textContent()).trim()),
      'the funnel counts the 13 demo referrals');
    const w = await page.locator('#funnel-chart img').evaluate(i => i.naturalWidth);
    ok(w > 100, 'the funnel chart is drawn', String(w));

    // ---- tablet width: still usable ----
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.click('#tab-eval');
    ok(await page.locator('#evaluate').isVisible(), 'tablet width: the form is usable');

    ok(external.length === 0, 'no request left 127.0.0.1', external.join(' '));
    // the refusals asked for above (422) are logged by the browser; nothing else may be
    const unexpected = consoleErrors.filter(m => !/status of 422/.test(m));
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
