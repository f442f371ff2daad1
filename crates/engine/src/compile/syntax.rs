//! Syntax mistakes in a site file, explained as a person would want them:
//! where the slip is, what was found there and what was expected.
//!
//! RON reports the symptom it meets (`Expected identifier` where a bracket
//! was left open lines earlier), so a bracket closed by the wrong kind is
//! looked for first and reported at the bracket left open; a string written
//! where a kind's name belongs is parsed again without its quotes to learn
//! which names would do.

use super::spans::{closer, unbalanced};
use super::{line_col, SiteError};
use crate::format::SiteFile;
use ron::error::{Error as E, SpannedError};

/// The error for a text RON could not read into a site file.
pub(super) fn explain(path: &str, text: &str, e: &SpannedError) -> SiteError {
    let located = |offset: usize, message: String| {
        let (line, column) = line_col(text, offset);
        SiteError {
            path: path.to_string(),
            line,
            column,
            message,
        }
    };
    if let Some((at, open, met)) = unbalanced(text) {
        let open_c = char::from(open);
        let message = match met {
            Some((met_at, c)) => {
                let (line, column) = line_col(text, met_at);
                format!(
                    "this `{open_c}`{} is not closed: a `{}` at {line}:{column} comes first; expected `{}` before it",
                    opened_by(text, at),
                    char::from(c),
                    char::from(closer(open))
                )
            }
            None if matches!(open, b')' | b']' | b'}') => {
                format!(
                    "this `{open_c}` closes nothing; remove it or add the bracket it belongs to"
                )
            }
            None => format!(
                "this `{open_c}`{} is never closed; expected `{}` before the end of the file",
                opened_by(text, at),
                char::from(closer(open))
            ),
        };
        return located(at, message);
    }
    let offset = offset_of(text, e.span.start.line, e.span.start.col);
    // RON may point at the blank before the token it stopped at.
    let rest = text.get(offset..).unwrap_or_default();
    let offset = offset + (rest.len() - rest.trim_start().len());
    let found = token_at(text, offset);
    located(offset, describe(text, offset, &e.code, &found))
}

/// ` (of NAME)` when a name stands right before the bracket at `at`.
fn opened_by(text: &str, at: usize) -> String {
    let before = text.get(..at).unwrap_or_default().trim_end();
    let name: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if name.is_empty() || name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        String::new()
    } else {
        format!(" (of `{name}`)")
    }
}

/// The byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line.max(1) {
            return offset
                + l.char_indices()
                    .nth(col.max(1) - 1)
                    .map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    text.len()
}

/// The token that starts at `offset` (a quoted string whole), for messages.
fn token_at(text: &str, offset: usize) -> String {
    let rest = text.get(offset..).unwrap_or("");
    if let Some(inner) = rest.strip_prefix('"') {
        if let Some(end) = inner.find('"') {
            return format!("\"{}\"", inner.get(..end).unwrap_or_default());
        }
    }
    rest.chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect()
}

fn describe(text: &str, offset: usize, code: &E, found: &str) -> String {
    let found_words = if found.is_empty() {
        match text.get(offset..).and_then(|r| r.chars().next()) {
            Some(c) if !c.is_control() => format!("found `{c}`"),
            Some(_) => "found a control character".to_string(),
            None => "found the end of the file".to_string(),
        }
    } else {
        format!("found `{found}`")
    };
    match code {
        E::NoSuchEnumVariant {
            expected, found, ..
        } => format!(
            "unknown kind `{found}`; expected one of: {}",
            expected.join(", ")
        ),
        E::NoSuchStructField {
            expected, found, ..
        } => format!(
            "unknown field `{found}`; expected one of: {}",
            expected.join(", ")
        ),
        E::MissingStructField { field, outer } => match outer {
            Some(outer) => format!("`{outer}` is missing its field `{field}`"),
            None => format!("missing field `{field}`"),
        },
        E::DuplicateStructField { field, .. } => format!("field `{field}` is given twice"),
        E::ExpectedIdentifier | E::ExpectedNamedStructLike(_) | E::ExpectedStructLike
            if found.starts_with('"') =>
        {
            unquoted_alternatives(text, offset, found)
        }
        E::ExpectedIdentifier => {
            format!("expected a name (a field or a kind such as `Button`), {found_words}")
        }
        E::ExpectedString => format!(
            "expected a string in double quotes, {found_words}{}",
            if found.is_empty() || found.starts_with('"') {
                String::new()
            } else {
                format!("; write \"{found}\"")
            }
        ),
        E::ExpectedComma => format!(
            "expected a `,` before this: fields and items are separated by commas; {found_words}"
        ),
        E::ExpectedInteger | E::ExpectedFloat => {
            format!("expected a number, {found_words}")
        }
        E::ExpectedBoolean => format!("expected true or false, {found_words}"),
        E::ExpectedStringEnd => "this string is never closed; expected `\"`".into(),
        E::ExpectedMapColon => format!("expected `:` between a key and its value, {found_words}"),
        other => format!("{other}; {found_words}"),
    }
}

/// A quoted string where a kind's name belongs: which names would do,
/// learnt by reading the file again with the quotes taken away.
fn unquoted_alternatives(text: &str, offset: usize, found: &str) -> String {
    let bare = found.trim_matches('"');
    let is_name = !bare.is_empty()
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !bare.starts_with(|c: char| c.is_ascii_digit());
    let head = format!("expected a name here, not the string {found}");
    if !is_name {
        return format!("{head}; a kind's name is written without quotes, e.g. Button");
    }
    let mut retry = String::with_capacity(text.len());
    retry.push_str(text.get(..offset).unwrap_or_default());
    retry.push_str(bare);
    retry.push_str(text.get(offset + found.len()..).unwrap_or_default());
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    match options.from_str::<SiteFile>(&retry) {
        Err(e) => match e.code {
            E::NoSuchEnumVariant { expected, .. } => format!(
                "{head}; a kind's name is written without quotes, and `{bare}` is not one: expected one of: {}",
                expected.join(", ")
            ),
            _ => format!("{head}; write it without quotes: {bare}"),
        },
        Ok(_) => format!("{head}; write it without quotes: {bare}"),
    }
}
