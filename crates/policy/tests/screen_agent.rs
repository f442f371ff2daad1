//! The screen agent's features come from pixels only: what no person can see
//! (selector ids, element keys) changes nothing it reads; what a person sees
//! (a price, which option shows the goal's value, the label beside a field)
//! is read from the screen; it clicks at points; and it cannot be mixed with
//! the feature groups that read the page's text.

use wobble_engine::catalog::{open, Source};
use wobble_engine::{Action, Env, Role};
use wobble_policy::learned::features::{FeatureSet, Featurizer};
use wobble_policy::learned::screen;
use wobble_policy::{OraclePolicy, Policy, EVALUATION_SEEDS_START};

fn screen() -> FeatureSet {
    FeatureSet::parse("screen").unwrap()
}

/// An episode at `seed`, played by the oracle until `page` is shown.
fn at_page(site: &str, perturb: Option<&str>, seed: u64, page: &str) -> Env {
    let mut env = open(Source::Named(site), None, perturb).unwrap();
    env.reset(seed);
    let mut oracle = OraclePolicy::default();
    oracle.begin_episode(&env);
    while env.page_id() != page {
        assert!(!env.is_done(), "the oracle never reached {page}");
        let a = oracle.act(&env);
        env.step(&a).unwrap();
    }
    env
}

#[test]
fn the_screen_set_stands_alone() {
    assert!(screen().screen && screen().names() == "screen");
    let err = FeatureSet::parse("screen,label").unwrap_err();
    assert!(err.contains("cannot be combined with label"), "{err}");
    assert!(!FeatureSet::parse("all").unwrap().screen);
}

#[test]
fn invisible_changes_change_nothing_it_reads() {
    // Renamed selector ids change the page's markup, not its pixels.
    for site in ["airline", "bank", "login-user"] {
        for seed in EVALUATION_SEEDS_START..EVALUATION_SEEDS_START + 3 {
            let plain = {
                let mut env = open(Source::Named(site), None, None).unwrap();
                env.reset(seed);
                env
            };
            let renamed = {
                let mut env = open(Source::Named(site), None, Some("rename-selectors:3")).unwrap();
                env.reset(seed);
                env
            };
            assert!(renamed.changes().iter().any(|c| c.applied), "{site}");
            let (mut a, mut b) = (Featurizer::default(), Featurizer::default());
            a.compute(&plain, &screen());
            b.compute(&renamed, &screen());
            assert_eq!(a.candidates, b.candidates, "{site} seed {seed}");
        }
    }
}

#[test]
fn it_reads_which_flight_is_cheapest_off_the_screen() {
    for seed in EVALUATION_SEEDS_START..EVALUATION_SEEDS_START + 12 {
        let env = at_page("airline", None, seed, "results");
        let mut f = Featurizer::default();
        f.compute(&env, &screen());
        // The truth, from the rows' text (the test may look; the agent may not).
        let nodes = env.nodes();
        let price = |button: u32| {
            let row = nodes[button as usize].parent.unwrap();
            nodes[row as usize]
                .children
                .iter()
                .map(|&c| nodes[c as usize].label.as_str())
                .find_map(|t| t.strip_prefix('$')?.parse::<f64>().ok())
        };
        let rows: Vec<(f64, f32)> = env
            .candidates()
            .iter()
            .zip(&f.candidates)
            .filter_map(|(a, c)| match a {
                Action::Click(i) if nodes[*i as usize].role == Role::Button => {
                    Some((price(*i)?, c.dense[screen::CHEAPEST]))
                }
                _ => None,
            })
            .collect();
        assert!(rows.len() > 1, "seed {seed}");
        let min = rows.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
        for (p, cheapest) in rows {
            assert_eq!(
                cheapest == 1.0,
                p == min,
                "seed {seed}: ${p} (cheapest ${min})"
            );
        }
    }
}

#[test]
fn the_option_the_label_asks_for_looks_like_its_goal_value() {
    for seed in EVALUATION_SEEDS_START..EVALUATION_SEEDS_START + 6 {
        let mut env = open(Source::Named("airline"), None, None).unwrap();
        env.reset(seed);
        let mut f = Featurizer::default();
        f.compute(&env, &screen());
        let goals: Vec<(String, String)> = env
            .goal_fields()
            .map(|(_, n, v)| (n.to_string(), v.to_string()))
            .collect();
        for (a, c) in env.candidates().iter().zip(&f.candidates) {
            let Action::Select(i, o) = a else { continue };
            let n = &env.nodes()[*i as usize];
            let wanted = match n.label.as_str() {
                "From" => "from",
                "To" => "to",
                _ => continue,
            };
            let value = &goals.iter().find(|(name, _)| name == wanted).unwrap().1;
            let is_goal = &n.options[*o as usize] == value;
            // How alike the option looks to the goal the label names best.
            assert_eq!(
                c.dense[screen::TYPES] > 0.99,
                is_goal,
                "seed {seed} {} {}",
                n.label,
                n.options[*o as usize]
            );
        }
    }
}

#[test]
fn it_clicks_at_the_centre_of_the_box_it_chose() {
    let mut env = open(Source::Named("login-user"), None, None).unwrap();
    env.reset(EVALUATION_SEEDS_START);
    let mut f = Featurizer::default();
    f.compute(&env, &screen());
    let (i, id) = env
        .candidates()
        .iter()
        .enumerate()
        .find_map(|(i, a)| match a {
            Action::Click(id) => Some((i, *id)),
            _ => None,
        })
        .unwrap();
    let (x, y) = env.bbox(id).center();
    assert_eq!(
        f.action(&env, i),
        Some(Action::ClickAt {
            x,
            y: y - env.scroll_y()
        })
    );
}

#[test]
fn what_is_out_of_sight_must_be_scrolled_to() {
    // Seeds where the button to click lies below the window.
    let mut found = 0;
    for seed in EVALUATION_SEEDS_START..EVALUATION_SEEDS_START + 40 {
        let mut env = open(Source::Named("click-button"), None, None).unwrap();
        env.reset(seed);
        let mut oracle = OraclePolicy::default();
        oracle.begin_episode(&env);
        let Action::Click(target) = oracle.act(&env) else {
            continue;
        };
        let b = env.bbox(target);
        if b.y + b.h / 2.0 < env.site().height {
            continue;
        }
        found += 1;
        let mut f = Featurizer::default();
        f.compute(&env, &screen());
        // Scrolling down and up are offered, and a demonstrated click out of
        // sight is, for this agent, a scroll towards it.
        let i = f.index_of(&env, &Action::Click(target)).unwrap();
        assert!(
            matches!(f.action(&env, i), Some(Action::Scroll(dy)) if dy > 0.0),
            "seed {seed}"
        );
        env.step(&f.action(&env, i).unwrap()).unwrap();
        let b = env.bbox(target);
        let centre = b.y + b.h / 2.0 - env.scroll_y();
        assert!(
            centre >= 0.0 && centre < env.site().height,
            "seed {seed}: still out of sight"
        );
    }
    assert!(found > 2, "{found} seeds with the button out of sight");
}
