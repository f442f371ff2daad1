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
//! verified on a fresh block of `verify_episodes` seeds never used before in
//! this search: the agent's interval must lie below the threshold again and
//! the oracle must solve every episode. The first verified break is the result.
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

use crate::eval::play;
use crate::parallel::for_each;
use crate::seeds::EVALUATION_SEEDS_START;
use crate::Policy;
use serde::Serialize;
use wobble_engine::perturb::{Kind, PerturbSpec, MAX_SEVERITY, MIN_SEVERITY};
use wobble_engine::Env;

mod report;
pub use report::{Attempt, Break, BreakReport, Cost, Tally, Verdict};

/// The first search seed (2^63 + 2^62): every candidate plays seeds from here.
pub const SEARCH_SEEDS_START: u64 = EVALUATION_SEEDS_START + (1 << 62);
/// The first verification seed (2^63 + 2^62 + 2^61): each verification plays its own block from here.
pub const VERIFY_SEEDS_START: u64 = SEARCH_SEEDS_START + (1 << 61);

/// How hard to look and how sure to be.
#[derive(Debug, Clone, Serialize)]
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
    /// Episodes of each verification block (played by the agent and by the oracle).
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
        if self.verify_episodes == 0 || self.beam == 0 || self.max_kinds == 0 {
            return Err(
                "verification episodes, beam and kinds per change must be at least 1".into(),
            );
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

impl Players<'_> {
    /// Successes of `agent` (or the oracle) in `count` episodes from `first` under `spec`.
    fn successes(&self, oracle: bool, spec: &PerturbSpec, first: u64, count: u64) -> u64 {
        let mut won = vec![false; count as usize];
        let make = if oracle { self.oracle } else { self.agent };
        for_each(
            &mut won,
            self.threads,
            &|| {
                let mut env = (self.env)();
                env.set_perturbations(spec.clone());
                (env, make())
            },
            &|i, slot, (env, policy)| {
                *slot = play(env, policy.as_mut(), first.wrapping_add(i as u64)).success;
            },
        );
        won.iter().filter(|w| **w).count() as u64
    }
}

/// The search's state: what is spent and what was tried.
struct Search<'a, 'p> {
    players: &'a Players<'p>,
    config: &'a BreakConfig,
    spent: u64,
    verifications: u64,
    path: Vec<Attempt>,
}

/// Where a sequential test ended.
enum Score {
    Settled(Tally, Verdict),
    OutOfBudget(Tally),
}

impl Search<'_, '_> {
    fn afford(&self, episodes: u64) -> bool {
        self.spent + episodes <= self.config.budget_episodes
    }

    /// The agent under `spec` in chunks until its interval clears the threshold or the cap.
    fn score(&mut self, spec: &PerturbSpec) -> Score {
        let (chunk, cap, threshold) = (self.config.chunk, self.config.cap, self.config.threshold);
        let (mut won, mut played) = (0, 0);
        loop {
            let count = chunk.min(cap - played);
            if !self.afford(count) {
                return Score::OutOfBudget(Tally::new(won, played));
            }
            won += self
                .players
                .successes(false, spec, SEARCH_SEEDS_START + played, count);
            played += count;
            self.spent += count;
            let tally = Tally::new(won, played);
            if tally.ci95.low >= threshold {
                return Score::Settled(tally, Verdict::Holds);
            }
            if tally.ci95.high < threshold {
                return Score::Settled(tally, Verdict::Verified);
            }
            if played >= cap {
                return Score::Settled(tally, Verdict::Unclear);
            }
        }
    }

    /// Tries one candidate; the break if it is verified.
    fn attempt(&mut self, spec: &PerturbSpec, cost: Cost) -> (Option<Break>, Tally, bool) {
        let before = self.spent;
        let config = self.config;
        let (tally, mut verdict) = match self.score(spec) {
            Score::Settled(t, v) => (t, v),
            Score::OutOfBudget(t) => (t, Verdict::OutOfBudget),
        };
        let mut found = None;
        if verdict == Verdict::Verified {
            // It broke on search seeds: is it solvable, and does it break again on fresh seeds?
            let need = config.oracle_episodes + 2 * config.verify_episodes;
            if !self.afford(need) {
                verdict = Verdict::OutOfBudget;
            } else {
                let oracle_won =
                    self.players
                        .successes(true, spec, SEARCH_SEEDS_START, config.oracle_episodes);
                self.spent += config.oracle_episodes;
                if oracle_won < config.oracle_episodes {
                    verdict = Verdict::Impossible;
                } else {
                    let (b, v) = self.verify(spec, cost);
                    found = b;
                    verdict = v;
                }
            }
        }
        self.path.push(Attempt {
            spec: spec.to_string(),
            cost,
            agent: tally,
            episodes: self.spent - before,
            verdict,
        });
        (found, tally, verdict == Verdict::OutOfBudget)
    }

    /// Plays the agent and the oracle on a fresh block of seeds.
    fn verify(&mut self, spec: &PerturbSpec, cost: Cost) -> (Option<Break>, Verdict) {
        let n = self.config.verify_episodes;
        let first = VERIFY_SEEDS_START.wrapping_add(self.verifications.wrapping_mul(n));
        self.verifications += 1;
        let agent = Tally::new(self.players.successes(false, spec, first, n), n);
        let oracle = Tally::new(self.players.successes(true, spec, first, n), n);
        self.spent += 2 * n;
        if oracle.successes < n {
            return (None, Verdict::Impossible);
        }
        if agent.ci95.high >= self.config.threshold {
            return (None, Verdict::NotVerified);
        }
        let mut env = (self.players.env)();
        env.set_perturbations(spec.clone());
        env.reset(first);
        let changes = env
            .changes()
            .iter()
            .map(|c| format!("{}:{}: {}", c.kind, c.severity, c.text))
            .collect();
        let kinds = spec
            .items()
            .iter()
            .map(|p| (p.kind.name().to_string(), p.kind.description().to_string()))
            .collect();
        let found = Break {
            spec: spec.to_string(),
            cost,
            agent,
            oracle,
            verify_seed: first,
            kinds,
            changes,
        };
        (Some(found), Verdict::Verified)
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
    config.check()?;
    let mut env = (players.env)();
    let mut search = Search {
        players,
        config,
        spent: 0,
        verifications: 0,
        path: Vec::new(),
    };
    let mut report = BreakReport {
        site: env.site().name.clone(),
        task: env.task_name().to_string(),
        policy: policy.to_string(),
        config: config.clone(),
        search_seed: SEARCH_SEEDS_START,
        baseline: Tally::new(0, 0),
        path: Vec::new(),
        found: None,
        episodes: 0,
        stopped: String::new(),
    };
    let baseline = match search.score(&PerturbSpec::none()) {
        Score::Settled(t, v) => (t, v),
        Score::OutOfBudget(t) => (t, Verdict::OutOfBudget),
    };
    report.baseline = baseline.0;
    report.stopped = match baseline.1 {
        Verdict::Holds => String::new(),
        _ => format!(
            "the agent's unperturbed success, {}, is not clearly above the threshold of {:.0}%: there is nothing to break",
            baseline.0.describe(),
            config.threshold * 100.0
        ),
    };
    if report.stopped.is_empty() {
        report.stopped = run_levels(&mut search, &mut env, &mut report.found);
    }
    report.episodes = search.spent;
    report.path = search.path;
    Ok(report)
}

/// The levels of the beam search; returns why it stopped.
fn run_levels(search: &mut Search<'_, '_>, env: &mut Env, found: &mut Option<Break>) -> String {
    let config = search.config;
    let mut beam: Vec<PerturbSpec> = vec![PerturbSpec::none()];
    for level in 1..=config.max_kinds {
        let mut candidates: Vec<(Cost, PerturbSpec)> = Vec::new();
        for base in &beam {
            for &kind in &config.kinds {
                if base.severity(kind).is_some() {
                    continue;
                }
                for severity in MIN_SEVERITY..=MAX_SEVERITY {
                    let mut spec = base.clone();
                    spec.set(kind, severity);
                    if candidates.iter().any(|(_, s)| *s == spec) {
                        continue;
                    }
                    if let (cost, true) = measure(env, &spec) {
                        candidates.push((cost, spec));
                    }
                }
            }
        }
        // Stable: equal costs keep catalog order.
        candidates.sort_by_key(|a| a.0);
        let mut scored: Vec<(f64, PerturbSpec)> = Vec::new();
        for (cost, spec) in candidates {
            let (hit, tally, out) = search.attempt(&spec, cost);
            if let Some(hit) = hit {
                let why = format!("verified the cheapest break of level {level}");
                *found = Some(hit);
                return why;
            }
            if out {
                return format!(
                    "the budget of {} episodes ran out at level {level}",
                    config.budget_episodes
                );
            }
            if search
                .path
                .last()
                .is_some_and(|a| a.verdict != Verdict::Impossible)
            {
                scored.push((tally.success_rate, spec));
            }
        }
        // The worst-for-the-agent candidates go on; ties keep cost order.
        scored.sort_by(|a, b| a.0.total_cmp(&b.0));
        beam = scored
            .into_iter()
            .take(config.beam)
            .map(|(_, s)| s)
            .collect();
        if beam.is_empty() {
            return format!("no candidate of level {level} is solvable");
        }
    }
    format!(
        "no change of up to {} kinds breaks the agent below {:.0}%",
        config.max_kinds,
        config.threshold * 100.0
    )
}
