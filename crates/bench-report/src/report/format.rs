//! Numbers as the report writes them: whole numbers with thousands separators, three
//! significant figures, durations in the unit that suits them, ratios, percentages, and a
//! [`Stat`] as `median (min–max)`.

use super::Stat;

/// A whole number with thousands separators.
pub(super) fn int(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// A number with three significant figures at most, or a whole number from 1,000 up.
pub(super) fn num(x: f64) -> String {
    let a = x.abs();
    if a >= 1000.0 {
        int(x)
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// Seconds, in the unit that suits them.
pub(super) fn duration(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.1} ms", seconds * 1e3)
    } else if seconds >= 1e-6 {
        format!("{:.2} µs", seconds * 1e6)
    } else {
        format!("{:.0} ns", seconds * 1e9)
    }
}

/// `median (min–max)` with `f` for each number; the range only when there were several runs.
pub(super) fn spread(stat: Option<Stat>, f: fn(f64) -> String) -> String {
    match stat {
        None => "–".into(),
        Some(s) if s.n == 1 || f(s.min) == f(s.max) => f(s.median),
        Some(s) => format!("{} ({}–{})", f(s.median), f(s.min), f(s.max)),
    }
}

pub(super) fn ratio(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x >= 100.0 {
        format!("{}×", int(x))
    } else {
        format!("{x:.2}×")
    }
}

pub(super) fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

pub(super) fn median(stat: Option<Stat>) -> f64 {
    stat.map_or(f64::NAN, |s| s.median)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_ranges() {
        let s = Stat::of(&[3.0, 1.0, 2.0, 10.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.n), (2.5, 1.0, 10.0, 4));
        assert_eq!(Stat::of(&[f64::NAN]), None);
        assert_eq!(spread(Some(s), int), "3 (1–10)");
        assert_eq!(int(1234567.4), "1,234,567");
        assert_eq!(int(-1234.0), "-1,234");
        assert_eq!(duration(2.04e-6), "2.04 µs");
    }
}
