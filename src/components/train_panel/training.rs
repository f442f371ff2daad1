//! The training controls and the run's progress: the episodes, algorithm and randomization
//! settings, Start / Pause / Resume / Stop, the status line and the three charts.
//!
//! Start turns the settings and the [`Selection`] into a [`TrainRequest`] for the worker and a
//! [`Change::Started`] for the [`Board`]; the other buttons send their command as is. The status
//! line and the charts read the board's [`History`](super::history::History), filled by the
//! worker's progress reports.

use std::cell::RefCell;
use std::rc::Rc;

use wobble_app::agent::{Command, Point, SiteFile, TrainRequest};
use wobble_policy::learned::train::Algo;
use yew::prelude::*;

use super::board::{Board, Change, Run, Status};
use crate::components::charts::LineChart;
use crate::components::select::Select;
use crate::components::worker_link::WorkerLink;
use crate::session::Selection;

/// Probability of each current perturbation in a randomized training episode.
const RANDOMIZE_PROBABILITY: &str = "0.5";
/// The algorithms offered, in the order shown.
const ALGOS: [Algo; 3] = [Algo::Ppo, Algo::Reinforce, Algo::Bc];

/// The randomization spec for training: each current perturbation with probability 0.5.
fn randomization(selection: &Selection) -> String {
    selection
        .perturb
        .items()
        .iter()
        .map(|p| format!("{}:{}@{RANDOMIZE_PROBABILITY}", p.kind, p.severity))
        .collect::<Vec<_>>()
        .join(",")
}

/// The settings, the buttons, the status line and the charts.
pub(super) fn view(
    board: &UseReducerHandle<Board>,
    bridge: &WorkerLink,
    selection: &Selection,
    site_file: &Option<Rc<SiteFile>>,
    inject_fault: &Rc<RefCell<bool>>,
) -> Html {
    let status = board.status;
    let active = matches!(status, Status::Running | Status::Paused);
    let spec_empty = selection.perturb.is_empty();

    let onstart = {
        let board = board.clone();
        let bridge = bridge.clone();
        let inject_fault = inject_fault.clone();
        let selection = selection.clone();
        let site_file = site_file.clone();
        Callback::from(move |_: MouseEvent| {
            let episodes = match board.episodes_text.trim().parse::<u64>() {
                Ok(n) if (1..=1_000_000).contains(&n) => n,
                _ => {
                    board.dispatch(Change::Fail(format!(
                        "\"{}\" is not a number of episodes: enter a whole number from 1 to 1000000.",
                        board.episodes_text.trim()
                    )));
                    return;
                }
            };
            let randomized = (board.randomize && !selection.perturb.is_empty())
                .then(|| randomization(&selection));
            let run = Run {
                site: selection.site.clone(),
                task: selection.task.clone(),
                algo: board.algo,
                episodes,
                randomized: randomized.clone(),
            };
            if inject_fault.replace(false) {
                bridge.send(Command::Fault);
            }
            bridge.send(Command::Train(TrainRequest {
                site: run.site.clone(),
                task: run.task.clone(),
                algo: run.algo.name().into(),
                episodes,
                seed: selection.seed,
                features: "default".into(),
                randomization: randomized.unwrap_or_default(),
                warm_start: 0,
                site_file: site_file.as_deref().cloned(),
            }));
            board.dispatch(Change::Started(run));
        })
    };
    let send = |command: Command| {
        let bridge = bridge.clone();
        Callback::from(move |_: MouseEvent| bridge.send(command.clone()))
    };
    let onpause = send(Command::Pause);
    let onresume = send(Command::Resume);
    let onstop = send(Command::Stop);
    let onepisodes = {
        let board = board.dispatcher();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                board.dispatch(Change::SetEpisodes(input.value()));
            }
        })
    };
    let onalgo = {
        let board = board.dispatcher();
        Callback::from(move |i: usize| board.dispatch(Change::SetAlgo(ALGOS[i.min(2)])))
    };
    let onrandomize = {
        let board = board.dispatcher();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                board.dispatch(Change::SetRandomize(input.checked()));
            }
        })
    };

    let last = board.history.last().copied();
    let series = |f: fn(&Point) -> f32| -> Vec<(f64, f64)> {
        board
            .history
            .iter()
            .map(|p| (p.episodes as f64, f(p) as f64))
            .collect()
    };
    let state_name = match status {
        Status::Idle => "idle",
        Status::Running => "running",
        Status::Paused => "paused",
        Status::Done => "done",
    };

    html! {
        <>
            <div class="train-settings">
                <label class="train-field">
                    <span>{"Episodes"}</span>
                    <input id="wobble-train-episodes" class="text-input" type="number" min="1" step="100"
                        value={board.episodes_text.clone()} oninput={onepisodes} disabled={active} />
                </label>
                <label class="train-field">
                    <span>{"Algorithm"}</span>
                    <Select id="wobble-train-algo" class="select" disabled={active}
                        options={ALGOS.iter().map(|a| a.name().to_string()).collect::<Vec<_>>()}
                        chosen={ALGOS.iter().position(|a| *a == board.algo)} onchoose={onalgo} />
                </label>
            </div>
            <label class="train-toggle" id="wobble-train-randomize-toggle" title={ if spec_empty { "Turn on some perturbations first (the panel on the right)." } else { "" } }>
                <input type="checkbox" id="wobble-train-randomize" checked={board.randomize && !spec_empty}
                    disabled={active || spec_empty} onchange={onrandomize} />
                <span>{ if spec_empty {
                    "Randomize perturbations during training (choose some first)".to_string()
                } else {
                    format!("Randomize perturbations during training ({}, each with probability 50%)", selection.perturb)
                } }</span>
            </label>
            <div class="button-row train-buttons">
                <button type="button" class="button button-primary" id="wobble-train-start" disabled={active} onclick={onstart}>{"Start"}</button>
                <button type="button" class="button" id="wobble-train-pause" disabled={status != Status::Running} onclick={onpause}>{"Pause"}</button>
                <button type="button" class="button" id="wobble-train-resume" disabled={status != Status::Paused} onclick={onresume}>{"Resume"}</button>
                <button type="button" class="button" id="wobble-train-stop" disabled={!active} onclick={onstop}>{"Stop"}</button>
            </div>
            <p class="train-status" id="wobble-train-status" data-state={state_name}
                data-episodes={last.map(|p| p.episodes.to_string())}
                data-success={last.map(|p| format!("{:.3}", p.success_rate))}
                data-memory={last.map(|p| p.memory_bytes.to_string())}>
                { match (status, last) {
                    (Status::Idle, _) | (_, None) if !active => "Not trained yet.".to_string(),
                    (_, None) => "Starting…".to_string(),
                    (_, Some(p)) => format!(
                        "{}Episode {} of {} · {:.0} episodes/s · success {:.0}% · return {:.2} · {:.1} steps",
                        match status { Status::Paused => "Paused. ", Status::Done => "Done. ", _ => "" },
                        p.episodes, p.total, p.per_second, p.success_rate * 100.0, p.mean_return, p.mean_steps
                    ),
                } }
            </p>
            if !board.history.is_empty() {
                <div class="train-charts">
                    <LineChart id="wobble-chart-success" title="Success rate (last 100 episodes)" points={series(|p| p.success_rate)}
                        x_label="episodes" y_label="success (%)" y_range={Some((0.0, 1.0))} percent=true color="#18794e" />
                    <LineChart id="wobble-chart-return" title="Mean return (last 100 episodes)" points={series(|p| p.mean_return)}
                        x_label="episodes" y_label="return (reward)" color="#5b4cdb" />
                    <LineChart id="wobble-chart-steps" title="Episode length (last 100 episodes)" points={series(|p| p.mean_steps)}
                        x_label="episodes" y_label="length (steps)" color="#b45309" />
                </div>
            }
        </>
    }
}
