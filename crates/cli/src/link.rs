//! `wobble link`: the address that plays a policy file in the web app. The policy travels in
//! the fragment (`#policy=`), in the form `wobble_policy::learned::link` defines, so a policy
//! trained here plays in anyone's browser from one link, bit for bit as it plays here.

use crate::common::read_input;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use wobble_engine::limits;
use wobble_policy::learned::link::to_link_text;
use wobble_policy::LearnedPolicy;

/// Runs `wobble link --policy FILE --page ADDRESS`.
pub fn link(policy: &Path, page: &str) -> Result<ExitCode, String> {
    let page = page.trim();
    if !(page.starts_with("http://") || page.starts_with("https://")) || page.contains('#') {
        return Err(format!(
            "--page \"{page}\": give the address the app is served at, starting http:// or https:// and without a #fragment"
        ));
    }
    let text = read_input(policy, "policy", limits::MAX_POLICY_BYTES)?;
    let name = policy.display();
    let policy = LearnedPolicy::from_json(&text).map_err(|e| format!("{name}: {e}"))?;
    let link = to_link_text(&policy).map_err(|e| format!("{name}: {e}"))?;
    outln!("{page}#policy={link}");
    Ok(ExitCode::SUCCESS)
}
