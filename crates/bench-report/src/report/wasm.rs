//! The engine as WebAssembly (`{{wasm_engine}}`): Node and Chromium's worker, opt-level 3 and
//! as shipped, beside native, with run-by-run ratios.

use super::format::{int, percent, spread};
use super::{Data, Stat};
use std::fmt::Write as _;

pub(super) fn wasm_engine(d: &Data) -> String {
    let runtime = |prefix: &str| {
        d.first("runtime", prefix)
            .and_then(|r| r.value.get("runtime").str())
            .unwrap_or("?")
            .to_string()
    };
    let mut t = format!(
        "Runtimes: {}, {}.\n\n",
        runtime("wasm-node"),
        runtime("wasm-chromium-web")
    );
    for (field, what) in [
        ("steps_per_sec", "steps/s, whole episodes"),
        ("resets_per_sec", "resets/s"),
    ] {
        let _ = writeln!(
            t,
            "| site: {what} | native | Node, opt-level 3 | Chromium worker, opt-level 3 | Chromium worker, as shipped | Node / native | worker / native, opt-level 3 | worker / native, as shipped |\n|---|---:|---:|---:|---:|---:|---:|---:|"
        );
        let pct = |s: Option<Stat>| spread(s, percent);
        for site in d.keys("wasm-chromium-web-engine") {
            let _ = writeln!(
                t,
                "| {site} | {} | {} | {} | {} | {} | {} | {} |",
                spread(d.stat("native-engine", site, field), int),
                spread(d.stat("wasm-node-engine", site, field), int),
                spread(d.stat("wasm-chromium-release-engine", site, field), int),
                spread(d.stat("wasm-chromium-web-engine", site, field), int),
                pct(d.paired_ratio("wasm-node-engine", "native-engine", site, field)),
                pct(d.paired_ratio("wasm-chromium-release-engine", "native-engine", site, field)),
                pct(d.paired_ratio("wasm-chromium-web-engine", "native-engine", site, field)),
            );
        }
        t.push('\n');
    }
    t
}
