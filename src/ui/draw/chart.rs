//! Puts the loss chart (pure `render::chart`) on the `#loss-chart` canvas.

use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::core::{Eval, Objective};
use crate::render::chart::{self, Anchor, ChartData, Scene, Stroke};
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
        // Flow matching's minibatch loss is a regression of velocities, not an NLL, and never
        // reaches 0 (docs/maths/continuous.md, "Flow matching"): the chart says so.
        Objective::MaxLikelihood { .. } if tr.flow_matching() => {
            data.train_label = "flow-matching loss (a regression, not an NLL)".into();
            data.eval_label = "held-out NLL".into();
            data.floor = sess.preset_floor();
        }
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
    let Some(ctx) = super::canvas::context_2d(&el) else {
        return;
    };
    let data = chart_data(sess, state.log_x);
    let font_px = 13.0 * dpr;
    ctx.set_font(&format!("{font_px}px sans-serif"));
    let measure = |t: &str| ctx.measure_text(t).map_or(0.0, |m| m.width());
    let scene = chart::layout(
        &data,
        f64::from(w),
        f64::from(h),
        font_px,
        page::dark(),
        &measure,
    );
    paint(&ctx, &scene);
    state.frame = Some((scene.plot, dpr));
}

/// Paints a laid-out chart.
fn paint(ctx: &CanvasRenderingContext2d, s: &Scene) {
    ctx.set_fill_style_str(&s.bg.css());
    ctx.fill_rect(0.0, 0.0, s.size[0], s.size[1]);
    ctx.set_line_join("round");
    ctx.set_line_cap("butt");
    for st in &s.strokes {
        stroke(ctx, st);
    }
    if let Some((r, fill, border)) = s.legend {
        ctx.set_fill_style_str(&fill.css());
        ctx.fill_rect(r[0], r[1], r[2], r[3]);
        ctx.set_stroke_style_str(&border.css());
        ctx.set_line_width(1.0);
        ctx.stroke_rect(
            r[0].round() + 0.5,
            r[1].round() + 0.5,
            r[2].round(),
            r[3].round(),
        );
    }
    for st in &s.keys {
        stroke(ctx, st);
    }
    ctx.set_fill_style_str(&s.ink.css());
    ctx.set_text_baseline("middle");
    for l in &s.labels {
        ctx.set_text_align(match l.anchor {
            Anchor::Left => "left",
            Anchor::Center => "center",
            Anchor::Right => "right",
        });
        let _ = ctx.fill_text(&l.text, l.at[0], l.at[1]);
    }
}

/// One polyline, or separate segments.
fn stroke(ctx: &CanvasRenderingContext2d, st: &Stroke) {
    if st.pts.len() < 2 {
        return;
    }
    ctx.set_stroke_style_str(&st.color.css());
    ctx.set_line_width(st.width);
    ctx.begin_path();
    if st.segments {
        for seg in st.pts.chunks_exact(2) {
            ctx.move_to(seg[0][0], seg[0][1]);
            ctx.line_to(seg[1][0], seg[1][1]);
        }
    } else {
        ctx.move_to(st.pts[0][0], st.pts[0][1]);
        for p in &st.pts[1..] {
            ctx.line_to(p[0], p[1]);
        }
    }
    ctx.stroke();
}
