//! The native engine on one core: whole-episode rates beside criterion's step and reset
//! (`{{native_engine}}`), heap allocations (`{{alloc}}`), perturbed episodes
//! (`{{native_perturbed}}`), and criterion's own table (`{{criterion}}`).

use super::format::{duration, int, num, spread};
use super::Data;
use crate::raw::Record;
use std::fmt::Write as _;

/// Step rates of the whole episodes (`wobble bench`), the steps alone and resets (criterion).
pub(super) fn native_engine(d: &Data) -> String {
    let mut t = String::from(
        "| site / task | steps/s, whole episodes | episodes/s | resets/s | a step alone (criterion) | a reset (criterion) |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for site in d.keys("native-engine") {
        let task = d
            .first("native-engine", site)
            .and_then(|r| r.value.get("task").str())
            .unwrap_or("?");
        let step = criterion_median(d, &format!("step/{site}"));
        let reset = criterion_median(d, &format!("reset/{site}"));
        let _ = writeln!(
            t,
            "| {site} / {task} | {} | {} | {} | {} | {} |",
            spread(d.stat("native-engine", site, "steps_per_sec"), int),
            spread(d.stat("native-engine", site, "episodes_per_sec"), int),
            spread(d.stat("native-engine", site, "resets_per_sec"), int),
            step.map_or("–".into(), |ns| format!(
                "{} ({} steps/s)",
                duration(ns * 1e-9),
                int(1e9 / ns)
            )),
            reset.map_or("–".into(), |ns| duration(ns * 1e-9)),
        );
    }
    t
}

pub(super) fn criterion_median(d: &Data, id: &str) -> Option<f64> {
    d.first("criterion", id)
        .and_then(|r| r.value.get("median").num())
}

/// A figure, or a dash where the run did not measure it.
fn maybe(x: Option<f64>) -> String {
    x.map_or("–".into(), num)
}

pub(super) fn alloc(d: &Data) -> String {
    if !d.has("alloc") {
        return "(not measured in this run)".into();
    }
    let mut t = String::from(
        "| site | steps counted | per step, all | per step that keeps the page | per step that changes the page | per episode-ending step | per reset | reading the geometry: per step | per reset |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in d.section("alloc") {
        let v = &r.value;
        let cell = |count: &str, per: &str| {
            let n = v.get(count).num().unwrap_or(0.0);
            if n == 0.0 {
                "– (none)".to_string()
            } else {
                format!(
                    "{} ({} steps)",
                    num(v.get(per).num().unwrap_or(0.0)),
                    int(n)
                )
            }
        };
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.key,
            int(v.get("steps").num().unwrap_or(0.0)),
            num(v.get("per_step").num().unwrap_or(0.0)),
            cell("kept_steps", "per_kept_step"),
            cell("changed_steps", "per_changed_step"),
            cell("ending_steps", "per_ending_step"),
            num(v.get("per_reset").num().unwrap_or(0.0)),
            maybe(v.get("per_step_laid_out").num()),
            maybe(v.get("per_reset_laid_out").num()),
        );
    }
    t
}

pub(super) fn native_perturbed(d: &Data) -> String {
    let mut t = String::from(
        "| site | spec | steps/s | episodes/s | resets/s |\n|---|---|---:|---:|---:|\n",
    );
    for key in d.keys("native-perturbed") {
        let (site, spec) = key.split_once('|').unwrap_or((key, ""));
        let spec = if spec.is_empty() {
            "(none)".to_string()
        } else {
            format!("`{spec}`")
        };
        let _ = writeln!(
            t,
            "| {site} | {spec} | {} | {} | {} |",
            spread(d.stat("native-perturbed", key, "steps_per_sec"), int),
            spread(d.stat("native-perturbed", key, "episodes_per_sec"), int),
            spread(d.stat("native-perturbed", key, "resets_per_sec"), int),
        );
    }
    t
}

pub(super) fn criterion(d: &Data) -> String {
    if !d.has("criterion") {
        return "(not measured in this run)".into();
    }
    let mut t =
        String::from("| benchmark | median | 95% interval of the median |\n|---|---:|---:|\n");
    let mut records: Vec<&Record> = d.section("criterion").collect();
    records.sort_by(|a, b| a.key.cmp(&b.key));
    for r in records {
        let ns = |field: &str| r.value.get(field).num().unwrap_or(f64::NAN) * 1e-9;
        let _ = writeln!(
            t,
            "| {} | {} | {} – {} |",
            r.key,
            duration(ns("median")),
            duration(ns("lower")),
            duration(ns("upper"))
        );
    }
    t
}
