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
//! the message: a policy that large is shared as a file instead. The deflating, the base64 and
//! the size cap are [`crate::link_text`]'s, shared with site links.

use super::LearnedPolicy;
pub use crate::link_text::MAX_LINK_CHARS;
use crate::link_text::{pack, unpack};

/// What every policy link text starts with (the `1` is the format's version).
pub const LINK_PREFIX: &str = "wp1.";
/// The most bytes a link's blob may inflate to: far above any policy that fits in a link, and
/// small enough that a hostile link cannot make the page allocate much.
const MAX_INFLATED_BYTES: usize = 4 << 20;

/// The link text for `policy`, or why it is too large for a link.
pub fn to_link_text(policy: &LearnedPolicy) -> Result<String, String> {
    let (json, params) = policy.to_packed();
    let mut blob = Vec::with_capacity(4 + json.len() + params.len());
    blob.extend_from_slice(&(json.len() as u32).to_le_bytes());
    blob.extend_from_slice(json.as_bytes());
    blob.extend_from_slice(&params);
    pack(LINK_PREFIX, &blob).map_err(|chars| {
        format!(
            "this policy takes {chars} characters as a link, more than the {MAX_LINK_CHARS} a link may carry; share its file instead"
        )
    })
}

/// Reads a policy from its link text, checking everything a policy file is checked for.
pub fn from_link_text(text: &str) -> Result<LearnedPolicy, String> {
    let blob = unpack(LINK_PREFIX, "policy", text, MAX_INFLATED_BYTES)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learned::features::FeatureSet;
    use crate::link_text::base64url;

    fn policy(hidden: usize) -> LearnedPolicy {
        let mut p = LearnedPolicy::new(FeatureSet::default(), hidden, 7);
        p.provenance.site = "airline".into();
        p.provenance.task = "book-flight".into();
        p
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
