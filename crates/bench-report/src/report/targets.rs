//! The targets table (`{{targets}}`): each target with what was measured and whether it is
//! met, from the figures of the other sections.

use super::format::{int, median, num, percent, ratio};
use super::miniwob::{miniwob_row, MINIWOB_TASKS};
use super::native::criterion_median;
use super::web::bundle_gzip;
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

/// The targets of BENCHMARKS.md, each with what was measured and whether it is met.
pub(super) fn targets(d: &Data) -> String {
    let mut t = String::from("| target | measured (medians) | met |\n|---|---|---|\n");
    let yes = |ok: bool| if ok { "yes" } else { "**no**" };
    // Native, whole episodes and steps alone.
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
        let _ = writeln!(
            t,
            "| native, one core: over 1,000,000 random-policy steps/s on the small sites, whole episodes (resets included) | slowest {site}: {} steps/s; {} of {} sites under | {} |",
            int(rate),
            under.len(),
            small.len(),
            yes(under.is_empty())
        );
    }
    let alone: Vec<(&str, f64)> = small_sites
        .iter()
        .filter_map(|&s| criterion_median(d, &format!("step/{s}")).map(|ns| (s, 1e9 / ns)))
        .collect();
    if let Some((site, rate)) = alone.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1)) {
        let _ = writeln!(
            t,
            "| the same, a step alone (criterion, resets excluded) | slowest {site}: {} steps/s | {} |",
            int(rate),
            yes(alone.iter().all(|x| x.1 > 1e6))
        );
    }
    let airline = median(d.stat("native-engine", "airline", "steps_per_sec"));
    if airline.is_finite() {
        let _ = writeln!(
            t,
            "| native, one core: over 200,000 steps/s on the airline, whole episodes | {} steps/s | {} |",
            int(airline),
            yes(airline > 2e5)
        );
    }
    // WASM in Chromium against native.
    for (section, what) in [
        ("wasm-chromium-web-engine", "as shipped (opt-level z)"),
        ("wasm-chromium-release-engine", "built with opt-level 3"),
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
        let _ = writeln!(
            t,
            "| WASM in a Chromium worker at least half of native, {what} | {}–{} of native steps/s across the sites (medians of run-by-run ratios) | {} |",
            percent(lo),
            percent(hi),
            yes(lo >= 0.5)
        );
    }
    // MiniWoB++.
    if d.first("miniwob", "result").is_some() {
        let mut whole = Vec::new();
        let mut alone = Vec::new();
        for (task, site) in MINIWOB_TASKS {
            let m = miniwob_row(d, task).and_then(|r| r.get("steps_per_s").num());
            if let Some(m) = m {
                whole.push((
                    site,
                    median(d.stat("native-engine", site, "steps_per_sec")) / m,
                ));
                if let Some(ns) = criterion_median(d, &format!("step/{site}")) {
                    alone.push((site, 1e9 / ns / m));
                }
            }
        }
        for (list, what) in [
            (
                &whole,
                "Wobble's whole-episode steps/s (its resets included)",
            ),
            (
                &alone,
                "a Wobble step alone (MiniWoB++ times its steps alone too)",
            ),
        ] {
            if list.is_empty() {
                continue;
            }
            let text: Vec<String> = list
                .iter()
                .map(|(s, r)| format!("{s} {}", ratio(*r)))
                .collect();
            let _ = writeln!(
                t,
                "| at least 50,000× MiniWoB++'s steps/s on the matching tasks: {what} | {} | {} |",
                text.join(", "),
                yes(list.iter().all(|x| x.1 >= 5e4))
            );
        }
    }
    // Allocations.
    if d.has("alloc") {
        let kept: f64 = d
            .section("alloc")
            .map(|r| r.value.get("per_kept_step").num().unwrap_or(0.0))
            .fold(0.0, f64::max);
        let any: f64 = d
            .section("alloc")
            .map(|r| r.value.get("per_step").num().unwrap_or(0.0))
            .fold(0.0, f64::max);
        let _ = writeln!(
            t,
            "| zero heap allocations per step after warm-up | {} per step that keeps the page (every site); up to {} per step over whole episodes (page changes and episode ends allocate) | {} |",
            num(kept),
            num(any),
            if any == 0.0 {
                "yes"
            } else if kept == 0.0 {
                "**partly**"
            } else {
                "**no**"
            }
        );
    }
    // Training and the bundle.
    let airline_90 = median(d.stat("native-train", "airline", "seconds_to_90"));
    if airline_90.is_finite() {
        let _ = writeln!(
            t,
            "| PPO from scratch: airline to 90% in under 10 s on one core | {airline_90:.2} s | {} |",
            yes(airline_90 < 10.0)
        );
    }
    let gzip = bundle_gzip(d);
    if gzip > 0.0 {
        let _ = writeln!(
            t,
            "| release bundle under 800 KB gzip | {} bytes | {} |",
            int(gzip),
            yes(gzip < 800_000.0)
        );
    }
    t
}
