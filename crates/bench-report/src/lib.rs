//! # BENCHMARKS.md from raw measurements
//!
//! `cargo xtask bench` measures (see `xtask/src/bench.rs`) and appends every measurement to
//! `target/bench/raw.jsonl`; then it runs this crate's binary, which writes the report:
//!
//! ```text
//! target/bench/raw.jsonl --raw::read--> records --report::Data--> figures
//! xtask/bench-template.md: each {{name}} --report::render--> BENCHMARKS.md
//! README.md: <!-- bench:begin --> ... <!-- bench:end --> --report::readme_block--> README.md
//! ```
//!
//! The report is a function of the raw file and the template alone, so
//! `cargo xtask bench --report-only` rewrites it without measuring again. xtask stays std-only,
//! so that it builds in seconds before anything is installed; reading JSON happens here.
#![forbid(unsafe_code)]

pub mod json;
pub mod raw;
pub mod report;

use std::fs;
use std::path::Path;

/// Writes the report at `out` from the raw measurements at `raw` and the template at
/// `template`, and the headline figures into the `bench` block of the README at `readme`.
pub fn write(raw: &Path, template: &Path, out: &Path, readme: &Path) -> Result<(), String> {
    let read = |path: &Path| {
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let records = raw::read(&read(raw)?).map_err(|e| format!("{}: {e}", raw.display()))?;
    let data = report::Data::new(&records);
    let text = report::render(&read(template)?, &data)?;
    fs::write(out, text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let fresh = report::replace_block(&read(readme)?, &report::readme_block(&data))?;
    fs::write(readme, fresh).map_err(|e| format!("cannot write {}: {e}", readme.display()))
}
