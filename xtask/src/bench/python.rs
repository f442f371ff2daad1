//! The Python package: steps per second from Python (one rl environment, one
//! text environment, the native batch of 64 on one and two threads) beside
//! the same work in Rust (`wobble-gym`'s `steps` example), run by run back to
//! back; and the Ray sweep (`examples/ray_sweep.py`) on local clusters of one
//! and two workers, timed whole.

use super::json::Json;
use super::raw::Raw;
use super::Bench;
use crate::Result;

/// The site both step measurements play.
const SITE: &str = "airline";
/// The Ray sweep timed: two agents over every kind and severity of the airline.
const RAY_SWEEP: [&str; 4] = [
    "--site",
    "airline",
    "--agents",
    "reader=policies/airline.json,random",
];
/// Episodes per cell of the timed sweep, in blocks of 50 (a quick run: [`RAY_SWEEP_QUICK`]).
const RAY_SWEEP_EPISODES: &str = "100";
const RAY_SWEEP_QUICK: &str = "20";

impl Bench<'_> {
    pub(super) fn python(&self, raw: &mut Raw) -> Result {
        self.xt.python_build_with("release")?;
        let python = self.xt.venv_python();
        let seconds = if self.options.quick { "1" } else { "3" };
        for run in 0..self.options.runs {
            self.wait_for_quiet();
            let mut native = self.xt.cargo([
                "run",
                "--release",
                "--quiet",
                "-p",
                "wobble-gym",
                "--example",
                "steps",
                "--",
            ]);
            native.args([SITE, seconds, "--json"]);
            let (value, wall) = self.capture_json(&mut native)?;
            raw.push("python-native", SITE, run, wall, value)?;
            let mut py = self.xt.cmd(&python.to_string_lossy());
            py.args([
                "python/benchmarks/steps.py",
                "--site",
                SITE,
                "--seconds",
                seconds,
                "--json",
            ]);
            let (value, wall) = self.capture_json(&mut py)?;
            raw.push("python", SITE, run, wall, value)?;
        }
        let episodes = if self.options.quick {
            RAY_SWEEP_QUICK
        } else {
            RAY_SWEEP_EPISODES
        };
        for run in 0..self.options.slow_runs() {
            for workers in ["1", "2"] {
                self.wait_for_quiet();
                let mut sweep = self.xt.cmd(&python.to_string_lossy());
                sweep
                    .arg("examples/ray_sweep.py")
                    .args(RAY_SWEEP)
                    .args(["--episodes", episodes, "--block", "50"])
                    .args(["--out", "target/bench/ray-sweep", "--num-cpus", workers]);
                let (_, wall) = self.capture(&mut sweep)?;
                let grid = format!("{} --episodes {episodes} --block 50", RAY_SWEEP.join(" "));
                raw.push("ray-sweep", workers, run, wall, Json::Str(grid))?;
            }
        }
        Ok(())
    }
}
