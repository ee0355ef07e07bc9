//! The training slices: the main flow's Adam steps within the frame's training budget, then the
//! comparison's flows (half the budget each when both train).

use leptos::prelude::*;

use crate::ui::actions::{compare, training};
use crate::ui::browser::now_ms;
use crate::ui::frame::{Frame, FrameJob, Part, TRAIN_BUDGET_MS};

/// The main flow's slice.
#[derive(Default)]
pub struct Train;

impl FrameJob for Train {
    fn part(&self) -> Part {
        Part::Train
    }

    fn run(&mut self, f: &mut Frame) {
        if !f.ui.training.get_untracked() {
            return;
        }
        let mut budget = f.train_budget_ms;
        if f.ui.compare_training.get_untracked() {
            budget /= 2.0; // the comparison's flows get the other half
        }
        let deadline = f.now + budget;
        training::slice(f.ui, || now_ms() < deadline);
    }
}

/// The comparison's slice: as long as the main flow's when both train, else a full budget.
#[derive(Default)]
pub struct CompareTrain;

impl FrameJob for CompareTrain {
    fn part(&self) -> Part {
        Part::Train
    }

    fn run(&mut self, f: &mut Frame) {
        if !f.ui.compare_training.get_untracked() {
            return;
        }
        let start = now_ms();
        let slice = if f.ui.training.get_untracked() {
            start - f.now
        } else {
            TRAIN_BUDGET_MS
        };
        let deadline = start + slice;
        compare::train_slice(f.ui, || now_ms() < deadline);
    }
}
