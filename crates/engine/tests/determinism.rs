//! Same seed, same actions: same episode, bit for bit. Checked three ways:
//! two environments in lockstep, a replayed JSON record, and golden digests
//! (also compared on wasm32 by `wasm_determinism.rs`). Golden files are
//! regenerated with `cargo xtask bless` (WOBBLE_BLESS=1) and must be fresh.

mod common;

use std::path::{Path, PathBuf};
use wobble_engine::rng::Rng;
use wobble_engine::{Action, EpisodeRecord, Recorder};
use wobble_testkit::{generated_block, golden_file};

/// Where this file's golden files live.
fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

#[test]
fn two_environments_in_lockstep_agree_on_every_site_and_task() {
    for (site, task) in common::site_tasks() {
        let (mut a, mut b) = (common::env(&site, task), common::env(&site, task));
        for seed in 0..50 {
            assert_eq!(
                common::random_rollout(&mut a, seed, 60),
                common::random_rollout(&mut b, seed, 60),
                "{} seed {seed}",
                site.name
            );
        }
    }
}

/// The layout keeps each page's taffy subtree between layouts and updates
/// only what changed: an environment that has played many episodes must see
/// exactly what a fresh one sees.
#[test]
fn observations_do_not_depend_on_the_episodes_played_before() {
    for (site, task) in common::site_tasks() {
        let mut seasoned = common::env(&site, task);
        for spec in std::iter::once("").chain(common::DIGESTED_SPECS) {
            let spec: wobble_engine::PerturbSpec = spec.parse().expect("a valid spec");
            seasoned.set_perturbations(spec.clone());
            for seed in 0..40 {
                let mut fresh = common::env(&site, task);
                fresh.set_perturbations(spec.clone());
                assert_eq!(
                    common::random_rollout(&mut seasoned, seed, 60),
                    common::random_rollout(&mut fresh, seed, 60),
                    "{} under {spec} seed {seed}",
                    site.name
                );
            }
        }
    }
}

#[test]
fn different_seeds_give_different_goals() {
    for (site, task) in common::site_tasks() {
        let mut env = common::env(&site, task);
        let mut instructions = std::collections::BTreeSet::new();
        for seed in 0..20 {
            env.reset(seed);
            instructions.insert(env.instruction().to_string());
        }
        assert!(
            instructions.len() >= 5,
            "{}: the goal barely changes with the seed: {instructions:?}",
            site.name
        );
    }
}

#[test]
fn recorded_episodes_replay_exactly_after_a_json_round_trip() {
    for (site, task) in common::site_tasks() {
        let mut env = common::env(&site, task);
        for seed in 0..10 {
            env.reset(seed);
            let mut rec = Recorder::start(&env);
            let mut rng = Rng::new(seed);
            while !env.is_done() {
                let c = env.candidates();
                let a = if c.is_empty() {
                    Action::Finish
                } else {
                    c[rng.below(c.len() as u64) as usize].clone()
                };
                rec.step(&mut env, &a).unwrap();
            }
            let record = rec.finish();
            assert!(record.outcome.is_some());
            let json = serde_json::to_string(&record).unwrap();
            let back: EpisodeRecord = serde_json::from_str(&json).unwrap();
            assert_eq!(back, record);
            back.replay(&mut common::env(&site, task)).unwrap();
            // A tampered record is caught.
            let mut bad = back.clone();
            if let Some(s) = bad.steps.last_mut() {
                s.digest = "0000000000000000".into();
                assert!(bad.replay(&mut common::env(&site, task)).is_err());
            }
        }
    }
}

#[test]
fn rollout_digests_match_the_golden_file() {
    golden_file(golden_path("digests.txt"), &common::digest_lines());
}

/// RELIABILITY.md quotes how many digest lines the audit checks and how big
/// the committed fuzz corpus is; both are measured here and kept in generated
/// blocks, so a stale figure fails.
#[test]
fn reliability_figures_are_fresh() {
    let lines = common::digest_lines().lines().count();
    generated_block("RELIABILITY.md", "digests:lines", &format!("{lines} lines"));
    let (files, bytes) = corpus_size(&wobble_testkit::root().join("fuzz/corpus"));
    generated_block(
        "RELIABILITY.md",
        "corpus:size",
        &format!("{files} files, {} KB", bytes.div_ceil(1024)),
    );
}

/// Files and bytes under `dir`, recursively.
fn corpus_size(dir: &std::path::Path) -> (u64, u64) {
    let mut total = (0, 0);
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            let (f, b) = corpus_size(&path);
            total = (total.0 + f, total.1 + b);
        } else {
            total = (total.0 + 1, total.1 + entry.metadata().unwrap().len());
        }
    }
    total
}

#[test]
fn first_observations_match_the_golden_files() {
    for (site, task) in common::site_tasks() {
        let mut env = common::env(&site, task);
        env.reset(1);
        let mut text = env.observation_text();
        text.push_str("\nboxes:\n");
        for i in env.visible_nodes() {
            let n = &env.nodes()[i as usize];
            let b = env.bbox(i);
            text.push_str(&format!(
                "[{i}] {} {:?} ({}, {}, {}, {}) #{} .{}\n",
                n.role.name(),
                n.key,
                b.x,
                b.y,
                b.w,
                b.h,
                n.dom_id,
                n.classes
            ));
        }
        golden_file(
            golden_path(&format!("{}.{}.txt", site.name, site.tasks[task].name)),
            &text,
        );
    }
}
