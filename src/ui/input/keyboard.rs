//! Keyboard shortcuts (the list the `?` help shows, `panels::help::SHORTCUTS`): space trains /
//! pauses, → one training step, r resets, p plays the timeline, `,` and `.` move one layer, f
//! presenter mode, ? the help, Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) undo and redo, Esc closes the
//! help, leaves presenter mode, cancels placing a layer or closes the selection. Ignored while
//! typing in a field (fields keep their own undo). In an embed, a slide deck's keys (arrows,
//! Space, Page Up/Down, Home/End) go to the parent page unless a control has focus, and Esc gives
//! the focus back to it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::ui::actions::{history, stack, training, view};
use crate::ui::browser::{parent, report};
use crate::ui::context::Ui;

/// The keys a slide deck moves with: an embed hands them to its parent page (`flow:key`).
pub const DECK_KEYS: [&str; 9] = [
    "ArrowRight",
    "ArrowLeft",
    "ArrowUp",
    "ArrowDown",
    " ",
    "PageUp",
    "PageDown",
    "Home",
    "End",
];

/// Whether `el` is (inside) a control or a canvas with focus of its own.
fn on_control(el: Option<&web_sys::Element>) -> bool {
    el.and_then(|e| {
        e.closest("button, input, select, textarea, a[href], [tabindex], canvas")
            .ok()
            .flatten()
    })
    .is_some()
}

/// Installs the shortcuts for the page's lifetime.
pub fn install(ui: Ui) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        let el = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let tag = el.as_ref().map(|e| e.tag_name()).unwrap_or_default();
        let input_type = el
            .as_ref()
            .and_then(|e| e.get_attribute("type"))
            .unwrap_or_default();
        let in_field = matches!(tag.as_str(), "INPUT" | "TEXTAREA");
        // Text fields and menus take every key; buttons and sliders only the keys they use
        // themselves (Space and Enter press a button, arrows move a slider).
        let typing = matches!(tag.as_str(), "TEXTAREA" | "SELECT")
            || (tag == "INPUT" && !matches!(input_type.as_str(), "range" | "checkbox"));
        let key = ev.key();
        if (ev.ctrl_key() || ev.meta_key()) && !ev.alt_key() {
            if in_field {
                return;
            }
            let done = match key.to_ascii_lowercase().as_str() {
                "z" if ev.shift_key() => Some(history::redo(ui)),
                "z" => Some(history::undo(ui)),
                "y" => Some(history::redo(ui)),
                _ => None,
            };
            if done.is_some() {
                ev.prevent_default();
            }
            return;
        }
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let embedded = ui.embed.with_untracked(|e| e.embed);
        if key == "Escape" {
            if ui.help.get_untracked() {
                view::close_help(ui);
            } else if ui.presenter.get_untracked() {
                view::exit_presenter(ui);
            } else {
                stack::escape(ui);
                if embedded {
                    // Focus goes back to the page around the frame (a slide deck).
                    parent::give_back_focus();
                }
            }
            return;
        }
        // An embed never keeps a slide deck's keys: unless a control or the canvas has focus,
        // they go to the parent page (README, "Embed it in slides").
        if embedded && DECK_KEYS.contains(&key.as_str()) && !on_control(el.as_ref()) {
            parent::post(&format!(r#"{{"type":"flow:key","key":"{key}"}}"#));
            return;
        }
        let own_key = matches!(key.as_str(), " " | "Enter" | "ArrowRight" | "ArrowLeft");
        if typing || (own_key && matches!(tag.as_str(), "BUTTON" | "INPUT")) {
            return;
        }
        match key.as_str() {
            " " => {
                ev.prevent_default();
                training::toggle(ui);
            }
            "ArrowRight" => {
                ev.prevent_default();
                training::single_step(ui);
            }
            "r" | "R" => training::reset(ui),
            "p" | "P" => view::toggle_play(ui),
            "." => view::step_layer(ui, 1),
            "," => view::step_layer(ui, -1),
            "f" | "F" => view::toggle_presenter(ui),
            "?" => view::toggle_help(ui),
            _ => {}
        }
    });
    std::mem::forget(handle);
    // Leaving full screen (Esc, the browser's own controls) ends presenter mode.
    if let Some(doc) = crate::ui::browser::page::document() {
        let cb = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            view::fullscreen_changed(ui)
        });
        report::warn(
            "listening for leaving full screen",
            doc.add_event_listener_with_callback("fullscreenchange", cb.as_ref().unchecked_ref()),
        );
        // The listener lives as long as the page.
        cb.forget();
    }
}
