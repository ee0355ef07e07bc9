//! Reading a user's file as text (file picker or drop), refusing huge files before reading.

use wasm_bindgen::JsCast;

/// The first file of a file input's change event (the input is cleared so the same file can be
/// chosen again).
pub fn first_of_input(ev: &web_sys::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    let f = input.files()?.get(0);
    input.set_value("");
    f
}

/// The first file dropped.
pub fn first_of_drop(ev: &web_sys::DragEvent) -> Option<web_sys::File> {
    ev.data_transfer()?.files()?.get(0)
}

/// Reads `file` as text (at most `max_bytes`), then calls `then` with the text or a message.
pub fn read_text(
    file: web_sys::File,
    max_bytes: usize,
    then: impl FnOnce(Result<String, String>) + 'static,
) {
    if file.size() > max_bytes as f64 {
        then(Err(format!(
            "“{}” is {:.1} MB; files up to {} MB can be imported",
            short(&file.name()),
            file.size() / 1e6,
            max_bytes / 1_000_000
        )));
        return;
    }
    leptos::task::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string());
        then(text.ok_or_else(|| "the file could not be read as text".to_string()));
    });
}

fn short(name: &str) -> String {
    let s: String = name.chars().take(60).collect();
    if s.len() < name.len() {
        format!("{s}…")
    } else {
        s
    }
}
