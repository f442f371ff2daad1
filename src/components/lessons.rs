//! Guided lessons for workshops: six short steps, from watching a random agent to comparing a
//! plain and a randomized policy under a perturbation.
//!
//! The panel opens from the header's "Lessons" button and shows one step at a time: a title, two
//! to four sentences, "N of 6", Back and Next, and Close (or Escape). While a step is shown, the
//! controls it talks about get the `wb-lesson-target` class (an outline), found by their ids, and
//! the first of them is scrolled into view. Steps whose setup is only a change of the link (who
//! plays, which perturbation) have a "Do it for me" button, which reports the session's own
//! [`Change`]s through `onchange`; the panel holds no environment logic.

use crate::player::{PolicyChoice, Speed};
use crate::session::{AgentChange, Change, PlayChange, DEFAULT_SITE};
use yew::prelude::*;

/// The class the highlighted controls get while their step is shown.
pub const TARGET_CLASS: &str = "wb-lesson-target";

/// One step of the lesson.
struct Step {
    /// Its heading.
    title: &'static str,
    /// Two to four sentences.
    text: &'static str,
    /// CSS selectors of the controls it is about (missing ones are skipped).
    targets: &'static [&'static str],
    /// What "Do it for me" does, if the step has a setup.
    setup: Option<fn(&str) -> Vec<Change>>,
}

/// How many steps there are.
pub const STEP_COUNT: usize = 6;

/// The six steps.
const STEPS: [Step; STEP_COUNT] = [
    Step {
        title: "Watch a random agent",
        text: "Pick \"Random clicker\" as the policy: it clicks and types at random among what it can see. \
               At turbo speed the success counter fills at once: on a real task it almost never gets anywhere. \
               That is the bar any trained agent has to clear.",
        targets: &["#wobble-policy-select", "#wobble-stats"],
        setup: Some(watch_random),
    },
    Step {
        title: "Play it yourself",
        text: "Set the policy to \"Nobody\" and do the task yourself: the instruction is above the site. \
               Click and type in the site as you would on a real page. \
               The timeline below lists every step you take and what it earned.",
        targets: &["#wobble-policy-select", "#wobble-site"],
        setup: Some(play_yourself),
    },
    Step {
        title: "Train one",
        text: "The training panel trains a policy on this site and task, in the background. \
               Press Start and watch the success chart climb. \
               A small task such as click-button is learned in well under a minute.",
        targets: &["#wobble-train-start"],
        setup: None,
    },
    Step {
        title: "Perturb the site",
        text: "Real sites change under agents. Let the pretrained airline agent play and note its success \
               counter, then press \"Reword the labels\" (relabel:3): the site still works for a person, \
               but the words the agent learned are gone. The counter falls, with the figure from before \
               the change beside it.",
        targets: &["#wobble-stats", "#wobble-reword"],
        setup: Some(perturb),
    },
    Step {
        title: "Train with randomization",
        text: "Tick \"Randomize perturbations during training\": each training episode then draws every \
               perturbation switched on with probability one half. \
               Press Start again; the agent now learns from both the plain and the reworded site.",
        targets: &["#wobble-train-randomize-toggle", "#wobble-train-start"],
        setup: None,
    },
    Step {
        title: "Compare",
        text: "With a plain and a randomized policy of the same task trained, the bars compare their \
               success under the current perturbations. \
               The agent's success counter tells the same story live, episode after episode.",
        targets: &["#wobble-compare", "#wobble-compare-hint", "#wobble-stats"],
        setup: None,
    },
];

/// Step 1: the random agent plays at turbo speed, so that its counter shows a figure within
/// seconds (on the default site unless a site suited to it is open).
fn watch_random(site: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    if site != "click-button" && site != DEFAULT_SITE {
        changes.push(Change::Play(PlayChange::ChooseSite(
            DEFAULT_SITE.to_string(),
        )));
    }
    changes.push(Change::Agent(AgentChange::ChoosePolicy(
        PolicyChoice::Random,
    )));
    changes.push(Change::Agent(AgentChange::ChooseSpeed(Speed::Turbo)));
    changes
}

/// Step 2: nobody plays but the person.
fn play_yourself(_: &str) -> Vec<Change> {
    vec![Change::Agent(AgentChange::ChoosePolicy(PolicyChoice::None))]
}

/// Step 4: the pretrained airline agent plays at turbo speed on the unchanged airline, so that
/// its counter has a figure before the person rewords the labels (the step's button).
fn perturb(site: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    if site != DEFAULT_SITE {
        changes.push(Change::Play(PlayChange::ChooseSite(
            DEFAULT_SITE.to_string(),
        )));
    }
    changes.push(Change::Play(PlayChange::ClearPerturbations));
    changes.push(Change::Agent(AgentChange::ChoosePolicy(
        PolicyChoice::Airline,
    )));
    changes.push(Change::Agent(AgentChange::ChooseSpeed(Speed::Turbo)));
    changes
}

/// Props of [`Lessons`].
#[derive(Properties, PartialEq)]
pub struct LessonsProps {
    /// The step shown (from 0; kept in the link), or `None` when the panel is closed.
    pub step: Option<usize>,
    /// The site being played (step 1 keeps it if the random agent suits it).
    pub site: AttrValue,
    /// The session's version: the highlights are put back after every change, since a redrawn
    /// control may have lost its class.
    pub version: u64,
    /// Applies a change to the session: a step's setup, another step, or closing the panel.
    pub onchange: Callback<Change>,
}

/// The lesson panel.
#[function_component]
pub fn Lessons(props: &LessonsProps) -> Html {
    let step = props.step.filter(|n| *n < STEP_COUNT);
    let open = step.is_some();
    let panel = use_node_ref();
    {
        // Outline the step's controls while it is shown; take the outline off when it changes.
        let targets = step.map(|n| STEPS[n].targets);
        use_effect_with((targets, props.version), |(targets, _)| {
            let marked = targets.map(highlight).unwrap_or_default();
            move || {
                for element in marked {
                    let _ = element.class_list().remove_1(TARGET_CLASS);
                }
            }
        });
    }
    {
        // Scroll the step's first control into view when the step (or the panel) opens.
        let targets = step.map(|n| STEPS[n].targets);
        use_effect_with(targets, |targets| {
            if let Some(first) = targets.and_then(|t| t.iter().find_map(|s| find(s))) {
                // Centred, not just in view: cards above it may still grow a line as their
                // counters fill in, which would push a control scrolled to the edge out again.
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Center);
                first.scroll_into_view_with_scroll_into_view_options(&options);
            }
        });
    }
    {
        // Move the focus into the panel when it opens, so that the keyboard lands on it.
        let panel = panel.clone();
        use_effect_with(open, move |open| {
            if *open {
                if let Some(element) = panel.cast::<web_sys::HtmlElement>() {
                    let _ = element.focus();
                }
            }
        });
    }
    let Some(index) = step else {
        return html! {};
    };
    let current = &STEPS[index];
    let go = |to: usize| {
        props
            .onchange
            .reform(move |_: MouseEvent| Change::ShowLesson(Some(to)))
    };
    let onclose = props
        .onchange
        .reform(|_: MouseEvent| Change::ShowLesson(None));
    let onkeydown = {
        let onchange = props.onchange.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                onchange.emit(Change::ShowLesson(None));
            }
        })
    };
    let ondo = current.setup.map(|setup| {
        let onchange = props.onchange.clone();
        let site = props.site.clone();
        Callback::from(move |_: MouseEvent| {
            for change in setup(&site) {
                onchange.emit(change);
            }
        })
    });
    html! {
        <section class="card lessons" id="wobble-lessons" role="dialog" aria-labelledby="wobble-lesson-title"
            tabindex="-1" ref={panel} {onkeydown} data-step={(index + 1).to_string()}>
            <div class="card-title-row">
                <span class="lesson-count" id="wobble-lesson-count">{ format!("{} of {}", index + 1, STEPS.len()) }</span>
                <button type="button" class="button button-small" id="wobble-lesson-close"
                    aria-label="Close the lessons" onclick={onclose}>{"Close"}</button>
            </div>
            <h2 class="card-title" id="wobble-lesson-title">{ current.title }</h2>
            <p class="lesson-text" id="wobble-lesson-text">{ current.text }</p>
            <div class="button-row lesson-buttons">
                <button type="button" class="button" id="wobble-lesson-back" disabled={index == 0}
                    onclick={go(index.saturating_sub(1))}>{"Back"}</button>
                if let Some(ondo) = ondo {
                    <button type="button" class="button" id="wobble-lesson-do" onclick={ondo}>{"Do it for me"}</button>
                }
                <button type="button" class="button button-primary" id="wobble-lesson-next"
                    disabled={index + 1 == STEPS.len()} onclick={go((index + 1).min(STEPS.len() - 1))}>{"Next"}</button>
            </div>
        </section>
    }
}

/// The first element matching `selector`, if any.
fn find(selector: &str) -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .query_selector(selector)
        .ok()
        .flatten()
}

/// Gives the class to the first element of each selector; returns the elements it marked.
fn highlight(selectors: &[&str]) -> Vec<web_sys::Element> {
    selectors
        .iter()
        .filter_map(|s| find(s))
        .filter(|e| e.class_list().add_1(TARGET_CLASS).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_short_steps_with_targets() {
        assert_eq!(STEPS.len(), STEP_COUNT);
        for step in &STEPS {
            let sentences = step.text.matches(". ").count() + 1;
            assert!((2..=4).contains(&sentences), "{}: {sentences}", step.title);
            assert!(!step.targets.is_empty());
        }
        let with_setup: Vec<usize> = (0..6).filter(|i| STEPS[*i].setup.is_some()).collect();
        assert_eq!(with_setup, [0, 1, 3]);
    }

    #[test]
    fn setups_are_link_changes() {
        let turbo = Change::Agent(AgentChange::ChooseSpeed(Speed::Turbo));
        assert!(matches!(
            &watch_random("airline")[..],
            [Change::Agent(AgentChange::ChoosePolicy(PolicyChoice::Random)), last] if *last == turbo
        ));
        assert!(matches!(
            &watch_random("bank")[..],
            [
                Change::Play(PlayChange::ChooseSite(_)),
                Change::Agent(AgentChange::ChoosePolicy(PolicyChoice::Random)),
                last
            ] if *last == turbo
        ));
        assert!(matches!(
            &perturb("bank")[..],
            [
                Change::Play(PlayChange::ChooseSite(_)),
                Change::Play(PlayChange::ClearPerturbations),
                Change::Agent(AgentChange::ChoosePolicy(PolicyChoice::Airline)),
                last
            ] if *last == turbo
        ));
        assert_eq!(perturb("airline").len(), 3, "the airline stays");
    }
}
