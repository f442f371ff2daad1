//! Helpers shared by the policy crate's test files.

use std::path::{Path, PathBuf};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Checks that the generated block `name` of the document at `path` (relative
/// to the root), between `<!-- NAME:begin -->` and `<!-- NAME:end -->`, reads
/// `content`; under WOBBLE_BLESS=1 (`cargo xtask bless`) rewrites it instead.
pub fn generated_block(path: &str, name: &str, content: &str) {
    let file = root().join(path);
    let doc = std::fs::read_to_string(&file).unwrap();
    let (begin, end) = (
        format!("<!-- {name}:begin -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let start = doc
        .find(&begin)
        .unwrap_or_else(|| panic!("{path} has no {begin}"))
        + begin.len();
    let stop = start
        + doc[start..]
            .find(&end)
            .unwrap_or_else(|| panic!("{path} has no {end}"));
    if doc[start..stop] == *content {
        return;
    }
    if std::env::var_os("WOBBLE_BLESS").is_some() {
        let mut fresh = doc.clone();
        fresh.replace_range(start..stop, content);
        std::fs::write(&file, fresh).unwrap();
    } else {
        panic!(
            "{path}'s {name} block is stale: run `cargo xtask bless`\n--- now ---\n{}\n--- measured ---\n{content}",
            &doc[start..stop]
        );
    }
}
