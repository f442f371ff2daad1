//! WebAssembly and the web: the two wasm builds of `crates/wasm-bench` (opt-level 3 and as
//! the app ships) staged for Chromium; the engine rates natively, in Node and in Chromium's
//! worker, run after run; training and the sweep in the worker, driven by a plan file for
//! `tests/bench/run.mjs`; and the release bundle, its sizes and its first interactive page.

use super::json::Json;
use super::raw::Raw;
use super::{Bench, SWEEP_POLICY, TRAIN_EPISODES};
use crate::{run, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

impl Bench<'_> {
    /// Engine rates natively, in Node and in Chromium's worker (opt-level 3 and as shipped),
    /// run after run: each run measures every site in all four, so that the ratios compare
    /// measurements made under the same load.
    pub(super) fn engine(&self, raw: &mut Raw) -> Result {
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

    pub(super) fn wasm_build(&self, _raw: &mut Raw) -> Result {
        // `release` is the native speed profile (opt-level 3); `web` is what the app ships
        // (engine, policies, taffy and libm at opt-level 3, the rest at z; fat LTO), followed by
        // wasm-opt -Oz as `cargo xtask dist` runs it for the app.
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
    /// add those measurements, run [`Options::slow_runs`](super::Options::slow_runs) times.
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
    pub(super) fn browser_train(&self, raw: &mut Raw) -> Result {
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

    pub(super) fn bundle(&self, raw: &mut Raw) -> Result {
        self.xt.dist()?;
        let dist = self.xt.root.join("dist");
        let mut files = Vec::new();
        list_files(&dist, &mut files);
        files.sort();
        // Dotfiles (a lock file Trunk leaves, when it built dist/) are not part of the site.
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

    /// `cargo xtask fresh-serve`: the first page from a fresh clone of this commit, also written
    /// into the README's own line.
    pub(super) fn fresh_serve(&self, raw: &mut Raw) -> Result {
        let elapsed = crate::fresh::measure(self.xt, super::FRESH_PORT, false)?;
        let seconds = elapsed.as_secs_f64();
        let value = Json::Obj(vec![("seconds".into(), Json::Num(seconds))]);
        raw.push("fresh-serve", "serve", 0, seconds, value)
    }

    pub(super) fn first_page(&self, raw: &mut Raw) -> Result {
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
