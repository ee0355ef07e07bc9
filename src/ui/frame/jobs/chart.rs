//! The loss chart: redrawn when the session changed (at most every 250 ms while training, on the
//! frame whose turn it is).

use leptos::prelude::*;

use crate::ui::draw::chart;
use crate::ui::frame::{Frame, FrameJob, Part, Periodic};

/// The chart job.
pub struct Chart {
    version: u64,
    at: f64,
    log_x: bool,
}

impl Default for Chart {
    fn default() -> Self {
        Chart {
            version: u64::MAX,
            at: 0.0,
            log_x: false,
        }
    }
}

impl FrameJob for Chart {
    fn part(&self) -> Part {
        Part::Chart
    }
    fn periodic(&self) -> Option<Periodic> {
        Some(Periodic::Chart)
    }
    fn due(&self, f: &Frame) -> bool {
        self.version != f.ui.version.get_untracked() && f.now - self.at > 250.0
    }
    fn expected_ms(&self, measured: Option<f64>) -> f64 {
        measured.unwrap_or(3.0)
    }

    fn run(&mut self, f: &mut Frame) {
        let ui = f.ui;
        let version = ui.version.get_untracked();
        let log_x = ui.chart.with_value(|c| c.log_x);
        let run = if f.training {
            f.extra == Some(Periodic::Chart)
        } else {
            self.version != version || self.log_x != log_x
        };
        if !run {
            return;
        }
        let mut state = ui.chart.get_value();
        ui.session.with_value(|s| chart::draw(s, &mut state));
        ui.chart.set_value(state);
        self.version = version;
        self.log_x = log_x;
        self.at = f.now;
    }
}
