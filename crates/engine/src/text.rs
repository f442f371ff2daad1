//! Deterministic text measure and date formatting.
//!
//! Layout needs the width of a text before any browser has drawn it, and it
//! must be the same natively and on wasm32. So widths come from a fixed table
//! of character-class advances (in ems, close to a common sans-serif), not
//! from a font: the web app draws each element at the engine's box, and the
//! boxes leave a little room for the browser's real font.

use crate::format::{DateFormat, Theme};

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

/// The CSS weight from which a theme's text is bold: 600 ("semi-bold") is
/// where browsers and font families switch to the bold face.
pub const BOLD_WEIGHT: u16 = 600;

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
    /// A condensed sans-serif face (DejaVu Sans Condensed runs about 0.91
    /// of DejaVu Sans's advance).
    Condensed,
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
        } else if first.contains("condensed") || first.contains("narrow") {
            Face::Condensed
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
            Face::Condensed => char_advance(c) * 0.91,
        }
    }
}

/// How a theme's text measures: its face, and whether the theme's weight
/// makes every text bold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measure {
    /// The face the theme's font family resolves to.
    pub face: Face,
    /// The theme's weight is [`BOLD_WEIGHT`] or more.
    pub bold: bool,
}

impl Measure {
    /// How text measures in a theme.
    pub fn of(theme: &Theme) -> Measure {
        Measure {
            face: Face::of(&theme.font),
            bold: theme.font_weight >= BOLD_WEIGHT,
        }
    }

    /// The font size whose advances a text of `font_px` takes: bold type,
    /// whether the element's own (`bold`) or the theme's, runs wider.
    pub fn advance_px(self, font_px: f32, bold: bool) -> f32 {
        font_px * if bold || self.bold { BOLD_FACTOR } else { 1.0 }
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
    let mut out = String::new();
    write_date(&mut out, day, format);
    out
}

/// Appends a day (days since 1970-01-01) in a date format, as [`format_date`] writes it.
pub fn write_date(out: &mut String, day: i64, format: DateFormat) {
    use std::fmt::Write as _;
    let (y, m, d) = crate::calendar::civil_from_days(day);
    let _ = match format {
        DateFormat::Iso => write!(out, "{y:04}-{m:02}-{d:02}"),
        DateFormat::MonthDayYear => write!(out, "{m:02}/{d:02}/{y:04}"),
        DateFormat::DayMonthYear => write!(out, "{d:02}/{m:02}/{y:04}"),
        DateFormat::DayMonthYearDots => write!(out, "{d:02}.{m:02}.{y:04}"),
    };
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
    fn faces_follow_the_first_family_and_measure_their_own_widths() {
        assert_eq!(Face::of("system-ui, sans-serif"), Face::Sans);
        assert_eq!(Face::of("DejaVu Serif, Georgia, serif"), Face::Serif);
        assert_eq!(Face::of("DejaVu Sans Mono, Menlo, monospace"), Face::Mono);
        assert_eq!(
            Face::of("DejaVu Sans Condensed, Arial Narrow, sans-serif"),
            Face::Condensed
        );
        assert_eq!(Face::of("Arial Narrow, sans-serif"), Face::Condensed);
        // Only the first family counts: the browser uses it when it has it.
        assert_eq!(Face::of("Georgia, DejaVu Sans Condensed"), Face::Sans);
        let text = "Search flights";
        let sans = face_width(Face::Sans, text, 14.0);
        let condensed = face_width(Face::Condensed, text, 14.0);
        assert!(
            (condensed / sans - 0.91).abs() < 1e-4,
            "{condensed} / {sans}"
        );
        assert!(face_width(Face::Serif, text, 14.0) > sans);
    }

    #[test]
    fn a_bold_theme_measures_every_text_wider() {
        let regular = Measure::of(&Theme::default());
        let bold = Measure::of(&Theme {
            font_weight: 700,
            ..Theme::default()
        });
        assert!(!regular.bold && bold.bold);
        // Text the app draws bold anyway (headings, buttons) measures the same.
        assert_eq!(regular.advance_px(14.0, true), bold.advance_px(14.0, true));
        // Body text catches up with it.
        assert_eq!(regular.advance_px(14.0, false), 14.0);
        assert_eq!(bold.advance_px(14.0, false), 14.0 * BOLD_FACTOR);
        let semi = Measure::of(&Theme {
            font_weight: BOLD_WEIGHT,
            ..Theme::default()
        });
        assert!(semi.bold);
        let medium = Measure::of(&Theme {
            font_weight: 500,
            ..Theme::default()
        });
        assert!(!medium.bold);
    }

    #[test]
    fn wrapping_never_exceeds_the_width_for_short_words() {
        let (w, lines) = wrap("the quick brown fox jumps over the lazy dog", 14.0, 100.0);
        assert!(w <= 100.0);
        assert!(lines >= 3);
        assert_eq!(wrap("one", 14.0, 100.0).1, 1);
    }
}
