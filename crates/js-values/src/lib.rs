//! # JavaScript values, read one way
//!
//! Wobble has two faces in JavaScript: the module `crates/js` builds
//! (`new WobbleEnv(...)`) and the page's `window.wobble` (`src/handle.rs`).
//! Both take seeds and actions as JavaScript values and hand them to the
//! agent protocol (`wobble_engine::protocol`); this crate reads those values,
//! so that a bad seed or action gets the same words from both faces, and the
//! same as the protocol's for everything past the reading.
//!
//! [`seed_from_number`] is plain Rust and is tested natively; the rest needs
//! a JavaScript engine (wasm32) to run.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use wasm_bindgen::{JsCast, JsValue};
use wobble_engine::protocol;

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A seed from a JavaScript number: a whole number from 0 to
/// `Number.MAX_SAFE_INTEGER` (larger seeds go in as a `BigInt`).
pub fn seed_from_number(n: f64) -> Result<u64, String> {
    if n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&n) {
        // Whole and in range, so the conversion is exact.
        Ok(n as u64)
    } else {
        Err(format!(
            "a seed must be a whole number from 0 to Number.MAX_SAFE_INTEGER \
             (or a BigInt up to {}), got {n}",
            u64::MAX
        ))
    }
}

/// A seed argument: absent or null for "the next seed", else a number or a `BigInt`.
pub fn seed_of(value: Option<&JsValue>) -> Result<Option<u64>, String> {
    let Some(value) = value.filter(|v| !v.is_null() && !v.is_undefined()) else {
        return Ok(None);
    };
    if let Some(n) = value.as_f64() {
        return seed_from_number(n).map(Some);
    }
    if let Some(digits) = bigint_text(value) {
        return digits
            .parse::<u64>()
            .map(Some)
            .map_err(|_| format!("a seed must be from 0 to {}, got {digits}n", u64::MAX));
    }
    Err(format!(
        "a seed must be a whole number (or a BigInt), got {}",
        describe(value)
    ))
}

/// A JavaScript value as JSON text, for the protocol's readers; `what` names
/// it in errors (`the action cannot be read as JSON: ...`).
pub fn json_text(value: &JsValue, what: &str) -> Result<String, String> {
    let text = js_sys::JSON::stringify(value)
        .map_err(|e| format!("{what} cannot be read as JSON: {}", describe(&e)))?;
    text.as_string()
        .ok_or_else(|| format!("{what} must be an object, got {}", describe(value)))
}

/// A short description of a JavaScript value for error messages.
pub fn describe(value: &JsValue) -> String {
    if let Some(e) = value.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    if value.is_undefined() {
        return "undefined".to_string();
    }
    if let Some(digits) = bigint_text(value) {
        return protocol::shorten(&format!("{digits}n"));
    }
    match js_sys::JSON::stringify(value)
        .ok()
        .and_then(|t| t.as_string())
    {
        Some(text) => protocol::shorten(&text),
        None => value
            .js_typeof()
            .as_string()
            .unwrap_or_else(|| "a value".to_string()),
    }
}

/// A `BigInt`'s decimal digits.
fn bigint_text(value: &JsValue) -> Option<String> {
    let big = value.dyn_ref::<js_sys::BigInt>()?;
    big.to_string(10).ok().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_number_is_whole_and_exact() {
        assert_eq!(seed_from_number(0.0), Ok(0));
        assert_eq!(
            seed_from_number(MAX_SAFE_INTEGER),
            Ok(9_007_199_254_740_991)
        );
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, MAX_SAFE_INTEGER + 2.0] {
            let e = seed_from_number(bad).unwrap_err();
            assert!(e.starts_with("a seed must be a whole number"), "{e}");
        }
    }
}
