//! The brittleness sweep in blocks, for callers that spread it over
//! processes or machines (the Python package's Ray example): any process
//! makes a [`Player`] and plays [`Block`]s; the driver files every block with
//! [`report`], which checks that they cover the grid and gives the very text,
//! CSV and JSON that `wobble sweep` writes for the same agents and seeds.

use wobble_engine::catalog::{self, Source};
use wobble_engine::{Env, Kind};
use wobble_policy::matrix::{assemble, check_blocks, Played};
pub use wobble_policy::sweep::{blocks, parse_kinds, Block};
use wobble_policy::{EpisodeResult, LearnedPolicy, Policy};

/// A sweep's agent: a policy by name (`random`, `oracle`, `script`) or a
/// learned policy, made afresh the way `wobble sweep` makes it.
#[derive(Debug, Clone)]
pub enum Agent {
    /// A named policy.
    Named(String),
    /// A learned policy read from its file's text.
    Learned(Box<LearnedPolicy>),
}

impl Agent {
    /// `policy` names it; `text`, when given, is a learned policy file's content.
    pub fn read(policy: &str, text: Option<&str>) -> Result<Agent, String> {
        match text {
            Some(text) => LearnedPolicy::from_json(text)
                .map(|p| Agent::Learned(Box::new(p)))
                .map_err(|e| format!("policy {policy:?}: {e}")),
            None => {
                wobble_policy::by_name(policy, 0)?;
                Ok(Agent::Named(policy.to_string()))
            }
        }
    }

    /// The policy, seeded with the sweep's seed as `wobble sweep` seeds it.
    pub fn make(&self, seed: u64) -> Box<dyn Policy> {
        match self {
            Agent::Learned(p) => Box::new((**p).clone()),
            Agent::Named(name) => wobble_policy::by_name(name, seed)
                .unwrap_or_else(|_| Box::new(wobble_policy::RandomPolicy::new(seed))),
        }
    }
}

/// Opens the unperturbed environment a sweep plays.
pub fn open(site: &str, site_text: Option<&str>, task: Option<&str>) -> Result<Env, String> {
    let source = match site_text {
        Some(text) => Source::File { path: site, text },
        None => Source::Named(site),
    };
    catalog::open(source, task, None).map_err(crate::describe_open_error)
}

/// One agent on one site's task, playing blocks.
pub struct Player {
    env: Env,
    policy: Box<dyn Policy>,
}

impl Player {
    /// The agent on `env`, seeded with the sweep's `seed`.
    pub fn new(env: Env, agent: &Agent, seed: u64) -> Player {
        Player {
            env,
            policy: agent.make(seed),
        }
    }

    /// Plays a block.
    pub fn play(&mut self, block: &Block) -> Vec<EpisodeResult> {
        wobble_policy::sweep::play_block(&mut self.env, self.policy.as_mut(), block)
    }
}

/// What `wobble sweep` prints and writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The text table.
    pub table: String,
    /// The CSV (`--csv`).
    pub csv: String,
    /// The JSON (`--json`).
    pub json: String,
}

/// Files the played blocks of `agents` (name, what it is) into the output
/// `wobble sweep` gives: with `--agents` when `matrix`, else the one
/// agent's `--policy` report. Errors when the blocks do not cover the grid.
pub fn report(
    env: &Env,
    agents: &[(&str, &str)],
    episodes: u64,
    seed: u64,
    kinds: &[Kind],
    played: Vec<Played>,
    matrix: bool,
) -> Result<Written, String> {
    if !matrix && agents.len() != 1 {
        return Err(format!(
            "a --policy sweep has one agent, not {}",
            agents.len()
        ));
    }
    check_blocks(agents.len(), episodes, seed, kinds, &played)?;
    let m = assemble(env, agents, episodes, seed, kinds, played);
    if matrix {
        return Ok(Written {
            table: m.table(),
            csv: m.csv(),
            json: serde_json::to_string_pretty(&m).map_err(|e| e.to_string())?,
        });
    }
    let report = m
        .agents
        .into_iter()
        .next()
        .map(|a| a.report)
        .ok_or("no agent")?;
    Ok(Written {
        table: report.table(),
        csv: report.csv(),
        json: serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
    })
}
