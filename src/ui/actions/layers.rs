//! The layer editor's actions on one layer: grab its handle and drag it (mouse, touch, pen — and
//! the `#bench` drag scenario, which calls these same functions), or type exact values. Both
//! write the layer's raw parameters straight into the trainer, so Train continues from the
//! edited values (Adam's moments are kept). Each drag and each typed value is one undo step.
//! Changes to the stack's shape are in `stack`.

use leptos::prelude::*;

use crate::core::{Layer, Vec2};
use crate::render::editor::{self, EditorQuery, Hit};
use crate::render::handles::{apply_drag, handle_angle, Handle, HandlePlacement, RadialHandle};
use crate::render::ViewTransform;
use crate::ui::context::{Drag, NoticeKind, Tool, Ui};

use super::{history, selection, stack};

/// A pointer pressed on the canvas, as the editor needs it.
#[derive(Clone, Copy, Debug)]
pub struct Press {
    /// The pointer.
    pub pointer: i32,
    /// The view at the canvas' CSS size.
    pub view: ViewTransform,
    /// Where, in CSS pixels on the canvas.
    pub css: Vec2,
    /// Hit radius in CSS pixels (larger for a finger).
    pub radius: f64,
}

impl Press {
    /// The data point under the pointer.
    pub fn at(&self) -> Vec2 {
        self.view.data_from_canvas(self.css)
    }
}

/// The handle under `p` of the layer shown at the current stage, and how it is held: the pure
/// query the handle drawing asks too (`render::editor`).
fn hit(ui: Ui, p: &Press) -> Option<Hit> {
    let query = ui.editor_query(ui.stage.get_untracked(), p.view.data_bounds());
    ui.session
        .with_value(|s| editor::hit(s.flow(), &query, &p.view, p.css, p.radius))
}

/// Pointer pressed on the canvas. True if the editor took it (a layer placed, a handle grabbed,
/// or the Edit tool is on), so the other tools ignore it.
pub fn press(ui: Ui, p: Press) -> bool {
    if let Some(kind) = ui.placing.get_untracked() {
        stack::place(ui, kind, p.at());
        return true;
    }
    let Some(hit) = hit(ui, &p) else {
        if ui.tool.get_untracked() == Tool::Edit {
            let query = EditorQuery {
                edit_tool: true,
                ..ui.editor_query(ui.stage.get_untracked(), p.view.data_bounds())
            };
            let none = ui
                .session
                .with_value(|s| editor::shown(s.flow(), &query).is_none());
            if none {
                ui.notify(
                    NoticeKind::Info,
                    "No layer takes its input at this stage. Pick a layer in the Layers panel (the view jumps to its stage), or add one with “+ Planar here” / “+ Radial here”.",
                );
            }
            return true;
        }
        return false;
    };
    if !hit.selected {
        selection::select(ui, Some(hit.index), false);
    }
    if ui.training.get_untracked() {
        ui.training.set(false);
        ui.notify(
            NoticeKind::Info,
            "Training paused while you edit. Press Train to continue from the edited parameters.",
        );
    }
    // One undo step per drag.
    history::checkpoint(ui);
    ui.editor.update_value(|e| {
        // The layer's frame is the one its handles were drawn and hit in, with the pivot pinned
        // at the anchor: the planar line turns about it for the whole drag, and stays there.
        e.placement = Some((
            hit.index,
            HandlePlacement {
                pivot: hit.anchor,
                ..hit.placement
            },
        ));
        e.drag = Some(Drag {
            pointer: p.pointer,
            layer: hit.index,
            handle: hit.handle,
            anchor: hit.anchor,
            offset: hit.offset,
            first_stage: hit.first_stage,
        });
        e.gen += 1;
    });
    true
}

/// The dragging pointer moved to data point `at`. True while the editor drags (the other tools
/// then ignore the move).
pub fn drag_to(ui: Ui, pointer: i32, at: Vec2) -> bool {
    let Some(drag) = ui
        .editor
        .with_value(|e| e.drag)
        .filter(|d| d.pointer == pointer)
    else {
        return false;
    };
    let to = [at[0] + drag.offset[0], at[1] + drag.offset[1]];
    let result = ui.session.try_update_value(|s| {
        let flow = s.flow();
        if drag.layer >= flow.len() {
            return None;
        }
        let old = flow.layer(drag.layer);
        let new = apply_drag(&old, drag.anchor, drag.handle, to);
        if new != old {
            s.set_layer(drag.layer, &new);
        }
        let centre = match &new {
            Layer::Radial(r) => Some(r.z0),
            _ => None,
        };
        Some((new != old, centre))
    });
    let Some(Some((changed, centre))) = result else {
        return true;
    };
    ui.editor.update_value(|e| {
        // Ring handles follow the pointer around their rings.
        if let Some(c) = centre {
            let slot = match drag.handle {
                Handle::Radial(RadialHandle::Alpha) => Some(0),
                Handle::Radial(RadialHandle::Beta) => Some(1),
                _ => None,
            };
            if let (Some(slot), Some((j, f))) = (slot, e.placement.as_mut()) {
                if *j == drag.layer {
                    f.angles[slot] = handle_angle(c, to);
                    e.gen += 1;
                }
            }
        }
    });
    if changed {
        ui.bump();
    }
    true
}

/// The pointer was released or cancelled. True if it ended an editor drag.
pub fn release(ui: Ui, pointer: i32) -> bool {
    ui.editor
        .try_update_value(|e| match e.drag {
            Some(d) if d.pointer == pointer => {
                e.drag = None;
                e.gen += 1;
                true
            }
            _ => false,
        })
        .unwrap_or(false)
}

/// Cursor feedback: whether the pointer at `p` is over a grabbable handle. Returns the new
/// hover state if it changed.
pub fn hover(ui: Ui, p: &Press) -> Option<bool> {
    if ui.selected_layer.get_untracked().is_none() && ui.tool.get_untracked() != Tool::Edit {
        return None;
    }
    let over = hit(ui, p).is_some();
    let was = ui
        .editor
        .try_update_value(|e| std::mem::replace(&mut e.hover, over))?;
    (was != over).then_some(over)
}

/// Writes layer `i`'s new value from a typed field (same kind): one undo step.
pub fn set_layer(ui: Ui, i: usize, layer: Layer) {
    history::checkpoint(ui);
    if ui.session.try_update_value(|s| s.set_layer(i, &layer)) == Some(true) {
        ui.bump();
    }
}
