//! Reward shaping for learners: a potential over states, from how near the
//! current page is to one that ends the episode, how much of the task's
//! success conditions holds, and how many fields the recipe fills hold what
//! it would put there. A learner adds `gamma * potential(s') - potential(s)`
//! to the reward, which leaves the optimal policy unchanged.

use super::Env;
use crate::eval;
use crate::site::{Effect, ElemId, Site, Step};
use std::sync::Arc;

impl Env {
    /// Progress towards the goal in `[0, 1]`, for potential-based reward
    /// shaping, in equal parts: how close the current page is to one that
    /// ends the episode (counted in navigations); how much of the task's
    /// success conditions already holds (graded: the share of rows passing
    /// an `AllRows`, of parts passing an `And`); and the share of the fields
    /// the task's recipe fills that hold what the recipe would put there. Shaping with
    /// `gamma * potential(s') - potential(s)` leaves the optimal policy unchanged.
    pub fn potential(&mut self) -> f32 {
        let page_part = self.page_progress();
        let task = self.task();
        let ctx = self.ctx(&self.site);
        let met: f32 = task
            .success
            .iter()
            .map(|(c, _)| ctx.cond_score(c, None))
            .sum();
        let cond_part = met / task.success.len().max(1) as f32;
        // Fields the recipe fills, holding what it would put there.
        let mut wanted = 0u32;
        let mut filled = 0u32;
        for step in &task.solution {
            let (key, expected): (&str, &str) = match step {
                Step::Type(k, f) | Step::Select(k, f) => (k, self.goal_value(*f as usize)),
                Step::TypeText(k, t) | Step::SelectText(k, t) => (k, t),
                Step::Check(k) => (k, "true"),
                _ => continue,
            };
            wanted += 1;
            let holds = self
                .nodes
                .iter()
                .find(|n| n.base_key == key && n.slot.is_some())
                .and_then(|n| n.slot)
                .and_then(|s| self.slots.get(s as usize))
                .is_some_and(|v| eval::text_eq(v, expected));
            filled += holds as u32;
        }
        if wanted == 0 {
            return 0.5 * page_part + 0.5 * cond_part;
        }
        let field_part = filled as f32 / wanted as f32;
        (page_part + cond_part + field_part) / 3.0
    }

    /// How near the page on screen is to one that ends the episode, in
    /// `[0, 1]`: 1 on such a page, falling with each navigation still needed.
    fn page_progress(&mut self) -> f32 {
        let distances = self.distances.of(&self.site);
        let far = distances
            .iter()
            .copied()
            .filter(|&d| d != u32::MAX)
            .max()
            .unwrap_or(0)
            .max(1);
        // An open dialog counts when it is closer (a confirmation), not when
        // it leads nowhere (a pop-up over the page).
        let of = |p: u32| distances.get(p as usize).copied().unwrap_or(u32::MAX);
        let d = self
            .dialog
            .map(of)
            .unwrap_or(u32::MAX)
            .min(of(self.page))
            .min(far + 1);
        1.0 - d as f32 / (far + 1) as f32
    }
}

/// The page distances of the site they were computed for, kept while the
/// episodes run on that site (a perturbed episode runs on a copy of its own).
#[derive(Default)]
pub(super) struct PageDistances {
    site: Option<Arc<Site>>,
    pages: Vec<u32>,
}

impl PageDistances {
    /// The distances of each page and dialog of `site` (see [`page_distances`]).
    fn of(&mut self, site: &Arc<Site>) -> &[u32] {
        if !self.site.as_ref().is_some_and(|s| Arc::ptr_eq(s, site)) {
            self.pages = page_distances(site);
            self.site = Some(Arc::clone(site));
        }
        &self.pages
    }
}

/// For each page and dialog, the fewest navigations (clicks that go to
/// another page or open a dialog) to one whose elements can end the episode;
/// `u32::MAX` where none is reachable.
fn page_distances(site: &Site) -> Vec<u32> {
    fn walk(effects: &[Effect], out: &mut Vec<u32>, ends: &mut bool) {
        for e in effects {
            match e {
                Effect::Navigate(p) | Effect::OpenDialog(p) => out.push(p.0),
                Effect::End => *ends = true,
                Effect::If(_, a, b) => {
                    walk(a, out, ends);
                    walk(b, out, ends);
                }
                _ => {}
            }
        }
    }
    fn elems(site: &Site, list: &[ElemId], out: &mut Vec<u32>, ends: &mut bool) {
        for &e in list {
            if let Some(elem) = site.elems.get(e.index()) {
                walk(&elem.on_click, out, ends);
                elems(site, &elem.children, out, ends);
            }
        }
    }
    let n = site.pages.len();
    let mut next: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut dist = vec![u32::MAX; n];
    for ((page, out), d) in site.pages.iter().zip(&mut next).zip(&mut dist) {
        let mut ends = false;
        elems(site, &page.elems, out, &mut ends);
        if let Some(popup) = page.popup {
            out.push(popup.0);
        }
        if ends {
            *d = 0;
        }
    }
    // Relax until stable (pages are few).
    let mut changed = true;
    while changed {
        changed = false;
        for (p, out) in next.iter().enumerate() {
            let best = out
                .iter()
                .filter_map(|&q| dist.get(q as usize).copied())
                .filter(|&d| d != u32::MAX)
                .min()
                .map(|d| d + 1);
            if let (Some(b), Some(d)) = (best, dist.get_mut(p)) {
                if b < *d {
                    *d = b;
                    changed = true;
                }
            }
        }
    }
    dist
}
