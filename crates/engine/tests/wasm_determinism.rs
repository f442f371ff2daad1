//! Cross-target determinism: the rollout digests computed on wasm32 must equal
//! the golden ones computed natively (`determinism.rs` keeps them fresh).
//! Run with `cargo test --target wasm32-unknown-unknown -p wobble-engine`.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::wasm_bindgen_test;
use wobble_engine::episode::hex;

#[wasm_bindgen_test]
fn rollout_digests_equal_the_native_ones() {
    let mut out = String::new();
    for (site, task) in common::site_tasks() {
        let mut env = common::env(&site, task);
        for seed in 0..8 {
            let digests = common::random_rollout(&mut env, seed, 60);
            let mut h = wobble_engine::obs::Fnv::default();
            for d in &digests {
                h.u64(*d);
            }
            out.push_str(&format!(
                "{} {} {seed} {}\n",
                site.name,
                site.tasks[task].name,
                hex(h.finish())
            ));
        }
    }
    assert_eq!(out, include_str!("golden/digests.txt"));
}
