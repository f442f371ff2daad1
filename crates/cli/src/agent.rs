//! `wobble agent`: the agent protocol, so that a program in any language can
//! drive an environment over JSON lines on stdin and stdout.
//!
//! The session prints a `hello` line, then answers every request (one JSON
//! object per line) with exactly one reply line, flushed at once:
//!
//! ```text
//! -> (nothing)                              <- {"type":"hello","protocol":"wobble-agent","version":2,...}
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
//!
//! This file is the transport only (lines in, lines out, line numbers in
//! errors, the requests' own fields). The observations, actions and step
//! replies, and the episode bookkeeping, are `wobble_engine::protocol`'s,
//! which the JavaScript module (`crates/js`) uses too.

use serde::Serialize;
use serde_json::Value;
use std::io::{self, BufRead, Read, Write};
use wobble_engine::protocol::{describe_value, only_fields, DriveError, Driver, PROTOCOL, VERSION};
use wobble_engine::Env;

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
    driver: Driver,
    /// The seed given on the command line (reported in the hello line).
    first_seed: u64,
}

/// How an error reply tells the client to start an episode.
const RESET_HINT: &str = "send {\"op\":\"reset\"}";

impl Session {
    /// A session over `env` (its perturbations already set); the first
    /// `reset` without a seed uses `seed`.
    pub fn new(env: Env, seed: u64) -> Session {
        Session {
            driver: Driver::new(env, seed),
            first_seed: seed,
        }
    }

    /// The hello line (without its newline).
    fn hello(&self) -> String {
        let env = self.driver.env();
        to_line(&Hello {
            kind: "hello",
            protocol: PROTOCOL,
            version: VERSION,
            site: &env.base_site().name,
            task: env.task_name(),
            seed: self.first_seed,
            perturb: env.perturbations().to_string(),
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
        let refused = |op: &str, e: DriveError| e.describe(op, RESET_HINT);
        match op {
            "reset" => {
                only_fields(&req, "a reset request", &["op", "seed"])?;
                let seed = match req.get("seed") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(v.as_u64().ok_or_else(|| {
                        format!(
                            "reset: \"seed\" must be an integer from 0 to {}, got {}",
                            u64::MAX,
                            describe_value(v)
                        )
                    })?),
                };
                Ok((to_line(&self.driver.reset(seed)), Next::Continue))
            }
            "step" => {
                only_fields(&req, "a step request", &["op", "action"])?;
                self.driver.can_step().map_err(|e| refused("step", e))?;
                let Some(action) = req.get("action") else {
                    return Err("step: the request has no \"action\", e.g. \
                                {\"op\":\"step\",\"action\":{\"kind\":\"click\",\"id\":3}}"
                        .to_string());
                };
                let reply = self.driver.step(action).map_err(|e| refused("step", e))?;
                Ok((to_line(&reply), Next::Continue))
            }
            "observe" => {
                only_fields(&req, "an observe request", &["op"])?;
                let observation = self.driver.observe().map_err(|e| refused("observe", e))?;
                Ok((to_line(&observation), Next::Continue))
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
        let Some(too_long) = read_bounded_line(&mut input, &mut buf)? else {
            return Ok(());
        };
        line_no += 1;
        let reply = match std::str::from_utf8(&buf) {
            _ if too_long => Some((
                to_line(&ErrorReply {
                    kind: "error",
                    line: line_no,
                    message: format!(
                        "line {line_no}: longer than {}; a request is one line of at most that",
                        wobble_engine::limits::human_bytes(MAX_LINE_BYTES as u64)
                    ),
                }),
                Next::Continue,
            )),
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

/// The longest request line read whole. A longer line is skipped to its end and refused, so a
/// runaway writer cannot exhaust memory.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Reads one line into `buf` (cleared first): `None` at the end of the input, else whether the
/// line was over [`MAX_LINE_BYTES`] (then `buf` holds only its start and the rest is skipped).
fn read_bounded_line(input: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<Option<bool>> {
    buf.clear();
    let read = Read::take(&mut *input, MAX_LINE_BYTES as u64 + 1).read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(None);
    }
    if buf.len() <= MAX_LINE_BYTES || buf.last() == Some(&b'\n') {
        return Ok(Some(false));
    }
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            break;
        }
        if let Some(end) = available.iter().position(|&b| b == b'\n') {
            input.consume(end + 1);
            break;
        }
        let skipped = available.len();
        input.consume(skipped);
    }
    Ok(Some(true))
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
    fn a_line_over_the_limit_is_skipped_and_refused_and_the_session_goes_on() {
        for tail in ["\n", ""] {
            let long = format!(
                "{{\"op\":\"reset\",\"pad\":\"{}\"}}{tail}",
                "x".repeat(2 << 20)
            );
            let input = if tail.is_empty() {
                long
            } else {
                format!("{long}{{\"op\":\"reset\",\"seed\":2}}\n")
            };
            let mut out = Vec::new();
            serve(session("click-button", ""), input.as_bytes(), &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert!(
                lines[1].contains("\"line\":1") && lines[1].contains("longer than 1 MiB"),
                "{}",
                lines[1]
            );
            if tail.is_empty() {
                assert_eq!(lines.len(), 2, "the input ended inside the long line");
            } else {
                assert_eq!(lines.len(), 3);
                let reply: Value = serde_json::from_str(lines[2]).unwrap();
                assert_eq!(reply["type"], "observation", "{reply}");
            }
        }
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
}

/// Let an outside agent drive a task: JSON lines on stdin and stdout (docs/agent-protocol.md).
#[derive(clap::Args, Debug)]
pub struct AgentArgs {
    /// Site name or path to a .ron file.
    #[arg(long, required_unless_present = "schema")]
    site: Option<String>,
    /// Task name (default: the site's first task).
    #[arg(long)]
    task: Option<String>,
    /// Seed of the first episode; a reset without a seed takes the next one.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Perturbations applied at every reset, e.g. `relabel:2,move:1,popup` (`wobble perturbations` lists them).
    #[arg(long, value_name = "SPEC")]
    perturb: Option<String>,
    /// Print the JSON Schema of the requests and replies, and exit.
    #[arg(long, conflicts_with_all = ["site", "task", "perturb"])]
    schema: bool,
}

/// Runs `wobble agent`: serves stdin until `close` or its end.
pub fn run(args: AgentArgs) -> Result<std::process::ExitCode, String> {
    if args.schema {
        out!("{}", SCHEMA);
        return Ok(std::process::ExitCode::SUCCESS);
    }
    let Some(site) = args.site else {
        return Err("agent needs --site (or --schema)".to_string());
    };
    let on = crate::common::Task {
        site,
        task: args.task,
    };
    let env = crate::common::make_env(&on, args.perturb.as_deref())?;
    let stdin = std::io::stdin();
    serve(
        Session::new(env, args.seed),
        stdin.lock(),
        std::io::stdout(),
    )
    .map_err(|e| format!("agent: cannot read stdin: {e}"))?;
    Ok(std::process::ExitCode::SUCCESS)
}
