//! The break search as a run that advances one unit of work at a time (a
//! chunk of episodes, the oracle's check, a chunk of verification), so that
//! the page's worker can play it in slices, report progress between them and
//! stop it; [`super::find_break`] plays it to the end in one call. Either way
//! the same units run in the same order, so the report is the same.

use super::{measure, BreakConfig, Players, SEARCH_SEEDS_START, VERIFY_SEEDS_START};
use super::{Attempt, Break, BreakReport, Cost, Tally, Verdict};
use crate::eval::play;
use crate::parallel::share;
use crate::Policy;
use wobble_engine::perturb::{PerturbSpec, MAX_SEVERITY, MIN_SEVERITY};
use wobble_engine::Env;

/// An environment, the agent and the oracle, kept on the calling thread from
/// one unit to the next (a policy's caches survive; each episode starts anew,
/// so which instance plays an episode never changes its outcome).
struct Local {
    env: Env,
    agent: Box<dyn Policy>,
    oracle: Box<dyn Policy>,
}

impl Local {
    fn open(players: &Players<'_>) -> Local {
        Local {
            env: (players.env)(),
            agent: (players.agent)(),
            oracle: (players.oracle)(),
        }
    }
}

/// A sequential test's count so far.
#[derive(Debug, Clone, Copy, Default)]
struct Count {
    won: u64,
    played: u64,
}

/// Where the candidate under test stands.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// The agent plays chunks of search seeds.
    Scoring,
    /// It broke on search seeds: the oracle must solve them all.
    Oracle,
    /// The agent and the oracle play chunks of a fresh block from `first`.
    Verifying { first: u64, oracle_won: u64 },
}

/// The candidate under test.
struct Candidate {
    spec: PerturbSpec,
    cost: Cost,
    /// Episodes spent when it began.
    before: u64,
    /// The agent on search seeds.
    search: Count,
    /// The agent on the verification block.
    verify: Count,
    phase: Phase,
}

/// One level of the beam search: its candidates in cost order.
struct Level {
    number: usize,
    candidates: Vec<(Cost, PerturbSpec)>,
    next: usize,
    current: Option<Candidate>,
    /// Success on search seeds of every settled, solvable candidate (the next beam).
    scored: Vec<(f64, PerturbSpec)>,
}

enum Stage {
    Baseline(Count),
    Level(Level),
    Done,
}

/// A break search in progress (see the parent module for how it searches).
pub struct BreakRun {
    config: BreakConfig,
    report: BreakReport,
    stage: Stage,
    verifications: u64,
    local: Option<Local>,
}

/// What a sequential test concluded after a chunk.
enum Test {
    Above,
    Below,
    Open,
}

impl BreakRun {
    /// A search of `players.agent` (named `policy` in the report), not yet begun.
    pub fn new(players: &Players<'_>, policy: &str, config: &BreakConfig) -> Result<Self, String> {
        config.check()?;
        let local = Local::open(players);
        let report = BreakReport {
            site: local.env.site().name.clone(),
            task: local.env.task_name().to_string(),
            policy: policy.to_string(),
            config: config.clone(),
            search_seed: SEARCH_SEEDS_START,
            baseline: Tally::new(0, 0),
            path: Vec::new(),
            found: None,
            episodes: 0,
            stopped: String::new(),
        };
        Ok(BreakRun {
            config: config.clone(),
            report,
            stage: Stage::Baseline(Count::default()),
            verifications: 0,
            local: Some(local),
        })
    }

    /// The report so far: the baseline, the settled candidates, episodes spent.
    /// Complete once [`BreakRun::is_done`].
    pub fn report(&self) -> &BreakReport {
        &self.report
    }

    /// Whether the search is over.
    pub fn is_done(&self) -> bool {
        matches!(self.stage, Stage::Done)
    }

    /// The candidate under test and the agent's success on it so far (on
    /// search seeds, or on the fresh block once it is being verified).
    pub fn current(&self) -> Option<(String, Tally, bool)> {
        let Stage::Level(level) = &self.stage else {
            return None;
        };
        let c = level.current.as_ref()?;
        let verifying = matches!(c.phase, Phase::Verifying { .. });
        let count = if verifying { c.verify } else { c.search };
        Some((
            c.spec.to_string(),
            Tally::new(count.won, count.played),
            verifying,
        ))
    }

    /// Runs one unit of work; returns true once the search is over.
    pub fn advance(&mut self, players: &Players<'_>) -> bool {
        let stage = std::mem::replace(&mut self.stage, Stage::Done);
        self.stage = match stage {
            Stage::Baseline(count) => self.baseline(players, count),
            Stage::Level(level) => self.level(players, level),
            Stage::Done => Stage::Done,
        };
        self.is_done()
    }

    /// Ends the search with `why`.
    fn stop(&mut self, why: String) -> Stage {
        self.report.stopped = why;
        self.local = None;
        Stage::Done
    }

    fn afford(&self, episodes: u64) -> bool {
        self.report.episodes + episodes <= self.config.budget_episodes
    }

    /// Successes of the agent (or the oracle) in `count` episodes from `first` under `spec`.
    fn play(
        &mut self,
        players: &Players<'_>,
        oracle: bool,
        spec: &PerturbSpec,
        first: u64,
        count: u64,
    ) -> u64 {
        let mut won = vec![false; count as usize];
        let mut workers = vec![(); players.threads.clamp(1, won.len().max(1))];
        let here = self.local.get_or_insert_with(|| Local::open(players));
        here.env.set_perturbations(spec.clone());
        share(
            &mut won,
            &mut workers,
            here,
            &|| {
                let mut local = Local::open(players);
                local.env.set_perturbations(spec.clone());
                Some(local)
            },
            &|i, slot, (), local| {
                let policy = if oracle {
                    &mut local.oracle
                } else {
                    &mut local.agent
                };
                *slot = play(
                    &mut local.env,
                    policy.as_mut(),
                    first.wrapping_add(i as u64),
                )
                .success;
            },
        );
        self.report.episodes += count;
        won.iter().filter(|w| **w).count() as u64
    }

    /// One chunk of the agent on search seeds under `spec`; `None` when the budget cannot pay it.
    fn chunk(
        &mut self,
        players: &Players<'_>,
        spec: &PerturbSpec,
        count: &mut Count,
    ) -> Option<Test> {
        let (chunk, cap, threshold) = (self.config.chunk, self.config.cap, self.config.threshold);
        let n = chunk.min(cap - count.played);
        if !self.afford(n) {
            return None;
        }
        count.won += self.play(players, false, spec, SEARCH_SEEDS_START + count.played, n);
        count.played += n;
        let tally = Tally::new(count.won, count.played);
        Some(if tally.ci95.low >= threshold {
            Test::Above
        } else if tally.ci95.high < threshold {
            Test::Below
        } else {
            Test::Open
        })
    }

    fn baseline(&mut self, players: &Players<'_>, mut count: Count) -> Stage {
        let test = self.chunk(players, &PerturbSpec::none(), &mut count);
        self.report.baseline = Tally::new(count.won, count.played);
        match test {
            Some(Test::Above) => match self.level_of(1, &[PerturbSpec::none()]) {
                Some(level) => Stage::Level(level),
                None => self.stop("no perturbation kind changes anything on this site".into()),
            },
            Some(Test::Open) if count.played < self.config.cap => Stage::Baseline(count),
            _ => self.stop(format!(
                "the agent's unperturbed success, {}, is not clearly above the threshold of {:.0}%: there is nothing to break",
                self.report.baseline.describe(),
                self.config.threshold * 100.0
            )),
        }
    }

    /// Level `number`: every base of the beam with one more kind, at each severity,
    /// in cost order; `None` when no kind left changes anything.
    fn level_of(&mut self, number: usize, beam: &[PerturbSpec]) -> Option<Level> {
        let env = &mut self.local.as_mut()?.env;
        let mut candidates: Vec<(Cost, PerturbSpec)> = Vec::new();
        for base in beam {
            for &kind in &self.config.kinds {
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
        (!candidates.is_empty()).then_some(Level {
            number,
            candidates,
            next: 0,
            current: None,
            scored: Vec::new(),
        })
    }

    fn level(&mut self, players: &Players<'_>, mut level: Level) -> Stage {
        let Some(mut c) = level.current.take() else {
            // The next candidate, or the next level.
            if let Some((cost, spec)) = level.candidates.get(level.next).cloned() {
                level.next += 1;
                level.current = Some(Candidate {
                    spec,
                    cost,
                    before: self.report.episodes,
                    search: Count::default(),
                    verify: Count::default(),
                    phase: Phase::Scoring,
                });
                return self.level(players, level);
            }
            return self.next_level(level);
        };
        let settled = match c.phase {
            Phase::Scoring => self.score(players, &mut c),
            Phase::Oracle => self.oracle(players, &mut c),
            Phase::Verifying { .. } => self.verify(players, &mut c),
        };
        let Some(verdict) = settled else {
            level.current = Some(c);
            return Stage::Level(level);
        };
        let search = Tally::new(c.search.won, c.search.played);
        self.report.path.push(Attempt {
            spec: c.spec.to_string(),
            cost: c.cost,
            agent: search,
            episodes: self.report.episodes - c.before,
            verdict,
        });
        match verdict {
            Verdict::Verified => {
                if let Phase::Verifying { first, oracle_won } = c.phase {
                    let found = self.found(&c, first, oracle_won);
                    self.report.found = Some(found);
                }
                self.stop(format!(
                    "verified the cheapest break of level {}",
                    level.number
                ))
            }
            Verdict::OutOfBudget => self.stop(format!(
                "the budget of {} episodes ran out at level {}",
                self.config.budget_episodes, level.number
            )),
            Verdict::Impossible => Stage::Level(level),
            Verdict::Holds | Verdict::Unclear | Verdict::NotVerified => {
                level.scored.push((search.success_rate, c.spec));
                Stage::Level(level)
            }
        }
    }

    /// The level after `level`, from its worst-for-the-agent candidates (ties keep cost order).
    fn next_level(&mut self, mut level: Level) -> Stage {
        let number = level.number;
        if level.scored.is_empty() {
            return self.stop(format!("no candidate of level {number} is solvable"));
        }
        if number >= self.config.max_kinds {
            return self.stop(format!(
                "no change of up to {} kinds breaks the agent below {:.0}%",
                self.config.max_kinds,
                self.config.threshold * 100.0
            ));
        }
        level.scored.sort_by(|a, b| a.0.total_cmp(&b.0));
        let beam: Vec<PerturbSpec> = level
            .scored
            .into_iter()
            .take(self.config.beam)
            .map(|(_, s)| s)
            .collect();
        match self.level_of(number + 1, &beam) {
            Some(next) => Stage::Level(next),
            None => self.stop(format!(
                "no kind left to add to the changes of level {number}"
            )),
        }
    }

    /// One chunk on search seeds; the verdict once settled.
    fn score(&mut self, players: &Players<'_>, c: &mut Candidate) -> Option<Verdict> {
        let spec = c.spec.clone();
        match self.chunk(players, &spec, &mut c.search) {
            None => Some(Verdict::OutOfBudget),
            Some(Test::Above) => Some(Verdict::Holds),
            Some(Test::Open) if c.search.played >= self.config.cap => Some(Verdict::Unclear),
            Some(Test::Open) => None,
            Some(Test::Below) => {
                // Its oracle check and the longest verification must both fit, or neither starts.
                let need = self.config.oracle_episodes + 2 * self.config.verify_episodes;
                if !self.afford(need) {
                    return Some(Verdict::OutOfBudget);
                }
                c.phase = Phase::Oracle;
                None
            }
        }
    }

    /// The oracle on the search seeds the agent failed.
    fn oracle(&mut self, players: &Players<'_>, c: &mut Candidate) -> Option<Verdict> {
        let n = self.config.oracle_episodes;
        let spec = c.spec.clone();
        if self.play(players, true, &spec, SEARCH_SEEDS_START, n) < n {
            return Some(Verdict::Impossible);
        }
        // Each verification has a block of its own, never played before.
        let first = VERIFY_SEEDS_START
            .wrapping_add(self.verifications.wrapping_mul(self.config.verify_episodes));
        self.verifications += 1;
        c.phase = Phase::Verifying {
            first,
            oracle_won: 0,
        };
        None
    }

    /// One chunk of the fresh block, agent and oracle on the same seeds.
    fn verify(&mut self, players: &Players<'_>, c: &mut Candidate) -> Option<Verdict> {
        let Phase::Verifying { first, oracle_won } = c.phase else {
            return None;
        };
        let config = &self.config;
        let (threshold, least, most) =
            (config.threshold, config.verify_min, config.verify_episodes);
        let n = config.chunk.min(most - c.verify.played);
        let at = first.wrapping_add(c.verify.played);
        let spec = c.spec.clone();
        let agent_won = self.play(players, false, &spec, at, n);
        let oracle_won = oracle_won + self.play(players, true, &spec, at, n);
        c.verify.won += agent_won;
        c.verify.played += n;
        c.phase = Phase::Verifying { first, oracle_won };
        if oracle_won < c.verify.played {
            return Some(Verdict::Impossible);
        }
        let tally = Tally::new(c.verify.won, c.verify.played);
        if tally.ci95.high < threshold && c.verify.played >= least {
            return Some(Verdict::Verified);
        }
        if tally.ci95.low >= threshold || c.verify.played >= most {
            return Some(Verdict::NotVerified);
        }
        None
    }

    /// The verified break of `c`, with what it did at the first seed of its block.
    fn found(&mut self, c: &Candidate, first: u64, oracle_won: u64) -> Break {
        let changes = match self.local.as_mut() {
            Some(local) => {
                local.env.set_perturbations(c.spec.clone());
                local.env.reset(first);
                local
                    .env
                    .changes()
                    .iter()
                    .map(|x| format!("{}:{}: {}", x.kind, x.severity, x.text))
                    .collect()
            }
            None => Vec::new(),
        };
        let kinds = c
            .spec
            .items()
            .iter()
            .map(|p| (p.kind.name().to_string(), p.kind.description().to_string()))
            .collect();
        Break {
            spec: c.spec.to_string(),
            cost: c.cost,
            agent: Tally::new(c.verify.won, c.verify.played),
            oracle: Tally::new(oracle_won, c.verify.played),
            verify_seed: first,
            kinds,
            changes,
        }
    }
}
