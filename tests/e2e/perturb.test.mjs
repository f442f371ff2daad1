// Perturbations in the built app (dist/) served under /wobble/: the panel, the link, the
// "What changed" list, and what a perturbed site looks like to a person and to a script.
//
// Each test opens the page at a link, changes perturbations only through the panel (or the link),
// and checks what the page shows: the drawn site (#wobble-site, the elements' data-key attributes
// and their own ids), the URL, and the list of changes. Every test also checks that the page threw
// nothing and asked no host but 127.0.0.1. Screenshots land in tests/e2e/screenshots/ (git-ignored).

import { test } from 'node:test';
import { useBrowser, play, site, SCREENSHOTS } from './harness.mjs';
import assert from 'node:assert/strict';

useBrowser();

/** The panel's row of a perturbation kind. */
const kindRow = (page, kind) => page.locator(`#wobble-perturb [data-kind="${kind}"]`);

const steps = (page) => page.locator('#wobble-steps').innerText();

const shot = (page, name, options = {}) =>
  page.screenshot({ path: `${SCREENSHOTS}${name}.png`, ...options });

/** The texts of the site's labels, buttons and links, in page order. */
const labelTexts = (page) =>
  page
    .locator('#wobble-site :is([data-role="label"], [data-role="button"], [data-role="link"])')
    .allInnerTexts();

test('popup:2: a modal blocks the page until its dismiss button is clicked', async (t) => {
  await play(t, '?site=airline&seed=1&perturb=popup:2', async (page) => {
    const dialog = page.locator('#wobble-site [data-role="dialog"]');
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('data-placement'), 'modal');
    assert.ok(await dialog.isVisible());
    assert.match(await page.locator('#wobble-changes').innerText(), /cookie/i);
    await shot(page, 'perturb-popup-modal');

    // Clicking where the search button is, behind the dialog, does nothing: no step, no message.
    const before = await steps(page);
    const box = await site(page, 'search_button').boundingBox();
    assert.ok(box, 'the search button is drawn under the dialog');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    assert.equal(await steps(page), before);
    assert.ok(await dialog.isVisible(), 'the dialog is still open');
    assert.equal(await page.locator('#wobble-site [data-role="alert"]').count(), 0);
    assert.ok(await site(page, 'search_button').isDisabled());

    await dialog.locator('[data-key="wobble:dismiss"]').click();
    await dialog.waitFor({ state: 'detached' });
    assert.match(await steps(page), /^step 1 \//);
    assert.ok(await site(page, 'search_button').isEnabled());
  });
});

test('popup:1: a cookie bar blocks only what it covers', async (t) => {
  await play(t, '?site=airline&seed=1&perturb=popup:1', async (page) => {
    const bar = page.locator('#wobble-site [data-placement="bottom-bar"]');
    await bar.waitFor();
    assert.equal(await page.locator('#wobble-site .wb-backdrop').count(), 0, 'no backdrop');
    await shot(page, 'perturb-popup-bar');
    // The form above the bar is usable while the bar is open.
    await site(page, 'search_button').click();
    assert.equal(
      await page.locator('#wobble-site [data-role="alert"]').innerText(),
      'Choose the city you are flying from.',
    );
    assert.ok(await bar.isVisible());
    await bar.locator('[data-key="wobble:dismiss"]').click();
    await bar.waitFor({ state: 'detached' });
  });
});

test('turning relabel on in the panel rewords the site, the link and the list of changes', async (t) => {
  await play(t, '?site=airline&seed=1', async (page) => {
    assert.equal(
      await page.locator('#wobble-changes-empty').innerText(),
      'No perturbations: this is the site as written.',
    );
    const plain = await labelTexts(page);
    await kindRow(page, 'relabel').locator('input[type="checkbox"]').check();
    await page.waitForURL(/&perturb=relabel:2$/);
    const changes = page.locator('#wobble-changes');
    await changes.waitFor();
    assert.match(await changes.innerText(), /relabelled/i);
    const relabelled = await labelTexts(page);
    assert.equal(relabelled.length, plain.length);
    assert.ok(
      relabelled.some((text, i) => text !== plain[i]),
      `no label changed: ${JSON.stringify(plain)}`,
    );
    // The same episode, restarted: same seed, same goal, nothing done yet.
    assert.match(page.url(), /seed=1&/);
    assert.match(await steps(page), /^step 0 \//);
    assert.equal(
      await kindRow(page, 'relabel').locator('[data-severity="2"]').getAttribute('aria-pressed'),
      'true',
    );
    await shot(page, 'perturb-relabel');

    // Another severity, then "New episode" keeps the spec; "Clear all" removes it.
    await kindRow(page, 'relabel').locator('[data-severity="3"]').click();
    await page.waitForURL(/&perturb=relabel:3$/);
    await page.locator('#wobble-new-episode').click();
    await page.waitForURL(/seed=2&perturb=relabel:3$/);
    await page.locator('#wobble-perturb-clear').click();
    await page.waitForURL(/seed=2$/);
    await page.locator('#wobble-changes-empty').waitFor();
  });
});

test('a bad perturbation spec in the link is named in a notice and the site still plays', async (t) => {
  await play(t, '?site=airline&seed=1&perturb=bogus:9', async (page) => {
    const notices = page.locator('#wobble-notices');
    await notices.waitFor();
    assert.match(await notices.innerText(), /bogus/);
    assert.equal(await site(page, 'banner').innerText(), 'SkyWays');
    assert.ok(await site(page, 'search_button').isVisible());
    assert.match(page.url(), /\?site=airline&task=book-flight&seed=1$/);
    await page.locator('#wobble-changes-empty').waitFor();
    await shot(page, 'perturb-bad-link');
  });
});

test('rename-selectors:2 changes the ids a script would query', async (t) => {
  await play(t, '?site=airline&seed=1', async (page) => {
    assert.equal(await page.locator('#search_button').count(), 1);
    assert.equal(await page.locator('#wobble-site .card').count(), 1, 'the site\'s own classes are drawn');
    await kindRow(page, 'rename-selectors').locator('[data-severity="2"]').click();
    await page.waitForURL(/&perturb=rename-selectors:2$/);
    await page.locator('#wobble-changes').waitFor();
    assert.equal(await page.locator('#search_button').count(), 0);
    // Still the same element to the engine (and to a person), under a new id.
    const renamed = await site(page, 'search_button').getAttribute('id');
    assert.ok(renamed && renamed !== 'search_button', `id is ${renamed}`);
    assert.equal(await page.locator(`[id="${renamed}"]`).count(), 1);
  });
});

test('lazy content shows a loading line until "Wait a step" lets a step pass', async (t) => {
  // login-user has no list, so its start page's content loads late.
  await play(t, '?site=login-user&seed=1&perturb=lazy:1', async (page) => {
    const loading = site(page, 'wobble:loading');
    await loading.waitFor();
    assert.equal(await site(page, 'password').count(), 0, 'the form is not there yet');
    await shot(page, 'perturb-lazy');
    await page.locator('#wobble-wait').click();
    await loading.waitFor({ state: 'detached' });
    assert.match(await steps(page), /^step 1 \//);
    assert.equal(await site(page, 'password').count(), 1, 'the form has loaded');
  });
});

test('a heavily perturbed airline page, for a person to look at', async (t) => {
  await play(t, '?site=airline&seed=1&perturb=restyle:3,font:3,distractors:3,popup:1', async (page) => {
    await page.locator('#wobble-changes').waitFor();
    const applied = page.locator('#wobble-changes [data-applied="true"]');
    assert.ok((await applied.count()) >= 4, 'each kind made a change');
    await shot(page, 'perturb-airline');
    await shot(page, 'perturb-airline-full', { fullPage: true });
  });
});
