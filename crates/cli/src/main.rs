//! `wobble`: Wobble's engine on the command line, natively and headless.
//!
//! Every command that reports takes `--json` and then prints exactly one JSON
//! value on stdout. Sites are named by their shipped name (`wobble list`) or
//! given as a path to a `.ron` file, so a site written in a workshop runs
//! here exactly as in the page.
//!
//! `eval`, `observe`, `play`, `bench` and `render` take `--perturb SPEC`
//! (`relabel:2,move:1,popup`): the site shifts at every reset as the spec
//! says, and `observe` reports what changed. `perturbations` lists the
//! catalog; `render` draws a page as an SVG file.
//!
//! `agent` speaks JSON lines on stdin and stdout so that an agent written in
//! any language can drive an environment ([`agent`], docs/agent-protocol.md).

// Site files, perturbation specs, episodes, policies and protocol lines are user input:
// nothing here may panic on them, so no unwrap, no expect and no unchecked indexing.
// Tests may (clippy.toml); a proven-safe index keeps a narrow allow with its reason.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod agent;

use clap::{Parser, Subcommand};
use serde::Serialize;
use serde_json::json;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use wobble_engine::catalog::{self, Blueprint, OpenError, Source};
use wobble_engine::{builtin, limits};
use wobble_engine::{load_site, Action, Env, Key, Kind, TypeText};
use wobble_policy::{check_evaluation_seeds, Policy, EVALUATION_SEEDS_START};

/// Like `println!`, but a closed pipe (`wobble list | head`) ends quietly
/// instead of panicking.
macro_rules! outln {
    ($($t:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// Like `print!`, see [`outln`].
macro_rules! out {
    ($($t:tt)*) => {{
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}

#[derive(Parser)]
#[command(
    name = "wobble",
    version,
    about = "Wobble: web-agent sandbox sites, run natively"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the shipped sites and their tasks.
    List {
        /// Print JSON: [{"site": ..., "tasks": [...]}, ...].
        #[arg(long)]
        json: bool,
    },
    /// Validate site files or folders of them (default: sites).
    Check {
        /// Files or folders.
        paths: Vec<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Play a task yourself in the terminal.
    Play {
        /// Site name or path to a .ron file.
        #[arg(long)]
        site: String,
        /// Task name (default: the site's first task).
        #[arg(long)]
        task: Option<String>,
        /// Episode seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Perturbations applied at every reset, e.g. `relabel:2,move:1,popup` (`wobble perturbations` lists them).
        #[arg(long, value_name = "SPEC")]
        perturb: Option<String>,
    },
    /// Evaluate a policy over many seeded episodes.
    Eval {
        /// random, oracle, or a policy file written by `wobble train`.
        #[arg(long)]
        policy: String,
        /// Site name or path to a .ron file.
        #[arg(long)]
        site: String,
        /// Task name (default: the site's first task).
        #[arg(long)]
        task: Option<String>,
        /// Number of episodes.
        #[arg(long, default_value_t = 100)]
        episodes: u64,
        /// First seed; episode i uses seed + i. Evaluation seeds are 2^63 and up
        /// (training plays only seeds below), so no evaluated episode was trained on.
        #[arg(long, default_value_t = EVALUATION_SEEDS_START)]
        seed: u64,
        /// Perturbations applied at every reset, e.g. `relabel:2,move:1,popup` (`wobble perturbations` lists them).
        #[arg(long, value_name = "SPEC")]
        perturb: Option<String>,
        /// Run on this many cores (results are identical to one core).
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Train a learned policy on a task (by trial and error, or by cloning the oracle).
    Train {
        /// Site name or path to a .ron file.
        #[arg(long)]
        site: String,
        /// Task name (default: the site's first task).
        #[arg(long)]
        task: Option<String>,
        /// ppo, reinforce or bc (behaviour cloning of the oracle).
        #[arg(long, default_value = "ppo")]
        algo: String,
        /// Feature groups the policy sees: all, or some of role,label,goal-match,position,page,selectors,step,context.
        #[arg(
            long,
            default_value = "role,label,goal-match,position,page,step,context"
        )]
        features: String,
        /// Perturbations drawn per training episode (domain randomization): KIND[:SEVERITY][@PROBABILITY],...
        #[arg(long, value_name = "SPEC")]
        perturb: Option<String>,
        /// Training episodes (after the warm start).
        #[arg(long, default_value_t = 2000)]
        episodes: u64,
        /// Oracle episodes cloned first (a warm start; 0 for none).
        #[arg(long, default_value_t = 0)]
        warm_start: u64,
        /// Recorded episodes (JSON files, e.g. exported from the web app) cloned first;
        /// with --algo bc, only these are cloned.
        #[arg(long, num_args = 1.., value_name = "FILE")]
        demos: Vec<PathBuf>,
        /// Terminal reward only: no potential-based shaping from sub-goals.
        #[arg(long)]
        no_shaping: bool,
        /// Hidden units.
        #[arg(long, default_value_t = 16)]
        hidden: usize,
        /// Adam's learning rate.
        #[arg(long, default_value_t = 3e-3)]
        lr: f32,
        /// Episodes per update.
        #[arg(long, default_value_t = 16)]
        batch: usize,
        /// Discount of future rewards.
        #[arg(long, default_value_t = 1.0)]
        gamma: f32,
        /// Entropy bonus (keeps exploring).
        #[arg(long, default_value_t = 0.02)]
        entropy: f32,
        /// Seed of weights, sampling and episodes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the policy (JSON).
        #[arg(long)]
        out: PathBuf,
        /// Episodes of evaluation after training (greedy, fresh seeds).
        #[arg(long, default_value_t = 200)]
        eval: u64,
        /// Play episodes and take gradients on this many cores (the policy is
        /// identical to one core's, byte for byte); also used by the evaluation.
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Evaluate a policy under every perturbation kind and severity (the brittleness sweep).
    Sweep {
        /// random, oracle, or a policy file.
        #[arg(long)]
        policy: String,
        /// Site name or path to a .ron file.
        #[arg(long)]
        site: String,
        /// Task name (default: the site's first task).
        #[arg(long)]
        task: Option<String>,
        /// Episodes per cell.
        #[arg(long, default_value_t = 100)]
        episodes: u64,
        /// First seed of every cell (evaluation seeds: 2^63 and up, never trained on).
        #[arg(long, default_value_t = EVALUATION_SEEDS_START)]
        seed: u64,
        /// Only these kinds (comma-separated; default all).
        #[arg(long)]
        kinds: Option<String>,
        /// Also write CSV here.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Also write an SVG heat map here.
        #[arg(long)]
        svg: Option<PathBuf>,
        /// Run on this many cores (results are identical to one core).
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Write JSON to this file; without a file, print JSON instead of the table.
        #[arg(long, value_name = "FILE", num_args = 0..=1)]
        json: Option<Option<PathBuf>>,
    },
    /// Measure random-policy steps and resets per second on one core.
    Bench {
        /// Site name or path to a .ron file.
        #[arg(long)]
        site: String,
        /// Task name (default: the site's first task).
        #[arg(long)]
        task: Option<String>,
        /// Seconds to run each measurement.
        #[arg(long, default_value_t = 2.0)]
        seconds: f64,
        /// Perturbations applied at every reset, e.g. `relabel:2,move:1,popup` (`wobble perturbations` lists them).
        #[arg(long, value_name = "SPEC")]
        perturb: Option<String>,
        /// Measure training instead: PPO from scratch with the default settings,
        /// episodes per second and the time until the running success rate reaches 90%.
        #[arg(long)]
        train: bool,
        /// Training episodes for --train.
        #[arg(long, default_value_t = 3000)]
        episodes: u64,
        /// Measure on this many cores at once (each its own environment; rates add up);
        /// with --train, train on this many cores.
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the text observation of a task at a seed (what an agent sees).
    Observe {
        /// Site name or path to a .ron file.
        #[arg(long)]
        site: String,
        /// Task name (default: the site's first task).
        #[arg(long)]
        task: Option<String>,
        /// Episode seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Perturbations applied at every reset, e.g. `relabel:2,move:1,popup` (`wobble perturbations` lists them).
        #[arg(long, value_name = "SPEC")]
        perturb: Option<String>,
        /// Print the agent protocol's observation as JSON (what the perturbations changed goes to stderr).
        #[arg(long)]
        json: bool,
    },
    /// Let an outside agent drive a task: JSON lines on stdin and stdout (docs/agent-protocol.md).
    Agent {
        /// Site name or path to a .ron file.
        #[arg(long, required_unless_present = "schema")]
        site: Option<String>,
        /// Task name (default: the site's first task).
        #[arg(long)]
        task: Option<String>,
        /// Seed of the first episode; a reset without a seed takes the next one.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Perturbations applied at every reset, e.g. `relabel:2,move:1,popup` (`wobble perturbations` lists them).
        #[arg(long, value_name = "SPEC")]
        perturb: Option<String>,
        /// Print the JSON Schema of the requests and replies, and exit.
        #[arg(long, conflicts_with_all = ["site", "task", "perturb"])]
        schema: bool,
    },
    /// List the perturbation catalog: name, group and description of each kind.
    Perturbations {
        /// Print JSON: [{"kind": ..., "group": ..., "description": ...}, ...].
        #[arg(long)]
        json: bool,
    },
    /// Draw a page of a task at a seed as an SVG file (what a person would see).
    Render {
        /// Site name or path to a .ron file.
        #[arg(long)]
        site: String,
        /// Task name (default: the site's first task).
        #[arg(long)]
        task: Option<String>,
        /// Page to draw (default: the start page); the oracle plays the episode until it gets there.
        #[arg(long)]
        page: Option<String>,
        /// Episode seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Perturbations applied at every reset, e.g. `relabel:2,move:1,popup` (`wobble perturbations` lists them).
        #[arg(long, value_name = "SPEC")]
        perturb: Option<String>,
        /// Where to write the SVG.
        #[arg(long, value_name = "FILE.svg")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Reads a file a person named, refusing one over `limit` bytes before reading it (a named
/// file may be anything, even a device that never ends).
fn read_input(path: &Path, what: &str, limit: usize) -> Result<String, String> {
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

/// Measures training: PPO from scratch (default settings, seed 1) on
/// `threads` cores; episodes per second, and the wall time until the success
/// rate over the last 100 training episodes first reaches 90%.
fn bench_training(
    site: &str,
    task: Option<&str>,
    perturb: Option<&str>,
    episodes: u64,
    threads: usize,
    json: bool,
) -> Result<ExitCode, String> {
    use wobble_policy::learned::train::{train, Randomization, TrainConfig};
    let randomization = match perturb {
        None => Randomization::default(),
        Some(text) => Randomization::parse(text).map_err(|e| format!("--perturb: {e}"))?,
    };
    let config = TrainConfig {
        episodes,
        randomization,
        threads: threads.max(1),
        ..TrainConfig::default()
    };
    let mut env = make_env(site, task, None)?;
    let started = Instant::now();
    let mut reached: Option<(f64, u64)> = None;
    train(&mut env, &config, &mut |p| {
        if reached.is_none() && p.episodes >= 100 && p.success_rate >= 0.9 {
            reached = Some((started.elapsed().as_secs_f64(), p.episodes));
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let per_sec = episodes as f64 / seconds.max(1e-9);
    if json {
        outln!(
            "{}",
            json!({
                "site": env.site().name, "task": env.task_name(), "training": config.describe(),
                "episodes": episodes, "seconds": seconds, "episodes_per_sec": per_sec,
                "seconds_to_90": reached.map(|r| r.0), "episodes_to_90": reached.map(|r| r.1),
            })
        );
    } else {
        outln!(
            "{}/{}: {}",
            env.site().name,
            env.task_name(),
            config.describe()
        );
        outln!("{episodes} episodes in {seconds:.2} s: {per_sec:.0} episodes/s");
        match reached {
            Some((s, e)) => {
                outln!("90% success over the last 100 episodes after {s:.2} s ({e} episodes)")
            }
            None => outln!("never reached 90% success over the last 100 episodes"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Makes fresh environments like `env` (same site, task and perturbations), one per thread.
/// The command line that made a policy, for its provenance: quoted where an
/// argument has spaces, and without `--threads`, which does not change the
/// policy (so a file is the same whatever the machine it was trained on).
fn recorded_command(args: impl Iterator<Item = String>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut skip_value = false;
    for arg in args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        if arg == "--threads" {
            skip_value = true;
            continue;
        }
        if arg.starts_with("--threads=") {
            continue;
        }
        out.push(if arg.contains(' ') {
            format!("{arg:?}")
        } else {
            arg
        });
    }
    out.join(" ")
}

fn env_factory(env: &Env) -> impl Fn() -> Env + Sync {
    let blueprint = Blueprint::of(env);
    move || blueprint.open()
}

/// Makes a policy (by name or from a policy file) once per thread.
type PolicyFactory = Box<dyn Fn() -> Box<dyn Policy> + Sync>;

fn policy_factory(name: &str, seed: u64) -> Result<PolicyFactory, String> {
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

/// An environment for a site's task, perturbed from its first reset on: `site` is a shipped
/// site's name or a site file's path (it ends in `.ron` or has a `/`).
fn make_env(site: &str, task: Option<&str>, perturb: Option<&str>) -> Result<Env, String> {
    // The spec first: a typo there is reported before any file is read.
    catalog::parse_perturb(perturb).map_err(cli_error)?;
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

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::List { json } => {
            let sites = builtin::load_all().map_err(|e| e.to_string())?;
            if json {
                let v: Vec<_> = sites
                    .iter()
                    .map(|s| json!({"site": s.name, "tasks": s.task_names()}))
                    .collect();
                outln!("{}", serde_json::Value::Array(v));
            } else {
                for s in &sites {
                    outln!(
                        "{:<18} {}  — {}",
                        s.name,
                        s.task_names().join(", "),
                        s.description
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { paths, json } => check(paths, json),
        Command::Play {
            site,
            task,
            seed,
            perturb,
        } => play(&site, task.as_deref(), seed, perturb.as_deref()),
        Command::Eval {
            policy,
            site,
            task,
            episodes,
            seed,
            perturb,
            threads,
            json,
        } => {
            check_evaluation_seeds(seed, episodes).map_err(|e| format!("--seed: {e}"))?;
            let env = make_env(&site, task.as_deref(), perturb.as_deref())?;
            let make_policy = policy_factory(&policy, seed)?;
            let make_env = env_factory(&env);
            let report =
                wobble_policy::evaluate_parallel(&make_env, &*make_policy, episodes, seed, threads);
            let spec = env.perturbations().to_string();
            if json {
                let shown = EvalOutput {
                    report: &report,
                    perturb: &spec,
                };
                outln!(
                    "{}",
                    serde_json::to_string(&shown).map_err(|e| e.to_string())?
                );
            } else {
                let under = if spec.is_empty() {
                    String::new()
                } else {
                    format!(" under {spec}")
                };
                outln!(
                    "{}/{} with {}{under}: success {:.1}% ({}/{} episodes, {}), mean return {:.3}, mean steps {:.2}",
                    report.site, report.task, report.policy, report.success_rate * 100.0, report.successes,
                    report.episodes, report.ci95, report.mean_return, report.mean_steps
                );
                for f in &report.failures {
                    outln!("  failed seed {}: {}", f.seed, f.reason);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Train {
            site,
            task,
            algo,
            features,
            perturb,
            episodes,
            warm_start,
            demos,
            no_shaping,
            hidden,
            lr,
            batch,
            gamma,
            entropy,
            seed,
            out,
            eval,
            threads,
            quiet,
            json,
        } => {
            use wobble_policy::learned::features::FeatureSet;
            use wobble_policy::learned::train::{train, Algo, Randomization, TrainConfig};
            let randomization = match perturb.as_deref() {
                None => Randomization::default(),
                Some(text) => Randomization::parse(text).map_err(|e| format!("--perturb: {e}"))?,
            };
            let config = TrainConfig {
                algo: Algo::parse(&algo).map_err(|e| format!("--algo: {e}"))?,
                episodes,
                seed,
                features: FeatureSet::parse(&features).map_err(|e| format!("--features: {e}"))?,
                hidden: hidden.clamp(1, 1024),
                lr,
                batch: batch.max(1),
                gamma: gamma.clamp(0.0, 1.0),
                entropy: entropy.max(0.0),
                shaping: !no_shaping,
                warm_start,
                randomization,
                threads: threads.max(1),
                ..TrainConfig::default()
            };
            let mut env = make_env(&site, task.as_deref(), None)?;
            let mut config = config;
            for path in &demos {
                let text = read_input(path, "episode", limits::MAX_EPISODE_BYTES)?;
                let record = wobble_engine::EpisodeRecord::from_json(&text)
                    .map_err(|e| format!("{}: not an episode record: {e}", path.display()))?;
                wobble_policy::learned::train::check_records(
                    &mut env,
                    std::slice::from_ref(&record),
                )
                .map_err(|e| format!("{}: {e}", path.display()))?;
                config.demos.push(record);
            }
            let bar = if quiet || json {
                indicatif::ProgressBar::hidden()
            } else {
                indicatif::ProgressBar::new(config.warm_start + config.episodes)
            };
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:30}] {pos}/{len} episodes  {per_sec}  {msg}",
                )
                .map_err(|e| e.to_string())?
                .progress_chars("=> "),
            );
            let started = Instant::now();
            let mut policy = train(&mut env, &config, &mut |p| {
                bar.set_position(p.episodes);
                bar.set_message(format!(
                    "success {:>5.1}%  steps {:.1}",
                    p.success_rate * 100.0,
                    p.mean_steps
                ));
            });
            bar.finish_and_clear();
            let seconds = started.elapsed().as_secs_f64();
            policy.provenance.command = recorded_command(std::env::args());
            std::fs::write(&out, policy.to_json())
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            let make_env = env_factory(&env);
            let make_policy = || -> Box<dyn wobble_policy::Policy> { Box::new(policy.clone()) };
            let report = wobble_policy::evaluate_parallel(
                &make_env,
                &make_policy,
                eval,
                EVALUATION_SEEDS_START,
                threads,
            );
            if json {
                outln!(
                    "{}",
                    json!({
                        "site": report.site,
                        "task": report.task,
                        "training": config.describe(),
                        "seconds": seconds,
                        "episodes_per_sec": (config.warm_start + config.episodes) as f64 / seconds.max(1e-9),
                        "eval_episodes": eval,
                        "eval_seed": EVALUATION_SEEDS_START,
                        "success_rate": report.success_rate,
                        "successes": report.successes,
                        "ci95": report.ci95,
                        "mean_steps": report.mean_steps,
                        "training_seeds": policy.provenance.training_seeds,
                        "out": out.display().to_string(),
                    })
                );
            } else {
                outln!("trained: {}", config.describe());
                if eval > 0 {
                    outln!(
                    "{:.1} s, {:.0} episodes/s; evaluation on {eval} unseen seeds (from 2^63): success {:.1}% ({}/{eval}, {}), {:.1} steps",
                    seconds,
                    (config.warm_start + config.episodes) as f64 / seconds.max(1e-9),
                    report.success_rate * 100.0,
                    report.successes,
                    report.ci95,
                    report.mean_steps
                    );
                }
                outln!("wrote {}", out.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sweep {
            policy,
            site,
            task,
            episodes,
            seed,
            kinds,
            csv,
            svg,
            threads,
            json,
        } => {
            let kinds: Vec<Kind> = match kinds.as_deref() {
                None => Kind::ALL.to_vec(),
                Some(text) => text
                    .split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(|k| {
                        Kind::from_name(k).ok_or_else(|| {
                            format!(
                                "--kinds: unknown kind \"{k}\"; expected some of: {}",
                                Kind::ALL.map(Kind::name).join(", ")
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?,
            };
            check_evaluation_seeds(seed, episodes).map_err(|e| format!("--seed: {e}"))?;
            let env = make_env(&site, task.as_deref(), None)?;
            let make_policy = policy_factory(&policy, seed)?;
            let make_env = env_factory(&env);
            let report = wobble_policy::sweep_parallel(
                &make_env,
                &*make_policy,
                &policy,
                episodes,
                seed,
                &kinds,
                threads,
            );
            let write = |path: &Option<PathBuf>, text: String| -> Result<(), String> {
                if let Some(path) = path {
                    std::fs::write(path, text)
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                }
                Ok(())
            };
            write(&csv, report.csv())?;
            write(&svg, report.svg())?;
            let as_json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
            match json {
                Some(None) => outln!("{as_json}"),
                Some(file) => {
                    write(&file, as_json)?;
                    out!("{}", report.table());
                }
                None => out!("{}", report.table()),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            site,
            task,
            perturb,
            train: true,
            episodes,
            threads,
            json,
            ..
        } => bench_training(
            &site,
            task.as_deref(),
            perturb.as_deref(),
            episodes,
            threads,
            json,
        ),
        Command::Bench {
            site,
            task,
            seconds,
            perturb,
            threads,
            json,
            ..
        } => bench(
            &site,
            task.as_deref(),
            seconds,
            perturb.as_deref(),
            threads,
            json,
        ),
        Command::Observe {
            site,
            task,
            seed,
            perturb,
            json,
        } => {
            let mut env = make_env(&site, task.as_deref(), perturb.as_deref())?;
            env.reset(seed);
            if json {
                // Exactly what an agent gets for `{"op":"observe"}`; what the perturbations
                // changed is for the person running it, so it goes to stderr.
                let observation = wobble_engine::protocol::observation(&env);
                outln!(
                    "{}",
                    serde_json::to_string(&observation).unwrap_or_default()
                );
                for line in changes_text(&env) {
                    eprintln!("{line}");
                }
            } else {
                out!("{}", env.observation_text());
                print_changes(&env);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Agent {
            site,
            task,
            seed,
            perturb,
            schema,
        } => {
            if schema {
                out!("{}", agent::SCHEMA);
                return Ok(ExitCode::SUCCESS);
            }
            let Some(site) = site else {
                return Err("agent needs --site (or --schema)".to_string());
            };
            let env = make_env(&site, task.as_deref(), perturb.as_deref())?;
            let stdin = std::io::stdin();
            agent::serve(
                agent::Session::new(env, seed),
                stdin.lock(),
                std::io::stdout(),
            )
            .map_err(|e| format!("agent: cannot read stdin: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Perturbations { json } => {
            perturbations(json);
            Ok(ExitCode::SUCCESS)
        }
        Command::Render {
            site,
            task,
            page,
            seed,
            perturb,
            out,
        } => render(
            &site,
            task.as_deref(),
            page.as_deref(),
            seed,
            perturb.as_deref(),
            &out,
        ),
    }
}

/// `wobble eval --json`: the policy's report and the perturbations it ran under.
#[derive(Serialize)]
struct EvalOutput<'a> {
    #[serde(flatten)]
    report: &'a wobble_policy::EvalReport,
    /// The canonical spec (empty when unperturbed).
    perturb: &'a str,
}

/// One kind of `wobble perturbations --json`, fields in this order.
#[derive(Serialize)]
struct KindInfo {
    kind: &'static str,
    group: &'static str,
    description: &'static str,
}

/// What the perturbations changed in this episode, one line each (nothing when unperturbed).
fn print_changes(env: &Env) {
    for line in changes_text(env) {
        outln!("{line}");
    }
}

/// The perturbations and what each changed, a line each (nothing when unperturbed).
fn changes_text(env: &Env) -> Vec<String> {
    if env.perturbations().is_empty() {
        return Vec::new();
    }
    let mut lines = vec![format!("perturbations: {}", env.perturbations())];
    for c in env.changes() {
        let mark = if c.applied { "changed" } else { "unchanged" };
        lines.push(format!("  {}:{} {mark}: {}", c.kind, c.severity, c.text));
    }
    lines
}

fn perturbations(json: bool) {
    if json {
        let kinds: Vec<KindInfo> = Kind::ALL
            .iter()
            .map(|k| KindInfo {
                kind: k.name(),
                group: k.group(),
                description: k.description(),
            })
            .collect();
        outln!("{}", serde_json::to_string(&kinds).unwrap_or_default());
        return;
    }
    let name_w = Kind::ALL.iter().map(|k| k.name().len()).max().unwrap_or(0);
    let group_w = Kind::ALL.iter().map(|k| k.group().len()).max().unwrap_or(0);
    outln!("{:<name_w$}  {:<group_w$}  description", "kind", "group");
    for k in Kind::ALL {
        outln!(
            "{:<name_w$}  {:<group_w$}  {}",
            k.name(),
            k.group(),
            k.description()
        );
    }
    outln!("\nUse them as --perturb KIND[:SEVERITY],... (severity 1 to 3, default 2), e.g. --perturb relabel:2,popup");
}

/// Resets at `seed`, has the oracle play until `page` is shown (if it is not the start page),
/// and writes the SVG drawing of that moment to `out`.
fn render(
    site: &str,
    task: Option<&str>,
    page: Option<&str>,
    seed: u64,
    perturb: Option<&str>,
    out: &Path,
) -> Result<ExitCode, String> {
    let mut env = make_env(site, task, perturb)?;
    if let Some(p) = page {
        let site = env.site();
        if !site.pages.iter().any(|pg| !pg.is_dialog && pg.id == p) {
            let ids: Vec<&str> = site
                .pages
                .iter()
                .filter(|pg| !pg.is_dialog)
                .map(|pg| pg.id.as_str())
                .collect();
            return Err(format!(
                "site \"{}\" has no page \"{p}\"; its pages are: {}",
                site.name,
                ids.join(", ")
            ));
        }
    }
    env.reset(seed);
    if let Some(p) = page {
        let mut oracle = wobble_policy::OraclePolicy::default();
        oracle.begin_episode(&env);
        while env.page_id() != p {
            if env.is_done() {
                return Err(format!(
                    "the oracle never reached page \"{p}\" on seed {seed}: the episode ended on page \"{}\" after {} steps ({})",
                    env.page_id(),
                    env.steps(),
                    env.outcome().map(|o| o.reason.as_str()).unwrap_or("no outcome")
                ));
            }
            let action = oracle.act(&env);
            env.step(&action).map_err(|e| e.to_string())?;
        }
    }
    let svg = wobble_engine::render::page_svg(&env);
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(out, svg).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let spec = env.perturbations().to_string();
    outln!(
        "wrote {} ({}/{}, page {}, seed {seed}{})",
        out.display(),
        env.site().name,
        env.task_name(),
        env.page_id(),
        if spec.is_empty() {
            String::new()
        } else {
            format!(", perturb {spec}")
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn ron_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() || p.extension().map(|x| x == "ron").unwrap_or(false) {
                ron_files(&p, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

fn check(paths: Vec<PathBuf>, json: bool) -> Result<ExitCode, String> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("sites")]
    } else {
        paths
    };
    let mut files = Vec::new();
    for p in &paths {
        if !p.exists() {
            return Err(format!("{} does not exist", p.display()));
        }
        ron_files(p, &mut files)?;
    }
    let mut results = Vec::new();
    let mut failed = false;
    for f in &files {
        let shown = f.display().to_string();
        let outcome = read_input(f, "site", limits::MAX_SITE_BYTES)
            .and_then(|text| load_site(&shown, &text).map_err(|e| e.to_string()));
        match outcome {
            Ok(site) => {
                if !json {
                    outln!(
                        "ok    {shown}  ({}: {})",
                        site.name,
                        site.task_names().join(", ")
                    );
                }
                results.push(json!({"path": shown, "ok": true, "site": site.name, "tasks": site.task_names()}));
            }
            Err(e) => {
                failed = true;
                if !json {
                    outln!("error {e}");
                }
                results.push(json!({"path": shown, "ok": false, "error": e}));
            }
        }
    }
    if json {
        outln!("{}", serde_json::Value::Array(results));
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Steps a random policy with automatic resets for `seconds`, then resets
/// alone for half that: (steps, episodes, seconds, resets, seconds).
fn measure(mut env: Env, seconds: f64, thread: u64) -> (u64, u64, f64, u64, f64) {
    let mut policy = wobble_policy::RandomPolicy::new(1 + thread);
    // Warm up buffers, then step with automatic resets.
    let mut seed = thread.wrapping_mul(1 << 40);
    env.reset(seed);
    for _ in 0..10_000 {
        step_auto(&mut env, &mut policy, &mut seed);
    }
    let (mut steps, mut episodes) = (0u64, 0u64);
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < seconds {
        for _ in 0..1000 {
            if step_auto(&mut env, &mut policy, &mut seed) {
                episodes += 1;
            }
        }
        steps += 1000;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let mut resets = 0u64;
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < seconds / 2.0 {
        for _ in 0..100 {
            seed += 1;
            env.reset(seed);
        }
        resets += 100;
    }
    (
        steps,
        episodes,
        elapsed,
        resets,
        start.elapsed().as_secs_f64(),
    )
}

fn bench(
    site: &str,
    task: Option<&str>,
    seconds: f64,
    perturb: Option<&str>,
    threads: usize,
    json: bool,
) -> Result<ExitCode, String> {
    let env = make_env(site, task, perturb)?;
    let make_env = env_factory(&env);
    let threads = threads.max(1);
    // Each thread measures its own environment for the same time; rates add up.
    let parts = wobble_policy::parallel::on_each_thread(threads, &|t| {
        measure(make_env(), seconds, t as u64)
    });
    let steps: u64 = parts.iter().map(|p| p.0).sum();
    let episodes: u64 = parts.iter().map(|p| p.1).sum();
    let elapsed = parts.iter().map(|p| p.2).fold(0.0, f64::max).max(1e-9);
    let resets: u64 = parts.iter().map(|p| p.3).sum();
    let reset_elapsed = parts.iter().map(|p| p.4).fold(0.0, f64::max).max(1e-9);
    let steps_per_sec = steps as f64 / elapsed;
    let resets_per_sec = resets as f64 / reset_elapsed;
    if json {
        outln!(
            "{}",
            json!({"site": env.site().name, "task": env.task_name(), "perturb": env.perturbations().to_string(), "policy": "random", "threads": threads, "steps": steps, "episodes": episodes,
                   "seconds": elapsed, "steps_per_sec": steps_per_sec, "episodes_per_sec": episodes as f64 / elapsed, "resets_per_sec": resets_per_sec})
        );
    } else {
        let spec = env.perturbations().to_string();
        outln!(
            "{}/{}{}: {:.0} steps/s ({:.0} episodes/s, random policy, auto-reset), {:.0} resets/s, {threads} thread(s)",
            env.site().name,
            env.task_name(),
            if spec.is_empty() {
                String::new()
            } else {
                format!(" under {spec}")
            },
            steps_per_sec,
            episodes as f64 / elapsed,
            resets_per_sec
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One random step, resetting with the next seed when the episode ends; true when it ended.
fn step_auto(env: &mut Env, policy: &mut wobble_policy::RandomPolicy, seed: &mut u64) -> bool {
    let action = policy.act(env);
    let ended = match env.step(&action) {
        Ok(r) => r.terminated || r.truncated,
        Err(_) => true,
    };
    if ended {
        *seed += 1;
        env.reset(*seed);
    }
    ended
}

const PLAY_HELP: &str = "commands: N (take candidate N) | click ID | type ID TEXT | select ID OPTION | key enter|tab|escape | scroll DY | finish | reset | help | quit";

fn play(
    site: &str,
    task: Option<&str>,
    seed: u64,
    perturb: Option<&str>,
) -> Result<ExitCode, String> {
    let mut env = make_env(site, task, perturb)?;
    let mut seed = seed;
    env.reset(seed);
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    outln!("{PLAY_HELP}");
    print_changes(&env);
    loop {
        outln!("\n{}", env.observation_text());
        if env.is_done() {
            outln!("episode over: `reset` for a new one, `quit` to leave");
        } else {
            for (i, a) in env.candidates().iter().enumerate() {
                outln!("  {i:>3}: {}", describe(&env, a));
            }
        }
        out!("> ");
        let _ = out.flush();
        let mut line = String::new();
        if stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?
            == 0
        {
            return Ok(ExitCode::SUCCESS);
        }
        let line = line.trim();
        let action = match parse_play(line, &env) {
            Ok(Some(a)) => a,
            Ok(None) => match line {
                "quit" | "exit" => return Ok(ExitCode::SUCCESS),
                "reset" => {
                    seed += 1;
                    env.reset(seed);
                    print_changes(&env);
                    continue;
                }
                _ => {
                    outln!("{PLAY_HELP}");
                    continue;
                }
            },
            Err(e) => {
                outln!("{e}");
                continue;
            }
        };
        match env.step(&action) {
            Ok(r) => {
                if r.terminated || r.truncated {
                    if let Some(o) = env.outcome() {
                        outln!("reward {} — {}", o.raw_reward, o.reason);
                    }
                }
            }
            Err(e) => outln!("{e}"),
        }
    }
}

/// A candidate as `play` lists it: the element's id (what `click ID` takes), then the phrase
/// the page uses for it.
fn describe(env: &Env, a: &Action) -> String {
    match a.element() {
        Some(id) => format!("[{id}] {}", wobble_engine::describe(env, a)),
        None => wobble_engine::describe(env, a),
    }
}

fn parse_play(line: &str, env: &Env) -> Result<Option<Action>, String> {
    if let Ok(i) = line.parse::<usize>() {
        return env
            .candidates()
            .get(i)
            .cloned()
            .map(Some)
            .ok_or_else(|| format!("there is no candidate {i}"));
    }
    let mut parts = line.splitn(3, ' ');
    let verb = parts.next().unwrap_or("");
    let id = |s: Option<&str>| -> Result<u32, String> {
        s.and_then(|s| s.parse().ok())
            .ok_or_else(|| "expected an element id".to_string())
    };
    Ok(Some(match verb {
        "click" => Action::Click(id(parts.next())?),
        "type" => {
            let n = id(parts.next())?;
            Action::Type(n, TypeText::Literal(parts.next().unwrap_or("").to_string()))
        }
        "select" => {
            let n = id(parts.next())?;
            let want = parts.next().unwrap_or("");
            let options = env
                .nodes()
                .get(n as usize)
                .map(|x| x.options.clone())
                .unwrap_or_default();
            let o = want
                .parse::<u16>()
                .ok()
                .or_else(|| options.iter().position(|o| o == want).map(|p| p as u16))
                .ok_or_else(|| format!("no option {want:?}; options are {options:?}"))?;
            Action::Select(n, o)
        }
        "key" => match parts.next().unwrap_or("") {
            "enter" => Action::Key(Key::Enter),
            "tab" => Action::Key(Key::Tab),
            "escape" => Action::Key(Key::Escape),
            k => return Err(format!("unknown key {k:?}; expected enter, tab or escape")),
        },
        "scroll" => Action::Scroll(
            parts
                .next()
                .and_then(|s| s.parse().ok())
                .ok_or("expected a number of pixels")?,
        ),
        "finish" => Action::Finish,
        _ => return Ok(None),
    }))
}
