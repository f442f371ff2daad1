//! Wobble's web app: watch a trained agent use a mock website, break it by perturbing the site,
//! or play the site yourself, drawn from the engine's own layout.
//!
//! Data flow: the URL query picks a site, task, seed, perturbation spec, policy and speed
//! ([`browser`]); the [`session::Session`] loads the site into an engine `Env`, hands it the
//! spec, resets it, and captures a [`scene::Scene`] (plain data) after every change; the
//! components ([`components`]) draw the scene and turn a person's clicks, typing and choices into
//! `session::Change`s, which step or restart the engine. The agent ([`player`]) is driven by a
//! timer loop: after every change the session says what should happen next and after how long
//! (choose an action, take it, start the next episode, or at turbo speed run a short chunk of
//! steps), so the browser never blocks. Outside scripts drive the same session through
//! `window.wobble` ([`handle`]). The app holds no environment logic: what is shown, what
//! an action does, what it earns, what a perturbation changes and how an episode is recorded and
//! replayed all come from `wobble-engine`; what the agent chooses comes from `wobble-policy`.
//!
//! Every element id the app itself uses starts with `wobble-`, so that the drawn site's own ids
//! (which the site view puts in the DOM, as a scripted bot would see them) cannot collide with
//! the app's.

mod browser;
mod components;
mod dom;
mod fatal;
mod handle;
mod player;
mod scene;
mod session;

use components::agent_panel::AgentPanel;
use components::changes::WhatChanged;
use components::controls::Controls;
use components::header::Header;
use components::inspector::Inspector;
use components::notices::Notices;
use components::perturb_panel::PerturbPanel;
use components::site_view::SiteView;
use components::task_panel::TaskPanel;
use components::timeline::TimelinePanel;
use session::{
    AgentChange, Change, EditorChange, ExternalChange, PlayChange, ReplayChange, Session,
};
use wobble_engine::perturb::Kind;
use yew::prelude::*;

/// A callback that turns what a component reports into a named change of the session.
fn relay<T: 'static, C: Into<Change> + 'static>(
    session: &UseReducerHandle<Session>,
    change: fn(T) -> C,
) -> Callback<T> {
    let session = session.clone();
    Callback::from(move |value: T| session.dispatch(change(value).into()))
}

/// The play screen.
#[function_component]
fn App() -> Html {
    let session = use_reducer(|| Session::from_query(&browser::read_query()));
    {
        // `window.wobble`, for outside scripts; its answers go back as the session gives them.
        let dispatch = relay(&session, |change: Change| change);
        use_effect_with((), move |_| handle::install(dispatch));
        let clear = relay(&session, ExternalChange::ClearReplies);
        use_effect_with(session.external.replies.clone(), move |replies| {
            if let Some(upto) = handle::deliver(replies) {
                clear.emit(upto);
            }
        });
    }
    use_effect_with((), |_| {
        if browser::read_query().fault.as_deref() == Some("page") {
            panic!("a fault injected by the link (fault=page)");
        }
    });
    let link = browser::Link {
        selection: session.play.selection.clone(),
        policy: session.agent.policy,
        speed: session.agent.speed,
        lesson: session.lesson.map(|n| n + 1),
        presenter: session.presenter,
    };
    use_effect_with(link, browser::write_query);
    {
        // The agent's loop: after every change, schedule what comes next (dropping the timer of
        // the previous change, which is now out of date).
        let handle = session.clone();
        use_effect_with(session.version, move |_| {
            let timer = handle.next_tick().and_then(|(ms, change)| {
                let handle = handle.clone();
                dom::Timer::new(ms, move || handle.dispatch(change))
            });
            move || drop(timer)
        });
    }

    let onnewepisode = relay(&session, |()| PlayChange::NewEpisode);
    let onrestart = relay(&session, |()| PlayChange::Restart);
    let onact = relay(&session, PlayChange::Act);
    let onchoosesite = relay(&session, PlayChange::ChooseSite);
    let onchoosetask = relay(&session, PlayChange::ChooseTask);
    let onchooseseed = relay(&session, PlayChange::ChooseSeed);
    let ondismiss = relay(&session, Change::Dismiss);
    let onperturb = relay(&session, |(kind, severity)| {
        PlayChange::SetPerturbation(kind, severity)
    });
    let onclearperturb = relay(&session, |()| PlayChange::ClearPerturbations);
    let onchoosepolicy = relay(&session, AgentChange::ChoosePolicy);
    let onplaysaved = relay(&session, |(name, json): (String, std::rc::Rc<str>)| {
        AgentChange::PlaySaved { name, json }
    });
    // The training panel's saved policies, for the Policy menu.
    let library = use_state(std::rc::Rc::<Vec<components::agent_panel::Listed>>::default);
    let onlibrary = {
        let library = library.clone();
        Callback::from(move |list| library.set(list))
    };
    let onchoosespeed = relay(&session, AgentChange::ChooseSpeed);
    let ontakeover = relay(&session, |()| AgentChange::TakeOver);
    let onresume = relay(&session, |()| AgentChange::Resume);
    let onstep = relay(&session, |()| AgentChange::Plan);
    let onbreak = relay(&session, |(kind, on): (Kind, bool)| {
        PlayChange::SetPerturbation(kind, on.then_some(3))
    });
    let onapplybreak = relay(&session, PlayChange::SetPerturbations);
    let onscrub = relay(&session, ReplayChange::Scrub);
    let onlive = relay(&session, |()| ReplayChange::Live);
    let onreplay = relay(&session, |()| ReplayChange::Start);
    let onimport = relay(&session, ReplayChange::Import);
    let onopensite = relay(&session, PlayChange::OpenSiteFile);
    let onedit = relay(&session, |()| EditorChange::Open);
    let oneditor = relay(&session, |change: EditorChange| change);
    let editing = session.editor.open;
    let onfinish = relay(&session, |()| {
        PlayChange::Act(wobble_engine::Action::Finish)
    });

    let lesson = session.lesson;
    let onlessons = {
        let session = session.clone();
        Callback::from(move |()| {
            session.dispatch(Change::ShowLesson(if lesson.is_some() {
                None
            } else {
                Some(0)
            }))
        })
    };

    let (play, agent, replay) = (&session.play, &session.agent, &session.replay);
    let spec = &play.selection.perturb;
    let shown = match &replay.view {
        Some((_, scene)) => Some(scene.clone()),
        None => play.scene.clone(),
    };
    // The race card, where the screen agent was trained (and no opened file replaces the site).
    let race = components::race_panel::available(&play.selection.site, &play.selection.task)
        && play
            .opened_file
            .as_ref()
            .is_none_or(|f| f.name != play.selection.site);
    let cursor = if replay.is_live() {
        agent.cursor.clone()
    } else {
        None
    };

    html! {
        <div class={classes!("app", session.presenter.then_some("presenter"), editing.then_some("editing"))}>
            <a class="skip-link" href="#wobble-site" onclick={Callback::from(|e: MouseEvent| {
                if components::site_view::focus_site() {
                    e.prevent_default();
                }
            })}>{"Skip to the site"}</a>
            <Header {onlessons} lessons_open={lesson.is_some()} />
            <components::lessons::Lessons step={lesson} site={play.selection.site.clone()} version={session.version}
                onchange={relay(&session, |change: Change| change)} />
            <main class="layout">
                <aside class="panel" aria-label="Agents and controls">
                    <Notices notices={session.notices.clone()} {ondismiss} />
                    if race {
                        <components::race_panel::RacePanel site={play.selection.site.clone()}
                            task={play.selection.task.clone()} perturb={spec.clone()} onbreak={onbreak.clone()}
                            yours={session.yours.get(&play.selection.site, &play.selection.task, &spec.to_string()).cloned()} />
                    }
                    <AgentPanel policy={agent.policy} saved={agent.saved.clone()} speed={agent.speed} paused={agent.paused} stats={agent.stats} before={agent.before.clone()} trail={agent.trail.clone()}
                        spec={spec.clone()} site={play.selection.site.clone()} break_buttons={!race}
                        selection={play.selection.clone()} site_file={play.opened_file.clone()} {onapplybreak} break_order={session.break_order}
                        {onchoosepolicy} library={(*library).clone()} onplaysaved={onplaysaved.clone()} {onchoosespeed} ontakeover={ontakeover.clone()} {onresume} {onstep} {onbreak} />
                    if let Some(scene) = &shown {
                        <TaskPanel scene={scene.clone()} onnewepisode={onnewepisode.clone()} {onfinish}
                            agent_playing={session.agent_drives() && replay.is_live()} />
                    }
                    <Controls selection={play.selection.clone()} sites={play.sites.clone()} tasks={play.tasks.clone()}
                        {onchoosesite} {onchoosetask} {onchooseseed} onnewepisode={onnewepisode.clone()} {onrestart} {onopensite}
                        {onedit} {editing} />
                    <components::train_panel::TrainPanel selection={play.selection.clone()} site_file={play.opened_file.clone()}
                        onplay={onplaysaved} {onlibrary}
                        order={session.training} yours={session.yours.clone()} linked={session.linked.clone()} />
                </aside>
                <section class="stage">
                    <div class="workbench">
                    if editing {
                        <components::editor::SiteEditor editor={session.editor.clone()} site={play.selection.site.clone()}
                            onchange={oneditor} />
                    }
                    { match &shown {
                        Some(scene) => html! {
                            <SiteView scene={scene.clone()} episode={play.episode} {onact} {onnewepisode}
                                {cursor} past={!replay.is_live()} person={!session.agent_drives()}
                                onpress={if session.agent_drives() { ontakeover.clone() } else { Callback::noop() }} />
                        },
                        None => html! {
                            <div class="card stage-error" role="alert">
                                <h2 class="card-title">{"Nothing to show"}</h2>
                                <p>{"No site could be loaded. The messages on the left say why."}</p>
                            </div>
                        },
                    } }
                    </div>
                    <div class="below-stage">
                        <TimelinePanel timeline={play.timeline.clone()} viewing={replay.view.as_ref().map(|v| v.0)}
                            {onscrub} {onlive} {onreplay} {onimport} />
                        if let Some(inspect) = &session.inspect {
                            <Inspector inspect={inspect.clone()} />
                        }
                    </div>
                </section>
                <aside class="side" aria-label="Perturbations">
                    <WhatChanged spec={play.selection.perturb.clone()}
                        changes={play.scene.as_ref().map(|s| s.changes.clone()).unwrap_or_default()} />
                    <PerturbPanel spec={play.selection.perturb.clone()} onset={onperturb} onclear={onclearperturb} />
                </aside>
            </main>
        </div>
    }
}

/// One wasm module serves both the page and the training worker: the page spawns a module worker
/// that imports this same module (see `components::train_panel`), so the engine, the policies
/// and the trainers are downloaded once. Which role this instance plays is decided by where it
/// runs: a worker has no `window`.
fn main() {
    if web_sys::window().is_none() {
        // A panic in the worker is logged and reported to the page, which offers a restart.
        wobble_app::agent::install_worker_panic_hook();
        use yew_agent::Registrable;
        wobble_app::agent::TrainingReactor::registrar().register();
        return;
    }
    fatal::install_panic_hook();
    yew::Renderer::<App>::new().render();
}
