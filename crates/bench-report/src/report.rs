//! The tables of BENCHMARKS.md and the README's headline figures, computed from the raw
//! records alone.
//!
//! Each figure is the median over the runs, with the range (min–max) beside it when there was
//! more than one run. The template's prose stays as written; `{{name}}` placeholders are
//! replaced by the functions in [`SECTIONS`].
//!
//! One module per part of the report: `conditions` (how and where the run was made, and how
//! it went), `targets`, `native` (the native engine, its allocations, criterion), `scaling`,
//! `wasm`, `training` (training and the sweep), `web` (bundle and first page), `miniwob`, `python`
//! (the Python package and Ray), `profile` (what bounds each headline figure), and
//! `readme` for the README's block; `format` writes the numbers all of them share.

mod breaks;
mod conditions;
mod format;
mod miniwob;
mod native;
mod profile;
mod python;
mod readme;
mod scaling;
mod targets;
mod training;
mod wasm;
mod web;

use crate::json::Json;
use crate::raw::Record;
use conditions::{command, date, load, machine, phases, runs, seconds, versions};
use miniwob::miniwob;
use native::{alloc, criterion, native_engine, native_perturbed};
use profile::profiles;
use python::python;
use scaling::scaling;
use targets::targets;
use training::{sweep, train};
use wasm::wasm_engine;
use web::{bundle, first_page};

pub use breaks::break_block;
pub use miniwob::MINIWOB_TASKS;
pub use readme::readme_block;

/// The records, with look-ups.
pub struct Data<'a> {
    records: &'a [Record],
}

/// Median and range of a set of runs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stat {
    median: f64,
    min: f64,
    max: f64,
    n: usize,
}

impl Stat {
    /// The finite values' statistics; `None` when there are none.
    fn of(values: &[f64]) -> Option<Stat> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if !n.is_multiple_of(2) {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Some(Stat {
            median,
            min: v[0],
            max: v[n - 1],
            n,
        })
    }
}

impl<'a> Data<'a> {
    /// Look-ups over `records`.
    pub fn new(records: &'a [Record]) -> Data<'a> {
        Data { records }
    }

    fn section(&self, section: &'a str) -> impl Iterator<Item = &'a Record> + 'a {
        self.records.iter().filter(move |r| r.section == section)
    }

    fn has(&self, section: &str) -> bool {
        self.records.iter().any(|r| r.section == section)
    }

    /// Keys of a section in the order first seen.
    fn keys(&self, section: &'a str) -> Vec<&'a str> {
        let mut keys: Vec<&str> = Vec::new();
        for r in self.section(section) {
            if !keys.contains(&r.key.as_str()) {
                keys.push(&r.key);
            }
        }
        keys
    }

    /// A field of every run of (section, key).
    fn values(&self, section: &'a str, key: &str, field: &str) -> Vec<f64> {
        self.section(section)
            .filter(|r| r.key == key)
            .filter_map(|r| {
                if field == "wall" {
                    Some(r.wall)
                } else {
                    r.value.get(field).num()
                }
            })
            .collect()
    }

    fn stat(&self, section: &'a str, key: &str, field: &str) -> Option<Stat> {
        Stat::of(&self.values(section, key, field))
    }

    /// `a / b` run by run (runs with the same number were made back to back), over the runs.
    fn paired_ratio(&self, a: &'a str, b: &'a str, key: &str, field: &str) -> Option<Stat> {
        let ratios: Vec<f64> = self
            .section(a)
            .filter(|r| r.key == key)
            .filter_map(|ra| {
                let rb = self
                    .section(b)
                    .find(|rb| rb.key == key && rb.run == ra.run)?;
                Some(ra.value.get(field).num()? / rb.value.get(field).num()?)
            })
            .collect();
        Stat::of(&ratios)
    }

    fn first(&self, section: &'a str, key: &str) -> Option<&'a Record> {
        self.section(section).find(|r| r.key == key)
    }

    fn meta(&self, key: &str) -> &'a Json {
        self.first("meta", key).map_or(&Json::Null, |r| &r.value)
    }

    fn option(&self, field: &str) -> &'a Json {
        self.meta("options").get(field)
    }

    fn runs(&self) -> usize {
        self.option("runs").num().unwrap_or(1.0) as usize
    }
}

/// `{{name}}` and the function that writes it.
type Section = fn(&Data) -> String;

const SECTIONS: &[(&str, Section)] = &[
    ("command", command),
    ("date", date),
    ("runs", runs),
    ("seconds", seconds),
    ("machine", machine),
    ("versions", versions),
    ("load", load),
    ("phases", phases),
    ("targets", targets),
    ("native_engine", native_engine),
    ("alloc", alloc),
    ("native_perturbed", native_perturbed),
    ("scaling", scaling),
    ("wasm_engine", wasm_engine),
    ("train", train),
    ("sweep", sweep),
    ("criterion", criterion),
    ("bundle", bundle),
    ("first_page", first_page),
    ("miniwob", miniwob),
    ("python", python),
    ("profiles", profiles),
];

/// Fills every placeholder of `template`; an unknown one is an error.
pub fn render(template: &str, data: &Data) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or("bench-template.md: a `{{` without its `}}`")?;
        let name = after[..end].trim();
        let (_, section) = SECTIONS
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| format!("bench-template.md: unknown placeholder {{{{{name}}}}}"))?;
        out.push_str(section(data).trim_end_matches('\n'));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `readme` with its `bench` block (between `<!-- bench:begin -->` and `<!-- bench:end -->`)
/// replaced by `block`.
pub fn replace_block(readme: &str, block: &str) -> Result<String, String> {
    replace_named_block(readme, "bench", block)
}

/// The README with its block `name` replaced by `block`.
pub fn replace_named_block(readme: &str, name: &str, block: &str) -> Result<String, String> {
    wobble_testkit::replace_block(readme, name, &format!("{}\n", block.trim_end()))
        .map_err(|e| format!("README.md: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(section: &str, key: &str, run: usize, value: &str) -> Record {
        Record {
            section: section.into(),
            key: key.into(),
            run,
            wall: 1.0,
            value: Json::parse(value).unwrap(),
        }
    }

    #[test]
    fn renders_placeholders() {
        let records = vec![
            record(
                "native-engine",
                "airline",
                0,
                r#"{"task":"book-flight","steps_per_sec":300000,"episodes_per_sec":7000,"resets_per_sec":9000}"#,
            ),
            record(
                "native-engine",
                "airline",
                1,
                r#"{"task":"book-flight","steps_per_sec":400000,"episodes_per_sec":8000,"resets_per_sec":10000}"#,
            ),
            record(
                "meta",
                "options",
                0,
                r#"{"command":"cargo xtask bench --quick","runs":2}"#,
            ),
        ];
        let data = Data::new(&records);
        let out = render("Run `{{command}}`.\n{{native_engine}}\n", &data).unwrap();
        assert!(out.starts_with("Run `cargo xtask bench --quick`."));
        assert!(out.contains("| airline / book-flight | 350,000 (300,000–400,000) |"));
        assert!(render("{{nope}}", &data).is_err());
    }

    #[test]
    fn replaces_the_readme_block() {
        let readme = "a\n<!-- bench:begin -->\nold\n<!-- bench:end -->\nb\n";
        assert_eq!(
            replace_block(readme, "new\n").unwrap(),
            "a\n<!-- bench:begin -->\nnew\n<!-- bench:end -->\nb\n"
        );
        assert!(replace_block("no markers", "x").is_err());
    }
}
