//! What must hold of every page an environment shows, whatever site file
//! made it: the engine's half of `wobble check` (the policy crate's
//! `check` adds the oracle, which proves tasks solvable). The property tests
//! and the checker share these, so a site a workshop writes is held to the
//! rules the shipped ones are.

use crate::Env;

/// The first broken layout rule on the page `env` shows now, in words: a
/// shown element that leaves the page or has no finite box, two usable
/// elements that overlap (a click on one would land on the other), two
/// usable elements with one key, or one selector id used twice.
pub fn layout_problem(env: &Env) -> Option<String> {
    let width = env.site().width;
    let shown: Vec<(u32, &crate::Node)> = env.visible_nodes_with_ids().collect();
    for &(i, n) in &shown {
        let b = env.bbox(i);
        let finite = [b.x, b.y, b.w, b.h].iter().all(|v| v.is_finite());
        if !finite || b.w < 0.0 || b.h < 0.0 {
            return Some(format!(
                "element {i} ({:?} \"{}\") has no proper box: {b:?}",
                n.role, n.label
            ));
        }
        if b.x < -0.01 || b.y < -0.01 || b.x + b.w > width + 0.51 {
            return Some(format!(
                "element {i} ({:?} \"{}\") leaves the page (width {width}): box {b:?}",
                n.role, n.label
            ));
        }
    }
    let usable: Vec<(u32, &crate::Node)> = shown
        .iter()
        .copied()
        .filter(|&(i, _)| env.is_usable(i))
        .collect();
    for (k, &(a, na)) in usable.iter().enumerate() {
        for &(b, nb) in usable.iter().skip(k + 1) {
            let (ba, bb) = (env.bbox(a), env.bbox(b));
            if ba.overlaps(&bb) {
                return Some(format!(
                    "usable elements {a} \"{}\" and {b} \"{}\" overlap: {:?} and {:?}",
                    na.label, nb.label, ba, bb
                ));
            }
            if !na.key.is_empty() && na.key == nb.key {
                return Some(format!(
                    "the key \"{}\" is used by two usable elements ({a} and {b})",
                    na.key
                ));
            }
        }
    }
    for (k, &(a, na)) in shown.iter().enumerate() {
        if na.dom_id.is_empty() {
            continue;
        }
        if let Some(&(b, _)) = shown
            .iter()
            .skip(k + 1)
            .find(|(_, nb)| nb.dom_id == na.dom_id)
        {
            return Some(format!(
                "the selector id \"{}\" is used twice ({a} and {b})",
                na.dom_id
            ));
        }
    }
    None
}

/// A fingerprint of everything the page shows an agent now (instruction,
/// page, and every shown element's role, text, value, state and box), for
/// checking that two environments given the same seed and actions stay in
/// step.
pub fn fingerprint(env: &Env) -> u64 {
    let mut h = Fnv::default();
    h.text(env.instruction());
    h.text(env.page_id());
    for (i, n) in env.visible_nodes_with_ids() {
        h.word(u64::from(i));
        h.text(n.role.name());
        h.text(&n.label);
        h.text(env.value(i));
        h.word(u64::from(env.checked(i)));
        h.word(u64::from(env.is_usable(i)));
        let b = env.bbox(i);
        for v in [b.x, b.y, b.w, b.h] {
            h.word(u64::from(v.to_bits()));
        }
    }
    h.0
}

/// FNV-1a, 64 bits: stable across platforms and runs.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn byte(&mut self, b: u8) {
        self.0 ^= u64::from(b);
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
    }
    fn word(&mut self, w: u64) {
        w.to_le_bytes().into_iter().for_each(|b| self.byte(b));
    }
    fn text(&mut self, t: &str) {
        self.word(t.len() as u64);
        t.bytes().for_each(|b| self.byte(b));
    }
}
