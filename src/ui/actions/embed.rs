//! What the embedding page may ask of a framed app that changes its state: a lesson, a link's
//! state or the points, each one undoable step, keeping the frame's embed settings; and what it
//! may read back: the model, the link and the points (`input/embed.rs` parses the messages and
//! calls these, or the view and training actions a click calls).

use leptos::prelude::*;

use crate::state::embed_msg::EmbedEvent;
use crate::state::import::ImportMode;
use crate::state::lessons::Lesson;
use crate::state::{self, EmbedConfig};
use crate::ui::context::{NoticeKind, Ui};

use super::{common, history, lesson, link, training};

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

/// Fits `points` (already checked: finite, within range, not too many): they replace the
/// current points or a preset's cloud, as an import that replaces does (one undoable step).
pub fn set_points(ui: Ui, points: &[[f64; 2]]) {
    history::checkpoint(ui);
    let cap = ui
        .session
        .try_update_value(|s| s.import_points(points, ImportMode::Replace))
        .flatten();
    common::after_points_edit(ui);
    if let Some(w) = cap {
        ui.notify(NoticeKind::Warn, w.to_string());
    }
}

/// The reply to `flow:get-model`: the model file's text, the link that opens this state as the
/// full app (`None` when it is too long for a link), and the points.
pub fn model_event(ui: Ui) -> EmbedEvent {
    let (json, points) = ui.session.with_value(|s| {
        let f = s.flow();
        (
            state::model_to_json(f.kinds(), f.params(), f.direction()),
            s.points().to_vec(),
        )
    });
    let url = link::full_page_url(ui);
    let fits = url
        .split_once('#')
        .is_some_and(|(_, frag)| state::link_fit(frag).fits());
    EmbedEvent::Model {
        json,
        link: fits.then_some(url),
        points,
    }
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
