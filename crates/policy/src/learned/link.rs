//! A policy as text short enough to travel in a link, and back.
//!
//! The page shares a trained or uploaded policy as `#policy=TEXT` (in the fragment, so the
//! policy never reaches the server that hosts the page) and `wobble link` prints the same text
//! for a policy file. The text is [`LINK_PREFIX`] followed by the URL-safe base64 (no padding)
//! of a raw-deflated blob: the length of the packed JSON as a little-endian `u32`, the JSON
//! (the policy with an empty `net.params`, see [`LearnedPolicy::to_packed`]), then the
//! parameters as little-endian `f32`s. The parameters are the same bits as the file's, so a
//! policy from a link plays exactly as the file does.
//!
//! Links longer than [`MAX_LINK_CHARS`] are refused when made, and when read, with the sizes in
//! the message: a policy that large is shared as a file instead.

use super::LearnedPolicy;

/// What every policy link text starts with (the `1` is the format's version).
pub const LINK_PREFIX: &str = "wp1.";
/// The longest policy text a link may carry. Browsers accept much longer addresses, but chat
/// tools, mail clients and address bars cut or refuse them well before a megabyte; 64 KiB of
/// text still fits a default-sized policy (about 37 KiB) with room to spare.
pub const MAX_LINK_CHARS: usize = 64 * 1024;
/// The most bytes a link's blob may inflate to: far above any policy that fits in a link, and
/// small enough that a hostile link cannot make the page allocate much.
const MAX_INFLATED_BYTES: usize = 4 << 20;
/// The deflate level: the best compression (policies are small, so speed does not matter).
const DEFLATE_LEVEL: u8 = 10;

/// The link text for `policy`, or why it is too large for a link.
pub fn to_link_text(policy: &LearnedPolicy) -> Result<String, String> {
    let (json, params) = policy.to_packed();
    let mut blob = Vec::with_capacity(4 + json.len() + params.len());
    blob.extend_from_slice(&(json.len() as u32).to_le_bytes());
    blob.extend_from_slice(json.as_bytes());
    blob.extend_from_slice(&params);
    let deflated = miniz_oxide::deflate::compress_to_vec(&blob, DEFLATE_LEVEL);
    let text = format!("{LINK_PREFIX}{}", base64url::encode(&deflated));
    if text.len() > MAX_LINK_CHARS {
        return Err(format!(
            "this policy takes {} characters as a link, more than the {MAX_LINK_CHARS} a link may carry; share its file instead",
            text.len()
        ));
    }
    Ok(text)
}

/// Reads a policy from its link text, checking everything a policy file is checked for.
pub fn from_link_text(text: &str) -> Result<LearnedPolicy, String> {
    let text = text.trim();
    if text.len() > MAX_LINK_CHARS {
        return Err(format!(
            "the policy in the link is {} characters long, more than the {MAX_LINK_CHARS} a link may carry",
            text.len()
        ));
    }
    let Some(body) = text.strip_prefix(LINK_PREFIX) else {
        let start: String = text.chars().take(8).collect();
        return Err(format!(
            "the policy in the link does not start with \"{LINK_PREFIX}\" (it starts \"{start}\"): it was not made by Wobble, or it is from another version"
        ));
    };
    let deflated = base64url::decode(body).map_err(|e| format!("the policy in the link: {e}"))?;
    let blob = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_INFLATED_BYTES)
        .map_err(|e| {
            format!("the policy in the link is damaged (it does not inflate: {e:?}); was the link cut short?")
        })?;
    let Some((length, rest)) = blob.split_first_chunk::<4>() else {
        return Err("the policy in the link is empty".into());
    };
    let length = u32::from_le_bytes(*length) as usize;
    if length > rest.len() {
        return Err(format!(
            "the policy in the link is damaged: it announces {length} bytes of description but holds {}",
            rest.len()
        ));
    }
    let (json, params) = rest.split_at(length);
    let json = std::str::from_utf8(json).map_err(|_| {
        "the policy in the link is damaged: its description is not text".to_string()
    })?;
    LearnedPolicy::from_packed(json, params).map_err(|e| format!("the policy in the link: {e}"))
}

/// URL-safe base64 without padding (RFC 4648 §5), the alphabet a URL fragment keeps as is.
mod base64url {
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

    /// The bytes of `text`, or where it is not base64.
    pub fn decode(text: &str) -> Result<Vec<u8>, String> {
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
                    "character {} ({:?}) is not one a policy link uses",
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
    use crate::learned::features::FeatureSet;

    fn policy(hidden: usize) -> LearnedPolicy {
        let mut p = LearnedPolicy::new(FeatureSet::default(), hidden, 7);
        p.provenance.site = "airline".into();
        p.provenance.task = "book-flight".into();
        p
    }

    #[test]
    fn base64_round_trips_every_length() {
        for len in 0..70usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = base64url::encode(&bytes);
            assert_eq!(text.len(), (len * 4).div_ceil(3));
            assert_eq!(base64url::decode(&text).unwrap(), bytes, "length {len}");
        }
        assert_eq!(base64url::encode(b"Man"), "TWFu");
        assert_eq!(base64url::encode(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn a_policy_comes_back_from_its_link_with_the_same_bits() {
        let p = policy(16);
        let text = to_link_text(&p).unwrap();
        assert!(text.starts_with(LINK_PREFIX));
        let back = from_link_text(&text).unwrap();
        assert_eq!(back.to_json(), p.to_json());
    }

    #[test]
    fn a_policy_too_large_for_a_link_is_refused_with_its_size() {
        let e = to_link_text(&policy(1024)).unwrap_err();
        assert!(e.contains("share its file instead"), "{e}");
        let long = format!("{LINK_PREFIX}{}", "A".repeat(MAX_LINK_CHARS));
        assert!(from_link_text(&long).unwrap_err().contains("more than"));
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        let text = to_link_text(&policy(8)).unwrap();
        let cases = [
            ("https://example.com/", "does not start with"),
            ("wp1.abc$def", "character 4 ('$')"),
            (&text[..text.len() / 2], "cut short"),
            ("wp1.", "damaged"),
        ];
        for (input, expected) in cases {
            let e = from_link_text(input).unwrap_err();
            assert!(e.contains(expected), "{input:.20}: {e}");
        }
        // A well-formed blob whose description is not a policy.
        let mut blob = 2u32.to_le_bytes().to_vec();
        blob.extend_from_slice(b"{}");
        let text = format!(
            "{LINK_PREFIX}{}",
            base64url::encode(&miniz_oxide::deflate::compress_to_vec(&blob, 6))
        );
        let e = from_link_text(&text).unwrap_err();
        assert!(e.starts_with("the policy in the link: "), "{e}");
    }
}
