//! `window.wobble`: a handle through which a script outside the app (the browser console, an
//! extension, a test driver, a page embedding Wobble) drives the visible site, with the same
//! JSON shapes as the agent protocol (`docs/agent-protocol.md`). Its steps are drawn like the
//! built-in agent's: the cursor travels to the target, then clicks or types; the built-in agent
//! stops driving while the script does.
//!
//! ```js
//! const obs = await wobble.observe();            // the observation: instruction, elements, actions
//! const step = await wobble.step(obs.actions[0]); // { type: "step", reward, terminated, ... }
//! await wobble.reset(7);                         // a new episode of seed 7 (or the next seed)
//! ```
//!
//! Every method returns a Promise; a bad call (an action that does not fit the page, a step
//! while the previous one is still on its way) rejects with an `Error` that says what and where.
//! The replies and the error messages are the agent protocol's own (`wobble_engine::protocol`,
//! through `crate::session::External`), as `wobble agent` and the JavaScript module give them;
//! turning JavaScript values into JSON (and a seed) goes through `wobble_js_values`, which the
//! JavaScript module uses too.
//!
//! Data flow: a call gets a number, its Promise's resolve and reject functions are kept here, and
//! the call goes to the session as `ExternalChange::Call`. The session answers into its
//! `external.replies` (at once, or once the cursor has arrived and the step is taken); the app
//! hands each answer back with [`deliver`] and clears them.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use js_sys::{Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

use crate::session::{Change, ExternalCall, ExternalChange};
use wobble_engine::protocol;

thread_local! {
    /// The Promises still waiting for their answers, by call number.
    static WAITING: RefCell<HashMap<u64, (Function, Function)>> = RefCell::new(HashMap::new());
    /// The next call's number.
    static NEXT_CALL: Cell<u64> = const { Cell::new(1) };
}

/// Puts `window.wobble` in place; calls go to the session through `dispatch`.
pub fn install(dispatch: Callback<Change>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let handle = Object::new();
    let observe = {
        let dispatch = dispatch.clone();
        Closure::<dyn Fn() -> Promise>::new(move || call(&dispatch, Ok(ExternalCall::Observe)))
    };
    let step = {
        let dispatch = dispatch.clone();
        Closure::<dyn Fn(JsValue) -> Promise>::new(move |action: JsValue| {
            // A value that is not JSON is reported by the session, after the protocol's own
            // check that the episode runs (the JavaScript module's order).
            call(&dispatch, Ok(ExternalCall::Step(json_text(&action))))
        })
    };
    let reset = Closure::<dyn Fn(JsValue) -> Promise>::new(move |seed: JsValue| {
        call(&dispatch, seed_of(&seed).map(ExternalCall::Reset))
    });
    let methods: [(&str, &JsValue); 3] = [
        ("observe", observe.as_ref()),
        ("step", step.as_ref()),
        ("reset", reset.as_ref()),
    ];
    for (name, method) in methods {
        let _ = Reflect::set(&handle, &name.into(), method);
    }
    let _ = Reflect::set(
        &handle,
        &"protocolVersion".into(),
        &protocol::VERSION.into(),
    );
    // The page's own wasm memory in bytes (the endurance test watches it).
    let memory = Closure::<dyn Fn() -> f64>::new(|| wobble_app::agent::memory_bytes() as f64);
    let _ = Reflect::set(&handle, &"memoryBytes".into(), memory.as_ref());
    memory.forget();
    let _ = Reflect::set(&window, &"wobble".into(), &handle);
    // They live as long as the page.
    observe.forget();
    step.forget();
    reset.forget();
}

/// `reset()`'s seed: none (absent or null), a whole number from 0 to `Number.MAX_SAFE_INTEGER`,
/// or a `BigInt`, worded as the JavaScript module's `reset` words it.
fn seed_of(value: &JsValue) -> Result<Option<u64>, String> {
    wobble_js_values::seed_of(Some(value)).map_err(|e| format!("reset: {e}"))
}

/// A step's action as JSON text, or why it cannot be read (the JavaScript module's words).
fn json_text(action: &JsValue) -> Result<String, String> {
    if action.is_undefined() {
        return Err("no action was given; pass one such as {kind: \"click\", id: 3}".to_string());
    }
    wobble_js_values::json_text(action, "the action")
}

/// Sends a call to the session and returns its Promise (rejected at once if the call is bad).
fn call(dispatch: &Callback<Change>, request: Result<ExternalCall, String>) -> Promise {
    let number = NEXT_CALL.with(|n| {
        let number = n.get();
        n.set(number + 1);
        number
    });
    let mut settle = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let Some((resolve, reject)) = settle else {
        return promise;
    };
    match request {
        Ok(request) => {
            WAITING.with(|w| w.borrow_mut().insert(number, (resolve, reject)));
            dispatch.emit(ExternalChange::Call(number, request).into());
        }
        Err(message) => {
            let _ = reject.call1(&JsValue::NULL, &js_sys::Error::new(&message));
        }
    }
    promise
}

/// Hands the session's answers back to their Promises; returns the highest call number seen.
pub fn deliver(replies: &[(u64, Result<String, String>)]) -> Option<u64> {
    for (number, reply) in replies {
        let Some((resolve, reject)) = WAITING.with(|w| w.borrow_mut().remove(number)) else {
            continue;
        };
        let _ = match reply {
            Ok(text) => match JSON::parse(text) {
                Ok(value) => resolve.call1(&JsValue::NULL, &value),
                Err(e) => reject.call1(&JsValue::NULL, &e),
            },
            Err(message) => {
                reject.call1(&JsValue::NULL, js_sys::Error::new(message).unchecked_ref())
            }
        };
    }
    replies.iter().map(|(n, _)| *n).max()
}
