//! Training with its episodes played elsewhere (through requests and
//! results, as a distributed trainer ships them) gives the very weights of
//! training here, warm start and PPO alike; a broken result stops training
//! with a reason instead of learning from it.

use wobble_engine::catalog::{self, Source};
use wobble_engine::Env;
use wobble_policy::learned::remote::play_request;
use wobble_policy::learned::train::{train, Algo, Randomization, TrainConfig, Training};

fn env() -> Env {
    catalog::open(Source::Named("login-user"), None, None).unwrap()
}

fn config() -> TrainConfig {
    TrainConfig {
        algo: Algo::Ppo,
        episodes: 48,
        warm_start: 20,
        batch: 16,
        seed: 5,
        randomization: Randomization::parse("relabel:2,popup:1").unwrap(),
        ..TrainConfig::default()
    }
}

#[test]
fn episodes_played_remotely_give_the_weights_of_training_here() {
    let here = train(&mut env(), &config(), &mut |_| {});
    for parts in [1, 3] {
        let mut driver = env();
        let mut training = Training::new(&mut driver, &config());
        let mut workers: Vec<Env> = (0..parts).map(|_| env()).collect();
        let mut asked = 0;
        training.set_remote(
            parts,
            Box::new(move |requests| {
                asked += requests.len();
                assert!(asked > 0);
                let count = workers.len();
                requests
                    .iter()
                    .enumerate()
                    .map(|(i, request)| play_request(&mut workers[i % count], request))
                    .collect()
            }),
        );
        while !training.advance(&mut driver, 1000, &mut |_| {}) {}
        assert_eq!(training.failure(), None);
        let remote = training.finish(&mut driver);
        assert_eq!(remote.to_json(), here.to_json(), "{parts} parts");
    }
}

#[test]
fn a_broken_result_stops_training_with_its_reason() {
    let mut driver = env();
    let mut training = Training::new(&mut driver, &config());
    let mut worker = env();
    training.set_remote(
        2,
        Box::new(move |requests| {
            requests
                .iter()
                .map(|r| {
                    play_request(&mut worker, r).map(|mut bytes| {
                        bytes.truncate(bytes.len() / 2);
                        bytes
                    })
                })
                .collect()
        }),
    );
    assert!(training.advance(&mut driver, 1000, &mut |_| {}));
    let failure = training.failure().unwrap();
    assert!(failure.contains("training result"), "{failure}");
    assert!(play_request(&mut env(), b"WBT1 not a request").is_err());
    assert!(play_request(&mut env(), b"").is_err());
}
