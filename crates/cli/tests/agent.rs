//! `wobble agent` as an outside program drives it: the JSON-lines protocol
//! over a pipe, its JSON Schema, the stability of the text observation, and
//! the Python example agent doing the bank transfer.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn wobble() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wobble"));
    cmd.current_dir(ROOT);
    cmd
}

/// Runs `wobble ARGS` with `input` on stdin: (exit code, stdout, stderr).
fn run(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = wobble()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The session may end before reading everything (after close): ignore a broken pipe.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A session's reply lines, parsed.
fn replies(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Requests that reset the bank at `seed`, sign in, open the transfer form,
/// choose an account and ask to review it without a payee (ids as the
/// unperturbed bank lays them out), read the observation again, and close.
fn bank_requests(seed: u64) -> String {
    let mut lines = vec![format!("{{\"op\":\"reset\",\"seed\":{seed}}}")];
    for action in [
        r#"{"kind":"type","id":6,"goal":"username"}"#,
        r#"{"kind":"type","id":9,"goal":"password"}"#,
        r#"{"kind":"click","id":11}"#,
        r#"{"kind":"click","id":30}"#,
        r#"{"kind":"select","id":37,"option":0}"#,
        r#"{"kind":"click","id":50}"#,
    ] {
        lines.push(format!("{{\"op\":\"step\",\"action\":{action}}}"));
    }
    lines.push(r#"{"op":"observe"}"#.to_string());
    lines.push(r#"{"op":"close"}"#.to_string());
    lines.join("\n") + "\n"
}

#[test]
fn a_session_resets_steps_and_closes() {
    let (code, out, err) = run(
        &[
            "agent", "--site", "bank", "--task", "transfer", "--seed", "4",
        ],
        &bank_requests(4),
    );
    assert_eq!(code, 0, "{err}");
    let r = replies(&out);
    let kinds: Vec<&str> = r.iter().map(|v| v["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "hello",
            "observation",
            "step",
            "step",
            "step",
            "step",
            "step",
            "step",
            "observation",
            "bye"
        ]
    );
    assert_eq!(r[0]["site"], "bank");
    assert_eq!(r[0]["task"], "transfer");
    assert_eq!(r[1]["step"], 0);
    assert_eq!(r[1]["page"], "login");
    let username = r[1]["goal"]["username"].as_str().unwrap();
    assert!(r[1]["instruction"].as_str().unwrap().contains(username));
    assert_eq!(r[4]["observation"]["page"], "overview", "signed in");
    assert_eq!(r[5]["observation"]["page"], "transfer");
    // Review without a payee: the form says what is missing, and the episode goes on.
    let last = &r[7]["observation"];
    assert_eq!(last["step"], 6);
    assert_eq!(r[7]["reward"], 0.0);
    assert_eq!(r[7]["reason"], Value::Null);
    assert!(
        last["text"]
            .as_str()
            .unwrap()
            .contains("Choose who to pay."),
        "{}",
        last["text"]
    );
    assert_eq!(r[8], *last, "observe repeats the last observation");
}

#[test]
fn the_same_requests_give_the_same_bytes_and_other_seeds_differ() {
    let args = ["agent", "--site", "bank", "--perturb", "relabel:2,popup:1"];
    let (_, a, _) = run(&args, &bank_requests(7));
    let (_, b, _) = run(&args, &bank_requests(7));
    let (_, c, _) = run(&args, &bank_requests(8));
    assert!(a.lines().count() > 5);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn bad_input_gets_error_replies_and_never_ends_the_session() {
    let input = [
        "{\"op\":\"step\",\"action\":{\"kind\":\"finish\"}}",
        "{\"op\":",
        "{\"op\":\"fly\"}",
        "{\"op\":\"reset\"}",
        "{\"op\":\"step\",\"action\":{\"kind\":\"click\",\"id\":123456}}",
        "{\"op\":\"step\",\"action\":{\"kind\":\"click\",\"id\":-1}}",
        "{\"op\":\"step\",\"action\":{\"kind\":\"finish\"}}",
        "{\"op\":\"step\",\"action\":{\"kind\":\"finish\"}}",
        "{\"op\":\"reset\"}",
    ]
    .join("\n");
    let (code, out, err) = run(&["agent", "--site", "login-user"], &input);
    assert_eq!(code, 0, "end of input ends the session cleanly: {err}");
    let r = replies(&out);
    let kinds: Vec<&str> = r.iter().map(|v| v["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "hello",
            "error",
            "error",
            "error",
            "observation",
            "error",
            "error",
            "step",
            "error",
            "observation"
        ]
    );
    let message = |i: usize| r[i]["message"].as_str().unwrap().to_string();
    assert!(message(1).starts_with("line 1: step: no episode has started"));
    assert_eq!(
        message(2),
        "line 2: not valid JSON at column 6: EOF while parsing a value"
    );
    assert!(message(3).starts_with("line 3: unknown op \"fly\""));
    assert!(message(5).starts_with("line 5: step: action.id: no element 123456 is shown"));
    assert!(message(6).starts_with("line 6: step: action.id must be an element id"));
    assert!(message(8).starts_with("line 8: step: the episode is over"));
    assert_eq!(r[7]["reward"], -1.0);
    assert_eq!(r[7]["terminated"], true);
    assert_eq!(r[9]["seed"], 2, "the second reset takes the next seed");
}

#[test]
fn startup_mistakes_are_clear_errors() {
    let (code, out, err) = run(&["agent", "--site", "nowhere"], "");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("nowhere"), "{err}");
    let (code, _, err) = run(&["agent", "--site", "bank", "--task", "rob"], "");
    assert_eq!(code, 2);
    assert!(err.contains("no task \"rob\""), "{err}");
    let (code, _, err) = run(&["agent", "--site", "bank", "--perturb", "wobble:9"], "");
    assert_eq!(code, 2);
    assert!(err.contains("--perturb"), "{err}");
    let (code, _, err) = run(&["agent"], "");
    assert_ne!(code, 0);
    assert!(err.contains("--site"), "{err}");
}

// ----- The JSON Schema -----

/// The keywords the schema may use: the ones [`validate`] checks, and annotations.
const CHECKED: [&str; 12] = [
    "$ref",
    "type",
    "const",
    "enum",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "oneOf",
    "minimum",
];
const ANNOTATIONS: [&str; 4] = ["$schema", "$defs", "title", "description"];

/// Checks that every schema object in `s` uses only known keywords, so that
/// [`validate`] skips nothing the schema says.
fn known_keywords(s: &Value, path: &str) {
    let Value::Object(obj) = s else { return };
    for (k, v) in obj {
        assert!(
            CHECKED.contains(&k.as_str()) || ANNOTATIONS.contains(&k.as_str()),
            "{path}: keyword {k:?} is not checked by this test's validator"
        );
        match k.as_str() {
            "properties" | "$defs" => {
                for (name, sub) in v.as_object().unwrap() {
                    known_keywords(sub, &format!("{path}/{k}/{name}"));
                }
            }
            "oneOf" => {
                for (i, sub) in v.as_array().unwrap().iter().enumerate() {
                    known_keywords(sub, &format!("{path}/oneOf/{i}"));
                }
            }
            "items" | "additionalProperties" => known_keywords(v, &format!("{path}/{k}")),
            _ => {}
        }
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        other => panic!("unknown type {other:?} in the schema"),
    }
}

/// A small JSON Schema validator for the keywords in [`CHECKED`]; `Err`
/// says where the value breaks the schema.
fn validate(root: &Value, s: &Value, v: &Value, path: &str) -> Result<(), String> {
    let Value::Object(s) = s else {
        return Ok(());
    };
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        validate(root, &root["$defs"][name], v, path)?;
    }
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_matches(t, v),
            Value::Array(ts) => ts.iter().any(|t| type_matches(t.as_str().unwrap(), v)),
            _ => panic!("bad type keyword"),
        };
        if !ok {
            return Err(format!("{path}: {v} is not of type {t}"));
        }
    }
    if let Some(c) = s.get("const") {
        if c != v {
            return Err(format!("{path}: {v} is not {c}"));
        }
    }
    if let Some(Value::Array(options)) = s.get("enum") {
        if !options.contains(v) {
            return Err(format!("{path}: {v} is not one of {options:?}"));
        }
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64()) {
        if n < min {
            return Err(format!("{path}: {n} is below {min}"));
        }
    }
    if let Value::Object(obj) = v {
        let props = s.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = s.get("required") {
            for r in required {
                let r = r.as_str().unwrap();
                if !obj.contains_key(r) {
                    return Err(format!("{path}: missing {r:?}"));
                }
            }
        }
        for (k, val) in obj {
            let sub = format!("{path}.{k}");
            match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                (Some(ps), _) => validate(root, ps, val, &sub)?,
                (None, Some(Value::Bool(false))) => {
                    return Err(format!("{path}: unexpected field {k:?}"))
                }
                (None, Some(extra)) => validate(root, extra, val, &sub)?,
                (None, None) => {}
            }
        }
    }
    if let Value::Array(items) = v {
        if let Some(n) = s.get("minItems").and_then(Value::as_u64) {
            if (items.len() as u64) < n {
                return Err(format!("{path}: fewer than {n} items"));
            }
        }
        if let Some(n) = s.get("maxItems").and_then(Value::as_u64) {
            if (items.len() as u64) > n {
                return Err(format!("{path}: more than {n} items"));
            }
        }
        if let Some(item) = s.get("items") {
            for (i, it) in items.iter().enumerate() {
                validate(root, item, it, &format!("{path}[{i}]"))?;
            }
        }
    }
    if let Some(Value::Array(branches)) = s.get("oneOf") {
        let results: Vec<Result<(), String>> = branches
            .iter()
            .map(|b| validate(root, b, v, path))
            .collect();
        let passing = results.iter().filter(|r| r.is_ok()).count();
        if passing != 1 {
            let why: Vec<String> = results.into_iter().filter_map(Result::err).collect();
            return Err(format!(
                "{path}: {v} matches {passing} of the oneOf branches, not exactly one: {why:?}"
            ));
        }
    }
    Ok(())
}

fn schema() -> Value {
    let (code, out, err) = run(&["agent", "--schema"], "");
    assert_eq!(code, 0, "{err}");
    let printed: Value = serde_json::from_str(&out).expect("--schema prints one JSON value");
    let file = std::fs::read_to_string(format!("{ROOT}/docs/agent-protocol.schema.json")).unwrap();
    assert_eq!(printed, serde_json::from_str::<Value>(&file).unwrap());
    known_keywords(&printed, "#");
    printed
}

#[test]
fn every_reply_and_request_fits_the_schema() {
    let schema = schema();
    let reply = &schema["$defs"]["reply"];
    let request = &schema["$defs"]["request"];
    let mut input = bank_requests(3);
    input.insert_str(
        0,
        "nonsense\n{\"op\":\"step\",\"action\":{\"kind\":\"scroll\",\"dy\":40}}\n",
    );
    for (site, perturb) in [
        ("bank", "popup:3"),
        ("click-checkboxes", ""),
        ("airline", "extra-step:2"),
    ] {
        let mut args = vec!["agent", "--site", site];
        if !perturb.is_empty() {
            args.extend(["--perturb", perturb]);
        }
        let (_, out, _) = run(&args, &input);
        let rs = replies(&out);
        let mut kinds = std::collections::BTreeSet::new();
        for (i, r) in rs.iter().enumerate() {
            if let Err(e) = validate(&schema, reply, r, &format!("{site} reply {i}")) {
                panic!("{e}");
            }
            kinds.insert(r["type"].as_str().unwrap().to_string());
            // Every candidate action is a valid request's action.
            let obs = if r["type"] == "step" {
                &r["observation"]
            } else {
                r
            };
            for a in obs["actions"].as_array().into_iter().flatten() {
                let req = serde_json::json!({"op": "step", "action": a});
                validate(&schema, request, &req, "candidate").unwrap();
            }
        }
        if site == "bank" {
            let all: Vec<&str> = kinds.iter().map(String::as_str).collect();
            assert_eq!(all, ["bye", "error", "hello", "observation", "step"]);
        }
    }
    for line in bank_requests(1).lines().chain([
        r#"{"op":"reset","seed":null}"#,
        r#"{"op":"step","action":{"kind":"click_at","x":10.5,"y":20}}"#,
        r#"{"op":"step","action":{"kind":"type","id":3,"text":"hello"}}"#,
        r#"{"op":"step","action":{"kind":"select","id":3,"option":"Savings"}}"#,
        r#"{"op":"step","action":{"kind":"key","key":"enter"}}"#,
        r#"{"op":"step","action":{"kind":"finish"}}"#,
    ]) {
        let v: Value = serde_json::from_str(line).unwrap();
        validate(&schema, request, &v, line).unwrap();
        validate(&schema, &schema, &v, line).unwrap();
    }
    for bad in [
        r#"{"op":"reset","sed":1}"#,
        r#"{"op":"step","action":{"kind":"type","id":3,"text":"a","goal":"b"}}"#,
        r#"{"op":"step","action":{"kind":"key","key":"space"}}"#,
        r#"{"op":"step"}"#,
    ] {
        let v: Value = serde_json::from_str(bad).unwrap();
        assert!(validate(&schema, request, &v, bad).is_err(), "{bad}");
    }
}

// ----- The text observation -----

#[test]
fn the_text_observation_is_byte_stable_for_a_seed_and_changes_with_it() {
    for (site, perturb) in [
        ("bank", ""),
        ("airline", "relabel:3,move:2,popup:2"),
        ("choose-date", "number-format:2"),
    ] {
        let observe = |seed: &str| {
            let mut args = vec!["observe", "--site", site, "--seed", seed];
            if !perturb.is_empty() {
                args.extend(["--perturb", perturb]);
            }
            let (code, out, err) = run(&args, "");
            assert_eq!(code, 0, "{err}");
            out
        };
        let first = observe("11");
        assert_eq!(first, observe("11"), "{site}: same seed, same text");
        assert_ne!(first, observe("12"), "{site}: another seed, another text");
        assert!(first.starts_with("instruction: "), "{first}");

        // The agent protocol's text is the same serialization.
        let mut args = vec!["agent", "--site", site, "--seed", "11"];
        if !perturb.is_empty() {
            args.extend(["--perturb", perturb]);
        }
        let (_, out, _) = run(&args, "{\"op\":\"reset\"}\n");
        let text = replies(&out)[1]["text"].as_str().unwrap().to_string();
        assert!(
            first.starts_with(&text),
            "{site}: the agent's text is `wobble observe`'s\n{text}\n---\n{first}"
        );
    }
}

// ----- The Python example -----

#[test]
fn the_python_example_agent_does_the_bank_transfer() {
    let out = Command::new("python3")
        .arg("examples/python_agent.py")
        .args(["--seed", "21", "--episodes", "4"])
        .env("WOBBLE_BIN", env!("CARGO_BIN_EXE_wobble"))
        .current_dir(ROOT)
        .output()
        .expect("python3 runs (the example agent needs Python 3, standard library only)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let episodes: Vec<&str> = stdout.lines().filter(|l| l.starts_with("seed ")).collect();
    assert_eq!(episodes.len(), 4, "{stdout}");
    for (line, seed) in episodes.iter().zip(21..) {
        assert!(
            line.starts_with(&format!("seed {seed}: reward +1 in ")),
            "{line}"
        );
    }
    assert!(stdout.contains("solved 4/4"), "{stdout}");
}

#[test]
fn observe_json_prints_the_protocols_observation() {
    let (code, out, err) = run(
        &["agent", "--site", "airline", "--perturb", "relabel:3"],
        "{\"op\":\"reset\",\"seed\":3}\n",
    );
    assert_eq!(code, 0, "{err}");
    let reset = replies(&out)
        .into_iter()
        .find(|r| r["type"] == "observation")
        .unwrap_or_else(|| panic!("no observation: {out}"));
    let (code, out, err) = run(
        &[
            "observe",
            "--site",
            "airline",
            "--seed",
            "3",
            "--perturb",
            "relabel:3",
            "--json",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let observed: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(observed, reset);
}
