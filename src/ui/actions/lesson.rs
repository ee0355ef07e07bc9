//! One-click lessons: a lesson is an ordinary state (a link config with a caption), set up in
//! one undo step, then started the way the lesson needs.

use leptos::prelude::*;

use crate::state::Lesson;
use crate::ui::context::{Panel, Tool, Ui};

use super::{history, link, selection, training, view};

/// Flow-matching steps the lesson "Solver steps vs error" trains before it stops.
const STEPS_VS_ERROR_TRAINING: u64 = 4000;

/// Sets up lesson `l`: its state (as a link would), its caption, and for the comparisons their
/// training and the main flow's.
pub fn apply(ui: Ui, l: Lesson) {
    history::checkpoint(ui);
    link::apply(ui, &l.config());
    start(ui, l);
}

/// What lesson `l` does once its state is set up (an authored step's `start` action too).
pub fn start(ui: Ui, l: Lesson) {
    match l {
        Lesson::OneLayer | Lesson::Constraint => {
            ui.tool.set(Tool::Edit);
            selection::select(ui, Some(0), false);
            view::open_panel(ui, Panel::Model);
        }
        // Flow matching waits for the user's Train (or their own drawn cloud first).
        Lesson::FlowMatching | Lesson::Hutchinson => {}
        // A field worth solving first: a few seconds of flow matching, then still.
        Lesson::StepsVsError => training::train_steps(ui, STEPS_VS_ERROR_TRAINING),
        // Only the two compared trainings: the main flow would take the worker's time from them.
        Lesson::FmVsMl => ui.compare_training.set(true),
        Lesson::Figure3(_)
        | Lesson::PlanarVsRadial
        | Lesson::CouplingWon
        | Lesson::ResidualStep => {
            ui.compare_training.set(true);
            training::toggle(ui);
        }
    }
}
