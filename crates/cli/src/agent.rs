//! `wobble agent`: the agent protocol, so that a program in any language can
//! drive an environment over JSON lines on stdin and stdout.
//!
//! The session prints a `hello` line, then answers every request (one JSON
//! object per line) with exactly one reply line, flushed at once:
//!
//! ```text
//! -> (nothing)                              <- {"type":"hello","protocol":"wobble-agent","version":1,...}
//! -> {"op":"reset","seed":3}                <- {"type":"observation",...}
//! -> {"op":"step","action":{"kind":"click","id":11}}   <- {"type":"step","reward":0.0,...}
//! -> {"op":"observe"}                       <- {"type":"observation",...}
//! -> {"op":"close"}                         <- {"type":"bye"}, then exit 0
//! ```
//!
//! A request that cannot be carried out (not JSON, an unknown op or field,
//! an action naming an element that is not shown, a step after the episode
//! ended...) gets `{"type":"error","line":N,"message":"line N: ..."}` and
//! changes nothing; the session goes on. End of input ends the session
//! cleanly. Replies are a pure function of the requests: the same requests
//! give the same bytes back. The format is documented in
//! `docs/agent-protocol.md`, and [`SCHEMA`] is its JSON Schema.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::io::{self, BufRead, Write};
use wobble_engine::{Action, Env, Key, Role, TypeText};

/// The protocol's name, in the hello line.
pub const PROTOCOL: &str = "wobble-agent";
/// The protocol's version, in the hello line; it changes when a reply or a
/// request changes shape.
pub const VERSION: u32 = 1;
/// The JSON Schema of requests and replies (`wobble agent --schema`).
pub const SCHEMA: &str = include_str!("../../../docs/agent-protocol.schema.json");

/// The requests a session understands, as listed in the hello line.
const OPS: [&str; 4] = ["reset", "step", "observe", "close"];

/// The first line of a session.
#[derive(Serialize)]
struct Hello<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    protocol: &'static str,
    version: u32,
    site: &'a str,
    task: &'a str,
    seed: u64,
    perturb: String,
    ops: [&'static str; 4],
}

/// Goal fields as a JSON object whose keys keep the task's order.
struct Goal(Vec<(String, String)>);

impl Serialize for Goal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// What the agent sees now (also nested in a step reply).
#[derive(Serialize)]
struct Observation {
    #[serde(rename = "type")]
    kind: &'static str,
    site: String,
    task: String,
    seed: u64,
    step: u32,
    step_limit: u32,
    page: String,
    done: bool,
    /// Viewport width and height, CSS pixels.
    viewport: [f32; 2],
    /// How far the page is scrolled down (a box's viewport y is its y minus this).
    scroll_y: f32,
    instruction: String,
    goal: Goal,
    text: String,
    elements: Vec<Element>,
    actions: Vec<ActionOut>,
}

/// One element, as the text observation shows it, plus its box and whether
/// it can be used now.
#[derive(Serialize)]
struct Element {
    id: u32,
    role: &'static str,
    label: String,
    depth: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    selector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checked: Option<bool>,
    focused: bool,
    usable: bool,
    #[serde(rename = "box")]
    bbox: [f32; 4],
}

/// An action as JSON: `kind` and the fields of that kind.
#[derive(Serialize, Default)]
struct ActionOut {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    goal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    option: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dy: Option<f32>,
}

/// The reply to a step.
#[derive(Serialize)]
struct StepReply {
    #[serde(rename = "type")]
    kind: &'static str,
    reward: f32,
    terminated: bool,
    truncated: bool,
    reason: Option<String>,
    observation: Observation,
}

/// A request that could not be carried out.
#[derive(Serialize)]
struct ErrorReply {
    #[serde(rename = "type")]
    kind: &'static str,
    line: u64,
    message: String,
}

/// What to do after a reply.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Continue,
    Close,
}

/// One protocol session over one environment.
pub struct Session {
    env: Env,
    /// The seed of the next `reset` that names none.
    next_seed: u64,
    /// The seed given on the command line (reported in the hello line).
    first_seed: u64,
    /// Whether `reset` has been called.
    started: bool,
}

impl Session {
    /// A session over `env` (its perturbations already set); the first
    /// `reset` without a seed uses `seed`.
    pub fn new(env: Env, seed: u64) -> Session {
        Session {
            env,
            next_seed: seed,
            first_seed: seed,
            started: false,
        }
    }

    /// The hello line (without its newline).
    fn hello(&self) -> String {
        to_line(&Hello {
            kind: "hello",
            protocol: PROTOCOL,
            version: VERSION,
            site: &self.env.base_site().name,
            task: self.env.task_name(),
            seed: self.first_seed,
            perturb: self.env.perturbations().to_string(),
            ops: OPS,
        })
    }

    /// Answers one input line (numbered from 1); `None` for a blank line.
    fn handle(&mut self, line_no: u64, line: &str) -> Option<(String, Next)> {
        if line.trim().is_empty() {
            return None;
        }
        // Without its line ending, a JSON error's column is within this line.
        let line = line.trim_end_matches(['\n', '\r']);
        Some(match self.request(line) {
            Ok(reply) => reply,
            Err(message) => (
                to_line(&ErrorReply {
                    kind: "error",
                    line: line_no,
                    message: format!("line {line_no}: {message}"),
                }),
                Next::Continue,
            ),
        })
    }

    /// Carries out one request; the error says what is wrong, without the line number.
    fn request(&mut self, line: &str) -> Result<(String, Next), String> {
        let value: Value = serde_json::from_str(line).map_err(|e| json_error(&e))?;
        let Value::Object(req) = value else {
            return Err(format!(
                "expected a JSON object such as {{\"op\":\"reset\"}}, got {}",
                describe_value(&value)
            ));
        };
        let op = match req.get("op") {
            Some(Value::String(op)) => op.as_str(),
            Some(other) => {
                return Err(format!(
                    "\"op\" must be a string, one of {}; got {}",
                    OPS.join(", "),
                    describe_value(other)
                ))
            }
            None => {
                return Err(format!(
                    "the request has no \"op\"; expected one of {}",
                    OPS.join(", ")
                ))
            }
        };
        match op {
            "reset" => {
                only_fields(&req, "a reset request", &["op", "seed"])?;
                let seed = match req.get("seed") {
                    None | Some(Value::Null) => self.next_seed,
                    Some(v) => v.as_u64().ok_or_else(|| {
                        format!(
                            "reset: \"seed\" must be an integer from 0 to {}, got {}",
                            u64::MAX,
                            describe_value(v)
                        )
                    })?,
                };
                self.env.reset(seed);
                self.next_seed = seed.wrapping_add(1);
                self.started = true;
                Ok((to_line(&observation(&self.env)), Next::Continue))
            }
            "step" => {
                only_fields(&req, "a step request", &["op", "action"])?;
                self.episode_running()?;
                let action = match req.get("action") {
                    Some(a) => parse_action(&self.env, a).map_err(|e| format!("step: {e}"))?,
                    None => {
                        return Err("step: the request has no \"action\", e.g. \
                                    {\"op\":\"step\",\"action\":{\"kind\":\"click\",\"id\":3}}"
                            .to_string())
                    }
                };
                let result = self.env.step(&action).map_err(|e| format!("step: {e}"))?;
                let reply = StepReply {
                    kind: "step",
                    reward: result.reward,
                    terminated: result.terminated,
                    truncated: result.truncated,
                    reason: self.env.outcome().map(|o| o.reason.clone()),
                    observation: observation(&self.env),
                };
                Ok((to_line(&reply), Next::Continue))
            }
            "observe" => {
                only_fields(&req, "an observe request", &["op"])?;
                if !self.started {
                    return Err(no_episode("observe"));
                }
                Ok((to_line(&observation(&self.env)), Next::Continue))
            }
            "close" => {
                only_fields(&req, "a close request", &["op"])?;
                Ok(("{\"type\":\"bye\"}".to_string(), Next::Close))
            }
            other => Err(format!(
                "unknown op {other:?}; expected one of {}",
                OPS.join(", ")
            )),
        }
    }

    /// Ok when a step can be taken now; otherwise says why not and what to do.
    fn episode_running(&self) -> Result<(), String> {
        if !self.started {
            return Err(no_episode("step"));
        }
        if self.env.is_done() {
            let why = self
                .env
                .outcome()
                .map(|o| format!(" (reward {}: {})", o.raw_reward, o.reason))
                .unwrap_or_default();
            return Err(format!(
                "step: the episode is over{why}; send {{\"op\":\"reset\"}} to start a new one"
            ));
        }
        Ok(())
    }
}

fn no_episode(op: &str) -> String {
    format!("{op}: no episode has started; send {{\"op\":\"reset\"}} first")
}

/// Runs a session: prints the hello line, then answers each input line
/// until `close` or the end of the input. A closed output ends it quietly;
/// an input that cannot be read is an error.
pub fn serve(
    mut session: Session,
    mut input: impl BufRead,
    mut output: impl Write,
) -> io::Result<()> {
    if send(&mut output, &session.hello()).is_err() {
        return Ok(());
    }
    let mut buf = Vec::new();
    let mut line_no: u64 = 0;
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        line_no += 1;
        let reply = match std::str::from_utf8(&buf) {
            Ok(line) => session.handle(line_no, line),
            Err(e) => Some((
                to_line(&ErrorReply {
                    kind: "error",
                    line: line_no,
                    message: format!(
                        "line {line_no}: not UTF-8 text (invalid byte at offset {})",
                        e.valid_up_to()
                    ),
                }),
                Next::Continue,
            )),
        };
        if let Some((text, next)) = reply {
            if send(&mut output, &text).is_err() || next == Next::Close {
                return Ok(());
            }
        }
    }
}

/// Writes one line and flushes it.
fn send(output: &mut impl Write, line: &str) -> io::Result<()> {
    output.write_all(line.as_bytes())?;
    output.write_all(b"\n")?;
    output.flush()
}

/// Serializes a reply; the shapes here always serialize.
fn to_line(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| {
        format!("{{\"type\":\"error\",\"line\":1,\"message\":\"cannot write a reply: {e}\"}}")
    })
}

/// A JSON syntax error, located by column (the line is the request's).
fn json_error(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let what = full.strip_suffix(&suffix).unwrap_or(&full);
    format!("not valid JSON at column {}: {what}", e.column())
}

/// A short description of a JSON value for error messages.
fn describe_value(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 40 {
        let short: String = text.chars().take(37).collect();
        format!("{short}...")
    } else {
        text
    }
}

/// Rejects fields that `what` does not take (a misspelt field would otherwise be ignored).
fn only_fields(obj: &Map<String, Value>, what: &str, allowed: &[&str]) -> Result<(), String> {
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

/// Whether the text observation lists this element (it leaves out
/// unlabelled groups and list rows, which only arrange others).
fn listed(env: &Env, id: u32) -> bool {
    env.nodes()
        .get(id as usize)
        .is_some_and(|n| !(matches!(n.role, Role::Group | Role::ListItem) && n.label.is_empty()))
}

/// The observation of `env` now.
fn observation(env: &Env) -> Observation {
    let elements = env
        .visible_nodes()
        .filter(|&id| listed(env, id))
        .filter_map(|id| {
            let n = env.nodes().get(id as usize)?;
            let handle = !n.key.is_empty() && n.role.is_interactive();
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
                key: handle.then(|| n.key.clone()),
                selector: (handle && !n.dom_id.is_empty()).then(|| n.dom_id.clone()),
                value,
                options: (n.role == Role::Select).then(|| n.options.clone()),
                checked: matches!(n.role, Role::Checkbox | Role::Radio).then(|| env.checked(id)),
                focused: env.focus() == Some(id),
                usable: env.is_usable(id),
                bbox: [n.bbox.x, n.bbox.y, n.bbox.w, n.bbox.h],
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
        actions: env
            .candidates()
            .iter()
            .map(|a| action_out(env, a))
            .collect(),
    }
}

/// The name of goal field `g` of the task.
fn goal_name(env: &Env, g: u16) -> Option<&str> {
    env.site()
        .tasks
        .get(env.task_index())
        .and_then(|t| t.fields.get(g as usize))
        .map(|s| s.as_str())
}

fn key_name(key: Key) -> &'static str {
    match key {
        Key::Enter => "enter",
        Key::Tab => "tab",
        Key::Escape => "escape",
    }
}

/// An engine action as protocol JSON (what `parse_action` reads back).
fn action_out(env: &Env, action: &Action) -> ActionOut {
    match action {
        Action::Click(id) => ActionOut {
            kind: "click",
            id: Some(*id),
            ..ActionOut::default()
        },
        Action::ClickAt { x, y } => ActionOut {
            kind: "click_at",
            x: Some(*x),
            y: Some(*y),
            ..ActionOut::default()
        },
        Action::Type(id, TypeText::Goal(g)) => ActionOut {
            kind: "type",
            id: Some(*id),
            goal: Some(goal_name(env, *g).unwrap_or_default().to_string()),
            ..ActionOut::default()
        },
        Action::Type(id, TypeText::Literal(text)) => ActionOut {
            kind: "type",
            id: Some(*id),
            text: Some(text.clone()),
            ..ActionOut::default()
        },
        Action::Select(id, option) => ActionOut {
            kind: "select",
            id: Some(*id),
            option: Some(*option),
            ..ActionOut::default()
        },
        Action::Key(key) => ActionOut {
            kind: "key",
            key: Some(key_name(*key)),
            ..ActionOut::default()
        },
        Action::Scroll(dy) => ActionOut {
            kind: "scroll",
            dy: Some(*dy),
            ..ActionOut::default()
        },
        Action::Finish => ActionOut {
            kind: "finish",
            ..ActionOut::default()
        },
    }
}

/// The action kinds and the fields each takes (`kind` included).
const KINDS: [(&str, &[&str]); 7] = [
    ("click", &["kind", "id"]),
    ("click_at", &["kind", "x", "y"]),
    ("type", &["kind", "id", "text", "goal"]),
    ("select", &["kind", "id", "option"]),
    ("key", &["kind", "key"]),
    ("scroll", &["kind", "dy"]),
    ("finish", &["kind"]),
];

/// Reads a step's action, checking it against what is shown now. The error
/// names the field (`action.id`, ...) and what was expected.
fn parse_action(env: &Env, value: &Value) -> Result<Action, String> {
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
                (None, Some(v)) => {
                    return Err(format!(
                        "action.goal must be a goal field's name (a string), got {}",
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
        "key" => match required("key")?.as_str() {
            Some("enter") => Action::Key(Key::Enter),
            Some("tab") => Action::Key(Key::Tab),
            Some("escape") => Action::Key(Key::Escape),
            _ => {
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

#[cfg(test)]
mod tests {
    use super::*;
    use wobble_engine::{builtin, EnvConfig, PerturbSpec};

    fn session(site: &str, spec: &str) -> Session {
        let site = builtin::load_builtin(site).unwrap();
        let mut env = Env::new(site, 0, EnvConfig::default()).unwrap();
        env.set_perturbations(spec.parse::<PerturbSpec>().unwrap());
        Session::new(env, 1)
    }

    /// Runs a session over these input lines; the output lines, parsed.
    fn run(site: &str, input: &str) -> Vec<Value> {
        let mut out = Vec::new();
        serve(session(site, ""), input.as_bytes(), &mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn the_hello_line_comes_first_and_close_ends_the_session() {
        let replies = run("click-button", "{\"op\":\"close\"}\n{\"op\":\"reset\"}\n");
        assert_eq!(replies.len(), 2, "{replies:?}");
        assert_eq!(replies[0]["type"], "hello");
        assert_eq!(replies[0]["protocol"], PROTOCOL);
        assert_eq!(replies[0]["version"], VERSION);
        assert_eq!(replies[1]["type"], "bye");
    }

    #[test]
    fn candidate_actions_read_back_as_the_same_engine_actions() {
        let mut s = session("bank", "popup:3");
        s.env.reset(5);
        for a in s.env.candidates().to_vec() {
            let json = serde_json::to_value(action_out(&s.env, &a)).unwrap();
            assert_eq!(parse_action(&s.env, &json).unwrap(), a, "{json}");
        }
    }

    #[test]
    fn elements_are_the_lines_of_the_text_in_order() {
        let mut s = session("airline", "distractors:3");
        s.env.reset(3);
        let obs = observation(&s.env);
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
    fn bad_requests_get_located_errors_and_the_session_goes_on() {
        let input = [
            "{\"op\":\"step\",\"action\":{\"kind\":\"finish\"}}",
            "not json",
            "[1,2]",
            "{\"op\":\"dance\"}",
            "{\"seed\":3}",
            "{\"op\":\"reset\",\"sed\":3}",
            "{\"op\":\"reset\",\"seed\":-1}",
            "",
            "{\"op\":\"reset\",\"seed\":2}",
            "{\"op\":\"step\",\"action\":{\"kind\":\"click\",\"id\":9999}}",
            "{\"op\":\"step\",\"action\":{\"kind\":\"click\",\"id\":\"3\"}}",
            "{\"op\":\"step\",\"action\":{\"kind\":\"jump\"}}",
            "{\"op\":\"step\",\"action\":{\"kind\":\"type\",\"id\":1}}",
            "{\"op\":\"step\",\"action\":{\"kind\":\"type\",\"id\":1,\"goal\":\"nope\"}}",
            "{\"op\":\"step\",\"action\":{\"kind\":\"select\",\"id\":1,\"option\":0}}",
            "{\"op\":\"step\",\"action\":{\"kind\":\"key\",\"key\":\"space\"}}",
            "{\"op\":\"step\",\"action\":{\"kind\":\"scroll\",\"dy\":1e999}}",
            "{\"op\":\"step\",\"action\":{\"kind\":\"finish\",\"now\":true}}",
            "{\"op\":\"step\"}",
            "{\"op\":\"step\",\"action\":{\"kind\":\"finish\"}}",
            "{\"op\":\"step\",\"action\":{\"kind\":\"finish\"}}",
            "{\"op\":\"observe\"}",
        ]
        .join("\n");
        let replies = run("click-button", &input);
        let kinds: Vec<&str> = replies
            .iter()
            .map(|r| r["type"].as_str().unwrap())
            .collect();
        let mut want = vec!["hello"];
        want.extend(["error"; 7]);
        want.push("observation"); // line 9 (line 8 is blank: no reply)
        want.extend(["error"; 10]);
        want.extend(["step", "error", "observation"]);
        assert_eq!(kinds, want);
        let messages: Vec<(u64, &str)> = replies
            .iter()
            .filter(|r| r["type"] == "error")
            .map(|r| (r["line"].as_u64().unwrap(), r["message"].as_str().unwrap()))
            .collect();
        for (line, message) in &messages {
            assert!(message.starts_with(&format!("line {line}: ")), "{message}");
        }
        let expect = [
            (1, "no episode has started"),
            (2, "not valid JSON at column 2"),
            (3, "expected a JSON object"),
            (4, "unknown op \"dance\""),
            (5, "no \"op\""),
            (6, "unknown field \"sed\""),
            (7, "\"seed\" must be an integer"),
            (10, "no element 9999 is shown now"),
            (11, "action.id must be an element id"),
            (12, "unknown action kind \"jump\""),
            (13, "exactly one of \"text\""),
            (14, "no goal field \"nope\""),
            (15, "has no options"),
            (16, "action.key must be"),
            (17, "not valid JSON"),
            (18, "unknown field \"now\" in a finish action"),
            (19, "no \"action\""),
            (21, "the episode is over"),
        ];
        assert_eq!(messages.len(), expect.len(), "{messages:#?}");
        for ((line, message), (want_line, want)) in messages.iter().zip(expect) {
            assert_eq!(*line, want_line, "{message}");
            assert!(
                message.contains(want),
                "line {line}: {message:?} lacks {want:?}"
            );
        }
        // Errors changed nothing: the finish on line 20 was the episode's first step.
        let step = replies.iter().find(|r| r["type"] == "step").unwrap();
        assert_eq!(step["observation"]["step"], 1);
        assert_eq!(step["terminated"], true);
        assert_eq!(step["reward"], -1.0);
        assert!(step["reason"].is_string());
    }

    #[test]
    fn any_action_on_any_id_of_any_site_is_a_step_or_an_error() {
        let actions = |id: i64| {
            [
                format!(r#"{{"kind":"click","id":{id}}}"#),
                format!(r#"{{"kind":"type","id":{id},"text":"x\n\"y\""}}"#),
                format!(r#"{{"kind":"type","id":{id},"goal":"username"}}"#),
                format!(r#"{{"kind":"select","id":{id},"option":{id}}}"#),
                format!(r#"{{"kind":"select","id":{id},"option":"Savings"}}"#),
                format!(r#"{{"kind":"click_at","x":{id}.5,"y":{}}}"#, id * 7),
                format!(r#"{{"kind":"scroll","dy":{}}}"#, id * 37 - 900),
                r#"{"kind":"key","key":"tab"}"#.to_string(),
                r#"{"kind":"key","key":"enter"}"#.to_string(),
                r#"{"kind":"key","key":"escape"}"#.to_string(),
            ]
        };
        for site in builtin::site_names() {
            let mut s = session(site, "popup:2,distractors:2");
            let mut line = 0;
            let mut steps = 0;
            for id in -2..90 {
                for (i, action) in actions(id).iter().enumerate() {
                    line += 1;
                    let request = if (id + i as i64) % 25 == 0 {
                        format!(r#"{{"op":"reset","seed":{}}}"#, id.unsigned_abs())
                    } else {
                        format!(r#"{{"op":"step","action":{action}}}"#)
                    };
                    let (reply, next) = s.handle(line, &request).unwrap();
                    assert_eq!(next, Next::Continue);
                    let v: Value = serde_json::from_str(&reply).unwrap();
                    assert!(
                        ["step", "error", "observation"].contains(&v["type"].as_str().unwrap()),
                        "{site}: {request} -> {reply}"
                    );
                    steps += usize::from(v["type"] == "step");
                }
            }
            assert!(steps > 50, "{site}: only {steps} actions were steps");
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error_reply() {
        let mut out = Vec::new();
        let input: &[u8] = b"{\"op\":\"reset\"}\n\xff\xfe\n{\"op\":\"close\"}\n";
        serve(session("click-button", ""), input, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[2].contains("line 2: not UTF-8"), "{}", lines[2]);
        assert_eq!(lines[3], "{\"type\":\"bye\"}");
    }

    #[test]
    fn click_at_the_middle_of_a_box_clicks_that_element() {
        let mut s = session("login-user", "");
        let mut ask = |line: &str| -> Value {
            let (reply, _) = s.handle(1, line).unwrap();
            serde_json::from_str(&reply).unwrap()
        };
        ask(r#"{"op":"reset","seed":3}"#);
        ask(r#"{"op":"step","action":{"kind":"type","id":4,"goal":"username"}}"#);
        let obs = ask(r#"{"op":"step","action":{"kind":"type","id":7,"goal":"password"}}"#)
            ["observation"]
            .take();
        let button = obs["elements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["role"] == "button")
            .unwrap();
        let b: Vec<f64> = button["box"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let x = b[0] + b[2] / 2.0;
        let y = b[1] + b[3] / 2.0 - obs["scroll_y"].as_f64().unwrap();
        let click = format!(r#"{{"op":"step","action":{{"kind":"click_at","x":{x},"y":{y}}}}}"#);
        let v = ask(&click);
        assert_eq!(v["reward"], 1.0, "{v}");
    }

    #[test]
    fn resets_without_a_seed_count_up_from_the_first() {
        let replies = run(
            "click-button",
            "{\"op\":\"reset\"}\n{\"op\":\"reset\",\"seed\":10}\n{\"op\":\"reset\",\"seed\":null}\n",
        );
        let seeds: Vec<u64> = replies[1..]
            .iter()
            .map(|r| r["seed"].as_u64().unwrap())
            .collect();
        assert_eq!(seeds, [1, 10, 11]);
    }

    #[test]
    fn select_by_text_and_type_by_goal_name_work() {
        let replies = run("choose-list", "{\"op\":\"reset\",\"seed\":4}\n");
        let obs = &replies[1];
        let select = obs["elements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["role"] == "select")
            .unwrap();
        let option = select["options"][2].as_str().unwrap();
        let mut s = session("choose-list", "");
        s.env.reset(4);
        let id = select["id"].as_u64().unwrap() as u32;
        let by_text = serde_json::json!({"kind": "select", "id": id, "option": option});
        assert_eq!(
            parse_action(&s.env, &by_text).unwrap(),
            Action::Select(id, 2)
        );
        let by_index = serde_json::json!({"kind": "select", "id": id, "option": 2});
        assert_eq!(
            parse_action(&s.env, &by_index).unwrap(),
            Action::Select(id, 2)
        );
    }
}
