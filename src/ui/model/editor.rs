//! The layer editor's view state: the handle frame of the layer shown (pivot and ring angles),
//! the drag in progress and hover feedback. Owned by
//! the `Ui` context (one `StoredValue`); changed by `actions::layers` and `actions::selection`,
//! read by the pointer input, the handle drawing and the frame jobs.

use crate::core::flow::Flow;
use crate::core::{Layer, Vec2};
use crate::render::handles::{
    input_stage, layer_at_input_stage, layer_handles, planar_anchor, Handle, HandleFrame,
    LayerHandles,
};

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
    /// Handle frame (pivot, angles) of the layer it belongs to.
    pub frame: Option<(usize, HandleFrame)>,
    /// The drag in progress.
    pub drag: Option<Drag>,
    /// Bumped when anything drawn changes without a parameter change.
    pub gen: u64,
    /// The pointer is over a grabbable handle.
    pub hover: bool,
}

/// A layer shown on the canvas: its index, whether it is the selected one (else a "ghost" the
/// Edit tool can grab), the layer and its handles.
pub struct Shown {
    /// Layer index (0-based).
    pub index: usize,
    /// Selected (else shown because the Edit tool is on and its input stage is on screen).
    pub selected: bool,
    /// The layer.
    pub layer: Layer,
    /// Its handles.
    pub handles: LayerHandles,
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

    /// Forget the handle frame (another layer, or none, is selected).
    pub fn reselect(&mut self) {
        self.frame = None;
        self.gen += 1;
    }

    /// The layer whose handles belong on screen at `stage`: the selected one when the view shows
    /// its input stage; otherwise, with the Edit tool, the one whose input stage is shown.
    /// `bounds` is the view's data window (`[x0, x1, y0, y1]`).
    pub fn shown(
        &mut self,
        flow: &Flow,
        stage: f64,
        bounds: [f64; 4],
        selected: Option<usize>,
        edit_tool: bool,
    ) -> Option<Shown> {
        let (k, dir) = (flow.len(), flow.direction());
        let at = |s: usize| (stage - s as f64).abs() < 1e-6;
        let sel = selected.filter(|&i| i < k && at(input_stage(dir, k, i)));
        let (index, selected) = match sel {
            Some(i) => (i, true),
            None => {
                if !edit_tool || (stage - stage.round()).abs() > 1e-6 {
                    return None;
                }
                (layer_at_input_stage(dir, k, stage.round() as usize)?, false)
            }
        };
        let layer = flow.layer(index);
        let frame = self.frame_for(index, &layer, bounds);
        let handles = layer_handles(&layer, frame, bounds);
        Some(Shown {
            index,
            selected,
            layer,
            handles,
        })
    }

    /// The handle frame of layer `i`: kept while it stays useful, else re-anchored at the
    /// window's centre (a planar anchor that left the window is brought back, except during a
    /// drag).
    fn frame_for(&mut self, i: usize, layer: &Layer, bounds: [f64; 4]) -> HandleFrame {
        let [x0, x1, y0, y1] = bounds;
        let centre = [0.5 * (x0 + x1), 0.5 * (y0 + y1)];
        let mut frame = match self.frame {
            Some((j, f)) if j == i => f,
            _ => HandleFrame::at(centre),
        };
        if self.drag.is_none() {
            if let Layer::Planar(p) = layer {
                let a = planar_anchor(p, frame.pivot);
                let (mx, my) = (0.04 * (x1 - x0), 0.04 * (y1 - y0));
                let inside = a[0] > x0 + mx && a[0] < x1 - mx && a[1] > y0 + my && a[1] < y1 - my;
                if !inside {
                    frame.pivot = centre;
                }
            }
        }
        self.frame = Some((i, frame));
        frame
    }
}
