//! `wobble train`: a learned policy trained on a task, by trial and error
//! (PPO, REINFORCE) or by cloning the oracle and recorded episodes, then
//! written as a policy file and evaluated on unseen seeds.

use crate::common::{env_factory, make_env, read_input, Task};
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use wobble_engine::limits;
use wobble_policy::learned::net::Activation;
use wobble_policy::learned::options::{TrainOptions, DEFAULT_FEATURES};
use wobble_policy::learned::train::{train as train_policy, TrainConfig};
use wobble_policy::EVALUATION_SEEDS_START;

/// Train a learned policy on a task (by trial and error, or by cloning the oracle).
#[derive(Args, Debug)]
pub struct TrainArgs {
    #[command(flatten)]
    on: Task,
    /// ppo, reinforce or bc (behaviour cloning of the oracle).
    #[arg(long, default_value = "ppo")]
    algo: String,
    /// Feature groups the policy sees: all, or some of role,label,goal-match,position,page,selectors,step,context;
    /// or `screen` alone: pixels only, the screen agent.
    #[arg(long, default_value = DEFAULT_FEATURES)]
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
    /// The hidden layer's activation: rational (a rational fit of tanh, made of
    /// basic arithmetic) or tanh (libm's, as policies trained before it used).
    #[arg(long, default_value = "rational")]
    activation: String,
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
    #[arg(long, default_value_t = 1, value_parser = crate::common::at_least_one)]
    threads: usize,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// The training settings the arguments ask for; the error names the bad argument.
fn config(args: &TrainArgs) -> Result<TrainConfig, String> {
    TrainOptions {
        algo: args.algo.clone(),
        features: args.features.clone(),
        perturb: args.perturb.clone(),
        episodes: args.episodes,
        warm_start: args.warm_start,
        shaping: !args.no_shaping,
        hidden: args.hidden,
        lr: args.lr,
        batch: args.batch,
        gamma: args.gamma,
        entropy: args.entropy,
        seed: args.seed,
        threads: args.threads,
    }
    .config()
    .map_err(|(name, e)| format!("--{name}: {e}"))
    .and_then(|config| {
        Ok(TrainConfig {
            activation: Activation::parse(&args.activation)
                .map_err(|e| format!("--activation: {e}"))?,
            ..config
        })
    })
}

/// Runs `wobble train`.
pub fn train(args: TrainArgs) -> Result<ExitCode, String> {
    let mut config = config(&args)?;
    let TrainArgs {
        on,
        demos,
        out,
        eval,
        threads,
        quiet,
        json,
        ..
    } = args;
    let mut env = make_env(&on, None)?;
    for path in &demos {
        let text = read_input(path, "episode", limits::MAX_EPISODE_BYTES)?;
        let record = wobble_engine::EpisodeRecord::from_json(&text)
            .map_err(|e| format!("{}: not an episode record: {e}", path.display()))?;
        wobble_policy::learned::train::check_records(&mut env, std::slice::from_ref(&record))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        config.demos.push(record);
    }
    wobble_policy::learned::options::check_cloning(&config)
        .map_err(|(name, e)| format!("--{name}: {e}"))?;
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
    let mut policy = train_policy(&mut env, &config, &mut |p| {
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
    let per_sec = (config.warm_start + config.episodes) as f64 / seconds.max(1e-9);
    if json {
        outln!(
            "{}",
            json!({
                "site": report.site,
                "task": report.task,
                "training": config.describe(),
                "seconds": seconds,
                "episodes_per_sec": per_sec,
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
                per_sec,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_command_leaves_out_only_the_threads() {
        let args = [
            "wobble",
            "train",
            "--site",
            "a b.ron",
            "--threads",
            "4",
            "--threads=2",
            "--seed",
            "3",
        ];
        assert_eq!(
            recorded_command(args.iter().map(|a| a.to_string())),
            "wobble train --site \"a b.ron\" --seed 3"
        );
    }
}
