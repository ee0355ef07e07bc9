//! The layer editor's actions on the stack's shape: add a layer where the user clicks, move,
//! duplicate or delete layers, empty the flow. A new shape needs a new trainer (every parameter
//! carried over): Adam's moments and the step count restart, and a notice says so. Each change
//! is one undo step.

use leptos::prelude::*;

use crate::core::{Layer, LayerKind, Vec2};
use crate::render::handles::{input_stage, insert_for_stage, new_planar_at, new_radial_at};
use crate::session::Stats;
use crate::state::numtext::num;
use crate::state::MAX_LAYERS;
use crate::ui::context::{NoticeKind, Tool, Ui};

use super::{history, selection};

/// Waits for a click on the canvas to add a layer of `kind` there (again: cancels).
pub fn toggle_placing(ui: Ui, kind: LayerKind) {
    if ui.placing.get_untracked() == Some(kind) {
        ui.placing.set(None);
        return;
    }
    ui.placing.set(Some(kind));
    if ui.tool.get_untracked() != Tool::Edit {
        ui.tool.set(Tool::Edit);
    }
    ui.playing.set(false);
    ui.training.set(false);
}

/// Escape: cancels placing, then the selection.
pub fn escape(ui: Ui) {
    if ui.placing.get_untracked().is_some() {
        ui.placing.set(None);
    } else if ui.selected_layer.get_untracked().is_some() && !ui.dragging() {
        selection::select(ui, None, false);
    }
}

/// A change to the list of layers: edits it, returns the layer to select and what was done
/// (`None`: nothing to do).
pub type StackEdit<'a> = &'a dyn Fn(&mut Vec<Layer>) -> Option<(Option<usize>, String)>;

/// Applies `edit` to the stack (a new shape).
pub fn edit_stack(ui: Ui, edit: StackEdit) {
    let mut layers = ui.session.with_value(|s| {
        let f = s.flow();
        (0..f.len()).map(|i| f.layer(i)).collect::<Vec<_>>()
    });
    if let Some((sel, what)) = edit(&mut layers) {
        reshape(ui, layers, sel, what);
    }
}

/// Moves layer `i` one place earlier.
pub fn move_earlier(ui: Ui, i: usize) {
    edit_stack(ui, &|l| {
        if i == 0 || i >= l.len() {
            return None;
        }
        l.swap(i - 1, i);
        Some((
            Some(i - 1),
            format!("Layer {} now comes before layer {i}.", i + 1),
        ))
    });
}

/// Moves layer `i` one place later.
pub fn move_later(ui: Ui, i: usize) {
    edit_stack(ui, &|l| {
        if i + 1 >= l.len() {
            return None;
        }
        l.swap(i, i + 1);
        Some((
            Some(i + 1),
            format!("Layer {} now comes after layer {}.", i + 1, i + 2),
        ))
    });
}

/// Duplicates layer `i` (the copy follows it).
pub fn duplicate(ui: Ui, i: usize) {
    edit_stack(ui, &|l| {
        if i >= l.len() || l.len() >= MAX_LAYERS {
            return None;
        }
        let c = l[i].clone();
        l.insert(i + 1, c);
        Some((
            Some(i + 1),
            format!("Duplicated layer {} as layer {}.", i + 1, i + 2),
        ))
    });
}

/// Deletes layer `i`.
pub fn delete(ui: Ui, i: usize) {
    edit_stack(ui, &|l| {
        if i >= l.len() {
            return None;
        }
        l.remove(i);
        Some((None, format!("Deleted layer {}.", i + 1)))
    });
}

/// Removes every layer: the model is the base Gaussian.
pub fn clear(ui: Ui) {
    edit_stack(ui, &|l| {
        l.clear();
        Some((
            None,
            "Removed every layer: the model is the base Gaussian. Add layers one at a time where you click.".to_string(),
        ))
    });
}

/// Replaces the whole stack (a shape change). Selects `select_i` and jumps to its input stage.
fn reshape(ui: Ui, layers: Vec<Layer>, select_i: Option<usize>, what: String) {
    history::checkpoint(ui);
    ui.training.set(false);
    ui.playing.set(false);
    let res = ui.session.try_update_value(|s| {
        s.set_layers(&layers)
            .map(|()| (s.k(), s.flow().direction()))
    });
    match res {
        Some(Ok((k, dir))) => {
            ui.stats.set(Stats::default());
            let select_i = select_i.filter(|&i| i < k);
            selection::select(ui, select_i, false);
            match select_i {
                Some(i) => ui.stage.set(input_stage(dir, k, i) as f64),
                None => {
                    if ui.stage.get_untracked() > k as f64 {
                        ui.stage.set(k as f64);
                    }
                }
            }
            ui.notify(
                NoticeKind::Info,
                if k == 0 {
                    format!("{what} Adam's moments and the step count restart.")
                } else {
                    format!("{what} The stack changed shape, so Adam's moments and the step count restart; every layer keeps its parameters.")
                },
            );
            ui.bump();
        }
        Some(Err(e)) => ui.notify(
            NoticeKind::Error,
            format!("The layers could not be changed: {e}."),
        ),
        None => {}
    }
}

/// Puts a new layer of `kind` at data point `at` of the stage on screen.
pub fn place(ui: Ui, kind: LayerKind, at: Vec2) {
    ui.placing.set(None);
    let stage = ui.stage.get_untracked();
    let centre = ui.window.get_untracked().center;
    let (mut layers, dir) = ui.session.with_value(|s| {
        let f = s.flow();
        (
            (0..f.len()).map(|i| f.layer(i)).collect::<Vec<_>>(),
            f.direction(),
        )
    });
    if layers.len() >= MAX_LAYERS {
        ui.notify(
            NoticeKind::Error,
            format!("A stack holds at most {MAX_LAYERS} layers; delete one first."),
        );
        return;
    }
    let (index, new_stage) = insert_for_stage(dir, layers.len(), stage);
    let layer = match kind {
        LayerKind::Planar => Layer::Planar(new_planar_at(at, centre)),
        LayerKind::Radial => Layer::Radial(new_radial_at(at, dir)),
        // Only planar and radial layers have a place (their geometry is a point and a line or
        // a ring); the other kinds are added from the Model panel's patterns.
        _ => return,
    };
    layers.insert(index, layer);
    reshape(
        ui,
        layers,
        Some(index),
        format!(
            "Added a {} layer as layer {} at ({}, {}); its formula takes its input at stage {new_stage}.",
            kind.name(),
            index + 1,
            num(at[0], 2),
            num(at[1], 2)
        ),
    );
}

/// Solves continuous layer `i`'s ODE with `method` in `steps` steps over `[0, 1]` (its
/// parameters kept: the same field, integrated differently).
pub fn set_solver(ui: Ui, i: usize, method: crate::core::cnf::Method, steps: u8) {
    edit_stack(ui, &|l| {
        let Some(Layer::Cnf(c)) = l.get_mut(i) else {
            return None;
        };
        if c.spec.method == method && c.spec.steps == steps {
            return None;
        }
        c.spec.method = method;
        c.spec.steps = steps.max(1);
        Some((
            Some(i),
            format!(
                "Layer {} now solves its ODE by {} in {} step{}.",
                i + 1,
                method.name(),
                steps,
                if steps == 1 { "" } else { "s" }
            ),
        ))
    });
}
