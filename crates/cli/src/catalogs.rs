//! The catalogs: `wobble list` (the shipped sites and their tasks),
//! `wobble check` (site files compiled, their mistakes located, and their
//! tasks proved solvable by the oracle, see `wobble_policy::check`) and
//! `wobble perturbations` (the kinds of change).

use crate::common::read_input;
use serde::Serialize;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wobble_engine::{builtin, limits, Kind};
use wobble_policy::check::{check_text, CheckOptions};

/// Runs `wobble list`.
pub fn list(json: bool) -> Result<ExitCode, String> {
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

/// The `.ron` files under `path` (itself, when it is a file), sorted.
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

/// `wobble check`'s arguments.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or folders (default: sites).
    pub paths: Vec<PathBuf>,
    /// Oracle episodes per task and perturbation; 0 only compiles.
    #[arg(long, default_value_t = 20)]
    pub seeds: u64,
    /// The severity every kind of perturbation is checked at (1 to 3).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=3))]
    pub severity: u8,
    /// Print JSON: one object per file.
    #[arg(long)]
    pub json: bool,
}

/// Runs `wobble check`: exit 1 when any file has a mistake or a check fails.
pub fn check(args: CheckArgs) -> Result<ExitCode, String> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("sites")]
    } else {
        args.paths
    };
    let mut files = Vec::new();
    for p in &paths {
        if !p.exists() {
            return Err(format!("{} does not exist", p.display()));
        }
        ron_files(p, &mut files)?;
    }
    let options = CheckOptions {
        seeds: args.seeds,
        severity: args.severity,
        ..CheckOptions::default()
    };
    let mut results = Vec::new();
    let mut failed = false;
    for f in &files {
        let shown = f.display().to_string();
        let outcome = read_input(f, "site", limits::MAX_SITE_BYTES).and_then(|text| {
            check_text(&shown, &text, &options, &mut |_, _| {}).map_err(|e| e.to_string())
        });
        match outcome {
            Ok(report) => {
                let passed = report.passed();
                failed |= !passed;
                if !args.json {
                    outln!(
                        "{}  {shown}  ({}: {}; {} oracle episodes)",
                        if passed { "ok   " } else { "FAIL " },
                        report.site,
                        report.tasks.join(", "),
                        report.episodes()
                    );
                    if options.seeds > 0 {
                        for line in report.to_text().lines() {
                            outln!("      {line}");
                        }
                    }
                }
                results.push(json!({"path": shown, "ok": passed, "site": report.site, "tasks": report.tasks, "report": report}));
            }
            Err(e) => {
                failed = true;
                if !args.json {
                    outln!("error {e}");
                }
                results.push(json!({"path": shown, "ok": false, "error": e}));
            }
        }
    }
    if args.json {
        outln!("{}", serde_json::Value::Array(results));
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One kind of `wobble perturbations --json`, fields in this order.
#[derive(Serialize)]
struct KindInfo {
    kind: &'static str,
    group: &'static str,
    description: &'static str,
}

/// Runs `wobble perturbations`.
pub fn perturbations(json: bool) -> ExitCode {
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
        return ExitCode::SUCCESS;
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
    ExitCode::SUCCESS
}
