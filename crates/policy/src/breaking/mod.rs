//! "Break my agent": the cheapest perturbation that drops an agent's success
//! below a threshold while the oracle still solves the task.
//!
//! # The cost
//!
//! A change costs, compared in this order (lexicographically): the number of
//! perturbation kinds it combines, the sum of their severities, and the number
//! of elements it changed (applied [`wobble_engine::perturb::Change`]s in the
//! episode of the first search seed). `popup:1` is cheaper than `popup:2`,
//! which is cheaper than `move:1,popup:1`.
//!
//! # The search
//!
//! A beam search over the catalog, level by level. Level 1 is every kind at
//! every severity; level `k + 1` adds one more kind (at each severity) to the
//! `beam` candidates of level `k` on which the agent did worst. Within a level
//! candidates are tried in cost order, so the first break verified is the
//! cheapest of its level, and the search stops there.
//!
//! Each candidate is scored with sequential testing: the agent plays it in
//! chunks of `chunk` episodes, and after each chunk the 95% Wilson interval
//! of its success decides: entirely at or above the threshold, the change
//! holds; entirely below, it breaks; after `cap` episodes still across the
//! threshold, it is unclear (not a break). A clear candidate costs one or two
//! chunks. A candidate that breaks is then shown to the oracle on
//! `oracle_episodes` search seeds: one failure and the change is refused as
//! impossible (making the task unsolvable is not a break). Otherwise it is
//! verified on a fresh block of seeds never used before in this search,
//! again in chunks, the agent and the oracle on the same seeds: the break is
//! verified once at least `verify_min` episodes are played, the oracle has
//! solved every one, and the agent's interval lies below the threshold; it is
//! not verified when the interval reaches the threshold or `verify_episodes`
//! pass without it clearing. The first verified break is the result. (Both
//! tests look at the interval after every chunk, and each look is a chance
//! to stop on a lucky run; the reported interval is the fixed-size Wilson
//! interval of the episodes played, so it is a little narrower than it
//! would be for a test planned to stop there.)
//!
//! [`BreakRun`] is the search as a run that advances one chunk at a time,
//! for the page's worker; [`find_break`] plays it to the end.
//!
//! # Seeds and budget
//!
//! Every candidate plays the same search seeds, from [`SEARCH_SEEDS_START`]
//! (so candidates are compared on the same episodes); the `n`-th verification
//! plays its own block from [`VERIFY_SEEDS_START`]. Both blocks lie in the
//! evaluation half of the seed space ([`crate::seeds`]), away from the
//! default evaluation seeds, so no episode is a training episode. Every
//! episode played, the agent's and the oracle's, counts against
//! `budget_episodes`, which the search never exceeds: a chunk or a check that
//! would go over it is not started. The result depends only on the input:
//! episodes are summed in seed order, so any thread count gives the same report.

use crate::seeds::EVALUATION_SEEDS_START;
use crate::Policy;
use serde::{Deserialize, Serialize};
use wobble_engine::perturb::{Kind, PerturbSpec};
use wobble_engine::Env;

mod report;
mod run;
pub use report::{Attempt, Break, BreakReport, Cost, Tally, Verdict};
pub use run::BreakRun;

/// The first search seed (2^63 + 2^62): every candidate plays seeds from here.
pub const SEARCH_SEEDS_START: u64 = EVALUATION_SEEDS_START + (1 << 62);
/// The first verification seed (2^63 + 2^62 + 2^61): each verification plays its own block from here.
pub const VERIFY_SEEDS_START: u64 = SEARCH_SEEDS_START + (1 << 61);

/// How hard to look and how sure to be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakConfig {
    /// A change breaks the agent when its success's 95% interval lies below this.
    pub threshold: f64,
    /// Episodes the whole search may play (agent and oracle, verification included).
    pub budget_episodes: u64,
    /// Episodes per chunk of the sequential test.
    pub chunk: u64,
    /// Most episodes one candidate (or the baseline) plays before it is called unclear.
    pub cap: u64,
    /// Oracle episodes (search seeds) that must all succeed before a break is verified.
    pub oracle_episodes: u64,
    /// Fewest episodes a verification plays before it may call a break verified.
    pub verify_min: u64,
    /// Most episodes a verification plays (each played by the agent and by the oracle).
    pub verify_episodes: u64,
    /// Candidates of a level extended by one more kind at the next.
    pub beam: usize,
    /// Most kinds combined in one change.
    pub max_kinds: usize,
    /// The kinds the search may use, in catalog order.
    pub kinds: Vec<Kind>,
}

impl Default for BreakConfig {
    fn default() -> BreakConfig {
        BreakConfig {
            threshold: 0.5,
            budget_episodes: 3000,
            chunk: 10,
            cap: 60,
            oracle_episodes: 20,
            verify_min: 30,
            verify_episodes: 100,
            beam: 3,
            max_kinds: 3,
            kinds: Kind::ALL.to_vec(),
        }
    }
}

impl BreakConfig {
    /// Refuses settings the search cannot honour, in words.
    pub fn check(&self) -> Result<(), String> {
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return Err(format!(
                "threshold {} is not a success rate strictly between 0 and 1",
                self.threshold
            ));
        }
        if self.chunk == 0 || self.cap < self.chunk {
            return Err(format!(
                "a chunk of {} episodes and a cap of {} per candidate: the chunk must be at least 1 and the cap at least a chunk",
                self.chunk, self.cap
            ));
        }
        if self.verify_min == 0 || self.verify_episodes < self.verify_min {
            return Err(format!(
                "a verification of at least {} and at most {} episodes: the least must be at least 1 and the most at least the least",
                self.verify_min, self.verify_episodes
            ));
        }
        if self.beam == 0 || self.max_kinds == 0 {
            return Err("the beam and the kinds per change must be at least 1".into());
        }
        if self.kinds.is_empty() {
            return Err("no perturbation kinds to search".into());
        }
        let least = self.chunk + self.oracle_episodes + 2 * self.verify_episodes;
        if self.budget_episodes < least {
            return Err(format!(
                "a budget of {} episodes cannot score the baseline and verify one break: it needs at least {least} \
                 (a chunk of {}, {} oracle episodes and twice {} verification episodes)",
                self.budget_episodes, self.chunk, self.oracle_episodes, self.verify_episodes
            ));
        }
        Ok(())
    }
}

/// Makes an environment or a policy once per thread.
pub type Make<'a, T> = &'a (dyn Fn() -> T + Sync);

/// Who plays and where: the agent under test, the oracle that judges
/// solvability, and fresh environments of the task (unperturbed).
pub struct Players<'a> {
    /// Environments of the task.
    pub env: Make<'a, Env>,
    /// The agent.
    pub agent: Make<'a, Box<dyn Policy>>,
    /// The judge of solvability (the oracle; a test may give another).
    pub oracle: Make<'a, Box<dyn Policy>>,
    /// Cores to play on (the result is the same on any number).
    pub threads: usize,
}

/// The judge every search outside the tests uses: the oracle, which reads only the page.
fn oracle() -> Box<dyn Policy> {
    Box::new(crate::OraclePolicy::default())
}

impl<'a> Players<'a> {
    /// The agent in environments of its task, judged by the oracle, on `threads` cores.
    pub fn judged_by_oracle(
        env: Make<'a, Env>,
        agent: Make<'a, Box<dyn Policy>>,
        threads: usize,
    ) -> Players<'a> {
        Players {
            env,
            agent,
            oracle: &oracle,
            threads,
        }
    }
}

/// The cost of `spec` (its elements counted in the episode of the first search seed).
pub fn cost_of(env: &mut Env, spec: &PerturbSpec) -> Cost {
    measure(env, spec).0
}

/// The cost of `spec`, and whether each of its kinds changed something in
/// the episode of the first search seed (a kind that finds nothing to change
/// on a site only adds cost, so the search does not try it).
fn measure(env: &mut Env, spec: &PerturbSpec) -> (Cost, bool) {
    env.set_perturbations(spec.clone());
    env.reset(SEARCH_SEEDS_START);
    let changes = env.changes();
    let elements = changes.iter().filter(|c| c.applied).count();
    let all_act = spec
        .items()
        .iter()
        .all(|p| changes.iter().any(|c| c.applied && c.kind == p.kind));
    env.set_perturbations(PerturbSpec::none());
    let cost = Cost {
        kinds: spec.items().len(),
        severity: spec.items().iter().map(|p| p.severity as u32).sum(),
        elements,
    };
    (cost, all_act)
}

/// Searches for the cheapest change that breaks the agent (see the module docs).
pub fn find_break(
    players: &Players<'_>,
    policy: &str,
    config: &BreakConfig,
) -> Result<BreakReport, String> {
    let mut run = BreakRun::new(players, policy, config)?;
    while !run.advance(players) {}
    Ok(run.report().clone())
}
