//! The oracle: follows the task's solution recipe through the observation.
//!
//! Each recipe step names elements by their stable keys; the oracle looks
//! them up among the elements usable *now* (on screen, not covered), reads
//! options and checkbox states from the observation, and takes the ground
//! truth only from the goal fields. If a step's element cannot be found the
//! oracle gives up with `Finish`, so a recipe that does not fit the page
//! shows up as a failure, never as a silent pass.
//!
//! Perturbations put obstacles in the way that no recipe names; the oracle
//! clears them the way a person would, from what it sees: it dismisses a
//! pop-up (`wobble:dismiss`), goes past an inserted confirmation
//! (`wobble:continue`), and waits while a `wobble:loading` line is shown.

use crate::Policy;
use wobble_engine::compile::StepC;
use wobble_engine::eval::text_eq;
use wobble_engine::perturb::{CONTINUE_KEY, DISMISS_KEY, LOADING_KEY};
use wobble_engine::{Action, Env, Role, TypeText};

/// Solves tasks from their recipes.
#[derive(Debug, Clone, Default)]
pub struct OraclePolicy {
    next: usize,
}

impl OraclePolicy {
    /// What to do about an obstacle a perturbation put on screen, if there is one.
    fn obstacle(env: &Env) -> Option<Action> {
        for key in [DISMISS_KEY, CONTINUE_KEY] {
            if let Some(i) = Self::find(env, key, |_| true) {
                return Some(Action::Click(i));
            }
        }
        env.visible_nodes_with_ids()
            .any(|(_, n)| n.key == LOADING_KEY)
            .then_some(Action::Scroll(0.0))
    }

    fn find(env: &Env, key: &str, pred: impl Fn(u32) -> bool) -> Option<u32> {
        env.visible_nodes_with_ids()
            .find(|&(i, n)| env.is_usable(i) && n.base_key == key && pred(i))
            .map(|(i, _)| i)
    }

    fn type_action(env: &Env, node: u32, field: u32) -> Action {
        let visible = env.goal_fields().any(|(g, _, _)| g as u32 == field);
        if visible {
            Action::Type(node, TypeText::Goal(field as u16))
        } else {
            Action::Type(
                node,
                TypeText::Literal(env.goal_value(field as usize).to_string()),
            )
        }
    }

    fn select_action(env: &Env, key: &str, want: &str) -> Option<Action> {
        let (node, n) = env.visible_nodes_with_ids().find(|(_, n)| {
            n.base_key == key && matches!(n.role, Role::Select | Role::RadioGroup)
        })?;
        if n.role == Role::Select {
            if !env.is_usable(node) {
                return None;
            }
            let option = n.options.iter().position(|o| text_eq(o, want))?;
            Some(Action::Select(node, option as u16))
        } else {
            let radio = n.children.iter().copied().find(|&c| {
                env.is_usable(c)
                    && (env.nodes().get(c as usize)).is_some_and(|r| text_eq(&r.label, want))
            })?;
            Some(Action::Click(radio))
        }
    }
}

impl Policy for OraclePolicy {
    fn name(&self) -> &str {
        "oracle"
    }

    fn begin_episode(&mut self, _env: &Env) {
        self.next = 0;
    }

    fn act(&mut self, env: &Env) -> Action {
        if let Some(obstacle) = Self::obstacle(env) {
            return obstacle;
        }
        let site = env.site().clone();
        let recipe = site
            .tasks
            .get(env.task_index())
            .map_or(&[][..], |t| t.solution.as_slice());
        while let Some(step) = recipe.get(self.next) {
            let action = match step {
                StepC::Click(key) => Self::find(env, key, |_| true).map(Action::Click),
                StepC::ClickWhere(key, cond) => {
                    Self::find(env, key, |i| env.eval_in_row(cond, i)).map(Action::Click)
                }
                StepC::Check(key) => match Self::find(env, key, |_| true) {
                    Some(i) if !env.checked(i) => Some(Action::Click(i)),
                    Some(_) => {
                        self.next += 1;
                        continue;
                    }
                    None => None,
                },
                StepC::CheckWhere(key, cond) => {
                    // One click per step until every instance matches; not advanced until then.
                    let wrong =
                        Self::find(env, key, |i| env.checked(i) != env.eval_in_row(cond, i));
                    match wrong {
                        Some(i) => return Action::Click(i),
                        None => {
                            self.next += 1;
                            continue;
                        }
                    }
                }
                StepC::Type(key, field) => Self::find(env, key, |i| is_text_entry(env, i))
                    .map(|i| Self::type_action(env, i, *field)),
                StepC::TypeText(key, text) => Self::find(env, key, |i| is_text_entry(env, i))
                    .map(|i| Action::Type(i, TypeText::Literal(text.clone()))),
                StepC::Select(key, field) => {
                    Self::select_action(env, key, env.goal_value(*field as usize))
                }
                StepC::SelectText(key, text) => Self::select_action(env, key, text),
                StepC::Press(k) => Some(Action::Key(*k)),
            };
            self.next += 1;
            return action.unwrap_or(Action::Finish);
        }
        Action::Finish
    }
}

/// Whether node `i` of `env` takes typed text.
fn is_text_entry(env: &Env, i: u32) -> bool {
    env.nodes()
        .get(i as usize)
        .is_some_and(|n| n.role.is_text_entry())
}
