//! Packs the policies the page ships into the form it embeds: each file's
//! JSON with an empty `net.params`, and the parameters beside it as
//! little-endian `f32`s (`LearnedPolicy::from_packed` reads them back, bit
//! for bit). Binary floats compress about a quarter smaller than their
//! decimals, which keeps the page's download under its budget.

use std::path::Path;

/// The policies `src/player.rs` embeds (file names under `policies/`).
const SHIPPED: [&str; 3] = [
    "airline.json",
    "airline-randomized.json",
    "airline-screen.json",
];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in SHIPPED {
        let path = Path::new("policies").join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut value: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        let params = value["net"]["params"]
            .as_array_mut()
            .unwrap_or_else(|| panic!("{}: no net.params array", path.display()));
        // The same conversion serde makes when it reads an f32 from JSON.
        let bytes: Vec<u8> = params
            .iter()
            .flat_map(|p| (p.as_f64().unwrap_or(f64::NAN) as f32).to_le_bytes())
            .collect();
        params.clear();
        let stem = name.trim_end_matches(".json");
        std::fs::write(
            Path::new(&out).join(format!("{stem}.head.json")),
            value.to_string(),
        )
        .expect("OUT_DIR is writable");
        std::fs::write(Path::new(&out).join(format!("{stem}.params")), bytes)
            .expect("OUT_DIR is writable");
    }
}
