//! The training worker's messages and its reactor ([`agent`]). One wasm module (`src/main.rs`)
//! plays both roles: in the page it talks to the reactor, in the worker it runs it.

pub mod agent;
