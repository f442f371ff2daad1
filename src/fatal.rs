//! What the page shows when the app itself fails: a panic anywhere in the page's wasm ends the
//! app (wasm cannot unwind, and what follows would run on broken state), so instead of a frozen
//! tab the panic hook puts a plain message over the page, built directly in the DOM (Yew may be
//! the part that broke), with the panic's text and a Reload link. The link keeps the page's URL,
//! hence its site, seed, perturbations and policy; saved policies live in local storage and are
//! kept. The text is set as text, never parsed as HTML.
//!
//! The link `fault=page` makes the app panic on purpose once it has drawn (fault injection for
//! the reliability tests).

/// Installs the page's panic hook (the console gets the message too), through Yew, which
/// otherwise installs its own when the app is rendered.
pub fn install_panic_hook() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

/// Puts the failure notice over the page; does nothing if there is no document.
fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    if document.get_element_by_id("wobble-fatal").is_some() {
        // The first failure is the one to read; later ones follow from it.
        return;
    }
    let element = |tag: &str, class: &str, text: &str| {
        let e = document.create_element(tag).ok()?;
        e.set_class_name(class);
        e.set_text_content(Some(text));
        Some(e)
    };
    let Some(panel) = element("div", "fatal", "") else {
        return;
    };
    panel.set_id("wobble-fatal");
    let _ = panel.set_attribute("role", "alert");
    let parts = [
        element("h2", "fatal-title", "Wobble stopped"),
        element(
            "p",
            "fatal-text",
            "Something went wrong inside the app, so it stopped rather than carry on with broken \
             state. Your saved policies are kept in this browser, and reloading opens the same \
             site, seed and settings.",
        ),
        element("pre", "fatal-message", message),
        element("a", "button button-primary fatal-reload", "Reload"),
    ];
    for part in parts.into_iter().flatten() {
        if part.tag_name() == "A" {
            // The page's own address: a reload that needs no script.
            let _ = part.set_attribute("href", "");
            part.set_id("wobble-fatal-reload");
        }
        let _ = panel.append_child(&part);
    }
    let _ = body.append_child(&panel);
}
