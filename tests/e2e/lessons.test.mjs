// The guided lessons in the built app (dist/) served under /wobble/: open them from the header,
// let "Do it for me" set the random agent and the relabel:3 perturbation, walk to the last step,
// and close them. Every test also checks that the page threw nothing and asked no host but
// 127.0.0.1. Screenshots land in tests/e2e/screenshots/ (git-ignored).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, play, SCREENSHOTS } from './harness.mjs';

useBrowser();

test('the lessons walk through six steps and set up steps 1 and 4', async (t) => {
  await play(t, '', async (page) => {
    const panel = page.locator('#wobble-lessons');
    const count = page.locator('#wobble-lesson-count');
    assert.equal(await panel.count(), 0, 'the lessons start closed');

    // The header button opens them, from the keyboard too.
    await page.locator('#wobble-lessons-open').focus();
    await page.keyboard.press('Enter');
    await panel.waitFor();
    assert.equal(await count.textContent(), '1 of 6');
    await page.waitForURL(/lesson=1/);
    await page.locator('#wobble-policy-select.wb-lesson-target').waitFor();

    await page.screenshot({ path: `${SCREENSHOTS}lessons.png` });

    // Step 1: the random agent plays, fast enough that its counter shows a figure within 5 s.
    await page.locator('#wobble-lesson-do').click();
    await page.waitForFunction(
      () => document.querySelector('#wobble-policy-select')?.value === 'random',
    );
    await page.waitForURL(/policy=random/);
    await page.waitForFunction(() => Number(document.querySelector('#wobble-stats')?.dataset.episodes) >= 1, null, {
      timeout: 5_000,
    });

    // Next until step 4, then reword the labels.
    for (const n of [2, 3, 4]) {
      await page.locator('#wobble-lesson-next').click();
      await page.locator('#wobble-lesson-count', { hasText: `${n} of 6` }).waitFor();
    }
    await page.waitForURL(/lesson=4/);
    // Step 4: the pretrained agent plays; the person rewords the labels and sees the counter fall
    // beside the figure from before.
    await page.locator('#wobble-lesson-do').click();
    await page.waitForURL(/policy=airline&speed=turbo/);
    await page.locator('#wobble-reword.wb-lesson-target').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('#wobble-stats')?.dataset.episodes) >= 10, null, {
      timeout: 30_000,
    });
    await page.locator('#wobble-reword').click();
    await page.waitForURL(/perturb=relabel(:|%3A)3/);
    const before = page.locator('#wobble-stat-before');
    await before.waitFor();
    assert.ok(Number(await before.getAttribute('data-successes')) / Number(await before.getAttribute('data-episodes')) > 0.8);
    await page.waitForFunction(() => Number(document.querySelector('#wobble-stats')?.dataset.episodes) >= 10, null, {
      timeout: 30_000,
    });
    const after = await page.locator('#wobble-stats').evaluate((b) => +b.dataset.successes / +b.dataset.episodes);
    assert.ok(after < 0.5, `after rewording: ${after}`);

    // Steps 5 and 6 have no setup; the last one has no Next.
    for (const n of [5, 6]) {
      await page.locator('#wobble-lesson-next').click();
      await page.locator('#wobble-lesson-count', { hasText: `${n} of 6` }).waitFor();
    }
    assert.equal(await page.locator('#wobble-lesson-do').count(), 0);
    assert.ok(await page.locator('#wobble-lesson-next').isDisabled());
    await page.locator('#wobble-lesson-back').click();
    await page.locator('#wobble-lesson-count', { hasText: '5 of 6' }).waitFor();
    await page.locator('#wobble-lesson-next').click();
    await page.locator('#wobble-lesson-count', { hasText: '6 of 6' }).waitFor();

    // Close hides the panel and takes the outlines off.
    await page.locator('#wobble-lesson-close').click();
    await panel.waitFor({ state: 'detached' });
    await page.waitForURL((url) => !url.search.includes('lesson='));
    await page.waitForFunction(() => document.querySelectorAll('.wb-lesson-target').length === 0);

    // Escape closes them too.
    await page.locator('#wobble-lessons-open').click();
    await panel.waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
  });
});

test('a link with lesson=N opens that step; a bad one is reported and the page still works', async (t) => {
  await play(t, '?site=airline&lesson=5', async (page) => {
    await page.locator('#wobble-lesson-count', { hasText: '5 of 6' }).waitFor();
    await page.locator('#wobble-lesson-next').click();
    await page.waitForURL(/lesson=6/);
  });
  await play(t, '?site=airline&lesson=12', async (page) => {
    await page.locator('.notice', { hasText: 'There is no lesson step "12"' }).waitFor();
    assert.equal(await page.locator('#wobble-lessons').count(), 0);
  });
});
