//! The site, drawn from the engine's layout inside a framed browser window at its true size.
//!
//! Every shown element becomes one absolutely positioned HTML element at the engine's box
//! (relative to its parent's box, so the DOM nests like the site's tree), styled from the
//! episode's theme (colors, corner radius, font family and size, all of which a perturbation may
//! have changed). Each carries `data-node` (the id actions name), `data-key` and `data-role`,
//! and the site's own selectors: its `dom_id` as the DOM `id` and its `classes` in the class list
//! beside the app's `wb-*` drawing classes, so that a script querying the page meets the same
//! ids and classes as the engine's observation (and renamed ones after a perturbation).
//!
//! Controls are real ones: buttons and links send `Action::Click`, text fields are `<input>`s
//! that send `Action::Type` when they change (on leaving the field) and `Action::Key(Enter)` on
//! Enter, selects are `<select>`s that send `Action::Select`. Checkboxes and radio buttons are
//! drawn buttons whose checked state comes only from the engine. Text is always set as text.
//!
//! An open dialog is drawn at its engine box: a modal one over a backdrop that catches every
//! click, a bottom bar (a cookie banner) with no backdrop, so that what it does not cover stays
//! usable. The window's bar has "Wait a step", which lets one step pass without acting
//! (`Action::Scroll(0.0)`), for content that is still loading.

use crate::components::select::Select;
use crate::components::text_field::TextField;
use crate::scene::{DrawNode, Scene};
use crate::session::Cursor;
use std::rc::Rc;
use wobble_engine::compile::Placement;
use wobble_engine::format::TextStyle;
use wobble_engine::format::Theme;
use wobble_engine::layout::{line_height, BANNER_HEIGHT};
use wobble_engine::{Action, Key, Role, TypeText};
use yew::prelude::*;

/// Props of [`SiteView`].
#[derive(Properties, PartialEq)]
pub struct SiteViewProps {
    /// The moment being shown.
    pub scene: Rc<Scene>,
    /// Which episode this is (a new one scrolls back to the top).
    pub episode: u64,
    /// A person's action on the site.
    pub onact: Callback<Action>,
    /// Starts the next episode (from the bar shown at the end).
    pub onnewepisode: Callback<()>,
    /// The agent's cursor, drawn over the site.
    #[prop_or_default]
    pub cursor: Option<Cursor>,
    /// Looking back at an earlier step: the site does not act.
    #[prop_or_default]
    pub past: bool,
    /// A person pressed somewhere in the site (the agent stops at once).
    #[prop_or_default]
    pub onpress: Callback<()>,
    /// A person has the site (no agent drives it): after a page change, focus goes to the new
    /// page's first control, as a keyboard user needs.
    #[prop_or_default]
    pub person: bool,
}

/// Focuses the first control in the site's window, unless something outside the site (a control
/// of the app) has the focus: only focus that fell to the body is moved.
fn focus_first_control(viewport: &NodeRef) {
    let fell = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .is_none_or(|el| el.tag_name().eq_ignore_ascii_case("body"));
    if let (true, Some(window)) = (fell, viewport.cast::<web_sys::Element>()) {
        focus_first_in(&window);
    }
}

/// Focuses the first control of the site (for the page's "Skip to the site" link). Returns
/// whether there was one.
pub fn focus_site() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("wobble-site"))
        .is_some_and(|site| focus_first_in(&site))
}

/// Focuses the first enabled control under `root`, an open dialog's first.
fn focus_first_in(root: &web_sys::Element) -> bool {
    let find = |selector: &str| root.query_selector(selector).ok().flatten();
    let first = find(".wb-dialog :is(input, select, button):not(:disabled)")
        .or_else(|| find(":is(input, select, button):not(:disabled)"))
        .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok());
    first.is_some_and(|el| el.focus().is_ok())
}

/// The browser window with the site's current page (and open dialog) in it.
#[function_component]
pub fn SiteView(props: &SiteViewProps) -> Html {
    let scene = &props.scene;
    let viewport = use_node_ref();
    {
        // Like a browser after navigating, and so that a dialog (placed near the top) is in view.
        let viewport = viewport.clone();
        let key = (props.episode, scene.page_id.clone(), scene.dialog.is_some());
        use_effect_with(key, move |_| {
            if let Some(el) = viewport.cast::<web_sys::Element>() {
                el.set_scroll_top(0);
            }
        });
    }
    {
        // After a page change the focused control is gone and focus falls to the body, where a
        // keyboard user would have to find the site again: give it to the new page's first control.
        let viewport = viewport.clone();
        let key = (scene.page_id.clone(), scene.dialog.is_some());
        let person = props.person && !props.past;
        let opened = use_mut_ref(|| false);
        use_effect_with(key, move |_| {
            // Not when the page first opens: that would pull the window down to the site.
            if std::mem::replace(&mut *opened.borrow_mut(), true) && person {
                focus_first_control(&viewport);
            }
        });
    }
    {
        // Keep the agent's target in view: scroll the window when the cursor heads below or above it.
        let viewport = viewport.clone();
        let target = props.cursor.as_ref().map(|c| (c.serial, c.y as i32));
        let height = scene.height as i32;
        use_effect_with(target, move |target| {
            if let (Some((_, y)), Some(el)) = (target, viewport.cast::<web_sys::Element>()) {
                let top = el.scroll_top();
                if *y < top + 40 || *y > top + height - 40 {
                    el.set_scroll_top((*y - height / 2).max(0));
                }
            }
        });
    }
    let page_height = scene.page_height.max(scene.height);
    let theme = &scene.theme;
    let dark = is_dark(&theme.background);
    let page_style = format!(
        "width: {w}px; height: {page_height}px; font-family: {font}; font-size: {size}px; \
         font-weight: {weight}; --wb-weight: {weight}; background: {bg}; color: {text}; --wb-accent: {accent}; --wb-accent-text: {accent_text}; \
         --wb-surface: {surface}; --wb-border: {border}; --wb-radius: {radius}px; --wb-text: {text}; --wb-bg: {bg}; \
         color-scheme: {scheme};",
        w = scene.width,
        font = css(&theme.font, "system-ui, sans-serif"),
        size = theme.font_size,
        // The engine measured every text in this weight (bold from 600 up); the stylesheet keeps
        // headings, labels and buttons at least this heavy.
        weight = theme.font_weight,
        bg = css(&theme.background, "#ffffff"),
        text = css(&theme.text, "#1d2330"),
        accent = css(&theme.accent, "#2459d6"),
        accent_text = css(&theme.accent_text, "#ffffff"),
        surface = css(&theme.surface, "#f3f5f9"),
        border = css(&theme.border, "#c5ccd8"),
        // Pill-shaped buttons come as a huge radius; CSS rounds any radius to at most half the
        // element's height, and the stylesheet caps it for cards and dialogs.
        radius = theme.radius.clamp(0.0, 999.0),
        scheme = if dark { "dark" } else { "light" },
    );
    let onwait = {
        let onact = props.onact.clone();
        Callback::from(move |_: MouseEvent| onact.emit(Action::Scroll(0.0)))
    };
    let onnewepisode = props.onnewepisode.reform(|_: MouseEvent| ());
    let top = Frame {
        x: 0.0,
        y: 0.0,
        right: scene.width,
    };
    html! {
        <section class="browser" aria-label={format!("{} — the site", scene.site_title)}>
            <div class="browser-bar">
                <span class="browser-dots" aria-hidden="true"><i></i><i></i><i></i></span>
                <span class="browser-address" id="wobble-address">
                    <span class="browser-scheme">{"wobble://"}</span>
                    { format!("{}/{}", scene.site_name, scene.page_id) }
                </span>
                <span class="browser-size">{ format!("{} × {}", scene.width, scene.height) }</span>
                <button type="button" class="browser-wait" id="wobble-wait" disabled={scene.outcome.is_some()}
                    title="Let one step pass without acting, e.g. while the page is still loading" onclick={onwait}>
                    {"Wait a step"}
                </button>
            </div>
            <div class="browser-viewport" ref={viewport} onmousedown={props.onpress.reform(|_: MouseEvent| ())}
                style={format!(
                    "height: {}px; background: {}; overflow-y: {};",
                    scene.height,
                    css(&theme.background, "#ffffff"),
                    // A page taller than the window scrolls, with a real scrollbar beside it.
                    if scene.page_height > scene.height + 0.5 { "scroll" } else { "hidden" },
                )}>
                <div class={classes!("site-page", dark.then_some("wb-dark"))} id="wobble-site" key={props.episode}
                    data-page={scene.page_id.clone()} style={page_style}>
                    { for scene.page.iter().map(|n| draw(n, top, theme, &props.onact)) }
                    if let Some(dialog) = &scene.dialog {
                        if scene.placement != Some(Placement::BottomBar) {
                            <div class="wb-backdrop" aria-hidden="true"></div>
                        }
                        { draw_dialog(dialog, scene.placement.unwrap_or_default(), top, theme, &props.onact) }
                    }
                    if let Some(cursor) = &props.cursor {
                        { draw_cursor(cursor) }
                    }
                </div>
                if props.past {
                    <div class="browser-past" role="status">{ format!("Looking back: the site after step {}", scene.steps) }</div>
                } else if let Some(outcome) = &scene.outcome {
                    <div class={classes!("browser-end", if outcome.success { "success" } else { "failure" })} role="status">
                        <span>
                            { format!("Episode over · reward {}", crate::components::task_panel::reward_text(outcome.raw_reward)) }
                        </span>
                        <button type="button" class="button button-small" onclick={onnewepisode}>{"New episode"}</button>
                    </div>
                }
            </div>
        </section>
    }
}

/// The agent's cursor at its target's centre (moving there over `move_ms`), the text it types
/// appearing as it goes, and a ripple once a click is made.
fn draw_cursor(cursor: &Cursor) -> Html {
    let (x, y) = (cursor.x, cursor.y);
    let ms = cursor.move_ms;
    let planned = &cursor.planned;
    let typing = planned.text.as_ref().filter(|_| !cursor.done).map(|text| {
        let chars = text.chars().count().max(1);
        html! {
            <div key={format!("t{}", cursor.serial)} class="agent-typing" aria-hidden="true"
                style={format!("left: {x}px; top: {}px; --chars: {chars}; animation-duration: {}ms; animation-delay: {}ms;",
                    y + 14.0, ms / 2, ms / 2)}>
                { text }
            </div>
        }
    });
    html! {
        <>
            <div class="agent-cursor" id="wobble-cursor" aria-hidden="true" data-done={cursor.done.to_string()}
                style={format!("left: {x}px; top: {y}px; transition-duration: {ms}ms;")}>
                <svg viewBox="0 0 20 20" width="20" height="20"><path d="M2 1 L2 16 L6 12 L9 19 L12 18 L9 11 L15 11 Z" /></svg>
            </div>
            { for typing }
            if cursor.done && planned.click {
                <div key={format!("r{}", cursor.serial)} class="agent-ripple" aria-hidden="true"
                    style={format!("left: {x}px; top: {y}px;")}></div>
            }
            <div class="agent-caption" style={format!("left: {x}px; top: {}px; transition-duration: {ms}ms;", y - 30.0)}>
                { &planned.phrase }
            </div>
        </>
    }
}

/// Whether a theme color (`#rgb` or `#rrggbb`) is dark enough to need light-on-dark controls.
fn is_dark(color: &str) -> bool {
    let hex = color.trim().trim_start_matches('#');
    let channel = |i: usize, len: usize| {
        let part = hex.get(i * len..(i + 1) * len)?;
        let v = u8::from_str_radix(part, 16).ok()?;
        Some(if len == 1 { v * 17 } else { v })
    };
    let len = match hex.len() {
        3 => 1,
        6 => 2,
        _ => return false,
    };
    match (channel(0, len), channel(1, len), channel(2, len)) {
        (Some(r), Some(g), Some(b)) => {
            // Perceived brightness (ITU-R BT.601 weights), 0..255.
            0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b) < 100.0
        }
        _ => false,
    }
}

/// A theme value as CSS, or `fallback` if it could break out of its declaration.
fn css<'a>(value: &'a str, fallback: &'a str) -> &'a str {
    if value.is_empty()
        || value
            .chars()
            .any(|c| matches!(c, ';' | '{' | '}' | '<' | '>' | '"' | '\\'))
    {
        fallback
    } else {
        value
    }
}

fn style_class(style: TextStyle) -> &'static str {
    match style {
        TextStyle::Normal => "",
        TextStyle::Muted => "wb-muted",
        TextStyle::Strong => "wb-strong",
        TextStyle::Error => "wb-error",
        TextStyle::Success => "wb-success",
        TextStyle::Code => "wb-code",
    }
}

/// Where a node is drawn, in page coordinates.
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// The parent's left edge (the node's offsets are from here).
    x: f32,
    /// The parent's top edge.
    y: f32,
    /// How far right the node's text may run: the next thing on its line, or its parent's edge.
    right: f32,
}

/// Draws the shown children of `n`, each told how far right it may run.
fn draw_children(n: &DrawNode, theme: &Theme, onact: &Callback<Action>) -> Html {
    let parent_right = n.bbox.x + n.bbox.w;
    html! {
        <>{ for n.children.iter().map(|c| {
            let (top, bottom, end) = (c.bbox.y, c.bbox.y + c.bbox.h, c.bbox.x + c.bbox.w);
            let right = n
                .children
                .iter()
                .filter(|s| s.bbox.x >= end - 0.5 && s.bbox.y < bottom && s.bbox.y + s.bbox.h > top)
                .map(|s| s.bbox.x)
                .fold(parent_right, f32::min);
            draw(c, Frame { x: n.bbox.x, y: n.bbox.y, right }, theme, onact)
        }) }</>
    }
}

/// The site's own selectors of a node: its id (if any) and its classes after the app's `wb-*`
/// drawing classes.
fn selectors(n: &DrawNode, mut drawing: Classes) -> (Option<String>, Classes) {
    for class in n.classes.split_whitespace() {
        drawing.push(class.to_string());
    }
    let id = (!n.dom_id.is_empty()).then(|| n.dom_id.clone());
    (id, drawing)
}

/// Draws the open dialog: centred over the backdrop (modal) or as a band at its box (bottom bar).
fn draw_dialog(
    n: &DrawNode,
    placement: Placement,
    at: Frame,
    theme: &Theme,
    onact: &Callback<Action>,
) -> Html {
    let title_px = theme.font_size * 1.25;
    let bar = placement == Placement::BottomBar;
    let (dom_id, class) = selectors(n, classes!("wb-node", "wb-dialog", bar.then_some("wb-bar")));
    html! {
        <div key={n.id} id={dom_id} {class} role={if bar { "region" } else { "dialog" }}
            aria-modal={(!bar).then_some("true")} aria-label={n.label.clone()}
            data-node={n.id.to_string()} data-key={n.key.clone()} data-role={n.role.name()}
            data-placement={if bar { "bottom-bar" } else { "modal" }} style={position(n, at, false)}>
            <h2 class="wb-dialog-title wb-one-line"
                style={format!("font-size: {title_px}px; line-height: {}px;", line_height(title_px))}>{ &n.label }</h2>
            { draw_children(n, theme, onact) }
        </div>
    }
}

/// Whether a node is one line of text as the engine measured it. Such a line does not wrap in the
/// browser's font, which may be wider than the engine's measure: it may use the free room to its
/// right instead.
fn is_one_line(n: &DrawNode) -> bool {
    matches!(n.role, Role::Heading | Role::Text | Role::Alert)
        && n.bbox.h <= line_height(n.font_px) + if n.role == Role::Alert { 17.0 } else { 1.0 }
}

/// The inline style placing a node at its engine box, relative to its parent's.
fn position(n: &DrawNode, at: Frame, one_line: bool) -> String {
    let b = n.bbox;
    let width = if one_line {
        format!(
            "width: max-content; min-width: {}px; max-width: {}px;",
            b.w,
            (at.right - b.x).max(b.w)
        )
    } else {
        format!("width: {}px;", b.w)
    };
    format!(
        "left: {}px; top: {}px; {width} height: {}px; font-size: {}px; line-height: {}px;",
        b.x - at.x,
        b.y - at.y,
        b.h,
        n.font_px,
        line_height(n.font_px)
    )
}

/// Draws one node and its children.
fn draw(n: &DrawNode, at: Frame, theme: &Theme, onact: &Callback<Action>) -> Html {
    let lh = line_height(n.font_px);
    let one_line = is_one_line(n);
    let position = position(n, at, one_line);
    let role = n.role.name();
    let id = n.id;
    let key = n.key.clone();
    let node = id.to_string();
    let children = || draw_children(n, theme, onact);
    let click = {
        let onact = onact.clone();
        Callback::from(move |_: MouseEvent| onact.emit(Action::Click(id)))
    };
    let text_class = classes!(
        "wb-node",
        format!("wb-{role}"),
        style_class(n.style),
        one_line.then_some("wb-one-line")
    );
    match n.role {
        Role::Banner => {
            let (dom_id, class) = selectors(n, classes!("wb-node", "wb-banner"));
            html! {
                <header key={id} id={dom_id} {class} data-node={node} data-key={key} data-role={role}
                    style={format!("{position} line-height: {BANNER_HEIGHT}px;")}>
                    <span class="wb-brand">{ &n.label }</span>
                </header>
            }
        }
        Role::Heading => {
            let (dom_id, class) = selectors(n, text_class);
            html! {
                <h1 key={id} id={dom_id} {class} data-node={node} data-key={key} data-role={role} style={position}>{ &n.label }</h1>
            }
        }
        Role::Text => {
            let (dom_id, class) = selectors(n, text_class);
            html! {
                <p key={id} id={dom_id} {class} data-node={node} data-key={key} data-role={role} style={position}>{ &n.label }</p>
            }
        }
        Role::Alert => {
            let (dom_id, class) = selectors(n, text_class);
            html! {
                <div key={id} id={dom_id} {class} role="alert" data-node={node} data-key={key} data-role={role} style={position}>{ &n.label }</div>
            }
        }
        Role::Label => {
            let (dom_id, class) = selectors(n, classes!("wb-node", "wb-label"));
            html! {
                <label key={id} id={dom_id} {class} for={n.label_for_dom_id.clone()}
                    data-node={node} data-key={key} data-role={role} style={position}>{ &n.label }</label>
            }
        }
        Role::Button => {
            let (dom_id, class) = selectors(
                n,
                classes!("wb-node", "wb-button", n.primary.then_some("wb-primary")),
            );
            html! {
                <button key={id} id={dom_id} type="button" {class} disabled={!n.enabled} onclick={click}
                    data-node={node} data-key={key} data-role={role} style={position}>{ &n.label }</button>
            }
        }
        Role::Link => {
            let (dom_id, class) = selectors(n, classes!("wb-node", "wb-link"));
            html! {
                <button key={id} id={dom_id} type="button" {class} disabled={!n.enabled} onclick={click}
                    data-node={node} data-key={key} data-role={role} style={position}>{ &n.label }</button>
            }
        }
        Role::TextBox | Role::Password | Role::Number | Role::Date => {
            let kind = match n.role {
                Role::Password => "password",
                Role::Number => "number",
                // Dates are typed in the site's own format, which a browser date picker would not keep.
                _ => "text",
            };
            let onchange = {
                let onact = onact.clone();
                Callback::from(move |text: String| {
                    onact.emit(Action::Type(id, TypeText::Literal(text)))
                })
            };
            let onenter = {
                let onact = onact.clone();
                Callback::from(move |text: String| {
                    // Whatever is in the field counts first (a repeat of the value is not a step).
                    onact.emit(Action::Type(id, TypeText::Literal(text)));
                    onact.emit(Action::Key(Key::Enter));
                })
            };
            let (dom_id, class) = selectors(n, classes!("wb-node", "wb-input"));
            html! {
                <TextField key={id} id={dom_id.map(AttrValue::from)} {class} {kind} value={n.value.clone()}
                    placeholder={n.placeholder.clone()} disabled={!n.enabled} style={position}
                    data={(id, key, role)} {onchange} {onenter} />
            }
        }
        Role::Select => {
            let onchoose = {
                let onact = onact.clone();
                Callback::from(move |i: usize| {
                    if let Ok(option) = u16::try_from(i) {
                        onact.emit(Action::Select(id, option));
                    }
                })
            };
            let (dom_id, class) = selectors(n, classes!("wb-node", "wb-select"));
            html! {
                <Select key={id} id={dom_id.map(AttrValue::from)} {class} style={position} disabled={!n.enabled}
                    options={n.options.clone()} chosen={n.options.iter().position(|o| *o == n.value)}
                    placeholder={n.value.is_empty().then_some("—")} data={(id, key, role)} {onchoose} />
            }
        }
        Role::Checkbox | Role::Radio => {
            let kind = if n.role == Role::Checkbox {
                "checkbox"
            } else {
                "radio"
            };
            let (dom_id, class) = selectors(
                n,
                classes!(
                    "wb-node",
                    "wb-check",
                    format!("wb-{kind}"),
                    n.checked.then_some("wb-checked")
                ),
            );
            html! {
                <button key={id} id={dom_id} type="button" role={kind} aria-checked={n.checked.to_string()}
                    {class} disabled={!n.enabled} onclick={click}
                    data-node={node} data-key={key} data-role={role} style={position}>
                    <span class="wb-check-box" aria-hidden="true"></span>
                    <span class="wb-check-label">{ &n.label }</span>
                </button>
            }
        }
        Role::RadioGroup => {
            let (dom_id, class) = selectors(n, classes!("wb-node", "wb-radiogroup"));
            html! {
                <div key={id} id={dom_id} role="radiogroup" aria-label={n.label.clone()} {class}
                    data-node={node} data-key={key} data-role={role} style={position}>
                    <div class="wb-radiogroup-label wb-one-line" style={format!("height: {lh}px")}>{ &n.label }</div>
                    { children() }
                </div>
            }
        }
        Role::Group => {
            let (dom_id, class) = selectors(
                n,
                classes!("wb-node", if n.primary { "wb-card" } else { "wb-group" }),
            );
            html! {
                <div key={id} id={dom_id} {class} data-node={node} data-key={key} data-role={role} style={position}>
                    { children() }
                </div>
            }
        }
        Role::List => {
            let (dom_id, class) = selectors(n, classes!("wb-node", "wb-list"));
            html! {
                <div key={id} id={dom_id} role="list" {class}
                    data-node={node} data-key={key} data-role={role} style={position}>
                    { children() }
                </div>
            }
        }
        Role::ListItem => {
            let (dom_id, class) = selectors(n, classes!("wb-node", "wb-listitem"));
            html! {
                <div key={id} id={dom_id} role="listitem" {class}
                    data-node={node} data-key={key} data-role={role} style={position}>
                    { children() }
                </div>
            }
        }
        // A dialog inside a page does not occur (the scene keeps it apart); draw it as a modal.
        Role::Dialog => draw_dialog(n, Placement::Modal, at, theme, onact),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_values_cannot_break_out_of_the_style_attribute() {
        assert_eq!(css("#fff", "x"), "#fff");
        assert_eq!(css("red; background: url(x)", "x"), "x");
        assert_eq!(css("", "x"), "x");
        assert_eq!(css("\"Inter\", sans-serif", "x"), "x");
        assert_eq!(css("'Inter', sans-serif", "x"), "'Inter', sans-serif");
    }

    #[test]
    fn dark_backgrounds_are_told_apart() {
        assert!(is_dark("#121722"));
        assert!(is_dark("#1a1a1a"));
        assert!(is_dark("#000"));
        assert!(!is_dark("#ffffff"));
        assert!(!is_dark("#fbfdf8"));
        assert!(!is_dark("white"));
        assert!(!is_dark("#12"));
    }
}
