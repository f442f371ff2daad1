//! The built-in agent's loop: which policy drives the site, how fast, where its cursor is, what
//! it is about to do, and how it has done ([`AgentLoop`]); its settings and the ticks of its loop
//! arrive as [`AgentChange`]s.
//!
//! The page's timer drives it: after every change the session says what should happen next and
//! after how long ([`AgentLoop::next_tick`]). A step takes two ticks so that a person can follow
//! it — `Plan` (the policy chooses; the cursor sets off for the target) then `Commit` (the step is
//! taken) — except at turbo speed, where `Burst` runs as many steps as fit in a few milliseconds
//! and nothing is animated, so the browser never blocks. The policy itself comes from
//! `wobble-policy` ([`Agent`]); the loop only decides when it is asked.
//!
//! The cursor and the planned action are shared with outside scripts (`window.wobble`), whose
//! steps are drawn the same way ([`AgentLoop::aim`]).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wobble_engine::{Action, Env};

use super::{error, Change, Notice, Session};
use crate::player::{linked_name, Agent, Planned, PolicyChoice, Speed};

/// The agent's settings, and the ticks of its loop.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentChange {
    /// Drive the site with another policy (or nobody); starts a new episode.
    ChoosePolicy(PolicyChoice),
    /// Drive the site with a policy from the training panel's library: its name and its file's
    /// JSON. The site and task it was trained on open first, if they are not the ones shown.
    PlaySaved {
        /// What the library calls it.
        name: String,
        /// The policy file.
        json: Rc<str>,
    },
    /// Play at another speed.
    ChooseSpeed(Speed),
    /// The person takes the site over from the agent.
    TakeOver,
    /// The agent carries on from where things are.
    Resume,
    /// The agent chooses its next action (the cursor heads for it).
    Plan,
    /// The agent takes the action it chose.
    Commit,
    /// The agent runs as many steps as fit in a short chunk of time (turbo speed).
    Burst,
    /// After an episode ended under the agent, the next one starts.
    NextEpisode,
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

    /// Counts one finished episode.
    pub fn count(&mut self, success: bool) {
        self.episodes += 1;
        if success {
            self.successes += 1;
        }
    }
}

/// The counter as it stood when the site last changed under the agent, shown beside the new one
/// ("99% → 2%") so that the figure before a change stays in view after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Before {
    /// The counter just before the change.
    pub stats: Stats,
    /// The site's perturbations since the change, in the spec's words (`relabel:3`), or "no
    /// change".
    pub now: String,
}

/// Episodes per point of the agent card's sparkline.
pub const TRAIL_BLOCK: u32 = 20;
/// Points the sparkline keeps (older ones scroll off).
pub const TRAIL_BLOCKS: usize = 60;

/// The agent's success per [`TRAIL_BLOCK`] episodes since its policy, site or task last changed,
/// with where the perturbations changed: the sparkline that shows a fall at the moment of a change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trail {
    /// (successes, episodes) per block, oldest first; the last may be partly filled.
    pub blocks: VecDeque<(u32, u32)>,
    /// Blocks scrolled off the front, so that marks keep their places.
    pub dropped: u64,
    /// Where the perturbations changed: the index of the first block after the change (counting
    /// scrolled-off blocks), and the perturbations since, in the spec's words.
    pub marks: Vec<(u64, String)>,
}

impl Trail {
    /// Counts one finished episode.
    pub fn count(&mut self, success: bool) {
        match self.blocks.back_mut() {
            Some(last) if last.1 < TRAIL_BLOCK => {
                last.0 += u32::from(success);
                last.1 += 1;
            }
            _ => self.blocks.push_back((u32::from(success), 1)),
        }
        if self.blocks.len() > TRAIL_BLOCKS {
            self.blocks.pop_front();
            self.dropped += 1;
            let dropped = self.dropped;
            self.marks.retain(|(at, _)| *at >= dropped);
        }
    }

    /// Marks a change of the perturbations: the episodes after it start a block of their own.
    pub fn mark(&mut self, now: String) {
        if self.blocks.back().is_some_and(|b| b.1 > 0) {
            self.blocks.push_back((0, 0));
        }
        let at = self.dropped + self.blocks.len().saturating_sub(1) as u64;
        self.marks.retain(|(m, _)| *m != at);
        self.marks.push((at, now));
    }
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

/// The built-in agent.
#[derive(Clone)]
pub struct AgentLoop {
    /// Who drives the site.
    pub policy: PolicyChoice,
    /// How fast the agent plays.
    pub speed: Speed,
    /// The person has taken over from the agent.
    pub paused: bool,
    /// What is about to be done, between choosing and acting (the agent's, or a script's).
    pub pending: Option<Rc<Planned>>,
    /// The cursor (none at turbo speed or before its first move).
    pub cursor: Option<Cursor>,
    /// How the agent has done.
    pub stats: Stats,
    /// The counter before the site's perturbations last changed, if the agent had played then.
    pub before: Option<Before>,
    /// Success per block of episodes, across perturbation changes.
    pub trail: Trail,
    /// The name and file's JSON of the saved policy that drives, when [`PolicyChoice::Saved`]
    /// does (the break search sends the JSON to its worker).
    pub saved: Option<(String, Rc<str>)>,
    /// The loaded policy, if anybody drives.
    loaded: Option<Rc<RefCell<Agent>>>,
}

impl AgentLoop {
    /// Nobody drives yet; the agent will play at `speed`.
    pub(super) fn new(speed: Speed) -> AgentLoop {
        AgentLoop {
            policy: PolicyChoice::None,
            speed,
            paused: false,
            pending: None,
            cursor: None,
            stats: Stats::default(),
            before: None,
            trail: Trail::default(),
            saved: None,
            loaded: None,
        }
    }

    /// Loads a policy from the library (already read from its file, `json`) under `name`.
    pub(super) fn load_saved(
        &mut self,
        name: String,
        policy: wobble_policy::LearnedPolicy,
        json: Rc<str>,
    ) {
        self.pending = None;
        self.paused = false;
        self.count_afresh();
        self.policy = PolicyChoice::Saved;
        self.saved = Some((name, json));
        self.loaded = Some(Rc::new(RefCell::new(Agent::Learned(Box::new(policy)))));
    }

    /// Starts the counter again because the site's perturbations changed (to `now`, in the
    /// spec's words), keeping the figure from before the change beside it. A change made before
    /// the agent finished an episode keeps the older figure, now compared with the new site.
    pub(super) fn count_again_after(&mut self, now: String) {
        self.trail.mark(now.clone());
        if self.stats.episodes > 0 {
            self.before = Some(Before {
                stats: self.stats,
                now,
            });
        } else if let Some(before) = &mut self.before {
            before.now = now;
        }
        self.stats = Stats::default();
    }

    /// Counts an episode the agent finished on its own.
    pub(super) fn finished(&mut self, success: bool) {
        self.stats.count(success);
        self.trail.count(success);
    }

    /// Starts the counter afresh: another agent, site or task, to which no earlier figure applies.
    pub(super) fn count_afresh(&mut self) {
        self.stats = Stats::default();
        self.before = None;
        self.trail = Trail::default();
    }

    /// Loads the policy a choice names (seeded with `seed` if it is random); a failure leaves
    /// nobody driving, with a notice.
    pub(super) fn load(&mut self, choice: PolicyChoice, seed: u64, notices: &mut Vec<Notice>) {
        self.pending = None;
        self.paused = false;
        self.count_afresh();
        self.saved = None;
        match Agent::load(choice, seed) {
            Ok(agent) => {
                self.policy = choice;
                self.loaded = agent.map(|a| Rc::new(RefCell::new(a)));
            }
            Err(e) => {
                notices.push(error(e));
                self.policy = PolicyChoice::None;
                self.loaded = None;
            }
        }
    }

    /// The loaded policy.
    pub(super) fn loaded(&self) -> Option<&Rc<RefCell<Agent>>> {
        self.loaded.as_ref()
    }

    /// Whether the agent drives now (a policy is loaded and the person has not taken over).
    pub fn drives(&self) -> bool {
        self.loaded.is_some() && !self.paused
    }

    /// The agent stops driving (somebody else acts), if there is one.
    pub(super) fn pause(&mut self) {
        if self.loaded.is_some() {
            self.paused = true;
        }
    }

    /// Plans `action`: it is pending, and the cursor sets off for its target.
    pub(super) fn aim(&mut self, env: &Env, action: Action) {
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

    /// The planned action has been taken: the cursor shows it done.
    pub(super) fn land(&mut self) {
        if let Some(cursor) = &mut self.cursor {
            cursor.done = true;
        }
    }

    /// The loop's next tick on the live episode (`over`: it has ended), and after how many
    /// milliseconds; none while nobody drives or at step speed.
    pub(super) fn next_tick(&self, over: bool) -> Option<(u32, Change)> {
        if !self.drives() {
            return None;
        }
        let tick = |ms, change: AgentChange| Some((ms, change.into()));
        if self.pending.is_some() {
            return tick(self.speed.move_ms(), AgentChange::Commit);
        }
        match self.speed {
            Speed::Turbo => tick(0, AgentChange::Burst),
            Speed::Step => None,
            speed if over => tick(speed.episode_pause_ms(), AgentChange::NextEpisode),
            speed => tick(speed.pause_ms(), AgentChange::Plan),
        }
    }
}

impl Session {
    /// Reduces a change of the agent's settings or a tick of its loop.
    pub(super) fn agent_change(&mut self, change: AgentChange) {
        let seed = self.play.selection.seed;
        match change {
            AgentChange::ChoosePolicy(choice) => {
                self.agent.load(choice, seed, &mut self.notices);
                self.agent.cursor = None;
                self.reset(seed);
            }
            AgentChange::PlaySaved { name, json } => self.play_saved(name, &json),
            AgentChange::ChooseSpeed(speed) => {
                self.agent.speed = speed;
                if speed == Speed::Turbo {
                    self.agent.cursor = None;
                }
                if let Some(c) = &mut self.agent.cursor {
                    c.move_ms = speed.move_ms();
                }
            }
            AgentChange::TakeOver => {
                if self.agent.drives() {
                    self.agent.paused = true;
                    self.agent.pending = None;
                    // Its cursor and caption would stay over the site the person now uses.
                    self.agent.cursor = None;
                }
            }
            AgentChange::Resume => {
                self.agent.paused = false;
                self.replay.close();
                self.play.touched = true; // a person had a hand in this episode
            }
            AgentChange::Plan => {
                if self.agent.drives() && self.replay.is_live() {
                    if self.play.is_over() {
                        self.reset(seed.wrapping_add(1));
                    }
                    self.plan();
                }
            }
            AgentChange::Commit => self.commit(),
            AgentChange::Burst => {
                if self.agent.drives() && self.replay.is_live() {
                    self.burst();
                }
            }
            AgentChange::NextEpisode => {
                if self.agent.drives() {
                    self.reset(seed.wrapping_add(1));
                }
            }
        }
    }

    /// A policy from the library takes the site: on the site and task it was trained on (opened
    /// first when another is shown and that one exists), from the current seed.
    fn play_saved(&mut self, name: String, json: &str) {
        match wobble_policy::LearnedPolicy::from_json(json) {
            Ok(policy) => self.play_policy(name, policy, json.into()),
            Err(e) => self.notices.push(error(format!(
                "The saved policy \"{name}\" cannot be played: {e}."
            ))),
        }
    }

    /// A policy that came in a link (`#policy=`) takes the site, as one from the library does.
    pub(crate) fn play_linked(&mut self, text: &str) {
        match wobble_policy::learned::link::from_link_text(text) {
            Ok(policy) => {
                let name = linked_name(&policy);
                let json: Rc<str> = policy.to_json().into();
                self.linked = Some((name.clone(), json.clone()));
                self.play_policy(name, policy, json);
            }
            Err(e) => self.notices.push(error(format!(
                "The link carries a policy that cannot be played: {e}."
            ))),
        }
    }

    /// Plays `policy`, named `name` (its file's JSON `json`), on the site and task it was
    /// trained on.
    fn play_policy(&mut self, name: String, policy: wobble_policy::LearnedPolicy, json: Rc<str>) {
        let seed = self.play.selection.seed;
        let (site, task) = (&policy.provenance.site, &policy.provenance.task);
        let shown = &self.play.selection;
        if (&shown.site, &shown.task) != (site, task) {
            if self.play.catalog.site(site).is_err() {
                self.notices.push(error(format!(
                    "The saved policy \"{name}\" was trained on the site \"{site}\", which is not open here: open its site file first."
                )));
                return;
            }
            let (site, task) = (site.clone(), task.clone());
            self.open(&site, Some(&task), seed);
        }
        self.agent.load_saved(name, policy, json);
        self.agent.cursor = None;
        self.reset(seed);
    }

    /// The agent chooses its next action; the cursor sets off for its target.
    fn plan(&mut self) {
        let (Some(env), Some(agent)) = (self.play.env(), self.agent.loaded().cloned()) else {
            return;
        };
        let env = env.borrow();
        if env.is_done() {
            return;
        }
        let action = agent.borrow_mut().policy().act(&env);
        self.agent.aim(&env, action);
    }

    /// The agent takes the action it planned.
    fn commit(&mut self) {
        let Some(planned) = self.agent.pending.take() else {
            return;
        };
        self.step(&planned.action, false);
        self.agent.land();
        self.capture();
    }

    /// Turbo: steps (and new episodes) until a few milliseconds have passed.
    fn burst(&mut self) {
        const BUDGET_MS: f64 = 8.0;
        const MAX_STEPS: usize = 400;
        let (Some(env), Some(agent)) = (self.play.env(), self.agent.loaded().cloned()) else {
            return;
        };
        self.agent.pending = None;
        self.agent.cursor = None;
        let start = crate::dom::now_ms();
        for _ in 0..MAX_STEPS {
            if self.play.is_over() {
                // The next episode, without capturing it: turbo draws once per chunk.
                let next = self.play.selection.seed.wrapping_add(1);
                self.play.restart(next, Some(&agent));
            } else {
                let action = agent.borrow_mut().policy().act(&env.borrow());
                self.step(&action, false);
            }
            if crate::dom::now_ms() - start > BUDGET_MS {
                break;
            }
        }
        self.capture();
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::PlayChange;
    use super::*;
    use crate::browser::Query;
    use wobble_engine::perturb::Kind;

    #[test]
    fn a_cold_start_has_the_airline_agent_play_and_count_its_successes() {
        let s = landing();
        assert_eq!(s.agent.policy, PolicyChoice::Airline);
        assert!(s.agent_drives());
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        let s = run(s, 2000, |s| s.agent.stats.episodes >= 5);
        assert_eq!(s.agent.stats.episodes, 5);
        assert!(s.agent.stats.successes >= 4, "{:?}", s.agent.stats);
        assert!(
            s.play.selection.seed > 1,
            "each episode takes the next seed"
        );
        // A link naming a site is for a person, unless it names a policy.
        assert_eq!(
            open(Some("bank"), None, None).agent.policy,
            PolicyChoice::None
        );
        assert!(open(Some("bank"), None, None).next_tick().is_none());
    }

    #[test]
    fn the_cursor_heads_for_the_target_before_the_step_is_taken() {
        let s = reduce(landing(), AgentChange::Plan);
        let pending = s.agent.pending.clone().expect("a planned action");
        let cursor = s.agent.cursor.clone().unwrap();
        let target = pending.target.expect("the first action aims at an element");
        assert_eq!(cursor.x, target.x + target.w / 2.0);
        assert_eq!(s.play.scene.as_ref().unwrap().steps, 0);
        assert_eq!(s.next_tick().map(|t| t.1), Some(AgentChange::Commit.into()));
        let s = reduce(s, AgentChange::Commit);
        assert_eq!(s.play.scene.as_ref().unwrap().steps, 1);
        assert!(s.agent.cursor.as_ref().unwrap().done);
        assert_eq!(s.play.timeline.rows.len(), 1);
        assert_eq!(s.play.timeline.rows[0].action, pending.phrase);
    }

    #[test]
    fn rewording_the_labels_breaks_the_agent() {
        let s = Session::from_query(&Query {
            speed: Some("turbo".into()),
            ..Query::default()
        });
        let s = run(s, 5000, |s| s.agent.stats.episodes >= 10);
        let plain = s.agent.stats;
        assert!(plain.rate() > 0.8, "{plain:?}");
        let s = reduce(s, PlayChange::SetPerturbation(Kind::Relabel, Some(3)));
        assert_eq!(s.agent.stats, Stats::default());
        let before = s
            .agent
            .before
            .clone()
            .expect("the figure before the change is kept");
        assert_eq!((before.stats, before.now.as_str()), (plain, "relabel:3"));
        let s = run(s, 5000, |s| s.agent.stats.episodes >= 20);
        assert!(s.agent.stats.episodes >= 20);
        assert!(s.agent.stats.rate() < 0.5, "{:?}", s.agent.stats);
        // A second change before any episode keeps the plain figure, for the new site.
        let s = reduce(s, PlayChange::ClearPerturbations);
        let s = reduce(s, PlayChange::SetPerturbation(Kind::Move, Some(3)));
        let before = s.agent.before.clone().unwrap();
        assert_eq!(before.now, "move:3");
        assert!(before.stats.rate() < 0.5, "the reworded figure: {before:?}");
        // Another site: no earlier figure applies.
        let s = reduce(s, PlayChange::ChooseSite("bank".into()));
        assert!(s.agent.before.is_none());
    }

    #[test]
    fn the_trail_keeps_success_per_block_and_where_the_site_changed() {
        let mut trail = Trail::default();
        for i in 0..30 {
            trail.count(i % 10 != 0);
        }
        assert_eq!(trail.blocks, [(18, 20), (9, 10)]);
        trail.mark("relabel:3".into());
        trail.count(false);
        assert_eq!(trail.blocks, [(18, 20), (9, 10), (0, 1)]);
        assert_eq!(trail.marks, [(2, "relabel:3".to_string())]);
        // A second change before any episode replaces the mark.
        trail.mark("no change".into());
        trail.mark("move:3".into());
        assert_eq!(
            trail.marks,
            [(2, "relabel:3".to_string()), (3, "move:3".to_string())]
        );
        for _ in 0..(TRAIL_BLOCKS as u32 * TRAIL_BLOCK) {
            trail.count(true);
        }
        assert_eq!(trail.blocks.len(), TRAIL_BLOCKS);
        assert_eq!(trail.dropped, 3);
        assert_eq!(
            trail.marks,
            [(3, "move:3".to_string())],
            "the first block shown"
        );
        for _ in 0..TRAIL_BLOCK {
            trail.count(true);
        }
        assert!(trail.marks.is_empty(), "marks scroll off with their blocks");
        assert_eq!(trail.blocks.back(), Some(&(TRAIL_BLOCK, TRAIL_BLOCK)));
    }

    #[test]
    fn a_saved_policy_plays_on_the_site_it_was_trained_on() {
        let json: Rc<str> = include_str!("../../policies/click-button.json").into();
        let s = reduce(
            landing(),
            AgentChange::PlaySaved {
                name: "mine".into(),
                json: json.clone(),
            },
        );
        assert_eq!(s.play.selection.site, "click-button", "its site opened");
        assert_eq!(
            (
                s.agent.policy,
                s.agent.saved.as_ref().map(|(name, _)| name.as_str())
            ),
            (PolicyChoice::Saved, Some("mine"))
        );
        assert!(s.agent_drives());
        let s = run(s, 2000, |s| s.agent.stats.episodes >= 10);
        assert!(s.agent.stats.rate() > 0.8, "{:?}", s.agent.stats);
        // Choosing a built-in policy again forgets the saved one's name.
        let s = reduce(s, AgentChange::ChoosePolicy(PolicyChoice::Random));
        assert_eq!(s.agent.saved, None);

        let bad = reduce(
            landing(),
            AgentChange::PlaySaved {
                name: "broken".into(),
                json: "{\"format\": \"nope\"}".into(),
            },
        );
        assert_eq!(bad.agent.policy, PolicyChoice::Airline, "nothing changed");
        assert!(bad.notices[0].text.contains("\"broken\" cannot be played"));
        let elsewhere = json.replace("\"site\":\"click-button\"", "\"site\":\"nowhere\"");
        let far = reduce(
            landing(),
            AgentChange::PlaySaved {
                name: "far".into(),
                json: elsewhere.as_str().into(),
            },
        );
        assert_eq!(far.play.selection.site, "airline");
        assert!(far.notices[0]
            .text
            .contains("\"nowhere\", which is not open here"));
    }

    #[test]
    fn taking_over_clears_the_agents_cursor_and_caption() {
        let s = reduce(landing(), AgentChange::Plan);
        assert!(s.agent.cursor.is_some());
        let s = reduce(s, AgentChange::TakeOver);
        assert!(s.agent.paused && s.agent.cursor.is_none());
    }

    #[test]
    fn a_person_taking_over_stops_the_agent_and_is_recorded() {
        let s = reduce(landing(), AgentChange::Plan);
        let scene = s.play.scene.clone().unwrap();
        let search = find(&scene.page, &|n| n.key == "search_button").unwrap();
        let s = reduce(s, PlayChange::Act(Action::Click(search.id)));
        assert!(s.agent.paused && s.agent.pending.is_none());
        assert!(s.agent.cursor.is_none(), "no cursor left over the site");
        assert!(s.next_tick().is_none());
        assert_eq!(s.play.timeline.rows.len(), 1);
        let s = reduce(s, AgentChange::Resume);
        assert!(s.next_tick().is_some());
    }
}
