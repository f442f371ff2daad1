//! The learned policy: a small network that scores candidate actions.
//!
//! Data flow: [`features`] turns each legal candidate of the current step
//! into dense features and hashed tokens; [`net`] scores them and takes a
//! softmax; [`LearnedPolicy`] samples (while training) or takes the best
//! (when evaluating). [`train`] improves the weights by REINFORCE with a
//! baseline, PPO, or behaviour cloning of recorded episodes, with optional
//! potential-based shaping from [`wobble_engine::Env::potential`].
//! Policies save to and load from versioned JSON.

pub mod context;
pub mod features;
pub mod link;
pub mod net;
pub mod options;
pub mod remote;
pub mod screen;
pub mod train;

use crate::seeds::SeedRange;
use crate::Policy;
use features::{FeatureSet, Featurizer};
use net::{Net, Pass};
use serde::{Deserialize, Serialize};
use wobble_engine::rng::Rng;
use wobble_engine::{Action, Env};

/// Format version of policy files.
///
/// Version 2 added the context features, typed numbers of the instruction
/// and the `finish` candidate: a version 1 network reads another layout.
pub const POLICY_VERSION: u32 = 2;
/// The `format` field of policy files.
pub const POLICY_FORMAT: &str = "wobble-policy";

/// A learned policy: weights, the features it reads, and how it was made.
#[derive(Debug, Clone)]
pub struct LearnedPolicy {
    /// The network.
    pub net: Net,
    /// Which feature groups it reads.
    pub features: FeatureSet,
    /// How it was trained (kept in its file).
    pub provenance: Provenance,
    /// Sample from the softmax (the default) instead of always taking the
    /// most probable action, which can loop (typing the same field again).
    /// Sampling is seeded by the episode's seed, so evaluations repeat exactly.
    pub sample: bool,
    rng: Rng,
    featurizer: Featurizer,
    pass: Pass,
}

/// Where a policy came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// Site it was trained on.
    pub site: String,
    /// Task it was trained on.
    pub task: String,
    /// Algorithm and settings, in words.
    pub training: String,
    /// The command that made it.
    pub command: String,
    /// Training seed.
    pub seed: u64,
    /// Episodes of training.
    pub episodes: u64,
    /// The episode seeds training played (all below 2^63, where evaluation
    /// seeds start: see [`crate::seeds`]).
    #[serde(default)]
    pub training_seeds: SeedRange,
}

/// The file form of a policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PolicyFile {
    format: String,
    version: u32,
    provenance: Provenance,
    features: FeatureSet,
    net: Net,
}

/// Parses a policy file's JSON, checking its size, format and version (not
/// yet its shape: [`LearnedPolicy::from_file`] does).
fn parse_file(text: &str) -> Result<PolicyFile, String> {
    wobble_engine::limits::check_size(
        "policy",
        text.len() as u64,
        wobble_engine::limits::MAX_POLICY_BYTES,
    )?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not a JSON policy file: {e}"))?;
    let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("");
    if format != POLICY_FORMAT {
        return Err(format!(
            "not a Wobble policy file (its \"format\" is {format:?}, expected \"{POLICY_FORMAT}\")"
        ));
    }
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version != POLICY_VERSION as u64 {
        return Err(format!(
            "policy file version {version} is not supported (expected {POLICY_VERSION}); retrain it with this version of wobble"
        ));
    }
    serde_json::from_value(value).map_err(|e| format!("policy file: {e}"))
}

impl LearnedPolicy {
    /// A fresh, untrained policy.
    pub fn new(features: FeatureSet, hidden: usize, seed: u64) -> LearnedPolicy {
        LearnedPolicy {
            net: Net::new(hidden, seed),
            features,
            provenance: Provenance::default(),
            sample: true,
            rng: Rng::new(seed ^ 0x5A4D_504C_0000_0001),
            featurizer: Featurizer::default(),
            pass: Pass::default(),
        }
    }

    /// Reseeds the sampling stream.
    pub fn reseed(&mut self, seed: u64) {
        self.rng = Rng::new(seed ^ 0x5A4D_504C_0000_0001);
    }

    /// The policy as JSON.
    pub fn to_json(&self) -> String {
        self.file_json(self.net.clone())
    }

    /// The file's JSON with `net` (the policy's own, or its shape alone) as its network.
    fn file_json(&self, net: Net) -> String {
        let file = PolicyFile {
            format: POLICY_FORMAT.into(),
            version: POLICY_VERSION,
            provenance: self.provenance.clone(),
            features: self.features,
            net,
        };
        serde_json::to_string(&file).unwrap_or_default()
    }

    /// The policy in the packed form [`LearnedPolicy::from_packed`] reads: its JSON with an
    /// empty `net.params`, and the parameters as little-endian `f32`s.
    pub fn to_packed(&self) -> (String, Vec<u8>) {
        let shape = Net {
            layout: self.net.layout,
            params: Vec::new(),
        };
        let params = self
            .net
            .params
            .iter()
            .flat_map(|p| p.to_le_bytes())
            .collect();
        (self.file_json(shape), params)
    }

    /// Reads a policy from JSON, checking its format, version and shape.
    pub fn from_json(text: &str) -> Result<LearnedPolicy, String> {
        LearnedPolicy::from_file(parse_file(text)?)
    }

    /// Reads a policy whose JSON has an empty `net.params` and whose
    /// parameters come separately as little-endian `f32`s: the form the web
    /// app embeds (its `build.rs` packs the shipped files so), since binary
    /// floats compress a quarter smaller than their decimals. The parameters
    /// are the same bits as the JSON file's.
    pub fn from_packed(json: &str, params: &[u8]) -> Result<LearnedPolicy, String> {
        if !params.len().is_multiple_of(4) {
            return Err(format!(
                "packed policy: {} bytes of parameters is not a whole number of f32s",
                params.len()
            ));
        }
        let mut file = parse_file(json)?;
        file.net.params = params
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap_or_default()))
            .collect();
        LearnedPolicy::from_file(file)
    }

    /// Checks a parsed file's shape and makes the policy.
    fn from_file(file: PolicyFile) -> Result<LearnedPolicy, String> {
        let want = file.net.layout.len();
        if file.net.layout.hidden == 0 || file.net.layout.hidden > 1024 {
            return Err(format!(
                "policy file: {} hidden units is not a usable size (1 to 1024)",
                file.net.layout.hidden
            ));
        }
        if file.net.params.len() != want {
            return Err(format!(
                "policy file: the network has {} parameters but its shape ({} hidden units) needs {want}",
                file.net.params.len(),
                file.net.layout.hidden
            ));
        }
        if let Some(i) = file.net.params.iter().position(|p| !p.is_finite()) {
            return Err(format!("policy file: parameter {i} is not a finite number"));
        }
        let mut policy = LearnedPolicy::new(file.features, file.net.layout.hidden, 0);
        policy.net = file.net;
        policy.provenance = file.provenance;
        Ok(policy)
    }

    /// Probabilities over `env.candidates()` (after a forward pass), then
    /// over the learner's own candidates ([`features::Featurizer::extra`]).
    pub fn probabilities(&mut self, env: &Env) -> &[f32] {
        self.featurizer.compute(env, &self.features);
        self.net
            .forward(&self.featurizer.candidates, &mut self.pass);
        &self.pass.probs
    }
}

impl Policy for LearnedPolicy {
    fn name(&self) -> &str {
        "learned"
    }

    fn begin_episode(&mut self, env: &Env) {
        self.reseed(env.seed());
    }

    fn act(&mut self, env: &Env) -> Action {
        let sample = self.sample;
        let u = self.rng.unit_f64() as f32;
        let probs = self.probabilities(env);
        if probs.is_empty() {
            return Action::Finish;
        }
        let choice = if sample {
            pick(probs, u)
        } else {
            argmax(probs)
        };
        // One probability per candidate, so `choice` is one of them.
        self.featurizer
            .action(env, choice)
            .unwrap_or(Action::Finish)
    }
}

/// Index of the largest value (the first on a tie).
pub fn argmax(values: &[f32]) -> usize {
    let Some(&first) = values.first() else {
        return 0;
    };
    let (mut best, mut best_value) = (0, first);
    for (i, &v) in values.iter().enumerate() {
        if v > best_value {
            (best, best_value) = (i, v);
        }
    }
    best
}

/// Samples an index from probabilities with a uniform number `u` in [0, 1).
pub fn pick(probs: &[f32], u: f32) -> usize {
    let mut acc = 0.0;
    for (i, &p) in probs.iter().enumerate() {
        acc += p;
        if u < acc {
            return i;
        }
    }
    probs.len().saturating_sub(1)
}
