//! The `site_loader` fuzz target: see [`wobble_fuzz::checks::site_loader`].
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wobble_fuzz::checks::site_loader(data));
