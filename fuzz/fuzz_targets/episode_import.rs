//! The `episode_import` fuzz target: an episode file as the page imports it
//! ([`wobble_fuzz::checks::episode_import`]) and as `wobble train --demos`
//! reads it ([`wobble_fuzz::policy::episode_demos`]).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wobble_fuzz::checks::episode_import(data);
    wobble_fuzz::policy::episode_demos(data);
});
