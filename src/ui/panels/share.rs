//! The Share & export panel: copy the link, the embed snippet, PNG, GIF and video exports, points and
//! model files, imports.

use leptos::prelude::*;

use crate::state::MAX_IMPORT_BYTES;
use crate::ui::actions::{data, export, gif, link};
use crate::ui::browser::{clipboard, files};
use crate::ui::context::{use_ui, NoticeKind, Ui};

use super::video::VideoExport;

/// Shows `text` for copying and tries the clipboard.
fn offer(ui: Ui, shown: RwSignal<String>, text: String, what: &'static str) {
    shown.set(text.clone());
    clipboard::copy(&text, move |ok| {
        if ok {
            ui.notify(NoticeKind::Info, format!("{what} copied to the clipboard."));
        } else {
            ui.notify(
                NoticeKind::Info,
                format!("{what} is shown below; select it and copy it."),
            );
        }
    });
}

/// The panel.
#[component]
pub fn SharePanel() -> impl IntoView {
    let ui = use_ui();
    let shown = RwSignal::new(String::new());
    let replace = RwSignal::new(false);
    let import = move |ev: web_sys::Event, model: bool| {
        let Some(file) = files::first_of_input(&ev) else {
            return;
        };
        let replace = replace.get_untracked();
        files::read_text(file, MAX_IMPORT_BYTES, move |r| match r {
            Ok(text) if model => data::import_model_text(ui, &text),
            Ok(text) => data::import_points_text(ui, &text, replace),
            Err(why) => data::import_failed(ui, &why),
        });
    };
    view! {
        <section class="panel" class:hidden=move || ui.hidden("share")>
            <h2>"Share & export"</h2>
            <div class="row">
                <button id="copy-link" on:click=move |_| {
                    match link::share_url(ui) {
                        Ok(url) => offer(ui, shown, url, "The link"),
                        Err(m) => ui.notify(NoticeKind::Warn, m),
                    }
                }>"Copy link"</button>
                <button id="embed-button" on:click=move |_| {
                    match link::embed_snippet(ui) {
                        Ok(s) => offer(ui, shown, s, "The embed snippet"),
                        Err(m) => ui.notify(NoticeKind::Warn, m),
                    }
                }>"Embed"</button>
                <button id="png-button" on:click=move |_| { export::png(ui, 1.0) }>"PNG"</button>
                <button id="png2-button" on:click=move |_| { export::png(ui, 2.0) }>"PNG 2×"</button>
            </div>
            <div class="row">
                <button
                    id="course-button"
                    title="An iframe for Canvas, Moodle and other course platforms, whose sandbox gives frames no origin: the single-file embed (embed.html) draws there"
                    on:click=move |_| {
                        match link::course_snippet(ui) {
                            Ok(s) => offer(ui, shown, s, "The course-platform snippet"),
                            Err(m) => ui.notify(NoticeKind::Warn, m),
                        }
                    }
                >"Embed in a course platform"</button>
                <button
                    id="single-file-button"
                    title="One HTML file with the app and this state inside, to upload to a course platform's file area"
                    on:click=move |_| { export::single_file(ui) }
                >"Single HTML file"</button>
            </div>
            {move || ui.link_note.get().map(|m| view! { <p class="link-note" id="link-note" role="status">{m}</p> })}
            <div class="row">
                <button
                    id="gif-layers"
                    title="An animated GIF of the density passing through every layer, stage 0 to K"
                    disabled=move || ui.gif_status.get().is_some()
                    on:click=move |_| { gif::start_layers(ui) }
                >"GIF: layers"</button>
                <button
                    id="gif-training"
                    title="An animated GIF of 8 seconds of training, at the model stage"
                    disabled=move || ui.gif_status.get().is_some()
                    on:click=move |_| { gif::start_training(ui) }
                >"GIF: 8 s of training"</button>
                <Show when=move || ui.gif_status.get().is_some()>
                    <button on:click=move |_| { gif::cancel(ui) }>"Cancel GIF"</button>
                </Show>
            </div>
            <p id="gif-status" class="muted small" aria-live="polite">{move || ui.gif_status.get().unwrap_or_default()}</p>
            <VideoExport />
            <Show when=move || !shown.get().is_empty()>
                <textarea id="share-text" class="share-text" readonly aria-label="Link or embed snippet" prop:value=move || shown.get()></textarea>
            </Show>
            <div class="row">
                <button on:click=move |_| { export::points_csv(ui) }>"Points CSV"</button>
                <button on:click=move |_| { export::points_json(ui) }>"Points JSON"</button>
                <button on:click=move |_| { export::model_json(ui) }>"Model JSON"</button>
            </div>
            <div class="row">
                <label class="file-button">
                    "Import points…"
                    <input
                        id="import-points"
                        type="file"
                        accept=".csv,.json,.txt,text/csv,application/json"
                        on:change=move |ev| { import(ev, false)
                    }/>
                </label>
                <label class="file-button">
                    "Import model…"
                    <input
                        id="import-model"
                        type="file"
                        accept=".json,application/json"
                        on:change=move |ev| { import(ev, true)
                    }/>
                </label>
                <label class="inline">
                    <input type="checkbox" prop:checked=move || replace.get() on:change=move |ev| { replace.set(event_target_checked(&ev)) }/>
                    " Replace drawn points too"
                </label>
            </div>
            <p class="muted small">"Imported points replace a preset cloud and join points you drew. Tip: drop a CSV or JSON file on the canvas to import it. The page keeps your work in this browser; the address bar always holds a link to exactly this view."</p>
        </section>
    }
}
