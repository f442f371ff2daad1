//! The editor's "Check": the site file checked by the library checker
//! (`wobble_policy::check`, the code behind `wobble check`) in a worker of the editor's own, so
//! a training run in the training panel's worker goes on undisturbed.
//!
//! The worker is spawned the first time a person presses Check and lives as long as the editor.
//! Each press sends the text as it is then; progress comes back as episodes played, and the end
//! as the report: every check holding, or each finding with the line of the recipe step at
//! fault (a button selects it in the text).

use std::rc::Rc;

use wobble_app::agent::{CheckRequest, Command, Report};
use wobble_policy::check::Report as CheckReport;
use yew::prelude::*;

use crate::components::worker_link::use_training_worker;

/// Oracle episodes per task and perturbation, as `wobble check` plays by default.
pub const CHECK_SEEDS: u64 = 20;

/// Props of [`SiteCheck`].
#[derive(Properties, PartialEq)]
pub struct SiteCheckProps {
    /// The text in the editor now.
    pub text: Rc<str>,
    /// Grows with every press of Check: each value checks the text as it is then.
    pub run: u64,
    /// The file name errors are reported under.
    pub file_name: AttrValue,
    /// Selects a line of the text.
    pub ongoto: Callback<usize>,
}

/// Where a check is.
#[derive(Debug, Clone, PartialEq, Default)]
enum State {
    #[default]
    Starting,
    Running {
        done: u64,
        total: u64,
    },
    Done(Rc<CheckReport>),
    Failed(String),
}

/// The state, and the text it is about.
#[derive(Debug, Clone, PartialEq, Default)]
struct Check {
    state: State,
    text: Option<Rc<str>>,
}

enum Action {
    Start(Rc<str>),
    Report(Report),
}

impl Reducible for Check {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Start(text) => {
                next.state = State::Starting;
                next.text = Some(text);
            }
            Action::Report(Report::CheckProgress { done, total }) => {
                next.state = State::Running { done, total }
            }
            Action::Report(Report::Checked(report)) => next.state = State::Done(Rc::new(report)),
            Action::Report(Report::Failed(e)) => next.state = State::Failed(e),
            Action::Report(_) => return self,
        }
        Rc::new(next)
    }
}

/// The check's progress and findings, under the editor's status line.
#[function_component]
pub fn SiteCheck(props: &SiteCheckProps) -> Html {
    let check = use_reducer(Check::default);
    let worker = {
        let on_report = check.dispatcher();
        let on_fault = check.dispatcher();
        use_training_worker(
            0,
            move |report| on_report.dispatch(Action::Report(report)),
            move |fault| {
                on_fault.dispatch(Action::Report(Report::Failed(format!(
                    "the worker checking the site stopped: {fault}"
                ))))
            },
        )
    };
    {
        let (check, text, file_name) = (check.clone(), props.text.clone(), props.file_name.clone());
        use_effect_with(props.run, move |_| {
            check.dispatch(Action::Start(text.clone()));
            worker.send(Command::Check(CheckRequest {
                file_name: file_name.to_string(),
                text: text.to_string(),
                seeds: CHECK_SEEDS,
            }));
        });
    }
    let stale = check.text.as_ref().is_some_and(|t| *t != props.text);
    let (state, body) = match &check.state {
        State::Starting => ("running", html! { <span>{"Starting the check…"}</span> }),
        State::Running { done, total } => (
            "running",
            html! {
                <>
                    <span>{ format!("Checking every task with the oracle: {done} of {total} episodes") }</span>
                    <progress class="check-progress" max={total.to_string()} value={done.to_string()} />
                </>
            },
        ),
        State::Failed(e) => (
            "error",
            html! { <span id="wobble-check-error">{ format!("{}.", crate::components::sentence(e)) }</span> },
        ),
        State::Done(report) if report.passed() => ("passed", passed(report)),
        State::Done(report) => ("failed", findings(report, &props.ongoto)),
    };
    html! {
        <div class={classes!("editor-check", format!("editor-check-{state}"))} id="wobble-check"
            data-state={state} role="status" aria-live="polite">
            { body }
            if stale && state != "running" {
                <span class="hint">{" The text has changed since: press Check again."}</span>
            }
        </div>
    }
}

/// Every check holds: what was played.
fn passed(report: &CheckReport) -> Html {
    let solved: u64 = report.cells.iter().map(|c| c.solved).sum();
    let kinds = report.cells.len() / report.tasks.len().max(1);
    html! {
        <span id="wobble-check-summary">{ format!(
            "Every check holds: the oracle solved {solved} of {} episodes of {} task{}, on the site as written and under each of {} kinds of change at severity 3 ({} seeds each); the pages kept their layout and two copies stayed in step.",
            report.episodes(),
            report.tasks.len(),
            if report.tasks.len() == 1 { "" } else { "s" },
            kinds.saturating_sub(1),
            report.seeds,
        ) }</span>
    }
}

/// The findings, each with its recipe step's line.
fn findings(report: &CheckReport, ongoto: &Callback<usize>) -> Html {
    let count: u64 = report.cells.iter().map(|c| c.findings).sum();
    html! {
        <>
            <span id="wobble-check-summary">{ format!(
                "{count} finding{} in {} episodes (the first few of each kind are listed):",
                if count == 1 { "" } else { "s" },
                report.episodes()
            ) }</span>
            <ul class="check-findings" id="wobble-check-findings">
                { for report.findings.iter().map(|f| {
                    let step = f.step.as_ref().map(|s| {
                        let line = s.line;
                        let onclick = ongoto.reform(move |_: MouseEvent| line);
                        html! {
                            <>
                                <button type="button" class="button-text check-line" data-line={line.to_string()} {onclick}>
                                    { format!("Line {line}") }
                                </button>
                                { format!(" recipe step {} `{}`: ", s.index + 1, s.text) }
                            </>
                        }
                    });
                    html! {
                        <li data-stage={f.stage.name()}>
                            <strong>{ format!("{}, task \"{}\", {}, seed {}: ", f.stage.name(), f.task, f.perturbation, f.seed) }</strong>
                            { for step }
                            { &f.message }
                        </li>
                    }
                }) }
            </ul>
        </>
    }
}
