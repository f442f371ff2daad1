//! "What changed": the engine's own account of what this episode's perturbations did.
//!
//! One line per change, in the engine's words, tagged with its kind and severity. A kind that
//! found nothing to change on this site is listed muted, as "not applicable", with the engine's
//! reason. With no perturbation on, a single line says the site is as written.

use crate::components::sentence;
use wobble_engine::perturb::{Change, PerturbSpec};
use yew::prelude::*;

/// Props of [`WhatChanged`].
#[derive(Properties, PartialEq)]
pub struct WhatChangedProps {
    /// The perturbations in use.
    pub spec: PerturbSpec,
    /// What they changed in the current episode.
    pub changes: Vec<Change>,
}

/// The list of this episode's changes.
#[function_component]
pub fn WhatChanged(props: &WhatChangedProps) -> Html {
    let body = if props.spec.is_empty() {
        html! {
            <p class="changes-empty" id="wobble-changes-empty">{"No perturbations: this is the site as written."}</p>
        }
    } else {
        html! {
            <ul class="changes" id="wobble-changes">
                { for props.changes.iter().map(|c| {
                    let text = if c.applied {
                        sentence(&c.text)
                    } else {
                        format!("Not applicable: {}", c.text)
                    };
                    html! {
                        <li class={classes!("change", (!c.applied).then_some("change-muted"))}
                            data-kind={c.kind.name()} data-applied={c.applied.to_string()}>
                            <span class="change-kind">{ format!("{}:{}", c.kind, c.severity) }</span>
                            <span class="change-text">{ text }</span>
                        </li>
                    }
                }) }
            </ul>
        }
    };
    html! {
        <section class="card changes-card" aria-labelledby="wobble-changes-title">
            <div class="card-title-row">
                <h2 class="card-title" id="wobble-changes-title">{"What changed"}</h2>
                if !props.spec.is_empty() {
                    <span class="task-name" id="wobble-spec">{ props.spec.to_string() }</span>
                }
            </div>
            { body }
        </section>
    }
}
