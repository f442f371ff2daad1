//! The perturbation catalog's word lists, read from `data/perturbations.ron`
//! (embedded at build time, parsed once).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Texts of a dialog the perturbations insert.
#[derive(Debug, Clone, Deserialize)]
pub struct Dialog {
    /// Its title.
    pub title: String,
    /// Its line of text.
    pub text: String,
    /// Labels of the button that dismisses it or goes on.
    pub accept: Vec<String>,
    /// Labels of the other button.
    pub decoy: Vec<String>,
}

/// A color palette.
#[derive(Debug, Clone, Deserialize)]
pub struct Palette {
    /// Its name, for explanations.
    pub name: String,
    /// Page background.
    pub background: String,
    /// Body text.
    pub text: String,
    /// Primary buttons and links.
    pub accent: String,
    /// Text on primary buttons.
    pub accent_text: String,
    /// Cards and the header band.
    pub surface: String,
    /// Borders.
    pub border: String,
}

/// Everything in the data file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Whole-label synonyms (keys compared ignoring case).
    pub labels: BTreeMap<String, Vec<String>>,
    /// One-word synonyms of verbs, replacing a label's first word only.
    pub verbs: BTreeMap<String, Vec<String>>,
    /// One-word synonyms of nouns, replacing a word anywhere in a label.
    pub words: BTreeMap<String, Vec<String>>,
    /// Labels of distractor buttons and links.
    pub distractors: Vec<String>,
    /// Templates of labels close to a target's.
    pub near_labels: Vec<String>,
    /// Ads: headline and link text.
    pub ads: Vec<(String, String)>,
    /// The cookie pop-up.
    pub cookie: Dialog,
    /// The newsletter pop-up.
    pub newsletter: Dialog,
    /// The inserted confirmation dialog.
    pub confirm: Dialog,
    /// The inserted review page.
    pub review: Dialog,
    /// Loading lines.
    pub loading: Vec<String>,
    /// Light palettes.
    pub palettes: Vec<Palette>,
    /// Dark palettes.
    pub dark_palettes: Vec<Palette>,
    /// Serif font families.
    pub serif_fonts: Vec<String>,
    /// Monospace font families.
    pub mono_fonts: Vec<String>,
    /// Condensed sans-serif font families.
    pub condensed_fonts: Vec<String>,
    /// Instruction wrappers.
    pub wrappers: Vec<String>,
    /// Instruction word synonyms (keys in lower case).
    pub instruction_words: BTreeMap<String, Vec<String>>,
}

const SOURCE: &str = include_str!("../../data/perturbations.ron");

/// The parsed catalog (parsed on first use).
pub fn catalog() -> Result<&'static Catalog, String> {
    static CATALOG: OnceLock<Result<Catalog, String>> = OnceLock::new();
    CATALOG
        .get_or_init(|| ron::from_str(SOURCE).map_err(|e| format!("data/perturbations.ron: {e}")))
        .as_ref()
        .map_err(Clone::clone)
}

impl Catalog {
    /// Rewordings of a label: whole-label synonyms, else the label with one
    /// word replaced (a verb as its first word, a noun anywhere); `None`
    /// when there are none.
    pub fn synonyms(&self, label: &str) -> Option<Vec<String>> {
        let trimmed = label.trim();
        if let Some((_, options)) = self
            .labels
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(trimmed))
        {
            if !options.is_empty() {
                return Some(options.clone());
            }
        }
        let words: Vec<&str> = trimmed.split(' ').collect();
        let mut out = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let lower = word.to_lowercase();
            let verb = if i == 0 { self.verbs.get(&lower) } else { None };
            let Some(options) = verb.or_else(|| self.words.get(&lower)) else {
                continue;
            };
            for option in options {
                let replacement = if word.starts_with(|c: char| c.is_uppercase()) {
                    capitalize(option)
                } else {
                    option.clone()
                };
                let mut new = words.clone();
                if let Some(w) = new.get_mut(i) {
                    *w = &replacement;
                }
                out.push(new.join(" "));
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

/// The text with its first letter in upper case.
pub fn capitalize(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
