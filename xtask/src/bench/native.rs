//! The native measurements besides the engine rates (`web` measures those beside their
//! WebAssembly counterparts): resets under perturbations, 1..=nproc threads for `bench`, `eval`,
//! `sweep` and `train` (outputs compared by digest), training to 90% success, the engine's
//! allocation report and criterion's benchmarks.

use super::json::Json;
use super::machine::nproc;
use super::raw::Raw;
use super::{
    Bench, PERTURBED_SITES, PERTURB_SPECS, SCALING_SITES, SWEEP_POLICY, TRAIN_EPISODES,
    TRAIN_SCALING_ARGS,
};
use crate::{run, Result};
use std::fs;
use std::path::Path;
use std::process::Command;

impl Bench<'_> {
    /// `wobble bench --site SITE --json --seconds S`: one measurement of the engine's rates,
    /// shared with the engine phase (`web`).
    pub(super) fn bench_args(&self, cmd: &mut Command, site: &str) {
        cmd.args(["bench", "--site", site, "--json", "--seconds"])
            .arg(self.options.seconds.to_string());
    }

    pub(super) fn native_perturbed(&self, raw: &mut Raw) -> Result {
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

    pub(super) fn native_threads(&self, raw: &mut Raw) -> Result {
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

    pub(super) fn native_train(&self, raw: &mut Raw) -> Result {
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

    pub(super) fn allocations(&self, raw: &mut Raw) -> Result {
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

    pub(super) fn criterion(&self, raw: &mut Raw) -> Result {
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
