//! Size limits on the files people hand to Wobble: site files, episode files and policy files.
//!
//! Every reader checks the size before parsing, so an oversized file is refused with a message
//! that names the limit instead of exhausting memory (a browser tab has little). The CLI checks
//! a file's length before reading it; the web app checks a picked file's size before reading
//! it; the parsers check the text again, so the JavaScript module and any other caller get the
//! same refusal. The limits are far above what Wobble writes: the shipped sites are under
//! 30 KB, a policy about 85 KB, a long episode a few hundred KB.

/// The largest site file accepted (1 MiB).
pub const MAX_SITE_BYTES: usize = 1 << 20;
/// The largest episode file accepted (8 MiB).
pub const MAX_EPISODE_BYTES: usize = 8 << 20;
/// The largest policy file accepted (8 MiB).
pub const MAX_POLICY_BYTES: usize = 8 << 20;

/// Refuses `bytes` over `limit`, naming `what` ("site", "episode", "policy") and both sizes.
pub fn check_size(what: &str, bytes: u64, limit: usize) -> Result<(), String> {
    if bytes > limit as u64 {
        return Err(format!(
            "the {what} file is {}; {what} files over {} are refused",
            human_bytes(bytes),
            human_bytes(limit as u64)
        ));
    }
    Ok(())
}

/// A byte count for people: `512 bytes`, `12.5 KiB`, `8 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = "KiB";
    for next in ["MiB", "GiB", "TiB"] {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    if value.fract() == 0.0 {
        format!("{value} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_bytes(512), "512 bytes");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(8 << 20), "8 MiB");
        // 2^64 bytes are 2^24 TiB.
        assert_eq!(human_bytes(u64::MAX), "16777216 TiB");
    }

    #[test]
    fn a_file_at_the_limit_passes_and_one_byte_more_is_refused() {
        assert!(check_size("policy", MAX_POLICY_BYTES as u64, MAX_POLICY_BYTES).is_ok());
        let e = check_size("policy", MAX_POLICY_BYTES as u64 + 1, MAX_POLICY_BYTES).unwrap_err();
        assert_eq!(
            e,
            "the policy file is 8.0 MiB; policy files over 8 MiB are refused"
        );
    }
}
