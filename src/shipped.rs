//! The learned policies the page embeds, packed by `build.rs` from `policies/`: the page plays
//! them, and the worker's break search loads them itself (both run this one wasm module, so
//! they are downloaded once).

use serde::{Deserialize, Serialize};
use wobble_policy::LearnedPolicy;

/// The learned policies the page embeds, packed by `build.rs` from `policies/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shipped {
    /// `policies/airline.json`: reads the page's text.
    Reader,
    /// `policies/airline-randomized.json`: the reader, trained on randomized sites.
    ReaderRandomized,
    /// `policies/airline-screen.json`: sees only the page's pixels.
    Screen,
}

impl Shipped {
    /// The JSON of the file, without its parameters.
    fn head(self) -> &'static str {
        match self {
            Shipped::Reader => include_str!(concat!(env!("OUT_DIR"), "/airline.head.json")),
            Shipped::ReaderRandomized => {
                include_str!(concat!(env!("OUT_DIR"), "/airline-randomized.head.json"))
            }
            Shipped::Screen => include_str!(concat!(env!("OUT_DIR"), "/airline-screen.head.json")),
        }
    }

    /// The site and task it was trained on, read from its file's provenance.
    pub fn trained_on(self) -> Option<(String, String)> {
        let head: serde_json::Value = serde_json::from_str(self.head()).ok()?;
        let field = |name: &str| Some(head.get("provenance")?.get(name)?.as_str()?.to_string());
        Some((field("site")?, field("task")?))
    }

    /// The policy, exactly as its JSON file has it.
    pub fn load(self) -> Result<LearnedPolicy, String> {
        let params: &[u8] = match self {
            Shipped::Reader => include_bytes!(concat!(env!("OUT_DIR"), "/airline.params")),
            Shipped::ReaderRandomized => {
                include_bytes!(concat!(env!("OUT_DIR"), "/airline-randomized.params"))
            }
            Shipped::Screen => include_bytes!(concat!(env!("OUT_DIR"), "/airline-screen.params")),
        };
        LearnedPolicy::from_packed(self.head(), params)
    }
}
