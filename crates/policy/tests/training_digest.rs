//! Cross-target determinism of learning: short PPO and cloning runs give the
//! same weights natively and on wasm32, bit for bit. The native run keeps
//! `golden/training.txt` fresh (rewritten under `WOBBLE_BLESS=1`, which
//! `cargo xtask bless` sets); the wasm32 run (`cargo test --target
//! wasm32-unknown-unknown -p wobble-policy`) must match it.

use wobble_engine::obs::Fnv;
use wobble_engine::{builtin, Env, EnvConfig};
use wobble_policy::learned::features::FeatureSet;
use wobble_policy::learned::train::{train, Algo, Randomization, TrainConfig};

/// A fresh environment of a shipped site's first task.
fn env_of(site: &str) -> Env {
    Env::new(
        builtin::load_builtin(site).unwrap(),
        0,
        EnvConfig::default(),
    )
    .unwrap()
}

/// One line per run: site, algorithm, episodes, perturbations, feature
/// groups, and a digest of every weight's bits. The screen agent's run covers
/// its pixels too: painted, read and compared the same on both targets.
fn digest_lines() -> String {
    let mut out = String::new();
    let default = FeatureSet::default();
    let screen = FeatureSet::parse("screen").unwrap();
    for (site, algo, episodes, perturb, features) in [
        ("login-user", Algo::Ppo, 120, "", default),
        ("click-checkboxes", Algo::Reinforce, 80, "", default),
        ("airline", Algo::Bc, 20, "", default),
        (
            "enter-text",
            Algo::Ppo,
            80,
            "relabel:2@0.5,move:2@0.5,popup:1@0.5",
            default,
        ),
        ("login-user", Algo::Ppo, 24, "font:2@0.5", screen),
    ] {
        let mut env = env_of(site);
        let config = TrainConfig {
            algo,
            episodes,
            seed: 3,
            randomization: Randomization::parse(perturb).unwrap(),
            features,
            clone_steps: 40,
            ..TrainConfig::default()
        };
        let policy = train(&mut env, &config, &mut |_| {});
        let mut h = Fnv::default();
        for p in &policy.net.params {
            h.u64(p.to_bits() as u64);
        }
        out.push_str(&format!(
            "{site} {} {episodes} {perturb} {} {:016x}\n",
            algo.name(),
            features.names(),
            h.finish()
        ));
    }
    out
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn training_digests_match_the_golden_file() {
    wobble_testkit::golden_file(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/training.txt"),
        &digest_lines(),
    );
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
fn training_digests_equal_the_native_ones() {
    assert_eq!(digest_lines(), include_str!("golden/training.txt"));
}

/// Training in pieces (as the web worker does, pausing between them) gives
/// exactly the weights of one `train` call, warm start included.
#[test]
fn training_in_pieces_equals_training_in_one_call() {
    use wobble_policy::learned::train::Training;
    for (algo, warm_start) in [(Algo::Ppo, 10), (Algo::Reinforce, 0), (Algo::Bc, 0)] {
        let mut env = env_of("enter-text");
        let config = TrainConfig {
            algo,
            episodes: 45,
            seed: 5,
            warm_start,
            randomization: Randomization::parse("relabel:2@0.5").unwrap(),
            clone_steps: 20,
            ..TrainConfig::default()
        };
        let whole = train(&mut env, &config, &mut |_| {});
        let mut training = Training::new(&mut env, &config);
        let mut calls = 0;
        while !training.advance(&mut env, 3, &mut |_| {}) {
            calls += 1;
        }
        assert!(calls > 10, "{calls} calls");
        assert_eq!(training.progress().episodes, warm_start + 45);
        let pieces = training.finish(&mut env);
        assert_eq!(whole.to_json(), pieces.to_json(), "{}", algo.name());
    }
}

/// Training on several threads gives exactly one thread's weights and the same
/// progress reports, whatever the number of threads (more than a batch's
/// episodes included), for each algorithm.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn threads_do_not_change_what_is_learned() {
    let (default, screen) = (FeatureSet::default(), FeatureSet::parse("screen").unwrap());
    for (site, algo, warm_start, perturb, features) in [
        (
            "login-user",
            Algo::Ppo,
            0,
            "relabel:2@0.5,popup:1@0.5",
            default,
        ),
        ("click-checkboxes", Algo::Reinforce, 0, "", default),
        ("bank", Algo::Ppo, 8, "move:2@0.5", default),
        ("login-user", Algo::Ppo, 4, "font:3@0.5", screen),
    ] {
        let run = |threads: usize| {
            let mut env = env_of(site);
            let config = TrainConfig {
                algo,
                episodes: 70,
                seed: 9,
                warm_start,
                randomization: Randomization::parse(perturb).unwrap(),
                features,
                clone_steps: 20,
                threads,
                ..TrainConfig::default()
            };
            let mut reports = Vec::new();
            let policy = train(&mut env, &config, &mut |p| reports.push(*p));
            (policy.to_json(), reports)
        };
        let (one, one_reports) = run(1);
        assert!(
            one_reports.len() > 4,
            "{site}: {} reports",
            one_reports.len()
        );
        for threads in [2, 3, 40] {
            let (many, many_reports) = run(threads);
            assert!(
                many == one,
                "{site}, {}: {threads} threads learned otherwise",
                algo.name()
            );
            assert_eq!(many_reports, one_reports, "{site}: {threads} threads");
        }
    }
}
