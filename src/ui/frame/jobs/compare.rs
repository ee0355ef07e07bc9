//! The comparison's panels: one redrawn per frame at most (while the main flow trains, only on
//! frames that did not redraw the main view), then their captions.

use leptos::prelude::*;

use crate::ui::context::Ui;
use crate::ui::draw::compare::ComparePainter;
use crate::ui::frame::{Frame, FrameJob};

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

impl FrameJob for Compare {
    fn run(&mut self, f: &mut Frame) {
        let ui = f.ui;
        let epoch = ui.compare_epoch.get_value();
        if epoch != self.epoch {
            self.painter.restart();
            self.epoch = epoch;
        }
        if ui.compare.get_untracked().is_none() || (f.training && f.drew) {
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
