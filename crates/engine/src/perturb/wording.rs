//! The wording kinds: relabelling elements with synonyms and rewording the
//! instruction. Neither may contradict the task: a label the instruction
//! uses is never replaced, and a reworded instruction names the same goal
//! fields.

use super::Transform;
use crate::rng::Rng;
use crate::site::{InstrPart, Role, Template, TemplatePart};

impl Transform<'_> {
    pub(super) fn relabel(&mut self) {
        let places = self.places();
        let mut candidates = Vec::new();
        for (e, place) in places.iter() {
            let elem = &self.site.elem(e);
            let relabelable = matches!(
                elem.role,
                Role::Button
                    | Role::Link
                    | Role::TextBox
                    | Role::Password
                    | Role::Number
                    | Role::Date
                    | Role::Select
                    | Role::Checkbox
                    | Role::RadioGroup
            );
            let Some(label) = elem.label.literal() else {
                continue;
            };
            if !relabelable || label.trim().is_empty() || self.clashes(label) {
                continue;
            }
            if self.rewordings(label).is_some() {
                candidates.push((e, place.page));
            }
        }
        let n = self.share(candidates.len());
        for _ in 0..n {
            let i = self.rng.below(candidates.len() as u64) as usize;
            let (e, page) = candidates.swap_remove(i);
            let old = self.site.elem(e).label.literal().unwrap_or("").to_string();
            let Some(options) = self.rewordings(&old) else {
                continue;
            };
            let fresh: Vec<String> = options
                .into_iter()
                .filter(|o| !self.clashes(o) && !o.eq_ignore_ascii_case(&old))
                .collect();
            let Some(new) = self.pick(&fresh).map(str::to_string) else {
                continue;
            };
            self.site.elem_mut(e).label = Template {
                parts: vec![TemplatePart::Lit(new.clone())],
            };
            let key = self.site.elem(e).key.clone();
            let id = self.site.page(page).id.clone();
            self.change(
                format!("relabelled '{old}' as '{new}' on page \"{id}\""),
                Some(page),
                key,
            );
        }
    }

    /// The labels `label` may become: the site's own rewordings first, then
    /// the catalog's synonyms.
    fn rewordings(&self, label: &str) -> Option<Vec<String>> {
        let own = self
            .site
            .rewordings
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case(label.trim()));
        match own {
            Some((_, options)) => Some(options.clone()),
            None => self.data.synonyms(label),
        }
    }

    pub(super) fn paraphrase(&mut self) {
        let Some(task) = self.site.tasks.get(self.task) else {
            return;
        };
        let mut parts = task.instruction.clone();
        let severity = self.p.severity;
        let mut how = Vec::new();
        if severity >= 2 {
            if task.paraphrases.is_empty() {
                if reword(&mut parts, &self.data.instruction_words, self.rng) {
                    how.push("verbs replaced by synonyms");
                }
            } else {
                if let Some(other) = self.rng.choose(&task.paraphrases) {
                    parts = other.clone();
                }
                how.push("another wording of the task");
                if severity >= 3 && reword(&mut parts, &self.data.instruction_words, self.rng) {
                    how.push("verbs replaced by synonyms");
                }
            }
        }
        if severity != 2 {
            if let Some(w) = self.pick(&self.data.wrappers).map(str::to_string) {
                wrap_instruction(&mut parts, &w);
                how.push("a wrapper sentence");
            }
        }
        let unchanged = self
            .site
            .tasks
            .get(self.task)
            .is_none_or(|task| parts_equal(&parts, &task.instruction));
        if how.is_empty() || unchanged {
            return;
        }
        let mut text = String::new();
        for part in &parts {
            match part {
                InstrPart::Lit(s) => text.push_str(s),
                InstrPart::Field(f) => text.push_str(
                    self.view
                        .goal
                        .get(*f as usize)
                        .map(String::as_str)
                        .unwrap_or(""),
                ),
            }
        }
        if let Some(task) = self.site.tasks.get_mut(self.task) {
            task.instruction = parts;
        }
        self.change(
            format!("reworded the instruction ({}): \"{text}\"", how.join(", ")),
            None,
            None,
        );
    }
}

/// Replaces words of the literal parts with synonyms; true if any changed.
fn reword(
    parts: &mut [InstrPart],
    words: &std::collections::BTreeMap<String, Vec<String>>,
    rng: &mut Rng,
) -> bool {
    let mut changed = false;
    for part in parts.iter_mut() {
        let InstrPart::Lit(s) = part else { continue };
        for (word, options) in words {
            if options.is_empty() {
                continue;
            }
            let Some(at) = find_word(s, word) else {
                continue;
            };
            let Some(pick) = options.get(rng.below(options.len() as u64) as usize) else {
                continue;
            };
            let Some(original) = s.get(at..at + word.len()) else {
                continue;
            };
            let replacement = if original.starts_with(|c: char| c.is_uppercase()) {
                let mut c = pick.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            } else {
                pick.clone()
            };
            s.replace_range(at..at + word.len(), &replacement);
            changed = true;
        }
    }
    changed
}

/// Where `word` (lower-case, as in the catalog) first occurs in `hay` as a whole
/// word, ignoring ASCII case. It searches `hay` itself, not a lower-cased copy,
/// so the position is one in `hay`: lower-casing can change a text's length in
/// bytes (`"İ"` becomes `"i̇"`), and a position in the copy could fall outside
/// `hay` or inside one of its characters.
fn find_word(hay: &str, word: &str) -> Option<usize> {
    let (bytes, w) = (hay.as_bytes(), word.as_bytes());
    if w.is_empty() {
        return None;
    }
    bytes
        .windows(w.len())
        .enumerate()
        .find_map(|(start, window)| {
            let end = start + w.len();
            let whole = window.eq_ignore_ascii_case(w)
                && !(start.checked_sub(1))
                    .and_then(|b| bytes.get(b))
                    .is_some_and(u8::is_ascii_alphanumeric)
                && !bytes.get(end).is_some_and(u8::is_ascii_alphanumeric);
            (whole && hay.is_char_boundary(start) && hay.is_char_boundary(end)).then_some(start)
        })
}

/// Puts the instruction inside a wrapper such as `Please {lowered}`.
fn wrap_instruction(parts: &mut Vec<InstrPart>, wrapper: &str) {
    let lowered = wrapper.contains("{lowered}");
    let marker = if lowered {
        "{lowered}"
    } else {
        "{instruction}"
    };
    let Some((before, after)) = wrapper.split_once(marker) else {
        return;
    };
    if lowered {
        if let Some(InstrPart::Lit(first)) = parts.first_mut() {
            let mut c = first.chars();
            if let Some(f) = c.next() {
                *first = f.to_lowercase().collect::<String>() + c.as_str();
            }
        }
        // A question or request reads better without the final period.
        if let Some(InstrPart::Lit(last)) = parts.last_mut() {
            if after.starts_with('?') && last.ends_with('.') {
                last.pop();
            }
        }
    }
    if !before.is_empty() {
        parts.insert(0, InstrPart::Lit(before.to_string()));
    }
    if !after.is_empty() {
        parts.push(InstrPart::Lit(after.to_string()));
    }
}

fn parts_equal(a: &[InstrPart], b: &[InstrPart]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (InstrPart::Lit(p), InstrPart::Lit(q)) => p == q,
            (InstrPart::Field(p), InstrPart::Field(q)) => p == q,
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perturb::data::catalog;
    use crate::rng::Rng;

    #[test]
    fn rewording_finds_words_in_the_text_itself() {
        // Lower-cased, "İ" takes three bytes instead of two: a position found in a
        // lower-cased copy lay past the end of the text here, and rewording panicked.
        assert_eq!(find_word("İİİİİİ click {", "click"), Some(13));
        assert_eq!(find_word("Click it", "click"), Some(0));
        assert_eq!(find_word("clicks", "click"), None);
        assert_eq!(find_word("double-click", "click"), Some(7));
        let data = catalog().expect("crates/engine/data/perturbations.ron parses");
        let mut parts = vec![InstrPart::Lit("İİİİİİ Click ".into())];
        assert!(reword(
            &mut parts,
            &data.instruction_words,
            &mut Rng::new(1)
        ));
        let [InstrPart::Lit(text)] = parts.as_slice() else {
            panic!("one literal part: {parts:?}");
        };
        assert!(
            text.starts_with("İİİİİİ ") && !text.contains("Click"),
            "{text}"
        );
    }

    #[test]
    fn a_site_whose_instruction_lower_cases_longer_is_reworded() {
        let text = include_str!("../../../../sites/click-button.ron");
        let start = text
            .find("paraphrases: [")
            .expect("click-button has paraphrases");
        let end = start + text[start..].find("],").expect("the list ends") + 2;
        let text = format!("{}paraphrases: [],{}", &text[..start], &text[end..]).replace(
            r#"instruction: "Click on the \"{target}\" button.","#,
            r#"instruction: "İİİİİİ click {target}","#,
        );
        assert!(text.contains("İİİİİİ click {target}"));
        let site = crate::load_site("click-button.ron", &text).expect("the edited site loads");
        let mut env =
            crate::Env::new(std::sync::Arc::new(site), 0, Default::default()).expect("task 0");
        env.set_perturbations("paraphrase:2".parse().expect("a spec"));
        for seed in 0..8 {
            env.reset(seed);
            assert!(
                env.instruction().starts_with("İİİİİİ "),
                "{}",
                env.instruction()
            );
            assert!(
                !env.instruction().contains("click"),
                "{}",
                env.instruction()
            );
        }
    }

    #[test]
    fn wrappers_lower_the_first_letter() {
        let mut parts = vec![InstrPart::Lit("Click it.".into())];
        wrap_instruction(&mut parts, "Please {lowered}");
        assert!(matches!(&parts[0], InstrPart::Lit(s) if s == "Please "));
        assert!(matches!(&parts[1], InstrPart::Lit(s) if s == "click it."));
    }
}
