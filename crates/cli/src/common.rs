//! What the commands share: reading a file a person named, opening the
//! environment a command's `--site`/`--task`/`--perturb` name (through the
//! engine's catalog, as every other caller does), and making a fresh
//! environment and policy per thread.

use clap::Args;
use std::io::Read;
use std::path::Path;
use wobble_engine::catalog::{self, Blueprint, OpenError, Source};
use wobble_engine::{limits, Env};
use wobble_policy::{Policy, EVALUATION_SEEDS_START};

/// The site and task a command runs.
#[derive(Args, Debug)]
pub struct Task {
    /// Site name or path to a .ron file.
    #[arg(long)]
    pub site: String,
    /// Task name (default: the site's first task).
    #[arg(long)]
    pub task: Option<String>,
}

/// One episode of a task: where it is, its seed, and the perturbations.
#[derive(Args, Debug)]
pub struct Episode {
    #[command(flatten)]
    pub on: Task,
    /// Episode seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Perturbations applied at every reset, e.g. `relabel:2,move:1,popup` (`wobble perturbations` lists them).
    #[arg(long, value_name = "SPEC")]
    pub perturb: Option<String>,
}

impl Episode {
    /// The environment of this episode's task, perturbed (not reset yet).
    pub fn open(&self) -> Result<Env, String> {
        make_env(&self.on, self.perturb.as_deref())
    }
}

/// A reading of a policy over evaluation seeds: which policy, where, and how many episodes.
#[derive(Args, Debug)]
pub struct Evaluation {
    /// random, oracle, script (a recorded RPA script), or a policy file written by `wobble train`.
    #[arg(long)]
    pub policy: String,
    #[command(flatten)]
    pub reading: Reading,
}

/// Where and how long a reading runs: the task, the episodes and the first seed.
#[derive(Args, Debug)]
pub struct Reading {
    #[command(flatten)]
    pub on: Task,
    /// Episodes (in a sweep, per cell).
    #[arg(long, default_value_t = 100)]
    pub episodes: u64,
    /// First seed; episode i uses seed + i. Evaluation seeds are 2^63 and up
    /// (training plays only seeds below), so no evaluated episode was trained on.
    #[arg(long, default_value_t = EVALUATION_SEEDS_START)]
    pub seed: u64,
}

/// Reads a file a person named, refusing one over `limit` bytes before reading it (a named
/// file may be anything, even a device that never ends).
pub(crate) fn read_input(path: &Path, what: &str, limit: usize) -> Result<String, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if meta.is_file() {
        limits::check_size(what, meta.len(), limit).map_err(|e| format!("{shown}: {e}"))?;
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit as u64 + 1).read_to_string(&mut text))
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    limits::check_size(what, text.len() as u64, limit).map_err(|e| format!("{shown}: {e}"))?;
    Ok(text)
}

/// An environment for a site's task, perturbed from its first reset on: `--site` is a shipped
/// site's name or a site file's path (it ends in `.ron` or has a `/`).
pub(crate) fn make_env(on: &Task, perturb: Option<&str>) -> Result<Env, String> {
    // The spec first: a typo there is reported before any file is read.
    catalog::parse_perturb(perturb).map_err(cli_error)?;
    let (site, task) = (on.site.as_str(), on.task.as_deref());
    let text;
    let source = if site.ends_with(".ron") || site.contains('/') {
        text = read_input(Path::new(site), "site", limits::MAX_SITE_BYTES)?;
        Source::File {
            path: site,
            text: &text,
        }
    } else {
        Source::Named(site)
    };
    catalog::open(source, task, perturb).map_err(cli_error)
}

/// An opening error in the command line's terms: the spec is `--perturb`'s.
fn cli_error(e: OpenError) -> String {
    match e {
        OpenError::Perturb { spec, error } => format!("--perturb \"{spec}\": {error}"),
        other => other.to_string(),
    }
}

/// Makes fresh environments like `env` (same site, task and perturbations), one per thread.
pub(crate) fn env_factory(env: &Env) -> impl Fn() -> Env + Sync {
    let blueprint = Blueprint::of(env);
    move || blueprint.open()
}

/// Makes a policy (by name or from a policy file) once per thread.
pub(crate) type PolicyFactory = Box<dyn Fn() -> Box<dyn Policy> + Sync>;

/// `random`, `oracle` or a policy file, as `--policy` names it.
pub(crate) fn policy_factory(name: &str, seed: u64) -> Result<PolicyFactory, String> {
    if name.ends_with(".json") || name.contains('/') {
        let text = read_input(Path::new(name), "policy", limits::MAX_POLICY_BYTES)?;
        let policy =
            wobble_policy::LearnedPolicy::from_json(&text).map_err(|e| format!("{name}: {e}"))?;
        return Ok(Box::new(move || Box::new(policy.clone())));
    }
    wobble_policy::by_name(name, seed)
        .map_err(|e| format!("{e}, or a policy file (.json) written by wobble train"))?;
    let name = name.to_string();
    Ok(Box::new(move || {
        wobble_policy::by_name(&name, seed)
            .unwrap_or_else(|_| Box::new(wobble_policy::RandomPolicy::new(seed)))
    }))
}

/// A `--threads` count: 1 or more.
pub fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("expected a whole number: {e}")),
    }
}
