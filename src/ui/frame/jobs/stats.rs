//! The training numbers (step, loss, evaluation, steps per second), refreshed every 200 ms.

use leptos::prelude::*;

use crate::session::Stats;
use crate::ui::actions::training;
use crate::ui::frame::{Frame, FrameJob};

/// The stats job and its rate window.
#[derive(Default)]
pub struct StatsJob {
    last: f64,
    window: Vec<(f64, u64)>,
}

impl FrameJob for StatsJob {
    fn run(&mut self, f: &mut Frame) {
        let ui = f.ui;
        let now = f.now;
        let step = ui.session.with_value(|s| s.trainer().step_count());
        // A reset or a rebuild moves the step count back: restart the rate window.
        if self.window.last().is_some_and(|(_, s)| *s > step) {
            self.window.clear();
        }
        self.window.push((now, step));
        self.window.retain(|(t, _)| now - *t < 1500.0);
        if now - self.last <= 200.0 {
            return;
        }
        self.last = now;
        let rate = match (self.window.first(), self.window.last()) {
            (Some((t0, s0)), Some((t1, s1))) if t1 - t0 > 200.0 => {
                s1.saturating_sub(*s0) as f64 / ((t1 - t0) / 1000.0)
            }
            _ => 0.0,
        };
        let rate = if ui.training.get_untracked() {
            rate
        } else {
            0.0
        };
        let stats = ui.session.with_value(|s| Stats::of(s, rate));
        if ui.stats.get_untracked() != stats {
            if ui.training.get_untracked() {
                training::check_goal(ui, &stats);
            }
            ui.stats.set(stats);
        }
    }
}
