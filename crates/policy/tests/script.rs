//! The scripted bot breaks where a recorded RPA script breaks, and only there:
//! it finds each recorded element by its selector id or, failing that, at its
//! recorded point, so it survives renamed ids (the element is where it was)
//! and moved elements (the id still finds them), and fails when both change
//! or when a step appears that it never recorded. Evaluation seeds only.

use wobble_engine::catalog::{open, Source};
use wobble_policy::{evaluate, Policy, ScriptPolicy, EVALUATION_SEEDS_START};

const EPISODES: u64 = 60;

fn success(site: &str, perturb: &str) -> f64 {
    let mut env = open(Source::Named(site), None, Some(perturb)).unwrap();
    let mut script = ScriptPolicy::new();
    evaluate(&mut env, &mut script, EPISODES, EVALUATION_SEEDS_START).success_rate
}

#[test]
fn the_script_records_a_successful_episode_and_replays_it() {
    let mut env = open(Source::Named("login-user"), None, None).unwrap();
    let mut script = ScriptPolicy::new();
    assert_eq!(
        script.steps(),
        0,
        "nothing is recorded before the first episode"
    );
    env.reset(EVALUATION_SEEDS_START);
    script.begin_episode(&env);
    // Username, password, then the button.
    assert_eq!(script.steps(), 3);
    assert_eq!(success("login-user", ""), 1.0);
    assert_eq!(success("bank", ""), 1.0);
}

#[test]
fn renamed_ids_or_moved_elements_alone_do_not_break_it_both_together_do() {
    for site in ["login-user", "bank"] {
        assert_eq!(
            success(site, "rename-selectors:3"),
            1.0,
            "{site}: found at its point"
        );
        assert_eq!(success(site, "move:3"), 1.0, "{site}: found by its id");
        assert!(
            success(site, "move:3,rename-selectors:3") <= 0.05,
            "{site}: neither id nor point finds it"
        );
    }
}

#[test]
fn an_unrecorded_pop_up_breaks_it() {
    assert!(success("login-user", "popup:2") <= 0.05);
}

#[test]
fn an_answer_that_depends_on_the_data_is_replayed_blindly() {
    // The recorded episode's flight row is clicked again whatever the cheapest is now.
    let rate = success("airline", "");
    assert!(rate < 0.5, "{rate}");
}
