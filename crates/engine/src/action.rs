//! Actions: what an agent (or a person) can do on a page, one JSON form for all.
//!
//! An [`Action`] is written the way the agent protocol writes it
//! (`docs/agent-protocol.md`): an object with a `kind` and that kind's fields,
//! `{"kind":"click","id":11}`, `{"kind":"type","id":4,"goal":0}`. Episode
//! files, the page's downloads and the protocol all read and write that
//! shape. The one difference is the goal field of a `type`: with no
//! environment at hand (an episode file) it is named by its index, where the
//! protocol, which has the task, names it (`"goal":"to"`); the protocol reads
//! both ([`crate::protocol::parse_action`]).
//!
//! Episode files written before this form stored serde's default enum shape
//! (`{"Click":11}`, `{"Type":[4,{"Goal":0}]}`, `"Finish"`); [`Action`]'s reader
//! still accepts it, so old files replay.
//!
//! [`describe`] says an action in words (`click 'Search flights'`) for the
//! page's caption, its timeline and the command line's `play`.

use crate::env::Env;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A keyboard key an agent can press.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Key {
    /// Presses the page's default button while focus is in one of its inputs.
    Enter,
    /// Moves focus to the next usable element.
    Tab,
    /// Closes an open dialog.
    Escape,
}

impl Key {
    /// Every key, in the order the protocol lists them.
    pub const ALL: [Key; 3] = [Key::Enter, Key::Tab, Key::Escape];

    /// Its name in JSON: `enter`, `tab`, `escape`.
    pub fn name(self) -> &'static str {
        match self {
            Key::Enter => "enter",
            Key::Tab => "tab",
            Key::Escape => "escape",
        }
    }

    /// The key of a JSON name.
    pub fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// What is typed: a goal field (by index) or literal text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TypeText {
    /// The text of a goal field visible to agents.
    Goal(u16),
    /// Literal text (what a person types).
    Literal(String),
}

/// One action. Node ids are indices into [`Env::nodes`], stable for an episode.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Click an element.
    Click(u32),
    /// Click at a point of the viewport (CSS pixels).
    ClickAt {
        /// From the left of the page.
        x: f32,
        /// From the top of the viewport.
        y: f32,
    },
    /// Replace a text field's content.
    Type(u32, TypeText),
    /// Choose a select's option by index.
    Select(u32, u16),
    /// Press a key.
    Key(Key),
    /// Scroll the page by this many pixels (positive is down).
    Scroll(f32),
    /// Declare the task done; the success conditions decide.
    Finish,
}

/// The action kinds and the fields each takes (`kind` included).
pub const KINDS: [(&str, &[&str]); 7] = [
    ("click", &["kind", "id"]),
    ("click_at", &["kind", "x", "y"]),
    ("type", &["kind", "id", "text", "goal"]),
    ("select", &["kind", "id", "option"]),
    ("key", &["kind", "key"]),
    ("scroll", &["kind", "dy"]),
    ("finish", &["kind"]),
];

impl Action {
    /// The element it acts on, if it acts on one.
    pub fn element(&self) -> Option<u32> {
        match self {
            Action::Click(id) | Action::Type(id, _) | Action::Select(id, _) => Some(*id),
            _ => None,
        }
    }

    /// Its `kind` in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Click(_) => "click",
            Action::ClickAt { .. } => "click_at",
            Action::Type(..) => "type",
            Action::Select(..) => "select",
            Action::Key(_) => "key",
            Action::Scroll(_) => "scroll",
            Action::Finish => "finish",
        }
    }
}

/// The JSON object of an action, every field optional; which ones a kind
/// takes is [`KINDS`]'s business.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Form {
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    y: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    goal: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    option: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dy: Option<f32>,
}

impl Form {
    fn of(action: &Action) -> Form {
        let kind = action.kind().to_string();
        match action {
            Action::Click(id) => Form {
                kind,
                id: Some(*id),
                ..Form::default()
            },
            Action::ClickAt { x, y } => Form {
                kind,
                x: Some(*x),
                y: Some(*y),
                ..Form::default()
            },
            Action::Type(id, TypeText::Goal(g)) => Form {
                kind,
                id: Some(*id),
                goal: Some(*g),
                ..Form::default()
            },
            Action::Type(id, TypeText::Literal(text)) => Form {
                kind,
                id: Some(*id),
                text: Some(text.clone()),
                ..Form::default()
            },
            Action::Select(id, option) => Form {
                kind,
                id: Some(*id),
                option: Some(*option),
                ..Form::default()
            },
            Action::Key(key) => Form {
                kind,
                key: Some(key.name().to_string()),
                ..Form::default()
            },
            Action::Scroll(dy) => Form {
                kind,
                dy: Some(*dy),
                ..Form::default()
            },
            Action::Finish => Form {
                kind,
                ..Form::default()
            },
        }
    }

    /// The fields present, by name, for the per-kind check.
    fn present(&self) -> impl Iterator<Item = &'static str> + '_ {
        [
            ("id", self.id.is_some()),
            ("x", self.x.is_some()),
            ("y", self.y.is_some()),
            ("text", self.text.is_some()),
            ("goal", self.goal.is_some()),
            ("option", self.option.is_some()),
            ("key", self.key.is_some()),
            ("dy", self.dy.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, there)| there.then_some(name))
    }

    fn action(self) -> Result<Action, String> {
        let kinds = || KINDS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ");
        let Some((kind, allowed)) = KINDS.iter().find(|(k, _)| *k == self.kind) else {
            return Err(format!(
                "unknown action kind {:?}; expected one of {}",
                self.kind,
                kinds()
            ));
        };
        if let Some(extra) = self.present().find(|f| !allowed.contains(f)) {
            return Err(format!(
                "a {kind} action has no field \"{extra}\"; its fields are {}",
                allowed.join(", ")
            ));
        }
        let needs = |name: &str| format!("a {kind} action needs \"{name}\"");
        let id = self.id.ok_or_else(|| needs("id"));
        Ok(match *kind {
            "click" => Action::Click(id?),
            "click_at" => Action::ClickAt {
                x: self.x.ok_or_else(|| needs("x"))?,
                y: self.y.ok_or_else(|| needs("y"))?,
            },
            "type" => match (self.text, self.goal) {
                (Some(text), None) => Action::Type(id?, TypeText::Literal(text)),
                (None, Some(goal)) => Action::Type(id?, TypeText::Goal(goal)),
                _ => {
                    return Err(
                        "a type action needs exactly one of \"text\" (literal text) \
                         and \"goal\" (a goal field's index)"
                            .to_string(),
                    )
                }
            },
            "select" => Action::Select(id?, self.option.ok_or_else(|| needs("option"))?),
            "key" => {
                let name = self.key.ok_or_else(|| needs("key"))?;
                Action::Key(Key::from_name(&name).ok_or_else(|| {
                    format!("action.key must be \"enter\", \"tab\" or \"escape\", got {name:?}")
                })?)
            }
            "scroll" => Action::Scroll(self.dy.ok_or_else(|| needs("dy"))?),
            _ => Action::Finish,
        })
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Form::of(self).serialize(serializer)
    }
}

/// The shape episode files had before actions took the protocol's form.
#[derive(Deserialize)]
enum Legacy {
    Click(u32),
    ClickAt { x: f32, y: f32 },
    Type(u32, TypeText),
    Select(u32, u16),
    Key(Key),
    Scroll(f32),
    Finish,
}

impl From<Legacy> for Action {
    fn from(old: Legacy) -> Action {
        match old {
            Legacy::Click(id) => Action::Click(id),
            Legacy::ClickAt { x, y } => Action::ClickAt { x, y },
            Legacy::Type(id, text) => Action::Type(id, text),
            Legacy::Select(id, option) => Action::Select(id, option),
            Legacy::Key(key) => Action::Key(key),
            Legacy::Scroll(dy) => Action::Scroll(dy),
            Legacy::Finish => Action::Finish,
        }
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Action, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let is_form = matches!(&value, Value::Object(o) if o.contains_key("kind"));
        if is_form {
            let form: Form = serde_json::from_value(value).map_err(D::Error::custom)?;
            form.action().map_err(D::Error::custom)
        } else {
            serde_json::from_value::<Legacy>(value)
                .map(Action::from)
                .map_err(|e| {
                    D::Error::custom(format!(
                        "an action is an object such as {{\"kind\":\"click\",\"id\":3}} ({e})"
                    ))
                })
        }
    }
}

/// What a person would call an element: its label, else its placeholder,
/// else its role (never an internal key: the words are shown on the page).
fn element_name(env: &Env, id: u32) -> String {
    match env.nodes().get(id as usize) {
        Some(n) if !n.label.is_empty() => n.label.clone(),
        Some(n) if !n.placeholder.is_empty() => n.placeholder.clone(),
        Some(n) => n.role.name().to_string(),
        None => format!("element {id}"),
    }
}

/// The action as a short phrase: `click 'Search flights'`, `type {first} into 'First name'`.
pub fn describe(env: &Env, action: &Action) -> String {
    match action {
        Action::Click(id) => format!("click '{}'", element_name(env, *id)),
        Action::ClickAt { x, y } => format!("click at ({x:.0}, {y:.0})"),
        Action::Type(id, TypeText::Goal(g)) => {
            let field = env
                .goal_fields()
                .find(|(i, _, _)| i == g)
                .map(|(_, name, _)| name.to_string())
                .unwrap_or_else(|| format!("goal {g}"));
            format!("type {{{field}}} into '{}'", element_name(env, *id))
        }
        Action::Type(id, TypeText::Literal(text)) => {
            format!("type \"{text}\" into '{}'", element_name(env, *id))
        }
        Action::Select(id, option) => {
            let chosen = env
                .nodes()
                .get(*id as usize)
                .and_then(|n| n.options.get(usize::from(*option)))
                .cloned()
                .unwrap_or_else(|| format!("option {option}"));
            format!("choose '{chosen}' in '{}'", element_name(env, *id))
        }
        Action::Key(Key::Enter) => "press Enter".into(),
        Action::Key(Key::Tab) => "press Tab".into(),
        Action::Key(Key::Escape) => "press Escape".into(),
        Action::Scroll(dy) if *dy == 0.0 => "wait a step".into(),
        Action::Scroll(dy) if *dy > 0.0 => format!("scroll down {dy:.0} px"),
        Action::Scroll(dy) => format!("scroll up {:.0} px", -dy),
        Action::Finish => "declare the task done".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<Action> {
        vec![
            Action::Click(3),
            Action::ClickAt { x: 1.5, y: -2.0 },
            Action::Type(4, TypeText::Goal(1)),
            Action::Type(4, TypeText::Literal("Ana \"A\"".into())),
            Action::Select(7, 2),
            Action::Key(Key::Enter),
            Action::Key(Key::Tab),
            Action::Key(Key::Escape),
            Action::Scroll(-120.0),
            Action::Finish,
        ]
    }

    #[test]
    fn every_action_round_trips_in_the_protocol_shape() {
        for action in every_kind() {
            let json = serde_json::to_string(&action).unwrap();
            assert!(json.starts_with("{\"kind\":\""), "{json}");
            let back: Action = serde_json::from_str(&json).unwrap();
            assert_eq!(back, action, "{json}");
        }
        assert_eq!(
            serde_json::to_string(&Action::Type(4, TypeText::Goal(0))).unwrap(),
            r#"{"kind":"type","id":4,"goal":0}"#
        );
    }

    #[test]
    fn the_old_shape_still_reads() {
        let old = [
            (r#"{"Click":3}"#, Action::Click(3)),
            (
                r#"{"Type":[4,{"Goal":0}]}"#,
                Action::Type(4, TypeText::Goal(0)),
            ),
            (
                r#"{"Type":[4,{"Literal":"x"}]}"#,
                Action::Type(4, TypeText::Literal("x".into())),
            ),
            (r#"{"Select":[7,2]}"#, Action::Select(7, 2)),
            (r#"{"Key":"Escape"}"#, Action::Key(Key::Escape)),
            (
                r#"{"ClickAt":{"x":1.0,"y":2.0}}"#,
                Action::ClickAt { x: 1.0, y: 2.0 },
            ),
            (r#"{"Scroll":40.0}"#, Action::Scroll(40.0)),
            (r#""Finish""#, Action::Finish),
        ];
        for (json, action) in old {
            assert_eq!(
                serde_json::from_str::<Action>(json).unwrap(),
                action,
                "{json}"
            );
        }
    }

    #[test]
    fn a_wrong_action_says_what_is_wrong() {
        let error = |json: &str| {
            serde_json::from_str::<Action>(json)
                .unwrap_err()
                .to_string()
        };
        assert!(error(r#"{"kind":"jump"}"#).contains("unknown action kind \"jump\""));
        assert!(error(r#"{"kind":"click"}"#).contains("needs \"id\""));
        assert!(error(r#"{"kind":"finish","id":3}"#).contains("has no field \"id\""));
        assert!(error(r#"{"kind":"click","id":3,"colour":1}"#).contains("unknown field"));
        assert!(error(r#"{"kind":"type","id":3}"#).contains("exactly one of"));
        assert!(error(r#"{"kind":"key","key":"space"}"#).contains("\"space\""));
        assert!(error(r#"{"Jump":3}"#).contains("such as {\"kind\":\"click\""));
        assert!(error("[1]").contains("such as"));
    }
}
