//! MiniWoB++ on the same machine (`{{miniwob}}`): its rates per task beside those of the
//! Wobble site it is compared with.

use super::format::{duration, int, median, num, percent, ratio};
use super::native::criterion_median;
use super::Data;
use crate::json::Json;
use std::fmt::Write as _;

/// MiniWoB++ tasks `cargo xtask bench` runs, and the Wobble site each is compared with.
pub const MINIWOB_TASKS: [(&str, &str); 4] = [
    ("click-button", "click-button"),
    ("enter-text", "enter-text"),
    ("login-user", "login-user"),
    ("book-flight", "airline"),
];

/// MiniWoB++'s row for a task.
pub(super) fn miniwob_row<'a>(d: &Data<'a>, task: &str) -> Option<&'a Json> {
    d.first("miniwob", "result")?
        .value
        .get("rows")
        .items()
        .iter()
        .find(|r| r.get("task").str() == Some(task))
}

pub(super) fn miniwob(d: &Data) -> String {
    if let Some(r) = d.first("miniwob", "skipped") {
        return format!(
            "Not measured in this run ({}).",
            r.value.str().unwrap_or("skipped")
        );
    }
    let Some(result) = d.first("miniwob", "result") else {
        return "(not measured in this run)".into();
    };
    let mut t = String::from(
        "| MiniWoB++ task | resets/s | steps/s | episodes | steps | other processes' CPU | Wobble site | Wobble resets/s | Wobble steps/s, whole episodes | Wobble step alone | ratio: resets | ratio: steps, whole episodes | ratio: steps alone |\n|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (task, site) in MINIWOB_TASKS {
        let Some(row) = miniwob_row(d, task) else {
            let _ = writeln!(t, "| {task} | (no result) |||||||||||| ");
            continue;
        };
        if let Some(error) = row.get("error").str() {
            let _ = writeln!(t, "| {task} | error: {error} |||||||||||| ");
            continue;
        }
        let m_resets = row.get("resets_per_s").num().unwrap_or(f64::NAN);
        let m_steps = row.get("steps_per_s").num().unwrap_or(f64::NAN);
        let w_resets = median(d.stat("native-engine", site, "resets_per_sec"));
        let w_steps = median(d.stat("native-engine", site, "steps_per_sec"));
        let w_alone = criterion_median(d, &format!("step/{site}")).map_or(f64::NAN, |ns| 1e9 / ns);
        let _ = writeln!(
            t,
            "| {task} | {} | {} | {} | {} | {} | {site} | {} | {} | {} | {} | {} | {} |",
            num(m_resets),
            num(m_steps),
            int(row.get("episodes").num().unwrap_or(0.0)),
            int(row.get("steps").num().unwrap_or(0.0)),
            row.get("other_procs_cpu_util")
                .num()
                .map_or("–".into(), percent),
            int(w_resets),
            int(w_steps),
            int(w_alone),
            ratio(w_resets / m_resets),
            ratio(w_steps / m_steps),
            ratio(w_alone / m_steps),
        );
    }
    let args = result.value.get("args");
    let _ = write!(
        t,
        "\nMiniWoB++ settings: up to {} episodes or {} s per task, at most {} steps per episode, \
         screenshots on (its default); its wall time here was {}.\n",
        args.get("episodes").num().unwrap_or(0.0),
        args.get("budget").num().unwrap_or(0.0),
        args.get("max_steps").num().unwrap_or(0.0),
        duration(result.wall)
    );
    t
}
