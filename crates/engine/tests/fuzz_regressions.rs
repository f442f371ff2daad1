//! The fuzz targets' checks, run on every saved input: the inputs that once
//! crashed a target (`fuzz/regressions/TARGET/`, named after what they
//! broke) and the seed corpora (`fuzz/corpus/TARGET/`). The checks are the
//! fuzz crate's own code (`fuzz/src/checks.rs`), compiled in here, so what
//! the fuzzer found stays fixed in the ordinary test run. The `actions`
//! target's regressions are scenarios saved as JSON (see `Scenario`).
#![cfg(not(target_arch = "wasm32"))]

#[path = "../../../fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;

use std::fs;
use std::path::{Path, PathBuf};

/// The repository's `fuzz/` folder.
fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// Every file in `fuzz/KIND/TARGET/`, sorted (none when the folder is absent).
fn inputs(kind: &str, target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, bytes)
        })
        .collect()
}

/// Runs `check` on every regression and seed of `target`.
fn run_all(target: &str, check: fn(&[u8])) {
    let seeds = inputs("corpus", target);
    assert!(!seeds.is_empty(), "fuzz/corpus/{target}/ has no seeds");
    for (name, bytes) in inputs("regressions", target).iter().chain(&seeds) {
        let outcome = std::panic::catch_unwind(|| check(bytes));
        assert!(
            outcome.is_ok(),
            "{target}: the input {name} fails its checks"
        );
    }
}

#[test]
fn site_loader_inputs_load_or_fail_with_a_located_error() {
    run_all("site_loader", checks::site_loader);
}

#[test]
fn perturb_spec_inputs_round_trip_or_name_the_bad_part() {
    run_all("perturb_spec", checks::perturb_spec);
}

#[test]
fn episode_import_inputs_replay_or_are_refused() {
    run_all("episode_import", checks::episode_import);
}

#[test]
fn agent_protocol_inputs_get_replies_or_errors() {
    run_all("agent_protocol", checks::agent_protocol);
}

#[test]
fn actions_scenarios_keep_the_step_invariants() {
    for (name, bytes) in inputs("regressions", "actions") {
        let scenario: checks::Scenario = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("actions/{name} is not a scenario: {e}"));
        let outcome = std::panic::catch_unwind(|| checks::play(&scenario));
        assert!(
            outcome.is_ok(),
            "actions: the scenario {name} fails its checks"
        );
    }
}

#[test]
fn a_scenario_file_reads_back_as_written() {
    use checks::{Move, Scenario};
    let scenario = Scenario {
        site: "bank".into(),
        task: 0,
        seed: 3,
        perturb: vec![(8, 3), (3, 9)],
        moves: vec![
            Move::Candidate(2),
            Move::ClickAt(f32::NAN, f32::NEG_INFINITY),
            Move::TypeText(4, "<b>".into()),
            Move::Scroll(-0.5),
            Move::Observe,
            Move::Finish,
            Move::Finish,
        ],
    };
    let json = serde_json::to_string(&scenario).unwrap();
    let back: Scenario = serde_json::from_str(&json).unwrap();
    assert_eq!(back.moves.len(), scenario.moves.len());
    assert!(matches!(back.moves[1], Move::ClickAt(x, y) if x.is_nan() && y == f32::NEG_INFINITY));
    checks::play(&back);
}
