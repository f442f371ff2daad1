// "Break it" in the built app (dist/) served under /wobble/: the agent card's search for the
// cheapest perturbation that breaks the agent now playing, run in a worker of the card's own.
//
// Each test opens the page with an agent, presses Break it and waits for the card's result; a
// break must come with its verified interval, be applied to the page (the URL's perturb= and the
// perturbation panel) and be carried by the card's reproduce link; a search that finds nothing
// must say why. The time each search took is logged as a diagnostic, never asserted. Every test
// also checks that the page threw nothing and asked no host but 127.0.0.1. Screenshots land in
// tests/e2e/screenshots/ (git-ignored).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, play, pollUntil, SCREENSHOTS } from './harness.mjs';

const POLICIES = new URL('../../policies/', import.meta.url);

useBrowser();

/** A search's generous limit: the reader's takes well under a second natively. */
const SEARCH_MS = 180_000;

const card = (page) => page.locator('#wobble-break');

/** The panel's perturbations as a set of `kind:severity`. */
async function panelSpec(page) {
  return page.locator('#wobble-perturb .perturb-row').evaluateAll((rows) =>
    rows
      .filter((row) => row.querySelector('input[type="checkbox"]').checked)
      .map((row) => {
        const pressed = row.querySelector('.severity-step[aria-pressed="true"]');
        return `${row.dataset.kind}:${pressed?.dataset.severity}`;
      })
      .sort(),
  );
}

const specSet = (spec) => spec.split(',').filter(Boolean).sort();

/** Presses Break it and waits for the search to end; its state and the seconds it took. */
async function breakIt(t, page) {
  const started = Date.now();
  await page.locator('#wobble-break-it').click();
  const state = await pollUntil(
    () => card(page).getAttribute('data-state'),
    (s) => s !== 'running' && s !== 'idle',
    { timeout: SEARCH_MS, interval: 250, what: 'the break search to end' },
  );
  const seconds = (Date.now() - started) / 1000;
  t.diagnostic(`the search ended (${state}) after ${seconds.toFixed(1)} s in the page`);
  return state;
}

test('Break it finds, applies and links the cheapest break of the pretrained reader', async (t) => {
  await play(t, '?site=airline&task=book-flight&seed=1&policy=airline&speed=turbo', async (page) => {
    // The agent has played before the search, so the counter can show the fall after it.
    await pollUntil(
      () => page.locator('#wobble-stats').getAttribute('data-episodes'),
      (n) => Number(n) >= 1,
      { what: 'the agent to finish an episode' },
    );
    const started = Date.now();
    await page.locator('#wobble-break-it').click();
    // Progress while it runs: the chart and the budget (a quick search may end before a look).
    const running = await card(page).getAttribute('data-state');
    if (running === 'running') {
      await page.screenshot({ path: `${SCREENSHOTS}break-running.png` });
    }
    const state = await pollUntil(
      () => card(page).getAttribute('data-state'),
      (s) => s !== 'running',
      { timeout: SEARCH_MS, interval: 250, what: 'the break search to end' },
    );
    assert.equal(state, 'found', await card(page).innerText());
    t.diagnostic(`the search ended (found) after ${((Date.now() - started) / 1000).toFixed(1)} s in the page`);

    const spec = await card(page).getAttribute('data-spec');
    assert.ok(spec, 'the card names the break');
    assert.equal(await page.locator('#wobble-break-spec').innerText(), spec);
    const interval = await page.locator('#wobble-break-interval').innerText();
    assert.match(interval, /^\d+\.\d% \(\d+\/\d+, 95% CI \d+\.\d–\d+\.\d%\)/);
    assert.ok(Number(await page.locator('#wobble-break-interval').getAttribute('data-high')) < 0.5);
    assert.match(await page.locator('#wobble-break-oracle').innerText(), /^100\.0% \(/);
    assert.match(await card(page).innerText(), /verified the cheapest break/);
    t.diagnostic(`break: ${spec}; agent ${interval}`);

    // Applied to the page: the URL and the perturbation panel say the same spec.
    await pollUntil(
      () => page.evaluate(() => new URLSearchParams(location.search).get('perturb')),
      (p) => p !== null && specSet(p).join() === specSet(spec).join(),
      { what: 'the URL to carry the break' },
    );
    assert.deepEqual(await panelSpec(page), specSet(spec));
    assert.match(await page.locator('#wobble-stat-before').innerText(), new RegExp(`since ${spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    // The reproduce link opens the same site, agent and spec.
    const href = await page.locator('#wobble-break-link').getAttribute('href');
    const link = new URL(href);
    assert.equal(link.searchParams.get('perturb'), spec);
    assert.equal(link.searchParams.get('policy'), 'airline');
    assert.equal(link.searchParams.get('site'), 'airline');
    assert.equal(link.searchParams.get('task'), 'book-flight');
    await page.screenshot({ path: `${SCREENSHOTS}break-found.png` });
  });
});

test('Break it on the random agent says there is nothing to break', async (t) => {
  await play(t, '?site=airline&task=book-flight&policy=random', async (page) => {
    assert.equal(await breakIt(t, page), 'none', await card(page).innerText());
    assert.match(await page.locator('#wobble-break-none').innerText(), /^Nothing broke it: .*nothing to break/);
    // The page's perturbations are left alone.
    assert.equal(await page.evaluate(() => new URLSearchParams(location.search).get('perturb')), null);
  });
});

test('Break it on a saved policy links the break with the policy in the fragment', async (t) => {
  await play(t, '?site=airline&task=book-flight', async (page) => {
    await page.setInputFiles('#wobble-policy-upload', {
      name: 'airline-randomized.json',
      mimeType: 'application/json',
      buffer: Buffer.from(await readFile(new URL('airline-randomized.json', POLICIES), 'utf8')),
    });
    const item = page.locator('#wobble-policies .saved-item').first();
    await item.waitFor();
    await item.locator('.button-play').click();
    assert.match(await page.locator('#wobble-policy-select').inputValue(), /^saved$/);
    const state = await breakIt(t, page);
    assert.ok(['found', 'none'].includes(state), await card(page).innerText());
    if (state === 'found') {
      const spec = await card(page).getAttribute('data-spec');
      const link = new URL(await page.locator('#wobble-break-link').getAttribute('href'));
      assert.equal(link.searchParams.get('perturb'), spec);
      assert.equal(link.searchParams.get('policy'), null, 'a saved policy is not named in the query');
      assert.match(link.hash, /^#policy=./);
      t.diagnostic(`saved policy break: ${spec}`);
    }
  });
});

test('Break it on the screen agent ends with a break or a reason', async (t) => {
  await play(t, '?site=airline&task=book-flight&policy=airline-screen', async (page) => {
    const state = await breakIt(t, page);
    assert.ok(['found', 'none'].includes(state), await card(page).innerText());
    if (state === 'found') {
      const spec = await card(page).getAttribute('data-spec');
      assert.deepEqual(await panelSpec(page), specSet(spec));
      t.diagnostic(`screen agent break: ${spec}; ${await page.locator('#wobble-break-interval').innerText()}`);
    }
  });
});
