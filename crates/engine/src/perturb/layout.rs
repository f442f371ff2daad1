//! The layout kinds: moving an element, reordering siblings, swapping the
//! columns of rows and shuffling form fields. They rearrange the element ids
//! that pages and containers hold; no element is added, removed or changed.
//!
//! `move` is about the task's primary action, the "Book now" button that a
//! routine learns to find in one place: it moves every page's primary button
//! to a place the page draws clearly elsewhere ([`MOVE_MIN_DISTANCE`]),
//! chosen with a sketch of the page ([`Transform::sketch_box`]) since the
//! pages are not laid out yet when perturbations run.

use super::tree::{Container, FieldPlace, Place, Places};
use super::Transform;
use crate::layout::Rect;
use crate::site::{ElemId, PageId, Role};

/// How far, at least, `move` takes the centre of a task's primary action
/// ("Search flights", "Pay now"), in CSS pixels, from where the unperturbed
/// page draws it. It is more than a control's height (34 px), so a button
/// moved up or down overlaps its old box nowhere, and more than a line of
/// text and a gap together, the smallest step a page's flow takes; `move`
/// also keeps the old centre outside the new box, so that a click where the
/// button was (a recorded script's, a screen agent's habit) misses it.
pub const MOVE_MIN_DISTANCE: f32 = 40.0;

/// Sketched distances are estimates ([`Transform::sketch_box`]): places
/// clearing the distance by this factor are preferred when there are some.
const SKETCH_MARGIN: f32 = 1.25;

/// How many buttons and links besides the primary actions severity 3 moves.
const OTHERS_AT_SEVERITY_3: usize = 3;

/// One candidate move: `item` leaves `from` and is inserted in `to` at
/// `to_index` (an index into `to` once the item has left).
#[derive(Debug, Clone, Copy)]
struct Move {
    item: ElemId,
    from: Container,
    from_index: usize,
    to: Container,
    to_index: usize,
}

/// Where a primary action was drawn before anything moved.
#[derive(Debug, Clone, Copy)]
struct Origin {
    elem: ElemId,
    page: PageId,
    sketch: Rect,
}

/// A move made: the element moved (`target`, or the row or card holding
/// it) and where the element was on the unperturbed site.
#[derive(Debug, Clone, Copy)]
struct Moved {
    item: ElemId,
    target: ElemId,
    /// Whether `target` is a primary action (its text names it when its
    /// row or card moved).
    primary: bool,
    was: Place,
    was_len: usize,
}

impl Transform<'_> {
    /// Moves every page's primary action clearly elsewhere: at severity 1
    /// within its row, card or page flow; at 2 out of its card (or row) to
    /// another place on the page; at 3 as at 2, and up to three other
    /// buttons and links too. A site with no primary action gets one other
    /// button or link moved (up to three at severity 3).
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
                Role::Button if elem.primary => primary.push((e, place.page)),
                Role::Button | Role::Link => others.push(e),
                _ => {}
            }
        }
        // Measured before anything moves: every move is judged against the
        // unperturbed page, not against the previous move.
        let origins: Vec<Origin> = primary
            .iter()
            .filter_map(|&(elem, page)| {
                let sketch = self.sketch_box(page, elem)?;
                Some(Origin { elem, page, sketch })
            })
            .collect();
        let mut moved = Vec::new();
        let mut done: Vec<Origin> = Vec::new();
        // Containers already rearranged: another button or link is never
        // moved in one, so that no move undoes or blurs another.
        let mut touched = Vec::new();
        for origin in &origins {
            if let Some((m, mv)) = self.move_primary(*origin, &done, &places) {
                moved.push(m);
                done.push(*origin);
                touched.extend([mv.from, mv.to]);
            }
        }
        let mut extra = match (self.severity(), primary.is_empty()) {
            (3, _) => OTHERS_AT_SEVERITY_3,
            (_, true) => 1,
            _ => 0,
        };
        while extra > 0 && !others.is_empty() {
            let i = self.rng.below(others.len() as u64) as usize;
            let e = others.swap_remove(i);
            if let Some((m, mv)) = self.move_other(e, &done, &places, &touched) {
                moved.push(m);
                touched.extend([mv.from, mv.to]);
                extra -= 1;
            }
        }
        // Described once everything has moved, so that each text gives where
        // the element was on the unperturbed page and where it ended up.
        let now = self.places();
        for m in moved {
            let Some(place) = now.of(m.item) else {
                continue;
            };
            let len = self.items(place.container).len();
            let what = if m.item == m.target || !m.primary {
                self.describe(m.item)
            } else {
                format!("{} with {}", self.describe(m.item), self.describe(m.target))
            };
            let text = if place.container == m.was.container {
                format!(
                    "moved {what} from {} to {} of {}",
                    position_words(m.was.index, m.was_len),
                    position_words(place.index, len),
                    self.container_name(place.container)
                )
            } else {
                format!(
                    "moved {what} out of {} to {} of {}",
                    self.container_name(m.was.container),
                    position_words(place.index, len),
                    self.container_name(place.container)
                )
            };
            let key = self
                .site
                .elem(m.target)
                .key
                .clone()
                .or_else(|| self.site.elem(m.item).key.clone());
            self.change(text, Some(m.was.page), key);
        }
    }

    /// Moves a primary action to a place the sketch draws clearly away from
    /// where it was, keeping the primary actions already moved on its page
    /// clear of theirs too.
    fn move_primary(
        &mut self,
        origin: Origin,
        done: &[Origin],
        unmoved: &Places,
    ) -> Option<(Moved, Move)> {
        let target = origin.elem;
        // Every primary action on this page already moved, and this one.
        let watched: Vec<Origin> = done
            .iter()
            .filter(|o| o.page == origin.page)
            .chain([&origin])
            .copied()
            .collect();
        let mut chosen = None;
        if self.severity() >= 2 {
            let out = self.moves_out_of_card(target);
            chosen = self.pick_move(&out, origin.page, &watched, MOVE_MIN_DISTANCE);
        }
        if chosen.is_none() {
            // Within its row, else its card, else the page: the lowest level
            // with a place clearly away wins, so a move stays as small as it
            // can while still being seen.
            for level in self.moves_within(target) {
                chosen = self.pick_move(&level, origin.page, &watched, MOVE_MIN_DISTANCE);
                if chosen.is_some() {
                    break;
                }
            }
        }
        if chosen.is_none() {
            // No place clears the distance by the sketch: the farthest one.
            let all: Vec<Move> = self
                .moves_out_of_card(target)
                .into_iter()
                .chain(self.moves_within(target).into_iter().flatten())
                .collect();
            chosen = all
                .iter()
                .map(|&mv| (mv, self.clearance(mv, origin.page, &watched)))
                .filter(|&(_, d)| d > 0.0)
                .fold(None, |best: Option<(Move, f32)>, (mv, d)| match best {
                    Some((_, b)) if b >= d => best,
                    _ => Some((mv, d)),
                })
                .map(|(mv, _)| mv);
        }
        let mv = chosen?;
        let moved = self.record(mv, target, true, unmoved)?;
        apply(self, mv);
        Some((moved, mv))
    }

    /// What a move will have moved, with where the item was unperturbed.
    fn record(&self, mv: Move, target: ElemId, primary: bool, unmoved: &Places) -> Option<Moved> {
        let was = unmoved.of(mv.item)?;
        Some(Moved {
            item: mv.item,
            target,
            primary,
            was,
            was_len: self.original_len(was.container, unmoved),
        })
    }

    /// How many items a container held on the unperturbed site.
    fn original_len(&self, c: Container, unmoved: &Places) -> usize {
        unmoved.iter().filter(|(_, p)| p.container == c).count()
    }

    /// A random one of `moves` whose sketch draws every watched primary
    /// action at least `distance` away, preferring those that clear it by
    /// [`SKETCH_MARGIN`]; `None` when none does. With nothing watched, any.
    fn pick_move(
        &mut self,
        moves: &[Move],
        page: PageId,
        watched: &[Origin],
        distance: f32,
    ) -> Option<Move> {
        let scored: Vec<(Move, f32)> = moves
            .iter()
            .map(|&mv| (mv, self.clearance(mv, page, watched)))
            .collect();
        let clear = |margin: f32| -> Vec<Move> {
            scored
                .iter()
                .filter(|&&(_, d)| d >= distance * margin)
                .map(|&(mv, _)| mv)
                .collect()
        };
        let mut options = clear(SKETCH_MARGIN);
        if options.is_empty() {
            options = clear(1.0);
        }
        self.rng.choose(&options).copied()
    }

    /// How far the sketch draws the watched primary actions from where they
    /// were once `mv` is made: the least distance between old and new
    /// centres, 0 for one whose new box still holds its old centre, and
    /// infinity when nothing is watched.
    fn clearance(&mut self, mv: Move, page: PageId, watched: &[Origin]) -> f32 {
        apply(self, mv);
        let mut least = f32::INFINITY;
        for o in watched {
            let Some(now) = self.sketch_box(page, o.elem) else {
                least = 0.0;
                break;
            };
            let (ox, oy) = o.sketch.center();
            let (nx, ny) = now.center();
            let d = if now.contains(ox, oy) {
                0.0
            } else {
                // `sqrt` is correctly rounded everywhere, so this is the same on wasm32.
                ((nx - ox) * (nx - ox) + (ny - oy) * (ny - oy)).sqrt()
            };
            least = least.min(d);
        }
        undo(self, mv);
        least
    }

    /// Moves of `target` out of its card or row: to any place on its page's
    /// top level, or, inside a list's row, to any place in the row (a row's
    /// element must stay in its row, where its values come from).
    fn moves_out_of_card(&self, target: ElemId) -> Vec<Move> {
        let places = self.places();
        let Some(place) = places.of(target) else {
            return Vec::new();
        };
        let to = if place.in_row {
            // The list whose row template holds it.
            let mut cur = place.container;
            loop {
                let Container::Elem(e) = cur else {
                    return Vec::new();
                };
                if self.site.elem(e).list.is_some() {
                    break Container::Elem(e);
                }
                match places.of(e) {
                    Some(up) => cur = up.container,
                    None => return Vec::new(),
                }
            }
        } else {
            Container::Page(place.page)
        };
        if to == place.container {
            return Vec::new();
        }
        (0..=self.items(to).len())
            .map(|to_index| Move {
                item: target,
                from: place.container,
                from_index: place.index,
                to,
                to_index,
            })
            .collect()
    }

    /// Moves within one container, level by level: `target` among its
    /// siblings, then its row or card among theirs, up to the page.
    fn moves_within(&self, target: ElemId) -> Vec<Vec<Move>> {
        let places = self.places();
        let mut levels = Vec::new();
        let mut item = target;
        while let Some(place) = places.of(item) {
            let len = self.items(place.container).len();
            levels.push(
                (0..len)
                    .filter(|&to| to != place.index)
                    .map(|to_index| Move {
                        item,
                        from: place.container,
                        from_index: place.index,
                        to: place.container,
                        to_index,
                    })
                    .collect(),
            );
            match place.container {
                Container::Elem(parent) => item = parent,
                Container::Page(_) => break,
            }
        }
        levels
    }

    /// Moves a button or link that is not a primary action within its
    /// container, past at least one always-shown sibling (climbing while it
    /// is alone there), to a place that leaves the moved primary actions
    /// clearly away from where they were; never in a `touched` container.
    fn move_other(
        &mut self,
        target: ElemId,
        done: &[Origin],
        unmoved: &Places,
        touched: &[Container],
    ) -> Option<(Moved, Move)> {
        let places = self.places();
        let mut at = places.of(target)?;
        let mut item = target;
        while self.items(at.container).len() < 2 {
            let Container::Elem(parent) = at.container else {
                break;
            };
            at = places.of(parent)?;
            item = parent;
        }
        if touched.contains(&at.container) {
            return None;
        }
        // Only a place past at least one always-shown sibling changes what is seen.
        let items = self.items(at.container);
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
        let moves: Vec<Move> = (0..items.len())
            .filter(|&to| to != at.index && shown_between(to))
            .map(|to_index| Move {
                item,
                from: at.container,
                from_index: at.index,
                to: at.container,
                to_index,
            })
            .collect();
        let watched: Vec<Origin> = done.iter().filter(|o| o.page == at.page).copied().collect();
        let mv = self.pick_move(&moves, at.page, &watched, MOVE_MIN_DISTANCE)?;
        let moved = self.record(mv, target, false, unmoved)?;
        apply(self, mv);
        Some((moved, mv))
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

/// Makes a move.
fn apply(t: &mut Transform<'_>, mv: Move) {
    let from = t.items_mut(mv.from);
    if mv.from_index < from.len() {
        let e = from.remove(mv.from_index);
        let to = t.items_mut(mv.to);
        to.insert(mv.to_index.min(to.len()), e);
    }
}

/// Takes a move back.
fn undo(t: &mut Transform<'_>, mv: Move) {
    let to = t.items_mut(mv.to);
    if mv.to_index < to.len() {
        let e = to.remove(mv.to_index);
        let from = t.items_mut(mv.from);
        from.insert(mv.from_index.min(from.len()), e);
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
