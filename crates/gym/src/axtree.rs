//! The text observation in BrowserGym's form: a flattened accessibility tree
//! whose lines start with the element id that actions name.
//!
//! ```text
//! RootWebArea 'Skyway Air'
//!     [0] banner 'Skyway Air'
//!     [4] textbox 'From', value='Boston'
//!     [7] combobox 'Cabin', value='Economy'
//!         option 'Economy', selected=True
//!         option 'Business', selected=False
//!     [9] checkbox 'Insurance', checked='false'
//!     [12] button 'Search flights'
//! ```
//!
//! It shows what a person sees: roles, visible text, field contents (a
//! password as dots), what is ticked and focused. It never shows selector
//! ids, engine keys or anything that says an element was added or changed by
//! a perturbation. Each level of nesting is one tab (four spaces above).
//! Element ids are the engine's node ids: the same seed,
//! site, task, perturbation and actions give the same ids, so a recorded run
//! replays exactly. An element that cannot be used now (behind an open
//! dialog, say) is marked `disabled=True`.

use std::fmt::Write as _;
use wobble_engine::{Env, Node, Role};

/// The ARIA role BrowserGym's tree would give an element of this role.
pub fn aria_role(role: Role) -> &'static str {
    match role {
        Role::Banner => "banner",
        Role::Heading => "heading",
        Role::Text => "StaticText",
        Role::Label => "LabelText",
        Role::Alert => "alert",
        Role::Link => "link",
        Role::Button => "button",
        Role::TextBox | Role::Password | Role::Date => "textbox",
        Role::Number => "spinbutton",
        Role::Select => "combobox",
        Role::Checkbox => "checkbox",
        Role::RadioGroup => "radiogroup",
        Role::Radio => "radio",
        Role::Group => "group",
        Role::List => "list",
        Role::ListItem => "listitem",
        Role::Dialog => "dialog",
    }
}

/// `text` as a Python string literal in single quotes.
pub fn quote(text: &str, out: &mut String) {
    out.push('\'');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
}

/// The goal as a person reads it: the instruction, then the goal fields it
/// shows (one `- name: value` line each).
pub fn goal(env: &Env, out: &mut String) {
    out.clear();
    out.push_str(env.instruction());
    for (_, name, value) in env.goal_fields() {
        let _ = write!(out, "\n- {name}: {value}");
    }
}

/// The page's address as the text observation gives it.
pub fn url(env: &Env, out: &mut String) {
    out.clear();
    let _ = write!(out, "wobble://{}/{}", env.base_site().name, env.page_id());
}

/// How many listed nodes a node sits in.
fn listed_ancestors(env: &Env, n: &Node) -> usize {
    let nodes = env.nodes();
    let mut depth = 0;
    let mut up = n.parent;
    while let Some(p) = up.and_then(|p| nodes.get(p as usize)) {
        depth += usize::from(p.is_listed());
        up = p.parent;
    }
    depth
}

/// Writes the flattened tree of what is shown now into `out`.
pub fn write(env: &Env, out: &mut String) {
    out.clear();
    out.push_str("RootWebArea ");
    quote(&env.site().title, out);
    if env.focus().is_none() {
        out.push_str(", focused");
    }
    out.push('\n');
    for (id, n) in env.visible_nodes_with_ids() {
        if !n.is_listed() {
            continue;
        }
        let depth = listed_ancestors(env, n);
        for _ in 0..=depth {
            out.push('\t');
        }
        let _ = write!(out, "[{id}] {}", aria_role(n.role));
        if !n.label.is_empty() {
            out.push(' ');
            quote(&n.label, out);
        }
        if n.role.is_text_entry() || n.role == Role::Select {
            out.push_str(", value=");
            if n.role == Role::Password {
                let dots: String = env.value(id).chars().map(|_| '•').collect();
                quote(&dots, out);
            } else {
                quote(env.value(id), out);
            }
        }
        if matches!(n.role, Role::Checkbox | Role::Radio) {
            let state = if env.checked(id) { "'true'" } else { "'false'" };
            let _ = write!(out, ", checked={state}");
        }
        if env.focus() == Some(id) {
            out.push_str(", focused");
        }
        if n.role.is_interactive() && !env.is_usable(id) {
            out.push_str(", disabled=True");
        }
        out.push('\n');
        if n.role == Role::Select {
            let chosen = env.value(id);
            for option in &n.options {
                for _ in 0..=depth + 1 {
                    out.push('\t');
                }
                out.push_str("option ");
                quote(option, out);
                let selected = if option == chosen { "True" } else { "False" };
                let _ = writeln!(out, ", selected={selected}");
            }
        }
    }
}
