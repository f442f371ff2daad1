//! The reader learns list-style pages and tasks that end by saying "done":
//! each candidate's features include what is read around it (its row, card
//! and heading against the goal fields), and `finish` is a candidate where
//! the task ends that way. Fixed seeds and budgets; training episodes use
//! seeds below 2^63, evaluation the 1,000 seeds from 2^63 on, so no
//! evaluated episode was trained on. The warm-started budgets (200 cloned
//! oracle episodes, then 500 of PPO) are the ones that take every shipped
//! task but aurora and shop/buy to 90%; inbox/star is also learned by PPO
//! alone. Meant for release mode (under a minute on one core).
#![cfg(not(target_arch = "wasm32"))]

use wobble_engine::{builtin, Action, Env, EnvConfig};
use wobble_policy::learned::context::CONTEXT;
use wobble_policy::learned::features::{FeatureSet, Featurizer, CONTEXT_AT};
use wobble_policy::learned::train::{train, TrainConfig};
use wobble_policy::{evaluate, LearnedPolicy};

/// The first evaluation seed: above every training seed.
const UNSEEN: u64 = 1 << 63;

fn env_of(site: &str, task: &str) -> Env {
    let site = builtin::load_builtin(site).unwrap();
    let task = site.task_index(task).unwrap();
    Env::new(site, task, EnvConfig::default()).unwrap()
}

/// Trains by PPO from seed 1 (after `warm_start` cloned oracle episodes)
/// and returns the success rate on 1,000 unseen seeds.
fn success_after(site: &str, task: &str, episodes: u64, warm_start: u64) -> f64 {
    let mut env = env_of(site, task);
    let config = TrainConfig {
        episodes,
        warm_start,
        seed: 1,
        ..TrainConfig::default()
    };
    let mut policy: LearnedPolicy = train(&mut env, &config, &mut |_| {});
    evaluate(&mut env, &mut policy, 1000, UNSEEN).success_rate
}

#[test]
fn a_button_reads_its_row_and_finish_is_a_candidate_where_the_task_ends_so() {
    let mut env = env_of("inbox", "star");
    env.reset(UNSEEN);
    let mut f = Featurizer::default();
    f.compute(&env, &FeatureSet::default());
    assert_eq!(f.candidates.len(), env.candidates().len() + f.extra.len());
    assert_eq!(f.extra.last(), Some(&Action::Finish));
    // The identical "Open" buttons differ by their rows: exactly one row
    // shows both the sender and the subject, and it is the best match.
    let opens: Vec<&[f32]> = env
        .candidates()
        .iter()
        .zip(&f.candidates)
        .filter(|(a, _)| matches!(a, Action::Click(i) if env.nodes()[*i as usize].label == "Open"))
        .map(|(_, c)| &c.dense[CONTEXT_AT..CONTEXT_AT + CONTEXT])
        .collect();
    assert!(opens.len() > 2, "{} rows", opens.len());
    let full = opens.iter().filter(|c| c[1] == 1.0 && c[5] == 1.0).count();
    assert_eq!(full, 1, "rows showing every goal value: {opens:?}");
    assert!(opens.iter().all(|c| c[0] == 1.0));
    // Switched off, the group reads zeros.
    let off = FeatureSet {
        context: false,
        ..FeatureSet::default()
    };
    f.compute(&env, &off);
    assert!(f
        .candidates
        .iter()
        .all(|c| c.dense[CONTEXT_AT..CONTEXT_AT + CONTEXT]
            .iter()
            .all(|&x| x == 0.0)));
    // A task with a final button has no finish candidate.
    let mut airline = env_of("airline", "book-flight");
    airline.reset(UNSEEN);
    f.compute(&airline, &FeatureSet::default());
    assert!(!f.extra.contains(&Action::Finish));
}

#[test]
fn ppo_alone_learns_to_star_the_right_email_and_say_done() {
    // Identical "Star" boxes and "Open" buttons, one per row; ends with finish.
    let rate = success_after("inbox", "star", 2000, 0);
    assert!(rate >= 0.90, "inbox/star: {rate}");
}

#[test]
fn warm_started_ppo_stars_and_forwards_then_says_done() {
    let rate = success_after("inbox", "star-and-forward", 500, 200);
    assert!(rate >= 0.90, "inbox/star-and-forward: {rate}");
}

#[test]
fn warm_started_ppo_buys_the_cheapest_product_in_a_list() {
    // Filter, then "View" on the cheapest row; "buy one" typed from the instruction.
    let rate = success_after("shop", "buy-cheapest", 500, 200);
    assert!(rate >= 0.90, "shop/buy-cheapest: {rate}");
}
