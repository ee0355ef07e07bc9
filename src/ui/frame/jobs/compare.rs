//! The comparison's panels: one redrawn per frame at most, then their captions. While the main
//! flow trains the painter is a periodic job: it takes its turn beside the main view like the
//! chart and the filmstrip (it used to run only on frames where the main view did not redraw;
//! with the worker the main view redraws on nearly every frame, and the panels went up to 6 s
//! without a repaint while both trained).

use leptos::prelude::*;

use crate::ui::context::Ui;
use crate::ui::draw::compare::ComparePainter;
use crate::ui::frame::{Frame, FrameJob, Periodic};

/// The comparison job and its painter.
#[derive(Default)]
pub struct Compare {
    painter: ComparePainter,
    /// The comparison it painted (a new one repaints every panel).
    epoch: u64,
}

impl Compare {
    fn captions(ui: Ui) {
        let c = ui
            .compare_run
            .with_value(|r| r.as_ref().map(|r| r.captions()));
        if let Some(c) = c {
            if ui.compare_captions.get_untracked() != c {
                ui.compare_captions.set(c);
            }
        }
    }
}

/// What a panel's turn is expected to cost (ms) before one was measured: its slice and the blit.
const EXPECTED_MS: f64 = 5.0;

impl FrameJob for Compare {
    fn periodic(&self) -> Option<Periodic> {
        Some(Periodic::Compare)
    }

    fn due(&self, f: &Frame) -> bool {
        let window = f.ui.window.get_untracked();
        f.ui.compare.get_untracked().is_some()
            && f.ui
                .compare_run
                .with_value(|r| r.as_ref().is_some_and(|r| self.painter.wants(r, window)))
    }

    fn expected_ms(&self, measured: Option<f64>) -> f64 {
        measured.unwrap_or(EXPECTED_MS)
    }

    fn run(&mut self, f: &mut Frame) {
        let ui = f.ui;
        let epoch = ui.compare_epoch.get_value();
        if epoch != self.epoch {
            self.painter.restart();
            self.epoch = epoch;
        }
        if ui.compare.get_untracked().is_none()
            || (f.training && f.extra != Some(Periodic::Compare))
        {
            return;
        }
        let window = ui.window.get_untracked();
        let training = ui.compare_training.get_untracked() || f.training;
        let drew = ui.compare_run.with_value(|r| {
            r.as_ref()
                .is_some_and(|r| self.painter.draw_one(r, window, training))
        });
        if drew {
            Self::captions(ui);
        }
    }
}
