// Runs Wobble's WebAssembly benchmarks and the page-load measurement; `cargo xtask bench` calls it
// and reads the one JSON value it prints on stdout (progress goes to stderr).
//
//   node tests/bench/run.mjs node PKG_DIR PLAN.json
//       the plan (bench.mjs) in Node, loading PKG_DIR/wobble_wasm_bench.js (wasm-bindgen --target web)
//   node tests/bench/run.mjs chromium STAGE_DIR PKG PLAN.json
//       the plan in a dedicated worker of headless Chromium: STAGE_DIR holds index.html, worker.mjs,
//       bench.mjs and the wasm-bindgen folder PKG; it is served on 127.0.0.1
//   node tests/bench/run.mjs first-page DIST_DIR RUNS
//       time from navigation to the app's first interactive page (the instruction and the drawn
//       site present), RUNS times, each in a fresh browser context (nothing cached), dist/ served
//       on 127.0.0.1
//
// The browser is Debian's Chromium through playwright-core, with the end-to-end tests' flags.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runPlan } from './bench.mjs';
import { serveDist } from '../e2e/serve.mjs';
import { launchBrowser, openPage, foreignRequests } from '../e2e/browser.mjs';

const log = (line) => process.stderr.write(`${line}\n`);

async function inNode(pkgDir, planFile) {
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  const glue = await import(path.resolve(pkgDir, 'wobble_wasm_bench.js'));
  glue.initSync({ module: readFileSync(path.resolve(pkgDir, 'wobble_wasm_bench_bg.wasm')) });
  const result = runPlan(glue, plan, log);
  return { runtime: `node ${process.version}`, ...result };
}

async function inChromium(stageDir, pkg, planFile) {
  const plan = JSON.parse(readFileSync(planFile, 'utf8'));
  const server = await serveDist({ root: stageDir, prefix: '/bench/' });
  const browser = await launchBrowser();
  try {
    const { page, log: pageLog } = await openPage(browser);
    page.on('console', (message) => log(message.text()));
    await page.goto(server.url('/bench/'));
    const result = await page.evaluate((message) => window.runBench(message), { pkg, plan });
    const userAgent = await page.evaluate(() => navigator.userAgent);
    const foreign = foreignRequests(pageLog.requests);
    if (pageLog.pageErrors.length || foreign.length) {
      throw new Error(`page errors ${JSON.stringify(pageLog.pageErrors)}, foreign requests ${JSON.stringify(foreign)}`);
    }
    return { runtime: `chromium ${browser.version()}`, userAgent, ...result };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Records, in the page, when the app first shows its instruction and a drawn site element. */
function watchFirstInteractive() {
  const check = () => {
    if (window.__wobbleInteractive !== undefined) return;
    const instruction = document.querySelector('#wobble-instruction');
    if (instruction && instruction.textContent.trim() && document.querySelector('#wobble-site [data-key]')) {
      window.__wobbleInteractive = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
}

async function firstPage(distDir, runs) {
  const server = await serveDist({ root: distDir });
  const browser = await launchBrowser();
  const out = [];
  try {
    for (let run = 0; run < runs; run++) {
      const { context, page, log: pageLog } = await openPage(browser, { viewport: { width: 1280, height: 800 } });
      try {
        await page.addInitScript(watchFirstInteractive);
        await page.goto(server.url('/wobble/'));
        await page.waitForFunction(() => window.__wobbleInteractive !== undefined, null, { timeout: 60_000 });
        const times = await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
          return {
            interactive_ms: window.__wobbleInteractive,
            dom_content_loaded_ms: nav?.domContentLoadedEventEnd ?? null,
            wasm_downloaded_ms: wasm?.responseEnd ?? null,
            wasm_transfer_bytes: wasm?.encodedBodySize ?? null,
          };
        });
        if (pageLog.pageErrors.length) throw new Error(`page errors: ${pageLog.pageErrors.join('; ')}`);
        out.push({ run, ...times });
        log(`first page run ${run + 1}: interactive after ${times.interactive_ms.toFixed(0)} ms`);
      } finally {
        await context.close();
      }
    }
    return { runtime: `chromium ${browser.version()}`, runs: out };
  } finally {
    await browser.close();
    await server.close();
  }
}

const [mode, ...args] = process.argv.slice(2);
let result;
if (mode === 'node' && args.length === 2) {
  result = await inNode(...args);
} else if (mode === 'chromium' && args.length === 3) {
  result = await inChromium(...args);
} else if (mode === 'first-page' && args.length === 2) {
  result = await firstPage(args[0], Number(args[1]));
} else {
  log('usage: run.mjs node PKG_DIR PLAN.json | chromium STAGE_DIR PKG PLAN.json | first-page DIST_DIR RUNS');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
