// Accessibility of the built app (dist/, served under /wobble/): an automated audit with axe-core
// (from npm; evaluated in the page over the DevTools protocol, so the page's CSP stays as shipped)
// on the landing page, a lesson, a site a person plays and the site editor showing a mistake, and the keyboard path of a person who
// takes over: the skip link into the site, and focus on the new page's first control after each
// page change.
//
// Every test also checks that the page threw nothing and asked no host but 127.0.0.1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { useBrowser, play } from './harness.mjs';

useBrowser();

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is, one line each. */
async function seriousViolations(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Where the keyboard focus is: the element's id or tag, and whether it is inside the site. */
const focus = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName.toLowerCase(), inSite: !!el?.closest('#wobble-site'), id: el?.id ?? '' };
  });

test('axe-core finds no serious or critical violation on the landing, a lesson, a played site and a break found', async (t) => {
  await play(t, '', async (page) => {
    await page.locator('#wobble-race-reader[data-episodes]').waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'the landing page');
  });
  await play(t, '?lesson=2', async (page) => {
    await page.locator('#wobble-lessons').waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'a lesson step');
  });
  await play(t, '?site=bank&policy=none', async (page) => {
    await page.locator('#wobble-site input').first().fill('someone');
    await page.locator('#wobble-site input').first().press('Tab');
    assert.deepEqual(await seriousViolations(page), [], 'a site a person plays');
  });
  await play(t, '?site=airline&policy=airline&speed=turbo', async (page) => {
    await page.locator('#wobble-break-it').click();
    await page.locator('#wobble-break[data-state="found"]').waitFor({ timeout: 180_000 });
    assert.deepEqual(await seriousViolations(page), [], "the agent card with Break it's result");
  });
  await play(t, '?lesson=7', async (page) => {
    await page.locator('#wobble-lesson-do').click();
    await page.locator('#wobble-editor-status[data-state="ok"]').waitFor();
    await page.fill('#wobble-editor-text', '(\n  name: "x",\n  pages oops\n)');
    await page.locator('#wobble-editor-status[data-state="error"]').waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'the site editor with a mistake, and the editing lesson');
  });
});

test('a keyboard user skips straight into the site, and focus follows each new page', async (t) => {
  await play(t, '?site=bank&policy=none', async (page) => {
    const instruction = await page.locator('#wobble-instruction').innerText();
    const [, user, password] = instruction.match(/^Log in as (\S+) \(password ([^)]+)\)/);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link', 'the first Tab stop');
    await page.keyboard.press('Enter');
    let at = await focus(page);
    assert.ok(at.inSite && at.tag === 'input', `after the skip link: ${JSON.stringify(at)}`);
    const address = await page.locator('#wobble-address').innerText();
    await page.keyboard.type(user);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.waitForFunction((before) => document.querySelector('#wobble-address')?.innerText !== before, address);
    at = await focus(page);
    assert.ok(at.inSite, `after the page changed, focus is in the site: ${JSON.stringify(at)}`);
    assert.notEqual(await page.locator('#wobble-address').innerText(), address);
  });
});
