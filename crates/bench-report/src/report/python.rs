//! The Python package (`{{python}}`): steps per second from Python beside the
//! same work natively, the engine alone and MiniWoB++'s own gymnasium API;
//! and the Ray sweep's wall time on one and two workers.

use super::format::{duration, int, median, num, percent, spread};
use super::miniwob::miniwob_row;
use super::Data;
use std::fmt::Write as _;

/// The site the step measurements play, and MiniWoB++'s matching task.
const SITE: &str = "airline";
const MINIWOB_TASK: &str = "book-flight";

/// The measurements, by key: what they are.
const ROWS: [(&str, &str); 4] = [
    (
        "rl_single",
        "one environment, `mode=\"rl\"` (features every step)",
    ),
    (
        "text_single",
        "one environment, `mode=\"text\"` (the accessibility tree every step)",
    ),
    ("batch64_1thread", "`VecEnv(64)`, one thread"),
    ("batch64_2threads", "`VecEnv(64, threads=2)`"),
];

pub(super) fn python(d: &Data) -> String {
    if !d.has("python") {
        return "(not measured in this run)".into();
    }
    let rate = |x: f64| int(x);
    let mut t = String::from(
        "| on the airline, random legal actions | from Python, steps/s | the same natively, steps/s | Python / native |\n|---|---:|---:|---:|\n",
    );
    for (key, what) in ROWS {
        let native = d.stat("python-native", SITE, key);
        let share = if native.is_some() {
            percent(median(d.paired_ratio("python", "python-native", SITE, key)))
        } else {
            "—".into()
        };
        let _ = writeln!(
            t,
            "| {what} | {} | {} | {share} |",
            spread(d.stat("python", SITE, key), rate),
            if native.is_some() {
                spread(native, rate)
            } else {
                "—".into()
            },
        );
    }
    let engine = d.stat("native-engine", SITE, "steps_per_sec");
    if engine.is_some() {
        let _ = writeln!(
            t,
            "| the engine alone (`wobble bench`: no features, no binding) | | {} | |",
            spread(engine, rate)
        );
    }
    if let Some(m) = miniwob_row(d, MINIWOB_TASK).and_then(|r| r.get("steps_per_s").num()) {
        let _ = writeln!(
            t,
            "| MiniWoB++ {MINIWOB_TASK} through its own gymnasium API (its script's random agent) | {} | | |",
            num(m)
        );
    }
    if d.has("ray-sweep") {
        let one = d.stat("ray-sweep", "1", "wall");
        let two = d.stat("ray-sweep", "2", "wall");
        let grid = d
            .first("ray-sweep", "1")
            .and_then(|r| r.value.str())
            .unwrap_or("the sweep");
        let _ = write!(
            t,
            "\nThe Ray sweep (`python examples/ray_sweep.py {grid}`, the whole command: the \
             local cluster's start included), {} each:\n\n\
             | workers | wall time | speed-up |\n|---:|---:|---:|\n\
             | 1 | {} | 1.00× |\n| 2 | {} | {:.2}× |\n",
            match d.values("ray-sweep", "1", "wall").len() {
                1 => "one run".to_string(),
                n => format!("{n} runs"),
            },
            spread(one, duration),
            spread(two, duration),
            median(one) / median(two),
        );
    }
    t
}

/// The README's line about the Python package, if it was measured.
pub(super) fn python_line(d: &Data) -> Option<String> {
    let batch = median(d.stat("python", SITE, "batch64_2threads"));
    if !batch.is_finite() {
        return None;
    }
    Some(format!(
        "- from Python (the `wobble` package): {} steps/s on the airline with `VecEnv(64, \
         threads=2)`, {} of the same work natively; {} steps/s from one text-mode environment;",
        int(batch),
        percent(median(d.paired_ratio(
            "python",
            "python-native",
            SITE,
            "batch64_2threads"
        ))),
        int(median(d.stat("python", SITE, "text_single"))),
    ))
}
