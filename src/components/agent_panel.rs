//! The agent card: who plays, how fast, how well it has done, and the one-click ways to break it
//! (a new font, moved buttons, reworded labels), which change the site for every agent on the page;
//! "Break it" searches for the cheapest change that breaks this agent ([`super::break_it`]).
//!
//! The success counter counts the episodes the agent finished on its own since its policy, the
//! site or the perturbations last changed, so that after "Reword the labels" it shows how the
//! agent does on the reworded site. "Take over" hands the site to the person (so does any click
//! in the site); "Resume" hands it back.

use super::break_it::{BreakIt, Target};
use crate::player::{PolicyChoice, Speed};
use crate::session::{Before, Selection, Stats, Trail, TRAIL_BLOCK, TRAIL_BLOCKS};
use std::rc::Rc;
use wobble_app::agent::SiteFile;
use wobble_engine::perturb::{Kind, PerturbSpec};
use yew::prelude::*;

/// A saved policy as the Policy menu lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// What the menu shows: its site and task, then its name.
    pub shown: String,
    /// Its name in the library.
    pub name: String,
    /// Its file's JSON.
    pub json: Rc<str>,
}

/// The menu value of the library's entry `i` is this prefix and `i`.
const LIBRARY_VALUE: &str = "library:";

/// Props of [`AgentPanel`].
#[derive(Properties, PartialEq)]
pub struct AgentPanelProps {
    /// Who drives the site.
    pub policy: PolicyChoice,
    /// The saved policy's name and file's JSON, when a saved policy drives (the JSON is for
    /// the break search).
    #[prop_or_default]
    pub saved: Option<(String, Rc<str>)>,
    /// How fast.
    pub speed: Speed,
    /// The person has taken over.
    pub paused: bool,
    /// How the agent has done.
    pub stats: Stats,
    /// The counter before the site last changed, if the agent had played then.
    pub before: Option<Before>,
    /// Success per block of episodes, with where the site changed.
    pub trail: Trail,
    /// The perturbations now (the break buttons show which of theirs are on).
    pub spec: PerturbSpec,
    /// The site's machine name (the move button names the airline's booking buttons).
    pub site: String,
    /// Whether this card shows the break buttons (the race card shows them when it is there).
    pub break_buttons: bool,
    /// The episode shown (the break search searches its site and task).
    pub selection: Selection,
    /// The site opened from a file, if any.
    #[prop_or_default]
    pub site_file: Option<Rc<SiteFile>>,
    /// Sets the perturbations to a break the search found.
    pub onapplybreak: Callback<PerturbSpec>,
    /// Break searches asked for by the page (see [`BreakIt`]'s `order`).
    #[prop_or_default]
    pub break_order: u64,
    /// Picks the policy.
    pub onchoosepolicy: Callback<PolicyChoice>,
    /// The saved policies, listed in the Policy menu: what each is called there, and its name
    /// and file's JSON for playing it.
    #[prop_or_default]
    pub library: Rc<Vec<Listed>>,
    /// Plays a saved policy: its name and its file's JSON.
    #[prop_or_default]
    pub onplaysaved: Callback<(String, Rc<str>)>,
    /// Picks the speed.
    pub onchoosespeed: Callback<Speed>,
    /// The person takes over.
    pub ontakeover: Callback<()>,
    /// The agent carries on.
    pub onresume: Callback<()>,
    /// The agent takes one step.
    pub onstep: Callback<()>,
    /// Turns one of the break buttons' perturbations on (at severity 3) or off.
    pub onbreak: Callback<(Kind, bool)>,
}

/// The agent's controls and its success counter.
#[function_component]
pub fn AgentPanel(props: &AgentPanelProps) -> Html {
    let onpolicy = {
        let then = props.onchoosepolicy.clone();
        let play = props.onplaysaved.clone();
        let library = props.library.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            let saved = value
                .strip_prefix(LIBRARY_VALUE)
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| library.get(i));
            if let Some(entry) = saved {
                play.emit((entry.name.clone(), entry.json.clone()));
            } else if let Some(p) = PolicyChoice::parse(&value) {
                then.emit(p);
            }
        })
    };
    let onspeed = {
        let then = props.onchoosespeed.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            if let Some(s) = Speed::parse(&value) {
                then.emit(s);
            }
        })
    };
    let has_agent = props.policy != PolicyChoice::None;
    let target = Target {
        policy: props.policy,
        saved: props.saved.clone(),
    };
    let stats = props.stats;
    let status = if !has_agent {
        "you play"
    } else if props.paused {
        "paused: you have the site"
    } else {
        "playing, a new seed each episode"
    };
    html! {
        <section class="card agent-card" aria-labelledby="wobble-agent-title">
            <div class="card-title-row">
                <h2 class="card-title" id="wobble-agent-title">{"Agent"}</h2>
                <span class={classes!("agent-state", (has_agent && !props.paused).then_some("running"))}
                    id="wobble-agent-state">{ status }</span>
            </div>
            if has_agent {
                <div class="stats" id="wobble-stats" role="status" aria-live="polite"
                    data-episodes={stats.episodes.to_string()} data-successes={stats.successes.to_string()}>
                    <div class="stat"><span class="stat-value" id="wobble-stat-successes">{ stats.successes }</span>
                        <span class="stat-label">{"successes"}</span></div>
                    <div class="stat"><span class="stat-value" id="wobble-stat-episodes">{ stats.episodes }</span>
                        <span class="stat-label">{"episodes"}</span></div>
                    <div class="stat"><span class={classes!("stat-value", "stat-rate", rate_class(stats))} id="wobble-stat-rate">
                        { rate_text(stats) }</span>
                        <span class="stat-label">{"success rate"}</span></div>
                </div>
                if let Some(before) = &props.before {
                    <p class="stats-before" id="wobble-stat-before"
                        data-episodes={before.stats.episodes.to_string()} data-successes={before.stats.successes.to_string()}>
                        <span class={classes!("stats-before-rate", rate_class(before.stats))}>{ rate_text(before.stats) }</span>
                        {" → "}
                        <span class={classes!("stats-before-rate", rate_class(stats))}>{ rate_text(stats) }</span>
                        { format!(" since {} ({} episodes before, {} since)", before.now, before.stats.episodes, stats.episodes) }
                    </p>
                }
                { sparkline(&props.trail) }
                <p class="stats-hint">{"Counted since the policy, site or perturbations last changed."}</p>
                if props.break_buttons {
                    <BreakButtons site={props.site.clone()} spec={props.spec.clone()} onbreak={props.onbreak.clone()} />
                }
            }
            <div class="control-grid">
                <label for="wobble-policy-select">{"Policy"}</label>
                <select id="wobble-policy-select" onchange={onpolicy}>
                    if let (PolicyChoice::Saved, Some(name)) = (props.policy, props.saved.as_ref().map(|s| &s.0)) {
                        <option value={PolicyChoice::Saved.name()} selected=true>{ format!("Saved: {name}") }</option>
                    }
                    { for PolicyChoice::ALL.iter().map(|p| html! {
                        <option value={p.name()} selected={*p == props.policy}>{ p.label() }</option>
                    }) }
                    if !props.library.is_empty() {
                        <optgroup label="Saved policies (training panel)">
                            { for props.library.iter().enumerate().map(|(i, entry)| html! {
                                <option value={format!("{LIBRARY_VALUE}{i}")}>{ entry.shown.clone() }</option>
                            }) }
                        </optgroup>
                    }
                </select>
                <label for="wobble-speed-select">{"Speed"}</label>
                <select id="wobble-speed-select" onchange={onspeed} disabled={!has_agent}>
                    { for Speed::ALL.iter().map(|s| html! {
                        <option value={s.name()} selected={*s == props.speed}>{ speed_label(*s) }</option>
                    }) }
                </select>
            </div>
            if has_agent {
                <div class="button-row">
                    if props.paused {
                        <button type="button" id="wobble-resume" class="button button-primary"
                            onclick={props.onresume.reform(|_: MouseEvent| ())}>{"Resume the agent"}</button>
                    } else {
                        <button type="button" id="wobble-take-over" class="button"
                            onclick={props.ontakeover.reform(|_: MouseEvent| ())}>{"Take over"}</button>
                    }
                    <button type="button" id="wobble-agent-step" class="button"
                        disabled={props.speed != Speed::Step || props.paused}
                        title="At step speed: the agent takes one step"
                        onclick={props.onstep.reform(|_: MouseEvent| ())}>{"Step"}</button>
                </div>
                <BreakIt target={target} selection={props.selection.clone()} site_file={props.site_file.clone()}
                    onapply={props.onapplybreak.clone()} order={props.break_order} />
            }
        </section>
    }
}

fn speed_label(speed: Speed) -> &'static str {
    match speed {
        Speed::Step => "Step by step",
        Speed::Slow => "Slow",
        Speed::Normal => "Normal",
        Speed::Fast => "Fast",
        Speed::Turbo => "Turbo (no animation)",
    }
}

/// Success per block of episodes as a line, with a dashed mark where the perturbations changed
/// (its title says to what). Nothing before the first episode.
fn sparkline(trail: &Trail) -> Html {
    const WIDTH: f32 = 300.0;
    const HEIGHT: f32 = 36.0;
    if trail.blocks.iter().all(|b| b.1 == 0) {
        return html! {};
    }
    // The line spans at least a dozen blocks, and widens to the whole trail as it grows.
    let step = WIDTH / (trail.blocks.len().clamp(12, TRAIL_BLOCKS) - 1) as f32;
    let y = |(successes, episodes): (u32, u32)| {
        2.0 + (1.0 - successes as f32 / episodes.max(1) as f32) * (HEIGHT - 4.0)
    };
    let points: Vec<String> = trail
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.1 > 0)
        .map(|(i, b)| format!("{:.1},{:.1}", i as f32 * step, y(*b)))
        .collect();
    let last = trail
        .blocks
        .iter()
        .rev()
        .find(|b| b.1 > 0)
        .copied()
        .unwrap_or_default();
    html! {
        <figure class="sparkline" id="wobble-sparkline" data-blocks={trail.blocks.len().to_string()}
            data-marks={trail.marks.len().to_string()}>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="none" role="img"
                aria-label={format!("Success per {TRAIL_BLOCK} episodes; latest {:.0}%", last.0 as f32 * 100.0 / last.1.max(1) as f32)}>
                { for trail.marks.iter().map(|(at, now)| {
                    let x = (at - trail.dropped) as f32 * step;
                    html! {
                        <line class="sparkline-mark" x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1="0" y2={HEIGHT.to_string()}>
                            <title>{ format!("changed to {now}") }</title>
                        </line>
                    }
                }) }
                <polyline class="sparkline-line" points={points.join(" ")} />
            </svg>
            <figcaption>{ format!("Success per {TRAIL_BLOCK} episodes; a dashed line marks each change of the site.") }</figcaption>
        </figure>
    }
}

fn rate_text(stats: Stats) -> String {
    if stats.episodes == 0 {
        "—".to_string()
    } else {
        format!("{:.0}%", stats.rate() * 100.0)
    }
}

fn rate_class(stats: Stats) -> Option<&'static str> {
    (stats.episodes > 0).then_some(if stats.rate() >= 0.5 { "good" } else { "bad" })
}

/// Props of [`BreakButtons`].
#[derive(Properties, PartialEq)]
pub struct BreakButtonsProps {
    /// The site's machine name (the move button names the airline's booking buttons).
    pub site: String,
    /// The perturbations now.
    pub spec: PerturbSpec,
    /// Turns one of the buttons' perturbations on (at severity 3) or off.
    pub onbreak: Callback<(Kind, bool)>,
}

/// The one-click ways to break the agents: a new font, moved buttons, reworded labels. Each
/// changes the site for every agent on the page; pressed again, it undoes its change.
#[function_component]
pub fn BreakButtons(props: &BreakButtonsProps) -> Html {
    // A button shows pressed only when its change is on as the button makes it (severity 3);
    // at another severity (from the perturbation panel or a link) a press sets it to 3.
    let on = |kind: Kind| props.spec.severity(kind) == Some(3);
    let button = |id: &'static str,
                  kind: Kind,
                  off: String,
                  undo: &'static str,
                  title: &'static str| {
        let pressed = on(kind);
        let onclick = props.onbreak.reform(move |_: MouseEvent| (kind, !pressed));
        html! {
            <button type="button" {id} class={classes!("button", (!pressed).then_some("button-danger"))}
                aria-pressed={pressed.to_string()} {onclick} {title}>
                { if pressed { undo.to_string() } else { off } }
            </button>
        }
    };
    let buttons = if props.site == "airline" {
        "the booking buttons"
    } else {
        "the main buttons"
    };
    html! {
        <div class="button-row break-row">
            { button("wobble-move", Kind::Move, format!("Move {buttons}"), "Move them back",
                "move:3: every page's main button moves clearly elsewhere") }
            { button("wobble-font", Kind::Font, "Change the font".into(), "Restore the font",
                "font:3: another family, size and weight") }
            { button("wobble-reword", Kind::Relabel, "Reword the labels".into(), "Restore the labels",
                "relabel:3: labels and button words replaced by synonyms") }
        </div>
    }
}
