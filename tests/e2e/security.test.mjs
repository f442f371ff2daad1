// Security of the built app (dist/) served under /wobble/:
// - the Content-Security-Policy in index.html is in force and nothing the app does violates it
//   (the page, the agent, the training worker, downloads and uploads);
// - after the page has loaded, the app makes no network request at all, while an agent plays,
//   a policy trains in the worker and the sweep runs;
// - hostile text (markup and script in link parameters, in an uploaded policy's name and
//   provenance, in an imported episode, in a site file's title, text and data) is shown as text
//   and never runs;
// - a panic in the page puts a readable message over it, and a panic in the training worker is
//   reported and a new worker can be started without reloading (faults injected by the link).
// Every test also checks that the page threw nothing and asked no host but 127.0.0.1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { useBrowser, play, browser, server, SCREENSHOTS, VIEWPORT } from './harness.mjs';
import { openPage, foreignRequests } from './browser.mjs';
import { SUB_PATH } from './serve.mjs';

useBrowser();

const POLICIES = fileURLToPath(new URL('../../policies/', import.meta.url));

/** Markup that runs script if it is ever parsed as HTML; each sets window.__wobblePwned. */
const HOSTILE = [
  '<script>window.__wobblePwned = "script"</script>',
  '<img src=x onerror="window.__wobblePwned = \'img\'">',
  '<a href="javascript:window.__wobblePwned = \'link\'">x</a>',
  '<svg onload="window.__wobblePwned = \'svg\'"></svg>',
].join(' ');

/** Installed before the app loads: counts CSP violations into window.__wobbleCsp. */
function recordViolations() {
  window.__wobbleCsp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__wobbleCsp.push(`${e.violatedDirective} ${e.blockedURI}`);
  });
}

/** Fails unless nothing was blocked by the CSP and no hostile markup ran. */
async function assertClean(page) {
  assert.deepEqual(await page.evaluate(() => window.__wobbleCsp), [], 'CSP violations');
  assert.equal(await page.evaluate(() => window.__wobblePwned), undefined, 'hostile markup ran');
  assert.equal(await page.locator('img[src="x"], script:not([src]), svg[onload]').count(), 0, 'hostile elements in the DOM');
}

test('the CSP holds and nothing is requested after load while agents play and train', async (t) => {
  await play(
    t,
    '?site=click-button&seed=1',
    async (page) => {
      const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      const directives = Object.fromEntries(
        csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]),
      );
      assert.deepEqual(directives['default-src'], ["'none'"]);
      assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"], 'scripts: only the app\'s own');
      assert.deepEqual(directives['worker-src'], ["'self'"]);
      assert.deepEqual(directives['connect-src'], ["'self'"]);

      // Everything the page needs has loaded once the app has drawn; from here on, nothing.
      await page.waitForLoadState('networkidle');
      const before = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
      const requests = [];
      page.context().on('request', (r) => requests.push(r.url()));

      // The random agent plays at turbo speed for a while.
      await page.selectOption('#wobble-policy-select', 'random');
      await page.selectOption('#wobble-speed-select', 'turbo');
      await page.waitForFunction(() => Number(document.querySelector('#wobble-stats')?.dataset.episodes ?? 0) >= 20);

      // A policy trains in the worker, then is swept over every perturbation.
      await page.fill('#wobble-train-episodes', '200');
      await page.click('#wobble-train-start');
      await page.waitForFunction(() => document.querySelector('#wobble-train-status')?.dataset.state === 'done', null, {
        timeout: 120_000,
      });
      await page.locator('#wobble-heat').waitFor({ timeout: 120_000 });

      assert.deepEqual(requests, [], 'requests made after the page had loaded');
      assert.ok(before.some((u) => u.endsWith('app_bg.wasm')), `the wasm came from the app: ${before}`);
      await assertClean(page);
    },
    { init: recordViolations },
  );
});

test('hostile text in the link is shown as text and never runs', async (t) => {
  const query = `?site=${encodeURIComponent(HOSTILE)}&task=${encodeURIComponent(HOSTILE)}&perturb=${encodeURIComponent(HOSTILE)}&policy=${encodeURIComponent(HOSTILE)}`;
  await play(
    t,
    query,
    async (page) => {
      const notices = page.locator('#wobble-notices');
      await notices.waitFor();
      const text = await notices.innerText();
      assert.ok(text.includes('<script>window.__wobblePwned'), `the markup is shown as written: ${text}`);
      assert.ok(text.includes('(there are: airline, airline-randomized'), text);
      await page.screenshot({ path: `${SCREENSHOTS}security-hostile-link.png` });
      await assertClean(page);
    },
    { init: recordViolations },
  );
});

test('a hostile uploaded policy and a hostile imported episode are shown as text', async (t) => {
  await play(
    t,
    '?site=click-button&seed=1',
    async (page) => {
      // A real policy whose provenance is markup, under a file name that is markup too.
      const policy = JSON.parse(await readFile(`${POLICIES}click-button.json`, 'utf8'));
      policy.provenance.site = HOSTILE;
      policy.provenance.training = HOSTILE;
      policy.provenance.command = HOSTILE;
      await page.setInputFiles('#wobble-policy-upload', {
        name: '<img src=x onerror="window.__wobblePwned=1">.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(policy)),
      });
      await page.locator('#wobble-policies .saved-item').first().waitFor();
      assert.match(await page.locator('#wobble-policies').innerText(), /<img src=x onerror=/);

      // An episode record whose site name is markup: refused with a message that quotes it.
      await page.locator('#wobble-import').setInputFiles({
        name: 'episode.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify({ format: 'wobble-episode', version: 2, site: HOSTILE, task: HOSTILE, seed: 1, steps: [] })),
      });
      await page.locator('#wobble-notices').waitFor();
      await page.screenshot({ path: `${SCREENSHOTS}security-hostile-upload.png` });
      await assertClean(page);
    },
    { init: recordViolations },
  );
});

test('a hostile site file opened in the page is drawn as text and nothing in it runs', async (t) => {
  const SITES = fileURLToPath(new URL('../../sites/', import.meta.url));
  // click-button, with markup for its title, its instruction text and its button words. RON's
  // strings escape like JSON's.
  const ron = (text) => JSON.stringify(text);
  const words = ['<script>window.__wobblePwned = "word"</script>', 'javascript:window.__wobblePwned = 1', '<img src=x onerror="window.__wobblePwned = 2">'];
  const site = (await readFile(`${SITES}click-button.ron`, 'utf8'))
    .replace('name: "click-button"', 'name: "hostile"')
    .replace('title: "Quick Click"', `title: ${ron(HOSTILE)}`)
    .replace('"Pick one of the buttons below."', ron(HOSTILE))
    .replace('"Submit", "Cancel", "Okay",', `${words.map(ron).join(', ')},`);
  await play(
    t,
    '?site=click-button&seed=1',
    async (page) => {
      await page.locator('#wobble-site-file').setInputFiles({ name: 'hostile.ron', mimeType: 'text/plain', buffer: Buffer.from(site) });
      await page.waitForFunction(() => document.querySelector('#wobble-site-select')?.selectedOptions[0]?.textContent === 'hostile');
      const drawn = await page.locator('#wobble-site').innerText();
      assert.ok(drawn.includes('<script>window.__wobblePwned = "script"</script>'), 'the title is shown as text');
      // Play it through, seed after seed, so every hostile word is drawn on a button.
      const shown = new Set();
      for (let seed = 1; seed <= 12; seed++) {
        for (const label of await page.locator('#wobble-site [data-role="button"]').allInnerTexts()) shown.add(label);
        await page.locator('#wobble-site [data-role="button"]').first().click();
        await page.locator('#wobble-outcome').waitFor();
        await page.click('#wobble-new-episode');
      }
      for (const word of words) assert.ok(shown.has(word), `${word} was never drawn on a button`);
      await page.screenshot({ path: `${SCREENSHOTS}security-hostile-site.png` });
      await assertClean(page);
    },
    { init: recordViolations },
  );
});

test('a panic in the page shows what happened and a Reload link, not a frozen tab', async () => {
  const { context, page, log } = await openPage(browser, { viewport: VIEWPORT });
  try {
    await page.goto(server.url(`${SUB_PATH}?site=click-button&fault=page`));
    const fatal = page.locator('#wobble-fatal');
    await fatal.waitFor();
    assert.match(await fatal.innerText(), /Wobble stopped[\s\S]*fault injected by the link \(fault=page\)/);
    await page.screenshot({ path: `${SCREENSHOTS}fault-page.png` });
    assert.equal(await page.locator('#wobble-fatal-reload').getAttribute('href'), '');
    // The panic is logged, and nothing else went wrong.
    assert.ok(log.consoleErrors.some((e) => e.includes('fault=page')), 'the panic is in the console');
    assert.deepEqual(foreignRequests(log.requests), []);
  } finally {
    await context.close();
  }
});

test('a panic in the training worker is reported and a new worker trains without a reload', async () => {
  const { context, page, log } = await openPage(browser, { viewport: VIEWPORT });
  try {
    await page.goto(server.url(`${SUB_PATH}?site=click-button&seed=1&fault=worker`));
    await page.waitForSelector('#wobble-train-start');
    await page.fill('#wobble-train-episodes', '200');
    await page.click('#wobble-train-start');
    const failed = page.locator('#wobble-worker-failed');
    await failed.waitFor();
    assert.match(await failed.innerText(), /The training worker stopped: a fault injected by the page/);
    await page.screenshot({ path: `${SCREENSHOTS}fault-worker.png` });
    assert.equal(await page.locator('#wobble-train-status').getAttribute('data-state'), 'idle');

    await page.click('#wobble-worker-restart');
    await failed.waitFor({ state: 'detached' });
    await page.click('#wobble-train-start');
    await page.waitForFunction(() => document.querySelector('#wobble-train-status')?.dataset.state === 'done', null, {
      timeout: 120_000,
    });
    assert.equal(await page.locator('#wobble-fatal').count(), 0, 'the page itself kept going');
    // The worker's panic is logged first (a dying worker may log a follow-on panic as its task
    // queue unwinds); nothing else went wrong anywhere.
    assert.match(log.consoleErrors[0] ?? '', /^panicked at [\s\S]*fault=worker/);
    for (const error of log.consoleErrors) assert.match(error, /^panicked at /);
    assert.deepEqual(log.pageErrors, [], 'uncaught errors');
    assert.deepEqual(foreignRequests(log.requests), []);
  } finally {
    await context.close();
  }
});

test('a very long link value is quoted short and the page still works', async (t) => {
  const long = 'x'.repeat(5000);
  await play(t, `?site=${long}&perturb=${long}&policy=${long}`, async (page) => {
    const notices = page.locator('#wobble-notices');
    await notices.waitFor();
    const text = await notices.innerText();
    assert.ok(text.length < 1500, `the notices quote the link short: ${text.length} characters`);
    assert.match(text, /There is no site "x{37}\.\.\."/);
    assert.match(text, /far too long to be a list of perturbations/);
    assert.match(await page.locator('#wobble-instruction').innerText(), /^Book the cheapest flight/);
  });
});
