//! Helpers for form fields.

use wasm_bindgen::JsCast;

/// Puts `value` back into the input of `ev` (after a change the app refused, the field shows
/// the value that was kept).
pub fn revert(ev: &web_sys::Event, value: String) {
    if let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        if input.value() != value {
            input.set_value(&value);
        }
    }
}
