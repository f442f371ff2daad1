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

use super::board::{Board, Change, Run, Settings, Status};
use crate::components::charts::LineChart;
use crate::components::select::Select;
use crate::components::worker_link::WorkerLink;
use crate::session::Selection;

/// Probability of each current perturbation in a randomized training episode.
const RANDOMIZE_PROBABILITY: &str = "0.5";
/// The most oracle episodes a run may copy before practice.
const MAX_WARM_START: u64 = 100_000;
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

/// The worker's request and the board's record of a run with `settings` on `selection`, or
/// what is wrong with the numbers typed.
pub(super) fn request(
    settings: &Settings,
    selection: &Selection,
    seed: u64,
    site_file: Option<&SiteFile>,
) -> Result<(TrainRequest, Run), String> {
    let episodes = match settings.episodes.trim().parse::<u64>() {
        Ok(n) if (1..=1_000_000).contains(&n) => n,
        _ => {
            return Err(format!(
                "\"{}\" is not a number of episodes: enter a whole number from 1 to 1000000.",
                settings.episodes.trim()
            ))
        }
    };
    // Behaviour cloning copies the oracle for all its episodes: there is nothing to warm up.
    let warm_start = match (settings.algo, settings.warm_start.trim().parse::<u64>()) {
        (Algo::Bc, _) => 0,
        (_, Ok(n)) if n <= MAX_WARM_START => n,
        _ => {
            return Err(format!(
                "\"{}\" is not a number of oracle episodes to copy first: enter a whole number from 0 to {MAX_WARM_START}.",
                settings.warm_start.trim()
            ))
        }
    };
    let randomized =
        (settings.randomize && !selection.perturb.is_empty()).then(|| randomization(selection));
    let run = Run {
        site: selection.site.clone(),
        task: selection.task.clone(),
        algo: settings.algo,
        episodes,
        randomized: randomized.clone(),
        warm_start,
    };
    let request = TrainRequest {
        site: run.site.clone(),
        task: run.task.clone(),
        algo: run.algo.name().into(),
        episodes,
        seed,
        features: "default".into(),
        randomization: randomized.unwrap_or_default(),
        warm_start,
        site_file: site_file.cloned(),
    };
    Ok((request, run))
}

/// Starts a run with `settings` and the training `seed` on `selection` (or shows why it cannot
/// start).
pub(super) fn start(
    board: &UseReducerHandle<Board>,
    bridge: &WorkerLink,
    (settings, seed): (&Settings, u64),
    selection: &Selection,
    site_file: Option<&SiteFile>,
) {
    match request(settings, selection, seed, site_file) {
        Ok((request, run)) => {
            bridge.send(Command::Train(request));
            board.dispatch(Change::Started(run));
        }
        Err(message) => board.dispatch(Change::Fail(message)),
    }
}

/// What the episodes so far were: the oracle's, copied, or the policy's own practice.
fn phase(episodes: u64, warm_start: u64) -> &'static str {
    if episodes <= warm_start {
        " (the oracle plays, the policy copies it: these figures are the oracle's)"
    } else if warm_start > 0 && episodes < warm_start + 100 {
        " (the policy practises on its own now; the figures still include the oracle's last episodes)"
    } else {
        ""
    }
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
            if inject_fault.replace(false) {
                bridge.send(Command::Fault);
            }
            let seed = selection.seed;
            start(
                &board,
                &bridge,
                (&board.settings, seed),
                &selection,
                site_file.as_deref(),
            );
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
    let onwarmstart = {
        let board = board.dispatcher();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                board.dispatch(Change::SetWarmStart(input.value()));
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
    let warm_start = board.run.as_ref().map_or(0, |r| r.warm_start);
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
                        value={board.settings.episodes.clone()} oninput={onepisodes} disabled={active} />
                </label>
                <label class="train-field" title="Episodes in which the oracle does the task while the policy copies it, before it practises on its own. Behaviour cloning copies for all its episodes.">
                    <span>{"Copy the oracle first"}</span>
                    <input id="wobble-train-warm-start" class="text-input" type="number" min="0" step="100"
                        value={board.settings.warm_start.clone()} oninput={onwarmstart}
                        disabled={active || board.settings.algo == Algo::Bc} />
                </label>
                <label class="train-field">
                    <span>{"Algorithm"}</span>
                    <Select id="wobble-train-algo" class="select" disabled={active}
                        options={ALGOS.iter().map(|a| a.name().to_string()).collect::<Vec<_>>()}
                        chosen={ALGOS.iter().position(|a| *a == board.settings.algo)} onchoose={onalgo} />
                </label>
            </div>
            <label class="train-toggle" id="wobble-train-randomize-toggle" title={ if spec_empty { "Turn on some perturbations first (the panel on the right)." } else { "" } }>
                <input type="checkbox" id="wobble-train-randomize" checked={board.settings.randomize && !spec_empty}
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
                        "{}Episode {} of {}{} · {:.0} episodes/s · success {:.0}% · return {:.2} · {:.1} steps",
                        match status { Status::Paused => "Paused. ", Status::Done => "Done. ", _ => "" },
                        p.episodes, p.total, phase(p.episodes, warm_start),
                        p.per_second, p.success_rate * 100.0, p.mean_return, p.mean_steps
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

#[cfg(test)]
mod tests {
    use super::*;
    use wobble_engine::perturb::PerturbSpec;

    fn airline(perturb: &str) -> Selection {
        Selection {
            site: "airline".into(),
            task: "book-flight".into(),
            seed: 41,
            perturb: perturb.parse::<PerturbSpec>().unwrap(),
        }
    }

    #[test]
    fn the_defaults_ask_for_the_recipe_and_randomize_what_is_switched_on() {
        let (asked, run) =
            request(&Settings::defaults(true), &airline("relabel:3"), 1, None).unwrap();
        assert_eq!(
            (asked.episodes, asked.warm_start, asked.seed),
            (2000, 300, 1)
        );
        assert_eq!(asked.randomization, "relabel:3@0.5");
        assert_eq!(run.randomized.as_deref(), Some("relabel:3@0.5"));
        // Nothing switched on: nothing to randomize, whatever the toggle says.
        let (asked, run) = request(&Settings::defaults(true), &airline(""), 41, None).unwrap();
        assert_eq!((asked.randomization.as_str(), asked.seed), ("", 41));
        assert_eq!(run.randomized, None);
    }

    #[test]
    fn numbers_that_are_not_numbers_are_refused_and_cloning_has_no_warm_start() {
        let with = |episodes: &str, warm_start: &str, algo: Algo| Settings {
            episodes: episodes.into(),
            warm_start: warm_start.into(),
            algo,
            randomize: false,
        };
        let refused = |s: Settings| request(&s, &airline(""), 1, None).unwrap_err();
        assert!(refused(with("0", "0", Algo::Ppo)).contains("\"0\" is not a number of episodes"));
        assert!(refused(with("ten", "0", Algo::Ppo)).contains("\"ten\""));
        assert!(refused(with("10", "-1", Algo::Ppo)).contains("oracle episodes to copy first"));
        assert!(refused(with("10", "100001", Algo::Ppo)).contains("0 to 100000"));
        let (bc, _) = request(&with("10", "junk", Algo::Bc), &airline(""), 1, None).unwrap();
        assert_eq!(bc.warm_start, 0);
    }
}
