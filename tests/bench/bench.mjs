// The benchmark plan that runs in WebAssembly: the same code in Node (run.mjs node) and in a
// dedicated worker of headless Chromium (worker.mjs, loaded by index.html; run.mjs chromium).
//
// `glue` is the wasm-bindgen module of crates/wasm-bench, already initialised. The wasm side does a
// fixed amount of work per call; time is kept here with performance.now(), which Node and workers
// both have. What each part measures mirrors the native command line:
//
//   engine  `wobble bench --site SITE`: a random policy steps with automatic resets for `seconds`
//           (after a warm-up of 10,000 steps), then resets alone for half that long;
//   train   `wobble bench --train --site SITE`: PPO from scratch (default settings, seed 1), wall
//           time in all and until the success over the last 100 episodes first reaches 90%;
//   sweep   `wobble sweep --policy FILE --episodes N`: the policy unperturbed and under every kind
//           and severity, wall time in all (and each cell's success, to compare with native);
//   breaks  `wobble break --policy FILE --json`: the cheapest change that breaks each policy, one
//           chunk of episodes per call as the app's worker runs it, wall time and the report
//           (to compare with native, byte for byte).
//
// Runs are interleaved (run 1 of every site, then run 2, ...) so that a burst of load from other
// processes spreads over the sites instead of landing on one.
//
// plan = { runs, seconds, sites: [name], train: { sites: [name], episodes },
//          sweep: { policy: JSON text, episodes, seed },
//          breaks: [{ name, policy: JSON text }] }   (train, sweep and breaks are optional)

const now = () => performance.now();

/** Random-policy steps/s (resets included) and resets/s on one site, like `wobble bench`. */
export function engineRun(glue, site, seconds) {
  const bench = new glue.StepBench(site, 0);
  try {
    bench.steps(10_000);
    let steps = 0;
    let episodes = 0;
    let start = now();
    while (now() - start < seconds * 1000) {
      episodes += bench.steps(1000);
      steps += 1000;
    }
    const elapsed = (now() - start) / 1000;
    let resets = 0;
    start = now();
    while (now() - start < (seconds * 1000) / 2) {
      bench.resets(100);
      resets += 100;
    }
    const resetElapsed = (now() - start) / 1000;
    return {
      site: bench.site(),
      task: bench.task(),
      steps,
      episodes,
      seconds: elapsed,
      steps_per_sec: steps / elapsed,
      episodes_per_sec: episodes / elapsed,
      resets_per_sec: resets / resetElapsed,
    };
  } finally {
    bench.free();
  }
}

/** PPO from scratch on one site, like `wobble bench --train`. */
export function trainRun(glue, site, episodes) {
  const start = now();
  const bench = new glue.TrainBench(site, episodes);
  try {
    let secondsTo90 = null;
    let done = false;
    while (!done) {
      // One batch (16 episodes) per call: the 90% check lands where the native one does.
      done = bench.advance(16);
      if (secondsTo90 === null && bench.episodes_to_90() !== undefined) {
        secondsTo90 = (now() - start) / 1000;
      }
    }
    const seconds = (now() - start) / 1000;
    return {
      site,
      episodes,
      seconds,
      episodes_per_sec: episodes / seconds,
      seconds_to_90: secondsTo90,
      episodes_to_90: bench.episodes_to_90() ?? null,
      final_success_rate: bench.success_rate(),
    };
  } finally {
    bench.free();
  }
}

/** The brittleness sweep of one policy, like `wobble sweep`. */
export function sweepRun(glue, policy, episodes, seed) {
  const start = now();
  const bench = new glue.SweepBench(policy, episodes, seed);
  try {
    while (!bench.next_cell()) {
      // One cell per call, as the app's worker does between messages.
    }
    const seconds = (now() - start) / 1000;
    return {
      cells: bench.cells(),
      episodes,
      seconds,
      success_rates: Array.from(bench.success_rates()),
    };
  } finally {
    bench.free();
  }
}

/** The break search of one policy, like `wobble break --policy NAME --json`. */
export function breakRun(glue, name, policy) {
  const start = now();
  const bench = new glue.BreakBench(policy, name);
  try {
    let units = 0;
    while (!bench.advance()) {
      units += 1;
    }
    const seconds = (now() - start) / 1000;
    return { name, seconds, units, report: JSON.parse(bench.report_json()) };
  } finally {
    bench.free();
  }
}

/** Runs the whole plan; `log` gets a line per finished measurement. */
export function runPlan(glue, plan, log = () => {}) {
  const out = { engine: [], train: [], sweep: [], breaks: [] };
  for (let run = 0; run < plan.runs; run++) {
    for (const site of plan.sites ?? []) {
      const r = engineRun(glue, site, plan.seconds);
      out.engine.push({ run, ...r });
      log(`engine ${site} run ${run + 1}: ${Math.round(r.steps_per_sec)} steps/s, ${Math.round(r.resets_per_sec)} resets/s`);
    }
    for (const site of plan.train?.sites ?? []) {
      const r = trainRun(glue, site, plan.train.episodes);
      out.train.push({ run, ...r });
      log(`train ${site} run ${run + 1}: ${r.episodes_per_sec.toFixed(0)} episodes/s, 90% after ${r.seconds_to_90?.toFixed(2) ?? 'never'} s`);
    }
    if (plan.sweep && run < (plan.sweep.runs ?? plan.runs)) {
      const r = sweepRun(glue, plan.sweep.policy, plan.sweep.episodes, plan.sweep.seed);
      out.sweep.push({ run, ...r });
      log(`sweep run ${run + 1}: ${r.cells} cells x ${r.episodes} episodes in ${r.seconds.toFixed(2)} s`);
    }
    for (const { name, policy } of plan.breaks ?? []) {
      const r = breakRun(glue, name, policy);
      out.breaks.push({ run, ...r });
      log(`break ${name} run ${run + 1}: ${r.report.found?.spec ?? 'nothing'} in ${r.seconds.toFixed(2)} s`);
    }
  }
  return out;
}
