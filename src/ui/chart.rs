//! Puts the loss chart (pure `render::chart`) on the `#loss-chart` canvas.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use std::cell::Cell;

use crate::core::{Eval, Objective};
use crate::render::chart::{self, ChartData, PlotFrame};

use super::session::Session;

thread_local! {
    /// Where the last drawn plot sits (backend pixels) and the canvas's pixels per CSS pixel.
    static FRAME: Cell<Option<(PlotFrame, f64)>> = const { Cell::new(None) };
    /// Steps on a log axis (the chart's checkbox).
    static LOG_X: Cell<bool> = const { Cell::new(false) };
}

/// Switch the step axis between linear and log, and redraw.
pub fn set_log_x(sess: &Session, on: bool) {
    LOG_X.with(|l| l.set(on));
    draw(sess);
}

/// The step under CSS column `css_x` of the chart canvas (`None` outside the plot).
pub fn step_at(css_x: f64) -> Option<f64> {
    let (f, dpr) = FRAME.with(Cell::get)?;
    f.step_at(css_x * dpr)
}

/// The last step on the chart's x axis.
pub fn x_max() -> Option<f64> {
    FRAME.with(Cell::get).map(|(f, _)| f.x_max)
}

/// The hover readout nearest `step`: its text and the CSS column of the recorded step.
pub fn hover(sess: &Session, step: f64) -> Option<(String, f64)> {
    let (f, dpr) = FRAME.with(Cell::get)?;
    let data = chart_data(sess);
    let r = chart::readout(&data, step)?;
    Some((chart::readout_text(&data, &r), f.px_of(r.step) / dpr))
}

/// Series for the chart from the trainer's history (non-finite values are dropped).
pub fn chart_data(sess: &Session) -> ChartData {
    let tr = &sess.trainer;
    let mut data = ChartData {
        log_x: LOG_X.with(Cell::get),
        ..ChartData::default()
    };
    for h in tr.history() {
        if h.loss.is_finite() {
            data.train.push((h.step as f64, h.loss));
        }
        match h.eval {
            Some(Eval::HeldOutNll(v)) if v.is_finite() => data.eval.push((h.step as f64, v)),
            Some(Eval::Energy(e)) if e.free_energy.is_finite() => {
                data.eval.push((h.step as f64, e.free_energy));
                if e.ess.is_finite() {
                    data.ess.push((h.step as f64, e.ess));
                }
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
        let frame = chart::draw(&root, &data, 13.0 * dpr, dark).ok();
        FRAME.with(|f| f.set(frame.map(|fr| (fr, dpr))));
    }
}
