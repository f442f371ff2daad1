// The agent player in the built app (dist/) served under /wobble/: the landing page's pretrained
// agent and its success counter, breaking it by rewording the labels, a person playing the bank,
// links that restore policy and speed, and the timeline's export and import.
//
// Every test also checks that the page threw nothing and asked no host but 127.0.0.1.
// Screenshots land in tests/e2e/screenshots/ (git-ignored) for a person to look at.

import { test } from 'node:test';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { SUB_PATH } from './serve.mjs';
import { useBrowser, play as playPage, pollUntil, server, site, fillBankTransfer, SCREENSHOTS } from './harness.mjs';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

useBrowser();

/** `play` with downloads allowed (episode export is a `data:` link). */
const play = (t, query, body) =>
  playPage(t, query, body, { contextOptions: { acceptDownloads: true }, dataUrls: true });

const shot = (page, name) => page.screenshot({ path: `${SCREENSHOTS}${name}.png` });

/** The success counter: { episodes, successes }. */
async function stats(page) {
  const box = page.locator('#wobble-stats');
  return {
    episodes: Number(await box.getAttribute('data-episodes')),
    successes: Number(await box.getAttribute('data-successes')),
  };
}

/** Waits until the counter satisfies `pred`. */
const waitForStats = (page, pred, timeout) => pollUntil(() => stats(page), pred, { timeout, what: 'the counter' });

test('landing: the pretrained agent books flights on its own and the counter shows it', async (t) => {
  await play(t, '', async (page) => {
    assert.equal(await page.locator('#wobble-policy-select').inputValue(), 'airline');
    assert.match(page.url(), /policy=airline/);
    // The cursor and its caption appear over the site before the first action.
    await page.locator('#wobble-cursor').waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector('#wobble-steps')?.innerText !== 'step 0 / 40');
    await shot(page, 'agent-landing');
    await page.locator('#wobble-speed-select').selectOption('fast');
    await page.waitForURL(/speed=fast/);
    await waitForStats(page, (s) => s.successes >= 3, 30_000);
    const s = await stats(page);
    assert.ok(s.successes >= 3, JSON.stringify(s));
    assert.match(await page.locator('#wobble-stat-rate').innerText(), /^\d+%$/);
    // The inspector names the agent's top choices with their probabilities.
    await page.locator('#wobble-choices li').first().waitFor({ timeout: 10_000 });
    await page.locator('#wobble-inspector').scrollIntoViewIfNeeded();
    await shot(page, 'agent-inspector');
  });
});

test('rewording the labels breaks the agent: its success rate drops', async (t) => {
  await play(t, '?speed=turbo', async (page) => {
    await waitForStats(page, (s) => s.episodes >= 5, 30_000);
    const before = await stats(page);
    assert.ok(before.successes / before.episodes >= 0.6, `before: ${JSON.stringify(before)}`);
    await page.locator('#wobble-reword').click();
    await page.waitForURL(/perturb=relabel:3/);
    // The counter starts again for the reworded site.
    await waitForStats(page, (s) => s.episodes >= 12, 60_000);
    const after = await stats(page);
    assert.ok(after.successes / after.episodes < 0.5, `after: ${JSON.stringify(after)}`);
    assert.match(await page.locator('#wobble-reword').innerText(), /Restore the labels/);
    // The figure from before the change stays in view beside the new one.
    const kept = page.locator('#wobble-stat-before');
    assert.ok(Number(await kept.getAttribute('data-episodes')) >= before.episodes, 'the whole figure before the change');
    assert.ok(Number(await kept.getAttribute('data-successes')) >= before.successes);
    assert.match(await kept.innerText(), /^\d+% → \d+% since relabel:3 /);
    // The sparkline marks the change.
    assert.equal(await page.locator('#wobble-sparkline').getAttribute('data-marks'), '1');
    await shot(page, 'agent-reworded');
  });
});

test('bank: a person plays through the UI with no agent and gets +1, recorded in the timeline', async (t) => {
  await play(t, '?site=bank&seed=2&policy=none', async (page) => {
    assert.equal(await page.locator('#wobble-policy-select').inputValue(), 'none');
    assert.equal(await page.locator('#wobble-stats').count(), 0, 'no counter without an agent');
    await fillBankTransfer(page);
    await page.locator('#wobble-site [data-role="dialog"] [data-key="confirm_button"]').click();
    await site(page, 'done').click();
    const box = page.locator('#wobble-outcome');
    await box.waitFor();
    assert.equal(await box.getAttribute('data-reward'), '1', await box.innerText());
    const steps = Number((await page.locator('#wobble-steps').innerText()).match(/step (\d+)/)[1]);
    assert.equal(await page.locator('#wobble-timeline-list li').count(), steps + 1, 'the reset and every step');
    assert.match(await page.locator('#wobble-timeline-outcome').innerText(), /^\+1/);
  });
});

test('a link restores site, seed, perturbations, policy and speed', async (t) => {
  await play(t, '?site=airline&seed=7&perturb=move:2&policy=airline-randomized&speed=slow', async (page) => {
    const siteName = await page.locator('#wobble-site-select').evaluate((el) => el.selectedOptions[0]?.text);
    assert.equal(siteName, 'airline');
    assert.equal(await page.locator('#wobble-seed-input').inputValue(), '7');
    assert.equal(await page.locator('#wobble-policy-select').inputValue(), 'airline-randomized');
    assert.equal(await page.locator('#wobble-speed-select').inputValue(), 'slow');
    // The button makes move:3; at another severity it is not shown pressed (a press sets 3).
    assert.equal(await page.locator('#wobble-move').getAttribute('aria-pressed'), 'false');
    assert.match(page.url(), /seed=7&perturb=move:2&policy=airline-randomized&speed=slow$/);
  });
  await play(t, '?site=click-button&seed=3&policy=oracle&speed=step', async (page) => {
    assert.equal(await page.locator('#wobble-policy-select').inputValue(), 'oracle');
    assert.equal(await page.locator('#wobble-speed-select').inputValue(), 'step');
    // At step speed nothing happens until Step is pressed.
    await page.waitForTimeout(800);
    assert.equal(await page.locator('#wobble-steps').innerText(), 'step 0 / 10');
    await page.locator('#wobble-agent-step').click();
    await page.locator('#wobble-outcome').waitFor();
    assert.equal(await page.locator('#wobble-outcome').getAttribute('data-reward'), '1');
  });
});

test('timeline: take over, scrub, export the episode as JSON and import it back', async (t) => {
  await play(t, '?speed=fast', async (page) => {
    // Let the agent take a few steps, then take over.
    await page.waitForFunction(() => Number(document.querySelector('#wobble-steps')?.innerText.match(/\d+/)?.[0]) >= 4, null, { timeout: 20_000 });
    await page.locator('#wobble-take-over').click();
    await page.locator('#wobble-resume').waitFor();
    const rows = page.locator('#wobble-timeline-list li');
    const count = await rows.count();
    assert.ok(count >= 5, `${count} rows`);
    // Scrub back to the start: the site shows the first page, and "Back to live" returns.
    await rows.nth(1).locator('button').click();
    await page.locator('#wobble-live').waitFor();
    assert.equal(await page.locator('#wobble-steps').count(), 1);
    await page.locator('#wobble-timeline').scrollIntoViewIfNeeded();
    await shot(page, 'agent-timeline');
    await page.locator('#wobble-live').click();

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#wobble-export').click()]);
    const dir = await mkdtemp(join(tmpdir(), 'wobble-episode-'));
    const path = join(dir, 'episode.json');
    await download.saveAs(path);
    const record = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(record.site, 'airline');
    assert.equal(record.steps.length, count - 1);

    // Import it into a fresh page: same steps, no error.
    await page.goto(server.url(`${SUB_PATH}?site=bank&policy=none`));
    await page.waitForSelector('#wobble-instruction');
    await page.locator('#wobble-import').setInputFiles(path);
    await page.waitForFunction(() => document.querySelector('#wobble-site-select')?.selectedOptions[0]?.text === 'airline');
    assert.equal(await rows.count(), count);
    assert.equal(await page.locator('#wobble-notices').count(), 0);

    // A broken file says why.
    const bad = join(dir, 'bad-episode.json');
    record.steps[0].digest = '0000000000000000';
    await writeFile(bad, JSON.stringify(record));
    await page.locator('#wobble-import').setInputFiles(bad);
    await page.locator('#wobble-notices').waitFor();
    assert.match(await page.locator('#wobble-notices').innerText(), /does not replay.*diverged at step 1/s);
  });
});

test('presenter mode: the site and the counters, without the side panels; the link keeps it', async (t) => {
  await play(t, '?presenter=1', async (page) => {
    assert.equal(await page.locator('.app.presenter').count(), 1);
    assert.equal(await page.locator('#wobble-train').isVisible(), false, 'training is hidden');
    assert.equal(await page.locator('#wobble-perturb').isVisible(), false, 'the perturbation panel is hidden');
    assert.ok(await page.locator('#wobble-site').isVisible());
    assert.ok(await page.locator('#wobble-move').isVisible(), 'the break buttons stay');
    await page.waitForURL(/presenter=1/);
    await shot(page, 'presenter');
  });
  await play(t, '', async (page) => {
    assert.equal(await page.locator('.app.presenter').count(), 0);
    assert.ok(await page.locator('#wobble-train').isVisible());
  });
});
