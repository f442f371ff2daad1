//! Browser glue: reading and writing the page's URL query.
//!
//! The query (`?site=airline&task=book-flight&seed=3`) is the shareable state of the play screen.
//! It is read once at start and rewritten in place (no new history entry) whenever the episode
//! changes. Only a relative `?...` URL is written, so the app keeps working below any sub-path.
//! Outside a browser (native builds, tests) reading gives nothing and writing does nothing.

use web_sys::UrlSearchParams;

/// The site, task and seed named in the page's URL, each as written (absent when not there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// `site=`
    pub site: Option<String>,
    /// `task=`
    pub task: Option<String>,
    /// `seed=`
    pub seed: Option<String>,
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
    Query {
        site: params.get("site"),
        task: params.get("task"),
        seed: params.get("seed"),
    }
}

/// Replaces the current history entry's query with this site, task and seed.
pub fn write_query(site: &str, task: &str, seed: u64) {
    if !cfg!(target_arch = "wasm32") {
        return;
    }
    let Ok(params) = UrlSearchParams::new() else {
        return;
    };
    params.append("site", site);
    params.append("task", task);
    params.append("seed", &seed.to_string());
    let url = format!("?{}", String::from(params.to_string()));
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        // A failure here only means the link is not updated; the page itself is fine.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
