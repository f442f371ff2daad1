//! # BENCHMARKS.md from raw measurements
//!
//! `cargo xtask bench` measures (see `xtask/src/bench.rs`) and appends every measurement to
//! `target/bench/raw.jsonl`, which it keeps as `docs/bench/raw.jsonl` when the run is complete;
//! then it runs this crate's binary, which writes the report:
//!
//! ```text
//! docs/bench/raw.jsonl --raw::read--> records --report::Data--> figures
//! xtask/bench-template.md: each {{name}} --report::render--> BENCHMARKS.md
//! README.md: <!-- bench:begin --> ... <!-- bench:end --> --report::readme_block--> README.md
//! ```
//!
//! The report is a function of the raw file and the template alone, so
//! `cargo xtask bench --report-only` rewrites it without measuring again, and a test
//! (`tests/committed.rs`) fails when BENCHMARKS.md or the README's block is not what the committed
//! raw file and template give. xtask stays std-only,
//! so that it builds in seconds before anything is installed; reading JSON happens here.
#![forbid(unsafe_code)]

pub mod json;
pub mod raw;
pub mod report;

use std::fs;
use std::path::Path;

/// The report and the README, as the raw measurements at `raw`, the template at `template` and
/// the README at `readme` (whose `bench` block is replaced) give them.
pub fn generate(raw: &Path, template: &Path, readme: &Path) -> Result<(String, String), String> {
    let read = |path: &Path| {
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let records = raw::read(&read(raw)?).map_err(|e| format!("{}: {e}", raw.display()))?;
    let data = report::Data::new(&records);
    let text = report::render(&read(template)?, &data)?;
    let readme = report::replace_block(&read(readme)?, &report::readme_block(&data))?;
    Ok((text, readme))
}

/// Writes the report at `out` from the raw measurements at `raw` and the template at
/// `template`, and the headline figures into the `bench` block of the README at `readme`.
pub fn write(raw: &Path, template: &Path, out: &Path, readme: &Path) -> Result<(), String> {
    let (text, fresh) = generate(raw, template, readme)?;
    fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    fs::write(readme, fresh).map_err(|e| format!("cannot write {}: {e}", readme.display()))
}

/// The README at `readme` with its `break` block written from the raw lines of
/// `cargo xtask break-table` at `raw` ([`report::break_block`]).
pub fn generate_breaks(raw: &Path, readme: &Path) -> Result<String, String> {
    let read = |path: &Path| {
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let records = raw::read(&read(raw)?).map_err(|e| format!("{}: {e}", raw.display()))?;
    let data = report::Data::new(&records);
    report::replace_named_block(&read(readme)?, "break", &report::break_block(&data))
}
