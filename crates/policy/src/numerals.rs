//! What the oracle and the learned reader share about numbers as pages write
//! them: which mark in `1,234.50`, `1.234,50` or `412,00` is the decimal one.

/// The byte index of the decimal mark in a number token made of digits, `.`
/// and `,` (and spaces), if it has one: the last mark when both kinds appear,
/// else a lone mark unless exactly three digits follow it (`1,234` and `1.234`
/// group thousands; `4.5` and `24,95` have decimals).
pub(crate) fn decimal_mark(token: &str) -> Option<usize> {
    match (token.rfind('.'), token.rfind(',')) {
        (Some(d), Some(c)) => Some(d.max(c)),
        (Some(p), None) | (None, Some(p)) => {
            let mark = token.as_bytes().get(p).copied().unwrap_or(b'.');
            let once = token.bytes().filter(|&c| c == mark).count() == 1;
            let digits_after = token.len() - p - 1;
            (once && digits_after != 3).then_some(p)
        }
        (None, None) => None,
    }
}
