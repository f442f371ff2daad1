//! # Wobble's benchmarks in WebAssembly
//!
//! The measurements of `wobble bench` (random-policy steps and resets),
//! `wobble bench --train` (PPO from scratch until 90% success) and
//! `wobble sweep` (a policy under every perturbation kind and severity) and
//! `wobble break` (the cheapest change that breaks a policy),
//! exported to JavaScript with `wasm-bindgen`. The engine and the policies
//! are the very crates the web app and the command line use; only the
//! driving differs.
//!
//! wasm32 has no clock of its own, so the JavaScript side keeps time
//! (`performance.now()`) and calls in here in chunks: `tests/bench/bench.mjs`
//! runs the same plan in Node and in a dedicated worker of headless
//! Chromium, and `cargo xtask bench` collects the figures into
//! BENCHMARKS.md. Each object below does a fixed amount of work per call and
//! reports what it did, never how long it took.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::*;
use wobble_engine::catalog::{self, Blueprint, Source};
use wobble_engine::perturb::Kind;
use wobble_engine::Env;
use wobble_policy::breaking::{BreakConfig, BreakRun, Players};
use wobble_policy::learned::train::{TrainConfig, Training};
use wobble_policy::{LearnedPolicy, Policy, RandomPolicy, SweepRun};

/// The environment of a shipped site's first task.
fn open(site: &str) -> Result<Env, JsError> {
    catalog::open(Source::Named(site), None, None).map_err(|e| JsError::new(&e.to_string()))
}

/// Random-policy stepping with automatic resets, and resets alone: what
/// `wobble bench` measures natively, with the same policy seed, episode
/// seeds and warm-up rule.
#[wasm_bindgen]
pub struct StepBench {
    env: Env,
    policy: RandomPolicy,
    seed: u64,
}

#[wasm_bindgen]
impl StepBench {
    /// A bench of `site`'s first task; `lane` plays the part of the native
    /// bench's thread number (it picks the seeds).
    #[wasm_bindgen(constructor)]
    pub fn new(site: &str, lane: u32) -> Result<StepBench, JsError> {
        let mut env = open(site)?;
        let lane = u64::from(lane);
        let seed = lane.wrapping_mul(1 << 40);
        env.reset(seed);
        Ok(StepBench {
            env,
            policy: RandomPolicy::new(1 + lane),
            seed,
        })
    }

    /// The site's name.
    pub fn site(&self) -> String {
        self.env.site().name.clone()
    }

    /// The task's name.
    pub fn task(&self) -> String {
        self.env.task_name().to_string()
    }

    /// Plays `n` random steps, resetting with the next seed whenever an
    /// episode ends; returns how many episodes ended.
    pub fn steps(&mut self, n: u32) -> u32 {
        let mut ended = 0;
        for _ in 0..n {
            let action = self.policy.act(&self.env);
            let done = match self.env.step(&action) {
                Ok(r) => r.terminated || r.truncated,
                Err(_) => true,
            };
            if done {
                self.seed += 1;
                self.env.reset(self.seed);
                ended += 1;
            }
        }
        ended
    }

    /// Resets `n` times, each with the next seed.
    pub fn resets(&mut self, n: u32) {
        for _ in 0..n {
            self.seed += 1;
            self.env.reset(self.seed);
        }
    }
}

/// PPO from scratch with the default settings (seed 1), as
/// `wobble bench --train` runs it, played a slice at a time.
#[wasm_bindgen]
pub struct TrainBench {
    env: Env,
    training: Training,
    reached: Option<u32>,
}

#[wasm_bindgen]
impl TrainBench {
    /// Training on `site`'s first task for `episodes` episodes.
    #[wasm_bindgen(constructor)]
    pub fn new(site: &str, episodes: u32) -> Result<TrainBench, JsError> {
        let mut env = open(site)?;
        let config = TrainConfig {
            episodes: u64::from(episodes),
            ..TrainConfig::default()
        };
        let training = Training::new(&mut env, &config);
        Ok(TrainBench {
            env,
            training,
            reached: None,
        })
    }

    /// Plays up to `episodes` more episodes; returns true when training is
    /// over. Like the native bench, it notes the first progress report
    /// (after a batch) whose success over the last 100 episodes is 90%.
    pub fn advance(&mut self, episodes: u32) -> bool {
        let reached = &mut self.reached;
        self.training
            .advance(&mut self.env, u64::from(episodes), &mut |p| {
                if reached.is_none() && p.episodes >= 100 && p.success_rate >= 0.9 {
                    *reached = Some(p.episodes as u32);
                }
            })
    }

    /// Episodes played so far.
    pub fn episodes_done(&self) -> u32 {
        self.training.episodes_done() as u32
    }

    /// The episode count at which 90% success was first reported, if it was.
    pub fn episodes_to_90(&self) -> Option<u32> {
        self.reached
    }

    /// Success over the last (up to) 100 episodes.
    pub fn success_rate(&self) -> f32 {
        self.training.progress().success_rate
    }
}

/// The brittleness sweep of a policy file, one cell (kind and severity) per
/// call, as the app's training worker runs it: the unperturbed baseline,
/// then every kind at severities 1 to 3.
#[wasm_bindgen]
pub struct SweepBench {
    env: Env,
    policy: LearnedPolicy,
    run: SweepRun,
}

#[wasm_bindgen]
impl SweepBench {
    /// A sweep of the policy in `policy_json` (a `wobble train` file) on its
    /// own site and task, `episodes` per cell from evaluation seed 2^63 + `seed_offset`.
    #[wasm_bindgen(constructor)]
    pub fn new(policy_json: &str, episodes: u32, seed_offset: u32) -> Result<SweepBench, JsError> {
        let policy = LearnedPolicy::from_json(policy_json).map_err(|e| JsError::new(&e))?;
        let env = catalog::open(
            Source::Named(&policy.provenance.site),
            Some(&policy.provenance.task),
            None,
        )
        .map_err(|e| JsError::new(&e.to_string()))?;
        // Evaluation seeds (2^63 and up), as `wobble sweep` uses.
        let seed = wobble_policy::EVALUATION_SEEDS_START + u64::from(seed_offset);
        let name = policy.name().to_string();
        let run = SweepRun::new(&env, &name, u64::from(episodes.max(1)), seed, &Kind::ALL);
        Ok(SweepBench { env, policy, run })
    }

    /// How many cells the sweep has (the baseline included).
    pub fn cells(&self) -> u32 {
        self.run.total() as u32
    }

    /// Evaluates the next cell; returns true when every cell is done.
    pub fn next_cell(&mut self) -> bool {
        self.run.advance(&mut self.env, &mut self.policy)
    }

    /// Success rate of every cell done so far, in order (baseline first):
    /// equal to the native sweep's, since the engine is deterministic.
    pub fn success_rates(&self) -> Vec<f64> {
        let report = self.run.report();
        let baseline = (self.run.done() > 0).then_some(report.baseline.success_rate);
        baseline
            .into_iter()
            .chain(report.cells.iter().map(|c| c.success_rate))
            .collect()
    }
}

/// The break search of a policy file on its own site and task, one unit
/// (a chunk of episodes) per call, as the app's worker runs it: the same
/// search as `wobble break --policy FILE`, with its default settings.
#[wasm_bindgen]
pub struct BreakBench {
    blueprint: Blueprint,
    agent: LearnedPolicy,
    run: BreakRun,
}

#[wasm_bindgen]
impl BreakBench {
    /// A search of the policy in `policy_json` (a `wobble train` file), named `name` in the report.
    #[wasm_bindgen(constructor)]
    pub fn new(policy_json: &str, name: &str) -> Result<BreakBench, JsError> {
        let agent = LearnedPolicy::from_json(policy_json).map_err(|e| JsError::new(&e))?;
        let env = catalog::open(
            Source::Named(&agent.provenance.site),
            Some(&agent.provenance.task),
            None,
        )
        .map_err(|e| JsError::new(&e.to_string()))?;
        let blueprint = Blueprint::of(&env);
        let run = {
            let (make_env, make_agent) = factories(&blueprint, &agent);
            let players = players(&make_env, &make_agent);
            BreakRun::new(&players, name, &BreakConfig::default()).map_err(|e| JsError::new(&e))?
        };
        Ok(BreakBench {
            blueprint,
            agent,
            run,
        })
    }

    /// Runs the next unit of the search; returns true when it is over.
    pub fn advance(&mut self) -> bool {
        let (make_env, make_agent) = factories(&self.blueprint, &self.agent);
        self.run.advance(&players(&make_env, &make_agent))
    }

    /// The report so far, as `wobble break --json` prints it (the same bytes, natively or
    /// here, since the search is deterministic).
    pub fn report_json(&self) -> String {
        self.run.report().to_json()
    }
}

/// Environments of the blueprint and copies of the agent, made on demand.
fn factories<'a>(
    blueprint: &'a Blueprint,
    agent: &'a LearnedPolicy,
) -> (
    impl Fn() -> Env + Sync + 'a,
    impl Fn() -> Box<dyn Policy> + Sync + 'a,
) {
    (
        move || blueprint.open(),
        move || -> Box<dyn Policy> { Box::new(agent.clone()) },
    )
}

/// The search's players: environments and the agent, judged by the oracle, on one thread.
fn players<'a>(
    env: &'a (dyn Fn() -> Env + Sync),
    agent: &'a (dyn Fn() -> Box<dyn Policy> + Sync),
) -> Players<'a> {
    Players::judged_by_oracle(env, agent, 1)
}
