//! Cross-target determinism: the screens painted on wasm32 must be the same
//! bytes as natively (`screens.rs` keeps the golden digests fresh).
//! Run with `cargo test --target wasm32-unknown-unknown -p wobble-screen`.
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn screen_digests_equal_the_native_ones() {
    assert_eq!(common::digest_lines(), include_str!("golden/digests.txt"));
}
