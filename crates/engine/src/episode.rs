//! Episode records: what happened, step by step, exportable as JSON and
//! replayable. A record keeps the site, task, seed, the perturbations and
//! what they changed, the digest of every observation, every action and
//! reward, and the outcome with its reason.
//! Replaying it on a fresh environment must reproduce every digest.

use crate::env::{Env, Outcome, StepError};
use crate::perturb::{Change, PerturbSpec};
use crate::Action;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Format version of [`EpisodeRecord`] JSON.
/// Version 2 added the perturbations and their changes, and the observation
/// digest came to cover selectors and the theme. Version 3 writes actions in
/// the agent protocol's shape ([`crate::action`]).
pub const RECORD_VERSION: u32 = 3;

/// The oldest version still read: version 2 differs only in how actions are
/// written, and [`Action`]'s reader takes that shape too.
pub const OLDEST_READABLE_VERSION: u32 = 2;

/// One recorded step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// The action taken.
    pub action: Action,
    /// Reward received.
    pub reward: f32,
    /// Digest of the observation after the step (hex).
    pub digest: String,
    /// The task ended here.
    pub terminated: bool,
    /// The step limit ended it here.
    pub truncated: bool,
}

/// A whole episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeRecord {
    /// Format version.
    pub version: u32,
    /// Site name.
    pub site: String,
    /// Task name.
    pub task: String,
    /// Seed.
    pub seed: u64,
    /// The perturbations applied at reset (`relabel:2,popup:2`; empty for none).
    #[serde(default)]
    pub perturbations: PerturbSpec,
    /// What they changed, in words.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// The instruction shown.
    pub instruction: String,
    /// Digest of the first observation (hex).
    pub initial_digest: String,
    /// Steps in order.
    pub steps: Vec<StepRecord>,
    /// How it ended, if it did.
    pub outcome: Option<Outcome>,
}

/// Why a replay did not reproduce a record.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplayError {
    /// The record is for another site or task.
    WrongEnvironment(String),
    /// The record's version is not understood.
    Version(u32),
    /// An action was refused.
    Step(usize, StepError),
    /// An observation differed.
    Diverged {
        /// Step index (0 is the initial observation).
        step: usize,
        /// Recorded digest.
        expected: String,
        /// Replayed digest.
        found: String,
    },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::WrongEnvironment(m) => write!(f, "{m}"),
            ReplayError::Version(v) => write!(
                f,
                "episode format version {v} is not supported (expected {OLDEST_READABLE_VERSION} to {RECORD_VERSION})"
            ),
            ReplayError::Step(i, e) => write!(f, "step {}: {e}", i + 1),
            ReplayError::Diverged {
                step,
                expected,
                found,
            } => {
                write!(f, "replay diverged at step {step}: recorded observation {expected}, replayed {found}")
            }
        }
    }
}

impl std::error::Error for ReplayError {}

/// Hex form of a digest.
pub fn hex(d: u64) -> String {
    format!("{d:016x}")
}

/// Records an episode while it is played.
#[derive(Debug, Clone)]
pub struct Recorder {
    record: EpisodeRecord,
}

impl Recorder {
    /// Starts recording right after `env.reset(..)`.
    pub fn start(env: &Env) -> Recorder {
        Recorder {
            record: EpisodeRecord {
                version: RECORD_VERSION,
                site: env.site().name.clone(),
                task: env.task_name().to_string(),
                seed: env.seed(),
                perturbations: env.perturbations().clone(),
                changes: env.changes().to_vec(),
                instruction: env.instruction().to_string(),
                initial_digest: hex(env.observation_digest()),
                steps: Vec::new(),
                outcome: None,
            },
        }
    }

    /// Steps the environment and records the step.
    pub fn step(&mut self, env: &mut Env, action: &Action) -> Result<crate::StepResult, StepError> {
        let r = env.step(action)?;
        self.record.steps.push(StepRecord {
            action: action.clone(),
            reward: r.reward,
            digest: hex(env.observation_digest()),
            terminated: r.terminated,
            truncated: r.truncated,
        });
        if r.terminated || r.truncated {
            self.record.outcome = env.outcome().cloned();
        }
        Ok(r)
    }

    /// The record so far.
    pub fn record(&self) -> &EpisodeRecord {
        &self.record
    }

    /// The finished record.
    pub fn finish(self) -> EpisodeRecord {
        self.record
    }
}

impl EpisodeRecord {
    /// Reads an episode file, refusing one over [`MAX_EPISODE_BYTES`](crate::limits::MAX_EPISODE_BYTES)
    /// before parsing it. The error says what is wrong and, for bad JSON, where.
    pub fn from_json(text: &str) -> Result<EpisodeRecord, String> {
        crate::limits::check_size(
            "episode",
            text.len() as u64,
            crate::limits::MAX_EPISODE_BYTES,
        )?;
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// Replays the record on `env` (same site and task, the record's
    /// perturbations), checking every digest.
    pub fn replay(&self, env: &mut Env) -> Result<(), ReplayError> {
        if !(OLDEST_READABLE_VERSION..=RECORD_VERSION).contains(&self.version) {
            return Err(ReplayError::Version(self.version));
        }
        if env.site().name != self.site || env.task_name() != self.task {
            return Err(ReplayError::WrongEnvironment(format!(
                "the episode is for {}/{}, not {}/{}",
                self.site,
                self.task,
                env.site().name,
                env.task_name()
            )));
        }
        env.set_perturbations(self.perturbations.clone());
        env.reset(self.seed);
        let found = hex(env.observation_digest());
        if found != self.initial_digest {
            return Err(ReplayError::Diverged {
                step: 0,
                expected: self.initial_digest.clone(),
                found,
            });
        }
        for (i, s) in self.steps.iter().enumerate() {
            env.step(&s.action).map_err(|e| ReplayError::Step(i, e))?;
            let found = hex(env.observation_digest());
            if found != s.digest {
                return Err(ReplayError::Diverged {
                    step: i + 1,
                    expected: s.digest.clone(),
                    found,
                });
            }
        }
        Ok(())
    }

    /// A digest of the whole record (for cross-platform comparison).
    pub fn digest(&self) -> u64 {
        let mut h = crate::obs::Fnv::default();
        h.str(&self.initial_digest);
        for s in &self.steps {
            h.str(&s.digest);
            h.f32(s.reward);
        }
        h.finish()
    }
}
