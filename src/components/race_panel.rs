//! The race card: the reader and the screen agent play the same unseen flights side by side,
//! each with its own success counter, on the site as the perturbations leave it.
//!
//! The two agents perceive the page differently: the reader (`policies/airline.json`) reads its
//! text, the screen agent (`policies/airline-screen.json`) sees only its pixels. One click on
//! "Change the font" or "Move the booking buttons" changes the site for both, the race starts
//! again on the changed site, and within seconds one counter falls while the other holds. The
//! race runs in the page, a slice of a few milliseconds at a time ([`wobble_policy::Race`]),
//! on the evaluation seeds from 2^63, the same seeds as `docs/sweeps/agents.csv`: after 100
//! episodes each counter shows exactly that file's row, and the caption quotes the row
//! ([`caption`](mod@caption)) with the mechanism that explains it.

mod caption;
mod eyes;

use crate::components::agent_panel::BreakButtons;
use crate::dom::{now_ms, Timer};
use crate::player::Shipped;
use crate::session::YourRow;
use wobble_engine::builtin;
use wobble_engine::catalog::open_site;
use wobble_engine::perturb::{Kind, PerturbSpec};
use wobble_policy::{Race, Standing, EVALUATION_SEEDS_START};
use yew::prelude::*;

pub use caption::caption;

/// Episodes each agent plays before the race stops (until the site changes again).
pub const RACE_EPISODES: u64 = 200;
/// Milliseconds of steps per slice, and the pause between slices, in which the page draws and
/// answers: the race takes about half of the main thread while it runs.
const SLICE_MS: f64 = 10.0;
const PAUSE_MS: u32 = 12;
/// The screen agent's view is painted again at most this often.
const EYES_MS: f64 = 250.0;

/// The agents, by their names in the race and on the card.
const RUNNERS: [(&str, &str, &str); 2] = [
    ("reader", "Reader", "reads the page's text"),
    ("screen", "Screen agent", "sees only the pixels"),
];

/// Whether the race can run on this site and task: the screen agent was trained there.
/// Read once: the page asks on every render.
pub fn available(site: &str, task: &str) -> bool {
    static TRAINED_ON: std::sync::OnceLock<Option<(String, String)>> = std::sync::OnceLock::new();
    TRAINED_ON
        .get_or_init(|| Shipped::Screen.trained_on())
        .as_ref()
        .is_some_and(|(s, t)| s == site && t == task)
}

/// Props of [`RacePanel`].
#[derive(Properties, PartialEq)]
pub struct RacePanelProps {
    /// Site machine name (a shipped site: see [`available`]).
    pub site: String,
    /// Task name.
    pub task: String,
    /// The perturbations both agents play under.
    pub perturb: PerturbSpec,
    /// Turns one of the break buttons' perturbations on (at severity 3) or off.
    pub onbreak: Callback<(Kind, bool)>,
    /// The person's own episodes on this site, task and perturbations, if any.
    #[prop_or_default]
    pub yours: Option<YourRow>,
}

/// What the card shows, replaced after every slice (the tick makes each slice a new value, so
/// the effect that schedules the next slice runs again even when no episode ended).
#[derive(Clone, PartialEq, Default)]
struct Shown {
    tick: u64,
    standings: Vec<Standing>,
    error: Option<String>,
}

/// Both agents on the same site, perturbations and seeds.
fn start(site: &str, task: &str, perturb: &PerturbSpec) -> Result<Race, String> {
    let site = builtin::load_shipped(site).map_err(|e| e.to_string())?;
    let mut race = Race::new(EVALUATION_SEEDS_START);
    for (name, shipped) in [("reader", Shipped::Reader), ("screen", Shipped::Screen)] {
        let env =
            open_site(site.clone(), Some(task), perturb.clone()).map_err(|e| e.to_string())?;
        race.enter(name, env, Box::new(shipped.load()?));
    }
    Ok(race)
}

fn finished(standings: &[Standing]) -> bool {
    !standings.is_empty() && standings.iter().all(|s| s.episodes >= RACE_EPISODES)
}

/// [`finished`], read from the race itself (on the step loop, without copying its standings).
fn race_finished(race: &Race) -> bool {
    race.fewest_episodes() >= RACE_EPISODES
}

/// The two counters, the caption and the race's progress.
#[function_component]
pub fn RacePanel(props: &RacePanelProps) -> Html {
    let race = use_mut_ref(|| None::<Race>);
    let shown = use_state(Shown::default);
    let canvas = use_node_ref();
    let eyes = use_mut_ref(|| (eyes::Eyes::default(), f64::NEG_INFINITY));
    let key = (
        props.site.clone(),
        props.task.clone(),
        props.perturb.clone(),
    );
    {
        // A new race whenever the site, task or perturbations change.
        let (race, shown) = (race.clone(), shown.clone());
        use_effect_with(key, move |(site, task, perturb)| {
            let started = start(site, task, perturb);
            let next = Shown {
                tick: shown.tick + 1,
                standings: started.as_ref().map(Race::standings).unwrap_or_default(),
                error: started.as_ref().err().cloned(),
            };
            *race.borrow_mut() = started.ok();
            shown.set(next);
        });
    }
    {
        // After every slice, the next one (dropping a timer made for an older state).
        let (race, handle, canvas, eyes) =
            (race.clone(), shown.clone(), canvas.clone(), eyes.clone());
        use_effect_with((*shown).clone(), move |now| {
            let timer = (!finished(&now.standings) && race.borrow().is_some()).then(|| {
                let tick = now.tick;
                Timer::new(PAUSE_MS, move || {
                    let mut slot = race.borrow_mut();
                    let Some(race) = slot.as_mut() else { return };
                    let start = now_ms();
                    loop {
                        race.step();
                        if now_ms() - start >= SLICE_MS || race_finished(race) {
                            break;
                        }
                    }
                    let (painter, painted) = &mut *eyes.borrow_mut();
                    if now_ms() - *painted >= EYES_MS {
                        // Painted only while its toggle is open: a closed one costs nothing.
                        let shown = canvas
                            .cast::<web_sys::HtmlCanvasElement>()
                            .filter(|c| c.closest("details[open]").ok().flatten().is_some());
                        if let (Some((env, last)), Some(canvas)) = (race.view("screen"), shown) {
                            painter.draw(env, last, &canvas);
                            *painted = now_ms();
                        }
                    }
                    handle.set(Shown {
                        tick: tick + 1,
                        standings: race.standings(),
                        error: None,
                    });
                })
            });
            move || drop(timer)
        });
    }

    let standings = &shown.standings;
    // The caption reads the matrix file: once per change of the site, not on every slice.
    let caption = use_memo(props.perturb.clone(), caption);
    html! {
        <section class="card race-card" id="wobble-race" aria-labelledby="wobble-race-title">
            <div class="card-title-row">
                <h2 class="card-title" id="wobble-race-title">{"Reader vs screen agent"}</h2>
                <span class={classes!("agent-state", (!finished(standings)).then_some("running"))}>
                    { if finished(standings) { format!("{RACE_EPISODES} each, done") } else { "racing".to_string() } }
                </span>
            </div>
            <BreakButtons site={props.site.clone()} spec={props.perturb.clone()} onbreak={props.onbreak.clone()} />
            if let Some(error) = &shown.error {
                <p class="race-error" role="alert">{ format!("The race could not start: {error}") }</p>
            }
            // Not a live region: the counters change several times a second.
            <ul class="race-rows">
                { for RUNNERS.iter().map(|(name, title, what)| {
                    let standing = standings.iter().find(|s| s.name == *name);
                    html! { <RaceRow name={*name} title={*title} what={*what} standing={standing.cloned()} /> }
                }) }
                if let Some(row) = &props.yours {
                    <RaceRow name="you" title="You" what="reads the page, on the flights you played"
                        standing={Some(row.tally())} />
                }
            </ul>
            if props.yours.is_none() {
                <p class="race-you-hint" id="wobble-race-you-hint">{"Take over and play a flight yourself: your own row appears here, for this change of the site."}</p>
            }
            <p class="race-caption" id="wobble-race-caption">{ (*caption).clone() }</p>
            // Closed at first, so that the agent card below stays on the first screen.
            <details class="race-eyes" id="wobble-race-eyes-toggle">
                <summary>{"What the screen agent sees"}</summary>
                <canvas ref={canvas} id="wobble-race-eyes" width="720" height="640"
                    aria-label="The screen agent's window, in the greyscale pixels it sees"></canvas>
                <p class="race-eyes-note">{"The window in greyscale, painted by the engine with embedded fonts, as its \
                    eyes paint it. The red ring is where it clicked last."}</p>
            </details>
            <p class="stats-hint">{ format!(
                "Both play the same unseen flights (seeds from 2^63, as on the command line), up to {RACE_EPISODES} each, \
                 counted since the site last changed."
            ) }</p>
        </section>
    }
}

/// Props of [`RaceRow`].
#[derive(Properties, PartialEq)]
struct RaceRowProps {
    name: &'static str,
    title: &'static str,
    what: &'static str,
    standing: Option<Standing>,
}

/// One agent's counter: its rate as a bar, with the episode count and the 95% interval.
#[function_component]
fn RaceRow(props: &RaceRowProps) -> Html {
    let (episodes, successes) = props
        .standing
        .as_ref()
        .map_or((0, 0), |s| (s.episodes, s.successes));
    let rate = props.standing.as_ref().map_or(0.0, Standing::rate);
    let (rate_text, detail) = match &props.standing {
        Some(s) if s.episodes > 0 => {
            let ci = s.interval();
            (
                format!("{:.0}%", rate * 100.0),
                format!(
                    "{successes} of {episodes} · 95% interval {:.0}–{:.0}%",
                    ci.low * 100.0,
                    ci.high * 100.0
                ),
            )
        }
        _ => ("—".to_string(), "starting".to_string()),
    };
    let verdict = (episodes > 0).then_some(if rate >= 0.5 { "good" } else { "bad" });
    html! {
        <li class="race-row" id={format!("wobble-race-{}", props.name)}
            data-episodes={episodes.to_string()} data-successes={successes.to_string()}>
            <div class="race-who">
                <span class="race-name">{ props.title }</span>
                <span class="race-what">{ props.what }</span>
            </div>
            <div class="race-score">
                <span class={classes!("race-rate", verdict)}>{ rate_text }</span>
                <span class="race-detail">{ detail }</span>
            </div>
            <div class="race-bar" aria-hidden="true">
                <div class={classes!("race-fill", verdict)} style={format!("width: {:.1}%", rate * 100.0)}></div>
            </div>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Episodes per agent and change in the golden file the page's end-to-end test reads.
    const GOLDEN_EPISODES: u64 = 40;

    /// `tests/e2e/golden/race.json`: each agent's success, episode by episode, in the race the
    /// card runs on the unchanged site and after each of its three buttons. The end-to-end test
    /// reads the page's counters against it, so the page (wasm32, in a browser) is held to the
    /// native run bit for bit.
    #[test]
    fn the_race_outcomes_the_page_is_checked_against_are_fresh() {
        let mut json = String::from("{\n");
        let specs = ["", "font:3", "move:3", "relabel:3"];
        for (i, spec) in specs.iter().enumerate() {
            let perturb: PerturbSpec = spec.parse().unwrap();
            let mut race = start("airline", "book-flight", &perturb).unwrap();
            while race.fewest_episodes() < GOLDEN_EPISODES {
                race.step();
            }
            let runs: Vec<String> = RUNNERS
                .iter()
                .map(|(name, _, _)| {
                    let outcomes = race.outcomes(name).unwrap();
                    let bits: String = outcomes[..GOLDEN_EPISODES as usize]
                        .iter()
                        .map(|s| if *s { '1' } else { '0' })
                        .collect();
                    format!("\"{name}\": \"{bits}\"")
                })
                .collect();
            let comma = if i + 1 < specs.len() { "," } else { "" };
            json.push_str(&format!("  \"{spec}\": {{ {} }}{comma}\n", runs.join(", ")));
        }
        json.push_str("}\n");
        wobble_testkit::golden_file("tests/e2e/golden/race.json", &json);
    }

    #[test]
    fn the_race_runs_where_the_screen_agent_was_trained_and_nowhere_else() {
        assert!(available("airline", "book-flight"));
        assert!(!available("bank", "transfer"));
        assert!(!available("airline", "another-task"));
    }
}
