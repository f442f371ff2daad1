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
//! catalog; `break` searches it for the cheapest change that breaks an agent; `render` draws a page as an SVG file.
//!
//! `agent` speaks JSON lines on stdin and stdout so that an agent written in
//! any language can drive an environment ([`agent`], docs/agent-protocol.md).
//!
//! Each command lives in its own module with its arguments; [`common`] holds
//! what they share (opening the environment a command names, reading files).
//! A command returns its exit code, or an error message that `main` prints
//! as `error: ...` with exit code 2.

// Site files, perturbation specs, episodes, policies and protocol lines are user input:
// nothing here may panic on them, so no unwrap, no expect and no unchecked indexing.
// Tests may (clippy.toml); a proven-safe index keeps a narrow allow with its reason.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

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

mod agent;
mod bench;
mod breaking;
mod catalogs;
mod common;
mod eval;
mod link;
mod observe;
mod play;
mod train;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

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
    /// Check site files or folders of them (default: sites): compile each,
    /// then play every task with the oracle on `--seeds` seeds, unperturbed
    /// and under every kind of perturbation at `--severity`, checking
    /// lockstep determinism, layout, solvability and unambiguous goals.
    Check(catalogs::CheckArgs),
    /// Play a task yourself in the terminal.
    Play(play::PlayArgs),
    /// Evaluate a policy over many seeded episodes.
    Eval(eval::EvalArgs),
    /// Train a learned policy on a task (by trial and error, or by cloning the oracle).
    Train(train::TrainArgs),
    /// Evaluate a policy under every perturbation kind and severity (the brittleness sweep).
    Sweep(eval::SweepArgs),
    /// Find the cheapest perturbation that breaks an agent while the oracle still solves the
    /// task, verified on fresh seeds: the change, its cost and interval, and the search's path.
    Break(breaking::BreakArgs),
    /// Measure random-policy steps and resets per second on one core.
    Bench(bench::BenchArgs),
    /// Print the text observation of a task at a seed (what an agent sees).
    Observe(observe::ObserveArgs),
    /// Let an outside agent drive a task: JSON lines on stdin and stdout (docs/agent-protocol.md).
    Agent(agent::AgentArgs),
    /// List the perturbation catalog: name, group and description of each kind.
    Perturbations {
        /// Print JSON: [{"kind": ..., "group": ..., "description": ...}, ...].
        #[arg(long)]
        json: bool,
    },
    /// Draw a page of a task at a seed as an SVG file (what a person would see).
    Render(observe::RenderArgs),
    /// Print the address that plays a policy file in the web app (the policy travels in the
    /// link's fragment, compressed; too large a policy is refused with its size).
    Link {
        /// A policy file written by `wobble train`.
        #[arg(long)]
        policy: std::path::PathBuf,
        /// The address the web app is served at.
        #[arg(long, default_value = "http://127.0.0.1:8080/")]
        page: String,
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

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::List { json } => catalogs::list(json),
        Command::Check(args) => catalogs::check(args),
        Command::Play(args) => play::play(args),
        Command::Eval(args) => eval::eval(args),
        Command::Train(args) => train::train(args),
        Command::Sweep(args) => eval::sweep(args),
        Command::Break(args) => breaking::run(args),
        Command::Bench(args) => bench::bench(args),
        Command::Observe(args) => observe::observe(args),
        Command::Agent(args) => agent::run(args),
        Command::Perturbations { json } => Ok(catalogs::perturbations(json)),
        Command::Render(args) => observe::render(args),
        Command::Link { policy, page } => link::link(&policy, &page),
    }
}
