//! What a break search reports: the cost of a change, success tallies with
//! their intervals, the verdict on each candidate, and the break it found.

use super::BreakConfig;
use crate::seeds::{wilson_interval, Interval};
use serde::{Deserialize, Serialize};

/// The cost of a change: compared field by field, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cost {
    /// Perturbation kinds combined.
    pub kinds: usize,
    /// Sum of their severities.
    pub severity: u32,
    /// Elements changed in the episode of the first search seed.
    pub elements: usize,
}

/// Successes out of episodes, with the rate and its 95% Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Episodes played.
    pub episodes: u64,
    /// Episodes that succeeded.
    pub successes: u64,
    /// successes / episodes (0 without episodes).
    pub success_rate: f64,
    /// The 95% Wilson interval.
    pub ci95: Interval,
}

impl Tally {
    pub(super) fn new(successes: u64, episodes: u64) -> Tally {
        Tally {
            episodes,
            successes,
            success_rate: successes as f64 / episodes.max(1) as f64,
            ci95: wilson_interval(successes, episodes),
        }
    }

    /// `12.0% (6/50, 95% CI 5.6–23.8%)`.
    pub fn describe(&self) -> String {
        crate::seeds::describe_rate(self.successes, self.episodes)
    }
}

/// What the search concluded about one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The agent's interval lies at or above the threshold.
    Holds,
    /// After the cap, the interval still straddles the threshold.
    Unclear,
    /// The oracle failed under it: the task may be impossible, so no break.
    Impossible,
    /// It broke the agent on search seeds but not on the fresh verification block.
    NotVerified,
    /// A verified break: the result.
    Verified,
    /// The budget ran out before this candidate was settled.
    OutOfBudget,
}

/// One candidate the search tried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// The change, as `--perturb` takes it.
    pub spec: String,
    /// Its cost.
    pub cost: Cost,
    /// The agent on search seeds.
    pub agent: Tally,
    /// Episodes spent on it (agent and oracle, verification included).
    pub episodes: u64,
    /// What the search concluded.
    pub verdict: Verdict,
}

/// A verified break.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Break {
    /// The change, as `--perturb` takes it.
    pub spec: String,
    /// Its cost.
    pub cost: Cost,
    /// The agent on the verification block.
    pub agent: Tally,
    /// The oracle on the same block.
    pub oracle: Tally,
    /// The first seed of the verification block.
    pub verify_seed: u64,
    /// What each kind does, from the catalog: (kind, description).
    pub kinds: Vec<(String, String)>,
    /// What the change did in the episode of the first verification seed, in words.
    pub changes: Vec<String>,
}

/// What the search found and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakReport {
    /// Site name.
    pub site: String,
    /// Task name.
    pub task: String,
    /// Policy name or file.
    pub policy: String,
    /// The settings.
    pub config: BreakConfig,
    /// The first search seed.
    pub search_seed: u64,
    /// The agent unperturbed, on search seeds.
    pub baseline: Tally,
    /// Every candidate tried, in order.
    pub path: Vec<Attempt>,
    /// The cheapest verified break, if any.
    pub found: Option<Break>,
    /// Episodes played in all (never more than the budget).
    pub episodes: u64,
    /// Why the search stopped, in words.
    pub stopped: String,
}

impl BreakReport {
    /// The report as `wobble break --json` prints it.
    pub fn to_json(&self) -> String {
        // Plain structs of numbers and strings: serializing them cannot fail.
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"the report could not be written: {e}\"}}"))
    }
}
