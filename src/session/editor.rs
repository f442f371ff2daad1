//! The site editor's draft: the text a person types (kept whole, whatever state it is in), the
//! compiler's verdict on it, and the editor's own messages ([`EditorChange`]).
//!
//! Data flow: typing → [`EditorChange::Type`] (the text is kept; the page stores it in local
//! storage) → after a short pause the page sends [`EditorChange::Compile`] → the engine's
//! compiler (`Play::adopt_site_file`, the same path as a site file opened from disk) → either
//! its located error, kept for the editor to show, or the compiled site becomes the opened site:
//! listed with the shipped ones, sent to the training worker, and reopened on the same task and
//! seed, with the episode's actions so far taken again so that the page shown stays the page
//! that was being looked at. A mistake never touches the live episode: the view keeps the last
//! version that compiled.

use std::rc::Rc;
use wobble_engine::builtin::SITE_FILES;
use wobble_engine::SiteError;

use super::{warning, Session};

/// The name the editor's text is compiled under (what the worker's messages name).
pub const EDITOR_FILE: &str = "site-editor.ron";

/// The site editor's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Editor {
    /// Whether the editor is shown.
    pub open: bool,
    /// The text as typed.
    pub text: Rc<str>,
    /// Grows whenever the text is replaced by anything but typing (a copy, a lesson, a link),
    /// so that the text area takes the new text without being rewritten under the person's
    /// fingers.
    pub revision: u64,
    /// The text last compiled, whatever the outcome.
    pub compiled: Option<Rc<str>>,
    /// The compiler's error on the text last compiled.
    pub error: Option<SiteError>,
    /// How long the last compile took, in milliseconds (the page's clock; 0 natively).
    pub compile_ms: Option<f64>,
    /// The text a copy replaced, kept so that nothing typed is lost.
    pub previous: Option<Rc<str>>,
}

impl Editor {
    /// Whether the text shown has been compiled without error (and so is what the view shows).
    pub fn is_compiled(&self) -> bool {
        self.error.is_none() && self.compiled.as_ref() == Some(&self.text)
    }
}

/// What a person (or a lesson) does in the site editor.
#[derive(Debug, Clone, PartialEq)]
pub enum EditorChange {
    /// Show the editor, with the draft; without one, with a copy of the site shown.
    Open,
    /// Hide the editor (the edited site stays open).
    Close,
    /// Start again from a copy of this shipped site, renamed `my-NAME`; the text it replaces is
    /// kept.
    EditCopy(String),
    /// The person typed: the whole text now.
    Type(Rc<str>),
    /// Compile the text as it is now (the page sends this shortly after typing stops).
    Compile,
    /// Replace the first `find` in the text with `with`, and compile (a lesson's "Do it for me").
    Replace {
        /// The text to look for.
        find: String,
        /// What it becomes.
        with: String,
    },
    /// Swap the text with the one a copy replaced.
    BringBack,
}

/// The name of a copy of the shipped site `name`.
pub fn copy_name(name: &str) -> String {
    format!("my-{name}")
}

/// The text of a copy of the shipped site `name`, renamed so that it is listed beside the
/// original rather than in its place; `None` if no shipped site has that name.
pub fn copy_of(name: &str) -> Option<String> {
    let (_, _, text) = SITE_FILES.iter().find(|(n, _, _)| *n == name)?;
    let field = format!("name: \"{name}\"");
    Some(text.replacen(&field, &format!("name: \"{}\"", copy_name(name)), 1))
}

impl Session {
    /// Reduces a change of the site editor.
    pub(super) fn editor_change(&mut self, change: EditorChange) {
        match change {
            EditorChange::Open => {
                self.editor.open = true;
                if self.editor.text.is_empty() {
                    let shown = self.play.selection.site.clone();
                    let text = match &self.play.opened_file {
                        Some(file) if file.name == shown => Some(file.text.clone()),
                        _ => copy_of(&shown),
                    };
                    if let Some(text) = text {
                        self.replace_draft(text.into());
                    }
                }
            }
            EditorChange::Close => self.editor.open = false,
            EditorChange::EditCopy(name) => match copy_of(&name) {
                Some(text) => {
                    self.editor.open = true;
                    let kept = self.editor.text.clone();
                    if !kept.trim().is_empty() && *kept != *text {
                        self.editor.previous = Some(kept);
                    }
                    self.replace_draft(text.into());
                }
                None => self.notices.push(warning(format!(
                    "There is no shipped site \"{}\" to copy.",
                    wobble_engine::protocol::shorten(&name)
                ))),
            },
            EditorChange::Type(text) => self.editor.text = text,
            EditorChange::Compile => self.compile_draft(),
            EditorChange::Replace { find, with } => {
                if self.editor.text.contains(&find) {
                    self.editor.open = true;
                    let text = self.editor.text.replacen(&find, &with, 1);
                    self.replace_draft(text.into());
                } else {
                    self.notices.push(warning(format!(
                        "The site in the editor has no {find} to change; change it by hand, or start from a copy again."
                    )));
                }
            }
            EditorChange::BringBack => {
                if let Some(previous) = self.editor.previous.take() {
                    let now = self.editor.text.clone();
                    if !now.trim().is_empty() {
                        self.editor.previous = Some(now);
                    }
                    self.replace_draft(previous);
                }
            }
        }
    }

    /// Puts `text` in the editor (not typed: the text area is told) and compiles it at once.
    pub(super) fn replace_draft(&mut self, text: Rc<str>) {
        self.editor.text = text;
        self.editor.revision += 1;
        self.compile_draft();
    }

    /// Compiles the draft unless it was compiled as it is; a site that compiles is opened in
    /// place of the last one, on the same page of the same episode where it can be.
    pub(super) fn compile_draft(&mut self) {
        let text = self.editor.text.clone();
        if self.editor.compiled.as_ref() == Some(&text) {
            return;
        }
        self.editor.compiled = Some(text.clone());
        let started = crate::dom::now_ms();
        let adopted = self.play.adopt_site_file(EDITOR_FILE, &text);
        self.editor.compile_ms = Some(crate::dom::now_ms() - started);
        match adopted {
            Ok(name) => {
                self.editor.error = None;
                self.show_edited(&name);
            }
            Err(e) => self.editor.error = Some(e),
        }
    }

    /// Opens the freshly compiled site `name`: if it is the site shown, on the same task and
    /// seed, with the episode's actions so far taken again (up to the first one the edited site
    /// refuses), so that the page being looked at is redrawn; the agent's counter starts again
    /// with its figure from before the edit beside it. Another site opens afresh.
    fn show_edited(&mut self, name: &str) {
        let seed = self.play.selection.seed;
        let same = self.play.selection.site == name;
        let task = self.play.selection.task.clone();
        let keeps_task = same
            && self
                .play
                .catalog
                .site(name)
                .is_ok_and(|s| s.task_names().contains(&task));
        let actions = if keeps_task {
            self.play.actions()
        } else {
            Vec::new()
        };
        if keeps_task {
            self.agent.count_again_after("your edit".to_string());
        } else {
            self.agent.count_afresh();
        }
        self.open(name, keeps_task.then_some(task.as_str()), seed);
        if !actions.is_empty() {
            // A mixed episode: it counts for nobody.
            self.play.touched = true;
            self.play.others_acted = true;
        }
        for action in &actions {
            match self.play.step(action) {
                Some(Ok(r)) if !(r.terminated || r.truncated) => {}
                _ => break,
            }
        }
        self.capture();
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{AgentChange, Change};
    use super::*;
    use crate::player::PolicyChoice;

    fn edit(s: Session, change: EditorChange) -> Session {
        reduce(s, Change::Editor(change))
    }

    fn typed(s: Session, text: &str) -> Session {
        let s = edit(s, EditorChange::Type(text.into()));
        edit(s, EditorChange::Compile)
    }

    #[test]
    fn a_copy_is_listed_beside_its_original_and_played() {
        let s = edit(
            open(Some("bank"), None, Some("3")),
            EditorChange::EditCopy("airline".into()),
        );
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert!(s.editor.open && s.editor.is_compiled());
        assert_eq!(s.play.selection.site, "my-airline");
        assert_eq!(s.play.selection.seed, 3);
        assert!(s.play.sites.contains(&"airline".to_string()));
        assert!(s.play.sites.contains(&"my-airline".to_string()));
        let file = s.play.opened_file.clone().expect("the worker gets it");
        assert_eq!(
            (file.name.as_str(), file.text.as_str()),
            ("my-airline", &*s.editor.text)
        );
    }

    #[test]
    fn a_mistake_is_located_and_the_view_keeps_the_last_version_that_compiled() {
        let s = edit(
            open(Some("click-button"), None, Some("2")),
            EditorChange::Open,
        );
        assert_eq!(s.play.selection.site, "my-click-button");
        let good = s.editor.text.to_string();
        let before = s.play.scene.clone();
        let broken = good.replacen("title:", "title ", 1);
        let s = typed(s, &broken);
        let e = s.editor.error.clone().expect("a located error");
        assert!(e.line > 1 && e.column > 1, "{e}");
        assert_eq!(
            broken.lines().nth(e.line - 1).map(|l| l.contains("title")),
            Some(true),
            "{e}"
        );
        assert_eq!(s.play.scene, before, "the view is untouched");
        assert!(s.notices.is_empty(), "the editor shows it: {:?}", s.notices);

        // Fixed, with a new title: the view redraws with it.
        let s = typed(s, &good.replacen("title: \"", "title: \"Fixed ", 1));
        assert!(s.editor.error.is_none() && s.editor.is_compiled());
        let scene = s.play.scene.clone().unwrap();
        assert!(
            scene.site_title.starts_with("Fixed "),
            "{}",
            scene.site_title
        );
    }

    #[test]
    fn an_edit_redraws_the_page_being_looked_at() {
        // On the airline copy, the oracle plays until the results page is shown, then stops.
        let s = edit(
            open(Some("airline"), None, Some("1")),
            EditorChange::EditCopy("airline".into()),
        );
        let s = reduce(s, AgentChange::ChoosePolicy(PolicyChoice::Oracle));
        let s = run(s, 400, |s| {
            s.play
                .scene
                .as_ref()
                .is_some_and(|sc| sc.page_id != "search")
        });
        let s = reduce(s, AgentChange::TakeOver);
        let page = s.play.scene.as_ref().unwrap().page_id.clone();
        let steps = s.play.scene.as_ref().unwrap().steps;
        assert_ne!(page, "search");
        let text =
            s.editor
                .text
                .replacen("label: \"Search flights\"", "label: \"Find flights\"", 1);
        let s = typed(s, &text);
        assert!(s.editor.error.is_none(), "{:?}", s.editor.error);
        assert_eq!(
            s.play.scene.as_ref().unwrap().page_id,
            page,
            "still on {page}"
        );
        assert_eq!(s.play.scene.as_ref().unwrap().steps, steps);
        let drawn = &s.play.scene.as_ref().unwrap().page;
        assert!(find(drawn, &|_| true).is_some());
    }

    #[test]
    fn nothing_typed_is_lost_when_a_copy_replaces_it() {
        let s = edit(open(Some("click-button"), None, None), EditorChange::Open);
        let s = typed(s, "// my own site, half written\n(");
        assert!(s.editor.error.is_some());
        let s = edit(s, EditorChange::EditCopy("login-user".into()));
        assert_eq!(s.play.selection.site, "my-login-user");
        assert_eq!(
            s.editor.previous.as_deref(),
            Some("// my own site, half written\n(")
        );
        let s = edit(s, EditorChange::BringBack);
        assert_eq!(&*s.editor.text, "// my own site, half written\n(");
        assert!(s
            .editor
            .previous
            .as_deref()
            .is_some_and(|p| p.contains("my-login-user")));
    }

    #[test]
    fn a_replacement_that_finds_nothing_says_so() {
        let s = edit(open(Some("click-button"), None, None), EditorChange::Open);
        let text = s.editor.text.clone();
        let s = edit(
            s,
            EditorChange::Replace {
                find: "label: \"Nowhere\"".into(),
                with: "x".into(),
            },
        );
        assert_eq!(s.editor.text, text);
        assert!(
            s.notices[0].text.contains("label: \"Nowhere\""),
            "{:?}",
            s.notices
        );
    }
}
