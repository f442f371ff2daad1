//! `wobble bench`: how fast the engine steps and resets (a random policy
//! with automatic resets, on as many cores as asked, each with its own
//! environment), or with `--train`, how fast PPO trains and how soon it
//! reaches 90% success.

use crate::common::{env_factory, make_env, Task};
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;
use wobble_engine::Env;
use wobble_policy::Policy;

/// Measure random-policy steps and resets per second on one core.
#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(flatten)]
    on: Task,
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
    /// The hidden layer's activation for --train: rational or tanh (see `wobble train --help`).
    #[arg(long, default_value = "rational")]
    activation: String,
    /// Measure on this many cores at once (each its own environment; rates add up);
    /// with --train, train on this many cores.
    #[arg(long, default_value_t = 1, value_parser = crate::common::at_least_one)]
    threads: usize,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `wobble bench`.
pub fn bench(args: BenchArgs) -> Result<ExitCode, String> {
    if args.train {
        bench_training(&args)
    } else {
        bench_steps(&args)
    }
}

/// Steps and resets per second, summed over the threads.
fn bench_steps(args: &BenchArgs) -> Result<ExitCode, String> {
    let (seconds, json) = (args.seconds, args.json);
    let env = make_env(&args.on, args.perturb.as_deref())?;
    let make_env = env_factory(&env);
    let threads = args.threads.max(1);
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

/// Measures training: PPO from scratch (default settings, seed 1) on
/// `threads` cores; episodes per second, and the wall time until the success
/// rate over the last 100 training episodes first reaches 90%.
fn bench_training(args: &BenchArgs) -> Result<ExitCode, String> {
    let (episodes, threads, json) = (args.episodes, args.threads, args.json);
    use wobble_policy::learned::train::{train, Randomization, TrainConfig};
    let randomization = match args.perturb.as_deref() {
        None => Randomization::default(),
        Some(text) => Randomization::parse(text).map_err(|e| format!("--perturb: {e}"))?,
    };
    let activation = wobble_policy::learned::net::Activation::parse(&args.activation)
        .map_err(|e| format!("--activation: {e}"))?;
    let config = TrainConfig {
        episodes,
        activation,
        randomization,
        threads: threads.max(1),
        ..TrainConfig::default()
    };
    let mut env = make_env(&args.on, None)?;
    let started = Instant::now();
    let mut reached: Option<(f64, u64)> = None;
    let mut steps = 0;
    train(&mut env, &config, &mut |p| {
        steps = p.steps;
        if reached.is_none() && p.episodes >= 100 && p.success_rate >= 0.9 {
            reached = Some((started.elapsed().as_secs_f64(), p.episodes));
        }
    });
    let seconds = started.elapsed().as_secs_f64();
    let per_sec = episodes as f64 / seconds.max(1e-9);
    // Learning steps: each played by the environment and the network, then learned from.
    let steps_per_sec = steps as f64 / seconds.max(1e-9);
    if json {
        outln!(
            "{}",
            json!({
                "site": env.site().name, "task": env.task_name(), "training": config.describe(),
                "episodes": episodes, "seconds": seconds, "episodes_per_sec": per_sec,
                "steps": steps, "steps_per_sec": steps_per_sec,
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
        outln!(
            "{episodes} episodes ({steps} steps) in {seconds:.2} s: {per_sec:.0} episodes/s, {steps_per_sec:.0} steps/s"
        );
        match reached {
            Some((s, e)) => {
                outln!("90% success over the last 100 episodes after {s:.2} s ({e} episodes)")
            }
            None => outln!("never reached 90% success over the last 100 episodes"),
        }
    }
    Ok(ExitCode::SUCCESS)
}
