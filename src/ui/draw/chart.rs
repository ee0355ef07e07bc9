//! Puts the loss chart (pure `render::chart`) on the `#loss-chart` canvas.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::core::{Eval, Objective};
use crate::render::chart::{self, ChartData};
use crate::session::Session;
use crate::ui::browser::page;
use crate::ui::context::ChartState;

/// The step under CSS column `css_x` of the chart canvas (`None` outside the plot).
pub fn step_at(state: ChartState, css_x: f64) -> Option<f64> {
    let (f, dpr) = state.frame?;
    f.step_at(css_x * dpr)
}

/// The last step on the chart's x axis.
pub fn x_max(state: ChartState) -> Option<f64> {
    state.frame.map(|(f, _)| f.x_max)
}

/// The hover readout nearest `step`: its text and the CSS column of the recorded step.
pub fn hover(sess: &Session, state: ChartState, step: f64) -> Option<(String, f64)> {
    let (f, dpr) = state.frame?;
    let data = chart_data(sess, state.log_x);
    let r = chart::readout(&data, step)?;
    Some((chart::readout_text(&data, &r), f.px_of(r.step) / dpr))
}

/// Series for the chart from the trainer's history (non-finite values are dropped).
pub fn chart_data(sess: &Session, log_x: bool) -> ChartData {
    let tr = sess.trainer();
    let mut data = ChartData {
        log_x,
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
            data.floor = sess.preset_floor();
        }
        Objective::Energy { energy, .. } => {
            data.train_label = "free energy (annealed β)".into();
            data.eval_label = "free energy (β = 1)".into();
            data.floor = energy.log_z().map(|z| -z);
        }
    }
    data
}

/// Redraws the chart canvas, if it is on the page; returns where its plot now sits.
pub fn draw(sess: &Session, state: &mut ChartState) {
    let Some(el) = page::by_id::<HtmlCanvasElement>("loss-chart") else {
        return;
    };
    let dpr = page::dpr(3.0);
    let (w, h) = (
        (el.client_width().max(200) as f64 * dpr) as u32,
        (el.client_height().max(120) as f64 * dpr) as u32,
    );
    super::canvas::ensure_size(&el, w, h);
    let data = chart_data(sess, state.log_x);
    if let Some(backend) = CanvasBackend::with_canvas_object(el) {
        let root = backend.into_drawing_area();
        let frame = chart::draw(&root, &data, 13.0 * dpr, page::dark()).ok();
        state.frame = frame.map(|fr| (fr, dpr));
    }
}
