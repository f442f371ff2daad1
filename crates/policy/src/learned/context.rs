//! What a person reads around an element: the row, card or list item it
//! sits in, the nearest heading above it, and how that text matches the goal
//! fields the instruction shows, with numbers, amounts and dates read in any
//! of the formats a page may write them in (`$1,234.50`, `USD 1,234.50`,
//! `1.234,50 $`; `2026-03-15`, `03/15/2026`, `15.03.2026`).
//!
//! Only what the page shows is read: each node's role, label, visibility and
//! checked state, and the goal fields of [`Env::goal_fields`]. Keys, table
//! rows and hidden goal values are never looked at.

use wobble_engine::eval::text_eq;
use wobble_engine::format::TextStyle;
use wobble_engine::{Env, Role};

/// Dense context features per candidate.
pub const CONTEXT: usize = 12;

/// A number read from text, with whether it was written as money.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Num {
    value: f64,
    money: bool,
}

/// Calls `f` with every number written in `text` (digits with thousands
/// separators and a decimal mark in either convention), saying whether a
/// currency sign or code stands next to it.
fn numbers(text: &str, mut f: impl FnMut(Num)) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let Some(&c) = b.get(i) else { break };
        if !c.is_ascii_digit() {
            i += 1;
            continue;
        }
        // Part of a word or a date ("A320", "03/15/2026") is not an amount.
        let prev = i.checked_sub(1).and_then(|p| b.get(p)).copied();
        if prev.is_some_and(|p| {
            p.is_ascii_alphabetic()
                || p == b'/'
                || p == b'-' && i >= 2 && b.get(i - 2).is_some_and(u8::is_ascii_digit)
        }) {
            while b.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
                i += 1;
            }
            continue;
        }
        let start = i;
        let mut end = i;
        let mut j = i;
        while let Some(&c) = b.get(j) {
            if c.is_ascii_digit() {
                j += 1;
                end = j;
            } else if matches!(c, b'.' | b',' | b' ')
                && b.get(j + 1).is_some_and(u8::is_ascii_digit)
            {
                j += 1;
            } else {
                break;
            }
        }
        i = end.max(start + 1);
        let token = text.get(start..end).unwrap_or("");
        // A date or a code, not a number.
        if b.get(end)
            .is_some_and(|&c| c == b'/' || c == b'-' || c.is_ascii_alphabetic())
        {
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'/' || *c == b'-')
            {
                i += 1;
            }
            continue;
        }
        let Some(value) = read_number(token) else {
            continue;
        };
        let before = text.get(..start).unwrap_or("").trim_end();
        let after = text.get(end..).unwrap_or("").trim_start();
        let money = ["$", "€", "£", "USD", "EUR", "GBP"]
            .iter()
            .any(|s| before.ends_with(s) || after.starts_with(s));
        f(Num { value, money });
    }
}

/// Reads one number token: `1,234.50`, `1.234,50`, `1 234,5`, `412`.
fn read_number(token: &str) -> Option<f64> {
    let decimal = crate::numerals::decimal_mark(token);
    let mut buf = [0u8; 40];
    let mut n = 0;
    for (i, c) in token.bytes().enumerate() {
        let keep = if c.is_ascii_digit() {
            c
        } else if Some(i) == decimal {
            b'.'
        } else {
            continue;
        };
        *buf.get_mut(n)? = keep;
        n += 1;
    }
    std::str::from_utf8(buf.get(..n)?).ok()?.parse().ok()
}

/// The single number a text is, if it is one number (a goal value such as
/// `412` or `$54,321.00`).
fn as_number(text: &str) -> Option<f64> {
    let mut found = None;
    let mut count = 0;
    numbers(text, |n| {
        found = Some(n.value);
        count += 1;
    });
    let digits_only = text
        .chars()
        .all(|c| c.is_ascii_digit() || " .,$€£".contains(c) || c.is_ascii_uppercase());
    (count == 1 && digits_only).then_some(found).flatten()
}

/// The possible (year, month, day) readings of the dates written in `text`:
/// `2026-03-15`, and `03/15/2026` or `15/03/2026` (both readings), `15.03.2026`.
fn dates(text: &str, mut f: impl FnMut((u32, u32, u32))) {
    for word in text.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')') {
        let sep = if word.contains('-') {
            '-'
        } else if word.contains('/') {
            '/'
        } else if word.contains('.') {
            '.'
        } else {
            continue;
        };
        let mut parts = word.split(sep).map(|p| p.parse::<u32>().ok());
        let (Some(Some(a)), Some(Some(b)), Some(Some(c)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if a >= 1000 {
            f((a, b, c));
        } else if c >= 1000 {
            if sep == '/' {
                f((c, a, b));
            }
            f((c, b, a));
        }
    }
}

/// Whether `text` writes the date `value` writes, in any format.
fn same_date(text: &str, value: &str) -> bool {
    let mut hit = false;
    dates(value, |want| {
        dates(text, |got| hit |= got == want);
    });
    hit
}

/// Whether `text` contains `word` as a whole word, ignoring ASCII case,
/// without allocating ("S" is not found in "Sweater", nor "4" in "$24").
fn contains_word(text: &str, word: &str) -> bool {
    let (t, w) = (text.as_bytes(), word.as_bytes());
    if w.is_empty() {
        return false;
    }
    let part_of_word = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii_alphanumeric() || b >= 0x80);
    t.windows(w.len()).enumerate().any(|(i, window)| {
        window.eq_ignore_ascii_case(w)
            && !part_of_word(i.checked_sub(1).and_then(|p| t.get(p)))
            && !part_of_word(t.get(i + w.len()))
    })
}

/// The share of a value's words that a text contains as words (1 when all do).
fn word_share(text: &str, value: &str) -> f32 {
    let (mut total, mut found) = (0, 0);
    for w in value
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        total += 1;
        if contains_word(text, w) {
            found += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        found as f32 / total as f32
    }
}

/// How one goal value is written, read once per step.
#[derive(Debug, Clone, Copy, Default)]
struct GoalValue {
    number: Option<f64>,
    date: bool,
}

/// What a row, card or list item shows, against the goal fields.
#[derive(Debug, Clone, Copy, Default)]
struct RowInfo {
    /// The ListItem or card node.
    item: u32,
    /// Share of goal fields one of its texts equals.
    exact: f32,
    /// Share of the goal values' words it shows.
    partial: f32,
    /// Share of numeric goal fields it shows as a number (any format).
    number: f32,
    /// Share of date goal fields it shows (any format).
    date: f32,
    /// The first amount of money it shows.
    amount: Option<f64>,
    /// Its match is the best among its neighbours (and not nothing).
    best: bool,
    /// Its amount is the smallest among its neighbours'.
    cheapest: bool,
    /// One over the number of neighbours shown (itself included).
    share: f32,
}

/// Reads context, keeping its buffers from step to step.
#[derive(Debug, Clone, Default)]
pub struct Reader {
    goals: Vec<GoalValue>,
    rows: Vec<RowInfo>,
    stack: Vec<u32>,
    text: String,
}

/// The ListItem, or boxed card, that holds node `id`.
fn row_of(env: &Env, id: u32) -> Option<u32> {
    let nodes = env.nodes();
    let mut cur = nodes.get(id as usize)?.parent;
    while let Some(p) = cur {
        let n = nodes.get(p as usize)?;
        if n.role == Role::ListItem || (n.role == Role::Group && n.primary) {
            return Some(p);
        }
        cur = n.parent;
    }
    None
}

impl Reader {
    /// Reads the goal fields' values for this step.
    pub fn begin(&mut self, env: &Env) {
        self.goals.clear();
        self.rows.clear();
        for (_, _, v) in env.goal_fields() {
            let mut date = false;
            dates(v, |_| date = true);
            self.goals.push(GoalValue {
                number: if date { None } else { as_number(v) },
                date,
            });
        }
    }

    /// The shown texts of node `item` and its descendants, joined into `self.text`.
    fn gather(&mut self, env: &Env, item: u32) {
        let nodes = env.nodes();
        self.text.clear();
        self.stack.clear();
        self.stack.push(item);
        while let Some(i) = self.stack.pop() {
            let Some(n) = nodes.get(i as usize) else {
                continue;
            };
            if !n.visible {
                continue;
            }
            if !n.label.is_empty() && !n.role.is_text_entry() {
                self.text.push_str(&n.label);
                self.text.push('\n');
            }
            self.stack.extend(n.children.iter().rev());
        }
    }

    /// Matches of one row against the goal fields (texts in `self.text`).
    fn row_info(&mut self, env: &Env, item: u32) -> RowInfo {
        self.gather(env, item);
        let text = self.text.as_str();
        let mut info = RowInfo {
            item,
            ..RowInfo::default()
        };
        numbers(text, |n| {
            if n.money && info.amount.is_none() {
                info.amount = Some(n.value);
            }
        });
        let (mut fields, mut numeric, mut dated) = (0, 0, 0);
        for ((_, _, v), g) in env.goal_fields().zip(&self.goals) {
            fields += 1;
            if text.lines().any(|t| text_eq(t, v)) {
                info.exact += 1.0;
            }
            info.partial += word_share(text, v);
            if let Some(want) = g.number {
                numeric += 1;
                let mut hit = false;
                numbers(text, |n| hit |= n.value == want);
                if hit {
                    info.number += 1.0;
                }
            }
            if g.date {
                dated += 1;
                if same_date(text, v) {
                    info.date += 1.0;
                }
            }
        }
        info.exact /= fields.max(1) as f32;
        info.partial /= fields.max(1) as f32;
        info.number /= numeric.max(1) as f32;
        info.date /= dated.max(1) as f32;
        info
    }

    /// The row around node `id`, read with its neighbours the first time.
    fn row(&mut self, env: &Env, id: u32) -> Option<RowInfo> {
        let item = row_of(env, id)?;
        if let Some(r) = self.rows.iter().find(|r| r.item == item) {
            return Some(*r);
        }
        let nodes = env.nodes();
        let node = nodes.get(item as usize)?;
        let list = node.parent.unwrap_or(item);
        let first = self.rows.len();
        let siblings = nodes.get(list as usize).map_or(0, |l| l.children.len());
        for k in 0..siblings {
            let Some(&r) = nodes.get(list as usize).and_then(|l| l.children.get(k)) else {
                continue;
            };
            let is_row = nodes
                .get(r as usize)
                .is_some_and(|n| n.role == node.role && (n.role == Role::ListItem || n.primary));
            if is_row && env.is_shown(r) {
                let info = self.row_info(env, r);
                self.rows.push(info);
            }
        }
        if !self.rows.iter().skip(first).any(|r| r.item == item) {
            let info = self.row_info(env, item);
            self.rows.push(info);
        }
        let group = self.rows.get_mut(first..)?;
        // A text equal to a goal value outweighs shared words and numbers,
        // which also turn up by chance ("4 stars" when the quantity is 4).
        let score = |r: &RowInfo| 4.0 * r.exact + r.partial + r.number + r.date;
        let best = group.iter().map(score).fold(0.0f32, f32::max);
        let cheapest = group
            .iter()
            .filter_map(|r| r.amount)
            .fold(f64::INFINITY, f64::min);
        let share = 1.0 / group.len() as f32;
        for r in group.iter_mut() {
            r.best = best > 0.0 && score(r) >= best;
            r.cheapest = r.amount.is_some_and(|a| a <= cheapest);
            r.share = share;
        }
        self.rows.iter().find(|r| r.item == item).copied()
    }

    /// The nearest shown heading above node `id` on its page.
    fn heading(env: &Env, id: u32) -> Option<&str> {
        let nodes = env.nodes();
        let page = nodes.get(id as usize)?.page;
        (0..id)
            .rev()
            .map_while(|j| {
                nodes
                    .get(j as usize)
                    .filter(|n| n.page == page)
                    .map(|n| (j, n))
            })
            .find(|(j, n)| n.role == Role::Heading && env.is_shown(*j))
            .map(|(_, n)| n.label.as_str())
    }

    /// Writes the context features of the element `id` into `out` (`CONTEXT` values).
    #[allow(
        clippy::indexing_slicing,
        reason = "`out` is the `CONTEXT`-slot block of a candidate's feature vector"
    )]
    pub fn element(&mut self, env: &Env, id: u32, out: &mut [f32]) {
        if let Some(r) = self.row(env, id) {
            out[0] = 1.0;
            out[1] = r.exact;
            out[2] = r.partial;
            out[3] = r.number;
            out[4] = r.date;
            out[5] = r.best as u8 as f32;
            out[6] = r.cheapest as u8 as f32;
            out[7] = r.share;
        }
        if let Some(h) = Self::heading(env, id) {
            let (mut exact, mut partial, mut number) = (0.0f32, 0.0f32, 0.0f32);
            for ((_, _, v), g) in env.goal_fields().zip(&self.goals) {
                if text_eq(h, v) {
                    exact = 1.0;
                }
                partial = partial.max(word_share(h, v));
                if g.date && same_date(h, v) {
                    number = 1.0;
                }
                if let Some(want) = g.number {
                    numbers(h, |n| {
                        if n.value == want {
                            number = 1.0;
                        }
                    });
                }
            }
            out[8] = exact;
            out[9] = partial;
            out[10] = number;
        }
        // The element's own text read as a number or date (any format).
        if let Some(n) = env.nodes().get(id as usize) {
            let mut hit = false;
            for ((_, _, v), g) in env.goal_fields().zip(&self.goals) {
                if let Some(want) = g.number {
                    numbers(&n.label, |x| hit |= x.value == want);
                }
                hit |= g.date && same_date(&n.label, v);
            }
            out[11] = hit as u8 as f32;
        }
    }

    /// What tells whether a task that ends by saying "done" is done, for the
    /// `finish` candidate (3 values): a checked, and an unchecked, checkbox
    /// in the row or card that best matches the goal; and a confirmation
    /// shown (whose text is returned, for its words).
    #[allow(
        clippy::indexing_slicing,
        reason = "`out` is the 3-slot finish block of a candidate's feature vector"
    )]
    pub fn finish<'e>(&mut self, env: &'e Env, out: &mut [f32]) -> &'e str {
        let mut notice = "";
        for i in env.visible_nodes() {
            let Some(n) = env.nodes().get(i as usize) else {
                continue;
            };
            match n.role {
                Role::Checkbox if env.is_usable(i) && self.row(env, i).is_some_and(|r| r.best) => {
                    if env.checked(i) {
                        out[0] = 1.0;
                    } else {
                        out[1] = 1.0;
                    }
                }
                Role::Text | Role::Alert
                    if n.style == TextStyle::Success && !n.label.is_empty() =>
                {
                    out[2] = 1.0;
                    notice = n.label.as_str();
                }
                _ => {}
            }
        }
        notice
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(f64, bool)> {
        let mut out = Vec::new();
        numbers(text, |n| out.push((n.value, n.money)));
        out
    }

    #[test]
    fn amounts_read_in_every_format() {
        assert_eq!(all("$412"), [(412.0, true)]);
        assert_eq!(all("USD 1,234.50"), [(1234.5, true)]);
        assert_eq!(all("1.234,50 $"), [(1234.5, true)]);
        assert_eq!(all("$24.95 each"), [(24.95, true)]);
        assert_eq!(all("Hoodies, 4.5 stars"), [(4.5, false)]);
        assert!(all("Flight A320 on 03/15/2026").is_empty());
        assert_eq!(as_number("54,321.00"), Some(54321.0));
        assert_eq!(as_number("3"), Some(3.0));
        assert_eq!(as_number("Dana Whitfield"), None);
    }

    #[test]
    fn words_match_whole() {
        assert_eq!(word_share("Merino V-Neck Sweater\n$24", "S"), 0.0);
        assert_eq!(word_share("Size S", "s"), 1.0);
        assert_eq!(word_share("Classic Crew Tee\n$24", "4"), 0.0);
        assert_eq!(word_share("Tomás Rivera", "Tomás Rivera"), 1.0);
        assert_eq!(word_share("Dana Whitfield", "Dana Lee"), 0.5);
    }

    #[test]
    fn dates_read_in_every_format() {
        assert!(same_date("Departs 15.03.2026", "2026-03-15"));
        assert!(same_date("03/15/2026", "2026-03-15"));
        assert!(same_date("2026-03-15", "15/03/2026"));
        assert!(!same_date("2026-03-16", "2026-03-15"));
    }
}
