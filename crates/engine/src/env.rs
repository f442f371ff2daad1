//! The running environment: one episode of one task on one site.
//!
//! Data flow: [`Env::reset`] samples the goal, generates the tables and
//! state from the seed, instantiates every page's elements as [`Node`]s and
//! lays out the start page. [`Env::step`] applies one [`Action`], runs the
//! clicked element's compiled effects, re-evaluates what is visible, lays the
//! page out again only if something visible changed, and refills the list of
//! candidate actions. Buffers are reused across steps, so a step that does not
//! change the page's layout allocates nothing.

use crate::eval::{self, Ctx, RowCtx, TableData};
use crate::format::TextStyle;
use crate::layout::{self, Rect};
use crate::perturb::{self, Change, GoalView, PerturbSpec};
use crate::rng::Rng;
use crate::site::{
    Effect, Elem, InstrPart, Lazy, Options, Placement, Role, Site, SlotTarget, Task, Template,
    TemplatePart,
};
use crate::{Action, Key, TypeText};
use serde::{Deserialize, Serialize};
use std::fmt::{self, Write as _};
use std::sync::Arc;

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

/// One element instance on a page, as agents observe it.
#[derive(Debug, Clone)]
pub struct Node {
    /// What it is.
    pub role: Role,
    /// Stable handle: the element's key, with `[row]` for list-row instances.
    pub key: String,
    /// The element key without the row suffix.
    pub base_key: String,
    /// Table row of a list-row instance.
    pub row: Option<u32>,
    /// The selector id a scripted bot would use.
    pub dom_id: String,
    /// Selector classes.
    pub classes: String,
    /// Its text or accessible name.
    pub label: String,
    /// Placeholder of an empty text field.
    pub placeholder: String,
    /// Options of a select.
    pub options: Vec<String>,
    /// Page (or dialog) index.
    pub page: u32,
    /// Parent node.
    pub parent: Option<u32>,
    /// Children, in order.
    pub children: Vec<u32>,
    /// Nesting depth below the page.
    pub depth: u8,
    /// Shown now.
    pub visible: bool,
    /// Box in page coordinates (CSS pixels, origin at the page's top left).
    pub bbox: Rect,
    /// Text style.
    pub style: TextStyle,
    /// Primary button, or boxed card.
    pub primary: bool,
    /// Font size in pixels.
    pub font_px: f32,
    pub(crate) elem: u32,
    pub(crate) slot: Option<u32>,
    /// For a radio button: the option text it chooses.
    pub(crate) radio_value: Option<u32>,
    pub(crate) dynamic_label: bool,
    pub(crate) conditional: bool,
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

enum Flow {
    Continue,
    Stop,
    End,
}

/// One environment: a site, a task, and the current episode.
///
/// Indices hold by construction: `task` is below `site.tasks.len()` (checked
/// by [`Env::new`]); `page`, `dialog` and each node's `page` are page indices
/// of `site`; after a reset, `page_nodes`, `page_height` and `page_laid_out`
/// have one entry per page, each page's range starts with its root node, and
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
    page_distance: Vec<u32>,
    distance_site: Option<Arc<Site>>,
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
    page_nodes: Vec<(u32, u32)>,
    page_height: Vec<f32>,
    page_laid_out: Vec<bool>,
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
    layout: layout::Layouter,
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
            page_distance: Vec::new(),
            distance_site: None,
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
            page_nodes: Vec::new(),
            page_height: Vec::new(),
            page_laid_out: Vec::new(),
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
            layout: layout::Layouter::default(),
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
    #[allow(
        clippy::indexing_slicing,
        reason = "`task` indexes `site.tasks`: checked by `Env::new`, and perturbation never removes a task"
    )]
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
            render_instruction(&base.tasks[self.task].instruction, &self.goal, &mut plain);
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
        let task = &site.tasks[self.task];
        self.instruction.clear();
        render_instruction(&task.instruction, &self.goal, &mut self.instruction);
        self.instantiate();
        self.page = site.start;
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
    #[allow(
        clippy::indexing_slicing,
        reason = "`task` indexes `site.tasks`: checked by `Env::new`, and perturbation never removes a task"
    )]
    fn task(&self) -> &Task {
        &self.site.tasks[self.task]
    }

    /// Samples the goal, generates the tables and state, and derives the hidden goal fields.
    #[allow(
        clippy::indexing_slicing,
        reason = "`task` indexes `site.tasks`: checked by `Env::new`, and perturbation never removes a task"
    )]
    fn sample(&mut self, site: &Site) {
        let task = &site.tasks[self.task];
        // Goal fields, then tables, then generated state, then derived fields.
        self.goal.clear();
        let mut used = Vec::new();
        for gen in &task.goal {
            used.clear();
            // Earlier goal fields are excluded through `Unique { except }`.
            let value = eval::generate(gen, &mut self.rng, site, &self.goal, None, &mut used);
            self.goal.push(value);
        }
        eval::generate_tables(
            site,
            &mut self.rng,
            &self.goal,
            &task.table_goal_map,
            &mut self.tables,
        );
        // Slots keep their buffers across episodes (and start with room for a
        // typical value), so typing and setting state on the step path does
        // not allocate.
        let mut count = 0;
        for (_, init) in &site.slots {
            set_slot(&mut self.slots, count, init);
            count += 1;
        }
        for (slot, gen) in &site.generated {
            used.clear();
            let value = eval::generate(
                gen,
                &mut self.rng,
                site,
                &self.goal,
                Some(&task.table_goal_map),
                &mut used,
            );
            if let Some(s) = self.slots.get_mut(*slot as usize) {
                *s = value;
            }
        }
        self.row_base.clear();
        let mut init_text = String::new();
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
                set_slot(&mut self.slots, count, &init_text);
                count += 1;
            }
        }
        self.slots.truncate(count);
        for gen in &task.derived {
            let ctx = Ctx {
                site,
                slots: &self.slots,
                row_base: &self.row_base,
                tables: &self.tables,
                goal: &self.goal,
                goal_map: &task.table_goal_map,
            };
            let value = eval::derive(gen, &ctx).unwrap_or_default();
            self.goal.push(value);
        }
    }

    /// Opens a page's pop-up the first time the page is shown in an episode.
    fn open_popup(&mut self, page: u32) {
        let Some(d) = self.site.pages.get(page as usize).and_then(|p| p.popup) else {
            return;
        };
        let bit = 1u64.checked_shl(page).unwrap_or(0);
        if self.popups_shown & bit == 0 {
            self.popups_shown |= bit;
            self.dialog = Some(d);
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

    /// Builds the node instances of every page and dialog.
    fn instantiate(&mut self) {
        let site = Arc::clone(&self.site);
        self.nodes.clear();
        self.page_nodes.clear();
        for (p, page) in site.pages.iter().enumerate() {
            let start = self.nodes.len() as u32;
            let root_role = if page.is_dialog {
                Role::Dialog
            } else {
                Role::Banner
            };
            let root_label = if page.is_dialog {
                page.title.clone()
            } else {
                site.title.clone()
            };
            let root = self.push_node(Node {
                role: root_role,
                key: if page.is_dialog {
                    page.id.clone()
                } else {
                    "banner".into()
                },
                base_key: if page.is_dialog {
                    page.id.clone()
                } else {
                    "banner".into()
                },
                row: None,
                dom_id: if page.is_dialog {
                    page.id.clone()
                } else {
                    "site-header".into()
                },
                classes: root_role.name().into(),
                label: root_label,
                placeholder: String::new(),
                options: Vec::new(),
                page: p as u32,
                parent: None,
                children: Vec::new(),
                depth: 0,
                visible: true,
                bbox: Rect::default(),
                style: TextStyle::Strong,
                primary: false,
                font_px: site.theme.font_size * 1.25,
                elem: u32::MAX,
                slot: None,
                radio_value: None,
                dynamic_label: false,
                conditional: false,
            });
            // Dialog content nests under the dialog node; page content sits beside the banner.
            let parent = if page.is_dialog { Some(root) } else { None };
            for &e in &page.elems {
                self.instantiate_elem(&site, e, p as u32, parent, None);
            }
            self.page_nodes.push((start, self.nodes.len() as u32));
        }
        self.page_height.clear();
        self.page_height.resize(site.pages.len(), 0.0);
        self.page_laid_out.clear();
        self.page_laid_out.resize(site.pages.len(), false);
    }

    fn push_node(&mut self, node: Node) -> u32 {
        let id = self.nodes.len() as u32;
        if let Some(parent) = node.parent {
            if let Some(p) = self.nodes.get_mut(parent as usize) {
                p.children.push(id);
            }
        }
        self.nodes.push(node);
        id
    }

    fn resolve_slot(&self, target: Option<SlotTarget>, row: Option<u32>) -> Option<u32> {
        match target? {
            SlotTarget::Slot(s) => Some(s),
            SlotTarget::RowSlot(ri) => Some(self.row_base.get(ri as usize)? + row?),
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "`e` is an element index the site compiler resolved, and `parent` a node pushed before its children"
    )]
    fn instantiate_elem(
        &mut self,
        site: &Site,
        e: u32,
        page: u32,
        parent: Option<u32>,
        row: RowCtx,
    ) {
        let elem: &Elem = &site.elems[e as usize];
        let depth = parent
            .map(|p| self.nodes[p as usize].depth + 1)
            .unwrap_or(0);
        let base_key = elem.key.clone().unwrap_or_default();
        let key = match (row, base_key.is_empty()) {
            (Some((_, r)), false) => format!("{base_key}[{r}]"),
            _ => base_key.clone(),
        };
        let dom_id = if let Some(id) = &elem.dom_id {
            match row {
                Some((_, r)) => format!("{id}-{r}"),
                None => id.clone(),
            }
        } else if key.is_empty() {
            String::new()
        } else {
            key.replace(['[', ']'], "-")
                .trim_end_matches('-')
                .to_string()
        };
        let font = site.theme.font_size;
        let mut node = Node {
            role: elem.role,
            key: key.clone(),
            base_key: base_key.clone(),
            row: row.map(|(_, r)| r),
            dom_id,
            classes: elem
                .classes
                .clone()
                .unwrap_or_else(|| default_classes(elem)),
            label: String::new(),
            placeholder: elem.placeholder.clone(),
            options: Vec::new(),
            page,
            parent,
            children: Vec::new(),
            depth,
            visible: true,
            bbox: Rect::default(),
            style: elem.style,
            primary: elem.primary,
            font_px: if elem.role == Role::Heading {
                font * 1.45
            } else {
                font
            },
            elem: e,
            slot: self.resolve_slot(elem.slot, row.map(|(_, r)| r)),
            radio_value: None,
            dynamic_label: elem.label.reads_state(),
            conditional: elem.visible_if.is_some()
                || elem.role == Role::Alert
                || elem.lazy != Lazy::No,
        };
        node.label = self.render_template(site, &elem.label, row);
        if let Some(opts) = &elem.options {
            node.options = self.options_of(site, opts);
        }
        let is_input = elem.role.is_text_entry() || elem.role == Role::Select;
        if is_input {
            // A labelled field: a row holding the visible label and the input.
            let group = self.push_node(Node {
                role: Role::Group,
                key: String::new(),
                base_key: String::new(),
                dom_id: String::new(),
                classes: "field".into(),
                label: String::new(),
                placeholder: String::new(),
                options: Vec::new(),
                children: Vec::new(),
                slot: None,
                dynamic_label: false,
                // The whole field (its label too) shows only when the input would.
                conditional: node.conditional,
                style: TextStyle::Normal,
                primary: false,
                ..node.clone()
            });
            self.push_node(Node {
                role: Role::Label,
                key: String::new(),
                base_key: String::new(),
                dom_id: String::new(),
                classes: "label".into(),
                placeholder: String::new(),
                options: Vec::new(),
                children: Vec::new(),
                parent: Some(group),
                depth: depth + 1,
                slot: None,
                conditional: false,
                style: TextStyle::Normal,
                primary: false,
                ..node.clone()
            });
            node.parent = Some(group);
            node.depth = depth + 1;
            self.push_node(node);
            return;
        }
        match elem.role {
            Role::RadioGroup => {
                let options = std::mem::take(&mut node.options);
                let group = self.push_node(node);
                let group_node = self.nodes[group as usize].clone();
                for (i, option) in options.iter().enumerate() {
                    self.push_node(Node {
                        role: Role::Radio,
                        key: format!("{key}/{i}"),
                        dom_id: format!("{}-{i}", group_node.dom_id),
                        classes: "radio".into(),
                        label: option.clone(),
                        parent: Some(group),
                        depth: depth + 1,
                        radio_value: Some(i as u32),
                        dynamic_label: false,
                        conditional: false,
                        children: Vec::new(),
                        ..group_node.clone()
                    });
                }
                self.nodes[group as usize].options = options;
            }
            Role::List => {
                let list = elem.list.clone();
                node.conditional = elem.lazy != Lazy::No;
                let id = self.push_node(node);
                if let Some(list) = list {
                    let rows = self
                        .tables
                        .get(list.table as usize)
                        .map(|t| t.rows.len())
                        .unwrap_or(0);
                    for r in 0..rows as u32 {
                        let item = self.push_node(Node {
                            role: Role::ListItem,
                            key: String::new(),
                            base_key: String::new(),
                            row: Some(r),
                            dom_id: String::new(),
                            classes: "list-item".into(),
                            label: String::new(),
                            placeholder: String::new(),
                            options: Vec::new(),
                            page,
                            parent: Some(id),
                            children: Vec::new(),
                            depth: depth + 1,
                            visible: true,
                            bbox: Rect::default(),
                            style: TextStyle::Normal,
                            primary: false,
                            font_px: font,
                            elem: e,
                            slot: None,
                            radio_value: None,
                            dynamic_label: false,
                            conditional: list.filter.is_some(),
                        });
                        for &child in &elem.children {
                            self.instantiate_elem(
                                site,
                                child,
                                page,
                                Some(item),
                                Some((list.table, r)),
                            );
                        }
                    }
                    // The "nothing found" text, shown when no row passes.
                    self.push_node(Node {
                        role: Role::Text,
                        key: String::new(),
                        base_key: String::new(),
                        row: None,
                        dom_id: String::new(),
                        classes: "list-empty".into(),
                        label: list.empty.clone(),
                        placeholder: String::new(),
                        options: Vec::new(),
                        page,
                        parent: Some(id),
                        children: Vec::new(),
                        depth: depth + 1,
                        visible: false,
                        bbox: Rect::default(),
                        style: TextStyle::Muted,
                        primary: false,
                        font_px: font,
                        elem: e,
                        slot: None,
                        radio_value: None,
                        dynamic_label: false,
                        conditional: true,
                    });
                }
            }
            Role::Group => {
                let id = self.push_node(node);
                for &child in &elem.children {
                    self.instantiate_elem(site, child, page, Some(id), row);
                }
            }
            _ => {
                self.push_node(node);
            }
        }
    }

    fn options_of(&self, site: &Site, opts: &Options) -> Vec<String> {
        match opts {
            Options::Items(items) => items.clone(),
            Options::List(l) => site.lists.get(*l as usize).cloned().unwrap_or_default(),
            Options::Column(t, c) => self
                .tables
                .get(*t as usize)
                .map(|t| {
                    t.rows
                        .iter()
                        .filter_map(|r| r.get(*c as usize).cloned())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "`task` indexes `site.tasks`: checked by `Env::new`, and perturbation never removes a task"
    )]
    fn ctx<'a>(&'a self, site: &'a Site) -> Ctx<'a> {
        Ctx {
            site,
            slots: &self.slots,
            row_base: &self.row_base,
            tables: &self.tables,
            goal: &self.goal,
            goal_map: &site.tasks[self.task].table_goal_map,
        }
    }

    fn render_template(&self, site: &Site, t: &Template, row: RowCtx) -> String {
        let mut out = String::new();
        self.render_into(site, t, row, &mut out);
        out
    }

    fn render_into(&self, site: &Site, t: &Template, row: RowCtx, out: &mut String) {
        let ctx = self.ctx(site);
        for part in &t.parts {
            match part {
                TemplatePart::Lit(s) => out.push_str(s),
                TemplatePart::Value(v) => ctx.write_val(v, row, out),
                TemplatePart::Money(v, format) => {
                    eval::write_money_val(out, ctx.val(v, row), *format)
                }
            }
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "node ids in `page_nodes`, `parent`, `children` and `focus` index `nodes`, and page ids index `page_nodes` and the site's pages: `instantiate` builds them together (see `Env`)"
    )]
    fn row_ctx_of(&self, site: &Site, node: &Node) -> RowCtx {
        let r = node.row?;
        // The row's table: the nearest enclosing list's table.
        let mut cur = node.parent;
        while let Some(i) = cur {
            let n = &self.nodes[i as usize];
            if n.role == Role::List {
                return site.elems[n.elem as usize]
                    .list
                    .as_ref()
                    .map(|l| (l.table, r));
            }
            cur = n.parent;
        }
        None
    }

    /// Re-evaluates visibility and state-reading labels of the current page
    /// (and dialog), and lays it out again if anything visible changed.
    fn refresh(&mut self) {
        let site = Arc::clone(&self.site);
        self.refresh_page(&site, self.page);
        if let Some(d) = self.dialog {
            self.refresh_page(&site, d);
        }
    }

    /// Re-evaluates one page's visibility and state-reading labels, and lays
    /// it out if anything visible changed (or it never was).
    #[allow(
        clippy::indexing_slicing,
        reason = "node ids in `page_nodes`, `parent`, `children` and `focus` index `nodes`, and page ids index `page_nodes` and the site's pages: `instantiate` builds them together (see `Env`)"
    )]
    fn refresh_page(&mut self, site: &Site, p: u32) {
        let mut changed = false;
        let (start, end) = self.page_nodes[p as usize];
        for i in start..end {
            let (conditional, dynamic) = {
                let n = &self.nodes[i as usize];
                (n.conditional, n.dynamic_label)
            };
            if conditional {
                let visible = self.own_visibility(site, i);
                let n = &mut self.nodes[i as usize];
                if n.visible != visible {
                    n.visible = visible;
                    changed = true;
                }
            }
            if dynamic {
                let node = &self.nodes[i as usize];
                let row = self.row_ctx_of(site, node);
                let elem = &site.elems[node.elem as usize];
                let mut buf = std::mem::take(&mut self.scratch);
                buf.clear();
                self.render_into(site, &elem.label, row, &mut buf);
                let n = &mut self.nodes[i as usize];
                if n.label != buf {
                    n.label.clear();
                    n.label.push_str(&buf);
                    changed = true;
                }
                self.scratch = buf;
            }
        }
        if changed || !self.page_laid_out[p as usize] {
            self.lay_out(p);
        }
    }

    /// The box of the element with this key on a page, laid out as the page
    /// would be shown now (the first row's instance for list rows).
    #[allow(
        clippy::indexing_slicing,
        reason = "node ids in `page_nodes`, `parent`, `children` and `focus` index `nodes`, and page ids index `page_nodes` and the site's pages: `instantiate` builds them together (see `Env`)"
    )]
    fn box_of(&mut self, page: u32, key: &str) -> Option<crate::layout::Rect> {
        let site = Arc::clone(&self.site);
        self.refresh_page(&site, page);
        let (start, end) = *self.page_nodes.get(page as usize)?;
        (start..end)
            .find(|&i| self.nodes[i as usize].base_key == key && self.is_shown(i))
            .map(|i| self.nodes[i as usize].bbox)
    }

    /// Adds where moved elements were and are now to the move explanations,
    /// from the unperturbed episode of the same seed laid out beside this one.
    fn locate_moves(&mut self) {
        let wanted: Vec<(usize, u32, String)> = self
            .changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.applied && c.kind == perturb::Kind::Move)
            .filter_map(|(i, c)| {
                let page = self
                    .site
                    .pages
                    .iter()
                    .position(|p| Some(&p.id) == c.page.as_ref())?;
                Some((i, page as u32, c.key.clone()?))
            })
            .collect();
        if wanted.is_empty() {
            return;
        }
        let mut baseline = match self.baseline.take() {
            Some(b) if Arc::ptr_eq(&b.site, &self.base) => b,
            _ => match Env::new(Arc::clone(&self.base), self.task, self.config) {
                Ok(b) => Box::new(b),
                Err(_) => return,
            },
        };
        baseline.reset(self.seed);
        for (i, page, key) in wanted {
            let before = baseline.box_of(page, &key);
            let after = self.box_of(page, &key);
            if let (Some(a), Some(b)) = (before, after) {
                if let Some(change) = self.changes.get_mut(i) {
                    change.text.push_str(&format!(
                        ", from ({:.0}, {:.0}) to ({:.0}, {:.0})",
                        a.x, a.y, b.x, b.y
                    ));
                }
            }
        }
        self.baseline = Some(baseline);
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "node ids in `page_nodes`, `parent`, `children` and `focus` index `nodes`, and page ids index `page_nodes` and the site's pages: `instantiate` builds them together (see `Env`)"
    )]
    fn own_visibility(&self, site: &Site, i: u32) -> bool {
        let n = &self.nodes[i as usize];
        let ctx = self.ctx(site);
        let elem = match site.elems.get(n.elem as usize) {
            Some(e) => e,
            None => return true,
        };
        // Lazy content applies to the element itself, not to its list rows.
        if n.role != Role::ListItem && !(n.role == Role::Text && n.classes == "list-empty") {
            match elem.lazy {
                Lazy::After(k) if self.page_steps < k => return false,
                Lazy::Until(k) => return self.page_steps < k,
                _ => {}
            }
        }
        match n.role {
            Role::ListItem => {
                let row = self.row_ctx_of(site, n);
                match elem.list.as_ref().and_then(|l| l.filter.as_ref()) {
                    Some(f) => ctx.cond(f, row),
                    None => true,
                }
            }
            Role::Text if n.classes == "list-empty" => {
                // Visible when no sibling row is visible.
                let Some(parent) = n.parent else { return false };
                // The rows come before this node, so `refresh` has already
                // brought their visibility up to date.
                let any = self.nodes[parent as usize].children.iter().any(|&c| {
                    let cn = &self.nodes[c as usize];
                    cn.role == Role::ListItem && cn.visible
                });
                !any
            }
            _ => match &elem.visible_if {
                Some(c) => ctx.cond(c, self.row_ctx_of(site, n)),
                None => true,
            },
        }
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "node ids in `page_nodes`, `parent`, `children` and `focus` index `nodes`, and page ids index `page_nodes` and the site's pages: `instantiate` builds them together (see `Env`)"
    )]
    fn lay_out(&mut self, page: u32) {
        let site = Arc::clone(&self.site);
        let (start, end) = self.page_nodes[page as usize];
        let p = &site.pages[page as usize];
        let placement = p.is_dialog.then_some(p.placement);
        let height = self
            .layout
            .lay_out(&site, &mut self.nodes, page, start, end, placement);
        self.page_height[page as usize] = height;
        self.page_laid_out[page as usize] = true;
    }

    /// Whether a node is shown: its own condition and all its ancestors'.
    pub fn is_shown(&self, id: u32) -> bool {
        let mut cur = Some(id);
        while let Some(i) = cur {
            let Some(n) = self.nodes.get(i as usize) else {
                return false;
            };
            if !n.visible {
                return false;
            }
            cur = n.parent;
        }
        true
    }

    /// Whether a node can be used now: shown, on the current page, interactive,
    /// and not covered by an open dialog.
    pub fn is_usable(&self, id: u32) -> bool {
        let Some(n) = self.nodes.get(id as usize) else {
            return false;
        };
        if !n.role.is_interactive() || !self.is_shown(id) {
            return false;
        }
        match self.dialog {
            Some(d) if n.page == d => true,
            Some(d) if self.is_bar(d) => n.page == self.page && !self.covered_by(d, &n.bbox),
            Some(_) => false,
            None => n.page == self.page,
        }
    }

    fn is_bar(&self, dialog: u32) -> bool {
        self.site
            .pages
            .get(dialog as usize)
            .is_some_and(|p| p.placement == Placement::BottomBar)
    }

    /// Whether any part of a box lies under a dialog (a partly hidden
    /// button cannot be clicked either).
    #[allow(
        clippy::indexing_slicing,
        reason = "node ids in `page_nodes`, `parent`, `children` and `focus` index `nodes`, and page ids index `page_nodes` and the site's pages: `instantiate` builds them together (see `Env`)"
    )]
    fn covered_by(&self, dialog: u32, bbox: &crate::layout::Rect) -> bool {
        let (start, _) = self.page_nodes[dialog as usize];
        self.nodes[start as usize].bbox.overlaps(bbox)
    }

    /// How the open dialog is placed, if one is open.
    pub fn dialog_placement(&self) -> Option<Placement> {
        self.dialog
            .and_then(|d| self.site.pages.get(d as usize))
            .map(|p| p.placement)
    }

    /// Applies one action. Errors leave the episode unchanged.
    #[allow(
        clippy::indexing_slicing,
        reason = "the action's node and goal field were checked on entry; other ids are `Env` invariants (node ids index `nodes`, page ids `page_nodes` and the site's pages)"
    )]
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
                if self.is_usable(*n) && self.nodes[*n as usize].role.is_text_entry() {
                    if let Some(slot) = self.nodes[*n as usize].slot {
                        let value: &str = match text {
                            TypeText::Goal(g) => &self.goal[*g as usize],
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
                if self.is_usable(*n) && self.nodes[*n as usize].role == Role::Select {
                    let node = &self.nodes[*n as usize];
                    if let (Some(slot), Some(text)) =
                        (node.slot, node.options.get(*option as usize))
                    {
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
                    let page = self.nodes[f as usize].page;
                    match self.site.pages[page as usize].enter {
                        Some(button_elem) => {
                            let (start, end) = self.page_nodes[page as usize];
                            match (start..end).find(|&i| {
                                self.nodes[i as usize].elem == button_elem && self.is_usable(i)
                            }) {
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
                let (start, end) = self.page_nodes[self.dialog.unwrap_or(self.page) as usize];
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
                let max = (self.page_height[self.page as usize] - self.site.height).max(0.0);
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
                if self.steps >= self.site.tasks[self.task].step_limit {
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

    #[allow(
        clippy::indexing_slicing,
        reason = "`task` indexes `site.tasks`: checked by `Env::new`, and perturbation never removes a task"
    )]
    fn finish(&mut self, truncated: bool) {
        let site = Arc::clone(&self.site);
        let task = &site.tasks[self.task];
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

    #[allow(
        clippy::indexing_slicing,
        reason = "node ids in `page_nodes`, `parent`, `children` and `focus` index `nodes`, and page ids index `page_nodes` and the site's pages: `instantiate` builds them together (see `Env`)"
    )]
    fn click(&mut self, n: u32) -> Flow {
        if !self.is_usable(n) {
            return Flow::Continue;
        }
        let site = Arc::clone(&self.site);
        let node = &self.nodes[n as usize];
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
                    let text = self.nodes[parent as usize].options.get(v as usize);
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
                let elem = &site.elems[node.elem as usize];
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

    fn run(&mut self, site: &Site, effects: &[Effect], row: RowCtx) -> Flow {
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
                    self.page = *p;
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
                    self.dialog = Some(*d);
                    self.focus = None;
                }
                Effect::CloseDialog => self.dialog = None,
                Effect::End => return Flow::End,
            }
        }
        Flow::Continue
    }

    /// The topmost usable node at a point of the viewport (page y minus scroll).
    #[allow(
        clippy::indexing_slicing,
        reason = "node ids in `page_nodes` index `nodes`, and page ids index `page_nodes` (see `Env`); before the first reset there are no pages to test"
    )]
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
            let (start, end) = self.page_nodes[d as usize];
            if self.nodes[start as usize].bbox.contains(x, y) {
                return (start..end)
                    .rev()
                    .find(|&i| self.is_usable(i) && self.nodes[i as usize].bbox.contains(x, y));
            }
            let (start, end) = self.page_nodes[self.page as usize];
            return (start..end)
                .rev()
                .find(|&i| self.is_usable(i) && self.nodes[i as usize].bbox.contains(x, y));
        }
        let page = self.dialog.unwrap_or(self.page);
        if let Some(d) = self.dialog {
            let (start, _) = self.page_nodes[d as usize];
            if !self.nodes[start as usize].bbox.contains(x, y) {
                return None; // a click outside a modal dialog lands on its backdrop
            }
        }
        let (start, end) = self.page_nodes[page as usize];
        (start..end)
            .rev()
            .find(|&i| self.is_usable(i) && self.nodes[i as usize].bbox.contains(x, y))
    }

    fn goal_visible(&self, g: usize) -> bool {
        self.task().visible.get(g).copied().unwrap_or(false)
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "node ids in `page_nodes`, `parent`, `children` and `focus` index `nodes`, and page ids index `page_nodes` and the site's pages: `instantiate` builds them together (see `Env`)"
    )]
    fn fill_candidates(&mut self) {
        self.candidates.clear();
        if self.done {
            return;
        }
        let goal_count = self.goal.len();
        let (page_start, page_end) = self.page_nodes[self.page as usize];
        let (dialog_start, dialog_end) = match self.dialog {
            Some(d) => self.page_nodes[d as usize],
            None => (0, 0),
        };
        // Under a modal dialog only the dialog counts; under a bar, both.
        let page_range = match self.dialog {
            Some(d) if !self.is_bar(d) => 0..0,
            _ => page_start..page_end,
        };
        let mut loading = false;
        for i in page_range.chain(dialog_start..dialog_end) {
            if !loading && self.nodes[i as usize].key == perturb::LOADING_KEY && self.is_shown(i) {
                loading = true;
            }
            if !self.is_usable(i) {
                continue;
            }
            let n = &self.nodes[i as usize];
            match n.role {
                Role::Button | Role::Link | Role::Checkbox | Role::Radio => {
                    self.candidates.push(Action::Click(i))
                }
                r if r.is_text_entry() => {
                    for g in 0..goal_count {
                        if self.site.tasks[self.task]
                            .visible
                            .get(g)
                            .copied()
                            .unwrap_or(false)
                        {
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

    // ----- Observation accessors -----

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
    /// Height of the current page's content.
    pub fn page_height(&self) -> f32 {
        // 0 before the first reset.
        self.page_height
            .get(self.page as usize)
            .copied()
            .unwrap_or(0.0)
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
    /// Progress towards the goal in `[0, 1]`, for potential-based reward
    /// shaping, in equal parts: how close the current page is to one that
    /// ends the episode (counted in navigations); how much of the task's
    /// success conditions already holds (graded: the share of rows passing
    /// an `AllRows`, of parts passing an `And`); and the share of the fields
    /// the task's recipe fills that hold what the recipe would put there. Shaping with
    /// `gamma * potential(s') - potential(s)` leaves the optimal policy unchanged.
    pub fn potential(&mut self) -> f32 {
        if !self
            .distance_site
            .as_ref()
            .is_some_and(|s| Arc::ptr_eq(s, &self.site))
        {
            self.page_distance = page_distances(&self.site);
            self.distance_site = Some(Arc::clone(&self.site));
        }
        let far = self
            .page_distance
            .iter()
            .copied()
            .filter(|&d| d != u32::MAX)
            .max()
            .unwrap_or(0)
            .max(1);
        // An open dialog counts when it is closer (a confirmation), not when
        // it leads nowhere (a pop-up over the page).
        let of = |p: u32| {
            self.page_distance
                .get(p as usize)
                .copied()
                .unwrap_or(u32::MAX)
        };
        let d = self
            .dialog
            .map(of)
            .unwrap_or(u32::MAX)
            .min(of(self.page))
            .min(far + 1);
        let page_part = 1.0 - d as f32 / (far + 1) as f32;
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
            use crate::site::Step;
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

    /// The key the site file gives the element node `id` shows, for a
    /// recipe to find the site's own elements by; `None` for an element a
    /// perturbation inserted (whatever key or selector it carries), for an
    /// element without a key, and for an unknown id. Inserted elements are
    /// told by where they come from (they are not in the site as loaded), not
    /// by their keys.
    pub fn site_key(&self, id: u32) -> Option<&str> {
        let n = self.nodes.get(id as usize)?;
        let own = self.base.elems.get(n.elem as usize)?.key.as_deref()?;
        let here = self.site.elems.get(n.elem as usize)?.key.as_deref()?;
        (own == here && own == n.base_key && !own.is_empty()).then_some(own)
    }
}

/// Sets slot `i` to `text`, reusing its buffer (or creating it with room to spare).
fn set_slot(slots: &mut Vec<String>, i: usize, text: &str) {
    match slots.get_mut(i) {
        Some(s) => {
            s.clear();
            s.push_str(text);
        }
        None => {
            let mut s = String::with_capacity(text.len().max(SLOT_CAPACITY));
            s.push_str(text);
            slots.push(s);
        }
    }
}

/// Room reserved in each state slot, enough for typical typed values.
const SLOT_CAPACITY: usize = 64;

fn default_classes(elem: &Elem) -> String {
    match elem.role {
        Role::Button if elem.primary => "btn btn-primary".into(),
        Role::Button => "btn".into(),
        Role::Link => "link".into(),
        Role::TextBox | Role::Password | Role::Number | Role::Date => "form-control".into(),
        Role::Select => "form-select".into(),
        Role::Checkbox => "form-check".into(),
        Role::RadioGroup => "radio-group".into(),
        Role::Heading => "title".into(),
        Role::Alert => "alert alert-error".into(),
        Role::List => "list".into(),
        Role::Group if elem.primary => "card".into(),
        Role::Group => "row".into(),
        _ => String::new(),
    }
}

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

/// For each page and dialog, the fewest navigations (clicks that go to
/// another page or open a dialog) to one whose elements can end the episode;
/// `u32::MAX` where none is reachable.
fn page_distances(site: &Site) -> Vec<u32> {
    fn walk(effects: &[Effect], out: &mut Vec<u32>, ends: &mut bool) {
        for e in effects {
            match e {
                Effect::Navigate(p) | Effect::OpenDialog(p) => out.push(*p),
                Effect::End => *ends = true,
                Effect::If(_, a, b) => {
                    walk(a, out, ends);
                    walk(b, out, ends);
                }
                _ => {}
            }
        }
    }
    fn elems(site: &Site, list: &[u32], out: &mut Vec<u32>, ends: &mut bool) {
        for &e in list {
            if let Some(elem) = site.elems.get(e as usize) {
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
            out.push(popup);
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
