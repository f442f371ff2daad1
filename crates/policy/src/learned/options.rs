//! Training settings as people write them (`wobble train`'s options, the
//! Python package's keyword arguments), turned into a [`TrainConfig`] one
//! way for both, so the same settings train the same weights wherever they
//! are given.

use super::features::FeatureSet;
use super::train::{Algo, Randomization, TrainConfig};

/// The feature groups a policy sees unless told otherwise.
pub const DEFAULT_FEATURES: &str = "role,label,goal-match,position,page,step,context";

/// Training settings as given; [`TrainOptions::config`] checks them.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    /// `ppo`, `reinforce` or `bc`.
    pub algo: String,
    /// Feature groups ([`FeatureSet::parse`]).
    pub features: String,
    /// Perturbations drawn per training episode: `KIND[:SEVERITY][@PROBABILITY],...`.
    pub perturb: Option<String>,
    /// Training episodes after the warm start.
    pub episodes: u64,
    /// Oracle episodes cloned first.
    pub warm_start: u64,
    /// Potential-based shaping from sub-goals.
    pub shaping: bool,
    /// Hidden units (1 to 1024).
    pub hidden: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// Episodes per update (at least 1).
    pub batch: usize,
    /// Discount (0 to 1).
    pub gamma: f32,
    /// Entropy bonus (at least 0).
    pub entropy: f32,
    /// Seed of the weights, the sampling and the episodes.
    pub seed: u64,
    /// Threads on this machine (any number gives the same weights).
    pub threads: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        let c = TrainConfig::default();
        TrainOptions {
            algo: c.algo.name().to_string(),
            features: DEFAULT_FEATURES.to_string(),
            perturb: None,
            episodes: c.episodes,
            warm_start: c.warm_start,
            shaping: c.shaping,
            hidden: c.hidden,
            lr: c.lr,
            batch: c.batch,
            gamma: c.gamma,
            entropy: c.entropy,
            seed: c.seed,
            threads: c.threads,
        }
    }
}

impl TrainOptions {
    /// The training configuration; an error names the setting (`algo`,
    /// `features`, `perturb`, `lr`) and says what is wrong.
    pub fn config(&self) -> Result<TrainConfig, (&'static str, String)> {
        let randomization = match self.perturb.as_deref() {
            None => Randomization::default(),
            Some(text) => Randomization::parse(text).map_err(|e| ("perturb", e))?,
        };
        if self.threads == 0 {
            return Err((
                "threads",
                "must be at least 1 (the policy is the same on any number of cores)".into(),
            ));
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(("lr", format!("must be a positive number, got {}", self.lr)));
        }
        Ok(TrainConfig {
            algo: Algo::parse(&self.algo).map_err(|e| ("algo", e))?,
            episodes: self.episodes,
            seed: self.seed,
            features: FeatureSet::parse(&self.features).map_err(|e| ("features", e))?,
            hidden: self.hidden.clamp(1, 1024),
            lr: self.lr,
            batch: self.batch.max(1),
            gamma: if self.gamma.is_nan() {
                1.0
            } else {
                self.gamma.clamp(0.0, 1.0)
            },
            entropy: if self.entropy.is_nan() {
                0.0
            } else {
                self.entropy.max(0.0)
            },
            shaping: self.shaping,
            warm_start: self.warm_start,
            randomization,
            threads: self.threads.max(1),
            ..TrainConfig::default()
        })
    }
}

/// Refuses a behaviour-cloning run that would clone nothing, or that was
/// given a warm start it would ignore: with `bc` and no recorded episodes,
/// `episodes` counts the oracle episodes cloned and nothing else is done.
/// Call it once the recorded episodes are in `config.demos`.
pub fn check_cloning(config: &TrainConfig) -> Result<(), (&'static str, String)> {
    if config.algo != Algo::Bc || !config.demos.is_empty() {
        return Ok(());
    }
    if config.warm_start > 0 {
        return Err((
            "warm-start",
            format!(
                "has no effect with --algo bc, whose --episodes are the oracle episodes it clones; drop it, or ask for {} episodes",
                config.episodes.saturating_add(config.warm_start)
            ),
        ));
    }
    if config.episodes == 0 {
        return Err((
            "episodes",
            "is 0, so --algo bc would clone nothing and write an untrained policy; give the number of oracle episodes to clone, or --demos FILE".into(),
        ));
    }
    Ok(())
}
