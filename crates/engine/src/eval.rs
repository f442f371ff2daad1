//! Evaluating compiled values and conditions against an episode's state.
//!
//! Everything here borrows: a value is a `&str` into the site, the state
//! slots, the generated tables or the goal, so evaluating on the step path
//! allocates nothing. Arithmetic (`Add`, `Mul`, `Sum`...) is the exception
//! that has no text to borrow: it is computed as a [`Fixed`] exact decimal
//! (integers only, so native and wasm32 agree to the bit), read through
//! [`Ctx::val`], and written with [`write_fixed`] into a buffer the caller owns.

use crate::rng::Rng;
use crate::site::{CalcOp, CmpOp, Cond, Gen, MoneyFormat, Site, TableSource, Value};
use std::fmt::Write as _;

/// The generated rows of one table for the current episode.
#[derive(Debug, Clone, Default)]
pub struct TableData {
    /// Rows, one text per column.
    pub rows: Vec<Vec<String>>,
}

/// What values and conditions read.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The compiled site.
    pub site: &'a Site,
    /// State slots (fixed, then per-row input instances).
    pub slots: &'a [String],
    /// Where each per-row input's instances start in `slots`.
    pub row_base: &'a [u32],
    /// Generated tables.
    pub tables: &'a [TableData],
    /// Goal field values.
    pub goal: &'a [String],
    /// Table goal index -> task goal index.
    pub goal_map: &'a [u32],
}

/// A row context: which table row `Row(..)` and row inputs refer to.
pub type RowCtx = Option<(u32, u32)>;

/// An exact decimal number in millionths (`1.5` is `1_500_000`): what
/// arithmetic values compute with. Integers only, so every platform agrees.
pub type Fixed = i128;

/// [`Fixed`] units in one.
pub const FIXED_ONE: Fixed = 1_000_000;
const FIXED_CENT: Fixed = FIXED_ONE / 100;

/// A value as read: text borrowed from the episode, or a computed number
/// (already rounded to the cent; `None` when an operand was not a number,
/// which reads as empty text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val<'a> {
    /// Text.
    Text(&'a str),
    /// The result of arithmetic.
    Num(Option<Fixed>),
}

impl<'a> Ctx<'a> {
    /// The text of a value (empty when it refers to something absent).
    pub fn value(&self, v: &'a Value, row: RowCtx) -> &'a str {
        match v {
            Value::Lit(s) => s,
            Value::Slot(s) => self
                .slots
                .get(*s as usize)
                .map(|s| s.as_str())
                .unwrap_or(""),
            Value::RowSlot(ri) => match row {
                Some((_, r)) => {
                    let base = self.row_base.get(*ri as usize).copied().unwrap_or(0);
                    self.slots
                        .get((base + r) as usize)
                        .map(|s| s.as_str())
                        .unwrap_or("")
                }
                None => "",
            },
            Value::Row(c) => match row {
                Some((t, r)) => self.cell(t, r, *c),
                None => "",
            },
            Value::Goal(f) => self.goal.get(*f as usize).map(|s| s.as_str()).unwrap_or(""),
            Value::Lookup {
                table,
                key_column,
                key,
                column,
            } => {
                let key = self.val(key, row);
                let Some(t) = self.tables.get(*table as usize) else {
                    return "";
                };
                for r in &t.rows {
                    if r.get(*key_column as usize)
                        .map(|s| val_eq(Val::Text(s), key))
                        .unwrap_or(false)
                    {
                        return r.get(*column as usize).map(|s| s.as_str()).unwrap_or("");
                    }
                }
                ""
            }
            // Arithmetic has no text to borrow: read it with `val` or `write_val`.
            Value::Calc(..) | Value::Sum(..) => "",
        }
    }

    /// A value as text or, for arithmetic, as a number rounded to the cent.
    pub fn val(&self, v: &'a Value, row: RowCtx) -> Val<'a> {
        if v.is_calc() {
            Val::Num(self.number(v, row).map(round_to_cent))
        } else {
            Val::Text(self.value(v, row))
        }
    }

    /// The exact number a value stands for: arithmetic computed, text
    /// parsed (`None` when it is not a number).
    pub fn number(&self, v: &'a Value, row: RowCtx) -> Option<Fixed> {
        match v {
            Value::Calc(op, a, b) => {
                let (x, y) = (self.number(a, row)?, self.number(b, row)?);
                match op {
                    CalcOp::Add => x.checked_add(y),
                    CalcOp::Sub => x.checked_sub(y),
                    CalcOp::Mul => Some(div_round(x.checked_mul(y)?, FIXED_ONE)),
                    CalcOp::Min => Some(x.min(y)),
                    CalcOp::Max => Some(x.max(y)),
                }
            }
            Value::Sum(t, inner) => {
                let rows = self
                    .tables
                    .get(*t as usize)
                    .map(|t| t.rows.len())
                    .unwrap_or(0);
                let mut total: Fixed = 0;
                for r in 0..rows as u32 {
                    if let Some(x) = self.number(inner, Some((*t, r))) {
                        total = total.checked_add(x)?;
                    }
                }
                Some(total)
            }
            other => parse_fixed(self.value(other, row)),
        }
    }

    /// Appends a value's text to `out` (arithmetic written by [`write_fixed`]).
    pub fn write_val(&self, v: &'a Value, row: RowCtx, out: &mut String) {
        match self.val(v, row) {
            Val::Text(t) => out.push_str(t),
            Val::Num(Some(x)) => write_fixed(out, x),
            Val::Num(None) => {}
        }
    }

    /// One cell of a generated table.
    pub fn cell(&self, table: u32, row: u32, column: u32) -> &'a str {
        self.tables
            .get(table as usize)
            .and_then(|t| t.rows.get(row as usize))
            .and_then(|r| r.get(column as usize))
            .map(|s| s.as_str())
            .unwrap_or("")
    }

    /// How far a condition is from holding, in `[0, 1]`: 1 when it holds;
    /// for `AllRows` the share of rows that pass, for `And` the mean of its
    /// parts; otherwise 0. Used for graded reward shaping.
    pub fn cond_score(&self, c: &'a Cond, row: RowCtx) -> f32 {
        match c {
            Cond::AllRows(t, x) => {
                let n = self
                    .tables
                    .get(*t as usize)
                    .map(|t| t.rows.len())
                    .unwrap_or(0);
                if n == 0 {
                    return 1.0;
                }
                let pass = (0..n as u32)
                    .filter(|&r| self.cond(x, Some((*t, r))))
                    .count();
                pass as f32 / n as f32
            }
            Cond::And(parts) if !parts.is_empty() => {
                parts.iter().map(|p| self.cond_score(p, row)).sum::<f32>() / parts.len() as f32
            }
            other => self.cond(other, row) as u8 as f32,
        }
    }

    /// Whether a condition holds.
    pub fn cond(&self, c: &'a Cond, row: RowCtx) -> bool {
        match c {
            Cond::True => true,
            Cond::Eq(a, b) => val_eq(self.val(a, row), self.val(b, row)),
            Cond::Ne(a, b) => !val_eq(self.val(a, row), self.val(b, row)),
            Cond::Empty(a) => val_empty(self.val(a, row)),
            Cond::NotEmpty(a) => !val_empty(self.val(a, row)),
            Cond::IsNumber(a) => match self.val(a, row) {
                Val::Text(t) => parse_number(t).is_some(),
                Val::Num(x) => x.is_some(),
            },
            Cond::Contains(a, b) => with_text(self.val(a, row), |hay| {
                with_text(self.val(b, row), |needle| {
                    contains_ignoring_case(hay, needle)
                })
            }),
            Cond::Cmp(op, a, b) => match (self.val(a, row), self.val(b, row)) {
                (Val::Text(x), Val::Text(y)) => match (parse_number(x), parse_number(y)) {
                    (Some(x), Some(y)) => compare(*op, x, y),
                    _ => false,
                },
                (x, y) => match (val_number(x), val_number(y)) {
                    (Some(x), Some(y)) => compare(*op, x, y),
                    _ => false,
                },
            },
            Cond::Checked(a) => self.val(a, row) == Val::Text("true"),
            Cond::And(xs) => xs.iter().all(|x| self.cond(x, row)),
            Cond::Or(xs) => xs.iter().any(|x| self.cond(x, row)),
            Cond::Not(x) => !self.cond(x, row),
            Cond::AllRows(t, x) => {
                let n = self
                    .tables
                    .get(*t as usize)
                    .map(|t| t.rows.len())
                    .unwrap_or(0);
                (0..n as u32).all(|r| self.cond(x, Some((*t, r))))
            }
            Cond::AnyRow(t, x) => {
                let n = self
                    .tables
                    .get(*t as usize)
                    .map(|t| t.rows.len())
                    .unwrap_or(0);
                (0..n as u32).any(|r| self.cond(x, Some((*t, r))))
            }
        }
    }
}

fn compare<T: PartialOrd>(op: CmpOp, x: T, y: T) -> bool {
    match op {
        CmpOp::Lt => x < y,
        CmpOp::Le => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::Ge => x >= y,
    }
}

/// A value's number, if it is one: text parsed exactly, arithmetic as computed.
fn val_number(v: Val<'_>) -> Option<Fixed> {
    match v {
        Val::Text(t) => parse_fixed(t),
        Val::Num(x) => x,
    }
}

fn val_empty(v: Val<'_>) -> bool {
    match v {
        Val::Text(t) => t.trim().is_empty(),
        Val::Num(x) => x.is_none(),
    }
}

/// [`text_eq`] extended to computed numbers: a number equals text that
/// parses to the same value, and an empty result equals empty text.
pub fn val_eq(a: Val<'_>, b: Val<'_>) -> bool {
    match (a, b) {
        (Val::Text(x), Val::Text(y)) => text_eq(x, y),
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Num(x), Val::Text(t)) | (Val::Text(t), Val::Num(x)) => match x {
            None => t.trim().is_empty(),
            Some(x) => parse_fixed(t) == Some(x),
        },
    }
}

/// Calls `f` with a value's text; a computed number is written into a
/// buffer on the stack, so this allocates nothing.
fn with_text<R>(v: Val<'_>, f: impl FnOnce(&str) -> R) -> R {
    match v {
        Val::Text(t) => f(t),
        Val::Num(None) => f(""),
        Val::Num(Some(x)) => {
            let mut buf = StackText::default();
            write_fixed(&mut buf, x);
            f(buf.as_str())
        }
    }
}

/// A short text on the stack (enough for any [`Fixed`] written by [`write_fixed`]).
struct StackText {
    bytes: [u8; 64],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        StackText {
            bytes: [0; 64],
            len: 0,
        }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        self.bytes
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let Some(to) = self.bytes.get_mut(self.len..end) else {
            return Err(std::fmt::Error);
        };
        to.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Whether `needle` (trimmed) occurs in `hay`, ignoring case; an empty
/// needle occurs everywhere. Compares lower-cased characters as it goes,
/// without building lower-case copies.
pub fn contains_ignoring_case(hay: &str, needle: &str) -> bool {
    let needle = needle.trim();
    if needle.is_empty() {
        return true;
    }
    hay.char_indices().any(|(i, _)| {
        let mut h = hay[i..].chars().flat_map(char::to_lowercase);
        needle
            .chars()
            .flat_map(char::to_lowercase)
            .all(|n| h.next() == Some(n))
    })
}

/// `n / d` rounded half away from zero (`d > 0`).
fn div_round(n: Fixed, d: Fixed) -> Fixed {
    let (q, r) = (n / d, n % d);
    if 2 * r.abs() >= d {
        q + n.signum()
    } else {
        q
    }
}

/// Rounded to the cent, half away from zero.
pub fn round_to_cent(x: Fixed) -> Fixed {
    div_round(x, FIXED_CENT) * FIXED_CENT
}

/// Parses a number as [`parse_number`] does (sign, `$`, thousands commas,
/// one decimal point), exactly: digits past the millionth are dropped.
pub fn parse_fixed(s: &str) -> Option<Fixed> {
    let s = s.trim().as_bytes();
    let mut i = 0;
    let mut negative = false;
    if let Some(&sign @ (b'-' | b'+')) = s.first() {
        negative = sign == b'-';
        i = 1;
    }
    if s.get(i) == Some(&b'$') {
        i += 1;
    }
    let (mut whole, mut frac, mut frac_digits, mut digits, mut dot): (
        Fixed,
        Fixed,
        u32,
        u32,
        bool,
    ) = (0, 0, 0, 0, false);
    for &c in s.iter().skip(i) {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                let d = (c - b'0') as Fixed;
                if !dot {
                    whole = whole.checked_mul(10)?.checked_add(d)?;
                } else if frac_digits < 6 {
                    frac = frac * 10 + d;
                    frac_digits += 1;
                }
            }
            b'.' if !dot => dot = true,
            b',' if digits > 0 && !dot => {}
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    let value = whole
        .checked_mul(FIXED_ONE)?
        .checked_add(frac * 10i128.pow(6 - frac_digits))?;
    Some(if negative { -value } else { value })
}

/// Writes a number rounded to the cent: whole when it has no cents
/// (`1250`), else with two decimals (`1250.40`, `-0.05`).
pub fn write_fixed(out: &mut impl std::fmt::Write, x: Fixed) {
    let cents = div_round(x, FIXED_CENT);
    let magnitude = cents.unsigned_abs();
    let (whole, rest) = (magnitude / 100, magnitude % 100);
    let _ = if cents < 0 {
        write!(out, "-{whole}")
    } else {
        write!(out, "{whole}")
    };
    if rest != 0 {
        let _ = write!(out, ".{rest:02}");
    }
}

/// A number as [`write_fixed`] writes it, in a new string.
pub fn fixed_to_string(x: Fixed) -> String {
    let mut out = String::new();
    write_fixed(&mut out, x);
    out
}

/// Text equality as people mean it: surrounding spaces ignored, and numbers
/// equal by value (`"5"` equals `"5.00"`, `"$1,200"` equals `"1200"`).
pub fn text_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a == b {
        return true;
    }
    match (parse_number(a), parse_number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Parses a number as written on a web page: optional sign, optional `$`,
/// thousands commas, decimal point. `None` for anything else.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut buf = [0u8; 40];
    let mut n = 0;
    let mut digits = 0;
    for (i, ch) in s.chars().enumerate() {
        let keep = match ch {
            '0'..='9' => {
                digits += 1;
                true
            }
            '-' | '+' if i == 0 => true,
            '.' => true,
            ',' if digits > 0 => false,
            '$' if i == 0 || (i == 1 && (s.starts_with('-') || s.starts_with('+'))) => false,
            _ => return None,
        };
        if keep {
            *buf.get_mut(n)? = ch as u8;
            n += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    std::str::from_utf8(buf.get(..n)?)
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

/// Writes an amount of money in a format (`USD 1,234.50`); text that is not
/// a number is written as it is. Writes into `out` without other allocation.
pub fn write_money(out: &mut String, text: &str, format: MoneyFormat) {
    let Some(value) = parse_number(text) else {
        out.push_str(text);
        return;
    };
    let scale = 10u64.pow(format.decimals.min(6) as u32);
    // Rounded to whole cents (or whatever the format keeps); f64 rounding is exact IEEE.
    let scaled = (value.abs() * scale as f64).round();
    if scaled >= 1e18 {
        out.push_str(text);
        return;
    }
    let scaled = scaled as u64;
    let (whole, frac) = (scaled / scale, scaled % scale);
    if value < 0.0 && scaled > 0 {
        out.push('-');
    }
    out.push_str(format.prefix);
    let mut digits = [0u8; 20];
    let mut n = 0;
    let mut w = whole;
    loop {
        // A u64 has at most 20 digits, so this always finds its place.
        if let Some(d) = digits.get_mut(n) {
            *d = b'0' + (w % 10) as u8;
        }
        n += 1;
        w /= 10;
        if w == 0 {
            break;
        }
    }
    for (i, &d) in digits.iter().enumerate().take(n).rev() {
        out.push(d as char);
        if i > 0 && i % 3 == 0 {
            if let Some(sep) = format.thousands {
                out.push(sep);
            }
        }
    }
    if format.decimals > 0 {
        out.push(format.decimal_mark);
        let mut d = scale / 10;
        while d > 0 {
            out.push((b'0' + ((frac / d) % 10) as u8) as char);
            d /= 10;
        }
    }
    out.push_str(format.suffix);
}

/// [`write_money`] for a value as read: computed numbers are written
/// through a buffer on the stack, so this allocates nothing either.
pub fn write_money_val(out: &mut String, value: Val<'_>, format: MoneyFormat) {
    with_text(value, |text| write_money(out, text, format));
}

/// Generates one text. `used` tracks items already taken by `Unique` in
/// this column (list item indices).
pub fn generate(
    gen: &Gen,
    rng: &mut Rng,
    site: &Site,
    goal: &[String],
    goal_map: Option<&[u32]>,
    used: &mut Vec<u32>,
) -> String {
    let mut out = String::new();
    generate_into(gen, rng, site, goal, goal_map, used, &mut out);
    out
}

/// [`generate`], appending to `out` (so that a reset can write into buffers
/// it keeps).
pub fn generate_into(
    gen: &Gen,
    rng: &mut Rng,
    site: &Site,
    goal: &[String],
    goal_map: Option<&[u32]>,
    used: &mut Vec<u32>,
    out: &mut String,
) {
    let goal_at = |f: u32| -> &str {
        let f = match goal_map {
            Some(map) => map.get(f as usize).copied().unwrap_or(u32::MAX),
            None => f,
        };
        goal.get(f as usize).map(|s| s.as_str()).unwrap_or("")
    };
    match gen {
        Gen::Lit(s) => out.push_str(s),
        Gen::Goal(f) => out.push_str(goal_at(*f)),
        Gen::Pick(l) => {
            // Lists are never empty (checked when the site is compiled).
            let list = site
                .lists
                .get(*l as usize)
                .map_or(&[][..], |l| l.as_slice());
            if let Some(item) = list.get(rng.below(list.len() as u64) as usize) {
                out.push_str(item);
            }
        }
        Gen::Unique { list, except } => {
            let items = site
                .lists
                .get(*list as usize)
                .map_or(&[][..], |l| l.as_slice());
            // Items are compared exactly with the excluded goal values: generated
            // lists hold words, and exact comparison keeps resets cheap.
            let excluded = |item: &str| except.iter().any(|&f| goal_at(f) == item);
            if items.len() <= 128 {
                // The same draw with the taken items as bits: one pass over
                // the list compares words, instead of one per count and pick.
                let mut taken = 0u128;
                for &f in except {
                    // Most words differ in length or first letter from the
                    // excluded value: those are passed over without a compare.
                    let value = goal_at(f).as_bytes();
                    for (i, item) in items.iter().enumerate() {
                        let item = item.as_bytes();
                        if item.len() == value.len()
                            && item.first() == value.first()
                            && item == value
                        {
                            taken |= 1 << i;
                        }
                    }
                }
                for &i in used.iter().filter(|&&i| i < 128) {
                    taken |= 1 << i;
                }
                let all = if items.len() == 128 {
                    u128::MAX
                } else {
                    (1u128 << items.len()) - 1
                };
                let mut free = all & !taken;
                if free == 0 {
                    // The list ran out: repeat rather than fail.
                    if let Some(item) = items.get(rng.below(items.len() as u64) as usize) {
                        out.push_str(item);
                    }
                    return;
                }
                // The k-th free item: clear the k lowest free bits.
                for _ in 0..rng.below(u64::from(free.count_ones())) {
                    free &= free - 1;
                }
                let i = free.trailing_zeros();
                used.push(i);
                if let Some(item) = items.get(i as usize) {
                    out.push_str(item);
                }
                return;
            }
            let free = (items.iter().enumerate())
                .filter(|&(i, item)| !used.contains(&(i as u32)) && !excluded(item))
                .count();
            if free == 0 {
                // The list ran out: repeat rather than fail.
                if let Some(item) = items.get(rng.below(items.len() as u64) as usize) {
                    out.push_str(item);
                }
                return;
            }
            let mut k = rng.below(free as u64) as usize;
            for (i, item) in items.iter().enumerate() {
                if used.contains(&(i as u32)) || excluded(item) {
                    continue;
                }
                if k == 0 {
                    used.push(i as u32);
                    out.push_str(item);
                    return;
                }
                k -= 1;
            }
        }
        Gen::Int { min, max, step } => {
            // In i128: `max - min` overflows an i64 for ranges wider than half of it. A span
            // of more than i64::MAX steps is drawn from its first i64::MAX + 1 steps.
            let (min, max, step) = (i128::from(*min), i128::from(*max), i128::from(*step));
            let n = i64::try_from((max - min) / step).unwrap_or(i64::MAX);
            let _ = write!(
                out,
                "{}",
                min + step * i128::from(rng.range_inclusive(0, n))
            );
        }
        Gen::Money { min, max } => {
            let whole = rng.range_inclusive(*min, *max);
            let cents = rng.below(100);
            let _ = write!(out, "{whole}.{cents:02}");
        }
        Gen::Date { start_day, days } => {
            let day = start_day + rng.below(*days as u64) as i64;
            crate::text::write_date(out, day, site.date_format);
        }
        Gen::Time { start, end, step } => {
            let n = (end - start) / step;
            let t = start + step * rng.below(n as u64 + 1) as u32;
            let _ = write!(out, "{:02}:{:02}", t / 60, t % 60);
        }
        Gen::Pattern(p) => out.extend(p.chars().map(|c| match c {
            '#' => char::from(b'0' + rng.below(10) as u8),
            '@' => char::from(b'A' + rng.below(26) as u8),
            other => other,
        })),
        // Derived generators are computed by the environment, which has the tables.
        Gen::MinOf { .. } | Gen::ArgMin { .. } | Gen::Join { .. } | Gen::Calc(_) => {}
    }
}

/// Computes a derived goal field over the generated tables.
pub fn derive(gen: &Gen, ctx: &Ctx<'_>) -> Option<String> {
    let mut out = String::new();
    derive_into(gen, ctx, &mut out).then_some(out)
}

/// [`derive`], appending to `out`; false (and nothing written) where
/// [`derive`] gives `None`.
pub fn derive_into(gen: &Gen, ctx: &Ctx<'_>, out: &mut String) -> bool {
    match gen {
        Gen::MinOf {
            table,
            column,
            filter,
        }
        | Gen::ArgMin {
            table,
            column,
            filter,
            ..
        } => {
            let Some(t) = ctx.tables.get(*table as usize) else {
                return false;
            };
            let mut best: Option<(f64, u32)> = None;
            for r in 0..t.rows.len() as u32 {
                if !ctx.cond(filter, Some((*table, r))) {
                    continue;
                }
                if let Some(x) = parse_number(ctx.cell(*table, r, *column)) {
                    if best.map(|(b, _)| x < b).unwrap_or(true) {
                        best = Some((x, r));
                    }
                }
            }
            let Some((_, r)) = best else {
                return false;
            };
            let col = match gen {
                Gen::ArgMin { take, .. } => *take,
                _ => *column,
            };
            out.push_str(ctx.cell(*table, r, col));
            true
        }
        Gen::Join {
            table,
            column,
            filter,
        } => {
            let Some(t) = ctx.tables.get(*table as usize) else {
                return false;
            };
            let mut first = true;
            for r in 0..t.rows.len() as u32 {
                if ctx.cond(filter, Some((*table, r))) {
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                    out.push_str(ctx.cell(*table, r, *column));
                }
            }
            true
        }
        Gen::Calc(v) => {
            match ctx.val(v, None) {
                Val::Text(t) => out.push_str(t),
                Val::Num(Some(x)) => write_fixed(out, x),
                Val::Num(None) => {}
            }
            true
        }
        _ => false,
    }
}

/// Generates every table of the site for an episode.
pub fn generate_tables(
    site: &Site,
    rng: &mut Rng,
    goal: &[String],
    goal_map: &[u32],
    out: &mut Vec<TableData>,
) {
    generate_tables_into(
        site,
        rng,
        goal,
        goal_map,
        out,
        &mut Vec::new(),
        &mut Vec::new(),
    );
}

/// [`generate_tables`] into the tables of an earlier episode: their rows
/// go to `spare` (one list per table) and come back, cells cleared, as the
/// new rows of the same table (so that a
/// reset of a site seen before writes into strings that already have room);
/// `used` is scratch for the uniqueness of each column.
pub fn generate_tables_into(
    site: &Site,
    rng: &mut Rng,
    goal: &[String],
    goal_map: &[u32],
    out: &mut Vec<TableData>,
    spare: &mut Vec<Vec<Vec<String>>>,
    used: &mut Vec<Vec<u32>>,
) {
    spare.resize_with(spare.len().max(out.len()), Vec::new);
    for (data, spare) in out.iter_mut().zip(spare.iter_mut()) {
        spare.append(&mut data.rows);
    }
    out.truncate(site.tables.len());
    out.resize_with(site.tables.len(), TableData::default);
    spare.resize_with(spare.len().max(out.len()), Vec::new);
    for ((table, data), spare) in site.tables.iter().zip(out.iter_mut()).zip(spare.iter_mut()) {
        match &table.source {
            TableSource::Static(rows) => {
                for row in rows {
                    let mut cells = spare_row(spare, row.len());
                    for (cell, text) in cells.iter_mut().zip(row) {
                        cell.push_str(text);
                    }
                    data.rows.push(cells);
                }
            }
            TableSource::Generated { groups, shuffle } => {
                used.truncate(table.columns.len());
                used.iter_mut().for_each(Vec::clear);
                used.resize_with(table.columns.len(), Vec::new);
                for ((lo, hi), gens) in groups {
                    let count = rng.range_inclusive(*lo as i64, *hi as i64) as usize;
                    for _ in 0..count {
                        let mut cells = spare_row(spare, gens.len().min(used.len()));
                        for ((g, used), cell) in gens.iter().zip(used.iter_mut()).zip(&mut cells) {
                            generate_into(g, rng, site, goal, Some(goal_map), used, cell);
                        }
                        data.rows.push(cells);
                    }
                }
                if *shuffle {
                    rng.shuffle(&mut data.rows);
                }
            }
        }
    }
}

/// A row of `cells` empty cells: a spare row's, or a new one.
fn spare_row(spare: &mut Vec<Vec<String>>, cells: usize) -> Vec<String> {
    let mut row = spare.pop().unwrap_or_default();
    row.truncate(cells);
    row.iter_mut().for_each(String::clear);
    row.resize_with(cells, String::new);
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_in_each_format() {
        let f = |prefix, suffix, decimals, decimal_mark, thousands| MoneyFormat {
            prefix,
            suffix,
            decimals,
            decimal_mark,
            thousands,
        };
        let mut out = String::new();
        write_money(&mut out, "1234.5", f("USD ", "", 2, '.', Some(',')));
        assert_eq!(out, "USD 1,234.50");
        out.clear();
        write_money(&mut out, "1234567", f("", " $", 2, ',', Some('.')));
        assert_eq!(out, "1.234.567,00 $");
        out.clear();
        write_money(&mut out, "79", f("$", "", 0, '.', None));
        assert_eq!(out, "$79");
        out.clear();
        write_money(&mut out, "-0.5", f("$", "", 2, '.', Some(',')));
        assert_eq!(out, "-$0.50");
        out.clear();
        write_money(&mut out, "n/a", f("$", "", 2, '.', Some(',')));
        assert_eq!(out, "n/a");
    }

    #[test]
    fn exact_decimals_parse_and_write() {
        assert_eq!(parse_fixed("52,340.17"), Some(52_340_170_000));
        assert_eq!(parse_fixed(" -$0.5 "), Some(-500_000));
        assert_eq!(parse_fixed("0.125"), Some(125_000));
        assert_eq!(parse_fixed("5."), Some(5 * FIXED_ONE));
        assert_eq!(parse_fixed(".5"), Some(FIXED_ONE / 2));
        for bad in ["", "$", "1.2.3", "12a", "-", "1,2.3,4"] {
            assert_eq!(parse_fixed(bad), None, "{bad:?}");
        }
        // Every number parse_number reads, parse_fixed reads to the same value.
        for text in ["5", "5.00", "$1,200.50", "-3", "+7.25", "0.1"] {
            let exact = parse_fixed(text).unwrap();
            assert_eq!(exact as f64 / FIXED_ONE as f64, parse_number(text).unwrap());
        }
        let w = |x: Fixed| fixed_to_string(x);
        assert_eq!(w(1250 * FIXED_ONE), "1250");
        assert_eq!(w(1_250_400_000), "1250.40");
        assert_eq!(w(-50_000), "-0.05");
        // Rounded half away from zero, to the cent.
        assert_eq!(w(5_000), "0.01");
        assert_eq!(w(-5_000), "-0.01");
        assert_eq!(w(4_999), "0");
        assert_eq!(round_to_cent(1_234_567), 1_230_000);
    }

    #[test]
    fn computed_numbers_compare_with_text() {
        assert!(val_eq(Val::Num(Some(5 * FIXED_ONE)), Val::Text("5.00")));
        assert!(val_eq(
            Val::Text("$1,200"),
            Val::Num(Some(1200 * FIXED_ONE))
        ));
        assert!(!val_eq(Val::Num(Some(5 * FIXED_ONE)), Val::Text("five")));
        assert!(val_eq(Val::Num(None), Val::Text(" ")));
        assert!(!val_eq(Val::Num(None), Val::Num(Some(0))));
    }

    #[test]
    fn search_ignores_case() {
        assert!(contains_ignoring_case("Classic Crew Tee", "crew tee"));
        assert!(contains_ignoring_case("Classic Crew Tee", "  "));
        assert!(contains_ignoring_case("ÉTÉ Hoodie", "été"));
        assert!(!contains_ignoring_case("Classic Crew Tee", "crew  tee"));
        assert!(!contains_ignoring_case("Tee", "Tees"));
    }

    #[test]
    fn numbers_parse_as_written_on_pages() {
        assert_eq!(parse_number("5"), Some(5.0));
        assert_eq!(parse_number(" $1,200.50 "), Some(1200.5));
        assert_eq!(parse_number("-3"), Some(-3.0));
        assert_eq!(parse_number("12a"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("$"), None);
        assert!(text_eq("5", "5.00"));
        assert!(text_eq(" Boston", "Boston"));
        assert!(!text_eq("Boston", "boston"));
    }
}
