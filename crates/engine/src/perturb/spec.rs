//! Perturbation specs: which kinds, at which severity, written `KIND[:SEVERITY],...`.
//!
//! A spec is a value (serializable as its short string) so that the command
//! line, the URL of the web app and episode records all carry the same thing.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// One kind of change to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Reposition the task's primary action (and, at severity 3, other buttons and links) within its page.
    Move,
    /// Shuffle the order of sibling elements.
    Reorder,
    /// Swap the columns of two-column rows.
    SwapColumns,
    /// Reword labels and button texts with synonyms.
    Relabel,
    /// Change colors, light/dark theme and button shape.
    Restyle,
    /// Change font family, size and weight, which changes text widths and the layout.
    Font,
    /// Rename the selector ids and classes a scripted bot memorizes.
    RenameSelectors,
    /// Insert extra buttons, links and ads, some labelled like the target.
    Distractors,
    /// Show a cookie banner or modal that must be dismissed.
    Popup,
    /// Write dates in another format.
    DateFormat,
    /// Write amounts of money in another number format.
    NumberFormat,
    /// Shuffle the fields of forms.
    FieldOrder,
    /// Insert a confirmation dialog or page before going on.
    ExtraStep,
    /// Reword the instruction, same goal.
    Paraphrase,
    /// Content appears after a few steps of a loading state.
    Lazy,
}

impl Kind {
    /// Every kind, in catalog order.
    pub const ALL: [Kind; 15] = [
        Kind::Move,
        Kind::Reorder,
        Kind::SwapColumns,
        Kind::Relabel,
        Kind::Restyle,
        Kind::Font,
        Kind::RenameSelectors,
        Kind::Distractors,
        Kind::Popup,
        Kind::DateFormat,
        Kind::NumberFormat,
        Kind::FieldOrder,
        Kind::ExtraStep,
        Kind::Paraphrase,
        Kind::Lazy,
    ];

    /// The name used in specs, the CLI and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Move => "move",
            Kind::Reorder => "reorder",
            Kind::SwapColumns => "swap-columns",
            Kind::Relabel => "relabel",
            Kind::Restyle => "restyle",
            Kind::Font => "font",
            Kind::RenameSelectors => "rename-selectors",
            Kind::Distractors => "distractors",
            Kind::Popup => "popup",
            Kind::DateFormat => "date-format",
            Kind::NumberFormat => "number-format",
            Kind::FieldOrder => "field-order",
            Kind::ExtraStep => "extra-step",
            Kind::Paraphrase => "paraphrase",
            Kind::Lazy => "lazy",
        }
    }

    /// The group of the catalog it belongs to.
    pub fn group(self) -> &'static str {
        match self {
            Kind::Move | Kind::Reorder | Kind::SwapColumns | Kind::FieldOrder => "layout",
            Kind::Relabel | Kind::Paraphrase => "wording",
            Kind::Restyle | Kind::Font => "style",
            Kind::RenameSelectors => "selectors",
            Kind::Distractors | Kind::Popup => "clutter",
            Kind::DateFormat | Kind::NumberFormat => "formats",
            Kind::ExtraStep | Kind::Lazy => "flow",
        }
    }

    /// What it does, and what each severity means.
    pub fn description(self) -> &'static str {
        match self {
            Kind::Move => "Moves the task's primary action (\"Search flights\", \"Pay now\": the primary button of every page) to a place at least 40 px from where it was, so a click at its old place misses it. 1: within its row, card or page; 2: out of its card or row to another place on the page; 3: as 2, and up to three other buttons and links moved. A site without primary buttons gets one other button or link moved (up to three at 3).",
            Kind::Reorder => "Shuffles the order of sibling elements (page sections, card contents, list-row cells). 1: one container; 2: half of them; 3: all of them.",
            Kind::SwapColumns => "Swaps the columns of two-column rows (From/To, First/Last name) and list-row cells. 1: one row; 2: half the rows; 3: every row and list row.",
            Kind::Relabel => "Rewords button texts, links and field labels with synonyms from a data file (\"Search flights\" becomes \"Find flights\"); never a word the instruction uses. 1: one element; 2: half; 3: all that have synonyms.",
            Kind::Restyle => "Changes the look: accent color and button shape, then the whole palette, then a dark theme with pill-shaped buttons. Layout stays; appearance and selectors' classes change.",
            Kind::Font => "Changes the font's family, size and weight, so text widths and line heights change and the layout shifts. 1: the same family 1 or 2 pixels larger or smaller, switched to bold (or back to regular if it was bold); 2: a serif face 1 to 3 pixels larger; 3: a monospace or condensed face 2 to 4 pixels larger, in bold.",
            Kind::RenameSelectors => "Renames the page's own ids and classes, which is what breaks a scripted bot (element handles are unaffected). 1: some ids; 2: every id; 3: every id and class, hashed.",
            Kind::Distractors => "Inserts extra buttons, links and ads; some are labelled close to the target's (\"Search flights later\"). Clicking them does nothing. 1: one; 2: three; 3: six and an ad.",
            Kind::Popup => "Adds pop-ups that must be dismissed; clicks on what they cover do nothing. 1: a cookie banner along the bottom; 2: a cookie consent modal; 3: that modal and a newsletter overlay on a later page, whose primary button is the wrong one.",
            Kind::DateFormat => "Writes dates in another format everywhere (fields, lists, instruction): 1: ISO 2026-03-14; 2: day first 14/03/2026; 3: day first with dots 14.03.2026.",
            Kind::NumberFormat => "Writes amounts of money in another format: 1: $1,234.00; 2: USD 1,234.00; 3: 1.234,00 $.",
            Kind::FieldOrder => "Shuffles the fields of forms across their places on the page. 1: one page; 2: every page; 3: every page, no field left in place.",
            Kind::ExtraStep => "Inserts a step before going on: 1: a confirmation dialog; 2: a review page; 3: both, on different buttons.",
            Kind::Paraphrase => "Rewords the instruction, same goal: 1: a polite wrapper; 2: another wording from the site file (or verb synonyms); 3: both, with verb synonyms.",
            Kind::Lazy => "Lists (or the start page's content) load late behind a \"Loading...\" line: 1: one step; 2: two steps; 3: four steps, on every list.",
        }
    }

    /// The kind with this name.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Lowest severity.
pub const MIN_SEVERITY: u8 = 1;
/// Highest severity.
pub const MAX_SEVERITY: u8 = 3;
/// Severity when a spec gives none.
pub const DEFAULT_SEVERITY: u8 = 2;

/// One kind at one severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Perturbation {
    /// What changes.
    pub kind: Kind,
    /// How much, 1..=3.
    pub severity: u8,
}

/// A set of perturbations applied together at reset, in a fixed (catalog) order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PerturbSpec {
    items: Vec<Perturbation>,
}

/// A spec that could not be parsed: which part, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The offending part of the spec, as written.
    pub part: String,
    /// 1-based position of that part in the comma-separated list.
    pub position: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = format!("\"{}\"", crate::protocol::shorten(&self.part));
        // "unknown kind "x"" already quotes a part without a severity.
        if self.message.contains(&part) {
            write!(f, "perturbation {}: {}", self.position, self.message)
        } else {
            write!(
                f,
                "perturbation {} ({part}): {}",
                self.position, self.message
            )
        }
    }
}

impl std::error::Error for SpecError {}

impl PerturbSpec {
    /// No perturbation.
    pub fn none() -> PerturbSpec {
        PerturbSpec::default()
    }

    /// A spec from parts; a kind given twice keeps its last severity.
    pub fn new(items: impl IntoIterator<Item = Perturbation>) -> Result<PerturbSpec, SpecError> {
        let mut spec = PerturbSpec::default();
        for (i, p) in items.into_iter().enumerate() {
            if !(MIN_SEVERITY..=MAX_SEVERITY).contains(&p.severity) {
                return Err(SpecError {
                    part: format!("{}:{}", p.kind, p.severity),
                    position: i + 1,
                    message: format!(
                        "severity {} is out of range; expected {MIN_SEVERITY} to {MAX_SEVERITY}",
                        p.severity
                    ),
                });
            }
            spec.set(p.kind, p.severity);
        }
        Ok(spec)
    }

    /// Adds a kind (or changes its severity, which must be 1..=3).
    pub fn set(&mut self, kind: Kind, severity: u8) {
        let severity = severity.clamp(MIN_SEVERITY, MAX_SEVERITY);
        match self.items.iter_mut().find(|p| p.kind == kind) {
            Some(p) => p.severity = severity,
            None => {
                self.items.push(Perturbation { kind, severity });
                self.items.sort_by_key(|p| p.kind);
            }
        }
    }

    /// Removes a kind.
    pub fn remove(&mut self, kind: Kind) {
        self.items.retain(|p| p.kind != kind);
    }

    /// The severity of a kind, if it is in the spec.
    pub fn severity(&self, kind: Kind) -> Option<u8> {
        self.items
            .iter()
            .find(|p| p.kind == kind)
            .map(|p| p.severity)
    }

    /// The perturbations, in catalog order.
    pub fn items(&self) -> &[Perturbation] {
        &self.items
    }

    /// True when nothing is perturbed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl FromStr for PerturbSpec {
    type Err = SpecError;

    /// Parses `KIND[:SEVERITY],...`, e.g. `relabel:2,move:1,popup`. Blank
    /// text (or `none`) is the empty spec; spaces around parts are ignored.
    fn from_str(text: &str) -> Result<PerturbSpec, SpecError> {
        let text = text.trim();
        if text.is_empty() || text == "none" {
            return Ok(PerturbSpec::none());
        }
        let mut spec = PerturbSpec::default();
        for (i, raw) in text.split(',').enumerate() {
            let part = raw.trim();
            let fail = |message: String| SpecError {
                part: part.to_string(),
                position: i + 1,
                message,
            };
            if part.is_empty() {
                return Err(fail(
                    "empty part; expected KIND or KIND:SEVERITY between commas".into(),
                ));
            }
            let (name, severity) = match part.split_once(':') {
                Some((n, s)) => (n.trim(), Some(s.trim())),
                None => (part, None),
            };
            let kind = Kind::from_name(name).ok_or_else(|| {
                fail(format!(
                    "unknown kind \"{}\"; expected one of: {}",
                    crate::protocol::shorten(name),
                    Kind::ALL.map(Kind::name).join(", ")
                ))
            })?;
            let severity = match severity {
                None => DEFAULT_SEVERITY,
                Some(s) => match s.parse::<u8>() {
                    Ok(v) if (MIN_SEVERITY..=MAX_SEVERITY).contains(&v) => v,
                    _ => {
                        return Err(fail(format!(
                            "severity \"{}\" is not valid; expected {MIN_SEVERITY}, 2 or {MAX_SEVERITY}",
                            crate::protocol::shorten(s)
                        )))
                    }
                },
            };
            if spec.severity(kind).is_some() {
                return Err(fail(format!(
                    "\"{}\" is given twice",
                    crate::protocol::shorten(name)
                )));
            }
            spec.set(kind, severity);
        }
        Ok(spec)
    }
}

impl fmt::Display for PerturbSpec {
    /// The canonical short form: catalog order, every severity written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}:{}", p.kind, p.severity)?;
        }
        Ok(())
    }
}

impl Serialize for PerturbSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for PerturbSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Kind::from_name(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown perturbation kind \"{text}\""))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_defaults_and_prints_canonically() {
        let spec: PerturbSpec = "relabel:2, move:1,popup".parse().unwrap();
        assert_eq!(spec.severity(Kind::Popup), Some(DEFAULT_SEVERITY));
        assert_eq!(spec.to_string(), "move:1,relabel:2,popup:2");
        let again: PerturbSpec = spec.to_string().parse().unwrap();
        assert_eq!(again, spec);
        assert!("".parse::<PerturbSpec>().unwrap().is_empty());
        assert!("none".parse::<PerturbSpec>().unwrap().is_empty());
    }

    #[test]
    fn rejects_with_the_part_and_the_reason() {
        let e = "move,wobble:2".parse::<PerturbSpec>().unwrap_err();
        assert_eq!(e.position, 2);
        assert!(e.message.contains("unknown kind \"wobble\""), "{e}");
        assert!(e.message.contains("swap-columns"), "{e}");
        let e = "move:4".parse::<PerturbSpec>().unwrap_err();
        assert!(e.to_string().contains("severity \"4\""), "{e}");
        let e = "move:x".parse::<PerturbSpec>().unwrap_err();
        assert!(e.to_string().contains("\"x\""), "{e}");
        let e = "move,,popup".parse::<PerturbSpec>().unwrap_err();
        assert!(e.message.contains("empty part"), "{e}");
        let e = "move:1,move:2".parse::<PerturbSpec>().unwrap_err();
        assert!(e.message.contains("twice"), "{e}");
    }

    #[test]
    fn serializes_as_its_short_string() {
        let spec: PerturbSpec = "font:3,lazy".parse().unwrap();
        let json = serde_json::to_string(&spec).unwrap();
        assert_eq!(json, "\"font:3,lazy:2\"");
        let back: PerturbSpec = serde_json::from_str(&json).unwrap();
        assert_eq!(back, spec);
        assert!(serde_json::from_str::<PerturbSpec>("\"font:9\"").is_err());
    }
}
