//! Episode files across format versions: a version-2 file (actions in
//! serde's old enum shape, `{"Click":11}`) still reads and replays, and what
//! is written now uses the agent protocol's shape and reads back the same.

use std::sync::Arc;
use wobble_engine::episode::RECORD_VERSION;
use wobble_engine::{builtin, Env, EnvConfig, EpisodeRecord, Recorder};

const VERSION_2: &str = include_str!("episodes/bank-v2.json");

fn env_for(record: &EpisodeRecord) -> Env {
    let site = builtin::load_builtin(&record.site).unwrap();
    Env::by_name(Arc::clone(&site), &record.task, EnvConfig::default()).unwrap()
}

#[test]
fn a_version_2_episode_reads_and_replays() {
    assert!(VERSION_2.contains("\"version\": 2") && VERSION_2.contains("{\n        \"Click\""));
    let record = EpisodeRecord::from_json(VERSION_2).unwrap();
    assert!(record.steps.len() > 3);
    record.replay(&mut env_for(&record)).unwrap();
}

#[test]
fn episodes_are_written_in_the_protocol_shape_and_read_back_equal() {
    let old = EpisodeRecord::from_json(VERSION_2).unwrap();
    let mut env = env_for(&old);
    env.set_perturbations(old.perturbations.clone());
    env.reset(old.seed);
    let mut recorder = Recorder::start(&env);
    for step in &old.steps {
        recorder.step(&mut env, &step.action).unwrap();
    }
    let record = recorder.finish();
    assert_eq!(record.version, RECORD_VERSION);
    assert_eq!(record.digest(), old.digest());
    let json = serde_json::to_string(&record).unwrap();
    assert!(json.contains(r#""action":{"kind":"click","id":"#), "{json}");
    assert!(!json.contains("\"Click\""), "{json}");
    let back = EpisodeRecord::from_json(&json).unwrap();
    assert_eq!(back, record);
    back.replay(&mut env_for(&back)).unwrap();
}

#[test]
fn a_version_from_the_future_is_refused_by_name() {
    let future = VERSION_2.replacen("\"version\": 2", "\"version\": 99", 1);
    let record = EpisodeRecord::from_json(&future).unwrap();
    let error = record
        .replay(&mut env_for(&record))
        .unwrap_err()
        .to_string();
    assert!(error.contains("version 99 is not supported"), "{error}");
}
