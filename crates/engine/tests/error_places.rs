//! Wherever a site file breaks, its error names a place inside the file: a
//! line that exists and a column on it (or just past its end), so an editor
//! can always mark it. Checked on the shipped sites with one byte deleted,
//! doubled or replaced, at places the property test chooses.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use wobble_engine::builtin::SITE_FILES;
use wobble_engine::load_site;

/// Applies one edit at byte `at` (moved to a character boundary).
fn edited(text: &str, at: usize, how: u8, byte: char) -> String {
    let mut at = at % text.len().max(1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let rest = &text[at..];
    let next = rest.chars().next().map_or(0, char::len_utf8);
    match how % 3 {
        0 => format!("{}{}", &text[..at], &rest[next..]),
        1 => format!("{}{}{}", &text[..at + next], &rest[..next], &rest[next..]),
        _ => format!("{}{byte}{}", &text[..at], &rest[next..]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_error_is_placed_inside_the_file(
        site in 0usize..SITE_FILES.len(),
        at in 0usize..100_000,
        how in 0u8..3,
        byte in prop::sample::select(vec!['(', ')', '[', ']', '{', '}', ',', ':', '"', 'x', ' ']),
    ) {
        let (_, path, text) = SITE_FILES[site];
        let text = edited(text, at, how, byte);
        if let Err(e) = load_site(path, &text) {
            let lines: Vec<&str> = text.split('\n').collect();
            prop_assert!(e.line >= 1 && e.line <= lines.len(), "{e}: line out of the file ({} lines)", lines.len());
            let width = lines[e.line - 1].chars().count();
            prop_assert!(e.column >= 1 && e.column <= width + 1, "{e}: column past line {} ({width} characters)", e.line);
            prop_assert!(!e.message.is_empty());
        }
    }
}
