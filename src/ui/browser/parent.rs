//! The parent window of a framed page: whether there is one, its messages, and messages to it
//! (the embed's control API, `state::embed_msg`).

use super::report;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The window that frames this page, if it is framed.
fn parent() -> Option<web_sys::Window> {
    let w = web_sys::window()?;
    let p = w.parent().ok().flatten()?;
    (!js_sys::Object::is(&p, &w)).then_some(p)
}

/// Whether the page is shown inside a frame (an `<iframe>` of another page).
pub fn framed() -> bool {
    parent().is_some()
}

/// Calls `on_text` with the text of every message the parent window posts to this page: a
/// string as it is, anything else as its `JSON.stringify` text. Messages from any other window
/// (a sibling frame, a popup, the page itself) are dropped unread, as are values JSON cannot
/// write and texts longer than `max_len` UTF-16 units: their length is read on the JavaScript
/// string, so an oversized message is never copied into WebAssembly memory (its UTF-8 form is
/// at least as long, so the parser would refuse it anyway). Nothing is installed when the page
/// is not framed. The listener lives for the page. False if the browser refused to install it
/// (logged; the page cannot hear its parent).
pub fn on_message(max_len: usize, mut on_text: impl FnMut(String) + 'static) -> bool {
    let (Some(w), Some(_)) = (web_sys::window(), parent()) else {
        return true;
    };
    let listener =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let from_parent = match (ev.source(), parent()) {
                (Some(src), Some(p)) => js_sys::Object::is(&src, &p),
                _ => false,
            };
            if !from_parent {
                return;
            }
            let data = ev.data();
            let js: Option<js_sys::JsString> = match data.dyn_into::<js_sys::JsString>() {
                Ok(s) => Some(s),
                Err(data) => js_sys::JSON::stringify(&data).ok(),
            };
            // `JsString::length` is the UTF-16 length, read without copying the text.
            if let Some(t) = js.filter(|s| s.length() as usize <= max_len) {
                on_text(String::from(t));
            }
        });
    let ok = report::warn(
        "listening to the parent page's messages",
        w.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref()),
    )
    .is_some();
    listener.forget();
    ok
}

/// Posts the JSON object `json` to the parent window (any origin: the events carry only what
/// the embed shows). Does nothing when the page is not framed or `json` is not JSON.
pub fn post(json: &str) {
    if let (Some(p), Ok(v)) = (parent(), js_sys::JSON::parse(json)) {
        report::warn_once(
            "posting an event to the parent page",
            p.post_message(&v, "*"),
        );
    }
}

/// Gives the keyboard focus back to the page around the frame: this page's focused element lets
/// go and the parent window is asked to take the focus (browsers may refuse a cross-origin
/// parent; the embed's `flow:key` event for Escape tells the parent to take it itself).
pub fn give_back_focus() {
    if let Some(el) = super::page::document().and_then(|d| d.active_element()) {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            report::warn("releasing the focus", el.blur());
        }
    }
    if let Some(p) = parent() {
        report::warn("focusing the parent page", p.focus());
    }
    post(r#"{"type":"flow:key","key":"Escape"}"#);
}
