//! BrowserGym's action strings turned into engine actions, checked against
//! what the page shows now.
//!
//! | string | engine action |
//! |---|---|
//! | `click('12')`, `click('12', button='left')` | click element 12 |
//! | `fill('6', 'Hiro')`, `clear('6')` | replace a field's text |
//! | `select_option('8', 'Phoenix')` (or `['Phoenix']`) | choose the option with that text |
//! | `check('9')`, `uncheck('9')` | click it if it is not already so (else time passes) |
//! | `press('Enter')`, `keyboard_press('Tab')`, `press('6', 'Enter')` | press Enter, Tab or Escape |
//! | `scroll(0, 200)` | scroll the page down 200 pixels |
//! | `mouse_click(640, 300)` | click at a point of the window |
//! | `noop()`, `noop(wait_ms=500)` | let a step pass |
//! | `send_msg_to_user('done')`, `report_infeasible('...')` | declare the task finished: its success conditions decide |
//!
//! Anything else is an error message (the caller reports it as
//! `last_action_error`), never a panic.

use crate::call::{self, Call, Literal};
use wobble_engine::{Action, Env, Key, Role, TypeText};

/// What a string asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// An engine action.
    Act(Action),
    /// Nothing changes, but a step passes (`noop`, or `check` on a ticked box).
    Wait,
}

/// The action names this reader knows, as an error lists them.
pub const NAMES: &str = "click, fill, clear, select_option, check, uncheck, press, \
keyboard_press, scroll, mouse_click, noop, send_msg_to_user, report_infeasible";

/// Reads `text` as one action on `env` now.
pub fn read(env: &Env, text: &str) -> Result<Intent, String> {
    let call = call::parse(text)?;
    let a = Args::new(&call);
    let intent = match call.name.as_str() {
        "click" => {
            a.shape(1, &["bid", "button", "modifiers"], "click('12')")?;
            if let Some(b) = a.keyword("button") {
                if *b != Literal::Str("left".into()) {
                    return Err(format!(
                        "click: only the left button is offered here, got button={}",
                        b.describe()
                    ));
                }
            }
            Intent::Act(Action::Click(element(env, &call.name, a.arg(0, "bid"))?))
        }
        "fill" => {
            a.shape(2, &["bid", "value"], "fill('6', 'Hiro')")?;
            let id = text_field(env, &call.name, a.arg(0, "bid"))?;
            let value = string(&call.name, "value", a.arg(1, "value"))?;
            Intent::Act(Action::Type(id, TypeText::Literal(value)))
        }
        "clear" => {
            a.shape(1, &["bid"], "clear('6')")?;
            let id = text_field(env, &call.name, a.arg(0, "bid"))?;
            Intent::Act(Action::Type(id, TypeText::Literal(String::new())))
        }
        "select_option" => {
            a.shape(2, &["bid", "options"], "select_option('8', 'Phoenix')")?;
            let id = element(env, &call.name, a.arg(0, "bid"))?;
            let node = env.nodes().get(id as usize);
            let options = node.map(|n| n.options.as_slice()).unwrap_or_default();
            if node.is_none_or(|n| n.role != Role::Select) {
                return Err(format!("select_option: element [{id}] is not a select"));
            }
            let wanted = match a.arg(1, "options") {
                Some(Literal::List(items)) if items.len() == 1 => items.first(),
                Some(Literal::List(items)) => {
                    return Err(format!(
                        "select_option: element [{id}] takes one option, got {}",
                        items.len()
                    ))
                }
                other => other,
            };
            let wanted = string(&call.name, "options", wanted)?;
            let index = options.iter().position(|o| *o == wanted).or_else(|| {
                options
                    .iter()
                    .position(|o| o.trim().eq_ignore_ascii_case(wanted.trim()))
            });
            match index.and_then(|i| u16::try_from(i).ok()) {
                Some(i) => Intent::Act(Action::Select(id, i)),
                None => {
                    return Err(format!(
                    "select_option: element [{id}] has no option {wanted:?}; its options are {}",
                    options
                        .iter()
                        .map(|o| format!("{o:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                }
            }
        }
        "check" | "uncheck" => {
            a.shape(1, &["bid"], "check('9')")?;
            let id = element(env, &call.name, a.arg(0, "bid"))?;
            let role = env.nodes().get(id as usize).map(|n| n.role);
            if !matches!(role, Some(Role::Checkbox | Role::Radio)) {
                return Err(format!(
                    "{}: element [{id}] is not a checkbox or radio button",
                    call.name
                ));
            }
            if env.checked(id) == (call.name == "check") {
                Intent::Wait
            } else {
                Intent::Act(Action::Click(id))
            }
        }
        "press" | "keyboard_press" => {
            let key_at = if call.name == "press" && call.args.len() == 2 {
                1
            } else {
                0
            };
            let names: &[&str] = if key_at == 1 {
                &["bid", "key_comb"]
            } else {
                &["key"]
            };
            a.shape(key_at + 1, names, "press('Enter')")?;
            if key_at == 1 {
                let id = element(env, &call.name, a.arg(0, "bid"))?;
                if env.focus() != Some(id) {
                    return Err(format!(
                        "press: element [{id}] does not have the focus; fill or click it first, or press('Enter') for the focused element"
                    ));
                }
            }
            let name = string(&call.name, "key", a.arg(key_at, "key"))?;
            let key = match name.to_ascii_lowercase().as_str() {
                "enter" => Key::Enter,
                "tab" => Key::Tab,
                "escape" | "esc" => Key::Escape,
                _ => {
                    return Err(format!(
                        "{}: the keys are 'Enter', 'Tab' and 'Escape', got {name:?}",
                        call.name
                    ))
                }
            };
            Intent::Act(Action::Key(key))
        }
        "scroll" => {
            a.shape(2, &["delta_x", "delta_y"], "scroll(0, 200)")?;
            let _dx = number(&call.name, "delta_x", a.arg(0, "delta_x"))?;
            let dy = number(&call.name, "delta_y", a.arg(1, "delta_y"))?;
            Intent::Act(Action::Scroll(dy))
        }
        "mouse_click" => {
            a.shape(2, &["x", "y", "button"], "mouse_click(640, 300)")?;
            let x = number(&call.name, "x", a.arg(0, "x"))?;
            let y = number(&call.name, "y", a.arg(1, "y"))?;
            Intent::Act(Action::ClickAt { x, y })
        }
        "noop" => {
            a.shape(0, &["wait_ms"], "noop()")?;
            Intent::Wait
        }
        "send_msg_to_user" | "report_infeasible" => {
            a.shape(1, &["text", "reason"], "send_msg_to_user('done')")?;
            string(&call.name, "text", a.arg(0, "text"))?;
            Intent::Act(Action::Finish)
        }
        other => return Err(format!("unknown action {other:?}; the actions are {NAMES}")),
    };
    Ok(intent)
}

/// The string that reads back as `action` on `env` now (for recording a
/// run, or driving the text mode from another policy).
pub fn write(env: &Env, action: &Action) -> String {
    let mut out = String::new();
    let q = |text: &str, out: &mut String| crate::axtree::quote(text, out);
    match action {
        Action::Click(id) => {
            out.push_str("click(");
            q(&id.to_string(), &mut out);
        }
        Action::ClickAt { x, y } => out.push_str(&format!("mouse_click({x}, {y}")),
        Action::Type(id, text) => {
            out.push_str("fill(");
            q(&id.to_string(), &mut out);
            out.push_str(", ");
            match text {
                TypeText::Goal(g) => q(env.goal_value(*g as usize), &mut out),
                TypeText::Literal(t) => q(t, &mut out),
            }
        }
        Action::Select(id, option) => {
            out.push_str("select_option(");
            q(&id.to_string(), &mut out);
            out.push_str(", ");
            let text = env
                .nodes()
                .get(*id as usize)
                .and_then(|n| n.options.get(*option as usize))
                .map_or("", String::as_str);
            q(text, &mut out);
        }
        Action::Key(key) => {
            out.push_str("keyboard_press(");
            let name = match key {
                Key::Enter => "Enter",
                Key::Tab => "Tab",
                Key::Escape => "Escape",
            };
            q(name, &mut out);
        }
        Action::Scroll(dy) if *dy == 0.0 => out.push_str("noop("),
        Action::Scroll(dy) => out.push_str(&format!("scroll(0, {dy}")),
        Action::Finish => out.push_str("send_msg_to_user('done'"),
    }
    out.push(')');
    out
}

/// A call's arguments by position or by keyword.
struct Args<'a> {
    call: &'a Call,
}

impl<'a> Args<'a> {
    fn new(call: &'a Call) -> Args<'a> {
        Args { call }
    }

    /// Checks that the required arguments are there and nothing unknown is.
    /// `names` lists the parameters in order; the first `required` must be given.
    fn shape(&self, required: usize, names: &[&str], example: &str) -> Result<(), String> {
        let name = &self.call.name;
        if self.call.args.len() > names.len() {
            return Err(format!(
                "{name} takes at most {} arguments, got {}: e.g. {example}",
                names.len(),
                self.call.args.len()
            ));
        }
        for (k, _) in &self.call.kwargs {
            let position = names.iter().position(|n| n == k);
            match position {
                None => return Err(format!("{name} has no argument {k:?}: e.g. {example}")),
                Some(p) if p < self.call.args.len() => {
                    return Err(format!("{name}: argument {k:?} is given twice"))
                }
                _ => {}
            }
        }
        for (i, n) in names.iter().enumerate().take(required) {
            if self.call.args.get(i).is_none() && self.keyword(n).is_none() {
                return Err(format!("{name} needs {n}: e.g. {example}"));
            }
        }
        Ok(())
    }

    fn keyword(&self, name: &str) -> Option<&'a Literal> {
        self.call
            .kwargs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn arg(&self, i: usize, name: &str) -> Option<&'a Literal> {
        self.call.args.get(i).or_else(|| self.keyword(name))
    }
}

fn string(op: &str, name: &str, v: Option<&Literal>) -> Result<String, String> {
    match v {
        Some(Literal::Str(s)) => Ok(s.clone()),
        Some(other) => Err(format!(
            "{op}: {name} must be a quoted string, got {}",
            other.describe()
        )),
        None => Err(format!("{op} needs {name}")),
    }
}

fn number(op: &str, name: &str, v: Option<&Literal>) -> Result<f32, String> {
    match v {
        Some(Literal::Num(n)) if n.abs() <= 1e6 => Ok(*n as f32),
        Some(other) => Err(format!(
            "{op}: {name} must be a number of pixels (at most a million), got {}",
            other.describe()
        )),
        None => Err(format!("{op} needs {name}")),
    }
}

/// The element a `bid` names: one the tree lists now.
fn element(env: &Env, op: &str, v: Option<&Literal>) -> Result<u32, String> {
    let id = match v {
        Some(Literal::Str(s)) => s.trim().parse::<u32>().ok(),
        Some(Literal::Num(n)) if n.fract() == 0.0 && *n >= 0.0 && *n <= u32::MAX as f64 => {
            Some(*n as u32)
        }
        _ => None,
    };
    let Some(id) = id else {
        return Err(format!(
            "{op}: bid must be an element id from the tree, such as '12'; got {}",
            v.map_or("nothing".to_string(), Literal::describe)
        ));
    };
    let listed = env
        .visible_nodes_with_ids()
        .any(|(i, n)| i == id && n.is_listed());
    if listed {
        Ok(id)
    } else {
        Err(format!(
            "{op}: no element [{id}] is on the page now; use an id from the tree"
        ))
    }
}

fn text_field(env: &Env, op: &str, v: Option<&Literal>) -> Result<u32, String> {
    let id = element(env, op, v)?;
    let role = env.nodes().get(id as usize).map(|n| n.role);
    if role.is_some_and(Role::is_text_entry) {
        Ok(id)
    } else {
        Err(format!(
            "{op}: element [{id}] is a {}, not a text field",
            role.map_or("missing element", crate::axtree::aria_role)
        ))
    }
}
