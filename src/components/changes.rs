//! "What changed": the engine's own account of what this episode's perturbations did.
//!
//! One line per change, in the engine's words, tagged with its kind and severity. A kind that
//! found nothing to change on this site is listed muted, as "not applicable", with the engine's
//! reason. With no perturbation on, a single line says the site is as written.

use crate::components::sentence;
use wobble_engine::perturb::{Change, PerturbSpec};
use yew::prelude::*;

/// Props of [`WhatChanged`].
#[derive(Properties, PartialEq)]
pub struct WhatChangedProps {
    /// The perturbations in use.
    pub spec: PerturbSpec,
    /// What they changed in the current episode.
    pub changes: Vec<Change>,
}

/// The list of this episode's changes, grouped by kind.
#[function_component]
pub fn WhatChanged(props: &WhatChangedProps) -> Html {
    let body = if props.spec.is_empty() {
        html! {
            <p class="changes-empty" id="wobble-changes-empty">{"No perturbations: this is the site as written."}</p>
        }
    } else {
        html! {
            // Focusable, so that a keyboard can scroll a long list.
            <ul class="changes" id="wobble-changes" tabindex="0" aria-labelledby="wobble-changes-title">
                { for by_kind(&props.changes).into_iter().map(|group| html! {
                    <li class={classes!("change-group", group.iter().all(|c| !c.applied).then_some("change-group-muted"))}
                        data-kind={group[0].kind.name()}>
                        <span class="change-kind">{ format!("{} · {}", group[0].kind, group[0].severity) }</span>
                        <ul class="change-lines">
                            { for group.iter().map(line) }
                        </ul>
                    </li>
                }) }
            </ul>
        }
    };
    let spec = props.spec.to_string();
    html! {
        <section class="card changes-card" aria-labelledby="wobble-changes-title">
            <div class="card-title-row">
                <h2 class="card-title" id="wobble-changes-title">{"What changed"}</h2>
                if !props.spec.is_empty() {
                    <span class="task-name" id="wobble-spec" title={spec.clone()}>{ spec }</span>
                }
            </div>
            { body }
        </section>
    }
}

/// Runs of consecutive changes made by the same kind (the engine lists them in catalog order).
fn by_kind(changes: &[Change]) -> Vec<&[Change]> {
    changes.chunk_by(|a, b| a.kind == b.kind).collect()
}

/// One change, in the engine's words; muted, as "not applicable", when nothing was changed.
fn line(c: &Change) -> Html {
    let text = if c.applied {
        sentence(&c.text)
    } else {
        format!("Not applicable: {}", c.text)
    };
    html! {
        <li class={classes!("change", (!c.applied).then_some("change-muted"))} data-applied={c.applied.to_string()}>
            { text }
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wobble_engine::perturb::Kind;

    fn change(kind: Kind, applied: bool) -> Change {
        Change {
            kind,
            severity: 2,
            text: String::new(),
            page: None,
            key: None,
            applied,
        }
    }

    #[test]
    fn changes_are_grouped_by_consecutive_kind() {
        let changes = [
            change(Kind::Move, true),
            change(Kind::Move, true),
            change(Kind::Relabel, false),
            change(Kind::Popup, true),
        ];
        let groups = by_kind(&changes);
        let sizes: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        assert_eq!(sizes, [2, 1, 1]);
        assert!(by_kind(&[]).is_empty());
    }
}
