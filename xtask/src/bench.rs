//! `cargo xtask bench`: runs every benchmark and writes BENCHMARKS.md (and the README's
//! headline figures) from what it measured.
//!
//! The task has two halves that meet in one file, `target/bench/raw.jsonl`:
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
//!    - the same engine, training and sweep measurements compiled to WebAssembly
//!      (`crates/wasm-bench`), driven by `tests/bench/run.mjs` in Node and in a dedicated worker
//!      of headless Chromium;
//!    - the release bundle (`trunk build --release`, then `gzip -9` per file) and the time to the
//!      first interactive page, served on 127.0.0.1;
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

mod json;

use crate::{display, run, secs, Browser, Result, Xtask};
use json::{quote, Json};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
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
/// Where the raw measurements go.
const RAW: &str = "target/bench/raw.jsonl";

const USAGE: &str = "\
usage: cargo xtask bench [--quick] [--runs N] [--skip-miniwob] [--report-only]

  --quick         one run of each, shorter measurements (a smoke test of the whole pipeline)
  --runs N        repetitions of each measurement (default 5; 1 with --quick)
  --skip-miniwob  no MiniWoB++ comparison (the report says so)
  --report-only   rewrite BENCHMARKS.md and the README block from target/bench/raw.jsonl";

/// What the command line asked for.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub quick: bool,
    pub runs: usize,
    pub skip_miniwob: bool,
    pub report_only: bool,
    /// Seconds per `wobble bench` measurement (resets get half).
    pub seconds: f64,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options> {
        let mut options = Options {
            quick: false,
            runs: 0,
            skip_miniwob: false,
            report_only: false,
            seconds: 2.0,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--skip-miniwob" => options.skip_miniwob = true,
                "--report-only" => options.report_only = true,
                "--runs" => {
                    let n = args.next().ok_or("--runs needs a number")?;
                    options.runs = n
                        .parse()
                        .ok()
                        .filter(|&n| n >= 1)
                        .ok_or_else(|| format!("--runs {n}: expected a whole number from 1"))?;
                }
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
        let mut line = String::from("cargo xtask bench");
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

/// One line of [`RAW`]: a measurement, or a command's output that holds some
/// (`crates/bench-report/src/raw.rs` lists the kinds).
#[derive(Debug, Clone)]
struct Record {
    section: String,
    key: String,
    run: usize,
    /// Wall time of the command that produced it, in seconds.
    wall: f64,
    value: Json,
}

impl Record {
    fn line(&self) -> String {
        format!(
            "{{\"section\":{},\"key\":{},\"run\":{},\"wall\":{},\"value\":{}}}",
            quote(&self.section),
            quote(&self.key),
            self.run,
            self.wall,
            self.value
        )
    }
}

/// The raw measurements of this run, appended to [`RAW`] as they come.
struct Raw {
    path: PathBuf,
}

impl Raw {
    fn push(&mut self, section: &str, key: &str, run: usize, wall: f64, value: Json) -> Result {
        let record = Record {
            section: section.into(),
            key: key.into(),
            run,
            wall,
            value,
        };
        let mut text = fs::read_to_string(&self.path).unwrap_or_default();
        text.push_str(&record.line());
        text.push('\n');
        fs::write(&self.path, text)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

/// Machine-wide CPU use over a phase, and the part of it that was not this task's.
struct Meter {
    name: String,
    started: Instant,
    load_before: String,
    machine: Option<(u64, u64)>,
    ours: Option<u64>,
}

impl Meter {
    fn start(name: &str) -> Meter {
        println!("\n==> bench: {name}");
        Meter {
            name: name.into(),
            started: Instant::now(),
            load_before: load_average(),
            machine: machine_jiffies(),
            ours: own_jiffies(),
        }
    }

    /// Records the phase: wall time, load average before and after, and the share of all
    /// cores that other processes used meanwhile.
    fn finish(self, raw: &mut Raw) -> Result {
        let seconds = self.started.elapsed().as_secs_f64();
        let others = match (self.machine, machine_jiffies(), self.ours, own_jiffies()) {
            (Some((busy0, total0)), Some((busy1, total1)), Some(ours0), Some(ours1)) => {
                let total = (total1 - total0).max(1) as f64;
                let busy = busy1.saturating_sub(busy0) as f64;
                let ours = ours1.saturating_sub(ours0) as f64;
                Json::Num(((busy - ours) / total).max(0.0))
            }
            _ => Json::Null,
        };
        let load_after = load_average();
        println!(
            "<== bench: {} in {} (load {} -> {})",
            self.name,
            secs(self.started.elapsed()),
            self.load_before,
            load_after
        );
        let value = Json::Obj(vec![
            ("seconds".into(), Json::Num(seconds)),
            ("load_before".into(), Json::Str(self.load_before)),
            ("load_after".into(), Json::Str(load_after)),
            ("others".into(), others),
        ]);
        raw.push("phase", &self.name, 0, seconds, value)
    }
}

/// The three load averages, as in `/proc/loadavg`.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// (busy, total) jiffies over all CPUs, from `/proc/stat`.
fn machine_jiffies() -> Option<(u64, u64)> {
    let text = fs::read_to_string("/proc/stat").ok()?;
    let values: Vec<u64> = text
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = values.iter().sum();
    let idle = values.get(3)? + values.get(4).unwrap_or(&0);
    Some((total - idle, total))
}

/// CPU jiffies of this process and every child it has waited for (which covers the
/// benchmarks, their browsers and their compilers: each parent waits for its children).
fn own_jiffies() -> Option<u64> {
    let text = fs::read_to_string("/proc/self/stat").ok()?;
    let after = &text[text.rfind(')')? + 2..];
    let fields: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(4)
        .filter_map(|v| v.parse().ok())
        .collect();
    Some(fields.iter().sum())
}

/// Runs the task.
pub(crate) fn bench(xt: &Xtask, args: &[String]) -> Result {
    let options = Options::parse(args)?;
    let raw_path = xt.root.join(RAW);
    if options.report_only {
        if !raw_path.exists() {
            return Err(format!(
                "{} is missing; run `cargo xtask bench` first",
                raw_path.display()
            ));
        }
        return write_report(xt);
    }
    let started = Instant::now();
    fs::create_dir_all(xt.root.join("target/bench"))
        .map_err(|e| format!("cannot create target/bench: {e}"))?;
    fs::write(&raw_path, "").map_err(|e| format!("cannot write {}: {e}", raw_path.display()))?;
    let mut raw = Raw { path: raw_path };
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
    bench.phase(
        &mut raw,
        "browser: training and sweep",
        Bench::browser_train,
    )?;
    bench.phase(&mut raw, "web: bundle", Bench::bundle)?;
    bench.phase(&mut raw, "web: first page", Bench::first_page)?;
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
    write_report(xt)
}

/// Writes BENCHMARKS.md and the README block from [`RAW`], with `crates/bench-report`.
fn write_report(xt: &Xtask) -> Result {
    run(&mut xt.cargo([
        "run",
        "--quiet",
        "--release",
        "-p",
        "wobble-bench-report",
        "--",
        "--raw",
        RAW,
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
        let line = display(cmd);
        println!("$ {line}");
        let started = Instant::now();
        let out = cmd
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("could not start `{line}`: {e}"))?;
        let wall = started.elapsed().as_secs_f64();
        if !out.status.success() {
            return Err(format!("`{line}` failed ({})", out.status));
        }
        Ok((String::from_utf8_lossy(&out.stdout).into_owned(), wall))
    }

    /// Runs `cmd`, which prints one JSON value, and returns it as printed ([`Json::printed`]).
    fn capture_json(&self, cmd: &mut Command) -> Result<(Json, f64)> {
        let (out, wall) = self.capture(cmd)?;
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

    fn meta(&self, raw: &mut Raw, when: &str) -> Result {
        raw.push(
            "meta",
            &format!("load_{when}"),
            0,
            0.0,
            Json::Str(load_average()),
        )?;
        raw.push(
            "meta",
            &format!("date_{when}"),
            0,
            0.0,
            Json::Str(self.date()),
        )?;
        if when != "start" {
            return Ok(());
        }
        let cpu = fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|t| {
                t.lines().find_map(|l| {
                    l.strip_prefix("model name")
                        .map(|r| r.trim_start_matches([' ', '\t', ':']).to_string())
                })
            })
            .unwrap_or_else(|| "unknown".into());
        let mem_kib = fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|t| {
                t.lines().find_map(|l| {
                    l.strip_prefix("MemTotal:")
                        .and_then(|r| r.split_whitespace().next()?.parse::<f64>().ok())
                })
            })
            .unwrap_or(0.0);
        let os = fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|t| {
                t.lines().find_map(|l| {
                    l.strip_prefix("PRETTY_NAME=")
                        .map(|v| v.trim_matches('"').to_string())
                })
            })
            .unwrap_or_else(|| "unknown".into());
        let kernel = self.xt.stdout("uname", &["-sr"]).unwrap_or_default();
        let machine = Json::Obj(vec![
            ("cores".into(), Json::Num(nproc() as f64)),
            ("cpu".into(), Json::Str(cpu)),
            ("memory_gib".into(), Json::Num(mem_kib / 1024.0 / 1024.0)),
            ("os".into(), Json::Str(format!("{os}, {kernel}"))),
        ]);
        raw.push("meta", "machine", 0, 0.0, machine)?;
        let version = |program: &str, args: &[&str]| -> Json {
            let out = self.xt.cmd(program).args(args).output();
            match out {
                Ok(out) if out.status.success() => Json::Str(
                    String::from_utf8_lossy(&out.stdout)
                        .lines()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                ),
                _ => Json::Null,
            }
        };
        let versions = Json::Obj(vec![
            ("rustc".into(), version("rustc", &["--version"])),
            ("node".into(), version("node", &["--version"])),
            (
                "chromium".into(),
                version("/usr/bin/chromium", &["--version"]),
            ),
            ("trunk".into(), version("trunk", &["--version"])),
            (
                "wasm-bindgen".into(),
                version("wasm-bindgen", &["--version"]),
            ),
            ("wasm-opt".into(), version("wasm-opt", &["--version"])),
        ]);
        raw.push("meta", "versions", 0, 0.0, versions)?;
        let options = Json::Obj(vec![
            ("command".into(), Json::Str(self.options.command())),
            ("runs".into(), Json::Num(self.options.runs as f64)),
            (
                "slow_runs".into(),
                Json::Num(self.options.slow_runs() as f64),
            ),
            ("seconds".into(), Json::Num(self.options.seconds)),
            ("quick".into(), Json::Bool(self.options.quick)),
            (
                "sweep_episodes".into(),
                Json::Num(self.options.sweep_episodes() as f64),
            ),
            ("train_episodes".into(), Json::Num(TRAIN_EPISODES as f64)),
            ("sweep_seed".into(), Json::Num(SWEEP_SEED as f64)),
            ("sweep_policy".into(), Json::Str(SWEEP_POLICY.into())),
            (
                "train_threads_args".into(),
                Json::Str(TRAIN_SCALING_ARGS.join(" ")),
            ),
        ]);
        raw.push("meta", "options", 0, 0.0, options)
    }

    fn date(&self) -> String {
        self.xt
            .stdout("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
            .unwrap_or_else(|| "unknown date".into())
    }

    // ----- phases ------------------------------------------------------------------------------

    fn builds(&self, _raw: &mut Raw) -> Result {
        self.xt.setup(Browser::Needed)?;
        run(&mut self.xt.cargo(["build", "--release", "-p", "wobble-cli"]))
    }

    fn bench_args(&self, cmd: &mut Command, site: &str) {
        cmd.args(["bench", "--site", site, "--json", "--seconds"])
            .arg(self.options.seconds.to_string());
    }

    /// Engine rates natively, in Node and in Chromium's worker (opt-level 3 and as shipped),
    /// run after run: each run measures every site in all four, so that the ratios compare
    /// measurements made under the same load.
    fn engine(&self, raw: &mut Raw) -> Result {
        let sites = self.sites()?;
        let plan = self.plan("engine", &sites, false, false)?;
        for run in 0..self.options.runs {
            self.wait_for_quiet();
            for site in &sites {
                let mut cmd = self.wobble();
                self.bench_args(&mut cmd, site);
                let (value, wall) = self.capture_json(&mut cmd)?;
                raw.push("native-engine", site, run, wall, value)?;
            }
            let mut node = self.xt.cmd("node");
            node.args(["tests/bench/run.mjs", "node", "target/wasm-bench/release"])
                .arg(&plan);
            let (value, wall) = self.capture_json(&mut node)?;
            raw.push("runner-output", "wasm-node", run, wall, value)?;
            for (prefix, pkg) in [
                ("wasm-chromium-release", "pkg-release"),
                ("wasm-chromium-web", "pkg-web"),
            ] {
                let mut node = self.xt.cmd("node");
                node.args(["tests/bench/run.mjs", "chromium", "target/bench/web", pkg])
                    .arg(&plan);
                let (value, wall) = self.capture_json(&mut node)?;
                raw.push("runner-output", prefix, run, wall, value)?;
            }
        }
        Ok(())
    }

    /// Waits (up to 20 seconds, never with `--quick`) until other processes leave the machine
    /// mostly idle: under a quarter of all cores busy over one second. Called before each phase
    /// and each run of the engine phase; the phase table reports how busy others kept it.
    fn wait_for_quiet(&self) {
        if self.options.quick {
            return;
        }
        let started = Instant::now();
        loop {
            let busy = match machine_jiffies() {
                Some((busy0, total0)) => {
                    std::thread::sleep(std::time::Duration::from_secs(1));
                    machine_jiffies().map(|(busy1, total1)| {
                        busy1.saturating_sub(busy0) as f64 / (total1 - total0).max(1) as f64
                    })
                }
                None => None,
            };
            match busy {
                Some(b) if b >= 0.25 && started.elapsed().as_secs() < 20 => {
                    println!(
                        "  (waiting: other processes keep {:.0}% of the CPU busy)",
                        b * 100.0
                    );
                }
                _ => return,
            }
        }
    }

    fn native_perturbed(&self, raw: &mut Raw) -> Result {
        for run in 0..self.options.runs {
            for site in PERTURBED_SITES {
                for spec in std::iter::once("").chain(PERTURB_SPECS) {
                    let mut cmd = self.wobble();
                    self.bench_args(&mut cmd, site);
                    if !spec.is_empty() {
                        cmd.args(["--perturb", spec]);
                    }
                    let (value, wall) = self.capture_json(&mut cmd)?;
                    raw.push(
                        "native-perturbed",
                        &format!("{site}|{spec}"),
                        run,
                        wall,
                        value,
                    )?;
                }
            }
        }
        Ok(())
    }

    fn native_threads(&self, raw: &mut Raw) -> Result {
        let cores = nproc();
        for run in 0..self.options.runs {
            for site in SCALING_SITES {
                for threads in 1..=cores {
                    let mut cmd = self.wobble();
                    self.bench_args(&mut cmd, site);
                    cmd.args(["--threads", &threads.to_string()]);
                    let (value, wall) = self.capture_json(&mut cmd)?;
                    raw.push(
                        "native-threads",
                        &format!("{site}|{threads}"),
                        run,
                        wall,
                        value,
                    )?;
                }
            }
        }
        // Evaluation and the sweep: wall time, and the output, which must not depend on threads.
        let episodes = if self.options.quick { "2000" } else { "20000" };
        let sweep_episodes = self.options.sweep_episodes().to_string();
        for run in 0..self.options.slow_runs() {
            for threads in 1..=cores {
                let threads_arg = threads.to_string();
                let mut eval = self.wobble();
                eval.args([
                    "eval",
                    "--policy",
                    "random",
                    "--site",
                    "airline",
                    "--episodes",
                ])
                .args([episodes, "--threads", &threads_arg, "--json"]);
                let (out, wall) = self.capture(&mut eval)?;
                let value = Json::Obj(vec![
                    (
                        "digest".into(),
                        Json::Str(format!("{:016x}", crate::fnv1a(&[out.as_bytes()]))),
                    ),
                    (
                        "episodes".into(),
                        Json::Num(episodes.parse().unwrap_or(0.0)),
                    ),
                ]);
                raw.push("native-eval-threads", &threads_arg, run, wall, value)?;

                let mut sweep = self.wobble();
                sweep
                    .args([
                        "sweep",
                        "--policy",
                        SWEEP_POLICY,
                        "--site",
                        "airline",
                        "--episodes",
                    ])
                    .args([sweep_episodes.as_str(), "--threads", &threads_arg, "--json"]);
                let (out, wall) = self.capture(&mut sweep)?;
                let value = Json::Obj(vec![
                    (
                        "digest".into(),
                        Json::Str(format!("{:016x}", crate::fnv1a(&[out.as_bytes()]))),
                    ),
                    (
                        "report".into(),
                        Json::printed(&out).map_err(|e| format!("`wobble sweep` printed {e}"))?,
                    ),
                ]);
                raw.push("sweep-output", &threads_arg, run, wall, value)?;

                // Training: every thread count writes the same file, compared by digest.
                let policy_out = self.xt.root.join("target/bench/train-threads.json");
                let mut train = self.wobble();
                train
                    .args(TRAIN_SCALING_ARGS)
                    .args(["--eval", "0", "--quiet", "--threads", &threads_arg, "--out"])
                    .arg(&policy_out);
                let (_, wall) = self.capture(&mut train)?;
                let policy = fs::read(&policy_out)
                    .map_err(|e| format!("cannot read {}: {e}", policy_out.display()))?;
                let value = Json::Obj(vec![(
                    "digest".into(),
                    Json::Str(format!("{:016x}", crate::fnv1a(&[&policy]))),
                )]);
                raw.push("native-train-threads", &threads_arg, run, wall, value)?;
            }
        }
        Ok(())
    }

    fn native_train(&self, raw: &mut Raw) -> Result {
        let sites = self.sites()?;
        for run in 0..self.options.slow_runs() {
            for site in &sites {
                let mut cmd = self.wobble();
                cmd.args(["bench", "--train", "--site", site, "--json", "--episodes"])
                    .arg(TRAIN_EPISODES.to_string());
                let (value, wall) = self.capture_json(&mut cmd)?;
                raw.push("native-train", site, run, wall, value)?;
            }
        }
        Ok(())
    }

    fn allocations(&self, raw: &mut Raw) -> Result {
        let mut test = self.xt.cargo([
            "test",
            "--release",
            "-p",
            "wobble-engine",
            "--test",
            "alloc",
            "--",
            "--ignored",
            "--nocapture",
            "allocation_report",
        ]);
        let (out, wall) = self.capture(&mut test)?;
        for line in out.lines() {
            if let Some(json) = line.strip_prefix("ALLOC ") {
                let value = Json::printed(json).map_err(|e| format!("ALLOC line: {e}"))?;
                raw.push("alloc-output", "", 0, wall, value)?;
            }
        }
        Ok(())
    }

    fn criterion(&self, raw: &mut Raw) -> Result {
        let since = std::time::SystemTime::now();
        let mut cmd = self.xt.cargo([
            "bench",
            "-p",
            "wobble-engine",
            "-p",
            "wobble-policy",
            "--bench",
            "engine",
            "--bench",
            "learning",
            "--",
            "--noplot",
        ]);
        if self.options.quick {
            cmd.args(["--warm-up-time", "0.5", "--measurement-time", "1"]);
        }
        run(&mut cmd)?;
        let mut found = Vec::new();
        collect_estimates(&self.xt.root.join("target/criterion"), since, &mut found);
        if found.is_empty() {
            return Err("criterion ran but left no new estimates in target/criterion".into());
        }
        for value in found {
            raw.push("criterion-output", "", 0, 0.0, value)?;
        }
        Ok(())
    }

    fn wasm_build(&self, _raw: &mut Raw) -> Result {
        // `release` is the native speed profile (opt-level 3); `web` is what the app ships
        // (opt-level z, fat LTO), followed by wasm-opt -Oz as Trunk runs it for the app.
        for profile in ["release", "web"] {
            run(&mut self.xt.cargo([
                "build",
                "--profile",
                profile,
                "--target",
                crate::WASM_TARGET,
                "-p",
                "wobble-wasm-bench",
            ]))?;
            let wasm = self
                .xt
                .root
                .join("target")
                .join(crate::WASM_TARGET)
                .join(profile)
                .join("wobble_wasm_bench.wasm");
            let out = self.xt.root.join("target/wasm-bench").join(profile);
            run(self
                .xt
                .cmd("wasm-bindgen")
                .args(["--target", "web", "--out-dir"])
                .arg(&out)
                .arg(&wasm))?;
            if profile == "web" {
                let module = out.join("wobble_wasm_bench_bg.wasm");
                run(self
                    .xt
                    .cmd("wasm-opt")
                    .arg("-Oz")
                    .arg(&module)
                    .arg("-o")
                    .arg(&module))?;
            }
        }
        // The page, worker and runner served to Chromium, beside both builds.
        let stage = self.xt.root.join("target/bench/web");
        let _ = fs::remove_dir_all(&stage);
        fs::create_dir_all(&stage)
            .map_err(|e| format!("cannot create {}: {e}", stage.display()))?;
        for file in ["index.html", "worker.mjs", "bench.mjs"] {
            copy(
                &self.xt.root.join("tests/bench").join(file),
                &stage.join(file),
            )?;
        }
        for profile in ["release", "web"] {
            let from = self.xt.root.join("target/wasm-bench").join(profile);
            let to = stage.join(format!("pkg-{profile}"));
            fs::create_dir_all(&to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
            for file in ["wobble_wasm_bench.js", "wobble_wasm_bench_bg.wasm"] {
                copy(&from.join(file), &to.join(file))?;
            }
        }
        Ok(())
    }

    /// Writes a plan for tests/bench/bench.mjs; returns its path.
    /// `engine` lists the sites whose engine rates are measured (one run); `train` and `sweep`
    /// add those measurements, run [`Options::slow_runs`] times.
    fn plan(&self, name: &str, engine: &[String], train: bool, sweep: bool) -> Result<PathBuf> {
        let sites = |list: &[String]| Json::Arr(list.iter().cloned().map(Json::Str).collect());
        let runs = if train || sweep {
            self.options.slow_runs()
        } else {
            1
        };
        let mut plan = vec![
            ("runs".into(), Json::Num(runs as f64)),
            ("seconds".into(), Json::Num(self.options.seconds)),
            ("sites".into(), sites(engine)),
        ];
        if train {
            plan.push((
                "train".into(),
                Json::Obj(vec![
                    ("sites".into(), sites(&self.sites()?)),
                    ("episodes".into(), Json::Num(TRAIN_EPISODES as f64)),
                ]),
            ));
        }
        if sweep {
            let policy_path = self.xt.root.join(SWEEP_POLICY);
            let policy = fs::read_to_string(&policy_path)
                .map_err(|e| format!("cannot read {}: {e}", policy_path.display()))?;
            plan.push((
                "sweep".into(),
                Json::Obj(vec![
                    ("policy".into(), Json::Str(policy)),
                    (
                        "episodes".into(),
                        Json::Num(self.options.sweep_episodes() as f64),
                    ),
                    // An offset from 2^63, the first evaluation seed (SWEEP_SEED).
                    ("seed".into(), Json::Num(0.0)),
                ]),
            ));
        }
        let path = self
            .xt
            .root
            .join("target/bench")
            .join(format!("plan-{name}.json"));
        fs::write(&path, Json::Obj(plan).to_string())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }

    /// Training and the sweep in Chromium's worker, built as the app ships; training again
    /// built with opt-level 3, to show what the size-tuned build costs.
    fn browser_train(&self, raw: &mut Raw) -> Result {
        for (prefix, pkg, sweep) in [
            ("wasm-chromium-web", "pkg-web", true),
            ("wasm-chromium-release", "pkg-release", false),
        ] {
            let plan = self.plan(&format!("train-{pkg}"), &[], true, sweep)?;
            self.wait_for_quiet();
            let mut node = self.xt.cmd("node");
            node.args(["tests/bench/run.mjs", "chromium", "target/bench/web", pkg])
                .arg(&plan);
            let (value, wall) = self.capture_json(&mut node)?;
            raw.push("runner-output", prefix, 0, wall, value)?;
        }
        Ok(())
    }

    fn bundle(&self, raw: &mut Raw) -> Result {
        self.xt.dist()?;
        let dist = self.xt.root.join("dist");
        let mut files = Vec::new();
        list_files(&dist, &mut files);
        files.sort();
        // Trunk's lock file (`.trunk-lock`) is not part of the site.
        files.retain(|f| {
            !f.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        });
        for file in files {
            let bytes = fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            let out = Command::new("gzip")
                .args(["-9", "-c"])
                .arg(&file)
                .output()
                .map_err(|e| format!("could not run gzip: {e}"))?;
            if !out.status.success() {
                return Err(format!("gzip -9 -c {} failed", file.display()));
            }
            let name = file
                .strip_prefix(&dist)
                .unwrap_or(&file)
                .to_string_lossy()
                .into_owned();
            let value = Json::Obj(vec![
                ("bytes".into(), Json::Num(bytes as f64)),
                ("gzip".into(), Json::Num(out.stdout.len() as f64)),
            ]);
            raw.push("bundle", &name, 0, 0.0, value)?;
        }
        Ok(())
    }

    fn first_page(&self, raw: &mut Raw) -> Result {
        let runs = if self.options.quick {
            2
        } else {
            self.options.runs.max(5)
        };
        let mut node = self.xt.cmd("node");
        node.args([
            "tests/bench/run.mjs",
            "first-page",
            "dist",
            &runs.to_string(),
        ]);
        let (value, wall) = self.capture_json(&mut node)?;
        raw.push("first-page-output", "app", 0, wall, value)
    }

    fn miniwob(&self, raw: &mut Raw) -> Result {
        let script = self.xt.root.join("../shared/peers/miniwob_bench.py");
        let script = script.canonicalize().unwrap_or(script);
        let script = std::env::var_os("WOBBLE_MINIWOB_BENCH")
            .map(PathBuf::from)
            .unwrap_or(script);
        if !script.exists() {
            println!(
                "  skip     MiniWoB++: {} not found (set WOBBLE_MINIWOB_BENCH)",
                script.display()
            );
            return raw.push(
                "miniwob",
                "skipped",
                0,
                0.0,
                Json::Str(format!("{} not found", script.display())),
            );
        }
        let python = self.ensure_miniwob_venv()?;
        self.wait_for_quiet();
        let out = self.xt.root.join("target/bench/miniwob.json");
        let mut cmd = self.xt.cmd(python.to_str().unwrap_or("python3"));
        cmd.arg(&script)
            .args([
                "--tasks",
                &MINIWOB_TASKS.join(","),
                "--no-parallel",
                "--json",
            ])
            .arg(&out);
        if self.options.quick {
            cmd.arg("--quick");
        }
        // The script prints its own table; the figures are read from its JSON file.
        let (_, wall) = self.capture(&mut cmd)?;
        let text =
            fs::read_to_string(&out).map_err(|e| format!("cannot read {}: {e}", out.display()))?;
        let value = Json::printed(&text).map_err(|e| format!("{}: {e}", out.display()))?;
        raw.push("miniwob-output", "result", 0, wall, value)
    }

    /// `target/miniwob-venv` with MiniWoB++ from PyPI, created once (the script's own header
    /// says how); Chromium and chromedriver come from Debian (`setup`).
    fn ensure_miniwob_venv(&self) -> Result<PathBuf> {
        let venv = self.xt.root.join("target/miniwob-venv");
        let python = venv.join("bin/python");
        let installed = self
            .xt
            .cmd(python.to_str().unwrap_or("python"))
            .args(["-c", "import miniwob; print(miniwob.__version__)"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
        if installed.as_deref() == Some(MINIWOB_VERSION) {
            println!("  ok       miniwob {MINIWOB_VERSION} (target/miniwob-venv)");
            return Ok(python);
        }
        println!("  install  miniwob {MINIWOB_VERSION} into target/miniwob-venv (pip)");
        if !python.exists() {
            run(self.xt.cmd("python3").args(["-m", "venv"]).arg(&venv))?;
        }
        let pip = venv.join("bin/pip");
        run(self.xt.cmd(pip.to_str().unwrap_or("pip")).args([
            "install",
            "--quiet",
            &format!("miniwob=={MINIWOB_VERSION}"),
        ]))?;
        Ok(python)
    }
}

/// Cores available to this process.
fn nproc() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The start of `text`, for error messages.
fn clip(text: &str) -> String {
    text.chars().take(300).collect()
}

fn copy(from: &Path, to: &Path) -> Result {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

/// Every file under `dir`, recursively.
fn list_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            list_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Criterion's results written since `since`, one per benchmark: its `benchmark.json` (which
/// names it) and `estimates.json`, as written, under those two keys.
fn collect_estimates(dir: &Path, since: std::time::SystemTime, out: &mut Vec<Json>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            let estimates = path.join("estimates.json");
            let fresh = fs::metadata(&estimates)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= since);
            let read = |file: &Path| Json::printed(&fs::read_to_string(file).ok()?).ok();
            if let (true, Some(benchmark), Some(estimates)) =
                (fresh, read(&path.join("benchmark.json")), read(&estimates))
            {
                out.push(Json::Obj(vec![
                    ("benchmark".into(), benchmark),
                    ("estimates".into(), estimates),
                ]));
            }
        } else {
            collect_estimates(&path, since, out);
        }
    }
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

    #[test]
    fn records_are_one_line_each() {
        let record = Record {
            section: "native-engine".into(),
            key: "airline".into(),
            run: 2,
            wall: 3.5,
            value: Json::printed("{\n  \"steps_per_sec\": 150000.5\n}\n").unwrap(),
        };
        assert_eq!(
            record.line(),
            r#"{"section":"native-engine","key":"airline","run":2,"wall":3.5,"value":{   "steps_per_sec": 150000.5 }}"#
        );
    }
}
