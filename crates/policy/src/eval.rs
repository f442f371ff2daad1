//! Evaluation: a policy over many seeded episodes, with fixed-shape metrics.

use crate::parallel::for_each;
use crate::seeds::{wilson_interval, Interval};
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
    /// The 95% Wilson interval of the success rate.
    pub ci95: Interval,
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

/// What one episode of an evaluation gave: all a report needs of it, so
/// episodes played anywhere (another thread, another machine) sum to the
/// same report when given in seed order.
#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeResult {
    /// The episode's seed.
    pub seed: u64,
    /// Its total raw reward.
    pub ret: f32,
    /// Whether the task was done.
    pub success: bool,
    /// Steps taken.
    pub steps: u32,
    /// Why it failed (empty on success).
    pub reason: String,
}

/// Plays `count` episodes from `first_seed` (`first_seed + i` for the i-th).
pub fn play_episodes(
    env: &mut Env,
    policy: &mut dyn Policy,
    first_seed: u64,
    count: u64,
) -> Vec<EpisodeResult> {
    (0..count)
        .map(|i| play(env, policy, first_seed.wrapping_add(i)))
        .collect()
}

/// Plays the episode of `seed` and keeps what the report needs of it.
pub fn play(env: &mut Env, policy: &mut dyn Policy, seed: u64) -> EpisodeResult {
    let (ret, success) = run_episode(env, policy, seed);
    EpisodeResult {
        seed,
        ret,
        success,
        steps: env.steps(),
        reason: if success {
            String::new()
        } else {
            env.outcome().map(|o| o.reason.clone()).unwrap_or_default()
        },
    }
}

/// Sums results in seed order, so that any split across threads gives the same report.
pub fn summarize(env: &Env, policy: &str, results: &[EpisodeResult]) -> EvalReport {
    let mut successes = 0;
    let mut total_return = 0.0f64;
    let mut steps = 0u64;
    let mut failures = Vec::new();
    for r in results {
        total_return += r.ret as f64;
        steps += r.steps as u64;
        if r.success {
            successes += 1;
        } else if failures.len() < 5 {
            failures.push(Failure {
                seed: r.seed,
                reason: r.reason.clone(),
            });
        }
    }
    let episodes = results.len() as u64;
    let n = episodes.max(1) as f64;
    EvalReport {
        site: env.site().name.clone(),
        task: env.task_name().to_string(),
        policy: policy.to_string(),
        episodes,
        successes,
        success_rate: successes as f64 / n,
        ci95: wilson_interval(successes, episodes),
        mean_return: total_return / n,
        mean_steps: steps as f64 / n,
        steps,
        failures,
    }
}

/// Runs `episodes` episodes with seeds `seed, seed+1, ...`.
pub fn evaluate(env: &mut Env, policy: &mut dyn Policy, episodes: u64, seed: u64) -> EvalReport {
    let results = play_episodes(env, policy, seed, episodes);
    summarize(env, policy.name(), &results)
}

/// [`evaluate`] on `threads` cores: the seeds are shared out among threads
/// ([`crate::parallel`]), each playing on its own environment and policy (made
/// by the two factories); the report is the same as the single-threaded one,
/// because every episode depends only on its seed (policies reseed per
/// episode) and results are summed in seed order.
pub fn evaluate_parallel(
    make_env: &(dyn Fn() -> Env + Sync),
    make_policy: &(dyn Fn() -> Box<dyn Policy> + Sync),
    episodes: u64,
    seed: u64,
    threads: usize,
) -> EvalReport {
    let mut results: Vec<Option<EpisodeResult>> = (0..episodes).map(|_| None).collect();
    for_each(
        &mut results,
        threads,
        &|| (make_env(), make_policy()),
        &|i, slot, (env, policy)| {
            *slot = Some(play(env, policy.as_mut(), seed.wrapping_add(i as u64)));
        },
    );
    let results: Vec<EpisodeResult> = results.into_iter().flatten().collect();
    let env = make_env();
    let name = make_policy().name().to_string();
    summarize(&env, &name, &results)
}
