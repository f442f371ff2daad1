//! The training worker: learning and sweeping run here, in a web worker, so the page never
//! stalls while a policy trains.
//!
//! The page sends [`Command`]s and receives a stream of [`Report`]s. `Train` starts a
//! [`Training`] on the chosen site and task and plays it in short slices of time (about 40 ms
//! each); between slices the worker yields to its event loop, so `Pause`, `Resume` and `Stop`
//! are read at once. Progress goes out at most ten times a second; at the end (or at `Stop`) the
//! trained policy goes back as JSON. `Sweep` evaluates a policy unperturbed and under every
//! perturbation kind and severity, one cell per slice, and returns the heat map;
//! `Compare` evaluates several policies under one perturbation spec; `Break` searches for the
//! cheapest perturbation that breaks an agent (`wobble_policy::breaking`), one unit of the search
//! (a chunk of episodes) at a time, and streams the candidates it settles.
//!
//! The worker runs the app's own wasm module (`src/main.rs` registers the reactor when it finds
//! itself in a worker), so nothing is downloaded twice; the page reaches it through a
//! `ReactorProvider` whose path is relative, so the app works from any sub-path.

use futures::{FutureExt, SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use wobble_engine::catalog::{Catalog, Source};
use wobble_engine::perturb::{Kind, PerturbSpec};
use wobble_engine::Env;
use wobble_policy::breaking::{
    Attempt, BreakConfig, BreakReport, BreakRun, Players, Tally, SEARCH_SEEDS_START,
};
use wobble_policy::check::{CheckOptions, Checker, Report as CheckReport};
use wobble_policy::learned::features::FeatureSet;
use wobble_policy::learned::train::{Algo, Progress, Randomization, TrainConfig, Training};
use wobble_policy::SweepRun;
use wobble_policy::{check_evaluation_seeds, evaluate, LearnedPolicy, Policy};
use yew_agent::prelude::*;

use crate::shipped::Shipped;

/// A site a person opened from a file in the page. It goes to the worker as text, which the
/// worker compiles itself (a compiled site stays in the wasm instance that made it), so that
/// training, sweeps and comparisons work on it as on a shipped site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteFile {
    /// The site's name, as its text gives it.
    pub name: String,
    /// The file's name, for error messages.
    pub file_name: String,
    /// The file's text.
    pub text: String,
}

/// What to train.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainRequest {
    /// Site machine name.
    pub site: String,
    /// Task name.
    pub task: String,
    /// `ppo`, `reinforce` or `bc`.
    pub algo: String,
    /// Episodes of learning.
    pub episodes: u64,
    /// Seed of the weights and the episodes.
    pub seed: u64,
    /// Feature groups (`default` or a list the policy crate parses).
    pub features: String,
    /// Perturbations drawn per episode: `KIND[:SEV][@P],...` (empty for none).
    pub randomization: String,
    /// Oracle episodes cloned before learning.
    pub warm_start: u64,
    /// The site opened from a file, if any: used when it is the site named.
    #[serde(default)]
    pub site_file: Option<SiteFile>,
}

/// What to sweep: a policy, and how many episodes per cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRequest {
    /// The policy file's JSON.
    pub policy: String,
    /// Its name in the heat map's title.
    pub name: String,
    /// Episodes per cell.
    pub episodes: u64,
    /// First seed of every cell.
    pub seed: u64,
    /// The site opened from a file, if any: used when the policy was trained on it.
    #[serde(default)]
    pub site_file: Option<SiteFile>,
}

/// Several policies evaluated under one perturbation spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareRequest {
    /// (label, policy JSON) pairs.
    pub policies: Vec<(String, String)>,
    /// The perturbation spec (`KIND[:SEV],...`).
    pub perturb: String,
    /// Episodes per policy.
    pub episodes: u64,
    /// First seed.
    pub seed: u64,
    /// The site opened from a file, if any: used for the policies trained on it.
    #[serde(default)]
    pub site_file: Option<SiteFile>,
}

/// A site file to check with the library checker (`wobble_policy::check`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRequest {
    /// The file's name, for error messages.
    pub file_name: String,
    /// The file's text.
    pub text: String,
    /// Oracle episodes per task and perturbation.
    pub seeds: u64,
}

/// The agent a break search is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BreakAgent {
    /// One of the learned policies the page embeds (the worker loads its own copy).
    Shipped(Shipped),
    /// A policy file's JSON (a saved or linked policy).
    Learned(String),
    /// A policy that does not learn: `random`, `script` or `oracle`.
    Named(String),
}

/// What a break search is to break, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakRequest {
    /// The agent.
    pub agent: BreakAgent,
    /// Its name in the report.
    pub name: String,
    /// Site machine name.
    pub site: String,
    /// Task name.
    pub task: String,
    /// The site opened from a file, if any: used when it is the site named.
    #[serde(default)]
    pub site_file: Option<SiteFile>,
}

/// The candidate a break search is testing, and the agent's success on it so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The change, as `perturb=` takes it.
    pub spec: String,
    /// The agent's success on it so far (on search seeds, or on the fresh block once verifying).
    pub agent: Tally,
    /// Whether it broke the agent on search seeds and is now being verified on fresh ones.
    pub verifying: bool,
}

/// A message from the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Start training (replaces any job in progress).
    Train(TrainRequest),
    /// Pause the training.
    Pause,
    /// Carry on after a pause.
    Resume,
    /// End the training now and send the policy as it is (any other job just ends).
    Stop,
    /// Sweep a policy over every perturbation.
    Sweep(SweepRequest),
    /// Evaluate policies under a perturbation spec.
    Compare(CompareRequest),
    /// Check a site file: compile it, then play every task with the oracle unperturbed and
    /// under every kind (replaces any job in progress; the editor has a worker of its own).
    Check(CheckRequest),
    /// Search for the cheapest perturbation that breaks an agent (replaces any job in progress;
    /// the agent card has a worker of its own). `Stop` ends it without a report.
    Break(BreakRequest),
    /// Report a panic of the worker on this `BroadcastChannel` (the page's first command; see
    /// [`install_worker_panic_hook`]).
    Watch {
        /// The channel's name, unique to this worker.
        channel: String,
    },
    /// Panic on purpose: fault injection, so the reliability tests can check that a failed
    /// worker is reported and restarted. The page sends it only when its link says `fault=worker`.
    Fault,
}

/// A policy's success over an evaluation's episodes (the page draws it with its interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// Which policy.
    pub label: String,
    /// Episodes that succeeded.
    pub successes: u64,
    /// Episodes played (on evaluation seeds).
    pub episodes: u64,
}

/// Training progress, over the last (up to) 100 episodes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Episodes done.
    pub episodes: u64,
    /// Of how many.
    pub total: u64,
    /// Episodes per second since the last report.
    pub per_second: f32,
    /// Success rate (0 to 1).
    pub success_rate: f32,
    /// Mean raw return.
    pub mean_return: f32,
    /// Mean steps per episode.
    pub mean_steps: f32,
    /// The worker's wasm memory, in bytes (watched by the endurance test).
    pub memory_bytes: u64,
}

/// A message to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Report {
    /// Training progress: a point after every update since the last report (the last is now).
    Progress(Vec<Point>),
    /// Training is paused.
    Paused,
    /// Training carries on.
    Resumed,
    /// Training ended (`stopped` when cut short); the policy's JSON.
    Trained {
        /// The policy file.
        policy: String,
        /// True when stopped before the last episode.
        stopped: bool,
    },
    /// Sweep cells done so far.
    SweepProgress {
        /// Cells evaluated.
        done: usize,
        /// Of how many.
        total: usize,
    },
    /// The sweep's heat map (SVG) and its unperturbed success rate.
    Swept {
        /// The heat map.
        svg: String,
        /// Success with no perturbation.
        baseline: f64,
    },
    /// Success of each policy under the spec, by label.
    Compared {
        /// The spec, as the request gave it (the page shows bars only for the spec it shows).
        perturb: String,
        /// One rate per policy, in the request's order.
        rates: Vec<Rate>,
    },
    /// Episodes of a check played so far.
    CheckProgress {
        /// Episodes played.
        done: u64,
        /// Of how many.
        total: u64,
    },
    /// A check's findings.
    Checked(CheckReport),
    /// A break search so far.
    BreakProgress {
        /// Episodes played (agent and oracle).
        episodes: u64,
        /// Of at most how many.
        budget: u64,
        /// The agent unperturbed, on search seeds (no episodes until it is scored).
        baseline: Tally,
        /// The candidates settled so far, in order.
        attempts: Vec<Attempt>,
        /// The candidate under test.
        current: Option<Candidate>,
    },
    /// A break search ended: what it found, or why nothing.
    Broke(Box<BreakReport>),
    /// A command could not be carried out.
    Failed(String),
}

/// How long one slice of work runs before the worker reads its messages again.
const SLICE_MS: f64 = 40.0;
/// The least time between two progress reports.
const REPORT_MS: f64 = 100.0;

/// A job in progress.
enum Job {
    Training {
        env: Box<Env>,
        training: Box<Training>,
        paused: bool,
        last_report: f64,
        last_episodes: u64,
        pending: Vec<Progress>,
        /// Time spent training, pauses and message handling left out.
        busy_ms: f64,
    },
    Sweep {
        env: Box<Env>,
        policy: Box<LearnedPolicy>,
        run: Box<SweepRun>,
        last_report: f64,
    },
    Check {
        checker: Box<Checker>,
        last_report: f64,
    },
    Break {
        search: Box<BreakSearch>,
        last_report: f64,
    },
}

/// Makes one of a break search's players (the search opens one of each, as it has one thread).
type Factory<T> = Box<dyn Fn() -> T + Sync>;

/// A break search with the players it needs at every step.
struct BreakSearch {
    env: Factory<Env>,
    agent: Factory<Box<dyn Policy>>,
    run: BreakRun,
}

impl BreakSearch {
    /// Opens the request's site and agent; the search itself has not begun.
    fn open(request: &BreakRequest) -> Result<BreakSearch, String> {
        let env = open_env(&request.site, &request.task, request.site_file.as_ref())?;
        let blueprint = wobble_engine::catalog::Blueprint::of(&env);
        let env: Factory<Env> = Box::new(move || blueprint.open());
        let agent: Factory<Box<dyn Policy>> = match &request.agent {
            BreakAgent::Shipped(shipped) => {
                let policy = shipped.load()?;
                Box::new(move || Box::new(policy.clone()))
            }
            BreakAgent::Learned(json) => {
                let policy =
                    LearnedPolicy::from_json(json).map_err(|e| format!("{}: {e}", request.name))?;
                Box::new(move || Box::new(policy.clone()))
            }
            BreakAgent::Named(name) => {
                wobble_policy::by_name(name, SEARCH_SEEDS_START)?;
                let name = name.clone();
                Box::new(move || {
                    wobble_policy::by_name(&name, SEARCH_SEEDS_START).unwrap_or_else(|_| {
                        Box::new(wobble_policy::RandomPolicy::new(SEARCH_SEEDS_START))
                    })
                })
            }
        };
        let run = BreakRun::new(
            &players(&env, &agent),
            &request.name,
            &BreakConfig::default(),
        )?;
        Ok(BreakSearch { env, agent, run })
    }

    /// Runs one unit of the search; true once it is over.
    fn advance(&mut self) -> bool {
        let players = players(&self.env, &self.agent);
        self.run.advance(&players)
    }

    /// The search so far, for the page.
    fn progress(&self) -> Report {
        let report = self.run.report();
        Report::BreakProgress {
            episodes: report.episodes,
            budget: report.config.budget_episodes,
            baseline: report.baseline,
            attempts: report.path.clone(),
            current: self
                .run
                .current()
                .map(|(spec, agent, verifying)| Candidate {
                    spec,
                    agent,
                    verifying,
                }),
        }
    }
}

/// The search's players: the task's environments and the agent, judged by the oracle, on
/// this one thread.
fn players<'a>(env: &'a Factory<Env>, agent: &'a Factory<Box<dyn Policy>>) -> Players<'a> {
    Players::judged_by_oracle(&**env, &**agent, 1)
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// The environment for a site and task: the site opened from a file when it has that name
/// (it stands in for a shipped site of the same name, as in the page), else a shipped site.
fn open_env(site: &str, task: &str, file: Option<&SiteFile>) -> Result<Env, String> {
    let mut catalog = Catalog::shipped();
    if let Some(file) = file.filter(|f| f.name == site) {
        let compiled = catalog
            .add_file(&file.file_name, &file.text)
            .map_err(|e| format!("the site file could not be compiled: {e}"))?;
        if compiled.name != site {
            return Err(format!(
                "the site file names its site \"{}\", not \"{site}\"",
                compiled.name
            ));
        }
    }
    Ok(catalog.open(Source::Named(site), Some(task), None)?)
}

/// Builds the training settings from a request.
pub fn config(request: &TrainRequest) -> Result<TrainConfig, String> {
    let algo = Algo::parse(&request.algo)?;
    let features = match request.features.trim() {
        "" | "default" => FeatureSet::default(),
        text => FeatureSet::parse(text)?,
    };
    let randomization = Randomization::parse(&request.randomization)
        .map_err(|e| format!("the perturbations to randomize: {e}"))?;
    if request.episodes == 0 || request.episodes > 1_000_000 {
        return Err("the number of episodes must be from 1 to 1,000,000".into());
    }
    Ok(TrainConfig {
        algo,
        episodes: request.episodes,
        seed: request.seed,
        features,
        warm_start: request.warm_start,
        randomization,
        ..TrainConfig::default()
    })
}

fn start_training(request: &TrainRequest) -> Result<Job, String> {
    let config = config(request)?;
    let mut env = open_env(&request.site, &request.task, request.site_file.as_ref())?;
    let training = Training::new(&mut env, &config);
    Ok(Job::Training {
        env: Box::new(env),
        training: Box::new(training),
        paused: false,
        last_report: now(),
        last_episodes: 0,
        pending: Vec::new(),
        busy_ms: 0.0,
    })
}

fn start_sweep(request: &SweepRequest) -> Result<Job, String> {
    let policy = LearnedPolicy::from_json(&request.policy)?;
    let env = open_env(
        &policy.provenance.site,
        &policy.provenance.task,
        request.site_file.as_ref(),
    )?;
    let episodes = request.episodes.max(1);
    check_evaluation_seeds(request.seed, episodes)?;
    let run = SweepRun::new(&env, &request.name, episodes, request.seed, &Kind::ALL);
    Ok(Job::Sweep {
        env: Box::new(env),
        policy: Box::new(policy),
        run: Box::new(run),
        last_report: now(),
    })
}

/// The most seeds a check in the page plays per task and perturbation.
const MAX_CHECK_SEEDS: u64 = 200;

/// A check of the request's site file, not yet begun; a file that does not compile is the error.
fn start_check(request: &CheckRequest) -> Result<Box<Checker>, String> {
    if request.seeds == 0 || request.seeds > MAX_CHECK_SEEDS {
        return Err(format!(
            "a check plays from 1 to {MAX_CHECK_SEEDS} seeds per task and perturbation, not {}",
            request.seeds
        ));
    }
    let site = wobble_engine::load_site(&request.file_name, &request.text)
        .map_err(|e| format!("the site file could not be compiled: {e}"))?;
    let options = CheckOptions {
        seeds: request.seeds,
        ..CheckOptions::default()
    };
    Ok(Box::new(Checker::new(
        std::sync::Arc::new(site),
        Some(request.text.clone()),
        options,
    )))
}

fn compare(request: &CompareRequest) -> Result<Vec<Rate>, String> {
    let episodes = request.episodes.max(1);
    check_evaluation_seeds(request.seed, episodes)?;
    let spec: PerturbSpec = request
        .perturb
        .parse()
        .map_err(|e| format!("the perturbations: {e}"))?;
    let mut out = Vec::new();
    for (label, json) in &request.policies {
        let mut policy = LearnedPolicy::from_json(json).map_err(|e| format!("{label}: {e}"))?;
        let mut env = open_env(
            &policy.provenance.site,
            &policy.provenance.task,
            request.site_file.as_ref(),
        )?;
        env.set_perturbations(spec.clone());
        let report = evaluate(&mut env, &mut policy, episodes, request.seed);
        out.push(Rate {
            label: label.clone(),
            successes: report.successes,
            episodes: report.episodes,
        });
    }
    Ok(out)
}

fn point(p: &Progress, per_second: f32) -> Point {
    Point {
        episodes: p.episodes,
        total: p.total,
        per_second,
        success_rate: p.success_rate,
        mean_return: p.mean_return,
        mean_steps: p.mean_steps,
        memory_bytes: memory_bytes(),
    }
}

/// The size of this wasm instance's memory, in bytes (it only grows; flat means no leak);
/// 0 outside wasm32 (native tests).
pub fn memory_bytes() -> u64 {
    if !cfg!(target_arch = "wasm32") {
        return 0;
    }
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0, |b| u64::from(b.byte_length()))
}

/// Runs one slice of `job`; returns the reports to send and whether the job is over.
fn run_slice(job: &mut Job) -> (Vec<Report>, bool) {
    let start = now();
    match job {
        Job::Training {
            env,
            training,
            paused,
            last_report,
            last_episodes,
            pending,
            busy_ms,
        } => {
            if *paused {
                return (Vec::new(), false);
            }
            let mut finished = false;
            while !finished && now() - start < SLICE_MS {
                finished = training.advance(env, 4, &mut |p| pending.push(*p));
            }
            let t = now();
            *busy_ms += t - start;
            let mut reports = Vec::new();
            if finished || t - *last_report >= REPORT_MS {
                let done = training.episodes_done();
                // The recent rate while running; the whole run's at the end.
                let rate = if finished {
                    done as f64 / (*busy_ms / 1000.0).max(1e-3)
                } else {
                    (done - *last_episodes) as f64 / ((t - *last_report) / 1000.0).max(1e-3)
                };
                let current = training.progress();
                if pending.last().map(|p| p.episodes) != Some(current.episodes) {
                    pending.push(current);
                }
                let points = pending.drain(..).map(|p| point(&p, rate as f32)).collect();
                reports.push(Report::Progress(points));
                *last_report = t;
                *last_episodes = done;
            }
            (reports, finished)
        }
        Job::Sweep {
            env,
            policy,
            run,
            last_report,
        } => {
            // At least one cell a slice, so a slow cell still moves the sweep on.
            let mut finished = run.advance(env, policy.as_mut());
            while !finished && now() - start < SLICE_MS {
                finished = run.advance(env, policy.as_mut());
            }
            let mut reports = Vec::new();
            let t = now();
            if finished || t - *last_report >= REPORT_MS {
                reports.push(Report::SweepProgress {
                    done: run.done(),
                    total: run.total(),
                });
                *last_report = t;
            }
            if finished {
                let report = run.report();
                reports.push(Report::Swept {
                    svg: report.svg(),
                    baseline: report.baseline.success_rate,
                });
            }
            (reports, finished)
        }
        Job::Check {
            checker,
            last_report,
        } => {
            let mut finished = false;
            while !finished && now() - start < SLICE_MS {
                finished = match checker.advance(4) {
                    Ok(done) => done,
                    Err(e) => return (vec![Report::Failed(e.to_string())], true),
                };
            }
            let mut reports = Vec::new();
            let t = now();
            if finished || t - *last_report >= REPORT_MS {
                let (done, total) = checker.progress();
                reports.push(Report::CheckProgress { done, total });
                *last_report = t;
            }
            if finished {
                reports.push(Report::Checked(checker.report().clone()));
            }
            (reports, finished)
        }
        Job::Break {
            search,
            last_report,
        } => {
            // At least one unit a slice, so a slow chunk still moves the search on.
            let mut finished = search.advance();
            while !finished && now() - start < SLICE_MS {
                finished = search.advance();
            }
            let mut reports = Vec::new();
            let t = now();
            if finished || t - *last_report >= REPORT_MS {
                reports.push(search.progress());
                *last_report = t;
            }
            if finished {
                reports.push(Report::Broke(Box::new(search.run.report().clone())));
            }
            (reports, finished)
        }
    }
}

/// The policy of a training job that ended (or was stopped).
fn trained(job: Job, stopped: bool) -> Option<Report> {
    match job {
        Job::Training {
            mut env, training, ..
        } => Some(Report::Trained {
            policy: training.finish(&mut env).to_json(),
            stopped,
        }),
        Job::Sweep { .. } | Job::Check { .. } | Job::Break { .. } => None,
    }
}

thread_local! {
    /// Where a panic of this worker is reported (set by [`Command::Watch`]).
    static FAULT_CHANNEL: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Installs the worker's panic hook: the message goes to the console, and to the page on the
/// `BroadcastChannel` named by [`Command::Watch`]. After a panic the worker's wasm is unusable,
/// and its messages to the page go through yew-agent's own channel, which a dying worker cannot
/// use; the page learns of it here, says so, and offers to start a new worker.
pub fn install_worker_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = match info.payload().downcast_ref::<&str>() {
            Some(text) => (*text).to_string(),
            None => match info.payload().downcast_ref::<String>() {
                Some(text) => text.clone(),
                None => info.to_string(),
            },
        };
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        // boot.js then keeps the trap that follows out of the page's uncaught errors.
        let _ = js_sys::Reflect::set(&js_sys::global(), &"wobblePanicked".into(), &true.into());
        FAULT_CHANNEL.with(|c| {
            if let Some(name) = c.borrow().as_deref() {
                if let Ok(channel) = web_sys::BroadcastChannel::new(name) {
                    let _ = channel.post_message(&format!("{message}{place}").into());
                }
            }
        });
    }));
}

/// The training worker (see the module docs).
#[reactor]
pub async fn TrainingReactor(mut scope: ReactorScope<Command, Report>) {
    let mut job: Option<Job> = None;
    loop {
        let busy = match &job {
            Some(Job::Training { paused, .. }) => !paused,
            Some(Job::Sweep { .. } | Job::Check { .. } | Job::Break { .. }) => true,
            None => false,
        };
        // Read every waiting command: wait for one when idle, else take what has arrived.
        let mut commands = Vec::new();
        if busy {
            // Yield to the worker's event loop, so that messages from the page are delivered.
            gloo_timers::future::TimeoutFuture::new(0).await;
            loop {
                match scope.next().now_or_never() {
                    Some(Some(c)) => commands.push(c),
                    Some(None) => return,
                    None => break,
                }
            }
        } else {
            match scope.next().await {
                Some(c) => commands.push(c),
                None => return,
            }
        }
        for command in commands {
            let mut out = Vec::new();
            match command {
                Command::Train(request) => match start_training(&request) {
                    Ok(j) => job = Some(j),
                    Err(e) => out.push(Report::Failed(e)),
                },
                Command::Sweep(request) => match start_sweep(&request) {
                    Ok(j) => job = Some(j),
                    Err(e) => out.push(Report::Failed(e)),
                },
                Command::Check(request) => match start_check(&request) {
                    Ok(checker) => {
                        job = Some(Job::Check {
                            checker,
                            last_report: now(),
                        })
                    }
                    Err(e) => out.push(Report::Failed(e)),
                },
                Command::Break(request) => match BreakSearch::open(&request) {
                    Ok(search) => {
                        job = Some(Job::Break {
                            search: Box::new(search),
                            last_report: now(),
                        })
                    }
                    Err(e) => out.push(Report::Failed(e)),
                },
                Command::Compare(request) => match compare(&request) {
                    Ok(rates) => out.push(Report::Compared {
                        perturb: request.perturb.clone(),
                        rates,
                    }),
                    Err(e) => out.push(Report::Failed(e)),
                },
                Command::Pause | Command::Resume => {
                    if let Some(Job::Training {
                        paused,
                        last_report,
                        last_episodes,
                        training,
                        ..
                    }) = &mut job
                    {
                        let pause = matches!(command, Command::Pause);
                        if *paused != pause {
                            *paused = pause;
                            *last_report = now();
                            *last_episodes = training.episodes_done();
                            out.push(if pause {
                                Report::Paused
                            } else {
                                Report::Resumed
                            });
                        }
                    }
                }
                Command::Watch { channel } => {
                    FAULT_CHANNEL.with(|c| *c.borrow_mut() = Some(channel));
                }
                Command::Fault => panic!("a fault injected by the page (fault=worker in the link)"),
                Command::Stop => {
                    if let Some(j) = job.take() {
                        if let Some(r) = trained(j, true) {
                            out.push(r);
                        }
                    }
                }
            }
            for r in out {
                if scope.send(r).await.is_err() {
                    return;
                }
            }
        }
        if let Some(j) = &mut job {
            let (reports, finished) = run_slice(j);
            for r in reports {
                if scope.send(r).await.is_err() {
                    return;
                }
            }
            if finished {
                if let Some(r) = job.take().and_then(|j| trained(j, false)) {
                    if scope.send(r).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> TrainRequest {
        TrainRequest {
            site: "click-button".into(),
            task: "click-button".into(),
            algo: "ppo".into(),
            episodes: 100,
            seed: 1,
            features: "default".into(),
            randomization: "popup:1@0.5,relabel:2@0.5".into(),
            warm_start: 0,
            site_file: None,
        }
    }

    /// The shipped click-button site under another name, as a person's file.
    fn site_file(name: &str) -> SiteFile {
        let text = include_str!("../sites/click-button.ron").replacen(
            "name: \"click-button\"",
            &format!("name: \"{name}\""),
            1,
        );
        SiteFile {
            name: name.into(),
            file_name: "mine.ron".into(),
            text,
        }
    }

    // Training and sweeping read the clock (`Date.now`, wasm only), so these check the
    // environment the worker opens for each request, and a whole comparison.
    #[test]
    fn a_site_opened_from_a_file_is_trained_swept_and_compared_on() {
        let file = site_file("my-buttons");
        let mut train = request();
        train.site = "my-buttons".into();
        train.site_file = Some(file.clone());
        let env = open_env(&train.site, &train.task, train.site_file.as_ref()).unwrap();
        assert_eq!(env.base_site().name, "my-buttons");
        // Without its file, the worker does not know it.
        assert!(open_env("my-buttons", "click-button", None).is_err());

        let mut p = LearnedPolicy::new(FeatureSet::default(), 4, 1);
        p.provenance.site = "my-buttons".into();
        p.provenance.task = "click-button".into();
        let compare_request = CompareRequest {
            policies: vec![("mine".into(), p.to_json())],
            perturb: "relabel:1".into(),
            episodes: 3,
            seed: wobble_policy::EVALUATION_SEEDS_START,
            site_file: Some(file),
        };
        assert_eq!(compare(&compare_request).unwrap().len(), 1);
        let without = CompareRequest {
            site_file: None,
            ..compare_request
        };
        assert!(compare(&without).is_err());
    }

    #[test]
    fn a_site_file_that_does_not_compile_or_names_another_site_says_so() {
        let mut broken = site_file("my-buttons");
        broken.text.push_str("\n)))");
        let Err(e) = open_env("my-buttons", "click-button", Some(&broken)) else {
            panic!("a broken site file opened");
        };
        assert!(
            e.contains("could not be compiled") && e.contains("mine.ron"),
            "{e}"
        );
        let mut renamed = site_file("other-name");
        renamed.name = "my-buttons".into();
        let Err(e) = open_env("my-buttons", "click-button", Some(&renamed)) else {
            panic!("a site file of another name opened");
        };
        assert!(e.contains("\"other-name\""), "{e}");
        // A file shadows the shipped site of its name, as in the page; another name does not.
        let mut shadow = site_file("click-button");
        shadow.text = shadow
            .text
            .replace("Pick one of the buttons below.", "Shadowed.");
        let mut env = open_env("click-button", "click-button", Some(&shadow)).unwrap();
        env.reset(1);
        assert!(env.observation_text().contains("Shadowed."));
        let env = open_env("airline", "book-flight", Some(&shadow)).unwrap();
        assert_eq!(env.base_site().name, "airline");
    }

    #[test]
    fn a_check_plays_the_site_file_it_is_given_and_refuses_a_broken_one() {
        let file = site_file("my-buttons");
        let request = CheckRequest {
            file_name: file.file_name.clone(),
            text: file.text.clone(),
            seeds: 2,
        };
        let mut checker = start_check(&request).unwrap();
        while !checker.advance(5).unwrap() {}
        let report = checker.report();
        assert_eq!(report.site, "my-buttons");
        assert!(report.passed(), "{}", report.to_text());
        assert_eq!(checker.progress().0, report.episodes());

        let broken = CheckRequest {
            text: format!("{}\n)))", request.text),
            ..request.clone()
        };
        let e = start_check(&broken).err().unwrap();
        assert!(
            e.contains("could not be compiled") && e.contains("mine.ron:"),
            "{e}"
        );
        let e = start_check(&CheckRequest {
            seeds: 0,
            ..request
        })
        .err()
        .unwrap();
        assert!(e.contains("from 1 to 200 seeds"), "{e}");
    }

    fn break_request(agent: BreakAgent, name: &str) -> BreakRequest {
        BreakRequest {
            agent,
            name: name.into(),
            site: "airline".into(),
            task: "book-flight".into(),
            site_file: None,
        }
    }

    /// Plays a search to its end, as the worker's slices do, checking the progress on the way.
    fn finish(search: &mut BreakSearch) -> BreakReport {
        let mut settled = 0;
        while !search.advance() {
            let Report::BreakProgress {
                episodes,
                budget,
                attempts,
                ..
            } = search.progress()
            else {
                panic!("progress is not a BreakProgress");
            };
            assert!(episodes <= budget && attempts.len() >= settled);
            settled = attempts.len();
        }
        search.run.report().clone()
    }

    // The clock is wasm only, so these open the job and advance it as a slice does.
    #[test]
    fn the_shipped_reader_breaks_and_its_break_is_the_librarys() {
        let mut search = BreakSearch::open(&break_request(
            BreakAgent::Shipped(Shipped::Reader),
            "airline",
        ))
        .unwrap();
        let report = finish(&mut search);
        let found = report.found.as_ref().expect("the reader breaks");
        assert!(found.agent.ci95.high < 0.5, "{}", found.agent.describe());
        assert!(found.spec.parse::<PerturbSpec>().is_ok());
        assert_eq!(report.policy, "airline");
        // The same search as the library's, played through the worker's own players.
        let json = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/airline.json"),
        )
        .unwrap();
        let mut from_json =
            BreakSearch::open(&break_request(BreakAgent::Learned(json), "airline")).unwrap();
        assert_eq!(finish(&mut from_json), report);
        // The report crosses the worker boundary (JSON here; its last digits may round).
        let text = serde_json::to_string(&Report::Broke(Box::new(report.clone()))).unwrap();
        let Ok(Report::Broke(back)) = serde_json::from_str::<Report>(&text) else {
            panic!("the report did not come back");
        };
        assert_eq!(back.found.map(|b| b.spec), Some(found.spec.clone()));
        assert!(back
            .path
            .iter()
            .map(|a| (&a.spec, a.verdict))
            .eq(report.path.iter().map(|a| (&a.spec, a.verdict))));
    }

    #[test]
    fn the_random_agent_has_nothing_to_break_and_bad_requests_say_why() {
        let mut search =
            BreakSearch::open(&break_request(BreakAgent::Named("random".into()), "random"))
                .unwrap();
        let report = finish(&mut search);
        assert!(report.found.is_none());
        assert!(
            report.stopped.contains("nothing to break"),
            "{}",
            report.stopped
        );

        let e = BreakSearch::open(&break_request(BreakAgent::Named("nobody".into()), "nobody"))
            .err()
            .unwrap();
        assert!(e.contains("no policy is named"), "{e}");
        let e = BreakSearch::open(&break_request(BreakAgent::Learned("{}".into()), "mine"))
            .err()
            .unwrap();
        assert!(e.starts_with("mine: "), "{e}");
        let mut elsewhere = break_request(BreakAgent::Named("oracle".into()), "oracle");
        elsewhere.site = "my-buttons".into();
        assert!(BreakSearch::open(&elsewhere).is_err());
        elsewhere.task = "click-button".into();
        elsewhere.site_file = Some(site_file("my-buttons"));
        let search = BreakSearch::open(&elsewhere).unwrap();
        assert_eq!(search.run.report().site, "my-buttons");
    }

    #[test]
    fn comparing_reads_the_policies_and_the_spec() {
        let mut p = LearnedPolicy::new(FeatureSet::default(), 4, 1);
        p.provenance.site = "click-button".into();
        p.provenance.task = "click-button".into();
        let request = CompareRequest {
            policies: vec![("a".into(), p.to_json())],
            perturb: "popup:1".into(),
            episodes: 5,
            seed: wobble_policy::EVALUATION_SEEDS_START,
            site_file: None,
        };
        let rates = compare(&request).unwrap();
        assert_eq!(rates.len(), 1);
        assert!(rates[0].episodes == 5 && rates[0].successes <= 5);
        // A training seed is refused, saying why.
        let on_training_seeds = CompareRequest {
            seed: 1,
            ..request.clone()
        };
        let e = compare(&on_training_seeds).unwrap_err();
        assert!(e.contains("training seed"), "{e}");
        let broken = CompareRequest {
            policies: vec![("a".into(), "{}".into())],
            ..request
        };
        assert!(compare(&broken).unwrap_err().starts_with("a: "));
    }
}
