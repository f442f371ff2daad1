//! Outside scripts driving the visible site through `window.wobble` (`crate::handle`), in the
//! agent protocol's terms: [`External`] keeps the script's step on its way and the answers
//! waiting to be handed back; its calls arrive as [`ExternalChange`]s.
//!
//! Every check and every reply is `wobble_engine::protocol`'s, the same code behind `wobble agent`
//! and the JavaScript module, so a script gets the same objects and the same error messages
//! from all three: an observation is [`protocol::observation`]; a step's action is read and
//! checked by [`protocol::step_action`] and answered by [`protocol::step_reply`]; a refusal is a
//! [`DriveError`] worded by [`DriveError::describe`]. Only what the page alone has (a step still
//! on its way, a look back at an earlier step) is worded here.
//!
//! Data flow: `Call(n, Step(json))` → the action is checked against the live episode → the
//! agent's cursor sets off for it (the built-in agent stops driving) → the page's timer sends
//! `Commit` → the step is taken through the recorder → the reply (JSON text) is queued under its
//! call number in [`External::replies`] → the page hands it to the script's Promise and sends
//! `ClearReplies`. Observe and reset calls are answered at once.

use serde::Serialize;
use std::rc::Rc;
use wobble_engine::protocol::{self, DriveError};
use wobble_engine::Action;

use super::Session;

/// How an error tells a script to start a new episode: the JavaScript module's words, since
/// `window.wobble` is called from JavaScript too.
const RESET_HINT: &str = "call reset()";

/// What an outside script asks of the page (`window.wobble`), in the agent protocol's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExternalCall {
    /// The observation now.
    Observe,
    /// Take this action, drawn like the built-in agent's: its JSON text, or why the script's
    /// value could not be read as JSON (reported once the episode is known to be running, as
    /// the JavaScript module does).
    Step(Result<String, String>),
    /// Start an episode (of this seed, or the next one).
    Reset(Option<u64>),
}

/// An outside script's call, or the page's handling of its answers.
#[derive(Debug, Clone, PartialEq)]
pub enum ExternalChange {
    /// A call through `window.wobble`, by number.
    Call(u64, ExternalCall),
    /// The script's action is taken once the cursor is on its target.
    Commit,
    /// The answers up to this call number have been handed back.
    ClearReplies(u64),
}

/// The outside script's step on its way and the answers to its calls.
#[derive(Debug, Clone, Default)]
pub struct External {
    /// The script's step on its way (its call number), while the cursor moves.
    pub stepping: Option<u64>,
    /// Answers to the script's calls, by call number, for the page to hand back: the protocol's
    /// reply as JSON text, or the error message.
    pub replies: Rc<Vec<(u64, Result<String, String>)>>,
}

impl External {
    /// Queues the answer to a call (the page hands it back and clears the queue).
    fn answer(&mut self, call: u64, reply: Result<String, String>) {
        Rc::make_mut(&mut self.replies).push((call, reply));
    }

    /// A step still on its way is not taken; its call is answered with why.
    pub(super) fn drop_step(&mut self, why: &str) {
        if let Some(call) = self.stepping.take() {
            self.answer(call, Err(format!("step: not taken: {why} first")));
        }
    }
}

/// A protocol refusal of call `op`, in the protocol's words.
fn refusal(op: &str, e: DriveError) -> String {
    e.describe(op, RESET_HINT)
}

/// A protocol value as the JSON text handed back.
fn json_text(op: &str, value: &impl Serialize) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| format!("{op}: {e}"))
}

impl Session {
    /// Reduces an outside script's call, or the page's handling of its answers.
    pub(super) fn external_change(&mut self, change: ExternalChange) {
        match change {
            ExternalChange::Call(call, request) => self.external_call(call, request),
            ExternalChange::Commit => self.external_commit(),
            ExternalChange::ClearReplies(upto) => {
                Rc::make_mut(&mut self.external.replies).retain(|(call, _)| *call > upto);
            }
        }
    }

    /// Answers an outside script's call, or starts its step (answered by `external_commit`).
    fn external_call(&mut self, call: u64, request: ExternalCall) {
        let reply = match request {
            ExternalCall::Observe => self.external_observation("observe"),
            ExternalCall::Reset(seed) => {
                self.take_over_from_agent();
                let next = self.play.selection.seed.wrapping_add(1);
                self.reset(seed.unwrap_or(next));
                self.external_observation("reset")
            }
            ExternalCall::Step(_) if self.external.stepping.is_some() => {
                Err("step: the previous step has not been taken yet; await it first".to_string())
            }
            ExternalCall::Step(action) => match self.external_action(action) {
                Ok(action) => {
                    self.take_over_from_agent();
                    self.play.touched = false;
                    if let Some(env) = self.play.env() {
                        self.agent.aim(&env.borrow(), action);
                    }
                    self.external.stepping = Some(call);
                    return;
                }
                Err(e) => Err(e),
            },
        };
        self.external.answer(call, reply);
    }

    /// The script's action as the engine's, checked by the protocol against the page shown now.
    fn external_action(&self, action: Result<String, String>) -> Result<Action, String> {
        let Some(env) = self.play.env() else {
            return Err("step: no site is loaded".to_string());
        };
        let env = env.borrow();
        protocol::running(&env).map_err(|e| refusal("step", e))?;
        if !self.replay.is_live() {
            return Err(
                "step: the page is showing an earlier step; go back to live first".to_string(),
            );
        }
        let text = action.map_err(|e| format!("step: {e}"))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("step: the action cannot be read as JSON: {e}"))?;
        protocol::step_action(&env, &value).map_err(|e| refusal("step", e))
    }

    /// Takes the script's pending action and answers with the protocol's reply to it.
    fn external_commit(&mut self) {
        let Some(call) = self.external.stepping.take() else {
            return;
        };
        let (Some(planned), Some(env)) = (self.agent.pending.take(), self.play.env()) else {
            let changed = "step: the page changed before the action was taken";
            self.external.answer(call, Err(changed.into()));
            return;
        };
        let result = self.play.step(&planned.action);
        self.agent.land();
        self.capture();
        let reply = match result {
            Some(result) => protocol::step_reply(&env.borrow(), result)
                .map_err(|e| refusal("step", e))
                .and_then(|reply| json_text("step", &reply)),
            None => Err("step: no site is loaded".to_string()),
        };
        self.external.answer(call, reply);
    }

    /// The observation now, as JSON text (the answer to call `op`).
    fn external_observation(&self, op: &str) -> Result<String, String> {
        let Some(env) = self.play.env() else {
            return Err(format!("{op}: no site is loaded"));
        };
        let env = env.borrow();
        json_text(op, &protocol::observation(&env))
    }

    /// The built-in agent stops driving while an outside script does.
    fn take_over_from_agent(&mut self) {
        self.agent.pause();
        if self.external.stepping.is_none() {
            self.agent.pending = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{AgentChange, PlayChange, ReplayChange, Session};
    use super::*;
    use serde_json::{json, Value};
    use wobble_engine::catalog::{self, Catalog};
    use wobble_engine::perturb::PerturbSpec;
    use wobble_engine::protocol::Driver;

    /// A driver of the same site and task as `wobble agent` or the JavaScript module would open,
    /// at the episode of `seed`.
    fn driver(site: &str, seed: u64) -> Driver {
        let site = Catalog::shipped().site(site).unwrap();
        let mut d = Driver::new(
            catalog::open_site(site, None, PerturbSpec::none()).unwrap(),
            seed,
        );
        d.reset(None);
        d
    }

    /// The session after the script's call number `n`, and the answer to it (if there is one).
    fn call(
        s: Session,
        n: u64,
        request: ExternalCall,
    ) -> (Session, Option<Result<String, String>>) {
        let s = reduce(s, ExternalChange::Call(n, request));
        let reply = s.external.replies.iter().find(|(c, _)| *c == n);
        let reply = reply.map(|(_, r)| r.clone());
        (s, reply)
    }

    fn step(action: Value) -> ExternalCall {
        ExternalCall::Step(Ok(action.to_string()))
    }

    #[test]
    fn a_scripts_step_is_drawn_then_taken_and_answered_as_the_driver_would() {
        let mut d = driver("click-button", 3);
        let (s, observed) = call(
            open(Some("click-button"), None, Some("3")),
            1,
            ExternalCall::Observe,
        );
        assert_eq!(observed, Some(json_text("observe", &d.observe().unwrap())));
        let obs = d.observe().unwrap();
        let target = &obs.goal.0[0].1;
        let button = obs
            .elements
            .iter()
            .find(|e| e.role == "button" && &e.label == target);
        let click = json!({"kind": "click", "id": button.unwrap().id});

        let (s, reply) = call(s, 2, step(click.clone()));
        assert_eq!(reply, None, "answered once the cursor has arrived");
        assert!(s.agent.pending.is_some() && s.agent.cursor.is_some());
        assert_eq!(s.play.scene.as_ref().unwrap().steps, 0);
        assert_eq!(
            s.next_tick().map(|t| t.1),
            Some(ExternalChange::Commit.into())
        );
        let s = reduce(s, ExternalChange::Commit);
        let reply = s.external.replies.iter().find(|(c, _)| *c == 2).cloned();
        assert_eq!(
            reply,
            Some((2, json_text("step", &d.step(&click).unwrap())))
        );
        assert_eq!(s.play.timeline.rows.len(), 1, "recorded like any step");
        assert!(s.agent.cursor.as_ref().unwrap().done);

        // The answers handed back are cleared; later ones stay.
        let s = reduce(s, ExternalChange::ClearReplies(1));
        assert_eq!(s.external.replies.len(), 1);
        let s = reduce(s, ExternalChange::ClearReplies(2));
        assert!(s.external.replies.is_empty());
    }

    #[test]
    fn bad_steps_are_refused_in_the_protocols_words_and_change_nothing() {
        let mut d = driver("login-user", 1);
        let mut s = open(Some("login-user"), None, Some("1"));
        let bad = [
            json!({"kind": "click", "id": 9999}),
            json!({"kind": "jump"}),
            json!("click"),
            json!({"kind": "type", "id": 4, "goal": "pin"}),
        ];
        for (n, action) in (1..).zip(bad) {
            let expected = d.step(&action).unwrap_err().describe("step", RESET_HINT);
            let (next, reply) = call(s, n, step(action));
            assert_eq!(reply, Some(Err(expected)));
            s = next;
        }
        assert!(s.external.stepping.is_none() && s.agent.pending.is_none());
        assert_eq!(s.play.scene.as_ref().unwrap().steps, 0);
        let unreadable = ExternalCall::Step(Err("the action cannot be read as JSON: x".into()));
        let (s, reply) = call(s, 10, unreadable);
        assert_eq!(
            reply,
            Some(Err("step: the action cannot be read as JSON: x".into()))
        );

        // Once the episode is over, the protocol says so (with its reward and reason).
        let s = reduce(s, PlayChange::Act(Action::Finish));
        d.step(&json!({"kind": "finish"})).unwrap();
        let finish = json!({"kind": "finish"});
        let over = d.step(&finish).unwrap_err().describe("step", RESET_HINT);
        assert!(
            over.starts_with("step: the episode is over (reward -1: "),
            "{over}"
        );
        let (_, reply) = call(s, 11, step(finish));
        assert_eq!(reply, Some(Err(over)));
    }

    #[test]
    fn a_step_on_its_way_is_refused_twice_and_dropped_when_a_person_acts() {
        let s = landing();
        assert!(s.agent_drives());
        let (s, observed) = call(s, 1, ExternalCall::Observe);
        let obs: Value = serde_json::from_str(&observed.unwrap().unwrap()).unwrap();
        let first = obs["actions"][0].clone();
        let (s, reply) = call(s, 2, step(first.clone()));
        assert_eq!(reply, None);
        assert!(s.agent.paused, "the built-in agent stops driving");
        let (s, reply) = call(s, 3, step(first));
        let refused = "step: the previous step has not been taken yet; await it first";
        assert_eq!(reply, Some(Err(refused.into())));
        let s = reduce(s, PlayChange::Act(Action::Finish));
        let reply = s.external.replies.iter().find(|(c, _)| *c == 2).cloned();
        assert_eq!(
            reply,
            Some((2, Err("step: not taken: a person acted first".into())))
        );
        assert!(s.next_tick().is_none());
        let s = reduce(s, AgentChange::Resume);
        assert!(s.next_tick().is_some());
    }

    #[test]
    fn a_step_while_the_timeline_shows_an_earlier_one_is_refused() {
        let s = run(landing(), 200, |s| s.play.timeline.rows.len() >= 2);
        let s = reduce(s, ReplayChange::Scrub(1));
        let (s, observed) = call(s, 1, ExternalCall::Observe);
        let obs: Value = serde_json::from_str(&observed.unwrap().unwrap()).unwrap();
        let (s, reply) = call(s, 2, step(obs["actions"][0].clone()));
        let refused = "step: the page is showing an earlier step; go back to live first";
        assert_eq!(reply, Some(Err(refused.into())));
        let s = reduce(s, ReplayChange::Live);
        let (_, reply) = call(s, 3, step(obs["actions"][0].clone()));
        assert_eq!(reply, None, "taken once the cursor arrives");
    }

    #[test]
    fn reset_answers_with_the_observation_of_the_seed_asked_for() {
        let (s, reply) = call(landing(), 1, ExternalCall::Reset(Some(42)));
        assert_eq!(s.play.selection.seed, 42);
        assert!(s.agent.paused);
        let obs: Value = serde_json::from_str(&reply.unwrap().unwrap()).unwrap();
        assert_eq!(
            (obs["type"].clone(), obs["seed"].clone()),
            (json!("observation"), json!(42))
        );
        let (s, reply) = call(s, 2, ExternalCall::Reset(None));
        assert_eq!(s.play.selection.seed, 43);
        let mut d = driver("airline", 43);
        assert_eq!(reply, Some(json_text("reset", &d.reset(Some(43)))));
    }
}
