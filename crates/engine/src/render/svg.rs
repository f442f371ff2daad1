//! A scene written as a standalone SVG document.
//!
//! The output is deterministic (numbers written with one decimal, paints in
//! the scene's order) and self-contained: no scripts, no external fonts,
//! images or links, only the SVG namespace. Each shown node is a `<g>` with
//! its role, so tests and readers can find what is drawn where.

use super::scene::{Paint, RectPaint, Scene, TextRun};
use crate::env::Env;
use std::fmt::{self, Write};

/// Monospace stack for `Code` text (the app's, too).
const MONO_FONT: &str = "ui-monospace, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

/// The current page and open dialog of `env` as a standalone SVG document.
///
/// Call it after [`Env::reset`]; before any reset there is nothing to draw
/// and an empty page of the site's size is returned.
pub fn page_svg(env: &Env) -> String {
    let scene = Scene::of(env);
    let site = env.site();
    let mut out = String::with_capacity(16 * 1024);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         font-family=\"{font}\" font-size=\"{size}\"{weight} fill=\"{text}\" data-site=\"{site}\" data-page=\"{page_id}\" \
         data-seed=\"{seed}\" data-perturb=\"{spec}\">",
        w = N(scene.width),
        h = N(scene.height),
        font = Esc(scene.palette.font),
        size = N(scene.font_size),
        weight = Weight(scene.palette.weight),
        text = Esc(scene.palette.text),
        site = Esc(&site.name),
        page_id = Esc(env.page_id()),
        seed = env.seed(),
        spec = Esc(&env.perturbations().to_string()),
    );
    let _ = writeln!(
        out,
        "<title>{} — {}</title>",
        Esc(&site.title),
        Esc(env.page_id())
    );
    if scene.has_shadow() {
        out.push_str(
            "<defs><filter id=\"wb-shadow\" x=\"-20%\" y=\"-20%\" width=\"140%\" height=\"160%\">\
             <feDropShadow dx=\"0\" dy=\"12\" stdDeviation=\"14\" flood-color=\"#000\" flood-opacity=\"0.3\"/>\
             </filter></defs>\n",
        );
    }
    for paint in &scene.paints {
        write_paint(&mut out, &scene, paint);
    }
    out.push_str("</svg>\n");
    out
}

fn write_paint(out: &mut String, scene: &Scene<'_>, paint: &Paint<'_>) {
    match paint {
        Paint::Begin { role, key, dimmed } => {
            let _ = write!(out, "<g data-role=\"{}\"", role.name());
            if !key.is_empty() {
                let _ = write!(out, " data-key=\"{}\"", Esc(key));
            }
            if *dimmed {
                out.push_str(" opacity=\"0.6\"");
            }
            out.push_str(">\n");
        }
        Paint::End => out.push_str("</g>\n"),
        Paint::Rect(r) => write_rect(out, r),
        Paint::Line { from, to, color } => {
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\"/>",
                N(from.0),
                N(from.1),
                N(to.0),
                N(to.1),
                Esc(color)
            );
        }
        Paint::Polyline {
            points: [a, b, c],
            color,
            width,
        } => {
            let _ = writeln!(
                out,
                "<path d=\"M{} {}L{} {}L{} {}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" \
                 stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
                N(a.0),
                N(a.1),
                N(b.0),
                N(b.1),
                N(c.0),
                N(c.1),
                Esc(color),
                N(*width)
            );
        }
        Paint::Circle {
            center,
            radius,
            fill,
            stroke,
        } => {
            let _ = write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"",
                N(center.0),
                N(center.1),
                N(*radius),
                Esc(fill)
            );
            if let Some((color, width)) = stroke {
                let _ = write!(
                    out,
                    " stroke=\"{}\" stroke-width=\"{}\"",
                    Esc(color),
                    N(*width)
                );
            }
            out.push_str("/>\n");
        }
        Paint::Text(run) => write_text(out, scene, run),
    }
}

fn write_rect(out: &mut String, r: &RectPaint<'_>) {
    out.push_str("<rect");
    if r.backdrop {
        out.push_str(" class=\"backdrop\"");
    }
    let b = r.rect;
    let _ = write!(
        out,
        " x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
        N(b.x),
        N(b.y),
        N(b.w),
        N(b.h)
    );
    if r.radius > 0.0 {
        let _ = write!(out, " rx=\"{}\"", N(r.radius));
    }
    let _ = write!(out, " fill=\"{}\"", Esc(r.fill.unwrap_or("none")));
    if let Some(o) = r.fill_opacity {
        let _ = write!(out, " fill-opacity=\"{o}\"");
    }
    if let Some(s) = r.stroke {
        let _ = write!(
            out,
            " stroke=\"{}\" stroke-width=\"{}\"",
            Esc(s.color),
            N(s.width)
        );
        if let Some(o) = s.opacity {
            let _ = write!(out, " stroke-opacity=\"{o}\"");
        }
    }
    if r.shadow {
        out.push_str(" filter=\"url(#wb-shadow)\"");
    }
    out.push_str("/>\n");
}

fn write_text(out: &mut String, scene: &Scene<'_>, run: &TextRun<'_>) {
    let look = run.look;
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\"",
        N(run.x),
        N(run.y),
        N(run.size)
    );
    if look.fill != scene.palette.text {
        let _ = write!(out, " fill=\"{}\"", Esc(look.fill));
    }
    // The root carries the theme's weight; a run says only where it differs.
    if look.weight != scene.palette.weight {
        let _ = write!(out, " font-weight=\"{}\"", look.weight);
    }
    if let Some(o) = look.opacity {
        let _ = write!(out, " fill-opacity=\"{o}\"");
    }
    if look.anchor_middle {
        out.push_str(" text-anchor=\"middle\"");
    }
    if look.underline {
        out.push_str(" text-decoration=\"underline\"");
    }
    if look.mono {
        let _ = write!(
            out,
            " font-family=\"{}\" letter-spacing=\"0.04em\"",
            Esc(MONO_FONT)
        );
    }
    let _ = writeln!(out, ">{}</text>", Esc(&run.text));
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
