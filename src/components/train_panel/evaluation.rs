//! How brittle a trained policy is: the sweep of one policy over every perturbation (the heat
//! map) and the plain-against-randomized comparison under the current perturbations (the bars).
//!
//! Both run in the worker: the panel sends a sweep after each training and from the saved
//! list's "Sweep" button, and a comparison whenever the [`Board`] holds a plain and a randomized
//! policy of one site and task; the results come back as reports, and this section draws them.

use wobble_app::agent::{Command, SiteFile, SweepRequest};
use wobble_policy::EVALUATION_SEEDS_START;
use yew::prelude::*;

use super::board::Board;
use crate::components::charts::Bars;
use crate::session::Selection;

/// Episodes per cell of the sweep run after training.
pub(super) const SWEEP_EPISODES: u64 = 20;
/// Episodes per policy of the plain-against-randomized comparison.
pub(super) const COMPARE_EPISODES: u64 = 100;

/// The worker's command to sweep a policy (its JSON and name), on the opened site file when the
/// policy is for it; the panel sends it after each training and from the saved list.
pub(super) fn sweep(policy: String, name: String, site_file: Option<&SiteFile>) -> Command {
    Command::Sweep(SweepRequest {
        policy,
        name,
        episodes: SWEEP_EPISODES,
        seed: EVALUATION_SEEDS_START,
        site_file: site_file.cloned(),
    })
}

/// The sweep's progress, its heat map, and the comparison's bars (or how to get them).
pub(super) fn view(board: &UseReducerHandle<Board>, selection: &Selection) -> Html {
    let spec_empty = selection.perturb.is_empty();
    html! {
        <>
            if let Some((done, total)) = board.sweeping {
                <p class="hint" id="wobble-sweep-status">{ format!("Sweeping every perturbation: {done} of {total} cells…") }</p>
            }
            if let Some(svg) = &board.heat {
                <figure class="heat" id="wobble-heat">
                    <figcaption class="chart-title">{"Brittleness: success under each perturbation"}</figcaption>
                    { Html::from_html_unchecked(AttrValue::from(svg.clone())) }
                </figure>
            }
            if let Some(rates) = &board.compared {
                <Bars id="wobble-compare" title={ if spec_empty {
                    AttrValue::from("Success with no perturbation")
                } else {
                    AttrValue::from(format!("Success under {}", selection.perturb))
                } } bars={rates.clone()} />
            } else if board.plain.is_some() != board.randomized.is_some() {
                <p class="hint" id="wobble-compare-hint">{ if spec_empty {
                    "To compare with a policy trained under randomized perturbations, turn some perturbations on (right), tick \"Randomize\" and train again."
                } else {
                    "Train this task once more with the other randomization setting to compare the two under the current perturbations."
                } }</p>
            }
        </>
    }
}
