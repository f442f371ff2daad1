// The site editor in the built app (dist/) served under /wobble/: a small site typed into the
// editor, its mistake located (line and column listed, the line marked in the gutter), fixed, drawn
// beside the editor, trained on in the worker, and carried by its link into a fresh page. A link
// too large for the cap offers the .ron instead; a damaged one is reported in the page.
//
// Every test also checks that the page threw nothing and asked no host but 127.0.0.1.
// Screenshots land in tests/e2e/screenshots/ (git-ignored), named editor-*.png. The same steps
// run in Firefox in firefox.test.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useBrowser, play, pollUntil, SCREENSHOTS } from './harness.mjs';
import { TINY_SITE, TINY_BROKEN, TINY_AMBIGUOUS } from './tiny-site.mjs';

useBrowser();

/** The editor's status line: { state, line, column, ms }. */
const status = (page) =>
  page.locator('#wobble-editor-status').evaluate((el) => ({
    state: el.dataset.state,
    line: el.dataset.line,
    column: el.dataset.column,
    ms: Number(el.dataset.compileMs),
  }));

const waitForState = (page, state) =>
  pollUntil(() => status(page), (s) => s.state === state, { timeout: 10_000, what: `the editor to be ${state}` });

/** Waits until the training status line says `state`. */
const waitForTraining = (page, state, timeout = 120_000) =>
  pollUntil(
    () => page.locator('#wobble-train-status').evaluate((el) => el.dataset.state),
    (s) => s === state,
    { timeout, interval: 100, what: `training to be ${state}` },
  );

test('a site typed in the editor: its mistake is located, the fix is drawn, trained on and carried by its link', async (t) => {
  let address;
  await play(t, '?site=click-button&seed=1', async (page) => {
    await page.click('#wobble-edit-site');
    await waitForState(page, 'ok');
    assert.match(await page.locator('#wobble-address').innerText(), /my-click-button/, 'a copy of the site shown');

    // A mistake: listed with its line and column, its line marked in the gutter, the view kept.
    await page.fill('#wobble-editor-text', TINY_BROKEN);
    const broken = await waitForState(page, 'error');
    assert.deepEqual([broken.line, broken.column], ['28', '25']);
    assert.equal(await page.locator('#wobble-editor-error-at').innerText(), 'Line 28, column 25');
    assert.match(await page.locator('#wobble-editor-error').innerText(), /Unknown kind `Buton`/);
    assert.deepEqual(await page.locator('#wobble-editor-gutter .gutter-error').allInnerTexts(), ['28']);
    assert.match(await page.locator('#wobble-address').innerText(), /my-click-button/, 'the view keeps the last good site');
    await page.click('#wobble-editor-goto');
    const selected = await page.locator('#wobble-editor-text').evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd));
    assert.match(selected, /Buton\(key/, 'Go to the line selects it');
    await page.locator('#wobble-editor').screenshot({ path: `${SCREENSHOTS}editor-error.png` });

    // Fixed: the view draws the new site, listed with the shipped ones.
    await page.fill('#wobble-editor-text', TINY_SITE);
    const fixed = await waitForState(page, 'ok');
    t.diagnostic(`compiled in ${fixed.ms} ms`);
    assert.equal(await page.locator('#wobble-editor-gutter .gutter-error').count(), 0);
    await page.waitForURL(/site=tiny-buttons&task=pick/);
    assert.match(await page.locator('#wobble-instruction').innerText(), /^Click on "(Yes|No|Maybe|Later)"\.$/);
    assert.equal(await page.locator('#wobble-site [data-role="button"]').count(), 3);
    assert.equal(await page.locator('#wobble-site-select').evaluate((el) => el.selectedOptions[0].textContent), 'tiny-buttons');

    // Checked by the library checker in a worker of the editor's own: every task played by the
    // oracle, as written and under every kind of change.
    await page.click('#wobble-editor-check');
    await pollUntil(
      () => page.locator('#wobble-check').evaluate((el) => el.dataset.state),
      (s) => s === 'passed' || s === 'failed' || s === 'error',
      { timeout: 60_000, interval: 100, what: 'the check to end' },
    );
    const summary = await page.locator('#wobble-check').innerText();
    assert.equal(await page.locator('#wobble-check').evaluate((el) => el.dataset.state), 'passed', summary);
    assert.match(summary, /Every check holds: the oracle solved (\d+) of \1 episodes of 1 task/);

    // Trained on in the worker, as a shipped site is.
    await page.fill('#wobble-train-episodes', '200');
    await page.click('#wobble-train-start');
    await waitForTraining(page, 'done');
    assert.equal(await page.locator('#wobble-train-error').count(), 0, 'no training error');
    await page.locator('#wobble-policies .saved-item').first().waitFor();
    assert.match(await page.locator('#wobble-policies .saved-item').first().innerText(), /tiny-buttons\/pick · ppo · 200 episodes/);

    // Its link.
    await page.click('#wobble-editor-link');
    address = await page.locator('#wobble-site-link').inputValue();
    assert.match(address, /^http:\/\/127\.0\.0\.1:\d+\/wobble\/\?site=tiny-buttons&task=pick&seed=1#site=ws1\.[A-Za-z0-9_-]+$/);
    t.diagnostic(`the link is ${address.length} characters`);
    await page.screenshot({ path: `${SCREENSHOTS}editor-trained.png` });
  });

  // A fresh page (another browser context: nothing in its storage) shows the same site.
  const query = address.slice(address.indexOf('/wobble/') + '/wobble/'.length);
  await play(t, query, async (page) => {
    await waitForState(page, 'ok');
    assert.equal(await page.locator('#wobble-editor-text').inputValue(), TINY_SITE);
    assert.match(await page.locator('#wobble-address').innerText(), /tiny-buttons/);
    assert.equal(await page.locator('#wobble-site [data-role="button"]').count(), 3);
    assert.equal(await page.locator('#wobble-notices .notice').count(), 0, 'no notices');
  });
});

test('Check finds a task that names two buttons and points at the recipe step', async (t) => {
  await play(t, '?site=click-button&seed=1', async (page) => {
    await page.click('#wobble-edit-site');
    await waitForState(page, 'ok');
    await page.fill('#wobble-editor-text', TINY_AMBIGUOUS);
    await waitForState(page, 'ok');
    await page.click('#wobble-editor-check');
    await pollUntil(
      () => page.locator('#wobble-check').evaluate((el) => el.dataset.state),
      (s) => s === 'failed',
      { timeout: 60_000, interval: 100, what: 'the check to find the ambiguity' },
    );
    const finding = page.locator('#wobble-check-findings li[data-stage="ambiguity"]').first();
    assert.match(await finding.innerText(), /2 rows of "word_button" fit the step \(each shows "(Yes|No|Maybe|Later)"\)/);
    const line = TINY_AMBIGUOUS.split('\n').findIndex((l) => l.includes('solution: [ClickRow')) + 1;
    const goto = finding.locator('.check-line');
    assert.equal(await goto.getAttribute('data-line'), String(line));
    await goto.click();
    const selected = await page.locator('#wobble-editor-text').evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd));
    assert.match(selected, /solution: \[ClickRow/, 'the line of the recipe step is selected');
    await page.locator('#wobble-editor').screenshot({ path: `${SCREENSHOTS}editor-check.png` });
  });
});

test('a damaged site link is reported by name and the page still plays', async (t) => {
  await play(t, '?site=tiny-buttons#site=ws1.AAAAbroken', async (page) => {
    const notice = page.locator('#wobble-notices .notice-error', { hasText: 'The link carries a site that cannot be opened' });
    await notice.waitFor();
    assert.match(await notice.innerText(), /the site in the link is damaged/);
    await page.locator('#wobble-site').waitFor();
  });
});

test('a site too large for a link says so and offers its file instead', async (t) => {
  await play(
    t,
    '?site=click-button',
    async (page) => {
      await page.click('#wobble-edit-site');
      await waitForState(page, 'ok');
      // Letters that do not compress, in a comment: a valid site far past the cap.
      let x = 2463534242;
      const noise = Array.from({ length: 150_000 }, () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return String.fromCharCode(97 + ((x >>> 0) % 26));
      }).join('');
      await page.fill('#wobble-editor-text', `// ${noise}\n${TINY_SITE}`);
      await waitForState(page, 'ok');
      await page.click('#wobble-editor-link');
      const refusal = page.locator('#wobble-site-link-error');
      await refusal.waitFor();
      assert.match(await refusal.innerText(), /more than the 65536 a link may carry; share its file instead/);
      assert.equal(await page.locator('#wobble-site-link').count(), 0);
      const download = page.waitForEvent('download');
      await refusal.getByRole('button', { name: 'Download tiny-buttons.ron' }).click();
      const file = await download;
      assert.equal(file.suggestedFilename(), 'tiny-buttons.ron');
      assert.equal(await readFile(await file.path(), 'utf8'), `// ${noise}\n${TINY_SITE}`);
    },
    { contextOptions: { acceptDownloads: true } },
  );
});

test('what is typed survives a reload', async (t) => {
  await play(t, '?site=click-button', async (page) => {
    await page.click('#wobble-edit-site');
    await waitForState(page, 'ok');
    await page.fill('#wobble-editor-text', TINY_BROKEN);
    await waitForState(page, 'error');
    await page.reload();
    await page.waitForSelector('#wobble-instruction');
    await page.click('#wobble-edit-site');
    await waitForState(page, 'error');
    assert.equal(await page.locator('#wobble-editor-text').inputValue(), TINY_BROKEN);
  });
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
  { width: 390, height: 844 },
]) {
  test(`at ${viewport.width}×${viewport.height} the editor fits the window and, when there is room, sits beside the site`, async (t) => {
    await play(
      t,
      '?site=airline',
      async (page) => {
        await page.click('#wobble-edit-site');
        await waitForState(page, 'ok');
        await page.waitForTimeout(200);
        const boxes = await page.evaluate(() => {
          const box = (s) => {
            const r = document.querySelector(s).getBoundingClientRect();
            return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width };
          };
          return {
            editor: box('#wobble-editor'),
            text: box('#wobble-editor-text'),
            site: box('#wobble-site'),
            wide: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            window: [document.documentElement.clientWidth, window.innerHeight],
          };
        });
        assert.ok(boxes.wide <= 0, `the page is ${boxes.wide}px wider than the window`);
        assert.ok(boxes.editor.left >= 0 && boxes.editor.right <= boxes.window[0] + 0.5, JSON.stringify(boxes.editor));
        assert.ok(boxes.text.width >= 280, `the text area is ${boxes.text.width}px wide`);
        if (viewport.width >= 981) {
          // Side by side, both on screen: typing shows its effect without scrolling.
          assert.ok(boxes.editor.right <= boxes.site.left, `${JSON.stringify(boxes.editor)} then ${JSON.stringify(boxes.site)}`);
          assert.ok(boxes.site.top >= 0 && boxes.site.top < boxes.window[1] / 2, JSON.stringify(boxes.site));
          assert.ok(boxes.text.top >= 0 && boxes.text.top < boxes.window[1] / 2, JSON.stringify(boxes.text));
        }
        await page.screenshot({ path: `${SCREENSHOTS}editor-${viewport.width}x${viewport.height}.png` });
      },
      { contextOptions: { viewport } },
    );
  });
}
