//! The layer editor's view state: the handle placement of the layer being edited (pivot and ring
//! angles), the drag in progress and hover feedback. Owned by the `Ui` context (one
//! `StoredValue`); changed only by `actions::layers` and `actions::selection`, read by the
//! pointer input, the handle drawing and the frame jobs through the pure query
//! `render::editor` (reading never changes it).

use crate::core::Vec2;
use crate::render::editor::EditorQuery;
use crate::render::handles::{Handle, HandlePlacement};

/// A handle being dragged.
#[derive(Clone, Copy, Debug)]
pub struct Drag {
    /// The pointer that holds it.
    pub pointer: i32,
    /// Layer index.
    pub layer: usize,
    /// Which handle.
    pub handle: Handle,
    /// The planar anchor at the start of the drag (the line turns about it).
    pub anchor: Vec2,
    /// Handle position minus the pointer at the start, so the handle never jumps to the pointer.
    pub offset: Vec2,
    /// The first stage whose picture the dragged layer changes (earlier thumbnails stay).
    pub first_stage: usize,
}

/// The editor's state.
#[derive(Default)]
pub struct EditorState {
    /// Handle placement (pivot, angles) of the layer it belongs to.
    pub placement: Option<(usize, HandlePlacement)>,
    /// The drag in progress.
    pub drag: Option<Drag>,
    /// Bumped when anything drawn changes without a parameter change.
    pub gen: u64,
    /// The pointer is over a grabbable handle.
    pub hover: bool,
}

/// The editor's part of the frame loop's draw key: the overlays redraw when it changes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EditorKey {
    /// The selected layer.
    pub selected: Option<usize>,
    /// The Edit tool is on.
    pub edit_tool: bool,
    /// The editor's generation.
    pub gen: u64,
}

impl EditorState {
    /// True while a handle is dragged.
    pub fn dragging(&self) -> bool {
        self.drag.is_some()
    }

    /// True while a drag cannot change the density shown at `stage`: the dragged layer acts only
    /// from a later stage on, and the view shows the density (the volume view shows the next
    /// step's log-det, which may be that layer).
    pub fn drag_keeps_density(&self, stage: f64, volume: bool) -> bool {
        !volume && self.drag.is_some_and(|d| stage < d.first_stage as f64)
    }

    /// Forget the handle placement (another layer, or none, is selected).
    pub fn reselect(&mut self) {
        self.placement = None;
        self.gen += 1;
    }

    /// The pure editor query (`render::editor`) for the view at `stage` with data window
    /// `bounds`: what the drawing and the pointer both ask, so a click finds the handles drawn.
    pub fn query(
        &self,
        stage: f64,
        bounds: [f64; 4],
        selected: Option<usize>,
        edit_tool: bool,
    ) -> EditorQuery {
        EditorQuery {
            stage,
            bounds,
            selected,
            edit_tool,
            placement: self.placement,
            dragging: self.drag.is_some(),
        }
    }
}
