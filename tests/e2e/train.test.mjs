// Training in the built app (dist/) served under /wobble/: the training panel drives the worker,
// the page stays responsive while it learns, and policies are kept, uploaded and checked.
//
// Responsiveness is measured with a PerformanceObserver('longtask') installed before the app
// loads (page.addInitScript); only tasks that start after the Start click count, so the initial
// page load is excluded. Every test also checks that the page threw nothing and asked no host
// but 127.0.0.1. Screenshots land in tests/e2e/screenshots/ (git-ignored).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SUB_PATH } from './serve.mjs';
import { openPage, foreignRequests } from './browser.mjs';
import { useBrowser, pollUntil, server, browser, SCREENSHOTS, VIEWPORT } from './harness.mjs';

const POLICIES = fileURLToPath(new URL('../../policies/', import.meta.url));
const STORAGE_PREFIX = 'wobble.policy.v1.';

useBrowser();

/** Records every long task (over 50 ms) of the main thread into window.__wobbleLongTasks. */
function observeLongTasks() {
  window.__wobbleLongTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__wobbleLongTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask' });
}

/** Runs `body(page)` on a fresh page at `query`, then checks that the page stayed quiet. */
async function withPage(t, query, body, { init } = {}) {
  const { context, page, log } = await openPage(browser, { viewport: VIEWPORT });
  try {
    await page.addInitScript(observeLongTasks);
    if (init) await page.addInitScript(init.script, init.arg);
    await page.goto(server.url(`${SUB_PATH}${query}`));
    await page.waitForSelector('#wobble-train-start');
    await body(page);
    for (const { type, text } of log.console) t.diagnostic(`console.${type}: ${text}`);
    assert.deepEqual(log.pageErrors, [], 'uncaught errors in the page');
    assert.deepEqual(log.consoleErrors, [], 'console errors');
    assert.deepEqual(foreignRequests(log.requests), [], 'requests to hosts other than 127.0.0.1');
    assert.deepEqual(log.httpErrors, [], 'failed responses');
    return log;
  } finally {
    await context.close();
  }
}

const status = (page) => page.locator('#wobble-train-status');

/** Uploads a shipped policy file into the library; returns its entry once listed. */
async function uploadShipped(page, file) {
  await page.setInputFiles('#wobble-policy-upload', {
    name: file,
    mimeType: 'application/json',
    buffer: Buffer.from(await readFile(`${POLICIES}${file}`, 'utf8')),
  });
  const item = page.locator('#wobble-policies .saved-item').first();
  await item.waitFor();
  return item;
}

/** Waits until the status line satisfies `predicate(state, episodes, success)`. */
const waitForStatus = (page, predicate, timeout = 120_000) =>
  pollUntil(
    () =>
      page.evaluate(() => {
        const el = document.querySelector('#wobble-train-status');
        return el ? [el.dataset.state, Number(el.dataset.episodes ?? 0), Number(el.dataset.success ?? 0)] : [];
      }),
    (status) => status.length > 0 && predicate(...status),
    { timeout, interval: 100, what: 'the training status' },
  );

test('PPO learns click-button in the worker to 90% success with no long task in the page', async (t) => {
  await withPage(t, '?site=click-button&seed=1', async (page) => {
    await page.fill('#wobble-train-episodes', '1500');
    // From scratch: no copying of the oracle first, so that this is PPO's own learning.
    await page.fill('#wobble-train-warm-start', '0');
    const started = await page.evaluate(() => performance.now());
    await page.click('#wobble-train-start');
    await waitForStatus(page, (state, episodes, success) => success >= 0.9);
    t.diagnostic(`status at 90%: ${await status(page).innerText()}`);
    // Training runs until its last episode: the whole run counts.
    await waitForStatus(page, (state) => state === 'done');
    const ended = await page.evaluate(() => performance.now());
    // Long-task entries arrive asynchronously: give the observer a frame to deliver them.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    const long = await page.evaluate(
      ([from, to]) => window.__wobbleLongTasks.filter((e) => e.start >= from && e.start <= to),
      [started, ended],
    );
    t.diagnostic(`training took ${Math.round(ended - started)} ms`);
    assert.deepEqual(long, [], 'main-thread tasks over 50 ms while training');
    t.diagnostic(`status: ${await status(page).innerText()}`);

    // The run is saved, and its sweep shows as a heat map.
    assert.match(await status(page).innerText(), /Episode 1500 of 1500/);
    await page.waitForSelector('#wobble-heat svg', { timeout: 120_000 });
    // Hovering a cell tells its success with the episode count and 95% interval.
    const cellTitles = await page.locator('#wobble-heat svg title').allTextContents();
    assert.ok(cellTitles.length > 40, `${cellTitles.length} cells`);
    assert.ok(cellTitles.every((t) => /^\d+\.\d% \(\d+\/\d+, 95% CI \d+\.\d–\d+\.\d%\)$/.test(t)), cellTitles[0]);
    for (const id of ['#wobble-chart-success', '#wobble-chart-return', '#wobble-chart-steps']) {
      assert.ok(await page.locator(id).isVisible(), `${id} is drawn`);
    }
    assert.match(await page.locator('#wobble-chart-success').textContent(), /success \(%\)/);
    const saved = page.locator('#wobble-policies .saved-item');
    assert.equal(await saved.count(), 1);
    assert.match(await saved.first().innerText(), /click-button\/click-button · ppo · 1500 episodes/);
    const keys = await page.evaluate((prefix) => Object.keys(localStorage).filter((k) => k.startsWith(prefix)), STORAGE_PREFIX);
    assert.equal(keys.length, 1, 'the policy is in local storage');

    // The saved policy downloads as a policy file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      saved.first().getByRole('button', { name: 'Download' }).click(),
    ]);
    const file = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(file.format, 'wobble-policy');
    assert.equal(file.provenance.site, 'click-button');

    await page.locator('#wobble-train').screenshot({ path: `${SCREENSHOTS}train-panel.png` });
    await page.screenshot({ path: `${SCREENSHOTS}train-page.png` });
  });
});

test('plain and randomized training compare under the current perturbations', async (t) => {
  await withPage(t, '?site=click-button&seed=1&perturb=popup:1', async (page) => {
    await page.fill('#wobble-train-episodes', '600');
    await page.click('#wobble-train-start');
    await waitForStatus(page, (state) => state === 'done');
    await page.locator('#wobble-policies .saved-item').first().waitFor();
    await page.check('#wobble-train-randomize');
    await page.click('#wobble-train-start');
    await page.waitForFunction(() => document.querySelectorAll('#wobble-policies .saved-item').length === 2, null, {
      timeout: 120_000,
    });
    const bars = page.locator('#wobble-compare [data-label]');
    await page.waitForSelector('#wobble-compare', { timeout: 120_000 });
    assert.deepEqual(await bars.evaluateAll((els) => els.map((e) => e.dataset.label)), ['trained plain', 'trained randomized']);
    for (const bar of await bars.evaluateAll((els) => els.map((e) => ({ ...e.dataset, title: e.querySelector('title')?.textContent })))) {
      const rate = Number(bar.rate);
      const [low, high] = bar.ci.split('-').map(Number);
      assert.ok(rate >= 0 && rate <= 1, `rate ${rate}`);
      // Every rate carries its episode count and 95% interval (on evaluation seeds).
      assert.ok(Number(bar.episodes) > 0 && low <= rate && rate <= high, JSON.stringify(bar));
      assert.match(bar.title, /episodes, 95% CI/);
    }
    assert.match(await page.locator('#wobble-compare').textContent(), /Success under popup:1/);
    assert.match(await page.locator('#wobble-policies').innerText(), /randomized/);
    await page.locator('#wobble-compare').screenshot({ path: `${SCREENSHOTS}train-compare.png` });
  });
});

test('pause holds training, resume carries on, stop keeps the policy so far', async (t) => {
  await withPage(t, '?site=enter-text&seed=1', async (page) => {
    await page.fill('#wobble-train-episodes', '200000');
    const started = await page.evaluate(() => performance.now());
    await page.click('#wobble-train-start');
    await waitForStatus(page, (state, episodes) => state === 'running' && episodes > 0, 30_000);
    await page.click('#wobble-train-pause');
    await waitForStatus(page, (state) => state === 'paused', 10_000);
    const paused = Number(await status(page).getAttribute('data-episodes'));
    // Paused means no progress at all: a second of nothing new.
    await page.waitForTimeout(1000);
    assert.equal(Number(await status(page).getAttribute('data-episodes')), paused);
    await page.click('#wobble-train-resume');
    await page.waitForFunction(
      (before) => {
        const el = document.querySelector('#wobble-train-status');
        return el.dataset.state === 'running' && Number(el.dataset.episodes) > before;
      },
      paused,
      { timeout: 30_000 },
    );
    await page.click('#wobble-train-stop');
    await waitForStatus(page, (state) => state === 'done', 30_000);
    const long = await page.evaluate((from) => window.__wobbleLongTasks.filter((e) => e.start >= from), started);
    assert.deepEqual(long, [], 'main-thread tasks over 50 ms while training, pausing and stopping');
    const item = page.locator('#wobble-policies .saved-item');
    await item.first().waitFor();
    assert.match(await item.first().innerText(), /stopped/);
  });
});

test('uploads: a bad file gives a readable error, a good one is listed', async (t) => {
  await withPage(t, '?site=click-button&seed=1', async (page) => {
    const upload = (name, text) =>
      page.setInputFiles('#wobble-policy-upload', { name, mimeType: 'application/json', buffer: Buffer.from(text) });

    await upload('notes.json', 'this is not json');
    const error = page.locator('#wobble-train-error');
    await error.waitFor();
    assert.match(await error.innerText(), /"notes\.json" is not a usable policy: not a JSON policy file/);

    await upload('other.json', JSON.stringify({ format: 'something-else', version: 1 }));
    await page.waitForFunction(() => /not a Wobble policy file/.test(document.querySelector('#wobble-train-error')?.innerText ?? ''));
    assert.equal(await page.locator('#wobble-policies .saved-item').count(), 0, 'nothing was saved');

    await upload('click-button.json', await readFile(`${POLICIES}click-button.json`, 'utf8'));
    await page.locator('#wobble-policies .saved-item').first().waitFor();
    assert.match(await page.locator('#wobble-policies').innerText(), /uploaded · click-button\.json/);
    assert.equal(await error.count(), 0, 'the error is gone');
  });
});

test('a corrupt saved policy is reported and skipped; the others stay', async (t) => {
  const good = await readFile(`${POLICIES}click-button.json`, 'utf8');
  await withPage(
    t,
    '?site=click-button&seed=1',
    async (page) => {
      await page.waitForSelector('.train-notice');
      assert.match(await page.locator('.train-notice').innerText(), /wobble\.policy\.v1\.1.*cannot be read/);
      const items = page.locator('#wobble-policies .saved-item');
      assert.equal(await items.count(), 1);
      assert.match(await items.first().innerText(), /kept/);
      const kept = await page.evaluate(() => localStorage.getItem('wobble.policy.v1.1'));
      assert.equal(kept, '{"name": "broken", "policy": ', 'the corrupt value is left as it was');
    },
    {
      init: {
        script: ([good]) => {
          if (sessionStorage.getItem('seeded')) return;
          sessionStorage.setItem('seeded', '1');
          localStorage.setItem('wobble.policy.v1.1', '{"name": "broken", "policy": ');
          localStorage.setItem('wobble.policy.v1.2', JSON.stringify({ name: 'kept', randomized: false, policy: good }));
        },
        arg: [good],
      },
    },
  );
});

test('an upload over the size limit is refused without being read', async (t) => {
  await withPage(t, '?site=click-button&seed=1', async (page) => {
    // 9 MiB of spaces: over the 8 MiB limit on policy files (wobble_engine::limits).
    await page.setInputFiles('#wobble-policy-upload', {
      name: 'huge.json',
      mimeType: 'application/json',
      buffer: Buffer.alloc(9 << 20, ' '),
    });
    const error = page.locator('#wobble-train-error');
    await error.waitFor();
    assert.match(await error.innerText(), /"huge\.json" was not read: the policy file is 9 MiB; policy files over 8 MiB are refused/);
    assert.equal(await page.locator('#wobble-policies .saved-item').count(), 0, 'nothing was added');
  });
});

test('with local storage full, an uploaded policy is kept for the visit, marked unsaved, and can be downloaded', async (t) => {
  const good = await readFile(`${POLICIES}click-button.json`, 'utf8');
  await withPage(t, '?site=click-button&seed=1', async (page) => {
    // Fill the origin's storage until the browser refuses even one more character: large
    // chunks first, then ever smaller ones into what is left.
    const filled = await page.evaluate(() => {
      let n = 0;
      let refusal = 'none';
      for (const size of [256 * 1024, 16 * 1024, 1024, 64, 1]) {
        const chunk = 'x'.repeat(size);
        try {
          for (let i = 0; i < 10_000; i++, n++) localStorage.setItem(`filler.${n}`, chunk);
        } catch (e) {
          refusal = e.name;
        }
      }
      return { n, name: refusal };
    });
    assert.equal(filled.name, 'QuotaExceededError', `storage never filled (${filled.n} chunks)`);
    await page.setInputFiles('#wobble-policy-upload', { name: 'click-button.json', mimeType: 'application/json', buffer: Buffer.from(good) });
    const error = page.locator('#wobble-train-error');
    await error.waitFor();
    assert.match(await error.innerText(), /was not saved: this browser's storage for the page is full.*download it to keep it/s);
    const item = page.locator('#wobble-policies .saved-item');
    await item.first().waitFor();
    assert.match(await item.first().innerText(), /uploaded · click-button\.json · not saved/);
    const download = page.waitForEvent('download');
    await item.first().getByRole('button', { name: 'Download' }).click();
    const file = await download;
    const text = await readFile(await file.path(), 'utf8');
    assert.equal(text, good, 'the unsaved policy downloads whole');
  });
});

test('a site opened from a file is trained on in the worker, saved and swept like a shipped one', async (t) => {
  const SITES = fileURLToPath(new URL('../../sites/', import.meta.url));
  const site = (await readFile(`${SITES}click-button.ron`, 'utf8')).replace('name: "click-button"', 'name: "my-buttons"');
  await withPage(t, '?site=click-button&seed=1', async (page) => {
    await page.locator('#wobble-site-file').setInputFiles({ name: 'my-buttons.ron', mimeType: 'text/plain', buffer: Buffer.from(site) });
    await page.waitForFunction(() => document.querySelector('#wobble-site-select')?.selectedOptions[0]?.textContent === 'my-buttons');
    await page.fill('#wobble-train-episodes', '200');
    await page.click('#wobble-train-start');
    await waitForStatus(page, (state) => state === 'done');
    assert.equal(await page.locator('#wobble-train-error').count(), 0, 'no training error');
    const saved = page.locator('#wobble-policies .saved-item');
    await saved.first().waitFor();
    assert.match(await saved.first().innerText(), /my-buttons\/click-button · ppo · 200 episodes/);
    // Its sweep runs on the opened site too, and draws a heat map titled with it.
    await page.waitForSelector('#wobble-heat svg', { timeout: 120_000 });
    assert.match(await page.locator('#wobble-heat').textContent(), /my-buttons/);
    await page.screenshot({ path: `${SCREENSHOTS}train-opened-site.png` });
  });
});

test('a saved policy plays: Play on its library entry opens its site and the agent counts', async (t) => {
  await withPage(t, '?speed=turbo', async (page) => {
    const item = await uploadShipped(page, 'click-button.json');
    await item.locator('.button-play').click();
    await page.waitForURL(/site=click-button/);
    assert.equal(await page.locator('#wobble-policy-select').inputValue(), 'saved');
    assert.match(
      await page.locator('#wobble-policy-select').evaluate((el) => el.selectedOptions[0].text),
      /^Saved: .*click-button\.json/,
    );
    const stats = await pollUntil(
      () => page.locator('#wobble-stats').evaluate((b) => ({ episodes: +b.dataset.episodes, successes: +b.dataset.successes })),
      (s) => s.episodes >= 20,
      { timeout: 30_000, what: 'twenty episodes of the saved policy' },
    );
    assert.ok(stats.successes / stats.episodes > 0.8, JSON.stringify(stats));
  });
});

test('saved policies are listed in the Policy menu, with their site, and play from it', async (t) => {
  await withPage(t, '?speed=turbo', async (page) => {
    await uploadShipped(page, 'click-button.json');
    const option = page.locator('#wobble-policy-select optgroup option', { hasText: 'click-button/click-button · uploaded · click-button.json' });
    await option.waitFor({ state: 'attached' });
    await page.selectOption('#wobble-policy-select', await option.getAttribute('value'));
    await page.waitForURL(/site=click-button/);
    assert.equal(await page.locator('#wobble-policy-select').inputValue(), 'saved');
    await pollUntil(
      () => page.locator('#wobble-stats').evaluate((b) => +b.dataset.episodes),
      (n) => n >= 5,
      { timeout: 30_000, what: 'episodes of the policy picked from the menu' },
    );
  });
});

test('a saved policy travels in a link: Link shows its address, which plays it in a fresh browser', async (t) => {
  let address;
  await withPage(t, '', async (page) => {
    const item = await uploadShipped(page, 'click-button.json');
    await item.locator('.button-link').click();
    address = await page.locator('#wobble-policy-link').inputValue();
    assert.match(address, /^http:\/\/127\.0\.0\.1:\d+\/wobble\/#policy=wp1\.[A-Za-z0-9_-]+$/);
    t.diagnostic(`the link is ${address.length} characters`);
    await page.locator('#wobble-train').screenshot({ path: `${SCREENSHOTS}train-policy-link.png` });
  });
  const fragment = address.slice(address.indexOf('#'));
  // Another browser context: its storage is empty, so the policy comes from the link alone.
  await withPage(t, `?speed=turbo${fragment}`, async (page) => {
    await page.waitForURL(/site=click-button/);
    assert.equal(await page.locator('#wobble-policy-select').inputValue(), 'saved');
    assert.match(
      await page.locator('#wobble-policy-select').evaluate((el) => el.selectedOptions[0].text),
      /^Saved: from a link · click-button\/click-button · 700 episodes/,
    );
    assert.match(await page.locator('#wobble-policies').innerText(), /from a link/);
    const stats = await pollUntil(
      () => page.locator('#wobble-stats').evaluate((b) => ({ episodes: +b.dataset.episodes, successes: +b.dataset.successes })),
      (s) => s.episodes >= 20,
      { timeout: 30_000, what: 'twenty episodes of the policy from the link' },
    );
    assert.ok(stats.successes / stats.episodes > 0.8, JSON.stringify(stats));
  });
  // A link cut short is reported, and the page plays on as it opens without one.
  await withPage(t, fragment.slice(0, fragment.length / 2), async (page) => {
    const notice = page.locator('.notice-error', { hasText: 'The link carries a policy that cannot be played' });
    await notice.waitFor();
    assert.notEqual(await page.locator('#wobble-policy-select').inputValue(), 'saved');
    await page.locator('#wobble-site').waitFor();
  });
});
