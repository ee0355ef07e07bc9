//! One-click lessons: a lesson is an ordinary state (a link config with a caption), set up in
//! one undo step, then started the way the lesson needs.

use leptos::prelude::*;

use crate::state::Lesson;
use crate::ui::context::{Panel, Tool, Ui};

use super::{history, link, selection, training, view};

/// Sets up lesson `l`: its state (as a link would), its caption, and for the comparisons their
/// training and the main flow's.
pub fn apply(ui: Ui, l: Lesson) {
    history::checkpoint(ui);
    link::apply(ui, &l.config());
    match l {
        Lesson::OneLayer | Lesson::Constraint => {
            ui.tool.set(Tool::Edit);
            selection::select(ui, Some(0), false);
            view::open_panel(ui, Panel::Model);
        }
        // Flow matching waits for the user's Train (or their own drawn cloud first).
        Lesson::FlowMatching | Lesson::Hutchinson => {}
        Lesson::Figure3(_)
        | Lesson::PlanarVsRadial
        | Lesson::CouplingWon
        | Lesson::ResidualStep => {
            ui.compare_training.set(true);
            training::toggle(ui);
        }
    }
}
