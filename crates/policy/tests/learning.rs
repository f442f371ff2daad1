//! The learned policy really learns: trained from scratch by PPO with
//! potential-based shaping (no warm start), with fixed seeds and episode
//! budgets, it reaches the targets on every shipped site. Training is
//! deterministic, so these are not flaky; they are meant for release mode.
#![cfg(not(target_arch = "wasm32"))]

use wobble_engine::{builtin, Env, EnvConfig};
use wobble_policy::learned::train::{train, Algo, TrainConfig};
use wobble_policy::{evaluate, LearnedPolicy, EVALUATION_SEEDS_START};

fn trained(site: &str, episodes: u64, seed: u64) -> (Env, LearnedPolicy) {
    let mut env = Env::new(
        builtin::load_builtin(site).unwrap(),
        0,
        EnvConfig::default(),
    )
    .unwrap();
    let config = TrainConfig {
        episodes,
        seed,
        ..TrainConfig::default()
    };
    let policy = train(&mut env, &config, &mut |_| {});
    (env, policy)
}

fn success(env: &mut Env, policy: &mut LearnedPolicy) -> f64 {
    // Fresh seeds, never seen in training.
    evaluate(env, policy, 200, EVALUATION_SEEDS_START).success_rate
}

#[test]
fn ppo_learns_every_small_site_to_95_percent() {
    for (site, episodes) in [
        ("click-button", 1500),
        ("enter-text", 2000),
        ("login-user", 1500),
        ("choose-list", 1500),
        ("click-checkboxes", 3000),
        ("choose-date", 1500),
    ] {
        let (mut env, mut policy) = trained(site, episodes, 1);
        let rate = success(&mut env, &mut policy);
        assert!(rate >= 0.95, "{site}: {rate} after {episodes} episodes");
    }
}

#[test]
fn ppo_learns_the_bank_and_the_airline_to_90_percent() {
    for (site, episodes) in [("bank", 3000), ("airline", 2000)] {
        let (mut env, mut policy) = trained(site, episodes, 1);
        let rate = success(&mut env, &mut policy);
        assert!(rate >= 0.90, "{site}: {rate} after {episodes} episodes");
    }
}

#[test]
fn an_untrained_policy_does_not_pass() {
    // The targets above measure learning, not an easy task.
    let mut env = Env::new(
        builtin::load_builtin("airline").unwrap(),
        0,
        EnvConfig::default(),
    )
    .unwrap();
    let mut policy = LearnedPolicy::new(Default::default(), 32, 1);
    assert!(success(&mut env, &mut policy) < 0.05);
}

#[test]
fn cloning_the_oracle_warm_starts_the_airline() {
    let mut env = Env::new(
        builtin::load_builtin("airline").unwrap(),
        0,
        EnvConfig::default(),
    )
    .unwrap();
    let config = TrainConfig {
        algo: Algo::Bc,
        episodes: 300,
        ..TrainConfig::default()
    };
    let mut policy = train(&mut env, &config, &mut |_| {});
    let rate = success(&mut env, &mut policy);
    assert!(rate >= 0.90, "behaviour cloning: {rate}");
}

#[test]
fn training_is_deterministic_and_files_round_trip() {
    let (_, a) = trained("login-user", 200, 7);
    let (_, b) = trained("login-user", 200, 7);
    assert_eq!(a.net.params, b.net.params, "same seed, same weights");
    let (_, c) = trained("login-user", 200, 8);
    assert_ne!(a.net.params, c.net.params, "another seed, other weights");
    let json = a.to_json();
    let back = LearnedPolicy::from_json(&json).unwrap();
    assert_eq!(back.net.params, a.net.params);
    assert_eq!(back.features, a.features);
}

#[test]
fn bad_policy_files_are_refused_with_a_reason() {
    let (_, a) = trained("click-button", 50, 1);
    let json = a.to_json();
    let wrong_version = json.replacen("\"version\":2", "\"version\":99", 1);
    let e = LearnedPolicy::from_json(&wrong_version).unwrap_err();
    assert!(e.contains("version 99"), "{e}");
    // A file from before the context features reads another layout: refused, not misread.
    let old = json.replacen("\"version\":2", "\"version\":1", 1);
    let e = LearnedPolicy::from_json(&old).unwrap_err();
    assert!(e.contains("version 1") && e.contains("retrain"), "{e}");
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["net"]["params"].as_array_mut().unwrap().pop();
    let e = LearnedPolicy::from_json(&value.to_string()).unwrap_err();
    assert!(e.contains("parameters"), "{e}");
    let e = LearnedPolicy::from_json("{\"format\": \"something-else\"}").unwrap_err();
    assert!(e.contains("not a Wobble policy"), "{e}");
    let e = LearnedPolicy::from_json("not json").unwrap_err();
    assert!(e.contains("not a JSON"), "{e}");
}

#[test]
fn a_packed_policy_is_the_same_bits_and_a_bad_pack_is_refused() {
    let (_, a) = trained("click-button", 50, 1);
    let mut value: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
    let params: Vec<u8> = a.net.params.iter().flat_map(|p| p.to_le_bytes()).collect();
    value["net"]["params"] = serde_json::json!([]);
    let head = value.to_string();
    let back = LearnedPolicy::from_packed(&head, &params).unwrap();
    assert!(back.net.params.iter().map(|p| p.to_bits()).eq(a
        .net
        .params
        .iter()
        .map(|p| p.to_bits())));
    let e = LearnedPolicy::from_packed(&head, &params[..params.len() - 2]).unwrap_err();
    assert!(e.contains("whole number"), "{e}");
    let e = LearnedPolicy::from_packed(&head, &params[..params.len() - 4]).unwrap_err();
    assert!(e.contains("parameters"), "{e}");
    let mut nan = params.clone();
    nan[..4].copy_from_slice(&f32::NAN.to_le_bytes());
    let e = LearnedPolicy::from_packed(&head, &nan).unwrap_err();
    assert!(e.contains("finite"), "{e}");
}

/// The sweeps the README quotes (`docs/sweeps/*.csv`) are what the sweep
/// command prints for the shipped policies (command in `policies/README.md`).
#[test]
fn the_readme_sweeps_are_fresh() {
    use wobble_engine::perturb::Kind;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for name in ["airline", "airline-randomized"] {
        let text = std::fs::read_to_string(root.join(format!("policies/{name}.json"))).unwrap();
        let mut policy = LearnedPolicy::from_json(&text).unwrap();
        let mut env = Env::new(
            builtin::load_builtin("airline").unwrap(),
            0,
            EnvConfig::default(),
        )
        .unwrap();
        let path = format!("policies/{name}.json");
        let report = wobble_policy::sweep(
            &mut env,
            &mut policy,
            &path,
            200,
            EVALUATION_SEEDS_START,
            &Kind::ALL,
        );
        let committed =
            std::fs::read_to_string(root.join(format!("docs/sweeps/{name}.csv"))).unwrap();
        assert!(
            report.csv() == committed,
            "docs/sweeps/{name}.csv is stale: rerun the sweep command in policies/README.md"
        );
    }
}

/// Records oracle episodes, as a person's would be recorded in the page.
fn recorded(site: &str, seeds: std::ops::Range<u64>) -> Vec<wobble_engine::EpisodeRecord> {
    use wobble_engine::Recorder;
    use wobble_policy::{OraclePolicy, Policy};
    let mut env = Env::new(
        builtin::load_builtin(site).unwrap(),
        0,
        EnvConfig::default(),
    )
    .unwrap();
    let mut oracle = OraclePolicy::default();
    seeds
        .map(|seed| {
            env.reset(seed);
            oracle.begin_episode(&env);
            let mut rec = Recorder::start(&env);
            while !env.is_done() {
                let a = oracle.act(&env);
                rec.step(&mut env, &a).unwrap();
            }
            rec.finish()
        })
        .collect()
}

#[test]
fn cloning_recorded_episodes_teaches_the_task() {
    use wobble_policy::learned::train::check_records;
    let records = recorded("login-user", 100..140);
    let mut env = Env::new(
        builtin::load_builtin("login-user").unwrap(),
        0,
        EnvConfig::default(),
    )
    .unwrap();
    assert!(check_records(&mut env, &records).unwrap() >= 40 * 3);
    let config = TrainConfig {
        algo: Algo::Bc,
        demos: records,
        ..TrainConfig::default()
    };
    assert!(config.describe().contains("40 recorded episodes cloned"));
    let mut policy = train(&mut env, &config, &mut |_| {});
    let rate = success(&mut env, &mut policy);
    assert!(rate >= 0.9, "cloned from 40 recorded episodes: {rate}");
    // Records that cannot teach are refused, saying which and why.
    let mut wrong_site = recorded("enter-text", 1..2);
    let e = check_records(&mut env, &wrong_site).unwrap_err();
    assert!(
        e.contains("recorded episode 1") && e.contains("enter-text"),
        "{e}"
    );
    wrong_site[0].site = "login-user".into();
    wrong_site[0].task = "login-user".into();
    let e = check_records(&mut env, &wrong_site).unwrap_err();
    assert!(!e.is_empty());
}

/// The README's held-out figures: the shipped airline policies, trained on
/// SkyWays (`airline`), tried on Aurora Airways (`aurora`), the same task on
/// a site no policy was trained on; and a policy trained the same way on
/// Aurora, tried back on SkyWays. Each learns its own site and fails the
/// other: what was learned is a site's routine, not the task.
#[test]
fn airline_policies_do_not_transfer_to_the_held_out_airline() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
    let on = |site: &str, policy: &mut LearnedPolicy| {
        let mut env = Env::new(
            builtin::load_builtin(site).unwrap(),
            0,
            EnvConfig::default(),
        )
        .unwrap();
        evaluate(&mut env, policy, 200, EVALUATION_SEEDS_START).success_rate
    };
    for file in ["airline.json", "airline-randomized.json"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let mut policy = LearnedPolicy::from_json(&text).unwrap();
        assert!(on("airline", &mut policy) >= 0.95, "{file} on airline");
        let held_out = on("aurora", &mut policy);
        assert!(held_out <= 0.05, "{file} on aurora: {held_out}");
    }
    // The shipped Aurora policy (policies/train.sh), kept fresh by shipped.rs.
    let text = std::fs::read_to_string(root.join("aurora.json")).unwrap();
    let mut policy = LearnedPolicy::from_json(&text).unwrap();
    assert!(on("aurora", &mut policy) >= 0.90);
    assert!(on("airline", &mut policy) <= 0.05);
}
