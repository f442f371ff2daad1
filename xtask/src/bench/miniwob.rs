//! MiniWoB++ on the same machine: its own benchmark script (`miniwob_bench.py`, beside the
//! project or named by `WOBBLE_MINIWOB_BENCH`) run in a venv under `target/`, its JSON result
//! kept whole for the report.

use super::json::Json;
use super::raw::Raw;
use super::{Bench, MINIWOB_TASKS, MINIWOB_VERSION};
use crate::{run, Result};
use std::fs;
use std::path::PathBuf;

impl Bench<'_> {
    pub(super) fn miniwob(&self, raw: &mut Raw) -> Result {
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
