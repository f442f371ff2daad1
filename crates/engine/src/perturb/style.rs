//! The style and selector kinds: colours and button shapes, the font, and
//! the selector ids and classes a scripted bot memorizes. They change how
//! the page looks and is named, never what it holds.

use super::Transform;
use crate::compile::{MAX_FONT_SIZE, MIN_FONT_SIZE};
use crate::site::ElemId;
use crate::text::BOLD_WEIGHT;

impl Transform<'_> {
    pub(super) fn restyle(&mut self) {
        let theme = &mut self.site.theme;
        let before = (theme.accent.clone(), theme.radius, theme.background.clone());
        let severity = self.p.severity;
        let palettes = if severity >= 3 {
            &self.data.dark_palettes
        } else {
            &self.data.palettes
        };
        let Some(mut palette) = self.rng.choose(palettes) else {
            return;
        };
        if palette.accent.eq_ignore_ascii_case(&before.0) && palettes.len() > 1 {
            let next = palettes
                .iter()
                .position(|p| p.name == palette.name)
                .unwrap_or(0)
                + 1;
            palette = palettes.get(next % palettes.len()).unwrap_or(palette);
        }
        let theme = &mut self.site.theme;
        theme.accent = palette.accent.clone();
        theme.accent_text = palette.accent_text.clone();
        let radius = match severity {
            1 => {
                if theme.radius >= 4.0 {
                    0.0
                } else {
                    10.0
                }
            }
            2 => {
                if theme.radius >= 12.0 {
                    2.0
                } else {
                    16.0
                }
            }
            _ => 999.0,
        };
        theme.radius = radius;
        if severity >= 2 {
            theme.background = palette.background.clone();
            theme.text = palette.text.clone();
            theme.surface = palette.surface.clone();
            theme.border = palette.border.clone();
        }
        let shape = match radius as u32 {
            0 => "square",
            999 => "pill-shaped",
            r if r > 8 => "rounder",
            _ => "sharper",
        };
        let text = match severity {
            1 => format!(
                "restyled buttons: accent color {} became {}, corners {}px became {}px ({shape})",
                before.0, palette.accent, before.1, radius
            ),
            2 => format!(
                "restyled the site with the \"{}\" palette: accent {} became {}, text, surfaces and borders recolored, {shape} buttons",
                palette.name, before.0, palette.accent
            ),
            _ => format!(
                "switched to a dark theme (\"{}\"): background {} became {}, accent {} became {}, {shape} buttons",
                palette.name, before.2, palette.background, before.0, palette.accent
            ),
        };
        self.change(text, None, None);
    }

    pub(super) fn font(&mut self) {
        let theme = &self.site.theme;
        let (before_font, before_size, before_weight) =
            (theme.font.clone(), theme.font_size, theme.font_weight);
        let was_bold = before_weight >= BOLD_WEIGHT;
        let (font, size, weight) = match self.p.severity {
            // The same family a size or two up or down, and the other weight:
            // what a site's own restyling looks like.
            1 => {
                let step = 1.0 + self.rng.below(2) as f32;
                let down = self.rng.below(2) == 0 && before_size - step >= MIN_FONT_SIZE;
                let size = if down {
                    before_size - step
                } else {
                    before_size + step
                };
                let weight = if was_bold { REGULAR } else { BOLD };
                (before_font.clone(), size, weight)
            }
            2 => {
                let f = self.pick(&self.data.serif_fonts).unwrap_or("").to_string();
                (
                    f,
                    before_size + 1.0 + self.rng.below(3) as f32,
                    before_weight,
                )
            }
            _ => {
                // A monospace or a condensed face, larger and bold: the widths of
                // every text change in a way no size change alone gives.
                let mono = self.data.mono_fonts.len();
                let faces = mono + self.data.condensed_fonts.len();
                let f = match self.rng.below(faces.max(1) as u64) as usize {
                    i if i < mono => self.data.mono_fonts.get(i),
                    i => self.data.condensed_fonts.get(i - mono),
                };
                let f = f.cloned().unwrap_or_default();
                (f, before_size + 2.0 + self.rng.below(3) as f32, BOLD)
            }
        };
        if font.is_empty() {
            return;
        }
        let size = size.min(MAX_FONT_SIZE);
        let theme = &mut self.site.theme;
        theme.font = font.clone();
        theme.font_size = size;
        theme.font_weight = weight;
        let mut parts = Vec::new();
        if font != before_font {
            parts.push(format!(
                "family \"{}\" became \"{}\"",
                first_family(&before_font),
                first_family(&font)
            ));
        }
        parts.push(format!("size {before_size}px became {size}px"));
        if weight != before_weight {
            parts.push(format!(
                "weight {} became {}",
                weight_name(before_weight),
                weight_name(weight)
            ));
        }
        let text = format!(
            "font {}; text widths and line heights change, so the layout shifts",
            parts.join(", ")
        );
        self.change(text, None, None);
    }

    pub(super) fn rename_selectors(&mut self) {
        let places = self.places();
        let keyed: Vec<ElemId> = places
            .iter()
            .map(|(e, _)| e)
            .filter(|&e| {
                self.site
                    .elem(e)
                    .key
                    .as_deref()
                    .is_some_and(|k| !k.is_empty())
            })
            .collect();
        if keyed.is_empty() {
            return;
        }
        let severity = self.p.severity;
        let chosen: Vec<ElemId> = if severity == 1 {
            keyed
                .iter()
                .copied()
                .filter(|_| self.rng.below(3) == 0)
                .collect::<Vec<_>>()
                .into_iter()
                .chain(self.rng.choose(&keyed).copied())
                .collect()
        } else {
            keyed.clone()
        };
        let mut taken: std::collections::BTreeSet<String> = self
            .site
            .elems
            .iter()
            .filter_map(|e| e.key.clone())
            .collect();
        let mut renamed = 0;
        let mut example = None;
        for &e in &chosen {
            if self.site.elem(e).dom_id.is_some() {
                continue;
            }
            let key = self.site.elem(e).key.clone().unwrap_or_default();
            let mut new = if severity == 1 {
                camel_case(&key)
            } else {
                format!("x{:06x}", self.rng.next_u64() & 0xff_ffff)
            };
            // Selector ids stay unique on the page.
            while taken.contains(&new) {
                new = format!("x{:06x}", self.rng.next_u64() & 0xff_ffff);
            }
            taken.insert(new.clone());
            if example.is_none() {
                example = Some(format!("#{key} became #{new}"));
            }
            self.site.elem_mut(e).dom_id = Some(new);
            renamed += 1;
        }
        let mut classes = 0;
        if severity >= 3 {
            for (e, _) in places.iter() {
                let hash = format!("css-{:05x}", self.rng.next_u64() & 0xf_ffff);
                self.site.elem_mut(e).classes = Some(hash);
                classes += 1;
            }
        }
        if renamed == 0 && classes == 0 {
            return;
        }
        let mut text = format!("renamed {renamed} selector ids");
        if let Some(ex) = example {
            text.push_str(&format!(" (e.g. {ex})"));
        }
        if classes > 0 {
            text.push_str(&format!(
                " and replaced the classes of {classes} elements with hashed names"
            ));
        }
        text.push_str("; element handles are unchanged");
        self.change(text, None, None);
    }
}

/// CSS weights `font` switches between.
const REGULAR: u16 = 400;
const BOLD: u16 = 700;

/// "400 (regular)", "700 (bold)", or the bare number.
fn weight_name(weight: u16) -> String {
    match weight {
        REGULAR => "400 (regular)".into(),
        BOLD => "700 (bold)".into(),
        w => w.to_string(),
    }
}

fn first_family(font: &str) -> &str {
    font.split(',').next().unwrap_or(font).trim()
}

fn camel_case(key: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in key.chars() {
        if c == '_' || c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    if out == key {
        format!("{key}El")
    } else {
        out
    }
}
