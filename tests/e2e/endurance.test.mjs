// Memory over a long training run in the built app (dist/): PPO trains the airline in the worker
// for a while (90 s here; WOBBLE_ENDURANCE_SECONDS=600 for the ten-minute run of
// `cargo xtask endurance --browser`), while the page's JS heap (after a garbage collection), the
// page's wasm memory and the worker's wasm memory are read every few seconds. Wasm memory only ever grows, so "flat" means
// it stops growing once training has warmed up; the test fails if it is still growing in the
// second half of the run. Warm-up lasts until the agent first reaches the airline's last pages
// (the longest episodes and the most candidates, about 450 episodes, 14 s on a 2-core machine
// with the reader's context features); a 90 s run showed one 64 KiB page then and none after
// (7.0 MiB from 14 s to 90 s). The page's memory can also take one more page while the training
// rate climbs (reports carry more points as episodes get shorter, until about 45 s), so the run is
// 90 s: its second half starts once both have settled. The readings are printed as a table (test diagnostics) for
// RELIABILITY.md.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, play } from './harness.mjs';

useBrowser();

const SECONDS = Number(process.env.WOBBLE_ENDURANCE_SECONDS ?? 90);
const EVERY_MS = Math.min(10_000, Math.max(1_000, (SECONDS * 1000) / 20));

test(`memory stays flat while a policy trains for ${SECONDS} s`, { timeout: (SECONDS + 120) * 1000 }, async (t) => {
  await play(t, '?site=airline&seed=1', async (page) => {
    await page.fill('#wobble-train-episodes', '1000000');
    await page.click('#wobble-train-start');
    // Collect garbage before each reading, so the heap figure is what is still referenced.
    const cdp = await page.context().newCDPSession(page);
    const read = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return page.evaluate(() => {
        const status = document.querySelector('#wobble-train-status');
        return {
          episodes: Number(status?.dataset.episodes ?? 0),
          worker: Number(status?.dataset.memory ?? 0),
          page: window.wobble.memoryBytes(),
          heap: performance.memory?.usedJSHeapSize ?? 0,
        };
      });
    };
    const started = Date.now();
    const samples = [];
    while (Date.now() - started < SECONDS * 1000) {
      await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
      samples.push({ seconds: Math.round((Date.now() - started) / 1000), ...(await read()) });
    }
    if (await page.locator('#wobble-train-stop').isEnabled()) await page.click('#wobble-train-stop');

    const mib = (bytes) => (bytes / 1048576).toFixed(1);
    t.diagnostic('| s | episodes | worker wasm (MiB) | page wasm (MiB) | page JS heap (MiB) |');
    t.diagnostic('|---:|---:|---:|---:|---:|');
    for (const s of samples) {
      t.diagnostic(`| ${s.seconds} | ${s.episodes} | ${mib(s.worker)} | ${mib(s.page)} | ${mib(s.heap)} |`);
    }
    const half = samples.slice(Math.floor(samples.length / 2));
    assert.ok(samples.at(-1).episodes > samples[0].episodes, 'training went on');
    assert.ok(half[0].worker > 0, 'the worker reports its memory');
    assert.equal(half.at(-1).worker, half[0].worker, "the worker's wasm memory still grew in the second half");
    assert.equal(half.at(-1).page, half[0].page, "the page's wasm memory still grew in the second half");
    // Live JS objects (after collection) must not keep piling up: at most 1 MiB more.
    assert.ok(half.at(-1).heap - half[0].heap < 1048576, 'the JS heap kept growing');
  });
});
