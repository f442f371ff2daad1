// Smoke test: the built app (dist/) boots under a sub-path, renders, throws nothing, and makes
// no request that leaves 127.0.0.1. Run by `cargo xtask test` after its web build (`cargo xtask dist`).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, SUB_PATH } from './serve.mjs';
import { launchBrowser, openPage, foreignRequests, waitForAppText } from './browser.mjs';

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test(`the app boots under ${SUB_PATH} with no errors and no off-host requests`, async (t) => {
  const { page, log, context } = await openPage(browser);
  try {
    const response = await page.goto(server.url(SUB_PATH));
    assert.equal(response?.status(), 200, 'index.html is served');
    await waitForAppText(page);

    for (const { type, text } of log.console) t.diagnostic(`console.${type}: ${text}`);
    assert.deepEqual(log.pageErrors, [], 'uncaught errors in the page');
    assert.deepEqual(foreignRequests(log.requests), [], 'requests to hosts other than 127.0.0.1');
    assert.deepEqual(log.httpErrors, [], `failed responses; server log:\n${server.requests.join('\n')}`);
    assert.deepEqual(log.failedRequests, [], 'requests that failed');

    // Relative URLs: the wasm module was fetched from below the sub-path, not from the root.
    const wasm = log.requests.filter((url) => url.endsWith('.wasm'));
    assert.ok(wasm.length > 0, `no .wasm request seen among ${log.requests.join(', ')}`);
    for (const url of wasm) {
      assert.ok(new URL(url).pathname.startsWith(SUB_PATH), `${url} is outside ${SUB_PATH}`);
    }
  } finally {
    await context.close();
  }
});
