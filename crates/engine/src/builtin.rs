//! The sites that ship with Wobble, embedded into every build so the web app
//! fetches nothing and the command line needs no files.

use crate::catalog::OpenError;
use crate::compile::{load_site, Site, SiteError};
use std::sync::Arc;

macro_rules! site_files {
    ($($name:literal),* $(,)?) => {
        /// (name, path, RON text) of every shipped site, in presentation order.
        pub const SITE_FILES: &[(&str, &str, &str)] = &[
            $(($name, concat!("sites/", $name, ".ron"), include_str!(concat!("../../../sites/", $name, ".ron")))),*
        ];
    };
}

site_files!(
    "click-button",
    "enter-text",
    "login-user",
    "choose-list",
    "click-checkboxes",
    "choose-date",
    "airline",
    "bank",
    "aurora",
    "tax",
    "shop",
    "inbox",
    "coding",
);

/// Names of the shipped sites.
pub fn site_names() -> impl Iterator<Item = &'static str> {
    SITE_FILES.iter().map(|(n, _, _)| *n)
}

/// Loads a shipped site by name; a name no shipped site has is
/// [`OpenError::UnknownSite`], which lists the names.
pub fn load_shipped(name: &str) -> Result<Arc<Site>, OpenError> {
    let (_, path, text) = SITE_FILES
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| OpenError::UnknownSite(name.to_string()))?;
    load_site(path, text).map(Arc::new).map_err(OpenError::Site)
}

/// [`load_shipped`], its error in words.
pub fn load_builtin(name: &str) -> Result<Arc<Site>, String> {
    load_shipped(name).map_err(|e| e.to_string())
}

/// Loads every shipped site.
pub fn load_all() -> Result<Vec<Arc<Site>>, SiteError> {
    SITE_FILES
        .iter()
        .map(|(_, path, text)| load_site(path, text).map(Arc::new))
        .collect()
}
