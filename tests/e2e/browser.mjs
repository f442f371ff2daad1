// Browser helpers for the end-to-end tests: the system Chromium driven by playwright-core.
//
// playwright-core never downloads a browser (and `playwright install` must never be run here);
// it drives Debian's /usr/bin/chromium, installed by `cargo xtask setup`. Every page opened with
// openPage() records console errors, uncaught page errors and every network request, so tests can
// assert that the app is quiet and that nothing leaves 127.0.0.1.
//
//   const browser = await launchBrowser();
//   const { page, log } = await openPage(browser);
//   await page.goto(server.url('/wobble/'));
//   await waitForAppText(page);
//   assert.deepEqual(log.pageErrors, []);
//   assert.deepEqual(foreignRequests(log.requests), []);
//   await browser.close();

import { chromium } from 'playwright-core';

/** The browser binary: Debian's Chromium, or $WOBBLE_CHROMIUM. */
export const CHROMIUM = process.env.WOBBLE_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep Chromium sandbox-friendly and stop it phoning home on its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', // we run as root in a container, where Chromium's sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Belt and braces: any host name other than 127.0.0.1/localhost fails to resolve, so a stray
  // external URL fails fast (it is still recorded in log.requests, and the tests catch it).
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

/** Launches headless Chromium; `options` are merged into playwright's launch options. */
export async function launchBrowser(options = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

/**
 * Opens a page in a fresh context and starts recording. Returns { context, page, log } where
 * log = {
 *   consoleErrors: [text],         console.error messages and failed-resource reports
 *   console: [{ type, text }],     every console message, for diagnostics
 *   pageErrors: [text],            uncaught exceptions and unhandled rejections
 *   requests: [url],               every request from the context (pages and their workers)
 *   failedRequests: [{ url, error }],
 *   httpErrors: [{ url, status }], responses with status >= 400
 * }.
 */
export async function openPage(browser, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const log = {
    consoleErrors: [],
    console: [],
    pageErrors: [],
    requests: [],
    failedRequests: [],
    httpErrors: [],
  };
  // Context-level network events also see requests made by workers, not just the page.
  context.on('request', (request) => log.requests.push(request.url()));
  context.on('requestfailed', (request) =>
    log.failedRequests.push({ url: request.url(), error: request.failure()?.errorText }),
  );
  context.on('response', (response) => {
    if (response.status() >= 400) log.httpErrors.push({ url: response.url(), status: response.status() });
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    log.console.push({ type: message.type(), text: message.text() });
    if (message.type() === 'error') log.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => log.pageErrors.push(String(error?.stack ?? error)));
  return { context, page, log };
}

/** Whether a request URL stays on this machine (127.0.0.1) or never touches the network. */
export function isLocal(url) {
  const { protocol, hostname } = new URL(url);
  if (['data:', 'blob:', 'about:'].includes(protocol)) return true;
  return hostname === '127.0.0.1';
}

/** The requests that went (or tried to go) anywhere but 127.0.0.1. */
export function foreignRequests(urls) {
  return urls.filter((url) => !isLocal(url));
}

/**
 * Waits until the app has rendered some text: in `#app` if the page has one, else in <body>.
 * index.html's body is empty, so any text there was put there by the app.
 */
export async function waitForAppText(page, { timeout = 30_000 } = {}) {
  await page.waitForFunction(
    () => {
      const root = document.querySelector('#app') ?? document.body;
      return (root?.innerText ?? '').trim().length > 0;
    },
    null,
    { timeout },
  );
}
