//! The episode timeline: every step so far (action and reward) and how it ended. A step can be
//! clicked to see the site as it was after it (the engine replays the episode up to there);
//! "Replay" plays it back from the start; "Export" saves the engine's episode record as JSON and
//! "Import" loads one (the engine replays it to check it before it is shown).

use crate::components::task_panel::reward_text;
use crate::dom::FileInput;
use crate::session::Timeline;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Props of [`TimelinePanel`].
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The episode.
    pub timeline: Rc<Timeline>,
    /// The step being looked at (`None`: live).
    pub viewing: Option<usize>,
    /// Look at the site after this many steps.
    pub onscrub: Callback<usize>,
    /// Back to live.
    pub onlive: Callback<()>,
    /// Replay from the start.
    pub onreplay: Callback<()>,
    /// A picked episode file's text (or why it could not be read).
    pub onimport: Callback<Result<String, String>>,
}

/// The steps of the episode, with scrubbing, replay, export and import.
#[function_component]
pub fn TimelinePanel(props: &TimelineProps) -> Html {
    let timeline = &props.timeline;
    let export = timeline
        .record
        .as_ref()
        .and_then(|r| serde_json::to_string_pretty(r).ok());
    let file_name = timeline
        .record
        .as_ref()
        .map(|r| format!("wobble-{}-seed{}.json", r.site, r.seed))
        .unwrap_or_default();
    let onimport = {
        let then = props.onimport.clone();
        Callback::from(move |e: Event| {
            let input: FileInput = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .unchecked_into();
            let then = then.clone();
            crate::dom::read_picked_file(
                &input,
                "episode",
                wobble_engine::limits::MAX_EPISODE_BYTES,
                move |r| then.emit(r.map(|(_name, text)| text)),
            );
        })
    };
    let row = |i: usize, text: String, reward: Option<f32>| {
        let steps = i;
        let onclick = props.onscrub.reform(move |_: MouseEvent| steps);
        let current = props.viewing == Some(i);
        html! {
            <li class={classes!("timeline-row", current.then_some("current"))}>
                <button type="button" class="timeline-step" {onclick} aria-current={current.then_some("step")}
                    data-steps={i.to_string()}>
                    <span class="timeline-index">{ if i == 0 { "start".to_string() } else { i.to_string() } }</span>
                    <span class="timeline-action">{ text }</span>
                    if let Some(r) = reward {
                        if r != 0.0 {
                            <span class="timeline-reward">{ reward_text(r) }</span>
                        }
                    }
                </button>
            </li>
        }
    };
    html! {
        <section class="card timeline" id="wobble-timeline" aria-labelledby="wobble-timeline-title">
            <div class="card-title-row">
                <h2 class="card-title" id="wobble-timeline-title">{"Episode timeline"}</h2>
                <span class="task-name" id="wobble-timeline-count">{ format!("{} steps", timeline.rows.len()) }</span>
            </div>
            <div class="button-row">
                <button type="button" class="button button-small" id="wobble-replay"
                    disabled={timeline.rows.is_empty()} onclick={props.onreplay.reform(|_: MouseEvent| ())}>{"Replay"}</button>
                if props.viewing.is_some() {
                    <button type="button" class="button button-small button-primary" id="wobble-live"
                        onclick={props.onlive.reform(|_: MouseEvent| ())}>{"Back to live"}</button>
                }
                if let Some(json) = export {
                    <a class="button button-small" id="wobble-export" download={file_name}
                        href={format!("data:application/json;charset=utf-8,{}", crate::browser::encode(&json))}>{"Export JSON"}</a>
                }
                <label class="button button-small file-button" for="wobble-import">{"Import JSON"}</label>
                <input type="file" id="wobble-import" class="visually-hidden" accept=".json,application/json" onchange={onimport} />
            </div>
            <ol class="timeline-list" id="wobble-timeline-list">
                { row(0, "reset".to_string(), None) }
                { for timeline.rows.iter().enumerate().map(|(i, r)| row(i + 1, r.action.clone(), Some(r.reward))) }
            </ol>
            if let Some(outcome) = &timeline.outcome {
                <p class={classes!("timeline-outcome", if outcome.success { "success" } else { "failure" })} id="wobble-timeline-outcome">
                    { format!("{} · {}", reward_text(outcome.raw_reward), crate::components::sentence(&outcome.reason)) }
                </p>
            }
        </section>
    }
}
