//! The task card: the instruction, the step count, and once the episode ends its reward and why.

use crate::components::sentence;
use crate::scene::{OutcomeView, Scene};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`TaskPanel`].
#[derive(Properties, PartialEq)]
pub struct TaskPanelProps {
    /// The moment being shown.
    pub scene: Rc<Scene>,
    /// Starts the next episode.
    pub onnewepisode: Callback<()>,
    /// The agent is playing (not the person).
    #[prop_or_default]
    pub agent_playing: bool,
    /// The person declares the task done (the engine's `Finish`): the episode ends and the task
    /// is checked. Tasks without a final button (starring an email) end this way.
    pub onfinish: Callback<()>,
}

/// What to do, how far along, and how it went.
#[function_component]
pub fn TaskPanel(props: &TaskPanelProps) -> Html {
    let scene = &props.scene;
    let used = if scene.step_limit == 0 {
        0.0
    } else {
        (scene.steps as f32 / scene.step_limit as f32).min(1.0) * 100.0
    };
    let onnewepisode = props.onnewepisode.reform(|_: MouseEvent| ());
    let onfinish = props.onfinish.reform(|_: MouseEvent| ());
    html! {
        <section class="card task-card" aria-labelledby="wobble-task-title">
            <div class="card-title-row">
                <h2 class="card-title" id="wobble-task-title">{"Your task"}</h2>
                <span class="task-name">
                    { if scene.site_name == scene.task_name { scene.site_name.clone() } else { format!("{} · {}", scene.site_name, scene.task_name) } }
                </span>
            </div>
            <p class="instruction" id="wobble-instruction">{ &scene.instruction }</p>
            <div class="progress-row">
                <span class="steps" id="wobble-steps">{ format!("step {} / {}", scene.steps, scene.step_limit) }</span>
                <div class="progress" role="presentation">
                    <div class="progress-fill" style={format!("width: {used:.1}%")}></div>
                </div>
            </div>
            { match &scene.outcome {
                Some(outcome) => outcome_view(outcome, onnewepisode),
                None if props.agent_playing => html! {
                    <p class="status" id="wobble-status">
                        {"The agent is working on this task. Click anywhere in the site (or \"Take over\") to carry on yourself."}
                    </p>
                },
                None => html! {
                    <>
                        <p class="status" id="wobble-status">
                            {"Use the site as you would any website. Every click, choice and filled-in field is one step; the reward comes when the episode ends. If the task has no final button, say when you are done."}
                        </p>
                        <button type="button" class="button button-small task-finish" id="wobble-finish" onclick={onfinish}
                            title="End the episode now and check the task">{"I'm done"}</button>
                    </>
                },
            } }
        </section>
    }
}

/// The reward as people write it: "+1", "-1", "+0.75".
pub fn reward_text(reward: f32) -> String {
    let text = if reward.fract() == 0.0 {
        format!("{}", reward.abs() as i64)
    } else {
        format!("{:.2}", reward.abs())
    };
    if reward >= 0.0 {
        format!("+{text}")
    } else {
        format!("−{text}")
    }
}

fn outcome_view(outcome: &OutcomeView, onnewepisode: Callback<MouseEvent>) -> Html {
    let class = if outcome.success {
        "outcome outcome-success"
    } else {
        "outcome outcome-failure"
    };
    let headline = if outcome.success {
        "Success"
    } else if outcome.truncated {
        "Out of steps"
    } else {
        "Failed"
    };
    html! {
        <div class={class} id="wobble-outcome" data-reward={outcome.raw_reward.to_string()} role="status">
            <div class="outcome-head">
                <span class="outcome-reward">{ reward_text(outcome.raw_reward) }</span>
                <span class="outcome-word">{ headline }</span>
            </div>
            <p class="outcome-reason">{ sentence(&outcome.reason) }{"."}</p>
            <button type="button" class="button button-primary" onclick={onnewepisode}>{"New episode"}</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewards_are_written_with_their_sign() {
        assert_eq!(reward_text(1.0), "+1");
        assert_eq!(reward_text(-1.0), "−1");
        assert_eq!(reward_text(0.75), "+0.75");
    }
}
