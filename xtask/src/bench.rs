//! `cargo xtask bench`: runs every benchmark and writes BENCHMARKS.md (and the README's
//! headline figures) from what it measured.
//!
//! The task has two halves that meet in one file, `target/bench/raw.jsonl` (kept, once the run is
//! complete, as `docs/bench/raw.jsonl`, committed with the report it gives):
//!
//! 1. **Measuring.** Each phase runs real commands and appends one JSON line per measurement
//!    (`section`, `key`, `run`, wall time, and the value the command printed):
//!    - `wobble bench --json` per shipped site (those `wobble list` lists), `--runs` times,
//!      interleaved (run 1 of every site, then run 2, ...), one thread; perturbed resets;
//!      `--threads 1..=nproc` for `bench`, `eval` and `sweep`, with the outputs of `eval` and
//!      `sweep` compared across thread counts;
//!    - `wobble bench --train` per site (PPO from scratch, time to 90% success);
//!    - criterion (`cargo bench -p wobble-engine -p wobble-policy`), read back from
//!      `target/criterion/**/new/estimates.json`; the engine's allocation report (an ignored
//!      test in `crates/engine/tests/alloc.rs`);
//!    - a `perf record` profile of the command behind each headline figure (what bounds it);
//!    - the same engine, training and sweep measurements compiled to WebAssembly
//!      (`crates/wasm-bench`), driven by `tests/bench/run.mjs` in Node and in a dedicated worker
//!      of headless Chromium;
//!    - the release bundle (`cargo xtask dist`, then `gzip -9` per file) and the time to the
//!      first interactive page, served on 127.0.0.1;
//!    - the Python package (built with maturin into `target/py`): steps per second from Python
//!      beside the same work natively, and the Ray sweep on one and two workers;
//!    - MiniWoB++ on the same machine (`miniwob_bench.py`, in a venv under `target/`).
//!
//!    xtask reads no JSON: where a command prints several measurements at once (the Node
//!    runner, the allocation report, criterion's files, MiniWoB++'s results, a sweep's report),
//!    the line holds the output as printed, and the report takes it apart.
//! 2. **Reporting.** `crates/bench-report` (`cargo run --release -p wobble-bench-report`):
//!    `xtask/bench-template.md` holds the prose; each `{{name}}` in it is replaced by a table
//!    computed from the raw lines (medians, with min–max over the runs). The result is
//!    BENCHMARKS.md; the README's block between `<!-- bench:begin -->` and `<!-- bench:end -->`
//!    gets the headline figures. `--report-only` redoes this half alone.
//!
//! The machine is usually shared, so every phase records the load average before and after
//! and the share of the CPU that other processes used meanwhile (from `/proc`), and the report
//! shows them next to the figures.
//!
//! The measuring half is split by what it measures:
//! - this file: the plan (what is measured, the options, the order of the phases) and the way
//!   a command is run and its output captured;
//! - `raw`: the raw file, one record a line;
//! - `machine`: the machine itself (its description, its load, how busy others keep it);
//! - `native`: the native measurements (perturbed resets, threads, training, allocations,
//!   criterion);
//! - `web`: the WebAssembly builds, the engine natively, in Node and in Chromium, training and
//!   the sweep in the browser, the release bundle and its first page;
//! - `profile`: the profiles of the headline figures;
//! - `python`: the Python package and Ray;
//! - `miniwob`: MiniWoB++ on the same machine;
//! - `json`: the JSON xtask writes;
//! - `breaks`: `cargo xtask break-table`, the break search of each shipped airline agent,
//!   natively and in the worker, with a raw file and a README block of its own.

pub(crate) mod breaks;
mod json;
mod machine;
mod miniwob;
mod native;
mod profile;
mod python;
mod raw;
mod web;

use crate::{display, run, secs, Browser, Result, Xtask};
use json::Json;
use machine::Meter;
use raw::Raw;
use std::fmt::Write as _;
use std::fs;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Sites measured under perturbations, and the specs (besides none).
const PERTURBED_SITES: [&str; 2] = ["click-button", "airline"];
const PERTURB_SPECS: [&str; 3] = [
    "move:2,relabel:2",
    "popup:2,extra-step:2,lazy:2",
    "restyle:3,font:3,distractors:3",
];
/// Sites measured on 1..=nproc threads.
const SCALING_SITES: [&str; 2] = ["click-button", "airline"];
/// The policy swept (natively and in the browser) and the sweep's first seed (`wobble sweep`'s
/// default).
const SWEEP_POLICY: &str = "policies/airline.json";
/// The first evaluation seed (2^63): training never plays it.
const SWEEP_SEED: u64 = 1 << 63;
/// The training timed on 1..=nproc threads: the shipped airline policy's command.
const TRAIN_SCALING_ARGS: [&str; 9] = [
    "train",
    "--site",
    "airline",
    "--episodes",
    "2000",
    "--warm-start",
    "300",
    "--seed",
    "1",
];
/// PPO episodes per training measurement (`wobble bench --train`'s default).
const TRAIN_EPISODES: u64 = 3000;
/// The MiniWoB++ tasks measured (the report, `crates/bench-report`, pairs each with the Wobble
/// site it is compared with).
const MINIWOB_TASKS: [&str; 4] = ["click-button", "enter-text", "login-user", "book-flight"];
/// The MiniWoB++ release the comparison uses (PyPI).
const MINIWOB_VERSION: &str = "1.1.0";
/// The port the fresh clone's page is served on while it is timed (not `serve`'s own, which
/// may be in use).
const FRESH_PORT: u16 = 8097;
/// Where the raw measurements go as they are made.
const RAW: &str = "target/bench/raw.jsonl";
/// Where a complete run's raw measurements are kept, committed beside the report they give (a
/// test checks that BENCHMARKS.md is what they give).
const KEPT: &str = "docs/bench/raw.jsonl";

const USAGE: &str = "\
usage: cargo xtask bench [--quick] [--runs N] [--skip-miniwob] [--report-only]

  --quick         one run of each, shorter measurements (a smoke test of the whole pipeline)
  --runs N        repetitions of each measurement (default 5; 1 with --quick)
  --skip-miniwob  no MiniWoB++ comparison (the report says so)
  --report-only   rewrite BENCHMARKS.md and the README block from docs/bench/raw.jsonl
                  (the last complete run's measurements, kept beside the report)";

/// What the command line asked for.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub quick: bool,
    pub runs: usize,
    pub skip_miniwob: bool,
    pub report_only: bool,
    /// Seconds per `wobble bench` measurement (resets get half).
    pub seconds: f64,
    /// The xtask command measuring (`bench`, or `break-table` for [`breaks`]).
    pub task: &'static str,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options {
            quick: false,
            runs: 0,
            skip_miniwob: false,
            report_only: false,
            seconds: 2.0,
            task: "bench",
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--skip-miniwob" => options.skip_miniwob = true,
                "--report-only" => options.report_only = true,
                "--runs" => options.runs = parse_runs(args.next())?,
                "-h" | "--help" => return Err(USAGE.into()),
                other => return Err(format!("unknown option `{other}`\n{USAGE}")),
            }
        }
        if options.runs == 0 {
            options.runs = if options.quick { 1 } else { 5 };
        }
        if options.quick {
            options.seconds = 0.5;
        }
        Ok(options)
    }

    /// The command line that reproduces this run.
    pub fn command(&self) -> String {
        let mut line = format!("cargo xtask {}", self.task);
        if self.quick {
            line.push_str(" --quick");
        }
        let default_runs = if self.quick { 1 } else { 5 };
        if self.runs != default_runs {
            let _ = write!(line, " --runs {}", self.runs);
        }
        if self.skip_miniwob {
            line.push_str(" --skip-miniwob");
        }
        line
    }

    /// Runs of the slow measurements (training, sweeps): at most three.
    fn slow_runs(&self) -> usize {
        self.runs.min(3)
    }

    /// Episodes per sweep cell.
    fn sweep_episodes(&self) -> u64 {
        if self.quick {
            20
        } else {
            200
        }
    }
}

/// Runs the task.
pub(crate) fn bench(xt: &Xtask, args: &[String]) -> Result {
    let options = Options::parse(args)?;
    let raw_path = xt.root.join(RAW);
    let kept = xt.root.join(KEPT);
    if options.report_only {
        if !kept.exists() {
            return Err(format!(
                "{} is missing; run `cargo xtask bench` first",
                kept.display()
            ));
        }
        return write_report(xt);
    }
    let started = Instant::now();
    fs::create_dir_all(xt.root.join("target/bench"))
        .map_err(|e| format!("cannot create target/bench: {e}"))?;
    fs::write(&raw_path, "").map_err(|e| format!("cannot write {}: {e}", raw_path.display()))?;
    let mut raw = Raw {
        path: raw_path.clone(),
    };
    let bench = Bench { xt, options };
    bench.meta(&mut raw, "start")?;
    bench.phase(&mut raw, "setup and builds", Bench::builds)?;
    bench.phase(&mut raw, "wasm: build", Bench::wasm_build)?;
    bench.phase(&mut raw, "engine: native, Node, Chromium", Bench::engine)?;
    bench.phase(&mut raw, "native: perturbed", Bench::native_perturbed)?;
    bench.phase(&mut raw, "native: threads", Bench::native_threads)?;
    bench.phase(&mut raw, "native: training", Bench::native_train)?;
    bench.phase(&mut raw, "native: allocations", Bench::allocations)?;
    bench.phase(&mut raw, "native: criterion", Bench::criterion)?;
    bench.phase(&mut raw, "native: profiles", Bench::profiles)?;
    bench.phase(
        &mut raw,
        "browser: training and sweep",
        Bench::browser_train,
    )?;
    bench.phase(&mut raw, "web: bundle", Bench::bundle)?;
    bench.phase(&mut raw, "web: first page", Bench::first_page)?;
    bench.phase(&mut raw, "web: a fresh machine", Bench::fresh_serve)?;
    bench.phase(&mut raw, "python and ray", Bench::python)?;
    if bench.options.skip_miniwob {
        raw.push(
            "miniwob",
            "skipped",
            0,
            0.0,
            Json::Str("--skip-miniwob".into()),
        )?;
    } else {
        bench.phase(&mut raw, "miniwob++", Bench::miniwob)?;
    }
    bench.meta(&mut raw, "end")?;
    println!("\nbench: measured in {}", secs(started.elapsed()));
    // Only a complete run replaces the kept one.
    if let Some(dir) = kept.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    fs::copy(&raw_path, &kept).map_err(|e| {
        format!(
            "cannot copy {} to {}: {e}",
            raw_path.display(),
            kept.display()
        )
    })?;
    write_report(xt)
}

/// Writes BENCHMARKS.md and the README block from [`KEPT`], with `crates/bench-report`.
fn write_report(xt: &Xtask) -> Result {
    run(&mut xt.cargo([
        "run",
        "--quiet",
        "--release",
        "-p",
        "wobble-bench-report",
        "--",
        "--raw",
        KEPT,
    ]))
}

/// The measuring half: one method per phase.
struct Bench<'a> {
    xt: &'a Xtask,
    options: Options,
}

impl Bench<'_> {
    fn phase(&self, raw: &mut Raw, name: &str, body: fn(&Self, &mut Raw) -> Result) -> Result {
        self.wait_for_quiet();
        let meter = Meter::start(name);
        body(self, raw).map_err(|e| format!("bench phase `{name}`: {e}"))?;
        meter.finish(raw)
    }

    fn wobble(&self) -> Command {
        self.xt.cmd(
            self.xt
                .root
                .join("target/release/wobble")
                .to_str()
                .unwrap_or("target/release/wobble"),
        )
    }

    /// Runs `cmd`, returning its stdout and wall time; stderr passes through.
    fn capture(&self, cmd: &mut Command) -> Result<(String, f64)> {
        self.capture_exiting(cmd, &[0])
    }

    /// [`Bench::capture`] for a command whose exit codes `ok` are all results (a search that
    /// finds nothing, say), not failures.
    fn capture_exiting(&self, cmd: &mut Command, ok: &[i32]) -> Result<(String, f64)> {
        let line = display(cmd);
        println!("$ {line}");
        let started = Instant::now();
        let out = cmd
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("could not start `{line}`: {e}"))?;
        let wall = started.elapsed().as_secs_f64();
        if !out.status.code().is_some_and(|code| ok.contains(&code)) {
            return Err(format!("`{line}` failed ({})", out.status));
        }
        Ok((String::from_utf8_lossy(&out.stdout).into_owned(), wall))
    }

    /// Runs `cmd`, which prints one JSON value, and returns it as printed ([`Json::printed`]).
    fn capture_json(&self, cmd: &mut Command) -> Result<(Json, f64)> {
        self.capture_json_exiting(cmd, &[0])
    }

    /// [`Bench::capture_json`] for a command whose exit codes `ok` are all results.
    fn capture_json_exiting(&self, cmd: &mut Command, ok: &[i32]) -> Result<(Json, f64)> {
        let (out, wall) = self.capture_exiting(cmd, ok)?;
        let value = Json::printed(&out)
            .map_err(|e| format!("`{}` printed {e}: {}", display(cmd), clip(&out)))?;
        Ok((value, wall))
    }

    /// The shipped sites, in the order of `wobble list` (whose lines start with the name).
    fn sites(&self) -> Result<Vec<String>> {
        let mut list = self.wobble();
        let (out, _) = self.capture(list.arg("list"))?;
        let sites: Vec<String> = out
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .map(str::to_string)
            .collect();
        if sites.is_empty() {
            return Err("`wobble list` listed no sites".into());
        }
        Ok(sites)
    }

    // ----- phases ------------------------------------------------------------------------------

    fn builds(&self, _raw: &mut Raw) -> Result {
        self.xt.setup(Browser::Needed)?;
        run(&mut self.xt.cargo(["build", "--release", "-p", "wobble-cli"]))
    }
}

/// The value of `--runs`: a whole number from 1.
fn parse_runs(value: Option<&String>) -> Result<usize> {
    let n = value.ok_or("--runs needs a number")?;
    n.parse()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| format!("--runs {n}: expected a whole number from 1"))
}

/// The start of `text`, for error messages.
fn clip(text: &str) -> String {
    text.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_options() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let o = Options::parse(&args(&["--quick"])).unwrap();
        assert_eq!((o.quick, o.runs, o.seconds), (true, 1, 0.5));
        assert_eq!(o.command(), "cargo xtask bench --quick");
        let o = Options::parse(&args(&["--runs", "3", "--skip-miniwob"])).unwrap();
        assert_eq!((o.quick, o.runs, o.skip_miniwob), (false, 3, true));
        assert_eq!(o.command(), "cargo xtask bench --runs 3 --skip-miniwob");
        assert!(Options::parse(&args(&["--runs", "0"])).is_err());
        assert!(Options::parse(&args(&["--fast"])).is_err());
    }
}
