//! The targets table (`{{targets}}`): each target with what was measured, whether it is met,
//! and what bounds it (the profile line of the figure's command), from the other sections.

use super::format::{int, median, num, percent, ratio};
use super::miniwob::{miniwob_row, MINIWOB_TASKS};
use super::native::criterion_median;
use super::profile::profile_line;
use super::web::{bundle_fonts_gzip, bundle_gzip};
use super::Data;
use std::fmt::Write as _;

/// The shipped sites of a single page, which the 1,000,000 steps/s target is about, in the
/// engine's order.
fn small_sites() -> Vec<&'static str> {
    wobble_engine::builtin::site_names()
        .filter(|name| {
            wobble_engine::builtin::load_builtin(name)
                .is_ok_and(|site| site.pages.iter().filter(|p| !p.is_dialog).count() == 1)
        })
        .collect()
}

/// One row of the targets table.
struct Row {
    target: String,
    measured: String,
    met: &'static str,
    /// What bounds the figure: its profile line, when it was profiled.
    bound: String,
}

fn yes(ok: bool) -> &'static str {
    if ok {
        "yes"
    } else {
        "**no**"
    }
}

/// The profile line of `key`, or a dash.
fn bound(d: &Data, key: &str) -> String {
    profile_line(d, key).unwrap_or_else(|| "–".into())
}

/// The targets of BENCHMARKS.md, each with what was measured, whether it is met, and what
/// bounds it.
pub(super) fn targets(d: &Data) -> String {
    let mut rows = Vec::new();
    engine_rows(d, &mut rows);
    wasm_rows(d, &mut rows);
    miniwob_rows(d, &mut rows);
    alloc_row(d, &mut rows);
    learning_rows(d, &mut rows);
    web_rows(d, &mut rows);
    let mut t = String::from(
        "| target | measured (medians) | met | what bounds it (profile of the figure's command) |\n|---|---|---|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} |",
            r.target, r.measured, r.met, r.bound
        );
    }
    t
}

/// Native whole episodes (resets included) and steps alone.
fn engine_rows(d: &Data, rows: &mut Vec<Row>) {
    let small_sites = small_sites();
    let small: Vec<(&str, f64)> = small_sites
        .iter()
        .map(|&s| (s, median(d.stat("native-engine", s, "steps_per_sec"))))
        .collect();
    let slowest = small
        .iter()
        .copied()
        .filter(|x| x.1.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((site, rate)) = slowest {
        let under: Vec<&str> = small.iter().filter(|x| x.1 < 1e6).map(|x| x.0).collect();
        rows.push(Row {
            target: "native, one core: at least 1,000,000 random-policy steps/s on the small sites, whole episodes (resets included)".into(),
            measured: format!(
                "slowest {site}: {} steps/s; {} of {} sites under",
                int(rate),
                under.len(),
                small.len()
            ),
            met: yes(under.is_empty()),
            bound: bound(d, &format!("engine/{site}")),
        });
    }
    let alone: Vec<(&str, f64)> = small_sites
        .iter()
        .filter_map(|&s| criterion_median(d, &format!("step/{s}")).map(|ns| (s, 1e9 / ns)))
        .collect();
    if let Some((site, rate)) = alone.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1)) {
        rows.push(Row {
            target: "the same, a step alone (criterion, resets excluded)".into(),
            measured: format!("slowest {site}: {} steps/s", int(rate)),
            met: yes(alone.iter().all(|x| x.1 >= 1e6)),
            bound: "–".into(),
        });
    }
    let airline = median(d.stat("native-engine", "airline", "steps_per_sec"));
    if airline.is_finite() {
        rows.push(Row {
            target: "native, one core: at least 1,000,000 steps/s on the airline, whole episodes"
                .into(),
            measured: format!("{} steps/s", int(airline)),
            met: yes(airline >= 1e6),
            bound: bound(d, "engine/airline"),
        });
    }
}

/// WASM in Chromium's worker against native.
fn wasm_rows(d: &Data, rows: &mut Vec<Row>) {
    for (section, what, is_target) in [
        ("wasm-chromium-web-engine", "as shipped", true),
        (
            "wasm-chromium-release-engine",
            "for comparison, everything at opt-level 3",
            false,
        ),
    ] {
        let ratios: Vec<(&str, f64)> = d
            .keys(section)
            .into_iter()
            .map(|s| {
                (
                    s,
                    median(d.paired_ratio(section, "native-engine", s, "steps_per_sec")),
                )
            })
            .filter(|x| x.1.is_finite())
            .collect();
        if ratios.is_empty() {
            continue;
        }
        let lo = ratios.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
        let hi = ratios.iter().map(|x| x.1).fold(0.0, f64::max);
        let slowest = ratios
            .iter()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or("", |x| x.0);
        rows.push(Row {
            target: format!("the engine as WebAssembly in a Chromium worker at least 75% of native, {what}"),
            measured: format!(
                "{}–{} of native steps/s across the sites (medians of run-by-run ratios; lowest: {slowest})",
                percent(lo),
                percent(hi)
            ),
            met: if is_target { yes(lo >= 0.75) } else { "–" },
            bound: "–".into(),
        });
    }
}

/// Wobble's steps/s against MiniWoB++'s on the matching tasks.
fn miniwob_rows(d: &Data, rows: &mut Vec<Row>) {
    if d.first("miniwob", "result").is_none() {
        return;
    }
    let mut whole = Vec::new();
    let mut alone = Vec::new();
    for (task, site) in MINIWOB_TASKS {
        let Some(m) = miniwob_row(d, task).and_then(|r| r.get("steps_per_s").num()) else {
            continue;
        };
        whole.push((
            site,
            median(d.stat("native-engine", site, "steps_per_sec")) / m,
        ));
        if let Some(ns) = criterion_median(d, &format!("step/{site}")) {
            alone.push((site, 1e9 / ns / m));
        }
    }
    for (list, what, key) in [
        (
            &whole,
            "Wobble's whole-episode steps/s (its resets included)",
            "engine/click-button",
        ),
        (
            &alone,
            "a Wobble step alone (MiniWoB++ times its steps alone too)",
            "",
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let text: Vec<String> = list
            .iter()
            .map(|(s, r)| format!("{s} {}", ratio(*r)))
            .collect();
        rows.push(Row {
            target: format!("at least 50,000× MiniWoB++'s steps/s on the matching tasks: {what}"),
            measured: text.join(", "),
            met: yes(list.iter().all(|x| x.1 >= 5e4)),
            bound: if key.is_empty() {
                "–".into()
            } else {
                bound(d, key)
            },
        });
    }
}

/// Heap allocations per step and per reset after warm-up, over every site.
fn alloc_row(d: &Data, rows: &mut Vec<Row>) {
    if !d.has("alloc") {
        return;
    }
    let most = |field: &str| -> f64 {
        d.section("alloc")
            .map(|r| r.value.get(field).num().unwrap_or(0.0))
            .fold(0.0, f64::max)
    };
    let (kept, any, reset) = (most("per_kept_step"), most("per_step"), most("per_reset"));
    let worst = |field: &str| -> String {
        d.section("alloc")
            .filter(|r| r.value.get(field).num().unwrap_or(0.0) > 0.0)
            .map(|r| r.key.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut measured = format!(
        "up to {} per step that keeps the page, {} per step over whole episodes, {} per reset; reading the geometry after each: up to {} per step, {} per reset",
        num(kept),
        num(any),
        num(reset),
        num(most("per_step_laid_out")),
        num(most("per_reset_laid_out"))
    );
    let (steps, resets) = (worst("per_step"), worst("per_reset"));
    if !steps.is_empty() {
        let _ = write!(measured, "; steps allocate on {steps}");
    }
    if !resets.is_empty() {
        let _ = write!(measured, "; resets allocate on {resets}");
    }
    rows.push(Row {
        target: "zero heap allocations per step and per reset after warm-up, every site (a random agent)".into(),
        measured,
        met: if any == 0.0 && reset == 0.0 {
            "yes"
        } else if kept == 0.0 {
            "**partly**"
        } else {
            "**no**"
        },
        bound: "–".into(),
    });
}

/// PPO from scratch to 90% natively and in the worker, and the sweep in the worker.
fn learning_rows(d: &Data, rows: &mut Vec<Row>) {
    let native = median(d.stat("native-train", "airline", "seconds_to_90"));
    if d.has("native-train") {
        rows.push(Row {
            target: "PPO from scratch: airline to 90% in at most 5 s, one core, native".into(),
            measured: seconds_or_never(native),
            met: yes(native <= 5.0),
            bound: bound(d, "train/airline"),
        });
    }
    let worker = median(d.stat("wasm-chromium-web-train", "airline", "seconds_to_90"));
    if d.has("wasm-chromium-web-train") {
        rows.push(Row {
            target: "the same in the page's worker (Chromium, as shipped): at most 8 s".into(),
            measured: seconds_or_never(worker),
            met: yes(worker <= 8.0),
            bound: bound(d, "train/airline"),
        });
    }
    let sweep = median(d.stat("wasm-chromium-web-sweep", "airline", "seconds"));
    if sweep.is_finite() {
        rows.push(Row {
            target: "a brittleness sweep (every kind × severity, 200 episodes a cell) in the worker in at most 1 s".into(),
            measured: format!("{sweep:.2} s"),
            met: yes(sweep <= 1.0),
            bound: bound(d, "sweep/airline"),
        });
    }
}

/// Seconds with two decimals, or "never" for a run that did not get there.
fn seconds_or_never(s: f64) -> String {
    if s.is_finite() {
        format!("{s:.2} s")
    } else {
        "never reached".into()
    }
}

/// The page: its download, and the time from a fresh machine to the served page.
fn web_rows(d: &Data, rows: &mut Vec<Row>) {
    let gzip = bundle_gzip(d);
    if gzip > 0.0 {
        let fonts = bundle_fonts_gzip(d);
        rows.push(Row {
            target: "the app's download at most 450 KB gzip, before fonts".into(),
            measured: if fonts > 0.0 {
                format!("{} bytes ({} with the fonts)", int(gzip - fonts), int(gzip))
            } else {
                format!(
                    "{} bytes, the screen agent's fonts included (they are inside the wasm module, so they cannot be counted apart)",
                    int(gzip)
                )
            },
            met: yes(gzip - fonts <= 450_000.0),
            bound: "–".into(),
        });
    }
    if let Some(s) = d.stat("fresh-serve", "serve", "seconds") {
        rows.push(Row {
            target: "a fresh machine: `cargo xtask serve` until the page answers in at most 5 min"
                .into(),
            measured: format!(
                "{} min {:02.0} s",
                (s.median / 60.0).floor(),
                s.median % 60.0
            ),
            met: yes(s.median <= 300.0),
            bound: "–".into(),
        });
    }
}
