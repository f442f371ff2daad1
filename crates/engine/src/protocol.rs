//! The agent protocol's data: observations, actions and step results as
//! JSON values, shared by every front end that lets outside code drive an
//! [`Env`] (the `wobble agent` command's JSON lines, the JavaScript module).
//!
//! ```text
//! Env --observation()--> Observation --serde--> {"type":"observation",...}
//! {"kind":"click","id":3} --parse_action(env, ..)--> Action --Env::step--> StepResult
//! Driver: Env + "has an episode started" + the next seed
//!   reset(seed?) -> Observation     step(&Value) -> StepReply     observe() -> Observation
//! step_action(env, &Value) -> Action ... Env::step ... step_reply(env, result) -> StepReply
//! ```
//!
//! [`Driver::step`] is [`step_action`] then [`step_reply`] at once; a front
//! end that shows a step before taking it (the page's cursor travels to the
//! element first) calls the two itself, so its replies and errors are the
//! same.
//!
//! Everything here is serde only: no I/O and no browser. A front end turns
//! the [`Serialize`] values into its own text or objects (`serde_json` gives
//! the same bytes everywhere, floats in their shortest exact form) and
//! words a [`DriveError`] for its own callers with [`DriveError::describe`].
//! Incoming actions are checked against what is shown now, so an action
//! naming a hidden or unknown element, a goal field the task lacks or an
//! option a select does not have is an error that names the field, never a
//! panic and never a step. The format is documented in
//! `docs/agent-protocol.md`.

use crate::action::KINDS;
use crate::{Action, Env, Key, Role, StepError, StepResult, TypeText};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// The protocol's name (in the command line's hello line).
pub const PROTOCOL: &str = "wobble-agent";
/// The protocol's version; it changes whenever a request or a reply changes shape.
pub const VERSION: u32 = 2;

/// Goal fields as a JSON object whose keys keep the task's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal(pub Vec<(String, String)>);

impl Serialize for Goal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// What the agent sees now (also nested in a [`StepReply`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// Always `"observation"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The site's name.
    pub site: String,
    /// The task's name.
    pub task: String,
    /// The seed of this episode.
    pub seed: u64,
    /// Steps taken so far.
    pub step: u32,
    /// The task's step limit.
    pub step_limit: u32,
    /// The current page's id.
    pub page: String,
    /// Whether the episode has ended.
    pub done: bool,
    /// Viewport width and height, CSS pixels.
    pub viewport: [f32; 2],
    /// How far the page is scrolled down (a box's viewport y is its y minus this).
    pub scroll_y: f32,
    /// The task's instruction with its goal filled in.
    pub instruction: String,
    /// The goal fields shown to agents, name to value.
    pub goal: Goal,
    /// The engine's text serialization of what is shown ([`Env::observation_text`]).
    pub text: String,
    /// The elements the text lists, in the same order, as data.
    pub elements: Vec<Element>,
    /// The legal candidate actions now (empty once the episode is over).
    pub actions: Vec<ActionJson>,
}

/// One element, as the text observation shows it, plus its box and whether
/// it can be used now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Element {
    /// The id actions use, stable for the episode.
    pub id: u32,
    /// Its role's name (`button`, `textbox`, ...).
    pub role: &'static str,
    /// Its text or accessible name.
    pub label: String,
    /// Nesting level.
    pub depth: u8,
    /// The selector id a scripted bot would use, for an interactive element
    /// that has one: what the page's markup says, as a real page's would
    /// (renamed by `rename-selectors`; elements a perturbation inserts get
    /// ids in the site's own style). The engine's element keys are never sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// The content of a text field or select (a password's masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A select's options, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// Whether a checkbox or radio button is ticked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked: Option<bool>,
    /// Whether it has the focus.
    pub focused: bool,
    /// Shown, interactive, on the current page and not under a dialog.
    pub usable: bool,
    /// `[x, y, width, height]` in page pixels.
    #[serde(rename = "box")]
    pub bbox: [f32; 4],
}

/// An action as JSON: `kind` and the fields of that kind (what
/// [`parse_action`] reads back).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ActionJson {
    /// `click`, `click_at`, `type`, `select`, `key`, `scroll` or `finish`.
    pub kind: &'static str,
    /// The element acted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// A `click_at`'s x, from the left of the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<f32>,
    /// A `click_at`'s y, from the top of the viewport.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<f32>,
    /// Literal text to type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The goal field whose value to type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    /// A select's option, by index from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<u16>,
    /// `enter`, `tab` or `escape`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<&'static str>,
    /// Pixels to scroll, positive down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dy: Option<f32>,
}

/// What a step did, with the observation after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepReply {
    /// Always `"step"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// This step's reward: 0 until the last step.
    pub reward: f32,
    /// The task ended (done, failed or finished).
    pub terminated: bool,
    /// The step limit ended it.
    pub truncated: bool,
    /// Why the episode ended; `None` while it runs.
    pub reason: Option<String>,
    /// What the agent sees after the step.
    pub observation: Observation,
}

impl StepReply {
    /// The reply to a step of `env` that gave `result`.
    pub fn new(env: &Env, result: StepResult) -> StepReply {
        StepReply {
            kind: "step",
            reward: result.reward,
            terminated: result.terminated,
            truncated: result.truncated,
            reason: env.outcome().map(|o| o.reason.clone()),
            observation: observation(env),
        }
    }
}

/// Why a [`Driver`] could not do what was asked; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriveError {
    /// No episode has started: `reset` first.
    NotStarted,
    /// The episode has ended; the text is ` (reward R: REASON)`, or empty.
    Over(String),
    /// The action is malformed or does not fit what is shown; the message
    /// names the field (`action.id: no element 99 is shown now ...`).
    Action(String),
}

impl DriveError {
    /// The error as one sentence, for request `op` (`step`, `observe`...),
    /// where `reset` says how the caller starts an episode
    /// (`send {"op":"reset"}`, `call reset()`).
    pub fn describe(&self, op: &str, reset: &str) -> String {
        match self {
            DriveError::NotStarted => format!("{op}: no episode has started; {reset} first"),
            DriveError::Over(why) => {
                format!("{op}: the episode is over{why}; {reset} to start a new one")
            }
            DriveError::Action(message) => format!("{op}: {message}"),
        }
    }
}

/// An environment driven through protocol values: it remembers whether an
/// episode has started and which seed the next `reset` without one takes.
pub struct Driver {
    env: Env,
    /// The seed of the next reset that names none.
    next_seed: u64,
    /// Whether `reset` has been called.
    started: bool,
}

impl Driver {
    /// A driver of `env` (its perturbations already set); the first reset
    /// without a seed uses `seed`, the next ones count up from it.
    pub fn new(env: Env, seed: u64) -> Driver {
        Driver {
            env,
            next_seed: seed,
            started: false,
        }
    }

    /// The environment.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// Whether an episode has started.
    pub fn started(&self) -> bool {
        self.started
    }

    /// The seed a reset without one would use.
    pub fn next_seed(&self) -> u64 {
        self.next_seed
    }

    /// Starts an episode at `seed`, or at the next seed; its first observation.
    pub fn reset(&mut self, seed: Option<u64>) -> Observation {
        let seed = seed.unwrap_or(self.next_seed);
        self.env.reset(seed);
        self.next_seed = seed.wrapping_add(1);
        self.started = true;
        observation(&self.env)
    }

    /// The current observation; an error before the first reset.
    pub fn observe(&self) -> Result<Observation, DriveError> {
        if !self.started {
            return Err(DriveError::NotStarted);
        }
        Ok(observation(&self.env))
    }

    /// Takes the step `action` (protocol JSON) describes. Nothing changes
    /// when it is an error: no episode, an ended one, or a bad action.
    pub fn step(&mut self, action: &Value) -> Result<StepReply, DriveError> {
        if !self.started {
            return Err(DriveError::NotStarted);
        }
        let action = step_action(&self.env, action)?;
        let result = self.env.step(&action);
        step_reply(&self.env, result)
    }

    /// Ok when a step can be taken now: an episode has started and not ended.
    pub fn can_step(&self) -> Result<(), DriveError> {
        if !self.started {
            return Err(DriveError::NotStarted);
        }
        running(&self.env)
    }
}

/// Ok while the episode of `env` runs; once it has ended, [`DriveError::Over`]
/// with its reward and reason.
pub fn running(env: &Env) -> Result<(), DriveError> {
    if !env.is_done() {
        return Ok(());
    }
    let why = env
        .outcome()
        .map(|o| format!(" (reward {}: {})", o.raw_reward, o.reason))
        .unwrap_or_default();
    Err(DriveError::Over(why))
}

/// The engine action that a step's `action` (protocol JSON) describes,
/// checked against what `env` shows now: an error when the episode has ended
/// or the action does not fit. Nothing changes either way.
pub fn step_action(env: &Env, action: &Value) -> Result<Action, DriveError> {
    running(env)?;
    parse_action(env, action).map_err(DriveError::Action)
}

/// The reply to a step of `env` that gave `result` (what [`Env::step`], or an
/// episode recorder's step, returned); a step the engine refused is a
/// [`DriveError::Action`].
pub fn step_reply(
    env: &Env,
    result: Result<StepResult, StepError>,
) -> Result<StepReply, DriveError> {
    result
        .map(|result| StepReply::new(env, result))
        .map_err(|e| DriveError::Action(e.to_string()))
}

/// Whether the text observation lists this element (it leaves out
/// unlabelled groups and list rows, which only arrange others).
fn listed(env: &Env, id: u32) -> bool {
    env.nodes().get(id as usize).is_some_and(|n| n.is_listed())
}

/// The observation of `env` now.
pub fn observation(env: &Env) -> Observation {
    let elements = env
        .visible_nodes()
        .filter(|&id| listed(env, id))
        .filter_map(|id| {
            let n = env.nodes().get(id as usize)?;
            let has_selector = !n.dom_id.is_empty() && n.role.is_interactive();
            let value = (n.role.is_text_entry() || n.role == Role::Select).then(|| {
                if n.role == Role::Password {
                    "•".repeat(env.value(id).chars().count())
                } else {
                    env.value(id).to_string()
                }
            });
            Some(Element {
                id,
                role: n.role.name(),
                label: n.label.clone(),
                depth: n.depth,
                selector: has_selector.then(|| n.dom_id.clone()),
                value,
                options: (n.role == Role::Select).then(|| n.options.clone()),
                checked: matches!(n.role, Role::Checkbox | Role::Radio).then(|| env.checked(id)),
                focused: env.focus() == Some(id),
                usable: env.is_usable(id),
                bbox: {
                    let b = env.bbox(id);
                    [b.x, b.y, b.w, b.h]
                },
            })
        })
        .collect();
    Observation {
        kind: "observation",
        site: env.base_site().name.clone(),
        task: env.task_name().to_string(),
        seed: env.seed(),
        step: env.steps(),
        step_limit: env.step_limit(),
        page: env.page_id().to_string(),
        done: env.is_done(),
        viewport: [env.site().width, env.site().height],
        scroll_y: env.scroll_y(),
        instruction: env.instruction().to_string(),
        goal: Goal(
            env.goal_fields()
                .map(|(_, k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
        text: env.observation_text(),
        elements,
        actions: candidate_actions(env),
    }
}

/// The legal candidate actions of `env` now, as JSON.
pub fn candidate_actions(env: &Env) -> Vec<ActionJson> {
    env.candidates()
        .iter()
        .map(|a| action_json(env, a))
        .collect()
}

/// The name of goal field `g` of the task.
fn goal_name(env: &Env, g: u16) -> Option<&str> {
    env.site()
        .tasks
        .get(env.task_index())
        .and_then(|t| t.fields.get(g as usize))
        .map(|s| s.as_str())
}

/// An engine action as protocol JSON (what [`parse_action`] reads back).
pub fn action_json(env: &Env, action: &Action) -> ActionJson {
    match action {
        Action::Click(id) => ActionJson {
            kind: "click",
            id: Some(*id),
            ..ActionJson::default()
        },
        Action::ClickAt { x, y } => ActionJson {
            kind: "click_at",
            x: Some(*x),
            y: Some(*y),
            ..ActionJson::default()
        },
        Action::Type(id, TypeText::Goal(g)) => ActionJson {
            kind: "type",
            id: Some(*id),
            goal: Some(goal_name(env, *g).unwrap_or_default().to_string()),
            ..ActionJson::default()
        },
        Action::Type(id, TypeText::Literal(text)) => ActionJson {
            kind: "type",
            id: Some(*id),
            text: Some(text.clone()),
            ..ActionJson::default()
        },
        Action::Select(id, option) => ActionJson {
            kind: "select",
            id: Some(*id),
            option: Some(*option),
            ..ActionJson::default()
        },
        Action::Key(key) => ActionJson {
            kind: "key",
            key: Some(key.name()),
            ..ActionJson::default()
        },
        Action::Scroll(dy) => ActionJson {
            kind: "scroll",
            dy: Some(*dy),
            ..ActionJson::default()
        },
        Action::Finish => ActionJson {
            kind: "finish",
            ..ActionJson::default()
        },
    }
}

/// Reads an action, checking it against what `env` shows now. The error
/// names the field (`action.id`, ...) and what was expected.
pub fn parse_action(env: &Env, value: &Value) -> Result<Action, String> {
    let kinds = || KINDS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ");
    let Value::Object(obj) = value else {
        return Err(format!(
            "\"action\" must be an object such as {{\"kind\":\"click\",\"id\":3}}, got {}",
            describe_value(value)
        ));
    };
    let kind = match obj.get("kind") {
        Some(Value::String(k)) => k.as_str(),
        Some(other) => {
            return Err(format!(
                "action.kind must be a string, one of {}; got {}",
                kinds(),
                describe_value(other)
            ))
        }
        None => {
            return Err(format!(
                "the action has no \"kind\"; expected one of {}",
                kinds()
            ))
        }
    };
    let Some((kind, allowed)) = KINDS.iter().find(|(k, _)| *k == kind) else {
        return Err(format!(
            "unknown action kind {kind:?}; expected one of {}",
            kinds()
        ));
    };
    only_fields(obj, &format!("a {kind} action"), allowed)?;
    let required = |name: &str| {
        obj.get(name)
            .ok_or_else(|| format!("a {kind} action needs \"{name}\""))
    };
    let number = |name: &str| -> Result<f32, String> {
        let v = required(name)?;
        v.as_f64()
            .map(|f| f as f32)
            .filter(|f| f.is_finite())
            .ok_or_else(|| {
                format!(
                    "action.{name} must be a number of CSS pixels, got {}",
                    describe_value(v)
                )
            })
    };
    Ok(match *kind {
        "click" => Action::Click(element(env, required("id")?)?),
        "click_at" => Action::ClickAt {
            x: number("x")?,
            y: number("y")?,
        },
        "type" => {
            let id = element(env, required("id")?)?;
            match (obj.get("text"), obj.get("goal")) {
                (Some(Value::String(t)), None) => Action::Type(id, TypeText::Literal(t.clone())),
                (None, Some(Value::String(g))) => {
                    let fields: Vec<(u16, &str)> =
                        env.goal_fields().map(|(i, name, _)| (i, name)).collect();
                    match fields.iter().find(|(_, name)| name == g) {
                        Some((i, _)) => Action::Type(id, TypeText::Goal(*i)),
                        None => {
                            return Err(format!(
                                "action.goal: this task has no goal field {g:?}; its goal fields are {}",
                                fields
                                    .iter()
                                    .map(|(_, n)| format!("{n:?}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ))
                        }
                    }
                }
                (Some(_), Some(_)) | (None, None) => {
                    return Err(
                        "a type action needs exactly one of \"text\" (literal text) \
                         and \"goal\" (a goal field's name)"
                            .to_string(),
                    )
                }
                (Some(v), None) => {
                    return Err(format!(
                        "action.text must be a string, got {}",
                        describe_value(v)
                    ))
                }
                // An episode file's form: the field by its index.
                (None, Some(Value::Number(n))) => {
                    match n.as_u64().and_then(|i| u16::try_from(i).ok()) {
                        Some(i) if env.goal_fields().any(|(f, _, _)| f == i) => {
                            Action::Type(id, TypeText::Goal(i))
                        }
                        _ => {
                            return Err(format!(
                                "action.goal: this task has no goal field {n}; name one of {}",
                                env.goal_fields()
                                    .map(|(_, name, _)| format!("{name:?}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ))
                        }
                    }
                }
                (None, Some(v)) => {
                    return Err(format!(
                        "action.goal must be a goal field's name (a string) or index, got {}",
                        describe_value(v)
                    ))
                }
            }
        }
        "select" => {
            let id = element(env, required("id")?)?;
            let options = env
                .nodes()
                .get(id as usize)
                .map(|n| n.options.as_slice())
                .unwrap_or_default();
            let v = required("option")?;
            let index = match v {
                Value::String(text) => options.iter().position(|o| o == text),
                other => other
                    .as_u64()
                    .filter(|&i| (i as usize) < options.len())
                    .map(|i| i as usize),
            };
            match index.and_then(|i| u16::try_from(i).ok()) {
                Some(i) => Action::Select(id, i),
                None if options.is_empty() => {
                    return Err(format!(
                        "action.id: element {id} has no options to select (it is a {})",
                        env.nodes()
                            .get(id as usize)
                            .map(|n| n.role.name())
                            .unwrap_or("missing element")
                    ))
                }
                None => {
                    return Err(format!(
                        "action.option: element {id} has no option {}; its options are {} \
                         (by index from 0, or by exact text)",
                        describe_value(v),
                        options
                            .iter()
                            .map(|o| format!("{o:?}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }
            }
        }
        "key" => match required("key")?.as_str().and_then(Key::from_name) {
            Some(key) => Action::Key(key),
            None => {
                return Err(format!(
                    "action.key must be \"enter\", \"tab\" or \"escape\", got {}",
                    describe_value(required("key")?)
                ))
            }
        },
        "scroll" => Action::Scroll(number("dy")?),
        _ => Action::Finish,
    })
}

/// An element id that is shown now.
fn element(env: &Env, v: &Value) -> Result<u32, String> {
    let id = v
        .as_u64()
        .and_then(|i| u32::try_from(i).ok())
        .ok_or_else(|| {
            format!(
                "action.id must be an element id (a whole number from the observation), got {}",
                describe_value(v)
            )
        })?;
    if env.visible_nodes().any(|i| i == id) {
        Ok(id)
    } else {
        Err(format!(
            "action.id: no element {id} is shown now (page {:?}); use an id from the observation's elements",
            env.page_id()
        ))
    }
}

/// A short description of a JSON value for error messages.
pub fn describe_value(v: &Value) -> String {
    shorten(&v.to_string())
}

/// `text` cut to 40 characters (the last three `...`), for quoting what a
/// caller sent in an error message.
pub fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        let short: String = text.chars().take(37).collect();
        format!("{short}...")
    } else {
        text.to_string()
    }
}

/// Rejects fields that `what` does not take (a misspelt field would otherwise be ignored).
pub fn only_fields(obj: &Map<String, Value>, what: &str, allowed: &[&str]) -> Result<(), String> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "unknown field {k:?} in {what}; it takes {}",
            allowed
                .iter()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{builtin, EnvConfig, PerturbSpec};

    fn env(site: &str, spec: &str) -> Env {
        let site = builtin::load_builtin(site).unwrap();
        let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
        env.set_perturbations(spec.parse::<PerturbSpec>().unwrap());
        env
    }

    #[test]
    fn candidate_actions_read_back_as_the_same_engine_actions() {
        let mut env = env("bank", "popup:3");
        env.reset(5);
        for a in env.candidates().to_vec() {
            let json = serde_json::to_value(action_json(&env, &a)).unwrap();
            assert_eq!(parse_action(&env, &json).unwrap(), a, "{json}");
        }
    }

    #[test]
    fn elements_are_the_lines_of_the_text_in_order() {
        let mut env = env("airline", "distractors:3");
        env.reset(3);
        let obs = observation(&env);
        let from_text: Vec<u32> = obs
            .text
            .lines()
            .filter_map(|l| {
                let l = l.trim_start().strip_prefix('[')?;
                l[..l.find(']')?].parse().ok()
            })
            .collect();
        let ids: Vec<u32> = obs.elements.iter().map(|e| e.id).collect();
        assert!(!ids.is_empty());
        assert_eq!(ids, from_text);
    }

    #[test]
    fn select_by_text_and_by_index_give_the_same_action() {
        let mut env = env("choose-list", "");
        env.reset(4);
        let obs = observation(&env);
        let select = obs.elements.iter().find(|e| e.role == "select").unwrap();
        let option = select.options.as_ref().unwrap()[2].clone();
        let id = select.id;
        let by_text = serde_json::json!({"kind": "select", "id": id, "option": option});
        assert_eq!(parse_action(&env, &by_text).unwrap(), Action::Select(id, 2));
        let by_index = serde_json::json!({"kind": "select", "id": id, "option": 2});
        assert_eq!(
            parse_action(&env, &by_index).unwrap(),
            Action::Select(id, 2)
        );
    }

    #[test]
    fn a_driver_refuses_steps_outside_an_episode_and_changes_nothing() {
        let mut d = Driver::new(env("click-button", ""), 7);
        let finish = serde_json::json!({"kind": "finish"});
        assert_eq!(d.step(&finish).err(), Some(DriveError::NotStarted));
        assert_eq!(d.observe().err(), Some(DriveError::NotStarted));
        assert_eq!(d.reset(None).seed, 7);
        let bad = serde_json::json!({"kind": "click", "id": 9999});
        let Err(DriveError::Action(message)) = d.step(&bad) else {
            panic!("a click on a missing element was accepted");
        };
        assert!(
            message.contains("no element 9999 is shown now"),
            "{message}"
        );
        assert_eq!(d.observe().unwrap().step, 0);
        let reply = d.step(&finish).unwrap();
        assert!(reply.terminated && reply.reason.is_some());
        let Err(over @ DriveError::Over(_)) = d.step(&finish) else {
            panic!("a step after the end was accepted");
        };
        assert!(over
            .describe("step", "call reset()")
            .starts_with("step: the episode is over (reward -1: "));
        assert_eq!(d.reset(None).seed, 8);
        assert_eq!(d.reset(Some(3)).seed, 3);
        assert_eq!(d.next_seed(), 4);
    }

    #[test]
    fn a_step_shown_before_it_is_taken_gets_the_drivers_replies_and_errors() {
        // What the page does (check the action, draw it, then take it) against the driver.
        let mut d = Driver::new(env("login-user", ""), 3);
        d.reset(None);
        let mut page = env("login-user", "");
        page.reset(3);
        let bad = serde_json::json!({"kind": "type", "id": 9999, "text": "x"});
        assert_eq!(step_action(&page, &bad).err(), d.step(&bad).err());
        while !page.is_done() {
            let next = serde_json::to_value(&candidate_actions(&page)[0]).unwrap();
            let action = step_action(&page, &next).unwrap();
            let result = page.step(&action);
            let reply = step_reply(&page, result).unwrap();
            assert_eq!(Some(reply), d.step(&next).ok());
        }
        let finish = serde_json::json!({"kind": "finish"});
        let over = step_action(&page, &finish).err();
        assert!(matches!(over, Some(DriveError::Over(_))), "{over:?}");
        assert_eq!(over, d.step(&finish).err());
        let refused = page.step(&Action::Finish);
        assert_eq!(
            step_reply(&page, refused).err(),
            Some(DriveError::Action(StepError::EpisodeOver.to_string()))
        );
    }
}
