//! What the embedding page may ask of a framed app that changes its state: a lesson or a link's
//! state, each one undoable step, keeping the frame's embed settings (`input/embed.rs` parses the
//! messages and calls these, or the view and training actions a click calls).

use leptos::prelude::*;

use crate::state::lessons::Lesson;
use crate::state::{self, EmbedConfig};
use crate::ui::context::Ui;

use super::{history, lesson, link, training};

/// Sets `l` up, as its button does.
pub fn set_lesson(ui: Ui, l: Lesson) {
    keeping_embed(ui, || lesson::apply(ui, l));
}

/// Pauses every training the embed runs: the main flow's and, after a lesson started it, its
/// comparison's (a paused article must not keep training a flow it no longer shows moving).
pub fn pause_training(ui: Ui) {
    training::pause(ui);
    if ui.compare_training.get_untracked() {
        ui.compare_training.set(false);
    }
}

/// Shows the state of the link (or fragment) `text`: one undoable step. A notice about the
/// state it replaces (say, "Cannot train: no points") goes with that state.
pub fn load(ui: Ui, text: &str) {
    let (cfg, _ignored) = state::decode(text);
    super::view::dismiss_notice(ui);
    keeping_embed(ui, || {
        history::checkpoint(ui);
        link::apply(ui, &cfg);
    });
}

/// Runs `f` (which shows a new state) but keeps the frame's embed settings: the host page chose
/// them in its snippet, and a lesson or a link without `embed=1` must not unfold the whole app
/// inside the article.
fn keeping_embed(ui: Ui, f: impl FnOnce()) {
    let keep: EmbedConfig = ui.embed.get_untracked();
    f();
    if !ui.embed.with_untracked(|e| e.embed) {
        ui.embed.set(keep);
    }
}
