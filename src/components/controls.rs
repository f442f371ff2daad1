//! The episode controls: which site, which task, which seed, and a fresh start.

use crate::components::select::Select;
use crate::dom::{read_picked_file, FileInput};
use crate::session::Selection;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use wobble_engine::limits::MAX_SITE_BYTES;
use yew::prelude::*;

/// Props of [`Controls`].
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// The episode being played.
    pub selection: Selection,
    /// Every site.
    pub sites: Vec<String>,
    /// The current site's tasks.
    pub tasks: Vec<String>,
    /// Switches site.
    pub onchoosesite: Callback<String>,
    /// Switches task.
    pub onchoosetask: Callback<String>,
    /// Plays the seed typed (raw text; the state checks it).
    pub onchooseseed: Callback<String>,
    /// Starts the next episode.
    pub onnewepisode: Callback<()>,
    /// Starts this episode again.
    pub onrestart: Callback<()>,
    /// A site file was picked: its name and text, or why it could not be read.
    pub onopensite: Callback<Result<(String, String), String>>,
    /// Opens the site editor.
    pub onedit: Callback<()>,
    /// Whether the site editor is open.
    #[prop_or_default]
    pub editing: bool,
}

/// Site, task and seed pickers with "New episode" and "Restart".
#[function_component]
pub fn Controls(props: &ControlsProps) -> Html {
    let sel = &props.selection;
    let onsite = pick(&props.sites, &props.onchoosesite);
    let ontask = pick(&props.tasks, &props.onchoosetask);
    let onseed = props
        .onchooseseed
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().value());
    let onnew = props.onnewepisode.reform(|_: MouseEvent| ());
    let onrestart = props.onrestart.reform(|_: MouseEvent| ());
    let onedit = props.onedit.reform(|_: MouseEvent| ());
    let onopen = {
        let then = props.onopensite.clone();
        Callback::from(move |e: Event| {
            let input: FileInput = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .unchecked_into();
            let then = then.clone();
            read_picked_file(&input, "site", MAX_SITE_BYTES, move |r| then.emit(r));
        })
    };
    html! {
        <section class="card controls" aria-labelledby="wobble-controls-title">
            <h2 class="card-title" id="wobble-controls-title">{"Episode"}</h2>
            <div class="control-grid">
                <label for="wobble-site-select">{"Site"}</label>
                <Select id="wobble-site-select" options={props.sites.clone()}
                    chosen={props.sites.iter().position(|s| *s == sel.site)} onchoose={onsite} />
                <label for="wobble-task-select">{"Task"}</label>
                <Select id="wobble-task-select" options={props.tasks.clone()}
                    chosen={props.tasks.iter().position(|t| *t == sel.task)} onchoose={ontask} />
                <label for="wobble-seed-input">{"Seed"}</label>
                <input id="wobble-seed-input" type="number" min="0" step="1" inputmode="numeric"
                    value={sel.seed.to_string()} onchange={onseed} />
            </div>
            <div class="button-row">
                <button type="button" id="wobble-new-episode" class="button button-primary" onclick={onnew}>{"New episode"}</button>
                <button type="button" id="wobble-restart" class="button" onclick={onrestart}>{"Restart"}</button>
            </div>
            <p class="hint">{"The seed decides the goal and the data. The link in the address bar brings you back to this exact episode."}</p>
            <div class="site-file">
                <span class="site-file-buttons">
                    <button type="button" class="button button-small" id="wobble-edit-site" onclick={onedit}
                        disabled={props.editing} aria-pressed={props.editing.to_string()}>{"Edit the site"}</button>
                    <label class="button button-small file-button" for="wobble-site-file">{"Open a site file…"}</label>
                </span>
                <input type="file" id="wobble-site-file" class="visually-hidden" accept=".ron,text/plain" onchange={onopen} />
                <span class="hint">{"Change a site beside it as you watch, or play one you wrote (sites/README.md). The editor's Link button puts the site in a link."}</span>
            </div>
        </section>
    }
}

/// Turns a picked index into the picked name.
fn pick(names: &[String], then: &Callback<String>) -> Callback<usize> {
    let (names, then) = (names.to_vec(), then.clone());
    Callback::from(move |i: usize| {
        if let Some(name) = names.get(i) {
            then.emit(name.clone());
        }
    })
}
