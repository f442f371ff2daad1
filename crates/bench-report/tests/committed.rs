//! BENCHMARKS.md and the README's `bench` block are what the committed run gives: the raw
//! measurements of the last `cargo xtask bench` (`docs/bench/raw.jsonl`) through the report and
//! `xtask/bench-template.md`. A report edited by hand, or a template or report change not yet
//! written out (`cargo xtask bench --report-only`), fails here.

#[test]
fn benchmarks_md_and_the_readme_block_are_written_from_the_committed_run() {
    let root = wobble_testkit::root();
    let (report, readme) = wobble_bench_report::generate(
        &root.join("docs/bench/raw.jsonl"),
        &root.join("xtask/bench-template.md"),
        &root.join("README.md"),
    )
    .unwrap();
    let stale = "stale: run `cargo xtask bench --report-only` (or a whole `cargo xtask bench`)";
    let committed = std::fs::read_to_string(root.join("BENCHMARKS.md")).unwrap();
    assert!(committed == report, "BENCHMARKS.md is {stale}");
    let committed = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(committed == readme, "README.md's bench block is {stale}");
}

/// The README's `break` table is what the committed run of `cargo xtask break-table` gives.
#[test]
fn the_readme_break_table_is_written_from_the_committed_run() {
    let root = wobble_testkit::root();
    let readme = wobble_bench_report::generate_breaks(
        &root.join("docs/bench/break.jsonl"),
        &root.join("README.md"),
    )
    .unwrap();
    let committed = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        committed == readme,
        "README.md's break block is stale: run `cargo xtask break-table --report-only` (or a whole `cargo xtask break-table`)"
    );
}
