//! Offering files to the user as downloads.

use super::report;
use wasm_bindgen::JsCast;

/// Offers `bytes` as a download named `name`.
pub fn bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    part(name, mime, &js_sys::Uint8Array::from(bytes))
}

/// Offers `text` as a download named `name`.
pub fn text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    part(name, mime, &wasm_bindgen::JsValue::from_str(text))
}

/// Offers a one-part blob (a string or a byte array) as a download named `name`.
fn part(name: &str, mime: &str, part: &wasm_bindgen::JsValue) -> Result<(), String> {
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_blob_sequence_and_options(&js_sys::Array::of1(part), &opts)
        .map_err(|_| "could not create the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "could not create the file".to_string())?;
    let r = url_as(name, &url);
    report::warn(
        "releasing a download's object URL",
        web_sys::Url::revoke_object_url(&url),
    );
    r
}

/// Clicks a temporary `<a download>` for `url`.
pub fn url_as(name: &str, url: &str) -> Result<(), String> {
    let doc = super::page::document().ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| "no anchor")?
        .dyn_into()
        .map_err(|_| "no anchor")?;
    a.set_href(url);
    a.set_download(name);
    a.set_hidden(true);
    doc.body()
        .ok_or("no body")?
        .append_child(&a)
        .map_err(|_| "no body")?;
    a.click();
    a.remove();
    Ok(())
}
