//! Bytes as text short enough to travel in a link's fragment, and back: one packing for
//! everything Wobble puts in a link (a policy, `#policy=`; a site file, `#site=`).
//!
//! The text is a prefix naming what it holds and the format's version (`wp1.`, `ws1.`), then
//! the URL-safe base64 (no padding) of the raw-deflated bytes. Texts longer than
//! [`MAX_LINK_CHARS`] are refused when made and when read, and a blob never inflates past the
//! caller's limit, so a hostile link cannot make the page allocate much. Every refusal names
//! what is wrong in a sentence that starts "the {what} in the link".
//!
//! [`crate::learned::link`] packs policies this way; [`site_to_link_text`] and
//! [`site_from_link_text`] pack site files.

/// The longest text a link may carry. Browsers accept much longer addresses, but chat tools,
/// mail clients and address bars cut or refuse them well before a megabyte; 64 KiB of text
/// still fits a default-sized policy (about 37 KiB) or the largest shipped site (about 8 KiB)
/// with room to spare.
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// The deflate level: the best compression (what travels is small, so speed does not matter).
const DEFLATE_LEVEL: u8 = 10;

/// What a site link's text starts with (the `1` is the format's version).
pub const SITE_LINK_PREFIX: &str = "ws1.";

/// The text for `bytes` under `prefix`, or its length in characters when that is more than
/// [`MAX_LINK_CHARS`].
pub fn pack(prefix: &str, bytes: &[u8]) -> Result<String, usize> {
    let deflated = miniz_oxide::deflate::compress_to_vec(bytes, DEFLATE_LEVEL);
    let text = format!("{prefix}{}", base64url::encode(&deflated));
    if text.len() > MAX_LINK_CHARS {
        return Err(text.len());
    }
    Ok(text)
}

/// The bytes of a text made by [`pack`] under `prefix`, inflated to at most `max_bytes`; or
/// what is wrong, naming `what` the link holds ("policy", "site").
pub fn unpack(prefix: &str, what: &str, text: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
    let text = text.trim();
    if text.len() > MAX_LINK_CHARS {
        return Err(format!(
            "the {what} in the link is {} characters long, more than the {MAX_LINK_CHARS} a link may carry",
            text.len()
        ));
    }
    let Some(body) = text.strip_prefix(prefix) else {
        let start: String = text.chars().take(8).collect();
        return Err(format!(
            "the {what} in the link does not start with \"{prefix}\" (it starts \"{start}\"): it was not made by Wobble, or it is from another version"
        ));
    };
    let deflated =
        base64url::decode(body, what).map_err(|e| format!("the {what} in the link: {e}"))?;
    miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, max_bytes).map_err(|e| {
        format!("the {what} in the link is damaged (it does not inflate: {e:?}); was the link cut short?")
    })
}

/// The link text of a site file's text, or why it is too large for a link.
pub fn site_to_link_text(site: &str) -> Result<String, String> {
    pack(SITE_LINK_PREFIX, site.as_bytes()).map_err(|chars| {
        format!(
            "this site takes {chars} characters as a link, more than the {MAX_LINK_CHARS} a link may carry; share its file instead"
        )
    })
}

/// A site file's text from its link text (not compiled: the caller compiles it and reports its
/// mistakes with their lines), or what is wrong with the link.
pub fn site_from_link_text(text: &str) -> Result<String, String> {
    let bytes = unpack(
        SITE_LINK_PREFIX,
        "site",
        text,
        wobble_engine::limits::MAX_SITE_BYTES,
    )?;
    if bytes.is_empty() {
        return Err("the site in the link is empty".into());
    }
    String::from_utf8(bytes)
        .map_err(|_| "the site in the link is damaged: it is not text".to_string())
}

/// URL-safe base64 without padding (RFC 4648 §5), the alphabet a URL fragment keeps as is.
pub(crate) mod base64url {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// The text of `bytes`.
    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                // Six bits index the 64 letters: `get` never misses.
                let six = (n >> (18 - 6 * i) & 63) as usize;
                out.extend(ALPHABET.get(six).map(|b| *b as char));
            }
        }
        out
    }

    /// The bytes of `text`, or where it is not base64 (`what`: the kind of link, for the
    /// message).
    pub fn decode(text: &str, what: &str) -> Result<Vec<u8>, String> {
        if text.len() % 4 == 1 {
            return Err(format!(
                "{} characters cannot be base64 (the link may have been cut short)",
                text.len()
            ));
        }
        let mut out = Vec::with_capacity(text.len() * 3 / 4);
        let (mut n, mut bits) = (0u32, 0u32);
        for (i, c) in text.bytes().enumerate() {
            let Some(value) = ALPHABET.iter().position(|a| *a == c) else {
                return Err(format!(
                    "character {} ({:?}) is not one a {what} link uses",
                    i + 1,
                    c as char
                ));
            };
            n = n << 6 | value as u32;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((n >> bits) as u8);
                n &= (1 << bits) - 1;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wobble_engine::builtin::SITE_FILES;

    #[test]
    fn base64_round_trips_every_length() {
        for len in 0..70usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = base64url::encode(&bytes);
            assert_eq!(text.len(), (len * 4).div_ceil(3));
            assert_eq!(
                base64url::decode(&text, "policy").unwrap(),
                bytes,
                "length {len}"
            );
        }
        assert_eq!(base64url::encode(b"Man"), "TWFu");
        assert_eq!(base64url::encode(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn every_shipped_site_comes_back_from_its_link_unchanged() {
        for (name, _, text) in SITE_FILES {
            let link = site_to_link_text(text).unwrap();
            assert!(link.starts_with(SITE_LINK_PREFIX));
            assert!(link.len() < 10_000, "{name}: {} characters", link.len());
            assert_eq!(site_from_link_text(&link).unwrap(), *text, "{name}");
        }
    }

    #[test]
    fn a_site_too_large_for_a_link_is_refused_with_its_size() {
        // Text that does not compress: a pseudo-random comment.
        let mut x = 1u64;
        let noise: String = (0..80_000)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                char::from(b'a' + (x >> 59) as u8 % 26)
            })
            .collect();
        let e = site_to_link_text(&format!("// {noise}\n()")).unwrap_err();
        assert!(e.contains("share its file instead"), "{e}");
        assert!(e.contains("more than the 65536"), "{e}");
    }

    #[test]
    fn damaged_site_links_say_what_is_wrong() {
        let link = site_to_link_text(SITE_FILES[0].2).unwrap();
        let empty = pack(SITE_LINK_PREFIX, b"").unwrap();
        let binary = pack(SITE_LINK_PREFIX, &[0xff, 0xfe, 0x00]).unwrap();
        let cases = [
            ("wp1.abc", "does not start with \"ws1.\""),
            (
                "ws1.abc$def",
                "character 4 ('$') is not one a site link uses",
            ),
            (&link[..link.len() / 2], "cut short"),
            (&empty, "the site in the link is empty"),
            (&binary, "it is not text"),
        ];
        for (input, expected) in cases {
            let e = site_from_link_text(input).unwrap_err();
            assert!(e.starts_with("the site in the link"), "{e}");
            assert!(e.contains(expected), "{input:.20}: {e}");
        }
    }

    #[test]
    fn a_blob_never_inflates_past_the_limit() {
        let text = pack(SITE_LINK_PREFIX, &vec![b' '; 4096]).unwrap();
        assert!(unpack(SITE_LINK_PREFIX, "site", &text, 4096).is_ok());
        let e = unpack(SITE_LINK_PREFIX, "site", &text, 1000).unwrap_err();
        assert!(e.contains("damaged"), "{e}");
    }
}
