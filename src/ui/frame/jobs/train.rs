//! The training slices: the main flow's Adam steps within the frame's training budget, then the
//! comparison's flows (half the budget each when both train).

use leptos::prelude::*;

use crate::ui::actions::{compare, training};
use crate::ui::browser::now_ms;
use crate::ui::frame::{Frame, FrameJob, Part, TRAIN_BUDGET_MS};

/// How far past the budget a step may be expected to end (light steps always fit).
const STEP_SLACK_MS: f64 = 4.0;

/// The main flow's slice: steps while the frame's budget lasts, but a step expected to end more
/// than `STEP_SLACK_MS` past it waits for the next frame (a spline coupling step takes ~4 ms in
/// the browser; started at the deadline's edge, it overran the frame). Two frames in a row never
/// pass without a step.
#[derive(Default)]
pub struct Train {
    /// Moving average of one step's cost (ms).
    step_ms: f64,
    /// The last frame took no step.
    starved: bool,
}

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
        let (start, step_ms, starved) = (now_ms(), self.step_ms, self.starved);
        let mut taken = 0u32;
        training::slice(f.ui, || {
            let now = now_ms();
            let go = (now < deadline && now + step_ms <= deadline + STEP_SLACK_MS)
                || (taken == 0 && starved);
            taken += u32::from(go);
            go
        });
        self.starved = taken == 0;
        if taken > 0 {
            let per_step = (now_ms() - start) / f64::from(taken);
            self.step_ms = if self.step_ms == 0.0 {
                per_step
            } else {
                0.8 * self.step_ms + 0.2 * per_step
            };
        }
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
