//! Deterministic text measure and date formatting.
//!
//! Layout needs the width of a text before any browser has drawn it, and it
//! must be the same natively and on wasm32. So widths come from a fixed table
//! of character-class advances (in ems, close to a common sans-serif), not
//! from a font: the web app draws each element at the engine's box, and the
//! boxes leave a little room for the browser's real font.

use crate::format::DateFormat;

/// Advance of one character, in ems.
pub fn char_advance(c: char) -> f32 {
    // Close to DejaVu Sans (what `system-ui, sans-serif` resolves to on a
    // plain Linux desktop), a wide face: boxes sized from it fit narrower ones.
    match c {
        ' ' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 0.32,
        'i' | 'j' | 'l' | 'I' => 0.28,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 0.40,
        'm' => 0.98,
        'w' => 0.82,
        'M' | 'W' | '@' | '%' => 0.96,
        '0'..='9' | '$' | '#' => 0.64,
        'A'..='Z' => 0.72,
        c if c.is_ascii() => 0.62,
        // Wide scripts and symbols.
        _ => 1.0,
    }
}

/// Bold type runs wider; headings, buttons and strong text use it.
pub const BOLD_FACTOR: f32 = 1.08;

/// The family of faces a theme's CSS font list resolves to, for measuring.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Face {
    /// A sans-serif face (DejaVu Sans metrics).
    #[default]
    Sans,
    /// A serif face (DejaVu Serif runs about 6% wider).
    Serif,
    /// A monospace face: every character 0.602 em (DejaVu Sans Mono).
    Mono,
}

impl Face {
    /// The face a CSS `font-family` list names first.
    pub fn of(font_family: &str) -> Face {
        let first = font_family
            .split(',')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if first.contains("mono") {
            Face::Mono
        } else if first.contains("serif") && !first.contains("sans") {
            Face::Serif
        } else {
            Face::Sans
        }
    }

    /// Advance of one character, in ems, in this face.
    pub fn advance(self, c: char) -> f32 {
        match self {
            Face::Sans => char_advance(c),
            Face::Serif => char_advance(c) * 1.06,
            Face::Mono if c.is_ascii() => 0.602,
            Face::Mono => 1.0,
        }
    }
}

/// Width in pixels of a single line of text at `font_px` (sans-serif).
pub fn text_width(text: &str, font_px: f32) -> f32 {
    face_width(Face::Sans, text, font_px)
}

/// Width in pixels of a single line of text at `font_px` in a face.
pub fn face_width(face: Face, text: &str, font_px: f32) -> f32 {
    text.chars().map(|c| face.advance(c)).sum::<f32>() * font_px
}

/// Width and line count of `text` wrapped at word boundaries to `max_width` (sans-serif).
pub fn wrap(text: &str, font_px: f32, max_width: f32) -> (f32, u32) {
    face_wrap(Face::Sans, text, font_px, max_width)
}

/// Width and line count of `text` in a face, wrapped at word boundaries to `max_width`.
pub fn face_wrap(face: Face, text: &str, font_px: f32, max_width: f32) -> (f32, u32) {
    let space = face.advance(' ') * font_px;
    let mut lines = 1u32;
    let mut line_w = 0.0f32;
    let mut widest = 0.0f32;
    for word in text.split(' ') {
        let w = face_width(face, word, font_px);
        if line_w > 0.0 && line_w + space + w > max_width {
            widest = widest.max(line_w);
            lines += 1;
            line_w = w;
        } else if line_w > 0.0 {
            line_w += space + w;
        } else {
            line_w = w;
        }
    }
    widest = widest.max(line_w);
    (widest.min(max_width.max(0.0)), lines)
}

/// A day number (days since 1970-01-01) written in a site's date format.
pub fn format_date(day: i64, format: DateFormat) -> String {
    let (y, m, d) = crate::calendar::civil_from_days(day);
    match format {
        DateFormat::Iso => format!("{y:04}-{m:02}-{d:02}"),
        DateFormat::MonthDayYear => format!("{m:02}/{d:02}/{y:04}"),
        DateFormat::DayMonthYear => format!("{d:02}/{m:02}/{y:04}"),
        DateFormat::DayMonthYearDots => format!("{d:02}.{m:02}.{y:04}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_iso_date;

    #[test]
    fn dates_round_trip_in_every_format() {
        let day = parse_iso_date("2026-12-31").unwrap();
        assert_eq!(format_date(day, DateFormat::Iso), "2026-12-31");
        assert_eq!(format_date(day, DateFormat::MonthDayYear), "12/31/2026");
        assert_eq!(format_date(day, DateFormat::DayMonthYear), "31/12/2026");
        assert_eq!(
            parse_iso_date("2024-02-29")
                .map(|d| format_date(d, DateFormat::Iso))
                .as_deref(),
            Some("2024-02-29")
        );
        assert!(parse_iso_date("2025-02-29").is_none());
    }

    #[test]
    fn wrapping_never_exceeds_the_width_for_short_words() {
        let (w, lines) = wrap("the quick brown fox jumps over the lazy dog", 14.0, 100.0);
        assert!(w <= 100.0);
        assert!(lines >= 3);
        assert_eq!(wrap("one", 14.0, 100.0).1, 1);
    }
}
