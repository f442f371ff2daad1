//! Drawings of what an episode shows now, without a browser.
//!
//! [`Scene::of`] describes the current page and the open dialog of an
//! [`Env`](crate::Env) as a list of shapes and text runs ([`Paint`]s) at
//! exactly the boxes the layout computed, in the episode's theme (which a
//! `restyle` or `font` perturbation may have changed): the header band with
//! the site's title, headings and text styles, fields with their value or
//! placeholder, selects with the chosen option and a caret, checkboxes and
//! radio buttons with their state, buttons (filled when primary), underlined
//! links, list rows, cards, and a dialog over a translucent backdrop (a
//! bottom bar has none). It looks like the web app's drawing of the same
//! moment.
//!
//! Two painters read a scene: [`page_svg`] writes it as a standalone SVG
//! document (the command line's `wobble render`, the golden tests and the
//! README's gallery), and the `wobble-screen` crate rasterizes it with real
//! fonts into the pixels a screen-reading agent sees. One description, so the
//! two cannot drift apart.

mod scene;
mod svg;

pub use scene::{Paint, Palette, RectPaint, Scene, Stroke, TextLook, TextRun};
pub use svg::page_svg;

use crate::text::{face_width, Face};

/// Splits `text` into the lines the layout's wrap rule gives at `max_width`
/// (words split at single spaces, greedily; see [`crate::text::face_wrap`]).
pub fn wrap_lines(face: Face, text: &str, font_px: f32, max_width: f32) -> Vec<&str> {
    let space = face.advance(' ') * font_px;
    let mut lines = Vec::new();
    let mut line_start = 0usize;
    let mut line_end = 0usize;
    let mut line_w = 0.0f32;
    let mut offset = 0usize;
    for word in text.split(' ') {
        let start = offset;
        let end = start + word.len();
        offset = end + 1;
        let w = face_width(face, word, font_px);
        if line_w > 0.0 && line_w + space + w > max_width {
            lines.push(&text[line_start..line_end]);
            line_start = start;
            line_w = w;
        } else if line_w > 0.0 {
            line_w += space + w;
        } else {
            line_w = w;
        }
        line_end = end;
    }
    lines.push(&text[line_start..line_end]);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::face_wrap;

    #[test]
    fn lines_match_the_layouts_wrap() {
        let text = "Enter the name exactly as it appears on the passenger's ID, please.";
        for face in [Face::Sans, Face::Serif, Face::Mono, Face::Condensed] {
            for max in [40.0, 90.0, 150.0, 230.0, 1000.0] {
                let lines = wrap_lines(face, text, 14.0, max);
                assert_eq!(lines.len() as u32, face_wrap(face, text, 14.0, max).1);
                assert_eq!(lines.join(" "), text);
            }
        }
        assert_eq!(wrap_lines(Face::Sans, "", 14.0, 100.0), [""]);
    }
}
