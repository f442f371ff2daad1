//! Shared helpers for the engine's integration tests.
#![allow(dead_code)]

use std::sync::Arc;
use wobble_engine::rng::Rng;
use wobble_engine::{builtin, Action, Env, EnvConfig, Site};

/// Every shipped site, compiled.
pub fn sites() -> Vec<Arc<Site>> {
    builtin::load_all().expect("shipped sites load")
}

/// Every (site, task index) pair.
pub fn site_tasks() -> Vec<(Arc<Site>, usize)> {
    sites()
        .into_iter()
        .flat_map(|s| (0..s.tasks.len()).map(move |t| (s.clone(), t)))
        .collect()
}

/// A fresh environment.
pub fn env(site: &Arc<Site>, task: usize) -> Env {
    Env::new(site.clone(), task, EnvConfig::default()).expect("task exists")
}

/// Plays random candidate actions with a seeded stream; returns the digests seen.
pub fn random_rollout(env: &mut Env, seed: u64, max_steps: usize) -> Vec<u64> {
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
    env.reset(seed);
    let mut digests = vec![env.observation_digest()];
    for _ in 0..max_steps {
        if env.is_done() {
            break;
        }
        let c = env.candidates();
        let action = if c.is_empty() {
            Action::Finish
        } else {
            c[rng.below(c.len() as u64) as usize].clone()
        };
        env.step(&action).expect("candidate actions are legal");
        digests.push(env.observation_digest());
    }
    digests
}
