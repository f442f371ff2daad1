//! The inspector: what the agent sees at this step (the engine's observation text) and the
//! actions it rates highest, with their probabilities.

use crate::player::Inspect;
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Inspector`].
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// What to show.
    pub inspect: Rc<Inspect>,
}

/// The observation and the agent's five favourite actions.
#[function_component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let inspect = &props.inspect;
    html! {
        <section class="card inspector" id="wobble-inspector" aria-labelledby="wobble-inspector-title">
            <div class="card-title-row">
                <h2 class="card-title" id="wobble-inspector-title">{"What the agent sees"}</h2>
                <span class="task-name">{ format!("{} candidate actions", inspect.candidates) }</span>
            </div>
            <div class="inspector-grid">
                <div>
                    <h3 class="subtitle">{"Top choices"}</h3>
                    if let Some(note) = &inspect.note {
                        <p class="hint">{ note }</p>
                    }
                    <ol class="choices" id="wobble-choices">
                        { for inspect.top.iter().map(|(text, p)| html! {
                            <li class="choice">
                                <span class="choice-bar" style={format!("width: {:.1}%", p * 100.0)} aria-hidden="true"></span>
                                <span class="choice-text">{ text }</span>
                                <span class="choice-prob">{ format!("{:.1}%", p * 100.0) }</span>
                            </li>
                        }) }
                    </ol>
                </div>
                <div>
                    <h3 class="subtitle">{"Observation"}</h3>
                    <pre class="observation" id="wobble-observation" tabindex="0">{ &inspect.observation }</pre>
                </div>
            </div>
        </section>
    }
}
