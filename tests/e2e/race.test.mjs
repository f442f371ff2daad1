// The landing page's race (dist/, served under /wobble/): the reader and the screen agent play
// the same unseen flights side by side, and the three buttons change the site for both.
//
// Each counter is held to golden/race.json, each agent's success episode by episode as the
// native build plays the same race (written by `cargo xtask bless`, checked for freshness by the
// app's own tests): so what the page counts in the browser is the engine's result bit for bit,
// not merely a plausible rate. The caption's figures are held to docs/sweeps/agents.csv.
//
// Every test also checks that the page threw nothing and asked no host but 127.0.0.1.
// Screenshots land in tests/e2e/screenshots/ (git-ignored), named race-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, play, pollUntil, SCREENSHOTS } from './harness.mjs';

useBrowser();

const GOLDEN = JSON.parse(await readFile(new URL('./golden/race.json', import.meta.url), 'utf8'));
const MATRIX = (await readFile(new URL('../../docs/sweeps/agents.csv', import.meta.url), 'utf8'))
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','));

/** Both counters, read at one moment: { reader: {episodes, successes}, screen: {...} }. */
const counters = (page) =>
  page.evaluate(() =>
    Object.fromEntries(
      ['reader', 'screen'].map((name) => {
        const row = document.querySelector(`#wobble-race-${name}`);
        return [name, { episodes: Number(row?.dataset.episodes ?? 0), successes: Number(row?.dataset.successes ?? 0) }];
      }),
    ),
  );

/** Waits until both agents have finished at least `n` episodes (of the golden's 40). */
const after = (page, n, what) =>
  pollUntil(() => counters(page), (c) => c.reader.episodes >= n && c.screen.episodes >= n, {
    timeout: 90_000,
    what,
  });

/** The golden run's successes of `agent` in its first `episodes` episodes under `spec`. */
function goldenSuccesses(spec, agent, episodes) {
  const bits = GOLDEN[spec][agent];
  assert.ok(episodes <= bits.length, `the golden run has ${bits.length} episodes, the page ${episodes}`);
  return [...bits.slice(0, episodes)].filter((b) => b === '1').length;
}

/** Each counter equals the native run's on the same episodes. */
function assertNative(spec, c) {
  for (const agent of ['reader', 'screen']) {
    assert.equal(
      c[agent].successes,
      goldenSuccesses(spec, agent, c[agent].episodes),
      `${agent} under "${spec}" after ${c[agent].episodes} episodes: the page differs from the native run`,
    );
  }
}

const rate = (s) => s.successes / s.episodes;

/** The matrix's cell of `agent` under `kind` at `severity`, as the caption writes it. */
function cell(agent, kind, severity) {
  const row = MATRIX.find((r) => r[0] === agent && r[1] === kind && r[2] === String(severity));
  assert.ok(row, `agents.csv has no ${agent},${kind},${severity}`);
  const pct = (x) => Math.round(x * 100);
  return `${pct(Number(row[4]) / Number(row[3]))}% [${pct(Number(row[6]))}–${pct(Number(row[7]))}]`;
}

test('opened cold, both agents book flights; a new font breaks the screen agent and not the reader', async (t) => {
  await play(t, '', async (page) => {
    const start = await after(page, 20, 'twenty flights each on the unchanged site');
    assertNative('', start);
    assert.ok(rate(start.reader) > 0.85 && rate(start.screen) > 0.85, JSON.stringify(start));
    const caption = await page.locator('#wobble-race-caption').innerText();
    assert.ok(caption.includes(`reader ${cell('reader', 'none', 0)}`), caption);
    assert.ok(caption.includes(`screen agent ${cell('screen', 'none', 0)}`), caption);
    await page.screenshot({ path: `${SCREENSHOTS}race-landing.png` });

    await page.locator('#wobble-font').click();
    await page.waitForURL(/perturb=font:3/);
    // The race starts again on the changed site, from the same first flight.
    const changed = await after(page, 20, 'twenty flights each in the new font');
    assertNative('font:3', changed);
    assert.ok(rate(changed.screen) < 0.4, `the screen agent holds up: ${JSON.stringify(changed)}`);
    assert.ok(rate(changed.reader) > 0.85, `the reader falls: ${JSON.stringify(changed)}`);
    const fontCaption = await page.locator('#wobble-race-caption').innerText();
    assert.ok(fontCaption.includes(`screen agent ${cell('screen', 'font', 3)}`), fontCaption);
    assert.match(fontCaption, /letters/);
    assert.match(await page.locator('#wobble-font').innerText(), /Restore the font/);
    // What the screen agent sees: painted once its toggle is open.
    await page.locator('#wobble-race-eyes-toggle summary').click();
    await page.waitForFunction(() => {
      const canvas = document.querySelector('#wobble-race-eyes');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      return pixels.some((v, i) => i % 4 === 0 && v < 128);
    }, null, { timeout: 10_000 });
    await page.screenshot({ path: `${SCREENSHOTS}race-font.png` });
  });
});

test('moving the booking buttons and rewording the labels: each counter is the native run', async (t) => {
  await play(t, '', async (page) => {
    await page.locator('#wobble-move').click();
    await page.waitForURL(/perturb=move:3/);
    const moved = await after(page, 20, 'twenty flights each with the buttons moved');
    assertNative('move:3', moved);
    // The reader reads the buttons' words and does not notice. The screen agent loses about half
    // its flights, not nearly all of them (the README's matrix and its explanation).
    assert.ok(rate(moved.reader) > 0.85, JSON.stringify(moved));
    assert.ok(rate(moved.screen) < rate(moved.reader), JSON.stringify(moved));
    const caption = await page.locator('#wobble-race-caption').innerText();
    assert.ok(caption.includes(`screen agent ${cell('screen', 'move', 3)}`), caption);
    await page.screenshot({ path: `${SCREENSHOTS}race-move.png` });

    await page.locator('#wobble-move').click();
    await page.locator('#wobble-reword').click();
    await page.waitForURL(/perturb=relabel:3$|perturb=relabel:3&/);
    const reworded = await after(page, 10, 'ten flights each with the labels reworded');
    assertNative('relabel:3', reworded);
    assert.ok(rate(reworded.reader) < 0.4 && rate(reworded.screen) < 0.4, JSON.stringify(reworded));
  });
});

test('the link reproduces the race: opened with perturb=font:3, the counters are the same', async (t) => {
  await play(t, '?perturb=font:3&speed=fast', async (page) => {
    const c = await after(page, 10, 'ten flights each');
    assertNative('font:3', c);
    assert.match(await page.locator('#wobble-race-caption').innerText(), /font:3/);
  });
});
