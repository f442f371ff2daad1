//! Features of candidate actions: what the learned policy sees.
//!
//! Each legal candidate becomes a fixed-size dense vector plus a few hashed
//! tokens (label words, selector words, the page id) that index learned
//! embeddings. Feature groups can be switched off in [`FeatureSet`]: a
//! switched-off group reads as zeros (or no tokens), so the network's shape
//! does not depend on the setting, and which groups are on decides how a
//! trained agent breaks: one that reads positions fails when a button moves,
//! one that reads labels when a label is reworded.

use super::context::{self, CONTEXT};
use serde::{Deserialize, Serialize};
use wobble_engine::eval::{parse_number, text_eq};
use wobble_engine::site::{Effect, Site};
use wobble_engine::{Action, Env, Role, TypeText};

/// Which feature groups the policy sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSet {
    /// The kind of element and action (button, link, field, option...).
    pub role: bool,
    /// The words of the element's label, through learned embeddings.
    pub label: bool,
    /// How labels, options and list rows match the goal fields.
    pub goal_match: bool,
    /// Where the element is on the page.
    pub position: bool,
    /// Which page is shown.
    pub page: bool,
    /// The words of the element's selector id.
    pub selectors: bool,
    /// How far into the episode.
    pub step: bool,
    /// What a person reads around the element: its row or card, the
    /// nearest heading above it, and how they match the goal fields.
    pub context: bool,
    /// Pixels only: the screen agent's features ([`super::screen`]). It
    /// excludes every other group, which read the page's text.
    #[serde(default)]
    pub screen: bool,
}

impl Default for FeatureSet {
    fn default() -> Self {
        FeatureSet {
            role: true,
            label: true,
            goal_match: true,
            position: true,
            page: true,
            selectors: false,
            step: true,
            context: true,
            screen: false,
        }
    }
}

impl FeatureSet {
    /// The group names, in order.
    pub const NAMES: [&'static str; 9] = [
        "role",
        "label",
        "goal-match",
        "position",
        "page",
        "selectors",
        "step",
        "context",
        "screen",
    ];

    /// Parses a comma-separated list of group names (`all` for every group).
    pub fn parse(text: &str) -> Result<FeatureSet, String> {
        let mut set = FeatureSet {
            role: false,
            label: false,
            goal_match: false,
            position: false,
            page: false,
            selectors: false,
            step: false,
            context: false,
            screen: false,
        };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "all" => {
                    set = FeatureSet {
                        role: true,
                        label: true,
                        goal_match: true,
                        position: true,
                        page: true,
                        selectors: true,
                        step: true,
                        context: true,
                        screen: false,
                    }
                }
                "role" => set.role = true,
                "label" => set.label = true,
                "goal-match" => set.goal_match = true,
                "position" => set.position = true,
                "page" => set.page = true,
                "selectors" => set.selectors = true,
                "step" => set.step = true,
                "context" => set.context = true,
                "screen" => set.screen = true,
                other => {
                    return Err(format!(
                        "unknown feature group \"{other}\"; expected some of: all, {}",
                        FeatureSet::NAMES.join(", ")
                    ))
                }
            }
        }
        let text_groups = FeatureSet {
            screen: false,
            ..set
        };
        if set.screen && text_groups.names() != "" {
            return Err(format!(
                "feature group \"screen\" sees only pixels and cannot be combined with {}, which read the page's text",
                text_groups.names()
            ));
        }
        Ok(set)
    }

    /// The groups that are on, comma-separated.
    pub fn names(&self) -> String {
        let on = [
            self.role,
            self.label,
            self.goal_match,
            self.position,
            self.page,
            self.selectors,
            self.step,
            self.context,
            self.screen,
        ];
        FeatureSet::NAMES
            .iter()
            .zip(on)
            .filter(|(_, on)| *on)
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Where the context features start (`CONTEXT` of them).
pub const CONTEXT_AT: usize = 29;
/// The slot that marks the `finish` candidate (a role).
pub const FINISH_ROLE: usize = CONTEXT_AT + CONTEXT;
/// Where the `finish` candidate's context starts (3 slots).
pub const FINISH_AT: usize = FINISH_ROLE + 1;
/// Number of dense features per candidate.
pub const DENSE: usize = FINISH_AT + 3;
/// Token slots per candidate: label words, selector words, page.
pub const LABEL_TOKENS: usize = 6;
/// Selector token slots.
pub const SELECTOR_TOKENS: usize = 3;
/// Hash buckets of each embedding table.
pub const BUCKETS: usize = 256;
/// Marks an unused token slot.
pub const NO_TOKEN: u16 = u16::MAX;

/// One candidate's features.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Dense features.
    pub dense: [f32; DENSE],
    /// Hashed label words (`NO_TOKEN` when unused).
    pub label: [u16; LABEL_TOKENS],
    /// Hashed selector words.
    pub selector: [u16; SELECTOR_TOKENS],
    /// Hashed page id.
    pub page: u16,
}

impl Default for Candidate {
    fn default() -> Self {
        Candidate {
            dense: [0.0; DENSE],
            label: [NO_TOKEN; LABEL_TOKENS],
            selector: [NO_TOKEN; SELECTOR_TOKENS],
            page: NO_TOKEN,
        }
    }
}

/// The state features the value baseline reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StateFeatures {
    /// Hashed page id (with the dialog's, when one is open).
    pub page: u16,
    /// Steps used over the step limit.
    pub step: f32,
    /// Number of candidates, scaled.
    pub choices: f32,
}

/// Hashes a word into a bucket (FNV-1a, lower case).
pub fn bucket(word: &str) -> u16 {
    let mut h: u32 = 0x811c_9dc5;
    for b in word.bytes() {
        h ^= b.to_ascii_lowercase() as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % BUCKETS as u32) as u16
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

fn fill_tokens(text: &str, out: &mut [u16]) {
    for (slot, w) in out.iter_mut().zip(words(text)) {
        *slot = bucket(w);
    }
}

/// How well a label names a goal field: shared words, where a word that
/// starts the other (three letters or more) counts, e.g. "Pay to" ~ "payee".
pub fn name_match(label: &str, field: &str) -> f32 {
    let mut best = 0.0f32;
    for f in words(field).flat_map(|f| f.split('_')) {
        let f = f.to_ascii_lowercase();
        for w in words(label) {
            let w = w.to_ascii_lowercase();
            let hit = w == f
                || (w.len() >= 3 && f.starts_with(&w))
                || (f.len() >= 3 && w.starts_with(&f));
            if hit {
                best = 1.0;
            }
        }
    }
    best
}

/// The share of a value's words found in a text (1.0 when all are).
fn contains_words(text: &str, value: &str) -> f32 {
    let total = words(value).count();
    if total == 0 {
        return 0.0;
    }
    let lower = text.to_lowercase();
    let found = words(value)
        .filter(|w| lower.contains(&w.to_lowercase()))
        .count();
    found as f32 / total as f32
}

/// Whether a task ends only when the agent says it is done: no element of
/// the site ends the episode when clicked (the inbox has no final button).
pub fn ends_by_finish(site: &Site) -> bool {
    fn ends(effects: &[Effect]) -> bool {
        effects.iter().any(|e| match e {
            Effect::End => true,
            Effect::If(_, a, b) => ends(a) || ends(b),
            _ => false,
        })
    }
    !site.elems.iter().any(|e| ends(&e.on_click))
}

/// How far the screen agent scrolls, in windows.
pub const SCREEN_SCROLL: f32 = 0.75;

/// Number words a person reads as quantities.
const NUMBER_WORDS: [&str; 10] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
];

/// Reads features from an environment into reusable buffers.
#[derive(Debug, Clone, Default)]
pub struct Featurizer {
    /// Features of each candidate: `env.candidates()`, then [`Featurizer::extra`].
    pub candidates: Vec<Candidate>,
    /// Candidates the learner adds to the engine's, in this order: typing a
    /// small number the instruction writes outside its goal fields ("buy
    /// one") into a number field, and `finish` when the task ends by saying
    /// it is done.
    pub extra: Vec<Action>,
    reader: context::Reader,
    /// Small numbers of the instruction: (value, byte range of the word).
    numbers: Vec<(u32, usize, usize)>,
    /// The site last asked about, by address, and whether it ends by `finish`.
    finish_site: Option<(usize, bool)>,
    /// The screen agent's eyes, made on first use.
    eyes: Option<Box<super::screen::Eyes>>,
    /// Whether clicks are made at their box's centre (the screen agent).
    points: bool,
}

impl Featurizer {
    /// Whether `env`'s task ends by saying it is done (kept per site).
    fn finishes(&mut self, env: &Env) -> bool {
        let address = std::sync::Arc::as_ptr(env.site()) as usize;
        match self.finish_site {
            Some((a, yes)) if a == address => yes,
            _ => {
                let yes = ends_by_finish(env.site());
                self.finish_site = Some((address, yes));
                yes
            }
        }
    }

    /// Fills [`Featurizer::extra`] for the current step.
    fn extra_candidates(&mut self, env: &Env) {
        self.extra.clear();
        self.numbers.clear();
        let instruction = env.instruction();
        let mut at = 0;
        for word in instruction.split(' ') {
            let start = at;
            at += word.len() + 1;
            let w = word.trim_matches(|c: char| !c.is_alphanumeric());
            let value = match NUMBER_WORDS.iter().position(|n| n.eq_ignore_ascii_case(w)) {
                Some(k) => k as u32 + 1,
                None if !w.is_empty() && w.len() <= 3 && w.bytes().all(|b| b.is_ascii_digit()) => {
                    w.parse().unwrap_or(0)
                }
                None => continue,
            };
            // A number that is (part of) a goal value is typed as that field.
            if value == 0 || env.goal_fields().any(|(_, _, v)| v.contains(w)) {
                continue;
            }
            if !self.numbers.iter().any(|(v, _, _)| *v == value) {
                let offset = start + word.find(w).unwrap_or(0);
                self.numbers.push((value, offset, offset + w.len()));
            }
        }
        if !self.numbers.is_empty() {
            let nodes = env.nodes();
            let mut last = None;
            for action in env.candidates() {
                if let Action::Type(i, _) = action {
                    let number = nodes
                        .get(*i as usize)
                        .is_some_and(|n| n.role == Role::Number);
                    if number && last != Some(*i) {
                        last = Some(*i);
                        for (v, _, _) in &self.numbers {
                            self.extra
                                .push(Action::Type(*i, TypeText::Literal(v.to_string())));
                        }
                    }
                }
            }
        }
        if self.finishes(env) {
            self.extra.push(Action::Finish);
        }
    }

    /// The action of candidate `i` (an engine candidate or an extra one).
    /// The screen agent clicks at the centre of the box it chose, in the window.
    pub fn action(&self, env: &Env, i: usize) -> Option<Action> {
        let cands = env.candidates();
        match cands.get(i) {
            Some(Action::Click(id)) if self.points => {
                env.nodes().get(*id as usize)?;
                let (x, y) = env.bbox(*id).center();
                Some(Action::ClickAt {
                    x,
                    y: y - env.scroll_y(),
                })
            }
            Some(a) => Some(a.clone()),
            None => self.extra.get(i - cands.len()).cloned(),
        }
    }

    /// Which candidate of the current step (after [`Featurizer::compute`])
    /// an action is, if any. Typing literal text that no candidate types
    /// counts as typing a goal field into the same element.
    pub fn index_of(&self, env: &Env, action: &Action) -> Option<usize> {
        let cands = env.candidates();
        // The screen agent cannot click what is out of sight: a demonstrated
        // click there is, for it, a scroll towards it.
        if let (true, Action::Click(id)) = (self.points, action) {
            env.nodes().get(*id as usize)?;
            let b = env.bbox(*id);
            let (top, window) = (env.scroll_y(), env.site().height);
            let towards = if b.y + b.h / 2.0 > top + window {
                Some(1.0)
            } else if b.y + b.h / 2.0 < top {
                Some(-1.0)
            } else {
                None
            };
            if let Some(sign) = towards {
                let scroll = Action::Scroll(sign * window * SCREEN_SCROLL);
                if let Some(i) = self.extra.iter().position(|c| *c == scroll) {
                    return Some(cands.len() + i);
                }
            }
        }
        if let Some(i) = cands.iter().position(|c| c == action) {
            return Some(i);
        }
        if let Some(i) = self.extra.iter().position(|c| c == action) {
            return Some(cands.len() + i);
        }
        match action {
            Action::Type(n, TypeText::Literal(text)) => cands
                .iter()
                .position(|c| {
                    matches!(c, Action::Type(m, TypeText::Goal(g)) if m == n
                        && env.goal_value(*g as usize) == text)
                })
                .or_else(|| {
                    cands
                        .iter()
                        .position(|c| matches!(c, Action::Type(m, _) if m == n))
                }),
            _ => None,
        }
    }

    /// Computes the features of every candidate of the current step.
    #[allow(
        clippy::indexing_slicing,
        reason = "fixed slots of the `DENSE`-wide feature vector (the role slot is at most 9)"
    )]
    pub fn compute(&mut self, env: &Env, set: &FeatureSet) {
        self.candidates.clear();
        self.points = set.screen;
        if set.screen {
            // Pixels only: the instruction's small numbers are not read from its text.
            // What is below or above the window must be scrolled into sight first.
            self.extra.clear();
            let window = env.site().height;
            if env.page_height() > window {
                self.extra.push(Action::Scroll(window * SCREEN_SCROLL));
                self.extra.push(Action::Scroll(-window * SCREEN_SCROLL));
            }
            if self.finishes(env) {
                self.extra.push(Action::Finish);
            }
            let eyes = self.eyes.get_or_insert_with(Box::default);
            eyes.compute(env, env.candidates(), &self.extra, &mut self.candidates);
            return;
        }
        self.extra_candidates(env);
        if set.context {
            self.reader.begin(env);
        }
        let engine = env.candidates();
        let cands = engine.iter().chain(self.extra.iter());
        let width = env.site().width.max(1.0);
        let height = env.page_height().max(env.site().height).max(1.0);
        let step = env.steps() as f32 / env.step_limit().max(1) as f32;
        let page_token = bucket(env.page_id());
        let n = (engine.len() + self.extra.len()).max(1) as f32;
        for (ci, action) in cands.enumerate() {
            let mut c = Candidate::default();
            let node_id = match action {
                Action::Click(i) | Action::Type(i, _) | Action::Select(i, _) => Some(*i),
                _ => None,
            };
            let node = node_id.and_then(|i| env.nodes().get(i as usize));
            let d = &mut c.dense;
            d[0] = 1.0; // bias
            if set.role {
                let slot = match (action, node.map(|n| n.role)) {
                    (Action::Click(_), Some(Role::Button)) if node.is_some_and(|n| n.primary) => 2,
                    (Action::Click(_), Some(Role::Button)) => 1,
                    (Action::Click(_), Some(Role::Link)) => 3,
                    (Action::Click(_), Some(Role::Checkbox)) => 4,
                    (Action::Click(_), Some(Role::Radio)) => 5,
                    (Action::Type(..), _) => 6,
                    (Action::Select(..), _) => 7,
                    (Action::Scroll(_), _) => 8,
                    (Action::Finish, _) => FINISH_ROLE,
                    _ => 9,
                };
                d[slot] = 1.0;
            }
            if set.position {
                if let (Some(_), Some(id)) = (node, node_id) {
                    let (x, y) = env.bbox(id).center();
                    d[10] = x / width;
                    d[11] = y / height;
                }
                d[12] = ci as f32 / n;
            }
            if set.step {
                d[13] = step;
            }
            if set.goal_match {
                if let Some(n) = node {
                    goal_match(env, action, n, &mut d[14..25]);
                }
            }
            if set.context {
                match (node_id, action) {
                    (Some(i), _) => {
                        self.reader
                            .element(env, i, &mut d[CONTEXT_AT..CONTEXT_AT + CONTEXT])
                    }
                    (None, Action::Finish) => {
                        let notice = self.reader.finish(env, &mut d[FINISH_AT..FINISH_AT + 3]);
                        if set.label {
                            fill_tokens(notice, &mut c.label[..4]);
                        }
                    }
                    _ => {}
                }
            }
            if set.label {
                if let Some(n) = node {
                    let text = match action {
                        Action::Select(_, o) => n.options.get(*o as usize).map(String::as_str),
                        _ => None,
                    };
                    // The field's own label, then the option's words.
                    let label = if n.role.is_text_entry() || n.role == Role::Select {
                        field_label(env, node_id.unwrap_or(0))
                    } else {
                        n.label.as_str()
                    };
                    fill_tokens(label, &mut c.label[..4]);
                    if let Some(t) = text {
                        fill_tokens(t, &mut c.label[4..]);
                    }
                    match action {
                        Action::Type(_, TypeText::Goal(g)) => {
                            if let Some((_, name, _)) = env.goal_fields().find(|(i, _, _)| i == g) {
                                fill_tokens(name, &mut c.label[4..]);
                            }
                        }
                        // A number of the instruction: the word it is written as.
                        Action::Type(_, TypeText::Literal(t)) => {
                            let word = self
                                .numbers
                                .iter()
                                .find(|(v, _, _)| t.parse() == Ok(*v))
                                .and_then(|(_, a, b)| env.instruction().get(*a..*b));
                            fill_tokens(word.unwrap_or(""), &mut c.label[4..]);
                        }
                        _ => {}
                    }
                }
            }
            if set.selectors {
                if let Some(n) = node {
                    fill_tokens(&n.dom_id, &mut c.selector);
                }
            }
            if set.page {
                c.page = page_token;
            }
            self.candidates.push(c);
        }
        if set.goal_match && set.role {
            self.add_pending(env);
        }
    }

    /// Adds to every candidate what is still left to do on the page, read
    /// from the goal-match features of all candidates: boxes that match the
    /// goal and are unticked, ticked boxes that do not match, fields whose
    /// goal value is not typed yet, drop-downs not set to their goal value.
    /// This is what tells a "Submit" candidate whether the form is complete.
    #[allow(
        clippy::indexing_slicing,
        reason = "fixed slots of the `DENSE`-wide feature vector: goal-match features at 14..25, pending counts at 25..29"
    )]
    fn add_pending(&mut self, env: &Env) {
        let cands = env.candidates();
        let mut pending = [0.0f32; 4];
        let mut typed: Vec<u32> = Vec::new();
        for (c, action) in self.candidates.iter().zip(cands) {
            let m = &c.dense[14..25];
            match action {
                Action::Click(_) if c.dense[4] > 0.0 || c.dense[5] > 0.0 => {
                    if m[7] > 0.0 && m[8] == 0.0 {
                        pending[0] += 1.0;
                    }
                    if m[7] == 0.0 && m[8] > 0.0 {
                        pending[1] += 1.0;
                    }
                }
                Action::Type(i, _) if m[0] > 0.0 && m[1] == 0.0 && !typed.contains(i) => {
                    typed.push(*i);
                    pending[2] += 1.0;
                }
                Action::Select(..) if m[5] > 0.0 && m[6] == 0.0 => pending[3] += 1.0,
                _ => {}
            }
        }
        for c in &mut self.candidates {
            for (k, p) in pending.iter().enumerate() {
                c.dense[25 + k] = (p / 4.0).min(1.0);
            }
        }
    }

    /// The state features of the current step.
    pub fn state(env: &Env, set: &FeatureSet) -> StateFeatures {
        StateFeatures {
            page: if set.page && !set.screen {
                bucket(env.page_id())
            } else {
                NO_TOKEN
            },
            step: env.steps() as f32 / env.step_limit().max(1) as f32,
            choices: (env.candidates().len() as f32 / 32.0).min(2.0),
        }
    }
}

/// The visible label of an input: the label node beside it.
fn field_label(env: &Env, id: u32) -> &str {
    let nodes = env.nodes();
    let Some(parent) = nodes.get(id as usize).and_then(|n| n.parent) else {
        return "";
    };
    let Some(parent) = nodes.get(parent as usize) else {
        return "";
    };
    parent
        .children
        .iter()
        .filter_map(|&c| nodes.get(c as usize))
        .find(|c| c.role == Role::Label)
        .map(|c| c.label.as_str())
        .unwrap_or("")
}

/// Goal-match features, written into `out` (11 values).
#[allow(
    clippy::indexing_slicing,
    reason = "`out` is the 11-slot goal-match block of a candidate's feature vector"
)]
fn goal_match(env: &Env, action: &Action, n: &wobble_engine::Node, out: &mut [f32]) {
    let goals: Vec<(u16, &str, &str)> = env.goal_fields().collect();
    match action {
        Action::Type(i, TypeText::Goal(g)) => {
            let label = field_label(env, *i);
            let (name, value) = goals
                .iter()
                .find(|(gi, _, _)| gi == g)
                .map(|(_, n, v)| (*n, *v))
                .unwrap_or(("", ""));
            let current = env.value(*i);
            out[0] = name_match(label, name);
            out[1] = (!current.is_empty() && text_eq(current, value)) as u8 as f32;
            out[2] = (!current.is_empty()) as u8 as f32;
            // The same value already sits in another field of the page.
            let elsewhere = env.visible_nodes_with_ids().any(|(j, other)| {
                j != *i && other.role.is_text_entry() && text_eq(env.value(j), value)
            });
            out[3] = elsewhere as u8 as f32;
        }
        Action::Type(i, TypeText::Literal(text)) => {
            let current = env.value(*i);
            out[1] = (!current.is_empty() && text_eq(current, text)) as u8 as f32;
            out[2] = (!current.is_empty()) as u8 as f32;
        }
        Action::Select(i, o) => {
            let option = n.options.get(*o as usize).map(String::as_str).unwrap_or("");
            let label = field_label(env, *i);
            let matching = goals.iter().filter(|(_, _, v)| text_eq(option, v));
            let mut best_name = 0.0f32;
            let mut any = 0.0f32;
            for (_, name, _) in matching {
                any = 1.0;
                best_name = best_name.max(name_match(label, name));
            }
            out[4] = any;
            out[5] = best_name;
            out[6] = (text_eq(env.value(*i), option) && !option.is_empty()) as u8 as f32;
            out[2] = (!env.value(*i).is_empty()) as u8 as f32;
        }
        Action::Click(i) => {
            let label = n.label.as_str();
            out[7] = goals
                .iter()
                .map(|(_, _, v)| {
                    if text_eq(label, v) {
                        1.0
                    } else {
                        contains_words(v, label) * 0.5
                    }
                })
                .fold(0.0, f32::max);
            out[8] = env.checked(*i) as u8 as f32;
            row_features(env, *i, &goals, out);
        }
        _ => {}
    }
}

/// For an element inside a list row: how many goal values the row shows,
/// and whether the row holds the smallest number of its column among the
/// rows shown.
#[allow(
    clippy::indexing_slicing,
    reason = "`out` is the 11-slot goal-match block, and node ids from `parent` and `children` index `env.nodes()` (built together by the engine)"
)]
fn row_features(env: &Env, id: u32, goals: &[(u16, &str, &str)], out: &mut [f32]) {
    let nodes = env.nodes();
    let Some(item) = nodes[id as usize]
        .parent
        .filter(|&p| nodes[p as usize].role == Role::ListItem)
    else {
        return;
    };
    let texts = |item: u32| {
        nodes[item as usize]
            .children
            .iter()
            .map(|&c| nodes[c as usize].label.as_str())
    };
    let mut hits = 0;
    for (_, _, v) in goals {
        if texts(item).any(|t| t.contains(*v) || text_eq(t, v)) {
            hits += 1;
        }
    }
    // Numbers by column among the shown rows of the same list.
    let Some(list) = nodes[item as usize].parent else {
        return;
    };
    let rows: Vec<u32> = nodes[list as usize]
        .children
        .iter()
        .copied()
        .filter(|&r| nodes[r as usize].role == Role::ListItem && env.is_shown(r))
        .collect();
    let mine: Vec<Option<f64>> = texts(item).map(parse_number).collect();
    let mut is_min = 0.0f32;
    for (col, value) in mine.iter().enumerate() {
        let Some(v) = value else { continue };
        let min = rows
            .iter()
            .filter_map(|&r| {
                nodes[r as usize]
                    .children
                    .get(col)
                    .and_then(|&c| parse_number(&nodes[c as usize].label))
            })
            .fold(f64::INFINITY, f64::min);
        if *v <= min {
            is_min = 1.0;
        }
    }
    out[9] = hits as f32 / goals.len().max(1) as f32;
    out[10] = is_min;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_across_wordings() {
        assert_eq!(name_match("First name", "first"), 1.0);
        assert_eq!(name_match("Pay to", "payee"), 1.0);
        assert_eq!(name_match("Departure date (MM/DD/YYYY)", "date"), 1.0);
        assert_eq!(name_match("Given name", "last"), 0.0);
    }

    #[test]
    fn feature_groups_parse_and_print() {
        let set = FeatureSet::parse("role,label,goal-match").unwrap();
        assert!(set.role && set.label && set.goal_match && !set.position);
        assert_eq!(set.names(), "role,label,goal-match");
        assert!(FeatureSet::parse("colour").unwrap_err().contains("colour"));
        assert_eq!(
            FeatureSet::parse("all").unwrap().names().split(',').count(),
            8
        );
    }
}
