// shot.js URL EXAMPLE OUT.png [lang]: loads the page, picks a demo patient,
// evaluates it and saves a full-page screenshot plus the page's text
// (OUT.txt), so a person can look at what the clinician sees (the summary
// on top). web.test.js keeps more screenshots with MMPATH_SHOTS=DIR.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');
const [BASE, EXAMPLE, OUT, LANG] = process.argv.slice(2);
(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mmpath-shot-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 } });
  const page = ctx.pages()[0] || await ctx.newPage();
  await page.goto(BASE + '/');
  if (LANG === 'en') await page.selectOption('#lang', 'en');
  await page.selectOption('#example', EXAMPLE);
  await page.click('#load-example');
  await page.click('#evaluate');
  await page.waitForSelector('#summary, #result [data-state=refused]');
  await page.screenshot({ path: OUT, fullPage: false });
  fs.writeFileSync(OUT.replace(/\.png$/, '.txt'), await page.locator('body').innerText());
  await ctx.close();
})().catch(e => { console.error(e); process.exit(1); });
