//! The running environment: one episode of one task on one site.
//!
//! Data flow: [`Env::reset`] samples the goal, generates the tables and
//! state from the seed and instantiates every page's elements as [`Node`]s.
//! [`Env::step`] applies one [`Action`], runs the clicked element's compiled
//! effects, re-evaluates what is visible, notes whether the page's layout went
//! out of date, and refills the list of candidate actions. Boxes are computed
//! only when something reads them (`geometry`). Buffers are reused across
//! steps, so a step that does not change the page's layout allocates nothing.
//!
//! This file holds the environment and its episode's start; `node` builds the
//! node tree, `view` keeps what is shown up to date, `geometry` lays pages out
//! when their boxes are read, `act` steps, `observe` answers what agents read,
//! and `shaping` computes the learner's potential.

use crate::eval::{self, Ctx, TableData};
use crate::perturb::{self, Change, GoalView, PerturbSpec};
use crate::rng::Rng;
use crate::site::{InstrPart, PageId, Site, Task};
use crate::Action;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

mod act;
mod geometry;
mod node;
mod observe;
mod shaping;
mod view;

pub use node::Node;
use shaping::PageDistances;

/// How the step reward is reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RewardMode {
    /// +1 on success, -1 on failure, 0 before the end (MiniWoB's raw reward).
    #[default]
    Raw,
    /// Success pays `1 - steps_used / step_limit` (never below 0); failure -1.
    Decayed,
}

/// Settings of an environment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvConfig {
    /// Reward reported by `step`.
    pub reward: RewardMode,
}

/// Why an action could not be taken at all (the step is not counted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepError {
    /// `reset` has not been called, or the episode ended.
    EpisodeOver,
    /// The action names a node that does not exist in this episode.
    NoSuchNode(u32),
    /// A goal field index that the task does not have.
    NoSuchGoalField(u16),
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepError::EpisodeOver => {
                write!(f, "the episode is over; call reset to start a new one")
            }
            StepError::NoSuchNode(n) => write!(f, "there is no element #{n} in this episode"),
            StepError::NoSuchGoalField(g) => write!(f, "this task has no goal field #{g}"),
        }
    }
}

impl std::error::Error for StepError {}

/// The result of one step (the observation is read from the environment).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepResult {
    /// Reward of this step, per the configured [`RewardMode`].
    pub reward: f32,
    /// The task ended (success or failure).
    pub terminated: bool,
    /// The step limit ended the episode.
    pub truncated: bool,
}

/// How an episode ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// +1 or -1.
    pub raw_reward: f32,
    /// Decayed by steps used.
    pub decayed_reward: f32,
    /// Whether the task was done.
    pub success: bool,
    /// Why: the failed condition's reason, or what went right.
    pub reason: String,
    /// Steps used.
    pub steps: u32,
    /// Ended by the step limit.
    pub truncated: bool,
}

/// One environment: a site, a task, and the current episode.
///
/// Indices hold by construction: `task` is below `site.tasks.len()` (checked
/// by [`Env::new`]); `page`, `dialog` and each node's `page` are page indices
/// of `site`; after a reset, `page_nodes` and the geometry's per-page
/// entries have one entry per page, the geometry has one box per node, each page's range starts with its root node, and
/// every node id in `page_nodes`, `parent`, `children` and `focus` is an index
/// into `nodes` (`instantiate` builds them together). Actions from outside are
/// checked against them in [`Env::step`].
pub struct Env {
    /// The site as loaded.
    base: Arc<Site>,
    /// The site of this episode: `base`, or its perturbed copy.
    site: Arc<Site>,
    spec: PerturbSpec,
    changes: Vec<Change>,
    /// Pop-ups already shown this episode (bit per page index).
    popups_shown: u64,
    /// Steps since the current page opened (for lazy content).
    page_steps: u32,
    /// The unperturbed episode of the same seed, kept to explain moves in coordinates.
    baseline: Option<Box<Env>>,
    /// For each page and dialog: how many navigations from a page that ends
    /// the episode (for the shaping potential), and the site it was computed for.
    distances: PageDistances,
    task: usize,
    config: EnvConfig,
    seed: u64,
    rng: Rng,
    goal: Vec<String>,
    instruction: String,
    tables: Vec<TableData>,
    slots: Vec<String>,
    row_base: Vec<u32>,
    nodes: Vec<Node>,
    /// Nodes of an earlier episode beyond this one's, kept for their buffers.
    spare_nodes: Vec<Node>,
    /// Option texts of an earlier episode's nodes, kept for their buffers.
    spare_options: Vec<String>,
    /// Nodes made so far by the reset under way.
    built: usize,
    page_nodes: Vec<(u32, u32)>,
    page: u32,
    dialog: Option<u32>,
    focus: Option<u32>,
    scroll_y: f32,
    steps: u32,
    done: bool,
    outcome: Option<Outcome>,
    candidates: Vec<Action>,
    scratch: String,
    /// The last outcome's reason, kept from one episode to the next so that
    /// the step that ends an episode writes its reason without allocating.
    spare_reason: String,
    /// Buffers of the last episode's goal and tables, written over by the next.
    spare: Spare,
    /// Boxes, laid out when read (see `geometry`).
    geometry: geometry::GeometryCell,
}

impl Env {
    /// An environment for `task` (an index into `site.tasks`). Call [`Env::reset`] before stepping.
    pub fn new(site: Arc<Site>, task: usize, config: EnvConfig) -> Result<Env, String> {
        if task >= site.tasks.len() {
            return Err(format!(
                "site \"{}\" has no task #{task}; it has {}",
                site.name,
                site.tasks.len()
            ));
        }
        Ok(Env {
            base: Arc::clone(&site),
            site,
            spec: PerturbSpec::none(),
            changes: Vec::new(),
            popups_shown: 0,
            page_steps: 0,
            baseline: None,
            distances: PageDistances::default(),
            task,
            config,
            seed: 0,
            rng: Rng::new(0),
            goal: Vec::new(),
            instruction: String::new(),
            tables: Vec::new(),
            slots: Vec::new(),
            row_base: Vec::new(),
            nodes: Vec::new(),
            spare_nodes: Vec::new(),
            built: 0,
            spare_options: Vec::new(),
            page_nodes: Vec::new(),
            page: 0,
            dialog: None,
            focus: None,
            scroll_y: 0.0,
            steps: 0,
            done: true,
            outcome: None,
            candidates: Vec::new(),
            scratch: String::with_capacity(256),
            spare_reason: String::new(),
            spare: Spare::default(),
            geometry: Default::default(),
        })
    }

    /// An environment for the task with this name.
    pub fn by_name(site: Arc<Site>, task: &str, config: EnvConfig) -> Result<Env, String> {
        let index = site.task_index(task).ok_or_else(|| {
            format!(
                "site \"{}\" has no task \"{task}\"; its tasks are: {}",
                site.name,
                site.task_names().join(", ")
            )
        })?;
        Env::new(site, index, config)
    }

    /// Starts a new episode whose goal, data and layout are decided by `seed`
    /// (and, when perturbations are set, how the site is perturbed).
    pub fn reset(&mut self, seed: u64) {
        let base = Arc::clone(&self.base);
        self.seed = seed;
        self.rng = Rng::new(seed);
        self.changes.clear();
        // A perturbed episode runs on a copy of the site; the date format is
        // decided before the goal, which is written in it.
        let mut perturbed = if self.spec.is_empty() {
            None
        } else {
            let mut copy = (*base).clone();
            perturb::before_goal(&mut copy, &self.spec);
            Some(copy)
        };
        {
            let site: &Site = perturbed.as_ref().unwrap_or(&base);
            self.sample(site);
        }
        if let Some(mut copy) = perturbed.take() {
            let mut plain = String::new();
            render_instruction(&self.task_of(&base).instruction, &self.goal, &mut plain);
            let view = GoalView {
                goal: &self.goal,
                instruction: &plain,
                original_date_format: base.date_format,
            };
            perturb::after_goal(
                &mut copy,
                self.task,
                &self.spec,
                seed,
                &view,
                &mut self.changes,
            );
            self.site = Arc::new(copy);
        } else if !Arc::ptr_eq(&self.site, &base) {
            self.site = base;
        }
        let site = Arc::clone(&self.site);
        let task = self.task_of(&site);
        self.instruction.clear();
        render_instruction(&task.instruction, &self.goal, &mut self.instruction);
        self.instantiate();
        self.page = site.start.0;
        self.dialog = None;
        self.focus = None;
        self.scroll_y = 0.0;
        self.steps = 0;
        self.page_steps = 0;
        self.popups_shown = 0;
        self.done = false;
        if let Some(outcome) = self.outcome.take() {
            self.spare_reason = outcome.reason;
        }
        self.open_popup(site.start);
        if !self.changes.is_empty() {
            self.locate_moves();
        }
        self.refresh();
        self.fill_candidates();
    }

    /// The task of this episode, in the site of this episode.
    fn task(&self) -> &Task {
        self.task_of(&self.site)
    }

    /// Samples the goal, generates the tables and state, and derives the hidden goal fields.
    fn sample(&mut self, site: &Site) {
        let task = self.task_of(site);
        // Goal fields, then tables, then generated state, then derived fields.
        // The last episode's buffers are written over (see `Spare`).
        let spare = &mut self.spare;
        spare.goal.append(&mut self.goal);
        let mut used = std::mem::take(&mut spare.used);
        for gen in &task.goal {
            used.clear();
            let mut value = spare.goal.pop().unwrap_or_default();
            value.clear();
            // Earlier goal fields are excluded through `Unique { except }`.
            eval::generate_into(
                gen,
                &mut self.rng,
                site,
                &self.goal,
                None,
                &mut used,
                &mut value,
            );
            self.goal.push(value);
        }
        eval::generate_tables_into(
            site,
            &mut self.rng,
            &self.goal,
            &task.table_goal_map,
            &mut self.tables,
            &mut spare.rows,
            &mut spare.columns,
        );
        // Slots keep their buffers across episodes (and start with room for a
        // typical value), so typing and setting state on the step path does
        // not allocate.
        let mut count = 0;
        for (_, init) in &site.slots {
            set_slot(&mut self.slots, &mut self.spare.slots, count, init);
            count += 1;
        }
        let mut text = std::mem::take(&mut self.scratch);
        for (slot, gen) in &site.generated {
            used.clear();
            text.clear();
            eval::generate_into(
                gen,
                &mut self.rng,
                site,
                &self.goal,
                Some(&task.table_goal_map),
                &mut used,
                &mut text,
            );
            if let Some(s) = self.slots.get_mut(*slot as usize) {
                s.clear();
                s.push_str(&text);
            }
        }
        self.spare.used = used;
        self.row_base.clear();
        let mut init_text = text;
        for ri in &site.row_inputs {
            self.row_base.push(count as u32);
            let rows = self
                .tables
                .get(ri.table as usize)
                .map(|t| t.rows.len())
                .unwrap_or(0);
            for r in 0..rows {
                init_text.clear();
                if let Some(init) = &ri.init {
                    // A table's row state starts from its row (it reads no state).
                    let ctx = Ctx {
                        site,
                        slots: &[],
                        row_base: &[],
                        tables: &self.tables,
                        goal: &self.goal,
                        goal_map: &task.table_goal_map,
                    };
                    ctx.write_val(init, Some((ri.table, r as u32)), &mut init_text);
                }
                set_slot(&mut self.slots, &mut self.spare.slots, count, &init_text);
                count += 1;
            }
        }
        self.scratch = init_text;
        // Row states beyond this episode's rows keep their buffers for a later one.
        if self.slots.len() > count {
            self.spare.slots.extend(self.slots.drain(count..));
        }
        for gen in &task.derived {
            let ctx = Ctx {
                site,
                slots: &self.slots,
                row_base: &self.row_base,
                tables: &self.tables,
                goal: &self.goal,
                goal_map: &task.table_goal_map,
            };
            let mut value = self.spare.goal.pop().unwrap_or_default();
            value.clear();
            eval::derive_into(gen, &ctx, &mut value);
            self.goal.push(value);
        }
    }

    /// Opens a page's pop-up the first time the page is shown in an episode.
    fn open_popup(&mut self, page: PageId) {
        let Some(d) = self.site.pages.get(page.index()).and_then(|p| p.popup) else {
            return;
        };
        let bit = 1u64.checked_shl(page.0).unwrap_or(0);
        if self.popups_shown & bit == 0 {
            self.popups_shown |= bit;
            self.dialog = Some(d.0);
            self.focus = None;
        }
    }

    /// Sets the perturbations applied from the next [`Env::reset`] on.
    pub fn set_perturbations(&mut self, spec: PerturbSpec) {
        self.spec = spec;
    }

    /// The perturbations applied at reset.
    pub fn perturbations(&self) -> &PerturbSpec {
        &self.spec
    }

    /// What the perturbations changed in this episode, in words.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The site as loaded, before any perturbation.
    pub fn base_site(&self) -> &Arc<Site> {
        &self.base
    }

    fn ctx<'a>(&'a self, site: &'a Site) -> Ctx<'a> {
        Ctx {
            site,
            slots: &self.slots,
            row_base: &self.row_base,
            tables: &self.tables,
            goal: &self.goal,
            goal_map: &self.task_of(site).table_goal_map,
        }
    }
}

// The ids the environment holds index its own buffers by construction (see
// `Env`): these accessors are where that is relied on, once, instead of at
// every index.
#[allow(
    clippy::indexing_slicing,
    reason = "`task` indexes the site's tasks (checked by `Env::new`; perturbation never removes a task); node ids in `page_nodes`, `parent`, `children` and `focus` index `nodes`, and page ids index `page_nodes`: `instantiate` builds them together, and actions from outside are checked in `Env::step`"
)]
impl Env {
    /// The task of this episode in `site` (the site as loaded, or this episode's).
    fn task_of<'s>(&self, site: &'s Site) -> &'s Task {
        &site.tasks[self.task]
    }
    /// The node with this id.
    fn node(&self, id: u32) -> &Node {
        &self.nodes[id as usize]
    }
    /// The node with this id, to change it.
    fn node_mut(&mut self, id: u32) -> &mut Node {
        &mut self.nodes[id as usize]
    }
    /// The range of node ids of a page or dialog; its first is the page's root.
    fn page_range(&self, page: u32) -> (u32, u32) {
        self.page_nodes[page as usize]
    }
}

/// What a reset keeps of the last episode to write the next one into: goal
/// values, table rows and row states (their strings keep their room), and the scratch
/// lists of items already drawn for a goal field or a table column.
#[derive(Default)]
struct Spare {
    goal: Vec<String>,
    /// Per table.
    rows: Vec<Vec<Vec<String>>>,
    used: Vec<u32>,
    columns: Vec<Vec<u32>>,
    slots: Vec<String>,
}

/// Sets slot `i` to `text`, reusing its buffer (or a spare one, or creating
/// it with room to spare).
fn set_slot(slots: &mut Vec<String>, spare: &mut Vec<String>, i: usize, text: &str) {
    match slots.get_mut(i) {
        Some(s) => {
            s.clear();
            s.push_str(text);
        }
        None => {
            let mut s = spare
                .pop()
                .unwrap_or_else(|| String::with_capacity(text.len().max(SLOT_CAPACITY)));
            s.clear();
            s.push_str(text);
            slots.push(s);
        }
    }
}

/// Room reserved in each state slot, enough for typical typed values.
const SLOT_CAPACITY: usize = 64;

/// Writes an instruction template with the goal filled in.
fn render_instruction(parts: &[InstrPart], goal: &[String], out: &mut String) {
    for part in parts {
        match part {
            InstrPart::Lit(s) => out.push_str(s),
            InstrPart::Field(f) => {
                out.push_str(goal.get(*f as usize).map(|s| s.as_str()).unwrap_or(""))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_env_answers_before_its_first_reset() {
        let site = crate::builtin::load_builtin("click-button").unwrap();
        let env = Env::new(site, 0, EnvConfig::default()).unwrap();
        assert_eq!(env.hit_test(10.0, 10.0), None);
        assert_eq!(env.visible_nodes().count(), 0);
        assert_eq!(env.page_height(), 0.0);
        assert!(env.candidates().is_empty());
    }
}
