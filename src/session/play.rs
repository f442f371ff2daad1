//! The live episode: which site, task, seed and perturbations are played ([`Selection`], what the
//! URL shows), the engine [`Env`] they open, the recorder that writes the episode down, and what
//! is drawn from them after every change (the [`Scene`] and the [`Timeline`]). A person's clicks
//! and typing, and the site, task, seed and perturbation pickers, arrive as [`PlayChange`]s.
//!
//! The environment is shared behind `Rc<RefCell<..>>` so that a reduce step can advance it
//! without cloning; every other part of the session steps or reads this one environment.
//!
//! Data flow: a picker → [`Play::load`] (the catalog compiles the site, the engine opens the task)
//! → `Session::reset` → [`Play::restart`] (the spec handed to the environment, which resets, and a
//! new recorder) → [`Play::capture`]. A person's action → `Session::step` → [`Play::step`] (through
//! the recorder) → capture. The perturbations are an engine [`PerturbSpec`] kept in the selection:
//! switching a kind on or off, or changing its severity, restarts the current episode (same seed)
//! so the page shows the change at once, and "New episode" keeps the spec. What the perturbations
//! did is the engine's own account, copied into the scene.

use std::cell::RefCell;
use std::rc::Rc;
use wobble_engine::builtin::site_names;
use wobble_engine::catalog::{self, Catalog};
use wobble_engine::episode::{EpisodeRecord, Recorder};
use wobble_engine::perturb::{Kind, PerturbSpec};
use wobble_engine::protocol::shorten;
use wobble_engine::{Action, Env, StepError, StepResult, TypeText};

use super::{error, warning, Notice, Session, DEFAULT_SITE};
use crate::player::{describe, Agent};
use crate::scene::{OutcomeView, Scene};
use wobble_app::agent::SiteFile;

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

/// One step of the episode timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineRow {
    /// The action, in the engine's words.
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

/// What a person or a picker does to the live episode.
#[derive(Debug, Clone, PartialEq)]
pub enum PlayChange {
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
    /// Turn a perturbation kind on at a severity (1 to 3), or off (`None`); restarts the episode.
    SetPerturbation(Kind, Option<u8>),
    /// Turn every perturbation off; restarts the episode.
    ClearPerturbations,
    /// Replace the perturbations with this spec (a break the search found); restarts the episode.
    SetPerturbations(PerturbSpec),
}

/// The live episode and what it was picked from.
#[derive(Clone)]
pub struct Play {
    /// The episode being played (what the URL shows).
    pub selection: Selection,
    /// Names of every site that can be picked.
    pub sites: Vec<String>,
    /// Names of the current site's tasks.
    pub tasks: Vec<String>,
    /// The sites a name can mean: the shipped ones, and one opened from a file (listed with
    /// them until the page closes; it stands in for a shipped site of its name).
    pub catalog: Catalog,
    /// The same site's file, as the training worker needs it (it compiles its own copy).
    pub opened_file: Option<Rc<SiteFile>>,
    /// What to draw; `None` only when not even the default site could be loaded.
    pub scene: Option<Rc<Scene>>,
    /// The current episode, step by step.
    pub timeline: Rc<Timeline>,
    /// Counts resets: a new episode, even of the same seed, gets a new number.
    pub episode: u64,
    /// A person had a hand in this episode (it does not count towards the agent's stats).
    pub(super) touched: bool,
    /// Someone other than the person (the agent, a script, a recording) took a step in this
    /// episode (it does not count towards the person's own record).
    pub(super) others_acted: bool,
    env: Option<Rc<RefCell<Env>>>,
    recorder: Rc<RefCell<Option<Recorder>>>,
}

impl Play {
    /// Nothing loaded yet; the episode of `seed` will be played with `perturb`.
    pub(super) fn new(seed: u64, perturb: PerturbSpec) -> Play {
        Play {
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
            timeline: Rc::new(Timeline {
                rows: Vec::new(),
                outcome: None,
                record: None,
            }),
            episode: 0,
            touched: false,
            others_acted: false,
            env: None,
            recorder: Rc::new(RefCell::new(None)),
        }
    }

    /// The environment, when a site is loaded.
    pub(super) fn env(&self) -> Option<Rc<RefCell<Env>>> {
        self.env.clone()
    }

    /// Whether a site is loaded (there is an episode to play).
    pub(super) fn is_loaded(&self) -> bool {
        self.env.is_some()
    }

    /// Whether the episode has ended (false when no site is loaded).
    pub(super) fn is_over(&self) -> bool {
        self.env.as_ref().is_some_and(|env| env.borrow().is_done())
    }

    /// Whether the episode ended in success.
    pub(super) fn succeeded(&self) -> bool {
        self.env
            .as_ref()
            .is_some_and(|env| env.borrow().outcome().is_some_and(|o| o.success))
    }

    /// Loads `site` and its task `task` (or its first), falling back to the default site with a
    /// notice; true when there is an environment to reset.
    pub(super) fn load(
        &mut self,
        site: &str,
        task: Option<&str>,
        seed: u64,
        notices: &mut Vec<Notice>,
    ) -> bool {
        let loaded = match self.catalog.site(site) {
            Ok(s) => Ok(s),
            Err(_) if site != DEFAULT_SITE => {
                notices.push(warning(format!(
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
                notices.push(error(format!("The site could not be loaded: {e}")));
                self.env = None;
                self.scene = None;
                return false;
            }
        };
        let tasks = site.task_names();
        let task = match task {
            Some(t) if tasks.iter().any(|n| n == t) => t.to_string(),
            Some(t) => {
                let first = tasks.first().cloned().unwrap_or_default();
                notices.push(warning(format!(
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
                true
            }
            Err(e) => {
                notices.push(error(e.to_string()));
                self.env = None;
                self.scene = None;
                false
            }
        }
    }

    /// Compiles a site file a person opened and lists it with the shipped sites; its name, to
    /// open. A mistake becomes a notice with the file's line and column.
    fn add_site_file(
        &mut self,
        file_name: &str,
        text: &str,
        notices: &mut Vec<Notice>,
    ) -> Option<String> {
        match self.adopt_site_file(file_name, text) {
            Ok(name) => {
                if Catalog::is_shipped(&name) {
                    notices.push(warning(format!(
                        "\"{}\" is named \"{name}\" like a shipped site; it is shown instead of the shipped one until the page is closed.",
                        shorten(file_name),
                    )));
                }
                Some(name)
            }
            Err(e) => {
                notices.push(error(format!("The site file could not be opened: {e}")));
                None
            }
        }
    }

    /// Compiles a site file (opened, typed in the editor, or carried by a link) and makes it
    /// the opened site, listed with the shipped ones and sent to the training worker; its name,
    /// or the compiler's located error (nothing changes then).
    pub(super) fn adopt_site_file(
        &mut self,
        file_name: &str,
        text: &str,
    ) -> Result<String, wobble_engine::SiteError> {
        // Only one opened site at a time: the worker is sent just its file.
        let mut catalog = Catalog::shipped();
        let site = catalog.add_file(file_name, text)?;
        self.sites = catalog.names();
        self.catalog = catalog;
        self.opened_file = Some(Rc::new(SiteFile {
            name: site.name.clone(),
            file_name: file_name.to_string(),
            text: text.to_string(),
        }));
        Ok(site.name.clone())
    }

    /// The actions of the current episode so far, in order.
    pub(super) fn actions(&self) -> Vec<Action> {
        self.recorder
            .borrow()
            .as_ref()
            .map(|r| r.record().steps.iter().map(|s| s.action.clone()).collect())
            .unwrap_or_default()
    }

    /// Starts the episode of `seed` with the selected perturbations, recording it; the agent's
    /// policy (if any) begins it too. Nothing is captured (turbo draws once per chunk).
    pub(super) fn restart(&mut self, seed: u64, agent: Option<&Rc<RefCell<Agent>>>) {
        self.selection.seed = seed;
        self.touched = false;
        self.others_acted = false;
        let Some(env) = &self.env else { return };
        let mut env = env.borrow_mut();
        env.set_perturbations(self.selection.perturb.clone());
        env.reset(seed);
        self.episode += 1;
        if let Some(agent) = agent {
            agent.borrow_mut().policy().begin_episode(&env);
        }
        *self.recorder.borrow_mut() = Some(Recorder::start(&env));
    }

    /// Takes one step, recorded; `None` when no site is loaded.
    pub(super) fn step(&mut self, action: &Action) -> Option<Result<StepResult, StepError>> {
        let env = self.env.as_ref()?;
        let mut env = env.borrow_mut();
        Some(match self.recorder.borrow_mut().as_mut() {
            Some(recorder) => recorder.step(&mut env, action),
            None => env.step(action),
        })
    }

    /// Copies the scene and the timeline out of the environment.
    pub(super) fn capture(&mut self) {
        let Some(env) = &self.env else {
            self.scene = None;
            return;
        };
        let env = env.borrow();
        self.scene = Some(Rc::new(Scene::capture(&env)));
        let record = self.recorder.borrow().as_ref().map(|r| r.record().clone());
        self.timeline = Rc::new(timeline(&env, record));
    }

    /// Whether a person's `action` would change nothing a person meant to change: the episode
    /// is over (the controls are disabled, but a late event from the browser can still come),
    /// or a field reports text it already holds.
    fn is_idle(&self, action: &Action) -> bool {
        let Some(env) = &self.env else { return true };
        let env = env.borrow();
        if env.is_done() {
            return true;
        }
        // A field's `change` and its Enter key can both report the same text, and a field can
        // report after it left the page: neither is a step a person meant to take.
        matches!(action, Action::Type(id, TypeText::Literal(text))
            if !env.is_usable(*id) || env.value(*id) == text)
    }
}

/// The timeline of an episode record, its actions described in the engine's words.
fn timeline(env: &Env, record: Option<EpisodeRecord>) -> Timeline {
    let rows = record
        .as_ref()
        .map(|r| {
            r.steps
                .iter()
                .map(|s| TimelineRow {
                    action: describe(env, &s.action),
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

/// The perturbations in the spec's words (`relabel:3,move:2`), or "no change".
fn spec_words(spec: &PerturbSpec) -> String {
    if spec.is_empty() {
        "no change".to_string()
    } else {
        spec.to_string()
    }
}

impl Session {
    /// Puts `spec` on the site: the agent's counter starts again after it, and so does the
    /// episode of `seed`.
    fn perturb_with(&mut self, spec: PerturbSpec, seed: u64) {
        self.play.selection.perturb = spec;
        self.agent
            .count_again_after(spec_words(&self.play.selection.perturb));
        self.reset(seed);
    }

    /// Reduces a person's or a picker's change of the live episode.
    pub(super) fn play_change(&mut self, change: PlayChange) {
        let seed = self.play.selection.seed;
        match change {
            PlayChange::Act(action) => self.act(action),
            PlayChange::NewEpisode => self.reset(seed.wrapping_add(1)),
            PlayChange::Restart => self.reset(seed),
            PlayChange::ChooseSite(site) => {
                self.agent.count_afresh();
                self.open(&site, None, seed);
            }
            PlayChange::OpenSiteFile(Ok((file_name, text))) => {
                if let Some(name) = self
                    .play
                    .add_site_file(&file_name, &text, &mut self.notices)
                {
                    self.agent.count_afresh();
                    self.open(&name, None, seed);
                }
            }
            PlayChange::OpenSiteFile(Err(e)) => self
                .notices
                .push(error(format!("The site file could not be read: {e}."))),
            PlayChange::ChooseTask(task) => {
                let site = self.play.selection.site.clone();
                self.agent.count_afresh();
                self.open(&site, Some(&task), seed);
            }
            PlayChange::ChooseSeed(text) => match text.trim().parse::<u64>() {
                Ok(seed) => self.reset(seed),
                Err(_) => self.notices.push(warning(format!(
                    "\"{}\" is not a seed: a seed is a whole number from 0 up.",
                    text.trim()
                ))),
            },
            PlayChange::SetPerturbation(kind, severity) => {
                let mut spec = self.play.selection.perturb.clone();
                match severity {
                    Some(severity) => spec.set(kind, severity),
                    None => spec.remove(kind),
                }
                self.perturb_with(spec, seed);
            }
            PlayChange::ClearPerturbations => self.perturb_with(PerturbSpec::none(), seed),
            PlayChange::SetPerturbations(spec) => self.perturb_with(spec, seed),
        }
    }

    /// Takes one step for a person's action: the agent and any outside script stop driving.
    fn act(&mut self, action: Action) {
        if self.play.is_idle(&action) || !self.replay.is_live() {
            return; // looking back: the site is not live
        }
        self.agent.pause();
        self.external.drop_step("a person acted");
        self.agent.pending = None;
        self.agent.cursor = None;
        self.play.touched = true;
        self.step(&action, true);
        self.capture();
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::player::PolicyChoice;
    use crate::session::AgentChange;
    use wobble_engine::perturb::Kind;
    use wobble_engine::Role;

    #[test]
    fn a_site_file_opened_in_the_page_is_played_and_listed() {
        let text = include_str!("../../sites/click-button.ron")
            .replace("name: \"click-button\"", "name: \"my-buttons\"");
        let s = reduce(
            open(Some("bank"), None, Some("3")),
            PlayChange::OpenSiteFile(Ok(("mine.ron".into(), text))),
        );
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert_eq!(s.play.selection.site, "my-buttons");
        assert_eq!(s.play.selection.seed, 3);
        assert!(
            s.play.sites.contains(&"my-buttons".to_string())
                && s.play.sites.contains(&"bank".to_string())
        );
        // Switching away and back finds it again.
        let s = reduce(s, PlayChange::ChooseSite("bank".into()));
        let s = reduce(s, PlayChange::ChooseSite("my-buttons".into()));
        assert_eq!(s.play.selection.site, "my-buttons");
        assert!(s.notices.is_empty(), "{:?}", s.notices);
    }

    #[test]
    fn a_broken_site_file_is_refused_with_its_line_and_the_episode_goes_on() {
        let s = open(Some("bank"), None, Some("3"));
        let before = s.play.scene.clone();
        let s = reduce(
            s,
            PlayChange::OpenSiteFile(Ok((
                "broken.ron".into(),
                "(\n  name: \"x\",\n  pages: oops,\n)".into(),
            ))),
        );
        assert_eq!(s.play.selection.site, "bank");
        assert_eq!(s.play.scene, before, "the episode is untouched");
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
        let s = reduce(s, PlayChange::Act(Action::Finish));
        let scene = s.play.scene.as_ref().unwrap();
        let outcome = scene.outcome.as_ref().expect("the episode ended");
        assert!(!outcome.success && !outcome.truncated);
        assert_eq!(outcome.reason, "no email was forwarded");
    }

    #[test]
    fn a_persons_whole_episodes_count_as_their_own_and_nobody_elses() {
        let s = open(Some("click-button"), None, Some("3"));
        let click_named = |s: Session| {
            let scene = s.play.scene.clone().unwrap();
            let word = scene.instruction.split('"').nth(1).unwrap().to_string();
            let button = find(&scene.page, &|n| n.role == Role::Button && n.label == word).unwrap();
            reduce(s, PlayChange::Act(Action::Click(button.id)))
        };
        let s = click_named(s);
        let s = reduce(s, PlayChange::NewEpisode);
        let s = reduce(s, PlayChange::Act(Action::Finish));
        let row = s.yours.get("click-button", "click-button", "").unwrap();
        assert_eq!((row.episodes, row.successes), (2, 1));
        assert_eq!(
            s.agent.stats.episodes, 0,
            "the person's episodes are not the agent's"
        );

        // Under a perturbation, a row of its own.
        let s = reduce(s, PlayChange::SetPerturbation(Kind::Relabel, Some(3)));
        let s = reduce(s, PlayChange::Act(Action::Finish));
        let row = s
            .yours
            .get("click-button", "click-button", "relabel:3")
            .unwrap();
        assert_eq!((row.episodes, row.successes), (1, 0));

        // An episode the agent had a step in is not the person's, even if they end it.
        let s = reduce(s, PlayChange::ClearPerturbations);
        let s = reduce(s, AgentChange::ChoosePolicy(PolicyChoice::Random));
        let s = run(s, 200, |s| {
            s.play.scene.as_ref().is_some_and(|sc| sc.steps > 0)
        });
        let s = reduce(s, PlayChange::Act(Action::Finish));
        let row = s.yours.get("click-button", "click-button", "").unwrap();
        assert_eq!(row.episodes, 2, "unchanged");
    }

    #[test]
    fn clicking_the_named_button_pays_plus_one() {
        let s = open(Some("click-button"), None, Some("3"));
        let scene = s.play.scene.clone().unwrap();
        let word = scene.instruction.split('"').nth(1).unwrap().to_string();
        let button = find(&scene.page, &|n| n.role == Role::Button && n.label == word).unwrap();
        let s = reduce(s, PlayChange::Act(Action::Click(button.id)));
        let outcome = s.play.scene.as_ref().unwrap().outcome.clone().unwrap();
        assert_eq!(outcome.raw_reward, 1.0);
        assert_eq!(s.play.scene.as_ref().unwrap().steps, 1);
        // Nothing more happens once the episode is over.
        let s = reduce(s, PlayChange::Act(Action::Click(button.id)));
        assert_eq!(s.play.scene.as_ref().unwrap().steps, 1);
        assert!(s.notices.is_empty());
        // A new episode moves to the next seed and starts from step 0.
        let s = reduce(s, PlayChange::NewEpisode);
        assert_eq!(s.play.selection.seed, 4);
        assert_eq!(s.play.scene.as_ref().unwrap().steps, 0);
        assert!(s.play.scene.as_ref().unwrap().outcome.is_none());
    }

    #[test]
    fn typing_the_same_text_twice_is_one_step() {
        let s = open(Some("enter-text"), None, None);
        let scene = s.play.scene.clone().unwrap();
        let field = find(&scene.page, &|n| n.role == Role::TextBox).unwrap();
        let typed = PlayChange::Act(Action::Type(field.id, TypeText::Literal("hello".into())));
        let s = reduce(s, typed.clone());
        let s = reduce(s, typed);
        assert_eq!(s.play.scene.as_ref().unwrap().steps, 1);
        let field = find(&s.play.scene.as_ref().unwrap().page, &|n| n.id == field.id).unwrap();
        assert_eq!(field.value, "hello");
    }

    #[test]
    fn choosing_site_task_and_seed() {
        let s = open(None, None, Some("2"));
        let s = reduce(s, PlayChange::ChooseSite("bank".into()));
        assert_eq!(s.play.selection.site, "bank");
        assert_eq!(s.play.selection.seed, 2);
        assert_eq!(s.play.selection.task, s.play.tasks[0]);
        let s = reduce(s, PlayChange::ChooseSeed(" 42 ".into()));
        assert_eq!(s.play.selection.seed, 42);
        let s = reduce(s, PlayChange::ChooseSeed("-1".into()));
        assert_eq!(s.play.selection.seed, 42);
        assert_eq!(s.notices.len(), 1);
        let s = reduce(s, super::super::Change::Dismiss(0));
        assert!(s.notices.is_empty());
        let s = reduce(s, PlayChange::ChooseTask("missing".into()));
        assert_eq!(s.notices.len(), 1);
        assert_eq!(s.play.selection.task, s.play.tasks[0]);
    }

    #[test]
    fn changing_a_perturbation_restarts_the_same_seed_and_new_episodes_keep_it() {
        let s = Session::from_query(&crate::browser::Query {
            site: Some("airline".into()),
            seed: Some("1".into()),
            perturb: Some(String::new()),
            ..Default::default()
        });
        let episode = s.play.episode;
        let s = reduce(s, PlayChange::SetPerturbation(Kind::Relabel, Some(2)));
        assert_eq!(s.play.selection.perturb.to_string(), "relabel:2");
        assert_eq!(s.play.selection.seed, 1);
        assert_eq!(s.play.episode, episode + 1);
        let scene = s.play.scene.clone().unwrap();
        assert!(scene.changes.iter().any(|c| c.kind == Kind::Relabel));
        let s = reduce(s, PlayChange::SetPerturbation(Kind::Relabel, Some(3)));
        assert_eq!(s.play.selection.perturb.to_string(), "relabel:3");
        let s = reduce(s, PlayChange::NewEpisode);
        assert_eq!(s.play.selection.seed, 2);
        assert_eq!(s.play.selection.perturb.to_string(), "relabel:3");
        let s = reduce(s, PlayChange::ChooseSite("bank".into()));
        assert_eq!(s.play.selection.perturb.to_string(), "relabel:3");
        let s = reduce(s, PlayChange::SetPerturbation(Kind::Relabel, None));
        assert!(s.play.selection.perturb.is_empty());
        let s = reduce(s, PlayChange::SetPerturbation(Kind::Popup, Some(1)));
        let s = reduce(s, PlayChange::ClearPerturbations);
        assert!(s.play.selection.perturb.is_empty());
        assert!(s.play.scene.as_ref().unwrap().changes.is_empty());
        assert_eq!(s.play.selection.seed, 2);
        // A break found by the search replaces the whole spec, and the counter starts again.
        let s = reduce(s, PlayChange::SetPerturbation(Kind::Font, Some(3)));
        let s = reduce(
            s,
            PlayChange::SetPerturbations("move:1,relabel:2".parse().unwrap()),
        );
        assert_eq!(s.play.selection.perturb.to_string(), "move:1,relabel:2");
        assert_eq!(s.agent.trail.marks.last().unwrap().1, "move:1,relabel:2");
        assert_eq!(s.play.selection.seed, 2);
    }
}
