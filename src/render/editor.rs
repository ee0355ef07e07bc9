//! The layer editor as a query: which layer's handles are on screen, in which handle placement, and
//! which handle a pointer takes hold of. Pure and read-only: the same inputs give the same
//! answer, so the handles drawn are exactly the handles a click finds. The editor's state (the
//! stored placement, the drag) is the browser's (`ui::context::editor`) and changes only through its
//! actions; the geometry is [`super::handles`].

use crate::core::flow::Flow;
use crate::core::{Layer, Vec2};

use super::handles::{
    first_dependent_stage, grab, input_stage, layer_at_input_stage, layer_handles, planar_anchor,
    Handle, HandlePlacement, LayerHandles,
};
use super::transform::ViewTransform;

/// Fraction of the window's width and height by which a planar anchor must stay inside it to
/// keep its placement (else the placement is re-anchored at the window's centre).
pub const ANCHOR_MARGIN: f64 = 0.04;

/// What the query reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EditorQuery {
    /// The stage the view shows.
    pub stage: f64,
    /// The view's data window `[x0, x1, y0, y1]`.
    pub bounds: [f64; 4],
    /// The selected layer.
    pub selected: Option<usize>,
    /// The Edit tool is on.
    pub edit_tool: bool,
    /// The stored handle placement and the layer it belongs to.
    pub placement: Option<(usize, HandlePlacement)>,
    /// A handle is being dragged (the placement is then kept wherever its anchor goes).
    pub dragging: bool,
}

/// A layer shown on the canvas: its index, whether it is the selected one (else a "ghost" the
/// Edit tool can grab), the layer, where its handles are placed, and its handles.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// Layer index (0-based).
    pub index: usize,
    /// Selected (else shown because the Edit tool is on and its input stage is on screen).
    pub selected: bool,
    /// The layer.
    pub layer: Layer,
    /// The handle placement its handles are placed in.
    pub placement: HandlePlacement,
    /// Its handles.
    pub handles: LayerHandles,
}

/// A handle a pointer takes hold of.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// Layer index.
    pub index: usize,
    /// The layer was the selected one.
    pub selected: bool,
    /// The handle.
    pub handle: Handle,
    /// The drag's fixed point (a planar layer turns about it).
    pub anchor: Vec2,
    /// Handle (or nearest point of the line) minus the pointer, in data units.
    pub offset: Vec2,
    /// The first stage whose picture the layer changes.
    pub first_stage: usize,
    /// Where the handles were placed.
    pub placement: HandlePlacement,
}

/// The layer whose handles belong on screen at `stage`, and whether it is the selected one: the
/// selected layer when the view shows its input stage; otherwise, with the Edit tool, the layer
/// whose input stage is shown (at an integer stage).
pub fn shown_layer(
    flow: &Flow,
    stage: f64,
    selected: Option<usize>,
    edit_tool: bool,
) -> Option<(usize, bool)> {
    let (k, dir) = (flow.len(), flow.direction());
    let at = |s: usize| (stage - s as f64).abs() < 1e-6;
    if let Some(i) = selected.filter(|&i| i < k && at(input_stage(dir, k, i))) {
        return Some((i, true));
    }
    if !edit_tool || (stage - stage.round()).abs() > 1e-6 {
        return None;
    }
    Some((layer_at_input_stage(dir, k, stage.round() as usize)?, false))
}

/// The handle placement of layer `i` in window `bounds`: the stored placement if it is this layer's,
/// else one at the window's centre; a planar anchor outside the window (less
/// [`ANCHOR_MARGIN`]) brings the pivot back to the centre, except during a drag.
pub fn placement_for(
    stored: Option<(usize, HandlePlacement)>,
    i: usize,
    layer: &Layer,
    bounds: [f64; 4],
    dragging: bool,
) -> HandlePlacement {
    let [x0, x1, y0, y1] = bounds;
    let centre = [0.5 * (x0 + x1), 0.5 * (y0 + y1)];
    let mut placement = match stored {
        Some((j, f)) if j == i => f,
        _ => HandlePlacement::at(centre),
    };
    if !dragging {
        if let Layer::Planar(p) = layer {
            let a = planar_anchor(p, placement.pivot);
            let (mx, my) = (ANCHOR_MARGIN * (x1 - x0), ANCHOR_MARGIN * (y1 - y0));
            let inside = a[0] > x0 + mx && a[0] < x1 - mx && a[1] > y0 + my && a[1] < y1 - my;
            if !inside {
                placement.pivot = centre;
            }
        }
    }
    placement
}

/// The layer shown for `q` with its handles (lines clipped to the window), if any.
pub fn shown(flow: &Flow, q: &EditorQuery) -> Option<Shown> {
    let (index, selected) = shown_layer(flow, q.stage, q.selected, q.edit_tool)?;
    let layer = flow.layer(index);
    let placement = placement_for(q.placement, index, &layer, q.bounds, q.dragging);
    let handles = layer_handles(&layer, placement, q.bounds);
    Some(Shown {
        index,
        selected,
        layer,
        placement,
        handles,
    })
}

/// The handle of the shown layer under canvas point `css` (of `view`) within `radius_px`, and
/// how it is held.
pub fn hit(
    flow: &Flow,
    q: &EditorQuery,
    view: &ViewTransform,
    css: Vec2,
    radius_px: f64,
) -> Option<Hit> {
    let sh = shown(flow, q)?;
    let handle = sh.handles.pick(view, css, radius_px)?;
    let at = view.data_from_canvas(css);
    let (anchor, offset) = grab(&sh.handles, &sh.layer, handle, at)?;
    Some(Hit {
        index: sh.index,
        selected: sh.selected,
        handle,
        anchor,
        offset,
        first_stage: first_dependent_stage(flow.direction(), flow.len(), sh.index),
        placement: sh.placement,
    })
}
