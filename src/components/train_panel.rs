//! The training panel: train a policy on the selected site and task in the training worker,
//! watch it learn, see how brittle it is, and keep it.
//!
//! Data flow: the panel sends [`Command`]s to the worker ([`wobble_app::agent`] is the protocol)
//! and turns each [`Report`](wobble_app::agent::Report) into a named [`Change`] of its own
//! [`Board`]. Progress points become the charts; a finished policy is saved to local storage
//! (one key per policy, under a versioned prefix, so one unreadable entry never costs the
//! others), then swept over every perturbation in the worker for the heat map. Once a plain and
//! a randomized policy of the same site and task exist, both are evaluated under the current
//! perturbations for the bars. Saved policies can be downloaded as JSON files and uploaded back;
//! what cannot be read is reported in the panel.
//!
//! The parts, one file each:
//!
//! - [`board`]: the state and its reducer, every change named; [`history`] the chart's points.
//! - [`training`]: the settings, the Start / Pause / Resume / Stop buttons, the status line and
//!   the charts.
//! - [`evaluation`]: the sweep's heat map and the plain-against-randomized bars.
//! - [`library`]: the saved policies — local storage, download, sweep, delete, upload.
//!
//! This file holds the component: it owns the board and the worker link, and its two effects
//! are where one part hands on to the next (a finished training is stored, then swept; a plain
//! and a randomized policy are compared).

mod board;
mod evaluation;
mod history;
mod library;
mod training;

use std::rc::Rc;

use wobble_app::agent::{Command, CompareRequest, SiteFile};
use wobble_policy::EVALUATION_SEEDS_START;
use yew::prelude::*;

use crate::components::agent_panel::Listed;
use crate::components::worker_link::use_training_worker;
use crate::session::{Selection, TrainingOrder, Yours};
use board::{Board, Change, Settings, LESSON_SEED};
use evaluation::COMPARE_EPISODES;
use library::{keep_linked, load_saved, store};

/// Props of [`TrainPanel`].
#[derive(Properties, PartialEq)]
pub struct TrainPanelProps {
    /// The site, task, seed and perturbations being played: training follows them.
    pub selection: Selection,
    /// The site opened from a file, if any, for the worker to compile (compared by pointer
    /// first, so a large file costs nothing per render).
    #[prop_or_default]
    pub site_file: Option<Rc<SiteFile>>,
    /// Plays a saved policy on the site: its name and its file's JSON.
    #[prop_or_default]
    pub onplay: Callback<(String, Rc<str>)>,
    /// A run asked for by a lesson: one starts, with the default settings, whenever its number
    /// grows.
    #[prop_or_default]
    pub order: TrainingOrder,
    /// The person's own episodes, shown beside the policies in the comparison and the heat map.
    #[prop_or_default]
    pub yours: Rc<Yours>,
    /// Hears the saved policies whenever they change (the Policy menu lists them).
    #[prop_or_default]
    pub onlibrary: Callback<Rc<Vec<Listed>>>,
    /// The policy the page's link carried (name and JSON), kept in the library when the panel
    /// opens.
    #[prop_or_default]
    pub linked: Option<(String, Rc<str>)>,
}

/// The training panel, with the worker it talks to.
#[function_component]
pub fn TrainPanel(props: &TrainPanelProps) -> Html {
    html! { <Trainer selection={props.selection.clone()} site_file={props.site_file.clone()} onplay={props.onplay.clone()} order={props.order} yours={props.yours.clone()} onlibrary={props.onlibrary.clone()} linked={props.linked.clone()} /> }
}

#[derive(Properties, PartialEq)]
struct TrainerProps {
    selection: Selection,
    site_file: Option<Rc<SiteFile>>,
    onplay: Callback<(String, Rc<str>)>,
    order: TrainingOrder,
    yours: Rc<Yours>,
    onlibrary: Callback<Rc<Vec<Listed>>>,
    linked: Option<(String, Rc<str>)>,
}

/// The panel itself (inside the worker's provider).
#[function_component]
fn Trainer(props: &TrainerProps) -> Html {
    let board = use_reducer(|| {
        let (mut saved, mut notices) = load_saved();
        if let Some(linked) = &props.linked {
            notices.extend(keep_linked(&mut saved, linked));
        }
        Board {
            saved,
            notices,
            ..Board::default()
        }
    });
    let board_worker = board.worker;
    // `fault=worker` in the link: the first Start makes the worker panic (fault injection).
    let inject_fault =
        use_mut_ref(|| crate::browser::read_query().fault.as_deref() == Some("worker"));
    let bridge = {
        let board = board.dispatcher();
        let faults = board.clone();
        use_training_worker(
            board_worker,
            move |report| board.dispatch(Change::Report(report)),
            move |message| faults.dispatch(Change::WorkerFailed(message)),
        )
    };

    // Every request carries the opened site file; the worker uses it for the site of its name.
    // Renders share it (`Rc`); its text is copied only into a request being sent.
    let site_file = props.site_file.clone();
    // A finished policy is saved, then swept.
    {
        let board = board.clone();
        let bridge = bridge.clone();
        let site_file = site_file.clone();
        use_effect_with(board.finished.0, move |_| {
            if let Some(saved) = board.finished.1.clone() {
                let (kept, problem) = store(saved.clone());
                board.dispatch(Change::Add(kept));
                if let Some(message) = problem {
                    board.dispatch(Change::Fail(message));
                }
                bridge.send(evaluation::sweep(
                    saved.policy,
                    saved.name,
                    site_file.as_deref(),
                ));
                board.dispatch(Change::SweepStarted);
            }
        });
    }
    // Plain against randomized, under the current perturbations.
    {
        let bridge = bridge.clone();
        let spec = props.selection.perturb.to_string();
        let site_file = site_file.clone();
        use_effect_with(
            (board.plain.clone(), board.randomized.clone(), spec),
            move |(plain, randomized, spec)| {
                if let (Some(plain), Some(randomized)) = (plain, randomized) {
                    bridge.send(Command::Compare(CompareRequest {
                        policies: vec![
                            ("trained plain".into(), plain.clone()),
                            ("trained randomized".into(), randomized.clone()),
                        ],
                        perturb: spec.clone(),
                        episodes: COMPARE_EPISODES,
                        seed: EVALUATION_SEEDS_START,
                        site_file: site_file.as_deref().cloned(),
                    }));
                }
            },
        );
    }

    // A lesson's run: the default settings (randomized as asked) and the recipe's seed, on what
    // is played now.
    {
        let board = board.clone();
        let bridge = bridge.clone();
        let selection = props.selection.clone();
        let site_file = site_file.clone();
        let order = props.order;
        // Orders from before the panel was drawn are not run again.
        let handled = use_mut_ref(|| order.number);
        use_effect_with(order.number, move |number| {
            if *number > handled.replace(*number) {
                let settings = Settings::defaults(order.randomize);
                board.dispatch(Change::SetAll(settings.clone()));
                training::start(
                    &board,
                    &bridge,
                    (&settings, LESSON_SEED),
                    &selection,
                    site_file.as_deref(),
                );
            }
        });
    }

    // The Policy menu lists the library: told of every change to it.
    {
        let onlibrary = props.onlibrary.clone();
        let board = board.clone();
        // Keyed by the entries' keys, not their policies: comparing those on every render
        // would copy every saved network.
        let keys: Vec<String> = board.saved.iter().map(|s| s.key.clone()).collect();
        use_effect_with(keys, move |_| {
            onlibrary.emit(Rc::new(
                board.saved.iter().rev().map(library::listed).collect(),
            ));
        });
    }

    let selection = &props.selection;

    let ondismiss = {
        let board = board.dispatcher();
        Callback::from(move |_: MouseEvent| board.dispatch(Change::DismissError))
    };
    let onrestart = {
        let board = board.dispatcher();
        Callback::from(move |_: MouseEvent| board.dispatch(Change::RestartWorker))
    };

    html! {
        <section class="card train-card" id="wobble-train" aria-labelledby="wobble-train-title">
            <h2 class="card-title" id="wobble-train-title">{"Train a policy"}</h2>
            <p class="hint">{ format!("Learns {}/{} in a background worker; the page stays responsive.", selection.site, selection.task) }</p>
            { for board.notices.iter().map(|n| html! { <p class="notice notice-warning train-notice" role="status">{ n.clone() }</p> }) }
            if let Some(e) = &board.error {
                <div class="notice notice-error" role="alert" id="wobble-train-error">
                    <span class="notice-text">{ e.clone() }</span>
                    <button type="button" class="notice-dismiss" aria-label="Dismiss" onclick={ondismiss}>{"×"}</button>
                </div>
            }
            if let Some(message) = &board.crashed {
                <div class="notice notice-error" role="alert" id="wobble-worker-failed">
                    <span class="notice-text">
                        { format!("The training worker stopped: {message}. What it was doing is lost; saved policies are kept.") }
                    </span>
                    <button type="button" class="button button-small" id="wobble-worker-restart" onclick={onrestart}>{"Restart the worker"}</button>
                </div>
            }
            { training::view(&board, &bridge, selection, &site_file, &inject_fault) }
            { evaluation::view(&board, selection, &props.yours) }
            { library::saved_list(&board, &bridge, &site_file, &props.onplay) }
            { library::upload_button(&board) }
        </section>
    }
}
