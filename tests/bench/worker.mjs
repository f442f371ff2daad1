// A dedicated module worker that runs a benchmark plan (bench.mjs) in WebAssembly, as the app's
// training worker runs training: off the main thread. The page posts { pkg, plan }, where `pkg`
// is the folder of the wasm-bindgen output to load; the worker posts { log } lines while it runs
// and then { result } (or { error }).

import { runPlan } from './bench.mjs';

self.onmessage = async ({ data: { pkg, plan } }) => {
  try {
    const glue = await import(`./${pkg}/wobble_wasm_bench.js`);
    await glue.default();
    const result = runPlan(glue, plan, (line) => self.postMessage({ log: line }));
    self.postMessage({ result });
  } catch (error) {
    self.postMessage({ error: String(error?.stack ?? error) });
  }
};
