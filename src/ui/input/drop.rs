//! Files dropped on the canvas: a model file loads as a model, anything else imports as points.

use crate::state::MAX_IMPORT_BYTES;
use crate::ui::actions::data;
use crate::ui::browser::files;
use crate::ui::context::Ui;

/// A drop on the canvas.
pub fn on_drop(ui: Ui, ev: web_sys::DragEvent) {
    ev.prevent_default();
    let Some(file) = files::first_of_drop(&ev) else {
        return;
    };
    files::read_text(file, MAX_IMPORT_BYTES, move |r| match r {
        Ok(text) => data::import_dropped_text(ui, &text),
        Err(why) => data::import_failed(ui, &why),
    });
}
