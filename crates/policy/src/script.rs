//! The scripted bot: what a recorded RPA script does.
//!
//! [`ScriptPolicy`] learns nothing. Before its first episode it records one
//! successful episode of the task: the oracle plays it on a training seed of
//! the unperturbed site, as a person recording a macro would, and for every
//! step the script keeps what a recorder keeps: the target's selector id
//! (`#search_button`), the centre of its box, and what was typed or chosen.
//! Then it replays those steps in order on every episode, adapted only by
//! filling in the goal values (a typed goal field is typed from this
//! episode's goal; an option that was a goal value is chosen by this
//! episode's value):
//!
//! ```text
//! step i: a shown element with the recorded selector id?  act on it
//!         else the element under the recorded point?       act on it
//!         else                                             click at the point
//! after the last step: finish
//! ```
//!
//! So it breaks where such scripts break: when ids are renamed and the
//! element moved, when a step appears that was not recorded (a pop-up, an
//! extra page), or when the answer depends on the data (the cheapest of a
//! list that changes with every seed).

use crate::seeds::training_episode_seed;
use crate::{OraclePolicy, Policy};
use wobble_engine::catalog::Blueprint;
use wobble_engine::{Action, Env, PerturbSpec, Rect, TypeText};

/// How many training seeds the recorder tries for a successful episode.
const RECORDING_ATTEMPTS: u64 = 20;

/// The training run whose seeds the recorder plays (seeds below 2^63, never evaluated).
const RECORDING_TRAINING_SEED: u64 = 1;

/// What one recorded step did.
#[derive(Debug, Clone, PartialEq)]
enum Doing {
    Click,
    Type(TypeText),
    /// An option by its text, or (when it was a goal value) by the goal field.
    Select {
        text: String,
        goal: Option<u16>,
    },
    Other(Action),
}

/// One recorded step: what was done, and to which element.
#[derive(Debug, Clone, PartialEq)]
struct Step {
    doing: Doing,
    /// The target's selector id when it had one.
    selector: Option<String>,
    /// The centre of the target's box, in page coordinates.
    point: Option<(f32, f32)>,
}

/// A recorded script replayed step by step (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct ScriptPolicy {
    script: Option<Vec<Step>>,
    next: usize,
}

impl ScriptPolicy {
    /// A script that records itself before its first episode.
    pub fn new() -> ScriptPolicy {
        ScriptPolicy::default()
    }

    /// How many steps the recorded script has (none before the first episode,
    /// or when no training seed gave the oracle a success).
    pub fn steps(&self) -> usize {
        self.script.as_ref().map_or(0, Vec::len)
    }

    /// Records the oracle's first successful episode on a training seed of
    /// `env`'s task, unperturbed; `None` when none of the seeds tried succeeds.
    fn record(env: &Env) -> Option<Vec<Step>> {
        let mut recording = Blueprint::of(env).open();
        recording.set_perturbations(PerturbSpec::none());
        for attempt in 0..RECORDING_ATTEMPTS {
            recording.reset(training_episode_seed(RECORDING_TRAINING_SEED, attempt));
            let mut oracle = OraclePolicy::default();
            oracle.begin_episode(&recording);
            let mut steps = Vec::new();
            while !recording.is_done() {
                let action = oracle.act(&recording);
                steps.push(step_of(&recording, &action));
                if recording.step(&action).is_err() {
                    break;
                }
            }
            if recording.outcome().is_some_and(|o| o.success) {
                return Some(steps);
            }
        }
        None
    }
}

/// What a recorder keeps of `action` taken on `env`.
fn step_of(env: &Env, action: &Action) -> Step {
    let target = action.element().and_then(|id| env.nodes().get(id as usize));
    let doing = match action {
        Action::Click(_) => Doing::Click,
        Action::Type(_, text) => Doing::Type(text.clone()),
        Action::Select(_, option) => {
            let text = target
                .and_then(|n| n.options.get(usize::from(*option)))
                .cloned()
                .unwrap_or_default();
            let goal = env
                .goal_fields()
                .find(|(_, _, value)| *value == text)
                .map(|(i, _, _)| i);
            Doing::Select { text, goal }
        }
        other => Doing::Other(other.clone()),
    };
    Step {
        doing,
        selector: target.map(|n| n.dom_id.clone()).filter(|id| !id.is_empty()),
        point: action
            .element()
            .filter(|_| target.is_some())
            .map(|id| centre(env.bbox(id))),
    }
}

fn centre(r: Rect) -> (f32, f32) {
    (r.x + r.w / 2.0, r.y + r.h / 2.0)
}

/// The shown element a step aims at: by selector id, else the one under its point.
fn find(env: &Env, step: &Step) -> Option<u32> {
    let shown = || {
        env.visible_nodes()
            .filter_map(|i| Some((i, env.nodes().get(i as usize)?)))
    };
    if let Some(selector) = &step.selector {
        if let Some((i, _)) = shown().find(|(_, n)| &n.dom_id == selector) {
            return Some(i);
        }
    }
    let (x, y) = step.point?;
    // The innermost element under the point: the last in tree order.
    shown()
        .filter(|&(i, _)| {
            let b = env.bbox(i);
            b.w > 0.0
                && b.h > 0.0
                && (b.x..=b.x + b.w).contains(&x)
                && (b.y..=b.y + b.h).contains(&y)
        })
        .map(|(i, _)| i)
        .last()
}

impl Policy for ScriptPolicy {
    fn name(&self) -> &str {
        "script"
    }

    fn begin_episode(&mut self, env: &Env) {
        if self.script.is_none() {
            self.script = Some(ScriptPolicy::record(env).unwrap_or_default());
        }
        self.next = 0;
    }

    fn act(&mut self, env: &Env) -> Action {
        let Some(step) = self.script.as_ref().and_then(|s| s.get(self.next)) else {
            return Action::Finish;
        };
        self.next += 1;
        let target = find(env, step);
        match (&step.doing, target) {
            (Doing::Other(action), _) => action.clone(),
            (Doing::Click, Some(id)) => Action::Click(id),
            (Doing::Type(text), Some(id)) => Action::Type(id, text.clone()),
            (Doing::Select { text, goal }, Some(id)) => {
                // Filling in the goal: this episode's value of the field the recorded option was.
                let wanted = goal
                    .and_then(|g| env.goal_fields().find(|(i, _, _)| *i == g))
                    .map_or(text.as_str(), |(_, _, value)| value);
                let options = env
                    .nodes()
                    .get(id as usize)
                    .map(|n| n.options.as_slice())
                    .unwrap_or_default();
                let index = options.iter().position(|o| o == wanted);
                match index.and_then(|i| u16::try_from(i).ok()) {
                    Some(i) => Action::Select(id, i),
                    None => Action::Click(id),
                }
            }
            // Nothing there: the script clicks where the element was, as a replayed macro does.
            (_, None) => match step.point {
                Some((x, y)) => Action::ClickAt {
                    x,
                    y: y - env.scroll_y(),
                },
                None => Action::Finish,
            },
        }
    }
}
