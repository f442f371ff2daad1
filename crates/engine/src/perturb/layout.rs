//! The layout kinds: moving an element, reordering siblings, swapping the
//! columns of rows and shuffling form fields. They rearrange the element ids
//! that pages and containers hold; no element is added, removed or changed.

use super::tree::{Container, FieldPlace};
use super::Transform;
use crate::site::{ElemId, PageId, Role};

impl Transform<'_> {
    pub(super) fn moves(&mut self) {
        let places = self.places();
        let mut primary = Vec::new();
        let mut others = Vec::new();
        for (e, place) in places.iter() {
            if self.is_dialog(place.page) {
                continue;
            }
            let elem = &self.site.elem(e);
            match elem.role {
                Role::Button if elem.primary => primary.push(e),
                Role::Button | Role::Link => others.push(e),
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
            let Some(place) = places.of(target) else {
                continue;
            };
            if self.severity() >= 2
                && !place.in_row
                && place.container != Container::Page(place.page)
            {
                // Out of its card or row, to another place on the page.
                let from = self.container_name(place.container);
                self.items_mut(place.container).remove(place.index);
                let len = self.site.page(place.page).elems.len();
                let at = self.rng.below(len as u64 + 1) as usize;
                self.site.page_mut(place.page).elems.insert(at, target);
                let text = format!(
                    "moved {} out of {from} to {} of page \"{}\"",
                    self.describe(target),
                    position_words(at, len + 1),
                    self.site.page(place.page).id
                );
                let key = self.site.elem(target).key.clone();
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
                match places.of(parent) {
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
                items
                    .get(lo..=hi)
                    .is_some_and(|between| between.iter().any(|&e| self.always_shown(e)))
            };
            let options: Vec<usize> = (0..len)
                .filter(|&to| to != at.index && shown_between(to))
                .collect();
            if options.is_empty() {
                continue;
            }
            let Some(&to) = self.rng.choose(&options) else {
                continue;
            };
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
            let key = self
                .site
                .elem(moved)
                .key
                .clone()
                .or_else(|| self.site.elem(target).key.clone());
            self.change(text, Some(at.page), key);
        }
    }

    pub(super) fn reorder(&mut self) {
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
                text.push_str(&format!(" on page \"{}\"", self.site.page(page).id));
            }
            text.push_str(&format!(": {before} became {after}"));
            self.change(text, Some(page), None);
        }
    }

    pub(super) fn swap_columns(&mut self) {
        let mut rows = Vec::new();
        let mut list_rows = Vec::new();
        for (c, page) in self.containers(2, true) {
            let Container::Elem(e) = c else { continue };
            let elem = &self.site.elem(e);
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
                self.site.page(page).id
            );
            self.change(text, Some(page), None);
        }
    }

    pub(super) fn field_order(&mut self) {
        let places = self.places();
        let mut pages: Vec<(PageId, Vec<FieldPlace>)> = Vec::new();
        for p in self.visible_pages() {
            let fields: Vec<FieldPlace> = places
                .iter()
                .filter_map(|(e, place)| {
                    let role = self.site.elem(e).role;
                    let is_field = role.is_text_entry()
                        || matches!(role, Role::Select | Role::RadioGroup | Role::Checkbox);
                    (place.page == p && !place.in_row && is_field).then_some((
                        place.container,
                        place.index,
                        e,
                    ))
                })
                .collect();
            if fields.len() >= 2 {
                pages.push((p, fields));
            }
        }
        let chosen: Vec<(PageId, Vec<FieldPlace>)> = if self.p.severity == 1 {
            if pages.is_empty() {
                return;
            }
            let i = self.rng.below(pages.len() as u64) as usize;
            vec![pages.swap_remove(i)]
        } else {
            pages
        };
        for (page, fields) in chosen {
            let original: Vec<ElemId> = fields.iter().map(|f| f.2).collect();
            let mut order = original.clone();
            self.shuffle_seen(&mut order, self.p.severity >= 3);
            for ((c, index, _), &e) in fields.iter().zip(&order) {
                if let Some(slot) = self.items_mut(*c).get_mut(*index) {
                    *slot = e;
                }
            }
            let id = self.site.page(page).id.clone();
            let text = format!(
                "shuffled the form fields on page \"{id}\": {} became {}",
                self.names_of(&original),
                self.names_of(&order)
            );
            self.change(text, Some(page), None);
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
