//! # Wobble's policies
//!
//! Everything that chooses actions lives behind one [`Policy`] trait, which
//! sees the environment only as any agent does (its observation and its
//! candidate actions): [`RandomPolicy`] picks uniformly among the candidates;
//! [`OraclePolicy`] follows the task's solution recipe from the site file,
//! resolving each step through what the page shows ([`PageView`]: no hidden
//! columns, derived fields or goal values), so its success proves that the
//! task is solvable by someone who sees the page; [`ScriptPolicy`] replays
//! one recorded episode by selector ids and points, as an RPA script does;
//! [`LearnedPolicy`] scores candidates with a small network trained by
//! [`learned::train`] (PPO, REINFORCE, behaviour cloning). [`evaluate`] runs a policy over many seeded episodes
//! and reports fixed-shape metrics; [`sweep`] does so under every
//! perturbation kind and severity (the brittleness sweep), in one call or a
//! cell at a time ([`SweepRun`], for a caller that must keep answering, like
//! the page's worker); [`breaking::find_break`] searches the catalog for the
//! cheapest change that breaks a policy while the oracle still solves the
//! task, verified on fresh seeds; [`Race`] plays several policies on the same seeds in
//! lockstep, a step at a time, for the page's side-by-side counters. Evaluation, the sweep and training share work among
//! threads one way ([`parallel`]), with the same results on any number of
//! threads. Training and
//! evaluation draw episode seeds from disjoint halves of the seed space, and
//! every success rate carries a 95% Wilson interval ([`seeds`]).
#![forbid(unsafe_code)]
// Site files, perturbation specs, episodes, policies and protocol lines are user input:
// nothing here may panic on them, so no unwrap, no expect and no unchecked indexing.
// Tests may (clippy.toml); a proven-safe index keeps a narrow allow with its reason.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod breaking;
pub mod check;
mod eval;
pub mod learned;
pub mod link_text;
pub mod matrix;
mod numerals;
mod oracle;
pub mod parallel;
pub mod race;
mod random;
mod script;
pub mod seeds;
pub mod sweep;

pub use eval::{
    evaluate, evaluate_parallel, play_episodes, run_episode, summarize, EpisodeResult, EvalReport,
    Failure,
};
pub use learned::LearnedPolicy;
pub use matrix::{sweep_agents, Matrix};
pub use oracle::{OraclePolicy, PageView, Seen, Trouble};
pub use race::{Race, Standing};
pub use random::RandomPolicy;
pub use script::ScriptPolicy;
pub use seeds::{check_evaluation_seeds, wilson_interval, Interval, EVALUATION_SEEDS_START};
pub use sweep::{sweep, sweep_parallel, SweepReport, SweepRun};

use wobble_engine::{Action, Env};

/// Chooses actions for an environment.
pub trait Policy {
    /// A short name for reports.
    fn name(&self) -> &str;
    /// Called after each `reset`, before the first action.
    fn begin_episode(&mut self, _env: &Env) {}
    /// The next action for the current observation.
    fn act(&mut self, env: &Env) -> Action;
}

/// Builds a policy by name (`random`, `oracle` or `script`), seeded.
pub fn by_name(name: &str, seed: u64) -> Result<Box<dyn Policy>, String> {
    match name {
        "random" => Ok(Box::new(RandomPolicy::new(seed))),
        "oracle" => Ok(Box::new(OraclePolicy::default())),
        "script" => Ok(Box::new(ScriptPolicy::new())),
        other => Err(format!(
            "no policy is named \"{other}\"; expected random, oracle or script"
        )),
    }
}
