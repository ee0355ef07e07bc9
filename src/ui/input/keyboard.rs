//! Keyboard shortcuts: space trains / pauses, → one training step, r resets, p plays the
//! timeline, `,` and `.` move one layer, Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) undo and redo, Esc
//! cancels placing a layer or closes the selection. Ignored while typing in a field (fields keep
//! their own undo).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::ui::actions::{history, stack, training, view};
use crate::ui::model::Ui;

/// Installs the shortcuts for the page's lifetime.
pub fn install(ui: Ui) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        let el = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let tag = el.as_ref().map(|e| e.tag_name()).unwrap_or_default();
        let in_field = matches!(tag.as_str(), "INPUT" | "TEXTAREA");
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
        if key == "Escape" {
            stack::escape(ui);
            return;
        }
        if in_field || matches!(tag.as_str(), "SELECT" | "BUTTON") {
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
            _ => {}
        }
    });
    std::mem::forget(handle);
}
