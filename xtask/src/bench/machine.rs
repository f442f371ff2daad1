//! The machine a run measures on: what it is (cores, CPU, memory, OS, tool versions, the
//! options of the run), recorded under `meta`; and how busy it is, read from `/proc`: each
//! phase's load and the share of the CPU other processes used meanwhile ([`Meter`]), and the
//! wait for a quiet machine before each phase.

use super::json::Json;
use super::raw::Raw;
use super::{Bench, SWEEP_POLICY, SWEEP_SEED, TRAIN_EPISODES, TRAIN_SCALING_ARGS};
use crate::{secs, Result};
use std::fs;
use std::time::Instant;

/// Machine-wide CPU use over a phase, and the part of it that was not this task's.
pub(super) struct Meter {
    name: String,
    started: Instant,
    load_before: String,
    machine: Option<(u64, u64)>,
    ours: Option<u64>,
}

impl Meter {
    pub(super) fn start(name: &str) -> Meter {
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
    pub(super) fn finish(self, raw: &mut Raw) -> Result {
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

impl Bench<'_> {
    /// The load average and date at `when` (`start` or `end`); at the start also the machine,
    /// the tools' versions and the options of the run.
    pub(super) fn meta(&self, raw: &mut Raw, when: &str) -> Result {
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

    /// Waits (up to 20 seconds, never with `--quick`) until other processes leave the machine
    /// mostly idle: under a quarter of all cores busy over one second. Called before each phase
    /// and each run of the engine phase; the phase table reports how busy others kept it.
    pub(super) fn wait_for_quiet(&self) {
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
}

/// Cores available to this process.
pub(super) fn nproc() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
