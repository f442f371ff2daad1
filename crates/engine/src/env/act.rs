//! Stepping: applying an action, running a clicked element's effects, ending
//! the episode with its outcome and reward, and listing the candidate
//! actions of the next step.

use super::{Env, Outcome, RewardMode, StepError, StepResult};
use crate::eval::RowCtx;
use crate::perturb;
use crate::site::{Effect, PageId, Role, Site};
use crate::{Action, Key, TypeText};
use std::fmt::Write as _;
use std::sync::Arc;

/// How running effects left the episode.
pub(super) enum Flow {
    /// On to the next effect, or the next step.
    Continue,
    /// A requirement failed: the remaining effects do not run.
    Stop,
    /// The episode ends: its success conditions decide.
    End,
}

impl Env {
    /// Applies one action. Errors leave the episode unchanged.
    pub fn step(&mut self, action: &Action) -> Result<StepResult, StepError> {
        if self.done {
            return Err(StepError::EpisodeOver);
        }
        match action {
            Action::Click(n) | Action::Type(n, _) | Action::Select(n, _)
                if *n as usize >= self.nodes.len() =>
            {
                return Err(StepError::NoSuchNode(*n));
            }
            Action::Type(_, TypeText::Goal(g))
                if *g as usize >= self.goal.len() || !self.goal_visible(*g as usize) =>
            {
                return Err(StepError::NoSuchGoalField(*g));
            }
            _ => {}
        }
        self.steps += 1;
        self.page_steps = self.page_steps.saturating_add(1);
        let flow = match action {
            Action::Click(n) => self.click(*n),
            Action::ClickAt { x, y } => match self.hit_test(*x, *y) {
                Some(n) => self.click(n),
                None => Flow::Continue,
            },
            Action::Type(n, text) => {
                if self.is_usable(*n) && self.node(*n).role.is_text_entry() {
                    if let Some(slot) = self.node(*n).slot {
                        let value: &str = match text {
                            TypeText::Goal(g) => {
                                self.goal.get(*g as usize).map_or("", String::as_str)
                            }
                            TypeText::Literal(s) => s,
                        };
                        if let Some(s) = self.slots.get_mut(slot as usize) {
                            s.clear();
                            s.push_str(value);
                        }
                    }
                    self.focus = Some(*n);
                }
                Flow::Continue
            }
            Action::Select(n, option) => {
                if self.is_usable(*n) && self.node(*n).role == Role::Select {
                    // Read through the field, so the slot can be written meanwhile.
                    let node = self.nodes.get(*n as usize);
                    let slot = node.and_then(|node| node.slot);
                    let text = node.and_then(|node| node.options.get(*option as usize));
                    if let (Some(slot), Some(text)) = (slot, text) {
                        if let Some(s) = self.slots.get_mut(slot as usize) {
                            s.clear();
                            s.push_str(text);
                        }
                    }
                    self.focus = Some(*n);
                }
                Flow::Continue
            }
            Action::Key(Key::Enter) => match self.focus {
                Some(f) if self.is_usable(f) => {
                    let page = self.node(f).page;
                    match self.site.page(PageId(page)).enter {
                        Some(button_elem) => {
                            let (start, end) = self.page_range(page);
                            match (start..end)
                                .find(|&i| self.node(i).elem == button_elem && self.is_usable(i))
                            {
                                Some(b) => self.click(b),
                                None => Flow::Continue,
                            }
                        }
                        None => Flow::Continue,
                    }
                }
                _ => Flow::Continue,
            },
            Action::Key(Key::Tab) => {
                let (start, end) = self.page_range(self.dialog.unwrap_or(self.page));
                let after = self.focus.map(|f| f + 1).unwrap_or(start).max(start);
                let next = (after..end)
                    .chain(start..after)
                    .find(|&i| self.is_usable(i));
                self.focus = next;
                Flow::Continue
            }
            Action::Key(Key::Escape) => {
                self.dialog = None;
                Flow::Continue
            }
            Action::Scroll(dy) => {
                let max = (self.page_height() - self.site.height).max(0.0);
                let y = self.scroll_y + if dy.is_finite() { *dy } else { 0.0 };
                self.scroll_y = y.clamp(0.0, max);
                Flow::Continue
            }
            Action::Finish => Flow::End,
        };
        let mut result = StepResult {
            reward: 0.0,
            terminated: false,
            truncated: false,
        };
        match flow {
            Flow::End => {
                self.finish(false);
                result.terminated = true;
            }
            _ => {
                self.refresh();
                if self.steps >= self.task().step_limit {
                    self.finish(true);
                    result.truncated = true;
                }
            }
        }
        if let Some(o) = &self.outcome {
            result.reward = match self.config.reward {
                RewardMode::Raw => o.raw_reward,
                RewardMode::Decayed => o.decayed_reward,
            };
        }
        self.fill_candidates();
        Ok(result)
    }

    pub(super) fn finish(&mut self, truncated: bool) {
        let site = Arc::clone(&self.site);
        let task = self.task_of(&site);
        let limit = task.step_limit;
        let mut reason = std::mem::take(&mut self.spare_reason);
        reason.clear();
        let success = if truncated {
            let _ = write!(
                reason,
                "the step limit ({limit}) was reached before the task was done"
            );
            false
        } else {
            let ctx = self.ctx(&site);
            match task.success.iter().find(|(c, _)| !ctx.cond(c, None)) {
                Some((_, why)) => {
                    reason.push_str(why);
                    false
                }
                None => {
                    reason.push_str("the task was done");
                    true
                }
            }
        };
        let raw: f32 = if success { 1.0 } else { -1.0 };
        let decayed = if success {
            (1.0 - self.steps as f32 / limit as f32).max(0.0)
        } else {
            -1.0
        };
        self.done = true;
        self.outcome = Some(Outcome {
            raw_reward: raw,
            decayed_reward: decayed,
            success,
            reason,
            steps: self.steps,
            truncated,
        });
    }

    pub(super) fn click(&mut self, n: u32) -> Flow {
        if !self.is_usable(n) {
            return Flow::Continue;
        }
        let site = Arc::clone(&self.site);
        let node = self.node(n);
        match node.role {
            Role::Checkbox => {
                if let Some(slot) = node.slot {
                    if let Some(s) = self.slots.get_mut(slot as usize) {
                        let on = s == "true";
                        s.clear();
                        if !on {
                            s.push_str("true");
                        }
                    }
                }
                self.focus = Some(n);
                Flow::Continue
            }
            Role::Radio => {
                if let (Some(slot), Some(v), Some(parent)) =
                    (node.slot, node.radio_value, node.parent)
                {
                    // Read through the field, so the slot below can be written meanwhile.
                    let text = self
                        .nodes
                        .get(parent as usize)
                        .and_then(|p| p.options.get(v as usize));
                    if let (Some(s), Some(text)) = (self.slots.get_mut(slot as usize), text) {
                        s.clear();
                        s.push_str(text);
                    }
                }
                self.focus = Some(n);
                Flow::Continue
            }
            Role::Button | Role::Link => {
                let row = self.row_ctx_of(&site, node);
                let elem = &site.elem(node.elem);
                self.focus = Some(n);
                match self.run(&site, &elem.on_click, row) {
                    Flow::End => Flow::End,
                    _ => Flow::Continue,
                }
            }
            _ => {
                self.focus = Some(n);
                Flow::Continue
            }
        }
    }

    pub(super) fn run(&mut self, site: &Site, effects: &[Effect], row: RowCtx) -> Flow {
        for effect in effects {
            match effect {
                Effect::Set(target, value) => {
                    let Some(slot) = self.resolve_slot(Some(*target), row.map(|(_, r)| r)) else {
                        continue;
                    };
                    let mut buf = std::mem::take(&mut self.scratch);
                    buf.clear();
                    self.ctx(site).write_val(value, row, &mut buf);
                    if let Some(s) = self.slots.get_mut(slot as usize) {
                        s.clear();
                        s.push_str(&buf);
                    }
                    self.scratch = buf;
                }
                Effect::Navigate(p) => {
                    self.page = p.0;
                    // A banner along the bottom stays until dismissed; modal dialogs close.
                    if !self.dialog.is_some_and(|d| self.is_bar(d)) {
                        self.dialog = None;
                    }
                    self.focus = None;
                    self.scroll_y = 0.0;
                    self.page_steps = 0;
                    self.open_popup(*p);
                    if let Some(e) = self.slots.get_mut(site.error_slot as usize) {
                        e.clear();
                    }
                }
                Effect::Require(cond, message) => {
                    if !self.ctx(site).cond(cond, row) {
                        let mut buf = std::mem::take(&mut self.scratch);
                        buf.clear();
                        self.render_into(site, message, row, &mut buf);
                        if let Some(e) = self.slots.get_mut(site.error_slot as usize) {
                            e.clear();
                            e.push_str(&buf);
                        }
                        self.scratch = buf;
                        return Flow::Stop;
                    } else if let Some(e) = self.slots.get_mut(site.error_slot as usize) {
                        e.clear();
                    }
                }
                Effect::If(cond, then, otherwise) => {
                    let branch = if self.ctx(site).cond(cond, row) {
                        then
                    } else {
                        otherwise
                    };
                    match self.run(site, branch, row) {
                        Flow::Continue => {}
                        other => return other,
                    }
                }
                Effect::OpenDialog(d) => {
                    self.dialog = Some(d.0);
                    self.focus = None;
                }
                Effect::CloseDialog => self.dialog = None,
                Effect::End => return Flow::End,
            }
        }
        Flow::Continue
    }

    /// The topmost usable node at a point of the viewport (page y minus scroll).
    pub fn hit_test(&self, x: f32, y: f32) -> Option<u32> {
        if self.page_nodes.is_empty() {
            return None;
        }
        if !x.is_finite() || !y.is_finite() {
            return None;
        }
        let y = y + self.scroll_y;
        if let Some(d) = self.dialog.filter(|&d| self.is_bar(d)) {
            // The bar first, then what it does not cover.
            let (start, end) = self.page_range(d);
            if self.bbox(start).contains(x, y) {
                return (start..end)
                    .rev()
                    .find(|&i| self.is_usable(i) && self.bbox(i).contains(x, y));
            }
            let (start, end) = self.page_range(self.page);
            return (start..end)
                .rev()
                .find(|&i| self.is_usable(i) && self.bbox(i).contains(x, y));
        }
        let page = self.dialog.unwrap_or(self.page);
        if let Some(d) = self.dialog {
            let (start, _) = self.page_range(d);
            if !self.bbox(start).contains(x, y) {
                return None; // a click outside a modal dialog lands on its backdrop
            }
        }
        let (start, end) = self.page_range(page);
        (start..end)
            .rev()
            .find(|&i| self.is_usable(i) && self.bbox(i).contains(x, y))
    }

    pub(super) fn goal_visible(&self, g: usize) -> bool {
        self.task().visible.get(g).copied().unwrap_or(false)
    }

    pub(super) fn fill_candidates(&mut self) {
        self.candidates.clear();
        if self.done {
            return;
        }
        let goal_count = self.goal.len();
        let (page_start, page_end) = self.page_range(self.page);
        let (dialog_start, dialog_end) = match self.dialog {
            Some(d) => self.page_range(d),
            None => (0, 0),
        };
        // Under a modal dialog only the dialog counts; under a bar, both.
        let page_range = match self.dialog {
            Some(d) if !self.is_bar(d) => 0..0,
            _ => page_start..page_end,
        };
        let mut loading = false;
        for i in page_range.chain(dialog_start..dialog_end) {
            if !loading && self.node(i).key == perturb::LOADING_KEY && self.is_shown(i) {
                loading = true;
            }
            if !self.is_usable(i) {
                continue;
            }
            let n = self.node(i);
            match n.role {
                Role::Button | Role::Link | Role::Checkbox | Role::Radio => {
                    self.candidates.push(Action::Click(i))
                }
                r if r.is_text_entry() => {
                    for g in 0..goal_count {
                        if self.task().visible.get(g).copied().unwrap_or(false) {
                            self.candidates
                                .push(Action::Type(i, TypeText::Goal(g as u16)));
                        }
                    }
                }
                Role::Select => {
                    for o in 0..n.options.len() {
                        self.candidates.push(Action::Select(i, o as u16));
                    }
                }
                _ => {}
            }
        }
        if loading {
            // Waiting is a choice while content loads: scrolling by nothing lets a step pass.
            self.candidates.push(Action::Scroll(0.0));
        }
    }
}
