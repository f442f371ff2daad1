//! The app's header: the name and what it is for, in one line, and the button that opens the
//! guided lessons.

use yew::prelude::*;

/// Props of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// Opens (or closes) the lessons.
    pub onlessons: Callback<()>,
    /// Whether the lessons are open.
    pub lessons_open: bool,
}

/// The top bar of the app.
#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    html! {
        <header class="app-header">
            <div class="brand">
                <span class="brand-mark" aria-hidden="true">{"W"}</span>
                <span class="brand-name">{"Wobble"}</span>
            </div>
            <p class="tagline">
                {"Watch trained web agents use mock websites, change a site under them and see them fail, or play it yourself."}
            </p>
            <button type="button" class="button header-lessons" id="wobble-lessons-open"
                aria-expanded={props.lessons_open.to_string()} aria-controls="wobble-lessons"
                onclick={props.onlessons.reform(|_: MouseEvent| ())}>{"Lessons"}</button>
        </header>
    }
}
