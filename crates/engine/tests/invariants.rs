//! Property tests: whatever an agent does, under any perturbations, the
//! engine never panics and its invariants hold: boxes inside the page, usable
//! elements not overlapping, handles and selector ids unique, exactly one
//! terminal reward per episode.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use proptest::prelude::*;
use wobble_engine::{Action, Env, Key, Kind, PerturbSpec, Role, StepError, TypeText};

/// An action drawn from anything an agent could send, legal or not.
fn any_action(candidates: usize) -> impl Strategy<Value = (u8, u32, f32, f32, String)> {
    let _ = candidates;
    (
        0u8..10,
        0u32..400,
        -50.0f32..1000.0,
        -50.0f32..1000.0,
        "[a-zA-Z0-9 $.,<>/-]{0,12}",
    )
}

/// Any set of perturbations: each kind absent (most often) or at a severity.
fn any_spec() -> impl Strategy<Value = PerturbSpec> {
    prop::collection::vec(0u8..8, Kind::ALL.len()).prop_map(|levels| {
        let mut spec = PerturbSpec::none();
        for (kind, level) in Kind::ALL.into_iter().zip(levels) {
            if (1..=3).contains(&level) {
                spec.set(kind, level);
            }
        }
        spec
    })
}

fn to_action(env: &Env, (kind, n, x, y, text): &(u8, u32, f32, f32, String)) -> Action {
    let c = env.candidates();
    match kind {
        0..=4 if !c.is_empty() => c[*n as usize % c.len()].clone(),
        5 => Action::ClickAt { x: *x, y: *y },
        6 => Action::Type(
            *n % (env.nodes().len() as u32 + 3),
            TypeText::Literal(text.clone()),
        ),
        7 => Action::Key(match n % 3 {
            0 => Key::Enter,
            1 => Key::Tab,
            _ => Key::Escape,
        }),
        8 => Action::Scroll(*y - 300.0),
        _ => Action::Click(*n % (env.nodes().len() as u32 + 3)),
    }
}

/// The layout rules `wobble check` holds every site to.
fn check_layout(env: &Env) -> Result<(), String> {
    match wobble_engine::check::layout_problem(env) {
        Some(problem) => Err(format!("{}: {problem}", env.site().name)),
        None => Ok(()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_actions_keep_every_invariant(site_pick in 0usize..100, seed in 0u64..10_000, actions in prop::collection::vec(any_action(0), 1..80), spec in any_spec()) {
        let all = common::site_tasks();
        let (site, task) = &all[site_pick % all.len()];
        let mut env = common::env(site, *task);
        env.set_perturbations(spec);
        env.reset(seed);
        prop_assert!(check_layout(&env).is_ok(), "{}", check_layout(&env).unwrap_err());
        let mut terminal_rewards = 0;
        for a in &actions {
            let action = to_action(&env, a);
            match env.step(&action) {
                Ok(r) => {
                    if r.reward != 0.0 {
                        terminal_rewards += 1;
                        prop_assert!(r.terminated || r.truncated, "reward {} before the end", r.reward);
                        prop_assert!((-1.0..=1.0).contains(&r.reward));
                    }
                    if r.terminated || r.truncated {
                        prop_assert!(env.is_done());
                        prop_assert_eq!(env.step(&Action::Finish), Err(StepError::EpisodeOver));
                        break;
                    }
                }
                Err(StepError::NoSuchNode(_)) | Err(StepError::NoSuchGoalField(_)) => {}
                Err(e) => prop_assert!(false, "unexpected error {e}"),
            }
            prop_assert!(check_layout(&env).is_ok(), "{}", check_layout(&env).unwrap_err());
        }
        if env.is_done() {
            prop_assert_eq!(terminal_rewards, 1);
        } else {
            prop_assert_eq!(terminal_rewards, 0);
        }
    }
}

#[test]
fn every_page_of_every_site_keeps_the_layout_invariants_under_the_oracle_path() {
    // Random rollouts visit many pages; check the layout after every step.
    for (site, task) in common::site_tasks() {
        let mut env = common::env(&site, task);
        for seed in 0..40 {
            let mut rng = wobble_engine::rng::Rng::new(seed);
            // Every other episode under everything at once.
            env.set_perturbations(if seed % 2 == 0 {
                PerturbSpec::none()
            } else {
                Kind::ALL.iter().fold(PerturbSpec::none(), |mut s, &k| {
                    s.set(k, 1 + (seed % 3) as u8);
                    s
                })
            });
            env.reset(seed);
            check_layout(&env).unwrap();
            while !env.is_done() {
                let c = env.candidates();
                let a = if c.is_empty() {
                    Action::Finish
                } else {
                    c[rng.below(c.len() as u64) as usize].clone()
                };
                env.step(&a).unwrap();
                check_layout(&env).unwrap();
            }
        }
    }
}

#[test]
fn text_entry_candidates_only_type_visible_goal_fields() {
    for (site, task) in common::site_tasks() {
        let mut env = common::env(&site, task);
        env.reset(3);
        let visible: Vec<u16> = env.goal_fields().map(|(g, _, _)| g).collect();
        for a in env.candidates() {
            if let Action::Type(n, TypeText::Goal(g)) = a {
                assert!(visible.contains(g));
                assert!(env.nodes()[*n as usize].role.is_text_entry());
            }
            if let Action::Click(n) = a {
                assert!(matches!(
                    env.nodes()[*n as usize].role,
                    Role::Button | Role::Link | Role::Checkbox | Role::Radio
                ));
            }
        }
    }
}
