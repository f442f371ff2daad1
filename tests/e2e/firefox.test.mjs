// The built app (dist/) in Firefox: Debian's firefox-esr, driven over WebDriver BiDi by
// puppeteer-core (which never downloads a browser). The other end-to-end files cover the app in
// depth in Chromium; this one checks that what a person does works in Firefox too: the landing
// page loads quietly, its agent books flights, a person plays small sites with mouse and keyboard,
// a policy trains in the web worker, the landing page's race counts what the native build counts,
// rewording the labels from the landing page changes the site and breaks the agent, Break it finds
// and applies the reader's cheapest break in its own worker, and a site
// typed in the site editor is located when wrong, drawn when fixed, trained on and carried by its
// link.
//
// Every test also checks that the page threw nothing, logged no error, and asked no host but
// 127.0.0.1. Screenshots land in tests/e2e/screenshots/ (git-ignored), named firefox-*.png.
//
// Without /usr/bin/firefox-esr (or $WOBBLE_FIREFOX) the tests are skipped, saying so, except in
// CI (CI=true), where a missing Firefox is a failure. `cargo xtask setup` installs it.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import puppeteer from 'puppeteer-core';
import { serveDist, SUB_PATH } from './serve.mjs';
import { foreignRequests } from './browser.mjs';
import { pollUntil, SCREENSHOTS, VIEWPORT } from './harness.mjs';
import { TINY_SITE, TINY_BROKEN } from './tiny-site.mjs';

/** The browser binary: Debian's Firefox ESR, or $WOBBLE_FIREFOX. */
const FIREFOX = process.env.WOBBLE_FIREFOX ?? '/usr/bin/firefox-esr';

const inCI = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());
const missing = !existsSync(FIREFOX);
const skip =
  missing && !inCI
    ? `${FIREFOX} not found: install Debian's firefox-esr (\`cargo xtask setup\` does) to run these tests`
    : false;

/**
 * Firefox preferences on top of puppeteer's own (which already turn off updates, telemetry and
 * first-run pages). Every connection to a host other than 127.0.0.1/localhost goes to a proxy on
 * the discard port, which refuses it at once: a stray external URL fails fast (it is still
 * recorded, and the tests catch it), and the browser cannot phone home on its own.
 */
const FIREFOX_PREFS = {
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': 9,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': 9,
  'network.proxy.share_proxy_settings': true,
  'network.proxy.no_proxies_on': '127.0.0.1, localhost',
  'network.proxy.allow_hijacking_localhost': false,
};

let server;
let browser;

const shot = (page, name) => page.screenshot({ path: `${SCREENSHOTS}firefox-${name}.png` });

/**
 * Runs `body(page)` on a fresh page (in its own browser context) at `query` under the sub-path,
 * once the app has drawn its task, then checks that the page stayed quiet. Returns the log:
 * { console: [{ type, text }], consoleErrors, pageErrors, requests, failedRequests, httpErrors }.
 */
async function play(t, query, body) {
  const context = await browser.createBrowserContext();
  const log = { console: [], consoleErrors: [], pageErrors: [], requests: [], failedRequests: [], httpErrors: [] };
  try {
    const page = await context.newPage();
    page.on('console', (message) => {
      log.console.push({ type: message.type(), text: message.text() });
      if (message.type() === 'error') log.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => log.pageErrors.push(String(error?.stack ?? error)));
    page.on('request', (request) => log.requests.push(request.url()));
    page.on('requestfailed', (request) =>
      log.failedRequests.push({ url: request.url(), error: request.failure()?.errorText }),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) log.httpErrors.push({ url: response.url(), status: response.status() });
    });
    await page.setViewport(VIEWPORT);
    const response = await page.goto(server.url(`${SUB_PATH}${query}`));
    assert.equal(response?.status(), 200, 'index.html is served');
    await page.waitForSelector('#wobble-instruction', { timeout: 30_000 });
    await body(page, log);
    for (const { type, text } of log.console) t.diagnostic(`console.${type}: ${text}`);
    assert.deepEqual(log.pageErrors, [], 'uncaught errors in the page');
    assert.deepEqual(log.consoleErrors, [], 'console errors');
    assert.deepEqual(foreignRequests(log.requests), [], 'requests to hosts other than 127.0.0.1');
    assert.deepEqual(log.httpErrors, [], `failed responses; server log:\n${server.requests.join('\n')}`);
    assert.deepEqual(log.failedRequests, [], 'requests that failed');
    return log;
  } finally {
    await context.close();
  }
}

/** The inner text of the first element matching `selector`. */
const text = (page, selector) => page.$eval(selector, (el) => el.innerText);

/** The success counter: { episodes, successes }. */
const stats = (page) =>
  page.$eval('#wobble-stats', (box) => ({
    episodes: Number(box.dataset.episodes),
    successes: Number(box.dataset.successes),
  }));

/** Waits until the counter satisfies `pred` (a function of { episodes, successes }). */
const waitForStats = (page, pred, timeout) => pollUntil(() => stats(page), pred, { timeout, what: 'the counter' });

/** Waits until the page's query string contains `part`. */
const waitForQuery = (page, part) =>
  page.waitForFunction((p) => location.search.includes(p), { timeout: 10_000 }, part);

/** Waits for the episode to end; returns { reward, text } from #wobble-outcome. */
async function outcome(page) {
  const box = await page.waitForSelector('#wobble-outcome', { timeout: 10_000 });
  return {
    reward: await box.evaluate((el) => el.dataset.reward),
    text: await box.evaluate((el) => el.innerText),
  };
}

/** Puts `value` in the site editor as typing would (one input event). */
const typeSite = (page, value) =>
  page.$eval(
    '#wobble-editor-text',
    (el, v) => {
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );

/** Waits until the site editor's status is `state`; returns its data set. */
const waitForEditor = (page, state) =>
  pollUntil(
    () => page.$eval('#wobble-editor-status', (el) => ({ ...el.dataset })),
    (s) => s.state === state,
    { timeout: 10_000, what: `the editor to be ${state}` },
  );

/** The texts of the site's labels, buttons and links, in page order. */
const labelTexts = (page) =>
  page.$$eval(
    '#wobble-site :is([data-role="label"], [data-role="button"], [data-role="link"])',
    (els) => els.map((el) => el.innerText),
  );

describe('Firefox ESR', { skip }, () => {
  before(async () => {
    if (missing) {
      throw new Error(`${FIREFOX} not found, and in CI (CI=${process.env.CI}) Firefox is required: run \`cargo xtask setup\``);
    }
    await mkdir(SCREENSHOTS, { recursive: true });
    server = await serveDist();
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      extraPrefsFirefox: FIREFOX_PREFS,
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the landing page loads under the sub-path with no errors, wasm and all', async (t) => {
    t.diagnostic(`browser: ${await browser.version()}`);
    const log = await play(t, '', async (page) => {
      assert.match(await text(page, '#wobble-instruction'), /^Book the cheapest flight from /);
      assert.equal(await page.$eval('#wobble-policy-select', (el) => el.value), 'airline');
      assert.equal(await text(page, '#wobble-site [data-key="banner"]'), 'SkyWays');
      // The app's own styles sit in `@scope (.app) to (.site-page)`, which Firefox has from
      // version 146: without it the controls would be drawn unstyled.
      assert.equal(await page.$eval('.card', (el) => getComputedStyle(el).borderTopLeftRadius), '12px');
      // The agent starts on its own: the step counter moves.
      await page.waitForFunction(
        () => !/^step 0 \//.test(document.querySelector('#wobble-steps')?.innerText ?? 'step 0 /'),
        { timeout: 15_000 },
      );
      await shot(page, 'landing');
    });
    // Relative URLs: the wasm modules (app and training worker) come from below the sub-path.
    const wasm = log.requests.filter((url) => url.endsWith('.wasm'));
    assert.ok(wasm.length > 0, `no .wasm request seen among ${log.requests.join(', ')}`);
    for (const url of wasm) {
      assert.ok(new URL(url).pathname.startsWith(SUB_PATH), `${url} is outside ${SUB_PATH}`);
    }
  });

  test('the landing agent books flights and the success counter rises', async (t) => {
    await play(t, '', async (page) => {
      await page.select('#wobble-speed-select', 'fast');
      await waitForQuery(page, 'speed=fast');
      await waitForStats(page, (s) => s.successes >= 3, 60_000);
      const s = await stats(page);
      t.diagnostic(`unperturbed: ${s.successes} successes in ${s.episodes} episodes`);
      assert.ok(s.successes >= 3, JSON.stringify(s));
      assert.ok(s.successes / s.episodes >= 0.6, `unperturbed, it mostly succeeds: ${JSON.stringify(s)}`);
      assert.match(await text(page, '#wobble-stat-rate'), /^\d+%$/);
      // The inspector names the agent's top choices.
      await page.waitForSelector('#wobble-choices li', { timeout: 10_000 });
      await shot(page, 'agent');
    });
  });

  test('click-button: a person clicks the named button and gets +1', async (t) => {
    await play(t, '?site=click-button&seed=3', async (page) => {
      const instruction = await text(page, '#wobble-instruction');
      const word = instruction.match(/"([^"]+)"/)?.[1];
      assert.ok(word, `no quoted word in ${JSON.stringify(instruction)}`);
      assert.equal(await text(page, '#wobble-steps'), 'step 0 / 10');
      const buttons = await page.$$('#wobble-site [data-role="button"]');
      const matching = [];
      for (const button of buttons) {
        if ((await button.evaluate((el) => el.innerText.trim())) === word) matching.push(button);
      }
      assert.equal(matching.length, 1, `one of ${buttons.length} buttons reads ${word}`);
      await matching[0].click();
      const { reward, text: said } = await outcome(page);
      assert.equal(reward, '1', said);
      assert.match(said, /\+1/);
      assert.equal(await text(page, '#wobble-steps'), 'step 1 / 10');
      // The site is finished with: its buttons no longer act.
      assert.ok(await matching[0].evaluate((el) => el.disabled));
      await shot(page, 'click-button');
    });
  });

  test('choose-date: a person types the date, presses Enter and gets +1', async (t) => {
    await play(t, '?site=choose-date&seed=9', async (page) => {
      const date = (await text(page, '#wobble-instruction')).match(/\d\d\/\d\d\/\d{4}/)?.[0];
      assert.ok(date, 'a date in the instruction');
      const field = await page.waitForSelector('#wobble-site [data-key="datepicker"]');
      await field.click();
      await field.type(date);
      await field.press('Enter');
      const { reward, text: said } = await outcome(page);
      assert.equal(reward, '1', said);
      // One step to type, one for the Enter key.
      assert.equal(await text(page, '#wobble-steps'), 'step 2 / 10');
    });
  });

  test('training in the web worker runs, draws its charts and heat map, and saves the policy', async (t) => {
    await play(t, '?site=click-button&seed=1', async (page) => {
      const episodes = await page.waitForSelector('#wobble-train-episodes');
      await episodes.evaluate((el) => {
        el.value = '';
      });
      await episodes.type('300');
      // From scratch, without copying the oracle first.
      const warm = await page.waitForSelector('#wobble-train-warm-start');
      await warm.evaluate((el) => {
        el.value = '';
      });
      await warm.type('0');
      await page.click('#wobble-train-start');
      await page.waitForFunction(
        () => document.querySelector('#wobble-train-status')?.dataset.state === 'done',
        { timeout: 60_000, polling: 100 },
      );
      const status = await text(page, '#wobble-train-status');
      t.diagnostic(`status: ${status}`);
      assert.match(status, /Episode 300 of 300/);
      for (const id of ['#wobble-chart-success', '#wobble-chart-return', '#wobble-chart-steps']) {
        const box = await page.$eval(id, (el) => {
          const r = el.getBoundingClientRect();
          return { width: r.width, height: r.height };
        });
        assert.ok(box.width > 100 && box.height > 50, `${id} is drawn: ${JSON.stringify(box)}`);
      }
      await page.waitForSelector('#wobble-heat svg', { timeout: 60_000 });
      assert.match(await text(page, '#wobble-policies .saved-item'), /click-button\/click-button · ppo · 300 episodes/);
      const panel = await page.$('#wobble-train');
      await panel.screenshot({ path: `${SCREENSHOTS}firefox-train-panel.png` });
    });
  });

  test("the landing's race: a new font blinds the screen agent, episode for episode as natively", async (t) => {
    const golden = JSON.parse(await readFile(new URL('./golden/race.json', import.meta.url), 'utf8'));
    const counters = (page) =>
      page.$$eval('.race-row', (rows) =>
        Object.fromEntries(rows.map((r) => [r.id.replace('wobble-race-', ''), {
          episodes: Number(r.dataset.episodes),
          successes: Number(r.dataset.successes),
        }])),
      );
    const ran = (n) => (c) => c.reader?.episodes >= n && c.screen?.episodes >= n;
    const native = (spec, c) => {
      for (const agent of ['reader', 'screen']) {
        const bits = golden[spec][agent].slice(0, c[agent].episodes);
        assert.equal(c[agent].successes, [...bits].filter((b) => b === '1').length, `${agent} under "${spec}"`);
      }
    };
    await play(t, '', async (page) => {
      native('', await pollUntil(() => counters(page), ran(8), { timeout: 60_000, what: 'the race' }));
      await page.click('#wobble-font');
      await waitForQuery(page, 'perturb=font:3');
      const c = await pollUntil(() => counters(page), ran(8), { timeout: 60_000, what: 'the race in the new font' });
      native('font:3', c);
      assert.equal(c.screen.successes, 0, JSON.stringify(c));
      await shot(page, 'race-font');
    });
  });

  test("the landing's Reword the labels button rewords the site and breaks the agent", async (t) => {
    // At step speed the agent waits, so the page can be compared before and after.
    await play(t, '?speed=step', async (page) => {
      assert.equal(await text(page, '#wobble-steps'), 'step 0 / 40');
      const plain = await labelTexts(page);
      assert.ok(plain.length > 0, 'the site has labels');

      await page.click('#wobble-reword');
      await waitForQuery(page, 'perturb=relabel:3');
      await page.waitForSelector('#wobble-changes');
      assert.match(await text(page, '#wobble-changes'), /relabel/i);
      assert.match(await text(page, '#wobble-reword'), /Restore the labels/);
      // The episode starts again on the same page, which now reads differently.
      assert.equal(await text(page, '#wobble-steps'), 'step 0 / 40');
      const reworded = await labelTexts(page);
      assert.equal(reworded.length, plain.length);
      assert.ok(
        reworded.some((label, i) => label !== plain[i]),
        `no label changed: ${JSON.stringify(plain)}`,
      );
      await shot(page, 'reworded');

      // Let the agent loose on the reworded site: it now mostly fails.
      await page.select('#wobble-speed-select', 'turbo');
      await waitForQuery(page, 'speed=turbo');
      await waitForStats(page, (s) => s.episodes >= 12, 90_000);
      const after = await stats(page);
      t.diagnostic(`reworded: ${after.successes} successes in ${after.episodes} episodes`);
      assert.ok(after.successes / after.episodes < 0.5, `after: ${JSON.stringify(after)}`);
    });
  });

  test("Break it finds the reader's cheapest break in its worker and puts it on the site", async (t) => {
    await play(t, '?site=airline&task=book-flight&policy=airline&speed=turbo', async (page) => {
      await waitForStats(page, (s) => s.episodes >= 1, 60_000);
      await page.click('#wobble-break-it');
      const state = await pollUntil(
        () => page.$eval('#wobble-break', (el) => el.dataset.state),
        (s) => s === 'found' || s === 'none' || s === 'failed',
        { timeout: 180_000, interval: 250, what: 'the break search to end' },
      );
      assert.equal(state, 'found', await text(page, '#wobble-break'));
      const spec = await page.$eval('#wobble-break', (el) => el.dataset.spec);
      assert.match(await text(page, '#wobble-break-interval'), /^\d+\.\d% \(\d+\/\d+, 95% CI /);
      // The search is the same code as natively: the same break as `wobble break` finds.
      await page.waitForFunction((p) => new URLSearchParams(location.search).get('perturb') === p, { timeout: 10_000 }, spec);
      t.diagnostic(`break: ${spec}`);
      await shot(page, 'break-found');
    });
  });

  test('a site typed in the editor is located when wrong, drawn when fixed, trained on and carried by its link', async (t) => {
    let address;
    await play(t, '?site=click-button&seed=1', async (page) => {
      await page.click('#wobble-edit-site');
      await waitForEditor(page, 'ok');
      await typeSite(page, TINY_BROKEN);
      const broken = await waitForEditor(page, 'error');
      assert.deepEqual([broken.line, broken.column], ['28', '25']);
      assert.equal(await text(page, '#wobble-editor-error-at'), 'Line 28, column 25');
      assert.deepEqual(await page.$$eval('#wobble-editor-gutter .gutter-error', (els) => els.map((el) => el.innerText)), ['28']);
      await typeSite(page, TINY_SITE);
      await waitForEditor(page, 'ok');
      await waitForQuery(page, 'site=tiny-buttons');
      assert.equal((await page.$$('#wobble-site [data-role="button"]')).length, 3);
      const episodes = await page.waitForSelector('#wobble-train-episodes');
      await episodes.evaluate((el) => {
        el.value = '';
      });
      await episodes.type('200');
      await page.click('#wobble-train-start');
      await page.waitForFunction(
        () => document.querySelector('#wobble-train-status')?.dataset.state === 'done',
        { timeout: 60_000, polling: 100 },
      );
      assert.match(await text(page, '#wobble-policies .saved-item'), /tiny-buttons\/pick · ppo · 200 episodes/);
      await page.click('#wobble-editor-link');
      const link = await page.waitForSelector('#wobble-site-link');
      address = await link.evaluate((el) => el.value);
      assert.match(address, /\/wobble\/\?site=tiny-buttons&task=pick&seed=1#site=ws1\./);
      await shot(page, 'editor');
    });
    await play(t, address.slice(address.indexOf(SUB_PATH) + SUB_PATH.length), async (page) => {
      await waitForEditor(page, 'ok');
      assert.equal(await page.$eval('#wobble-editor-text', (el) => el.value), TINY_SITE);
      assert.match(await text(page, '#wobble-address'), /tiny-buttons/);
    });
  });
});
