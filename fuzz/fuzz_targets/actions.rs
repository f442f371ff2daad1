//! The `actions` fuzz target: structured input from the `arbitrary` crate,
//! played by [`wobble_fuzz::checks::play`].
#![no_main]

use libfuzzer_sys::fuzz_target;
use wobble_fuzz::ActionsInput;

fuzz_target!(|input: ActionsInput| wobble_fuzz::checks::play(&input.scenario()));
