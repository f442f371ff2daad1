//! Where elements sit, and the elements perturbations insert.
//!
//! The kinds that move, reorder or insert elements share this: where every
//! element reachable from a page sits ([`Place`]), the containers whose
//! children can be permuted, how an element is named in a change's
//! explanation, shuffles that are sure to change what is seen, and building
//! and naming inserted elements and pages so that they read like the site's
//! own.

use super::Transform;
use crate::format::TextStyle;
use crate::site::{Effect, Elem, ElemId, Lazy, PageId, Role, Site, Template, TemplatePart};

impl Transform<'_> {
    /// Where every element reachable from a page sits.
    pub(super) fn places(&self) -> Places {
        let mut out = vec![None; self.site.elems.len()];
        for (p, page) in self.site.pages_with_ids() {
            for (i, &e) in page.elems.iter().enumerate() {
                self.place_tree(
                    &mut out,
                    e,
                    Place {
                        page: p,
                        container: Container::Page(p),
                        index: i,
                        in_row: false,
                    },
                );
            }
        }
        Places(out)
    }

    fn place_tree(&self, out: &mut [Option<Place>], e: ElemId, place: Place) {
        let Some(slot) = out.get_mut(e.index()) else {
            return;
        };
        *slot = Some(place);
        let elem = &self.site.elem(e);
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

    pub(super) fn items(&self, c: Container) -> &Vec<ElemId> {
        match c {
            Container::Page(p) => &self.site.page(p).elems,
            Container::Elem(e) => &self.site.elem(e).children,
        }
    }

    pub(super) fn items_mut(&mut self, c: Container) -> &mut Vec<ElemId> {
        match c {
            Container::Page(p) => &mut self.site.page_mut(p).elems,
            Container::Elem(e) => &mut self.site.elem_mut(e).children,
        }
    }

    pub(super) fn is_dialog(&self, page: PageId) -> bool {
        self.site
            .pages
            .get(page.index())
            .map(|p| p.is_dialog)
            .unwrap_or(true)
    }

    /// Every container with at least `min` items, in document order.
    pub(super) fn containers(
        &self,
        min: usize,
        pages_only_visible: bool,
    ) -> Vec<(Container, PageId)> {
        let places = self.places();
        let mut out = Vec::new();
        for (p, page) in self.site.pages_with_ids() {
            if pages_only_visible && page.is_dialog {
                continue;
            }
            if page.elems.len() >= min {
                out.push((Container::Page(p), p));
            }
        }
        for (e, place) in places.iter() {
            if pages_only_visible && self.is_dialog(place.page) {
                continue;
            }
            let elem = &self.site.elem(e);
            if matches!(elem.role, Role::List | Role::Group) && elem.children.len() >= min {
                out.push((Container::Elem(e), place.page));
            }
        }
        out
    }

    /// Whether an element is shown whatever the state (no condition, not an
    /// error message, not lazy, and not a container that could be empty).
    pub(super) fn always_shown(&self, e: ElemId) -> bool {
        let elem = &self.site.elem(e);
        elem.visible_if.is_none() && elem.role != Role::Alert && elem.lazy == Lazy::No
    }

    /// A short name of an element for explanations: its text, else its key, else its role.
    pub(super) fn describe(&self, e: ElemId) -> String {
        let elem = &self.site.elem(e);
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

    pub(super) fn container_name(&self, c: Container) -> String {
        match c {
            Container::Page(p) => format!("page \"{}\"", self.site.page(p).id),
            Container::Elem(e) => {
                let elem = &self.site.elem(e);
                match elem.role {
                    Role::List => "each row of the list".into(),
                    Role::Group if elem.primary => "the card".into(),
                    _ => "the row".into(),
                }
            }
        }
    }

    pub(super) fn names_of(&self, items: &[ElemId]) -> String {
        items
            .iter()
            .map(|&e| self.describe(e))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Shuffles `items` so that the order differs (when it can).
    pub(super) fn shuffle_changed(&mut self, items: &mut [ElemId], derange: bool) {
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
    pub(super) fn shuffle_seen(&mut self, items: &mut [ElemId], derange: bool) {
        let original = items.to_vec();
        self.shuffle_changed(items, derange);
        let shown: Vec<ElemId> = original
            .iter()
            .copied()
            .filter(|&e| {
                let elem = &self.site.elem(e);
                elem.visible_if.is_none() || elem.role == Role::Alert
            })
            .collect();
        if shown.len() < 2 {
            return;
        }
        let order_of_shown = |items: &[ElemId]| -> Vec<ElemId> {
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
            let at = |e: ElemId| original.iter().position(|&x| x == e).unwrap_or(0);
            if let [first, second, ..] = shown.as_slice() {
                items.swap(at(*first), at(*second));
            }
        }
    }

    pub(super) fn new_elem(&mut self, elem: Elem) -> ElemId {
        self.site.push_elem(elem)
    }

    /// Gives an inserted element the selector id a real page would give it:
    /// `wanted` (a consent library's id, or the site's own style of id made
    /// from the label), made unique on the site with `_2`, `_3`... The
    /// element's key stays the engine's own mark; agents never see keys.
    pub(super) fn give_selector(&mut self, e: ElemId, wanted: &str) {
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
        if let Some(elem) = self.site.elems.get_mut(e.index()) {
            elem.dom_id = Some(id);
            if classes.is_some() {
                elem.classes = classes;
            }
        }
    }

    /// A page id for an inserted page that reads like the site's own:
    /// `wanted`, or `wanted-2`, `wanted-3`... when the site has one already.
    pub(super) fn fresh_page_id(&self, wanted: &str) -> String {
        let mut id = wanted.to_string();
        let mut n = 1;
        while self.site.pages.iter().any(|p| p.id == id) {
            n += 1;
            id = format!("{wanted}-{n}");
        }
        id
    }

    pub(super) fn visible_pages(&self) -> Vec<PageId> {
        self.site
            .pages_with_ids()
            .filter(|&(p, _)| !self.is_dialog(p))
            .map(|(p, _)| p)
            .collect()
    }
}

/// A list of element ids that can be permuted: a page's top level or an element's children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Container {
    Page(PageId),
    Elem(ElemId),
}

/// A form field's place: its container, its index there, and the element.
pub(super) type FieldPlace = (Container, usize, ElemId);

/// Where every element reachable from a page sits, by element id.
pub(super) struct Places(Vec<Option<Place>>);

impl Places {
    /// Where `e` sits, if a page reaches it.
    pub(super) fn of(&self, e: ElemId) -> Option<Place> {
        self.0.get(e.index()).copied().flatten()
    }

    /// Every element a page reaches, with where it sits, in id order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (ElemId, Place)> + '_ {
        (0u32..)
            .map(ElemId)
            .zip(&self.0)
            .filter_map(|(e, place)| Some((e, (*place)?)))
    }
}

/// Where an element sits.
#[derive(Debug, Clone, Copy)]
pub(super) struct Place {
    pub(super) page: PageId,
    pub(super) container: Container,
    pub(super) index: usize,
    /// Inside a list's row template (instantiated once per row).
    pub(super) in_row: bool,
}

pub(super) fn literal(text: &str) -> Template {
    Template {
        parts: vec![TemplatePart::Lit(text.to_string())],
    }
}

pub(super) fn button(key: &str, label: &str, primary: bool, on_click: Vec<Effect>) -> Elem {
    Elem {
        key: Some(key.to_string()),
        label: literal(label),
        primary,
        on_click,
        ..Elem::blank(Role::Button)
    }
}

pub(super) fn text_elem(text: &str, style: TextStyle) -> Elem {
    Elem {
        label: literal(text),
        style,
        ..Elem::blank(Role::Text)
    }
}

pub(super) fn group(children: Vec<ElemId>) -> Elem {
    Elem {
        children,
        ..Elem::blank(Role::Group)
    }
}
