//! Undo / redo of whole states: every destructive action calls [`checkpoint`] first; undo
//! restores the state before it — the link config and the training progress (Adam's moments,
//! step count, loss history), so training goes on as if the action had never happened
//! (`session/history.rs`).

use leptos::prelude::*;

use crate::ui::context::Ui;

use super::link;

fn publish(ui: Ui) {
    let ur = ui.history.with_value(|h| h.available());
    if ui.undo_redo.get_untracked() != ur {
        ui.undo_redo.set(ur);
    }
}

/// Remembers the current state before an action changes it.
pub fn checkpoint(ui: Ui) {
    let now = link::checkpoint(ui);
    ui.history.update_value(|h| h.checkpoint(now));
    publish(ui);
}

/// Goes back one state; false if there is none.
pub fn undo(ui: Ui) -> bool {
    step(ui, true)
}

/// Goes forward one state; false if there is none.
pub fn redo(ui: Ui) -> bool {
    step(ui, false)
}

fn step(ui: Ui, back: bool) -> bool {
    let now = link::checkpoint(ui);
    let target = ui
        .history
        .try_update_value(|h| if back { h.undo(now) } else { h.redo(now) })
        .flatten();
    let Some(mut cp) = target else {
        return false;
    };
    // The embed flag and hide list belong to the page, not to the history.
    cp.config.embed = ui.embed.get_untracked();
    link::restore_checkpoint(ui, &cp);
    publish(ui);
    true
}
