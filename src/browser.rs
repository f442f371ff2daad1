//! Browser glue: reading and writing the page's URL query.
//!
//! The query (`?site=airline&task=book-flight&seed=3&perturb=move:1,relabel:2&policy=airline&speed=fast`)
//! is the shareable state of the play screen. `policy` is written unless nobody drives the site,
//! `speed` unless it is normal, `lesson` (the step shown, from 1) while the lessons are open. It
//! is read once at start and rewritten in place (no new history entry) whenever the episode, the
//! perturbations or the lesson step change. `perturb` is written only when some
//! perturbation is on, in the engine's canonical form, with its `:` and `,` left readable. Only a
//! relative `?...` URL is written, so the app keeps working below any sub-path. Outside a browser
//! (native builds, tests) reading gives nothing and writing does nothing.

use crate::player::{PolicyChoice, Speed};
use crate::session::Selection;
use web_sys::UrlSearchParams;

/// The site, task, seed and perturbations named in the page's URL, each as written (absent when
/// not there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// `site=`
    pub site: Option<String>,
    /// `task=`
    pub task: Option<String>,
    /// `seed=`
    pub seed: Option<String>,
    /// `perturb=`
    pub perturb: Option<String>,
    /// `policy=`
    pub policy: Option<String>,
    /// `speed=`
    pub speed: Option<String>,
    /// `lesson=`
    pub lesson: Option<String>,
    /// `presenter=`: `1` for presenter mode.
    pub presenter: Option<String>,
    /// `fault=`: `page` or `worker` make that part fail on purpose (for the reliability tests).
    pub fault: Option<String>,
    /// `#policy=` in the fragment: a policy's link text (kept out of the query, so that it
    /// never reaches the server).
    pub policy_link: Option<String>,
    /// `#site=` in the fragment: a site file's link text (out of the query, like a policy).
    pub site_link: Option<String>,
    /// The site editor's text from this browser's last visit (local storage, not the link).
    pub draft: Option<String>,
}

/// The local storage key of the site editor's text.
pub const DRAFT_KEY: &str = "wobble.site-draft.v1";

/// Everything the link keeps: the episode, who plays it and how fast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The episode.
    pub selection: Selection,
    /// Who drives the site.
    pub policy: PolicyChoice,
    /// How fast.
    pub speed: Speed,
    /// The lesson step shown (from 1), if the lessons are open.
    pub lesson: Option<usize>,
    /// Presenter mode: a larger site and counters, without the side panels.
    pub presenter: bool,
}

/// Reads the current page's query.
pub fn read_query() -> Query {
    if !cfg!(target_arch = "wasm32") {
        return Query::default();
    }
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else {
        return Query::default();
    };
    let Ok(params) = UrlSearchParams::new_with_str(&search) else {
        return Query::default();
    };
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Query {
        site: params.get("site"),
        task: params.get("task"),
        seed: params.get("seed"),
        perturb: params.get("perturb"),
        policy: params.get("policy"),
        speed: params.get("speed"),
        lesson: params.get("lesson"),
        presenter: params.get("presenter"),
        fault: params.get("fault"),
        policy_link: fragment_part(&hash, "policy"),
        site_link: fragment_part(&hash, "site"),
        draft: read_draft(),
    }
}

/// The `NAME=` part of a URL fragment (`#policy=TEXT`, `#site=TEXT`, possibly among other
/// `&`-separated parts), if there is one.
pub fn fragment_part(hash: &str, name: &str) -> Option<String> {
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
        .map(str::to_string)
}

/// The site editor's text kept in local storage, if any.
fn read_draft() -> Option<String> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(DRAFT_KEY).ok()?.filter(|t| !t.is_empty())
}

/// Keeps the site editor's text in local storage (a browser that refuses keeps it in the page
/// only, which is all it can do).
pub fn write_draft(text: &str) {
    if !cfg!(target_arch = "wasm32") || text.is_empty() {
        return;
    }
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(DRAFT_KEY, text);
    }
}

/// The address of this page that plays a policy: its link text in the fragment.
pub fn policy_address(text: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let origin = location.origin().ok()?;
    let path = location.pathname().ok()?;
    Some(format!("{origin}{path}#policy={text}"))
}

/// The address of this page, with its current query, that opens a site: its link text in the
/// fragment.
pub fn site_address(text: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let origin = location.origin().ok()?;
    let path = location.pathname().ok()?;
    let search = location.search().ok()?;
    Some(format!("{origin}{path}{search}#site={text}"))
}

/// Replaces the current history entry's query with this link's.
pub fn write_query(link: &Link) {
    if !cfg!(target_arch = "wasm32") {
        return;
    }
    let mut url = query_text(&link.selection);
    url.push_str(&policy_part(link.policy));
    if link.speed != Speed::Normal {
        url.push_str("&speed=");
        url.push_str(link.speed.name());
    }
    if let Some(step) = link.lesson {
        url.push_str(&format!("&lesson={step}"));
    }
    if link.presenter {
        url.push_str("&presenter=1");
    }
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        // A failure here only means the link is not updated; the page itself is fine.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// `&policy=NAME` for a policy the query can name. A saved policy lives in this browser's
/// library, not in the query: the query says nobody (a link may carry it in its fragment).
fn policy_part(policy: PolicyChoice) -> String {
    if policy == PolicyChoice::None || policy == PolicyChoice::Saved {
        String::new()
    } else {
        format!("&policy={}", policy.name())
    }
}

/// The relative link that opens `selection` played by `policy`: its query, then in the fragment
/// the link text of the site opened from a file (`#site=`) and of a saved policy (`#policy=`),
/// when they are given.
pub fn play_link(
    selection: &Selection,
    policy: PolicyChoice,
    site_text: Option<&str>,
    policy_text: Option<&str>,
) -> String {
    let mut link = query_text(selection);
    link.push_str(&policy_part(policy));
    let fragment: Vec<String> = [("site", site_text), ("policy", policy_text)]
        .into_iter()
        .filter_map(|(name, text)| Some(format!("{name}={}", text?)))
        .collect();
    if !fragment.is_empty() {
        link.push('#');
        link.push_str(&fragment.join("&"));
    }
    link
}

/// This page's address with `link` (from [`play_link`]) in place of its query and fragment.
pub fn page_address(link: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let origin = location.origin().ok()?;
    let path = location.pathname().ok()?;
    Some(format!("{origin}{path}{link}"))
}

/// The query for a selection, starting with `?`.
fn query_text(selection: &Selection) -> String {
    let mut text = format!(
        "?site={}&task={}&seed={}",
        encode(&selection.site),
        encode(&selection.task),
        selection.seed
    );
    if !selection.perturb.is_empty() {
        text.push_str("&perturb=");
        text.push_str(&encode(&selection.perturb.to_string()));
    }
    text
}

/// Percent-encodes a query value, leaving letters, digits and `-._~:,` as they are (all of them
/// are allowed in a query and read back unchanged).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:,".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_is_read_from_the_fragment_only_under_its_name() {
        let policy = |hash| fragment_part(hash, "policy");
        assert_eq!(policy("#policy=wp1.abc").as_deref(), Some("wp1.abc"));
        assert_eq!(policy("#x=1&policy=wp1.a-_").as_deref(), Some("wp1.a-_"));
        assert_eq!(policy("#wobble-site"), None);
        assert_eq!(policy(""), None);
        assert_eq!(policy("#policyx=1"), None);
    }

    #[test]
    fn a_site_is_read_from_its_own_part_of_the_fragment() {
        let hash = "#site=ws1.abc&policy=wp1.xyz";
        assert_eq!(fragment_part(hash, "site").as_deref(), Some("ws1.abc"));
        assert_eq!(fragment_part(hash, "policy").as_deref(), Some("wp1.xyz"));
        assert_eq!(fragment_part("#wobble-site", "site"), None);
    }

    #[test]
    fn the_query_keeps_specs_readable_and_escapes_the_rest() {
        let mut selection = Selection {
            site: "airline".into(),
            task: "book flight&more".into(),
            seed: 3,
            perturb: "relabel:2,move".parse().unwrap(),
        };
        assert_eq!(
            query_text(&selection),
            "?site=airline&task=book%20flight%26more&seed=3&perturb=move:2,relabel:2"
        );
        selection.perturb = Default::default();
        assert_eq!(
            query_text(&selection),
            "?site=airline&task=book%20flight%26more&seed=3"
        );
    }

    #[test]
    fn a_play_link_names_the_policy_and_carries_what_the_query_cannot() {
        let selection = Selection {
            site: "airline".into(),
            task: "book-flight".into(),
            seed: 1,
            perturb: "relabel:2".parse().unwrap(),
        };
        assert_eq!(
            play_link(&selection, PolicyChoice::Airline, None, None),
            "?site=airline&task=book-flight&seed=1&perturb=relabel:2&policy=airline"
        );
        assert_eq!(
            play_link(
                &selection,
                PolicyChoice::Saved,
                Some("ws1.s"),
                Some("wp1.p")
            ),
            "?site=airline&task=book-flight&seed=1&perturb=relabel:2#site=ws1.s&policy=wp1.p"
        );
        assert_eq!(
            play_link(&selection, PolicyChoice::Random, None, Some("wp1.p")),
            "?site=airline&task=book-flight&seed=1&perturb=relabel:2&policy=random#policy=wp1.p"
        );
    }
}
