//! The site editor, beside the site: a plain text area with line numbers over the session's
//! draft ([`crate::session::Editor`]).
//!
//! Typing reports the whole text at once (`EditorChange::Type`: the session keeps it, and this
//! component stores it in local storage); a short pause after the last keystroke asks for a
//! compile (`EditorChange::Compile`). The compiler's error is listed with its line and column,
//! and its line is marked in the gutter; a site that compiles is what the view beside shows.
//! The text area is not rewritten on every render, only when the session replaces the text
//! (its `revision` grows), so the caret never jumps under the person's fingers.
//!
//! The toolbar starts again from a copy of a shipped site, shares the text in a link (`#site=`,
//! packed as `wobble_policy::link_text` packs it) or as a `.ron` download, and checks it: "Check"
//! runs the library checker on the text in a worker ([`crate::components::site_check`]), once
//! the text compiles.

use std::rc::Rc;

use web_sys::HtmlTextAreaElement;
use wobble_engine::builtin::site_names;
use yew::prelude::*;

use crate::components::select::Select;
use crate::session::{Editor, EditorChange};

/// Milliseconds without typing before the text is compiled.
pub const COMPILE_PAUSE_MS: u32 = 150;

/// Props of [`SiteEditor`].
#[derive(Properties, PartialEq)]
pub struct SiteEditorProps {
    /// The draft and the compiler's verdict on it.
    pub editor: Editor,
    /// The site shown (the copy picker starts on it when it is a shipped one).
    pub site: AttrValue,
    /// Reports what the person does.
    pub onchange: Callback<EditorChange>,
}

/// What the Link button produced: the address, or why the site cannot travel in a link.
type Shared = Option<Result<String, String>>;

/// The editor card.
#[function_component]
pub fn SiteEditor(props: &SiteEditorProps) -> Html {
    let editor = &props.editor;
    let area = use_node_ref();
    let gutter = use_node_ref();
    let shared = use_state(|| Shared::None);
    let sites: Vec<String> = site_names().map(str::to_string).collect();
    let picked = use_state(|| {
        sites
            .iter()
            .position(|s| *s == *props.site || format!("my-{s}") == *props.site)
            .unwrap_or(0)
    });
    let card = use_node_ref();
    // How many times Check was pressed; the checker appears at the first press.
    let checks = use_state(|| 0u64);
    {
        // Opened from the controls further down the page: the editor comes into view.
        let card = card.clone();
        use_effect_with((), move |_| {
            if let Some(card) = card.cast::<web_sys::Element>() {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                card.scroll_into_view_with_scroll_into_view_options(&options);
            }
        });
    }
    {
        // The session replaced the text (a copy, a lesson, a link): the text area takes it.
        let area = area.clone();
        let text = editor.text.clone();
        use_effect_with(editor.revision, move |_| {
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                if area.value() != *text {
                    area.set_value(&text);
                }
            }
        });
    }
    {
        // Kept in local storage as typed, compiled after a short pause; a link made of an
        // older text is taken away.
        let onchange = props.onchange.clone();
        let shared = shared.clone();
        use_effect_with(editor.text.clone(), move |text| {
            crate::browser::write_draft(text);
            shared.set(None);
            let timer = crate::dom::Timer::new(COMPILE_PAUSE_MS, move || {
                onchange.emit(EditorChange::Compile)
            });
            move || drop(timer)
        });
    }
    let oninput = {
        let onchange = props.onchange.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            onchange.emit(EditorChange::Type(Rc::from(area.value())));
        })
    };
    let onscroll = {
        let (area, gutter) = (area.clone(), gutter.clone());
        Callback::from(move |_: Event| {
            if let (Some(area), Some(gutter)) = (
                area.cast::<HtmlTextAreaElement>(),
                gutter.cast::<web_sys::Element>(),
            ) {
                gutter.set_scroll_top(area.scroll_top());
            }
        })
    };
    let onpick = {
        let picked = picked.clone();
        Callback::from(move |i: usize| picked.set(i))
    };
    let oncopy = {
        let onchange = props.onchange.clone();
        let name = sites.get(*picked).cloned().unwrap_or_default();
        Callback::from(move |_: MouseEvent| onchange.emit(EditorChange::EditCopy(name.clone())))
    };
    let onclose = props.onchange.reform(|_: MouseEvent| EditorChange::Close);
    let onbringback = props
        .onchange
        .reform(|_: MouseEvent| EditorChange::BringBack);
    let onlink = {
        let shared = shared.clone();
        let text = editor.text.clone();
        Callback::from(move |_: MouseEvent| shared.set(Some(share(&text))))
    };
    let file_name = format!("{}.ron", site_name(&editor.text).unwrap_or("site"));
    let ondownload = {
        let text = editor.text.clone();
        let file_name = file_name.clone();
        Callback::from(move |_: MouseEvent| {
            // A refused download leaves the text where it is: in the editor.
            let _ = crate::dom::download(&file_name, "text/plain", &text);
        })
    };
    let ongoto = {
        let area = area.clone();
        let text = editor.text.clone();
        let line = editor.error.as_ref().map(|e| e.line);
        Callback::from(move |_: MouseEvent| {
            if let (Some(area), Some(line)) = (area.cast::<HtmlTextAreaElement>(), line) {
                select_line(&area, &text, line);
            }
        })
    };
    let ongoto_line = {
        let area = area.clone();
        let text = editor.text.clone();
        Callback::from(move |line: usize| {
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                select_line(&area, &text, line);
            }
        })
    };
    let oncheck = {
        let checks = checks.clone();
        Callback::from(move |_: MouseEvent| checks.set(*checks + 1))
    };
    let lines = editor.text.split('\n').count();
    let pending = editor.compiled.as_ref() != Some(&editor.text);
    let error = editor.error.as_ref().filter(|_| !pending);
    let state = if editor.is_compiled() {
        "ok"
    } else if pending {
        "pending"
    } else {
        "error"
    };
    let ms = editor.compile_ms.unwrap_or(0.0);
    html! {
        <section class="card editor-card" id="wobble-editor" aria-labelledby="wobble-editor-title" ref={card}>
            <div class="card-title-row editor-title-row">
                <h2 class="card-title" id="wobble-editor-title">{"Site file"}</h2>
                <span class="editor-toolbar-end">
                    <button type="button" class="button button-small" id="wobble-editor-link" onclick={onlink}
                        title="A link that opens this site in the page (copied to the clipboard)">{"Link"}</button>
                    <button type="button" class="button button-small" id="wobble-editor-download" onclick={ondownload.clone()}>{"Download"}</button>
                    <button type="button" class="button button-small" id="wobble-editor-check"
                        disabled={!editor.is_compiled()} onclick={oncheck}
                        title={if editor.is_compiled() { "Play every task with the oracle, as written and under every kind of change, and check what must hold" } else { "Checking needs a site file that compiles" }}>{"Check"}</button>
                    <button type="button" class="button button-small" id="wobble-editor-close" onclick={onclose}
                        aria-label="Close the site editor">{"Close"}</button>
                </span>
            </div>
            <div class="editor-toolbar">
                <label for="wobble-editor-source" class="editor-label">{"Start from"}</label>
                <Select id="wobble-editor-source" options={sites.clone()} chosen={Some(*picked)} onchoose={onpick} />
                <button type="button" class="button button-small" id="wobble-editor-copy" onclick={oncopy}
                    title="Replace the text with a copy of this shipped site, renamed my-…">{"Edit a copy"}</button>
            </div>
            if editor.previous.is_some() {
                <p class="hint editor-previous">{"The copy replaced your earlier text, which is kept. "}
                    <button type="button" class="button-text" id="wobble-editor-bring-back" onclick={onbringback}>{"Bring it back"}</button>
                </p>
            }
            { shared_view(&shared, &file_name, &ondownload) }
            <div class={classes!("editor-body", error.is_some().then_some("editor-body-error"))}>
                <Gutter {lines} marked={error.map(|e| e.line)} node={gutter} />
                <textarea id="wobble-editor-text" class="editor-text" ref={area} spellcheck="false" wrap="off"
                    autocapitalize="off" autocomplete="off" aria-label="The site file (RON)"
                    aria-describedby="wobble-editor-status" aria-invalid={error.is_some().to_string()}
                    {oninput} {onscroll} />
            </div>
            <div class={classes!("editor-status", format!("editor-status-{state}"))} id="wobble-editor-status"
                role="status" data-state={state} data-compile-ms={format!("{ms:.2}")}
                data-line={error.map(|e| e.line.to_string())} data-column={error.map(|e| e.column.to_string())}>
                { match error {
                    Some(e) => html! {
                        <>
                            <span class="editor-where" id="wobble-editor-error-at">{ format!("Line {}, column {}", e.line, e.column) }</span>
                            <span class="editor-message" id="wobble-editor-error">{ crate::components::sentence(&e.message) }</span>
                            <button type="button" class="button-text" id="wobble-editor-goto" onclick={ongoto}>{"Go to the line"}</button>
                            <span class="editor-stale">{"The site beside is the last version that compiled."}</span>
                        </>
                    },
                    None if pending => html! { <span>{"Compiling…"}</span> },
                    None => html! {
                        <span>{ format!("Compiled in {ms:.1} ms: the site beside is this file ({lines} lines).") }</span>
                    },
                } }
            </div>
            if *checks > 0 {
                <crate::components::site_check::SiteCheck text={editor.text.clone()} run={*checks}
                    file_name={file_name.clone()} ongoto={ongoto_line} />
            }
        </section>
    }
}

/// The Link button's outcome: the address to copy, or why not with a download instead.
fn shared_view(shared: &Shared, file_name: &str, ondownload: &Callback<MouseEvent>) -> Html {
    match shared {
        None => html! {},
        Some(Ok(address)) => html! {
            <label class="saved-link editor-link">
                <span class="hint">{ format!("Link that opens this site ({} characters; copied if the browser allowed it):", address.len()) }</span>
                <input type="text" class="text-input" id="wobble-site-link" readonly=true value={address.clone()} />
            </label>
        },
        Some(Err(e)) => html! {
            <p class="notice notice-warning editor-link" id="wobble-site-link-error" role="status">
                <span class="notice-text">{ format!("{}.", crate::components::sentence(e)) }</span>
                <button type="button" class="button button-small" onclick={ondownload.clone()}>{ format!("Download {file_name}") }</button>
            </p>
        },
    }
}

/// The link that opens `text`, copied to the clipboard when the browser allows it; or why the
/// text cannot travel in a link.
fn share(text: &str) -> Result<String, String> {
    let packed = wobble_policy::link_text::site_to_link_text(text)?;
    let address = crate::browser::site_address(&packed).ok_or("the page has no address")?;
    if let Some(window) = web_sys::window() {
        // A refusal (no permission, an insecure page) leaves the shown link to copy by hand.
        let _ = window.navigator().clipboard().write_text(&address);
    }
    Ok(address)
}

/// The `name: "..."` a site file declares, if it can be read off its text.
fn site_name(text: &str) -> Option<&str> {
    let rest = &text[text.find("name:")? + "name:".len()..];
    let rest = rest.trim_start().strip_prefix('"')?;
    let name = &rest[..rest.find('"')?];
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    plain.then_some(name)
}

/// Selects line `line` (from 1) of the text area and scrolls it into view.
fn select_line(area: &HtmlTextAreaElement, text: &str, line: usize) {
    // Selection offsets count UTF-16 units.
    let mut start = 0u32;
    let mut length = 0u32;
    for (n, l) in text.split('\n').enumerate() {
        let units = l.encode_utf16().count() as u32;
        if n + 1 == line {
            length = units;
            break;
        }
        start += units + 1;
    }
    let _ = area.focus();
    let _ = area.set_selection_range(start, start + length);
    let line_height = 18;
    area.set_scroll_top(((line as i32) - 4).max(0) * line_height);
}

/// Props of [`Gutter`].
#[derive(Properties, PartialEq)]
struct GutterProps {
    /// How many lines the text has.
    lines: usize,
    /// The line with the error, if any.
    marked: Option<usize>,
    /// The gutter's element (scrolled with the text).
    node: NodeRef,
}

/// The line numbers; redrawn only when the count or the marked line changes.
#[function_component]
fn Gutter(props: &GutterProps) -> Html {
    html! {
        <div class="editor-gutter" aria-hidden="true" ref={props.node.clone()} id="wobble-editor-gutter">
            { for (1..=props.lines).map(|n| {
                let marked = props.marked == Some(n);
                html! {
                    <div class={classes!("gutter-line", marked.then_some("gutter-error"))}
                        data-line={marked.then(|| n.to_string())}>{ n }</div>
                }
            }) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_name_is_read_off_the_text() {
        assert_eq!(
            site_name("(\n  name: \"my-airline\",\n"),
            Some("my-airline")
        );
        assert_eq!(site_name("// no name yet\n("), None);
        assert_eq!(site_name("(name: \"../x\")"), None);
    }
}
