//! The `agent_protocol` fuzz target: see [`wobble_fuzz::checks::agent_protocol`].
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| wobble_fuzz::checks::agent_protocol(data));
