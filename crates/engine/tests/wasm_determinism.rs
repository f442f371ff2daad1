//! Cross-target determinism: the rollout digests computed on wasm32 must equal
//! the golden ones computed natively (`determinism.rs` keeps them fresh).
//! Run with `cargo test --target wasm32-unknown-unknown -p wobble-engine`.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn rollout_digests_equal_the_native_ones() {
    let out = common::digest_lines();
    assert_eq!(out, include_str!("golden/digests.txt"));
}
