//! The clutter kinds: distractor buttons, links and ads, and pop-ups that
//! must be dismissed. Everything they insert does nothing (a distractor) or
//! only closes itself (a pop-up's dismiss button), so the task's own path
//! is unchanged.

use super::data::Dialog as DialogText;
use super::tree::{button, group, text_elem, Place};
use super::{Transform, DISMISS_KEY, INSERTED_PREFIX};
use crate::format::TextStyle;
use crate::site::{Effect, ElemId, Page, PageId, Placement, Role};

impl Transform<'_> {
    pub(super) fn distractor_label(&mut self, near: Option<&str>) -> Option<String> {
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

    pub(super) fn distractors(&mut self) {
        let pages = self.visible_pages();
        let Some(&first_page) = pages.first() else {
            return;
        };
        let places = self.places();
        // The target whose label the near-misses imitate: a primary button with a written label.
        let targets: Vec<(ElemId, Place)> = places
            .iter()
            .filter_map(|(e, p)| {
                let elem = &self.site.elem(e);
                (elem.role == Role::Button
                    && elem.primary
                    && !self.is_dialog(p.page)
                    && elem.label.literal().is_some_and(|l| !l.is_empty()))
                .then_some((e, p))
            })
            .collect();
        let (near, generic) = match self.p.severity {
            1 => (1, 0),
            2 => (1, 2),
            _ => (2, 4),
        };
        let mut count = 0;
        let target = self.rng.choose(&targets).copied();
        let mut generic = generic;
        match target {
            Some((t, place)) => {
                let label = self.site.elem(t).label.literal().unwrap_or("").to_string();
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
                    let id = self.site.page(place.page).id.clone();
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
                _ => self.rng.choose(&pages).copied().unwrap_or(first_page),
            };
            let key = format!("wobble:distractor-{count}");
            let is_link = self.rng.below(2) == 0;
            let mut elem = button(&key, &text, false, vec![]);
            if is_link {
                elem.role = Role::Link;
            }
            let e = self.new_elem(elem);
            self.give_selector(e, &snake_case(&text));
            let len = self.site.page(page).elems.len();
            let at = self.rng.below(len as u64 + 1) as usize;
            self.site.page_mut(page).elems.insert(at, e);
            let id = self.site.page(page).id.clone();
            self.change(
                format!(
                    "added a {} '{text}' to page \"{id}\"; it does nothing",
                    if is_link { "link" } else { "button" }
                ),
                Some(page),
                Some(key),
            );
        }
        let ad = if self.p.severity >= 3 {
            self.rng.choose(&self.data.ads).cloned()
        } else {
            None
        };
        if let Some((headline, link)) = ad {
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
                    None => first_page,
                };
                let len = self.site.page(page).elems.len();
                let at = self.rng.below(len as u64 + 1) as usize;
                self.site.page_mut(page).elems.insert(at, card);
                let id = self.site.page(page).id.clone();
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
    pub(super) fn add_dialog(
        &mut self,
        id: &str,
        texts: &DialogText,
        placement: Placement,
        decoy_primary: bool,
        [accept_id, decoy_id]: [&str; 2],
    ) -> (PageId, String) {
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
        let d = self.site.push_page(Page {
            id,
            title: texts.title.clone(),
            is_dialog: true,
            enter: None,
            elems: vec![line, row],
            popup: None,
            placement,
        });
        (d, accept)
    }

    pub(super) fn popups(&mut self) {
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
        self.site.page_mut(start).popup = Some(d);
        self.raise_step_limit(1);
        let id = self.site.page(start).id.clone();
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
            let later: Vec<PageId> = self
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
                self.site.page_mut(page).popup = Some(d);
                self.raise_step_limit(1);
                let id = self.site.page(page).id.clone();
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
