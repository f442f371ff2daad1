//! The play screen's components. Each takes plain data (a [`crate::scene::Scene`], the
//! [`crate::session::Selection`], the perturbation spec, notices) and `Callback`s named
//! `on<verb>`; none of them changes the engine. Three components have state of their own,
//! outside the session: the training panel and the agent card's break search (their reducers of
//! worker progress, because training and the search run in workers) and the race card (its two
//! agents' environments, which play apart from the episode on the stage).

pub mod agent_panel;
pub mod break_it;
pub mod changes;
pub mod charts;
pub mod controls;
pub mod editor;
pub mod header;
pub mod inspector;
pub mod lessons;
pub mod notices;
pub mod perturb_panel;
pub mod race_panel;
pub mod select;
pub mod site_check;
pub mod site_view;
pub mod task_panel;
pub mod text_field;
pub mod timeline;
pub mod train_panel;
pub mod worker_link;

/// The text with a capital first letter (engine messages start in lower case).
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sentences_start_with_a_capital() {
        assert_eq!(super::sentence("the task was done"), "The task was done");
        assert_eq!(super::sentence(""), "");
    }
}
