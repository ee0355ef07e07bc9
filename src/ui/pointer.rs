//! Pointer Events on the main canvas (mouse, touch and pen alike): probe, brush, eraser, pan.
//! The canvas has `touch-action: none`, so drawing never scrolls the page.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, PointerEvent};

use crate::render::ViewTransform;

use super::app::points_changed;
use super::session::{Target, MAX_POINTS};
use super::state::{NoticeKind, Tool, Ui};

thread_local! {
    /// Brush radius in data units.
    pub static BRUSH_SIZE: RefCell<f64> = const { RefCell::new(0.25) };
    /// Points sprayed per brush move.
    pub static BRUSH_DENSITY: RefCell<usize> = const { RefCell::new(4) };
    static DRAG: RefCell<Option<Drag>> = const { RefCell::new(None) };
}

#[derive(Clone, Copy)]
struct Drag {
    tool: Tool,
    last_css: [f64; 2],
    pointer: i32,
    changed: bool,
}

fn css_view(ui: Ui, ev: &PointerEvent) -> Option<(ViewTransform, [f64; 2])> {
    let el: HtmlElement = ev.current_target()?.dyn_into().ok()?;
    let w = ViewTransform {
        width: el.client_width() as f64,
        height: el.client_height() as f64,
        ..ui.window.get_untracked()
    };
    Some((w, [ev.offset_x() as f64, ev.offset_y() as f64]))
}

fn paint(ui: Ui, tool: Tool, at: [f64; 2]) -> bool {
    let size = BRUSH_SIZE.with(|s| *s.borrow());
    match tool {
        Tool::Brush => {
            let n = BRUSH_DENSITY.with(|s| *s.borrow());
            let ok = ui
                .session
                .try_update_value(|s| s.spray(at, size, n))
                .unwrap_or(false);
            if !ok {
                ui.notify(NoticeKind::Warn, format!("At most {MAX_POINTS} points: nothing more was added. Erase some or export them first."));
            }
            ok
        }
        Tool::Eraser => ui
            .session
            .try_update_value(|s| s.erase(at, size) > 0)
            .unwrap_or(false),
        _ => false,
    }
}

/// Pointer pressed.
pub fn down(ui: Ui, ev: PointerEvent) {
    // The layer editor's handles (and its Edit tool) come first.
    if super::editor::pointer_down(ui, &ev) {
        return;
    }
    let Some((view, css)) = css_view(ui, &ev) else {
        return;
    };
    let tool = ui.tool.get_untracked();
    let at = view.data_from_canvas(css);
    if let Some(el) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    {
        let _ = el.set_pointer_capture(ev.pointer_id());
    }
    ev.prevent_default();
    match tool {
        Tool::Probe => {
            let s = ui.stage.get_untracked();
            match ui.session.with_value(|sess| sess.pull_back(s, at)) {
                Some(z0) => ui.probe.set(Some(z0)),
                None => ui.notify(
                    NoticeKind::Error,
                    "That point could not be traced back through the layers.",
                ),
            }
            return;
        }
        Tool::Brush | Tool::Eraser => {
            if matches!(ui.session.with_value(|s| s.target), Target::Energy(_)) {
                ui.notify(NoticeKind::Info, "The target is an energy: choose a point preset or “Draw your own” to draw points.");
                return;
            }
            super::history::checkpoint(ui);
            if paint(ui, tool, at) {
                ui.bump();
            }
        }
        Tool::Pan | Tool::Edit => {}
    }
    DRAG.with(|d| {
        *d.borrow_mut() = Some(Drag {
            tool,
            last_css: css,
            pointer: ev.pointer_id(),
            changed: true,
        })
    });
}

/// Pointer moved.
pub fn moved(ui: Ui, ev: PointerEvent) {
    if super::editor::pointer_move(ui, &ev) {
        return;
    }
    let Some(mut drag) = DRAG.with(|d| *d.borrow()) else {
        return;
    };
    if drag.pointer != ev.pointer_id() {
        return;
    }
    let Some((view, css)) = css_view(ui, &ev) else {
        return;
    };
    let dist = ((css[0] - drag.last_css[0]).powi(2) + (css[1] - drag.last_css[1]).powi(2)).sqrt();
    match drag.tool {
        Tool::Pan => {
            let d = [css[0] - drag.last_css[0], css[1] - drag.last_css[1]];
            ui.window.update(|w| {
                let scaled = ViewTransform {
                    width: view.width,
                    height: view.height,
                    ..*w
                };
                let moved = scaled.panned(d);
                w.center = moved.center;
            });
            drag.last_css = css;
        }
        Tool::Brush | Tool::Eraser if dist >= 4.0 => {
            if paint(ui, drag.tool, view.data_from_canvas(css)) {
                drag.changed = true;
                ui.bump();
            }
            drag.last_css = css;
        }
        _ => {}
    }
    DRAG.with(|d| *d.borrow_mut() = Some(drag));
}

/// Pointer released or cancelled.
pub fn up(ui: Ui, ev: PointerEvent) {
    if super::editor::pointer_up(ui, &ev) {
        return;
    }
    let Some(drag) = DRAG.with(|d| d.borrow_mut().take()) else {
        return;
    };
    if drag.pointer != ev.pointer_id() {
        return;
    }
    if matches!(drag.tool, Tool::Brush | Tool::Eraser) && drag.changed {
        points_changed(ui);
    }
}
