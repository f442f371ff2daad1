//! Writes the generated part of the seed corpora: episode files recorded
//! from the oracle on a few sites (some perturbed), and a small untrained
//! policy file. Run from `fuzz/` with `cargo +nightly run --release
//! --example seeds`; the other seeds (two small site files, a shipped policy,
//! specs, protocol lines) are copied or written by hand, and the shipped site
//! files are copied in by `cargo xtask fuzz` before each run.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use wobble_engine::{builtin, Env, EnvConfig, PerturbSpec, Recorder};
use wobble_policy::learned::features::FeatureSet;
use wobble_policy::{LearnedPolicy, OraclePolicy, Policy};

fn main() -> Result<(), String> {
    let episodes = Path::new("corpus/episode_import");
    fs::create_dir_all(episodes).map_err(|e| e.to_string())?;
    for (site, spec, seed) in [
        ("login-user", "", 3),
        ("bank", "popup:3,extra-step:2", 5),
        ("choose-date", "date-format:2,lazy:1", 7),
        ("click-checkboxes", "relabel:3,field-order:3", 2),
    ] {
        let compiled = builtin::load_builtin(site)?;
        let mut env = Env::new(Arc::clone(&compiled), 0, EnvConfig::default())?;
        env.set_perturbations(spec.parse::<PerturbSpec>().map_err(|e| e.to_string())?);
        env.reset(seed);
        let mut oracle = OraclePolicy::default();
        oracle.begin_episode(&env);
        let mut recorder = Recorder::start(&env);
        while !env.is_done() {
            let action = oracle.act(&env);
            recorder
                .step(&mut env, &action)
                .map_err(|e| e.to_string())?;
        }
        let json = serde_json::to_string_pretty(&recorder.finish()).map_err(|e| e.to_string())?;
        fs::write(episodes.join(format!("{site}.json")), json).map_err(|e| e.to_string())?;
    }
    let policies = Path::new("corpus/policy_import");
    fs::create_dir_all(policies).map_err(|e| e.to_string())?;
    let small = LearnedPolicy::new(FeatureSet::default(), 2, 1);
    fs::write(policies.join("untrained-2-hidden.json"), small.to_json())
        .map_err(|e| e.to_string())?;
    Ok(())
}
