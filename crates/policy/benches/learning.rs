//! Criterion benchmarks of the hot paths of learning and acting:
//! `cargo bench -p wobble-policy`. Figures go in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use wobble_engine::rng::Rng;
use wobble_engine::{Env, Source};
use wobble_policy::learned::features::{FeatureSet, Featurizer};
use wobble_policy::learned::net::{Net, Pass};
use wobble_policy::learned::train::{train, TrainConfig};
use wobble_policy::{evaluate, LearnedPolicy, Policy, RandomPolicy};

fn open(site: &str) -> Env {
    wobble_engine::open(Source::Named(site), None, None).unwrap()
}

fn airline() -> Env {
    open("airline")
}

fn engine(c: &mut Criterion) {
    let mut env = airline();
    let mut seed = 0u64;
    c.bench_function("engine/airline reset", |b| {
        b.iter(|| {
            seed += 1;
            env.reset(black_box(seed));
        })
    });
    let mut env = airline();
    let mut policy = RandomPolicy::new(1);
    let mut rng = Rng::new(1);
    env.reset(1);
    c.bench_function("engine/airline random step (with resets)", |b| {
        b.iter(|| {
            if env.is_done() {
                env.reset(rng.next_u64());
            }
            let a = policy.act(&env);
            black_box(env.step(&a).ok());
        })
    });
}

fn network(c: &mut Criterion) {
    let mut env = airline();
    env.reset(3);
    let set = FeatureSet::default();
    let mut featurizer = Featurizer::default();
    c.bench_function("policy/featurize airline search page", |b| {
        b.iter(|| featurizer.compute(black_box(&env), &set))
    });
    featurizer.compute(&env, &set);
    let net = Net::new(16, 1);
    let mut pass = Pass::default();
    let n = featurizer.candidates.len();
    c.bench_function(&format!("policy/forward {n} candidates"), |b| {
        b.iter(|| net.forward(black_box(&featurizer.candidates), &mut pass))
    });
    net.forward(&featurizer.candidates, &mut pass);
    let dscores = vec![0.01f32; n];
    let mut grad = vec![0.0f32; net.params.len()];
    c.bench_function(&format!("policy/backward {n} candidates"), |b| {
        b.iter(|| {
            net.backward(
                &featurizer.candidates,
                &pass,
                black_box(&dscores),
                &mut grad,
            )
        })
    });
}

fn training(c: &mut Criterion) {
    let mut group = c.benchmark_group("training");
    group.sample_size(10);
    let mut env = open("login-user");
    group.bench_function("ppo login-user 160 episodes", |b| {
        b.iter(|| {
            let config = TrainConfig {
                episodes: 160,
                ..TrainConfig::default()
            };
            black_box(train(&mut env, &config, &mut |_| {}))
        })
    });
    let mut env = airline();
    let mut policy = LearnedPolicy::new(FeatureSet::default(), 16, 1);
    group.bench_function("act airline 20 episodes", |b| {
        b.iter(|| black_box(evaluate(&mut env, &mut policy, 20, 1).steps))
    });
    group.finish();
}

criterion_group!(benches, engine, network, training);
criterion_main!(benches);
