//! How brittle a trained policy is: the sweep of one policy over every perturbation (the heat
//! map) and the plain-against-randomized comparison under the current perturbations (the bars).
//!
//! Both run in the worker: the panel sends a sweep after each training and from the saved
//! list's "Sweep" button, and a comparison whenever the [`Board`] holds a plain and a randomized
//! policy of one site and task; the results come back as reports, and this section draws them.

use wobble_app::agent::{Command, Rate, SiteFile, SweepRequest};
use wobble_policy::EVALUATION_SEEDS_START;
use yew::prelude::*;

use super::board::Board;
use crate::components::charts::Bars;
use crate::session::{Selection, YourRow, Yours};

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

/// The comparison's rates, and the person's own under the same perturbations (on the seeds
/// they played) when there is one.
fn with_you(rates: &[Rate], yours: Option<&YourRow>) -> Vec<Rate> {
    let mut all = rates.to_vec();
    all.extend(yours.map(|row| Rate {
        label: "you".into(),
        successes: row.successes,
        episodes: row.episodes,
    }));
    all
}

/// The person's own success on this site and task under each perturbation they played, beside
/// the heat map's agent.
fn you_line(rows: &[&YourRow]) -> String {
    if rows.is_empty() {
        return "You: not played yet. Take over and play an episode (with perturbations or without) to see your own success here and in the comparison.".into();
    }
    let parts: Vec<String> = rows
        .iter()
        .map(|r| {
            let tally = r.tally();
            let ci = tally.interval();
            format!(
                "{}: {} of {} ({:.0}%, 95% interval {:.0}–{:.0}%)",
                if r.perturb.is_empty() {
                    "no change"
                } else {
                    &r.perturb
                },
                r.successes,
                r.episodes,
                tally.rate() * 100.0,
                ci.low * 100.0,
                ci.high * 100.0
            )
        })
        .collect();
    format!("You, on the seeds you played: {}.", parts.join(" · "))
}

/// The sweep's progress, its heat map, and the comparison's bars (or how to get them).
pub(super) fn view(board: &UseReducerHandle<Board>, selection: &Selection, yours: &Yours) -> Html {
    let spec_empty = selection.perturb.is_empty();
    // Bars measured under another spec than the one shown wait for their successor.
    let shown = selection.perturb.to_string();
    let current = board
        .compared
        .as_ref()
        .filter(|(spec, _)| *spec == shown)
        .map(|(_, rates)| with_you(rates, yours.get(&selection.site, &selection.task, &shown)));
    let your_rows: Vec<&YourRow> = yours
        .rows()
        .iter()
        .filter(|r| r.site == selection.site && r.task == selection.task)
        .collect();
    html! {
        <>
            if let Some((done, total)) = board.sweeping {
                <p class="hint" id="wobble-sweep-status">{ format!("Sweeping every perturbation: {done} of {total} cells…") }</p>
            }
            if let Some(svg) = &board.heat {
                <figure class="heat" id="wobble-heat">
                    <figcaption class="chart-title">{"Brittleness: success under each perturbation"}</figcaption>
                    { Html::from_html_unchecked(AttrValue::from(svg.clone())) }
                    <p class="hint heat-you" id="wobble-heat-you">{ you_line(&your_rows) }</p>
                </figure>
            }
            if let Some(rates) = current {
                <Bars id="wobble-compare" title={ if spec_empty {
                    AttrValue::from("Success with no perturbation")
                } else {
                    AttrValue::from(format!("Success under {}", selection.perturb))
                } } bars={rates} />
            } else if board.plain.is_some() && board.randomized.is_some() {
                <p class="hint" id="wobble-compare-status">{ format!("Comparing the plain and the randomized policy under {}…",
                    if spec_empty { "no perturbation".to_string() } else { selection.perturb.to_string() }) }</p>
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Selection;

    #[test]
    fn the_person_joins_the_bars_and_the_heat_map_line_only_where_they_played() {
        let rate = |label: &str| Rate {
            label: label.into(),
            successes: 3,
            episodes: 100,
        };
        let mut yours = Yours::default();
        let on = |perturb: &str| Selection {
            site: "airline".into(),
            task: "book-flight".into(),
            seed: 1,
            perturb: perturb.parse().unwrap(),
        };
        yours.count(&on("relabel:3"), true);
        yours.count(&on("relabel:3"), true);
        let bars = with_you(
            &[rate("trained plain")],
            yours.get("airline", "book-flight", "relabel:3"),
        );
        assert_eq!(bars.len(), 2);
        assert_eq!(
            (bars[1].label.as_str(), bars[1].successes, bars[1].episodes),
            ("you", 2, 2)
        );
        assert_eq!(with_you(&[rate("trained plain")], None).len(), 1);

        assert!(you_line(&[]).starts_with("You: not played yet"));
        yours.count(&on(""), false);
        let rows: Vec<&YourRow> = yours.rows().iter().collect();
        assert_eq!(
            you_line(&rows),
            "You, on the seeds you played: relabel:3: 2 of 2 (100%, 95% interval 34–100%) · no change: 0 of 1 (0%, 95% interval 0–79%)."
        );
    }
}
