//! The Share & export panel: copy link, embed snippet, PNG, points and model files, imports.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::{self, MAX_IMPORT_BYTES};

use super::gif_export;
use super::persist;
use super::state::{NoticeKind, Ui};

/// Read a user-chosen file as text, refusing huge files before reading them.
fn read_file(ui: Ui, file: web_sys::File, then: impl FnOnce(String) + 'static) {
    if file.size() > MAX_IMPORT_BYTES as f64 {
        ui.notify(
            NoticeKind::Error,
            format!(
                "“{}” is {:.1} MB; files up to {} MB can be imported. Nothing was changed.",
                short(&file.name()),
                file.size() / 1e6,
                MAX_IMPORT_BYTES / 1_000_000
            ),
        );
        return;
    }
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string())
        {
            Some(text) => then(text),
            None => ui.notify(
                NoticeKind::Error,
                "The file could not be read as text. Nothing was changed.",
            ),
        }
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

fn first_file(ev: &web_sys::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    let f = input.files()?.get(0);
    input.set_value("");
    f
}

/// Import points from a file dropped on the canvas (appends: nothing drawn is lost).
pub fn on_drop(ui: Ui, ev: web_sys::DragEvent) {
    ev.prevent_default();
    let Some(file) = ev
        .data_transfer()
        .and_then(|d| d.files())
        .and_then(|f| f.get(0))
    else {
        return;
    };
    read_file(ui, file, move |text| {
        if text.contains("\"layers\"") {
            persist::import_model_text(ui, &text);
        } else {
            persist::import_points_text(ui, &text, false);
        }
    });
}

fn copy_text(ui: Ui, text: String, what: &'static str) {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return;
    };
    let promise = nav.clipboard().write_text(&text);
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => ui.notify(NoticeKind::Info, format!("{what} copied to the clipboard.")),
            Err(_) => ui.notify(
                NoticeKind::Info,
                format!("{what} is shown below; select it and copy it."),
            ),
        }
    });
}

/// The panel.
#[component]
pub fn SharePanel(ui: Ui) -> impl IntoView {
    let shown = RwSignal::new(String::new());
    let replace = RwSignal::new(false);
    let report = move |r: Result<(), String>| {
        if let Err(e) = r {
            ui.notify(NoticeKind::Error, format!("Export failed: {e}"));
        }
    };
    view! {
        <section class="panel" class:hidden=move || ui.hidden("share")>
            <h2>"Share & export"</h2>
            <div class="row">
                <button id="copy-link" on:click=move |_| match persist::share_url(ui) {
                    Ok(url) => {
                        shown.set(url.clone());
                        copy_text(ui, url, "The link");
                    }
                    Err(m) => ui.notify(NoticeKind::Warn, m),
                }>"Copy link"</button>
                <button id="embed-button" on:click=move |_| match persist::embed_snippet(ui) {
                    Ok(s) => {
                        shown.set(s.clone());
                        copy_text(ui, s, "The embed snippet");
                    }
                    Err(m) => ui.notify(NoticeKind::Warn, m),
                }>"Embed"</button>
                <button id="png-button" on:click=move |_| report(persist::export_png(ui, 1.0))>"PNG"</button>
                <button id="png2-button" on:click=move |_| report(persist::export_png(ui, 2.0))>"PNG 2×"</button>
            </div>
            <div class="row">
                <button
                    id="gif-layers"
                    title="An animated GIF of the density passing through every layer, stage 0 to K"
                    disabled=move || ui.gif.get().is_some()
                    on:click=move |_| gif_export::start_layers(ui)
                >"GIF: layers"</button>
                <button
                    id="gif-training"
                    title="An animated GIF of 8 seconds of training, at the model stage"
                    disabled=move || ui.gif.get().is_some()
                    on:click=move |_| gif_export::start_training(ui)
                >"GIF: 8 s of training"</button>
                <Show when=move || ui.gif.get().is_some()>
                    <button on:click=move |_| gif_export::cancel(ui)>"Cancel GIF"</button>
                </Show>
            </div>
            <p id="gif-status" class="muted small" aria-live="polite">{move || ui.gif.get().unwrap_or_default()}</p>
            <Show when=move || !shown.get().is_empty()>
                <textarea id="share-text" class="share-text" readonly aria-label="Link or embed snippet" prop:value=move || shown.get()></textarea>
            </Show>
            <div class="row">
                <button on:click=move |_| {
                    report(persist::download("points.csv", "text/csv", &state::points_to_csv(&ui.session.with_value(|s| s.points.clone()))))
                }>"Points CSV"</button>
                <button on:click=move |_| {
                    report(persist::download("points.json", "application/json", &state::points_to_json(&ui.session.with_value(|s| s.points.clone()))))
                }>"Points JSON"</button>
                <button on:click=move |_| {
                    let json = ui.session.with_value(|s| state::model_to_json(s.trainer.flow().kinds(), s.trainer.flow().params()));
                    match json {
                        Some(j) => report(persist::download("model.json", "application/json", &j)),
                        None => ui.notify(NoticeKind::Error, "The model could not be exported."),
                    }
                }>"Model JSON"</button>
            </div>
            <div class="row">
                <label class="file-button">
                    "Import points…"
                    <input
                        id="import-points"
                        type="file"
                        accept=".csv,.json,.txt,text/csv,application/json"
                        on:change=move |ev| {
                            if let Some(f) = first_file(&ev) {
                                read_file(ui, f, move |text| persist::import_points_text(ui, &text, replace.get_untracked()));
                            }
                        }
                    />
                </label>
                <label class="file-button">
                    "Import model…"
                    <input
                        id="import-model"
                        type="file"
                        accept=".json,application/json"
                        on:change=move |ev| {
                            if let Some(f) = first_file(&ev) {
                                read_file(ui, f, move |text| persist::import_model_text(ui, &text));
                            }
                        }
                    />
                </label>
                <label class="inline">
                    <input type="checkbox" prop:checked=move || replace.get() on:change=move |ev| replace.set(event_target_checked(&ev)) />
                    " Replace current points"
                </label>
            </div>
            <p class="muted small">"Tip: drop a CSV or JSON file on the canvas to add its points. The page keeps your work in this browser; the address bar always holds a link to exactly this view."</p>
        </section>
    }
}
