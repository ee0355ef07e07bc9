//! Writing text to the clipboard.

/// Copies `text`; calls `then(true)` when it was copied, `then(false)` when the browser refused.
pub fn copy(text: &str, then: impl FnOnce(bool) + 'static) {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        then(false);
        return;
    };
    let promise = nav.clipboard().write_text(text);
    leptos::task::spawn_local(async move {
        then(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}
