//! What the fuzz targets feed the policy crate, and what they check: policy
//! files (`policy_import`) and episode files as training demonstrations (the
//! second half of `episode_import`). Like [`crate::checks`], this file is also
//! compiled into a regression test (`crates/policy/tests/fuzz_regressions.rs`)
//! that runs it on every saved input.

use std::sync::{Arc, OnceLock};
use wobble_engine::{builtin, Action, Env, EnvConfig, EpisodeRecord, Site, StepError};
use wobble_policy::learned::train::check_records;
use wobble_policy::{LearnedPolicy, Policy};

/// Steps a loaded policy plays on each site.
const POLICY_STEPS: usize = 6;
/// The sites a loaded policy plays: one small, one large.
const POLICY_SITES: [&str; 2] = ["login-user", "airline"];

/// The sites in [`POLICY_SITES`], compiled once per process.
fn sites() -> &'static [Arc<Site>] {
    static SITES: OnceLock<Vec<Arc<Site>>> = OnceLock::new();
    SITES.get_or_init(|| {
        POLICY_SITES
            .iter()
            .map(|name| builtin::load_builtin(name).expect("a shipped site loads"))
            .collect()
    })
}

/// `policy_import`: the bytes as a policy file, read with
/// [`LearnedPolicy::from_json`] as the web app's upload and the command
/// line's `--policy FILE` do. A refusal must say why; a policy that loads
/// must save and load again, and then act on builtin sites, choosing only
/// legal candidates (or finishing when there are none).
pub fn policy_import(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut policy = match LearnedPolicy::from_json(text) {
        Ok(policy) => policy,
        Err(e) => {
            assert!(!e.is_empty(), "a policy file was refused without a reason");
            return;
        }
    };
    let saved = policy.to_json();
    if let Err(e) = LearnedPolicy::from_json(&saved) {
        panic!("a loaded policy does not load again once saved: {e}");
    }
    for (i, site) in sites().iter().enumerate() {
        let mut env = Env::new(Arc::clone(site), 0, EnvConfig::default()).expect("builtin task");
        env.reset(i as u64 + 1);
        policy.begin_episode(&env);
        for _ in 0..POLICY_STEPS {
            if env.is_done() {
                break;
            }
            let action = policy.act(&env);
            let legal = env.candidates().contains(&action)
                || (env.candidates().is_empty() && action == Action::Finish);
            assert!(
                legal,
                "the policy chose {action:?}, which is not a candidate"
            );
            match env.step(&action) {
                Ok(_) => {}
                Err(e) => panic!("a candidate chosen by the policy was refused: {e}"),
            }
        }
        if env.is_done() {
            assert_eq!(env.step(&Action::Finish), Err(StepError::EpisodeOver));
        }
    }
}

/// The second half of `episode_import`: the bytes as an episode file given to
/// `wobble train --demos`, which checks it with [`check_records`] (the right
/// site and task, a success, a replay) before cloning it. A refusal must say
/// why; an accepted episode must teach at most one step per recorded step.
pub fn episode_demos(data: &[u8]) {
    static SITES: OnceLock<Vec<Arc<Site>>> = OnceLock::new();
    let sites = SITES.get_or_init(|| builtin::load_all().expect("the shipped sites load"));
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(record) = serde_json::from_str::<EpisodeRecord>(text) else {
        return;
    };
    let Some(site) = sites.iter().find(|s| s.name == record.site) else {
        return;
    };
    let Ok(mut env) = Env::by_name(Arc::clone(site), &record.task, EnvConfig::default()) else {
        return;
    };
    match check_records(&mut env, std::slice::from_ref(&record)) {
        Ok(taught) => assert!(taught <= record.steps.len(), "{taught} steps taught"),
        Err(e) => assert!(
            e.starts_with("recorded episode 1: ") && e.len() > 20,
            "a refusal without a reason: {e:?}"
        ),
    }
}
