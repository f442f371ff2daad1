//! The README's headline figures, written between its `bench` markers.

use super::conditions::{command, date};
use super::format::{duration, int, median, num, percent, ratio};
use super::miniwob::miniwob_row;
use super::native::criterion_median;
use super::web::bundle_gzip;
use super::{Data, Stat};
use std::fmt::Write as _;

/// The README's headline figures (between its bench markers).
pub fn readme_block(d: &Data) -> String {
    let rate = |site: &str| int(median(d.stat("native-engine", site, "steps_per_sec")));
    let others = Stat::of(
        &d.section("phase")
            .filter_map(|r| r.value.get("others").num())
            .collect::<Vec<_>>(),
    );
    let mut t = format!(
        "Speed, as measured by `{}` on {} ({}, {} cores{}). Medians of {} runs on one core; the \
         full tables, their spread and what bounds them are in [BENCHMARKS.md](BENCHMARKS.md).\n\n",
        command(d),
        date(d),
        d.meta("machine").get("cpu").str().unwrap_or("this machine"),
        d.meta("machine").get("cores").num().unwrap_or(1.0),
        others.map_or(String::new(), |s| if s.median < 0.05 {
            format!(
                ", quiet: other processes used {} of the CPU meanwhile",
                percent(s.median)
            )
        } else {
            format!(
                ", shared: other processes kept {} of the CPU busy meanwhile, so a quiet \
                 machine does better",
                percent(s.median)
            )
        }),
        d.runs(),
    );
    let _ = writeln!(
        t,
        "- random policy, whole episodes with every reset: {} steps/s on click-button (one step \
         per episode, so this is its reset rate), {} on login-user, {} on the airline;",
        rate("click-button"),
        rate("login-user"),
        rate("airline")
    );
    if let (Some(a), Some(b)) = (
        criterion_median(d, "step/click-button"),
        criterion_median(d, "step/airline"),
    ) {
        let _ = writeln!(
            t,
            "- a step alone: {} on click-button, {} on the airline (criterion);",
            duration(a * 1e-9),
            duration(b * 1e-9)
        );
    }
    let worker = |site: &str| median(d.stat("wasm-chromium-web-engine", site, "steps_per_sec"));
    if worker("airline").is_finite() {
        let _ = writeln!(
            t,
            "- the same engine as WebAssembly in a Chromium worker (as the app ships it): {} \
             steps/s on the airline, {} of native;",
            int(worker("airline")),
            percent(median(d.paired_ratio(
                "wasm-chromium-web-engine",
                "native-engine",
                "airline",
                "steps_per_sec"
            )))
        );
    }
    let s90 = |section: &str, site: &str| median(d.stat(section, site, "seconds_to_90"));
    if s90("native-train", "airline").is_finite() {
        let _ = writeln!(
            t,
            "- PPO from scratch to 90% success: click-button in {:.2} s, the airline in {:.1} s \
             natively ({:.2} s and {:.1} s in the browser's worker);",
            s90("native-train", "click-button"),
            s90("native-train", "airline"),
            s90("wasm-chromium-web-train", "click-button"),
            s90("wasm-chromium-web-train", "airline"),
        );
    }
    if let Some(m) = miniwob_row(d, "click-button").and_then(|r| r.get("steps_per_s").num()) {
        let flight = miniwob_row(d, "book-flight").and_then(|r| r.get("steps_per_s").num());
        let _ = writeln!(
            t,
            "- MiniWoB++ on the same machine: {} steps/s on click-button{}; Wobble's \
             whole-episode rate is {} that on click-button{};",
            num(m),
            flight.map_or(String::new(), |f| format!(", {} on book-flight", num(f))),
            ratio(median(d.stat("native-engine", "click-button", "steps_per_sec")) / m),
            flight.map_or(String::new(), |f| format!(
                " and {} on the airline",
                ratio(median(d.stat("native-engine", "airline", "steps_per_sec")) / f)
            )),
        );
    }
    if let Some(line) = super::python::python_line(d) {
        let _ = writeln!(t, "{line}");
    }
    let gzip = bundle_gzip(d);
    let interactive = median(d.stat("first-page", "app", "interactive_ms"));
    if gzip > 0.0 {
        let _ = writeln!(
            t,
            "- the web app: {} KB gzip in all; the first interactive page {} ms after navigation \
             on 127.0.0.1.",
            int(gzip / 1000.0),
            int(interactive)
        );
    }
    t
}
