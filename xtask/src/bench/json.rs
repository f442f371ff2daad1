//! JSON as `cargo xtask bench` writes it: the raw records, the runners' plans. xtask only writes
//! JSON; what the benchmark commands print goes into the raw file as printed ([`Json::Raw`]) and
//! is read by `crates/bench-report`, which has serde. The crate stays std-only.

use std::fmt::Write as _;

/// A JSON value to write. Objects keep their keys in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
    /// JSON text a command printed, written as it is, on one line.
    Raw(String),
}

impl Json {
    /// What a command printed, which must be one JSON object or array (checked only that far:
    /// the report reads it), with its line breaks made spaces so that it fits on one line of
    /// the raw file. A line break can only be whitespace between tokens: inside a JSON string
    /// it would be written `\n`.
    pub fn printed(text: &str) -> Result<Json, String> {
        let text = text.trim();
        if !(text.starts_with('{') || text.starts_with('[')) {
            return Err("not a JSON object or array".into());
        }
        Ok(Json::Raw(text.replace(['\n', '\r'], " ")))
    }
}

/// Compact JSON text (numbers that are not finite become `null`).
impl std::fmt::Display for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Num(n) if n.is_finite() => write!(f, "{n}"),
            Json::Num(_) => f.write_str("null"),
            Json::Str(s) => f.write_str(&quote(s)),
            Json::Arr(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Json::Obj(members) => {
                f.write_str("{")?;
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}:{value}", quote(key))?;
                }
                f.write_str("}")
            }
            Json::Raw(text) => f.write_str(text),
        }
    }
}

/// `text` as a JSON string literal.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_compact_json() {
        let v = Json::Obj(vec![
            (
                "a".into(),
                Json::Arr(vec![
                    Json::Num(1.0),
                    Json::Num(2.5),
                    Json::Bool(true),
                    Json::Null,
                ]),
            ),
            ("b".into(), Json::Str("x\"y\n\u{1}".into())),
            ("c".into(), Json::Num(f64::NAN)),
            (
                "d".into(),
                Json::printed("{\n  \"e\": \"f\\ng\"\n}\n").unwrap(),
            ),
        ]);
        assert_eq!(
            v.to_string(),
            r#"{"a":[1,2.5,true,null],"b":"x\"y\n\u0001","c":null,"d":{   "e": "f\ng" }}"#
        );
        assert!(Json::printed("error: no such site").is_err());
    }
}
