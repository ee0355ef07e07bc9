//! The filmstrip: one small density thumbnail per stage 0..K.

use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use crate::render::{Colormap, DensityScale, Heatmap, ViewTransform};

use super::canvas;
use super::session::Session;

/// Thumbnail resolution (pixels per side).
pub const THUMB_N: usize = 48;

/// Redraw every `canvas.thumb-canvas[data-stage]` on the page for `window`.
pub fn draw_all(sess: &mut Session, window: ViewTransform) {
    draw_range(sess, window, 0.0, f64::INFINITY);
}

/// Redraw the thumbnails of stages in `[lo, hi]` only (the layer editor refreshes the stages a
/// dragged layer can change a few at a time).
pub fn draw_range(sess: &mut Session, window: ViewTransform, lo: f64, hi: f64) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(list) = doc.query_selector_all("canvas.thumb-canvas") else {
        return;
    };
    let view = ViewTransform {
        width: THUMB_N as f64,
        height: THUMB_N as f64,
        ..window
    };
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    view.pixel_centers(THUMB_N, THUMB_N, &mut xs, &mut ys);
    let mut vals = vec![0.0; xs.len()];
    let mut rgba = Vec::new();
    let mut heat = Heatmap::new(Colormap::Viridis);
    for i in 0..list.length() {
        let Some(el) = list
            .item(i)
            .and_then(|n| n.dyn_into::<HtmlCanvasElement>().ok())
        else {
            continue;
        };
        let Some(stage) = el
            .get_attribute("data-stage")
            .and_then(|s| s.parse::<f64>().ok())
        else {
            continue;
        };
        if stage < lo || stage > hi {
            continue;
        }
        sess.trainer
            .flow()
            .log_density(stage, &xs, &ys, &mut vals, &mut sess.ws);
        heat.colorize(&vals, DensityScale::Linear, &mut rgba);
        canvas::blit_rgba(&el, &rgba, THUMB_N as u32, THUMB_N as u32);
    }
}
