//! What the app's two wasm binaries share: the training worker's messages and its reactor
//! ([`agent`]). The page (`src/main.rs`) talks to it; `src/bin/worker.rs` runs it.

pub mod agent;
