//! The flow kinds: an extra confirmation step (a dialog or a review page)
//! before a button's navigation, and content that loads late. Each raises
//! the step limit by the steps it costs.

use super::tree::{button, group, text_elem, Container, Place};
use super::{Transform, CONTINUE_KEY, LOADING_KEY};
use crate::format::TextStyle;
use crate::site::{Effect, ElemId, Lazy, Page, PageId, Placement, Role};

impl Transform<'_> {
    pub(super) fn extra_step(&mut self) {
        let places = self.places();
        // Buttons that go on to another page as their last effect.
        let mut candidates: Vec<(ElemId, usize, PageId, PageId)> = Vec::new();
        for (e, place) in places.iter() {
            let elem = &self.site.elem(e);
            if elem.role != Role::Button {
                continue;
            }
            if let Some(i) = elem
                .on_click
                .iter()
                .position(|f| matches!(f, Effect::Navigate(_)))
            {
                if i + 1 == elem.on_click.len() {
                    if let Some(&Effect::Navigate(to)) = elem.on_click.get(i) {
                        candidates.push((e, i, to, place.page));
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
            let on_page: Vec<(ElemId, usize, PageId, PageId)> = candidates
                .iter()
                .copied()
                .filter(|c| !self.is_dialog(c.3))
                .collect();
            let pick = if !on_page.is_empty() && want_dialog {
                self.rng.choose(&on_page).copied()
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

    pub(super) fn confirm_dialog(&mut self, e: ElemId, i: usize, to: PageId, page: PageId) {
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
        let d = self.site.push_page(Page {
            id,
            title: data.confirm.title.clone(),
            is_dialog: true,
            enter: None,
            elems: vec![line, row],
            popup: None,
            placement: Placement::Modal,
        });
        if let Some(effect) = self.site.elem_mut(e).on_click.get_mut(i) {
            *effect = Effect::OpenDialog(d);
        }
        self.raise_step_limit(1);
        let to_id = self.site.page(to).id.clone();
        let text = format!(
            "{} now asks \"{}\" in a dialog; '{accept}' goes on to page \"{to_id}\"",
            self.describe(e),
            data.confirm.title
        );
        let key = self.site.elem(e).key.clone();
        self.change(text, Some(page), key);
    }

    pub(super) fn review_page(&mut self, e: ElemId, i: usize, to: PageId, page: PageId) {
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
        let r = self.site.push_page(Page {
            id,
            title: data.review.title.clone(),
            is_dialog: false,
            enter: None,
            elems: vec![heading, line, row],
            popup: None,
            placement: Placement::Modal,
        });
        match self.site.elem_mut(e).on_click.get_mut(i) {
            Some(effect @ Effect::Navigate(_)) => *effect = Effect::Navigate(r),
            // Already behind a dialog: the dialog's button leads to the review page.
            _ => return,
        }
        self.raise_step_limit(1);
        let to_id = self.site.page(to).id.clone();
        let text = format!(
            "{} now leads to a review page (\"{}\") before page \"{to_id}\"; '{accept}' goes on",
            self.describe(e),
            data.review.title
        );
        let key = self.site.elem(e).key.clone();
        self.change(text, Some(page), key);
    }

    pub(super) fn lazy(&mut self) {
        let places = self.places();
        let steps = match self.p.severity {
            1 => 1,
            2 => 2,
            _ => 4,
        };
        let mut lists: Vec<(ElemId, Place)> = places
            .iter()
            .filter_map(|(e, p)| {
                (self.site.elem(e).role == Role::List && !p.in_row && !self.is_dialog(p.page))
                    .then_some((e, p))
            })
            .collect();
        let targets: Vec<(ElemId, Place)> = if lists.is_empty() {
            // No list: the start page's content after its first element loads late.
            let start = self.site.start;
            let elems = self.site.page(start).elems.clone();
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
        let mut pages_done: Vec<PageId> = Vec::new();
        for &(e, _) in &targets {
            self.site.elem_mut(e).lazy = Lazy::After(steps);
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
            let id = self.site.page(place.page).id.clone();
            let what = if targets.len() == 1 || self.site.elem(e).role == Role::List {
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
                self.site.elem(e).key.clone(),
            );
        }
    }
}
