//! `wobble-bench-report`: writes BENCHMARKS.md and the README's speed figures from the raw
//! measurements of `cargo xtask bench`, which runs it (see the library's docs).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: wobble-bench-report [--raw FILE] [--template FILE] [--out FILE] [--readme FILE]

  --raw FILE       the raw measurements (default docs/bench/raw.jsonl)
  --template FILE  the report's prose with {{name}} placeholders (default xtask/bench-template.md)
  --out FILE       the report to write (default BENCHMARKS.md)
  --readme FILE    the README whose `bench` block gets the headline figures (default README.md)
  --breaks FILE    instead, write the README's `break` block from the raw lines of
                   `cargo xtask break-table` (docs/bench/break.jsonl)

Paths are relative to the current directory; `cargo xtask bench` runs it from the root.";

fn main() -> ExitCode {
    let mut paths = [
        ("--raw", PathBuf::from("docs/bench/raw.jsonl")),
        ("--template", PathBuf::from("xtask/bench-template.md")),
        ("--out", PathBuf::from("BENCHMARKS.md")),
        ("--readme", PathBuf::from("README.md")),
        ("--breaks", PathBuf::new()),
    ];
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let Some((_, path)) = paths.iter_mut().find(|(flag, _)| *flag == arg) else {
            let code = if arg == "-h" || arg == "--help" { 0 } else { 2 };
            if code == 2 {
                eprintln!("wobble-bench-report: unknown argument `{arg}`\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(code);
        };
        match args.next() {
            Some(value) => *path = PathBuf::from(value),
            None => {
                eprintln!("wobble-bench-report: `{arg}` needs a file\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let [(_, raw), (_, template), (_, out), (_, readme), (_, breaks)] = &paths;
    if !breaks.as_os_str().is_empty() {
        let written = wobble_bench_report::generate_breaks(breaks, readme)
            .and_then(|text| std::fs::write(readme, text).map_err(|e| e.to_string()));
        return match written {
            Ok(()) => {
                println!("break-table: wrote the break block in {}", readme.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("wobble-bench-report: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match wobble_bench_report::write(raw, template, out, readme) {
        Ok(()) => {
            println!(
                "bench: wrote {} and the figures in {}; review `git diff`",
                out.display(),
                readme.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wobble-bench-report: {e}");
            ExitCode::FAILURE
        }
    }
}
