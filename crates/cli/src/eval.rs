//! `wobble eval` and `wobble sweep`: a policy's success over many seeded
//! episodes, on one task, unperturbed or under perturbations. Both play
//! evaluation seeds only (2^63 and up), which training never plays.

use crate::common::{env_factory, make_env, policy_factory, Evaluation, PolicyFactory, Reading};
use clap::Args;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use wobble_policy::check_evaluation_seeds;

/// Evaluate a policy over many seeded episodes.
#[derive(Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    run: Evaluation,
    /// Perturbations applied at every reset, e.g. `relabel:2,move:1,popup` (`wobble perturbations` lists them).
    #[arg(long, value_name = "SPEC")]
    perturb: Option<String>,
    /// Run on this many cores (results are identical to one core).
    #[arg(long, default_value_t = 1, value_parser = crate::common::at_least_one)]
    threads: usize,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `wobble eval --json`: the policy's report and the perturbations it ran under.
#[derive(Serialize)]
struct EvalOutput<'a> {
    #[serde(flatten)]
    report: &'a wobble_policy::EvalReport,
    /// The canonical spec (empty when unperturbed).
    perturb: &'a str,
}

/// Runs `wobble eval`.
pub fn eval(args: EvalArgs) -> Result<ExitCode, String> {
    let EvalArgs {
        run:
            Evaluation {
                policy,
                reading: Reading { on, episodes, seed },
            },
        perturb,
        threads,
        json,
    } = args;
    check_evaluation_seeds(seed, episodes).map_err(|e| format!("--seed: {e}"))?;
    let env = make_env(&on, perturb.as_deref())?;
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

/// Evaluate a policy under every perturbation kind and severity (the brittleness sweep),
/// or several agents side by side (`--agents`: the brittleness matrix).
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// random, oracle, script (a recorded RPA script), or a policy file written by `wobble train`.
    #[arg(long, required_unless_present = "agents", conflicts_with = "agents")]
    policy: Option<String>,
    /// Several agents over the same grid, as NAME=POLICY pairs (or a policy name alone),
    /// comma-separated, e.g. `reader=policies/airline.json,screen=policies/airline-screen.json,script`.
    #[arg(long, value_name = "NAME=POLICY,...")]
    agents: Option<String>,
    #[command(flatten)]
    reading: Reading,
    /// Only these kinds (comma-separated; default all).
    #[arg(long)]
    kinds: Option<String>,
    /// Also write CSV here.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Also write an SVG heat map here (one policy only).
    #[arg(long, conflicts_with = "agents")]
    svg: Option<PathBuf>,
    /// Run on this many cores (results are identical to one core).
    #[arg(long, default_value_t = 1, value_parser = crate::common::at_least_one)]
    threads: usize,
    /// Write JSON to this file; without a file, print JSON instead of the table.
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    json: Option<Option<PathBuf>>,
}

/// The agents `--agents` names: (name, policy), in order, names unique.
fn parse_agents(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut agents: Vec<(String, String)> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, policy) = match part.split_once('=') {
            Some((n, p)) => (n.trim(), p.trim()),
            None => (part, part),
        };
        if name.is_empty() || policy.is_empty() {
            return Err(format!(
                "--agents: \"{part}\" should be NAME=POLICY (a policy file, random, oracle or script)"
            ));
        }
        if agents.iter().any(|(n, _)| n == name) {
            return Err(format!("--agents: the name \"{name}\" is given twice"));
        }
        agents.push((name.to_string(), policy.to_string()));
    }
    if agents.is_empty() {
        return Err("--agents: name at least one agent, e.g. reader=policies/airline.json".into());
    }
    Ok(agents)
}

/// Runs `wobble sweep`.
pub fn sweep(args: SweepArgs) -> Result<ExitCode, String> {
    let SweepArgs {
        policy,
        agents,
        reading: Reading { on, episodes, seed },
        kinds,
        csv,
        svg,
        threads,
        json,
    } = args;
    let kinds =
        wobble_policy::sweep::parse_kinds(kinds.as_deref()).map_err(|e| format!("--kinds: {e}"))?;
    check_evaluation_seeds(seed, episodes).map_err(|e| format!("--seed: {e}"))?;
    let env = make_env(&on, None)?;
    let make_env = env_factory(&env);
    let write = |path: &Option<PathBuf>, text: String| -> Result<(), String> {
        if let Some(path) = path {
            std::fs::write(path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(())
    };
    let (table, as_json) = if let Some(agents) = agents {
        let named = parse_agents(&agents)?;
        let factories: Vec<PolicyFactory> = named
            .iter()
            .map(|(name, policy)| {
                policy_factory(policy, seed).map_err(|e| format!("--agents {name}: {e}"))
            })
            .collect::<Result<_, _>>()?;
        let list: Vec<(&str, &str, wobble_policy::matrix::MakePolicy<'_>)> = named
            .iter()
            .zip(&factories)
            .map(|((name, policy), make)| (name.as_str(), policy.as_str(), &**make as _))
            .collect();
        let matrix = wobble_policy::sweep_agents(&make_env, &list, episodes, seed, &kinds, threads);
        write(&csv, matrix.csv())?;
        (
            matrix.table(),
            serde_json::to_string_pretty(&matrix).map_err(|e| e.to_string())?,
        )
    } else {
        let policy = policy.unwrap_or_default();
        let make_policy = policy_factory(&policy, seed)?;
        let report = wobble_policy::sweep_parallel(
            &make_env,
            &*make_policy,
            &policy,
            episodes,
            seed,
            &kinds,
            threads,
        );
        write(&csv, report.csv())?;
        write(&svg, report.svg())?;
        (
            report.table(),
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
        )
    };
    match json {
        Some(None) => outln!("{as_json}"),
        Some(file) => {
            write(&file, as_json)?;
            out!("{table}");
        }
        None => out!("{table}"),
    }
    Ok(ExitCode::SUCCESS)
}
