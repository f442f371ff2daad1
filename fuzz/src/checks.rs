//! What the engine's fuzz targets feed the engine, and what they check.
//!
//! Each public function takes one input (bytes, or a [`Scenario`] for the
//! `actions` target), runs it through the engine the way a front end would,
//! and panics only when an invariant is broken; every error the engine
//! returns is fine as long as it is an error and not a panic. The fuzz
//! targets under `fuzz/fuzz_targets/` call these functions, and the engine's
//! regression test (`crates/engine/tests/fuzz_regressions.rs`) compiles this
//! same file and runs it on every saved input under `fuzz/regressions/` and
//! `fuzz/corpus/`, so a crash once found stays fixed in the ordinary tests.
//!
//! Only `wobble_engine`, `serde` and `serde_json` are used here, which the
//! engine's tests already have.

use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};
use wobble_engine::compile::MoneyFormat;
use wobble_engine::eval::{parse_number, text_eq, write_money};
use wobble_engine::protocol::{self, DriveError, Driver};
use wobble_engine::rng::Rng;
use wobble_engine::{
    builtin, load_site, render, Action, Env, EnvConfig, EpisodeRecord, Key, Kind, PerturbSpec,
    Recorder, Site, StepError, StepResult, TypeText,
};

/// Steps a loaded site file is played for, per episode.
const LOADER_STEPS: usize = 12;
/// Tasks of a loaded site file that are played (a file may declare many).
const LOADER_TASKS: usize = 3;
/// Steps a perturbed builtin site is played for.
const SPEC_STEPS: usize = 8;
/// Lines of an agent-protocol session that are read.
const PROTOCOL_LINES: usize = 64;
/// Moves of a scenario that are played.
const SCENARIO_MOVES: usize = 256;
/// Candidate actions whose protocol form is read back, per observation.
const ROUND_TRIPS: usize = 64;

/// The shipped sites, compiled once per process.
pub fn builtin_sites() -> &'static [Arc<Site>] {
    static SITES: OnceLock<Vec<Arc<Site>>> = OnceLock::new();
    SITES.get_or_init(|| builtin::load_all().expect("the shipped sites load"))
}

/// The shipped site with this name, if there is one.
fn builtin_site(name: &str) -> Option<&'static Arc<Site>> {
    builtin_sites().iter().find(|s| s.name == name)
}

/// FNV-1a of the input: a seed for the choices a check makes about it.
fn digest(data: &[u8]) -> u64 {
    let mut h = wobble_engine::obs::Fnv::default();
    h.bytes(data);
    h.finish()
}

/// Every perturbation kind at one severity.
fn everything(severity: u8) -> PerturbSpec {
    let mut spec = PerturbSpec::none();
    for kind in Kind::ALL {
        spec.set(kind, severity);
    }
    spec
}

/// A spec drawn from `rng`: each kind absent (half the time) or at a severity.
fn random_spec(rng: &mut Rng) -> PerturbSpec {
    let mut spec = PerturbSpec::none();
    for kind in Kind::ALL {
        let level = rng.below(6) as u8;
        if (1..=3).contains(&level) {
            spec.set(kind, level);
        }
    }
    spec
}

// ----- invariants ------------------------------------------------------------------------------

/// What must hold of any environment between steps.
fn check_env(env: &Env) {
    assert!(
        env.steps() <= env.step_limit(),
        "{} steps taken, over the limit of {}",
        env.steps(),
        env.step_limit()
    );
    if env.is_done() {
        assert!(
            env.candidates().is_empty(),
            "an ended episode lists candidate actions"
        );
    }
    for id in env.visible_nodes() {
        let b = env.bbox(id);
        assert!(
            b.x.is_finite() && b.y.is_finite() && b.w.is_finite() && b.h.is_finite(),
            "node {id} has a box that is not finite: {b:?}"
        );
        assert!(
            b.w >= 0.0 && b.h >= 0.0,
            "node {id} has a negative size: {b:?}"
        );
    }
}

/// What must hold after `env.step` answered `result`, with `before` the
/// observation digest and step count before it.
fn check_step(env: &mut Env, result: &Result<StepResult, StepError>, before: (u64, u32, bool)) {
    let (digest_before, steps_before, done_before) = before;
    match result {
        Ok(r) => {
            assert!(!done_before, "an ended episode accepted a step");
            assert_eq!(env.steps(), steps_before + 1, "a step was not counted once");
            if r.terminated || r.truncated {
                assert!(
                    env.is_done(),
                    "the step ended the episode but it is not done"
                );
                let outcome = env.outcome().expect("an ended episode has an outcome");
                assert!(
                    r.reward == outcome.raw_reward && (r.reward == 1.0 || r.reward == -1.0),
                    "terminal reward {} is not the outcome's ±1 ({outcome:?})",
                    r.reward
                );
                assert!(!outcome.reason.is_empty(), "an outcome without a reason");
                // A done episode refuses further steps with an error, not a panic.
                let refused = env.step(&Action::Finish);
                assert_eq!(refused, Err(StepError::EpisodeOver));
            } else {
                assert_eq!(r.reward, 0.0, "a reward before the end");
                assert!(!env.is_done(), "the episode ended without saying so");
            }
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            if done_before {
                assert_eq!(
                    *e,
                    StepError::EpisodeOver,
                    "an ended episode gave another error"
                );
            }
            // Errors leave the episode unchanged.
            assert_eq!(env.steps(), steps_before, "a refused step was counted");
            assert_eq!(env.is_done(), done_before);
            assert_eq!(
                env.observation_digest(),
                digest_before,
                "a refused step changed what is shown"
            );
        }
    }
    check_env(env);
}

/// Steps `env` with `action` and checks the result; returns it.
fn step_checked(env: &mut Env, action: &Action) -> Result<StepResult, StepError> {
    let before = (env.observation_digest(), env.steps(), env.is_done());
    let result = env.step(action);
    check_step(env, &result, before);
    result
}

/// Reads everything an agent or a front end can read from a running episode.
fn observe_all(env: &mut Env) {
    let obs = protocol::observation(env);
    assert_eq!(obs.done, env.is_done());
    assert_eq!(obs.actions.len(), env.candidates().len());
    serde_json::to_string(&obs).expect("an observation serializes");
    let _ = env.observation_text();
    let _ = render::page_svg(env);
    let p = env.potential();
    assert!((0.0..=1.0).contains(&p), "potential {p} is outside [0, 1]");
    // Candidates read back from their protocol form as themselves (the first
    // few: reading one back looks through every shown element).
    for a in env
        .candidates()
        .iter()
        .take(ROUND_TRIPS)
        .cloned()
        .collect::<Vec<_>>()
    {
        let json = serde_json::to_value(protocol::action_json(env, &a)).expect("serializes");
        if let Ok(back) = protocol::parse_action(env, &json) {
            assert_eq!(back, a, "{json} reads back as another action");
        }
    }
}

/// Plays up to `steps` candidate actions chosen by `rng`, checking every step.
fn play_candidates(env: &mut Env, rng: &mut Rng, steps: usize) {
    for _ in 0..steps {
        if env.is_done() {
            break;
        }
        let c = env.candidates();
        let action = if c.is_empty() {
            Action::Finish
        } else {
            c[rng.below(c.len() as u64) as usize].clone()
        };
        let result = step_checked(env, &action);
        assert!(
            result.is_ok(),
            "candidate {action:?} was refused: {result:?}"
        );
    }
}

// ----- targets ---------------------------------------------------------------------------------

/// `site_loader`: the bytes as a site file. Errors must be located (line and
/// column from 1) and worded; a site that loads must run: each of its first
/// tasks is reset at two seeds (the second under perturbations drawn from
/// the input) and played for a few candidate actions.
pub fn site_loader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let site = match load_site("fuzz.ron", text) {
        Ok(site) => Arc::new(site),
        Err(e) => {
            assert!(
                e.line >= 1 && e.column >= 1,
                "error without a location: {e}"
            );
            assert!(!e.message.is_empty(), "error without a message at {e}");
            return;
        }
    };
    let mut rng = Rng::new(digest(data));
    for task in 0..site.tasks.len().min(LOADER_TASKS) {
        let mut env = Env::new(Arc::clone(&site), task, EnvConfig::default())
            .expect("a task index below the task count makes an environment");
        for round in 0..2 {
            let spec = match round {
                0 => PerturbSpec::none(),
                _ => match rng.below(4) {
                    0 => everything(1 + rng.below(3) as u8),
                    _ => random_spec(&mut rng),
                },
            };
            env.set_perturbations(spec);
            env.reset(rng.next_u64());
            check_env(&env);
            observe_all(&mut env);
            play_candidates(&mut env, &mut rng, LOADER_STEPS);
            observe_all(&mut env);
        }
    }
}

/// The money formats the `number-format` perturbation writes, and one odd one.
const MONEY_FORMATS: [MoneyFormat; 4] = [
    MoneyFormat {
        prefix: "$",
        suffix: "",
        decimals: 2,
        decimal_mark: '.',
        thousands: Some(','),
    },
    MoneyFormat {
        prefix: "USD ",
        suffix: "",
        decimals: 2,
        decimal_mark: '.',
        thousands: Some(','),
    },
    MoneyFormat {
        prefix: "",
        suffix: " $",
        decimals: 2,
        decimal_mark: ',',
        thousands: Some('.'),
    },
    MoneyFormat {
        prefix: "",
        suffix: "",
        decimals: 9,
        decimal_mark: '.',
        thousands: None,
    },
];

/// `perturb_spec`: the bytes as a perturbation spec (what a link's
/// `perturb=` and the command line's `--perturb` hold). A spec that parses
/// must print in a form that parses back to it (and survive JSON), and must
/// run on a builtin site; one that does not must say which part is wrong.
/// The same text also goes through the number parsing and money writing
/// that amounts on pages (and the number-format perturbation) rely on.
pub fn perturb_spec(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match text.parse::<PerturbSpec>() {
        Ok(spec) => {
            let shown = spec.to_string();
            let again: PerturbSpec = shown.parse().unwrap_or_else(|e| {
                panic!("{shown:?} (printed from {text:?}) does not parse: {e}")
            });
            assert_eq!(again, spec, "{text:?} -> {shown:?} parses to another spec");
            assert_eq!(again.to_string(), shown);
            let json = serde_json::to_string(&spec).expect("a spec serializes");
            let back: PerturbSpec = serde_json::from_str(&json).expect("a spec deserializes");
            assert_eq!(back, spec);
            for p in spec.items() {
                assert!(
                    (1..=3).contains(&p.severity),
                    "severity {} kept",
                    p.severity
                );
            }
            let sites = builtin_sites();
            let h = digest(data);
            let site = &sites[(h % sites.len() as u64) as usize];
            let task = ((h >> 8) % site.tasks.len() as u64) as usize;
            let mut env =
                Env::new(Arc::clone(site), task, EnvConfig::default()).expect("builtin task");
            env.set_perturbations(spec.clone());
            env.reset(h >> 16);
            assert_eq!(env.perturbations(), &spec);
            for change in env.changes() {
                assert!(
                    spec.severity(change.kind).is_some(),
                    "a change by a kind not asked for"
                );
                assert!(!change.text.is_empty());
            }
            check_env(&env);
            observe_all(&mut env);
            play_candidates(&mut env, &mut Rng::new(h), SPEC_STEPS);
        }
        Err(e) => {
            assert!(e.position >= 1, "error without a position: {e:?}");
            assert!(!e.message.is_empty());
            let _ = e.to_string();
        }
    }
    let _ = Kind::from_name(text);
    let _ = serde_json::from_str::<PerturbSpec>(text);
    // Numbers as written on pages.
    if let Some(x) = parse_number(text) {
        assert!(x.is_finite(), "{text:?} parsed to {x}");
    }
    assert!(text_eq(text, text), "{text:?} is not equal to itself");
    let mid = text
        .char_indices()
        .nth(text.chars().count() / 2)
        .map_or(0, |(i, _)| i);
    let (a, b) = text.split_at(mid);
    assert_eq!(
        text_eq(a, b),
        text_eq(b, a),
        "text_eq is not symmetric on {a:?}, {b:?}"
    );
    let mut out = String::new();
    for format in MONEY_FORMATS {
        out.clear();
        write_money(&mut out, text, format);
        if parse_number(text).is_none() {
            assert_eq!(out, text, "text that is no number was rewritten");
        }
    }
}

/// `episode_import`: the bytes as an exported episode file, imported as the
/// web app does: parsed, its site and task looked up, replayed (every
/// digest checked), then played again step by step on a fresh environment,
/// recording as it goes. An episode that replays must play again to the
/// same observations, and its new record must replay too.
pub fn episode_import(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(record) = serde_json::from_str::<EpisodeRecord>(text) else {
        return;
    };
    let _ = record.digest();
    let Some(site) = builtin_site(&record.site) else {
        return;
    };
    let Ok(mut env) = Env::by_name(Arc::clone(site), &record.task, EnvConfig::default()) else {
        return;
    };
    let replayed = record.replay(&mut env);
    if let Err(e) = &replayed {
        assert!(!e.to_string().is_empty());
    }
    // The app then opens the episode live and takes each recorded step.
    let mut live = Env::by_name(Arc::clone(site), &record.task, EnvConfig::default())
        .expect("the task was found above");
    live.set_perturbations(record.perturbations.clone());
    live.reset(record.seed);
    let mut recorder = Recorder::start(&live);
    for (i, s) in record.steps.iter().enumerate() {
        let _ = protocol::action_json(&live, &s.action);
        let before = (live.observation_digest(), live.steps(), live.is_done());
        let result = recorder.step(&mut live, &s.action);
        // The recorder keeps exactly the steps taken.
        assert_eq!(recorder.record().steps.len(), live.steps() as usize);
        check_step(&mut live, &result, before);
        if replayed.is_ok() {
            assert!(result.is_ok(), "step {} replayed but failed live", i + 1);
            assert_eq!(
                wobble_engine::episode::hex(live.observation_digest()),
                s.digest,
                "step {} replayed but gave another observation live",
                i + 1
            );
        }
    }
    let again = recorder.finish();
    let json = serde_json::to_string(&again).expect("a record serializes");
    if replayed.is_ok() {
        // Floats that JSON cannot hold (a click at infinity) come back as null.
        if let Ok(back) = serde_json::from_str::<EpisodeRecord>(&json) {
            let mut fresh = Env::by_name(Arc::clone(site), &record.task, EnvConfig::default())
                .expect("the task was found above");
            back.replay(&mut fresh)
                .unwrap_or_else(|e| panic!("a re-exported episode does not replay: {e}"));
        }
    }
}

/// `agent_protocol`: the bytes as a session of the agent protocol, one JSON
/// request per line, answered as the command line's `wobble agent` does
/// through [`Driver`], on every builtin site. A line that is a bare action
/// object is stepped directly. Refused requests must change nothing.
pub fn agent_protocol(data: &[u8]) {
    for site in builtin_sites() {
        let env = Env::new(Arc::clone(site), 0, EnvConfig::default()).expect("builtin task");
        let mut driver = Driver::new(env, 1);
        for line in data.split(|&b| b == b'\n').take(PROTOCOL_LINES) {
            let Ok(line) = std::str::from_utf8(line) else {
                continue;
            };
            if !protocol_line(&mut driver, line) {
                break;
            }
        }
    }
}

/// One request; false when the session is closed.
fn protocol_line(driver: &mut Driver, line: &str) -> bool {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
        return true;
    };
    let op = value.get("op").and_then(|op| op.as_str());
    match op {
        Some("reset") => {
            let seed = match value.get("seed") {
                None | Some(serde_json::Value::Null) => None,
                Some(v) => match v.as_u64() {
                    Some(seed) => Some(seed),
                    None => return true,
                },
            };
            let obs = driver.reset(seed);
            assert!(!obs.done && obs.step == 0, "a reset episode is not fresh");
            serde_json::to_string(&obs).expect("an observation serializes");
            check_env(driver.env());
        }
        Some("observe") => match driver.observe() {
            Ok(obs) => {
                serde_json::to_string(&obs).expect("an observation serializes");
            }
            Err(e) => assert_eq!(e, DriveError::NotStarted),
        },
        Some("close") => return false,
        Some("step") => {
            if let Some(action) = value.get("action") {
                drive_step(driver, action);
            }
        }
        _ => {
            if value.get("kind").is_some() {
                drive_step(driver, &value);
            }
        }
    }
    true
}

/// One step through the driver; an error must leave the episode unchanged.
fn drive_step(driver: &mut Driver, action: &serde_json::Value) {
    let started = driver.started();
    let before = started.then(|| (driver.env().observation_digest(), driver.env().steps()));
    if started {
        // The action parser alone, as the JavaScript module's callers reach it.
        let _ = protocol::parse_action(driver.env(), action);
    }
    match driver.step(action) {
        Ok(reply) => {
            serde_json::to_string(&reply).expect("a step reply serializes");
            assert!((-1.0..=1.0).contains(&reply.reward));
            assert_eq!(reply.terminated || reply.truncated, reply.reason.is_some());
            check_env(driver.env());
        }
        Err(e) => {
            let message = e.describe("step", "send {\"op\":\"reset\"}");
            assert!(message.starts_with("step: "), "{message}");
            if let Some(before) = before {
                let env = driver.env();
                assert_eq!((env.observation_digest(), env.steps()), before, "{message}");
            }
        }
    }
}

// ----- actions ---------------------------------------------------------------------------------

/// A float written as text in scenario files, so that NaN and the
/// infinities (which JSON numbers cannot hold) survive.
mod float_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One thing a scenario does to its environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Move {
    /// The legal candidate at this index (modulo their number), or `Finish` when there is none.
    Candidate(u16),
    /// Click an element id, shown or not.
    Click(u32),
    /// Click at a point.
    ClickAt(
        #[serde(with = "float_text")] f32,
        #[serde(with = "float_text")] f32,
    ),
    /// Type a goal field by index into an element id.
    TypeGoal(u32, u16),
    /// Type literal text into an element id.
    TypeText(u32, String),
    /// Choose an option index of an element id.
    Select(u32, u16),
    /// Press a key.
    Key(Key),
    /// Scroll by this many pixels.
    Scroll(#[serde(with = "float_text")] f32),
    /// Declare the task done.
    Finish,
    /// Start a new episode at this seed.
    Reset(u64),
    /// Set the perturbations of the next reset: (kind index, severity), unchecked.
    Perturb(Vec<(u8, u8)>),
    /// Read everything a front end reads.
    Observe,
}

/// A sequence of moves on a builtin site: what the `actions` target plays,
/// and the form its crashes are saved in (`fuzz/regressions/actions/*.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// A builtin site's name.
    pub site: String,
    /// Its task index.
    pub task: usize,
    /// The first episode's seed.
    pub seed: u64,
    /// The first episode's perturbations: (kind index, severity), unchecked.
    pub perturb: Vec<(u8, u8)>,
    /// What is done, in order.
    pub moves: Vec<Move>,
}

/// A spec from unchecked parts; a severity out of range is refused with
/// an error that names it, and then nothing is perturbed.
fn spec_of(parts: &[(u8, u8)]) -> PerturbSpec {
    let items = parts
        .iter()
        .map(|&(kind, severity)| wobble_engine::perturb::Perturbation {
            kind: Kind::ALL[kind as usize % Kind::ALL.len()],
            severity,
        });
    match PerturbSpec::new(items) {
        Ok(spec) => spec,
        Err(e) => {
            assert!(e.message.contains("out of range"), "{e}");
            PerturbSpec::none()
        }
    }
}

/// `actions`: plays a [`Scenario`], checking after every move that the
/// step count stays within the limit, that rewards come once and only at
/// the end, that an ended episode refuses steps with an error, that a
/// refused action changes nothing, and that legal candidates are accepted.
pub fn play(scenario: &Scenario) {
    let Some(site) = builtin_site(&scenario.site) else {
        return;
    };
    let task = scenario.task % site.tasks.len();
    let mut env = Env::new(Arc::clone(site), task, EnvConfig::default()).expect("builtin task");
    // Before the first reset nothing can be stepped.
    assert_eq!(env.step(&Action::Finish), Err(StepError::EpisodeOver));
    env.set_perturbations(spec_of(&scenario.perturb));
    env.reset(scenario.seed);
    check_env(&env);
    let mut ended = 0u32;
    let mut episodes = 1u32;
    for m in scenario.moves.iter().take(SCENARIO_MOVES) {
        let action = match m {
            Move::Candidate(i) => {
                let c = env.candidates();
                let action = if c.is_empty() {
                    Action::Finish
                } else {
                    c[*i as usize % c.len()].clone()
                };
                let done = env.is_done();
                let result = step_checked(&mut env, &action);
                assert!(
                    done || result.is_ok(),
                    "candidate {action:?} was refused: {result:?}"
                );
                if result.is_ok_and(|r| r.terminated || r.truncated) {
                    ended += 1;
                }
                continue;
            }
            Move::Click(n) => Action::Click(*n),
            Move::ClickAt(x, y) => Action::ClickAt { x: *x, y: *y },
            Move::TypeGoal(n, g) => Action::Type(*n, TypeText::Goal(*g)),
            Move::TypeText(n, t) => Action::Type(*n, TypeText::Literal(t.clone())),
            Move::Select(n, o) => Action::Select(*n, *o),
            Move::Key(k) => Action::Key(*k),
            Move::Scroll(dy) => Action::Scroll(*dy),
            Move::Finish => Action::Finish,
            Move::Reset(seed) => {
                env.reset(*seed);
                assert!(
                    !env.is_done() && env.steps() == 0,
                    "a reset episode is not fresh"
                );
                check_env(&env);
                episodes += 1;
                continue;
            }
            Move::Perturb(parts) => {
                env.set_perturbations(spec_of(parts));
                continue;
            }
            Move::Observe => {
                observe_all(&mut env);
                continue;
            }
        };
        let result = step_checked(&mut env, &action);
        if result.is_ok_and(|r| r.terminated || r.truncated) {
            ended += 1;
        }
    }
    assert!(ended <= episodes, "{ended} endings in {episodes} episodes");
}
