//! # Wobble's environments in Gymnasium's and BrowserGym's shapes
//!
//! [`GymEnv`] is one environment of one task, in one of two modes:
//!
//! - [`Mode::Rl`]: the observation is fixed-size arrays of candidate
//!   features with a mask ([`rl`]); the action is a candidate's index.
//! - [`Mode::Text`]: the observation is the goal, the page's accessibility
//!   tree with element ids ([`axtree`]), its address and the last action's
//!   error; the action is a BrowserGym action string ([`text_action`]).
//!
//! [`sweep`] plays the brittleness sweep in blocks that any process can
//! play, and files them into `wobble sweep`'s very output.
//!
//! [`Batch`] steps many rl-mode environments at once, for a caller that
//! wants one call per step of all of them (the Python package's `VecEnv`).
//!
//! ```text
//! Python (gymnasium.Env / VectorEnv) --pyo3, crates/py--> GymEnv / Batch --> wobble_engine::Env
//!                                                        \-> Featurizer (wobble_policy) for rl arrays
//! ```
//!
//! An action that cannot be carried out (a masked candidate, a malformed
//! string, an element that is not on the page) still lets a step pass, as
//! time passes in a browser, and is reported in
//! [`GymEnv::last_action_error`]; only a call that breaks the environment's
//! contract (no reset yet, a step after the end, an index outside the
//! action space) is an [`GymError`]. Nothing here panics on input.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod axtree;
mod batch;
pub mod call;
mod pool;
pub mod rl;
pub mod sweep;
pub mod text_action;

pub use batch::{Batch, Frame, MAX_ENVS};
pub use pool::{Pool, StepFailure};

use std::fmt;
use text_action::Intent;
use wobble_engine::catalog::{self, Blueprint, OpenError, Source};
use wobble_engine::{Action, Env, Outcome};
use wobble_policy::learned::features::{FeatureSet, Featurizer};

/// How an environment is observed and acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Candidate feature arrays; actions are candidate indices.
    Rl,
    /// An accessibility tree; actions are BrowserGym strings.
    Text,
}

impl Mode {
    /// Reads `"rl"` or `"text"`.
    pub fn parse(text: &str) -> Result<Mode, String> {
        match text {
            "rl" => Ok(Mode::Rl),
            "text" => Ok(Mode::Text),
            other => Err(format!("mode must be \"rl\" or \"text\", got {other:?}")),
        }
    }
}

/// A call that breaks the environment's contract.
#[derive(Debug, Clone, PartialEq)]
pub enum GymError {
    /// `step` before the first `reset`.
    NotStarted,
    /// `step` after the episode ended.
    Over,
    /// An rl action outside `0..max_candidates`.
    Index {
        /// What was given.
        index: i64,
        /// The size of the action space.
        max: usize,
    },
    /// A text action in rl mode or an index in text mode.
    WrongMode(Mode),
}

impl fmt::Display for GymError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GymError::NotStarted => f.write_str("step before reset: call reset() first"),
            GymError::Over => f.write_str("the episode has ended: call reset() before stepping again"),
            GymError::Index { index, max } => write!(
                f,
                "action: candidate index {index} is outside the action space 0..{max}"
            ),
            GymError::WrongMode(Mode::Rl) => {
                f.write_str("action: this environment is in mode \"rl\": give a candidate index")
            }
            GymError::WrongMode(Mode::Text) => f.write_str(
                "action: this environment is in mode \"text\": give an action string such as \"click('12')\"",
            ),
        }
    }
}

/// What a step gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stepped {
    /// The engine's reward (raw: +1 or -1 at the end, 0 before).
    pub reward: f32,
    /// The task ended.
    pub terminated: bool,
    /// The step limit ended the episode.
    pub truncated: bool,
}

/// One environment of one task.
pub struct GymEnv {
    env: Env,
    mode: Mode,
    features: FeatureSet,
    featurizer: Featurizer,
    max_candidates: usize,
    started: bool,
    last_action: String,
    last_error: String,
}

impl GymEnv {
    /// Opens a site (shipped, by name, or a site file's text) at a task (the
    /// first when `None`) under a perturbation spec. Errors name the part.
    pub fn open(
        source: Source<'_>,
        task: Option<&str>,
        perturb: Option<&str>,
        mode: Mode,
    ) -> Result<GymEnv, String> {
        let env = catalog::open(source, task, perturb).map_err(describe_open_error)?;
        Ok(GymEnv::with_env(env, mode))
    }

    /// An environment over an opened engine environment.
    pub fn with_env(env: Env, mode: Mode) -> GymEnv {
        GymEnv {
            env,
            mode,
            features: FeatureSet::default(),
            featurizer: Featurizer::default(),
            max_candidates: rl::DEFAULT_MAX_CANDIDATES,
            started: false,
            last_action: String::new(),
            last_error: String::new(),
        }
    }

    /// A fresh environment of the same site, task, perturbation and settings.
    pub fn copy(&self) -> GymEnv {
        self.recipe().open()
    }

    /// What makes more environments like this one, on any thread.
    pub fn recipe(&self) -> Recipe {
        Recipe {
            blueprint: Blueprint::of(&self.env),
            mode: self.mode,
            features: self.features,
            max_candidates: self.max_candidates,
        }
    }

    /// Which feature groups the rl arrays hold (the learned policy's default otherwise).
    pub fn set_features(&mut self, features: FeatureSet) {
        self.features = features;
    }

    /// The number of candidate rows of the rl arrays (and of the action space).
    pub fn set_max_candidates(&mut self, max: usize) -> Result<(), String> {
        if !(1..=4096).contains(&max) {
            return Err(format!("max_candidates must be from 1 to 4096, got {max}"));
        }
        self.max_candidates = max;
        Ok(())
    }

    /// The number of candidate rows.
    pub fn max_candidates(&self) -> usize {
        self.max_candidates
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The engine environment (for what the caller reports: site, task, outcome).
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// Starts an episode with this seed.
    pub fn reset(&mut self, seed: u64) {
        self.env.reset(seed);
        self.started = true;
        self.last_action.clear();
        self.last_error.clear();
        self.observe();
    }

    /// Whether an episode has started and not ended.
    pub fn running(&self) -> Result<(), GymError> {
        if !self.started {
            Err(GymError::NotStarted)
        } else if self.env.is_done() {
            Err(GymError::Over)
        } else {
            Ok(())
        }
    }

    fn observe(&mut self) {
        if self.mode == Mode::Rl {
            self.featurizer.compute(&self.env, &self.features);
        }
    }

    /// Takes rl action `index`. A padded (masked) index lets a step pass and
    /// sets [`GymEnv::last_action_error`].
    pub fn step_index(&mut self, index: i64) -> Result<Stepped, GymError> {
        if self.mode != Mode::Rl {
            return Err(GymError::WrongMode(self.mode));
        }
        self.running()?;
        let max = self.max_candidates;
        let Some(i) = usize::try_from(index).ok().filter(|&i| i < max) else {
            return Err(GymError::Index { index, max });
        };
        self.last_error.clear();
        let legal = self.featurizer.candidates.len().min(max);
        let action = if i < legal {
            self.featurizer.action(&self.env, i)
        } else {
            None
        };
        let action = action.unwrap_or_else(|| {
            self.last_error = format!(
                "candidate {i} is not legal now: {legal} candidates are (see action_mask); a step passed"
            );
            Action::Scroll(0.0)
        });
        Ok(self.take(&action))
    }

    /// Takes a BrowserGym action string. A string that cannot be carried out
    /// lets a step pass and sets [`GymEnv::last_action_error`].
    pub fn step_text(&mut self, text: &str) -> Result<Stepped, GymError> {
        if self.mode != Mode::Text {
            return Err(GymError::WrongMode(self.mode));
        }
        self.running()?;
        self.last_action.clear();
        self.last_action.push_str(text);
        self.last_error.clear();
        let action = match text_action::read(&self.env, text) {
            Ok(Intent::Act(a)) => a,
            Ok(Intent::Wait) => Action::Scroll(0.0),
            Err(e) => {
                self.last_error = e;
                Action::Scroll(0.0)
            }
        };
        Ok(self.take(&action))
    }

    fn take(&mut self, action: &Action) -> Stepped {
        let result = match self.env.step(action) {
            Ok(r) => r,
            Err(e) => {
                // Checked before: an element that is listed exists. Should the engine still
                // refuse, the step passes as a wait and says why.
                self.last_error = format!("the page refused the action: {e}");
                self.env
                    .step(&Action::Scroll(0.0))
                    .unwrap_or(wobble_engine::StepResult {
                        reward: 0.0,
                        terminated: false,
                        truncated: false,
                    })
            }
        };
        self.observe();
        Stepped {
            reward: result.reward,
            terminated: result.terminated,
            truncated: result.truncated && !result.terminated,
        }
    }

    /// Writes the rl arrays of the current step; returns how many candidates
    /// did not fit in `max_candidates` rows (they cannot be chosen).
    pub fn write_rl(&self, out: rl::Arrays<'_>) -> usize {
        rl::write(&self.env, &self.featurizer, &self.features, out)
    }

    /// The number of legal candidates now (rl mode).
    pub fn legal(&self) -> usize {
        self.featurizer.candidates.len().min(self.max_candidates)
    }

    /// The last text action as given (text mode).
    pub fn last_action(&self) -> &str {
        &self.last_action
    }

    /// Why the last action could not be carried out, or empty.
    pub fn last_action_error(&self) -> &str {
        &self.last_error
    }

    /// How the episode ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.env.outcome()
    }

    /// What the perturbations changed in this episode, in words.
    pub fn changes(&self) -> Vec<String> {
        self.env
            .changes()
            .iter()
            .filter(|c| c.applied)
            .map(|c| c.text.clone())
            .collect()
    }

    /// The focused element's id as text, or empty.
    pub fn focused(&self) -> String {
        self.env.focus().map(|f| f.to_string()).unwrap_or_default()
    }
}

/// An opening error in the Python package's terms: it names the argument
/// (`site`, `task`, `perturb`); a site file's error names its file and line.
pub fn describe_open_error(e: OpenError) -> String {
    match e {
        OpenError::Perturb { spec, error } => format!("perturb {spec:?}: {error}"),
        OpenError::UnknownSite(_) => format!("site: {e}"),
        OpenError::Task(_) => format!("task: {e}"),
        other => other.to_string(),
    }
}

/// Everything that makes a [`GymEnv`]: it can be sent to another thread,
/// where [`Recipe::open`] makes the environment.
#[derive(Debug, Clone)]
pub struct Recipe {
    blueprint: Blueprint,
    mode: Mode,
    features: FeatureSet,
    max_candidates: usize,
}

impl Recipe {
    /// A fresh environment, before its first reset.
    pub fn open(&self) -> GymEnv {
        let mut env = GymEnv::with_env(self.blueprint.open(), self.mode);
        env.features = self.features;
        env.max_candidates = self.max_candidates;
        env
    }

    /// The number of candidate rows of the environments it makes.
    pub fn max_candidates(&self) -> usize {
        self.max_candidates
    }
}

/// The shipped sites and each one's tasks, in the catalog's order.
pub fn shipped() -> Vec<(String, Vec<String>)> {
    wobble_engine::builtin::site_names()
        .filter_map(|name| {
            let site = wobble_engine::builtin::load_builtin(name).ok()?;
            Some((name.to_string(), site.task_names()))
        })
        .collect()
}
