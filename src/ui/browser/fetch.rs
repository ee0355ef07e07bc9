//! Fetching a text file from the app's own site (the single-file embed, `embed.html`).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The text at `url` (relative to the page), or why not.
pub async fn text(url: &str) -> Result<String, String> {
    let w = web_sys::window().ok_or("no window")?;
    let failed = |_| format!("could not fetch {url} from the app's site");
    let resp: web_sys::Response = JsFuture::from(w.fetch_with_str(url))
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    if !resp.ok() {
        return Err(format!("{url}: the server answered {}", resp.status()));
    }
    JsFuture::from(resp.text().map_err(failed)?)
        .await
        .map_err(failed)?
        .as_string()
        .ok_or_else(|| format!("{url} is not text"))
}
