//! `wobble break`: the cheapest perturbation that breaks an agent, verified
//! on fresh seeds, with the path the search took and the spec to reproduce it
//! ([`wobble_policy::breaking`] says how it searches and what a change costs).

use crate::common::{env_factory, make_env, policy_factory, Task};
use clap::Args;
use std::io::Write;
use std::process::ExitCode;
use wobble_policy::breaking::{find_break, BreakConfig, BreakReport, Players, SEARCH_SEEDS_START};

/// Find the cheapest perturbation that breaks an agent.
#[derive(Args, Debug)]
pub struct BreakArgs {
    /// random, oracle, script, or a policy file written by `wobble train`.
    #[arg(long)]
    policy: String,
    #[command(flatten)]
    on: Task,
    /// Episodes the whole search may play (agent and oracle, verification included).
    #[arg(long, default_value_t = BreakConfig::default().budget_episodes)]
    budget_episodes: u64,
    /// A change breaks the agent when its success's 95% interval lies below this (0 to 1).
    #[arg(long, default_value_t = BreakConfig::default().threshold)]
    threshold: f64,
    /// Only these kinds (comma-separated; default all).
    #[arg(long)]
    kinds: Option<String>,
    /// Most kinds combined in one change.
    #[arg(long, default_value_t = BreakConfig::default().max_kinds)]
    max_kinds: usize,
    /// Run on this many cores (results are identical to one core).
    #[arg(long, default_value_t = 1, value_parser = crate::common::at_least_one)]
    threads: usize,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `wobble break`; exits 1 when no break was found.
pub fn run(args: BreakArgs) -> Result<ExitCode, String> {
    let kinds = wobble_policy::sweep::parse_kinds(args.kinds.as_deref())
        .map_err(|e| format!("--kinds: {e}"))?;
    let config = BreakConfig {
        threshold: args.threshold,
        budget_episodes: args.budget_episodes,
        max_kinds: args.max_kinds,
        kinds,
        ..BreakConfig::default()
    };
    config.check()?;
    let env = make_env(&args.on, None)?;
    let make_env = env_factory(&env);
    let make_agent = policy_factory(&args.policy, SEARCH_SEEDS_START)?;
    let players = Players::judged_by_oracle(&make_env, &*make_agent, args.threads);
    let started = std::time::Instant::now();
    let report = find_break(&players, &args.policy, &config)?;
    if args.json {
        outln!("{}", report.to_json());
    } else {
        out!("{}", text(&report, &args));
        outln!("wall time {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(if report.found.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The report for people.
fn text(r: &BreakReport, args: &BreakArgs) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} on {}/{}: unperturbed {} on search seeds from {}; threshold {:.0}%",
        r.policy,
        r.site,
        r.task,
        r.baseline.describe(),
        r.search_seed,
        r.config.threshold * 100.0
    );
    let _ = writeln!(s, "path ({} candidates):", r.path.len());
    for a in &r.path {
        let _ = writeln!(
            s,
            "  {:<40} cost {}/{}/{:<3} {:>4} episodes  {:<40} {}",
            a.spec,
            a.cost.kinds,
            a.cost.severity,
            a.cost.elements,
            a.episodes,
            a.agent.describe(),
            serde_json::to_value(a.verdict)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(s, "  (cost: kinds/severity sum/elements changed)");
    match &r.found {
        Some(b) => {
            let task = args
                .on
                .task
                .as_deref()
                .map(|t| format!(" --task {t}"))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "smallest break: {} ({} kind(s), severity {}, {} element(s) changed)",
                b.spec, b.cost.kinds, b.cost.severity, b.cost.elements
            );
            let _ = writeln!(
                s,
                "verified on {} fresh seeds from {}: agent {}, oracle {}",
                b.agent.episodes,
                b.verify_seed,
                b.agent.describe(),
                b.oracle.describe()
            );
            let _ = writeln!(
                s,
                "reproduce: wobble eval --policy {} --site {}{task} --perturb {} --seed {} --episodes {}",
                args.policy, args.on.site, b.spec, b.verify_seed, b.agent.episodes
            );
            for (kind, description) in &b.kinds {
                let _ = writeln!(s, "{kind}: {description}");
            }
            let _ = writeln!(s, "what it did at seed {}:", b.verify_seed);
            for c in &b.changes {
                let _ = writeln!(s, "  {c}");
            }
        }
        None => {
            let _ = writeln!(s, "no break found");
        }
    }
    let _ = writeln!(
        s,
        "{}; {} of {} episodes spent",
        r.stopped, r.episodes, r.config.budget_episodes
    );
    s
}
