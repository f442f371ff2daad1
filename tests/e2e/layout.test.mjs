// The first screen, as a visitor opens the page on a laptop, a small laptop and a phone: the
// site, the agents' counters and the buttons that change the site are all in view without
// scrolling. Screenshots land in tests/e2e/screenshots/layout-WxH.png (git-ignored), to look at.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, play, SCREENSHOTS } from './harness.mjs';

useBrowser();

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
  { width: 390, height: 844 },
];

/** What must be on the first screen: the site, both agents' counters, the three buttons. */
const FIRST_SCREEN = ['#wobble-site', '#wobble-race-reader', '#wobble-race-screen', '#wobble-move', '#wobble-font', '#wobble-reword'];

for (const viewport of SIZES) {
  test(`at ${viewport.width}×${viewport.height} the first screen shows the site, the counters and the buttons that change it`, async (t) => {
    await play(
      t,
      '',
      async (page) => {
        await page.locator('#wobble-site').waitFor();
        await page.locator('#wobble-race-reader[data-episodes]').waitFor();
        const outside = await page.evaluate((selectors) => {
          const [w, h] = [document.documentElement.clientWidth, window.innerHeight];
          return selectors
            .map((s) => [s, document.querySelector(s)?.getBoundingClientRect()])
            .filter(([, r]) => !r || r.width === 0 || r.left < 0 || r.top < 0 || r.right > w + 0.5 || r.bottom > h + 0.5)
            .map(([s, r]) => `${s} ${r ? `${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}` : 'missing'}`);
        }, FIRST_SCREEN);
        assert.deepEqual(outside, [], `not fully on the first screen (${viewport.width}×${viewport.height})`);
        // Nothing scrolls sideways.
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(wide <= 0, `the page is ${wide}px wider than the window`);
        await page.screenshot({ path: `${SCREENSHOTS}layout-${viewport.width}x${viewport.height}.png` });
      },
      { contextOptions: { viewport } },
    );
  });
}
