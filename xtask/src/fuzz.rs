//! `cargo xtask fuzz [--minutes N | --seconds N] [TARGET...]`: runs the fuzz targets in `fuzz/`.
//!
//! Installs cargo-fuzz ([`CARGO_FUZZ_VERSION`]) and the nightly toolchain if they are missing,
//! builds every target once, then runs each for the given time with
//! `cargo +nightly fuzz run -s none TARGET fuzz/target/corpus/TARGET fuzz/corpus/TARGET
//! [fuzz/target/seeds/TARGET] -- ...` (from `fuzz/`, with `-dict=dict/TARGET.dict` when there is
//! one): new inputs go to the scratch corpus under `fuzz/target/` (kept between runs, never
//! committed), while the seeds are only read. The seeds are the committed corpus in
//! `fuzz/corpus/` and, for the targets in [`GENERATED_SEEDS`], copies of repository files
//! written afresh before each run (the shipped sites for `site_loader`), so that they cannot
//! drift from the files they copy. The sanitizer
//! is off because the engine and policies are safe Rust: what is looked for is panics
//! (debug assertions and overflow checks are on), timeouts and running out of memory.
//! libFuzzer's final statistics give the executions; a summary table follows. A crash fails
//! the task and names the saved input under `fuzz/artifacts/TARGET/` and how to rerun it.
//!
//! `cargo xtask test` runs every target for [`CI_SECONDS`] seconds ([`Xtask::fuzz_smoke`]).

use super::{run, secs, Result, Xtask};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The cargo-fuzz release installed when it is missing (or another version is found).
const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// The toolchain libFuzzer's instrumentation needs.
const NIGHTLY: &str = "nightly";
/// Every target, in the order they run (`fuzz/fuzz_targets/*.rs`).
pub(crate) const TARGETS: [&str; 6] = [
    "site_loader",
    "perturb_spec",
    "episode_import",
    "agent_protocol",
    "policy_import",
    "actions",
];
/// Seconds per target in `cargo xtask test`.
pub(crate) const CI_SECONDS: u64 = 20;
/// Seconds per target when `cargo xtask fuzz` is given no time.
const DEFAULT_SECONDS: u64 = 60;
/// libFuzzer's limit for one input, in seconds: a slower input is reported as a hang.
const INPUT_TIMEOUT_SECONDS: u64 = 30;
/// Seeds copied from the repository rather than committed: (target, folder from the root,
/// file extension). They go to `fuzz/target/seeds/TARGET/`, which git ignores with the rest
/// of `fuzz/target/`.
const GENERATED_SEEDS: [(&str, &str, &str); 1] = [("site_loader", "sites", "ron")];

/// What one target's run gave.
struct Outcome {
    target: &'static str,
    elapsed: Duration,
    executions: Option<u64>,
    /// libFuzzer's own average (its running time only, without the build).
    rate: Option<u64>,
    corpus: Option<u64>,
    /// The saved input that failed, when the run failed.
    failure: Option<String>,
}

impl Xtask {
    /// `cargo xtask fuzz [--minutes N | --seconds N] [TARGET...]`.
    pub(crate) fn fuzz(&self, args: &[String]) -> Result {
        let (seconds, targets) = fuzz_args(args)?;
        self.fuzz_run(seconds, &targets)
    }

    /// The short run in `cargo xtask test`: every target for [`CI_SECONDS`].
    pub(crate) fn fuzz_smoke(&self) -> Result {
        self.fuzz_run(CI_SECONDS, &TARGETS)
    }

    fn fuzz_run(&self, seconds: u64, targets: &[&'static str]) -> Result {
        self.ensure_nightly()?;
        self.ensure_cargo_fuzz()?;
        run(&mut self.cargo_fuzz(&["build", "-s", "none"]))?;
        let mut outcomes = Vec::new();
        for &target in targets {
            println!("\n--> fuzz {target} for {seconds} s");
            outcomes.push(self.fuzz_target(target, seconds)?);
        }
        print_summary(seconds, &outcomes);
        let failed: Vec<String> = outcomes
            .iter()
            .filter_map(|o| {
                o.failure.as_ref().map(|input| {
                    format!(
                        "{} failed on {input}; rerun it with `cd fuzz && cargo +nightly fuzz run \
                         -s none {} {input}`",
                        o.target,
                        o.target,
                        input = input.strip_prefix("fuzz/").unwrap_or(input)
                    )
                })
            })
            .collect();
        if failed.is_empty() {
            Ok(())
        } else {
            Err(failed.join("\n  "))
        }
    }

    /// Runs one target, echoing libFuzzer's messages (not its progress lines).
    fn fuzz_target(&self, target: &'static str, seconds: u64) -> Result<Outcome> {
        let scratch = Path::new("target").join("corpus").join(target);
        let seeds = Path::new("corpus").join(target);
        let fuzz_dir = self.root.join("fuzz");
        std::fs::create_dir_all(fuzz_dir.join(&scratch))
            .map_err(|e| format!("cannot create fuzz/{}: {e}", scratch.display()))?;
        let generated = self.generate_seeds(target)?;
        let mut cmd = self.cargo_fuzz(&["run", "-s", "none", target]);
        // libFuzzer writes new inputs into the first folder only.
        cmd.arg(&scratch)
            .arg(&seeds)
            .args(&generated)
            .arg("--")
            .args([
                format!("-max_total_time={seconds}"),
                format!("-timeout={INPUT_TIMEOUT_SECONDS}"),
                "-print_final_stats=1".to_string(),
            ]);
        // Tokens of the input's format (kinds, field names, edge numbers) speed the search up.
        let dict = Path::new("dict").join(format!("{target}.dict"));
        if fuzz_dir.join(&dict).exists() {
            cmd.arg(format!("-dict={}", dict.display()));
        }
        println!("$ {}", super::display(&cmd));
        let started = Instant::now();
        let mut child = cmd
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start cargo fuzz: {e}"))?;
        let mut executions = None;
        let mut rate = None;
        let mut corpus = None;
        let mut artifact = None;
        if let Some(stderr) = child.stderr.take() {
            for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
                if let Some(n) = stat(&line, "stat::number_of_executed_units:") {
                    executions = Some(n);
                }
                if let Some(n) = stat(&line, "stat::average_exec_per_sec:") {
                    rate = Some(n);
                }
                if let Some(path) = line.split("Test unit written to ").nth(1) {
                    if !path.contains("slow-unit-") {
                        artifact = Some(path.trim().to_string());
                    }
                }
                // `#1234\tDONE cov: .. corp: 977/6885Kb ..` holds the corpus size.
                if line.starts_with('#') && line.contains("DONE") {
                    corpus = corpus_size(&line);
                }
                if !is_progress(&line) {
                    eprintln!("{line}");
                }
            }
        }
        let status = child
            .wait()
            .map_err(|e| format!("cargo fuzz did not finish: {e}"))?;
        let failure = (!status.success()).then(|| {
            artifact
                .map(|p| relative_to(&p, &self.root))
                .unwrap_or_else(|| format!("(no saved input; cargo fuzz exited with {status})"))
        });
        Ok(Outcome {
            target,
            elapsed: started.elapsed(),
            executions,
            rate,
            corpus,
            failure,
        })
    }

    /// Writes `target`'s generated seeds ([`GENERATED_SEEDS`]) afresh; returns their folder,
    /// relative to `fuzz/`, when it has any.
    fn generate_seeds(&self, target: &str) -> Result<Option<PathBuf>> {
        let Some((_, from, extension)) = GENERATED_SEEDS.iter().find(|(t, _, _)| *t == target)
        else {
            return Ok(None);
        };
        let dir = Path::new("target").join("seeds").join(target);
        let copied = copy_seeds(
            &self.root.join(from),
            extension,
            &self.root.join("fuzz").join(&dir),
        )?;
        println!(
            "  seeds    {copied} {from}/*.{extension} files copied to fuzz/{}",
            dir.display()
        );
        Ok(Some(dir))
    }

    /// `cargo +nightly fuzz ARGS` run from `fuzz/`.
    fn cargo_fuzz(&self, args: &[&str]) -> std::process::Command {
        // The rustup proxy (first on our PATH) understands `+nightly`; `$CARGO` is the stable
        // toolchain's own cargo, which does not.
        let mut cmd = self.cmd("cargo");
        cmd.current_dir(self.root.join("fuzz"))
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("RUSTC")
            .arg(format!("+{NIGHTLY}"))
            .arg("fuzz")
            .args(args);
        cmd
    }

    fn ensure_nightly(&self) -> Result {
        let list = self
            .stdout("rustup", &["toolchain", "list"])
            .ok_or("the fuzz targets need rustup (for the nightly toolchain), which is missing")?;
        if list.lines().any(|l| l.starts_with(NIGHTLY)) {
            println!("  ok       rust toolchain {NIGHTLY}");
            return Ok(());
        }
        println!("  install  rust toolchain {NIGHTLY}");
        run(self
            .cmd("rustup")
            .args(["toolchain", "install", NIGHTLY, "--profile", "minimal"]))
    }

    fn ensure_cargo_fuzz(&self) -> Result {
        let found = self.tool_version("cargo-fuzz", "--version");
        if found.as_deref() == Some(CARGO_FUZZ_VERSION) {
            println!("  ok       cargo-fuzz {CARGO_FUZZ_VERSION}");
            return Ok(());
        }
        println!(
            "  install  cargo-fuzz {CARGO_FUZZ_VERSION} (found {}; cargo install, ~2 min)",
            found.as_deref().unwrap_or("none")
        );
        run(&mut self.cargo([
            "install",
            "cargo-fuzz",
            "--version",
            CARGO_FUZZ_VERSION,
            "--locked",
        ]))?;
        self.expect_version("cargo-fuzz", "--version", CARGO_FUZZ_VERSION)
    }
}

/// Copies every `*.EXTENSION` file of `from` into `to`, emptied first so that a file removed
/// from `from` does not linger; returns how many were copied.
fn copy_seeds(from: &Path, extension: &str, to: &Path) -> Result<usize> {
    if to.exists() {
        fs::remove_dir_all(to).map_err(|e| format!("cannot empty {}: {e}", to.display()))?;
    }
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let mut copied = 0;
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if let (true, Some(name)) = (
            path.extension().is_some_and(|x| x == extension),
            path.file_name(),
        ) {
            fs::copy(&path, to.join(name))
                .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
            copied += 1;
        }
    }
    if copied == 0 {
        return Err(format!("{} has no *.{extension} files", from.display()));
    }
    Ok(copied)
}

/// `--minutes N`, `--seconds N` (or `=N`) and target names; all targets when none is named.
fn fuzz_args(args: &[String]) -> Result<(u64, Vec<&'static str>)> {
    let mut seconds = DEFAULT_SECONDS;
    let mut targets = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (arg.as_str(), None),
        };
        let scale = match flag {
            "--minutes" => 60,
            "--seconds" => 1,
            _ if arg.starts_with('-') => {
                return Err(format!(
                    "unknown option `{arg}`; usage: cargo xtask fuzz [--minutes N | --seconds N] [TARGET...]"
                ))
            }
            _ => {
                let target = TARGETS.iter().find(|t| **t == arg).ok_or_else(|| {
                    format!(
                        "no fuzz target is named `{arg}`; the targets are: {}",
                        TARGETS.join(", ")
                    )
                })?;
                targets.push(*target);
                continue;
            }
        };
        let value = inline
            .or_else(|| it.next().cloned())
            .ok_or_else(|| format!("`{flag}` needs a number"))?;
        let n: u64 = value
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("`{flag}` needs a whole number above 0, not `{value}`"))?;
        seconds = n.saturating_mul(scale);
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    Ok((seconds, targets))
}

/// A line of libFuzzer's running commentary (progress, new functions, the dictionary it
/// learnt, the statistics the summary repeats), which a log can do without.
fn is_progress(line: &str) -> bool {
    line.starts_with('#')
        || line.starts_with('\t')
        || line.starts_with('"')
        || line.starts_with("stat::")
        || line.starts_with("Done ")
        || line.starts_with("###### Recommended dictionary")
}

/// The number after `key` in a libFuzzer statistics line.
fn stat(line: &str, key: &str) -> Option<u64> {
    line.trim().strip_prefix(key)?.trim().parse().ok()
}

/// The number of inputs in a `... corp: 977/6885Kb ...` progress line.
fn corpus_size(line: &str) -> Option<u64> {
    let rest = line.split(" corp: ").nth(1)?;
    rest.split('/').next()?.parse().ok()
}

/// `path` relative to the repository root when it is inside it.
fn relative_to(path: &str, root: &Path) -> String {
    let p = Path::new(path);
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join("fuzz").join(p)
    };
    p.strip_prefix(root)
        .map(|r| r.display().to_string())
        .unwrap_or_else(|_| path.to_string())
}

fn print_summary(seconds: u64, outcomes: &[Outcome]) {
    println!("\nfuzz summary ({seconds} s per target):");
    println!(
        "  {:<16} {:>8} {:>12} {:>9} {:>8}  result",
        "target", "time", "executions", "exec/s", "corpus"
    );
    let number = |n: Option<u64>| n.map_or("?".to_string(), |n| n.to_string());
    for o in outcomes {
        println!(
            "  {:<16} {:>8} {:>12} {:>9} {:>8}  {}",
            o.target,
            secs(o.elapsed),
            number(o.executions),
            number(o.rate),
            number(o.corpus),
            match &o.failure {
                None => "ok".to_string(),
                Some(input) => format!("FAILED: {input}"),
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_the_time_and_the_targets() {
        assert_eq!(
            fuzz_args(&strings(&[])).unwrap(),
            (DEFAULT_SECONDS, TARGETS.to_vec())
        );
        assert_eq!(
            fuzz_args(&strings(&["--minutes", "3", "actions"])).unwrap(),
            (180, vec!["actions"])
        );
        assert_eq!(
            fuzz_args(&strings(&["site_loader", "--seconds=7"])).unwrap(),
            (7, vec!["site_loader"])
        );
        assert!(fuzz_args(&strings(&["--minutes"])).is_err());
        assert!(fuzz_args(&strings(&["--minutes", "0"])).is_err());
        assert!(fuzz_args(&strings(&["--hours", "1"])).is_err());
        let e = fuzz_args(&strings(&["sites"])).unwrap_err();
        assert!(e.contains("site_loader"), "{e}");
    }

    #[test]
    fn copies_the_seeds_afresh() {
        let scratch = std::env::temp_dir().join(format!("xtask-seeds-{}", std::process::id()));
        let (from, to) = (scratch.join("sites"), scratch.join("seeds"));
        fs::create_dir_all(&from).unwrap();
        fs::create_dir_all(&to).unwrap();
        fs::write(from.join("a.ron"), "Site(").unwrap();
        fs::write(from.join("README.md"), "not a seed").unwrap();
        fs::write(to.join("removed.ron"), "left from an older run").unwrap();
        assert_eq!(copy_seeds(&from, "ron", &to).unwrap(), 1);
        let mut names: Vec<_> = fs::read_dir(&to)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["a.ron"]);
        assert!(copy_seeds(&to, "txt", &scratch.join("none")).is_err());
        fs::remove_dir_all(&scratch).unwrap();
    }

    #[test]
    fn parses_libfuzzer_lines() {
        assert_eq!(
            stat(
                "stat::number_of_executed_units: 34087",
                "stat::number_of_executed_units:"
            ),
            Some(34087)
        );
        assert_eq!(
            corpus_size("#34087\tDONE   cov: 8962 ft: 27024 corp: 977/6885Kb lim: 15956"),
            Some(977)
        );
        assert!(is_progress("#34087\tDONE   cov: 8962"));
        assert!(is_progress("\tNEW_FUNC[1/3]: 0x5628cb3519f1"));
        assert!(!is_progress(
            "thread '<unnamed>' panicked at src/env.rs:12:5:"
        ));
        let root = Path::new("/repo");
        assert_eq!(
            relative_to("/repo/fuzz/artifacts/actions/crash-1", root),
            "fuzz/artifacts/actions/crash-1"
        );
        assert_eq!(
            relative_to("artifacts/actions/crash-1", root),
            "fuzz/artifacts/actions/crash-1"
        );
    }
}
