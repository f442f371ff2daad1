//! The fuzz targets' checks, run on every saved input: the inputs that once
//! crashed a target (`fuzz/regressions/TARGET/`, named after what they
//! broke) and the seed corpora (`fuzz/corpus/TARGET/`, and for `site_loader`
//! the shipped sites in `sites/`, which `cargo xtask fuzz` copies in as
//! seeds rather than keeping copies in the corpus). The checks are the
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

/// Runs `check` on every regression and seed of `target`, and on `extra` inputs.
fn run_all(target: &str, check: fn(&[u8]), extra: &[(String, Vec<u8>)]) {
    let seeds = inputs("corpus", target);
    assert!(!seeds.is_empty(), "fuzz/corpus/{target}/ has no seeds");
    for (name, bytes) in inputs("regressions", target)
        .iter()
        .chain(&seeds)
        .chain(extra)
    {
        let outcome = std::panic::catch_unwind(|| check(bytes));
        assert!(
            outcome.is_ok(),
            "{target}: the input {name} fails its checks"
        );
    }
}

#[test]
fn site_loader_inputs_load_or_fail_with_a_located_error() {
    // The seeds `cargo xtask fuzz` generates: every site file in sites/.
    let sites = fuzz_dir().join("../sites");
    let mut shipped = Vec::new();
    for entry in fs::read_dir(&sites).unwrap_or_else(|e| panic!("{}: {e}", sites.display())) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "ron") {
            let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            shipped.push((
                format!("sites/{}", path.file_name().unwrap().to_string_lossy()),
                bytes,
            ));
        }
    }
    assert!(!shipped.is_empty(), "sites/ has no site files");
    run_all("site_loader", checks::site_loader, &shipped);
}

#[test]
fn perturb_spec_inputs_round_trip_or_name_the_bad_part() {
    run_all("perturb_spec", checks::perturb_spec, &[]);
}

#[test]
fn episode_import_inputs_replay_or_are_refused() {
    run_all("episode_import", checks::episode_import, &[]);
}

#[test]
fn agent_protocol_inputs_get_replies_or_errors() {
    run_all("agent_protocol", checks::agent_protocol, &[]);
}

/// The names of the scenario files in `dir` that fail their checks (or do
/// not read as scenarios); an error when there are none to run, so a missing
/// or empty folder cannot pass for a clean one.
fn failing_scenarios(dir: &Path) -> Result<Vec<String>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("{} holds no scenarios", dir.display()));
    }
    let mut failing = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let passed = match serde_json::from_slice::<checks::Scenario>(&bytes) {
            Ok(scenario) => std::panic::catch_unwind(|| checks::play(&scenario)).is_ok(),
            Err(_) => false,
        };
        if !passed {
            failing.push(name);
        }
    }
    Ok(failing)
}

#[test]
fn actions_scenarios_keep_the_step_invariants() {
    let failing = failing_scenarios(&fuzz_dir().join("regressions").join("actions")).unwrap();
    assert!(
        failing.is_empty(),
        "actions: these scenarios fail their checks: {failing:?}"
    );
}

/// The replay above can fail: a folder with a planted scenario that does not
/// hold is reported, and an empty folder is an error, not a pass.
#[test]
fn the_scenario_replay_reports_a_planted_failure() {
    let dir = std::env::temp_dir().join(format!("wobble-planted-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    assert!(
        failing_scenarios(&dir).is_err(),
        "an empty folder must not pass"
    );
    let good =
        fs::read(fuzz_dir().join("regressions/actions/unknown-id-and-finish-twice.json")).unwrap();
    fs::write(dir.join("good.json"), good).unwrap();
    // A cut-off file, as a crashed fuzz run might leave it.
    fs::write(
        dir.join("planted.json"),
        br#"{"site":"bank","task":0,"seed":1,"moves":[{"Cand"#,
    )
    .unwrap();
    let failing = failing_scenarios(&dir).unwrap();
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(failing, vec!["planted.json".to_string()]);
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
