//! The oracle: an agent of the page that follows the task's solution recipe.
//!
//! # What it reads
//!
//! Everything the oracle decides from is a [`PageView`], built by
//! [`PageView::of`] and nothing else; [`OraclePolicy::decide`] takes that
//! view and the recipe, not the environment. The view holds:
//!
//! - the instruction and the goal fields shown to agents ([`Env::goal_fields`]);
//! - for each element shown now: its role, label, value (a password's
//!   masked), options, checked state, whether it can be used, whether it is
//!   in a dialog, which list row it is in and which radio group it belongs
//!   to (the page's visual grouping), and
//! - the key the *site file* gives it, through [`Env::site_key`], which
//!   answers `None` for anything a perturbation inserted. That key only tells
//!   which of the site's elements a recipe step means, as a plan written
//!   against the site would ("the Search button").
//!
//! It never reads table columns, derived fields, the state behind the page,
//! hidden goal values, element selectors or the keys of inserted elements.
//!
//! # How it decides
//!
//! - A step on one element acts on the site's element with that key, if it
//!   can be used now. `Type` and `Select` use a goal field only as the
//!   instruction shows it (the site compiler refuses recipes that read a
//!   hidden one; the oracle gives up if asked anyway).
//! - A step over list rows (`ClickRow`, `CheckRows`) chooses rows by what
//!   each row shows ([`Look`]): its texts, read as a person reads them, with
//!   amounts of money and numbers in every format a page writes them
//!   (`$1,234.50`, `USD 1,234.50`, `1.234,50 $`) and dates in any of the
//!   date formats.
//! - Perturbations put obstacles in the way that no recipe names. When the
//!   element a step means cannot be used, the oracle looks for what a person
//!   would: a button or link in a pop-up, banner or inserted confirmation or
//!   review step whose label says "go on" or "dismiss" (`Accept all`,
//!   `No thanks`, `Yes, continue`, `Looks good`...; never `Subscribe` or
//!   `Cookie settings`), and it waits while a line such as `Loading...` is
//!   shown. If nothing fits, it gives up with `Finish`, so a recipe that does
//!   not fit the page shows up as a failure, never as a silent pass.

use crate::Policy;
use wobble_engine::eval::text_eq;
use wobble_engine::site::{Look, ShownText, Step};
use wobble_engine::{Action, Env, Role, TypeText};

/// Solves tasks from their recipes, reading only the page.
#[derive(Debug, Clone, Default)]
pub struct OraclePolicy {
    next: usize,
    /// Why the recipe could not go on, this episode.
    trouble: Option<Trouble>,
    /// A step that had more than one way to go (it took the first).
    ambiguity: Option<Trouble>,
}

/// A recipe step the page did not fit, and how: what a site's author needs
/// to mend a recipe or a site (see `crate::check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trouble {
    /// The step's index in the task's recipe.
    pub step: usize,
    /// What the page showed instead.
    pub reason: String,
}

/// What the oracle sees now: the instruction, the shown goal fields and the
/// shown elements. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct PageView {
    /// The instruction, as shown.
    pub instruction: String,
    /// The goal fields shown to agents: (index, value).
    pub goal: Vec<(u16, String)>,
    /// The elements shown, in page order.
    pub elements: Vec<Seen>,
}

/// One element as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    /// The id actions name.
    pub id: u32,
    /// What it is.
    pub role: Role,
    /// Its text or accessible name.
    pub label: String,
    /// What a text field or select holds (masked for a password).
    pub value: String,
    /// A select's options.
    pub options: Vec<String>,
    /// A checkbox or radio button is ticked.
    pub checked: bool,
    /// It can be used now (shown, on the page, not under a dialog).
    pub usable: bool,
    /// It is part of a dialog or banner drawn over the page.
    pub in_dialog: bool,
    /// The list row it is in (the row's id).
    pub row: Option<u32>,
    /// The radio group a radio button belongs to (the group's id).
    pub group: Option<u32>,
    /// The key the site file gives it; `None` for an element a perturbation inserted.
    pub site_key: Option<String>,
}

impl PageView {
    /// What `env` shows now.
    pub fn of(env: &Env) -> PageView {
        let nodes = env.nodes();
        let role_of = |i: u32| nodes.get(i as usize).map(|n| n.role);
        // The nearest ancestor with a role, walking the page's visual nesting.
        let ancestor = |mut at: Option<u32>, role: Role| {
            while let Some(i) = at {
                if role_of(i) == Some(role) {
                    return Some(i);
                }
                at = nodes.get(i as usize).and_then(|n| n.parent);
            }
            None
        };
        let elements = env
            .visible_nodes_with_ids()
            .map(|(id, n)| {
                let value = if n.role.is_text_entry() || n.role == Role::Select {
                    if n.role == Role::Password {
                        "•".repeat(env.value(id).chars().count())
                    } else {
                        env.value(id).to_string()
                    }
                } else {
                    String::new()
                };
                Seen {
                    id,
                    role: n.role,
                    label: n.label.clone(),
                    value,
                    options: if n.role == Role::Select {
                        n.options.clone()
                    } else {
                        Vec::new()
                    },
                    checked: matches!(n.role, Role::Checkbox | Role::Radio) && env.checked(id),
                    usable: env.is_usable(id),
                    in_dialog: ancestor(Some(id), Role::Dialog).is_some(),
                    row: ancestor(n.parent, Role::ListItem),
                    group: n.parent.filter(|&p| role_of(p) == Some(Role::RadioGroup)),
                    site_key: env.site_key(id).map(str::to_string),
                }
            })
            .collect();
        PageView {
            instruction: env.instruction().to_string(),
            goal: env
                .goal_fields()
                .map(|(i, _, v)| (i, v.to_string()))
                .collect(),
            elements,
        }
    }

    /// A shown goal field's value; `None` for a field the page does not show.
    fn goal(&self, field: u32) -> Option<&str> {
        self.goal
            .iter()
            .find(|(i, _)| *i as u32 == field)
            .map(|(_, v)| v.as_str())
    }

    /// The shown instances of the site's element `key`, in page order.
    fn with_key<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Seen> + 'a {
        self.elements
            .iter()
            .filter(move |e| e.site_key.as_deref() == Some(key))
    }

    /// The first usable instance of `key` that satisfies `pred`.
    fn usable<'a>(&'a self, key: &'a str, pred: impl Fn(&Seen) -> bool) -> Option<&'a Seen> {
        self.with_key(key).find(|e| e.usable && pred(e))
    }

    /// The texts a list row shows, in order.
    fn row_texts(&self, row: u32) -> impl Iterator<Item = &str> {
        self.elements
            .iter()
            .filter(move |e| e.row == Some(row) && !e.label.trim().is_empty())
            .map(|e| e.label.as_str())
    }

    /// Whether a line says that content is still loading.
    fn loading(&self) -> bool {
        self.elements.iter().any(|e| {
            e.role == Role::Text && {
                let l = normalize(&e.label);
                ["loading", "please wait", "fetching"]
                    .iter()
                    .any(|w| l.starts_with(w))
                    && (l.ends_with("...") || l.ends_with('…'))
            }
        })
    }

    /// The control that clears an obstacle: a usable button or link whose
    /// label dismisses a pop-up or goes on past a confirmation or review
    /// step, one in a dialog or banner first.
    fn obstacle(&self) -> Option<Action> {
        self.in_dialog_obstacle().or_else(|| {
            self.elements
                .iter()
                .find(|e| goes_on(e))
                .map(|e| Action::Click(e.id))
        })
    }

    /// [`PageView::obstacle`], in a dialog or banner only.
    fn in_dialog_obstacle(&self) -> Option<Action> {
        self.elements
            .iter()
            .find(|e| e.in_dialog && goes_on(e))
            .map(|e| Action::Click(e.id))
    }

    /// The rows a look picks among `rows` (in page order).
    fn pick(&self, look: &Look, rows: Vec<u32>) -> Vec<u32> {
        match look {
            Look::All => rows,
            Look::Shows(t) => match self.text(t) {
                Some(want) => rows
                    .into_iter()
                    .filter(|&r| self.row_texts(r).any(|t| shows(t, want)))
                    .collect(),
                None => Vec::new(),
            },
            Look::ShowsOneOf(t) => match self.text(t) {
                Some(list) => {
                    let items = list_items(list);
                    rows.into_iter()
                        .filter(|&r| {
                            self.row_texts(r)
                                .any(|t| items.iter().any(|item| shows(t, item)))
                        })
                        .collect()
                }
                None => Vec::new(),
            },
            Look::Cheapest => {
                let priced: Vec<(u32, i64)> = rows
                    .into_iter()
                    .filter_map(|r| Some((r, self.row_texts(r).find_map(amount_in)?)))
                    .collect();
                let least = priced.iter().map(|&(_, a)| a).min();
                priced
                    .into_iter()
                    .filter(|&(_, a)| Some(a) == least)
                    .map(|(r, _)| r)
                    .collect()
            }
            Look::Not(l) => {
                let picked = self.pick(l, rows.clone());
                rows.into_iter().filter(|r| !picked.contains(r)).collect()
            }
            Look::And(looks) => looks.iter().fold(rows, |rows, l| self.pick(l, rows)),
        }
    }

    fn text<'a>(&'a self, t: &'a ShownText) -> Option<&'a str> {
        match t {
            ShownText::Goal(f) => self.goal(*f as u32),
            ShownText::Lit(s) => Some(s.as_str()),
        }
    }

    /// What a look asks of a row, in words, with the goal values it reads.
    fn describe_look(&self, look: &Look) -> String {
        match look {
            Look::All => "are taken".into(),
            Look::Shows(t) => format!(
                "shows \"{}\"",
                self.text(t).unwrap_or("(a goal field not shown)")
            ),
            Look::ShowsOneOf(t) => format!(
                "shows one of \"{}\"",
                self.text(t).unwrap_or("(a goal field not shown)")
            ),
            Look::Cheapest => "is the cheapest".into(),
            Look::Not(l) => format!("is not a row that {}", self.describe_look(l)),
            Look::And(looks) => looks
                .iter()
                .map(|l| self.describe_look(l))
                .collect::<Vec<_>>()
                .join(" and "),
        }
    }

    /// The rows of the shown instances of `key`, once each, in page order.
    fn rows_of(&self, key: &str) -> Vec<u32> {
        let mut rows = Vec::new();
        for r in self.with_key(key).filter_map(|e| e.row) {
            if !rows.contains(&r) {
                rows.push(r);
            }
        }
        rows
    }
}

/// Labels of the controls that dismiss a pop-up or banner, or go on past a
/// confirmation or review step (compared after [`normalize`]). What a person
/// knows about such dialogs; the offers they decline (`Subscribe`, `Cookie
/// settings`, `Cancel`, `Back`...) are not here.
const GO_ON: &[&str] = &[
    "accept",
    "accept all",
    "accept all cookies",
    "allow all",
    "allow cookies",
    "allow all cookies",
    "i agree",
    "agree",
    "got it",
    "ok",
    "okay",
    "close",
    "dismiss",
    "no thanks",
    "no, thanks",
    "maybe later",
    "continue",
    "yes, continue",
    "confirm",
    "proceed",
    "looks good",
];

/// Whether an element is a usable control labelled to go on or dismiss.
fn goes_on(e: &Seen) -> bool {
    e.usable
        && matches!(e.role, Role::Button | Role::Link)
        && GO_ON.contains(&normalize(&e.label).as_str())
}

/// What one recipe step comes to on the page now.
enum Outcome {
    /// Take this action; the step is done.
    Act(Action),
    /// Take this action; the step goes on (one checkbox of several).
    Again(Action),
    /// Nothing to do: the step already holds.
    Done,
    /// The element it means cannot be used now.
    Missing,
    /// It cannot be done from what is shown, for this reason.
    GiveUp(String),
}

impl OraclePolicy {
    /// Why the recipe could not go on this episode, if it could not.
    pub fn trouble(&self) -> Option<&Trouble> {
        self.trouble.as_ref()
    }

    /// The first step this episode that matched more than one row (the
    /// oracle took the first; a task that names one row is ambiguous).
    pub fn ambiguity(&self) -> Option<&Trouble> {
        self.ambiguity.as_ref()
    }

    /// Forgets the recipe's progress and troubles, for a new episode.
    pub fn restart(&mut self) {
        *self = OraclePolicy::default();
    }

    /// The next action, from the recipe and what is shown only.
    pub fn decide(&mut self, recipe: &[Step], page: &PageView) -> Action {
        if page.loading() {
            // Close a pop-up over the page while it loads, then wait.
            return page.in_dialog_obstacle().unwrap_or(Action::Scroll(0.0));
        }
        while let Some(step) = recipe.get(self.next) {
            let mut ambiguity = None;
            let outcome = Self::step(step, page, &mut ambiguity);
            if let (None, Some(reason)) = (&self.ambiguity, ambiguity) {
                self.ambiguity = Some(Trouble {
                    step: self.next,
                    reason,
                });
            }
            match outcome {
                Outcome::Act(action) => {
                    self.next += 1;
                    return action;
                }
                Outcome::Again(action) => return action,
                Outcome::Done => self.next += 1,
                Outcome::Missing => {
                    if let Some(action) = page.obstacle() {
                        return action;
                    }
                    self.give_up(missing(step, page));
                    return Action::Finish;
                }
                Outcome::GiveUp(reason) => {
                    self.give_up(reason);
                    return Action::Finish;
                }
            }
        }
        Action::Finish
    }

    fn give_up(&mut self, reason: String) {
        if self.trouble.is_none() {
            self.trouble = Some(Trouble {
                step: self.next,
                reason,
            });
        }
        self.next += 1;
    }

    /// What `step` comes to on `page`; a step that picks one row among
    /// several that fit says so in `ambiguity`.
    fn step(step: &Step, page: &PageView, ambiguity: &mut Option<String>) -> Outcome {
        let found = |e: Option<&Seen>, act: &dyn Fn(&Seen) -> Action| match e {
            Some(e) => Outcome::Act(act(e)),
            None => Outcome::Missing,
        };
        match step {
            Step::Click(key) => found(page.usable(key, |_| true), &|e| Action::Click(e.id)),
            Step::ClickRow(key, look) => {
                let rows = page.rows_of(key);
                if rows.is_empty() {
                    return Outcome::Missing;
                }
                let shown = rows.len();
                let picked = page.pick(look, rows);
                let Some(&row) = picked.first() else {
                    return Outcome::GiveUp(format!(
                        "none of the {shown} rows of \"{key}\" {}",
                        page.describe_look(look)
                    ));
                };
                if picked.len() > 1 && !matches!(look, Look::All) {
                    *ambiguity = Some(format!(
                        "{} rows of \"{key}\" fit the step (each {}), so the task does not say which one to take",
                        picked.len(),
                        page.describe_look(look)
                    ));
                }
                found(page.usable(key, |e| e.row == Some(row)), &|e| {
                    Action::Click(e.id)
                })
            }
            Step::Check(key) => match page.usable(key, |_| true) {
                Some(e) if e.checked => Outcome::Done,
                Some(e) => Outcome::Act(Action::Click(e.id)),
                None => Outcome::Missing,
            },
            Step::CheckRows(key, look) => {
                let rows = page.rows_of(key);
                if rows.is_empty() {
                    return Outcome::Missing;
                }
                let wanted = page.pick(look, rows);
                let wrong = page
                    .with_key(key)
                    .find(|e| e.row.is_some_and(|r| e.checked != wanted.contains(&r)));
                match wrong {
                    Some(e) if e.usable => Outcome::Again(Action::Click(e.id)),
                    Some(_) => Outcome::Missing,
                    None => Outcome::Done,
                }
            }
            Step::Type(key, field) => {
                if page.goal(*field).is_none() {
                    return Outcome::GiveUp(format!(
                        "the goal field it types into \"{key}\" is not shown"
                    ));
                }
                let g = (*field).min(u16::MAX as u32) as u16;
                found(page.usable(key, |e| e.role.is_text_entry()), &|e| {
                    Action::Type(e.id, TypeText::Goal(g))
                })
            }
            Step::TypeText(key, text) => {
                found(page.usable(key, |e| e.role.is_text_entry()), &|e| {
                    Action::Type(e.id, TypeText::Literal(text.clone()))
                })
            }
            Step::Select(key, field) => match page.goal(*field) {
                Some(want) => Self::select(page, key, want),
                None => Outcome::GiveUp(format!(
                    "the goal field it selects in \"{key}\" is not shown"
                )),
            },
            Step::SelectText(key, text) => Self::select(page, key, text),
            Step::Press(k) => {
                // A key press has no element to wait for: clear a pop-up first.
                match page.in_dialog_obstacle() {
                    Some(action) => Outcome::Again(action),
                    None => Outcome::Act(Action::Key(*k)),
                }
            }
        }
    }

    /// Chooses `want` in the select or radio group `key`.
    fn select(page: &PageView, key: &str, want: &str) -> Outcome {
        let Some(field) = page
            .with_key(key)
            .find(|e| matches!(e.role, Role::Select | Role::RadioGroup))
        else {
            return Outcome::Missing;
        };
        if field.role == Role::Select {
            if !field.usable {
                return Outcome::Missing;
            }
            return match field.options.iter().position(|o| text_eq(o, want)) {
                Some(i) => Outcome::Act(Action::Select(field.id, i.min(u16::MAX as usize) as u16)),
                None => Outcome::GiveUp(not_an_option(key, want, field.options.iter())),
            };
        }
        let mut radios = page
            .elements
            .iter()
            .filter(|e| e.group == Some(field.id) && e.role == Role::Radio)
            .peekable();
        if radios.peek().is_none() {
            return Outcome::Missing;
        }
        let labels: Vec<&String> = radios.clone().map(|e| &e.label).collect();
        match radios.find(|e| text_eq(&e.label, want)) {
            Some(e) if e.usable => Outcome::Act(Action::Click(e.id)),
            Some(_) => Outcome::Missing,
            None => Outcome::GiveUp(not_an_option(key, want, labels.into_iter())),
        }
    }
}

impl Policy for OraclePolicy {
    fn name(&self) -> &str {
        "oracle"
    }

    fn begin_episode(&mut self, _env: &Env) {
        self.restart();
    }

    fn act(&mut self, env: &Env) -> Action {
        // The recipe is the task's plan; everything else comes through the view.
        let site = env.site().clone();
        let recipe = site
            .tasks
            .get(env.task_index())
            .map_or(&[][..], |t| t.solution.as_slice());
        self.decide(recipe, &PageView::of(env))
    }
}

/// Why a step's element could not be used on the page shown.
fn missing(step: &Step, page: &PageView) -> String {
    let Some(key) = step.key() else {
        return "a key could not be pressed".into();
    };
    let heading = page
        .elements
        .iter()
        .find(|e| e.role == Role::Heading)
        .map_or(String::new(), |h| {
            format!(" (the page headed \"{}\")", h.label)
        });
    if page.with_key(key).next().is_some() {
        format!("\"{key}\" is shown but cannot be used now{heading}")
    } else {
        format!("no element \"{key}\" is shown on this page{heading}")
    }
}

/// `want` is not among a select's or radio group's options.
fn not_an_option<'a>(key: &str, want: &str, options: impl Iterator<Item = &'a String>) -> String {
    let options: Vec<&str> = options.map(String::as_str).collect();
    format!(
        "\"{want}\" is not among the options of \"{key}\" ({})",
        options.join(", ")
    )
}

// ----- Reading text as a person does -----

/// Lower case, with runs of white space as one space, trimmed.
fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The items of a list as an instruction writes it: "a, b and c".
fn list_items(list: &str) -> Vec<String> {
    list.split(',')
        .flat_map(|part| part.split(" and "))
        .map(normalize)
        .map(|s| s.trim_start_matches("and ").to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Whether a text shows `want`: the whole text reads it, or one of the
/// parts the text separates with punctuation (`Hoodies, 4.5 stars`); an
/// amount or a date also matches the same amount or date written another way.
fn shows(text: &str, want: &str) -> bool {
    let want_n = normalize(want);
    if want_n.is_empty() {
        return false;
    }
    let parts = std::iter::once(text).chain(text.split([',', ';', '|', '·', '(', ')', ':']));
    for part in parts {
        if normalize(part) == want_n || text_eq(part, want) {
            return true;
        }
    }
    if let Some(cents) = number_cents(want) {
        if amounts(text).any(|a| a == cents) {
            return true;
        }
    }
    if let Some(day) = date_of(want) {
        if dates(text).any(|d| d.contains(&day.0) || day.1.is_some_and(|alt| d.contains(&alt))) {
            return true;
        }
    }
    false
}

/// An amount of money in a text, in cents: a number written next to `$`,
/// `US$` or `USD`, before or after it, in any grouping (`$1,234.50`,
/// `USD 1,234.50`, `1.234,50 $`, `-$5`).
fn amount_in(text: &str) -> Option<i64> {
    amounts(text).next()
}

/// Every amount of money in a text, in cents, in order.
fn amounts(text: &str) -> impl Iterator<Item = i64> + '_ {
    number_tokens(text).filter_map(move |(start, end)| {
        let before = text.get(..start)?.trim_end();
        let after = text.get(end..)?.trim_start();
        let marked = |s: &str| s.ends_with('$') || s.ends_with("USD");
        let marked_after = after.starts_with('$') || after.starts_with("USD");
        if !(marked(before) || marked_after) {
            return None;
        }
        let cents = number_cents(text.get(start..end)?)?;
        let before_mark = before
            .trim_end_matches('$')
            .trim_end_matches("US")
            .trim_end_matches("USD")
            .trim_end();
        let negative = before_mark == "-" || before_mark.ends_with(" -");
        Some(if negative { -cents } else { cents })
    })
}

/// Byte ranges of the numbers written in a text: digits with `.` or `,`
/// between them.
fn number_tokens(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let b = bytes.get(i).copied().unwrap_or(0);
            let prev = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
            if b.is_ascii_digit() && !prev.is_some_and(|p| p.is_ascii_digit()) {
                let start = i;
                let mut end = i;
                while let Some(&c) = bytes.get(end) {
                    let next_digit = bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
                    if c.is_ascii_digit() || ((c == b'.' || c == b',') && next_digit) {
                        end += 1;
                    } else {
                        break;
                    }
                }
                i = end;
                return Some((start, end));
            }
            i += 1;
        }
        None
    })
}

/// A number in cents, however it is grouped: `1,234.50`, `1.234,50`,
/// `412,00`, `412`, with an optional `$`/`USD` around it and a sign.
fn number_cents(text: &str) -> Option<i64> {
    let t = text.trim();
    let negative = t.starts_with('-');
    let t = t
        .trim_start_matches('-')
        .trim_start_matches("USD")
        .trim_start_matches("US$")
        .trim_start_matches('$')
        .trim_end_matches('$')
        .trim_end_matches("USD")
        .trim();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let decimal = crate::numerals::decimal_mark(t);
    let (whole, frac) = match decimal {
        Some(p) => (t.get(..p)?, t.get(p + 1..)?),
        None => (t, ""),
    };
    let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
    if whole.is_empty() || frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let units: i64 = whole.parse().ok()?;
    let mut frac = frac.to_string();
    while frac.len() < 2 {
        frac.push('0');
    }
    let cents: i64 = frac.get(..2)?.parse().ok()?;
    let more = frac.get(2..).unwrap_or("");
    let round = more.bytes().next().is_some_and(|b| b >= b'5') as i64;
    let total = units.checked_mul(100)?.checked_add(cents + round)?;
    Some(if negative { -total } else { total })
}

/// A day as (year, month, day).
type Day = (u32, u32, u32);

/// The day a text names as a whole (`2026-03-14`, `03/14/2026`,
/// `14/03/2026`, `14.03.2026`), with the other reading of a slashed date
/// whose day and month could be swapped.
fn date_of(text: &str) -> Option<(Day, Option<Day>)> {
    let t = text.trim();
    let mut found = dates(t);
    let first = found.next()?;
    let mut days = first.into_iter();
    let a = days.next()?;
    Some((a, days.next()))
}

/// The dates written in a text, each as its possible readings.
fn dates(text: &str) -> impl Iterator<Item = Vec<Day>> + '_ {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter_map(|word| {
            let w = word.trim_end_matches('.');
            let nums: Vec<&str> = w.split(['-', '/', '.']).collect();
            let [a, b, c] = nums.as_slice() else {
                return None;
            };
            let n = |s: &str| -> Option<u32> {
                (s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty())
                    .then(|| s.parse().ok())
                    .flatten()
            };
            let (a, b, c) = (n(a)?, n(b)?, n(c)?);
            let valid = |(y, m, d): Day| (1..=12).contains(&m) && (1..=31).contains(&d) && y > 0;
            let readings: Vec<Day> = if w.contains('-') {
                vec![(a, b, c)]
            } else if w.contains('.') {
                vec![(c, b, a)]
            } else if a == b {
                vec![(c, a, b)]
            } else {
                vec![(c, a, b), (c, b, a)]
            };
            let readings: Vec<Day> = readings.into_iter().filter(|&d| valid(d)).collect();
            (!readings.is_empty()).then_some(readings)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_in_every_money_format() {
        for (text, cents) in [
            ("$412", 41200),
            ("$412.00", 41200),
            ("$1,234.50", 123450),
            ("USD 1,234.50", 123450),
            ("USD 412.00", 41200),
            ("412,00 $", 41200),
            ("1.234,50 $", 123450),
            ("12.345.678,90 $", 1234567890),
            ("Subtotal $99.95", 9995),
            ("$24.95 each", 2495),
            ("-$5.00", -500),
        ] {
            assert_eq!(amount_in(text), Some(cents), "{text}");
        }
        for text in [
            "Departs 08:15",
            "SW 123",
            "4.5 stars",
            "2h 35m",
            "2026-03-14",
        ] {
            assert_eq!(amount_in(text), None, "{text}");
        }
    }

    #[test]
    fn texts_show_phrases_amounts_and_dates() {
        assert!(shows("Classic Crew Tee", "classic crew tee"));
        assert!(!shows("Classic Crew Tee 2-Pack", "Classic Crew Tee"));
        assert!(shows("Hoodies, 4.5 stars", "Hoodies"));
        assert!(shows("USD 1,234.50", "1234.5"));
        assert!(shows("1.234,50 $", "$1,234.50"));
        assert!(shows("14.03.2026", "2026-03-14"));
        assert!(shows("03/14/2026", "2026-03-14"));
        assert!(!shows("03/15/2026", "2026-03-14"));
    }

    #[test]
    fn lists_split_at_commas_and_and() {
        assert_eq!(
            list_items("apple, bridge and candle"),
            ["apple", "bridge", "candle"]
        );
        assert_eq!(list_items("quilt"), ["quilt"]);
    }

    #[test]
    fn go_on_labels_are_not_the_offers_a_person_declines() {
        for decoy in [
            "Manage choices",
            "Cookie settings",
            "More options",
            "Subscribe",
            "Sign me up",
            "Yes, send me deals",
            "Cancel",
            "Go back",
            "Not yet",
            "Back",
            "Edit",
            "Start over",
        ] {
            assert!(!GO_ON.contains(&normalize(decoy).as_str()), "{decoy}");
        }
    }
}
