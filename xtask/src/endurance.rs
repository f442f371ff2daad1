//! `cargo xtask endurance [--episodes N] [--site S]`: trains one policy for a long time natively
//! and watches the process's memory, to show that a long run (a workshop room training all
//! afternoon, a researcher's overnight run) keeps memory flat. With `--browser [MINUTES]`
//! (default 10) it instead builds the app and runs `tests/e2e/endurance.test.mjs` for that long:
//! training in the page's worker while the page's JS heap and both wasm memories are read (CI
//! runs the same test for 90 seconds).
//!
//! It builds the release `wobble`, starts `wobble train --site S --episodes N --seed 1 --quiet`,
//! reads the child's resident set size (`VmRSS` in `/proc/PID/status`) every half second until
//! it exits, and prints a Markdown table: RSS at the start, at each tenth of the run and at the
//! end, the peak, and the growth after the first tenth (warm-up: buffers reach their size). The
//! figures go into RELIABILITY.md by hand, with this command. Linux only (it reads `/proc`).

use std::fmt::Write as _;
use std::fs;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::{has_flag, run, secs, Result, Xtask};

/// Episodes trained unless `--episodes` says otherwise.
const DEFAULT_EPISODES: u64 = 1_000_000;
/// Site trained on unless `--site` says otherwise: small, so a million episodes take minutes.
const DEFAULT_SITE: &str = "click-button";
/// How often the child's memory is read.
const SAMPLE_EVERY: Duration = Duration::from_millis(500);

/// One reading: time since the start and resident set size in KiB.
type Sample = (Duration, u64);

impl Xtask {
    /// The endurance run (see the module docs).
    pub(crate) fn endurance(&self, args: &[String]) -> Result {
        let episodes = match value_of(args, "--episodes") {
            Some(text) => text
                .parse::<u64>()
                .map_err(|_| format!("--episodes: \"{text}\" is not a whole number"))?,
            None => DEFAULT_EPISODES,
        };
        let site = value_of(args, "--site").unwrap_or(DEFAULT_SITE).to_string();
        if has_flag(args, "--help") {
            println!(
                "usage: cargo xtask endurance [--episodes N] [--site SITE] | --browser [MINUTES]"
            );
            return Ok(());
        }
        if has_flag(args, "--browser") {
            let minutes = match value_of(args, "--browser") {
                Some(text) if !text.starts_with("--") => text.parse::<u64>().map_err(|_| {
                    format!("--browser: \"{text}\" is not a whole number of minutes")
                })?,
                _ => 10,
            };
            self.setup(crate::Browser::Needed)?;
            self.web_build()?;
            return run(self
                .cmd("node")
                .args(["--test", "tests/e2e/endurance.test.mjs"])
                .env("WOBBLE_ENDURANCE_SECONDS", (minutes * 60).to_string()));
        }
        run(self
            .cargo(["build", "--release", "-p", "wobble-cli"])
            .arg("--quiet"))?;
        let wobble = self.target_dir().join("release").join("wobble");
        let out = self.target_dir().join("endurance-policy.json");
        let episodes_text = episodes.to_string();
        let mut cmd = Command::new(&wobble);
        cmd.current_dir(&self.root).args([
            "train",
            "--site",
            &site,
            "--episodes",
            &episodes_text,
            "--seed",
            "1",
            "--quiet",
            "--out",
        ]);
        cmd.arg(&out).stdout(Stdio::null());
        println!(
            "$ wobble train --site {site} --episodes {episodes} --seed 1 --quiet --out {}",
            out.display()
        );
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", wobble.display()))?;
        let status_file = format!("/proc/{}/status", child.id());
        let mut samples: Vec<Sample> = Vec::new();
        let status = loop {
            // Right after the start the process may not have a resident set yet: skip zeros.
            if let Some(kib) = fs::read_to_string(&status_file)
                .ok()
                .as_deref()
                .and_then(rss_kib)
                .filter(|kib| *kib > 0)
            {
                samples.push((started.elapsed(), kib));
            }
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => thread::sleep(SAMPLE_EVERY),
                Err(e) => return Err(format!("waiting for wobble train: {e}")),
            }
        };
        if !status.success() {
            return Err(format!("wobble train failed ({status})"));
        }
        let wall = started.elapsed();
        print!("{}", report(&site, episodes, wall, &samples));
        Ok(())
    }
}

/// The value after `flag` in `args`, if any.
fn value_of<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// The `VmRSS` line of a `/proc/PID/status` text, in KiB.
fn rss_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The Markdown summary of a run.
fn report(site: &str, episodes: u64, wall: Duration, samples: &[Sample]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{episodes} episodes of PPO on {site} in {} ({:.0} episodes/s), {} memory readings\n",
        secs(wall),
        episodes as f64 / wall.as_secs_f64().max(1e-9),
        samples.len()
    );
    let Some(&(_, first)) = samples.first() else {
        out.push_str("(the run ended before its memory could be read)\n");
        return out;
    };
    let mib = |kib: u64| kib as f64 / 1024.0;
    let at = |fraction: f64| -> u64 {
        let t = wall.mul_f64(fraction);
        samples
            .iter()
            .rev()
            .find(|(when, _)| *when <= t)
            .map_or(first, |(_, kib)| *kib)
    };
    out.push_str("| time into the run | RSS (MiB) |\n|---:|---:|\n");
    for tenth in 0..=10 {
        let fraction = f64::from(tenth) / 10.0;
        let _ = writeln!(
            out,
            "| {:.0}% | {:.1} |",
            fraction * 100.0,
            mib(at(fraction))
        );
    }
    let peak = samples.iter().map(|(_, kib)| *kib).max().unwrap_or(first);
    let warm = at(0.1);
    let later_peak = samples
        .iter()
        .filter(|(when, _)| *when >= wall.mul_f64(0.1))
        .map(|(_, kib)| *kib)
        .max()
        .unwrap_or(warm);
    let _ = writeln!(
        out,
        "\npeak {:.1} MiB; growth after the first tenth: {:+.1} MiB\n",
        mib(peak),
        mib(later_peak) - mib(warm)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_resident_set_size() {
        let status = "Name:\twobble\nVmPeak:\t  20000 kB\nVmRSS:\t   12345 kB\nThreads:\t1\n";
        assert_eq!(rss_kib(status), Some(12345));
        assert_eq!(rss_kib("Name:\twobble\n"), None);
    }

    #[test]
    fn reports_growth_after_the_warm_up() {
        let samples: Vec<Sample> = (0..=10)
            .map(|i| (Duration::from_secs(i), if i == 0 { 1024 } else { 2048 }))
            .collect();
        let text = report("click-button", 100, Duration::from_secs(10), &samples);
        assert!(text.contains("| 0% | 1.0 |"), "{text}");
        assert!(text.contains("| 100% | 2.0 |"), "{text}");
        assert!(
            text.contains("growth after the first tenth: +0.0 MiB"),
            "{text}"
        );
    }
}
