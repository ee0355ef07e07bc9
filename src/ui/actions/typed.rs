//! Typed targets. An energy `U(x, y)`: the formula is checked (parsed, defined on the integration box,
//! normalisable there) before anything changes; a good one becomes the target (one undo step),
//! a bad one leaves the target as it was and the text where it was, with the message and the
//! position of the problem. A density `p(x, y)`: checked the same way, then points drawn from it
//! replace the data.

use leptos::prelude::*;

use crate::core::typed_density::TypedDensity;
use crate::core::typed_energy::TypedProblem;
use crate::core::{Energy, TypedEnergy};
use crate::session::MAX_POINTS;
use crate::state::energy_gallery::paper_formula;
use crate::state::{ImportMode, Mode, GALLERY};
use crate::ui::context::{FormulaProblem, Ui};

use super::{common, data, history};

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

/// Replaces the points with `n` drawn from the density `text` (one undo step), or reports what
/// is wrong with it (nothing changes). Says the entropy the held-out NLL can approach.
pub fn sample_density(ui: Ui, text: &str, n: usize) {
    ui.density_draft.set(text.to_string());
    let d = match TypedDensity::new(text) {
        Ok(d) => d,
        Err(e) => {
            ui.density_note.set(Some(Err(e.to_string())));
            return;
        }
    };
    let n = n.clamp(1, MAX_POINTS);
    let pts = d.sample(n, 1);
    history::checkpoint(ui);
    ui.lesson.set(None);
    let cap = ui
        .session
        .try_update_value(|s| s.import_points(&pts, ImportMode::Replace))
        .flatten();
    common::after_points_edit(ui);
    ui.density_note.set(Some(Ok(format!(
        "{n} points drawn from p (undo brings the previous ones back). Its entropy is {:.4} nats: \
         the held-out NLL of a perfect model is about this, and no model does better on average.{}",
        d.entropy(),
        cap.map(|w| format!(" {w}")).unwrap_or_default()
    ))));
}
