//! The site, drawn from the engine's layout inside a framed browser window at its true size.
//!
//! Every shown element becomes one absolutely positioned HTML element at the engine's box
//! (relative to its parent's box, so the DOM nests like the site's tree), styled from the site's
//! theme. Each carries `data-node` (the id actions name), `data-key` and `data-role`. Controls are
//! real ones: buttons and links send `Action::Click`, text fields are `<input>`s that send
//! `Action::Type` when they change (on leaving the field) and `Action::Key(Enter)` on Enter,
//! selects are `<select>`s that send `Action::Select`. Checkboxes and radio buttons are drawn
//! buttons whose checked state comes only from the engine. Text is always set as text.

use crate::components::select::Select;
use crate::components::text_field::TextField;
use crate::scene::{DrawNode, Scene};
use std::rc::Rc;
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
    let page_height = scene.page_height.max(scene.height);
    let theme = &scene.theme;
    let page_style = format!(
        "width: {w}px; height: {page_height}px; font-family: {font}; font-size: {size}px; \
         background: {bg}; color: {text}; --wb-accent: {accent}; --wb-accent-text: {accent_text}; \
         --wb-surface: {surface}; --wb-border: {border}; --wb-radius: {radius}px; --wb-text: {text}; --wb-bg: {bg};",
        w = scene.width,
        font = css(&theme.font, "system-ui, sans-serif"),
        size = theme.font_size,
        bg = css(&theme.background, "#ffffff"),
        text = css(&theme.text, "#1d2330"),
        accent = css(&theme.accent, "#2459d6"),
        accent_text = css(&theme.accent_text, "#ffffff"),
        surface = css(&theme.surface, "#f3f5f9"),
        border = css(&theme.border, "#c5ccd8"),
        radius = theme.radius.clamp(0.0, 40.0),
    );
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
                <span class="browser-address" id="address">
                    <span class="browser-scheme">{"wobble://"}</span>
                    { format!("{}/{}", scene.site_name, scene.page_id) }
                </span>
                <span class="browser-size">{ format!("{} × {}", scene.width, scene.height) }</span>
            </div>
            <div class="browser-viewport" ref={viewport}
                style={format!(
                    "height: {}px; background: {}; overflow-y: {};",
                    scene.height,
                    css(&theme.background, "#ffffff"),
                    // A page taller than the window scrolls, with a real scrollbar beside it.
                    if scene.page_height > scene.height + 0.5 { "scroll" } else { "hidden" },
                )}>
                <div class="site-page" id="site" key={props.episode} data-page={scene.page_id.clone()} style={page_style}>
                    { for scene.page.iter().map(|n| draw(n, top, theme, &props.onact)) }
                    if let Some(dialog) = &scene.dialog {
                        <div class="wb-backdrop" aria-hidden="true"></div>
                        { draw(dialog, top, theme, &props.onact) }
                    }
                </div>
                if let Some(outcome) = &scene.outcome {
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

/// Draws one node and its children.
fn draw(n: &DrawNode, at: Frame, theme: &Theme, onact: &Callback<Action>) -> Html {
    let b = n.bbox;
    let lh = line_height(n.font_px);
    // One line of text (as the engine measured it) does not wrap in the browser's font, which may
    // be wider than the engine's measure: it may use the free room to its right instead.
    let one_line = matches!(n.role, Role::Heading | Role::Text | Role::Alert)
        && b.h <= lh + if n.role == Role::Alert { 17.0 } else { 1.0 };
    let width = if one_line {
        format!(
            "width: max-content; min-width: {}px; max-width: {}px;",
            b.w,
            (at.right - b.x).max(b.w)
        )
    } else {
        format!("width: {}px;", b.w)
    };
    let position = format!(
        "left: {}px; top: {}px; {width} height: {}px; font-size: {}px; line-height: {}px;",
        b.x - at.x,
        b.y - at.y,
        b.h,
        n.font_px,
        lh
    );
    let role = n.role.name();
    let id = n.id;
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
        Role::Banner => html! {
            <header key={id} class="wb-node wb-banner" data-node={id.to_string()} data-key={n.key.clone()} data-role={role}
                style={format!("{position} line-height: {BANNER_HEIGHT}px;")}>
                <span class="wb-brand">{ &n.label }</span>
            </header>
        },
        Role::Heading => html! {
            <h1 key={id} class={text_class} data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>{ &n.label }</h1>
        },
        Role::Text => html! {
            <p key={id} class={text_class} data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>{ &n.label }</p>
        },
        Role::Alert => html! {
            <div key={id} class={text_class} role="alert" data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>{ &n.label }</div>
        },
        Role::Label => html! {
            <label key={id} class="wb-node wb-label" for={n.label_for.map(|f| format!("wb-{f}"))}
                data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>{ &n.label }</label>
        },
        Role::Button => html! {
            <button key={id} type="button" class={classes!("wb-node", "wb-button", n.primary.then_some("wb-primary"))}
                disabled={!n.enabled} onclick={click}
                data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>{ &n.label }</button>
        },
        Role::Link => html! {
            <button key={id} type="button" class="wb-node wb-link" disabled={!n.enabled} onclick={click}
                data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>{ &n.label }</button>
        },
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
            html! {
                <TextField key={id} id={format!("wb-{id}")} class="wb-node wb-input" {kind} value={n.value.clone()}
                    placeholder={n.placeholder.clone()} disabled={!n.enabled} style={position}
                    data={(id, n.key.clone(), role)} {onchange} {onenter} />
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
            html! {
                <Select key={id} id={format!("wb-{id}")} class="wb-node wb-select" style={position} disabled={!n.enabled}
                    options={n.options.clone()} chosen={n.options.iter().position(|o| *o == n.value)}
                    placeholder={n.value.is_empty().then_some("—")} data={(id, n.key.clone(), role)} {onchoose} />
            }
        }
        Role::Checkbox | Role::Radio => {
            let kind = if n.role == Role::Checkbox {
                "checkbox"
            } else {
                "radio"
            };
            html! {
                <button key={id} type="button" role={kind} aria-checked={n.checked.to_string()}
                    class={classes!("wb-node", "wb-check", format!("wb-{kind}"), n.checked.then_some("wb-checked"))}
                    disabled={!n.enabled} onclick={click}
                    data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>
                    <span class="wb-check-box" aria-hidden="true"></span>
                    <span class="wb-check-label">{ &n.label }</span>
                </button>
            }
        }
        Role::RadioGroup => html! {
            <div key={id} role="radiogroup" aria-label={n.label.clone()} class="wb-node wb-radiogroup"
                data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>
                <div class="wb-radiogroup-label wb-one-line" style={format!("height: {lh}px")}>{ &n.label }</div>
                { children() }
            </div>
        },
        Role::Group => html! {
            <div key={id} class={classes!("wb-node", if n.primary { "wb-card" } else { "wb-group" })}
                data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>
                { children() }
            </div>
        },
        Role::List => html! {
            <div key={id} role="list" class="wb-node wb-list"
                data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>
                { children() }
            </div>
        },
        Role::ListItem => html! {
            <div key={id} role="listitem" class="wb-node wb-listitem"
                data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>
                { children() }
            </div>
        },
        Role::Dialog => {
            let title_px = theme.font_size * 1.25;
            html! {
                <div key={id} role="dialog" aria-modal="true" aria-label={n.label.clone()} class="wb-node wb-dialog"
                    data-node={id.to_string()} data-key={n.key.clone()} data-role={role} style={position}>
                    <h2 class="wb-dialog-title wb-one-line"
                        style={format!("font-size: {title_px}px; line-height: {}px;", line_height(title_px))}>{ &n.label }</h2>
                    { children() }
                </div>
            }
        }
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
}
