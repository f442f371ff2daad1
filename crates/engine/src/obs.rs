//! Observation views: the text serialization of the semantic tree and the
//! observation digest that episode records keep.

use crate::env::Env;
use crate::Role;
use std::fmt::Write;

/// FNV-1a, 64-bit: a small, stable hash for digests (not for security).
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Mixes bytes in.
    pub fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= x as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    /// Mixes a string in, with its length so that boundaries count.
    pub fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.bytes(s.as_bytes());
    }
    /// Mixes an integer in.
    pub fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }
    /// Mixes a float in by its bits.
    pub fn f32(&mut self, v: f32) {
        self.bytes(&v.to_bits().to_le_bytes());
    }
    /// The digest.
    pub fn finish(self) -> u64 {
        self.0
    }
}

impl Env {
    /// A digest of everything an agent can observe now: page, dialog, focus,
    /// scroll, the theme, and every shown node's role, key, label, value,
    /// state, box and selectors.
    pub fn observation_digest(&self) -> u64 {
        let mut h = Fnv::default();
        h.str(self.instruction());
        let theme = &self.site().theme;
        for part in [
            &theme.font,
            &theme.background,
            &theme.text,
            &theme.accent,
            &theme.accent_text,
            &theme.surface,
            &theme.border,
        ] {
            h.str(part);
        }
        h.f32(theme.font_size);
        // Mixed in only when not the regular 400, so that episodes recorded
        // before themes had a weight keep their digests and still replay.
        if theme.font_weight != 400 {
            h.u64(u64::from(theme.font_weight));
        }
        h.f32(theme.radius);
        h.str(self.page_id());
        h.u64(self.dialog().map(|d| d as u64 + 1).unwrap_or(0));
        h.u64(self.focus().map(|f| f as u64 + 1).unwrap_or(0));
        h.f32(self.scroll_y());
        h.u64(self.steps() as u64);
        for (id, n) in self.visible_nodes_with_ids() {
            h.u64(id as u64);
            h.str(n.role.name());
            h.str(&n.key);
            h.str(&n.label);
            h.str(&n.dom_id);
            h.str(&n.classes);
            h.str(self.value(id));
            h.u64(self.checked(id) as u64);
            let b = self.bbox(id);
            h.f32(b.x);
            h.f32(b.y);
            h.f32(b.w);
            h.f32(b.h);
        }
        h.finish()
    }

    /// The observation as plain text, for people and language-model agents:
    /// the instruction, the goal fields, then one line per shown element,
    /// indented by depth: `[id] role "label" #selector value="..." (checked)`.
    /// Only what a page shows: the engine's element keys are left out, and the
    /// selector is the markup's id (see [`crate::protocol::Element::selector`]).
    pub fn observation_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "instruction: {}", self.instruction());
        for (_, name, value) in self.goal_fields() {
            let _ = writeln!(out, "goal.{name}: {value}");
        }
        let _ = writeln!(
            out,
            "page: {}  step: {}/{}",
            self.page_id(),
            self.steps(),
            self.step_limit()
        );
        for (id, n) in self.visible_nodes_with_ids() {
            if !n.is_listed() {
                continue;
            }
            let indent = "  ".repeat(n.depth as usize);
            let _ = write!(out, "{indent}[{id}] {}", n.role.name());
            if !n.label.is_empty() {
                let _ = write!(out, " {:?}", n.label);
            }
            // The selector a scripted bot would use (renamed by a perturbation).
            if !n.dom_id.is_empty() && n.role.is_interactive() {
                let _ = write!(out, " #{}", n.dom_id);
            }
            if n.role.is_text_entry() || n.role == Role::Select {
                let shown = if n.role == Role::Password {
                    "•".repeat(self.value(id).chars().count())
                } else {
                    self.value(id).to_string()
                };
                let _ = write!(out, " value={shown:?}");
            }
            if n.role == Role::Select {
                let _ = write!(out, " options={:?}", n.options);
            }
            if matches!(n.role, Role::Checkbox | Role::Radio) && self.checked(id) {
                let _ = write!(out, " (checked)");
            }
            if self.focus() == Some(id) {
                let _ = write!(out, " (focused)");
            }
            out.push('\n');
        }
        if let Some(o) = self.outcome() {
            let _ = writeln!(out, "done: reward {} ({})", o.raw_reward, o.reason);
        }
        out
    }
}
