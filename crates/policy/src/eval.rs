//! Evaluation: a policy over many seeded episodes, with fixed-shape metrics.

use crate::Policy;
use serde::Serialize;
use wobble_engine::Env;

/// One failed episode, for diagnosis.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// Its seed.
    pub seed: u64,
    /// Why it failed.
    pub reason: String,
}

/// What an evaluation measured.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// Site name.
    pub site: String,
    /// Task name.
    pub task: String,
    /// Policy name.
    pub policy: String,
    /// Episodes run.
    pub episodes: u64,
    /// Episodes that succeeded.
    pub successes: u64,
    /// successes / episodes.
    pub success_rate: f64,
    /// Mean total reward per episode (raw rewards).
    pub mean_return: f64,
    /// Mean steps per episode.
    pub mean_steps: f64,
    /// Total steps.
    pub steps: u64,
    /// The first few failures.
    pub failures: Vec<Failure>,
}

/// Plays one episode to its end; returns (total reward, success).
pub fn run_episode(env: &mut Env, policy: &mut dyn Policy, seed: u64) -> (f32, bool) {
    env.reset(seed);
    policy.begin_episode(env);
    let mut total = 0.0;
    loop {
        let action = policy.act(env);
        match env.step(&action) {
            Ok(r) => {
                total += r.reward;
                if r.terminated || r.truncated {
                    break;
                }
            }
            // A policy that names a node that does not exist ends its episode.
            Err(_) => {
                let _ = env.step(&wobble_engine::Action::Finish);
                break;
            }
        }
    }
    (total, env.outcome().map(|o| o.success).unwrap_or(false))
}

/// Runs `episodes` episodes with seeds `seed, seed+1, ...`.
pub fn evaluate(env: &mut Env, policy: &mut dyn Policy, episodes: u64, seed: u64) -> EvalReport {
    let mut successes = 0;
    let mut total_return = 0.0f64;
    let mut steps = 0u64;
    let mut failures = Vec::new();
    for i in 0..episodes {
        let s = seed.wrapping_add(i);
        let (ret, ok) = run_episode(env, policy, s);
        total_return += ret as f64;
        steps += env.steps() as u64;
        if ok {
            successes += 1;
        } else if failures.len() < 5 {
            failures.push(Failure {
                seed: s,
                reason: env.outcome().map(|o| o.reason.clone()).unwrap_or_default(),
            });
        }
    }
    let n = episodes.max(1) as f64;
    EvalReport {
        site: env.site().name.clone(),
        task: env.task_name().to_string(),
        policy: policy.name().to_string(),
        episodes,
        successes,
        success_rate: successes as f64 / n,
        mean_return: total_return / n,
        mean_steps: steps as f64 / n,
        steps,
        failures,
    }
}
