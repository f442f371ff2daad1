//! A text `<input>` that shows the state's value without fighting the person typing in it.
//!
//! A plain controlled input would be reset to the state's value on every render, wiping text
//! typed but not yet sent (it is sent when the field changes, i.e. on leaving it, or on Enter).
//! So the element's value is written only when the state's value itself changes (or the field
//! is first drawn), and is otherwise left to the person.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`TextField`].
#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// The element id, if it has one.
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// `text`, `password` or `number`.
    pub kind: &'static str,
    /// The state's value.
    pub value: AttrValue,
    /// Shown while empty.
    #[prop_or_default]
    pub placeholder: AttrValue,
    /// Greyed out.
    #[prop_or_default]
    pub disabled: bool,
    /// CSS classes.
    #[prop_or_default]
    pub class: Classes,
    /// Inline style.
    #[prop_or_default]
    pub style: AttrValue,
    /// `data-node`, `data-key` and `data-role`.
    pub data: (u32, String, &'static str),
    /// The text changed (the field was left with new text in it).
    pub onchange: Callback<String>,
    /// Enter was pressed; carries the field's text.
    pub onenter: Callback<String>,
}

/// One line of typed text.
#[function_component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let element = use_node_ref();
    {
        let element = element.clone();
        use_effect_with(props.value.clone(), move |value| {
            if let Some(input) = element.cast::<HtmlInputElement>() {
                if input.value() != value.as_str() {
                    input.set_value(value);
                }
            }
        });
    }
    let onchange = props
        .onchange
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().value());
    let onkeydown = {
        let onenter = props.onenter.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && !e.is_composing() {
                e.prevent_default();
                onenter.emit(e.target_unchecked_into::<HtmlInputElement>().value());
            }
        })
    };
    let (node, key, role) = &props.data;
    html! {
        <input ref={element} id={props.id.clone()} class={props.class.clone()} style={props.style.clone()}
            type={props.kind} placeholder={props.placeholder.clone()} disabled={props.disabled}
            step={(props.kind == "number").then_some("any")} autocomplete="off" spellcheck="false"
            {onchange} {onkeydown} data-node={node.to_string()} data-key={key.clone()} data-role={*role} />
    }
}
