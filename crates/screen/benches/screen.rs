//! Criterion micro-benchmarks of painting the airline site's window:
//! `cargo bench -p wobble-screen`.
//!
//! - `paint/airline`: one paint of the window after the next of eight states
//!   along a random rollout, by a painter that has painted them all before
//!   (what an agent's steps mostly are: the same boxes and text again).
//! - `paint/airline-fresh`: one paint of the start page by a new painter
//!   (fonts loaded outside the timing): every shape is rasterized.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use wobble_engine::rng::Rng;
use wobble_engine::{Action, Env, Source};
use wobble_screen::{Painter, Scene, Screen, View};

fn airline() -> Env {
    let mut env = wobble_engine::open(Source::Named("airline"), None, None).expect("shipped");
    env.reset(1);
    env
}

/// The airline site after reset and after each of up to seven random actions.
fn states() -> Vec<Env> {
    let (mut env, mut rng, mut actions) = (airline(), Rng::new(7), Vec::new());
    while actions.len() < 7 && !env.is_done() {
        let c = env.candidates();
        let action = c.get(rng.below(c.len().max(1) as u64) as usize);
        let action = action.cloned().unwrap_or(Action::Finish);
        let _ = env.step(&action);
        actions.push(action);
    }
    // Each state replayed in its own environment (one is not cloned).
    (0..=actions.len())
        .map(|k| {
            let mut env = airline();
            for a in &actions[..k] {
                let _ = env.step(a);
            }
            env
        })
        .collect()
}

fn paint(c: &mut Criterion) {
    let states = states();
    let mut group = c.benchmark_group("paint");
    let mut painter = Painter::new();
    let mut screen = Screen::default();
    let mut next = 0;
    group.bench_function("airline", |b| {
        b.iter(|| {
            let env = &states[next % states.len()];
            next += 1;
            painter.paint(&Scene::of(env), View::window(env, 1.0), &mut screen);
            black_box(&screen);
        })
    });
    let env = &states[0];
    group.bench_function("airline-fresh", |b| {
        b.iter_batched(
            Painter::new,
            |mut painter| {
                painter.paint(&Scene::of(env), View::window(env, 1.0), &mut screen);
                black_box(&screen);
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, paint);
criterion_main!(benches);
