// The JavaScript example page (examples/js/) in headless Chromium: the page loads the module that
// `cargo xtask js` built into crates/js/pkg/web/, and its scripted agent earns +1 on click-button
// and on the bank transfer, then fails once the labels are reworded. The repository root is
// served (under the sub-path too, as a static host would), and the page must stay quiet: no
// uncaught errors, no console errors, no failed responses, no request beyond 127.0.0.1.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serveDist, SUB_PATH } from './serve.mjs';
import { launchBrowser, openPage } from './browser.mjs';
import { assertQuiet, SCREENSHOTS, VIEWPORT } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = `${SUB_PATH}examples/js/`;

let server;
let browser;

before(async () => {
  if (!existsSync(`${ROOT}crates/js/pkg/web/wobble_js.js`)) {
    throw new Error('crates/js/pkg/web/ has no built module: run `cargo xtask js` first');
  }
  server = await serveDist({ root: ROOT });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the example page at `query`, runs `body(page)`, then checks that the page stayed quiet. */
async function onPage(t, query, body) {
  const { context, page, log } = await openPage(browser, { viewport: VIEWPORT });
  try {
    await page.goto(server.url(`${PAGE}${query}`));
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('#error').innerText(), '', 'an error is shown');
    await body(page);
    assertQuiet(t, log);
    assert.ok(log.requests.some((u) => u.endsWith('/crates/js/pkg/web/wobble_js_bg.wasm')), 'the module was loaded');
  } finally {
    await context.close();
  }
}

/** Plays one episode with the page's button; the result line's reward. */
async function playEpisode(page) {
  await page.locator('#play').click();
  await page.waitForSelector('#result[data-reward]', { timeout: 20_000 });
  await page.locator('#play:not([disabled])').waitFor();
  return Number(await page.locator('#result').getAttribute('data-reward'));
}

test('js example: the scripted agent clicks the named button (+1)', async (t) => {
  await onPage(t, '?site=click-button&seed=5', async (page) => {
    assert.equal(await page.locator('#site').inputValue(), 'click-button/click-button');
    assert.match(await page.locator('#observation').innerText(), /^instruction: Click on the "\w+" button\./);
    assert.equal(await playEpisode(page), 1);
    assert.match(await page.locator('#result').innerText(), /^reward \+1 in 1 step: the task was done$/);
    assert.match(await page.locator('#log').innerText(), /click "\w+"/);
  });
});

test('js example: the agent does the bank transfer (+1), and fails once the labels are reworded', async (t) => {
  await onPage(t, '?site=bank&seed=1', async (page) => {
    assert.equal(await playEpisode(page), 1);
    assert.match(await page.locator('#observation').innerText(), /done: reward 1 \(the task was done\)/);
    assert.ok((await page.locator('#log li').count()) >= 8, 'a transfer takes several steps');
    await page.screenshot({ path: `${SCREENSHOTS}js-example-bank.png` });

    // Twenty fresh episodes with reworded labels: the rules no longer find their words.
    await page.locator('#perturb').fill('relabel:3');
    await page.locator('#perturb').dispatchEvent('change');
    await page.locator('#play-many').click();
    await page.waitForFunction(() => /of 20 episodes/.test(document.querySelector('#tally')?.textContent ?? ''), null, {
      timeout: 30_000,
    });
    const [, solved] = (await page.locator('#tally').innerText()).match(/solved (\d+) of 20/);
    assert.ok(Number(solved) < 20, `solved ${solved}/20 despite reworded labels`);
  });
});

test('js example: a bad perturbation spec is shown in the page, not thrown', async (t) => {
  await onPage(t, '?site=login-user', async (page) => {
    await page.locator('#perturb').fill('wobble:9');
    await page.locator('#perturb').dispatchEvent('change');
    await page.waitForFunction(() => document.querySelector('#error')?.textContent !== '');
    assert.match(await page.locator('#error').innerText(), /^new WobbleEnv: perturb "wobble:9": /);
    await page.locator('#perturb').fill('');
    await page.locator('#perturb').dispatchEvent('change');
    assert.equal(await playEpisode(page), 1);
    assert.equal(await page.locator('#error').innerText(), '');
  });
});
