//! Criterion micro-benchmarks of the engine on every shipped site:
//! `cargo bench -p wobble-engine` (`cargo xtask bench` runs it and puts the
//! figures in BENCHMARKS.md).
//!
//! - `reset/SITE`: one reset with the next seed (goal sampling, generated
//!   tables, instantiating the pages; the start page is laid out only when
//!   something reads a box, which a reset does not).
//! - `step/SITE`: one step of a uniformly random legal candidate, with the
//!   resets between episodes left out of the timing, so that it is the cost
//!   of a step alone (`wobble bench` reports steps with resets included).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::{Duration, Instant};
use wobble_engine::rng::Rng;
use wobble_engine::{builtin, Action, Env, Source};

fn env(site: &str) -> Env {
    wobble_engine::open(Source::Named(site), None, None).expect("shipped sites open")
}

fn resets(c: &mut Criterion) {
    let mut group = c.benchmark_group("reset");
    for name in builtin::site_names() {
        let mut env = env(name);
        let mut seed = 0u64;
        group.bench_function(name, |b| {
            b.iter(|| {
                seed += 1;
                env.reset(black_box(seed));
            })
        });
    }
    group.finish();
}

fn steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    for name in builtin::site_names() {
        let mut env = env(name);
        let mut rng = Rng::new(1);
        let mut seed = 0u64;
        env.reset(seed);
        group.bench_function(name, |b| {
            // Times runs of steps between resets: one clock reading per episode
            // rather than per step, and no reset inside the timed part.
            b.iter_custom(|iters| {
                let mut timed = Duration::ZERO;
                let mut done = 0u64;
                while done < iters {
                    if env.is_done() {
                        seed += 1;
                        env.reset(seed);
                    }
                    let start = Instant::now();
                    while done < iters && !env.is_done() {
                        let c = env.candidates();
                        let action = if c.is_empty() {
                            Action::Finish
                        } else {
                            c[rng.below(c.len() as u64) as usize].clone()
                        };
                        black_box(env.step(&action).ok());
                        done += 1;
                    }
                    timed += start.elapsed();
                }
                timed
            })
        });
    }
    group.finish();
}

criterion_group!(benches, resets, steps);
criterion_main!(benches);
