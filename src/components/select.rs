//! A `<select>` whose choice always shows the state's, not whatever the browser last had.
//!
//! An `<option selected>` attribute stops steering the choice once a person has picked an option
//! (the browser then keeps its own), so after every render the chosen index is also set on the
//! element itself. With a placeholder, an empty choice shows the placeholder first.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Props of [`Select`].
#[derive(Properties, PartialEq)]
pub struct SelectProps {
    /// The element id.
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// CSS classes.
    #[prop_or_default]
    pub class: Classes,
    /// Inline style.
    #[prop_or_default]
    pub style: Option<AttrValue>,
    /// Greyed out.
    #[prop_or_default]
    pub disabled: bool,
    /// The options' texts.
    pub options: Vec<String>,
    /// The chosen option; `None` shows the placeholder (or nothing).
    pub chosen: Option<usize>,
    /// First option shown while nothing is chosen (never sent).
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    /// `data-node`, `data-key` and `data-role`, for drawn site elements.
    #[prop_or_default]
    pub data: Option<(u32, String, &'static str)>,
    /// An option was picked (its index into `options`).
    pub onchoose: Callback<usize>,
}

/// A controlled drop-down.
#[function_component]
pub fn Select(props: &SelectProps) -> Html {
    let element = use_node_ref();
    let show_placeholder = props.placeholder.is_some() && props.chosen.is_none();
    let index = match props.chosen {
        Some(i) => i as i32 + i32::from(show_placeholder),
        None if show_placeholder => 0,
        None => -1,
    };
    {
        let element = element.clone();
        use_effect(move || {
            if let Some(select) = element.cast::<HtmlSelectElement>() {
                if select.selected_index() != index {
                    select.set_selected_index(index);
                }
            }
        });
    }
    let onchange = {
        let onchoose = props.onchoose.clone();
        Callback::from(move |e: Event| {
            let picked = e
                .target_unchecked_into::<HtmlSelectElement>()
                .selected_index()
                - i32::from(show_placeholder);
            if let Ok(i) = usize::try_from(picked) {
                onchoose.emit(i);
            }
        })
    };
    let (node, key, role) = match &props.data {
        Some((n, k, r)) => (Some(n.to_string()), Some(k.clone()), Some(*r)),
        None => (None, None, None),
    };
    html! {
        <select ref={element} id={props.id.clone()} class={props.class.clone()} style={props.style.clone()}
            disabled={props.disabled} {onchange} data-node={node} data-key={key} data-role={role}>
            if show_placeholder {
                <option selected=true>{ props.placeholder.clone().unwrap_or_default() }</option>
            }
            { for props.options.iter().enumerate().map(|(i, o)| html! {
                <option selected={props.chosen == Some(i)}>{ o }</option>
            }) }
        </select>
    }
}
