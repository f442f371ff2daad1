//! Every class of mistake in a site file is rejected with its location and a
//! sentence saying what is wrong and what was expected, never a panic.
//!
//! The cases are data: each file in `tests/malformed/` is a site file (most are
//! `good.ron` with one thing broken) whose leading `//` lines say why it is
//! there and end with what loading it must give, one of
//!
//! ```text
//! // expect: LINE:COLUMN: MESSAGE     the error, exactly, as `wobble check` prints it after the path
//! // expect: loads, tasks: NAME, ...   the site loads, with these tasks
//! ```
//!
//! One harness runs them all; adding a case is adding a file, and a file
//! without an expectation fails. The header lines are blanked before loading,
//! line breaks kept, so that positions are the file's own: the loader locates
//! some errors by searching the text for the name at fault, which the header
//! names too. `cargo xtask bless` (WOBBLE_BLESS=1) rewrites the expectation of
//! every file that has one; review the diff.

use std::path::{Path, PathBuf};
use wobble_engine::load_site;

/// What the header line holding the expectation starts with.
const EXPECT: &str = "// expect: ";

/// The folder of case files.
fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed")
}

/// One case file, split into what it expects and the text the loader sees.
struct Case {
    /// The path given to the loader, which every error must repeat.
    path: String,
    /// The file as committed.
    file: String,
    /// The expectation, when the header has one.
    expected: Option<String>,
    /// The file with its header lines emptied.
    text: String,
}

impl Case {
    fn read(file_name: &str) -> Case {
        let bytes = std::fs::read(cases_dir().join(file_name))
            .unwrap_or_else(|e| panic!("tests/malformed/{file_name}: {e}"));
        let file = String::from_utf8(bytes)
            .unwrap_or_else(|e| panic!("tests/malformed/{file_name} is not UTF-8: {e}"));
        let header_lines = file.lines().take_while(|l| l.starts_with("//")).count();
        let expected = file
            .lines()
            .take(header_lines)
            .find_map(|l| l.strip_prefix(EXPECT))
            .map(|e| e.trim_end().to_string());
        let mut text = "\n".repeat(header_lines);
        text.extend(file.split_inclusive('\n').skip(header_lines));
        Case {
            path: format!("tests/malformed/{file_name}"),
            file,
            expected,
            text,
        }
    }

    /// What loading the case gives, in the expectation's words.
    fn outcome(&self) -> String {
        match load_site(&self.path, &self.text) {
            Ok(site) => format!("loads, tasks: {}", site.task_names().join(", ")),
            Err(e) => {
                let shown = e.to_string();
                // The path is checked here rather than written in every file.
                match shown.strip_prefix(&format!("{}:", self.path)) {
                    Some(rest) => rest.trim_end().to_string(),
                    None => format!("(an error that does not start with the file's path) {shown}"),
                }
            }
        }
    }

    /// The file with its expectation replaced by `outcome`.
    fn blessed(&self, outcome: &str) -> String {
        let mut out = String::with_capacity(self.file.len());
        let mut done = false;
        for line in self.file.split_inclusive('\n') {
            if !done && line.starts_with(EXPECT) {
                done = true;
                let ending = if line.ends_with('\n') { "\n" } else { "" };
                out.push_str(&format!("{EXPECT}{outcome}{ending}"));
            } else {
                out.push_str(line);
            }
        }
        out
    }
}

/// Every file name in the folder, sorted.
fn case_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(cases_dir())
        .expect("tests/malformed/ exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

#[test]
fn every_case_file_gives_what_it_expects() {
    let bless = wobble_testkit::blessing();
    let names = case_files();
    let mut failures = Vec::new();
    for name in &names {
        if !name.ends_with(".ron") {
            failures.push(format!("{name}: not a case file (cases end in .ron)"));
            continue;
        }
        let case = Case::read(name);
        let outcome = case.outcome();
        match &case.expected {
            None => failures.push(format!(
                "{name}: no `{EXPECT}...` line in its header; it gives\n    {EXPECT}{outcome}"
            )),
            Some(expected) if *expected == outcome => {}
            Some(_) if bless => {
                std::fs::write(cases_dir().join(name), case.blessed(&outcome))
                    .unwrap_or_else(|e| panic!("tests/malformed/{name}: {e}"));
            }
            Some(expected) => failures.push(format!(
                "{name}:\n    expected {expected}\n    got      {outcome}"
            )),
        }
    }
    assert!(names.len() > 1, "tests/malformed/ holds no cases");
    assert!(
        failures.is_empty(),
        "{} of {} cases in crates/engine/tests/malformed/ failed (if a message changed on \
         purpose, `cargo xtask bless` rewrites the expectations):\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

/// Found by fuzzing the site loader (fuzz/regressions/site_loader/,
/// RELIABILITY.md): `max - min` overflowed an i64, a panic with overflow
/// checks and a wrapped (always `min`) value without them. Loading is the
/// case file's business; this draws from it.
#[test]
fn an_int_generator_may_span_all_of_i64() {
    let case = Case::read("int-generator-spans-all-of-i64.ron");
    let site = std::sync::Arc::new(load_site(&case.path, &case.text).unwrap());
    let mut env = wobble_engine::Env::new(site, 0, Default::default()).unwrap();
    let mut large = 0;
    for seed in 0..50 {
        env.reset(seed);
        let n: i64 = env.goal_value(0).parse().expect("a whole number");
        assert!(n >= -5, "{n}");
        large += usize::from(n > 1 << 40);
    }
    assert!(large > 40, "only {large} of 50 draws were large");
}

/// The harness's own reading of a header: blanked lines keep positions, and
/// blessing touches only the expectation.
#[test]
fn headers_are_blanked_and_blessed_in_place() {
    let case = Case {
        path: "x.ron".into(),
        file: "// why\n// expect: old\nSite(\n".into(),
        expected: None,
        text: String::new(),
    };
    assert_eq!(
        case.blessed("1:1: new"),
        "// why\n// expect: 1:1: new\nSite(\n"
    );
    let case = Case::read("missing-comma.ron");
    assert_eq!(case.text.lines().count(), case.file.lines().count());
    assert!(case.text.starts_with("\n\nSite("), "{:?}", &case.text[..10]);
}
