//! Looking back at the episode: the timeline's scrubber, replaying the episode one step at a time,
//! and importing an episode file ([`ReplayChange`]). What is looked at is kept in [`Replay`]; the
//! live episode goes on untouched underneath, and the agent stops driving while a person looks.
//!
//! Data flow: the live episode's record (the engine's [`EpisodeRecord`], kept by its recorder) →
//! replayed on a fresh environment of the same site up to the step asked for → a scene of that
//! moment and the inspector's reading of it. An imported file is first replayed on its own to
//! check that it still plays on this version of the site, then played again on the live
//! environment, recording as it goes, so that it becomes the current episode. The replaying
//! itself is the engine's; this part only decides which step is shown.

use std::rc::Rc;
use wobble_engine::catalog::Catalog;
use wobble_engine::episode::EpisodeRecord;
use wobble_engine::{Env, EnvConfig};

use super::{error, Change, Session};
use crate::player::{Inspect, Speed};
use crate::scene::Scene;

/// Looking back at the episode.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplayChange {
    /// Show the episode as it was after this many steps (from the timeline).
    Scrub(usize),
    /// Back to the live episode.
    Live,
    /// Replay the episode from its start, one step at a time.
    Start,
    /// Advance the replay by one step.
    Advance,
    /// An episode file a person picked (its text, or why it could not be read).
    Import(Result<String, String>),
}

/// What is looked at, when not the live episode.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    /// When looking back: the number of steps shown, and the scene after them.
    pub view: Option<(usize, Rc<Scene>)>,
    /// The look back advances by itself.
    pub replaying: bool,
}

impl Replay {
    /// Whether the live episode is shown.
    pub fn is_live(&self) -> bool {
        self.view.is_none()
    }

    /// Back to the live episode.
    pub(super) fn close(&mut self) {
        self.view = None;
        self.replaying = false;
    }

    /// While looking back: the replay's next step, if it is running (at `speed`, but never so
    /// fast that a step cannot be seen).
    pub(super) fn next_tick(&self, speed: Speed) -> Option<(u32, Change)> {
        self.replaying
            .then_some((speed.move_ms().max(300), ReplayChange::Advance.into()))
    }
}

/// A fresh environment of `live`'s site and task, after the first `steps` steps of `record`.
fn replayed(live: &Env, record: &EpisodeRecord, steps: usize) -> Result<Env, String> {
    let mut env = Env::new(live.site().clone(), live.task_index(), EnvConfig::default())?;
    env.set_perturbations(record.perturbations.clone());
    env.reset(record.seed);
    for (i, s) in record.steps[..steps].iter().enumerate() {
        env.step(&s.action).map_err(|e| {
            format!(
                "The episode could not be replayed: step {} was refused ({e}).",
                i + 1
            )
        })?;
    }
    Ok(env)
}

/// An episode file's record, once it has replayed on its own on the site the catalog has under
/// its name.
fn checked(catalog: &Catalog, text: &str) -> Result<EpisodeRecord, String> {
    let record = EpisodeRecord::from_json(text)
        .map_err(|e| format!("That file is not a Wobble episode: {e}."))?;
    let site = catalog
        .site(&record.site)
        .map_err(|e| format!("The episode cannot be shown: {e}."))?;
    let mut env = Env::by_name(site, &record.task, EnvConfig::default())
        .map_err(|e| format!("The episode cannot be shown: {e}."))?;
    record
        .replay(&mut env)
        .map_err(|e| format!("The episode does not replay on this version of the site: {e}."))?;
    Ok(record)
}

impl Session {
    /// Reduces a change of what is looked back at.
    pub(super) fn replay_change(&mut self, change: ReplayChange) {
        match change {
            ReplayChange::Scrub(steps) => {
                self.replay.replaying = false;
                self.scrub(steps);
            }
            ReplayChange::Live => {
                self.replay.close();
                self.capture();
            }
            ReplayChange::Start => {
                self.scrub(0);
                self.replay.replaying = !self.replay.is_live();
            }
            ReplayChange::Advance => {
                let total = self.play.timeline.rows.len();
                match &self.replay.view {
                    Some((at, _)) if *at < total => {
                        let next = at + 1;
                        self.scrub(next);
                        self.replay.replaying = next < total;
                    }
                    _ => self.replay.replaying = false,
                }
            }
            ReplayChange::Import(Ok(text)) => self.import(&text),
            ReplayChange::Import(Err(e)) => self
                .notices
                .push(error(format!("The episode file could not be read: {e}."))),
        }
    }

    /// Shows the episode as it was after `steps` steps, replayed on a fresh environment.
    fn scrub(&mut self, steps: usize) {
        let Some(record) = self.play.timeline.record.clone() else {
            return;
        };
        let Some(live) = self.play.env() else { return };
        let steps = steps.min(record.steps.len());
        let env = match replayed(&live.borrow(), &record, steps) {
            Ok(env) => env,
            Err(e) => return self.notices.push(error(e)),
        };
        self.agent.pending = None;
        self.agent.cursor = None;
        self.agent.pause();
        let mut agent = self.agent.loaded().map(|a| a.borrow_mut());
        self.inspect = Some(Rc::new(Inspect::read(&env, agent.as_deref_mut())));
        drop(agent);
        self.replay.view = Some((steps, Rc::new(Scene::capture(&env))));
    }

    /// Reads an episode file, replays it to check it, and makes it the current episode.
    fn import(&mut self, text: &str) {
        let record = match checked(&self.play.catalog, text) {
            Ok(record) => record,
            Err(e) => return self.notices.push(error(e)),
        };
        // It replays: play it again on the live environment, recording as it goes.
        self.play.selection.perturb = record.perturbations.clone();
        self.open(&record.site, Some(&record.task), record.seed);
        self.agent.pause();
        self.play.touched = true;
        for s in &record.steps {
            self.step(&s.action, false);
        }
        self.capture();
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::AgentChange;
    use super::*;

    #[test]
    fn an_exported_episode_imports_back_and_a_tampered_one_is_refused() {
        let s = run(landing(), 200, |s| s.play.timeline.rows.len() >= 6);
        let record = s.play.timeline.record.clone().unwrap();
        let json = serde_json::to_string(&record).unwrap();
        let other = reduce(
            open(Some("bank"), None, None),
            ReplayChange::Import(Ok(json)),
        );
        assert!(other.notices.is_empty(), "{:?}", other.notices);
        assert_eq!(other.play.selection.site, "airline");
        assert_eq!(other.play.timeline.rows, s.play.timeline.rows);
        assert_eq!(other.play.timeline.record.as_ref(), Some(&record));
        // Scrubbing shows the site after a step, without touching the live episode.
        let viewed = reduce(other, ReplayChange::Scrub(2));
        assert_eq!(viewed.replay.view.as_ref().unwrap().1.steps, 2);
        assert_eq!(viewed.play.scene.as_ref().unwrap().steps, 6);

        let mut bad = record.clone();
        bad.steps[0].digest = "0".repeat(16);
        let refused = reduce(
            landing(),
            ReplayChange::Import(Ok(serde_json::to_string(&bad).unwrap())),
        );
        assert_eq!(refused.notices.len(), 1);
        assert!(
            refused.notices[0].text.contains("diverged at step 1"),
            "{:?}",
            refused.notices
        );
        let refused = reduce(landing(), ReplayChange::Import(Ok("{}".into())));
        assert!(refused.notices[0].text.contains("not a Wobble episode"));
    }

    #[test]
    fn replay_steps_through_the_episode_and_returns_to_live() {
        let s = run(landing(), 200, |s| s.play.timeline.rows.len() >= 3);
        let s = reduce(s, AgentChange::TakeOver);
        let total = s.play.timeline.rows.len();
        let mut s = reduce(s, ReplayChange::Start);
        assert_eq!(s.replay.view.as_ref().map(|v| v.0), Some(0));
        for at in 1..=total {
            assert_eq!(
                s.next_tick().map(|t| t.1),
                Some(ReplayChange::Advance.into())
            );
            s = reduce(s, ReplayChange::Advance);
            assert_eq!(s.replay.view.as_ref().map(|v| v.0), Some(at));
        }
        assert!(!s.replay.replaying && s.next_tick().is_none());
        let s = reduce(s, ReplayChange::Live);
        assert!(s.replay.is_live());
        assert_eq!(s.play.scene.as_ref().unwrap().steps as usize, total);
    }
}
