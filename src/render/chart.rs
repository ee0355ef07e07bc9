//! The loss chart, drawn with plotters on any backend (a `<canvas>` in the app, SVG in tests).
//!
//! Training loss (a raw thin line and its exponential moving average), the periodic evaluation
//! (held-out NLL, or free energy at β = 1) as a thick line, and the known floor (entropy of the
//! data generator, or −log Z of the energy) as a dashed line. The y range ignores the first
//! transient so that the interesting part of the curve fills the chart.

use plotters::coord::Shift;
use plotters::prelude::*;

/// Series to draw, in (step, value) pairs; all values finite (the caller filters).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartData {
    /// Per-step training loss.
    pub train: Vec<(f64, f64)>,
    /// Periodic evaluation.
    pub eval: Vec<(f64, f64)>,
    /// Effective sample size (fraction of the samples) at the evaluations, for energies.
    pub ess: Vec<(f64, f64)>,
    /// Best achievable value, if known.
    pub floor: Option<f64>,
    /// Name of the training series.
    pub train_label: String,
    /// Name of the evaluation series.
    pub eval_label: String,
    /// Steps on a log scale (decades), so the early transient and the long tail both show.
    pub log_x: bool,
}

/// Plot coordinate of `step`: the step itself, or `log₁₀ step` (steps below 1 at 0).
fn to_plot(step: f64, log_x: bool) -> f64 {
    if log_x {
        step.max(1.0).log10()
    } else {
        step
    }
}

/// The step at plot coordinate `v` (inverse of [`to_plot`] above step 1).
fn from_plot(v: f64, log_x: bool) -> f64 {
    if log_x {
        10f64.powf(v)
    } else {
        v
    }
}

/// Colours that stay apart for colour-blind readers (Okabe–Ito blue, orange, grey).
const TRAIN: RGBColor = RGBColor(0, 114, 178);
const EVAL: RGBColor = RGBColor(213, 94, 0);
const FLOOR: RGBColor = RGBColor(90, 90, 90);

/// Exponential moving average with the given smoothing (0 = none).
pub fn ema(values: &[(f64, f64)], alpha: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(values.len());
    let mut acc: Option<f64> = None;
    for &(x, y) in values {
        let v = match acc {
            None => y,
            Some(a) => alpha * a + (1.0 - alpha) * y,
        };
        acc = Some(v);
        out.push((x, v));
    }
    out
}

/// The y range to show: from the lowest value (or the floor) up to the 90th percentile of the
/// values after the first 5 % of steps, padded by 8 %.
pub fn y_range(data: &ChartData) -> (f64, f64) {
    let skip = data.train.len() / 20;
    let mut vals: Vec<f64> = data
        .train
        .iter()
        .skip(skip)
        .map(|p| p.1)
        .chain(data.eval.iter().map(|p| p.1))
        .collect();
    if vals.is_empty() {
        return (0.0, 1.0);
    }
    crate::core::num::sort_f64(&mut vals);
    let lo = vals[0].min(data.floor.unwrap_or(f64::INFINITY));
    let hi = vals[((vals.len() - 1) as f64 * 0.9) as usize].max(
        data.eval
            .iter()
            .map(|p| p.1)
            .fold(f64::NEG_INFINITY, f64::max),
    );
    let span = (hi - lo).max(1e-3);
    (lo - 0.08 * span, hi + 0.08 * span)
}

/// Where the plot sits on the drawing area: the pixel columns of step 0 and of `x_max`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlotArea {
    /// Backend pixel column of step 0.
    pub left: f64,
    /// Backend pixel column of step `x_max`.
    pub right: f64,
    /// Last step on the x axis.
    pub x_max: f64,
    /// Steps on a log scale (step 1 at `left`).
    pub log_x: bool,
}

impl PlotArea {
    /// The step under pixel column `px` (`None` outside the plot).
    pub fn step_at(&self, px: f64) -> Option<f64> {
        let w = self.right - self.left;
        if w.is_nan() || w <= 0.0 || px < self.left - 0.5 || px > self.right + 0.5 {
            return None;
        }
        let top = to_plot(self.x_max, self.log_x);
        let v = ((px - self.left) / w * top).clamp(0.0, top);
        Some(from_plot(v, self.log_x).min(self.x_max))
    }

    /// The pixel column of `step`.
    pub fn px_of(&self, step: f64) -> f64 {
        let top = to_plot(self.x_max, self.log_x).max(1e-12);
        self.left + (self.right - self.left) * to_plot(step, self.log_x) / top
    }
}

/// The values under the hover cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct Readout {
    /// The recorded step nearest the cursor.
    pub step: f64,
    /// Training loss at that step, and its moving average (the thick line).
    pub train: Option<(f64, f64)>,
    /// The evaluation nearest that step: (its step, value).
    pub eval: Option<(f64, f64)>,
}

/// Index of the point of `pts` (sorted by step) nearest `step`.
fn nearest(pts: &[(f64, f64)], step: f64) -> Option<usize> {
    if pts.is_empty() {
        return None;
    }
    let i = pts.partition_point(|p| p.0 < step);
    let before = i.checked_sub(1);
    match (before, (i < pts.len()).then_some(i)) {
        (Some(a), Some(b)) => Some(if step - pts[a].0 <= pts[b].0 - step {
            a
        } else {
            b
        }),
        (Some(a), None) => Some(a),
        (None, b) => b,
    }
}

/// What the chart shows nearest `step` (`None` with no data).
pub fn readout(data: &ChartData, step: f64) -> Option<Readout> {
    let train = nearest(&data.train, step).map(|i| {
        // The moving average up to i (same smoothing as the drawn line).
        let avg = ema(&data.train[..=i], EMA_ALPHA)
            .last()
            .map_or(0.0, |p| p.1);
        (i, data.train[i].1, avg)
    });
    let eval = nearest(&data.eval, step).map(|i| data.eval[i]);
    let at = train
        .map(|(i, _, _)| data.train[i].0)
        .or(eval.map(|e| e.0))?;
    Some(Readout {
        step: at,
        train: train.map(|(_, v, a)| (v, a)),
        eval,
    })
}

/// The readout as one line of text, e.g.
/// `step 1200 · train NLL 2.612 (smoothed 2.590) · held-out NLL 2.571 (step 1000)`.
pub fn readout_text(data: &ChartData, r: &Readout) -> String {
    let mut out = format!("step {:.0}", r.step);
    if let Some((v, a)) = r.train {
        out.push_str(&format!(" · {} {v:.3} (smoothed {a:.3})", data.train_label));
    }
    if let Some((s, v)) = r.eval {
        out.push_str(&format!(" · {} {v:.3}", data.eval_label));
        if let Some(e) = data.ess.iter().find(|e| e.0 == s) {
            out.push_str(&format!(", ESS {:.0}%", 100.0 * e.1));
        }
        if s != r.step {
            out.push_str(&format!(" (step {s:.0})"));
        }
    }
    if let Some(f) = data.floor {
        out.push_str(&format!(" · floor {f:.3}"));
    }
    out
}

/// Smoothing of the training loss's moving average.
const EMA_ALPHA: f64 = 0.95;

/// Draw the chart on `area`. `font_px` scales all text (for high-DPI canvases). Returns where
/// the plot sits, for the hover readout.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    font_px: f64,
    dark: bool,
) -> Result<PlotArea, String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (bg, ink) = if dark {
        (RGBColor(28, 27, 39), RGBColor(236, 235, 245))
    } else {
        (WHITE, RGBColor(27, 26, 38))
    };
    area.fill(&bg).map_err(err)?;
    let x_max = data
        .train
        .last()
        .map_or(1.0, |p| p.0)
        .max(data.eval.last().map_or(1.0, |p| p.0))
        .max(10.0);
    let (y0, y1) = y_range(data);
    let font = ("sans-serif", font_px).into_font().color(&ink);
    let mut chart = ChartBuilder::on(area)
        .margin(font_px * 0.6)
        .x_label_area_size(font_px * 2.2)
        .y_label_area_size(font_px * 3.6)
        .build_cartesian_2d(0.0..to_plot(x_max, data.log_x), y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(ink.mix(0.06))
        .bold_line_style(ink.mix(0.15))
        .axis_style(ink.mix(0.6))
        .x_labels(5)
        .y_labels(5)
        .label_style(font.clone())
        .x_desc(if data.log_x {
            "step (log scale)"
        } else {
            "step"
        })
        .axis_desc_style(font.clone())
        .y_label_formatter(&|v| format!("{v:.2}"))
        .x_label_formatter(&|v| format!("{:.0}", from_plot(*v, data.log_x)))
        .draw()
        .map_err(err)?;
    let clamp = |(x, y): (f64, f64)| (to_plot(x, data.log_x), y.clamp(y0, y1));
    if data.train.len() > 1 {
        chart
            .draw_series(LineSeries::new(
                data.train.iter().copied().map(clamp),
                TRAIN.mix(0.25).stroke_width(1),
            ))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                ema(&data.train, EMA_ALPHA).into_iter().map(clamp),
                TRAIN.stroke_width(2),
            ))
            .map_err(err)?
            .label(data.train_label.clone())
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], TRAIN.stroke_width(3)));
    }
    if !data.eval.is_empty() {
        chart
            .draw_series(LineSeries::new(
                data.eval.iter().copied().map(clamp),
                EVAL.stroke_width(3),
            ))
            .map_err(err)?
            .label(data.eval_label.clone())
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], EVAL.stroke_width(3)));
    }
    if let Some(f) = data.floor.filter(|f| f.is_finite() && *f >= y0 && *f <= y1) {
        let top = to_plot(x_max, data.log_x);
        let dashes: Vec<(f64, f64)> = (0..40).map(|i| (top * i as f64 / 40.0, f)).collect();
        chart
            .draw_series(
                dashes
                    .chunks(2)
                    .map(|c| PathElement::new(c.to_vec(), FLOOR.stroke_width(2))),
            )
            .map_err(err)?
            .label(format!("floor {f:.3}"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], FLOOR.stroke_width(2)));
    }
    if data.train.len() > 1 || !data.eval.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(bg.mix(0.85))
            .border_style(ink.mix(0.3))
            .label_font(font)
            .draw()
            .map_err(err)?;
    }
    let (px0, _) = chart.backend_coord(&(0.0, y0));
    let (px1, _) = chart.backend_coord(&(to_plot(x_max, data.log_x), y0));
    area.present().map_err(err)?;
    Ok(PlotArea {
        left: f64::from(px0),
        right: f64::from(px1),
        x_max,
        log_x: data.log_x,
    })
}

/// A sparkline of the chart's data in a `width × height` box (pixels, y down): the smoothed
/// training loss and the evaluations as polylines, the floor's height if it is in range. At most
/// one point per pixel column.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sparkline {
    /// The smoothed training loss.
    pub train: Vec<[f64; 2]>,
    /// The periodic evaluation.
    pub eval: Vec<[f64; 2]>,
    /// The floor's y, if it lies in the box.
    pub floor: Option<f64>,
}

/// The sparkline of `data` (linear steps; the y range of [`y_range`]).
pub fn sparkline(data: &ChartData, width: f64, height: f64) -> Sparkline {
    let smooth = ema(&data.train, 0.9);
    let x_max = smooth
        .last()
        .map(|p| p.0)
        .into_iter()
        .chain(data.eval.last().map(|p| p.0))
        .fold(1.0f64, f64::max);
    let (lo, hi) = y_range(data);
    let span = (hi - lo).max(1e-12);
    let pad = 2.0;
    let at = |(s, v): (f64, f64)| {
        let y = height - pad - (v - lo) / span * (height - 2.0 * pad);
        [pad + s / x_max * (width - 2.0 * pad), y.clamp(0.0, height)]
    };
    let thin = |pts: &[(f64, f64)]| {
        let mut out: Vec<[f64; 2]> = Vec::new();
        for p in pts.iter().map(|&p| at(p)) {
            match out.last() {
                Some(q) if (p[0] - q[0]).abs() < 1.0 => {}
                _ => out.push(p),
            }
        }
        out
    };
    Sparkline {
        train: thin(&smooth),
        eval: thin(&data.eval),
        floor: data
            .floor
            .filter(|f| (lo..=hi).contains(f))
            .map(|f| at((0.0, f))[1]),
    }
}
