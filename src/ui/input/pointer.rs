//! Pointer Events on the overlay canvas: the layer editor first (its handles, placing a layer,
//! the Edit tool), then the tool — probe, brush, eraser, pan. The canvas has
//! `touch-action: none`, so drawing never scrolls the page.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, PointerEvent};

use crate::render::ViewTransform;
use crate::ui::actions::layers::{self, Press};
use crate::ui::actions::{data, view};
use crate::ui::browser::report;
use crate::ui::context::{Tool, Ui};

/// Hit radius of a handle for a mouse or pen, in CSS pixels (a 28 px target).
const MOUSE_HIT_PX: f64 = 14.0;
/// Hit radius for a finger, in CSS pixels (a 44 px target).
const TOUCH_HIT_PX: f64 = 22.0;

/// The event as the actions need it, and the canvas element.
fn press(ui: Ui, ev: &PointerEvent) -> Option<(Press, HtmlElement)> {
    let el: HtmlElement = ev.current_target()?.dyn_into().ok()?;
    let view = ViewTransform {
        width: el.client_width() as f64,
        height: el.client_height() as f64,
        ..ui.window.get_untracked()
    };
    let radius = if ev.pointer_type() == "touch" {
        TOUCH_HIT_PX
    } else {
        MOUSE_HIT_PX
    };
    Some((
        Press {
            pointer: ev.pointer_id(),
            view,
            css: [ev.offset_x() as f64, ev.offset_y() as f64],
            radius,
        },
        el,
    ))
}

/// Pointer pressed.
pub fn down(ui: Ui, ev: PointerEvent) {
    let Some((p, el)) = press(ui, &ev) else {
        return;
    };
    ev.prevent_default();
    // Capture keeps a drag ours when it leaves the canvas. A pointer that is no longer active
    // (released before this handler ran, or a script's synthetic event) has nothing to capture:
    // that is the DOM's NotFoundError, not a failure; anything else is reported.
    if let Err(e) = el.set_pointer_capture(ev.pointer_id()) {
        if report::error_name(&e).as_deref() != Some("NotFoundError") {
            report::warn_once("capturing the pointer on the canvas", Err::<(), _>(e));
        }
    }
    if layers::press(ui, p) {
        return;
    }
    let tool = ui.tool.get_untracked();
    match tool {
        Tool::Probe => view::probe_at(ui, p.at()),
        Tool::Brush | Tool::Eraser => {
            data::stroke_begin(ui, tool, p.at(), p.pointer, p.css);
        }
        Tool::Pan => ui.stroke.set_value(Some(crate::ui::context::Stroke {
            tool,
            last_css: p.css,
            pointer: p.pointer,
        })),
        Tool::Edit => {}
    }
}

/// Pointer moved.
pub fn moved(ui: Ui, ev: PointerEvent) {
    let Some((p, el)) = press(ui, &ev) else {
        return;
    };
    if layers::drag_to(ui, p.pointer, p.at()) {
        return;
    }
    view::hover(ui, Some(p.at()));
    if let Some(over) = layers::hover(ui, &p) {
        report::warn_once(
            "marking the canvas under a handle (data-hover)",
            el.set_attribute("data-hover", if over { "handle" } else { "" }),
        );
    }
    let Some(stroke) = ui.stroke.get_value().filter(|s| s.pointer == p.pointer) else {
        return;
    };
    match stroke.tool {
        Tool::Pan => {
            let d = [p.css[0] - stroke.last_css[0], p.css[1] - stroke.last_css[1]];
            view::pan(ui, p.view, d);
            ui.stroke.set_value(Some(crate::ui::context::Stroke {
                last_css: p.css,
                ..stroke
            }));
        }
        Tool::Brush | Tool::Eraser => data::stroke_move(ui, p.at(), p.css),
        _ => {}
    }
}

/// Pointer left the canvas.
pub fn left(ui: Ui) {
    view::hover(ui, None);
}

/// Pointer released or cancelled.
pub fn up(ui: Ui, ev: PointerEvent) {
    if layers::release(ui, ev.pointer_id()) {
        return;
    }
    match ui.stroke.get_value() {
        Some(s) if s.pointer == ev.pointer_id() => match s.tool {
            Tool::Brush | Tool::Eraser => data::stroke_end(ui),
            _ => ui.stroke.set_value(None),
        },
        _ => {}
    }
}
