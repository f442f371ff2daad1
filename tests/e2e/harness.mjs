// What the end-to-end test files share: one served dist/ and one browser per file, and `play`,
// which runs a test body on a fresh page and then checks that the page stayed quiet.
//
// Use from a test file:   useBrowser();   then   await play(t, '?site=airline', async (page) => ...);
// `server` and `browser` are live bindings: set once the file's `before` hook has run.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serveDist, SUB_PATH } from './serve.mjs';
import { launchBrowser, openPage, foreignRequests } from './browser.mjs';

/** Where tests save screenshots (git-ignored), to be looked at. */
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
/** The window size the tests use. */
export const VIEWPORT = { width: 1280, height: 800 };

/** The server of dist/ for this file's tests. */
export let server;
/** The browser for this file's tests. */
export let browser;

/** Starts the server and the browser before this file's tests, and stops them after. */
export function useBrowser() {
  before(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    server = await serveDist();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}

/**
 * Runs `body(page)` on a fresh page at `query` (under the sub-path), then checks that the page
 * stayed quiet: no uncaught errors, console errors, failed responses or requests to other hosts.
 * `contextOptions` go to the browser context; `dataUrls` lets `data:` links (downloads) through;
 * `init` is a function run in the page before the app loads (`page.addInitScript`).
 */
export async function play(t, query, body, { contextOptions = {}, dataUrls = false, init } = {}) {
  const { context, page, log } = await openPage(browser, { viewport: VIEWPORT, ...contextOptions });
  try {
    if (init) await page.addInitScript(init);
    await page.goto(server.url(`${SUB_PATH}${query}`));
    await page.waitForSelector('#wobble-instruction');
    await body(page);
    assertQuiet(t, log, { dataUrls });
  } finally {
    await context.close();
  }
}

/**
 * Checks that a page opened with openPage() stayed quiet: no uncaught errors, console errors,
 * failed responses or requests to other hosts (`dataUrls` lets `data:` links through). Every
 * console message becomes a test diagnostic.
 */
export function assertQuiet(t, log, { dataUrls = false } = {}) {
  for (const { type, text } of log.console) t.diagnostic(`console.${type}: ${text}`);
  assert.deepEqual(log.pageErrors, [], 'uncaught errors in the page');
  assert.deepEqual(log.consoleErrors, [], 'console errors');
  const requests = dataUrls ? log.requests.filter((u) => !u.startsWith('data:')) : log.requests;
  assert.deepEqual(foreignRequests(requests), [], 'requests to hosts other than 127.0.0.1');
  assert.deepEqual(log.httpErrors, [], 'failed responses');
}

/** The drawn site element with this key. */
export const site = (page, key) => page.locator(`#wobble-site [data-key="${key}"]`);

/**
 * Plays the bank's transfer as a person would, from its instruction, up to and including
 * "Review": logs in, opens the transfer form, fills it in. The confirmation dialog comes next.
 */
export async function fillBankTransfer(page) {
  const instruction = await page.locator('#wobble-instruction').innerText();
  const m = instruction.match(/^Log in as (\S+) \(password ([^)]+)\) and transfer \$(\S+) from (.+?) to (.+)\.$/);
  assert.ok(m, `unexpected instruction ${JSON.stringify(instruction)}`);
  const [, user, password, amount, account, payee] = m;
  await site(page, 'login_username').fill(user);
  await site(page, 'login_password').fill(password);
  await site(page, 'login_password').press('Enter');
  await site(page, 'go_transfer').click();
  await site(page, 'from_account').selectOption({ label: account });
  await site(page, 'payee').selectOption({ label: payee });
  await site(page, 'amount').fill(amount);
  await site(page, 'review').click();
}

/**
 * Polls `read()` (in Node) until `predicate(value)` holds, every `interval` ms, failing after
 * `timeout` ms with the last value read. Unlike `page.waitForFunction` with a predicate passed as
 * text, nothing is evaluated from a string in the page, which the app's CSP forbids.
 */
export async function pollUntil(read, predicate, { timeout = 30_000, interval = 200, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (predicate(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}: ${predicate}; last ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
