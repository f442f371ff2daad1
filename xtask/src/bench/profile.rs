//! Where the time of the headline figures goes: each figure's own command run again under
//! `perf record` (sampling the process's user-space code), and `perf report`'s flat profile by
//! symbol kept as printed. The report (`crates/bench-report`, `profile`) groups the symbols by
//! crate and module and writes one profile line per figure: what bounds it.
//!
//! `perf` may be missing, or the kernel may refuse sampling (`perf_event_paranoid`); then the
//! phase records why, and the report says the profiles were not taken.

use super::json::Json;
use super::raw::Raw;
use super::{Bench, SWEEP_POLICY};
use crate::{display, Result};
use std::fs;
use std::process::Stdio;

/// The figures profiled: the key the report knows each by, and the `wobble` arguments that
/// produce it (the same work as the measurement, shorter).
fn profiled(quick: bool) -> Vec<(&'static str, Vec<&'static str>)> {
    let seconds = if quick { "0.3" } else { "1" };
    let episodes = if quick { "200" } else { "1000" };
    let sweep_episodes = if quick { "10" } else { "50" };
    vec![
        (
            "engine/click-button",
            vec!["bench", "--site", "click-button", "--seconds", seconds],
        ),
        (
            "engine/airline",
            vec!["bench", "--site", "airline", "--seconds", seconds],
        ),
        (
            "engine/shop",
            vec!["bench", "--site", "shop", "--seconds", seconds],
        ),
        (
            "train/airline",
            vec![
                "bench",
                "--train",
                "--site",
                "airline",
                "--episodes",
                episodes,
            ],
        ),
        (
            "sweep/airline",
            vec![
                "sweep",
                "--policy",
                SWEEP_POLICY,
                "--site",
                "airline",
                "--episodes",
                sweep_episodes,
                "--threads",
                "1",
            ],
        ),
    ]
}

impl Bench<'_> {
    pub(super) fn profiles(&self, raw: &mut Raw) -> Result {
        let dir = self.xt.root.join("target/bench/perf");
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        for (key, args) in profiled(self.options.quick) {
            let data = dir.join(format!("{}.data", key.replace('/', "-")));
            let wobble = self.xt.root.join("target/release/wobble");
            let mut record = self.xt.cmd("perf");
            // 1999 Hz: a few thousand samples a second, an odd rate so as not to beat with timers.
            record
                .args(["record", "-F", "1999", "-q", "-o"])
                .arg(&data)
                .arg("--")
                .arg(&wobble)
                .args(&args)
                .stdout(Stdio::null());
            let line = display(&record);
            println!("$ {line}");
            let recorded = record.status();
            if !recorded.as_ref().is_ok_and(|s| s.success()) {
                let why = match recorded {
                    Ok(status) => format!("`{line}` failed ({status})"),
                    Err(e) => format!("could not start `perf`: {e}"),
                };
                println!("bench: no profiles: {why}");
                return raw.push("profile", "skipped", 0, 0.0, Json::Str(why));
            }
            let mut report = self.xt.cmd("perf");
            report
                .args(["report", "--stdio", "--no-children", "--sort", "sym", "-q"])
                .args(["--percent-limit", "0.2", "-i"])
                .arg(&data)
                .stderr(Stdio::null());
            let (flat, wall) = self.capture(&mut report)?;
            let value = Json::Obj(vec![
                (
                    "command".into(),
                    Json::Str(format!("wobble {}", args.join(" "))),
                ),
                ("flat".into(), Json::Str(flat)),
            ]);
            raw.push("profile", key, 0, wall, value)?;
        }
        Ok(())
    }
}
