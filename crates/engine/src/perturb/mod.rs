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

mod data;
mod spec;

pub use spec::{
    Kind, PerturbSpec, Perturbation, SpecError, DEFAULT_SEVERITY, MAX_SEVERITY, MIN_SEVERITY,
};

use crate::eval::text_eq;
use crate::format::{DateFormat, TextStyle};
use crate::rng::Rng;
use crate::site::{
    Effect, Elem, InstrPart, Lazy, MoneyFormat, Page, Placement, Role, Site, Template, TemplatePart,
};
use data::{catalog, Catalog, Dialog as DialogText};
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

fn new_date_format(current: DateFormat, severity: u8) -> DateFormat {
    let wanted = match severity {
        1 => DateFormat::Iso,
        2 => DateFormat::DayMonthYear,
        _ => DateFormat::DayMonthYearDots,
    };
    if wanted != current {
        wanted
    } else if current == DateFormat::Iso {
        DateFormat::MonthDayYear
    } else {
        DateFormat::Iso
    }
}

/// Whether any generator of the site writes a date.
fn uses_dates(site: &Site) -> bool {
    use crate::site::{Gen, TableSource};
    let is_date = |g: &Gen| matches!(g, Gen::Date { .. });
    site.tasks
        .iter()
        .any(|t| t.goal.iter().chain(&t.derived).any(is_date))
        || site.generated.iter().any(|(_, g)| is_date(g))
        || site.tables.iter().any(|t| match &t.source {
            TableSource::Generated { groups, .. } => {
                groups.iter().any(|(_, cells)| cells.iter().any(is_date))
            }
            TableSource::Static(_) => false,
        })
}

/// A list of element ids that can be permuted: a page's top level or an element's children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Page(u32),
    Elem(u32),
}

/// A form field's place: its container, its index there, and the element.
type FieldPlace = (Container, usize, u32);

/// Where an element sits.
#[derive(Debug, Clone, Copy)]
struct Place {
    page: u32,
    container: Container,
    index: usize,
    /// Inside a list's row template (instantiated once per row).
    in_row: bool,
}

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

    fn change(&mut self, text: String, page: Option<u32>, key: Option<String>) {
        let page = page.and_then(|p| self.site.pages.get(p as usize).map(|p| p.id.clone()));
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

    // ----- structure helpers -----

    /// Where every element reachable from a page sits (`None` for unreachable ones).
    fn places(&self) -> Vec<Option<Place>> {
        let mut out = vec![None; self.site.elems.len()];
        for (p, page) in self.site.pages.iter().enumerate() {
            for (i, &e) in page.elems.iter().enumerate() {
                self.place_tree(
                    &mut out,
                    e,
                    Place {
                        page: p as u32,
                        container: Container::Page(p as u32),
                        index: i,
                        in_row: false,
                    },
                );
            }
        }
        out
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn place_tree(&self, out: &mut [Option<Place>], e: u32, place: Place) {
        let Some(slot) = out.get_mut(e as usize) else {
            return;
        };
        *slot = Some(place);
        let elem = &self.site.elems[e as usize];
        let in_row = place.in_row || elem.list.is_some();
        for (i, &c) in elem.children.iter().enumerate() {
            self.place_tree(
                out,
                c,
                Place {
                    page: place.page,
                    container: Container::Elem(e),
                    index: i,
                    in_row,
                },
            );
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn items(&self, c: Container) -> &Vec<u32> {
        match c {
            Container::Page(p) => &self.site.pages[p as usize].elems,
            Container::Elem(e) => &self.site.elems[e as usize].children,
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn items_mut(&mut self, c: Container) -> &mut Vec<u32> {
        match c {
            Container::Page(p) => &mut self.site.pages[p as usize].elems,
            Container::Elem(e) => &mut self.site.elems[e as usize].children,
        }
    }

    fn is_dialog(&self, page: u32) -> bool {
        self.site
            .pages
            .get(page as usize)
            .map(|p| p.is_dialog)
            .unwrap_or(true)
    }

    /// Every container with at least `min` items, in document order.
    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn containers(&self, min: usize, pages_only_visible: bool) -> Vec<(Container, u32)> {
        let places = self.places();
        let mut out = Vec::new();
        for (p, page) in self.site.pages.iter().enumerate() {
            if pages_only_visible && page.is_dialog {
                continue;
            }
            if page.elems.len() >= min {
                out.push((Container::Page(p as u32), p as u32));
            }
        }
        for (e, place) in places.iter().enumerate() {
            let Some(place) = place else { continue };
            if pages_only_visible && self.is_dialog(place.page) {
                continue;
            }
            let elem = &self.site.elems[e];
            if matches!(elem.role, Role::List | Role::Group) && elem.children.len() >= min {
                out.push((Container::Elem(e as u32), place.page));
            }
        }
        out
    }

    /// Whether an element is shown whatever the state (no condition, not an
    /// error message, not lazy, and not a container that could be empty).
    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn always_shown(&self, e: u32) -> bool {
        let elem = &self.site.elems[e as usize];
        elem.visible_if.is_none() && elem.role != Role::Alert && elem.lazy == Lazy::No
    }

    /// A short name of an element for explanations: its text, else its key, else its role.
    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn describe(&self, e: u32) -> String {
        let elem = &self.site.elems[e as usize];
        if let Some(text) = elem.label.literal().filter(|t| !t.is_empty()) {
            return format!("'{text}'");
        }
        if elem.role == Role::Alert {
            return "the error message".into();
        }
        if elem.role == Role::Group {
            return if elem.primary {
                "a card".into()
            } else {
                "a row".into()
            };
        }
        if elem.role == Role::List {
            return match &elem.key {
                Some(k) => format!("the list {k}"),
                None => "a list".into(),
            };
        }
        let mut template = String::new();
        for part in &elem.label.parts {
            match part {
                TemplatePart::Lit(s) => template.push_str(s),
                _ => template.push('…'),
            }
        }
        if !template.trim().is_empty() && template != "…" {
            return format!("'{template}'");
        }
        match &elem.key {
            Some(k) => format!("{} {k}", elem.role.name()),
            None => format!("a {}", elem.role.name()),
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn container_name(&self, c: Container) -> String {
        match c {
            Container::Page(p) => format!("page \"{}\"", self.site.pages[p as usize].id),
            Container::Elem(e) => {
                let elem = &self.site.elems[e as usize];
                match elem.role {
                    Role::List => "each row of the list".into(),
                    Role::Group if elem.primary => "the card".into(),
                    _ => "the row".into(),
                }
            }
        }
    }

    fn names_of(&self, items: &[u32]) -> String {
        items
            .iter()
            .map(|&e| self.describe(e))
            .collect::<Vec<_>>()
            .join(", ")
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

    /// Shuffles `items` so that the order differs (when it can).
    fn shuffle_changed(&mut self, items: &mut [u32], derange: bool) {
        if items.len() < 2 {
            return;
        }
        let original = items.to_vec();
        for _ in 0..8 {
            self.rng.shuffle(items);
            let fixed = items.iter().zip(&original).any(|(a, b)| a == b);
            if items != original.as_slice() && !(derange && fixed) {
                return;
            }
        }
        // Rotating by one moves every item.
        items.copy_from_slice(&original);
        items.rotate_left(1);
    }

    /// [`Self::shuffle_changed`], so that the elements without a written
    /// visibility condition change order when there are two or more: a
    /// change among elements that may be hidden (a question's follow-up, a
    /// notice) could go unseen. (The error message counts as shown here, as
    /// it always has, so the shipped sites' variants stay as they were.)
    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn shuffle_seen(&mut self, items: &mut [u32], derange: bool) {
        let original = items.to_vec();
        self.shuffle_changed(items, derange);
        let shown: Vec<u32> = original
            .iter()
            .copied()
            .filter(|&e| {
                let elem = &self.site.elems[e as usize];
                elem.visible_if.is_none() || elem.role == Role::Alert
            })
            .collect();
        if shown.len() < 2 {
            return;
        }
        let order_of_shown = |items: &[u32]| -> Vec<u32> {
            items
                .iter()
                .copied()
                .filter(|e| shown.contains(e))
                .collect()
        };
        for _ in 0..8 {
            if order_of_shown(items) != shown {
                return;
            }
            items.copy_from_slice(&original);
            self.shuffle_changed(items, derange);
        }
        if order_of_shown(items) == shown {
            // Swap the first two that are always shown.
            items.copy_from_slice(&original);
            let at = |e: u32| original.iter().position(|&x| x == e).unwrap_or(0);
            items.swap(at(shown[0]), at(shown[1]));
        }
    }

    fn new_elem(&mut self, elem: Elem) -> u32 {
        self.site.elems.push(elem);
        (self.site.elems.len() - 1) as u32
    }

    /// Gives an inserted element the selector id a real page would give it:
    /// `wanted` (a consent library's id, or the site's own style of id made
    /// from the label), made unique on the site with `_2`, `_3`... The
    /// element's key stays the engine's own mark; agents never see keys.
    fn give_selector(&mut self, e: u32, wanted: &str) {
        let taken = |id: &str, site: &Site| {
            site.elems.iter().any(|x| {
                x.dom_id.as_deref() == Some(id)
                    || (x.dom_id.is_none() && x.key.as_deref() == Some(id))
            })
        };
        let hashed = self.renamed_selectors.is_some_and(|s| s >= 2);
        let mut id = if hashed {
            format!("x{:06x}", self.rng.next_u64() & 0xff_ffff)
        } else {
            wanted.to_string()
        };
        let mut n = 1;
        while taken(&id, self.site) {
            n += 1;
            id = if hashed {
                format!("x{:06x}", self.rng.next_u64() & 0xff_ffff)
            } else {
                format!("{wanted}_{n}")
            };
        }
        let classes = (self.renamed_selectors == Some(3))
            .then(|| format!("css-{:05x}", self.rng.next_u64() & 0xf_ffff));
        if let Some(elem) = self.site.elems.get_mut(e as usize) {
            elem.dom_id = Some(id);
            if classes.is_some() {
                elem.classes = classes;
            }
        }
    }

    /// A page id for an inserted page that reads like the site's own:
    /// `wanted`, or `wanted-2`, `wanted-3`... when the site has one already.
    fn fresh_page_id(&self, wanted: &str) -> String {
        let mut id = wanted.to_string();
        let mut n = 1;
        while self.site.pages.iter().any(|p| p.id == id) {
            n += 1;
            id = format!("{wanted}-{n}");
        }
        id
    }

    fn raise_step_limit(&mut self, by: u32) {
        if let Some(t) = self.site.tasks.get_mut(self.task) {
            t.step_limit = t.step_limit.saturating_add(by);
        }
    }

    fn visible_pages(&self) -> Vec<u32> {
        (0..self.site.pages.len() as u32)
            .filter(|&p| !self.is_dialog(p))
            .collect()
    }

    // ----- the kinds -----

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn moves(&mut self) {
        let places = self.places();
        let mut primary = Vec::new();
        let mut others = Vec::new();
        for (e, place) in places.iter().enumerate() {
            let Some(place) = place else { continue };
            if self.is_dialog(place.page) {
                continue;
            }
            let elem = &self.site.elems[e];
            match elem.role {
                Role::Button if elem.primary => primary.push(e as u32),
                Role::Button | Role::Link => others.push(e as u32),
                _ => {}
            }
        }
        let count = if self.severity() >= 3 { 3 } else { 1 };
        let mut targets = Vec::new();
        for pool in [&mut primary, &mut others] {
            while targets.len() < count && !pool.is_empty() {
                let i = self.rng.below(pool.len() as u64) as usize;
                targets.push(pool.swap_remove(i));
            }
        }
        for target in targets {
            let places = self.places();
            let Some(place) = places[target as usize] else {
                continue;
            };
            if self.severity() >= 2
                && !place.in_row
                && place.container != Container::Page(place.page)
            {
                // Out of its card or row, to another place on the page.
                let from = self.container_name(place.container);
                self.items_mut(place.container).remove(place.index);
                let len = self.site.pages[place.page as usize].elems.len();
                let at = self.rng.below(len as u64 + 1) as usize;
                self.site.pages[place.page as usize]
                    .elems
                    .insert(at, target);
                let text = format!(
                    "moved {} out of {from} to {} of page \"{}\"",
                    self.describe(target),
                    position_words(at, len + 1),
                    self.site.pages[place.page as usize].id
                );
                let key = self.site.elems[target as usize].key.clone();
                self.change(text, Some(place.page), key);
                continue;
            }
            // Within its container; climb while it is alone there.
            let mut moved = target;
            let mut at = place;
            while self.items(at.container).len() < 2 {
                let Container::Elem(parent) = at.container else {
                    break;
                };
                match places[parent as usize] {
                    Some(up) => {
                        moved = parent;
                        at = up;
                    }
                    None => break,
                }
            }
            let len = self.items(at.container).len();
            // Only a place past at least one always-shown sibling changes what is seen.
            let items = self.items(at.container).clone();
            let shown_between = |to: usize| {
                let (lo, hi) = if to < at.index {
                    (to, at.index - 1)
                } else {
                    (at.index + 1, to)
                };
                items[lo..=hi].iter().any(|&e| self.always_shown(e))
            };
            let options: Vec<usize> = (0..len)
                .filter(|&to| to != at.index && shown_between(to))
                .collect();
            if options.is_empty() {
                continue;
            }
            let to = options[self.rng.below(options.len() as u64) as usize];
            let items = self.items_mut(at.container);
            let e = items.remove(at.index);
            items.insert(to, e);
            let text = format!(
                "moved {} from {} to {} of {}",
                self.describe(moved),
                position_words(at.index, len),
                position_words(to, len),
                self.container_name(at.container)
            );
            let key = self.site.elems[moved as usize]
                .key
                .clone()
                .or_else(|| self.site.elems[target as usize].key.clone());
            self.change(text, Some(at.page), key);
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn reorder(&mut self) {
        let mut candidates = self.containers(2, true);
        let n = self.share(candidates.len());
        for _ in 0..n {
            let i = self.rng.below(candidates.len() as u64) as usize;
            let (c, page) = candidates.swap_remove(i);
            let before = self.names_of(self.items(c));
            let mut items = self.items(c).clone();
            self.shuffle_seen(&mut items, false);
            *self.items_mut(c) = items;
            let after = self.names_of(self.items(c));
            let mut text = format!("reordered {}", self.container_name(c));
            if let Container::Elem(_) = c {
                text.push_str(&format!(
                    " on page \"{}\"",
                    self.site.pages[page as usize].id
                ));
            }
            text.push_str(&format!(": {before} became {after}"));
            self.change(text, Some(page), None);
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn swap_columns(&mut self) {
        let mut rows = Vec::new();
        let mut list_rows = Vec::new();
        for (c, page) in self.containers(2, true) {
            let Container::Elem(e) = c else { continue };
            let elem = &self.site.elems[e as usize];
            if elem.role == Role::Group && !elem.primary {
                rows.push((c, page));
            } else if elem.role == Role::List {
                list_rows.push((c, page));
            }
        }
        let n = self.share(rows.len());
        let mut chosen = Vec::new();
        for _ in 0..n {
            let i = self.rng.below(rows.len() as u64) as usize;
            chosen.push(rows.swap_remove(i));
        }
        if self.severity() >= 3 || chosen.is_empty() {
            chosen.extend(list_rows);
        }
        for (c, page) in chosen {
            let before = self.names_of(self.items(c));
            self.items_mut(c).reverse();
            let after = self.names_of(self.items(c));
            let text = format!(
                "swapped the columns of {} on page \"{}\": {before} became {after}",
                self.container_name(c),
                self.site.pages[page as usize].id
            );
            self.change(text, Some(page), None);
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn relabel(&mut self) {
        let places = self.places();
        let mut candidates = Vec::new();
        for (e, place) in places.iter().enumerate() {
            let Some(place) = place else { continue };
            let elem = &self.site.elems[e];
            let relabelable = matches!(
                elem.role,
                Role::Button
                    | Role::Link
                    | Role::TextBox
                    | Role::Password
                    | Role::Number
                    | Role::Date
                    | Role::Select
                    | Role::Checkbox
                    | Role::RadioGroup
            );
            let Some(label) = elem.label.literal() else {
                continue;
            };
            if !relabelable || label.trim().is_empty() || self.clashes(label) {
                continue;
            }
            if self.data.synonyms(label).is_some() {
                candidates.push((e as u32, place.page));
            }
        }
        let n = self.share(candidates.len());
        for _ in 0..n {
            let i = self.rng.below(candidates.len() as u64) as usize;
            let (e, page) = candidates.swap_remove(i);
            let old = self.site.elems[e as usize]
                .label
                .literal()
                .unwrap_or("")
                .to_string();
            let Some(options) = self.data.synonyms(&old) else {
                continue;
            };
            let fresh: Vec<String> = options
                .into_iter()
                .filter(|o| !self.clashes(o) && !o.eq_ignore_ascii_case(&old))
                .collect();
            let Some(new) = self.pick(&fresh).map(str::to_string) else {
                continue;
            };
            self.site.elems[e as usize].label = Template {
                parts: vec![TemplatePart::Lit(new.clone())],
            };
            let key = self.site.elems[e as usize].key.clone();
            let id = self.site.pages[page as usize].id.clone();
            self.change(
                format!("relabelled '{old}' as '{new}' on page \"{id}\""),
                Some(page),
                key,
            );
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn restyle(&mut self) {
        let theme = &mut self.site.theme;
        let before = (theme.accent.clone(), theme.radius, theme.background.clone());
        let severity = self.p.severity;
        let palettes = if severity >= 3 {
            &self.data.dark_palettes
        } else {
            &self.data.palettes
        };
        if palettes.is_empty() {
            return;
        }
        let mut palette = &palettes[self.rng.below(palettes.len() as u64) as usize];
        if palette.accent.eq_ignore_ascii_case(&before.0) && palettes.len() > 1 {
            palette = &palettes[(palettes
                .iter()
                .position(|p| p.name == palette.name)
                .unwrap_or(0)
                + 1)
                % palettes.len()];
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

    fn font(&mut self) {
        let before_font = self.site.theme.font.clone();
        let before_size = self.site.theme.font_size;
        let (font, size) = match self.p.severity {
            1 => {
                let delta = if self.rng.below(2) == 0 { -1.0 } else { 1.0 };
                (before_font.clone(), before_size + delta)
            }
            2 => {
                let f = self.pick(&self.data.serif_fonts).unwrap_or("").to_string();
                (f, before_size + 1.0 + self.rng.below(3) as f32)
            }
            _ => {
                let f = self.pick(&self.data.mono_fonts).unwrap_or("").to_string();
                (f, before_size + 2.0 + self.rng.below(3) as f32)
            }
        };
        if font.is_empty() {
            return;
        }
        self.site.theme.font = font.clone();
        self.site.theme.font_size = size;
        let text = if font == before_font {
            format!("font size {before_size}px became {size}px; text widths shift the layout")
        } else {
            format!(
                "font {before_size}px \"{}\" became {size}px \"{}\"; text widths and line heights shift the layout",
                first_family(&before_font),
                first_family(&font)
            )
        };
        self.change(text, None, None);
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn rename_selectors(&mut self) {
        let places = self.places();
        let keyed: Vec<u32> = (0..self.site.elems.len() as u32)
            .filter(|&e| {
                places[e as usize].is_some()
                    && self.site.elems[e as usize]
                        .key
                        .as_deref()
                        .is_some_and(|k| !k.is_empty())
            })
            .collect();
        if keyed.is_empty() {
            return;
        }
        let severity = self.p.severity;
        let chosen: Vec<u32> = if severity == 1 {
            keyed
                .iter()
                .copied()
                .filter(|_| self.rng.below(3) == 0)
                .collect::<Vec<_>>()
                .into_iter()
                .chain(std::iter::once(
                    keyed[self.rng.below(keyed.len() as u64) as usize],
                ))
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
            if self.site.elems[e as usize].dom_id.is_some() {
                continue;
            }
            let key = self.site.elems[e as usize].key.clone().unwrap_or_default();
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
            self.site.elems[e as usize].dom_id = Some(new);
            renamed += 1;
        }
        let mut classes = 0;
        if severity >= 3 {
            for (elem, place) in self.site.elems.iter_mut().zip(&places) {
                if place.is_none() {
                    continue;
                }
                let hash = format!("css-{:05x}", self.rng.next_u64() & 0xf_ffff);
                elem.classes = Some(hash);
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

    fn distractor_label(&mut self, near: Option<&str>) -> Option<String> {
        for _ in 0..12 {
            let label = match near {
                Some(target) => {
                    let t = self.pick(&self.data.near_labels)?.to_string();
                    t.replace("{label}", target)
                        .replace("{lower}", &target.to_lowercase())
                }
                None => self.pick(&self.data.distractors)?.to_string(),
            };
            let used = self.site.elems.iter().any(|e| {
                e.key
                    .as_deref()
                    .is_some_and(|k| k.starts_with(INSERTED_PREFIX))
                    && e.label
                        .literal()
                        .is_some_and(|l| l.eq_ignore_ascii_case(&label))
            });
            if !used && !self.clashes(&label) && near.is_none_or(|t| !label.eq_ignore_ascii_case(t))
            {
                return Some(label);
            }
        }
        None
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn distractors(&mut self) {
        let pages = self.visible_pages();
        if pages.is_empty() {
            return;
        }
        let places = self.places();
        // The target whose label the near-misses imitate: a primary button with a written label.
        let targets: Vec<(u32, Place)> = places
            .iter()
            .enumerate()
            .filter_map(|(e, p)| {
                let p = (*p)?;
                let elem = &self.site.elems[e];
                (elem.role == Role::Button
                    && elem.primary
                    && !self.is_dialog(p.page)
                    && elem.label.literal().is_some_and(|l| !l.is_empty()))
                .then_some((e as u32, p))
            })
            .collect();
        let (near, generic) = match self.p.severity {
            1 => (1, 0),
            2 => (1, 2),
            _ => (2, 4),
        };
        let mut count = 0;
        let target =
            (!targets.is_empty()).then(|| targets[self.rng.below(targets.len() as u64) as usize]);
        let mut generic = generic;
        match target {
            Some((t, place)) => {
                let label = self.site.elems[t as usize]
                    .label
                    .literal()
                    .unwrap_or("")
                    .to_string();
                for _ in 0..near {
                    let Some(text) = self.distractor_label(Some(&label)) else {
                        continue;
                    };
                    count += 1;
                    let e = self.new_elem(button(
                        &format!("wobble:distractor-{count}"),
                        &text,
                        false,
                        vec![],
                    ));
                    self.give_selector(e, &snake_case(&text));
                    let index = place.index + self.rng.below(2) as usize;
                    let items = self.items_mut(place.container);
                    let at = index.min(items.len());
                    items.insert(at, e);
                    let id = self.site.pages[place.page as usize].id.clone();
                    self.change(
                        format!(
                            "added a button '{text}' beside '{label}' on page \"{id}\"; it does nothing"
                        ),
                        Some(place.page),
                        Some(format!("wobble:distractor-{count}")),
                    );
                }
            }
            None => generic += near,
        }
        for _ in 0..generic {
            let Some(text) = self.distractor_label(None) else {
                continue;
            };
            count += 1;
            let page = match target {
                Some((_, place)) if self.p.severity < 3 => place.page,
                _ => pages[self.rng.below(pages.len() as u64) as usize],
            };
            let key = format!("wobble:distractor-{count}");
            let is_link = self.rng.below(2) == 0;
            let mut elem = button(&key, &text, false, vec![]);
            if is_link {
                elem.role = Role::Link;
            }
            let e = self.new_elem(elem);
            self.give_selector(e, &snake_case(&text));
            let len = self.site.pages[page as usize].elems.len();
            let at = self.rng.below(len as u64 + 1) as usize;
            self.site.pages[page as usize].elems.insert(at, e);
            let id = self.site.pages[page as usize].id.clone();
            self.change(
                format!(
                    "added a {} '{text}' to page \"{id}\"; it does nothing",
                    if is_link { "link" } else { "button" }
                ),
                Some(page),
                Some(key),
            );
        }
        if self.p.severity >= 3 && !self.data.ads.is_empty() {
            let (headline, link) =
                self.data.ads[self.rng.below(self.data.ads.len() as u64) as usize].clone();
            if !self.clashes(&link) {
                let sponsored = self.new_elem(text_elem("Sponsored", TextStyle::Muted));
                let line = self.new_elem(text_elem(&headline, TextStyle::Strong));
                let cta = {
                    let mut l = button("wobble:ad", &link, false, vec![]);
                    l.role = Role::Link;
                    self.new_elem(l)
                };
                self.give_selector(cta, &snake_case(&link));
                let mut card = group(vec![sponsored, line, cta]);
                card.primary = true;
                let card = self.new_elem(card);
                let page = match target {
                    Some((_, place)) => place.page,
                    None => pages[0],
                };
                let len = self.site.pages[page as usize].elems.len();
                let at = self.rng.below(len as u64 + 1) as usize;
                self.site.pages[page as usize].elems.insert(at, card);
                let id = self.site.pages[page as usize].id.clone();
                self.change(
                    format!("added an ad \"{headline}\" with a link '{link}' to page \"{id}\""),
                    Some(page),
                    Some("wobble:ad".into()),
                );
            }
        }
    }

    /// Adds a dialog page with a line of text and two buttons; returns its
    /// index. `id` names the dialog and prefixes its buttons' selector ids
    /// (`cookie-consent-accept`), as consent and sign-up widgets name theirs.
    fn add_dialog(
        &mut self,
        id: &str,
        texts: &DialogText,
        placement: Placement,
        decoy_primary: bool,
        [accept_id, decoy_id]: [&str; 2],
    ) -> (u32, String) {
        let id = self.fresh_page_id(id);
        let accept = self.pick(&texts.accept).unwrap_or("Close").to_string();
        let decoy = self.pick(&texts.decoy).unwrap_or("More").to_string();
        let line = self.new_elem(text_elem(&texts.text, TextStyle::Normal));
        let mut dismiss = button(
            DISMISS_KEY,
            &accept,
            !decoy_primary,
            vec![Effect::CloseDialog],
        );
        if decoy_primary {
            dismiss.role = Role::Link;
        }
        let dismiss = self.new_elem(dismiss);
        let decoy_e = self.new_elem(button("wobble:popup-decoy", &decoy, decoy_primary, vec![]));
        self.give_selector(dismiss, &format!("{id}-{accept_id}"));
        self.give_selector(decoy_e, &format!("{id}-{decoy_id}"));
        let row = self.new_elem(group(if decoy_primary {
            vec![decoy_e, dismiss]
        } else {
            vec![dismiss, decoy_e]
        }));
        self.site.pages.push(Page {
            id,
            title: texts.title.clone(),
            is_dialog: true,
            enter: None,
            elems: vec![line, row],
            popup: None,
            placement,
        });
        ((self.site.pages.len() - 1) as u32, accept)
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn popups(&mut self) {
        let start = self.site.start;
        let data = self.data;
        let (placement, what) = if self.p.severity == 1 {
            (Placement::BottomBar, "a cookie banner along the bottom of")
        } else {
            (Placement::Modal, "a cookie consent dialog over")
        };
        let (d, accept) = self.add_dialog(
            "cookie-consent",
            &data.cookie,
            placement,
            false,
            ["accept", "settings"],
        );
        self.site.pages[start as usize].popup = Some(d);
        self.raise_step_limit(1);
        let id = self.site.pages[start as usize].id.clone();
        let covers = if placement == Placement::BottomBar {
            "what it covers cannot be clicked"
        } else {
            "nothing behind it can be clicked"
        };
        self.change(
            format!("{what} page \"{id}\"; {covers} until '{accept}' is clicked"),
            Some(start),
            Some(DISMISS_KEY.into()),
        );
        if self.p.severity >= 3 {
            let later: Vec<u32> = self
                .visible_pages()
                .into_iter()
                .filter(|&p| p != start)
                .collect();
            if let Some(&page) = later.get(self.rng.below(later.len().max(1) as u64) as usize) {
                let (d, accept) = self.add_dialog(
                    "newsletter-signup",
                    &data.newsletter,
                    Placement::Modal,
                    true,
                    ["close", "subscribe"],
                );
                self.site.pages[page as usize].popup = Some(d);
                self.raise_step_limit(1);
                let id = self.site.pages[page as usize].id.clone();
                self.change(
                    format!(
                        "a newsletter overlay covers page \"{id}\" when it first opens; its big button subscribes, the link '{accept}' closes it"
                    ),
                    Some(page),
                    Some(DISMISS_KEY.into()),
                );
            }
        }
    }

    fn date_format(&mut self) {
        let old = self.view.original_date_format;
        let new = self.site.date_format;
        if old == new {
            return;
        }
        // Field hints follow the new format.
        for elem in &mut self.site.elems {
            for part in &mut elem.label.parts {
                if let TemplatePart::Lit(s) = part {
                    if s.contains(old.hint()) {
                        *s = s.replace(old.hint(), new.hint());
                    }
                }
            }
            if elem.placeholder.contains(old.hint()) {
                elem.placeholder = elem.placeholder.replace(old.hint(), new.hint());
            }
        }
        let sample = crate::calendar::parse_iso_date("2026-03-14")
            .map(|d| {
                (
                    crate::text::format_date(d, old),
                    crate::text::format_date(d, new),
                )
            })
            .unwrap_or_default();
        self.change(
            format!(
                "dates are written {} instead of {} ({} instead of {}), in fields, lists and the instruction",
                new.hint(),
                old.hint(),
                sample.1,
                sample.0
            ),
            None,
            None,
        );
    }

    fn number_format(&mut self) {
        let format = match self.p.severity {
            1 => MoneyFormat {
                prefix: "$",
                suffix: "",
                decimals: 2,
                decimal_mark: '.',
                thousands: Some(','),
            },
            2 => MoneyFormat {
                prefix: "USD ",
                suffix: "",
                decimals: 2,
                decimal_mark: '.',
                thousands: Some(','),
            },
            _ => MoneyFormat {
                prefix: "",
                suffix: " $",
                decimals: 2,
                decimal_mark: ',',
                thousands: Some('.'),
            },
        };
        let mut count = 0;
        for elem in &mut self.site.elems {
            count += money_parts(&mut elem.label, format);
        }
        if count == 0 {
            return;
        }
        let mut sample = String::new();
        crate::eval::write_money(&mut sample, "1234.5", format);
        self.change(
            format!(
                "amounts of money are written like {sample} instead of $1234.5 ({count} places)"
            ),
            None,
            None,
        );
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn field_order(&mut self) {
        let places = self.places();
        let mut pages: Vec<(u32, Vec<FieldPlace>)> = Vec::new();
        for p in self.visible_pages() {
            let fields: Vec<FieldPlace> = places
                .iter()
                .enumerate()
                .filter_map(|(e, place)| {
                    let place = (*place)?;
                    let role = self.site.elems[e].role;
                    let is_field = role.is_text_entry()
                        || matches!(role, Role::Select | Role::RadioGroup | Role::Checkbox);
                    (place.page == p && !place.in_row && is_field).then_some((
                        place.container,
                        place.index,
                        e as u32,
                    ))
                })
                .collect();
            if fields.len() >= 2 {
                pages.push((p, fields));
            }
        }
        let chosen: Vec<(u32, Vec<FieldPlace>)> = if self.p.severity == 1 {
            if pages.is_empty() {
                return;
            }
            let i = self.rng.below(pages.len() as u64) as usize;
            vec![pages.swap_remove(i)]
        } else {
            pages
        };
        for (page, fields) in chosen {
            let original: Vec<u32> = fields.iter().map(|f| f.2).collect();
            let mut order = original.clone();
            self.shuffle_seen(&mut order, self.p.severity >= 3);
            for ((c, index, _), &e) in fields.iter().zip(&order) {
                self.items_mut(*c)[*index] = e;
            }
            let id = self.site.pages[page as usize].id.clone();
            let text = format!(
                "shuffled the form fields on page \"{id}\": {} became {}",
                self.names_of(&original),
                self.names_of(&order)
            );
            self.change(text, Some(page), None);
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn extra_step(&mut self) {
        let places = self.places();
        // Buttons that go on to another page as their last effect.
        let mut candidates: Vec<(u32, usize, u32, u32)> = Vec::new();
        for (e, place) in places.iter().enumerate() {
            let Some(place) = place else { continue };
            let elem = &self.site.elems[e];
            if elem.role != Role::Button {
                continue;
            }
            if let Some(i) = elem
                .on_click
                .iter()
                .position(|f| matches!(f, Effect::Navigate(_)))
            {
                if i + 1 == elem.on_click.len() {
                    if let Effect::Navigate(to) = elem.on_click[i] {
                        candidates.push((e as u32, i, to, place.page));
                    }
                }
            }
        }
        if candidates.is_empty() {
            return;
        }
        // Buttons on ordinary pages take a review page; any may take a dialog.
        let want_dialog = self.p.severity != 2;
        let want_page = self.p.severity >= 2;
        let first = self.rng.below(candidates.len() as u64) as usize;
        let (e, i, to, page) = candidates.swap_remove(first);
        if want_dialog {
            self.confirm_dialog(e, i, to, page);
        }
        if want_page {
            let on_page: Vec<(u32, usize, u32, u32)> = candidates
                .iter()
                .copied()
                .filter(|c| !self.is_dialog(c.3))
                .collect();
            let pick = if !on_page.is_empty() && want_dialog {
                Some(on_page[self.rng.below(on_page.len() as u64) as usize])
            } else if !self.is_dialog(page) && !want_dialog {
                Some((e, i, to, page))
            } else {
                on_page.first().copied()
            };
            if let Some((e, i, to, page)) = pick {
                self.review_page(e, i, to, page);
            }
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn confirm_dialog(&mut self, e: u32, i: usize, to: u32, page: u32) {
        let data = self.data;
        let accept = self
            .pick(&data.confirm.accept)
            .unwrap_or("Continue")
            .to_string();
        let cancel = self
            .pick(&data.confirm.decoy)
            .unwrap_or("Cancel")
            .to_string();
        let line = self.new_elem(text_elem(&data.confirm.text, TextStyle::Normal));
        let go = self.new_elem(button(
            CONTINUE_KEY,
            &accept,
            true,
            vec![Effect::CloseDialog, Effect::Navigate(to)],
        ));
        let back = self.new_elem(button(
            "wobble:cancel",
            &cancel,
            false,
            vec![Effect::CloseDialog],
        ));
        let row = self.new_elem(group(vec![go, back]));
        let id = self.fresh_page_id("confirm-dialog");
        self.give_selector(go, &format!("{id}-ok"));
        self.give_selector(back, &format!("{id}-cancel"));
        self.site.pages.push(Page {
            id,
            title: data.confirm.title.clone(),
            is_dialog: true,
            enter: None,
            elems: vec![line, row],
            popup: None,
            placement: Placement::Modal,
        });
        let d = (self.site.pages.len() - 1) as u32;
        self.site.elems[e as usize].on_click[i] = Effect::OpenDialog(d);
        self.raise_step_limit(1);
        let to_id = self.site.pages[to as usize].id.clone();
        let text = format!(
            "{} now asks \"{}\" in a dialog; '{accept}' goes on to page \"{to_id}\"",
            self.describe(e),
            data.confirm.title
        );
        let key = self.site.elems[e as usize].key.clone();
        self.change(text, Some(page), key);
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn review_page(&mut self, e: u32, i: usize, to: u32, page: u32) {
        let data = self.data;
        let accept = self
            .pick(&data.review.accept)
            .unwrap_or("Continue")
            .to_string();
        let back_text = self.pick(&data.review.decoy).unwrap_or("Back").to_string();
        let heading = {
            let mut h = text_elem(&data.review.title, TextStyle::Normal);
            h.role = Role::Heading;
            self.new_elem(h)
        };
        let line = self.new_elem(text_elem(&data.review.text, TextStyle::Muted));
        let back = {
            let mut l = button(
                "wobble:back",
                &back_text,
                false,
                vec![Effect::Navigate(page)],
            );
            l.role = Role::Link;
            self.new_elem(l)
        };
        let go = self.new_elem(button(
            CONTINUE_KEY,
            &accept,
            true,
            vec![Effect::Navigate(to)],
        ));
        let row = self.new_elem(group(vec![back, go]));
        let id = self.fresh_page_id("review");
        self.give_selector(go, "review_continue");
        self.give_selector(back, "review_back");
        self.site.pages.push(Page {
            id,
            title: data.review.title.clone(),
            is_dialog: false,
            enter: None,
            elems: vec![heading, line, row],
            popup: None,
            placement: Placement::Modal,
        });
        let r = (self.site.pages.len() - 1) as u32;
        let effect = &mut self.site.elems[e as usize].on_click[i];
        match effect {
            Effect::Navigate(_) => *effect = Effect::Navigate(r),
            // Already behind a dialog: the dialog's button leads to the review page.
            _ => return,
        }
        self.raise_step_limit(1);
        let to_id = self.site.pages[to as usize].id.clone();
        let text = format!(
            "{} now leads to a review page (\"{}\") before page \"{to_id}\"; '{accept}' goes on",
            self.describe(e),
            data.review.title
        );
        let key = self.site.elems[e as usize].key.clone();
        self.change(text, Some(page), key);
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn paraphrase(&mut self) {
        let Some(task) = self.site.tasks.get(self.task) else {
            return;
        };
        let mut parts = task.instruction.clone();
        let severity = self.p.severity;
        let mut how = Vec::new();
        if severity >= 2 {
            if task.paraphrases.is_empty() {
                if reword(&mut parts, &self.data.instruction_words, self.rng) {
                    how.push("verbs replaced by synonyms");
                }
            } else {
                let i = self.rng.below(task.paraphrases.len() as u64) as usize;
                parts = task.paraphrases[i].clone();
                how.push("another wording of the task");
                if severity >= 3 && reword(&mut parts, &self.data.instruction_words, self.rng) {
                    how.push("verbs replaced by synonyms");
                }
            }
        }
        if severity != 2 {
            if let Some(w) = self.pick(&self.data.wrappers).map(str::to_string) {
                wrap_instruction(&mut parts, &w);
                how.push("a wrapper sentence");
            }
        }
        if how.is_empty() || parts_equal(&parts, &self.site.tasks[self.task].instruction) {
            return;
        }
        let mut text = String::new();
        for part in &parts {
            match part {
                InstrPart::Lit(s) => text.push_str(s),
                InstrPart::Field(f) => text.push_str(
                    self.view
                        .goal
                        .get(*f as usize)
                        .map(String::as_str)
                        .unwrap_or(""),
                ),
            }
        }
        self.site.tasks[self.task].instruction = parts;
        self.change(
            format!("reworded the instruction ({}): \"{text}\"", how.join(", ")),
            None,
            None,
        );
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "element and page ids are ones the site compiler resolved or this transform added (it never removes any), and `places` has one entry per element"
    )]
    fn lazy(&mut self) {
        let places = self.places();
        let steps = match self.p.severity {
            1 => 1,
            2 => 2,
            _ => 4,
        };
        let mut lists: Vec<(u32, Place)> = places
            .iter()
            .enumerate()
            .filter_map(|(e, p)| {
                let p = (*p)?;
                (self.site.elems[e].role == Role::List && !p.in_row && !self.is_dialog(p.page))
                    .then_some((e as u32, p))
            })
            .collect();
        let targets: Vec<(u32, Place)> = if lists.is_empty() {
            // No list: the start page's content after its first element loads late.
            let start = self.site.start;
            let elems = self.site.pages[start as usize].elems.clone();
            if elems.len() < 2 {
                return;
            }
            elems
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, &e)| {
                    (
                        e,
                        Place {
                            page: start,
                            container: Container::Page(start),
                            index: i,
                            in_row: false,
                        },
                    )
                })
                .collect()
        } else if self.p.severity == 1 {
            let i = self.rng.below(lists.len() as u64) as usize;
            vec![lists.swap_remove(i)]
        } else {
            lists
        };
        let loading = self
            .pick(&self.data.loading)
            .unwrap_or("Loading...")
            .to_string();
        let mut pages_done: Vec<u32> = Vec::new();
        for &(e, _) in &targets {
            self.site.elems[e as usize].lazy = Lazy::After(steps);
        }
        // One loading line per container, before its first late element.
        for &(e, place) in &targets {
            if pages_done.contains(&place.page) {
                continue;
            }
            pages_done.push(place.page);
            let mut spinner = text_elem(&loading, TextStyle::Muted);
            spinner.key = Some(LOADING_KEY.into());
            spinner.lazy = Lazy::Until(steps);
            let s = self.new_elem(spinner);
            self.give_selector(s, "loading");
            let items = self.items_mut(place.container);
            let at = items.iter().position(|&x| x == e).unwrap_or(0);
            items.insert(at, s);
            self.raise_step_limit(steps);
            let id = self.site.pages[place.page as usize].id.clone();
            let what = if targets.len() == 1 || self.site.elems[e as usize].role == Role::List {
                self.describe(e)
            } else {
                "the page's content".into()
            };
            self.change(
                format!(
                    "{what} on page \"{id}\" loads {steps} step{} after the page opens, behind '{loading}'",
                    if steps == 1 { "" } else { "s" }
                ),
                Some(place.page),
                self.site.elems[e as usize].key.clone(),
            );
        }
    }
}

/// "the top", "the bottom", "position 3 of 5".
fn position_words(index: usize, len: usize) -> String {
    if index == 0 {
        "the top".into()
    } else if index + 1 >= len {
        "the bottom".into()
    } else {
        format!("position {} of {len}", index + 1)
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

fn first_family(font: &str) -> &str {
    font.split(',').next().unwrap_or(font).trim()
}

/// `View all deals!` as `view_all_deals`: the snake-case ids the shipped sites use.
fn snake_case(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(4)
    {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() {
        "link".into()
    } else {
        out
    }
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

fn literal(text: &str) -> Template {
    Template {
        parts: vec![TemplatePart::Lit(text.to_string())],
    }
}

fn button(key: &str, label: &str, primary: bool, on_click: Vec<Effect>) -> Elem {
    Elem {
        key: Some(key.to_string()),
        label: literal(label),
        primary,
        on_click,
        ..Elem::blank(Role::Button)
    }
}

fn text_elem(text: &str, style: TextStyle) -> Elem {
    Elem {
        label: literal(text),
        style,
        ..Elem::blank(Role::Text)
    }
}

fn group(children: Vec<u32>) -> Elem {
    Elem {
        children,
        ..Elem::blank(Role::Group)
    }
}

/// Turns `$` + value into a formatted amount; returns how many it changed.
fn money_parts(t: &mut Template, format: MoneyFormat) -> usize {
    let mut count = 0;
    let mut parts = Vec::with_capacity(t.parts.len());
    let mut pending_dollar = false;
    for part in t.parts.drain(..) {
        match part {
            TemplatePart::Lit(s) => {
                if pending_dollar {
                    parts.push(TemplatePart::Lit("$".into()));
                }
                pending_dollar = s.ends_with('$');
                let keep = if pending_dollar {
                    s[..s.len() - 1].to_string()
                } else {
                    s
                };
                if !keep.is_empty() {
                    parts.push(TemplatePart::Lit(keep));
                }
            }
            TemplatePart::Value(v) if pending_dollar => {
                parts.push(TemplatePart::Money(v, format));
                pending_dollar = false;
                count += 1;
            }
            other => {
                if pending_dollar {
                    parts.push(TemplatePart::Lit("$".into()));
                    pending_dollar = false;
                }
                parts.push(other);
            }
        }
    }
    if pending_dollar {
        parts.push(TemplatePart::Lit("$".into()));
    }
    // Merge neighbouring literals so that `literal()` still sees one string.
    let mut merged: Vec<TemplatePart> = Vec::with_capacity(parts.len());
    for part in parts {
        match (merged.last_mut(), part) {
            (Some(TemplatePart::Lit(a)), TemplatePart::Lit(b)) => a.push_str(&b),
            (_, p) => merged.push(p),
        }
    }
    t.parts = merged;
    count
}

/// Replaces words of the literal parts with synonyms; true if any changed.
fn reword(
    parts: &mut [InstrPart],
    words: &std::collections::BTreeMap<String, Vec<String>>,
    rng: &mut Rng,
) -> bool {
    let mut changed = false;
    for part in parts.iter_mut() {
        let InstrPart::Lit(s) = part else { continue };
        for (word, options) in words {
            if options.is_empty() {
                continue;
            }
            let Some(at) = find_word(s, word) else {
                continue;
            };
            let Some(pick) = options.get(rng.below(options.len() as u64) as usize) else {
                continue;
            };
            let Some(original) = s.get(at..at + word.len()) else {
                continue;
            };
            let replacement = if original.starts_with(|c: char| c.is_uppercase()) {
                let mut c = pick.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            } else {
                pick.clone()
            };
            s.replace_range(at..at + word.len(), &replacement);
            changed = true;
        }
    }
    changed
}

/// Where `word` (lower-case, as in the catalog) first occurs in `hay` as a whole
/// word, ignoring ASCII case. It searches `hay` itself, not a lower-cased copy,
/// so the position is one in `hay`: lower-casing can change a text's length in
/// bytes (`"İ"` becomes `"i̇"`), and a position in the copy could fall outside
/// `hay` or inside one of its characters.
fn find_word(hay: &str, word: &str) -> Option<usize> {
    let (bytes, w) = (hay.as_bytes(), word.as_bytes());
    if w.is_empty() {
        return None;
    }
    bytes
        .windows(w.len())
        .enumerate()
        .find_map(|(start, window)| {
            let end = start + w.len();
            let whole = window.eq_ignore_ascii_case(w)
                && !(start.checked_sub(1))
                    .and_then(|b| bytes.get(b))
                    .is_some_and(u8::is_ascii_alphanumeric)
                && !bytes.get(end).is_some_and(u8::is_ascii_alphanumeric);
            (whole && hay.is_char_boundary(start) && hay.is_char_boundary(end)).then_some(start)
        })
}

/// Puts the instruction inside a wrapper such as `Please {lowered}`.
fn wrap_instruction(parts: &mut Vec<InstrPart>, wrapper: &str) {
    let lowered = wrapper.contains("{lowered}");
    let marker = if lowered {
        "{lowered}"
    } else {
        "{instruction}"
    };
    let Some((before, after)) = wrapper.split_once(marker) else {
        return;
    };
    if lowered {
        if let Some(InstrPart::Lit(first)) = parts.first_mut() {
            let mut c = first.chars();
            if let Some(f) = c.next() {
                *first = f.to_lowercase().collect::<String>() + c.as_str();
            }
        }
        // A question or request reads better without the final period.
        if let Some(InstrPart::Lit(last)) = parts.last_mut() {
            if after.starts_with('?') && last.ends_with('.') {
                last.pop();
            }
        }
    }
    if !before.is_empty() {
        parts.insert(0, InstrPart::Lit(before.to_string()));
    }
    if !after.is_empty() {
        parts.push(InstrPart::Lit(after.to_string()));
    }
}

fn parts_equal(a: &[InstrPart], b: &[InstrPart]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (InstrPart::Lit(p), InstrPart::Lit(q)) => p == q,
            (InstrPart::Field(p), InstrPart::Field(q)) => p == q,
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Value;

    #[test]
    fn the_word_lists_load() {
        let data = catalog().expect("crates/engine/data/perturbations.ron parses");
        assert!(data.synonyms("Search flights").is_some());
        assert!(data.synonyms("search FLIGHTS").is_some());
        assert!(data.synonyms("Zyxw").is_none());
        assert!(!data.distractors.is_empty());
    }

    #[test]
    fn rewording_finds_words_in_the_text_itself() {
        // Lower-cased, "İ" takes three bytes instead of two: a position found in a
        // lower-cased copy lay past the end of the text here, and rewording panicked.
        assert_eq!(find_word("İİİİİİ click {", "click"), Some(13));
        assert_eq!(find_word("Click it", "click"), Some(0));
        assert_eq!(find_word("clicks", "click"), None);
        assert_eq!(find_word("double-click", "click"), Some(7));
        let data = catalog().expect("crates/engine/data/perturbations.ron parses");
        let mut parts = vec![InstrPart::Lit("İİİİİİ Click ".into())];
        assert!(reword(
            &mut parts,
            &data.instruction_words,
            &mut Rng::new(1)
        ));
        let [InstrPart::Lit(text)] = parts.as_slice() else {
            panic!("one literal part: {parts:?}");
        };
        assert!(
            text.starts_with("İİİİİİ ") && !text.contains("Click"),
            "{text}"
        );
    }

    #[test]
    fn a_site_whose_instruction_lower_cases_longer_is_reworded() {
        let text = include_str!("../../../../sites/click-button.ron");
        let start = text
            .find("paraphrases: [")
            .expect("click-button has paraphrases");
        let end = start + text[start..].find("],").expect("the list ends") + 2;
        let text = format!("{}paraphrases: [],{}", &text[..start], &text[end..]).replace(
            r#"instruction: "Click on the \"{target}\" button.","#,
            r#"instruction: "İİİİİİ click {target}","#,
        );
        assert!(text.contains("İİİİİİ click {target}"));
        let site = crate::load_site("click-button.ron", &text).expect("the edited site loads");
        let mut env =
            crate::Env::new(std::sync::Arc::new(site), 0, Default::default()).expect("task 0");
        env.set_perturbations("paraphrase:2".parse().expect("a spec"));
        for seed in 0..8 {
            env.reset(seed);
            assert!(
                env.instruction().starts_with("İİİİİİ "),
                "{}",
                env.instruction()
            );
            assert!(
                !env.instruction().contains("click"),
                "{}",
                env.instruction()
            );
        }
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_words("click submit now", "submit"));
        assert!(!contains_words("resubmit it", "submit"));
        assert!(contains_words("select apples", "select"));
        assert!(!contains_words("", "a"));
    }

    #[test]
    fn money_templates_keep_other_text() {
        let mut t = Template {
            parts: vec![
                TemplatePart::Lit("Total $".into()),
                TemplatePart::Value(Value::Lit("5".into())),
                TemplatePart::Lit(" now".into()),
            ],
        };
        let f = MoneyFormat {
            prefix: "USD ",
            suffix: "",
            decimals: 2,
            decimal_mark: '.',
            thousands: Some(','),
        };
        assert_eq!(money_parts(&mut t, f), 1);
        assert!(matches!(&t.parts[0], TemplatePart::Lit(s) if s == "Total "));
        assert!(matches!(&t.parts[1], TemplatePart::Money(..)));
    }

    #[test]
    fn wrappers_lower_the_first_letter() {
        let mut parts = vec![InstrPart::Lit("Click it.".into())];
        wrap_instruction(&mut parts, "Please {lowered}");
        assert!(matches!(&parts[0], InstrPart::Lit(s) if s == "Please "));
        assert!(matches!(&parts[1], InstrPart::Lit(s) if s == "click it."));
    }
}
