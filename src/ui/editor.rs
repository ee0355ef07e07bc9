//! The layer editor: grab any layer and reshape it by hand, with its invertibility made visible.
//!
//! - **Select** a layer in the Layers panel (or, with the *Edit layers* tool, grab the handles of
//!   the layer whose formula takes its input at the stage on screen). The view jumps to that
//!   layer's *input stage* — stage `i` for a Generative flow, stage `K − i` for a Normalizing
//!   one (its formula acts data → base) — so the handles drawn by `handles_draw` sit in the
//!   space the formula really acts on.
//! - **Drag** handles (mouse, touch, pen: Pointer Events) or type exact values; the pure
//!   geometry (`render::handles`) turns a handle position into raw parameters that always give
//!   an invertible layer. Parameters are written straight into the trainer, so pressing Train
//!   continues from the edited values (Adam's moments are kept).
//! - **Add** a planar or radial layer where you click, **delete**, **duplicate** or **reorder**
//!   layers. A new stack shape needs a new `Trainer` (custom kinds, parameters carried over):
//!   Adam's moments and the step count restart, and a notice says so.
//!
//! View state that is not a signal (the drag, the planar pivot, the radial handles' angles)
//! lives in a thread-local; `EditorKey` tells the frame loop when it changed.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, PointerEvent};

use crate::core::flow::Flow;
use crate::core::stack::inv_softplus;
use crate::core::train::PARAM_EXPLODE;
use crate::core::{Direction, Init, Layer, LayerKind, Planar, Radial, StackPattern, Trainer, Vec2};
use crate::render::handles::{
    apply_drag, first_dependent_stage, handle_angle, input_stage, insert_for_stage,
    layer_at_input_stage, layer_handles, new_planar_at, new_radial_at, output_stage, Handle,
    HandleFrame, LayerHandles, PlanarHandle, RadialHandle, W_NORM_MIN,
};
use crate::render::ViewTransform;

use super::app::num;
use super::state::{NoticeKind, Stats, Tool, Ui};

/// Most layers a stack may have (the link format's limit).
pub const MAX_LAYERS: usize = crate::state::config::MAX_LAYERS;
/// Hit radius of a handle for a mouse or pen, in CSS pixels (a 28 px target).
const MOUSE_HIT_PX: f64 = 14.0;
/// Hit radius for a finger, in CSS pixels (a 44 px target).
const TOUCH_HIT_PX: f64 = 22.0;
/// Step of the arrow keys in the numeric fields (Shift: ×10).
const NUDGE: f64 = 0.05;

/// A change to the list of layers: edits it, returns the layer to select and what was done
/// (`None`: nothing to do).
type StackEdit<'a> = &'a dyn Fn(&mut Vec<Layer>) -> Option<(Option<usize>, String)>;

#[derive(Clone, Copy, Debug)]
struct Drag {
    pointer: i32,
    layer: usize,
    handle: Handle,
    /// The planar anchor at the start of the drag (the line turns about it).
    anchor: Vec2,
    /// Handle position minus the pointer at the start, so the handle never jumps to the pointer.
    offset: Vec2,
    /// The first stage whose picture the dragged layer changes (earlier thumbnails stay).
    first_stage: usize,
}

#[derive(Default)]
struct EditorState {
    /// Handle frame (pivot, angles) of the layer it belongs to.
    frame: Option<(usize, HandleFrame)>,
    drag: Option<Drag>,
    /// Bumped when anything drawn changes without a parameter change.
    gen: u64,
    /// The panel's signals, once it is mounted.
    placing: Option<RwSignal<Option<LayerKind>>>,
    /// Hovering a handle (cursor feedback).
    hover: bool,
    /// Next thumbnail stage to refresh during a drag, and how many are still stale.
    thumb_cursor: usize,
    thumbs_stale: usize,
}

thread_local! {
    static ED: RefCell<EditorState> = RefCell::new(EditorState::default());
}

/// What the frame loop compares to decide whether the overlays need a redraw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EditorKey {
    selected: Option<usize>,
    edit_tool: bool,
    gen: u64,
}

/// The editor's part of the frame loop's draw key.
pub fn draw_key(ui: Ui) -> EditorKey {
    EditorKey {
        selected: ui.selected_layer.get_untracked(),
        edit_tool: ui.tool.get_untracked() == Tool::Edit,
        gen: ED.with(|e| e.borrow().gen),
    }
}

/// True while a handle is being dragged (the frame loop then adapts its resolution).
pub fn dragging() -> bool {
    ED.with(|e| e.borrow().drag.is_some())
}

/// Milliseconds of thumbnail redraws per frame while dragging (at least one thumbnail).
const THUMB_BUDGET_MS: f64 = 4.0;

/// True while a drag cannot change the density shown at `stage`: the dragged layer acts only
/// from a later stage on (a Generative layer at its input stage), and the view shows the
/// density (the volume view shows the next step's log-det, which may be that layer).
pub fn drag_keeps_density(stage: f64, volume: bool) -> bool {
    !volume
        && ED.with(|e| {
            e.borrow()
                .drag
                .is_some_and(|d| stage < d.first_stage as f64)
        })
}

/// While dragging: redraw the thumbnails the drag made stale, round-robin, within
/// [`THUMB_BUDGET_MS`] per frame (a Generative flow's thumbnails need exact inverses).
pub fn live_thumbs(sess: &mut super::session::Session, window: ViewTransform) {
    let Some((first, mut cursor, mut left)) = ED.with(|e| {
        let e = e.borrow();
        e.drag
            .map(|d| (d.first_stage, e.thumb_cursor, e.thumbs_stale))
    }) else {
        return;
    };
    let k = sess.trainer.flow().len();
    let deadline = super::frame::now_ms() + THUMB_BUDGET_MS;
    while left > 0 {
        if cursor < first || cursor > k {
            cursor = first;
        }
        let s = cursor as f64;
        super::thumbs::draw_range(sess, window, s, s);
        cursor += 1;
        left -= 1;
        if super::frame::now_ms() > deadline {
            break;
        }
    }
    ED.with(|e| {
        let mut e = e.borrow_mut();
        e.thumb_cursor = cursor;
        e.thumbs_stale = left;
    });
}

/// The handle being dragged, if any.
pub fn active_handle() -> Option<Handle> {
    ED.with(|e| e.borrow().drag.map(|d| d.handle))
}

fn placing() -> Option<LayerKind> {
    ED.with(|e| e.borrow().placing)
        .and_then(|s| s.try_get_untracked())
        .flatten()
}

fn set_placing(kind: Option<LayerKind>) {
    if let Some(s) = ED.with(|e| e.borrow().placing) {
        s.set(kind);
    }
}

/// A layer shown on the canvas: its index, whether it is the selected one (else a "ghost" the
/// Edit tool can grab), the layer, its handle frame and its handles.
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

/// The layer whose handles belong on screen at `stage`: the selected one when the view shows its
/// input stage; otherwise, with the Edit tool, the one whose input stage is shown.
/// `bounds` is the view's data window (`[x0, x1, y0, y1]`).
pub fn shown(ui: Ui, flow: &Flow, stage: f64, bounds: [f64; 4]) -> Option<Shown> {
    let (k, dir) = (flow.len(), flow.direction());
    let at = |s: usize| (stage - s as f64).abs() < 1e-6;
    let sel = ui
        .selected_layer
        .get_untracked()
        .filter(|&i| i < k && at(input_stage(dir, k, i)));
    let (index, selected) = match sel {
        Some(i) => (i, true),
        None => {
            if ui.tool.get_untracked() != Tool::Edit || (stage - stage.round()).abs() > 1e-6 {
                return None;
            }
            (layer_at_input_stage(dir, k, stage.round() as usize)?, false)
        }
    };
    let layer = flow.layer(index);
    let frame = frame_for(index, &layer, bounds);
    Some(Shown {
        index,
        selected,
        layer,
        handles: layer_handles(&layer, frame, bounds),
    })
}

/// The handle frame of layer `i`: kept while it stays useful, else re-anchored at the window's
/// centre (a planar anchor that left the window is brought back, except during a drag).
fn frame_for(i: usize, layer: &Layer, bounds: [f64; 4]) -> HandleFrame {
    let [x0, x1, y0, y1] = bounds;
    let centre = [0.5 * (x0 + x1), 0.5 * (y0 + y1)];
    ED.with(|e| {
        let mut e = e.borrow_mut();
        let dragging = e.drag.is_some();
        let mut frame = match e.frame {
            Some((j, f)) if j == i => f,
            _ => HandleFrame::at(centre),
        };
        if !dragging {
            if let Layer::Planar(p) = layer {
                let a = crate::render::handles::planar_anchor(p, frame.pivot);
                let (mx, my) = (0.04 * (x1 - x0), 0.04 * (y1 - y0));
                let inside = a[0] > x0 + mx && a[0] < x1 - mx && a[1] > y0 + my && a[1] < y1 - my;
                if !inside {
                    frame.pivot = centre;
                }
            }
        }
        e.frame = Some((i, frame));
        frame
    })
}

/// The pointer's position on the overlay canvas in CSS pixels, and the view at that size.
fn css_point(ui: Ui, ev: &PointerEvent) -> Option<(ViewTransform, Vec2, HtmlElement)> {
    let el: HtmlElement = ev.current_target()?.dyn_into().ok()?;
    let view = ViewTransform {
        width: el.client_width() as f64,
        height: el.client_height() as f64,
        ..ui.window.get_untracked()
    };
    Some((view, [ev.offset_x() as f64, ev.offset_y() as f64], el))
}

fn hit_radius(ev: &PointerEvent) -> f64 {
    if ev.pointer_type() == "touch" {
        TOUCH_HIT_PX
    } else {
        MOUSE_HIT_PX
    }
}

/// Pointer pressed on the canvas. Returns true if the editor took the event (a handle was
/// grabbed, a layer placed, or the Edit tool is on), so the other tools ignore it.
pub fn pointer_down(ui: Ui, ev: &PointerEvent) -> bool {
    let Some((view, css, el)) = css_point(ui, ev) else {
        return false;
    };
    let at = view.data_from_canvas(css);
    if let Some(kind) = placing() {
        ev.prevent_default();
        place(ui, kind, at);
        return true;
    }
    let stage = ui.stage.get_untracked();
    let bounds = view.data_bounds();
    let radius = hit_radius(ev);
    let hit = ui.session.with_value(|s| {
        let sh = shown(ui, s.trainer.flow(), stage, bounds)?;
        let h = sh.handles.pick(&view, css, radius)?;
        let pos = sh.handles.position(h)?;
        let (anchor, offset) = match (&sh.handles, &sh.layer) {
            (LayerHandles::Planar(ph), Layer::Planar(p)) => {
                let offset = if h == Handle::Planar(PlanarHandle::Line) {
                    // Grabbed anywhere on the line: keep that point of the line under the pointer.
                    let n2 = p.w[0] * p.w[0] + p.w[1] * p.w[1];
                    let a = p.w[0] * at[0] + p.w[1] * at[1] + p.b;
                    if n2 > 0.0 {
                        [-a * p.w[0] / n2, -a * p.w[1] / n2]
                    } else {
                        [0.0, 0.0]
                    }
                } else {
                    [pos[0] - at[0], pos[1] - at[1]]
                };
                (ph.anchor, offset)
            }
            _ => (pos, [pos[0] - at[0], pos[1] - at[1]]),
        };
        let f = s.trainer.flow();
        let first = first_dependent_stage(f.direction(), f.len(), sh.index);
        Some((sh.index, sh.selected, h, anchor, offset, first))
    });
    let Some((index, selected, handle, anchor, offset, first_stage)) = hit else {
        if ui.tool.get_untracked() == Tool::Edit {
            ev.prevent_default();
            let none = ui
                .session
                .with_value(|s| shown(ui, s.trainer.flow(), stage, bounds).is_none());
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
    if !selected {
        select(ui, Some(index), false);
    }
    if ui.training.get_untracked() {
        ui.training.set(false);
        ui.notify(
            NoticeKind::Info,
            "Training paused while you edit. Press Train to continue from the edited parameters.",
        );
    }
    let _ = el.set_pointer_capture(ev.pointer_id());
    ev.prevent_default();
    // One undo step per drag.
    super::history::checkpoint(ui);
    ED.with(|e| {
        let mut e = e.borrow_mut();
        // The planar line turns about the anchor: pin the pivot there for the whole drag.
        if let Some((j, f)) = e.frame.as_mut() {
            if *j == index {
                f.pivot = anchor;
            }
        }
        e.drag = Some(Drag {
            pointer: ev.pointer_id(),
            layer: index,
            handle,
            anchor,
            offset,
            first_stage,
        });
        e.gen += 1;
    });
    true
}

/// Pointer moved. Returns true while the editor is dragging (the other tools then ignore it).
pub fn pointer_move(ui: Ui, ev: &PointerEvent) -> bool {
    let drag = ED.with(|e| e.borrow().drag);
    let Some(drag) = drag.filter(|d| d.pointer == ev.pointer_id()) else {
        hover(ui, ev);
        return false;
    };
    let Some((view, css, _)) = css_point(ui, ev) else {
        return true;
    };
    let p = view.data_from_canvas(css);
    let to = [p[0] + drag.offset[0], p[1] + drag.offset[1]];
    let result = ui.session.try_update_value(|s| {
        let flow = s.trainer.flow();
        if drag.layer >= flow.len() {
            return None;
        }
        let old = flow.layer(drag.layer);
        let new = apply_drag(&old, drag.anchor, drag.handle, to);
        let range = flow.param_range(drag.layer);
        if new != old {
            new.write_params(&mut s.trainer.params_mut()[range]);
        }
        let centre = match new {
            Layer::Radial(r) => Some(r.z0),
            Layer::Planar(_) => None,
        };
        Some((new != old, centre))
    });
    let Some(Some((changed, centre))) = result else {
        return true;
    };
    // Ring handles follow the pointer around their rings.
    if let Some(c) = centre {
        let slot = match drag.handle {
            Handle::Radial(RadialHandle::Alpha) => Some(0),
            Handle::Radial(RadialHandle::Beta) => Some(1),
            _ => None,
        };
        if let Some(slot) = slot {
            ED.with(|e| {
                let mut e = e.borrow_mut();
                if let Some((j, f)) = e.frame.as_mut() {
                    if *j == drag.layer {
                        f.angles[slot] = handle_angle(c, to);
                    }
                }
                e.gen += 1;
            });
        }
    }
    if changed {
        ED.with(|e| {
            let mut e = e.borrow_mut();
            let k = ui.k.get_untracked();
            e.thumbs_stale = (k + 1).saturating_sub(drag.first_stage);
        });
        ui.bump();
    }
    true
}

/// Cursor feedback: mark the canvas while the pointer is over a grabbable handle.
fn hover(ui: Ui, ev: &PointerEvent) {
    if ui.selected_layer.get_untracked().is_none() && ui.tool.get_untracked() != Tool::Edit {
        return;
    }
    let Some((view, css, el)) = css_point(ui, ev) else {
        return;
    };
    let stage = ui.stage.get_untracked();
    let over = ui.session.with_value(|s| {
        shown(ui, s.trainer.flow(), stage, view.data_bounds())
            .and_then(|sh| sh.handles.pick(&view, css, hit_radius(ev)))
            .is_some()
    });
    let was = ED.with(|e| std::mem::replace(&mut e.borrow_mut().hover, over));
    if was != over {
        let _ = el.set_attribute("data-hover", if over { "handle" } else { "" });
    }
}

/// Pointer released or cancelled. Returns true if it ended an editor drag.
pub fn pointer_up(_ui: Ui, ev: &PointerEvent) -> bool {
    ED.with(|e| {
        let mut e = e.borrow_mut();
        match e.drag {
            Some(d) if d.pointer == ev.pointer_id() => {
                e.drag = None;
                e.gen += 1;
                true
            }
            _ => false,
        }
    })
}

/// Select layer `i` (or none). With `jump`, the view moves to the layer's input stage.
pub fn select(ui: Ui, i: Option<usize>, jump: bool) {
    ui.selected_layer.set(i);
    ED.with(|e| {
        let mut e = e.borrow_mut();
        e.frame = None;
        e.gen += 1;
    });
    let Some(i) = i else {
        return;
    };
    if ui.tool.get_untracked() != Tool::Edit {
        ui.tool.set(Tool::Edit);
    }
    if jump {
        let (k, dir) = ui
            .session
            .with_value(|s| (s.trainer.flow().len(), s.trainer.flow().direction()));
        ui.playing.set(false);
        ui.stage.set(input_stage(dir, k, i) as f64);
    }
}

/// Write layer `i`'s parameters into the trainer (same kind) and redraw.
fn set_layer(ui: Ui, i: usize, layer: Layer) {
    let ok = ui
        .session
        .try_update_value(|s| {
            let flow = s.trainer.flow();
            if i >= flow.len() || flow.kinds()[i] != layer.kind() {
                return false;
            }
            let range = flow.param_range(i);
            layer.write_params(&mut s.trainer.params_mut()[range]);
            true
        })
        .unwrap_or(false);
    if ok {
        ui.bump();
    }
}

fn layers_of(flow: &Flow) -> Vec<Layer> {
    (0..flow.len()).map(|i| flow.layer(i)).collect()
}

/// Replace the whole stack (a shape change): a new trainer with custom kinds, every parameter
/// carried over, Adam's moments and the step count restarted. Selects `select_i` and jumps to
/// its input stage.
fn reshape(ui: Ui, layers: Vec<Layer>, select_i: Option<usize>, what: String) {
    super::history::checkpoint(ui);
    ui.training.set(false);
    ui.playing.set(false);
    let kinds: Vec<LayerKind> = layers.iter().map(|l| l.kind()).collect();
    let params: Vec<f64> = layers.iter().flat_map(|l| l.params()).collect();
    let res = ui.session.try_update_value(|s| {
        let old = &s.trainer;
        let mut t = Trainer::new(
            &kinds,
            Init::Default,
            old.objective().clone(),
            *old.hyper(),
            s.spec.seed,
        )
        .map_err(|e| e.to_string())?;
        if !t.set_params(&params) {
            return Err("the parameters do not fit the new stack".to_string());
        }
        let dir = t.flow().direction();
        s.trainer = t;
        s.spec.k = kinds.len();
        s.spec.pattern = StackPattern::Custom(kinds.clone());
        Ok(dir)
    });
    match res {
        Some(Ok(dir)) => {
            let k = kinds.len();
            ui.k.set(k);
            ui.stats.set(Stats::default());
            let select_i = select_i.filter(|&i| i < k);
            select(ui, select_i, false);
            match select_i {
                Some(i) => ui.stage.set(input_stage(dir, k, i) as f64),
                None => {
                    let s = ui.stage.get_untracked();
                    if s > k as f64 {
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

/// Put a new layer of `kind` at data point `at` of the stage on screen.
fn place(ui: Ui, kind: LayerKind, at: Vec2) {
    set_placing(None);
    let stage = ui.stage.get_untracked();
    let centre = ui.window.get_untracked().center;
    let (mut layers, dir) = ui
        .session
        .with_value(|s| (layers_of(s.trainer.flow()), s.trainer.flow().direction()));
    if layers.len() >= MAX_LAYERS {
        ui.notify(
            NoticeKind::Error,
            format!("A stack holds at most {MAX_LAYERS} layers; delete one first."),
        );
        return;
    }
    let k = layers.len();
    let (index, new_stage) = insert_for_stage(dir, k, stage);
    let layer = match kind {
        LayerKind::Planar => Layer::Planar(new_planar_at(at, centre)),
        LayerKind::Radial => Layer::Radial(new_radial_at(at, dir)),
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

/// Display a value for a numeric field: up to 6 decimals, or scientific when very large or small.
fn fmt_edit(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if (1e-3..1e5).contains(&a) {
        let s = format!("{v:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        format!("{v:.6e}")
    }
}

fn parse_value(raw: &str, kept: f64) -> Result<f64, String> {
    let t = raw.trim().replace('−', "-");
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!(
            "“{}” is not a number; kept {}.",
            raw.trim().chars().take(30).collect::<String>(),
            fmt_edit(kept)
        )),
    }
}

fn check_raw(v: f64, kept: f64) -> Result<f64, String> {
    if v.abs() > PARAM_EXPLODE {
        Err(format!(
            "Use a value between −{PARAM_EXPLODE:.0} and {PARAM_EXPLODE:.0} (training treats larger raw parameters as divergence); kept {}.",
            fmt_edit(kept)
        ))
    } else {
        Ok(v)
    }
}

/// One editable parameter of a layer kind.
#[derive(Clone, Copy)]
struct Field {
    id: &'static str,
    label: &'static str,
    help: &'static str,
    get: fn(&Layer) -> f64,
    set: fn(&Layer, f64) -> Result<Layer, String>,
}

fn planar_of(l: &Layer) -> Planar {
    match l {
        Layer::Planar(p) => *p,
        Layer::Radial(_) => Planar {
            u: [0.0; 2],
            w: [1.0, 0.0],
            b: 0.0,
        },
    }
}

fn radial_of(l: &Layer) -> Radial {
    match l {
        Layer::Radial(r) => *r,
        Layer::Planar(_) => Radial {
            z0: [0.0; 2],
            alpha_raw: 0.0,
            beta_raw: 0.0,
        },
    }
}

fn set_w(l: &Layer, j: usize, v: f64) -> Result<Layer, String> {
    let mut p = planar_of(l);
    let kept = p.w[j];
    p.w[j] = check_raw(v, kept)?;
    if p.w[0].hypot(p.w[1]) < W_NORM_MIN {
        return Err(format!(
            "‖w‖ must be at least {W_NORM_MIN} so the line has a normal (and û, which divides by ‖w‖², stays finite); kept {}.",
            fmt_edit(kept)
        ));
    }
    Ok(Layer::Planar(p))
}

const PLANAR_FIELDS: [Field; 5] = [
    Field {
        id: "edit-u0",
        label: "u₀",
        help: "raw u, x",
        get: |l| planar_of(l).u[0],
        set: |l, v| {
            let mut p = planar_of(l);
            p.u[0] = check_raw(v, p.u[0])?;
            Ok(Layer::Planar(p))
        },
    },
    Field {
        id: "edit-u1",
        label: "u₁",
        help: "raw u, y",
        get: |l| planar_of(l).u[1],
        set: |l, v| {
            let mut p = planar_of(l);
            p.u[1] = check_raw(v, p.u[1])?;
            Ok(Layer::Planar(p))
        },
    },
    Field {
        id: "edit-w0",
        label: "w₀",
        help: "normal w, x",
        get: |l| planar_of(l).w[0],
        set: |l, v| set_w(l, 0, v),
    },
    Field {
        id: "edit-w1",
        label: "w₁",
        help: "normal w, y",
        get: |l| planar_of(l).w[1],
        set: |l, v| set_w(l, 1, v),
    },
    Field {
        id: "edit-b",
        label: "b",
        help: "bias (shifts the line)",
        get: |l| planar_of(l).b,
        set: |l, v| {
            let mut p = planar_of(l);
            p.b = check_raw(v, p.b)?;
            Ok(Layer::Planar(p))
        },
    },
];

fn set_alpha_beta(r: Radial, alpha: f64, beta: f64, kept: f64) -> Result<Layer, String> {
    let (a_raw, b_raw) = (inv_softplus(alpha), inv_softplus(alpha + beta));
    if !(a_raw.is_finite() && b_raw.is_finite())
        || a_raw.abs() > PARAM_EXPLODE
        || b_raw.abs() > PARAM_EXPLODE
    {
        return Err(format!(
            "That value is out of the range training can use; kept {}.",
            fmt_edit(kept)
        ));
    }
    Ok(Layer::Radial(Radial {
        alpha_raw: a_raw,
        beta_raw: b_raw,
        ..r
    }))
}

const RADIAL_FIELDS: [Field; 4] = [
    Field {
        id: "edit-z0x",
        label: "z₀ₓ",
        help: "centre, x",
        get: |l| radial_of(l).z0[0],
        set: |l, v| {
            let mut r = radial_of(l);
            r.z0[0] = check_raw(v, r.z0[0])?;
            Ok(Layer::Radial(r))
        },
    },
    Field {
        id: "edit-z0y",
        label: "z₀ᵧ",
        help: "centre, y",
        get: |l| radial_of(l).z0[1],
        set: |l, v| {
            let mut r = radial_of(l);
            r.z0[1] = check_raw(v, r.z0[1])?;
            Ok(Layer::Radial(r))
        },
    },
    Field {
        id: "edit-alpha",
        label: "α",
        help: "scale, > 0",
        get: |l| radial_of(l).alpha(),
        set: |l, v| {
            let r = radial_of(l);
            let (alpha, beta) = (r.alpha(), r.beta());
            if v <= 0.0 {
                return Err(format!(
                    "α must be greater than 0 (α = softplus(α̂)); kept {}.",
                    fmt_edit(alpha)
                ));
            }
            if beta <= -v {
                return Err(format!(
                    "With α = {}, the current β = {} would be ≤ −α and the map would fold; raise β first. Kept α = {}.",
                    fmt_edit(v),
                    fmt_edit(beta),
                    fmt_edit(alpha)
                ));
            }
            set_alpha_beta(r, v, beta, alpha)
        },
    },
    Field {
        id: "edit-beta",
        label: "β",
        help: "strength, > −α",
        get: |l| radial_of(l).beta(),
        set: |l, v| {
            let r = radial_of(l);
            let (alpha, beta) = (r.alpha(), r.beta());
            if v <= -alpha {
                return Err(format!(
                    "β must be greater than −α = {}: at β ≤ −α points near z₀ are pushed through the centre and the map folds (not invertible). Kept {}.",
                    fmt_edit(-alpha),
                    fmt_edit(beta)
                ));
            }
            set_alpha_beta(r, alpha, v, beta)
        },
    },
];

/// The invertibility verdict of a layer: `(warn, icon + headline, one line: why it matters and
/// what the reparametrisation did)`.
fn verdict(layer: &Layer) -> (bool, String, String) {
    match layer {
        Layer::Planar(p) => {
            let s = p.w[0] * p.u[0] + p.w[1] * p.u[1];
            let uh = p.u_hat();
            let m = p.w[0] * uh[0] + p.w[1] * uh[1];
            let kappa = p.map(1.0).kappa;
            // û − u = (softplus(−s) − 1)·w/‖w‖²: a shift along w of this signed length.
            let shift = (uh[0] - p.u[0]) * p.w[0] + (uh[1] - p.u[1]) * p.w[1];
            let shift = shift / p.w[0].hypot(p.w[1]).max(1e-300);
            let why = format!(
                "Why: along w the layer maps t ↦ t + (wᵀû)·tanh(t + b), one-to-one only if wᵀû ≥ −1. The reparametrisation û = u + (softplus(−wᵀu) − 1)·w/‖w‖² moved u by {} along w, so wᵀû = softplus(wᵀu) − 1 > −1 for any u.",
                num(shift, 3)
            );
            let near = if kappa < 0.05 {
                " — nearly singular: the band around the line is squeezed almost flat"
            } else {
                ""
            };
            if s < -1.0 {
                (
                    true,
                    format!(
                        "⚠ Raw u would fold the plane (wᵀu = {} < −1); û keeps the layer invertible: wᵀû = {} > −1{near}",
                        num(s, 3),
                        num(m, 4)
                    ),
                    why,
                )
            } else {
                (
                    !near.is_empty(),
                    format!(
                        "{} Invertible: wᵀu = {} ≥ −1 and wᵀû = {} > −1{near}",
                        if near.is_empty() { "✓" } else { "⚠" },
                        num(s, 3),
                        num(m, 4)
                    ),
                    why,
                )
            }
        }
        Layer::Radial(r) => {
            let (alpha, beta) = (r.alpha(), r.beta());
            let gamma = r.map(1.0).gamma;
            let near = gamma / alpha < 0.05;
            let kind = if beta < 0.0 { "contracts" } else { "expands" };
            let why = format!(
                "Why: with β < −α points near z₀ would be pushed through the centre and collide (the map folds). β = −α + softplus(β̂) keeps β > −α for any raw β̂: here α + β = {} > 0.",
                num(gamma, 4)
            );
            (
                near,
                if near {
                    format!(
                        "⚠ Nearly folding: β = {} is close to −α = {} (the centre is squeezed by (α + β)/α = {})",
                        num(beta, 3),
                        num(-alpha, 3),
                        num(gamma / alpha, 3)
                    )
                } else {
                    format!(
                        "✓ Invertible: β = {} > −α = {} ({kind} around z₀)",
                        num(beta, 3),
                        num(-alpha, 3)
                    )
                },
                why,
            )
        }
    }
}

/// The Layers panel: list, add / delete / duplicate / reorder, the selected layer's numeric
/// fields and its invertibility indicator.
#[component]
pub fn EditorPanel(ui: Ui) -> impl IntoView {
    let placing_sig = RwSignal::new(None::<LayerKind>);
    ED.with(|e| e.borrow_mut().placing = Some(placing_sig));
    let field_error = RwSignal::new(None::<String>);

    // The stack's shape (cheap to recompute; notifies only when it changes).
    let stack = Memo::new(move |_| {
        ui.version.track();
        ui.k.track();
        ui.session.with_value(|s| {
            let f = s.trainer.flow();
            (f.kinds().to_vec(), f.direction())
        })
    });
    // The selected layer's parameters.
    let current = Memo::new(move |_| {
        ui.version.track();
        let i = ui.selected_layer.get()?;
        ui.session.with_value(|s| {
            let f = s.trainer.flow();
            (i < f.len()).then(|| (i, f.layer(i)))
        })
    });
    // A selection past the end (after K changed elsewhere) is dropped.
    Effect::new(move |_| {
        let k = ui.k.get();
        if ui.selected_layer.get_untracked().is_some_and(|i| i >= k) {
            select(ui, None, false);
        }
    });
    // Escape cancels placing, then the selection.
    let esc = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if ev.key() != "Escape" {
            return;
        }
        if placing_sig.get_untracked().is_some() {
            placing_sig.set(None);
        } else if ui.selected_layer.get_untracked().is_some() && !dragging() {
            select(ui, None, false);
        }
    });
    on_cleanup(move || esc.remove());

    let start_placing = move |kind: LayerKind| {
        if placing_sig.get_untracked() == Some(kind) {
            placing_sig.set(None);
            return;
        }
        placing_sig.set(Some(kind));
        if ui.tool.get_untracked() != Tool::Edit {
            ui.tool.set(Tool::Edit);
        }
        ui.playing.set(false);
        ui.training.set(false);
    };
    let edit_stack = move |f: StackEdit| {
        let mut layers = ui.session.with_value(|s| layers_of(s.trainer.flow()));
        if let Some((sel, what)) = f(&mut layers) {
            reshape(ui, layers, sel, what);
        }
    };

    let rows = move || {
        let (kinds, dir) = stack.get();
        let k = kinds.len();
        kinds
            .iter()
            .enumerate()
            .map(|(i, kind)| {
                let kind = *kind;
                let n = i + 1;
                let s_in = input_stage(dir, k, i);
                let is_sel = move || ui.selected_layer.get() == Some(i);
                view! {
                    <li class="layer-row" class:selected=is_sel>
                        <button
                            class="layer-select"
                            aria-pressed=move || is_sel().to_string()
                            aria-label=format!("Layer {n}, {}: select it and show its input stage {s_in}", kind.name())
                            on:click=move |_| {
                                if is_sel() { select(ui, None, false) } else { select(ui, Some(i), true) }
                            }
                        >
                            <span class="layer-n">{n.to_string()}</span>
                            <span class="layer-kind" data-kind=kind.name()>{kind.name()}</span>
                            <span class="layer-stage muted">{format!("stage {s_in}")}</span>
                        </button>
                        <button class="icon" disabled={i == 0} aria-label=format!("Move layer {n} earlier")
                            on:click=move |_| edit_stack(&|l| { if i == 0 || i >= l.len() { return None; } l.swap(i - 1, i); Some((Some(i - 1), format!("Layer {n} now comes before layer {}.", n - 1))) })
                        >"↑"</button>
                        <button class="icon" disabled={i + 1 >= k} aria-label=format!("Move layer {n} later")
                            on:click=move |_| edit_stack(&|l| { if i + 1 >= l.len() { return None; } l.swap(i, i + 1); Some((Some(i + 1), format!("Layer {n} now comes after layer {}.", n + 1))) })
                        >"↓"</button>
                        <button class="icon" disabled={k >= MAX_LAYERS} aria-label=format!("Duplicate layer {n}")
                            on:click=move |_| edit_stack(&|l| { if i >= l.len() || l.len() >= MAX_LAYERS { return None; } let c = l[i]; l.insert(i + 1, c); Some((Some(i + 1), format!("Duplicated layer {n} as layer {}.", n + 1))) })
                        >"2×"</button>
                        <button class="icon danger" aria-label=format!("Delete layer {n}")
                            on:click=move |_| edit_stack(&|l| { if i >= l.len() { return None; } l.remove(i); Some((None, format!("Deleted layer {n}."))) })
                        >"✕"</button>
                    </li>
                }
            })
            .collect_view()
    };

    // Which layer and kind are selected: the details are rebuilt only when this changes (the
    // fields themselves follow `current`, so typing keeps its focus).
    let selected_kind = Memo::new(move |_| current.with(|c| c.map(|(i, l)| (i, l.kind()))));
    let stages = move |i: usize| {
        let (kinds, dir) = stack.get();
        let k = kinds.len();
        (dir, input_stage(dir, k, i), output_stage(dir, k, i))
    };
    let details = move || {
        let (i, kind) = selected_kind.get()?;
        let fields: &'static [Field] = match kind {
            LayerKind::Planar => &PLANAR_FIELDS,
            LayerKind::Radial => &RADIAL_FIELDS,
        };
        let direction_line = move || {
            let (dir, s_in, s_out) = stages(i);
            match dir {
                Direction::Normalizing => format!("This layer's formula acts data → base: its input is stage {s_in}, its output stage {s_out} (the generative step from stage {s_out} to {s_in} is its exact inverse)."),
                Direction::Generative => format!("This layer's formula acts base → model: its input is stage {s_in}, its output stage {s_out}."),
            }
        };
        let formula = match kind {
            LayerKind::Planar => "f(z) = z + û·tanh(wᵀz + b)",
            LayerKind::Radial => {
                "f(z) = z + β(z − z₀)/(α + ‖z − z₀‖),  α = softplus(α̂),  β = −α + softplus(β̂)"
            }
        };
        let inputs = fields
            .iter()
            .map(|f| param_input(ui, current, *f, field_error))
            .collect_view();
        Some(view! {
            <div class="layer-details" id="layer-details" aria-label=format!("Layer {} ({})", i + 1, kind.name())>
                <h3>{format!("Layer {} · {}", i + 1, kind.name())}</h3>
                <p class="formula">{formula}</p>
                <p class="stage-note">
                    {direction_line}
                    " "
                    {move || {
                        let s_in = stages(i).1;
                        ((ui.stage.get() - s_in as f64).abs() > 1e-6).then(|| view! {
                            <button class="ghost inline-btn" on:click=move |_| { ui.playing.set(false); ui.stage.set(s_in as f64); }>
                                {format!("Show stage {s_in} (its handles are drawn there)")}
                            </button>
                        })
                    }}
                </p>
                <div class="param-grid">{inputs}</div>
                {move || field_error.get().map(|m| view! { <p class="field-error" id="edit-error" role="alert">{m}</p> })}
                <Readouts current=current />
                <Indicator current=current />
            </div>
        })
    };

    view! {
        <section class="panel editor" aria-labelledby="editor-title">
            <h2 id="editor-title">"Layers"</h2>
            <p class="muted small">
                {move || match stack.get().1 {
                    Direction::Normalizing => "Formula order: layer 1 acts first, on the data (data → base). Select a layer to see and drag its handles.",
                    Direction::Generative => "Formula order: layer 1 acts first, on the base sample (base → model). Select a layer to see and drag its handles.",
                }}
            </p>
            <div class="row editor-actions">
                <button id="add-planar" aria-pressed=move || (placing_sig.get() == Some(LayerKind::Planar)).to_string()
                    disabled=move || { stack.get().0.len() >= MAX_LAYERS }
                    on:click=move |_| { start_placing(LayerKind::Planar) }>"+ Planar here…"</button>
                <button id="add-radial" aria-pressed=move || (placing_sig.get() == Some(LayerKind::Radial)).to_string()
                    disabled=move || { stack.get().0.len() >= MAX_LAYERS }
                    on:click=move |_| { start_placing(LayerKind::Radial) }>"+ Radial here…"</button>
                <button id="clear-layers" disabled=move || stack.get().0.is_empty()
                    on:click=move |_| edit_stack(&|l| { l.clear(); Some((None, "Removed every layer: the model is the base Gaussian. Add layers one at a time where you click.".to_string())) })
                >"Empty flow"</button>
            </div>
            {move || placing_sig.get().map(|k| view! {
                <p class="placing-hint" role="status">
                    {format!("Click the canvas where the new {} layer should act (at the stage on screen). Esc cancels.", k.name())}
                </p>
            })}
            <ol id="layer-list" class="layer-list" aria-label="Layers in formula order">{rows}</ol>
            {move || stack.get().0.is_empty().then(|| view! {
                <p class="muted small">"No layers: the model is the base Gaussian N(0, I)."</p>
            })}
            {details}
        </section>
    }
}

/// One numeric field: shows the value (live unless it has focus), accepts exact values, keeps
/// the old value with a message on bad input; ↑/↓ nudge by 0.05 (Shift: 0.5).
fn param_input(
    ui: Ui,
    current: Memo<Option<(usize, Layer)>>,
    f: Field,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Input>::new();
    let focused = RwSignal::new(false);
    let value = move || {
        let v = current.with(|c| c.as_ref().map(|(_, l)| (f.get)(l)));
        if focused.get_untracked() {
            if let Some(el) = node.get_untracked() {
                return el.value();
            }
        }
        v.map(fmt_edit).unwrap_or_default()
    };
    let commit = move |v: Result<f64, String>| {
        let Some((i, layer)) = current.get_untracked() else {
            return;
        };
        match v.and_then(|v| (f.set)(&layer, v)) {
            Ok(new) => {
                error.set(None);
                super::history::checkpoint(ui);
                set_layer(ui, i, new);
                if let Some(el) = node.get_untracked() {
                    if !focused.get_untracked() {
                        el.set_value(&fmt_edit((f.get)(&new)));
                    }
                }
            }
            Err(msg) => {
                error.set(Some(format!("{}: {msg}", f.label)));
                if let Some(el) = node.get_untracked() {
                    el.set_value(&fmt_edit((f.get)(&layer)));
                }
            }
        }
    };
    view! {
        <label class="field small param">
            <span>{f.label}<span class="visually-hidden">{format!(" ({})", f.help)}</span></span>
            <input
                id=f.id
                node_ref=node
                type="text"
                inputmode="decimal"
                autocomplete="off"
                spellcheck="false"
                title=f.help
                prop:value=value
                on:focus=move |_| focused.set(true)
                on:blur=move |_| focused.set(false)
                on:change=move |ev| {
                    let raw = event_target_value(&ev);
                    let kept = current.get_untracked().map_or(0.0, |(_, l)| (f.get)(&l));
                    commit(parse_value(&raw, kept));
                }
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    let dir = match ev.key().as_str() {
                        "ArrowUp" => 1.0,
                        "ArrowDown" => -1.0,
                        _ => return,
                    };
                    ev.prevent_default();
                    let step = if ev.shift_key() { 10.0 * NUDGE } else { NUDGE };
                    let Some((_, layer)) = current.get_untracked() else { return };
                    commit(Ok((f.get)(&layer) + dir * step));
                    if let Some(el) = node.get_untracked() {
                        if let Some((_, l)) = current.get_untracked() {
                            el.set_value(&fmt_edit((f.get)(&l)));
                        }
                    }
                }
            />
        </label>
    }
}

/// Derived values of the selected layer (read-only).
#[component]
fn Readouts(current: Memo<Option<(usize, Layer)>>) -> impl IntoView {
    let text = move || {
        current.with(|c| {
            c.as_ref().map(|(_, l)| match l {
                Layer::Planar(p) => {
                    let uh = p.u_hat();
                    format!(
                        "û = ({}, {}) · ‖w‖ = {} · wᵀu = {} · wᵀû = {}",
                        num(uh[0], 3),
                        num(uh[1], 3),
                        num(p.w[0].hypot(p.w[1]), 3),
                        num(p.w[0] * p.u[0] + p.w[1] * p.u[1], 3),
                        num(p.w[0] * uh[0] + p.w[1] * uh[1], 4)
                    )
                }
                Layer::Radial(r) => format!(
                    "raw α̂ = {} · β̂ = {} · γ = α + β = {}",
                    num(r.alpha_raw, 3),
                    num(r.beta_raw, 3),
                    num(r.map(1.0).gamma, 4)
                ),
            })
        })
    };
    view! { <p class="readouts" id="edit-readouts">{text}</p> }
}

/// The invertibility indicator: icon + text + colour, and the one-line why.
#[component]
fn Indicator(current: Memo<Option<(usize, Layer)>>) -> impl IntoView {
    let v = move || current.with(|c| c.as_ref().map(|(_, l)| verdict(l)));
    // The numbers change on every drag move: screen readers hear only when the verdict flips.
    let flip = Memo::new(move |_| current.with(|c| c.as_ref().map(|(i, l)| (*i, verdict(l).0))));
    let announce = move || match flip.get() {
        Some((i, true)) => format!("Layer {}: warning, see the invertibility note.", i + 1),
        Some((i, false)) => format!("Layer {}: invertible.", i + 1),
        None => String::new(),
    };
    view! {
        <p class="visually-hidden" role="status" aria-live="polite">{announce}</p>
        {move || v().map(|(warn, head, why)| view! {
            <div
                id="invert-indicator"
                class="invert"
                class:warn=warn
                data-state=if warn { "warn" } else { "ok" }
                role="group"
                aria-label="Invertibility"
            >
                <p class="invert-head">{head}</p>
                <p class="invert-why">{why}</p>
            </div>
        })}
    }
}
