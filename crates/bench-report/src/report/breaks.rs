//! The README's `break` block: the cheapest change that breaks each shipped airline agent,
//! from the raw lines of `cargo xtask break-table` (`docs/bench/break.jsonl`): `native-break`
//! (key: the policy file; value: what `wobble break --json` printed) and `break-runner-output`
//! (the worker's runs, each with its report).

use super::conditions::date;
use super::format::{percent, spread};
use super::{Data, Stat};
use crate::json::Json;
use std::fmt::Write as _;

/// The target the worker's time is held to.
const TARGET_SECONDS: f64 = 10.0;

/// `20.0% (6/30, 95% CI 9.5–37.3%)`, from a report's tally.
fn tally(t: &Json) -> String {
    let num = |k: &str| t.get(k).num().unwrap_or(f64::NAN);
    let ci = t.get("ci95");
    format!(
        "{:.1}% ({}/{}, 95% CI {:.1}–{:.1}%)",
        num("success_rate") * 100.0,
        num("successes"),
        num("episodes"),
        ci.get("low").num().unwrap_or(f64::NAN) * 100.0,
        ci.get("high").num().unwrap_or(f64::NAN) * 100.0
    )
}

fn seconds(x: f64) -> String {
    format!("{x:.2} s")
}

/// The worker's runs of `name`: (seconds, report).
fn worker_runs<'a>(d: &Data<'a>, name: &str) -> Vec<(f64, &'a Json)> {
    d.section("break-runner-output")
        .flat_map(|r| r.value.get("breaks").items())
        .filter(|b| b.get("name").str() == Some(name))
        .map(|b| (b.get("seconds").num().unwrap_or(f64::NAN), b.get("report")))
        .collect()
}

/// The block (without its markers).
pub fn break_block(d: &Data) -> String {
    let names = d.keys("native-break");
    let others = Stat::of(
        &d.section("phase")
            .filter_map(|r| r.value.get("others").num())
            .collect::<Vec<_>>(),
    );
    let mut t = format!(
        "The cheapest change that breaks each shipped airline agent, as `wobble break --policy \
         FILE --site airline` finds it with its default settings (success below 50% on fresh \
         seeds, its 95% interval clear of 50%, the oracle solving every episode; budget 3,000 \
         episodes). Measured by `cargo xtask break-table` on {} ({}, {} cores{}): wall time \
         natively on one core and in a dedicated worker of headless Chromium running the search \
         built as the app ships, median (min–max) of {} run{}.\n\n",
        date(d),
        d.meta("machine").get("cpu").str().unwrap_or("this machine"),
        d.meta("machine").get("cores").num().unwrap_or(1.0),
        others.map_or(String::new(), |s| format!(
            "; other processes used {} of the CPU meanwhile",
            percent(s.median)
        )),
        d.runs(),
        if d.runs() == 1 { "" } else { "s" },
    );
    t.push_str(
        "| agent | smallest break | cost: kinds / severity / elements | agent on fresh seeds | \
         oracle | episodes searched | native | worker | same report |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    let mut slow = Vec::new();
    for name in names {
        let native: Vec<_> = d
            .section("native-break")
            .filter(|r| r.key == name)
            .collect();
        let Some(first) = native.first() else {
            continue;
        };
        let report = &first.value;
        let found = report.get("found");
        let worker = worker_runs(d, name);
        let same = !worker.is_empty()
            && native.iter().all(|r| r.value == *report)
            && worker.iter().all(|(_, r)| *r == report);
        let worker_time = Stat::of(&worker.iter().map(|(s, _)| *s).collect::<Vec<_>>());
        if worker_time.is_none_or(|s| s.median >= TARGET_SECONDS) {
            slow.push(name);
        }
        let (spec, cost, agent, oracle) = match found {
            Json::Null => (
                format!("none: {}", report.get("stopped").str().unwrap_or("")),
                "–".to_string(),
                "–".to_string(),
                "–".to_string(),
            ),
            b => {
                let c = b.get("cost");
                let n = |k: &str| c.get(k).num().unwrap_or(f64::NAN);
                let o = b.get("oracle");
                (
                    format!("`{}`", b.get("spec").str().unwrap_or("?")),
                    format!("{} / {} / {}", n("kinds"), n("severity"), n("elements")),
                    tally(b.get("agent")),
                    format!(
                        "{}/{}",
                        o.get("successes").num().unwrap_or(f64::NAN),
                        o.get("episodes").num().unwrap_or(f64::NAN)
                    ),
                )
            }
        };
        let _ = writeln!(
            t,
            "| `{name}` | {spec} | {cost} | {agent} | {oracle} | {} | {} | {} | {} |",
            report.get("episodes").num().unwrap_or(f64::NAN),
            spread(d.stat("native-break", name, "wall"), seconds),
            spread(worker_time, seconds),
            if same { "yes" } else { "**no**" }
        );
    }
    let _ = writeln!(
        t,
        "\nTarget: a break in under {TARGET_SECONDS:.0} s in the worker for each airline agent: {}.",
        if slow.is_empty() {
            "met".to_string()
        } else {
            format!(
                "missed for {}",
                slow.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw::Record;

    fn report(spec: &str, successes: u64) -> String {
        format!(
            r#"{{"episodes": 400, "stopped": "verified", "found": {{"spec": "{spec}",
            "cost": {{"kinds": 1, "severity": 2, "elements": 8}},
            "agent": {{"episodes": 30, "successes": {successes}, "success_rate": {},
                      "ci95": {{"low": 0.095, "high": 0.373}}}},
            "oracle": {{"episodes": 30, "successes": 30}}}}}}"#,
            successes as f64 / 30.0
        )
    }

    fn records(worker_spec: &str, worker_seconds: f64) -> Vec<Record> {
        let native = Json::parse(&report("relabel:2", 6)).unwrap();
        let worker = format!(
            r#"{{"breaks": [{{"name": "a.json", "run": 0, "seconds": {worker_seconds}, "report": {}}}]}}"#,
            report(worker_spec, 6)
        );
        vec![
            Record::new("native-break", "a.json", 0, 0.4, native),
            Record::new(
                "break-runner-output",
                "wasm-chromium-web",
                0,
                1.0,
                Json::parse(&worker).unwrap(),
            ),
        ]
    }

    #[test]
    fn a_row_per_agent_with_its_break_times_and_whether_the_worker_agreed() {
        let r = records("relabel:2", 0.75);
        let block = break_block(&Data::new(&r));
        assert!(
            block.contains("| `a.json` | `relabel:2` | 1 / 2 / 8 | 20.0% (6/30, 95% CI 9.5–37.3%) | 30/30 | 400 | 0.40 s | 0.75 s | yes |"),
            "{block}"
        );
        assert!(
            block.contains("under 10 s in the worker for each airline agent: met"),
            "{block}"
        );
        // A worker that found something else, or took too long, is reported as such.
        let r = records("font:1", 12.0);
        let block = break_block(&Data::new(&r));
        assert!(block.contains("| 12.00 s | **no** |"), "{block}");
        assert!(block.contains("missed for `a.json`"), "{block}");
    }
}
