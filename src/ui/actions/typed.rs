//! A typed energy `U(x, y)`: the formula is checked (parsed, defined on the integration box,
//! normalisable there) before anything changes; a good one becomes the target (one undo step),
//! a bad one leaves the target as it was and the text where it was, with the message and the
//! position of the problem.

use leptos::prelude::*;

use crate::core::typed_energy::TypedProblem;
use crate::core::{Energy, TypedEnergy};
use crate::state::energy_gallery::paper_formula;
use crate::state::{Mode, GALLERY};
use crate::ui::context::{FormulaProblem, Ui};

use super::data;

/// Fits the energy `text`, or reports what is wrong with it (nothing else changes).
pub fn apply(ui: Ui, text: &str) {
    ui.formula_draft.set(text.to_string());
    match TypedEnergy::new(text) {
        Ok(t) => {
            // The editor shows the target's own text from now on.
            ui.formula_draft.set(String::new());
            ui.formula_problem.set(None);
            data::set_mode(ui, Mode::Energy(t.into()));
        }
        Err(e) => ui.formula_problem.set(Some(FormulaProblem {
            message: e.to_string(),
            at: match &e {
                TypedProblem::Syntax(s) => Some(s.pos),
                _ => None,
            },
        })),
    }
}

/// The target menu's "typed energy": the draft if there is one, else the gallery's first.
pub fn start(ui: Ui) {
    let draft = ui.formula_draft.get_untracked();
    let text = if draft.trim().is_empty() {
        GALLERY[0].formula.to_string()
    } else {
        draft
    };
    apply(ui, &text);
}

/// The paper's energy `e` as a formula to edit (the same density; the target becomes typed).
pub fn edit_paper(ui: Ui, e: Energy) {
    if let Some(f) = paper_formula(e.name()) {
        apply(ui, f);
    }
}

/// A gallery entry by index.
pub fn from_gallery(ui: Ui, i: usize) {
    if let Some(g) = GALLERY.get(i) {
        apply(ui, g.formula);
    }
}

/// The user edits the formula: the draft follows, and a reported problem is cleared.
pub fn edit_draft(ui: Ui, text: &str) {
    ui.formula_draft.set(text.to_string());
    if ui.formula_problem.get_untracked().is_some() {
        ui.formula_problem.set(None);
    }
}
