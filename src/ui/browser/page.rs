//! The page: its address, its history entry, media queries, the device pixel ratio, elements.

use super::report;
use wasm_bindgen::JsCast;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The fragment of the page URL (without `#`).
pub fn hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string()
}

/// The page's address without its fragment.
pub fn base_url() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// The `content` of `<meta name="{name}">`, if the page has one.
pub fn meta(name: &str) -> Option<String> {
    document()?
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()??
        .get_attribute("content")
}

/// Where the full app is: `<meta name="flow-playground-app">` of the single-file embed
/// (`embed.html`, `scripts/embed-html/build.mjs`) resolved against the page, else the page's
/// own address (the app itself).
pub fn app_url() -> String {
    let here = base_url();
    match meta("flow-playground-app") {
        Some(href) => web_sys::Url::new_with_base(&href, &here)
            .map(|u| u.href())
            .unwrap_or(here),
        None => here,
    }
}

/// The page is the single-file embed (`embed.html`): always in embed mode.
pub fn standalone() -> bool {
    meta("flow-playground-app").is_some()
}

/// Replaces the current history entry's fragment (no new entry, so dragging a slider never
/// floods the back button).
///
/// Does nothing in a document that has no address of its own (`about:srcdoc`, the notebook
/// widget's frame: a relative `#…` would resolve against the parent's address, which an
/// opaque-origin frame may not take; the widget reads the link with `flow:get-model`).
pub fn replace_hash(fragment: &str) {
    if base_url().starts_with("about:") {
        return;
    }
    if let Some(h) = window().and_then(|w| w.history().ok()) {
        let url = format!("#{fragment}");
        report::warn_once(
            "writing the link to the address bar (history.replaceState)",
            h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url)),
        );
    }
}

/// Whether a media query matches.
pub fn matches(query: &str) -> bool {
    window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The user prefers reduced motion.
pub fn reduced_motion() -> bool {
    matches("(prefers-reduced-motion: reduce)")
}

/// The user prefers a dark colour scheme.
pub fn dark() -> bool {
    matches("(prefers-color-scheme: dark)")
}

/// Device pixels per CSS pixel, clamped to `[1, max]`.
pub fn dpr(max: f64) -> f64 {
    window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, max)
}

/// The viewport's width in CSS pixels.
pub fn inner_width() -> f64 {
    window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// The document.
pub fn document() -> Option<web_sys::Document> {
    window()?.document()
}

/// The element with `id`, as type `T`.
pub fn by_id<T: JsCast>(id: &str) -> Option<T> {
    document()?.get_element_by_id(id)?.dyn_into().ok()
}

/// Every element matching `selector`, in page order, as type `T`.
pub fn all<T: JsCast>(selector: &str) -> Vec<T> {
    let Some(list) = document().and_then(|d| d.query_selector_all(selector).ok()) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<T>().ok())
        .collect()
}

/// Removes the element with `id`, if there is one.
pub fn remove_by_id(id: &str) {
    if let Some(el) = document().and_then(|d| d.get_element_by_id(id)) {
        el.remove();
    }
}

/// Sets an attribute on `<body>` (facts left for tests and the curious).
pub fn mark_body(name: &str, value: &str) {
    if let Some(body) = document().and_then(|d| d.body()) {
        report::warn("marking <body>", body.set_attribute(name, value));
    }
}

/// Asks the browser to show the page full screen (where it is allowed: not in an iframe without
/// `allow="fullscreen"`). A refusal is caught, not logged; false if it was not even possible.
pub fn request_fullscreen() -> bool {
    let Some(doc) = document() else {
        return false;
    };
    if !doc.fullscreen_enabled() {
        return false;
    }
    let Some(el) = doc.document_element() else {
        return false;
    };
    let Ok(f) = js_sys::Reflect::get(&el, &"requestFullscreen".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return false;
    };
    match f.call0(&el) {
        Ok(p) => {
            if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                let ignore =
                    wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(|_| {});
                // A refusal is an answer, not an error (the browser may deny full screen): the
                // rejection is handled by `ignore`; the promise `catch` returns is not needed.
                let _handled = p.catch(&ignore);
                // Lives until the promise settles; one small closure per request.
                ignore.forget();
            }
            true
        }
        Err(_) => false,
    }
}

/// Leaves full screen, if the page is shown full screen.
pub fn exit_fullscreen() {
    if let Some(doc) = document() {
        if doc.fullscreen_element().is_some() {
            doc.exit_fullscreen();
        }
    }
}

/// Whether the page is shown full screen.
pub fn is_fullscreen() -> bool {
    document().is_some_and(|d| d.fullscreen_element().is_some())
}

/// The page was opened with `?noworker` in its query: train on the page's thread (README,
/// "Training on the second core"; the tests compare both ways).
pub fn no_worker() -> bool {
    window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| {
            q.trim_start_matches('?')
                .split('&')
                .any(|p| p == "noworker")
        })
}

/// Asks the user `question` (OK / Cancel); false where the browser cannot ask (a sandboxed frame
/// without `allow-modals`).
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}
