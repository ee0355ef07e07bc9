//! Puts the loss chart (pure `render::chart`) on the `#loss-chart` canvas.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use crate::core::{Eval, Objective};
use crate::render::chart::{self, ChartData};

use super::session::Session;

/// Series for the chart from the trainer's history (non-finite values are dropped).
pub fn chart_data(sess: &Session) -> ChartData {
    let tr = &sess.trainer;
    let mut data = ChartData::default();
    for h in tr.history() {
        if h.loss.is_finite() {
            data.train.push((h.step as f64, h.loss));
        }
        match h.eval {
            Some(Eval::HeldOutNll(v)) if v.is_finite() => data.eval.push((h.step as f64, v)),
            Some(Eval::Energy(e)) if e.free_energy.is_finite() => {
                data.eval.push((h.step as f64, e.free_energy))
            }
            _ => {}
        }
    }
    match tr.objective() {
        Objective::MaxLikelihood { .. } => {
            data.train_label = "train NLL".into();
            data.eval_label = "held-out NLL".into();
            data.floor = sess.preset_floor;
        }
        Objective::Energy { energy, .. } => {
            data.train_label = "free energy (annealed β)".into();
            data.eval_label = "free energy (β = 1)".into();
            data.floor = energy.log_z().map(|z| -z);
        }
    }
    data
}

/// Redraw the chart canvas, if it is on the page.
pub fn draw(sess: &Session) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(el) = doc
        .get_element_by_id("loss-chart")
        .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
    else {
        return;
    };
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 3.0);
    let (w, h) = (
        (el.client_width().max(200) as f64 * dpr) as u32,
        (el.client_height().max(120) as f64 * dpr) as u32,
    );
    super::canvas::ensure_size(&el, w, h);
    let dark = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches());
    let data = chart_data(sess);
    if let Some(backend) = CanvasBackend::with_canvas_object(el) {
        let root = backend.into_drawing_area();
        let _ = chart::draw(&root, &data, 13.0 * dpr, dark);
    }
}
