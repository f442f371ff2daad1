//! Wobble's web app: play a mock website yourself, drawn from the engine's own layout, and
//! perturb it to see how a site can shift under an agent.
//!
//! Data flow: the URL query picks a site, task, seed and perturbation spec ([`browser`]); the
//! [`state::Session`] loads the site into an engine `Env`, hands it the spec, resets it, and
//! captures a [`scene::Scene`] (plain data) after every change; the components ([`components`])
//! draw the scene and turn a person's clicks, typing and perturbation choices into
//! `state::Change`s, which step or restart the engine. The app holds no environment logic: what
//! is shown, what an action does, what it earns and what a perturbation changes all come from
//! `wobble-engine`.
//!
//! Every element id the app itself uses starts with `wobble-`, so that the drawn site's own ids
//! (which the site view puts in the DOM, as a scripted bot would see them) cannot collide with
//! the app's.

mod browser;
mod components;
mod scene;
mod state;

use components::changes::WhatChanged;
use components::controls::Controls;
use components::header::Header;
use components::notices::Notices;
use components::perturb_panel::PerturbPanel;
use components::site_view::SiteView;
use components::task_panel::TaskPanel;
use state::{Change, Session};
use yew::prelude::*;

/// A callback that turns what a component reports into a named change of the session.
fn relay<T: 'static>(session: &UseReducerHandle<Session>, change: fn(T) -> Change) -> Callback<T> {
    let session = session.clone();
    Callback::from(move |value: T| session.dispatch(change(value)))
}

/// The play screen.
#[function_component]
fn App() -> Html {
    let session = use_reducer(|| Session::from_query(&browser::read_query()));
    use_effect_with(session.selection.clone(), browser::write_query);

    let onnewepisode = relay(&session, |()| Change::NewEpisode);
    let onrestart = relay(&session, |()| Change::Restart);
    let onact = relay(&session, Change::Act);
    let onchoosesite = relay(&session, Change::ChooseSite);
    let onchoosetask = relay(&session, Change::ChooseTask);
    let onchooseseed = relay(&session, Change::ChooseSeed);
    let ondismiss = relay(&session, Change::Dismiss);
    let onperturb = relay(&session, |(kind, severity)| {
        Change::SetPerturbation(kind, severity)
    });
    let onclearperturb = relay(&session, |()| Change::ClearPerturbations);

    html! {
        <div class="app">
            <Header />
            <main class="layout">
                <aside class="panel">
                    <Notices notices={session.notices.clone()} {ondismiss} />
                    if let Some(scene) = &session.scene {
                        <TaskPanel scene={scene.clone()} onnewepisode={onnewepisode.clone()} />
                    }
                    <Controls selection={session.selection.clone()} sites={session.sites.clone()} tasks={session.tasks.clone()}
                        {onchoosesite} {onchoosetask} {onchooseseed} onnewepisode={onnewepisode.clone()} {onrestart} />
                    <components::train_panel::TrainPanel selection={session.selection.clone()} />
                </aside>
                <section class="stage">
                    { match &session.scene {
                        Some(scene) => html! {
                            <SiteView scene={scene.clone()} episode={session.episode} {onact} {onnewepisode} />
                        },
                        None => html! {
                            <div class="card stage-error" role="alert">
                                <h2 class="card-title">{"Nothing to show"}</h2>
                                <p>{"No site could be loaded. The messages on the left say why."}</p>
                            </div>
                        },
                    } }
                </section>
                <aside class="side">
                    <WhatChanged spec={session.selection.perturb.clone()}
                        changes={session.scene.as_ref().map(|s| s.changes.clone()).unwrap_or_default()} />
                    <PerturbPanel spec={session.selection.perturb.clone()} onset={onperturb} onclear={onclearperturb} />
                </aside>
            </main>
        </div>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
