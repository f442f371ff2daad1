//! No heap allocation on the step path: once an episode runs, a step that
//! leaves the page's layout as it was (same page, same dialog, same shown
//! elements and labels) and does not end the episode allocates nothing; and
//! once an environment has run a while, neither do its resets nor any of its
//! steps, on every task of every shipped site.
//! Counted with a counting global allocator: a behaviour, not a timing.
#![allow(unsafe_code)] // the counting allocator below is the reason
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use wobble_engine::rng::Rng;
use wobble_engine::{Action, Env, Site};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(|c| c.get())
}

/// What decides the layout: page, dialog, and each shown node with its label.
fn layout_key(env: &Env) -> (u32, Option<u32>, Vec<(u32, String)>) {
    (
        env.page_index(),
        env.dialog(),
        env.visible_nodes()
            .map(|i| (i, env.nodes()[i as usize].label.clone()))
            .collect(),
    )
}

#[test]
fn steps_that_keep_the_layout_allocate_nothing() {
    let mut counted = 0u64;
    for (site, task) in common::site_tasks() {
        let mut env = common::env(&site, task);
        for seed in 0..30 {
            let mut rng = Rng::new(seed);
            env.reset(seed);
            while !env.is_done() {
                let c = env.candidates();
                let action = if c.is_empty() {
                    Action::Finish
                } else {
                    c[rng.below(c.len() as u64) as usize].clone()
                };
                let before_key = layout_key(&env);
                let before = allocations();
                let r = env.step(&action).unwrap();
                let used = allocations() - before;
                if r.terminated || r.truncated {
                    break;
                }
                if layout_key(&env) == before_key {
                    assert_eq!(used, 0, "{}/{} seed {seed}: {action:?} allocated {used} times without changing the page", site.name, site.tasks[task].name);
                    counted += 1;
                }
            }
        }
    }
    assert!(
        counted > 1000,
        "too few layout-preserving steps were checked ({counted})"
    );
}

/// What the counted episodes of [`warm_episode_allocations`] made.
struct Counted {
    resets: u64,
    reset_allocations: u64,
    steps: u64,
    step_allocations: u64,
}

/// Whole random episodes after a warm-up of [`WARM_UP`], on one task of a
/// shipped site: how many resets and steps the next `counted` episodes made
/// and how many allocations they made in all. With `read_geometry`, the
/// page's height is read after each reset and step, as an agent reading the
/// geometry would, so the page is laid out and its layout counted too.
fn warm_episode_allocations(
    site: &Arc<Site>,
    task: usize,
    counted: u64,
    read_geometry: bool,
) -> Counted {
    let mut env = common::env(site, task);
    let mut rng = Rng::new(11);
    let mut c = Counted {
        resets: 0,
        reset_allocations: 0,
        steps: 0,
        step_allocations: 0,
    };
    for episode in 0..WARM_UP + counted {
        let counting = episode >= WARM_UP;
        let before = allocations();
        env.reset(episode);
        if read_geometry {
            std::hint::black_box(env.page_height());
        }
        if counting {
            c.resets += 1;
            c.reset_allocations += allocations() - before;
        }
        while !env.is_done() {
            let cands = env.candidates();
            let action = if cands.is_empty() {
                Action::Finish
            } else {
                cands[rng.below(cands.len() as u64) as usize].clone()
            };
            let before = allocations();
            env.step(&action).unwrap();
            if read_geometry {
                std::hint::black_box(env.page_height());
            }
            if counting {
                c.steps += 1;
                c.step_allocations += allocations() - before;
            }
        }
    }
    c
}

/// Episodes a task is given for its buffers to reach the sizes its
/// episodes need.
const WARM_UP: u64 = 1000;
/// Episodes counted after the warm-up.
const MEASURED: u64 = 100;
/// Episodes the report counts after the warm-up.
const REPORTED: u64 = 300;

/// The allocations measured in [`MEASURED`] warm episodes where there are
/// any, as (site, task, in resets, in steps). Each is a buffer meeting a
/// longer text than any it held in the warm-up and growing once (they get
/// fewer as the warm-up gets longer: with 200 episodes these tasks made 1
/// to 4, and inbox's and coding's resets a few too); every other task of
/// every shipped site makes none.
const KNOWN: [(&str, &str, u64, u64); 3] = [
    ("tax", "file-return", 0, 1),
    ("tax", "file-itemized", 0, 1),
    ("coding", "request-changes", 0, 1),
];

#[test]
fn warm_resets_and_steps_allocate_nothing() {
    let mut wrong = Vec::new();
    for (site, task) in common::site_tasks() {
        let name = site.tasks[task].name.as_str();
        let counted = warm_episode_allocations(&site, task, MEASURED, false);
        let measured = (counted.reset_allocations, counted.step_allocations);
        let expected = KNOWN
            .iter()
            .find(|k| (k.0, k.1) == (site.name.as_str(), name))
            .map_or((0, 0), |k| (k.2, k.3));
        if measured != expected {
            wrong.push(format!(
                "{}/{name}: {} in resets and {} in steps, not {} and {}",
                site.name, measured.0, measured.1, expected.0, expected.1
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "allocations in {MEASURED} random episodes after {WARM_UP}:\n{}",
        wrong.join("\n")
    );
}

/// Not a check but a report, for `cargo xtask bench` (BENCHMARKS.md): after the
/// same warm-up as the test above ([`WARM_UP`] random episodes), how many allocations each kind of step and
/// each reset makes, per site (one `ALLOC {json}` line each). Run with
/// `cargo test --release -p wobble-engine --test alloc -- --ignored --nocapture`.
#[test]
#[ignore = "a report for cargo xtask bench, not a check"]
fn allocation_report() {
    for (site, task) in common::site_tasks() {
        if task != 0 {
            continue;
        }
        // An agent that reads the geometry after each reset and step.
        let laid_out = warm_episode_allocations(&site, task, REPORTED, true);
        let per_step_laid_out = laid_out.step_allocations as f64 / laid_out.steps.max(1) as f64;
        let per_reset_laid_out = laid_out.reset_allocations as f64 / laid_out.resets.max(1) as f64;
        let mut env = common::env(&site, task);
        let mut rng = Rng::new(7);
        // [kept the layout, changed it, ended the episode]: (steps, allocations).
        let mut steps = [(0u64, 0u64); 3];
        let mut resets = (0u64, 0u64);
        for episode in 0..WARM_UP + REPORTED {
            let counting = episode >= WARM_UP;
            let before = allocations();
            env.reset(episode);
            if counting {
                resets.0 += 1;
                resets.1 += allocations() - before;
            }
            while !env.is_done() {
                let c = env.candidates();
                let action = if c.is_empty() {
                    Action::Finish
                } else {
                    c[rng.below(c.len() as u64) as usize].clone()
                };
                let before_key = layout_key(&env);
                let before = allocations();
                let r = env.step(&action).unwrap();
                let used = allocations() - before;
                let kind = if r.terminated || r.truncated {
                    2
                } else if layout_key(&env) == before_key {
                    0
                } else {
                    1
                };
                if counting {
                    steps[kind].0 += 1;
                    steps[kind].1 += used;
                }
            }
        }
        let all = steps.iter().fold((0, 0), |a, s| (a.0 + s.0, a.1 + s.1));
        let per = |(n, used): (u64, u64)| used as f64 / n.max(1) as f64;
        println!(
            "ALLOC {{\"site\":\"{}\",\"steps\":{},\"per_step\":{},\"kept_steps\":{},\"per_kept_step\":{},\"changed_steps\":{},\"per_changed_step\":{},\"ending_steps\":{},\"per_ending_step\":{},\"resets\":{},\"per_reset\":{},\"per_step_laid_out\":{},\"per_reset_laid_out\":{}}}",
            site.name,
            all.0,
            per(all),
            steps[0].0,
            per(steps[0]),
            steps[1].0,
            per(steps[1]),
            steps[2].0,
            per(steps[2]),
            resets.0,
            per(resets),
            per_step_laid_out,
            per_reset_laid_out
        );
    }
}
