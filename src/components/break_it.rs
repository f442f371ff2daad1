//! The agent card's "Break it": the library's search for the cheapest perturbation that breaks
//! the agent now playing (`wobble_policy::breaking`, the code behind `wobble break`), run in a
//! worker of the card's own so that a training run in the training panel's worker goes on.
//!
//! The worker is spawned the first time a person presses the button and lives as long as the
//! card. Progress comes back as the candidates settled so far, drawn as a small chart of the
//! agent's success on each with its interval and the threshold; the end is the report. A break
//! found is applied to the page's site (through the same change as the perturbation panel's, so
//! the link follows) and described: the spec, what its kinds do, what it changed, the verified
//! intervals of the agent and the oracle, and a link that plays it. A search that finds nothing
//! says why. The page only shows what the search reports; the search is the library's.

use std::rc::Rc;

use wobble_app::agent::{BreakAgent, BreakRequest, Candidate, Command, Report, SiteFile};
use wobble_app::shipped::Shipped;
use wobble_engine::perturb::PerturbSpec;
use wobble_policy::breaking::{Attempt, BreakConfig, BreakReport, Tally, Verdict};
use yew::prelude::*;

use crate::components::worker_link::use_training_worker;
use crate::player::PolicyChoice;
use crate::session::Selection;

/// The agent a search is about, as the card knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Who plays.
    pub policy: PolicyChoice,
    /// The saved policy's name and file's JSON, when a saved policy plays.
    pub saved: Option<(String, Rc<str>)>,
}

impl Target {
    /// The request's agent and its name, or `None` when nobody plays.
    fn agent(&self) -> Option<(BreakAgent, String)> {
        let shipped = |s: Shipped| Some((BreakAgent::Shipped(s), self.policy.name().to_string()));
        match self.policy {
            PolicyChoice::None => None,
            PolicyChoice::Airline => shipped(Shipped::Reader),
            PolicyChoice::AirlineRandomized => shipped(Shipped::ReaderRandomized),
            PolicyChoice::AirlineScreen => shipped(Shipped::Screen),
            PolicyChoice::Script | PolicyChoice::Random | PolicyChoice::Oracle => Some((
                BreakAgent::Named(self.policy.name().to_string()),
                self.policy.name().to_string(),
            )),
            PolicyChoice::Saved => {
                let (name, json) = self.saved.as_ref()?;
                Some((BreakAgent::Learned(json.to_string()), name.clone()))
            }
        }
    }
}

/// Props of [`BreakIt`].
#[derive(Properties, PartialEq)]
pub struct BreakItProps {
    /// The agent playing now.
    pub target: Target,
    /// The episode shown: its site and task are searched, and the link plays it.
    pub selection: Selection,
    /// The site opened from a file, if any (the worker compiles its own copy).
    #[prop_or_default]
    pub site_file: Option<Rc<SiteFile>>,
    /// Sets the site's perturbations to a break found.
    pub onapply: Callback<PerturbSpec>,
    /// Searches asked for by the page (a lesson's "Do it for me"): each time it grows, a search
    /// starts as if the button were pressed.
    #[prop_or_default]
    pub order: u64,
}

/// Where a search is.
#[derive(Debug, Clone, PartialEq, Default)]
enum State {
    #[default]
    Idle,
    Running {
        /// Episodes played and the budget.
        episodes: u64,
        budget: u64,
        baseline: Tally,
        attempts: Rc<Vec<Attempt>>,
        current: Option<Candidate>,
    },
    /// Over: a break (applied to the site) or the reason there is none.
    Done {
        report: Rc<BreakReport>,
        /// Seconds from the press to the report.
        seconds: f64,
    },
    Failed(String),
}

/// The state, what it is about, and when it started.
#[derive(Debug, Clone, PartialEq, Default)]
struct Search {
    state: State,
    /// The request the state is about.
    request: Option<Rc<BreakRequest>>,
    /// When the search started (milliseconds, the page's clock).
    started: f64,
    /// Grows with every command for the worker: a search to start, or a stop.
    order: u64,
    /// Grows with every break found, so the card applies each once.
    found: u64,
}

enum Action {
    Start(Rc<BreakRequest>, f64),
    Stop,
    /// A report from the worker, and when it arrived.
    Report(Report, f64),
    /// The agent, site or task changed: a result about the old ones no longer applies.
    Forget,
}

impl Reducible for Search {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let running = matches!(self.state, State::Running { .. });
        match action {
            Action::Start(request, at) => {
                next.request = Some(request);
                next.started = at;
                next.order += 1;
                next.state = State::Running {
                    episodes: 0,
                    budget: 0,
                    baseline: Tally {
                        episodes: 0,
                        successes: 0,
                        success_rate: 0.0,
                        ci95: Default::default(),
                    },
                    attempts: Rc::default(),
                    current: None,
                };
            }
            Action::Stop | Action::Forget if running => {
                next.request = None;
                next.order += 1;
                next.state = State::Idle;
            }
            Action::Forget => {
                if matches!(self.state, State::Idle) {
                    return self;
                }
                next.state = State::Idle;
                next.request = None;
            }
            Action::Stop => return self,
            // Reports of a search stopped since are late: only the running search's count.
            Action::Report(
                Report::BreakProgress {
                    episodes,
                    budget,
                    baseline,
                    attempts,
                    current,
                },
                _,
            ) if running => {
                next.state = State::Running {
                    episodes,
                    budget,
                    baseline,
                    attempts: Rc::new(attempts),
                    current,
                };
            }
            Action::Report(Report::Broke(report), at) if running && self.is_about(&report) => {
                if report.found.is_some() {
                    next.found += 1;
                }
                next.state = State::Done {
                    report: Rc::new(*report),
                    seconds: (at - self.started) / 1000.0,
                };
            }
            Action::Report(Report::Failed(e), _) if running => next.state = State::Failed(e),
            Action::Report(..) => return self,
        }
        Rc::new(next)
    }
}

impl Search {
    /// Whether a report is about the search asked for (and not one stopped before it).
    fn is_about(&self, report: &BreakReport) -> bool {
        self.request.as_ref().is_some_and(|r| {
            r.site == report.site && r.task == report.task && r.name == report.policy
        })
    }
}

/// The "Break it" button, the search's progress and its result.
#[function_component]
pub fn BreakIt(props: &BreakItProps) -> Html {
    let search = use_reducer(Search::default);
    let agent = props.target.agent();
    {
        // Another agent, site or task: stop the search and forget its result.
        let search = search.dispatcher();
        let key = (
            props.target.clone(),
            props.selection.site.clone(),
            props.selection.task.clone(),
        );
        use_effect_with(key, move |_| search.dispatch(Action::Forget));
    }
    {
        // Each break found goes to the site once.
        let (onapply, search) = (props.onapply.clone(), search.clone());
        use_effect_with(search.found, move |_| {
            if let State::Done { report, .. } = &search.state {
                if let Some(spec) = report.found.as_ref().and_then(|b| b.spec.parse().ok()) {
                    onapply.emit(spec);
                }
            }
        });
    }
    let start = {
        let search = search.dispatcher();
        let selection = props.selection.clone();
        let site_file = props.site_file.clone();
        let agent = agent.clone();
        Rc::new(move || {
            let Some((agent, name)) = agent.clone() else {
                return;
            };
            let request = BreakRequest {
                agent,
                name,
                site: selection.site.clone(),
                task: selection.task.clone(),
                site_file: site_file
                    .as_deref()
                    .filter(|f| f.name == selection.site)
                    .cloned(),
            };
            search.dispatch(Action::Start(Rc::new(request), js_sys::Date::now()));
        })
    };
    {
        // A search asked for by the page starts as a press would (declared after the effect
        // that forgets on a new agent, so a lesson that also picks the agent searches that one).
        // Orders from before the card was drawn are not repeated.
        let (start, seen) = (start.clone(), use_mut_ref(|| props.order));
        use_effect_with(props.order, move |order| {
            if *order > *seen.borrow() {
                *seen.borrow_mut() = *order;
                start();
            }
        });
    }
    let onstart = Callback::from(move |_: MouseEvent| start());
    let onstop = {
        let search = search.dispatcher();
        Callback::from(move |_: MouseEvent| search.dispatch(Action::Stop))
    };
    let running = matches!(search.state, State::Running { .. });
    let (state, body) = match &search.state {
        State::Idle => ("idle", html! {}),
        State::Running {
            episodes,
            budget,
            baseline,
            attempts,
            current,
        } => (
            "running",
            progress(*episodes, *budget, baseline, attempts, current.as_ref()),
        ),
        State::Failed(e) => (
            "failed",
            html! {
                <p class="break-it-error" id="wobble-break-error" role="alert">
                    { format!("The search could not run: {}.", e.trim_end_matches('.')) }
                </p>
            },
        ),
        State::Done { report, seconds } => match &report.found {
            Some(_) => ("found", found(report, *seconds, props)),
            None => ("none", nothing(report, *seconds)),
        },
    };
    let spec = match &search.state {
        State::Done { report, .. } => report.found.as_ref().map(|b| b.spec.clone()),
        _ => None,
    };
    html! {
        <div class="break-it" id="wobble-break" data-state={state} data-spec={spec}>
            <div class="button-row break-it-row">
                <button type="button" id="wobble-break-it" class="button button-danger"
                    disabled={agent.is_none() || running} onclick={onstart}
                    title="Search for the cheapest change to the site that drops this agent's success below 50% while the oracle still succeeds">
                    { if matches!(search.state, State::Done { .. }) { "Break it again" } else { "Break it" } }
                </button>
                if running {
                    <button type="button" id="wobble-break-stop" class="button" onclick={onstop}>{"Stop"}</button>
                }
            </div>
            <div class="break-it-body" role="status" aria-live="polite">{ body }</div>
            if search.order > 0 {
                <BreakWorker number={search.order} request={search.request.clone()} search={search.dispatcher()} />
            }
        </div>
    }
}

/// Props of [`BreakWorker`].
#[derive(Properties, PartialEq)]
struct BreakWorkerProps {
    /// Grows with every command: the request to search, or a stop when there is none.
    number: u64,
    #[prop_or_default]
    request: Option<Rc<BreakRequest>>,
    search: UseReducerDispatcher<Search>,
}

/// The worker, spawned at the first search and kept while the card lives.
#[function_component]
fn BreakWorker(props: &BreakWorkerProps) -> Html {
    let worker = {
        let (on_report, on_fault) = (props.search.clone(), props.search.clone());
        use_training_worker(
            0,
            move |report| on_report.dispatch(Action::Report(report, js_sys::Date::now())),
            move |fault| {
                on_fault.dispatch(Action::Report(
                    Report::Failed(format!("the worker searching for a break stopped: {fault}")),
                    js_sys::Date::now(),
                ))
            },
        )
    };
    let request = props.request.clone();
    use_effect_with(props.number, move |_| match request {
        Some(request) => worker.send(Command::Break((*request).clone())),
        None => worker.send(Command::Stop),
    });
    html! {}
}

/// Candidates tried, episodes spent, the chart and the candidate under test.
fn progress(
    episodes: u64,
    budget: u64,
    baseline: &Tally,
    attempts: &[Attempt],
    current: Option<&Candidate>,
) -> Html {
    let testing = current.map(|c| {
        format!(
            "{} {}: {} of {} episodes succeeded so far",
            if c.verifying {
                "Verifying on fresh seeds"
            } else {
                "Testing"
            },
            c.spec,
            c.agent.successes,
            c.agent.episodes
        )
    });
    html! {
        <>
            <p class="break-it-summary" id="wobble-break-progress"
                data-episodes={episodes.to_string()} data-candidates={attempts.len().to_string()}>
                { if budget == 0 {
                    "Starting the search…".to_string()
                } else {
                    format!("{} candidate{} tried · {episodes} of {budget} episodes",
                        attempts.len(), if attempts.len() == 1 { "" } else { "s" })
                } }
            </p>
            if budget > 0 {
                <progress class="break-it-budget" max={budget.to_string()} value={episodes.to_string()}
                    aria-label="Episodes spent of the search's budget" />
            }
            { chart(baseline, attempts, current) }
            if let Some(testing) = testing {
                <p class="break-it-note">{ testing }</p>
            }
        </>
    }
}

// Narrower than the training panel's charts: the agent card is narrow, so its text scales up.
const CHART_W: f64 = 240.0;
const CHART_H: f64 = 90.0;
const LEFT: f64 = 28.0;
const RIGHT: f64 = 6.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 20.0;

/// The agent's success on each candidate, in the order tried: a dot with its 95% interval,
/// unperturbed first, the candidate under test last (hollow), and the threshold as a dashed line.
fn chart(baseline: &Tally, attempts: &[Attempt], current: Option<&Candidate>) -> Html {
    let mut points: Vec<(String, Tally, &'static str)> = Vec::new();
    if baseline.episodes > 0 {
        points.push(("no change".into(), *baseline, "baseline"));
    }
    for a in attempts {
        let class = match a.verdict {
            Verdict::Verified => "broke",
            Verdict::Holds => "holds",
            Verdict::Impossible => "impossible",
            Verdict::Unclear | Verdict::NotVerified | Verdict::OutOfBudget => "unclear",
        };
        points.push((a.spec.clone(), a.agent, class));
    }
    if let Some(c) = current.filter(|c| c.agent.episodes > 0) {
        points.push((c.spec.clone(), c.agent, "current"));
    }
    let plot_w = CHART_W - LEFT - RIGHT;
    let plot_h = CHART_H - TOP - BOTTOM;
    // Room for at least 20 dots; more shrink to fit.
    let step = plot_w / points.len().max(20) as f64;
    let x = |i: usize| LEFT + step * (i as f64 + 0.5);
    let y = |rate: f64| TOP + (1.0 - rate.clamp(0.0, 1.0)) * plot_h;
    let radius = (step * 0.35).clamp(1.5, 3.2);
    // The worker searches with the default settings: a change breaks the agent below this.
    let threshold = BreakConfig::default().threshold;
    let label = format!(
        "The agent's success on each of {} candidates, with 95% intervals; a change breaks it below {:.0}%",
        points.len(),
        threshold * 100.0
    );
    html! {
        <svg class="chart break-it-chart" id="wobble-break-chart" viewBox={format!("0 0 {CHART_W} {CHART_H}")}
            role="img" aria-label={label} data-points={points.len().to_string()}>
            { for [0.0, threshold, 1.0].iter().map(|&v| {
                let at = y(v).round() + 0.5;
                html! { <g>
                    <line x1={LEFT.to_string()} x2={(CHART_W - RIGHT).to_string()} y1={at.to_string()} y2={at.to_string()}
                        class={if v == threshold { "break-it-threshold" } else { "chart-grid" }} />
                    <text x={(LEFT - 4.0).to_string()} y={(at + 3.0).to_string()} text-anchor="end" class="chart-tick">
                        { format!("{:.0}%", v * 100.0) }</text>
                </g> }
            }) }
            { for points.iter().enumerate().map(|(i, (spec, tally, class))| {
                let cx = x(i);
                html! { <g class={classes!("break-it-point", *class)}>
                    <title>{ format!("{spec}: {}", tally.describe()) }</title>
                    <line x1={format!("{cx:.1}")} x2={format!("{cx:.1}")} y1={format!("{:.1}", y(tally.ci95.high))}
                        y2={format!("{:.1}", y(tally.ci95.low))} class="break-it-whisker" />
                    <circle cx={format!("{cx:.1}")} cy={format!("{:.1}", y(tally.success_rate))} r={format!("{radius:.1}")} />
                </g> }
            }) }
            <text x={LEFT.to_string()} y={(CHART_H - 5.0).to_string()} class="chart-label">
                {"candidates, cheapest first · line: 95% CI"}</text>
        </svg>
    }
}

/// A break: what it is, how sure, what it changed, and a link that plays it.
fn found(report: &BreakReport, seconds: f64, props: &BreakItProps) -> Html {
    let Some(b) = &report.found else {
        return html! {};
    };
    let applied = props.selection.perturb.to_string() == b.spec;
    let link = reproduce_link(report, props);
    html! {
        <>
            <p class="break-it-summary" id="wobble-break-found">
                <strong>{"Broken by "}<code id="wobble-break-spec">{ b.spec.clone() }</code></strong>
                { format!(" ({} kind{}, severity {}, {} element{} changed){}",
                    b.cost.kinds, if b.cost.kinds == 1 { "" } else { "s" }, b.cost.severity,
                    b.cost.elements, if b.cost.elements == 1 { "" } else { "s" },
                    if applied { ", now on the site" } else { "" }) }
            </p>
            <dl class="break-it-facts">
                <dt>{"Agent"}</dt>
                <dd id="wobble-break-interval" data-low={format!("{:.4}", b.agent.ci95.low)}
                    data-high={format!("{:.4}", b.agent.ci95.high)}>
                    { format!("{} on fresh seeds", b.agent.describe()) }</dd>
                <dt>{"Oracle"}</dt>
                <dd id="wobble-break-oracle">{ b.oracle.describe() }</dd>
                <dt>{"Before"}</dt>
                <dd>{ format!("{} unperturbed", report.baseline.describe()) }</dd>
            </dl>
            <ul class="break-it-kinds">
                { for b.kinds.iter().map(|(kind, description)| html! {
                    <li><strong>{ format!("{kind}: ") }</strong>{ description.clone() }</li>
                }) }
            </ul>
            <details class="break-it-changes" id="wobble-break-changes">
                <summary title={format!("In the episode of seed {}, the first the break was verified on", b.verify_seed)}>
                    { format!("What it changed ({} change{} in one episode)", b.changes.len(), if b.changes.len() == 1 { "" } else { "s" }) }
                </summary>
                <ul>{ for b.changes.iter().map(|c| html! { <li>{ c.clone() }</li> }) }</ul>
            </details>
            { chart(&report.baseline, &report.path, None) }
            <p class="break-it-note">
                { link.map(|href| html! {
                    <a id="wobble-break-link" {href}>{"Link that plays this break"}</a>
                }) }
                { format!(" · {} candidates, {} episodes, {:.1} s; {}.", report.path.len(), report.episodes, seconds, report.stopped) }
            </p>
        </>
    }
}

/// Nothing breaks the agent: why.
fn nothing(report: &BreakReport, seconds: f64) -> Html {
    html! {
        <>
            <p class="break-it-summary" id="wobble-break-none">
                <strong>{"Nothing broke it: "}</strong>{ format!("{}.", report.stopped) }
            </p>
            if !report.path.is_empty() {
                { chart(&report.baseline, &report.path, None) }
            }
            <p class="break-it-note">
                { format!("{} candidates, {} of {} episodes, {:.1} s.", report.path.len(), report.episodes,
                    report.config.budget_episodes, seconds) }
            </p>
        </>
    }
}

/// The page's own link with the break's spec and the agent (a saved policy and a site opened
/// from a file travel in its fragment when they fit in a link).
fn reproduce_link(report: &BreakReport, props: &BreakItProps) -> Option<String> {
    let b = report.found.as_ref()?;
    let selection = Selection {
        perturb: b.spec.parse().ok()?,
        ..props.selection.clone()
    };
    let policy_text = match (&props.target.policy, &props.target.saved) {
        (PolicyChoice::Saved, Some((_, json))) => {
            let policy = wobble_policy::LearnedPolicy::from_json(json).ok()?;
            Some(wobble_policy::learned::link::to_link_text(&policy).ok()?)
        }
        _ => None,
    };
    let site_text = props
        .site_file
        .as_deref()
        .filter(|f| f.name == props.selection.site)
        .and_then(|f| wobble_policy::link_text::site_to_link_text(&f.text).ok());
    let link = crate::browser::play_link(
        &selection,
        props.target.policy,
        site_text.as_deref(),
        policy_text.as_deref(),
    );
    Some(crate::browser::page_address(&link).unwrap_or(link))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Rc<BreakRequest> {
        Rc::new(BreakRequest {
            agent: BreakAgent::Shipped(Shipped::Reader),
            name: "airline".into(),
            site: "airline".into(),
            task: "book-flight".into(),
            site_file: None,
        })
    }

    fn report(policy: &str) -> Box<BreakReport> {
        Box::new(BreakReport {
            site: "airline".into(),
            task: "book-flight".into(),
            policy: policy.into(),
            config: Default::default(),
            search_seed: 0,
            baseline: Tally {
                episodes: 10,
                successes: 10,
                success_rate: 1.0,
                ci95: Default::default(),
            },
            path: Vec::new(),
            found: None,
            episodes: 10,
            stopped: "why".into(),
        })
    }

    #[test]
    fn only_the_running_searchs_reports_count_and_a_stop_forgets_it() {
        let s = Rc::new(Search::default());
        let s = s.reduce(Action::Start(request(), 1000.0));
        assert!(matches!(s.state, State::Running { .. }));
        // A report of another search (stopped before this one) is ignored.
        let s = s.reduce(Action::Report(Report::Broke(report("random")), 2000.0));
        assert!(matches!(s.state, State::Running { .. }));
        let s = s.reduce(Action::Report(Report::Broke(report("airline")), 3500.0));
        let State::Done { seconds, .. } = s.state else {
            panic!("not done");
        };
        assert_eq!(seconds, 2.5);
        assert_eq!(s.found, 0, "nothing found, nothing to apply");
        // Progress after the end is late.
        let late = Report::BreakProgress {
            episodes: 1,
            budget: 3000,
            baseline: report("x").baseline,
            attempts: Vec::new(),
            current: None,
        };
        let s = s.reduce(Action::Report(late.clone(), 4000.0));
        assert!(matches!(s.state, State::Done { .. }));
        let s = s.reduce(Action::Start(request(), 5000.0));
        let order = s.order;
        let s = s.reduce(Action::Stop);
        assert!(matches!(s.state, State::Idle) && s.order == order + 1);
        assert!(s.request.is_none());
        let s = s.reduce(Action::Report(late, 6000.0));
        assert!(matches!(s.state, State::Idle));
    }

    #[test]
    fn every_playing_agent_can_be_searched_and_nobody_cannot() {
        for policy in PolicyChoice::ALL {
            let target = Target {
                policy,
                saved: None,
            };
            assert_eq!(target.agent().is_some(), policy != PolicyChoice::None);
        }
        let saved = Target {
            policy: PolicyChoice::Saved,
            saved: Some(("mine".into(), "{}".into())),
        };
        assert_eq!(
            saved.agent(),
            Some((BreakAgent::Learned("{}".into()), "mine".into()))
        );
    }
}
