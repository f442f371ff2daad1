//! The training worker's messages and its reactor ([`agent`]), and the learned policies the page
//! embeds ([`shipped`]), which the worker loads too. One wasm module (`src/main.rs`)
//! plays both roles: in the page it talks to the reactor, in the worker it runs it.

pub mod agent;
pub mod shipped;
