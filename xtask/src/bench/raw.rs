//! The raw file, `target/bench/raw.jsonl`: one [`Record`] a line, appended as each
//! measurement comes (the format is the one `crates/bench-report/src/raw.rs` reads).

use super::json::{quote, Json};
use crate::Result;
use std::fs;
use std::path::PathBuf;

/// One line of [`RAW`](super::RAW): a measurement, or a command's output that holds some
/// (`crates/bench-report/src/raw.rs` lists the kinds).
#[derive(Debug, Clone)]
struct Record {
    section: String,
    key: String,
    run: usize,
    /// Wall time of the command that produced it, in seconds.
    wall: f64,
    value: Json,
}

impl Record {
    fn line(&self) -> String {
        format!(
            "{{\"section\":{},\"key\":{},\"run\":{},\"wall\":{},\"value\":{}}}",
            quote(&self.section),
            quote(&self.key),
            self.run,
            self.wall,
            self.value
        )
    }
}

/// The raw measurements of this run, appended to [`RAW`](super::RAW) as they come.
pub(super) struct Raw {
    pub(super) path: PathBuf,
}

impl Raw {
    pub(super) fn push(
        &mut self,
        section: &str,
        key: &str,
        run: usize,
        wall: f64,
        value: Json,
    ) -> Result {
        let record = Record {
            section: section.into(),
            key: key.into(),
            run,
            wall,
            value,
        };
        let mut text = fs::read_to_string(&self.path).unwrap_or_default();
        text.push_str(&record.line());
        text.push('\n');
        fs::write(&self.path, text)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_one_line_each() {
        let record = Record {
            section: "native-engine".into(),
            key: "airline".into(),
            run: 2,
            wall: 3.5,
            value: Json::printed("{\n  \"steps_per_sec\": 150000.5\n}\n").unwrap(),
        };
        assert_eq!(
            record.line(),
            r#"{"section":"native-engine","key":"airline","run":2,"wall":3.5,"value":{   "steps_per_sec": 150000.5 }}"#
        );
    }
}
