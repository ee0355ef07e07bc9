//! Train / pause, one step, reset, and the frame loop's training slice. A divergence is reported
//! once, with one message (`session::Divergence::message`).

use leptos::prelude::*;

use crate::session::worker_protocol::Snapshot;
use crate::session::{Stats, TrainReport};
use crate::ui::browser::now_ms;
use crate::ui::context::{NoticeCause, NoticeKind, Ui};

/// Starts or pauses training. Starting shows the model stage unless the timeline is playing.
pub fn toggle(ui: Ui) {
    if ui.training.get_untracked() {
        pause(ui);
    } else {
        start(ui);
    }
}

/// Starts training (or says why it cannot).
pub fn start(ui: Ui) {
    if let Some(p) = ui
        .session
        .with_value(|s| s.data_problem().map(str::to_string))
    {
        ui.notify_while(
            NoticeCause::DataProblem,
            NoticeKind::Error,
            format!("Cannot train: {p}"),
        );
        return;
    }
    if !ui.playing.get_untracked() {
        ui.stage.set(ui.session.with_value(|s| s.k()) as f64);
    }
    ui.training.set(true);
    super::view::dismiss_hint(ui);
}

/// Pauses training (and forgets a step limit).
pub fn pause(ui: Ui) {
    ui.training.set(false);
    ui.train_until.set_value(None);
    ui.train_goal.set_value(None);
}

/// Trains until the evaluation (held-out NLL or free energy) is at most `goal`, at most
/// `MAX_TRAIN` steps.
pub fn train_to(ui: Ui, goal: f64) {
    train_steps(ui, crate::state::authored::MAX_TRAIN);
    ui.train_goal.set_value(Some(goal));
}

/// Pauses training once `stats` meet the goal of [`train_to`] (the frame loop's stats job calls
/// this with each refresh).
pub fn check_goal(ui: Ui, stats: &Stats) {
    let Some(goal) = ui.train_goal.get_value() else {
        return;
    };
    if let Some(v) = stats.evaluation().filter(|v| *v <= goal) {
        pause(ui);
        ui.notify(
            NoticeKind::Info,
            format!(
                "Reached {v:.3} (at most {goal}) after {} steps.",
                stats.step
            ),
        );
    }
}

/// One training step (pauses training first).
pub fn single_step(ui: Ui) {
    if let Some(p) = ui
        .session
        .with_value(|s| s.data_problem().map(str::to_string))
    {
        ui.notify_while(
            NoticeCause::DataProblem,
            NoticeKind::Error,
            format!("Cannot train: {p}"),
        );
        return;
    }
    ui.training.set(false);
    if let Some(r) = ui.session.try_update_value(|s| s.step()) {
        report(ui, r);
    }
    ui.bump();
}

/// Back to the seeded initial weights (bit-identical for the same seed).
pub fn reset(ui: Ui) {
    ui.training.set(false);
    ui.session.update_value(|s| s.reset());
    ui.stats.set(Stats::default());
    ui.bump();
}

/// The frame loop's training slice on the page's thread: steps while `keep_going()`, up to the
/// step limit of an embed's `flow:train` (training pauses there).
pub fn slice(ui: Ui, keep_going: impl FnMut() -> bool) {
    if ui.session.with_value(|s| s.data_problem().is_some()) {
        ui.training.set(false);
        return;
    }
    let until = ui.train_until.get_value();
    if let Some((r, go_on)) = ui
        .session
        .try_update_value(|s| s.train_until(until, || now_ms() / 1e3, keep_going))
    {
        if r.steps > 0 {
            ui.bump();
        }
        report(ui, r);
        if !go_on {
            pause(ui);
        }
    }
}

/// Applies the worker's snapshot of the main flow (`ui/worker`); false if it did not fit (the
/// session is unchanged). A divergence is reported as on the page; the job's end pauses.
pub fn adopt(ui: Ui, snap: &Snapshot) -> bool {
    let Some(Ok(())) = ui.session.try_update_value(|s| s.apply_snapshot(snap)) else {
        return false;
    };
    ui.bump();
    for &(_, d) in &snap.diverged {
        report(
            ui,
            TrainReport {
                steps: 0,
                diverged: Some(d),
            },
        );
    }
    if snap.done {
        pause(ui);
    }
    true
}

/// Trains `steps` more steps, then pauses (the embed's `flow:train` with `steps`).
pub fn train_steps(ui: Ui, steps: u64) {
    let at = ui.session.with_value(|s| s.trainer().step_count());
    ui.train_until.set_value(Some(at.saturating_add(steps)));
    start(ui);
}

fn report(ui: Ui, r: TrainReport) {
    if let Some(d) = r.diverged {
        ui.notify(NoticeKind::Warn, d.message(None));
        if d.gave_up() {
            ui.training.set(false);
        }
    }
}
