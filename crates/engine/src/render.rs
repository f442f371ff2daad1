//! A native SVG drawing of what an episode shows now.
//!
//! [`page_svg`] draws the current page and the open dialog of an [`Env`] at
//! exactly the boxes the layout computed, in the episode's theme (which a
//! `restyle` or `font` perturbation may have changed): the header band with
//! the site's title, headings and text styles, fields with their value or
//! placeholder, selects with the chosen option and a caret, checkboxes and
//! radio buttons with their state, buttons (filled when primary), underlined
//! links, list rows, cards, and a dialog over a translucent backdrop (a
//! bottom bar has none). It looks like the web app's drawing of the same
//! moment, without a browser: the command line's `wobble render` writes it,
//! golden tests compare it byte for byte, and the README's gallery shows it.
//!
//! The output is deterministic (numbers written with one decimal, nodes in
//! tree order) and self-contained: no scripts, no external fonts, images or
//! links, only the SVG namespace. Text is wrapped with the layout's rule, so
//! a paragraph has as many lines as its box was sized for. The whole page is
//! drawn from its top, whatever the scroll position, so that nothing below
//! the fold is cut off; the image is at least the site's window height.

use crate::env::{Env, Node};
use crate::format::{TextStyle, Theme};
use crate::layout::advance_px;
use crate::layout::{line_height, Rect, BANNER_HEIGHT};
use crate::site::{Placement, Role};
use crate::text::{face_width, Face, Measure};
use std::fmt::{self, Write};

/// Monospace stack for `Code` text (the app's, too).
const MONO_FONT: &str = "ui-monospace, 'DejaVu Sans Mono', 'Liberation Mono', monospace";
/// Padding inside a dialog (the layout's).
const DIALOG_PADDING: f32 = 18.0;
/// Padding inside a validation message (the layout's).
const ALERT_PADDING: f32 = 8.0;
/// Side of a checkbox or radio button's box.
const CHECK_SIZE: f32 = 16.0;
/// Gap between a checkbox's box and its label.
const CHECK_GAP: f32 = 6.0;
/// Left and right padding of text in a field.
const FIELD_PADDING: f32 = 10.0;

/// The current page and open dialog of `env` as a standalone SVG document.
///
/// Call it after [`Env::reset`]; before any reset there is nothing to draw
/// and an empty page of the site's size is returned.
pub fn page_svg(env: &Env) -> String {
    let site = env.site();
    let theme = Palette::of(&site.theme);
    let nodes = env.nodes();
    let mut shown = vec![false; nodes.len()];
    for id in shown_ids(env) {
        if let Some(s) = shown.get_mut(id as usize) {
            *s = true;
        }
    }
    let page = env.page_index();
    let dialog_root = env.dialog().and_then(|d| {
        (nodes.iter().zip(&shown))
            .position(|(n, &s)| s && n.role == Role::Dialog && n.page == d)
            .map(|i| i as u32)
    });
    let mut height = if nodes.is_empty() {
        site.height
    } else {
        site.height.max(env.page_height())
    };
    if let Some(b) = dialog_root
        .and_then(|d| nodes.get(d as usize))
        .map(|n| n.bbox)
    {
        height = height.max(b.y + b.h + DIALOG_PADDING);
    }
    let width = site.width;
    let mut svg = Svg {
        out: String::with_capacity(16 * 1024),
        env,
        shown,
        theme,
    };
    let _ = writeln!(
        svg.out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         font-family=\"{font}\" font-size=\"{size}\"{weight} fill=\"{text}\" data-site=\"{site}\" data-page=\"{page_id}\" \
         data-seed=\"{seed}\" data-perturb=\"{spec}\">",
        w = N(width),
        h = N(height),
        font = Esc(svg.theme.font),
        size = N(site.theme.font_size),
        weight = Weight(svg.theme.weight),
        text = Esc(svg.theme.text),
        site = Esc(&site.name),
        page_id = Esc(env.page_id()),
        seed = env.seed(),
        spec = Esc(&env.perturbations().to_string()),
    );
    let _ = writeln!(
        svg.out,
        "<title>{} — {}</title>",
        Esc(&site.title),
        Esc(env.page_id())
    );
    if dialog_root.is_some() {
        svg.out.push_str(
            "<defs><filter id=\"wb-shadow\" x=\"-20%\" y=\"-20%\" width=\"140%\" height=\"160%\">\
             <feDropShadow dx=\"0\" dy=\"12\" stdDeviation=\"14\" flood-color=\"#000\" flood-opacity=\"0.3\"/>\
             </filter></defs>\n",
        );
    }
    let _ = writeln!(
        svg.out,
        "<rect width=\"{}\" height=\"{}\" fill=\"{}\"/>",
        N(width),
        N(height),
        Esc(svg.theme.background)
    );
    // The page: its top-level nodes (the banner first), in order.
    for (i, n) in nodes.iter().enumerate() {
        let i = i as u32;
        if svg.shown.get(i as usize) == Some(&true)
            && n.page == page
            && n.parent.is_none()
            && n.role != Role::Dialog
        {
            svg.node(i);
        }
    }
    if let Some(d) = dialog_root {
        if env.dialog_placement() != Some(Placement::BottomBar) {
            let _ = writeln!(
                svg.out,
                "<rect class=\"backdrop\" width=\"{}\" height=\"{}\" fill=\"#0f141e\" fill-opacity=\"0.45\"/>",
                N(width),
                N(height)
            );
        }
        svg.node(d);
    }
    svg.out.push_str("</svg>\n");
    svg.out
}

/// The ids of shown nodes, or none before the first reset.
fn shown_ids(env: &Env) -> Vec<u32> {
    if env.nodes().is_empty() {
        Vec::new()
    } else {
        env.visible_nodes().collect()
    }
}

/// The theme's colours and font, each a safe CSS value (or the default).
struct Palette<'a> {
    font: &'a str,
    background: &'a str,
    text: &'a str,
    accent: &'a str,
    accent_text: &'a str,
    surface: &'a str,
    border: &'a str,
    radius: f32,
    /// CSS weight of the theme's text (400 unless a theme or `font` says otherwise).
    weight: u16,
    measure: Measure,
}

impl<'a> Palette<'a> {
    fn of(theme: &'a Theme) -> Palette<'a> {
        Palette {
            font: css(&theme.font, "system-ui, sans-serif"),
            background: css(&theme.background, "#ffffff"),
            text: css(&theme.text, "#1d2330"),
            accent: css(&theme.accent, "#2459d6"),
            accent_text: css(&theme.accent_text, "#ffffff"),
            surface: css(&theme.surface, "#f3f5f9"),
            border: css(&theme.border, "#c5ccd8"),
            radius: if theme.radius.is_finite() {
                theme.radius.clamp(0.0, 40.0)
            } else {
                0.0
            },
            weight: theme.font_weight,
            measure: Measure::of(theme),
        }
    }
}

/// A theme value, or `fallback` if it is empty or could break out of its attribute.
fn css<'a>(value: &'a str, fallback: &'a str) -> &'a str {
    if value.trim().is_empty()
        || value
            .chars()
            .any(|c| matches!(c, ';' | '{' | '}' | '<' | '>' | '"' | '\\') || c.is_control())
    {
        fallback
    } else {
        value
    }
}

/// A number with one decimal, without a trailing `.0` and never `-0`.
struct N(f32);

impl fmt::Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        // Round to tenths first, so that -0.04 prints as 0.
        let tenths = (v * 10.0).round() as i64;
        let (sign, abs) = if tenths < 0 {
            ("-", -tenths)
        } else {
            ("", tenths)
        };
        if abs % 10 == 0 {
            write!(f, "{sign}{}", abs / 10)
        } else {
            write!(f, "{sign}{}.{}", abs / 10, abs % 10)
        }
    }
}

/// The root's `font-weight` attribute, written only when the theme's weight
/// is not the regular 400 (so unstyled drawings stay as they were).
struct Weight(u16);

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 400 {
            Ok(())
        } else {
            write!(f, " font-weight=\"{}\"", self.0)
        }
    }
}

/// Text escaped for XML content and attribute values.
struct Esc<'a>(&'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                // Characters XML 1.0 does not allow.
                c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {
                    f.write_str("\u{fffd}")?
                }
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

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

/// Baseline of text centred on a line box whose top is `top`.
fn baseline(top: f32, line_h: f32, font_px: f32) -> f32 {
    top + line_h / 2.0 + 0.35 * font_px
}

/// How one run of text is drawn.
#[derive(Clone, Copy)]
struct TextLook<'a> {
    fill: &'a str,
    weight: u16,
    opacity: Option<f32>,
    anchor_middle: bool,
    mono: bool,
    underline: bool,
}

impl<'a> TextLook<'a> {
    fn plain(fill: &'a str) -> TextLook<'a> {
        TextLook {
            fill,
            weight: 400,
            opacity: None,
            anchor_middle: false,
            mono: false,
            underline: false,
        }
    }
    fn weight(self, weight: u16) -> TextLook<'a> {
        TextLook { weight, ..self }
    }
}

struct Svg<'a> {
    out: String,
    env: &'a Env,
    shown: Vec<bool>,
    theme: Palette<'a>,
}

impl Svg<'_> {
    /// One line of text with its baseline at `y`.
    fn text(&mut self, x: f32, y: f32, font_px: f32, look: TextLook<'_>, text: &str) {
        if text.is_empty() {
            return;
        }
        let _ = write!(
            self.out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\"",
            N(x),
            N(y),
            N(font_px)
        );
        if look.fill != self.theme.text {
            let _ = write!(self.out, " fill=\"{}\"", Esc(look.fill));
        }
        // Body text takes the theme's weight (the root's); heavier text
        // stays at least as heavy as the theme's.
        let weight = if look.weight <= 400 {
            self.theme.weight
        } else {
            look.weight.max(self.theme.weight)
        };
        if weight != self.theme.weight {
            let _ = write!(self.out, " font-weight=\"{weight}\"");
        }
        if let Some(o) = look.opacity {
            let _ = write!(self.out, " fill-opacity=\"{o}\"");
        }
        if look.anchor_middle {
            self.out.push_str(" text-anchor=\"middle\"");
        }
        if look.underline {
            self.out.push_str(" text-decoration=\"underline\"");
        }
        if look.mono {
            let _ = write!(
                self.out,
                " font-family=\"{}\" letter-spacing=\"0.04em\"",
                Esc(MONO_FONT)
            );
        }
        let _ = writeln!(self.out, ">{}</text>", Esc(text));
    }

    /// Text wrapped to `max_w` like the layout did, one line per line box from `top`.
    fn paragraph(&mut self, n: &Node, x: f32, top: f32, max_w: f32, look: TextLook<'_>) {
        let lh = line_height(n.font_px);
        let lines = wrap_lines(
            self.theme.measure.face,
            &n.label,
            advance_px(self.theme.measure, n),
            max_w.max(40.0),
        );
        for (k, line) in lines.into_iter().enumerate() {
            let y = baseline(top + k as f32 * lh, lh, n.font_px);
            self.text(x, y, n.font_px, look, line);
        }
    }

    /// A rectangle; `stroke` is drawn inside the box like the app's inset borders.
    fn rect(&mut self, b: Rect, radius: f32, fill: &str, stroke: Option<(&str, f32)>) {
        let inset = stroke.map(|(_, w)| w / 2.0).unwrap_or(0.0);
        let _ = write!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
            N(b.x + inset),
            N(b.y + inset),
            N((b.w - 2.0 * inset).max(0.0)),
            N((b.h - 2.0 * inset).max(0.0))
        );
        if radius > 0.0 {
            let _ = write!(self.out, " rx=\"{}\"", N(radius));
        }
        let _ = write!(self.out, " fill=\"{}\"", Esc(fill));
        if let Some((color, width)) = stroke {
            let _ = write!(
                self.out,
                " stroke=\"{}\" stroke-width=\"{}\"",
                Esc(color),
                N(width)
            );
        }
        self.out.push_str("/>\n");
    }

    /// Draws a shown node and its shown children.
    fn node(&mut self, id: u32) {
        let env = self.env;
        let Some(n) = env.nodes().get(id as usize) else {
            return;
        };
        let b = n.bbox;
        let lh = line_height(n.font_px);
        let t = &self.theme;
        let (text, accent, accent_text, surface, border, background, radius) = (
            t.text,
            t.accent,
            t.accent_text,
            t.surface,
            t.border,
            t.background,
            t.radius,
        );
        // Controls that cannot be used now (behind a pop-up, say) are dimmed, as in the app.
        let dimmed = n.role.is_interactive() && !env.is_done() && !env.is_usable(id);
        let _ = write!(self.out, "<g data-role=\"{}\"", n.role.name());
        if !n.key.is_empty() {
            let _ = write!(self.out, " data-key=\"{}\"", Esc(&n.key));
        }
        if dimmed {
            self.out.push_str(" opacity=\"0.6\"");
        }
        self.out.push_str(">\n");
        match n.role {
            Role::Banner => {
                self.rect(b, 0.0, surface, None);
                let _ = writeln!(
                    self.out,
                    "<line x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"{c}\"/>",
                    x1 = N(b.x),
                    x2 = N(b.x + b.w),
                    y = N(b.y + b.h - 0.5),
                    c = Esc(border)
                );
                let y = baseline(b.y, BANNER_HEIGHT, n.font_px);
                self.text(
                    b.x + 16.0,
                    y,
                    n.font_px,
                    TextLook::plain(accent).weight(750),
                    &n.label,
                );
            }
            Role::Heading => {
                self.paragraph(n, b.x, b.y, b.w, TextLook::plain(text).weight(700));
            }
            Role::Text => {
                let look = match n.style {
                    TextStyle::Normal => TextLook::plain(text),
                    TextStyle::Muted => TextLook {
                        opacity: Some(0.68),
                        ..TextLook::plain(text)
                    },
                    TextStyle::Strong => TextLook::plain(text).weight(650),
                    TextStyle::Error => TextLook::plain("#c62828"),
                    TextStyle::Success => TextLook::plain("#1b7f3b").weight(600),
                    TextStyle::Code => TextLook {
                        mono: true,
                        ..TextLook::plain(text).weight(700)
                    },
                };
                self.paragraph(n, b.x, b.y, b.w, look);
            }
            Role::Alert => {
                self.rect(b, radius, "#fdecea", Some(("#f3b8b3", 1.0)));
                self.paragraph(
                    n,
                    b.x + ALERT_PADDING,
                    b.y + ALERT_PADDING,
                    b.w - 2.0 * ALERT_PADDING,
                    TextLook::plain("#b3261e"),
                );
            }
            Role::Label => {
                // Centred on its row, like the app's label.
                let lines = wrap_lines(
                    self.theme.measure.face,
                    &n.label,
                    advance_px(self.theme.measure, n),
                    b.w.max(40.0),
                )
                .len();
                let top = b.y + (b.h - lines as f32 * lh) / 2.0;
                self.paragraph(n, b.x, top, b.w, TextLook::plain(text).weight(550));
            }
            Role::Button => {
                let (fill, stroke, ink) = if n.primary {
                    (accent, None, accent_text)
                } else {
                    (background, Some((border, 1.0)), accent)
                };
                self.rect(b, radius, fill, stroke);
                let look = TextLook {
                    anchor_middle: true,
                    ..TextLook::plain(ink).weight(600)
                };
                let y = baseline(b.y, b.h, n.font_px);
                self.text(b.x + b.w / 2.0, y, n.font_px, look, &n.label);
            }
            Role::Link => {
                let y = baseline(b.y, b.h, n.font_px);
                let look = TextLook {
                    underline: true,
                    ..TextLook::plain(accent)
                };
                self.text(b.x, y, n.font_px, look, &n.label);
            }
            Role::TextBox | Role::Password | Role::Number | Role::Date | Role::Select => {
                self.rect(b, radius, background, Some((border, 1.0)));
                let value = env.value(id);
                let is_select = n.role == Role::Select;
                let (shown, faint) = if !value.is_empty() {
                    if n.role == Role::Password {
                        ("•".repeat(value.chars().count()), false)
                    } else {
                        (value.to_string(), false)
                    }
                } else if is_select {
                    ("—".to_string(), true)
                } else {
                    (n.placeholder.clone(), true)
                };
                let room = b.w - 2.0 * FIELD_PADDING - if is_select { 18.0 } else { 0.0 };
                // Values are drawn in the body weight, bold when the theme is.
                let px = self.theme.measure.advance_px(n.font_px, false);
                let shown = fit(self.theme.measure.face, &shown, px, room);
                let look = TextLook {
                    opacity: faint.then_some(0.45),
                    ..TextLook::plain(text)
                };
                let y = baseline(b.y, b.h, n.font_px);
                self.text(b.x + FIELD_PADDING, y, n.font_px, look, shown);
                if is_select {
                    let (cx, cy) = (b.x + b.w - 14.0, b.y + b.h / 2.0);
                    let _ = writeln!(
                        self.out,
                        "<path d=\"M{} {}L{} {}L{} {}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" \
                         stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
                        N(cx - 4.0),
                        N(cy - 2.0),
                        N(cx),
                        N(cy + 2.0),
                        N(cx + 4.0),
                        N(cy - 2.0),
                        Esc(text)
                    );
                }
            }
            Role::Checkbox | Role::Radio => {
                let checked = env.checked(id);
                let bx = b.x;
                let by = b.y + (b.h - CHECK_SIZE) / 2.0;
                let (fill, stroke) = if checked {
                    (accent, accent)
                } else {
                    (background, border)
                };
                if n.role == Role::Checkbox {
                    let square = Rect {
                        x: bx,
                        y: by,
                        w: CHECK_SIZE,
                        h: CHECK_SIZE,
                    };
                    self.rect(square, 4.0, fill, Some((stroke, 1.5)));
                    if checked {
                        let _ = writeln!(
                            self.out,
                            "<path d=\"M{} {}L{} {}L{} {}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" \
                             stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
                            N(bx + 4.0),
                            N(by + 8.5),
                            N(bx + 7.0),
                            N(by + 11.5),
                            N(bx + 12.0),
                            N(by + 5.0),
                            Esc(accent_text)
                        );
                    }
                } else {
                    let (cx, cy) = (bx + CHECK_SIZE / 2.0, by + CHECK_SIZE / 2.0);
                    let _ = writeln!(
                        self.out,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"/>",
                        N(cx),
                        N(cy),
                        N(CHECK_SIZE / 2.0 - 0.75),
                        Esc(fill),
                        Esc(stroke)
                    );
                    if checked {
                        let _ = writeln!(
                            self.out,
                            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"/>",
                            N(cx),
                            N(cy),
                            N(CHECK_SIZE / 2.0 - 4.5),
                            Esc(accent_text)
                        );
                    }
                }
                let y = baseline(b.y, b.h, n.font_px);
                self.text(
                    bx + CHECK_SIZE + CHECK_GAP,
                    y,
                    n.font_px,
                    TextLook::plain(text),
                    &n.label,
                );
            }
            Role::RadioGroup => {
                let y = baseline(b.y, lh, n.font_px);
                self.text(
                    b.x,
                    y,
                    n.font_px,
                    TextLook::plain(text).weight(550),
                    &n.label,
                );
            }
            Role::Group if n.primary => {
                self.rect(b, radius + 2.0, surface, Some((border, 1.0)));
            }
            Role::ListItem => {
                self.rect(b, radius, surface, None);
                let _ = write!(
                    self.out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
                    N(b.x + 0.5),
                    N(b.y + 0.5),
                    N((b.w - 1.0).max(0.0)),
                    N((b.h - 1.0).max(0.0))
                );
                if radius > 0.0 {
                    let _ = write!(self.out, " rx=\"{}\"", N(radius));
                }
                let _ = writeln!(
                    self.out,
                    " fill=\"none\" stroke=\"{}\" stroke-opacity=\"0.55\"/>",
                    Esc(border)
                );
            }
            Role::Dialog => {
                let _ = write!(
                    self.out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
                    N(b.x),
                    N(b.y),
                    N(b.w),
                    N(b.h)
                );
                let _ = writeln!(
                    self.out,
                    " rx=\"{}\" fill=\"{}\" stroke=\"{}\" filter=\"url(#wb-shadow)\"/>",
                    N(radius + 4.0),
                    Esc(background),
                    Esc(border)
                );
                let title_px = self.env.site().theme.font_size * 1.25;
                let title_lh = line_height(title_px);
                let y = baseline(b.y + DIALOG_PADDING, title_lh, title_px);
                self.text(
                    b.x + DIALOG_PADDING,
                    y,
                    title_px,
                    TextLook::plain(text).weight(700),
                    &n.label,
                );
            }
            Role::Group | Role::List => {}
        }
        for &c in &n.children {
            if self.shown.get(c as usize).copied().unwrap_or(false) {
                self.node(c);
            }
        }
        self.out.push_str("</g>\n");
    }
}

/// The longest prefix of `text` that fits in `room` pixels.
fn fit(face: Face, text: &str, font_px: f32, room: f32) -> &str {
    if face_width(face, text, font_px) <= room {
        return text;
    }
    let mut w = 0.0;
    for (i, c) in text.char_indices() {
        w += face.advance(c) * font_px;
        if w > room {
            return &text[..i];
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::face_wrap;

    #[test]
    fn numbers_have_one_fixed_form() {
        assert_eq!(N(12.0).to_string(), "12");
        assert_eq!(N(12.25).to_string(), "12.3");
        assert_eq!(N(-0.04).to_string(), "0");
        assert_eq!(N(-3.5).to_string(), "-3.5");
        assert_eq!(N(f32::NAN).to_string(), "0");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            Esc("a<b & \"c\" 'd'>").to_string(),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(Esc("x\u{1}y").to_string(), "x\u{fffd}y");
    }

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

    #[test]
    fn theme_values_cannot_break_out() {
        assert_eq!(css("#fff", "x"), "#fff");
        assert_eq!(css("red\" onload=\"x", "x"), "x");
        assert_eq!(css("  ", "x"), "x");
        assert_eq!(
            css("Georgia, 'Times New Roman', serif", "x"),
            "Georgia, 'Times New Roman', serif"
        );
    }
}
