//! The brittleness matrix: several agents swept over the same grid.
//!
//! Agents differ in what they perceive (the reader reads the page's text,
//! the screen agent its pixels, the script its selector ids and points), and
//! what they perceive decides what breaks them. A [`Matrix`] holds one
//! [`SweepReport`] per agent, all on the same task, seeds, episodes and
//! kinds, so each cell of the table compares agents on the very same
//! episodes.

use crate::parallel::for_each;
use crate::sweep::{blocks, cell_of, grid, play_block, Block, SweepCell, SweepReport, SweepRun};
use crate::EpisodeResult;
use crate::Policy;
use serde::Serialize;
use std::fmt::Write;
use wobble_engine::perturb::Kind;
use wobble_engine::Env;

/// One agent of a matrix: its name and its sweep.
#[derive(Debug, Clone, Serialize)]
pub struct AgentSweep {
    /// The agent's name in the table (`reader`, `screen`, `script`...).
    pub agent: String,
    /// Its sweep.
    pub report: SweepReport,
}

/// Several agents' sweeps over one grid.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    /// The agents, in the order asked for.
    pub agents: Vec<AgentSweep>,
}

/// One played block of one agent: the agent's index, the block, its episodes.
pub type Played = ((usize, Block), Vec<EpisodeResult>);

/// Something that makes one agent's policy, once per thread.
pub type MakePolicy<'a> = &'a (dyn Fn() -> Box<dyn Policy> + Sync);

/// Sweeps each agent (name, what it is, how to make it) over `kinds`, every
/// cell of every agent shared out among `threads` cores; the matrix is the
/// same on any number of threads.
pub fn sweep_agents(
    make_env: &(dyn Fn() -> Env + Sync),
    agents: &[(&str, &str, MakePolicy<'_>)],
    episodes: u64,
    seed: u64,
    kinds: &[Kind],
    threads: usize,
) -> Matrix {
    // One block per cell: a thread plays a whole cell.
    let cells = blocks(kinds, episodes, seed, episodes);
    let mut jobs: Vec<Played> = (0..agents.len())
        .flat_map(|a| cells.iter().map(move |&b| ((a, b), Vec::new())))
        .collect();
    for_each(
        &mut jobs,
        threads,
        &|| (make_env(), Vec::<Option<Box<dyn Policy>>>::new()),
        &|_, ((agent, block), played), (env, policies)| {
            // Each thread makes an agent's policy the first time it plays one of its cells.
            if policies.len() <= *agent {
                policies.resize_with(*agent + 1, || None);
            }
            let Some(slot) = policies.get_mut(*agent) else {
                return;
            };
            let Some(&(_, _, make)) = agents.get(*agent) else {
                return;
            };
            let policy = slot.get_or_insert_with(make);
            *played = play_block(env, policy.as_mut(), block);
        },
    );
    let names: Vec<(&str, &str)> = agents.iter().map(|&(n, what, _)| (n, what)).collect();
    assemble(&make_env(), &names, episodes, seed, kinds, jobs)
}

/// Files played blocks into the matrix of `agents` (name, what it is) over
/// `kinds`: each cell sums its blocks in seed order, so blocks played on any
/// threads or machines, in any order, give the matrix one thread gives.
/// [`check_blocks`] says whether the blocks cover the grid exactly.
pub fn assemble(
    env: &Env,
    agents: &[(&str, &str)],
    episodes: u64,
    seed: u64,
    kinds: &[Kind],
    mut played: Vec<Played>,
) -> Matrix {
    let order = grid(kinds);
    let at = |cell: &(Option<Kind>, u8)| order.iter().position(|c| c == cell).unwrap_or(usize::MAX);
    played.sort_by_key(|((agent, block), _)| {
        (*agent, at(&block.cell), block.first.wrapping_sub(seed))
    });
    let mut runs: Vec<SweepRun> = agents
        .iter()
        .map(|(_, what)| SweepRun::new(env, what, episodes, seed, kinds))
        .collect();
    for (agent, run) in runs.iter_mut().enumerate() {
        for cell in &order {
            let episodes: Vec<EpisodeResult> = played
                .iter()
                .filter(|((a, b), _)| *a == agent && b.cell == *cell)
                .flat_map(|(_, results)| results.iter().cloned())
                .collect();
            run.record(cell_of(env, *cell, &episodes));
        }
    }
    Matrix {
        agents: agents
            .iter()
            .zip(runs)
            .map(|((name, _), run)| AgentSweep {
                agent: name.to_string(),
                report: run.into_report(),
            })
            .collect(),
    }
}

/// Whether `played` holds, for every agent and cell, the blocks that cover
/// seeds `seed..seed + episodes` exactly once, each with its episodes.
pub fn check_blocks(
    agents: usize,
    episodes: u64,
    seed: u64,
    kinds: &[Kind],
    played: &[Played],
) -> Result<(), String> {
    for ((agent, block), results) in played {
        if *agent >= agents {
            return Err(format!("a block names agent {agent}; there are {agents}"));
        }
        if results.len() as u64 != block.count {
            return Err(format!(
                "a block of {} episodes from seed {} holds {}",
                block.count,
                block.first,
                results.len()
            ));
        }
    }
    for agent in 0..agents {
        for cell in grid(kinds) {
            let mut seeds: Vec<u64> = played
                .iter()
                .filter(|((a, b), _)| *a == agent && b.cell == cell)
                .flat_map(|(_, results)| results.iter().map(|r| r.seed.wrapping_sub(seed)))
                .collect();
            seeds.sort_unstable();
            let whole = seeds.len() as u64 == episodes
                && seeds.iter().enumerate().all(|(i, &s)| s == i as u64);
            if !whole {
                let (kind, severity) = cell;
                return Err(format!(
                    "agent {agent}, cell {}:{severity}: the blocks hold {} episodes, not seeds {seed}..{} once each",
                    kind.map_or("none", Kind::name),
                    seeds.len(),
                    seed.wrapping_add(episodes)
                ));
            }
        }
    }
    Ok(())
}

impl Matrix {
    /// The rows: unperturbed, then each kind at each severity, as the first agent has them.
    fn rows(&self) -> Vec<(String, u8)> {
        let Some(first) = self.agents.first() else {
            return Vec::new();
        };
        std::iter::once(&first.report.baseline)
            .chain(&first.report.cells)
            .map(|c| (c.kind.clone(), c.severity))
            .collect()
    }

    fn cell<'r>(report: &'r SweepReport, kind: &str, severity: u8) -> Option<&'r SweepCell> {
        std::iter::once(&report.baseline)
            .chain(&report.cells)
            .find(|c| c.kind == kind && c.severity == severity)
    }

    /// A text table: one row per cell, one column per agent, each success
    /// with its 95% Wilson interval in brackets.
    pub fn table(&self) -> String {
        let mut out = String::new();
        if let Some(first) = self.agents.first() {
            let r = &first.report;
            let _ = writeln!(
                out,
                "{}/{}, {} episodes per cell from seed {}",
                r.site, r.task, r.episodes, r.seed
            );
        }
        let _ = write!(out, "{:<22}", "perturbation");
        for a in &self.agents {
            let _ = write!(out, " {:>20}", a.agent);
        }
        out.push('\n');
        for (kind, severity) in self.rows() {
            let _ = write!(out, "{:<22}", row_name(&kind, severity));
            for a in &self.agents {
                let shown = Matrix::cell(&a.report, &kind, severity)
                    .map(percent)
                    .unwrap_or_else(|| "-".into());
                let _ = write!(out, " {shown:>20}");
            }
            out.push('\n');
        }
        for a in &self.agents {
            let _ = writeln!(out, "{}: {}", a.agent, a.report.policy);
        }
        let _ = writeln!(out, "[low–high]: the 95% Wilson interval, in percent");
        out
    }

    /// CSV: `agent,` then each agent's sweep CSV row ([`SweepReport::csv`]).
    pub fn csv(&self) -> String {
        let mut out = String::new();
        for (i, a) in self.agents.iter().enumerate() {
            for (j, line) in a.report.csv().lines().enumerate() {
                match (i, j) {
                    (0, 0) => {
                        let _ = writeln!(out, "agent,{line}");
                    }
                    (_, 0) => {}
                    _ => {
                        let _ = writeln!(out, "{},{line}", a.agent);
                    }
                }
            }
        }
        out
    }
}

/// `font:2`, or `unperturbed`.
fn row_name(kind: &str, severity: u8) -> String {
    if kind == "none" || severity == 0 {
        "unperturbed".into()
    } else {
        format!("{kind}:{severity}")
    }
}

/// `98.5% [95.7–99.5]`.
fn percent(c: &SweepCell) -> String {
    format!(
        "{:.1}% [{:.1}–{:.1}]",
        c.success_rate * 100.0,
        c.ci95.low * 100.0,
        c.ci95.high * 100.0
    )
}
