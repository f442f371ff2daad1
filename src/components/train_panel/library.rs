//! The saved-policy library: policies kept in the browser's local storage, listed with play
//! (the page's agent plays it, on its site), download, sweep and delete, and policy files
//! uploaded back.
//!
//! Each policy is stored under its own key ([`STORAGE_PREFIX`] and a number), so one unreadable
//! entry never costs the others: [`load_saved`] reads them all when the panel opens and reports
//! what it cannot read. A trained or uploaded policy goes through [`store`], which keeps it for
//! the visit even when the browser refuses it; the list reads the [`Board`]'s `saved`, and each
//! change is a [`Change::Add`] or [`Change::Remove`].

use std::rc::Rc;

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use wobble_app::agent::SiteFile;
use wobble_policy::LearnedPolicy;
use yew::prelude::*;

use super::board::{Board, Change, Status};
use crate::components::agent_panel::Listed;
use crate::components::worker_link::WorkerLink;

/// Prefix of the local-storage keys of saved policies; the number is the entry format's version.
pub const STORAGE_PREFIX: &str = "wobble.policy.v1.";

/// A saved policy, as kept in local storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    /// Its storage key (not stored in the value).
    #[serde(skip)]
    pub key: String,
    /// What to call it.
    pub name: String,
    /// Trained with randomized perturbations.
    pub randomized: bool,
    /// The policy file's JSON.
    pub policy: String,
}

impl Saved {
    /// "site/task" of the policy, from its provenance.
    fn target(&self) -> String {
        LearnedPolicy::from_json(&self.policy)
            .map(|p| format!("{}/{}", p.provenance.site, p.provenance.task))
            .unwrap_or_default()
    }
}

/// A saved policy as the Policy menu lists it.
pub(super) fn listed(saved: &Saved) -> Listed {
    Listed {
        shown: format!("{} · {}", saved.target(), saved.name),
        name: saved.name.clone(),
        json: saved.policy.as_str().into(),
    }
}

/// Reads every saved policy; an entry that cannot be read is reported and left alone.
pub(super) fn load_saved() -> (Vec<Saved>, Vec<String>) {
    let mut saved = Vec::new();
    let mut notices = Vec::new();
    let storage = LocalStorage::raw();
    let count = storage.length().unwrap_or(0);
    let mut keys: Vec<String> = (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(STORAGE_PREFIX))
        .collect();
    keys.sort();
    for key in keys {
        let text = storage.get_item(&key).ok().flatten().unwrap_or_default();
        let entry = serde_json::from_str::<Saved>(&text)
            .map_err(|e| e.to_string())
            .and_then(|s| LearnedPolicy::from_json(&s.policy).map(|_| s));
        match entry {
            Ok(mut s) => {
                s.key = key;
                saved.push(s);
            }
            Err(e) => notices.push(format!(
                "A saved policy in this browser (\"{key}\") cannot be read and is not listed: {e}."
            )),
        }
    }
    (saved, notices)
}

/// The key prefix of a policy kept in memory only, because the browser would not store it.
const UNSAVED_PREFIX: &str = "wobble.unsaved.";

/// Saves a policy under a new key; returns it with its key. When the browser refuses (its
/// storage is full, or storage is off), the policy is still returned, under an unsaved key, with
/// what to tell the person: the work is kept for this visit and can be downloaded.
pub(super) fn store(mut saved: Saved) -> (Saved, Option<String>) {
    let mut n = js_sys::Date::now() as u64;
    let storage = LocalStorage::raw();
    while storage
        .get_item(&format!("{STORAGE_PREFIX}{n}"))
        .ok()
        .flatten()
        .is_some()
    {
        n += 1;
    }
    saved.key = format!("{STORAGE_PREFIX}{n}");
    match LocalStorage::set(&saved.key, &saved) {
        Ok(()) => (saved, None),
        Err(e) => {
            saved.key = format!("{UNSAVED_PREFIX}{n}");
            let why = if format!("{e}").contains("Quota") {
                "this browser's storage for the page is full".to_string()
            } else {
                format!("this browser would not store it ({e})")
            };
            let message = format!(
                "The policy \"{}\" was not saved: {why}. It is kept until the page is closed; \
                 download it to keep it, or delete a saved policy to make room.",
                saved.name
            );
            (saved, Some(message))
        }
    }
}

/// The address that plays a saved policy (its JSON), copied to the clipboard when the browser
/// allows it; or why the policy cannot travel in a link.
fn share(json: &str) -> Result<String, String> {
    let policy = LearnedPolicy::from_json(json)?;
    let text = wobble_policy::learned::link::to_link_text(&policy)?;
    let address = crate::browser::policy_address(&text).ok_or("the page has no address")?;
    if let Some(window) = web_sys::window() {
        // A refusal (no permission, an insecure page) leaves the shown link to copy by hand.
        let _ = window.navigator().clipboard().write_text(&address);
    }
    Ok(address)
}

/// The policy the page's link carried (its name and JSON, as the session read it), kept in the
/// library unless it is there already; with what to tell the person when it cannot be kept.
pub(super) fn keep_linked(
    saved: &mut Vec<Saved>,
    (name, json): &(String, Rc<str>),
) -> Option<String> {
    if saved.iter().any(|s| *s.policy == **json) {
        return None;
    }
    let (kept, problem) = store(Saved {
        key: String::new(),
        name: name.clone(),
        randomized: false,
        policy: json.to_string(),
    });
    saved.push(kept);
    problem
}

/// A file name for a saved policy.
fn file_name(saved: &Saved) -> String {
    let slug: String = saved
        .target()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("wobble-policy-{slug}.json")
}

/// The saved policies, each with download, sweep and delete.
pub(super) fn saved_list(
    board: &UseReducerHandle<Board>,
    bridge: &WorkerLink,
    site_file: &Option<Rc<SiteFile>>,
    onplay: &Callback<(String, Rc<str>)>,
) -> Html {
    if board.saved.is_empty() {
        return html! { <p class="hint" id="wobble-policies-empty">{"No saved policies yet."}</p> };
    }
    // The worker does one job at a time: a sweep would end the training.
    let busy = matches!(board.status, Status::Running | Status::Paused);
    html! {
        <div class="saved">
            <h3 class="saved-title">{"Saved policies"}</h3>
            <ul class="saved-list" id="wobble-policies">
                { for board.saved.iter().rev().map(|s| {
                    let ondownload = {
                        let board = board.dispatcher();
                        let s = s.clone();
                        Callback::from(move |_: MouseEvent| {
                            if let Err(e) = crate::dom::download(&file_name(&s), "application/json", &s.policy) {
                                board.dispatch(Change::Fail(format!("The policy could not be downloaded: {e}.")));
                            }
                        })
                    };
                    let onsweep = {
                        let board = board.dispatcher();
                        let bridge = bridge.clone();
                        let s = s.clone();
                        let site_file = site_file.clone();
                        Callback::from(move |_: MouseEvent| {
                            bridge.send(super::evaluation::sweep(
                                s.policy.clone(),
                                s.name.clone(),
                                site_file.as_deref(),
                            ));
                            board.dispatch(Change::SweepStarted);
                        })
                    };
                    let onplay = {
                        let (name, json): (String, Rc<str>) = (s.name.clone(), s.policy.as_str().into());
                        onplay.reform(move |_: MouseEvent| (name.clone(), json.clone()))
                    };
                    let onlink = {
                        let board = board.dispatcher();
                        let s = s.clone();
                        Callback::from(move |_: MouseEvent| match share(&s.policy) {
                            Ok(address) => board.dispatch(Change::Share(Some((s.key.clone(), address)))),
                            Err(e) => board.dispatch(Change::Fail(format!("\"{}\" cannot travel in a link: {e}.", s.name))),
                        })
                    };
                    let shown = board.shared.as_ref().filter(|(key, _)| *key == s.key).map(|(_, address)| address.clone());
                    let ondelete = {
                        let board = board.dispatcher();
                        let key = s.key.clone();
                        Callback::from(move |_: MouseEvent| {
                            LocalStorage::delete(&key);
                            board.dispatch(Change::Remove(key.clone()));
                        })
                    };
                    html! {
                        <li class="saved-item" data-key={s.key.clone()}>
                            <span class="saved-name"><strong>{ s.target() }</strong>{ " · " }{ s.name.clone() }
                                if s.key.starts_with(UNSAVED_PREFIX) {
                                    <span class="saved-unsaved" title="The browser would not store it: download it to keep it">{" · not saved"}</span>
                                }
                            </span>
                            <span class="saved-buttons">
                                <button type="button" class="button button-small button-play" title="The agent plays it on its site, in the page" onclick={onplay}>{"Play"}</button>
                                <button type="button" class="button button-small" onclick={ondownload}>{"Download"}</button>
                                <button type="button" class="button button-small button-link" title="A link that plays this policy in the page (copied to the clipboard)" onclick={onlink}>{"Link"}</button>
                                <button type="button" class="button button-small" disabled={busy} title="Success under every perturbation (after training)" onclick={onsweep}>{"Sweep"}</button>
                                <button type="button" class="button button-small" onclick={ondelete}>{"Delete"}</button>
                            </span>
                            if let Some(address) = shown {
                                <label class="saved-link">
                                    <span class="hint">{ format!("Link that plays it ({} characters; copied if the browser allowed it):", address.len()) }</span>
                                    <input type="text" class="text-input" id="wobble-policy-link" readonly=true value={address} />
                                </label>
                            }
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

/// The button that reads a policy file into the library.
pub(super) fn upload_button(board: &UseReducerHandle<Board>) -> Html {
    let onupload = {
        let board = board.dispatcher();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let board = board.clone();
            let name = file.name();
            if let Err(e) = wobble_engine::limits::check_size(
                "policy",
                file.size() as u64,
                wobble_engine::limits::MAX_POLICY_BYTES,
            ) {
                board.dispatch(Change::Fail(format!("\"{name}\" was not read: {e}.")));
                return;
            }
            let file = gloo_file::File::from(file);
            wasm_bindgen_futures::spawn_local(async move {
                let text = match gloo_file::futures::read_as_text(&file).await {
                    Ok(t) => t,
                    Err(e) => {
                        board.dispatch(Change::Fail(format!("\"{name}\" could not be read: {e}.")));
                        return;
                    }
                };
                match LearnedPolicy::from_json(&text) {
                    Ok(_) => {
                        let saved = Saved {
                            key: String::new(),
                            name: format!("uploaded · {name}"),
                            randomized: false,
                            policy: text,
                        };
                        let (kept, problem) = store(saved);
                        board.dispatch(Change::DismissError);
                        board.dispatch(Change::Add(kept));
                        if let Some(message) = problem {
                            board.dispatch(Change::Fail(message));
                        }
                    }
                    Err(e) => board.dispatch(Change::Fail(format!(
                        "\"{name}\" is not a usable policy: {e}."
                    ))),
                }
            });
        })
    };
    html! {
        <label class="button button-small train-upload">
            {"Upload a policy file…"}
            <input type="file" id="wobble-policy-upload" accept=".json,application/json" onchange={onupload} />
        </label>
    }
}
