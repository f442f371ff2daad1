//! The `policy_import` fuzz target: see [`wobble_fuzz::policy::policy_import`].
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wobble_fuzz::policy::policy_import(data));
