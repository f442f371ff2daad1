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
use wobble_engine::builtin::{load_builtin, site_names};
use wobble_engine::perturb::{Kind, PerturbSpec};
use wobble_engine::{Action, Env, EnvConfig, TypeText};
use yew::Reducible;

use crate::browser::Query;
use crate::scene::Scene;

/// The site, task and seed shown when the URL names none (or names a bad one).
pub const DEFAULT_SITE: &str = "airline";
/// The seed used when the URL names none.
pub const DEFAULT_SEED: u64 = 1;

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
    env: Option<Rc<RefCell<Env>>>,
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
                        "The seed \"{text}\" in the link is not a whole number from 0 up; playing seed {DEFAULT_SEED} instead."
                    )));
                    DEFAULT_SEED
                }
            },
        };
        let perturb = match query.perturb.as_deref().map(str::trim) {
            None => PerturbSpec::none(),
            Some(text) => text.parse::<PerturbSpec>().unwrap_or_else(|e| {
                notices.push(warning(format!(
                    "The perturbations \"{text}\" in the link cannot be used: {e}. Playing the site unperturbed."
                )));
                PerturbSpec::none()
            }),
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
            scene: None,
            notices,
            version: 0,
            episode: 0,
            env: None,
        };
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
        let loaded = match load_builtin(site) {
            Ok(s) => Ok(s),
            Err(e) if site != DEFAULT_SITE => {
                self.notices
                    .push(warning(format!("{e}. Showing \"{DEFAULT_SITE}\" instead.")));
                load_builtin(DEFAULT_SITE)
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
                    "The site \"{}\" has no task \"{t}\" (its tasks: {}); playing \"{first}\" instead.",
                    site.name,
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
        match Env::by_name(site, &task, EnvConfig::default()) {
            Ok(env) => {
                self.env = Some(Rc::new(RefCell::new(env)));
                self.reset(seed);
            }
            Err(e) => {
                self.notices.push(error(e));
                self.env = None;
                self.scene = None;
            }
        }
    }

    /// Starts the episode of `seed` on the current environment, with the selected perturbations.
    fn reset(&mut self, seed: u64) {
        self.selection.seed = seed;
        if let Some(env) = &self.env {
            let mut env = env.borrow_mut();
            env.set_perturbations(self.selection.perturb.clone());
            env.reset(seed);
            self.episode += 1;
        }
        self.capture();
    }

    fn capture(&mut self) {
        self.scene = self
            .env
            .as_ref()
            .map(|env| Rc::new(Scene::capture(&env.borrow())));
    }

    /// Takes one engine step for a person's action.
    fn act(&mut self, action: Action) {
        let Some(env) = self.env.clone() else { return };
        let mut env = env.borrow_mut();
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
        if let Err(e) = env.step(&action) {
            self.notices
                .push(error(format!("That action was not taken: {e}.")));
        }
        drop(env);
        self.capture();
    }

    fn apply(&mut self, change: Change) {
        match change {
            Change::Act(action) => self.act(action),
            Change::NewEpisode => self.reset(self.selection.seed.wrapping_add(1)),
            Change::Restart => self.reset(self.selection.seed),
            Change::ChooseSite(site) => {
                let seed = self.selection.seed;
                self.open(&site, None, seed);
            }
            Change::ChooseTask(task) => {
                let (site, seed) = (self.selection.site.clone(), self.selection.seed);
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
                self.reset(self.selection.seed);
            }
            Change::ClearPerturbations => {
                self.selection.perturb = PerturbSpec::none();
                self.reset(self.selection.seed);
            }
        }
    }
}

impl Reducible for Session {
    type Action = Change;

    fn reduce(self: Rc<Self>, change: Change) -> Rc<Self> {
        let mut next = Session {
            selection: self.selection.clone(),
            sites: self.sites.clone(),
            tasks: self.tasks.clone(),
            scene: self.scene.clone(),
            notices: self.notices.clone(),
            version: self.version + 1,
            episode: self.episode,
            env: self.env.clone(),
        };
        next.apply(change);
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
            perturb: None,
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
}
