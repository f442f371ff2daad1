//! What agents and tools read of an episode: the instruction and goal
//! fields, the nodes on screen, values, the page, and how the episode ended.

use super::{Env, EnvConfig, Node, Outcome};
use crate::site::{Role, Site};
use crate::Action;
use std::sync::Arc;

impl Env {
    /// The compiled site.
    pub fn site(&self) -> &Arc<Site> {
        &self.site
    }

    /// The task index.
    pub fn task_index(&self) -> usize {
        self.task
    }

    /// The task's name.
    pub fn task_name(&self) -> &str {
        &self.task().name
    }

    /// The seed of the current episode.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The instruction, with goal fields filled in.
    pub fn instruction(&self) -> &str {
        &self.instruction
    }

    /// Goal fields shown to agents: (index, name, value).
    pub fn goal_fields(&self) -> impl Iterator<Item = (u16, &str, &str)> {
        let task = self.task();
        self.goal
            .iter()
            .zip(&task.fields)
            .enumerate()
            .filter(move |(i, _)| task.visible.get(*i).copied().unwrap_or(false))
            .map(|(i, (v, name))| (i as u16, name.as_str(), v.as_str()))
    }

    /// Every goal field, hidden ones included (ground truth, for the oracle and the record).
    pub fn goal_truth(&self) -> impl Iterator<Item = (&str, &str)> {
        let task = self.task();
        task.fields
            .iter()
            .map(|s| s.as_str())
            .zip(self.goal.iter().map(|s| s.as_str()))
    }

    /// All nodes of the episode (every page); use [`Env::visible_nodes`] for what is on screen.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Ids of the nodes on screen now: the current page, then the open dialog.
    pub fn visible_nodes(&self) -> impl Iterator<Item = u32> + '_ {
        // Empty before the first reset.
        let range = |p: u32| self.page_nodes.get(p as usize).copied().unwrap_or((0, 0));
        let (ps, pe) = range(self.page);
        let dialog = self.dialog.map(range).unwrap_or((0, 0));
        (ps..pe)
            .chain(dialog.0..dialog.1)
            .filter(move |&i| self.is_shown(i))
    }

    /// The nodes on screen now with their ids, in the order of [`Env::visible_nodes`].
    pub fn visible_nodes_with_ids(&self) -> impl Iterator<Item = (u32, &Node)> + '_ {
        self.visible_nodes()
            .filter_map(|i| Some((i, self.nodes.get(i as usize)?)))
    }

    /// A node's current value (typed text, chosen option, `"true"` when checked).
    pub fn value(&self, id: u32) -> &str {
        self.nodes
            .get(id as usize)
            .and_then(|n| n.slot)
            .and_then(|s| self.slots.get(s as usize))
            .map(|s| s.as_str())
            .unwrap_or("")
    }

    /// Whether a checkbox or radio button is checked.
    pub fn checked(&self, id: u32) -> bool {
        let Some(n) = self.nodes.get(id as usize) else {
            return false;
        };
        match n.role {
            Role::Checkbox => self.value(id) == "true",
            Role::Radio => {
                let chosen = self.value(id);
                let options = n
                    .parent
                    .and_then(|p| self.nodes.get(p as usize))
                    .map(|p| &p.options);
                match (n.radio_value, options) {
                    (Some(v), Some(opts)) => {
                        opts.get(v as usize).map(|o| o == chosen).unwrap_or(false)
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// The current page's id.
    pub fn page_id(&self) -> &str {
        self.site
            .pages
            .get(self.page as usize)
            .map_or("", |p| p.id.as_str())
    }

    /// The current page index.
    pub fn page_index(&self) -> u32 {
        self.page
    }

    /// The open dialog's index.
    pub fn dialog(&self) -> Option<u32> {
        self.dialog
    }

    /// The focused node.
    pub fn focus(&self) -> Option<u32> {
        self.focus
    }

    /// Vertical scroll of the page.
    pub fn scroll_y(&self) -> f32 {
        self.scroll_y
    }

    /// Steps taken in this episode.
    pub fn steps(&self) -> u32 {
        self.steps
    }

    /// The task's step limit.
    pub fn step_limit(&self) -> u32 {
        self.task().step_limit
    }

    /// Whether the episode has ended (or not started).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// How the episode ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// The legal candidate actions now (what a small policy scores).
    pub fn candidates(&self) -> &[Action] {
        &self.candidates
    }

    /// The configuration.
    pub fn config(&self) -> EnvConfig {
        self.config
    }

    /// The value of a goal field by index (hidden ones included).
    pub fn goal_value(&self, g: usize) -> &str {
        self.goal.get(g).map(|s| s.as_str()).unwrap_or("")
    }

    /// The key the site file gives the element node `id` shows, for a
    /// recipe to find the site's own elements by; `None` for an element a
    /// perturbation inserted (whatever key or selector it carries), for an
    /// element without a key, and for an unknown id. Inserted elements are
    /// told by where they come from (they are not in the site as loaded), not
    /// by their keys.
    pub fn site_key(&self, id: u32) -> Option<&str> {
        let n = self.nodes.get(id as usize)?;
        let own = self.base.elems.get(n.elem.index())?.key.as_deref()?;
        let here = self.site.elems.get(n.elem.index())?.key.as_deref()?;
        (own == here && own == n.base_key && !own.is_empty()).then_some(own)
    }
}
