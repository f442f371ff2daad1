//! The panel's state: one [`Board`] changed only through named [`Change`]s.
//!
//! Every [`Report`] of the worker arrives as [`Change::Report`]; the panel's own buttons and
//! fields add the rest. Training fills the [`History`] and ends in `finished`, the policy the
//! panel then saves and sweeps; a plain and a randomized policy of one site and task are kept
//! side by side (`plain`, `randomized`) for the comparison.

use std::rc::Rc;

use wobble_app::agent::{Rate, Report};
use wobble_policy::learned::train::Algo;
use wobble_policy::LearnedPolicy;
use yew::prelude::*;

use super::history::History;
use super::library::Saved;

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
    /// Oracle episodes cloned before practice (their points come first on the charts).
    pub warm_start: u64,
}

/// What the training fields hold: the text of the number fields as typed (checked on Start),
/// the algorithm and the randomization toggle.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Episodes of practice, as typed.
    pub episodes: String,
    /// Oracle episodes to copy first, as typed.
    pub warm_start: String,
    /// Algorithm.
    pub algo: Algo,
    /// Randomize the current perturbations.
    pub randomize: bool,
}

/// Episodes of practice a new run gets unless changed, and the lesson's runs always get: the
/// shipped airline agent's recipe (`policies/train.sh`), so that a lesson's plain agent is that
/// agent, and its randomized one is trained exactly as long.
pub const DEFAULT_EPISODES: u64 = 2000;
/// Oracle episodes copied before practice unless changed (the lesson's too): as above.
pub const DEFAULT_WARM_START: u64 = 300;
/// The training seed of a lesson's runs: the shipped recipe's. (A run started by hand trains
/// with the seed of the episode shown, which moves on as the agent plays.)
pub const LESSON_SEED: u64 = 1;

impl Settings {
    /// The defaults, with the randomization toggle as given: what a lesson's run uses.
    pub fn defaults(randomize: bool) -> Settings {
        Settings {
            episodes: DEFAULT_EPISODES.to_string(),
            warm_start: DEFAULT_WARM_START.to_string(),
            algo: Algo::Ppo,
            randomize,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::defaults(false)
    }
}

/// The panel's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    pub(super) status: Status,
    pub(super) run: Option<Run>,
    pub(super) history: History,
    pub(super) error: Option<String>,
    pub(super) notices: Vec<String>,
    pub(super) saved: Vec<Saved>,
    /// Grows with every finished training; the latest policy to save and sweep.
    pub(super) finished: (u64, Option<Saved>),
    pub(super) heat: Option<String>,
    pub(super) sweeping: Option<(usize, usize)>,
    pub(super) plain: Option<String>,
    pub(super) randomized: Option<String>,
    /// The comparison's rates, with the spec they were measured under.
    pub(super) compared: Option<(String, Vec<Rate>)>,
    pub(super) settings: Settings,
    /// Counts workers: a new number starts a new worker.
    pub(super) worker: u64,
    /// The panic message of a worker that stopped.
    pub(super) crashed: Option<String>,
    /// The saved policy whose link is shown (its key), and the link.
    pub(super) shared: Option<(String, String)>,
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
            settings: Settings::default(),
            worker: 0,
            crashed: None,
            shared: None,
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
    /// Warm-start field.
    SetWarmStart(String),
    /// Algorithm picker.
    SetAlgo(Algo),
    /// Randomization toggle.
    SetRandomize(bool),
    /// Every field at once (a lesson's run).
    SetAll(Settings),
    /// The worker panicked (with this message) and is gone.
    WorkerFailed(String),
    /// Start a new worker after a failure.
    RestartWorker,
    /// Show the link of a saved policy (its key, and the link), or hide it.
    Share(Option<(String, String)>),
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
                            "{} · {} episodes{}{}{}",
                            r.algo.name(),
                            // Practice only: the oracle's episodes are named apart.
                            b.history
                                .last()
                                .map(|p| p.episodes.saturating_sub(r.warm_start))
                                .unwrap_or(r.episodes),
                            if r.warm_start > 0 {
                                format!(" after copying the oracle for {}", r.warm_start)
                            } else {
                                String::new()
                            },
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
                Report::Compared { perturb, rates } => b.compared = Some((perturb, rates)),
                // Checks and break searches run in workers of their own, never this one.
                Report::CheckProgress { .. }
                | Report::Checked(_)
                | Report::BreakProgress { .. }
                | Report::Broke(_) => {}
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
            Change::Share(shared) => b.shared = shared,
            Change::SweepStarted => {
                b.sweeping = Some((0, 1));
                b.heat = None;
            }
            Change::SetEpisodes(text) => b.settings.episodes = text,
            Change::SetWarmStart(text) => b.settings.warm_start = text,
            Change::SetAlgo(algo) => b.settings.algo = algo,
            Change::SetRandomize(on) => b.settings.randomize = on,
            Change::SetAll(settings) => b.settings = settings,
        }
        Rc::new(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wobble_app::agent::Point;
    use wobble_policy::learned::features::FeatureSet;

    use super::super::history::tests::point;
    use super::super::history::MAX_POINTS;

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
            warm_start: 0,
        })
    }

    fn apply(board: Rc<Board>, changes: Vec<Change>) -> Rc<Board> {
        changes.into_iter().fold(board, |b, c| b.reduce(c))
    }

    #[test]
    fn the_readme_states_the_lessons_recipe() {
        let readme = include_str!("../../../README.md").replace('\n', " ");
        let thousands = |n: u64| match n {
            1000.. => format!("{},{:03}", n / 1000, n % 1000),
            _ => n.to_string(),
        };
        let recipe = format!(
            "{} episodes after copying the oracle for {}, training seed {LESSON_SEED}",
            thousands(DEFAULT_EPISODES),
            thousands(DEFAULT_WARM_START)
        );
        assert!(
            readme.contains(&recipe),
            "README.md should say \"{recipe}\""
        );
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
