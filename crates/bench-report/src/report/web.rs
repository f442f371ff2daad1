//! The web app: its release bundle, file by file with gzip sizes (`{{bundle}}`), and the time
//! to its first interactive page (`{{first_page}}`).

use super::format::{int, spread};
use super::Data;
use crate::raw::Record;
use std::fmt::Write as _;

pub(super) fn bundle(d: &Data) -> String {
    if !d.has("bundle") {
        return "(not measured in this run)".into();
    }
    let mut t = String::from("| file | bytes | gzip -9 |\n|---|---:|---:|\n");
    let (mut bytes, mut gzip) = (0.0, 0.0);
    for r in bundle_files(d) {
        let b = r.value.get("bytes").num().unwrap_or(0.0);
        let g = r.value.get("gzip").num().unwrap_or(0.0);
        bytes += b;
        gzip += g;
        let _ = writeln!(t, "| `{}` | {} | {} |", r.key, int(b), int(g));
    }
    let _ = writeln!(t, "| total | {} | {} |", int(bytes), int(gzip));
    t
}

/// The files of `dist/`, without Trunk's own dotfiles (its lock file).
fn bundle_files<'a>(d: &Data<'a>) -> impl Iterator<Item = &'a Record> + 'a {
    d.section("bundle").filter(|r| !r.key.starts_with('.'))
}

pub(super) fn bundle_gzip(d: &Data) -> f64 {
    bundle_files(d)
        .filter_map(|r| r.value.get("gzip").num())
        .sum()
}

/// The gzip bytes of the bundle's font files (budgeted apart from the app).
pub(super) fn bundle_fonts_gzip(d: &Data) -> f64 {
    bundle_files(d)
        .filter(|r| is_font(&r.key))
        .filter_map(|r| r.value.get("gzip").num())
        .sum()
}

/// Whether a bundle file is a font.
fn is_font(name: &str) -> bool {
    [".ttf", ".otf", ".woff", ".woff2"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

pub(super) fn first_page(d: &Data) -> String {
    if !d.has("first-page") {
        return "(not measured in this run)".into();
    }
    let ms = |x: f64| format!("{x:.0} ms");
    format!(
        "| from navigation to | median (min–max) over {} page loads |\n|---|---:|\n\
         | DOMContentLoaded | {} |\n| the wasm module downloaded | {} |\n\
         | first interactive page (instruction and site drawn) | {} |\n",
        d.values("first-page", "app", "interactive_ms").len(),
        spread(d.stat("first-page", "app", "dom_content_loaded_ms"), ms),
        spread(d.stat("first-page", "app", "wasm_downloaded_ms"), ms),
        spread(d.stat("first-page", "app", "interactive_ms"), ms),
    )
}
