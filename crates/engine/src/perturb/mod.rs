//! Perturbations: seeded, composable transforms of a site, applied at reset.
//!
//! A [`PerturbSpec`] names kinds and severities (`relabel:2,move:1,popup`).
//! At [`crate::Env::reset`] the environment clones its compiled site and
//! applies the spec in two passes: [`before_goal`] changes what the goal's
//! own sampling depends on (the date format), [`after_goal`] everything else,
//! knowing the goal and the instruction so that no change contradicts them
//! (a button the instruction names is never relabelled; a distractor never
//! takes a goal value as its label). Every applied change is described in a
//! [`Change`], kept in the episode's info and record.
//!
//! Each kind draws from its own random stream, derived from the episode seed
//! and the kind, so adding a kind to a spec does not alter the choices of the
//! others, and the goal and data of an episode are those of the unperturbed
//! episode of the same seed.
//!
//! Solvability: elements keep their keys (the stable handles actions and the
//! oracle's recipes use), effects are preserved (an extra step moves the
//! navigation behind one more click, it never drops it), and elements the
//! perturbations insert carry keys starting with [`INSERTED_PREFIX`]:
//! `wobble:dismiss` closes a pop-up, `wobble:continue` goes past an extra
//! step, `wobble:loading` marks content still loading. The step limit grows
//! by the steps these obstacles cost.
//!
//! Those keys are the engine's internal marks (tests and the change
//! records use them); agents never see keys. What agents see of an inserted
//! element reads like the site's own markup: its selector id is made from its
//! label in the site's snake-case style (`view_deals`), a widget's id for a
//! pop-up's buttons (`cookie-consent-accept`), or a hashed id when
//! `rename-selectors` hashed the rest; inserted pages get plain ids
//! (`review`, `confirm-dialog`).

mod clutter;
mod data;
mod flow;
mod formats;
mod layout;
mod sketch;
mod spec;
mod style;
mod tree;
mod wording;

pub use layout::MOVE_MIN_DISTANCE;
pub use spec::{
    Kind, PerturbSpec, Perturbation, SpecError, DEFAULT_SEVERITY, MAX_SEVERITY, MIN_SEVERITY,
};

use crate::eval::text_eq;
use crate::format::DateFormat;
use crate::rng::Rng;
use crate::site::{PageId, Site};
use data::{catalog, Catalog};
use formats::{new_date_format, uses_dates};
use serde::{Deserialize, Serialize};

/// Key prefix of every element a perturbation inserts.
pub const INSERTED_PREFIX: &str = "wobble:";
/// Key of the button that dismisses a pop-up.
pub const DISMISS_KEY: &str = "wobble:dismiss";
/// Key of the button that goes past an inserted confirmation step.
pub const CONTINUE_KEY: &str = "wobble:continue";
/// Key of the line shown while lazy content loads.
pub const LOADING_KEY: &str = "wobble:loading";

/// One change a perturbation made, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The kind that made it.
    pub kind: Kind,
    /// At which severity.
    pub severity: u8,
    /// What changed, for people: "relabelled 'From' as 'Departure city' on page \"search\"".
    pub text: String,
    /// The page it is on, when it is about one page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The element's key, when it is about one element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// False when the kind found nothing to change on this site (the text says why).
    pub applied: bool,
}

/// Applies the parts of `spec` that the goal's sampling depends on (dates).
pub fn before_goal(site: &mut Site, spec: &PerturbSpec) {
    if let Some(severity) = spec.severity(Kind::DateFormat) {
        if uses_dates(site) {
            site.date_format = new_date_format(site.date_format, severity);
        }
    }
}

/// What the transforms may not contradict: the goal as sampled and the instruction as worded.
pub struct GoalView<'a> {
    /// Every goal field's value (hidden ones included).
    pub goal: &'a [String],
    /// The instruction as it would read unperturbed.
    pub instruction: &'a str,
    /// The date format before [`before_goal`].
    pub original_date_format: DateFormat,
}

/// Applies the rest of `spec` to `site` for `task`; appends what changed to `changes`.
pub fn after_goal(
    site: &mut Site,
    task: usize,
    spec: &PerturbSpec,
    seed: u64,
    view: &GoalView<'_>,
    changes: &mut Vec<Change>,
) {
    let data = match catalog() {
        Ok(d) => d,
        Err(e) => {
            for p in spec.items() {
                changes.push(not_applied(
                    p,
                    format!("the perturbation word lists failed to load: {e}"),
                ));
            }
            return;
        }
    };
    for &p in spec.items() {
        let mut rng = Rng::new(stream_seed(seed, p.kind));
        let mut t = Transform {
            site: &mut *site,
            task,
            p,
            rng: &mut rng,
            data,
            view,
            changes: &mut *changes,
            applied: 0,
            renamed_selectors: spec.severity(Kind::RenameSelectors),
        };
        let before = t.changes.len();
        match p.kind {
            Kind::Move => t.moves(),
            Kind::Reorder => t.reorder(),
            Kind::SwapColumns => t.swap_columns(),
            Kind::Relabel => t.relabel(),
            Kind::Restyle => t.restyle(),
            Kind::Font => t.font(),
            Kind::RenameSelectors => t.rename_selectors(),
            Kind::Distractors => t.distractors(),
            Kind::Popup => t.popups(),
            Kind::DateFormat => t.date_format(),
            Kind::NumberFormat => t.number_format(),
            Kind::FieldOrder => t.field_order(),
            Kind::ExtraStep => t.extra_step(),
            Kind::Paraphrase => t.paraphrase(),
            Kind::Lazy => t.lazy(),
        }
        if t.changes.len() == before {
            let why = t.nothing_to_do();
            t.changes.push(not_applied(&p, why));
        }
    }
}

/// The change recorded when a kind found nothing to do.
fn not_applied(p: &Perturbation, text: String) -> Change {
    Change {
        kind: p.kind,
        severity: p.severity,
        text,
        page: None,
        key: None,
        applied: false,
    }
}

/// A random stream per episode and kind (SplitMix64-style mixing).
fn stream_seed(seed: u64, kind: Kind) -> u64 {
    let mut z = seed ^ (0x5045_5254_5552_4221u64).wrapping_add((kind as u64 + 1) << 32);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One kind's pass over the site: what every kind reads and writes. Each
/// kind is a method in the file of its catalog group ([`Kind::group`]):
/// `layout`, `wording`, `style` (with `selectors`), `clutter`, `formats` and
/// `flow`; `tree` holds what they share about where elements sit.
struct Transform<'a> {
    site: &'a mut Site,
    task: usize,
    p: Perturbation,
    rng: &'a mut Rng,
    data: &'static Catalog,
    view: &'a GoalView<'a>,
    changes: &'a mut Vec<Change>,
    applied: usize,
    /// The severity of `rename-selectors` in the spec, if any: elements
    /// inserted after it (it runs before every inserting kind) follow the
    /// renamed style, so a hashed page has no readable id that gives an
    /// insertion away.
    renamed_selectors: Option<u8>,
}

impl Transform<'_> {
    fn severity(&self) -> u8 {
        self.p.severity
    }

    fn change(&mut self, text: String, page: Option<PageId>, key: Option<String>) {
        let page = page.and_then(|p| self.site.pages.get(p.index()).map(|p| p.id.clone()));
        self.applied += 1;
        self.changes.push(Change {
            kind: self.p.kind,
            severity: self.p.severity,
            text,
            page,
            key,
            applied: true,
        });
    }

    fn nothing_to_do(&self) -> String {
        match self.p.kind {
            Kind::Move => "nothing on this site can be moved".into(),
            Kind::Reorder => "no page or group here has two or more elements to reorder".into(),
            Kind::SwapColumns => "this site has no two-column rows".into(),
            Kind::Relabel => "no label here has synonyms that the instruction does not use".into(),
            Kind::Restyle | Kind::Font => "the style could not be changed".into(),
            Kind::RenameSelectors => "this site has no element ids to rename".into(),
            Kind::Distractors => "no page to add distractors to".into(),
            Kind::Popup => "no page to show a pop-up on".into(),
            Kind::DateFormat => "this site shows no dates".into(),
            Kind::NumberFormat => "this site shows no amounts of money".into(),
            Kind::FieldOrder => "no page here has two or more form fields".into(),
            Kind::ExtraStep => "no button here goes on to another page".into(),
            Kind::Paraphrase => "the instruction could not be reworded".into(),
            Kind::Lazy => "no content here can load late".into(),
        }
    }

    /// Whether `text` would contradict the task: it equals a goal value or
    /// the instruction mentions it.
    fn clashes(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        self.view.goal.iter().any(|g| text_eq(g, text))
            || contains_words(&self.view.instruction.to_lowercase(), &lower)
    }

    fn pick<'d>(&mut self, items: &'d [String]) -> Option<&'d str> {
        if items.is_empty() {
            None
        } else {
            items
                .get(self.rng.below(items.len() as u64) as usize)
                .map(String::as_str)
        }
    }

    /// How many of `n` candidates a severity touches: one, half, all.
    fn share(&self, n: usize) -> usize {
        match self.severity() {
            1 => n.min(1),
            2 => n.div_ceil(2),
            _ => n,
        }
    }

    fn raise_step_limit(&mut self, by: u32) {
        if let Some(t) = self.site.tasks.get_mut(self.task) {
            t.step_limit = t.step_limit.saturating_add(by);
        }
    }
}

/// Whether `hay` contains `needle` as whole words (both lower case).
fn contains_words(hay: &str, needle: &str) -> bool {
    let needle = needle.trim();
    if needle.is_empty() {
        return false;
    }
    let bytes = hay.as_bytes();
    let mut from = 0;
    while let Some(i) = hay.get(from..).and_then(|rest| rest.find(needle)) {
        let start = from + i;
        let end = start + needle.len();
        let before_ok = !(start.checked_sub(1))
            .and_then(|b| bytes.get(b))
            .is_some_and(u8::is_ascii_alphanumeric);
        let after_ok = !bytes.get(end).is_some_and(u8::is_ascii_alphanumeric);
        if before_ok && after_ok {
            return true;
        }
        from = start + 1;
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_lists_load() {
        let data = catalog().expect("crates/engine/data/perturbations.ron parses");
        assert!(data.synonyms("Search flights").is_some());
        assert!(data.synonyms("search FLIGHTS").is_some());
        assert!(data.synonyms("Zyxw").is_none());
        // Verbs are replaced as a label's first word only; nouns anywhere.
        let back = data.synonyms("Back to prescriptions").unwrap_or_default();
        assert_eq!(back, vec!["Return to prescriptions".to_string()]);
        assert!(data.synonyms("Go back").is_none());
        let options = data.synonyms("Your flights").unwrap_or_default();
        assert!(options.contains(&"Your trips".to_string()), "{options:?}");
        assert!(!data.distractors.is_empty());
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_words("click submit now", "submit"));
        assert!(!contains_words("resubmit it", "submit"));
        assert!(contains_words("select apples", "select"));
        assert!(!contains_words("", "a"));
    }
}
