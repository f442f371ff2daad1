//! A new session from the page's link: each value of the URL query ([`Query`]) is read, and one
//! that is wrong falls back to its default with a [`Notice`] saying so, so that any link opens a
//! playable episode.
//!
//! Data flow: `Query` (raw text) → seed, perturbation spec, policy, speed, lesson step (plus
//! notices) → the agent loop loads the policy → a site in the fragment (`#site=`), or else the
//! editor's text from the last visit, is compiled into the catalog → the live episode opens the
//! site and task → `Session::reset` starts the episode. Writing the link back is
//! `crate::browser`'s.

use wobble_engine::perturb::PerturbSpec;
use wobble_engine::protocol::shorten;

use super::editor::EDITOR_FILE;
use super::{
    error, warning, AgentLoop, Editor, External, Notice, Play, Replay, Session, DEFAULT_SEED,
    DEFAULT_SITE, LESSON_STEPS,
};
use crate::browser::Query;
use crate::player::{PolicyChoice, Speed};

impl Session {
    /// A session for the site, task, seed and perturbations a URL asked for (each possibly
    /// absent or wrong).
    pub fn from_query(query: &Query) -> Session {
        let mut notices = Vec::new();
        let seed = seed(query, &mut notices);
        let perturb = perturbations(query, &mut notices);
        let policy = policy(query, &mut notices);
        let speed = speed(query, &mut notices);
        let lesson = lesson(query, &mut notices);
        let presenter = presenter(query, &mut notices);
        let mut session = Session {
            play: Play::new(seed, perturb),
            agent: AgentLoop::new(speed),
            replay: Replay::default(),
            external: External::default(),
            editor: Editor::default(),
            notices,
            lesson,
            presenter,
            training: Default::default(),
            break_order: 0,
            yours: Default::default(),
            linked: None,
            inspect: None,
            version: 0,
        };
        session.agent.load(policy, seed, &mut session.notices);
        let wanted = query
            .site
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(DEFAULT_SITE);
        let task = query
            .task
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let edited = match query.site_link.as_deref().filter(|t| !t.is_empty()) {
            Some(text) => session.open_site_link(text),
            None => query
                .draft
                .as_deref()
                .and_then(|draft| session.restore_draft(draft, wanted)),
        };
        match edited {
            // The link's site is opened even when the query names another.
            Some(name) if name != wanted => session.open(&name, None, seed),
            _ => session.open(wanted, task, seed),
        }
        // A policy in the link's fragment drives, on the site and task it was trained on.
        if let Some(text) = query.policy_link.as_deref().filter(|t| !t.is_empty()) {
            session.play_linked(text);
        }
        session
    }
}

impl Session {
    /// Puts the site a link carries (`#site=`) in the editor and compiles it; its name when it
    /// compiled. A damaged link, or a site with a mistake, is a notice (the mistake is also
    /// shown in the editor, on its line, to be fixed).
    fn open_site_link(&mut self, text: &str) -> Option<String> {
        let site = match wobble_policy::link_text::site_from_link_text(text) {
            Ok(site) => site,
            Err(e) => {
                self.notices.push(error(format!(
                    "The link carries a site that cannot be opened: {e}. Showing a shipped site instead."
                )));
                return None;
            }
        };
        self.editor.open = true;
        self.editor.revision += 1;
        self.editor.text = site.clone().into();
        self.editor.compiled = Some(self.editor.text.clone());
        match self.play.adopt_site_file(EDITOR_FILE, &site) {
            Ok(name) => Some(name),
            Err(e) => {
                self.notices.push(error(format!(
                    "The site in the link has a mistake at line {}, column {}: {}. It is in the editor, to be fixed.",
                    e.line, e.column, e.message
                )));
                self.editor.error = Some(e);
                None
            }
        }
    }

    /// Puts the editor's text from the last visit back in the editor. When it is the site the
    /// link names (the page was reloaded while it was played), it is compiled and the editor
    /// opens; its name then.
    fn restore_draft(&mut self, draft: &str, wanted: &str) -> Option<String> {
        self.editor.text = draft.into();
        self.editor.revision += 1;
        if wobble_engine::catalog::Catalog::is_shipped(wanted) {
            return None;
        }
        let name = wobble_engine::load_site(EDITOR_FILE, draft).ok()?.name;
        if name != wanted {
            return None;
        }
        self.editor.open = true;
        self.editor.compiled = Some(self.editor.text.clone());
        self.play.adopt_site_file(EDITOR_FILE, draft).ok()
    }
}

/// `seed=`: a whole number from 0 up.
fn seed(query: &Query, notices: &mut Vec<Notice>) -> u64 {
    match query.seed.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_SEED,
        Some(text) => text.parse::<u64>().unwrap_or_else(|_| {
            notices.push(warning(format!(
                "The seed \"{}\" in the link is not a whole number from 0 up; playing seed {DEFAULT_SEED} instead.",
                shorten(text)
            )));
            DEFAULT_SEED
        }),
    }
}

/// `perturb=`: a perturbation spec, as the engine reads it.
fn perturbations(query: &Query, notices: &mut Vec<Notice>) -> PerturbSpec {
    match query.perturb.as_deref().map(str::trim) {
        None => PerturbSpec::none(),
        Some(text) => text.parse::<PerturbSpec>().unwrap_or_else(|e| {
            notices.push(warning(format!(
                "The perturbations \"{}\" in the link cannot be used: {}. Playing the site unperturbed.",
                shorten(text),
                if text.chars().count() > 200 { "it is far too long to be a list of perturbations".to_string() } else { e.to_string() }
            )));
            PerturbSpec::none()
        }),
    }
}

/// `policy=`: who drives the site.
fn policy(query: &Query, notices: &mut Vec<Notice>) -> PolicyChoice {
    // A cold start (no site named) shows the pretrained agent at work; a link to a site
    // without a policy is for a person to play.
    let default_policy = if query.site.is_none() {
        PolicyChoice::Airline
    } else {
        PolicyChoice::None
    };
    match query.policy.as_deref().map(str::trim) {
        None | Some("") => default_policy,
        Some(text) => PolicyChoice::parse(text).unwrap_or_else(|| {
            notices.push(warning(format!(
                "There is no policy \"{}\" (there are: {}); {} instead.",
                shorten(text),
                PolicyChoice::ALL.map(PolicyChoice::name).join(", "),
                if default_policy == PolicyChoice::None {
                    "you play".to_string()
                } else {
                    format!("the {} plays", default_policy.label().to_lowercase())
                }
            )));
            default_policy
        }),
    }
}

/// `speed=`: how fast the agent plays.
fn speed(query: &Query, notices: &mut Vec<Notice>) -> Speed {
    match query.speed.as_deref().map(str::trim) {
        None | Some("") => Speed::Normal,
        Some(text) => Speed::parse(text).unwrap_or_else(|| {
            notices.push(warning(format!(
                "There is no speed \"{}\" (there are: {}); playing at normal speed.",
                shorten(text),
                Speed::ALL.map(Speed::name).join(", ")
            )));
            Speed::Normal
        }),
    }
}

/// `lesson=`: the lesson step shown, from 1 (kept from 0).
fn lesson(query: &Query, notices: &mut Vec<Notice>) -> Option<usize> {
    match query.lesson.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=LESSON_STEPS).contains(&n) => Some(n - 1),
            _ => {
                notices.push(warning(format!(
                    "There is no lesson step \"{}\" (there are 1 to {LESSON_STEPS}); the lessons are closed.",
                    shorten(text)
                )));
                None
            }
        },
    }
}

/// `presenter=`: `1` (or `true`) for presenter mode, `0` (or `false`) without.
fn presenter(query: &Query, notices: &mut Vec<Notice>) -> bool {
    match query.presenter.as_deref().map(str::trim) {
        None | Some("" | "0" | "false") => false,
        Some("1" | "true") => true,
        Some(text) => {
            notices.push(warning(format!(
                "presenter=\"{}\" is not 1 or 0; presenter mode is off.",
                shorten(text)
            )));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{Change, Level, Selection};
    use super::*;
    use wobble_engine::perturb::Kind;

    /// What the page opens on when the link names nothing (or nothing valid).
    fn landing_selection() -> Selection {
        Selection {
            site: "airline".into(),
            task: "book-flight".into(),
            seed: 1,
            perturb: PerturbSpec::none(),
        }
    }

    fn with_perturbations(text: &str) -> Session {
        Session::from_query(&Query {
            site: Some("airline".into()),
            seed: Some("1".into()),
            perturb: Some(text.into()),
            ..Query::default()
        })
    }

    #[test]
    fn a_policy_in_the_fragment_plays_on_its_site_and_a_damaged_one_is_reported() {
        let policy = crate::player::Shipped::Reader.load().unwrap();
        let text = wobble_policy::learned::link::to_link_text(&policy).unwrap();
        let linked = |text: &str| {
            Session::from_query(&Query {
                site: Some("bank".into()),
                policy_link: Some(text.into()),
                ..Query::default()
            })
        };
        let s = linked(&text);
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert_eq!(s.play.selection.site, "airline", "the policy's own site");
        assert_eq!(s.agent.policy, PolicyChoice::Saved);
        assert_eq!(
            s.agent.saved.as_ref().map(|(name, _)| name.as_str()),
            Some(crate::player::linked_name(&policy).as_str())
        );
        let (name, json) = s.linked.clone().expect("kept for the library");
        assert_eq!(
            Some(name.as_str()),
            s.agent.saved.as_ref().map(|(name, _)| name.as_str())
        );
        assert_eq!(&*json, policy.to_json().as_str());

        let s = linked(&text[..text.len() - 10]);
        assert_eq!(s.agent.policy, PolicyChoice::None);
        assert_eq!(s.play.selection.site, "bank");
        assert!(s.linked.is_none());
        assert!(
            s.notices[0].text.contains("cannot be played") && s.notices[0].level == Level::Error,
            "{:?}",
            s.notices
        );
    }

    fn with_site_link(text: &str) -> Session {
        Session::from_query(&Query {
            site: Some("my-click-button".into()),
            seed: Some("4".into()),
            site_link: Some(text.into()),
            ..Query::default()
        })
    }

    #[test]
    fn a_site_in_the_fragment_opens_in_the_editor_and_the_view() {
        let site = crate::session::copy_of("click-button").unwrap();
        let text = wobble_policy::link_text::site_to_link_text(&site).unwrap();
        let s = with_site_link(&text);
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert_eq!(s.play.selection.site, "my-click-button");
        assert_eq!(s.play.selection.seed, 4);
        assert!(s.editor.open && s.editor.is_compiled());
        assert_eq!(&*s.editor.text, site.as_str());
        assert_eq!(s.play.opened_file.as_ref().unwrap().text, site);

        // A site with a mistake: in the editor, located, and the page plays a shipped site.
        let broken = site.replacen("pages:", "pages ", 1);
        let s = with_site_link(&wobble_policy::link_text::site_to_link_text(&broken).unwrap());
        assert!(s.play.scene.is_some());
        assert_eq!(s.editor.error.as_ref().map(|e| e.line > 1), Some(true));
        assert_eq!(&*s.editor.text, broken.as_str());
        assert!(
            s.notices
                .iter()
                .any(|n| n.text.contains("has a mistake at line")),
            "{:?}",
            s.notices
        );

        // A damaged link: a notice naming what is wrong, and a playable page.
        let s = with_site_link(&text[..text.len() / 2]);
        assert!(s.play.scene.is_some());
        assert!(!s.editor.open);
        assert!(
            s.notices[0]
                .text
                .contains("the site in the link is damaged")
                && s.notices[0].level == Level::Error,
            "{:?}",
            s.notices
        );
    }

    #[test]
    fn the_editors_text_from_the_last_visit_comes_back() {
        let site = crate::session::copy_of("click-button").unwrap();
        let reload = |site_named: &str| {
            Session::from_query(&Query {
                site: Some(site_named.into()),
                draft: Some(site.clone()),
                ..Query::default()
            })
        };
        // Reloaded while the edited site was played: it plays again, the editor open.
        let s = reload("my-click-button");
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert_eq!(s.play.selection.site, "my-click-button");
        assert!(s.editor.open);
        // On a shipped site: the text waits in the closed editor.
        let s = reload("bank");
        assert_eq!(s.play.selection.site, "bank");
        assert!(!s.editor.open);
        assert_eq!(&*s.editor.text, site.as_str());
    }

    #[test]
    fn an_empty_query_gives_the_defaults_without_notices() {
        let s = open(None, None, None);
        assert_eq!(s.play.selection, landing_selection());
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert!(s.play.scene.is_some());
    }

    #[test]
    fn bad_query_values_fall_back_with_a_notice_each() {
        let s = open(Some("nowhere"), Some("fly"), Some("abc"));
        assert_eq!(s.play.selection, landing_selection());
        assert_eq!(s.notices.len(), 3, "{:?}", s.notices);
        assert!(s.notices.iter().all(|n| n.level == Level::Warning));
        assert!(s.play.scene.is_some());
        let s = open(Some("bank"), Some("nope"), Some("7"));
        assert_eq!(s.play.selection.site, "bank");
        assert_eq!(s.play.selection.seed, 7);
        assert_eq!(s.notices.len(), 1);
    }

    #[test]
    fn a_bad_spec_in_the_link_plays_unperturbed_with_a_notice() {
        let s = with_perturbations("bogus:9");
        assert!(s.play.selection.perturb.is_empty());
        assert_eq!(s.notices.len(), 1, "{:?}", s.notices);
        assert!(s.notices[0].text.contains("bogus"), "{:?}", s.notices);
        let scene = s.play.scene.as_ref().unwrap();
        assert!(scene.changes.is_empty());
        assert!(!scene.page.is_empty());
    }

    #[test]
    fn the_spec_from_the_link_is_applied_and_explained() {
        let s = with_perturbations("popup:2");
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert_eq!(s.play.selection.perturb.to_string(), "popup:2");
        let scene = s.play.scene.as_ref().unwrap();
        assert!(scene.dialog.is_some(), "a cookie modal is open");
        assert!(scene
            .changes
            .iter()
            .any(|c| c.kind == Kind::Popup && c.applied));
    }

    #[test]
    fn presenter_mode_comes_from_the_link_and_a_bad_value_is_reported() {
        let open = |value: &str| {
            Session::from_query(&Query {
                presenter: Some(value.into()),
                ..Query::default()
            })
        };
        assert!(open("1").presenter && open("true").presenter);
        assert!(!open("0").presenter && !open("").presenter);
        let bad = open("yes please");
        assert!(!bad.presenter);
        assert!(bad.notices[0]
            .text
            .contains("presenter=\"yes please\" is not 1 or 0"));
        assert!(!Session::from_query(&Query::default()).presenter);
    }

    #[test]
    fn the_lesson_step_comes_from_the_link_and_a_bad_one_is_reported() {
        let open = |lesson: &str| {
            Session::from_query(&Query {
                lesson: Some(lesson.into()),
                ..Query::default()
            })
        };
        let s = open("3");
        assert_eq!(s.lesson, Some(2));
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        for bad in ["0", "14", "two", "-1"] {
            let s = open(bad);
            assert_eq!(s.lesson, None, "{bad}");
            assert_eq!(s.notices.len(), 1, "{bad}");
            assert!(s.notices[0].text.contains(bad), "{:?}", s.notices[0]);
        }
        let s = reduce(open("6"), Change::ShowLesson(Some(LESSON_STEPS)));
        assert_eq!(s.lesson, None, "past the last step closes the lessons");
        let s = reduce(s, Change::ShowLesson(Some(0)));
        assert_eq!(s.lesson, Some(0));
    }
}

/// Links are user input: anything may be typed or pasted after `?`. Each query value is drawn
/// from the words the app knows (site, task, policy and speed names, kinds), numbers at their
/// edges, and arbitrary text, so both the accepted and the refused paths are exercised.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod link_properties {
    use super::*;
    use proptest::prelude::*;
    use wobble_engine::builtin::site_names;
    use wobble_engine::perturb::Kind;

    /// One query value: absent, a known word, an edge number, a spec, or any text.
    fn value() -> impl Strategy<Value = Option<String>> {
        let known: Vec<String> = site_names()
            .map(str::to_string)
            .chain(
                [
                    "book-flight",
                    "transfer",
                    "file-return",
                    "buy",
                    "forward",
                    "star-and-forward",
                ]
                .map(str::to_string),
            )
            .chain(PolicyChoice::ALL.map(|p| p.name().to_string()))
            .chain(Speed::ALL.map(|s| s.name().to_string()))
            .chain(Kind::ALL.map(|k| k.name().to_string()))
            .chain(
                [
                    "0",
                    "1",
                    "-1",
                    "18446744073709551615",
                    "18446744073709551616",
                    " 7 ",
                    "1e3",
                    "",
                    "page",
                    "worker",
                    "wp1.",
                    "wp1.AAAA",
                    "ws1.",
                    "ws1.AAAA",
                ]
                .map(str::to_string),
            )
            .collect();
        prop_oneof![
            Just(None),
            proptest::sample::select(known).prop_map(Some),
            "[a-z]{1,10}(:[0-9]{1,3})?(,[a-z]{1,10}(:-?[0-9]{1,20})?){0,4}".prop_map(Some),
            any::<String>().prop_map(Some),
            "\\PC{0,300}".prop_map(Some),
        ]
    }

    fn query() -> impl Strategy<Value = Query> {
        (
            value(),
            value(),
            value(),
            value(),
            value(),
            value(),
            value(),
            value(),
            value(),
            value(),
        )
            .prop_map(
                |(
                    site,
                    task,
                    seed,
                    perturb,
                    policy,
                    speed,
                    lesson,
                    presenter,
                    policy_link,
                    site_link,
                )| {
                    Query {
                        site,
                        task,
                        seed,
                        perturb,
                        policy,
                        speed,
                        lesson,
                        presenter,
                        // `fault` breaks the page on purpose; it is tested by the fault e2e tests.
                        fault: None,
                        policy_link,
                        site_link,
                        draft: None,
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Whatever the link says, the page opens a playable episode of a real site and task,
        /// with at most one notice per query value, each short enough to read.
        #[test]
        fn any_link_opens_a_playable_episode(query in query()) {
            let session = Session::from_query(&query);
            let play = &session.play;
            let site = play.catalog.site(&play.selection.site);
            prop_assert!(site.is_ok(), "unknown site {:?}", play.selection.site);
            let site = site.unwrap_or_else(|_| unreachable!());
            prop_assert!(site.task_names().contains(&play.selection.task), "{:?}", play.selection);
            prop_assert!(play.scene.is_some());
            prop_assert!(session.notices.len() <= 10, "{:?}", session.notices);
            for notice in &session.notices {
                prop_assert!(notice.text.chars().count() < 500, "{}", notice.text);
            }
            if let Some(index) = session.lesson {
                prop_assert!(index < LESSON_STEPS, "lesson index {index}");
            }
        }
    }
}
