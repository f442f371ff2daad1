//! Small pieces of browser glue for the agent player: a cancellable timeout, a millisecond clock,
//! reading the text of a file a person picked, and offering text as a file download. Outside a browser (native builds and tests) the
//! timer never fires, the clock reads 0 and no file can be picked.

use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;

    /// An `<input type="file">`, as far as the app reads it.
    pub type FileInput;
    #[wasm_bindgen(method, getter)]
    fn files(this: &FileInput) -> Option<FileList>;
    #[wasm_bindgen(method, setter)]
    fn set_value(this: &FileInput, value: &str);

    type FileList;
    #[wasm_bindgen(method)]
    fn item(this: &FileList, index: u32) -> Option<PickedFile>;

    type PickedFile;
    #[wasm_bindgen(method)]
    fn text(this: &PickedFile) -> TextPromise;
    #[wasm_bindgen(method, getter)]
    fn size(this: &PickedFile) -> f64;
    #[wasm_bindgen(method, getter)]
    fn name(this: &PickedFile) -> String;

    type TextPromise;
    #[wasm_bindgen(method)]
    fn then(this: &TextPromise, ok: &JsValue, err: &JsValue) -> TextPromise;
}

/// Milliseconds from a fixed origin (the page's clock); 0 outside a browser.
pub fn now_ms() -> f64 {
    if cfg!(target_arch = "wasm32") {
        performance_now()
    } else {
        0.0
    }
}

/// A pending `setTimeout`, cancelled when dropped.
pub struct Timer {
    handle: i32,
    cancelled: Rc<Cell<bool>>,
}

impl Timer {
    /// Calls `then` once after `ms` milliseconds, unless the timer is dropped first.
    pub fn new(ms: u32, then: impl FnOnce() + 'static) -> Option<Timer> {
        if !cfg!(target_arch = "wasm32") {
            return None;
        }
        let window = web_sys::window()?;
        let cancelled = Rc::new(Cell::new(false));
        let flag = cancelled.clone();
        let callback = Closure::once_into_js(move || {
            if !flag.get() {
                then();
            }
        });
        let handle = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.unchecked_ref(),
                i32::try_from(ms).unwrap_or(i32::MAX),
            )
            .ok()?;
        Some(Timer { handle, cancelled })
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.cancelled.set(true);
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(self.handle);
        }
    }
}

/// Reads the first file picked in `input` as text and hands its name and text (or why it could
/// not be read) to `then`; clears the input so that picking the same file again reads it again. A file over
/// `limit` bytes is refused without being read (`what` names the kind of file in the message).
pub fn read_picked_file(
    input: &FileInput,
    what: &'static str,
    limit: usize,
    then: impl FnOnce(Result<(String, String), String>) + 'static,
) {
    let Some(file) = input.files().and_then(|f| f.item(0)) else {
        return;
    };
    input.set_value("");
    if let Err(e) = wobble_engine::limits::check_size(what, file.size() as u64, limit) {
        return then(Err(e));
    }
    let name = file.name();
    let then = Rc::new(Cell::new(Some(then)));
    let (ok_then, err_then) = (then.clone(), then);
    let ok = Closure::once_into_js(move |text: JsValue| {
        if let Some(f) = ok_then.take() {
            f(text
                .as_string()
                .map(|text| (name, text))
                .ok_or_else(|| "the file is not text".to_string()));
        }
    });
    let err = Closure::once_into_js(move |e: JsValue| {
        if let Some(f) = err_then.take() {
            f(Err(format!("the file could not be read ({e:?})")));
        }
    });
    let _ = file.text().then(&ok, &err);
}

/// Offers `text` as a file download named `name`, of the MIME type `mime`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |_| "the download could not be started".to_string();
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "no link element".to_string())?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
