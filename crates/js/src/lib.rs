//! # Wobble's engine as a JavaScript module
//!
//! `wasm-bindgen` turns this crate into an ES module (`cargo xtask js` writes
//! `crates/js/pkg/web/` for pages and `crates/js/pkg/node/` for Node) whose
//! one class, [`WobbleEnv`], runs one task of one site:
//!
//! ```js
//! import init, { WobbleEnv } from './pkg/web/wobble_js.js';
//! await init();
//! const env = new WobbleEnv('bank', 'transfer', { seed: 1, perturb: 'relabel:3' });
//! let obs = env.reset();                       // { type: 'observation', instruction, goal, text, elements, actions, ... }
//! const r = env.step({ kind: 'click', id: 11 }); // { type: 'step', reward, terminated, truncated, reason, observation }
//! env.free();
//! ```
//!
//! Objects go in and out in exactly the shapes of the agent protocol
//! (`docs/agent-protocol.md`), because they are the same Rust values:
//!
//! ```text
//! JS action object --JSON.stringify--> serde_json::Value --protocol::Driver::step--> Env::step
//! Env --protocol::observation--> Observation --serde_json--> JSON.parse --> JS object
//! ```
//!
//! `wobble_engine::protocol` builds and reads those values for the `wobble
//! agent` command line too, so a JavaScript agent and a Python agent over
//! JSON lines see the same bytes for the same seed and actions (floats
//! included: `serde_json` writes each in its shortest exact form, and
//! `JSON.parse` reads that back to the same number).
//!
//! Anything a caller can get wrong (an unknown site or task, a bad
//! perturbation spec, a malformed action, an element that is not shown, a
//! step before `reset` or after the end) throws a JavaScript `Error` whose
//! message starts with the call (`step: action.id: no element 99 is shown
//! now ...`) and leaves the environment as it was. The checks are plain Rust
//! ([`open`], [`site_list`]; reading JavaScript values: `wobble_js_values`,
//! shared with the page's `window.wobble`) so they are tested
//! natively; the `#[wasm_bindgen]` layer only converts values.

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wobble_engine::builtin;
use wobble_engine::catalog::{self, OpenError, Source};
use wobble_engine::protocol::{self, DriveError, Driver};
pub use wobble_js_values::seed_from_number;
use wobble_js_values::{describe, json_text, seed_of};

/// How an error message tells a JavaScript caller to start an episode.
const RESET_HINT: &str = "call reset()";

/// The seed of the first `reset()` without one, unless the options give one.
pub const DEFAULT_SEED: u64 = 1;

/// The file name that errors in a site given as text are reported against.
pub const SITE_TEXT_PATH: &str = "site.ron";

// ----- plain Rust: what the module checks and builds ---------------------------------------------

/// The options of a new environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The seed of the first reset without one (default [`DEFAULT_SEED`]).
    pub seed: Option<u64>,
    /// The perturbation spec, `KIND[:SEVERITY],...` (none when absent or empty).
    pub perturb: Option<String>,
}

/// Loads a site, picks the task (the first when `None`) and sets the
/// perturbations: a driver ready for its first reset. The error says which
/// part is wrong and what was expected.
pub fn open(source: Source<'_>, task: Option<&str>, options: &Options) -> Result<Driver, String> {
    let env = catalog::open(source, task, options.perturb.as_deref()).map_err(|e| match e {
        OpenError::Perturb { spec, error } => format!("perturb {spec:?}: {error}"),
        other => other.to_string(),
    })?;
    Ok(Driver::new(env, options.seed.unwrap_or(DEFAULT_SEED)))
}

/// One shipped site, as `WobbleEnv.sites()` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteInfo {
    /// Its name, for `new WobbleEnv(name, ...)`.
    pub site: String,
    /// Its brand, as the page shows it.
    pub title: String,
    /// One line on what it is.
    pub description: String,
    /// Its tasks' names; the first is the default.
    pub tasks: Vec<String>,
}

/// Every shipped site, in presentation order.
pub fn site_list() -> Result<Vec<SiteInfo>, String> {
    let sites = builtin::load_all().map_err(|e| e.to_string())?;
    Ok(sites
        .iter()
        .map(|s| SiteInfo {
            site: s.name.clone(),
            title: s.title.clone(),
            description: s.description.clone(),
            tasks: s.task_names(),
        })
        .collect())
}

// ----- the JavaScript class ----------------------------------------------------------------------

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `new WobbleEnv(...)` and `WobbleEnv.fromSiteText(...)`. */
export interface WobbleOptions {
  /** The seed of the first `reset()` without one (default 1); later ones count up from it. */
  seed?: number | bigint;
  /** Perturbations applied at every reset, `KIND[:SEVERITY],...` such as `"relabel:3,popup:2"` (default none). */
  perturb?: string | null;
}

/** An element's role. */
export type WobbleRole =
  | "banner" | "heading" | "text" | "label" | "alert" | "link" | "button" | "textbox" | "password"
  | "number" | "date" | "select" | "checkbox" | "radiogroup" | "radio" | "group" | "list"
  | "listitem" | "dialog";

/** One element shown now: a line of the text observation, as data. */
export interface WobbleElement {
  /** The id actions use, stable for the whole episode. */
  id: number;
  role: WobbleRole;
  /** Its text or accessible name ("" when it has none). */
  label: string;
  /** Nesting level (the text indents two spaces per level). */
  depth: number;
  /** The selector id a scripted bot would use, as the page's markup has it (the `rename-selectors` perturbation changes it). */
  selector?: string;
  /** A text field's or select's content; a password shows one `•` per character. */
  value?: string;
  /** A select's options, in order (`option` indexes count from 0). */
  options?: string[];
  /** Whether a checkbox or radio button is ticked. */
  checked?: boolean;
  focused: boolean;
  /** Shown, interactive, on the current page and not under a dialog. */
  usable: boolean;
  /** `[x, y, width, height]` in page pixels. */
  box: [number, number, number, number];
}

/** One action; the observation's `actions` lists the legal ones, each ready to pass to `step`. */
export type WobbleAction =
  | { kind: "click"; id: number }
  | { kind: "click_at"; x: number; y: number }
  | { kind: "type"; id: number; text: string }
  | { kind: "type"; id: number; goal: string }
  | { kind: "select"; id: number; option: number | string }
  | { kind: "key"; key: "enter" | "tab" | "escape" }
  | { kind: "scroll"; dy: number }
  | { kind: "finish" };

/** What the agent sees now. */
export interface WobbleObservation {
  type: "observation";
  site: string;
  task: string;
  /** This episode's seed (a number: exact up to `Number.MAX_SAFE_INTEGER`). */
  seed: number;
  /** Steps taken so far. */
  step: number;
  step_limit: number;
  /** The current page's id. */
  page: string;
  /** The episode has ended: only `reset` makes sense now. */
  done: boolean;
  /** Viewport `[width, height]`, CSS pixels. */
  viewport: [number, number];
  /** How far the page is scrolled down; a `click_at` takes viewport coordinates. */
  scroll_y: number;
  instruction: string;
  /** The goal fields shown to agents, name to value, in the task's order. */
  goal: Record<string, string>;
  /** The compact text form, for a language model's prompt. */
  text: string;
  elements: WobbleElement[];
  /** The legal candidate actions now (empty once the episode is over). */
  actions: WobbleAction[];
}

/** What a step did. */
export interface WobbleStep {
  type: "step";
  /** 0 until the last step, then +1 for success and -1 for failure. */
  reward: number;
  /** The task ended: done, failed or finished. */
  terminated: boolean;
  /** The step limit ended it. */
  truncated: boolean;
  /** Why the episode ended; null while it runs. */
  reason: string | null;
  observation: WobbleObservation;
}

/** A shipped site. */
export interface WobbleSiteInfo {
  site: string;
  title: string;
  description: string;
  /** Its tasks; the first is the default. */
  tasks: string[];
}

/** One change the perturbations made to this episode's site, in words. */
export interface WobbleChange {
  kind: string;
  severity: number;
  text: string;
  page?: string;
  key?: string;
  /** False when the kind found nothing to change on this site (the text says why). */
  applied: boolean;
}
"#;

/// One task of one site, driven from JavaScript: `reset`, `step`,
/// `observation`, `actions`, with plain objects shaped like the agent
/// protocol's. Call `free()` when done (or let the garbage collector do it).
#[wasm_bindgen]
pub struct WobbleEnv {
    driver: Driver,
}

#[wasm_bindgen]
impl WobbleEnv {
    /// An environment for a shipped site's task (the site's first task when
    /// `task` is omitted or null). Throws on an unknown site or task or a bad
    /// perturbation spec.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] site: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] task: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "WobbleOptions | null")] options: Option<
            JsValue,
        >,
    ) -> Result<WobbleEnv, JsError> {
        const CALL: &str = "new WobbleEnv";
        let site = site.as_string().ok_or_else(|| {
            failure(
                CALL,
                format!(
                    "the site must be a site's name (a string), got {}; WobbleEnv.sites() lists them",
                    describe(&site)
                ),
            )
        })?;
        WobbleEnv::open(CALL, Source::Named(&site), task, options)
    }

    /// An environment for a site written as RON text (a site file's
    /// contents), so a site made in a workshop runs without a rebuild.
    /// Throws with `site.ron:LINE:COLUMN: ...` when the text has a mistake.
    #[wasm_bindgen(js_name = fromSiteText)]
    pub fn from_site_text(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] task: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "WobbleOptions | null")] options: Option<
            JsValue,
        >,
    ) -> Result<WobbleEnv, JsError> {
        const CALL: &str = "WobbleEnv.fromSiteText";
        let text = text.as_string().ok_or_else(|| {
            failure(
                CALL,
                format!(
                    "the site must be a site file's text (a string), got {}",
                    describe(&text)
                ),
            )
        })?;
        WobbleEnv::open(
            CALL,
            Source::File {
                path: SITE_TEXT_PATH,
                text: &text,
            },
            task,
            options,
        )
    }

    /// The shipped sites and their tasks.
    #[wasm_bindgen(unchecked_return_type = "WobbleSiteInfo[]")]
    pub fn sites() -> Result<JsValue, JsError> {
        console_error_panic_hook::set_once();
        to_js(&site_list().map_err(|e| failure("WobbleEnv.sites", e))?)
    }

    /// Starts an episode at `seed`, or, without one, at the options' seed
    /// for the first episode and one more than the previous seed after
    /// that. Returns its first observation.
    #[wasm_bindgen(unchecked_return_type = "WobbleObservation")]
    pub fn reset(
        &mut self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | bigint | null")] seed: Option<
            JsValue,
        >,
    ) -> Result<JsValue, JsError> {
        let seed = seed_of(seed.as_ref()).map_err(|e| failure("reset", e))?;
        to_js(&self.driver.reset(seed))
    }

    /// Takes one action (an object such as `{kind: "click", id: 3}`, or one
    /// of the observation's `actions`). Throws, and changes nothing, when no
    /// episode is running or the action does not fit what is shown.
    #[wasm_bindgen(unchecked_return_type = "WobbleStep")]
    pub fn step(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "WobbleAction")] action: JsValue,
    ) -> Result<JsValue, JsError> {
        const CALL: &str = "step";
        self.driver.can_step().map_err(|e| failure_of(CALL, &e))?;
        if action.is_undefined() {
            return Err(failure(
                CALL,
                "no action was given; pass one such as {kind: \"click\", id: 3}".to_string(),
            ));
        }
        let action = json_text(&action, "the action")
            .and_then(|text| {
                serde_json::from_str::<Value>(&text)
                    .map_err(|e| format!("the action cannot be read as JSON: {e}"))
            })
            .map_err(|e| failure(CALL, e))?;
        let reply = self
            .driver
            .step(&action)
            .map_err(|e| failure_of(CALL, &e))?;
        to_js(&reply)
    }

    /// The current observation again (nothing changes).
    #[wasm_bindgen(unchecked_return_type = "WobbleObservation")]
    pub fn observation(&self) -> Result<JsValue, JsError> {
        let observation = self
            .driver
            .observe()
            .map_err(|e| failure_of("observation", &e))?;
        to_js(&observation)
    }

    /// The legal candidate actions now (the observation's `actions`).
    #[wasm_bindgen(unchecked_return_type = "WobbleAction[]")]
    pub fn actions(&self) -> Result<JsValue, JsError> {
        if !self.driver.started() {
            return Err(failure_of("actions", &DriveError::NotStarted));
        }
        to_js(&protocol::candidate_actions(self.driver.env()))
    }

    /// What the perturbations changed in this episode's site, in words
    /// (empty when unperturbed or before the first reset).
    #[wasm_bindgen(unchecked_return_type = "WobbleChange[]")]
    pub fn changes(&self) -> Result<JsValue, JsError> {
        to_js(&self.driver.env().changes())
    }

    /// The site's name.
    #[wasm_bindgen(getter)]
    pub fn site(&self) -> String {
        self.driver.env().base_site().name.clone()
    }

    /// The task's name.
    #[wasm_bindgen(getter)]
    pub fn task(&self) -> String {
        self.driver.env().task_name().to_string()
    }

    /// The perturbation spec in its canonical form ("" when unperturbed).
    #[wasm_bindgen(getter)]
    pub fn perturb(&self) -> String {
        self.driver.env().perturbations().to_string()
    }

    /// The version of the observation and action shapes (the agent protocol's).
    #[wasm_bindgen(getter, js_name = protocolVersion)]
    pub fn protocol_version(&self) -> u32 {
        protocol::VERSION
    }
}

impl WobbleEnv {
    /// What both constructors share: read the task and options, then [`open`].
    fn open(
        call: &str,
        source: Source<'_>,
        task: Option<JsValue>,
        options: Option<JsValue>,
    ) -> Result<WobbleEnv, JsError> {
        // Every environment starts here: a panic (a bug, never bad input) then names its cause
        // in the console instead of a bare `unreachable`.
        console_error_panic_hook::set_once();
        let task = task_of(task.as_ref()).map_err(|e| failure(call, e))?;
        let options = options_of(options.as_ref()).map_err(|e| failure(call, e))?;
        let driver = open(source, task.as_deref(), &options).map_err(|e| failure(call, e))?;
        Ok(WobbleEnv { driver })
    }
}

// ----- conversions between JavaScript values and the protocol's ----------------------------------

/// A JavaScript `Error` whose message starts with the call that failed.
fn failure(call: &str, message: String) -> JsError {
    JsError::new(&format!("{call}: {message}"))
}

/// A [`DriveError`] as a JavaScript `Error`.
fn failure_of(call: &str, e: &DriveError) -> JsError {
    JsError::new(&e.describe(call, RESET_HINT))
}

/// A protocol value as a plain JavaScript object, through its JSON text.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value)
        .map_err(|e| JsError::new(&format!("cannot convert a reply: {e}")))?;
    js_sys::JSON::parse(&text)
        .map_err(|e| JsError::new(&format!("cannot convert a reply: {}", describe(&e))))
}

/// A task argument: absent or null for the site's first task, else its name.
fn task_of(value: Option<&JsValue>) -> Result<Option<String>, String> {
    match value.filter(|v| !v.is_null() && !v.is_undefined()) {
        None => Ok(None),
        Some(v) => v.as_string().map(Some).ok_or_else(|| {
            format!(
                "the task must be a task's name (a string) or null, got {}",
                describe(v)
            )
        }),
    }
}

/// The options object: `{seed, perturb}`, both optional; anything else is a mistake.
fn options_of(value: Option<&JsValue>) -> Result<Options, String> {
    let Some(value) = value.filter(|v| !v.is_null() && !v.is_undefined()) else {
        return Ok(Options::default());
    };
    let Some(object) = value
        .dyn_ref::<js_sys::Object>()
        .filter(|_| value.is_object())
    else {
        return Err(format!(
            "the options must be an object such as {{seed: 1, perturb: \"relabel:3\"}}, got {}",
            describe(value)
        ));
    };
    const FIELDS: [&str; 2] = ["seed", "perturb"];
    for key in js_sys::Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !FIELDS.contains(&key.as_str()) {
            return Err(format!(
                "unknown option {key:?}; the options are \"seed\" and \"perturb\""
            ));
        }
    }
    let field = |name: &str| js_sys::Reflect::get(object, &JsValue::from_str(name)).ok();
    let seed = seed_of(field("seed").as_ref()).map_err(|e| format!("options.seed: {e}"))?;
    let perturb = match field("perturb").filter(|v| !v.is_null() && !v.is_undefined()) {
        None => None,
        Some(v) => Some(v.as_string().ok_or_else(|| {
            format!(
                "options.perturb must be a spec such as \"relabel:3,popup:2\" (a string), got {}",
                describe(&v)
            )
        })?),
    };
    Ok(Options {
        seed,
        perturb: perturb.filter(|p| !p.trim().is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(seed: Option<u64>, perturb: Option<&str>) -> Options {
        Options {
            seed,
            perturb: perturb.map(str::to_string),
        }
    }

    fn error(result: Result<Driver, String>) -> String {
        match result {
            Ok(_) => panic!("expected an error"),
            Err(e) => e,
        }
    }

    #[test]
    fn every_shipped_site_opens_by_name_with_its_first_task() {
        let sites = site_list().unwrap();
        assert_eq!(sites.len(), builtin::site_names().count());
        for info in &sites {
            let mut d = open(Source::Named(&info.site), None, &Options::default()).unwrap();
            let obs = d.reset(None);
            assert_eq!(obs.site, info.site);
            assert_eq!(obs.task, info.tasks[0]);
            assert_eq!(obs.seed, DEFAULT_SEED);
        }
    }

    #[test]
    fn a_site_given_as_text_runs_like_the_shipped_one() {
        let (_, _, text) = builtin::SITE_FILES
            .iter()
            .find(|(name, _, _)| *name == "login-user")
            .unwrap();
        let options = opts(Some(3), Some("relabel:2"));
        let mut from_text = open(
            Source::File {
                path: SITE_TEXT_PATH,
                text,
            },
            None,
            &options,
        )
        .unwrap();
        let mut by_name = open(Source::Named("login-user"), None, &options).unwrap();
        assert_eq!(from_text.reset(None), by_name.reset(None));
    }

    #[test]
    fn bad_sites_tasks_and_specs_are_named_in_the_error() {
        let none = Options::default();
        let e = error(open(Source::Named("nope"), None, &none));
        assert!(
            e.contains("no site is named \"nope\"") && e.contains("bank"),
            "{e}"
        );
        let e = error(open(Source::Named("bank"), Some("rob"), &none));
        assert!(
            e.contains("has no task \"rob\"") && e.contains("transfer"),
            "{e}"
        );
        let e = error(open(
            Source::Named("bank"),
            None,
            &opts(None, Some("wobble:9")),
        ));
        assert!(e.starts_with("perturb \"wobble:9\": "), "{e}");
        let e = error(open(
            Source::File {
                path: SITE_TEXT_PATH,
                text: "Site(name: \"x\", pages: oops",
            },
            None,
            &none,
        ));
        assert!(e.starts_with("site.ron:1:"), "{e}");
    }
}
