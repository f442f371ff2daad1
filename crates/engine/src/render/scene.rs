//! What an episode shows now, as shapes and text runs in page pixels.
//!
//! The scene is the whole page from its top, whatever the scroll position,
//! so that nothing below the fold is cut off (a painter that wants the
//! window crops it at [`Env::scroll_y`](crate::Env::scroll_y)); it is at
//! least the site's window height. Text is wrapped with the layout's rule, so
//! a paragraph has as many lines as its box was sized for. Paints come in
//! tree order, each shown node's between its [`Paint::Begin`] and
//! [`Paint::End`], the dialog last.

use super::wrap_lines;
use crate::env::{Env, Node};
use crate::format::{TextStyle, Theme};
use crate::layout::advance_px;
use crate::layout::{line_height, Rect, BANNER_HEIGHT};
use crate::site::{Placement, Role};
use crate::text::{face_width, Face, Measure};
use std::borrow::Cow;

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
/// Colour of the backdrop behind a modal dialog.
const BACKDROP: &str = "#0f141e";

/// One drawing instruction.
#[derive(Debug, Clone, PartialEq)]
pub enum Paint<'a> {
    /// A shown node's drawing begins; everything up to the matching
    /// [`Paint::End`] belongs to it. `dimmed` nodes (controls that cannot be
    /// used now, behind a pop-up say) are drawn at 60% opacity, as in the app.
    Begin {
        /// The node's role.
        role: Role,
        /// The node's element key (may be empty).
        key: &'a str,
        /// Whether the node and its children are dimmed.
        dimmed: bool,
    },
    /// The end of the last begun node.
    End,
    /// A rectangle, perhaps with rounded corners.
    Rect(RectPaint<'a>),
    /// A one-pixel line.
    Line {
        /// Start point.
        from: (f32, f32),
        /// End point.
        to: (f32, f32),
        /// CSS colour.
        color: &'a str,
    },
    /// An open path of two segments with round caps and joins (a caret, a check mark).
    Polyline {
        /// The three points.
        points: [(f32, f32); 3],
        /// CSS colour.
        color: &'a str,
        /// Stroke width.
        width: f32,
    },
    /// A circle.
    Circle {
        /// Centre.
        center: (f32, f32),
        /// Radius.
        radius: f32,
        /// CSS fill colour.
        fill: &'a str,
        /// Stroke colour and width.
        stroke: Option<(&'a str, f32)>,
    },
    /// One line of text.
    Text(TextRun<'a>),
}

/// A rectangle's geometry and paint. A stroke is centred on the rectangle's edge.
#[derive(Debug, Clone, PartialEq)]
pub struct RectPaint<'a> {
    /// Where it is.
    pub rect: Rect,
    /// Corner radius (0 for square corners).
    pub radius: f32,
    /// CSS fill colour, or none.
    pub fill: Option<&'a str>,
    /// Opacity of the fill, if not opaque.
    pub fill_opacity: Option<f32>,
    /// The outline, if any.
    pub stroke: Option<Stroke<'a>>,
    /// Whether a soft drop shadow is cast below it (a dialog).
    pub shadow: bool,
    /// Whether this is the backdrop that dims the page behind a dialog.
    pub backdrop: bool,
}

impl<'a> RectPaint<'a> {
    /// A filled rectangle without outline.
    fn filled(rect: Rect, radius: f32, fill: &'a str) -> RectPaint<'a> {
        RectPaint {
            rect,
            radius,
            fill: Some(fill),
            fill_opacity: None,
            stroke: None,
            shadow: false,
            backdrop: false,
        }
    }
}

/// An outline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke<'a> {
    /// CSS colour.
    pub color: &'a str,
    /// Width in pixels.
    pub width: f32,
    /// Opacity, if not opaque.
    pub opacity: Option<f32>,
}

/// One line of text with its baseline at `y`.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun<'a> {
    /// Left end, or the centre if `look.anchor_middle`.
    pub x: f32,
    /// Baseline.
    pub y: f32,
    /// Font size in pixels.
    pub size: f32,
    /// How it is drawn.
    pub look: TextLook<'a>,
    /// The text.
    pub text: Cow<'a, str>,
}

/// How one run of text is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextLook<'a> {
    /// CSS colour.
    pub fill: &'a str,
    /// CSS font weight (400 regular, 700 bold).
    pub weight: u16,
    /// Opacity, if not opaque.
    pub opacity: Option<f32>,
    /// Whether `x` is the centre of the run rather than its left end.
    pub anchor_middle: bool,
    /// Whether it is set in the monospace face (code), whatever the theme's.
    pub mono: bool,
    /// Whether it is underlined (a link).
    pub underline: bool,
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

/// The theme's colours and font, each a safe CSS value (or the default).
#[derive(Debug, Clone, PartialEq)]
pub struct Palette<'a> {
    /// CSS font family list.
    pub font: &'a str,
    /// How text measures: the face the family resolves to, and whether the
    /// theme's weight is bold.
    pub measure: Measure,
    /// CSS weight of the theme's text (400 unless a theme or `font` says otherwise).
    pub weight: u16,
    /// Page background.
    pub background: &'a str,
    /// Body text.
    pub text: &'a str,
    /// Primary buttons and links.
    pub accent: &'a str,
    /// Text on primary buttons.
    pub accent_text: &'a str,
    /// Cards, list rows and the header band.
    pub surface: &'a str,
    /// Borders.
    pub border: &'a str,
    /// Corner radius of buttons and inputs.
    pub radius: f32,
}

impl<'a> Palette<'a> {
    /// The palette of a theme; a value that is empty or could break out of
    /// an attribute is replaced by the default theme's.
    pub fn of(theme: &'a Theme) -> Palette<'a> {
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
            measure: Measure::of(theme),
            weight: theme.font_weight,
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

/// Everything an episode shows now.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene<'a> {
    /// Width in page pixels (the site's).
    pub width: f32,
    /// Height in page pixels: the page's content, at least the window's.
    pub height: f32,
    /// The theme.
    pub palette: Palette<'a>,
    /// The base font size of the theme.
    pub font_size: f32,
    /// The drawing, back to front.
    pub paints: Vec<Paint<'a>>,
}

impl<'a> Scene<'a> {
    /// The current page and open dialog of `env`.
    ///
    /// Call it after [`Env::reset`]; before any reset there is nothing to
    /// draw and an empty page of the site's size is returned.
    pub fn of(env: &'a Env) -> Scene<'a> {
        let site = env.site();
        let nodes = env.nodes();
        let mut shown = vec![false; nodes.len()];
        if !nodes.is_empty() {
            for id in env.visible_nodes() {
                if let Some(s) = shown.get_mut(id as usize) {
                    *s = true;
                }
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
        if let Some(b) = dialog_root.map(|d| env.bbox(d)) {
            height = height.max(b.y + b.h + DIALOG_PADDING);
        }
        let mut builder = Builder {
            env,
            shown,
            palette: Palette::of(&site.theme),
            paints: Vec::with_capacity(256),
        };
        let whole = Rect {
            x: 0.0,
            y: 0.0,
            w: site.width,
            h: height,
        };
        let background = builder.palette.background;
        builder
            .paints
            .push(Paint::Rect(RectPaint::filled(whole, 0.0, background)));
        // The page: its top-level nodes (the banner first), in order.
        for (i, n) in nodes.iter().enumerate() {
            let i = i as u32;
            if builder.shown.get(i as usize) == Some(&true)
                && n.page == page
                && n.parent.is_none()
                && n.role != Role::Dialog
            {
                builder.node(i);
            }
        }
        if let Some(d) = dialog_root {
            if env.dialog_placement() != Some(Placement::BottomBar) {
                builder.paints.push(Paint::Rect(RectPaint {
                    fill_opacity: Some(0.45),
                    backdrop: true,
                    ..RectPaint::filled(whole, 0.0, BACKDROP)
                }));
            }
            builder.node(d);
        }
        Scene {
            width: site.width,
            height,
            palette: builder.palette,
            font_size: site.theme.font_size,
            paints: builder.paints,
        }
    }

    /// Whether a dialog casts its shadow somewhere in the scene.
    pub fn has_shadow(&self) -> bool {
        self.paints
            .iter()
            .any(|p| matches!(p, Paint::Rect(r) if r.shadow))
    }
}

/// Baseline of text centred on a line box whose top is `top`.
fn baseline(top: f32, line_h: f32, font_px: f32) -> f32 {
    top + line_h / 2.0 + 0.35 * font_px
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

struct Builder<'a> {
    env: &'a Env,
    shown: Vec<bool>,
    palette: Palette<'a>,
    paints: Vec<Paint<'a>>,
}

impl<'a> Builder<'a> {
    fn text(&mut self, x: f32, y: f32, size: f32, look: TextLook<'a>, text: Cow<'a, str>) {
        // Body text takes the theme's weight; heavier text stays at least as heavy.
        let theme = self.palette.weight;
        let weight = if look.weight <= 400 {
            theme
        } else {
            look.weight.max(theme)
        };
        let look = TextLook { weight, ..look };
        if !text.is_empty() {
            self.paints.push(Paint::Text(TextRun {
                x,
                y,
                size,
                look,
                text,
            }));
        }
    }

    /// Text wrapped to `max_w` like the layout did, one line per line box from `top`.
    fn paragraph(&mut self, n: &'a Node, x: f32, top: f32, max_w: f32, look: TextLook<'a>) {
        let lh = line_height(n.font_px);
        let measure = self.palette.measure;
        let lines = wrap_lines(
            measure.face,
            &n.label,
            advance_px(measure, n),
            max_w.max(40.0),
        );
        for (k, line) in lines.into_iter().enumerate() {
            let y = baseline(top + k as f32 * lh, lh, n.font_px);
            self.text(x, y, n.font_px, look, Cow::Borrowed(line));
        }
    }

    /// A rectangle; `stroke` is drawn inside the box like the app's inset borders.
    fn rect(&mut self, b: Rect, radius: f32, fill: &'a str, stroke: Option<(&'a str, f32)>) {
        let inset = stroke.map(|(_, w)| w / 2.0).unwrap_or(0.0);
        let rect = Rect {
            x: b.x + inset,
            y: b.y + inset,
            w: (b.w - 2.0 * inset).max(0.0),
            h: (b.h - 2.0 * inset).max(0.0),
        };
        self.paints.push(Paint::Rect(RectPaint {
            stroke: stroke.map(|(color, width)| Stroke {
                color,
                width,
                opacity: None,
            }),
            ..RectPaint::filled(rect, radius, fill)
        }));
    }

    /// Draws a shown node and its shown children.
    fn node(&mut self, id: u32) {
        let env = self.env;
        let Some(n) = env.nodes().get(id as usize) else {
            return;
        };
        let b = env.bbox(id);
        let lh = line_height(n.font_px);
        let t = &self.palette;
        let (text, accent, accent_text, surface, border, background, radius) = (
            t.text,
            t.accent,
            t.accent_text,
            t.surface,
            t.border,
            t.background,
            t.radius,
        );
        let dimmed = n.role.is_interactive() && !env.is_done() && !env.is_usable(id);
        self.paints.push(Paint::Begin {
            role: n.role,
            key: &n.key,
            dimmed,
        });
        let label = || Cow::Borrowed(n.label.as_str());
        match n.role {
            Role::Banner => {
                self.rect(b, 0.0, surface, None);
                let y = b.y + b.h - 0.5;
                self.paints.push(Paint::Line {
                    from: (b.x, y),
                    to: (b.x + b.w, y),
                    color: border,
                });
                let y = baseline(b.y, BANNER_HEIGHT, n.font_px);
                let look = TextLook::plain(accent).weight(750);
                self.text(b.x + 16.0, y, n.font_px, look, label());
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
                let measure = self.palette.measure;
                let lines = wrap_lines(
                    measure.face,
                    &n.label,
                    advance_px(measure, n),
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
                self.text(b.x + b.w / 2.0, y, n.font_px, look, label());
            }
            Role::Link => {
                let y = baseline(b.y, b.h, n.font_px);
                let look = TextLook {
                    underline: true,
                    ..TextLook::plain(accent)
                };
                self.text(b.x, y, n.font_px, look, label());
            }
            Role::TextBox | Role::Password | Role::Number | Role::Date | Role::Select => {
                self.rect(b, radius, background, Some((border, 1.0)));
                let value = env.value(id);
                let is_select = n.role == Role::Select;
                let (shown, faint): (Cow<'a, str>, bool) = if !value.is_empty() {
                    if n.role == Role::Password {
                        (Cow::Owned("•".repeat(value.chars().count())), false)
                    } else {
                        (Cow::Borrowed(value), false)
                    }
                } else if is_select {
                    (Cow::Borrowed("—"), true)
                } else {
                    (Cow::Borrowed(n.placeholder.as_str()), true)
                };
                let room = b.w - 2.0 * FIELD_PADDING - if is_select { 18.0 } else { 0.0 };
                // Values are drawn in the body weight, bold when the theme is.
                let measure = self.palette.measure;
                let px = measure.advance_px(n.font_px, false);
                let shown = match shown {
                    Cow::Borrowed(s) => Cow::Borrowed(fit(measure.face, s, px, room)),
                    Cow::Owned(s) => Cow::Owned(fit(measure.face, &s, px, room).to_string()),
                };
                let look = TextLook {
                    opacity: faint.then_some(0.45),
                    ..TextLook::plain(text)
                };
                let y = baseline(b.y, b.h, n.font_px);
                self.text(b.x + FIELD_PADDING, y, n.font_px, look, shown);
                if is_select {
                    let (cx, cy) = (b.x + b.w - 14.0, b.y + b.h / 2.0);
                    self.paints.push(Paint::Polyline {
                        points: [(cx - 4.0, cy - 2.0), (cx, cy + 2.0), (cx + 4.0, cy - 2.0)],
                        color: text,
                        width: 1.5,
                    });
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
                        self.paints.push(Paint::Polyline {
                            points: [
                                (bx + 4.0, by + 8.5),
                                (bx + 7.0, by + 11.5),
                                (bx + 12.0, by + 5.0),
                            ],
                            color: accent_text,
                            width: 2.0,
                        });
                    }
                } else {
                    let center = (bx + CHECK_SIZE / 2.0, by + CHECK_SIZE / 2.0);
                    self.paints.push(Paint::Circle {
                        center,
                        radius: CHECK_SIZE / 2.0 - 0.75,
                        fill,
                        stroke: Some((stroke, 1.5)),
                    });
                    if checked {
                        self.paints.push(Paint::Circle {
                            center,
                            radius: CHECK_SIZE / 2.0 - 4.5,
                            fill: accent_text,
                            stroke: None,
                        });
                    }
                }
                let y = baseline(b.y, b.h, n.font_px);
                let x = bx + CHECK_SIZE + CHECK_GAP;
                self.text(x, y, n.font_px, TextLook::plain(text), label());
            }
            Role::RadioGroup => {
                let y = baseline(b.y, lh, n.font_px);
                let look = TextLook::plain(text).weight(550);
                self.text(b.x, y, n.font_px, look, label());
            }
            Role::Group if n.primary => {
                self.rect(b, radius + 2.0, surface, Some((border, 1.0)));
            }
            Role::ListItem => {
                self.rect(b, radius, surface, None);
                let outline = Rect {
                    x: b.x + 0.5,
                    y: b.y + 0.5,
                    w: (b.w - 1.0).max(0.0),
                    h: (b.h - 1.0).max(0.0),
                };
                self.paints.push(Paint::Rect(RectPaint {
                    fill: None,
                    stroke: Some(Stroke {
                        color: border,
                        width: 1.0,
                        opacity: Some(0.55),
                    }),
                    ..RectPaint::filled(outline, radius, border)
                }));
            }
            Role::Dialog => {
                self.paints.push(Paint::Rect(RectPaint {
                    stroke: Some(Stroke {
                        color: border,
                        width: 1.0,
                        opacity: None,
                    }),
                    shadow: true,
                    ..RectPaint::filled(b, radius + 4.0, background)
                }));
                let title_px = env.site().theme.font_size * 1.25;
                let title_lh = line_height(title_px);
                let y = baseline(b.y + DIALOG_PADDING, title_lh, title_px);
                let look = TextLook::plain(text).weight(700);
                self.text(b.x + DIALOG_PADDING, y, title_px, look, label());
            }
            Role::Group | Role::List => {}
        }
        for &c in &n.children {
            if self.shown.get(c as usize).copied().unwrap_or(false) {
                self.node(c);
            }
        }
        self.paints.push(Paint::End);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
