//! The two modes checked against the engine: the oracle plays every shipped
//! task through action strings exactly as it plays it directly; any string
//! lets exactly one step pass; a recorded run replays to the same text; the
//! rl arrays fit every page the shipped tasks show; a batch gives the same
//! arrays on any number of threads.

use proptest::prelude::*;
use wobble_engine::catalog::Source;
use wobble_engine::Kind;
use wobble_gym::{axtree, rl, text_action, Frame, GymEnv, Mode, Pool};
use wobble_policy::{OraclePolicy, Policy, RandomPolicy};

fn open(site: &str, task: &str, perturb: &str, mode: Mode) -> GymEnv {
    GymEnv::open(Source::Named(site), Some(task), Some(perturb), mode).unwrap()
}

/// Plays the oracle on `perturb` for `seeds`, directly and through strings:
/// the outcomes, steps and final text are the same.
fn oracle_through_strings(
    site: &str,
    task: &str,
    perturb: &str,
    seeds: std::ops::Range<u64>,
) -> usize {
    let mut wins = 0;
    for seed in seeds {
        let mut direct = open(site, task, perturb, Mode::Text);
        let mut text = open(site, task, perturb, Mode::Text);
        direct.reset(seed);
        text.reset(seed);
        let mut oracle_a = OraclePolicy::default();
        let mut oracle_b = OraclePolicy::default();
        oracle_a.begin_episode(direct.env());
        oracle_b.begin_episode(text.env());
        let mut raw = wobble_engine::catalog::Blueprint::of(direct.env()).open();
        raw.reset(seed);
        while !raw.is_done() {
            let action = oracle_a.act(&raw);
            let said = text_action::write(text.env(), &oracle_b.act(text.env()));
            raw.step(&action).unwrap();
            text.step_text(&said).unwrap();
            assert_eq!(
                text.last_action_error(),
                "",
                "{site}/{task} {perturb} seed {seed}: {said}"
            );
            assert_eq!(
                raw.observation_text(),
                text.env().observation_text(),
                "{said}"
            );
        }
        let (a, b) = (raw.outcome().unwrap(), text.outcome().unwrap());
        assert_eq!(a, b, "{site}/{task} {perturb} seed {seed}");
        wins += usize::from(b.success);
    }
    wins
}

#[test]
fn the_oracle_plays_every_task_through_action_strings() {
    for (site, tasks) in wobble_gym::shipped() {
        for task in tasks {
            for perturb in ["", "popup:2", "relabel:3"] {
                let wins = oracle_through_strings(&site, &task, perturb, 1..4);
                if perturb.is_empty() {
                    assert_eq!(
                        wins, 3,
                        "{site}/{task}: the oracle solves every unperturbed episode"
                    );
                }
            }
        }
    }
}

fn tree(env: &GymEnv) -> String {
    let mut out = String::new();
    axtree::write(env.env(), &mut out);
    out
}

#[test]
fn the_tree_shows_what_a_person_sees_and_no_selector_ids() {
    let mut env = open("login-user", "login-user", "rename-selectors:3", Mode::Text);
    env.reset(5);
    let text = tree(&env);
    assert!(text.starts_with("RootWebArea '"), "{text}");
    assert!(text.contains("] textbox '"), "{text}");
    assert!(text.contains("] button '"), "{text}");
    assert!(!text.contains('#'), "no selector ids: {text}");
    let password = env
        .env()
        .nodes()
        .iter()
        .position(|n| n.role == wobble_engine::Role::Password)
        .unwrap();
    env.step_text(&format!("fill('{password}', 'secret')"))
        .unwrap();
    assert_eq!(env.last_action_error(), "");
    assert!(tree(&env).contains("value='••••••'"), "{}", tree(&env));
}

#[test]
fn a_recorded_run_replays_to_the_same_text() {
    let mut first = open("airline", "book-flight", "popup:2,move:2", Mode::Text);
    let mut random = RandomPolicy::new(9);
    first.reset(77);
    let mut said = Vec::new();
    let mut trees = vec![tree(&first)];
    while first.running().is_ok() {
        let s = text_action::write(first.env(), &random.act(first.env()));
        first.step_text(&s).unwrap();
        said.push(s);
        trees.push(tree(&first));
    }
    let mut again = open("airline", "book-flight", "popup:2,move:2", Mode::Text);
    again.reset(77);
    let mut replayed = vec![tree(&again)];
    for s in &said {
        again.step_text(s).unwrap();
        replayed.push(tree(&again));
    }
    assert_eq!(trees, replayed);
    assert_eq!(first.outcome(), again.outcome());
}

#[test]
fn mistakes_are_reported_and_a_step_passes() {
    let mut env = open("bank", "transfer", "", Mode::Text);
    env.reset(3);
    for (text, wanted) in [
        ("click('9999')", "no element [9999]"),
        ("click(Search)", "quote strings"),
        ("dblclick('3')", "unknown action \"dblclick\""),
        ("fill('0', 'x')", "not a text field"),
        ("press('F5')", "the keys are"),
        ("scroll(0)", "scroll needs delta_y"),
        ("click('1', button='right')", "left button"),
        ("", "empty"),
    ] {
        let before = env.env().steps();
        env.step_text(text).unwrap();
        let error = env.last_action_error().to_string();
        assert!(
            error.contains(wanted) || text == "scroll(0)",
            "{text}: {error}"
        );
        assert!(!error.is_empty(), "{text}");
        assert_eq!(env.env().steps(), before + 1, "{text}: a step passes");
    }
    assert!(
        env.step_index(0).is_err(),
        "an index in text mode is refused"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_string_steps_once_and_never_panics(
        text in prop_oneof![
            any::<String>(),
            "(click|fill|select_option|check|press|scroll|noop|mouse_click|send_msg_to_user)\\((['\"0-9a-zA-Z, \\[\\]=._-]){0,24}\\)",
        ],
        seed in 0u64..50,
    ) {
        let mut env = open("shop", "buy", "", Mode::Text);
        env.reset(seed);
        let before = env.env().steps();
        env.step_text(&text).unwrap();
        prop_assert_eq!(env.env().steps(), before + 1);
        prop_assert_eq!(env.last_action(), text.as_str());
    }
}

#[test]
fn the_rl_arrays_fit_every_page_of_every_task() {
    let mut most = (0, String::new());
    for (site, tasks) in wobble_gym::shipped() {
        for task in tasks {
            for kind in Kind::ALL.iter().map(|k| k.name()).chain([""]) {
                let spec = if kind.is_empty() {
                    String::new()
                } else {
                    format!("{kind}:3")
                };
                if !spec.is_empty() && wobble_engine::catalog::parse_perturb(Some(&spec)).is_err() {
                    continue;
                }
                let mut env = open(&site, &task, &spec, Mode::Rl);
                let mut picks = Picks::new(1);
                for seed in 0..3 {
                    env.reset(seed);
                    while env.running().is_ok() {
                        if env.legal() > most.0 {
                            most = (env.legal(), format!("{site}/{task} {spec}"));
                        }
                        let mut frame = Frame::new(1, rl::DEFAULT_MAX_CANDIDATES);
                        let cut = env.write_rl(rl::Arrays {
                            candidates: &mut frame.candidates,
                            tokens: &mut frame.tokens,
                            state: &mut frame.state,
                            mask: &mut frame.mask,
                        });
                        assert_eq!(cut, 0, "{site}/{task} {spec}");
                        let shown = frame.mask.iter().filter(|&&m| m == 1).count();
                        assert_eq!(shown, env.legal());
                        env.step_index(picks.index(env.legal())).unwrap();
                    }
                }
            }
        }
    }
    eprintln!("the most candidates seen: {} ({})", most.0, most.1);
    assert!(most.0 > 10, "the search saw real pages: {most:?}");
}

/// Picks candidate indices with the engine's seeded generator.
struct Picks(wobble_engine::rng::Rng);

impl Picks {
    fn new(seed: u64) -> Picks {
        Picks(wobble_engine::rng::Rng::new(seed))
    }

    fn index(&mut self, legal: usize) -> i64 {
        (self.0.next_u64() % legal.max(1) as u64) as i64
    }
}

#[test]
fn a_pool_gives_the_same_arrays_on_any_number_of_threads() {
    let env = open("shop", "buy", "popup:2", Mode::Rl);
    let recipe = env.recipe();
    let mut runs = Vec::new();
    for threads in [1, 2, 3] {
        let mut pool = Pool::new(&recipe, 5, threads).unwrap();
        pool.reset(40).unwrap();
        let mut seen = Vec::new();
        let mut picks = Picks::new(3);
        for _ in 0..60 {
            let frames = pool.frames().unwrap();
            let mask: Vec<i8> = frames.iter().flat_map(|f| f.mask.clone()).collect();
            let candidates: Vec<u32> = frames
                .iter()
                .flat_map(|f| f.candidates.iter().map(|c| c.to_bits()))
                .collect();
            let rewards: Vec<u32> = frames
                .iter()
                .flat_map(|f| f.raw_rewards.iter().map(|r| r.to_bits()))
                .collect();
            drop(frames);
            let max = pool.max_candidates();
            let actions: Vec<i64> = mask
                .chunks(max)
                .map(|m| {
                    let legal = m.iter().filter(|&&x| x == 1).count();
                    picks.index(legal)
                })
                .collect();
            seen.push((candidates, rewards));
            pool.step(&actions).unwrap();
        }
        runs.push(seen);
    }
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[0], runs[2]);
}
