//! Messages for the person: fallbacks taken for a bad link, and anything that failed.

use crate::components::sentence;
use crate::session::{Level, Notice};
use yew::prelude::*;

/// Props of [`Notices`].
#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    /// The messages, oldest first.
    pub notices: Vec<Notice>,
    /// Hides the message at this index.
    pub ondismiss: Callback<usize>,
}

/// A stack of dismissable messages (nothing when there are none).
#[function_component]
pub fn Notices(props: &NoticesProps) -> Html {
    if props.notices.is_empty() {
        return html! {};
    }
    html! {
        <div class="notices" id="wobble-notices">
            { for props.notices.iter().enumerate().map(|(i, n)| {
                let ondismiss = props.ondismiss.reform(move |_: MouseEvent| i);
                let (class, role) = match n.level {
                    Level::Warning => ("notice notice-warning", "status"),
                    Level::Error => ("notice notice-error", "alert"),
                };
                html! {
                    <div class={class} role={role}>
                        <span class="notice-text">{ sentence(&n.text) }</span>
                        <button type="button" class="notice-dismiss" aria-label="Dismiss" onclick={ondismiss}>{"×"}</button>
                    </div>
                }
            }) }
        </div>
    }
}
