//! Training: REINFORCE with a baseline, PPO, and behaviour cloning.
//!
//! Episodes are played on the caller's [`Env`] with seeds `seed, seed+1, ...`;
//! each step keeps the candidates' features, the chosen index, its
//! probability and the baseline's value. Rewards are the environment's raw
//! rewards plus, when shaping is on, `gamma * potential(s') - potential(s)`
//! (zero potential after the last step), which leaves the optimal policy
//! unchanged while rewarding sub-goals (a field filled correctly, a page
//! closer to the end). Behaviour cloning fits the policy to the oracle's
//! choices (or any recorded episode's) and serves as a warm start.
//!
//! Everything is seeded and uses `libm`, so the same settings give the same
//! weights natively and on wasm32.
//!
//! Training can use several threads ([`TrainConfig::threads`], native only)
//! with exactly the weights of one thread. Two rules make that hold: every
//! episode samples from its own random stream (made from the training seed and
//! the episode's seed, see [`episode_rng`]), so the episodes of a batch can be
//! played in any order on any thread; and each gradient is taken episode by
//! episode into its own buffer, the buffers then summed in episode order, so
//! the floating-point sums do not depend on how the episodes were shared out.

use super::features::{Candidate, FeatureSet, Featurizer, StateFeatures};
use super::net::{Activation, Adam, Pass};
use super::{pick, LearnedPolicy};
use crate::parallel::share;
use crate::seeds::{training_episode_seed, training_seeds, EVALUATION_SEEDS_START};
use crate::{OraclePolicy, Policy};
use serde::{Deserialize, Serialize};
use wobble_engine::perturb::{Kind, PerturbSpec, Perturbation};
use wobble_engine::rng::Rng;
use wobble_engine::{Action, Env, EpisodeRecord};

/// How the weights are improved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algo {
    /// REINFORCE with a learned baseline.
    Reinforce,
    /// Proximal policy optimization (clipped objective, GAE).
    Ppo,
    /// Behaviour cloning of the oracle only.
    Bc,
}

impl Algo {
    /// Parses `reinforce`, `ppo` or `bc`.
    pub fn parse(text: &str) -> Result<Algo, String> {
        match text {
            "reinforce" => Ok(Algo::Reinforce),
            "ppo" => Ok(Algo::Ppo),
            "bc" => Ok(Algo::Bc),
            other => Err(format!(
                "unknown algorithm \"{other}\"; expected ppo, reinforce or bc"
            )),
        }
    }
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Algo::Reinforce => "reinforce",
            Algo::Ppo => "ppo",
            Algo::Bc => "bc",
        }
    }
}

/// Perturbations drawn per training episode: each kind of the spec is
/// applied with its probability (domain randomization).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Randomization {
    items: Vec<(Perturbation, f32)>,
}

impl Randomization {
    /// Parses `KIND[:SEVERITY][@PROBABILITY],...`, e.g. `move:2@0.5,relabel@0.3`
    /// (probability 1 when omitted).
    pub fn parse(text: &str) -> Result<Randomization, String> {
        let mut items = Vec::new();
        let mut plain = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (spec, p) = match part.split_once('@') {
                Some((s, p)) => {
                    let prob: f32 = p.trim().parse().map_err(|_| {
                        format!("\"{part}\": the probability \"{p}\" is not a number")
                    })?;
                    if !(0.0..=1.0).contains(&prob) {
                        return Err(format!(
                            "\"{part}\": the probability {prob} is not between 0 and 1"
                        ));
                    }
                    (s, prob)
                }
                None => (part, 1.0),
            };
            plain.push(spec.to_string());
            items.push(p);
        }
        let spec: PerturbSpec = plain.join(",").parse().map_err(|e| format!("{e}"))?;
        // The spec sorts its items; keep each probability with its kind.
        let mut out = Vec::new();
        for (text, prob) in plain.iter().zip(items) {
            let name = text.split(':').next().unwrap_or("").trim();
            if let Some(kind) = Kind::from_name(name) {
                let severity = spec.severity(kind).unwrap_or(2);
                out.push((Perturbation { kind, severity }, prob));
            }
        }
        Ok(Randomization { items: out })
    }

    /// True when nothing is perturbed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The kinds it can apply.
    pub fn kinds(&self) -> Vec<Kind> {
        self.items.iter().map(|(p, _)| p.kind).collect()
    }

    /// A spec drawn for one episode.
    pub fn draw(&self, rng: &mut Rng) -> PerturbSpec {
        let mut spec = PerturbSpec::none();
        for (p, prob) in &self.items {
            if (rng.unit_f64() as f32) < *prob {
                spec.set(p.kind, p.severity);
            }
        }
        spec
    }
}

impl std::fmt::Display for Randomization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (p, prob)) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}:{}", p.kind, p.severity)?;
            if *prob < 1.0 {
                write!(f, "@{prob}")?;
            }
        }
        Ok(())
    }
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Algorithm after the warm start.
    pub algo: Algo,
    /// Episodes of reinforcement learning (or of cloning, for `Bc`).
    pub episodes: u64,
    /// Seed of the weights, the sampling and the episodes.
    pub seed: u64,
    /// Feature groups.
    pub features: FeatureSet,
    /// Hidden units.
    pub hidden: usize,
    /// The hidden layer's activation (recorded in the policy file).
    pub activation: Activation,
    /// Adam's learning rate.
    pub lr: f32,
    /// Discount.
    pub gamma: f32,
    /// GAE's lambda (PPO).
    pub lambda: f32,
    /// PPO's clip range.
    pub clip: f32,
    /// Entropy bonus.
    pub entropy: f32,
    /// Episodes per update.
    pub batch: usize,
    /// PPO epochs per batch.
    pub epochs: usize,
    /// Potential-based shaping from sub-goals.
    pub shaping: bool,
    /// Oracle episodes cloned before reinforcement learning (0 for none).
    pub warm_start: u64,
    /// Perturbations drawn per training episode.
    pub randomization: Randomization,
    /// Adam steps of behaviour cloning over the demonstrations.
    pub clone_steps: usize,
    /// Recorded episodes (a person's, or any policy's) to clone before
    /// training; only successful ones teach.
    pub demos: Vec<EpisodeRecord>,
    /// Extra penalty, in training only, for running out of steps: without
    /// it, stalling until the limit costs no more than a wrong final click,
    /// and a policy that fears the click stops exploring it.
    pub timeout_penalty: f32,
    /// Threads that play episodes and take gradients (1 on wasm32, where
    /// there are none). Not a setting of the result: any number gives the
    /// same weights.
    pub threads: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            algo: Algo::Ppo,
            episodes: 2000,
            seed: 1,
            features: FeatureSet::default(),
            hidden: 16,
            activation: Activation::Rational,
            lr: 3e-3,
            // Episodes are short and capped: undiscounted returns give no
            // reason to stall before a risky final click.
            gamma: 1.0,
            lambda: 0.95,
            clip: 0.2,
            entropy: 0.02,
            batch: 16,
            epochs: 4,
            shaping: true,
            warm_start: 0,
            randomization: Randomization::default(),
            clone_steps: 400,
            timeout_penalty: 0.5,
            demos: Vec::new(),
            threads: 1,
        }
    }
}

impl TrainConfig {
    /// The settings in words, for policy files and reports.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} for {} episodes, seed {}, features {}, {} hidden, lr {}, {}",
            self.algo.name(),
            self.episodes,
            self.seed,
            self.features.names(),
            self.hidden,
            self.lr,
            if self.shaping {
                "potential-based shaping"
            } else {
                "terminal reward only"
            }
        );
        if !self.demos.is_empty() {
            s.push_str(&format!(", {} recorded episodes cloned", self.demos.len()));
        }
        if self.warm_start > 0 {
            s.push_str(&format!(
                ", warm start: {} oracle episodes cloned",
                self.warm_start
            ));
        }
        if !self.randomization.is_empty() {
            s.push_str(&format!(", perturbations {}", self.randomization));
        }
        s
    }
}

/// Progress of training, reported after every batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Episodes done (warm start included).
    pub episodes: u64,
    /// Of how many.
    pub total: u64,
    /// Success rate over the last (up to) 100 episodes.
    pub success_rate: f32,
    /// Mean raw return over the last (up to) 100 episodes.
    pub mean_return: f32,
    /// Mean steps over the last (up to) 100 episodes.
    pub mean_steps: f32,
    /// Environment steps played so far (warm start included): with the
    /// time, learning steps per second, the environment and the network together.
    pub steps: u64,
}

/// One step of a played episode.
#[derive(Debug, Clone)]
pub(super) struct StepData {
    pub(super) cands: Vec<Candidate>,
    pub(super) state: StateFeatures,
    pub(super) chosen: usize,
    pub(super) prob: f32,
    pub(super) value: f32,
    pub(super) reward: f32,
}

/// One episode of a batch: given its seed and perturbations, played on
/// whichever thread (or process, [`super::remote`]), it comes back with its
/// steps and its summary.
pub(super) struct Slot {
    pub(super) seed: u64,
    pub(super) spec: PerturbSpec,
    /// What learning needs of a sampled episode.
    pub(super) steps: Vec<StepData>,
    /// The oracle's choices, while cloning.
    pub(super) demos: Vec<(Vec<Candidate>, usize)>,
    pub(super) summary: Summary,
}

impl Slot {
    /// An episode to play.
    pub(super) fn new(seed: u64, spec: PerturbSpec) -> Slot {
        Slot {
            seed,
            spec,
            steps: Vec::new(),
            demos: Vec::new(),
            summary: (false, 0.0, 0),
        }
    }
}

/// Plays one slot on `env`: the oracle's episode while cloning (keeping its
/// choices), else the sampling policy's (keeping what learning needs).
pub(super) fn play_slot(
    env: &mut Env,
    scratch: &mut Scratch,
    slot: &mut Slot,
    policy: &LearnedPolicy,
    config: &TrainConfig,
    cloning: bool,
) {
    env.set_perturbations(slot.spec.clone());
    if cloning {
        oracle_demo(env, &config.features, slot.seed, &mut slot.demos);
    } else {
        let mut rng = episode_rng(config.seed, slot.seed);
        slot.steps = play(scratch, env, policy, slot.seed, &mut rng, config);
    }
    slot.summary = summary(env);
}

/// Plays training episodes somewhere else: given one request per part
/// ([`super::remote`]), it returns one result per part, in the same order.
pub type Remote = Box<dyn FnMut(Vec<Vec<u8>>) -> Result<Vec<Vec<u8>>, String>>;

/// Success, raw return and length of a finished episode (the progress window's entry).
type Summary = (bool, f32, u32);

fn summary(env: &Env) -> Summary {
    let o = env.outcome();
    (
        o.is_some_and(|o| o.success),
        o.map(|o| o.raw_reward).unwrap_or(0.0),
        env.steps(),
    )
}

/// The sampling stream of the training episode played with `episode_seed`.
/// Each episode has its own, so the episodes of a batch can be played in any
/// order, on any thread, with the same choices. (The episode seed is hashed
/// first: splitmix seeds that differ by a multiple of its increment would give
/// overlapping streams.)
fn episode_rng(training_seed: u64, episode_seed: u64) -> Rng {
    let hashed = Rng::new(episode_seed ^ 0x5341_4D50_4C45_5321).next_u64();
    Rng::new(hashed ^ training_seed)
}

/// Trains a policy on `env` (its site and task); calls `progress` after each batch.
pub fn train(
    env: &mut Env,
    config: &TrainConfig,
    progress: &mut dyn FnMut(&Progress),
) -> LearnedPolicy {
    let mut training = Training::new(env, config);
    while !training.advance(env, u64::MAX, progress) {}
    training.finish(env)
}

/// Where a [`Training`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Playing the oracle for demonstrations (warm start, or all of `Bc`).
    Cloning,
    /// Reinforcement learning.
    Learning,
    /// Nothing left to do.
    Done,
}

/// Training that can stop between episodes and carry on later: what
/// [`train`] does in one call, in pieces (for a caller that must answer
/// other messages meanwhile, such as a web worker). [`Training::advance`]
/// plays up to a number of episodes; [`Training::finish`] returns the policy,
/// early or not. Driven to the end, it gives exactly the weights of [`train`].
pub struct Training {
    config: TrainConfig,
    policy: LearnedPolicy,
    trainer: Trainer,
    phase: Phase,
    total: u64,
    done: u64,
    episode_seed: u64,
    window: Vec<(bool, f32, u32)>,
    /// Steps of every episode played so far.
    steps: u64,
    clone_episodes: u64,
    cloned: u64,
    clone_rng: Rng,
    demos: Vec<(Vec<Candidate>, usize)>,
    learned: u64,
    rng: Rng,
    batch: Vec<Vec<StepData>>,
    /// The episodes being played, kept for their storage.
    slots: Vec<Slot>,
    /// Where episodes are played when not on this machine's threads: in how many parts.
    remote: Option<(usize, Remote)>,
    /// Why training stopped early (a remote part failed).
    failure: Option<String>,
}

impl Training {
    /// Starts training on `env` (its site and task); replays the config's
    /// recorded episodes at once.
    pub fn new(env: &mut Env, config: &TrainConfig) -> Training {
        let mut policy = LearnedPolicy::new(config.features, config.hidden, config.seed);
        policy.net.layout.activation = config.activation;
        // More threads than episodes in a batch would have nothing to do.
        let threads = if cfg!(target_arch = "wasm32") {
            1
        } else {
            config.threads.clamp(1, config.batch.max(1))
        };
        let trainer = Trainer::new(config, &policy, threads);
        let clone_episodes = if config.algo == Algo::Bc && config.demos.is_empty() {
            config.episodes
        } else {
            config.warm_start
        };
        let mut demos: Vec<(Vec<Candidate>, usize)> = Vec::new();
        for record in &config.demos {
            // Checked by `demos_from_records`; a record that no longer replays is skipped.
            let _ = record_demo(env, record, &config.features, &mut demos);
        }
        Training {
            config: config.clone(),
            policy,
            trainer,
            phase: Phase::Cloning,
            total: config.warm_start + config.episodes,
            done: 0,
            episode_seed: training_episode_seed(config.seed, 0),
            window: Vec::new(),
            steps: 0,
            clone_episodes,
            cloned: 0,
            clone_rng: Rng::new(config.seed ^ 0x4243_0000),
            demos,
            learned: 0,
            rng: Rng::new(config.seed ^ 0x5241_4E44),
            batch: Vec::new(),
            slots: Vec::new(),
            remote: None,
            failure: None,
        }
    }

    /// Plays every later episode through `remote`, a batch at a time cut
    /// into `parts` contiguous parts (one request each): the weights are
    /// those of training here.
    pub fn set_remote(&mut self, parts: usize, remote: Remote) {
        self.remote = Some((parts.max(1), remote));
    }

    /// Why training stopped before its end, if it did (a remote part failed).
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// Episodes played so far (warm start included).
    pub fn episodes_done(&self) -> u64 {
        self.done
    }

    /// True when every episode has been played and learned from.
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// Success, return and length over the last (up to) 100 episodes.
    pub fn progress(&self) -> Progress {
        let n = self.window.len().max(1) as f32;
        Progress {
            episodes: self.done,
            total: self.total,
            success_rate: self.window.iter().filter(|w| w.0).count() as f32 / n,
            mean_return: self.window.iter().map(|w| w.1).sum::<f32>() / n,
            mean_steps: self.window.iter().map(|w| w.2 as f32).sum::<f32>() / n,
            steps: self.steps,
        }
    }

    fn push(&mut self, summary: Summary) {
        self.steps += u64::from(summary.2);
        self.window.push(summary);
        if self.window.len() > 100 {
            self.window.remove(0);
        }
    }

    /// Plays the next `n` episodes into `self.slots`, on every thread: the
    /// oracle's while cloning (keeping its choices as demonstrations), the
    /// sampling policy's while learning. Their seeds and perturbations are
    /// drawn here, in order, so the outcome is the same however the episodes
    /// are shared out.
    fn play_episodes(&mut self, env: &mut Env, n: usize) {
        let mut slots = std::mem::take(&mut self.slots);
        slots.clear();
        let cloning = self.phase == Phase::Cloning;
        for _ in 0..n {
            let rng = if cloning {
                &mut self.clone_rng
            } else {
                &mut self.rng
            };
            let spec = self.config.randomization.draw(rng);
            slots.push(Slot::new(self.episode_seed, spec));
            // Training seeds stay in the training half of the seed space.
            self.episode_seed = (self.episode_seed + 1) % EVALUATION_SEEDS_START;
        }
        let (policy, config) = (&self.policy, &self.config);
        if let Some((parts, remote)) = self.remote.as_mut() {
            let chunk = slots.len().div_ceil((*parts).max(1)).max(1);
            let requests = slots
                .chunks(chunk)
                .map(|part| super::remote::request(policy, config, cloning, part))
                .collect::<Vec<_>>();
            let asked = requests.len();
            let outcome = remote(requests).and_then(|results| {
                if results.len() != asked {
                    return Err(format!(
                        "{} results came back for {asked} requests",
                        results.len()
                    ));
                }
                slots
                    .chunks_mut(chunk)
                    .zip(&results)
                    .try_for_each(|(part, result)| super::remote::accept(result, part))
            });
            if let Err(e) = outcome {
                self.failure = Some(e);
            }
            self.slots = slots;
            return;
        }
        let play_slot = |env: &mut Env, scratch: &mut Scratch, slot: &mut Slot| {
            play_slot(env, scratch, slot, policy, config, cloning);
        };
        let (site, task, env_config) = (env.base_site().clone(), env.task_index(), env.config());
        // An environment cannot move between threads (its layout tree holds
        // pointers), so each other thread opens its own; the same site, task
        // and settings that opened `env` always open. This thread plays on `env`.
        share(
            &mut slots,
            &mut self.trainer.scratches,
            env,
            &|| Env::new(site.clone(), task, env_config).ok(),
            &|_, slot, scratch, env| play_slot(env, scratch, slot),
        );
        self.slots = slots;
    }

    fn update(&mut self) {
        match self.config.algo {
            Algo::Reinforce => self
                .trainer
                .reinforce(&mut self.policy, &self.batch, &self.config),
            _ => self
                .trainer
                .ppo(&mut self.policy, &self.batch, &self.config),
        }
        self.batch.clear();
    }

    /// Plays up to `max_episodes` more episodes (learning after each batch,
    /// reporting to `progress` as [`train`] does); returns true when
    /// training is over. Stopping mid-batch is fine: the batch waits for
    /// the next call.
    pub fn advance(
        &mut self,
        env: &mut Env,
        max_episodes: u64,
        progress: &mut dyn FnMut(&Progress),
    ) -> bool {
        let mut played = 0u64;
        while played < max_episodes {
            match self.phase {
                Phase::Cloning => {
                    if self.cloned < self.clone_episodes {
                        // Up to a batch at a time, to report as often as before.
                        let n = (self.clone_episodes - self.cloned)
                            .min(self.config.batch.max(1) as u64)
                            .min(max_episodes - played);
                        self.play_episodes(env, n as usize);
                        if self.failure.is_some() {
                            self.phase = Phase::Done;
                            return true;
                        }
                        let mut slots = std::mem::take(&mut self.slots);
                        for slot in &mut slots {
                            self.done += 1;
                            self.cloned += 1;
                            played += 1;
                            self.push(slot.summary);
                            self.demos.append(&mut slot.demos);
                            if self.done.is_multiple_of(self.config.batch as u64 * 4) {
                                progress(&self.progress());
                            }
                        }
                        self.slots = slots;
                        continue;
                    }
                    if !self.demos.is_empty() {
                        let steps = self.config.clone_steps;
                        self.trainer.clone_demos(
                            &mut self.policy,
                            &self.demos,
                            steps,
                            &mut self.clone_rng,
                        );
                        self.demos.clear();
                    }
                    if self.config.algo == Algo::Bc {
                        self.phase = Phase::Done;
                    } else {
                        self.policy.reseed(self.config.seed);
                        self.phase = Phase::Learning;
                    }
                }
                Phase::Learning => {
                    if self.learned >= self.config.episodes {
                        if !self.batch.is_empty() {
                            self.update();
                        }
                        self.phase = Phase::Done;
                        continue;
                    }
                    // The rest of the batch at once (its episodes all play the same weights).
                    let batch_room = self.config.batch.saturating_sub(self.batch.len()).max(1);
                    let n = (self.config.episodes - self.learned)
                        .min(batch_room as u64)
                        .min(max_episodes - played);
                    self.play_episodes(env, n as usize);
                    if self.failure.is_some() {
                        self.phase = Phase::Done;
                        return true;
                    }
                    let mut slots = std::mem::take(&mut self.slots);
                    for slot in &mut slots {
                        self.done += 1;
                        self.learned += 1;
                        played += 1;
                        self.push(slot.summary);
                        self.batch.push(std::mem::take(&mut slot.steps));
                    }
                    self.slots = slots;
                    if self.batch.len() >= self.config.batch {
                        self.update();
                        progress(&self.progress());
                    }
                }
                Phase::Done => break,
            }
        }
        if self.phase == Phase::Learning && self.learned >= self.config.episodes {
            if !self.batch.is_empty() {
                self.update();
            }
            self.phase = Phase::Done;
        }
        if self.phase == Phase::Done {
            progress(&self.progress());
        }
        self.phase == Phase::Done
    }

    /// The policy as trained so far (all of it once [`Training::advance`]
    /// returned true), with its provenance; leaves `env` unperturbed.
    pub fn finish(mut self, env: &mut Env) -> LearnedPolicy {
        env.set_perturbations(PerturbSpec::none());
        self.policy.provenance.site = env.site().name.clone();
        self.policy.provenance.task = env.task_name().to_string();
        self.policy.provenance.training = self.config.describe();
        self.policy.provenance.seed = self.config.seed;
        self.policy.provenance.episodes = self.total;
        if self.phase != Phase::Done {
            self.policy.provenance.training.push_str(&format!(
                " (stopped after {} of {} episodes)",
                self.done, self.total
            ));
            self.policy.provenance.episodes = self.done;
        }
        self.policy.provenance.training_seeds =
            training_seeds(self.config.seed, self.policy.provenance.episodes);
        self.policy
    }
}

/// Plays the oracle on one episode and keeps (features, chosen candidate) pairs.
fn oracle_demo(
    env: &mut Env,
    features: &FeatureSet,
    seed: u64,
    out: &mut Vec<(Vec<Candidate>, usize)>,
) {
    let mut oracle = OraclePolicy::default();
    let mut featurizer = Featurizer::default();
    env.reset(seed);
    oracle.begin_episode(env);
    while !env.is_done() {
        let action = oracle.act(env);
        featurizer.compute(env, features);
        if let Some(i) = featurizer.index_of(env, &action) {
            out.push((featurizer.candidates.clone(), i));
        }
        if env.step(&action).is_err() {
            break;
        }
    }
}

/// Replays a recorded episode and keeps (features, chosen candidate) pairs;
/// returns how many steps it taught. Fails, saying why, when the record is
/// for another site or task, did not succeed, or does not replay.
pub fn record_demo(
    env: &mut Env,
    record: &EpisodeRecord,
    features: &FeatureSet,
    out: &mut Vec<(Vec<Candidate>, usize)>,
) -> Result<usize, String> {
    if record.site != env.base_site().name || record.task != env.task_name() {
        return Err(format!(
            "the episode is for {}/{}, not {}/{}",
            record.site,
            record.task,
            env.base_site().name,
            env.task_name()
        ));
    }
    if !record.outcome.as_ref().is_some_and(|o| o.success) {
        return Err("the episode did not succeed, so it cannot teach the task".into());
    }
    env.set_perturbations(record.perturbations.clone());
    env.reset(record.seed);
    if wobble_engine::episode::hex(env.observation_digest()) != record.initial_digest {
        return Err(
            "its first page differs from the recorded one (another version of the site?)".into(),
        );
    }
    let mut featurizer = Featurizer::default();
    let mut taught = 0;
    for (i, step) in record.steps.iter().enumerate() {
        featurizer.compute(env, features);
        if let Some(c) = featurizer.index_of(env, &step.action) {
            out.push((featurizer.candidates.clone(), c));
            taught += 1;
        }
        env.step(&step.action)
            .map_err(|e| format!("step {} does not replay: {e}", i + 1))?;
        if wobble_engine::episode::hex(env.observation_digest()) != step.digest {
            return Err(format!(
                "step {} does not replay: the page differs from the recorded one (another version of the site?)",
                i + 1
            ));
        }
    }
    Ok(taught)
}

/// Checks recorded episodes before training: each must be for this site
/// and task, successful, and replay; the error names the first bad one.
pub fn check_records(env: &mut Env, records: &[EpisodeRecord]) -> Result<usize, String> {
    let features = FeatureSet::default();
    let mut sink = Vec::new();
    let mut steps = 0;
    for (i, r) in records.iter().enumerate() {
        steps += record_demo(env, r, &features, &mut sink)
            .map_err(|e| format!("recorded episode {}: {e}", i + 1))?;
        sink.clear();
    }
    env.set_perturbations(PerturbSpec::none());
    Ok(steps)
}

/// Which candidate an action is, if any, among the engine's candidates and
/// the learner's own (see [`Featurizer::extra`]). Typing literal text that
/// no candidate types counts as typing a goal field into the same element.
pub fn candidate_index(env: &Env, action: &Action) -> Option<usize> {
    let mut featurizer = Featurizer::default();
    featurizer.compute(env, &FeatureSet::default());
    featurizer.index_of(env, action)
}

/// Adds the gradient of episode `index` (its steps given) to the buffer, using the scratch.
type EpisodeGradient<'a> = dyn Fn(usize, &[StepData], &mut Scratch, &mut [f32]) + Sync + 'a;

/// What one thread needs to play episodes and take gradients, reused from
/// batch to batch.
#[derive(Default)]
pub(super) struct Scratch {
    pass: Pass,
    featurizer: Featurizer,
    dscores: Vec<f32>,
}

struct Trainer {
    adam: Adam,
    /// The batch's gradient: the episodes' gradients summed in order.
    grad: Vec<f32>,
    /// One per thread; the first also serves cloning.
    scratches: Vec<Scratch>,
    /// One gradient per episode of the batch (see the module's notes).
    episode_grads: Vec<Vec<f32>>,
}

/// Plays one episode with the sampling policy, keeping what learning needs.
fn play(
    scratch: &mut Scratch,
    env: &mut Env,
    policy: &LearnedPolicy,
    seed: u64,
    rng: &mut Rng,
    config: &TrainConfig,
) -> Vec<StepData> {
    env.reset(seed);
    let mut steps = Vec::new();
    let mut phi = if config.shaping { env.potential() } else { 0.0 };
    while !env.is_done() {
        scratch.featurizer.compute(env, &policy.features);
        if scratch.featurizer.candidates.is_empty() {
            let _ = env.step(&Action::Finish);
            if let Some(last) = steps.last_mut() {
                let s: &mut StepData = last;
                s.reward += env.outcome().map(|o| o.raw_reward).unwrap_or(0.0) - phi;
            }
            break;
        }
        policy
            .net
            .forward(&scratch.featurizer.candidates, &mut scratch.pass);
        let u = rng.unit_f64() as f32;
        let chosen = pick(&scratch.pass.probs, u);
        let state = Featurizer::state(env, &policy.features);
        let value = policy.net.value(&state);
        // `pick` chooses among the probabilities, one per candidate.
        let (Some(action), Some(&prob)) = (
            scratch.featurizer.action(env, chosen),
            scratch.pass.probs.get(chosen),
        ) else {
            break;
        };
        let r = match env.step(&action) {
            Ok(r) => r,
            Err(_) => break,
        };
        let mut reward = r.reward;
        if r.truncated {
            reward -= config.timeout_penalty;
        }
        if config.shaping {
            let next = if env.is_done() { 0.0 } else { env.potential() };
            reward += config.gamma * next - phi;
            phi = next;
        }
        steps.push(StepData {
            cands: scratch.featurizer.candidates.clone(),
            state,
            chosen,
            prob,
            value,
            reward,
        });
    }
    steps
}

/// Fills `dscores` with the derivative, by each score, of
/// `weight * log p(chosen) - entropy * H(p)` (minimized).
fn policy_gradient(
    probs: &[f32],
    chosen: usize,
    weight: f32,
    entropy: f32,
    dscores: &mut Vec<f32>,
) {
    let h: f32 = probs
        .iter()
        .filter(|&&p| p > 0.0)
        .map(|&p| -p * libm::logf(p))
        .sum();
    dscores.clear();
    for (i, &p) in probs.iter().enumerate() {
        let onehot = if i == chosen { 1.0 } else { 0.0 };
        let dlogp = onehot - p;
        // dH/ds_i = -p_i (log p_i + H)
        let dh = if p > 0.0 {
            -p * (libm::logf(p) + h)
        } else {
            0.0
        };
        dscores.push(weight * dlogp - entropy * dh);
    }
}

impl Trainer {
    fn new(config: &TrainConfig, policy: &LearnedPolicy, threads: usize) -> Trainer {
        let n = policy.net.params.len();
        Trainer {
            adam: Adam::new(n, config.lr),
            grad: vec![0.0; n],
            scratches: (0..threads.max(1)).map(|_| Scratch::default()).collect(),
            episode_grads: Vec::new(),
        }
    }

    /// Takes the gradient of each of the `batch` episodes (on every thread)
    /// with `episode_gradient`, then sums them in episode order into `grad`.
    fn batch_gradient(&mut self, batch: &[Vec<StepData>], episode_gradient: &EpisodeGradient) {
        let n = batch.len();
        let params = self.grad.len();
        if self.episode_grads.len() < n {
            self.episode_grads.resize_with(n, || vec![0.0; params]);
        }
        let Some(grads) = self.episode_grads.get_mut(..n) else {
            return;
        };
        share(
            grads,
            &mut self.scratches,
            &mut (),
            &|| Some(()),
            &|i, grad: &mut Vec<f32>, scratch, _| {
                grad.fill(0.0);
                if let Some(episode) = batch.get(i) {
                    episode_gradient(i, episode, scratch, grad);
                }
            },
        );
        self.grad.fill(0.0);
        for grad in grads.iter() {
            for (total, g) in self.grad.iter_mut().zip(grad) {
                *total += g;
            }
        }
    }

    /// Fits the policy to demonstrations: `steps` Adam steps on random
    /// minibatches of 64 demonstrated choices (cross-entropy).
    fn clone_demos(
        &mut self,
        policy: &mut LearnedPolicy,
        demos: &[(Vec<Candidate>, usize)],
        steps: usize,
        rng: &mut Rng,
    ) {
        const MINIBATCH: usize = 64;
        let Some(scratch) = self.scratches.first_mut() else {
            return;
        };
        if demos.is_empty() {
            return;
        }
        let scale = 1.0 / MINIBATCH as f32;
        for _ in 0..steps {
            self.grad.fill(0.0);
            for _ in 0..MINIBATCH {
                let Some((cands, chosen)) = demos.get(rng.below(demos.len() as u64) as usize)
                else {
                    continue;
                };
                policy.net.forward(cands, &mut scratch.pass);
                scratch.dscores.clear();
                for (i, p) in scratch.pass.probs.iter().enumerate() {
                    let target = if i == *chosen { 1.0 } else { 0.0 };
                    scratch.dscores.push((p - target) * scale);
                }
                policy
                    .net
                    .backward(cands, &scratch.pass, &scratch.dscores, &mut self.grad);
            }
            self.adam.step(&mut policy.net.params, &self.grad);
        }
    }

    fn reinforce(
        &mut self,
        policy: &mut LearnedPolicy,
        batch: &[Vec<StepData>],
        config: &TrainConfig,
    ) {
        let total: usize = batch.iter().map(Vec::len).sum();
        if total == 0 {
            return;
        }
        let scale = 1.0 / total as f32;
        let net = &policy.net;
        self.batch_gradient(batch, &|_, episode, scratch, grad| {
            let mut ret = 0.0f32;
            let mut returns = vec![0.0f32; episode.len()];
            for (r, s) in returns.iter_mut().zip(episode).rev() {
                ret = s.reward + config.gamma * ret;
                *r = ret;
            }
            for (s, &g) in episode.iter().zip(&returns) {
                let advantage = g - s.value;
                net.forward(&s.cands, &mut scratch.pass);
                policy_gradient(
                    &scratch.pass.probs,
                    s.chosen,
                    -advantage * scale,
                    config.entropy * scale,
                    &mut scratch.dscores,
                );
                net.backward(&s.cands, &scratch.pass, &scratch.dscores, grad);
                net.value_backward(&s.state, (s.value - g) * scale, grad);
            }
        });
        self.adam.step(&mut policy.net.params, &self.grad);
    }

    fn ppo(&mut self, policy: &mut LearnedPolicy, batch: &[Vec<StepData>], config: &TrainConfig) {
        // Advantages by GAE, normalized over the batch.
        let mut advantages: Vec<Vec<f32>> = Vec::new();
        let mut returns: Vec<Vec<f32>> = Vec::new();
        for episode in batch {
            let mut adv = vec![0.0f32; episode.len()];
            let mut gae = 0.0f32;
            let mut next_value = 0.0f32;
            for (a, s) in adv.iter_mut().zip(episode).rev() {
                let delta = s.reward + config.gamma * next_value - s.value;
                gae = delta + config.gamma * config.lambda * gae;
                *a = gae;
                next_value = s.value;
            }
            returns.push(adv.iter().zip(episode).map(|(a, s)| a + s.value).collect());
            advantages.push(adv);
        }
        let all: Vec<f32> = advantages.iter().flatten().copied().collect();
        if all.is_empty() {
            return;
        }
        let mean = all.iter().sum::<f32>() / all.len() as f32;
        let var = all.iter().map(|a| (a - mean) * (a - mean)).sum::<f32>() / all.len() as f32;
        let std = libm::sqrtf(var) + 1e-6;
        let scale = 1.0 / all.len() as f32;
        for _ in 0..config.epochs {
            let net = &policy.net;
            let (advantages, returns) = (&advantages, &returns);
            self.batch_gradient(batch, &|i, episode, scratch, grad| {
                let (Some(adv), Some(ret)) = (advantages.get(i), returns.get(i)) else {
                    return;
                };
                for ((s, a), g) in episode.iter().zip(adv).zip(ret) {
                    let a = (a - mean) / std;
                    net.forward(&s.cands, &mut scratch.pass);
                    // The same candidates as when the step was played, so `chosen` is one of them.
                    let p = scratch.pass.probs.get(s.chosen).copied().unwrap_or(0.0);
                    let ratio = p / s.prob.max(1e-8);
                    // The clipped objective passes gradient only where the clip is not active.
                    let active = (a >= 0.0 && ratio < 1.0 + config.clip)
                        || (a < 0.0 && ratio > 1.0 - config.clip);
                    let weight = if active { -a * ratio * scale } else { 0.0 };
                    policy_gradient(
                        &scratch.pass.probs,
                        s.chosen,
                        weight,
                        config.entropy * scale,
                        &mut scratch.dscores,
                    );
                    net.backward(&s.cands, &scratch.pass, &scratch.dscores, grad);
                    let v = net.value(&s.state);
                    net.value_backward(&s.state, (v - g) * scale, grad);
                }
            });
            self.adam.step(&mut policy.net.params, &self.grad);
        }
    }
}
