//! The `perturb_spec` fuzz target: see [`wobble_fuzz::checks::perturb_spec`].
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wobble_fuzz::checks::perturb_spec(data));
