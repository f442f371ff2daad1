//! Training from scratch (`{{train}}`), natively and in Chromium's worker, and the brittleness
//! sweep (`{{sweep}}`), whose browser and native success rates must agree cell for cell.

use super::format::{int, spread};
use super::Data;
use crate::json::Json;
use std::fmt::Write as _;

pub(super) fn train(d: &Data) -> String {
    let mut t = String::from(
        "| site | episodes to 90% | native: episodes/s | native: learning steps/s | native: engine alone, steps/s | native: seconds to 90% | Chromium worker, as shipped: episodes/s | as shipped: seconds to 90% | Chromium worker, opt-level 3: episodes/s | opt-level 3: seconds to 90% |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let secs = |x: f64| format!("{x:.2}");
    for site in d.keys("native-train") {
        let episodes_to_90 = d.stat("native-train", site, "episodes_to_90");
        let _ = writeln!(
            t,
            "| {site} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            episodes_to_90.map_or("never".into(), |s| int(s.median)),
            spread(d.stat("native-train", site, "episodes_per_sec"), int),
            spread(d.stat("native-train", site, "steps_per_sec"), int),
            spread(d.stat("native-engine", site, "steps_per_sec"), int),
            spread(d.stat("native-train", site, "seconds_to_90"), secs),
            spread(
                d.stat("wasm-chromium-web-train", site, "episodes_per_sec"),
                int
            ),
            spread(
                d.stat("wasm-chromium-web-train", site, "seconds_to_90"),
                secs
            ),
            spread(
                d.stat("wasm-chromium-release-train", site, "episodes_per_sec"),
                int
            ),
            spread(
                d.stat("wasm-chromium-release-train", site, "seconds_to_90"),
                secs
            ),
        );
    }
    t
}

pub(super) fn sweep(d: &Data) -> String {
    let cores = d.meta("machine").get("cores").num().unwrap_or(1.0) as usize;
    let secs = |x: f64| format!("{x:.2} s");
    let mut t = String::from("| where | wall time |\n|---|---:|\n");
    let _ = writeln!(
        t,
        "| native, 1 thread | {} |",
        spread(d.stat("native-sweep-threads", "1", "wall"), secs)
    );
    if cores > 1 {
        let _ = writeln!(
            t,
            "| native, {cores} threads | {} |",
            spread(
                d.stat("native-sweep-threads", &cores.to_string(), "wall"),
                secs
            )
        );
    }
    let _ = writeln!(
        t,
        "| Chromium worker, as shipped, one cell per call | {} |",
        spread(
            d.stat("wasm-chromium-web-sweep", "airline", "seconds"),
            secs
        )
    );
    let native: Vec<f64> = d
        .first("native-sweep-threads", "1")
        .map(|r| {
            r.value
                .get("success_rates")
                .items()
                .iter()
                .filter_map(Json::num)
                .collect()
        })
        .unwrap_or_default();
    let browser: Vec<f64> = d
        .first("wasm-chromium-web-sweep", "airline")
        .map(|r| {
            r.value
                .get("success_rates")
                .items()
                .iter()
                .filter_map(Json::num)
                .collect()
        })
        .unwrap_or_default();
    if !native.is_empty() && !browser.is_empty() {
        let _ = write!(
            t,
            "\n{} cells; the browser's success rates {} the native ones.\n",
            native.len(),
            if native == browser {
                "equal, cell for cell,"
            } else {
                "**differ** from"
            }
        );
    }
    t
}
