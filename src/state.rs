//! The play screen's state: one [`Session`] changed only through named [`Change`]s.
//!
//! The session owns the running [`Env`] (shared behind `Rc<RefCell<..>>` so that a reduce step
//! can advance it without cloning) and, after every change, a fresh [`Scene`] that the
//! components draw. A person's clicks and typing arrive as `Change::Act(engine action)`; the
//! site, task and seed pickers arrive as their own changes and start a new episode.
//!
//! The perturbations are an engine [`PerturbSpec`] kept in the [`Selection`] (so the URL carries
//! them). The session hands the spec to the environment before every reset; switching a kind on
//! or off, or changing its severity, restarts the current episode (same seed) so the page shows
//! the change at once, and "New episode" keeps the spec. What the perturbations did is the
//! engine's own account, copied into the scene.
//!
//! Problems (an unknown site in the URL, a seed that is not a number, a perturbation spec that
//! does not parse, a site file that fails to load) become [`Notice`]s shown in the page, never a
//! blank screen.

use std::cell::RefCell;
use std::rc::Rc;
use wobble_engine::builtin::site_names;
use wobble_engine::catalog::{self, Catalog};
use wobble_engine::episode::{EpisodeRecord, Recorder};
use wobble_engine::perturb::{Kind, PerturbSpec};
use wobble_engine::protocol::shorten;
use wobble_engine::{Action, Env, EnvConfig, TypeText};
use yew::Reducible;

use crate::browser::Query;
use crate::components::lessons::STEP_COUNT as LESSON_STEPS;
use crate::player::{Agent, Inspect, Planned, PolicyChoice, Speed};
use crate::scene::{OutcomeView, Scene};
use wobble_app::agent::SiteFile;

/// The site, task and seed shown when the URL names none (or names a bad one).
pub const DEFAULT_SITE: &str = "airline";
/// The seed used when the URL names none.
pub const DEFAULT_SEED: u64 = 1;
/// The most messages kept on screen; older ones are dropped.
pub const MAX_NOTICES: usize = 8;

/// Which episode to play: what the URL query holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Site machine name.
    pub site: String,
    /// Task name.
    pub task: String,
    /// Seed of the episode.
    pub seed: u64,
    /// The perturbations applied at every reset.
    pub perturb: PerturbSpec,
}

/// How serious a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something was asked for that does not exist; a default was used instead.
    Warning,
    /// Something failed.
    Error,
}

/// A message shown above the controls until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// How serious.
    pub level: Level,
    /// What happened, as a sentence.
    pub text: String,
}

/// What an outside script asks of the page (`window.wobble`), in the agent protocol's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExternalCall {
    /// The observation now.
    Observe,
    /// Take this action (JSON, as in the agent protocol), drawn like the built-in agent's.
    Step(String),
    /// Start an episode (of this seed, or the next one).
    Reset(Option<u64>),
}

/// Every change the play screen can go through.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A person acted on the site.
    Act(Action),
    /// Start the next episode (seed + 1).
    NewEpisode,
    /// Start this episode again (same seed).
    Restart,
    /// Switch to another site (its first task), same seed.
    ChooseSite(String),
    /// A site file a person opened: its file name and text, or why it could not be read. It is
    /// compiled by the engine; a mistake is shown with its line and column.
    OpenSiteFile(Result<(String, String), String>),
    /// Switch to another task of the site, same seed.
    ChooseTask(String),
    /// Play the episode of this seed (raw text from the seed field).
    ChooseSeed(String),
    /// Hide the notice at this index.
    Dismiss(usize),
    /// Turn a perturbation kind on at a severity (1 to 3), or off (`None`); restarts the episode.
    SetPerturbation(Kind, Option<u8>),
    /// Turn every perturbation off; restarts the episode.
    ClearPerturbations,
    /// Drive the site with another policy (or nobody); starts a new episode.
    ChoosePolicy(PolicyChoice),
    /// Play at another speed.
    ChooseSpeed(Speed),
    /// Show this lesson step (from 0), or close the lessons.
    ShowLesson(Option<usize>),
    /// A call from an outside script through `window.wobble` (see `crate::handle`), by number.
    External(u64, ExternalCall),
    /// The outside script's action is taken once the cursor is on its target.
    ExternalCommit,
    /// The answers up to this call number have been handed back.
    ClearReplies(u64),
    /// The person takes the site over from the agent.
    TakeOver,
    /// The agent carries on from where things are.
    Resume,
    /// The agent chooses its next action (the cursor heads for it).
    AgentPlan,
    /// The agent takes the action it chose.
    AgentCommit,
    /// The agent runs as many steps as fit in a short chunk of time (turbo speed).
    AgentBurst,
    /// After an episode ended under the agent, the next one starts.
    AgentNextEpisode,
    /// Show the episode as it was after this many steps (from the timeline).
    Scrub(usize),
    /// Back to the live episode.
    Live,
    /// Replay the episode from its start, one step at a time.
    Replay,
    /// Advance the replay by one step.
    ReplayAdvance,
    /// An episode file a person picked (its text, or why it could not be read).
    Import(Result<String, String>),
}

/// How the agent has done since its policy, site or perturbations last changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Episodes the agent finished on its own.
    pub episodes: u32,
    /// Of which it succeeded in.
    pub successes: u32,
}

impl Stats {
    /// The share of successes (0 when there were no episodes).
    pub fn rate(&self) -> f32 {
        if self.episodes == 0 {
            0.0
        } else {
            self.successes as f32 / self.episodes as f32
        }
    }
}

/// One step of the episode timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineRow {
    /// The action, described.
    pub action: String,
    /// The reward it earned.
    pub reward: f32,
}

/// Every step of the current episode, and the record behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The steps in order.
    pub rows: Vec<TimelineRow>,
    /// How it ended, once it has.
    pub outcome: Option<OutcomeView>,
    /// The engine's record (what "Export" saves).
    pub record: Option<EpisodeRecord>,
}

/// The agent's cursor over the site.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// Centre of the target, in page coordinates.
    pub x: f32,
    /// Centre of the target, in page coordinates.
    pub y: f32,
    /// The planned action (while the cursor is on its way), else the last one taken.
    pub planned: Rc<Planned>,
    /// Whether the action has been taken (a click shows its ripple).
    pub done: bool,
    /// Milliseconds the move (and typing) takes.
    pub move_ms: u32,
    /// Grows with every move, so that each one animates afresh.
    pub serial: u64,
}

/// The play screen's state.
pub struct Session {
    /// The episode being played (what the URL shows).
    pub selection: Selection,
    /// Names of every site that ships.
    pub sites: Vec<String>,
    /// Names of the current site's tasks.
    pub tasks: Vec<String>,
    /// What to draw; `None` only when not even the default site could be loaded.
    pub scene: Option<Rc<Scene>>,
    /// Messages for the person.
    pub notices: Vec<Notice>,
    /// Grows with every change, so that effects can tell episodes apart.
    pub version: u64,
    /// Counts resets: a new episode, even of the same seed, gets a new number.
    pub episode: u64,
    /// Who drives the site.
    pub policy: PolicyChoice,
    /// How fast the agent plays.
    pub speed: Speed,
    /// The lesson step shown (from 0), if the lessons are open.
    pub lesson: Option<usize>,
    /// The person has taken over from the agent.
    pub paused: bool,
    /// What the agent is about to do, between choosing and acting.
    pub pending: Option<Rc<Planned>>,
    /// The agent's cursor (none at turbo speed or before its first move).
    pub cursor: Option<Cursor>,
    /// How the agent has done.
    pub stats: Stats,
    /// The observation and the agent's favourite actions for what is shown.
    pub inspect: Option<Rc<Inspect>>,
    /// The current episode, step by step.
    pub timeline: Rc<Timeline>,
    /// When looking back: the number of steps shown, and the scene after them.
    pub view: Option<(usize, Rc<Scene>)>,
    /// The look back advances by itself.
    pub replaying: bool,
    /// The outside script's step on its way (its call number), while the cursor moves.
    pub external: Option<u64>,
    /// Answers to the outside script's calls, by call number, for the page to hand back.
    pub replies: Rc<Vec<(u64, Result<String, String>)>>,
    /// The sites a name can mean: the shipped ones, and one opened from a file (listed with
    /// them until the page closes; it stands in for a shipped site of its name).
    pub catalog: Catalog,
    /// The same site's file, as the training worker needs it (it compiles its own copy).
    pub opened_file: Option<Rc<SiteFile>>,
    env: Option<Rc<RefCell<Env>>>,
    agent: Option<Rc<RefCell<Agent>>>,
    recorder: Rc<RefCell<Option<Recorder>>>,
    /// A person acted in this episode (it does not count towards the agent's stats).
    touched: bool,
}

impl Clone for Session {
    fn clone(&self) -> Session {
        Session {
            selection: self.selection.clone(),
            sites: self.sites.clone(),
            tasks: self.tasks.clone(),
            catalog: self.catalog.clone(),
            opened_file: self.opened_file.clone(),
            scene: self.scene.clone(),
            notices: self.notices.clone(),
            version: self.version,
            episode: self.episode,
            policy: self.policy,
            speed: self.speed,
            lesson: self.lesson,
            paused: self.paused,
            pending: self.pending.clone(),
            cursor: self.cursor.clone(),
            stats: self.stats,
            inspect: self.inspect.clone(),
            timeline: self.timeline.clone(),
            view: self.view.clone(),
            replaying: self.replaying,
            external: self.external,
            replies: self.replies.clone(),
            env: self.env.clone(),
            agent: self.agent.clone(),
            recorder: self.recorder.clone(),
            touched: self.touched,
        }
    }
}

impl Session {
    /// A session for the site, task, seed and perturbations a URL asked for (each possibly
    /// absent or wrong).
    pub fn from_query(query: &Query) -> Session {
        let mut notices = Vec::new();
        let seed = match query.seed.as_deref().map(str::trim) {
            None | Some("") => DEFAULT_SEED,
            Some(text) => match text.parse::<u64>() {
                Ok(n) => n,
                Err(_) => {
                    notices.push(warning(format!(
                        "The seed \"{}\" in the link is not a whole number from 0 up; playing seed {DEFAULT_SEED} instead.",
                        shorten(text)
                    )));
                    DEFAULT_SEED
                }
            },
        };
        let perturb = match query.perturb.as_deref().map(str::trim) {
            None => PerturbSpec::none(),
            Some(text) => text.parse::<PerturbSpec>().unwrap_or_else(|e| {
                notices.push(warning(format!(
                    "The perturbations \"{}\" in the link cannot be used: {}. Playing the site unperturbed.",
                    shorten(text),
                    if text.chars().count() > 200 { "it is far too long to be a list of perturbations".to_string() } else { e.to_string() }
                )));
                PerturbSpec::none()
            }),
        };
        // A cold start (no site named) shows the pretrained agent at work; a link to a site
        // without a policy is for a person to play.
        let default_policy = if query.site.is_none() {
            PolicyChoice::Airline
        } else {
            PolicyChoice::None
        };
        let policy = match query.policy.as_deref().map(str::trim) {
            None | Some("") => default_policy,
            Some(text) => PolicyChoice::parse(text).unwrap_or_else(|| {
                notices.push(warning(format!(
                    "There is no policy \"{}\" (there are: {}); {} instead.",
                    shorten(text),
                    PolicyChoice::ALL.map(PolicyChoice::name).join(", "),
                    if default_policy == PolicyChoice::None {
                        "you play".to_string()
                    } else {
                        format!("the {} plays", default_policy.label().to_lowercase())
                    }
                )));
                default_policy
            }),
        };
        let speed = match query.speed.as_deref().map(str::trim) {
            None | Some("") => Speed::Normal,
            Some(text) => Speed::parse(text).unwrap_or_else(|| {
                notices.push(warning(format!(
                    "There is no speed \"{}\" (there are: {}); playing at normal speed.",
                    shorten(text),
                    Speed::ALL.map(Speed::name).join(", ")
                )));
                Speed::Normal
            }),
        };
        let lesson = match query.lesson.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match text.parse::<usize>() {
                Ok(n) if (1..=LESSON_STEPS).contains(&n) => Some(n - 1),
                _ => {
                    notices.push(warning(format!(
                        "There is no lesson step \"{}\" (there are 1 to {LESSON_STEPS}); the lessons are closed.",
                        shorten(text)
                    )));
                    None
                }
            },
        };
        let mut session = Session {
            selection: Selection {
                site: String::new(),
                task: String::new(),
                seed,
                perturb,
            },
            sites: site_names().map(str::to_string).collect(),
            tasks: Vec::new(),
            catalog: Catalog::shipped(),
            opened_file: None,
            scene: None,
            notices,
            version: 0,
            episode: 0,
            policy: PolicyChoice::None,
            speed,
            lesson,
            paused: false,
            pending: None,
            cursor: None,
            stats: Stats::default(),
            inspect: None,
            timeline: Rc::new(Timeline {
                rows: Vec::new(),
                outcome: None,
                record: None,
            }),
            view: None,
            replaying: false,
            external: None,
            replies: Rc::new(Vec::new()),
            env: None,
            agent: None,
            recorder: Rc::new(RefCell::new(None)),
            touched: false,
        };
        session.load_agent(policy);
        let wanted = query
            .site
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(DEFAULT_SITE);
        let task = query
            .task
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        session.open(wanted, task, seed);
        session
    }

    /// Loads `site` and its task `task` (or its first), falling back to the default site with a
    /// notice, and starts the episode of `seed`.
    fn open(&mut self, site: &str, task: Option<&str>, seed: u64) {
        let loaded = match self.catalog.site(site) {
            Ok(s) => Ok(s),
            Err(_) if site != DEFAULT_SITE => {
                self.notices.push(warning(format!(
                    "There is no site \"{}\" (there are: {}). Showing \"{DEFAULT_SITE}\" instead.",
                    shorten(site),
                    site_names().collect::<Vec<_>>().join(", ")
                )));
                self.catalog.site(DEFAULT_SITE)
            }
            Err(e) => Err(e),
        };
        let site = match loaded {
            Ok(s) => s,
            Err(e) => {
                self.notices
                    .push(error(format!("The site could not be loaded: {e}")));
                self.env = None;
                self.scene = None;
                return;
            }
        };
        let tasks = site.task_names();
        let task = match task {
            Some(t) if tasks.iter().any(|n| n == t) => t.to_string(),
            Some(t) => {
                let first = tasks.first().cloned().unwrap_or_default();
                self.notices.push(warning(format!(
                    "The site \"{}\" has no task \"{}\" (its tasks: {}); playing \"{first}\" instead.",
                    site.name,
                    shorten(t),
                    tasks.join(", ")
                )));
                first
            }
            None => tasks.first().cloned().unwrap_or_default(),
        };
        self.selection.site = site.name.clone();
        self.selection.task = task.clone();
        self.selection.seed = seed;
        self.tasks = tasks;
        match catalog::open_site(site, Some(&task), PerturbSpec::none()) {
            Ok(env) => {
                self.env = Some(Rc::new(RefCell::new(env)));
                self.reset(seed);
            }
            Err(e) => {
                self.notices.push(error(e.to_string()));
                self.env = None;
                self.scene = None;
            }
        }
    }

    /// Compiles a site file a person opened and plays its first task; a mistake becomes a notice
    /// with the file's line and column, and the current episode goes on.
    fn open_site_file(&mut self, file_name: &str, text: &str) {
        // Only one opened site at a time: the worker is sent just its file.
        let mut catalog = Catalog::shipped();
        let site = match catalog.add_file(file_name, text) {
            Ok(site) => site,
            Err(e) => {
                return self
                    .notices
                    .push(error(format!("The site file could not be opened: {e}")))
            }
        };
        if Catalog::is_shipped(&site.name) {
            self.notices.push(warning(format!(
                "\"{}\" is named \"{}\" like a shipped site; it is shown instead of the shipped one until the page is closed.",
                shorten(file_name),
                site.name
            )));
        }
        self.sites = catalog.names();
        self.catalog = catalog;
        let name = site.name.clone();
        self.opened_file = Some(Rc::new(SiteFile {
            name: name.clone(),
            file_name: file_name.to_string(),
            text: text.to_string(),
        }));
        self.stats = Stats::default();
        self.open(&name, None, self.selection.seed);
    }

    /// Starts the episode of `seed` on the current environment, with the selected perturbations.
    fn reset(&mut self, seed: u64) {
        self.selection.seed = seed;
        self.drop_external_step("the episode was restarted");
        self.pending = None;
        self.view = None;
        self.replaying = false;
        self.touched = false;
        if let Some(env) = &self.env {
            let mut env = env.borrow_mut();
            env.set_perturbations(self.selection.perturb.clone());
            env.reset(seed);
            self.episode += 1;
            if let Some(agent) = &self.agent {
                agent.borrow_mut().policy().begin_episode(&env);
            }
            *self.recorder.borrow_mut() = Some(Recorder::start(&env));
        }
        self.capture();
    }

    /// Loads the policy a choice names; a failure leaves nobody driving, with a notice.
    fn load_agent(&mut self, choice: PolicyChoice) {
        self.pending = None;
        self.paused = false;
        self.stats = Stats::default();
        match Agent::load(choice, self.selection.seed) {
            Ok(agent) => {
                self.policy = choice;
                self.agent = agent.map(|a| Rc::new(RefCell::new(a)));
            }
            Err(e) => {
                self.notices.push(error(e));
                self.policy = PolicyChoice::None;
                self.agent = None;
            }
        }
    }

    /// Whether the agent drives now (a policy is loaded and the person has not taken over).
    pub fn agent_drives(&self) -> bool {
        self.agent.is_some() && !self.paused
    }

    /// What the loop should do next, and after how many milliseconds (none: wait for a person).
    pub fn next_tick(&self) -> Option<(u32, Change)> {
        if self.view.is_some() {
            return self
                .replaying
                .then_some((self.speed.move_ms().max(300), Change::ReplayAdvance));
        }
        if self.external.is_some() && self.pending.is_some() {
            return Some((self.speed.move_ms(), Change::ExternalCommit));
        }
        if !self.agent_drives() || self.env.is_none() {
            return None;
        }
        if self.pending.is_some() {
            return Some((self.speed.move_ms(), Change::AgentCommit));
        }
        let done = self.scene.as_ref().is_some_and(|s| s.outcome.is_some());
        match self.speed {
            Speed::Turbo => Some((0, Change::AgentBurst)),
            Speed::Step => None,
            speed if done => Some((speed.episode_pause_ms(), Change::AgentNextEpisode)),
            speed => Some((speed.pause_ms(), Change::AgentPlan)),
        }
    }

    fn capture(&mut self) {
        let Some(env) = self.env.clone() else {
            self.scene = None;
            self.inspect = None;
            return;
        };
        let env = env.borrow();
        self.scene = Some(Rc::new(Scene::capture(&env)));
        let mut agent = self.agent.as_ref().map(|a| a.borrow_mut());
        self.inspect = Some(Rc::new(Inspect::read(&env, agent.as_deref_mut())));
        drop(agent);
        let record = self.recorder.borrow().as_ref().map(|r| r.record().clone());
        self.timeline = Rc::new(timeline(&env, record));
    }

    /// Takes one engine step (recorded); counts the episode if the agent finished it.
    fn step(&mut self, action: &Action) {
        let Some(env) = self.env.clone() else { return };
        let mut env = env.borrow_mut();
        if env.is_done() {
            return;
        }
        let result = match self.recorder.borrow_mut().as_mut() {
            Some(recorder) => recorder.step(&mut env, action),
            None => env.step(action),
        };
        match result {
            Ok(r) if (r.terminated || r.truncated) && !self.touched => {
                self.stats.episodes += 1;
                if env.outcome().is_some_and(|o| o.success) {
                    self.stats.successes += 1;
                }
            }
            Ok(_) => {}
            Err(e) => self
                .notices
                .push(error(format!("That action was not taken: {e}."))),
        }
    }

    /// Takes one engine step for a person's action; the agent stops driving.
    fn act(&mut self, action: Action) {
        let Some(env) = self.env.clone() else { return };
        {
            let env = env.borrow();
            if env.is_done() {
                return; // the controls are disabled; a late event from the browser changes nothing
            }
            if let Action::Type(id, TypeText::Literal(text)) = &action {
                // A field's `change` and its Enter key can both report the same text, and a field can
                // report after it left the page: neither is a step a person meant to take.
                if !env.is_usable(*id) || env.value(*id) == text {
                    return;
                }
            }
        }
        if self.view.is_some() {
            return; // looking back: the site is not live
        }
        if self.agent.is_some() {
            self.paused = true;
        }
        self.drop_external_step("a person acted");
        self.pending = None;
        self.cursor = None;
        self.touched = true;
        self.step(&action);
        self.capture();
    }

    /// The agent chooses its next action; the cursor sets off for its target.
    fn plan(&mut self) {
        let (Some(env), Some(agent)) = (self.env.clone(), self.agent.clone()) else {
            return;
        };
        let env = env.borrow();
        if env.is_done() {
            return;
        }
        let action = agent.borrow_mut().policy().act(&env);
        self.aim(&env, action);
    }

    /// Plans `action`: it is pending, and the cursor sets off for its target.
    fn aim(&mut self, env: &Env, action: Action) {
        let planned = Rc::new(Planned::new(env, action));
        self.pending = Some(planned.clone());
        let serial = self.cursor.as_ref().map_or(0, |c| c.serial) + 1;
        let (x, y) = match (planned.target, &self.cursor) {
            (Some(b), _) => (b.x + b.w / 2.0, b.y + b.h / 2.0),
            (None, Some(c)) => (c.x, c.y),
            (None, None) => (env.site().width / 2.0, 80.0),
        };
        self.cursor = Some(Cursor {
            x,
            y,
            planned,
            done: false,
            move_ms: self.speed.move_ms(),
            serial,
        });
    }

    /// Answers an outside script's call, or starts its step (answered by `external_commit`).
    fn external_call(&mut self, call: u64, request: ExternalCall) {
        let reply = match request {
            ExternalCall::Observe => self.external_observation(),
            ExternalCall::Reset(seed) => {
                self.take_over_from_agent();
                self.reset(seed.unwrap_or_else(|| self.selection.seed.wrapping_add(1)));
                self.external_observation()
            }
            ExternalCall::Step(_) if self.external.is_some() => {
                Err("step: the previous step has not been taken yet; await it first".to_string())
            }
            ExternalCall::Step(text) => match self.external_action(&text) {
                Ok(action) => {
                    self.take_over_from_agent();
                    self.touched = false;
                    if let Some(env) = self.env.clone() {
                        self.aim(&env.borrow(), action);
                    }
                    self.external = Some(call);
                    return;
                }
                Err(e) => Err(e),
            },
        };
        self.answer(call, reply);
    }

    /// The outside script's action as the engine's, checked against the page shown now.
    fn external_action(&self, text: &str) -> Result<Action, String> {
        let Some(env) = self.env.clone() else {
            return Err("step: no site is loaded".to_string());
        };
        let env = env.borrow();
        if env.is_done() {
            return Err("step: the episode has ended; call reset() first".to_string());
        }
        if self.view.is_some() {
            return Err(
                "step: the page is showing an earlier step; go back to live first".to_string(),
            );
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("step: the action is not JSON: {e}"))?;
        wobble_engine::protocol::parse_action(&env, &value).map_err(|e| format!("step: {e}"))
    }

    /// Takes the outside script's pending action and answers with what it did.
    fn external_commit(&mut self) {
        let Some(call) = self.external.take() else {
            return;
        };
        let (Some(planned), Some(env)) = (self.pending.take(), self.env.clone()) else {
            self.answer(
                call,
                Err("step: the page changed before the action was taken".into()),
            );
            return;
        };
        let result = {
            let mut env = env.borrow_mut();
            match self.recorder.borrow_mut().as_mut() {
                Some(recorder) => recorder.step(&mut env, &planned.action),
                None => env.step(&planned.action),
            }
        };
        if let Some(cursor) = &mut self.cursor {
            cursor.done = true;
        }
        self.capture();
        let reply = match result {
            Ok(result) => {
                let env = env.borrow();
                serde_json::to_string(&wobble_engine::protocol::StepReply::new(&env, result))
                    .map_err(|e| format!("step: {e}"))
            }
            Err(e) => Err(format!("step: {e}")),
        };
        self.answer(call, reply);
    }

    /// The observation now, as JSON text.
    fn external_observation(&self) -> Result<String, String> {
        let Some(env) = self.env.clone() else {
            return Err("observe: no site is loaded".to_string());
        };
        let env = env.borrow();
        serde_json::to_string(&wobble_engine::protocol::observation(&env))
            .map_err(|e| e.to_string())
    }

    /// An outside script's step still on its way is not taken; its call is answered with why.
    fn drop_external_step(&mut self, why: &str) {
        if let Some(call) = self.external.take() {
            self.answer(call, Err(format!("step: not taken: {why} first")));
        }
    }

    /// The built-in agent stops driving while an outside script does.
    fn take_over_from_agent(&mut self) {
        if self.agent.is_some() {
            self.paused = true;
        }
        if self.external.is_none() {
            self.pending = None;
        }
    }

    /// Queues the answer to a call (the page hands it back and clears the queue).
    fn answer(&mut self, call: u64, reply: Result<String, String>) {
        Rc::make_mut(&mut self.replies).push((call, reply));
    }

    /// The agent takes the action it planned.
    fn commit(&mut self) {
        let Some(planned) = self.pending.take() else {
            return;
        };
        self.step(&planned.action);
        if let Some(cursor) = &mut self.cursor {
            cursor.done = true;
        }
        self.capture();
    }

    /// Turbo: steps (and new episodes) until a few milliseconds have passed.
    fn burst(&mut self) {
        const BUDGET_MS: f64 = 8.0;
        const MAX_STEPS: usize = 400;
        let (Some(env), Some(agent)) = (self.env.clone(), self.agent.clone()) else {
            return;
        };
        self.pending = None;
        self.cursor = None;
        let start = crate::dom::now_ms();
        for _ in 0..MAX_STEPS {
            let done = env.borrow().is_done();
            if done {
                self.reset_quietly(&env, &agent);
            } else {
                let action = agent.borrow_mut().policy().act(&env.borrow());
                self.step(&action);
            }
            if crate::dom::now_ms() - start > BUDGET_MS {
                break;
            }
        }
        self.capture();
    }

    /// Starts the next episode without capturing the scene (turbo draws once per chunk).
    fn reset_quietly(&mut self, env: &Rc<RefCell<Env>>, agent: &Rc<RefCell<Agent>>) {
        let seed = self.selection.seed.wrapping_add(1);
        self.selection.seed = seed;
        self.touched = false;
        let mut env = env.borrow_mut();
        env.set_perturbations(self.selection.perturb.clone());
        env.reset(seed);
        self.episode += 1;
        agent.borrow_mut().policy().begin_episode(&env);
        *self.recorder.borrow_mut() = Some(Recorder::start(&env));
    }

    /// Shows the episode as it was after `steps` steps, replayed on a fresh environment.
    fn scrub(&mut self, steps: usize) {
        let Some(record) = self.timeline.record.clone() else {
            return;
        };
        let Some(live) = self.env.clone() else { return };
        let steps = steps.min(record.steps.len());
        let site = live.borrow().site().clone();
        let mut env = match Env::new(site, live.borrow().task_index(), EnvConfig::default()) {
            Ok(env) => env,
            Err(e) => return self.notices.push(error(e)),
        };
        env.set_perturbations(record.perturbations.clone());
        env.reset(record.seed);
        for (i, s) in record.steps[..steps].iter().enumerate() {
            if let Err(e) = env.step(&s.action) {
                self.notices.push(error(format!(
                    "The episode could not be replayed: step {} was refused ({e}).",
                    i + 1
                )));
                return;
            }
        }
        self.pending = None;
        self.cursor = None;
        if self.agent.is_some() {
            self.paused = true;
        }
        let mut agent = self.agent.as_ref().map(|a| a.borrow_mut());
        self.inspect = Some(Rc::new(Inspect::read(&env, agent.as_deref_mut())));
        self.view = Some((steps, Rc::new(Scene::capture(&env))));
    }

    /// Reads an episode file, replays it to check it, and makes it the current episode.
    fn import(&mut self, text: &str) {
        let record = match EpisodeRecord::from_json(text) {
            Ok(r) => r,
            Err(e) => {
                return self
                    .notices
                    .push(error(format!("That file is not a Wobble episode: {e}.")))
            }
        };
        let site = match self.catalog.site(&record.site) {
            Ok(s) => s,
            Err(e) => {
                return self
                    .notices
                    .push(error(format!("The episode cannot be shown: {e}.")))
            }
        };
        let mut env = match Env::by_name(site, &record.task, EnvConfig::default()) {
            Ok(env) => env,
            Err(e) => {
                return self
                    .notices
                    .push(error(format!("The episode cannot be shown: {e}.")))
            }
        };
        if let Err(e) = record.replay(&mut env) {
            return self.notices.push(error(format!(
                "The episode does not replay on this version of the site: {e}."
            )));
        }
        // It replays: play it again on the live environment, recording as it goes.
        self.selection.perturb = record.perturbations.clone();
        let (site, task) = (record.site.clone(), record.task.clone());
        self.open(&site, Some(&task), record.seed);
        if self.agent.is_some() {
            self.paused = true;
        }
        self.touched = true;
        for s in &record.steps {
            self.step(&s.action);
        }
        self.capture();
    }

    fn apply(&mut self, change: Change) {
        match change {
            Change::Act(action) => self.act(action),
            Change::NewEpisode => self.reset(self.selection.seed.wrapping_add(1)),
            Change::Restart => self.reset(self.selection.seed),
            Change::ChooseSite(site) => {
                let seed = self.selection.seed;
                self.stats = Stats::default();
                self.open(&site, None, seed);
            }
            Change::OpenSiteFile(Ok((file_name, text))) => self.open_site_file(&file_name, &text),
            Change::OpenSiteFile(Err(e)) => self
                .notices
                .push(error(format!("The site file could not be read: {e}."))),
            Change::ChooseTask(task) => {
                let (site, seed) = (self.selection.site.clone(), self.selection.seed);
                self.stats = Stats::default();
                self.open(&site, Some(&task), seed);
            }
            Change::ChooseSeed(text) => match text.trim().parse::<u64>() {
                Ok(seed) => self.reset(seed),
                Err(_) => self.notices.push(warning(format!(
                    "\"{}\" is not a seed: a seed is a whole number from 0 up.",
                    text.trim()
                ))),
            },
            Change::Dismiss(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            Change::SetPerturbation(kind, severity) => {
                match severity {
                    Some(severity) => self.selection.perturb.set(kind, severity),
                    None => self.selection.perturb.remove(kind),
                }
                self.stats = Stats::default();
                self.reset(self.selection.seed);
            }
            Change::ClearPerturbations => {
                self.selection.perturb = PerturbSpec::none();
                self.stats = Stats::default();
                self.reset(self.selection.seed);
            }
            Change::ChoosePolicy(choice) => {
                self.load_agent(choice);
                self.cursor = None;
                self.reset(self.selection.seed);
            }
            Change::External(call, request) => self.external_call(call, request),
            Change::ExternalCommit => self.external_commit(),
            Change::ShowLesson(step) => {
                self.lesson = step.filter(|n| *n < LESSON_STEPS);
            }
            Change::ClearReplies(upto) => {
                Rc::make_mut(&mut self.replies).retain(|(call, _)| *call > upto);
            }
            Change::ChooseSpeed(speed) => {
                self.speed = speed;
                if speed == Speed::Turbo {
                    self.cursor = None;
                }
                if let Some(c) = &mut self.cursor {
                    c.move_ms = speed.move_ms();
                }
            }
            Change::TakeOver => {
                if self.agent_drives() {
                    self.paused = true;
                    self.pending = None;
                }
            }
            Change::Resume => {
                self.paused = false;
                self.view = None;
                self.replaying = false;
                self.touched = true; // a person had a hand in this episode
            }
            Change::AgentPlan => {
                if self.agent_drives() && self.view.is_none() {
                    let done = self.scene.as_ref().is_some_and(|s| s.outcome.is_some());
                    if done {
                        self.reset(self.selection.seed.wrapping_add(1));
                    }
                    self.plan();
                }
            }
            Change::AgentCommit => self.commit(),
            Change::AgentBurst => {
                if self.agent_drives() && self.view.is_none() {
                    self.burst();
                }
            }
            Change::AgentNextEpisode => {
                if self.agent_drives() {
                    self.reset(self.selection.seed.wrapping_add(1));
                }
            }
            Change::Scrub(steps) => {
                self.replaying = false;
                self.scrub(steps);
            }
            Change::Live => {
                self.view = None;
                self.replaying = false;
                self.capture();
            }
            Change::Replay => {
                self.scrub(0);
                self.replaying = self.view.is_some();
            }
            Change::ReplayAdvance => {
                let total = self.timeline.rows.len();
                match &self.view {
                    Some((at, _)) if *at < total => {
                        let next = at + 1;
                        self.scrub(next);
                        self.replaying = next < total;
                    }
                    _ => self.replaying = false,
                }
            }
            Change::Import(Ok(text)) => self.import(&text),
            Change::Import(Err(e)) => self
                .notices
                .push(error(format!("The episode file could not be read: {e}."))),
        }
    }
}

/// The timeline of an episode record, its actions described in this environment's words.
fn timeline(env: &Env, record: Option<EpisodeRecord>) -> Timeline {
    let rows = record
        .as_ref()
        .map(|r| {
            r.steps
                .iter()
                .map(|s| TimelineRow {
                    action: crate::player::describe(env, &s.action),
                    reward: s.reward,
                })
                .collect()
        })
        .unwrap_or_default();
    Timeline {
        rows,
        outcome: env.outcome().map(|o| OutcomeView {
            raw_reward: o.raw_reward,
            success: o.success,
            reason: o.reason.clone(),
            truncated: o.truncated,
        }),
        record,
    }
}

impl Reducible for Session {
    type Action = Change;

    fn reduce(self: Rc<Self>, change: Change) -> Rc<Self> {
        let mut next = (*self).clone();
        next.version += 1;
        next.apply(change);
        // A room running for hours must not pile up messages: the oldest go first.
        let extra = next.notices.len().saturating_sub(MAX_NOTICES);
        next.notices.drain(..extra);
        Rc::new(next)
    }
}

fn warning(text: String) -> Notice {
    Notice {
        level: Level::Warning,
        text,
    }
}

fn error(text: String) -> Notice {
    Notice {
        level: Level::Error,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::DrawNode;
    use wobble_engine::Role;

    /// What the page opens on when the link names nothing (or nothing valid).
    fn landing_selection() -> Selection {
        Selection {
            site: "airline".into(),
            task: "book-flight".into(),
            seed: 1,
            perturb: PerturbSpec::none(),
        }
    }

    /// A session as opened from a link with these query values.
    fn open(site: Option<&str>, task: Option<&str>, seed: Option<&str>) -> Session {
        Session::from_query(&Query {
            site: site.map(str::to_string),
            task: task.map(str::to_string),
            seed: seed.map(str::to_string),
            ..Query::default()
        })
    }

    fn find(nodes: &[DrawNode], pred: &dyn Fn(&DrawNode) -> bool) -> Option<DrawNode> {
        nodes.iter().find_map(|n| {
            if pred(n) {
                Some(n.clone())
            } else {
                find(&n.children, pred)
            }
        })
    }

    fn reduce(s: Session, c: Change) -> Session {
        match Rc::try_unwrap(Rc::new(s).reduce(c)) {
            Ok(s) => s,
            Err(_) => panic!("the reduced session is shared"),
        }
    }

    #[test]
    fn an_empty_query_gives_the_defaults_without_notices() {
        let s = open(None, None, None);
        assert_eq!(s.selection, landing_selection());
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert!(s.scene.is_some());
    }

    #[test]
    fn a_site_file_opened_in_the_page_is_played_and_listed() {
        let text = include_str!("../sites/click-button.ron")
            .replace("name: \"click-button\"", "name: \"my-buttons\"");
        let s = reduce(
            open(Some("bank"), None, Some("3")),
            Change::OpenSiteFile(Ok(("mine.ron".into(), text))),
        );
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert_eq!(s.selection.site, "my-buttons");
        assert_eq!(s.selection.seed, 3);
        assert!(
            s.sites.contains(&"my-buttons".to_string()) && s.sites.contains(&"bank".to_string())
        );
        // Switching away and back finds it again.
        let s = reduce(s, Change::ChooseSite("bank".into()));
        let s = reduce(s, Change::ChooseSite("my-buttons".into()));
        assert_eq!(s.selection.site, "my-buttons");
        assert!(s.notices.is_empty(), "{:?}", s.notices);
    }

    #[test]
    fn a_broken_site_file_is_refused_with_its_line_and_the_episode_goes_on() {
        let s = open(Some("bank"), None, Some("3"));
        let before = s.scene.clone();
        let s = reduce(
            s,
            Change::OpenSiteFile(Ok((
                "broken.ron".into(),
                "(\n  name: \"x\",\n  pages: oops,\n)".into(),
            ))),
        );
        assert_eq!(s.selection.site, "bank");
        assert_eq!(s.scene, before, "the episode is untouched");
        assert_eq!(s.notices.len(), 1);
        assert!(
            s.notices[0]
                .text
                .starts_with("The site file could not be opened: broken.ron:3:"),
            "{}",
            s.notices[0].text
        );
    }

    #[test]
    fn a_person_can_declare_the_task_done() {
        // The inbox's tasks have no final button: the person says when they are done.
        let s = open(Some("inbox"), Some("forward"), Some("1"));
        let s = reduce(s, Change::Act(Action::Finish));
        let scene = s.scene.as_ref().unwrap();
        let outcome = scene.outcome.as_ref().expect("the episode ended");
        assert!(!outcome.success && !outcome.truncated);
        assert_eq!(outcome.reason, "no email was forwarded");
    }

    #[test]
    fn bad_query_values_fall_back_with_a_notice_each() {
        let s = open(Some("nowhere"), Some("fly"), Some("abc"));
        assert_eq!(s.selection, landing_selection());
        assert_eq!(s.notices.len(), 3, "{:?}", s.notices);
        assert!(s.notices.iter().all(|n| n.level == Level::Warning));
        assert!(s.scene.is_some());
        let s = open(Some("bank"), Some("nope"), Some("7"));
        assert_eq!(s.selection.site, "bank");
        assert_eq!(s.selection.seed, 7);
        assert_eq!(s.notices.len(), 1);
    }

    #[test]
    fn clicking_the_named_button_pays_plus_one() {
        let s = open(Some("click-button"), None, Some("3"));
        let scene = s.scene.clone().unwrap();
        let word = scene.instruction.split('"').nth(1).unwrap().to_string();
        let button = find(&scene.page, &|n| n.role == Role::Button && n.label == word).unwrap();
        let s = reduce(s, Change::Act(Action::Click(button.id)));
        let outcome = s.scene.as_ref().unwrap().outcome.clone().unwrap();
        assert_eq!(outcome.raw_reward, 1.0);
        assert_eq!(s.scene.as_ref().unwrap().steps, 1);
        // Nothing more happens once the episode is over.
        let s = reduce(s, Change::Act(Action::Click(button.id)));
        assert_eq!(s.scene.as_ref().unwrap().steps, 1);
        assert!(s.notices.is_empty());
        // A new episode moves to the next seed and starts from step 0.
        let s = reduce(s, Change::NewEpisode);
        assert_eq!(s.selection.seed, 4);
        assert_eq!(s.scene.as_ref().unwrap().steps, 0);
        assert!(s.scene.as_ref().unwrap().outcome.is_none());
    }

    #[test]
    fn typing_the_same_text_twice_is_one_step() {
        let s = open(Some("enter-text"), None, None);
        let scene = s.scene.clone().unwrap();
        let field = find(&scene.page, &|n| n.role == Role::TextBox).unwrap();
        let typed = Change::Act(Action::Type(field.id, TypeText::Literal("hello".into())));
        let s = reduce(s, typed.clone());
        let s = reduce(s, typed);
        assert_eq!(s.scene.as_ref().unwrap().steps, 1);
        let field = find(&s.scene.as_ref().unwrap().page, &|n| n.id == field.id).unwrap();
        assert_eq!(field.value, "hello");
    }

    #[test]
    fn choosing_site_task_and_seed() {
        let s = open(None, None, Some("2"));
        let s = reduce(s, Change::ChooseSite("bank".into()));
        assert_eq!(s.selection.site, "bank");
        assert_eq!(s.selection.seed, 2);
        assert_eq!(s.selection.task, s.tasks[0]);
        let s = reduce(s, Change::ChooseSeed(" 42 ".into()));
        assert_eq!(s.selection.seed, 42);
        let s = reduce(s, Change::ChooseSeed("-1".into()));
        assert_eq!(s.selection.seed, 42);
        assert_eq!(s.notices.len(), 1);
        let s = reduce(s, Change::Dismiss(0));
        assert!(s.notices.is_empty());
        let s = reduce(s, Change::ChooseTask("missing".into()));
        assert_eq!(s.notices.len(), 1);
        assert_eq!(s.selection.task, s.tasks[0]);
    }

    fn with_perturbations(text: &str) -> Session {
        Session::from_query(&Query {
            site: Some("airline".into()),
            seed: Some("1".into()),
            perturb: Some(text.into()),
            ..Query::default()
        })
    }

    #[test]
    fn a_bad_spec_in_the_link_plays_unperturbed_with_a_notice() {
        let s = with_perturbations("bogus:9");
        assert!(s.selection.perturb.is_empty());
        assert_eq!(s.notices.len(), 1, "{:?}", s.notices);
        assert!(s.notices[0].text.contains("bogus"), "{:?}", s.notices);
        let scene = s.scene.as_ref().unwrap();
        assert!(scene.changes.is_empty());
        assert!(!scene.page.is_empty());
    }

    #[test]
    fn the_spec_from_the_link_is_applied_and_explained() {
        let s = with_perturbations("popup:2");
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert_eq!(s.selection.perturb.to_string(), "popup:2");
        let scene = s.scene.as_ref().unwrap();
        assert!(scene.dialog.is_some(), "a cookie modal is open");
        assert!(scene
            .changes
            .iter()
            .any(|c| c.kind == Kind::Popup && c.applied));
    }

    #[test]
    fn changing_a_perturbation_restarts_the_same_seed_and_new_episodes_keep_it() {
        let s = with_perturbations("");
        let episode = s.episode;
        let s = reduce(s, Change::SetPerturbation(Kind::Relabel, Some(2)));
        assert_eq!(s.selection.perturb.to_string(), "relabel:2");
        assert_eq!(s.selection.seed, 1);
        assert_eq!(s.episode, episode + 1);
        let scene = s.scene.clone().unwrap();
        assert!(scene.changes.iter().any(|c| c.kind == Kind::Relabel));
        let s = reduce(s, Change::SetPerturbation(Kind::Relabel, Some(3)));
        assert_eq!(s.selection.perturb.to_string(), "relabel:3");
        let s = reduce(s, Change::NewEpisode);
        assert_eq!(s.selection.seed, 2);
        assert_eq!(s.selection.perturb.to_string(), "relabel:3");
        let s = reduce(s, Change::ChooseSite("bank".into()));
        assert_eq!(s.selection.perturb.to_string(), "relabel:3");
        let s = reduce(s, Change::SetPerturbation(Kind::Relabel, None));
        assert!(s.selection.perturb.is_empty());
        let s = reduce(s, Change::SetPerturbation(Kind::Popup, Some(1)));
        let s = reduce(s, Change::ClearPerturbations);
        assert!(s.selection.perturb.is_empty());
        assert!(s.scene.as_ref().unwrap().changes.is_empty());
        assert_eq!(s.selection.seed, 2);
    }

    fn landing() -> Session {
        Session::from_query(&Query::default())
    }

    /// Runs the agent's loop (as the page's timer would) until `until` holds or `limit` changes.
    fn run(mut s: Session, limit: usize, until: impl Fn(&Session) -> bool) -> Session {
        for _ in 0..limit {
            if until(&s) {
                break;
            }
            let Some((_, change)) = s.next_tick() else {
                break;
            };
            s = reduce(s, change);
        }
        s
    }

    #[test]
    fn a_cold_start_has_the_airline_agent_play_and_count_its_successes() {
        let s = landing();
        assert_eq!(s.policy, PolicyChoice::Airline);
        assert!(s.agent_drives());
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        let s = run(s, 2000, |s| s.stats.episodes >= 5);
        assert_eq!(s.stats.episodes, 5);
        assert!(s.stats.successes >= 4, "{:?}", s.stats);
        assert!(s.selection.seed > 1, "each episode takes the next seed");
        // A link naming a site is for a person, unless it names a policy.
        assert_eq!(open(Some("bank"), None, None).policy, PolicyChoice::None);
        assert!(open(Some("bank"), None, None).next_tick().is_none());
    }

    #[test]
    fn the_cursor_heads_for_the_target_before_the_step_is_taken() {
        let s = reduce(landing(), Change::AgentPlan);
        let pending = s.pending.clone().expect("a planned action");
        let cursor = s.cursor.clone().unwrap();
        let target = pending.target.expect("the first action aims at an element");
        assert_eq!(cursor.x, target.x + target.w / 2.0);
        assert_eq!(s.scene.as_ref().unwrap().steps, 0);
        assert_eq!(s.next_tick().map(|t| t.1), Some(Change::AgentCommit));
        let s = reduce(s, Change::AgentCommit);
        assert_eq!(s.scene.as_ref().unwrap().steps, 1);
        assert!(s.cursor.as_ref().unwrap().done);
        assert_eq!(s.timeline.rows.len(), 1);
        assert_eq!(s.timeline.rows[0].action, pending.phrase);
    }

    #[test]
    fn the_lesson_step_comes_from_the_link_and_a_bad_one_is_reported() {
        let open = |lesson: &str| {
            Session::from_query(&Query {
                lesson: Some(lesson.into()),
                ..Query::default()
            })
        };
        let s = open("3");
        assert_eq!(s.lesson, Some(2));
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        for bad in ["0", "7", "two", "-1"] {
            let s = open(bad);
            assert_eq!(s.lesson, None, "{bad}");
            assert_eq!(s.notices.len(), 1, "{bad}");
            assert!(s.notices[0].text.contains(bad), "{:?}", s.notices[0]);
        }
        let s = reduce(open("6"), Change::ShowLesson(Some(LESSON_STEPS)));
        assert_eq!(s.lesson, None, "past the last step closes the lessons");
        let s = reduce(s, Change::ShowLesson(Some(0)));
        assert_eq!(s.lesson, Some(0));
    }

    #[test]
    fn messages_are_bounded_and_the_newest_kept() {
        let mut s = landing();
        for i in 0..(MAX_NOTICES as u64 + 5) {
            s = reduce(s, Change::Import(Err(format!("unreadable file {i}"))));
        }
        assert_eq!(s.notices.len(), MAX_NOTICES);
        let newest = format!("unreadable file {}", MAX_NOTICES + 4);
        assert!(
            s.notices.last().unwrap().text.contains(&newest),
            "{:?}",
            s.notices.last()
        );
    }

    #[test]
    fn rewording_the_labels_breaks_the_agent() {
        let s = Session::from_query(&Query {
            speed: Some("turbo".into()),
            ..Query::default()
        });
        let s = reduce(s, Change::SetPerturbation(Kind::Relabel, Some(3)));
        assert_eq!(s.stats, Stats::default());
        let s = run(s, 5000, |s| s.stats.episodes >= 20);
        assert!(s.stats.episodes >= 20);
        assert!(s.stats.rate() < 0.5, "{:?}", s.stats);
    }

    #[test]
    fn a_person_taking_over_stops_the_agent_and_is_recorded() {
        let s = reduce(landing(), Change::AgentPlan);
        let scene = s.scene.clone().unwrap();
        let search = find(&scene.page, &|n| n.key == "search_button").unwrap();
        let s = reduce(s, Change::Act(Action::Click(search.id)));
        assert!(s.paused && s.pending.is_none());
        assert!(s.next_tick().is_none());
        assert_eq!(s.timeline.rows.len(), 1);
        let s = reduce(s, Change::Resume);
        assert!(s.next_tick().is_some());
    }

    #[test]
    fn an_exported_episode_imports_back_and_a_tampered_one_is_refused() {
        let s = run(landing(), 200, |s| s.timeline.rows.len() >= 6);
        let record = s.timeline.record.clone().unwrap();
        let json = serde_json::to_string(&record).unwrap();
        let other = reduce(open(Some("bank"), None, None), Change::Import(Ok(json)));
        assert!(other.notices.is_empty(), "{:?}", other.notices);
        assert_eq!(other.selection.site, "airline");
        assert_eq!(other.timeline.rows, s.timeline.rows);
        assert_eq!(other.timeline.record.as_ref(), Some(&record));
        // Scrubbing shows the site after a step, without touching the live episode.
        let viewed = reduce(other, Change::Scrub(2));
        assert_eq!(viewed.view.as_ref().unwrap().1.steps, 2);
        assert_eq!(viewed.scene.as_ref().unwrap().steps, 6);

        let mut bad = record.clone();
        bad.steps[0].digest = "0".repeat(16);
        let refused = reduce(
            landing(),
            Change::Import(Ok(serde_json::to_string(&bad).unwrap())),
        );
        assert_eq!(refused.notices.len(), 1);
        assert!(
            refused.notices[0].text.contains("diverged at step 1"),
            "{:?}",
            refused.notices
        );
        let refused = reduce(landing(), Change::Import(Ok("{}".into())));
        assert!(refused.notices[0].text.contains("not a Wobble episode"));
    }

    #[test]
    fn replay_steps_through_the_episode_and_returns_to_live() {
        let s = run(landing(), 200, |s| s.timeline.rows.len() >= 3);
        let s = reduce(s, Change::TakeOver);
        let total = s.timeline.rows.len();
        let mut s = reduce(s, Change::Replay);
        assert_eq!(s.view.as_ref().map(|v| v.0), Some(0));
        for at in 1..=total {
            assert_eq!(s.next_tick().map(|t| t.1), Some(Change::ReplayAdvance));
            s = reduce(s, Change::ReplayAdvance);
            assert_eq!(s.view.as_ref().map(|v| v.0), Some(at));
        }
        assert!(!s.replaying && s.next_tick().is_none());
        let s = reduce(s, Change::Live);
        assert!(s.view.is_none());
        assert_eq!(s.scene.as_ref().unwrap().steps as usize, total);
    }
}

/// Links are user input: anything may be typed or pasted after `?`. Each query value is drawn
/// from the words the app knows (site, task, policy and speed names, kinds), numbers at their
/// edges, and arbitrary text, so both the accepted and the refused paths are exercised.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod link_properties {
    use super::*;
    use proptest::prelude::*;

    /// One query value: absent, a known word, an edge number, a spec, or any text.
    fn value() -> impl Strategy<Value = Option<String>> {
        let known: Vec<String> = site_names()
            .map(str::to_string)
            .chain(
                [
                    "book-flight",
                    "transfer",
                    "file-return",
                    "buy",
                    "forward",
                    "star-and-forward",
                ]
                .map(str::to_string),
            )
            .chain(PolicyChoice::ALL.map(|p| p.name().to_string()))
            .chain(Speed::ALL.map(|s| s.name().to_string()))
            .chain(Kind::ALL.map(|k| k.name().to_string()))
            .chain(
                [
                    "0",
                    "1",
                    "-1",
                    "18446744073709551615",
                    "18446744073709551616",
                    " 7 ",
                    "1e3",
                    "",
                    "page",
                    "worker",
                ]
                .map(str::to_string),
            )
            .collect();
        prop_oneof![
            Just(None),
            proptest::sample::select(known).prop_map(Some),
            "[a-z]{1,10}(:[0-9]{1,3})?(,[a-z]{1,10}(:-?[0-9]{1,20})?){0,4}".prop_map(Some),
            any::<String>().prop_map(Some),
            "\\PC{0,300}".prop_map(Some),
        ]
    }

    fn query() -> impl Strategy<Value = Query> {
        (
            value(),
            value(),
            value(),
            value(),
            value(),
            value(),
            value(),
        )
            .prop_map(|(site, task, seed, perturb, policy, speed, lesson)| Query {
                site,
                task,
                seed,
                perturb,
                policy,
                speed,
                lesson,
                // `fault` breaks the page on purpose; it is tested by the fault e2e tests.
                fault: None,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Whatever the link says, the page opens a playable episode of a real site and task,
        /// with at most one notice per query value, each short enough to read.
        #[test]
        fn any_link_opens_a_playable_episode(query in query()) {
            let session = Session::from_query(&query);
            let site = session.catalog.site(&session.selection.site);
            prop_assert!(site.is_ok(), "unknown site {:?}", session.selection.site);
            let site = site.unwrap_or_else(|_| unreachable!());
            prop_assert!(site.task_names().contains(&session.selection.task), "{:?}", session.selection);
            prop_assert!(session.scene.is_some());
            prop_assert!(session.notices.len() <= 7, "{:?}", session.notices);
            for notice in &session.notices {
                prop_assert!(notice.text.chars().count() < 500, "{}", notice.text);
            }
            if let Some(index) = session.lesson {
                prop_assert!(index < LESSON_STEPS, "lesson index {index}");
            }
        }
    }
}
