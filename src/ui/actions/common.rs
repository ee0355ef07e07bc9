//! What follows every rebuild of the model and every edit of the points.

use leptos::prelude::*;

use crate::session::Stats;
use crate::ui::context::{NoticeCause, NoticeKind, Ui};

use super::compare;

/// After the model was rebuilt (new stack, target or settings): training stops, the comparison
/// follows, the stage stays within the new depth, the numbers restart, and a data problem is
/// reported.
pub fn after_rebuild(ui: Ui, result: Result<(), String>) {
    ui.training.set(false);
    compare::retarget(ui);
    let k = ui.session.with_value(|s| s.k()) as f64;
    if ui.stage.get_untracked() > k {
        ui.stage.set(k);
    }
    ui.stats.set(Stats::default());
    if let Err(msg) = result {
        ui.notify_while(
            NoticeCause::DataProblem,
            NoticeKind::Error,
            format!("Training is off until the data is usable: {msg}"),
        );
    }
    ui.bump();
}

/// After the points changed (a stroke, a clear, an import): the comparison follows, and
/// training stops if the points cannot be trained on.
pub fn after_points_edit(ui: Ui) {
    compare::retarget(ui);
    if ui.session.with_value(|s| s.data_problem().is_some()) {
        ui.training.set(false);
    }
    ui.bump();
}
