//! The report of a sample run, checked whole. `tests/sample/raw.jsonl` is a raw file as
//! `cargo xtask bench` writes it (made-up figures; command outputs of every kind, NaN and
//! missing values included), `template.md` holds every placeholder once, and `report.md` and
//! `readme.md` are what they give: golden files, which `cargo xtask bless` rewrites.

use std::path::{Path, PathBuf};
use wobble_bench_report::{raw, report};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sample")
        .join(name)
}

#[test]
fn the_sample_run_gives_the_committed_report() {
    let out = std::env::temp_dir().join(format!("wobble-bench-report-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    // The README is written in place: a copy of the committed one, which must come back as it was.
    std::fs::copy(sample("readme.md"), out.join("readme.md")).unwrap();
    wobble_bench_report::write(
        &sample("raw.jsonl"),
        &sample("template.md"),
        &out.join("report.md"),
        &out.join("readme.md"),
    )
    .unwrap();
    for name in ["report.md", "readme.md"] {
        let written = std::fs::read_to_string(out.join(name)).unwrap();
        wobble_testkit::golden_file(sample(name), &written);
    }
    std::fs::remove_dir_all(&out).ok();
}

/// The real template's placeholders are all known (an unknown one is an error).
#[test]
fn the_template_renders() {
    let template =
        std::fs::read_to_string(wobble_testkit::root().join("xtask/bench-template.md")).unwrap();
    let records = raw::read(&std::fs::read_to_string(sample("raw.jsonl")).unwrap()).unwrap();
    let text = report::render(&template, &report::Data::new(&records)).unwrap();
    assert!(!text.contains("{{"), "a placeholder was left");
}
