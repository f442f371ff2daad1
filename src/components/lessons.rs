//! Guided lessons for workshops, in three parts: six short steps from watching a random agent to
//! comparing a plain and a randomized policy under a perturbation ("Break an agent"); four
//! that use the site editor: copy a site, let the trained agent play it, change one word, retrain
//! ("Edit a site"); and three that use the agent card's break search: find the pretrained
//! agent's weak spot, train with that change randomized, search again ("Find the weak spot").
//!
//! The panel opens from the header's "Lessons" button and shows one step at a time: the
//! lessons as tabs, a title, two to four sentences, "N of M" within its lesson, Back and Next,
//! and Close (or Escape). Steps are numbered through all lessons (the link's `lesson=7` is the
//! first step of the second, `lesson=11` of the third). While a step is shown, the
//! controls it talks about get the `wb-lesson-target` class (an outline), found by their ids, and
//! the first of them is scrolled into view; the card then sits in a corner where it covers none
//! of them ([`placement`]). Every step has a "Do it for me" button, which reports the session's
//! own [`Change`]s through `onchange` (who plays, which site and perturbations, a training run
//! for the training panel to start); the panel holds no environment logic.

mod placement;

use crate::player::{PolicyChoice, Speed};
use crate::session::{copy_name, AgentChange, Change, EditorChange, PlayChange, DEFAULT_SITE};
use placement::{free_corner, viewport, Corner, Rect};
use wobble_engine::perturb::Kind;
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

/// How many steps there are, in both lessons.
pub const STEP_COUNT: usize = 13;

/// The lessons: a name and the range of their steps in [`STEPS`].
const LESSONS: [(&str, std::ops::Range<usize>); 3] = [
    ("Break an agent", 0..6),
    ("Edit a site", 6..10),
    ("Find the weak spot", 10..STEP_COUNT),
];

/// The shipped site the editing lesson copies, and the change it makes: a word the pretrained
/// airline agent relies on, which a person reads the same way.
const EDIT_SITE: &str = DEFAULT_SITE;
/// The text the editing lesson changes in its copy.
pub const EDIT_FIND: &str = "label: \"From\"";
/// What it becomes.
pub const EDIT_WITH: &str = "label: \"Origin\"";

/// The perturbation the randomized agent of step 5 trains under, and step 6 compares under.
pub const TRAINED_ON: (Kind, u8) = (Kind::Relabel, 3);

/// Step 6's text (it names the held-out perturbation).
const COMPARE_TEXT: &str = "The bars compare the two agents on 100 unseen flights under the current perturbations: \
    under relabel:3, which the randomized agent trained on, it wins back part of what the plain one lost (how much depends on the training seed). \
    Now switch relabel off and pop-ups (popup:3) on, a change neither agent trained on: there the randomized one has no lead, and is often worse. \
    Randomization teaches the changes it was shown, not robustness in general.";

/// The steps of both lessons.
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
        text: "\"Do it for me\" sets the policy to \"Nobody\": book the flight yourself, following the instruction above the site. \
               Every episode you finish counts: your own row joins the agents on the race card, and in the training panel's comparison. \
               The timeline below lists every step you take and what it earned.",
        targets: &["#wobble-policy-select", "#wobble-site"],
        setup: Some(play_yourself),
    },
    Step {
        title: "Train one",
        text: "\"Do it for me\" trains an agent on the airline, as the training panel's defaults say: \
               it first copies the oracle for a few hundred episodes, then practises on its own. \
               Watch the success chart; at the end the policy is saved and swept over every perturbation.",
        targets: &["#wobble-train-start", "#wobble-train-status"],
        setup: Some(train_plain),
    },
    Step {
        title: "Perturb the site",
        text: "Real sites change under agents. Let the pretrained airline agent play and note its success \
               counter, then press \"Reword the labels\" (relabel:3): the site still works for a person, \
               but the words the agent learned are gone. The counter falls, with the figure from before \
               the change beside it. Then press \"Take over\" and book one yourself under the new words: \
               the race card adds your own row for this change.",
        targets: &["#wobble-stats", "#wobble-reword"],
        setup: Some(perturb),
    },
    Step {
        title: "Train with randomization",
        text: "\"Do it for me\" trains a second agent the same way, but with \"Randomize perturbations\" ticked: \
               each of its training episodes rewords the labels (relabel:3) with probability one half. \
               It learns from both the plain and the reworded site.",
        targets: &["#wobble-train-randomize-toggle", "#wobble-train-start"],
        setup: Some(train_randomized),
    },
    Step {
        title: "Compare",
        text: COMPARE_TEXT,
        targets: &["#wobble-compare", "#wobble-compare-status", "#wobble-compare-hint", "#wobble-stats"],
        setup: Some(compare),
    },
    Step {
        title: "Copy a site",
        text: "Sites are data files, and the editor beside the site changes one while you watch. \
               \"Do it for me\" opens the editor with a copy of the airline, my-airline, listed beside the original: \
               every edit is compiled at once, a mistake is shown with its line and column, and the site redraws.",
        targets: &["#wobble-editor-copy", "#wobble-editor-text"],
        setup: Some(copy_airline),
    },
    Step {
        title: "Let the trained agent play it",
        text: "\"Do it for me\" lets the pretrained airline agent play your copy at turbo speed. \
               Nothing has changed yet, so it books nearly every flight: let its counter pass a few dozen episodes.",
        targets: &["#wobble-policy-select", "#wobble-stats"],
        setup: Some(watch_copy),
    },
    Step {
        title: "Change one word",
        text: "In the editor, find label: \"From\" on the search page and make it label: \"Origin\". \
               A person reads the form the same way, but the agent learned the word, not the idea: \
               its counter falls to about a third, with the figure from before your edit beside it.",
        targets: &["#wobble-editor-text", "#wobble-stats"],
        setup: Some(change_one_word),
    },
    Step {
        title: "Retrain on your change",
        text: "\"Do it for me\" trains a new agent on your edited copy, as the training panel does for any site. \
               When it is saved, press Play on it: it books flights under \"Origin\" again. \
               It learned your site, not the concept: your next edit can break it just the same.",
        targets: &["#wobble-train-start", "#wobble-train-status"],
        setup: Some(retrain_copy),
    },
    Step {
        title: "Find the agent's weak spot",
        text: "\"Do it for me\" lets the pretrained airline agent play the unchanged airline and presses \"Break it\": \
               the search tries changes to the site, cheapest first, a few dozen episodes each, and stops at the first that drops the agent below half while the oracle still books every flight. \
               Each dot is a change it tried, with its interval. \
               The change it finds goes on the site, and the counter shows the fall.",
        targets: &["#wobble-break-it", "#wobble-stats"],
        setup: Some(find_weak_spot),
    },
    Step {
        title: "Train with that change",
        text: "\"Do it for me\" trains a new agent on the airline with the training panel's defaults, \
               randomizing the change the search found: about half its training episodes carry it. \
               When it is saved, press Play on it in the library.",
        targets: &["#wobble-train-randomize-toggle", "#wobble-train-start", "#wobble-train-status"],
        setup: Some(train_on_weak_spot),
    },
    Step {
        title: "Break it again",
        text: "With the new agent playing, \"Do it for me\" takes the change off the site and searches again. \
               If the training took, the change it trained on holds now, and the search must go further: a harder version of it, another kind, or two kinds at once. \
               Randomizing moved the weak spot; it did not remove it.",
        targets: &["#wobble-policies", "#wobble-break-it"],
        setup: Some(break_again),
    },
];

/// Step 11: the pretrained airline agent plays the unchanged airline, and the search starts.
fn find_weak_spot(site: &str) -> Vec<Change> {
    let mut changes = on_the_airline(site, None);
    changes.push(Change::Agent(AgentChange::ChoosePolicy(
        PolicyChoice::Airline,
    )));
    changes.push(Change::Agent(AgentChange::ChooseSpeed(Speed::Turbo)));
    changes.push(Change::BreakIt);
    changes
}

/// Step 12: a run with the training panel's defaults on the airline, randomizing the
/// perturbations on the site now (the break step 11 found and applied).
fn train_on_weak_spot(site: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    if site != DEFAULT_SITE {
        changes.push(Change::Play(PlayChange::ChooseSite(
            DEFAULT_SITE.to_string(),
        )));
    }
    changes.push(Change::Train { randomize: true });
    changes
}

/// Step 13: the site unchanged again, and a new search for the agent now playing.
fn break_again(_site: &str) -> Vec<Change> {
    vec![
        Change::Play(PlayChange::ClearPerturbations),
        Change::BreakIt,
    ]
}

/// Step 7: a copy of the airline in the editor (and on the stage).
fn copy_airline(_site: &str) -> Vec<Change> {
    vec![Change::Editor(EditorChange::EditCopy(
        EDIT_SITE.to_string(),
    ))]
}

/// The changes that put the copy on the stage, unless it is there.
fn on_the_copy(site: &str) -> Vec<Change> {
    if site == copy_name(EDIT_SITE) {
        Vec::new()
    } else {
        copy_airline(site)
    }
}

/// Step 8: the pretrained airline agent plays the copy at turbo speed.
fn watch_copy(site: &str) -> Vec<Change> {
    let mut changes = on_the_copy(site);
    changes.push(Change::Play(PlayChange::ClearPerturbations));
    changes.push(Change::Agent(AgentChange::ChoosePolicy(
        PolicyChoice::Airline,
    )));
    changes.push(Change::Agent(AgentChange::ChooseSpeed(Speed::Turbo)));
    changes
}

/// Step 9: the one-word change, made in the editor's text.
fn change_one_word(site: &str) -> Vec<Change> {
    let mut changes = on_the_copy(site);
    changes.push(Change::Editor(EditorChange::Replace {
        find: EDIT_FIND.to_string(),
        with: EDIT_WITH.to_string(),
    }));
    changes
}

/// Step 10: a run with the training panel's defaults on the edited copy.
fn retrain_copy(site: &str) -> Vec<Change> {
    let mut changes = on_the_copy(site);
    changes.push(Change::Train { randomize: false });
    changes
}

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

/// Step 2: nobody plays but the person, on the unchanged airline.
fn play_yourself(site: &str) -> Vec<Change> {
    let mut changes = on_the_airline(site, None);
    changes.push(Change::Agent(AgentChange::ChoosePolicy(PolicyChoice::None)));
    changes
}

/// Step 4: the pretrained airline agent plays at turbo speed on the unchanged airline, so that
/// its counter has a figure before the person rewords the labels (the step's button).
fn perturb(site: &str) -> Vec<Change> {
    let mut changes = on_the_airline(site, None);
    changes.push(Change::Agent(AgentChange::ChoosePolicy(
        PolicyChoice::Airline,
    )));
    changes.push(Change::Agent(AgentChange::ChooseSpeed(Speed::Turbo)));
    changes
}

/// Step 3: a run with the training panel's defaults on the unchanged airline.
fn train_plain(site: &str) -> Vec<Change> {
    let mut changes = on_the_airline(site, None);
    changes.push(Change::Train { randomize: false });
    changes
}

/// Step 5: the same run, randomizing the lesson's perturbation.
fn train_randomized(site: &str) -> Vec<Change> {
    let mut changes = on_the_airline(site, Some(TRAINED_ON));
    changes.push(Change::Train { randomize: true });
    changes
}

/// Step 6: both trained policies are compared (by the training panel, as soon as both exist)
/// under the perturbation the randomized one trained on.
fn compare(site: &str) -> Vec<Change> {
    on_the_airline(site, Some(TRAINED_ON))
}

/// The changes that open the airline (unless it is open) with only `perturbation` switched on.
fn on_the_airline(site: &str, perturbation: Option<(Kind, u8)>) -> Vec<Change> {
    let mut changes = Vec::new();
    if site != DEFAULT_SITE {
        changes.push(Change::Play(PlayChange::ChooseSite(
            DEFAULT_SITE.to_string(),
        )));
    }
    changes.push(Change::Play(PlayChange::ClearPerturbations));
    if let Some((kind, severity)) = perturbation {
        changes.push(Change::Play(PlayChange::SetPerturbation(
            kind,
            Some(severity),
        )));
    }
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
    let corner = use_state(|| Corner::BottomRight);
    {
        // Scroll the step's first control into view when the step (or the panel) opens, then
        // put the card in a corner of the window where it covers none of the step's controls.
        let targets = step.map(|n| STEPS[n].targets);
        let panel = panel.clone();
        let corner = corner.clone();
        use_effect_with(targets, move |targets| {
            if let Some(first) = targets.and_then(|t| t.iter().find_map(|s| find(s))) {
                // Centred, not just in view: cards above it may still grow a line as their
                // counters fill in, which would push a control scrolled to the edge out again.
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Center);
                first.scroll_into_view_with_scroll_into_view_options(&options);
            }
            if let (Some(targets), Some(card)) = (targets, panel.cast::<web_sys::Element>()) {
                let rects: Vec<Rect> = targets
                    .iter()
                    .filter_map(|s| find(s))
                    .map(|e| Rect::of(&e.get_bounding_client_rect()))
                    .collect();
                let size = card.get_bounding_client_rect();
                if let Some((w, h)) = viewport() {
                    corner.set(free_corner((size.width(), size.height()), (w, h), &rects));
                }
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
    let (lesson, range) = LESSONS
        .iter()
        .position(|(_, r)| r.contains(&index))
        .and_then(|l| LESSONS.get(l).map(|(_, r)| (l, r.clone())))
        .unwrap_or((0, 0..STEP_COUNT));
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
        <section class={classes!("card", "lessons", corner.class())} id="wobble-lessons" role="dialog" aria-labelledby="wobble-lesson-title"
            tabindex="-1" ref={panel} {onkeydown} data-step={(index + 1).to_string()}>
            <div class="card-title-row">
                <span class="lesson-tabs" role="group" aria-label="Lessons">
                    { for LESSONS.iter().enumerate().map(|(i, (name, r))| html! {
                        <button type="button" class={classes!("lesson-tab", (i == lesson).then_some("lesson-tab-current"))}
                            id={format!("wobble-lesson-tab-{}", i + 1)} aria-pressed={(i == lesson).to_string()}
                            onclick={go(r.start)}>{ *name }</button>
                    }) }
                </span>
                <span class="lesson-count" id="wobble-lesson-count">{ format!("{} of {}", index - range.start + 1, range.len()) }</span>
                <button type="button" class="button button-small" id="wobble-lesson-close"
                    aria-label="Close the lessons" onclick={onclose}>{"Close"}</button>
            </div>
            <h2 class="card-title" id="wobble-lesson-title">{ current.title }</h2>
            <p class="lesson-text" id="wobble-lesson-text">{ current.text }</p>
            <div class="button-row lesson-buttons">
                <button type="button" class="button" id="wobble-lesson-back" disabled={index == range.start}
                    onclick={go(index.saturating_sub(1).max(range.start))}>{"Back"}</button>
                if let Some(ondo) = ondo {
                    <button type="button" class="button" id="wobble-lesson-do" onclick={ondo}>{"Do it for me"}</button>
                }
                <button type="button" class="button button-primary" id="wobble-lesson-next"
                    disabled={index + 1 >= range.end} onclick={go((index + 1).min(range.end - 1))}>{"Next"}</button>
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
    fn two_lessons_of_short_steps_with_targets() {
        assert_eq!(STEPS.len(), STEP_COUNT);
        assert_eq!(LESSONS.map(|(_, r)| r.len()), [6, 4, 3]);
        assert!(LESSONS.windows(2).all(|w| w[0].1.end == w[1].1.start));
        assert_eq!(LESSONS[2].1.end, STEP_COUNT);
        for step in &STEPS {
            let sentences = step.text.matches(". ").count() + 1;
            assert!((2..=4).contains(&sentences), "{}: {sentences}", step.title);
            assert!(!step.targets.is_empty());
        }
        assert!(
            STEPS.iter().all(|s| s.setup.is_some()),
            "every step has a setup"
        );
    }

    #[test]
    fn the_weak_spot_steps_search_train_on_what_was_found_and_search_again() {
        let found = find_weak_spot("bank");
        assert_eq!(
            found.first(),
            Some(&Change::Play(PlayChange::ChooseSite(DEFAULT_SITE.into())))
        );
        assert!(found.contains(&Change::Play(PlayChange::ClearPerturbations)));
        assert!(found.contains(&Change::Agent(AgentChange::ChoosePolicy(
            PolicyChoice::Airline
        ))));
        // The search is ordered last, so it is about the agent and site just chosen.
        assert_eq!(found.last(), Some(&Change::BreakIt));
        // Training keeps the perturbations on the site (the break found) and randomizes them.
        assert_eq!(
            train_on_weak_spot(DEFAULT_SITE),
            [Change::Train { randomize: true }]
        );
        assert_eq!(
            break_again(DEFAULT_SITE),
            [
                Change::Play(PlayChange::ClearPerturbations),
                Change::BreakIt
            ]
        );
    }

    /// A perturbation neither agent trained on, which step 6 has the person try next.
    const HELD_OUT: (Kind, u8) = (Kind::Popup, 3);

    #[test]
    fn the_comparison_names_the_perturbations_it_is_about() {
        let spec = |(kind, severity): (Kind, u8)| format!("{kind}:{severity}");
        assert!(COMPARE_TEXT.contains(&spec(TRAINED_ON)), "{COMPARE_TEXT}");
        assert!(COMPARE_TEXT.contains(&spec(HELD_OUT)), "{COMPARE_TEXT}");
        assert_ne!(TRAINED_ON.0, HELD_OUT.0);
    }

    #[test]
    fn the_training_steps_order_runs_on_the_airline() {
        let relabel = Change::Play(PlayChange::SetPerturbation(Kind::Relabel, Some(3)));
        assert_eq!(
            train_plain("bank"),
            [
                Change::Play(PlayChange::ChooseSite(DEFAULT_SITE.into())),
                Change::Play(PlayChange::ClearPerturbations),
                Change::Train { randomize: false }
            ]
        );
        assert_eq!(
            train_randomized(DEFAULT_SITE),
            [
                Change::Play(PlayChange::ClearPerturbations),
                relabel.clone(),
                Change::Train { randomize: true }
            ]
        );
        assert_eq!(
            compare(DEFAULT_SITE),
            [Change::Play(PlayChange::ClearPerturbations), relabel]
        );
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

    #[test]
    fn the_editing_lesson_works_on_the_copy() {
        assert_eq!(
            copy_airline("bank"),
            [Change::Editor(EditorChange::EditCopy("airline".into()))]
        );
        assert!(matches!(
            &change_one_word("my-airline")[..],
            [Change::Editor(EditorChange::Replace { .. })]
        ));
        assert!(matches!(
            &retrain_copy("airline")[..],
            [
                Change::Editor(EditorChange::EditCopy(_)),
                Change::Train { randomize: false }
            ]
        ));
        let copy = crate::session::copy_of(EDIT_SITE).unwrap();
        assert_eq!(
            copy.matches(EDIT_FIND).count(),
            1,
            "the change is unambiguous"
        );
    }

    /// What step 9 states: the pretrained airline agent books nearly every flight on the copy,
    /// and about a third once the one word is changed.
    #[test]
    fn the_one_word_change_breaks_the_pretrained_agent() {
        let copy = crate::session::copy_of(EDIT_SITE).unwrap();
        let rate = |text: &str| {
            let site = wobble_engine::load_site("copy.ron", text).unwrap();
            let mut env = wobble_engine::catalog::open_site(
                std::sync::Arc::new(site),
                None,
                Default::default(),
            )
            .unwrap();
            let mut policy = crate::player::Shipped::Reader.load().unwrap();
            let report = wobble_policy::evaluate(
                &mut env,
                &mut policy,
                100,
                wobble_policy::EVALUATION_SEEDS_START,
            );
            report.success_rate
        };
        let before = rate(&copy);
        let after = rate(&copy.replacen(EDIT_FIND, EDIT_WITH, 1));
        assert!(before >= 0.9, "unchanged: {before}");
        assert!((0.15..=0.5).contains(&after), "changed: {after}");
    }
}
