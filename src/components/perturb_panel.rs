//! The perturbation panel: every kind of the engine's catalog, grouped, each with a toggle and a
//! severity (1, 2 or 3), and "Clear all".
//!
//! The panel only reports choices: `onset(kind, Some(severity))` turns a kind on (or changes its
//! severity), `onset(kind, None)` turns it off. The session applies them by restarting the
//! episode with the new spec. The kinds, their groups and their descriptions (shown as each
//! row's tooltip) come from the engine.

use wobble_engine::perturb::{Kind, PerturbSpec, DEFAULT_SEVERITY, MAX_SEVERITY, MIN_SEVERITY};
use yew::prelude::*;

/// Props of [`PerturbPanel`].
#[derive(Properties, PartialEq)]
pub struct PerturbPanelProps {
    /// The perturbations in use.
    pub spec: PerturbSpec,
    /// Turns a kind on at a severity, or off (`None`).
    pub onset: Callback<(Kind, Option<u8>)>,
    /// Turns every kind off.
    pub onclear: Callback<()>,
}

/// Toggles and severities for every perturbation kind.
#[function_component]
pub fn PerturbPanel(props: &PerturbPanelProps) -> Html {
    let onclear = props.onclear.reform(|_: MouseEvent| ());
    let active = props.spec.items().len();
    html! {
        <section class="card perturb-card" id="wobble-perturb" aria-labelledby="wobble-perturb-title">
            <div class="card-title-row">
                <h2 class="card-title" id="wobble-perturb-title">{"Perturbations"}</h2>
                <button type="button" class="button button-small" id="wobble-perturb-clear"
                    disabled={active == 0} onclick={onclear}>{"Clear all"}</button>
            </div>
            <p class="hint perturb-hint">
                {"Shift the site the way real sites shift. Each change restarts this episode (same seed); hover a kind for what it does."}
            </p>
            { for groups().into_iter().map(|(group, kinds)| html! {
                <fieldset class="perturb-group" data-group={group}>
                    <legend class="perturb-group-name">{ group }</legend>
                    { for kinds.into_iter().map(|kind| row(kind, props.spec.severity(kind), &props.onset)) }
                </fieldset>
            }) }
        </section>
    }
}

/// The catalog's groups in catalog order, each with its kinds.
fn groups() -> Vec<(&'static str, Vec<Kind>)> {
    let mut groups: Vec<(&'static str, Vec<Kind>)> = Vec::new();
    for kind in Kind::ALL {
        match groups.iter_mut().find(|(g, _)| *g == kind.group()) {
            Some((_, kinds)) => kinds.push(kind),
            None => groups.push((kind.group(), vec![kind])),
        }
    }
    groups
}

/// One kind: a checkbox with its name, and three severity buttons (a click on one also turns the
/// kind on).
fn row(kind: Kind, severity: Option<u8>, onset: &Callback<(Kind, Option<u8>)>) -> Html {
    let name = kind.name();
    let input_id = format!("wobble-perturb-{name}");
    let ontoggle = onset.reform(move |_: Event| {
        (
            kind,
            if severity.is_some() {
                None
            } else {
                Some(DEFAULT_SEVERITY)
            },
        )
    });
    html! {
        <div class={classes!("perturb-row", severity.is_some().then_some("perturb-on"))}
            data-kind={name} title={kind.description()}>
            <input type="checkbox" id={input_id.clone()} class="perturb-check" title={kind.description()}
                checked={severity.is_some()} onchange={ontoggle} />
            <label class="perturb-name" for={input_id}>{ name }</label>
            <span class="severity" role="group" aria-label={format!("{name} severity")}>
                { for (MIN_SEVERITY..=MAX_SEVERITY).map(|s| {
                    let onclick = onset.reform(move |_: MouseEvent| (kind, Some(s)));
                    let pressed = severity == Some(s);
                    html! {
                        <button type="button" class={classes!("severity-step", pressed.then_some("severity-pressed"))}
                            aria-pressed={pressed.to_string()} data-severity={s.to_string()}
                            aria-label={format!("{name} at severity {s}")} {onclick}>{ s }</button>
                    }
                }) }
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_in_exactly_one_group_in_catalog_order() {
        let groups = groups();
        let names: Vec<&str> = groups.iter().map(|(g, _)| *g).collect();
        assert_eq!(
            names,
            [
                "layout",
                "wording",
                "style",
                "selectors",
                "clutter",
                "formats",
                "flow"
            ]
        );
        let count: usize = groups.iter().map(|(_, k)| k.len()).sum();
        assert_eq!(count, Kind::ALL.len());
    }
}
