//! JSON as the report reads it. serde_json does the parsing, into a value that keeps three
//! things serde_json's own `Value` does not, each of which changes a figure:
//!
//! - numbers exactly as Rust's `str::parse::<f64>` reads them, which is correctly rounded;
//!   serde_json without its `float_roundtrip` feature reads about one long number in ten one
//!   unit in the last place off, and that feature cannot be turned on for this crate alone
//!   (cargo would turn it on for the engine and the policies too in every workspace build);
//! - Python's `NaN`, `Infinity` and `-Infinity`, which MiniWoB++'s script writes for a rate it
//!   could not measure;
//! - the order of an object's members (the tools' versions are listed as measured).
//!
//! To get the numbers to Rust's parser, [`Json::parse`] first turns each bare number into a
//! string of its text behind a [`NUMBER`] mark, which the value's deserializer reads back.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A parsed JSON value. Objects keep their members in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`, and any number that is not finite once a record is read ([`Json::finite`]).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, members in the order written.
    Obj(Vec<(String, Json)>),
}

/// What [`mark_numbers`] puts before a number's text; no measured string starts with it.
const NUMBER: char = '\u{0}';

impl Json {
    /// Parses one JSON value (surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<Json, String> {
        serde_json::from_str(&mark_numbers(text)).map_err(|e| e.to_string())
    }

    /// The member `key` of an object; `Null` for anything else.
    pub fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(members) => members
                .iter()
                .find(|(k, _)| k == key)
                .map_or(&Json::Null, |(_, v)| v),
            _ => &Json::Null,
        }
    }

    /// A number, if this is one.
    pub fn num(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// A string, if this is one.
    pub fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The elements of an array; empty for anything else.
    pub fn items(&self) -> &[Json] {
        match self {
            Json::Arr(items) => items,
            _ => &[],
        }
    }

    /// The value with every number that is not finite made `null`, as JSON has no such numbers:
    /// a rate MiniWoB++ could not measure is then shown as missing, not as "NaN".
    pub fn finite(self) -> Json {
        match self {
            Json::Num(n) if !n.is_finite() => Json::Null,
            Json::Arr(items) => Json::Arr(items.into_iter().map(Json::finite).collect()),
            Json::Obj(members) => {
                Json::Obj(members.into_iter().map(|(k, v)| (k, v.finite())).collect())
            }
            other => other,
        }
    }
}

/// `text` with each bare number (Python's `NaN`, `Infinity` and `-Infinity` included) turned
/// into a JSON string of its text behind [`NUMBER`]; strings are copied as they are.
fn mark_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let end = if c == '"' {
            let end = string_end(rest);
            out.push_str(&rest[..end]);
            end
        } else if c == '-' || c.is_ascii_digit() || c == 'N' || c == 'I' {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
                .unwrap_or(rest.len());
            out.push_str("\"\\u0000");
            out.push_str(&rest[..end]);
            out.push('"');
            end
        } else {
            out.push(c);
            c.len_utf8()
        };
        rest = &rest[end..];
    }
    out
}

/// The length of the string literal that `text` starts with, quotes included (all of `text`
/// when it is not closed, which serde_json then reports).
fn string_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut at = 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    text.len()
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// Builds a [`Json`] from what serde_json reads.
struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }

    // Numbers arrive as marked strings; these cover a caller that did not mark them.
    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::Num(n as f64))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::Num(n as f64))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
        Ok(Json::Num(n))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Json, E> {
        match s.strip_prefix(NUMBER) {
            Some(number) => number
                .parse()
                .map(Json::Num)
                .map_err(|_| E::custom(format!("`{number}` is not a number"))),
            None => Ok(Json::Str(s.to_string())),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Arr(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry()? {
            members.push(member);
        }
        Ok(Json::Obj(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_in_order() {
        let v = Json::parse(r#" {"b": [1, -2.5e3, true, null], "a": "x\"y\\", "c": {}} "#).unwrap();
        let Json::Obj(members) = &v else {
            panic!("{v:?}")
        };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert_eq!(
            v.get("b").items(),
            [
                Json::Num(1.0),
                Json::Num(-2500.0),
                Json::Bool(true),
                Json::Null
            ]
        );
        assert_eq!(v.get("a").str(), Some("x\"y\\"));
        assert_eq!(v.get("missing"), &Json::Null);
        assert!(Json::parse("{\"a\": 1,}").is_err());
        assert!(Json::parse("[1] 2").is_err());
        assert!(Json::parse("[Nonsense]").is_err());
    }

    #[test]
    fn numbers_are_read_exactly() {
        // serde_json alone reads this one unit in the last place off.
        let text = "45329.123456789012";
        let Json::Num(n) = Json::parse(text).unwrap() else {
            panic!()
        };
        assert_eq!(n.to_bits(), text.parse::<f64>().unwrap().to_bits());
        for text in [
            "93797.57008897197",
            "1.0715660391465826e-75",
            "9223372036854775808",
        ] {
            let parsed = Json::parse(&format!("[{text}]")).unwrap();
            assert_eq!(
                parsed.items()[0].num(),
                Some(text.parse().unwrap()),
                "{text}"
            );
        }
    }

    #[test]
    fn python_non_numbers_become_null() {
        let v = Json::parse(r#"{"r": NaN, "s": [Infinity, -Infinity, 1], "t": "NaN"}"#).unwrap();
        assert!(v.get("r").num().is_some_and(f64::is_nan));
        let v = v.finite();
        assert_eq!(v.get("r"), &Json::Null);
        assert_eq!(v.get("s").items(), [Json::Null, Json::Null, Json::Num(1.0)]);
        assert_eq!(v.get("t").str(), Some("NaN"));
    }
}
