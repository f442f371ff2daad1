//! The play screen's state: one [`Session`] changed only through named [`Change`]s, composed of
//! five parts that each own their state and their messages:
//!
//! - [`play`]: the live episode — the site, task, seed and perturbations picked (what the URL
//!   shows), the engine environment, its recorder, and the scene and timeline drawn from it. A
//!   person's clicks and typing and the pickers arrive as [`PlayChange`]s.
//! - [`agent_loop`]: the built-in agent — its policy, speed, cursor, planned action and success
//!   counts. The page's timer sends [`AgentChange`]s (plan, commit, burst) when
//!   [`Session::next_tick`] says so.
//! - [`replay`]: looking back at the episode — the step shown, replaying it, importing an episode
//!   file ([`ReplayChange`]).
//! - [`editor`]: the site editor's draft — the text typed, the compiler's verdict on it; a
//!   draft that compiles becomes the opened site ([`EditorChange`]).
//! - [`external`]: `window.wobble` — an outside script's calls in the agent protocol's terms and the
//!   answers waiting to be handed back ([`ExternalChange`]).
//!
//! [`link`] reads the URL query into a new session. What the parts share is the live episode:
//! every part steps or reads the one environment that [`Play`] holds, and starting an episode
//! touches them all (the agent's plan and the script's step are dropped, a look back closes),
//! which is what [`Session::reset`] is for. Each part's messages are reduced in its own file, by
//! an `impl Session` block that may call on the other parts.
//!
//! Data flow: a change → its part's reducer → the engine steps or restarts → [`Session::capture`]
//! copies a fresh [`crate::scene::Scene`], timeline and inspector reading out of the engine for
//! the components to draw. The app holds no environment logic: all of that comes from
//! `wobble-engine` and `wobble-policy`.
//!
//! Problems (an unknown site in the URL, a seed that is not a number, a perturbation spec that
//! does not parse, a site file that fails to load) become [`Notice`]s shown in the page, never a
//! blank screen.

mod agent_loop;
mod editor;
mod external;
mod link;
mod play;
mod replay;
mod yours;

use std::rc::Rc;
use wobble_engine::Action;
use yew::Reducible;

use crate::components::lessons::STEP_COUNT as LESSON_STEPS;
use crate::player::Inspect;

pub use agent_loop::{
    AgentChange, AgentLoop, Before, Cursor, Stats, Trail, TRAIL_BLOCK, TRAIL_BLOCKS,
};
#[cfg(test)]
pub use editor::copy_of;
pub use editor::{copy_name, Editor, EditorChange};
pub use external::{External, ExternalCall, ExternalChange};
pub use play::{Play, PlayChange, Selection, Timeline};
pub use replay::{Replay, ReplayChange};
pub use yours::{YourRow, Yours};

/// The site, task and seed shown when the URL names none (or names a bad one).
pub const DEFAULT_SITE: &str = "airline";
/// The seed used when the URL names none.
pub const DEFAULT_SEED: u64 = 1;
/// The most messages kept on screen; older ones are dropped.
pub const MAX_NOTICES: usize = 8;

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

/// Every change the play screen can go through: one part's message, or one of the page's own.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A person or a picker changed the live episode.
    Play(PlayChange),
    /// The built-in agent's loop, or its settings.
    Agent(AgentChange),
    /// Looking back at the episode.
    Replay(ReplayChange),
    /// An outside script's call through `window.wobble`, or its answers.
    External(ExternalChange),
    /// The site editor.
    Editor(EditorChange),
    /// Hide the notice at this index.
    Dismiss(usize),
    /// Show this lesson step (from 0), or close the lessons.
    ShowLesson(Option<usize>),
    /// Have the training panel start a run with its default settings, randomizing the current
    /// perturbations or not (a lesson's "Do it for me").
    Train {
        /// Randomize the current perturbations during training.
        randomize: bool,
    },
    /// Have the agent card start its break search for the agent now playing, as its "Break it"
    /// button does (a lesson's "Do it for me").
    BreakIt,
}

/// A run asked of the training panel: it starts one with its default settings each time
/// `number` grows. The panel owns training; the session only passes the request on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrainingOrder {
    /// How many runs were asked for so far (0: none).
    pub number: u64,
    /// Randomize the current perturbations.
    pub randomize: bool,
}

impl From<PlayChange> for Change {
    fn from(change: PlayChange) -> Change {
        Change::Play(change)
    }
}

impl From<AgentChange> for Change {
    fn from(change: AgentChange) -> Change {
        Change::Agent(change)
    }
}

impl From<ReplayChange> for Change {
    fn from(change: ReplayChange) -> Change {
        Change::Replay(change)
    }
}

impl From<EditorChange> for Change {
    fn from(change: EditorChange) -> Change {
        Change::Editor(change)
    }
}

impl From<ExternalChange> for Change {
    fn from(change: ExternalChange) -> Change {
        Change::External(change)
    }
}

/// The play screen's state.
#[derive(Clone)]
pub struct Session {
    /// The live episode and what it was picked from.
    pub play: Play,
    /// The built-in agent.
    pub agent: AgentLoop,
    /// Looking back at the episode.
    pub replay: Replay,
    /// The outside script's step on its way and the answers to its calls.
    pub external: External,
    /// The site editor's draft.
    pub editor: Editor,
    /// Messages for the person.
    pub notices: Vec<Notice>,
    /// The lesson step shown (from 0), if the lessons are open.
    pub lesson: Option<usize>,
    /// Presenter mode (`presenter=1`): a larger site and counters, without the side panels.
    pub presenter: bool,
    /// The latest run asked of the training panel.
    pub training: TrainingOrder,
    /// Break searches asked of the agent card so far (it starts one each time this grows).
    pub break_order: u64,
    /// The person's own episodes, per site, task and perturbations.
    pub yours: Rc<Yours>,
    /// The policy the page was opened with in its link (`#policy=`), if it could be read: its
    /// name and its file's JSON, for the training panel to keep in the library.
    pub linked: Option<(String, Rc<str>)>,
    /// The observation and the agent's favourite actions for what is shown (live or looked back).
    pub inspect: Option<Rc<Inspect>>,
    /// Grows with every change, so that effects can tell episodes apart.
    pub version: u64,
}

impl Session {
    /// Whether the agent drives now (a policy is loaded and the person has not taken over).
    pub fn agent_drives(&self) -> bool {
        self.agent.drives()
    }

    /// What the loop should do next, and after how many milliseconds (none: wait for a person).
    pub fn next_tick(&self) -> Option<(u32, Change)> {
        if !self.replay.is_live() {
            return self.replay.next_tick(self.agent.speed);
        }
        if self.external.stepping.is_some() && self.agent.pending.is_some() {
            return Some((self.agent.speed.move_ms(), ExternalChange::Commit.into()));
        }
        if !self.play.is_loaded() {
            return None;
        }
        self.agent.next_tick(self.play.is_over())
    }

    /// Loads `site` and its task `task` (or its first), falling back to the default site with a
    /// notice, and starts the episode of `seed`.
    fn open(&mut self, site: &str, task: Option<&str>, seed: u64) {
        if self.play.load(site, task, seed, &mut self.notices) {
            self.reset(seed);
        }
    }

    /// Starts the episode of `seed` with the selected perturbations. Every part hears of it: a
    /// script's step on its way is answered as not taken, the agent's plan is dropped (and its
    /// policy begins an episode), a look back returns to live.
    fn reset(&mut self, seed: u64) {
        self.external.drop_step("the episode was restarted");
        self.agent.pending = None;
        self.replay.close();
        self.play.restart(seed, self.agent.loaded());
        self.capture();
    }

    /// Takes one recorded step of the live episode for a person (`by_person`) or anyone else:
    /// the agent, an outside script, an imported recording. An episode it ends counts towards
    /// the agent's stats unless a person had a hand in it, and towards the person's own record
    /// if nobody else had; a refusal is a notice.
    fn step(&mut self, action: &Action, by_person: bool) {
        if self.play.is_over() {
            return;
        }
        if !by_person {
            self.play.others_acted = true;
        }
        match self.play.step(action) {
            Some(Ok(r)) if (r.terminated || r.truncated) && !self.play.touched => {
                self.agent.finished(self.play.succeeded());
            }
            Some(Ok(r)) if (r.terminated || r.truncated) && !self.play.others_acted => {
                let success = self.play.succeeded();
                Rc::make_mut(&mut self.yours).count(&self.play.selection, success);
            }
            Some(Err(e)) => self
                .notices
                .push(error(format!("That action was not taken: {e}."))),
            _ => {}
        }
    }

    /// Copies what is drawn out of the live episode: its scene and timeline, and what the
    /// inspector shows (the agent's reading of it).
    fn capture(&mut self) {
        self.play.capture();
        self.inspect = self.play.env().map(|env| {
            let mut agent = self.agent.loaded().map(|a| a.borrow_mut());
            Rc::new(Inspect::read(&env.borrow(), agent.as_deref_mut()))
        });
    }

    fn apply(&mut self, change: Change) {
        match change {
            Change::Play(change) => self.play_change(change),
            Change::Agent(change) => self.agent_change(change),
            Change::Replay(change) => self.replay_change(change),
            Change::External(change) => self.external_change(change),
            Change::Editor(change) => self.editor_change(change),
            Change::Dismiss(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            Change::ShowLesson(step) => {
                self.lesson = step.filter(|n| *n < LESSON_STEPS);
            }
            Change::Train { randomize } => {
                self.training = TrainingOrder {
                    number: self.training.number + 1,
                    randomize,
                };
            }
            Change::BreakIt => self.break_order += 1,
        }
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

/// A notice that something asked for does not exist and a default stands in.
fn warning(text: String) -> Notice {
    Notice {
        level: Level::Warning,
        text,
    }
}

/// A notice that something failed.
fn error(text: String) -> Notice {
    Notice {
        level: Level::Error,
        text,
    }
}

/// What the parts' tests share: sessions opened from links, and the page's timer run by hand.
#[cfg(test)]
mod fixtures {
    use super::*;
    use crate::browser::Query;
    use crate::scene::DrawNode;

    /// A session as opened from a link with these query values.
    pub fn open(site: Option<&str>, task: Option<&str>, seed: Option<&str>) -> Session {
        Session::from_query(&Query {
            site: site.map(str::to_string),
            task: task.map(str::to_string),
            seed: seed.map(str::to_string),
            ..Query::default()
        })
    }

    /// The page a link naming nothing opens: the airline agent at work.
    pub fn landing() -> Session {
        Session::from_query(&Query::default())
    }

    /// The first node of the drawn page (depth first) that `pred` accepts.
    pub fn find(nodes: &[DrawNode], pred: &dyn Fn(&DrawNode) -> bool) -> Option<DrawNode> {
        nodes.iter().find_map(|n| {
            if pred(n) {
                Some(n.clone())
            } else {
                find(&n.children, pred)
            }
        })
    }

    /// The session after `change`, as the page's reducer makes it.
    pub fn reduce(s: Session, change: impl Into<Change>) -> Session {
        match Rc::try_unwrap(Rc::new(s).reduce(change.into())) {
            Ok(s) => s,
            Err(_) => panic!("the reduced session is shared"),
        }
    }

    /// Runs the page's loop (as its timer would) until `until` holds or `limit` changes.
    pub fn run(mut s: Session, limit: usize, until: impl Fn(&Session) -> bool) -> Session {
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
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn messages_are_bounded_and_the_newest_kept() {
        let mut s = landing();
        for i in 0..(MAX_NOTICES as u64 + 5) {
            s = reduce(s, ReplayChange::Import(Err(format!("unreadable file {i}"))));
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
    fn notices_are_dismissed_by_index() {
        let s = reduce(open(None, None, None), PlayChange::ChooseSeed("x".into()));
        assert_eq!(s.notices.len(), 1);
        let s = reduce(s, Change::Dismiss(3));
        assert_eq!(s.notices.len(), 1, "a stale index changes nothing");
        let s = reduce(s, Change::Dismiss(0));
        assert!(s.notices.is_empty());
    }
}
