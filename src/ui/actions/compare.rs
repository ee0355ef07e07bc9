//! The comparison beside the main view: open it for the current target, close it, train it.

use leptos::prelude::*;

use crate::session::worker_protocol::Snapshot;
use crate::session::CompareRun;
use crate::state::Compare;
use crate::ui::browser::now_ms;
use crate::ui::context::{NoticeKind, Ui};

/// Opens the comparison `which` for the session's target and depth (paused, fresh weights).
pub fn start(ui: Ui, which: Compare) {
    match ui.session.with_value(|s| CompareRun::new(s, which)) {
        Ok(run) => {
            // The full captions at once (label, step 0, parameter count): not the bare labels
            // until the first panel is painted.
            ui.compare_captions.set(run.captions());
            ui.compare_run.set_value(Some(run));
            ui.compare_epoch.update_value(|e| *e += 1);
            ui.compare.set(Some(which));
            ui.compare_training.set(false);
            super::view::open_panel(ui, crate::ui::context::Panel::Compare);
        }
        Err(e) => {
            stop(ui);
            ui.notify(
                NoticeKind::Warn,
                format!("The comparison needs usable training data: {e}"),
            );
        }
    }
}

/// Closes the comparison.
pub fn stop(ui: Ui) {
    ui.compare_run.set_value(None);
    ui.compare_training.set(false);
    if ui.compare.get_untracked().is_some() {
        ui.compare.set(None);
        if ui.panel.get_untracked() == crate::ui::context::Panel::Compare {
            super::view::open_panel(ui, crate::ui::context::Panel::Lessons);
        }
    }
}

/// Opens `which`, or closes it if it (any size of it) is the one open.
pub fn toggle(ui: Ui, which: Compare) {
    if ui.compare.get_untracked().map(Compare::menu_entry) == Some(which.menu_entry()) {
        stop(ui);
    } else {
        start(ui, which);
    }
}

/// Switches the open comparison to another size of it (the residual comparison's K = M), from
/// fresh weights, training on if it was training.
pub fn resize(ui: Ui, which: Compare) {
    if ui.compare.get_untracked() == Some(which) {
        return;
    }
    let training = ui.compare_training.get_untracked();
    start(ui, which);
    if training && ui.compare.get_untracked() == Some(which) {
        ui.compare_training.set(true);
    }
}

/// Restarts the open comparison from fresh weights.
pub fn restart(ui: Ui) {
    if let Some(c) = ui.compare.get_untracked() {
        start(ui, c);
    }
}

/// The target or the model changed: rebuild the open comparison for it (paused).
pub fn retarget(ui: Ui) {
    restart(ui);
}

/// Starts or pauses the comparison's training.
pub fn toggle_training(ui: Ui) {
    ui.compare_training.update(|t| *t = !*t);
}

/// Trains the comparison's flows until `keep_going()` says stop, one step each in turn.
pub fn train_slice(ui: Ui, keep_going: impl FnMut() -> bool) {
    let diverged = ui
        .compare_run
        .try_update_value(|r| {
            r.as_mut()
                .and_then(|r| r.train_while(|| now_ms() / 1e3, keep_going))
        })
        .flatten();
    if let Some((label, d)) = diverged {
        ui.notify(
            NoticeKind::Warn,
            d.message(Some(&format!("The comparison's {label}"))),
        );
        // The job's rule (`session/train_job.rs`): a rate too small to go on ends it, here as
        // in the worker (`adopt`, `Snapshot::done`).
        if d.gave_up() {
            ui.compare_training.set(false);
        }
    }
}

/// Applies the worker's snapshot of the comparison's flows (`ui/worker`); false if it did not
/// fit (nothing changed). Divergences are reported as on the page.
pub fn adopt(ui: Ui, snap: &Snapshot) -> bool {
    let applied = ui
        .compare_run
        .try_update_value(|r| {
            let r = r.as_mut()?;
            let (mut trainers, next) = r.job_mut();
            snap.apply(&mut trainers, next).ok()?;
            let labels: Vec<String> = r.entries().iter().map(|e| e.label.clone()).collect();
            Some(labels)
        })
        .flatten();
    let Some(labels) = applied else {
        return false;
    };
    for (i, d) in &snap.diverged {
        let label = labels.get(*i).map_or("flow", String::as_str);
        ui.notify(
            NoticeKind::Warn,
            d.message(Some(&format!("The comparison's {label}"))),
        );
    }
    if snap.done {
        ui.compare_training.set(false);
    }
    true
}
