//! The policy crate's fuzz checks (`fuzz/src/policy.rs`, compiled in here)
//! run on every saved input: the files that once crashed a target
//! (`fuzz/regressions/TARGET/`) and the seed corpora (`fuzz/corpus/TARGET/`)
//! of `policy_import` (policy files) and `episode_import` (episode files, as
//! training demonstrations).
#![cfg(not(target_arch = "wasm32"))]

#[path = "../../../fuzz/src/policy.rs"]
mod policy;

use std::fs;
use std::path::{Path, PathBuf};

/// Every file in `fuzz/KIND/TARGET/`, sorted (none when the folder is absent).
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(kind)
        .join(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Runs `check` on every regression and seed of `target`.
fn run_all(target: &str, check: fn(&[u8])) {
    let seeds = inputs("corpus", target);
    assert!(!seeds.is_empty(), "fuzz/corpus/{target}/ has no seeds");
    for path in inputs("regressions", target).into_iter().chain(seeds) {
        let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let outcome = std::panic::catch_unwind(|| check(&bytes));
        assert!(
            outcome.is_ok(),
            "the input {} fails its checks",
            path.display()
        );
    }
}

#[test]
fn policy_import_inputs_load_and_act_or_are_refused() {
    run_all("policy_import", policy::policy_import);
}

#[test]
fn episode_import_inputs_teach_or_are_refused_as_demonstrations() {
    run_all("episode_import", policy::episode_demos);
}
