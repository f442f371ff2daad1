// window.wobble in the built app (dist/) served under /wobble/: a script outside the app drives
// the visible site through the agent protocol's JSON, its steps drawn with the agent's cursor,
// and bad calls are rejected with a message. Every test also checks that the page stayed quiet.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, play, site, SCREENSHOTS } from './harness.mjs';

useBrowser();

test('an outside script solves click-button through window.wobble, drawn like the agent', async (t) => {
  await play(t, '?site=click-button&seed=3&speed=slow', async (page) => {
    await page.waitForFunction(() => typeof window.wobble?.step === 'function');
    const observation = await page.evaluate(() => window.wobble.observe());
    assert.equal(observation.type, 'observation');
    const target = observation.goal.target ?? Object.values(observation.goal)[0];
    const button = observation.elements.find((e) => e.role === 'button' && e.label === target);
    assert.ok(button, `a button labelled ${target}: ${JSON.stringify(observation.elements)}`);

    const rows = page.locator('#wobble-timeline .timeline-row');
    const before = await rows.count();
    // The step resolves once the cursor has travelled and clicked.
    const stepping = page.evaluate((id) => window.wobble.step({ kind: 'click', id }), button.id);
    await page.locator('#wobble-cursor').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}handle-cursor.png` });
    const step = await stepping;
    assert.equal(step.type, 'step');
    assert.equal(step.reward, 1, JSON.stringify(step));
    assert.ok(step.terminated);
    await page.locator('.outcome-success').waitFor();

    // The timeline recorded it like any other step.
    assert.equal(await rows.count(), before + 1);
  });
});

test('bad calls are rejected with what and where; reset starts the episode asked for', async (t) => {
  await play(t, '?site=login-user&seed=1', async (page) => {
    await page.waitForFunction(() => typeof window.wobble?.step === 'function');
    const failure = (call) =>
      page.evaluate(async (source) => {
        try {
          await window.wobble[source.method](source.arg);
          return 'no error';
        } catch (e) {
          return `${e.constructor.name}: ${e.message}`;
        }
      }, call);
    assert.match(await failure({ method: 'step', arg: { kind: 'click', id: 9999 } }), /^Error: step: .*9999/);
    assert.match(await failure({ method: 'step', arg: { kind: 'jump' } }), /^Error: step: .*jump/);
    assert.match(await failure({ method: 'step', arg: 'click' }), /^Error: step: /);
    assert.match(await failure({ method: 'reset', arg: -2 }), /^Error: reset: a seed must be a whole number/);

    const observation = await page.evaluate(() => window.wobble.reset(42));
    assert.equal(observation.type, 'observation');
    await page.waitForURL(/seed=42/);
    assert.equal(await site(page, 'username').count(), 1);
  });
});
