//! `cargo xtask break-table`: the break search (`wobble break`, default settings) of each
//! shipped airline agent, timed natively on one core and in a dedicated worker of headless
//! Chromium (crates/wasm-bench's `BreakBench`, built as the app ships), run after run.
//!
//! The raw lines go to `target/bench/break.jsonl`, kept as `docs/bench/break.jsonl` once the
//! run is complete; `crates/bench-report` (`--breaks`) turns them into the README's `break`
//! block, and a test fails when that block is not what the kept file gives. The search is
//! deterministic, so the worker's report must equal the native one byte for byte; the table
//! says whether it did.

use super::json::Json;
use super::raw::Raw;
use super::{Bench, Options};
use crate::{run, Browser, Result, Xtask};
use std::fs;

/// The agents searched: every shipped airline policy.
const POLICIES: [&str; 4] = [
    "policies/airline.json",
    "policies/airline-randomized.json",
    "policies/airline-screen.json",
    "policies/airline-screen-randomized.json",
];
const RAW: &str = "target/bench/break.jsonl";
const KEPT: &str = "docs/bench/break.jsonl";

const USAGE: &str = "\
usage: cargo xtask break-table [--runs N] [--report-only]

  --runs N        repetitions of each search, natively and in the worker (default 3)
  --report-only   rewrite the README's break block from docs/bench/break.jsonl";

/// Runs the task.
pub(crate) fn break_table(xt: &Xtask, args: &[String]) -> Result {
    let mut runs = 3;
    let mut report_only = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--report-only" => report_only = true,
            "--runs" => runs = super::parse_runs(args.next())?,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown option `{other}`\n{USAGE}")),
        }
    }
    if !report_only {
        measure(xt, runs)?;
    }
    write_report(xt)
}

fn measure(xt: &Xtask, runs: usize) -> Result {
    let raw_path = xt.root.join(RAW);
    fs::create_dir_all(xt.root.join("target/bench"))
        .map_err(|e| format!("cannot create target/bench: {e}"))?;
    fs::write(&raw_path, "").map_err(|e| format!("cannot write {}: {e}", raw_path.display()))?;
    let mut raw = Raw {
        path: raw_path.clone(),
    };
    let bench = Bench {
        xt,
        options: Options {
            quick: false,
            runs,
            skip_miniwob: true,
            report_only: false,
            seconds: 0.0,
            task: "break-table",
        },
    };
    bench.meta(&mut raw, "start")?;
    bench.phase(&mut raw, "setup and builds", |b, _| {
        b.xt.setup(Browser::Needed)?;
        run(&mut b.xt.cargo(["build", "--release", "-p", "wobble-cli"]))
    })?;
    bench.phase(&mut raw, "wasm: build", Bench::wasm_build)?;
    bench.phase(&mut raw, "native: break", Bench::native_breaks)?;
    bench.phase(&mut raw, "browser: break", Bench::browser_breaks)?;
    bench.meta(&mut raw, "end")?;
    let kept = xt.root.join(KEPT);
    fs::copy(&raw_path, &kept).map_err(|e| {
        format!(
            "cannot copy {} to {}: {e}",
            raw_path.display(),
            kept.display()
        )
    })?;
    Ok(())
}

impl Bench<'_> {
    /// `wobble break --json` on each agent, one core, `runs` times, interleaved. It exits 1
    /// when nothing breaks, which is a result like any other here.
    fn native_breaks(&self, raw: &mut Raw) -> Result {
        for run in 0..self.options.runs {
            for policy in POLICIES {
                let mut cmd = self.wobble();
                cmd.args(["break", "--policy", policy, "--site", "airline", "--json"]);
                let (value, wall) = self.capture_json_exiting(&mut cmd, &[0, 1])?;
                raw.push("native-break", policy, run, wall, value)?;
            }
        }
        Ok(())
    }

    /// The same searches in Chromium's worker, built as the app ships.
    fn browser_breaks(&self, raw: &mut Raw) -> Result {
        let mut policies = Vec::new();
        for policy in POLICIES {
            let path = self.xt.root.join(policy);
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            policies.push(Json::Obj(vec![
                ("name".into(), Json::Str(policy.into())),
                ("policy".into(), Json::Str(text)),
            ]));
        }
        let plan = Json::Obj(vec![
            ("runs".into(), Json::Num(self.options.runs as f64)),
            ("seconds".into(), Json::Num(0.0)),
            ("sites".into(), Json::Arr(Vec::new())),
            ("breaks".into(), Json::Arr(policies)),
        ]);
        let path = self.xt.root.join("target/bench/plan-break.json");
        fs::write(&path, plan.to_string())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let mut node = self.xt.cmd("node");
        node.args([
            "tests/bench/run.mjs",
            "chromium",
            "target/bench/web",
            "pkg-web",
        ])
        .arg(&path);
        let (value, wall) = self.capture_json(&mut node)?;
        raw.push("break-runner-output", "wasm-chromium-web", 0, wall, value)
    }
}

/// Writes the README's break block from [`KEPT`], with `crates/bench-report`.
fn write_report(xt: &Xtask) -> Result {
    if !xt.root.join(KEPT).exists() {
        return Err(format!(
            "{KEPT} is missing; run `cargo xtask break-table` first"
        ));
    }
    run(&mut xt.cargo([
        "run",
        "--quiet",
        "--release",
        "-p",
        "wobble-bench-report",
        "--",
        "--breaks",
        KEPT,
    ]))
}
