//! The raw measurements that `cargo xtask bench` appends to `target/bench/raw.jsonl`, one JSON
//! object a line: `{"section", "key", "run", "wall", "value"}`, `wall` being the seconds the
//! command that produced it took.
//!
//! Most lines are measurements as the report reads them. xtask is std-only and does not read
//! JSON, so where a measurement is part of what a command printed, it stores the output as
//! printed and the line is turned into measurements here, in its place:
//!
//! | section (key) | value | becomes |
//! |---|---|---|
//! | `runner-output` (a prefix) | what `tests/bench/run.mjs` printed | `runtime` (prefix), and `PREFIX-engine`, `-train`, `-sweep` (site) for each item, its run offset by the line's |
//! | `first-page-output` | what `run.mjs first-page` printed | `runtime` (`first-page`), and `first-page` (`app`) for each run |
//! | `sweep-output` (threads) | `digest`, and `report`: what `wobble sweep --json` printed | `native-sweep-threads`: `digest`, `cells`, `success_rates` |
//! | `alloc-output` | one `ALLOC` line of the allocation report | `alloc` (site) |
//! | `criterion-output` | `benchmark` and `estimates`: criterion's two files of one benchmark | `criterion` (its id): `median`, `lower`, `upper` in ns |
//! | `miniwob-output` (`result`) | MiniWoB++'s JSON file | `miniwob` (`result`): `versions`, `rows`, `args`, `latency_ms` |

use crate::json::Json;

/// One measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// What was measured (`native-engine`, `criterion`, `meta`, ...).
    pub section: String,
    /// Which one: a site, a benchmark id, a thread count.
    pub key: String,
    /// The repetition, from 0.
    pub run: usize,
    /// Wall time of the command that produced it, in seconds.
    pub wall: f64,
    /// The figures.
    pub value: Json,
}

impl Record {
    /// A record as its fields say.
    pub fn new(section: &str, key: &str, run: usize, wall: f64, value: Json) -> Record {
        Record {
            section: section.into(),
            key: key.into(),
            run,
            wall,
            value,
        }
    }

    /// One line of the raw file; a missing field reads as empty or zero.
    fn from_line(line: &str) -> Result<Record, String> {
        let v = Json::parse(line)?;
        Ok(Record {
            section: v.get("section").str().unwrap_or_default().to_string(),
            key: v.get("key").str().unwrap_or_default().to_string(),
            run: v.get("run").num().unwrap_or(0.0) as usize,
            wall: v.get("wall").num().unwrap_or(0.0),
            value: v.get("value").clone().finite(),
        })
    }
}

/// Every measurement of a raw file, in the order written, outputs turned into measurements.
pub fn read(text: &str) -> Result<Vec<Record>, String> {
    let mut records = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record = Record::from_line(line).map_err(|e| format!("line {}: {e}", index + 1))?;
        expand(record, &mut records);
    }
    Ok(records)
}

/// Appends `record` to `out`, or the measurements it holds when it is a command's output.
fn expand(record: Record, out: &mut Vec<Record>) {
    let Record {
        section,
        key,
        run,
        wall,
        value,
    } = record;
    match section.as_str() {
        "runner-output" => {
            let runtime = Json::Obj(vec![
                ("runtime".into(), value.get("runtime").clone()),
                ("userAgent".into(), value.get("userAgent").clone()),
            ]);
            out.push(Record::new("runtime", &key, 0, wall, runtime));
            for part in ["engine", "train", "sweep"] {
                for item in value.get(part).items() {
                    // An item that names no site is the sweep's, which runs on the airline.
                    let site = item.get("site").str().unwrap_or("airline");
                    let item_run = run + item.get("run").num().unwrap_or(0.0) as usize;
                    let section = format!("{key}-{part}");
                    out.push(Record::new(&section, site, item_run, 0.0, item.clone()));
                }
            }
        }
        "first-page-output" => {
            let runtime = Json::Obj(vec![("runtime".into(), value.get("runtime").clone())]);
            out.push(Record::new("runtime", "first-page", 0, wall, runtime));
            for item in value.get("runs").items() {
                let item_run = item.get("run").num().unwrap_or(0.0) as usize;
                out.push(Record::new(
                    "first-page",
                    "app",
                    item_run,
                    0.0,
                    item.clone(),
                ));
            }
        }
        "sweep-output" => {
            let report = value.get("report");
            // The baseline's success rate, then every cell's; `null` where one is missing.
            let rate = |v: &Json| v.get("success_rate").num().map_or(Json::Null, Json::Num);
            let mut rates = vec![rate(report.get("baseline"))];
            rates.extend(report.get("cells").items().iter().map(rate));
            let summary = Json::Obj(vec![
                ("digest".into(), value.get("digest").clone()),
                ("cells".into(), Json::Num(rates.len() as f64)),
                ("success_rates".into(), Json::Arr(rates)),
            ]);
            out.push(Record::new(
                "native-sweep-threads",
                &key,
                run,
                wall,
                summary,
            ));
        }
        "alloc-output" => {
            let site = value.get("site").str().unwrap_or_default().to_string();
            out.push(Record::new("alloc", &site, run, wall, value));
        }
        "criterion-output" => {
            let id = value
                .get("benchmark")
                .get("full_id")
                .str()
                .unwrap_or_default();
            let median = value.get("estimates").get("median");
            let interval = median.get("confidence_interval");
            let estimate = Json::Obj(vec![
                ("median".into(), median.get("point_estimate").clone()),
                ("lower".into(), interval.get("lower_bound").clone()),
                ("upper".into(), interval.get("upper_bound").clone()),
            ]);
            out.push(Record::new("criterion", id, run, wall, estimate));
        }
        "miniwob-output" => {
            let kept = Json::Obj(
                ["versions", "rows", "args", "latency_ms"]
                    .into_iter()
                    .map(|field| (field.to_string(), value.get(field).clone()))
                    .collect(),
            );
            out.push(Record::new("miniwob", &key, run, wall, kept));
        }
        _ => out.push(Record {
            section,
            key,
            run,
            wall,
            value,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Json {
        Json::parse(text).unwrap()
    }

    #[test]
    fn reads_lines_and_keeps_measurements_as_they_are() {
        let text = "{\"section\":\"native-engine\",\"key\":\"airline\",\"run\":2,\"wall\":3.5,\"value\":{\"steps_per_sec\":1.5e5}}\n\n{\"section\":\"meta\",\"key\":\"load_start\",\"value\":\"0.1 0.2 0.3\"}\n";
        let records = read(text).unwrap();
        assert_eq!(
            records,
            [
                Record::new(
                    "native-engine",
                    "airline",
                    2,
                    3.5,
                    json(r#"{"steps_per_sec":150000}"#)
                ),
                Record::new("meta", "load_start", 0, 0.0, json(r#""0.1 0.2 0.3""#)),
            ]
        );
        let e = read("{\"section\":\"x\"}\n{oops}\n").unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
    }

    #[test]
    fn a_runner_output_becomes_a_runtime_and_its_items() {
        let line = r#"{"section":"runner-output","key":"wasm-node","run":3,"wall":9.5,"value":{"runtime":"Node v20","userAgent":null,"engine":[{"site":"airline","run":0,"steps_per_sec":5},{"site":"bank","run":0,"steps_per_sec":6}],"train":[{"site":"airline","run":1,"seconds_to_90":2}],"sweep":[{"run":0,"seconds":4}]}}"#;
        let records = read(line).unwrap();
        let shown: Vec<(&str, &str, usize, f64)> = records
            .iter()
            .map(|r| (r.section.as_str(), r.key.as_str(), r.run, r.wall))
            .collect();
        assert_eq!(
            shown,
            [
                ("runtime", "wasm-node", 0, 9.5),
                ("wasm-node-engine", "airline", 3, 0.0),
                ("wasm-node-engine", "bank", 3, 0.0),
                ("wasm-node-train", "airline", 4, 0.0),
                ("wasm-node-sweep", "airline", 3, 0.0),
            ]
        );
        assert_eq!(
            records[0].value,
            json(r#"{"runtime":"Node v20","userAgent":null}"#)
        );
        assert_eq!(records[2].value.get("steps_per_sec").num(), Some(6.0));
    }

    #[test]
    fn other_outputs_become_their_measurements() {
        let text = [
            r#"{"section":"first-page-output","key":"app","run":0,"wall":7,"value":{"runtime":"Chromium","runs":[{"run":0,"interactive_ms":300},{"run":1,"interactive_ms":280}]}}"#,
            r#"{"section":"sweep-output","key":"2","run":1,"wall":4.25,"value":{"digest":"00ff","report":{"baseline":{"success_rate":0.9},"cells":[{"success_rate":0.5},{"kind":"x"}]}}}"#,
            r#"{"section":"alloc-output","key":"","run":0,"wall":30,"value":{"site":"bank","steps":9000}}"#,
            r#"{"section":"criterion-output","key":"","run":0,"wall":0,"value":{"benchmark":{"full_id":"step/bank"},"estimates":{"median":{"point_estimate":952.5,"confidence_interval":{"lower_bound":950,"upper_bound":955}}}}}"#,
            r#"{"section":"miniwob-output","key":"result","run":0,"wall":120,"value":{"versions":{"miniwob":"1.1.0"},"rows":[{"task":"click-button","resets_per_s":NaN}],"args":{"episodes":5},"latency_ms":1.5,"parallel":[]}}"#,
        ]
        .join("\n");
        let records = read(&text).unwrap();
        let shown: Vec<(&str, &str, usize)> = records
            .iter()
            .map(|r| (r.section.as_str(), r.key.as_str(), r.run))
            .collect();
        assert_eq!(
            shown,
            [
                ("runtime", "first-page", 0),
                ("first-page", "app", 0),
                ("first-page", "app", 1),
                ("native-sweep-threads", "2", 1),
                ("alloc", "bank", 0),
                ("criterion", "step/bank", 0),
                ("miniwob", "result", 0),
            ]
        );
        assert_eq!(
            records[3].value,
            json(r#"{"digest":"00ff","cells":3,"success_rates":[0.9,0.5,null]}"#)
        );
        assert_eq!(records[3].wall, 4.25);
        assert_eq!(
            records[5].value,
            json(r#"{"median":952.5,"lower":950,"upper":955}"#)
        );
        assert_eq!(
            records[6].value,
            json(
                r#"{"versions":{"miniwob":"1.1.0"},"rows":[{"task":"click-button","resets_per_s":null}],"args":{"episodes":5},"latency_ms":1.5}"#
            )
        );
    }
}
