//! The training panel: train a policy on the selected site and task in the training worker,
//! watch it learn, see how brittle it is, and keep it.
//!
//! Data flow: the panel sends [`Command`]s to the worker ([`wobble_app::agent`] is the protocol)
//! and turns each [`Report`] into a named [`Change`] of its own [`Board`]. Progress points become
//! the charts; a finished policy is saved to local storage (one key per policy, under a
//! versioned prefix, so one unreadable entry never costs the others), then swept over every
//! perturbation in the worker for the heat map. Once a plain and a randomized policy of the same
//! site and task exist, both are evaluated under the current perturbations for the bars. Saved
//! policies can be downloaded as JSON files and uploaded back; what cannot be read is reported
//! in the panel.

use std::rc::Rc;

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wobble_app::agent::{
    Command, CompareRequest, Point, Rate, Report, SiteFile, SweepRequest, TrainRequest,
};
use wobble_policy::learned::train::Algo;
use wobble_policy::{LearnedPolicy, EVALUATION_SEEDS_START};
use yew::prelude::*;

use crate::components::charts::{Bars, LineChart};
use crate::components::select::Select;
use crate::components::worker_link::{use_training_worker, WorkerLink};
use crate::session::Selection;

/// Prefix of the local-storage keys of saved policies; the number is the entry format's version.
pub const STORAGE_PREFIX: &str = "wobble.policy.v1.";
/// Episodes per cell of the sweep run after training.
const SWEEP_EPISODES: u64 = 20;
/// Episodes per policy of the plain-against-randomized comparison.
const COMPARE_EPISODES: u64 = 100;
/// Probability of each current perturbation in a randomized training episode.
const RANDOMIZE_PROBABILITY: &str = "0.5";
/// The most points a chart draws.
const MAX_POINTS: usize = 400;
/// The room a [`History`] keeps: its most points and the one that makes it thin out.
const HISTORY_CAPACITY: usize = MAX_POINTS + 1;

/// The progress points the charts draw, at most [`MAX_POINTS`] of them.
///
/// The board is cloned on every change, and a plain `Vec` clone allocates exactly its length:
/// a history that grows point by point would then ask the allocator for ever larger blocks and
/// the page's memory would creep up for as long as the chart fills. Every `History` (clones
/// included) holds storage of one size from the start, so a training run's memory is the same
/// from its first report to its last.
#[derive(Debug, PartialEq)]
struct History(Vec<Point>);

impl History {
    fn new() -> Self {
        History(Vec::with_capacity(HISTORY_CAPACITY))
    }

    /// Adds `points`; past [`MAX_POINTS`], keeps every other point and always the latest.
    fn extend(&mut self, points: impl IntoIterator<Item = Point>) {
        for point in points {
            self.0.push(point);
            if self.0.len() > MAX_POINTS {
                // Keeps the points at even places; an even length would lose the latest.
                let latest_dropped = self.0.len().is_multiple_of(2);
                let mut index = 0;
                self.0.retain(|_| {
                    index += 1;
                    index % 2 == 1
                });
                if latest_dropped {
                    self.0.push(point);
                }
            }
        }
    }

    fn clear(&mut self) {
        self.0.clear();
    }
}

impl Clone for History {
    fn clone(&self) -> Self {
        let mut points = Vec::with_capacity(self.0.capacity().max(HISTORY_CAPACITY));
        points.extend_from_slice(&self.0);
        History(points)
    }
}

impl std::ops::Deref for History {
    type Target = [Point];

    fn deref(&self) -> &[Point] {
        &self.0
    }
}
/// The algorithms offered, in the order shown.
const ALGOS: [Algo; 3] = [Algo::Ppo, Algo::Reinforce, Algo::Bc];

/// Props of [`TrainPanel`].
#[derive(Properties, PartialEq)]
pub struct TrainPanelProps {
    /// The site, task, seed and perturbations being played: training follows them.
    pub selection: Selection,
    /// The site opened from a file, if any, for the worker to compile (compared by pointer
    /// first, so a large file costs nothing per render).
    #[prop_or_default]
    pub site_file: Option<Rc<SiteFile>>,
}

/// The training panel, with the worker it talks to.
#[function_component]
pub fn TrainPanel(props: &TrainPanelProps) -> Html {
    html! { <Trainer selection={props.selection.clone()} site_file={props.site_file.clone()} /> }
}

/// A saved policy, as kept in local storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    /// Its storage key (not stored in the value).
    #[serde(skip)]
    pub key: String,
    /// What to call it.
    pub name: String,
    /// Trained with randomized perturbations.
    pub randomized: bool,
    /// The policy file's JSON.
    pub policy: String,
}

impl Saved {
    /// "site/task" of the policy, from its provenance.
    fn target(&self) -> String {
        LearnedPolicy::from_json(&self.policy)
            .map(|p| format!("{}/{}", p.provenance.site, p.provenance.task))
            .unwrap_or_default()
    }
}

/// What the worker is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// Nothing.
    #[default]
    Idle,
    /// Training.
    Running,
    /// Training, paused.
    Paused,
    /// Training ended.
    Done,
}

/// The settings of a training run.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Site.
    pub site: String,
    /// Task.
    pub task: String,
    /// Algorithm.
    pub algo: Algo,
    /// Episodes asked for.
    pub episodes: u64,
    /// Trained under randomized perturbations (this spec).
    pub randomized: Option<String>,
}

/// The panel's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    status: Status,
    run: Option<Run>,
    history: History,
    error: Option<String>,
    notices: Vec<String>,
    saved: Vec<Saved>,
    /// Grows with every finished training; the latest policy to save and sweep.
    finished: (u64, Option<Saved>),
    heat: Option<String>,
    sweeping: Option<(usize, usize)>,
    plain: Option<String>,
    randomized: Option<String>,
    compared: Option<Vec<Rate>>,
    episodes_text: String,
    algo: Algo,
    randomize: bool,
    /// Counts workers: a new number starts a new worker.
    worker: u64,
    /// The panic message of a worker that stopped.
    crashed: Option<String>,
}

impl Default for Board {
    fn default() -> Self {
        Board {
            status: Status::Idle,
            run: None,
            history: History::new(),
            error: None,
            notices: Vec::new(),
            saved: Vec::new(),
            finished: (0, None),
            heat: None,
            sweeping: None,
            plain: None,
            randomized: None,
            compared: None,
            episodes_text: "1500".into(),
            algo: Algo::Ppo,
            randomize: false,
            worker: 0,
            crashed: None,
        }
    }
}

/// Every change the panel goes through.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A report from the worker.
    Report(Report),
    /// Training was asked for.
    Started(Run),
    /// Something the person asked for cannot be done.
    Fail(String),
    /// Hide the error.
    DismissError,
    /// A policy was saved (or uploaded).
    Add(Saved),
    /// A saved policy was deleted.
    Remove(String),
    /// A sweep was asked for.
    SweepStarted,
    /// Episodes field.
    SetEpisodes(String),
    /// Algorithm picker.
    SetAlgo(Algo),
    /// Randomization toggle.
    SetRandomize(bool),
    /// The worker panicked (with this message) and is gone.
    WorkerFailed(String),
    /// Start a new worker after a failure.
    RestartWorker,
}

impl Reducible for Board {
    type Action = Change;

    fn reduce(self: Rc<Self>, change: Change) -> Rc<Self> {
        let mut b = (*self).clone();
        match change {
            Change::Report(report) => match report {
                Report::Progress(points) => {
                    if b.status != Status::Paused {
                        b.status = Status::Running;
                    }
                    // Long runs keep every other point, so the charts stay cheap to draw.
                    b.history.extend(points);
                }
                Report::Paused => b.status = Status::Paused,
                Report::Resumed => b.status = Status::Running,
                Report::Trained { policy, stopped } => {
                    b.status = Status::Done;
                    let run = b.run.clone();
                    let name = match &run {
                        Some(r) => format!(
                            "{} · {} episodes{}{}",
                            r.algo.name(),
                            b.history.last().map(|p| p.episodes).unwrap_or(r.episodes),
                            if r.randomized.is_some() {
                                " · randomized"
                            } else {
                                ""
                            },
                            if stopped { " · stopped" } else { "" }
                        ),
                        None => "trained policy".into(),
                    };
                    let randomized = run.as_ref().is_some_and(|r| r.randomized.is_some());
                    if !stopped {
                        if let Some(r) = &run {
                            // Compare only policies of one site and task.
                            let same = |json: &Option<String>| {
                                json.as_deref()
                                    .and_then(|j| LearnedPolicy::from_json(j).ok())
                                    .is_some_and(|p| {
                                        p.provenance.site == r.site && p.provenance.task == r.task
                                    })
                            };
                            if randomized {
                                if !same(&b.plain) {
                                    b.plain = None;
                                }
                                b.randomized = Some(policy.clone());
                            } else {
                                if !same(&b.randomized) {
                                    b.randomized = None;
                                }
                                b.plain = Some(policy.clone());
                            }
                            b.compared = None;
                        }
                    }
                    b.finished = (
                        b.finished.0 + 1,
                        Some(Saved {
                            key: String::new(),
                            name,
                            randomized,
                            policy,
                        }),
                    );
                }
                Report::SweepProgress { done, total } => b.sweeping = Some((done, total)),
                Report::Swept { svg, .. } => {
                    b.sweeping = None;
                    b.heat = Some(svg);
                }
                Report::Compared(rates) => b.compared = Some(rates),
                Report::Failed(e) => {
                    b.error = Some(e);
                    b.sweeping = None;
                    if matches!(b.status, Status::Running | Status::Paused) {
                        b.status = Status::Idle;
                    }
                }
            },
            Change::Started(run) => {
                b.status = Status::Running;
                b.run = Some(run);
                b.history.clear();
                b.error = None;
                // The worker does one job at a time: a new run ends a sweep in progress.
                b.sweeping = None;
            }
            Change::Fail(e) => b.error = Some(e),
            Change::WorkerFailed(message) => {
                // What it was doing is lost; what was saved is not. The first panic is the one
                // to read: a dying worker may panic again while it unwinds its task queue.
                b.crashed.get_or_insert(message);
                b.sweeping = None;
                if matches!(b.status, Status::Running | Status::Paused) {
                    b.status = Status::Idle;
                }
            }
            Change::RestartWorker => {
                b.worker += 1;
                b.crashed = None;
            }
            Change::DismissError => b.error = None,
            Change::Add(saved) => {
                b.saved.retain(|s| s.key != saved.key);
                b.saved.push(saved);
            }
            Change::Remove(key) => b.saved.retain(|s| s.key != key),
            Change::SweepStarted => {
                b.sweeping = Some((0, 1));
                b.heat = None;
            }
            Change::SetEpisodes(text) => b.episodes_text = text,
            Change::SetAlgo(algo) => b.algo = algo,
            Change::SetRandomize(on) => b.randomize = on,
        }
        Rc::new(b)
    }
}

/// Reads every saved policy; an entry that cannot be read is reported and left alone.
fn load_saved() -> (Vec<Saved>, Vec<String>) {
    let mut saved = Vec::new();
    let mut notices = Vec::new();
    let storage = LocalStorage::raw();
    let count = storage.length().unwrap_or(0);
    let mut keys: Vec<String> = (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(STORAGE_PREFIX))
        .collect();
    keys.sort();
    for key in keys {
        let text = storage.get_item(&key).ok().flatten().unwrap_or_default();
        let entry = serde_json::from_str::<Saved>(&text)
            .map_err(|e| e.to_string())
            .and_then(|s| LearnedPolicy::from_json(&s.policy).map(|_| s));
        match entry {
            Ok(mut s) => {
                s.key = key;
                saved.push(s);
            }
            Err(e) => notices.push(format!(
                "A saved policy in this browser (\"{key}\") cannot be read and is not listed: {e}."
            )),
        }
    }
    (saved, notices)
}

/// The key prefix of a policy kept in memory only, because the browser would not store it.
const UNSAVED_PREFIX: &str = "wobble.unsaved.";

/// Saves a policy under a new key; returns it with its key. When the browser refuses (its
/// storage is full, or storage is off), the policy is still returned, under an unsaved key, with
/// what to tell the person: the work is kept for this visit and can be downloaded.
fn store(mut saved: Saved) -> (Saved, Option<String>) {
    let mut n = js_sys::Date::now() as u64;
    let storage = LocalStorage::raw();
    while storage
        .get_item(&format!("{STORAGE_PREFIX}{n}"))
        .ok()
        .flatten()
        .is_some()
    {
        n += 1;
    }
    saved.key = format!("{STORAGE_PREFIX}{n}");
    match LocalStorage::set(&saved.key, &saved) {
        Ok(()) => (saved, None),
        Err(e) => {
            saved.key = format!("{UNSAVED_PREFIX}{n}");
            let why = if format!("{e}").contains("Quota") {
                "this browser's storage for the page is full".to_string()
            } else {
                format!("this browser would not store it ({e})")
            };
            let message = format!(
                "The policy \"{}\" was not saved: {why}. It is kept until the page is closed; \
                 download it to keep it, or delete a saved policy to make room.",
                saved.name
            );
            (saved, Some(message))
        }
    }
}

/// Offers `text` as a file download.
fn download(name: &str, text: &str) -> Result<(), String> {
    let fail = |_| "the download could not be started".to_string();
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "no link element".to_string())?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// A file name for a saved policy.
fn file_name(saved: &Saved) -> String {
    let slug: String = saved
        .target()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("wobble-policy-{slug}.json")
}

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

#[derive(Properties, PartialEq)]
struct TrainerProps {
    selection: Selection,
    site_file: Option<Rc<SiteFile>>,
}

/// The panel itself (inside the worker's provider).
#[function_component]
fn Trainer(props: &TrainerProps) -> Html {
    let board = use_reducer(|| {
        let (saved, notices) = load_saved();
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
                bridge.send(Command::Sweep(SweepRequest {
                    policy: saved.policy,
                    name: saved.name,
                    episodes: SWEEP_EPISODES,
                    seed: EVALUATION_SEEDS_START,
                    site_file: site_file.as_deref().cloned(),
                }));
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

    let selection = &props.selection;
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
    let onupload = {
        let board = board.dispatcher();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let board = board.clone();
            let name = file.name();
            if let Err(e) = wobble_engine::limits::check_size(
                "policy",
                file.size() as u64,
                wobble_engine::limits::MAX_POLICY_BYTES,
            ) {
                board.dispatch(Change::Fail(format!("\"{name}\" was not read: {e}.")));
                return;
            }
            let file = gloo_file::File::from(file);
            wasm_bindgen_futures::spawn_local(async move {
                let text = match gloo_file::futures::read_as_text(&file).await {
                    Ok(t) => t,
                    Err(e) => {
                        board.dispatch(Change::Fail(format!("\"{name}\" could not be read: {e}.")));
                        return;
                    }
                };
                match LearnedPolicy::from_json(&text) {
                    Ok(_) => {
                        let saved = Saved {
                            key: String::new(),
                            name: format!("uploaded · {name}"),
                            randomized: false,
                            policy: text,
                        };
                        let (kept, problem) = store(saved);
                        board.dispatch(Change::DismissError);
                        board.dispatch(Change::Add(kept));
                        if let Some(message) = problem {
                            board.dispatch(Change::Fail(message));
                        }
                    }
                    Err(e) => board.dispatch(Change::Fail(format!(
                        "\"{name}\" is not a usable policy: {e}."
                    ))),
                }
            });
        })
    };
    let ondismiss = {
        let board = board.dispatcher();
        Callback::from(move |_: MouseEvent| board.dispatch(Change::DismissError))
    };
    let onrestart = {
        let board = board.dispatcher();
        Callback::from(move |_: MouseEvent| board.dispatch(Change::RestartWorker))
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
            if let Some((done, total)) = board.sweeping {
                <p class="hint" id="wobble-sweep-status">{ format!("Sweeping every perturbation: {done} of {total} cells…") }</p>
            }
            if let Some(svg) = &board.heat {
                <figure class="heat" id="wobble-heat">
                    <figcaption class="chart-title">{"Brittleness: success under each perturbation"}</figcaption>
                    { Html::from_html_unchecked(AttrValue::from(svg.clone())) }
                </figure>
            }
            if let Some(rates) = &board.compared {
                <Bars id="wobble-compare" title={ if spec_empty {
                    AttrValue::from("Success with no perturbation")
                } else {
                    AttrValue::from(format!("Success under {}", selection.perturb))
                } } bars={rates.clone()} />
            } else if board.plain.is_some() != board.randomized.is_some() {
                <p class="hint" id="wobble-compare-hint">{ if spec_empty {
                    "To compare with a policy trained under randomized perturbations, turn some perturbations on (right), tick \"Randomize\" and train again."
                } else {
                    "Train this task once more with the other randomization setting to compare the two under the current perturbations."
                } }</p>
            }
            { saved_list(&board, &bridge, &site_file) }
            <label class="button button-small train-upload">
                {"Upload a policy file…"}
                <input type="file" id="wobble-policy-upload" accept=".json,application/json" onchange={onupload} />
            </label>
        </section>
    }
}

/// The saved policies, each with download, sweep and delete.
fn saved_list(
    board: &UseReducerHandle<Board>,
    bridge: &WorkerLink,
    site_file: &Option<Rc<SiteFile>>,
) -> Html {
    if board.saved.is_empty() {
        return html! { <p class="hint" id="wobble-policies-empty">{"No saved policies yet."}</p> };
    }
    // The worker does one job at a time: a sweep would end the training.
    let busy = matches!(board.status, Status::Running | Status::Paused);
    html! {
        <div class="saved">
            <h3 class="saved-title">{"Saved policies"}</h3>
            <ul class="saved-list" id="wobble-policies">
                { for board.saved.iter().rev().map(|s| {
                    let ondownload = {
                        let board = board.dispatcher();
                        let s = s.clone();
                        Callback::from(move |_: MouseEvent| {
                            if let Err(e) = download(&file_name(&s), &s.policy) {
                                board.dispatch(Change::Fail(format!("The policy could not be downloaded: {e}.")));
                            }
                        })
                    };
                    let onsweep = {
                        let board = board.dispatcher();
                        let bridge = bridge.clone();
                        let s = s.clone();
                        let site_file = site_file.clone();
                        Callback::from(move |_: MouseEvent| {
                            bridge.send(Command::Sweep(SweepRequest {
                                policy: s.policy.clone(),
                                name: s.name.clone(),
                                episodes: SWEEP_EPISODES,
                                seed: EVALUATION_SEEDS_START,
                                site_file: site_file.as_deref().cloned(),
                            }));
                            board.dispatch(Change::SweepStarted);
                        })
                    };
                    let ondelete = {
                        let board = board.dispatcher();
                        let key = s.key.clone();
                        Callback::from(move |_: MouseEvent| {
                            LocalStorage::delete(&key);
                            board.dispatch(Change::Remove(key.clone()));
                        })
                    };
                    html! {
                        <li class="saved-item" data-key={s.key.clone()}>
                            <span class="saved-name"><strong>{ s.target() }</strong>{ " · " }{ s.name.clone() }
                                if s.key.starts_with(UNSAVED_PREFIX) {
                                    <span class="saved-unsaved" title="The browser would not store it: download it to keep it">{" · not saved"}</span>
                                }
                            </span>
                            <span class="saved-buttons">
                                <button type="button" class="button button-small" onclick={ondownload}>{"Download"}</button>
                                <button type="button" class="button button-small" disabled={busy} title="Success under every perturbation (after training)" onclick={onsweep}>{"Sweep"}</button>
                                <button type="button" class="button button-small" onclick={ondelete}>{"Delete"}</button>
                            </span>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wobble_policy::learned::features::FeatureSet;

    fn point(episodes: u64) -> Point {
        Point {
            episodes,
            total: 100_000,
            per_second: 1000.0,
            success_rate: 0.5,
            mean_return: 0.0,
            mean_steps: 2.0,
            memory_bytes: 0,
        }
    }

    fn policy(site: &str) -> String {
        let mut p = LearnedPolicy::new(FeatureSet::default(), 4, 1);
        p.provenance.site = site.into();
        p.provenance.task = site.into();
        p.to_json()
    }

    fn run(site: &str, randomized: bool) -> Change {
        Change::Started(Run {
            site: site.into(),
            task: site.into(),
            algo: Algo::Ppo,
            episodes: 10,
            randomized: randomized.then(|| "popup:1@0.5".into()),
        })
    }

    fn apply(board: Rc<Board>, changes: Vec<Change>) -> Rc<Board> {
        changes.into_iter().fold(board, |b, c| b.reduce(c))
    }

    #[test]
    fn a_history_and_its_clones_keep_room_for_the_whole_chart() {
        let mut history = History::new();
        history.extend((1..=3).map(point));
        let copy = history.clone();
        assert_eq!(&*copy, &*history);
        assert!(
            copy.0.capacity() >= HISTORY_CAPACITY,
            "{}",
            copy.0.capacity()
        );
        history.extend((4..=1000).map(point));
        assert_eq!(
            history.0.capacity(),
            HISTORY_CAPACITY,
            "thinning never reallocates"
        );
        assert_eq!(history.first().map(|p| p.episodes), Some(1));
    }

    #[test]
    fn long_histories_are_thinned_and_keep_the_latest_point() {
        let board = apply(Rc::new(Board::default()), vec![run("click-button", false)]);
        let points: Vec<Point> = (1..=1000).map(point).collect();
        let board = apply(board, vec![Change::Report(Report::Progress(points))]);
        assert!(board.history.len() <= MAX_POINTS, "{}", board.history.len());
        assert_eq!(board.history.last().map(|p| p.episodes), Some(1000));
        assert_eq!(board.status, Status::Running);
    }

    #[test]
    fn plain_and_randomized_policies_of_one_task_are_kept_for_comparison() {
        let trained = |site: &str| {
            Change::Report(Report::Trained {
                policy: policy(site),
                stopped: false,
            })
        };
        let board = apply(
            Rc::new(Board::default()),
            vec![
                run("enter-text", false),
                trained("enter-text"),
                run("enter-text", true),
                trained("enter-text"),
            ],
        );
        assert!(board.plain.is_some() && board.randomized.is_some());
        assert_eq!(board.finished.0, 2);
        assert_eq!(board.status, Status::Done);
        // A plain policy of another task replaces the pair.
        let board = apply(
            board,
            vec![run("click-button", false), trained("click-button")],
        );
        assert!(board.plain.is_some() && board.randomized.is_none());
        // A stopped run is saved but not compared.
        let board = apply(
            board,
            vec![
                run("click-button", true),
                Change::Report(Report::Trained {
                    policy: policy("click-button"),
                    stopped: true,
                }),
            ],
        );
        assert!(board.randomized.is_none());
        assert!(board
            .finished
            .1
            .as_ref()
            .is_some_and(|s| s.name.contains("stopped")));
    }

    #[test]
    fn a_failure_from_the_worker_is_shown_and_ends_the_run() {
        let board = apply(
            Rc::new(Board::default()),
            vec![
                run("click-button", false),
                Change::Report(Report::Failed("no such site".into())),
            ],
        );
        assert_eq!(board.error.as_deref(), Some("no such site"));
        assert_eq!(board.status, Status::Idle);
    }
}
