//! CSS colours as greyscale luminance.

/// The luminance (0 black to 255 white) of a CSS colour written `#rgb` or
/// `#rrggbb`; anything else (a theme the palette let through, say `red`) is
/// drawn mid-grey, visible on light and dark backgrounds alike.
pub fn luminance(css: &str) -> f32 {
    match rgb(css.trim()) {
        // ITU-R BT.601 weights, as greyscale conversions commonly use.
        Some((r, g, b)) => 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b),
        None => 128.0,
    }
}

fn rgb(css: &str) -> Option<(u8, u8, u8)> {
    let hex = css.strip_prefix('#')?;
    if !hex.is_ascii() {
        return None;
    }
    let digit = |i: usize, len: usize| u8::from_str_radix(hex.get(i..i + len)?, 16).ok();
    match hex.len() {
        3 => Some((digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
        6 => Some((digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_colours_become_luminance() {
        assert_eq!(luminance("#ffffff"), 255.0);
        assert_eq!(luminance("#000"), 0.0);
        assert_eq!(luminance("#fff"), luminance("#ffffff"));
        assert!(luminance("#2459d6") < 128.0);
        assert_eq!(luminance("red"), 128.0);
        assert_eq!(luminance("#12345"), 128.0);
        assert_eq!(luminance("#ééé"), 128.0);
    }
}
