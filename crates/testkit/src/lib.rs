//! # Wobble's test kit: golden files and generated blocks
//!
//! Some of Wobble's tests compare what the code produces now with text that is
//! committed: a golden file (digests, first observations, drawings), or a block
//! of a document that is generated rather than written (a README table, a
//! figure in RELIABILITY.md). Both go through here, so that they fail alike,
//! naming the stale file and the command that refreshes it, and so that
//! `cargo xtask bless`, which runs the tests with `WOBBLE_BLESS=1`, rewrites
//! them alike:
//!
//! ```text
//! test computes `actual` --> golden_file(path, actual)          same? pass : stale, fail
//!                        --> generated_block(doc, name, actual)  under WOBBLE_BLESS=1: rewrite, pass
//! ```
//!
//! A generated block sits between two markers, on lines of their own or
//! within a sentence:
//!
//! ```text
//! <!-- NAME:begin -->
//! | a generated | table |
//! <!-- NAME:end -->
//! ... now <!-- NAME:begin -->33 files<!-- NAME:end --> ...
//! ```
//!
//! A line break right after the begin marker belongs to the marker, so a
//! block on its own lines holds just its lines. Relative paths are taken from
//! the repository's root.
#![forbid(unsafe_code)]

use std::ops::Range;
use std::path::{Path, PathBuf};

/// The environment variable under which golden files and blocks are rewritten
/// instead of compared.
pub const BLESS_VAR: &str = "WOBBLE_BLESS";

/// The command that refreshes every golden file and block (it sets [`BLESS_VAR`]).
pub const REFRESH: &str = "cargo xtask bless";

/// Whether this run rewrites golden files and blocks ([`BLESS_VAR`] is set).
pub fn blessing() -> bool {
    std::env::var_os(BLESS_VAR).is_some()
}

/// The repository's root.
pub fn root() -> PathBuf {
    // This crate lives in crates/testkit/.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/testkit sits two folders below the root")
        .to_path_buf()
}

/// Checks that the file at `path` holds exactly `actual`; under
/// [`BLESS_VAR`] writes `actual` there instead (creating folders as needed).
///
/// # Panics
///
/// When the file is missing or differs, with its path, the first difference
/// and the command that refreshes it.
#[track_caller]
pub fn golden_file(path: impl AsRef<Path>, actual: &str) {
    let path = root().join(path);
    let shown = shown(&path);
    let committed = std::fs::read_to_string(&path).ok();
    if committed.as_deref() == Some(actual) {
        return;
    }
    if blessing() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        }
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("cannot write {shown}: {e}"));
        return;
    }
    match committed {
        None => panic!("{shown} is missing: run `{REFRESH}` to write it, and review it"),
        Some(committed) => panic!(
            "{shown} is stale: run `{REFRESH}` and review the diff\n{}",
            first_difference(&committed, actual)
        ),
    }
}

/// Checks that the block `name` of the document at `path` reads `content`;
/// under [`BLESS_VAR`] writes `content` there instead.
///
/// # Panics
///
/// When the document or its markers are missing, or when the block differs,
/// with the document, the block's name and the command that refreshes it.
#[track_caller]
pub fn generated_block(path: impl AsRef<Path>, name: &str, content: &str) {
    let path = root().join(path);
    let shown = shown(&path);
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {shown}: {e}"));
    let range = block_range(&doc, name).unwrap_or_else(|e| panic!("{shown}: {e}"));
    if doc[range.clone()] == *content {
        return;
    }
    if blessing() {
        let mut fresh = doc.clone();
        fresh.replace_range(range, content);
        std::fs::write(&path, fresh).unwrap_or_else(|e| panic!("cannot write {shown}: {e}"));
        return;
    }
    panic!(
        "{shown}'s {name} block is stale: run `{REFRESH}` and review the diff\n{}",
        first_difference(&doc[range], content)
    );
}

/// `doc` with the block `name` replaced by `content`, for the tools that write
/// blocks outside the tests (`cargo xtask bench`); an error names a missing marker.
pub fn replace_block(doc: &str, name: &str, content: &str) -> Result<String, String> {
    let range = block_range(doc, name)?;
    let mut fresh = String::with_capacity(doc.len() + content.len());
    fresh.push_str(&doc[..range.start]);
    fresh.push_str(content);
    fresh.push_str(&doc[range.end..]);
    Ok(fresh)
}

/// Where the block `name` of `doc` lies: after its begin marker (and the line
/// break that may follow it), up to its end marker.
fn block_range(doc: &str, name: &str) -> Result<Range<usize>, String> {
    let (begin, end) = (
        format!("<!-- {name}:begin -->"),
        format!("<!-- {name}:end -->"),
    );
    let mut start = doc
        .find(&begin)
        .ok_or_else(|| format!("no `{begin}` marker"))?
        + begin.len();
    if doc[start..].starts_with('\n') {
        start += 1;
    }
    let stop = doc[start..]
        .find(&end)
        .ok_or_else(|| format!("no `{end}` marker after `{begin}`"))?
        + start;
    Ok(start..stop)
}

/// `path` as a reader finds it: relative to the root when inside it.
fn shown(path: &Path) -> String {
    let root = root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Where `now` first departs from `committed`, line by line, for a failure
/// message that stays short however large the files are.
fn first_difference(committed: &str, now: &str) -> String {
    let (old, new): (Vec<&str>, Vec<&str>) = (committed.lines().collect(), now.lines().collect());
    let at = old
        .iter()
        .zip(&new)
        .position(|(a, b)| a != b)
        .unwrap_or(old.len().min(new.len()));
    let line = |lines: &[&str]| {
        lines.get(at).map_or("(end)".to_string(), |l| {
            let mut l: String = l.chars().take(300).collect();
            if l.len() < lines[at].len() {
                l.push_str(" ...");
            }
            l
        })
    };
    let mut out = format!(
        "first difference at line {}:\n  committed: {}\n  now:       {}\n({} lines committed, {} now)",
        at + 1,
        line(&old),
        line(&new),
        old.len(),
        new.len()
    );
    if old.len() == new.len() && at == old.len() {
        out = "the lines agree; the files differ in line endings or a final line break".into();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_on_their_own_lines_and_within_a_sentence() {
        let doc = "a\n<!-- t:begin -->\n| x |\n<!-- t:end -->\nnow <!-- n:begin -->3 files<!-- n:end -->.\n";
        assert_eq!(&doc[block_range(doc, "t").unwrap()], "| x |\n");
        assert_eq!(&doc[block_range(doc, "n").unwrap()], "3 files");
        assert_eq!(
            replace_block(doc, "n", "4 files").unwrap(),
            doc.replace("3 files", "4 files")
        );
        assert_eq!(
            replace_block(doc, "t", "| y |\n| z |\n").unwrap(),
            doc.replace("| x |\n", "| y |\n| z |\n")
        );
        assert!(replace_block(doc, "missing", "")
            .unwrap_err()
            .contains("<!-- missing:begin -->"));
        assert!(replace_block("<!-- t:begin -->", "t", "")
            .unwrap_err()
            .contains("<!-- t:end -->"));
    }

    #[test]
    fn a_difference_is_shown_by_its_first_line() {
        let d = first_difference("a\nb\nc\n", "a\nB\nc\n");
        assert!(d.starts_with("first difference at line 2:"), "{d}");
        assert!(
            d.contains("committed: b") && d.contains("now:       B"),
            "{d}"
        );
        let d = first_difference("a\n", "a\nb\n");
        assert!(
            d.contains("line 2") && d.contains("committed: (end)"),
            "{d}"
        );
        assert!(first_difference("a\n", "a").contains("final line break"));
    }

    #[test]
    fn the_root_holds_the_workspace() {
        assert!(root().join("Cargo.toml").is_file());
        assert_eq!(shown(&root().join("README.md")), "README.md");
    }
}
