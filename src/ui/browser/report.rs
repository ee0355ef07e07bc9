//! The one path for a browser call that failed: instead of dropping its error (`let _ = …`),
//! the caller hands the `Result` here, and a failure is written to the console with what the app
//! was doing (`console.warn("Flow Playground:", context, error)`). The caller
//! gets the value back as an `Option`, so where the user must know (a file not offered, a
//! message not sent), it says so with a notice (`Ui::notify`); this module, a leaf, knows no
//! notices.
//!
//! - [`warn`]: a call made once in a while (an event, a click): every failure is logged.
//! - [`warn_once`]: a call made over and over (each frame, each pointer move): its first
//!   failure is logged, and later failures of the same `context` are not, so a broken call
//!   cannot flood the console 60 times a second.
//! - [`drawing`]: a canvas 2-D drawing call (`arc`, `ellipse`, `fill_text`, `put_image_data` …)
//!   whose arguments the app keeps valid (finite, non-negative radii): such calls throw only on
//!   bad arguments, i.e. on a bug of ours, so each kind is logged the first time, as
//!   [`warn_once`] does. Not a way to silence anything: the failure still reaches the console.

use std::sync::Mutex;

use wasm_bindgen::JsValue;

/// Contexts already logged by `warn_once` / `drawing` (a few dozen at most: a list). Not app
/// state: only what the console has already been told.
static LOGGED: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// Writes the failure to the console; the browser formats its error (name, message, stack).
fn log(context: &str, err: &JsValue) {
    web_sys::console::warn_3(&"Flow Playground:".into(), &context.into(), err);
}

/// The `name` of a DOM error (`"NotFoundError"` …), for the few callers that expect one.
pub fn error_name(err: &JsValue) -> Option<String> {
    js_sys::Reflect::get(err, &"name".into()).ok()?.as_string()
}

/// Whether `context` is logged for the first time (and remembers it).
fn first(context: &'static str) -> bool {
    let Ok(mut l) = LOGGED.lock() else {
        return true;
    };
    let new = !l.contains(&context);
    if new {
        l.push(context);
    }
    new
}

/// The value of `result`, or `None` after logging its error with `context` (what the app was
/// doing, e.g. "posting an event to the parent page").
pub fn warn<T>(context: &str, result: Result<T, JsValue>) -> Option<T> {
    result.map_err(|e| log(context, &e)).ok()
}

/// As [`warn`], but logs only the first failure of each `context` in the page's life.
pub fn warn_once<T>(context: &'static str, result: Result<T, JsValue>) -> Option<T> {
    result
        .map_err(|e| {
            if first(context) {
                log(context, &e);
            }
        })
        .ok()
}

/// A canvas 2-D drawing call whose arguments the app keeps valid (see the module doc): logged
/// the first time a `what` fails, as [`warn_once`].
pub fn drawing(what: &'static str, result: Result<(), JsValue>) {
    warn_once(what, result);
}
