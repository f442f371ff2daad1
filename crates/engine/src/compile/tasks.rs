//! Compiling tasks: composed tasks expanded from their parts, goal fields,
//! the instruction and its paraphrases, success conditions, and the solution
//! recipe, checked against what the instruction shows.

use super::{Compiler, Scope, Seg, SiteError};
use crate::eval::text_eq;
use crate::format;
use crate::site::{Elem, ElemId, Gen, InstrPart, Look, Options, Role, ShownText, Step, Task};

/// A task's step limit when its file gives none.
const DEFAULT_STEP_LIMIT: u32 = 30;

/// "Log in as {user}." and "Transfer {amount} to {payee}." become "Log in as
/// {user}, then transfer {amount} to {payee}." (a part that starts with a
/// field or a capitalised name keeps its case only if its second letter is
/// capitalised too, as in "ID").
fn compose_instructions<'t>(parts: impl Iterator<Item = &'t str>) -> String {
    let mut out = String::new();
    for (i, part) in parts.enumerate() {
        let part = part.trim().trim_end_matches('.');
        if i == 0 {
            out.push_str(part);
            continue;
        }
        out.push_str(", then ");
        let mut chars = part.chars();
        match (chars.next(), chars.clone().next()) {
            (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
                out.extend(first.to_lowercase());
                out.push_str(chars.as_str());
            }
            _ => out.push_str(part),
        }
    }
    out.push('.');
    out
}

impl Compiler<'_> {
    /// Fills in every composed task (`chain`) from its parts, which must be
    /// tasks of this site that are not composed themselves; what the composed
    /// task gives itself is kept. See [`format::TaskDef::chain`].
    pub(super) fn expand_chains(&self, tasks: &mut [format::TaskDef]) -> Result<(), SiteError> {
        let plain: Vec<format::TaskDef> = tasks
            .iter()
            .filter(|t| t.chain.is_empty())
            .cloned()
            .collect();
        for (i, task) in tasks.iter_mut().enumerate() {
            if task.chain.is_empty() {
                continue;
            }
            let here = [Seg::Field("tasks"), Seg::Index(i)];
            if task.chain.len() < 2 {
                return Err(self.err_in(
                    &here,
                    &task.name,
                    format!(
                        "task \"{}\" chains only one task; a chain names two or more",
                        task.name
                    ),
                ));
            }
            let mut parts = Vec::new();
            for name in &task.chain {
                match plain.iter().find(|t| &t.name == name) {
                    Some(part) => parts.push(part),
                    None => {
                        return Err(self.err_in(
                            &here,
                            name,
                            format!(
                                "task \"{}\" chains \"{name}\", which is not a task of this site (or is composed itself); expected one of: {}",
                                task.name,
                                plain.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
                            ),
                        ))
                    }
                }
            }
            let union = |pick: fn(&format::TaskDef) -> &Vec<(String, format::Gen)>| {
                let mut out: Vec<(String, format::Gen)> = Vec::new();
                for part in &parts {
                    for (name, gen) in pick(part) {
                        if !out.iter().any(|(n, _)| n == name) {
                            out.push((name.clone(), gen.clone()));
                        }
                    }
                }
                out
            };
            if task.goal.is_empty() {
                task.goal = union(|t| &t.goal);
            }
            if task.derived.is_empty() {
                task.derived = union(|t| &t.derived);
            }
            if task.instruction.trim().is_empty() {
                task.instruction =
                    compose_instructions(parts.iter().map(|p| p.instruction.as_str()));
            }
            if task.step_limit.is_none() {
                task.step_limit = Some(
                    parts
                        .iter()
                        .map(|p| p.step_limit.unwrap_or(DEFAULT_STEP_LIMIT))
                        .fold(0u32, u32::saturating_add),
                );
            }
            if task.success.is_empty() {
                task.success = parts
                    .iter()
                    .flat_map(|p| p.success.iter().cloned())
                    .collect();
            }
            if task.solution.is_empty() {
                task.solution = parts
                    .iter()
                    .flat_map(|p| p.solution.iter().cloned())
                    .collect();
            }
        }
        if let Some((i, task)) = tasks
            .iter()
            .enumerate()
            .find(|(_, t)| t.chain.is_empty() && t.instruction.trim().is_empty())
        {
            return Err(self.err_in(
                &[Seg::Field("tasks"), Seg::Index(i)],
                &task.name,
                format!("task \"{}\" has no `instruction`; only a composed task (`chain`) may leave it out", task.name),
            ));
        }
        Ok(())
    }

    pub(super) fn task(&mut self, task: &format::TaskDef) -> Result<Task, SiteError> {
        if task.name.trim().is_empty() {
            return Err(self.err("name", "a task has an empty name".into()));
        }
        self.goal_fields = Vec::new();
        let goal_scope = Scope {
            row_table: None,
            goal: true,
        };
        let mut goal = Vec::new();
        let task_path = self.at.clone();
        let part = |field: &'static str, i: usize| {
            let mut path = task_path.clone();
            path.extend([Seg::Field(field), Seg::Index(i)]);
            path
        };
        for (i, (name, g)) in task.goal.iter().enumerate() {
            self.at = part("goal", i);
            if self.goal_fields.contains(name) {
                return Err(self.err(name, format!("goal field \"{name}\" is defined twice")));
            }
            let gen = self.gen(g, goal_scope, false)?;
            if let Gen::Unique { list, except } = &gen {
                let distinct = self.distinct_items(*list);
                if distinct <= except.len() {
                    return Err(self.err(
                        name,
                        format!("goal field \"{name}\" is drawn with Unique from a list of {distinct} distinct items, all of which the {} goal fields in `except` may take; add items to the list", except.len()),
                    ));
                }
            }
            goal.push(gen);
            self.goal_fields.push(name.clone());
        }
        // Tables read goal fields by their index among the fields every task
        // defines; map those to this task's own indices.
        let table_goal_map = self
            .table_goal_fields
            .iter()
            .map(|n| self.goal_fields.iter().position(|f| f == n).unwrap_or(0) as u32)
            .collect();
        let mut derived = Vec::new();
        for (i, (name, g)) in task.derived.iter().enumerate() {
            self.at = part("derived", i);
            if self.goal_fields.contains(name) {
                return Err(self.err(name, format!("goal field \"{name}\" is defined twice")));
            }
            derived.push(self.gen(g, goal_scope, true)?);
            self.goal_fields.push(name.clone());
        }
        // Instruction, and its other wordings (which must name the same fields).
        self.at = task_path.clone();
        self.at.push(Seg::Field("instruction"));
        let mut visible = vec![false; self.goal_fields.len()];
        let instruction = self.instruction(&task.instruction, &mut visible)?;
        let mut paraphrases = Vec::new();
        for (i, text) in task.paraphrases.iter().enumerate() {
            self.at = part("paraphrases", i);
            let mut named = vec![false; self.goal_fields.len()];
            paraphrases.push(self.instruction(text, &mut named)?);
            if named != visible {
                let names = |v: &[bool]| {
                    self.goal_fields
                        .iter()
                        .zip(v)
                        .filter(|(_, &on)| on)
                        .map(|(n, _)| format!("{{{n}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Err(self.err(
                    text,
                    format!(
                        "this paraphrase names {} but the instruction names {}; a paraphrase must name the same goal fields",
                        names(&named),
                        names(&visible)
                    ),
                ));
            }
        }
        self.at = task_path.clone();
        if task.success.is_empty() {
            return Err(self.err(
                &task.name,
                "the task has no success conditions; expected at least one (Cond, \"reason\")"
                    .into(),
            ));
        }
        let mut success = Vec::new();
        for (i, (c, reason)) in task.success.iter().enumerate() {
            self.at = part("success", i);
            success.push((self.cond(c, goal_scope)?, reason.clone()));
        }
        self.at = task_path.clone();
        if task.solution.is_empty() {
            return Err(self.err(
                &task.name,
                "the task has no solution recipe; expected the steps that solve it".into(),
            ));
        }
        let mut solution = Vec::new();
        for (i, s) in task.solution.iter().enumerate() {
            self.at = part("solution", i);
            solution.push(self.step(s, &visible, &goal)?);
        }
        self.at = task_path;
        Ok(Task {
            name: task.name.clone(),
            instruction,
            fields: self.goal_fields.clone(),
            visible,
            goal,
            derived,
            table_goal_map,
            step_limit: task
                .step_limit
                .unwrap_or(DEFAULT_STEP_LIMIT)
                .clamp(1, 10_000),
            success,
            solution,
            paraphrases,
        })
    }

    /// Splits an instruction into literal parts and goal fields, marking the fields it names.
    pub(super) fn instruction(
        &self,
        text: &str,
        named: &mut [bool],
    ) -> Result<Vec<InstrPart>, SiteError> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let Some(close_rel) = rest[open..].find('}') else {
                return Err(self.err(
                    text,
                    "the instruction has a `{` without a closing `}`".into(),
                ));
            };
            if open > 0 {
                parts.push(InstrPart::Lit(rest[..open].to_string()));
            }
            let name = &rest[open + 1..open + close_rel];
            let f = self.goal_field(name)?;
            if let Some(v) = named.get_mut(f as usize) {
                *v = true;
            }
            parts.push(InstrPart::Field(f));
            rest = &rest[open + close_rel + 1..];
        }
        if !rest.is_empty() {
            parts.push(InstrPart::Lit(rest.to_string()));
        }
        Ok(parts)
    }

    /// The texts a goal generator can produce, when they are known before
    /// any seed is drawn (a literal, or the items of a list); empty otherwise.
    fn possible_values(&self, g: &Gen) -> Vec<String> {
        match g {
            Gen::Lit(t) => vec![t.clone()],
            Gen::Pick(l) | Gen::Unique { list: l, .. } => self
                .list_items
                .get(*l as usize)
                .cloned()
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The options of a select or radio group written in the file (its
    /// items, or the items of its list); `None` when a table supplies them.
    fn static_options(&self, e: &Elem) -> Option<Vec<String>> {
        match e.options.as_ref()? {
            Options::Items(items) => Some(items.clone()),
            Options::List(l) => self.list_items.get(*l as usize).cloned(),
            Options::Column(..) => None,
        }
    }

    /// Whether choosing `text` in `e` can succeed: it is one of the options
    /// written in the file, or the options come from a table.
    fn offers(&self, e: &Elem, text: &str) -> bool {
        self.static_options(e)
            .is_none_or(|options| options.iter().any(|o| text_eq(o, text)))
    }

    pub(super) fn elem_with_key(&self, key: &str) -> Option<&Elem> {
        self.elems.iter().find(|e| e.key.as_deref() == Some(key))
    }

    pub(super) fn list_table_of(&self, key: &str) -> Option<u32> {
        // The table of the list whose row template holds this key.
        for e in &self.elems {
            if let Some(list) = &e.list {
                if self.subtree_has_key(&e.children, key) {
                    return Some(list.table);
                }
            }
        }
        None
    }

    pub(super) fn subtree_has_key(&self, elems: &[ElemId], key: &str) -> bool {
        elems.iter().any(|&i| {
            self.elems.get(i.index()).is_some_and(|e| {
                e.key.as_deref() == Some(key) || self.subtree_has_key(&e.children, key)
            })
        })
    }

    /// A goal field a recipe step reads: one the instruction names, since
    /// the recipe is followed by someone who reads only what is shown.
    pub(super) fn shown_goal_field(&self, name: &str, visible: &[bool]) -> Result<u32, SiteError> {
        let f = self.goal_field(name)?;
        if !visible.get(f as usize).copied().unwrap_or(false) {
            return Err(self.err(
                name,
                format!("the solution reads goal field \"{name}\", which the instruction does not name; the recipe may use only what agents are shown"),
            ));
        }
        Ok(f)
    }

    pub(super) fn look(&self, look: &format::Look, visible: &[bool]) -> Result<Look, SiteError> {
        use format::Look as L;
        let text = |v: &format::Value| -> Result<ShownText, SiteError> {
            match v {
                format::Value::Lit(t) => Ok(ShownText::Lit(t.clone())),
                format::Value::Goal(name) => {
                    let f = self.shown_goal_field(name, visible)?;
                    Ok(ShownText::Goal(f.min(u16::MAX as u32) as u16))
                }
                other => Err(self.err(
                    match other {
                        format::Value::Row(name) | format::Value::State(name) => name,
                        _ => "Shows",
                    },
                    format!("a recipe's look reads a row as shown, so it may search only for `Goal(\"field\")` or `Lit(\"text\")`, not {other:?}"),
                )),
            }
        };
        Ok(match look {
            L::All => Look::All,
            L::Shows(v) => Look::Shows(text(v)?),
            L::ShowsOneOf(v) => Look::ShowsOneOf(text(v)?),
            L::Cheapest => Look::Cheapest,
            L::Not(l) => Look::Not(Box::new(self.look(l, visible)?)),
            L::And(looks) => Look::And(
                looks
                    .iter()
                    .map(|l| self.look(l, visible))
                    .collect::<Result<Vec<_>, SiteError>>()?,
            ),
        })
    }

    /// Compiles a recipe step; `goal` holds the task's goal generators, so a
    /// step that selects a goal value can be checked against the options.
    pub(super) fn step(
        &self,
        s: &format::Step,
        visible: &[bool],
        goal: &[Gen],
    ) -> Result<Step, SiteError> {
        use format::Step as S;
        let key_of = |k: &str| -> Result<&Elem, SiteError> {
            self.elem_with_key(k).ok_or_else(|| {
                self.err(
                    k,
                    format!("the solution names \"{k}\", but no element has that key"),
                )
            })
        };
        let goal_scope = Scope {
            row_table: None,
            goal: true,
        };
        Ok(match s {
            S::Click(k) => {
                key_of(k)?;
                Step::Click(k.clone())
            }
            S::Check(k) => {
                key_of(k)?;
                Step::Check(k.clone())
            }
            S::ClickRow(k, look) | S::CheckRows(k, look) => {
                let e = key_of(k)?;
                self.list_table_of(k).ok_or_else(|| {
                    self.err(
                        k,
                        format!("\"{k}\" is not inside a List row, so there is no row to choose"),
                    )
                })?;
                if matches!(s, S::CheckRows(..)) && e.role != Role::Checkbox {
                    return Err(self.err(
                        k,
                        format!(
                            "the solution cannot tick \"{k}\": it is a {}",
                            e.role.name()
                        ),
                    ));
                }
                let look = self.look(look, visible)?;
                if matches!(s, S::ClickRow(..)) {
                    Step::ClickRow(k.clone(), look)
                } else {
                    Step::CheckRows(k.clone(), look)
                }
            }
            S::Type(k, f) | S::Select(k, f) => {
                let e = key_of(k)?;
                let want_select = matches!(s, S::Select(..));
                let ok = if want_select {
                    matches!(e.role, Role::Select | Role::RadioGroup)
                } else {
                    e.role.is_text_entry()
                };
                if !ok {
                    return Err(self.err(
                        k,
                        format!(
                            "the solution cannot {} \"{k}\": it is a {}",
                            if want_select {
                                "select an option of"
                            } else {
                                "type into"
                            },
                            e.role.name()
                        ),
                    ));
                }
                let _ = goal_scope;
                let field = f;
                let f = self.shown_goal_field(f, visible)?;
                if want_select {
                    let values = goal.get(f as usize).map(|g| self.possible_values(g));
                    if let Some(missing) = values
                        .unwrap_or_default()
                        .into_iter()
                        .find(|v| !self.offers(e, v))
                    {
                        return Err(self.err(
                            k,
                            format!(
                                "the goal field \"{field}\" can be \"{missing}\", which is not among the options of \"{k}\" ({}); a goal must be one of the options it is chosen from",
                                self.static_options(e).unwrap_or_default().join(", ")
                            ),
                        ));
                    }
                    Step::Select(k.clone(), f)
                } else {
                    Step::Type(k.clone(), f)
                }
            }
            S::TypeText(k, t) => {
                key_of(k)?;
                Step::TypeText(k.clone(), t.clone())
            }
            S::SelectText(k, t) => {
                let e = key_of(k)?;
                if !matches!(e.role, Role::Select | Role::RadioGroup) {
                    return Err(self.err(
                        k,
                        format!(
                            "the solution cannot select an option of \"{k}\": it is a {}",
                            e.role.name()
                        ),
                    ));
                }
                if !self.offers(e, t) {
                    return Err(self.err(
                        t,
                        format!(
                            "the solution selects \"{t}\", which is not among the options of \"{k}\" ({})",
                            self.static_options(e).unwrap_or_default().join(", ")
                        ),
                    ));
                }
                Step::SelectText(k.clone(), t.clone())
            }
            S::Press(key) => Step::Press(*key),
        })
    }
}
