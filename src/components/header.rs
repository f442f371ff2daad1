//! The app's header: the name and what it is for, in one line.

use yew::prelude::*;

/// The top bar of the app.
#[function_component]
pub fn Header() -> Html {
    html! {
        <header class="app-header">
            <div class="brand">
                <span class="brand-mark" aria-hidden="true">{"W"}</span>
                <span class="brand-name">{"Wobble"}</span>
            </div>
            <p class="tagline">
                {"Watch a trained web agent book flights, reword the site under it, or play the site yourself."}
            </p>
        </header>
    }
}
