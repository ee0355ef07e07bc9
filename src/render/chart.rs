//! The loss chart, laid out as pixels, lines and labels ([`layout`]); `ui/draw/chart.rs` paints
//! the [`Scene`] on a `<canvas>` (plain 2-D context calls, no plotting library: README, "Bundle
//! size").
//!
//! Training loss (a raw thin line and its exponential moving average), the periodic evaluation
//! (held-out NLL, or free energy at β = 1) as a thick line, and the known floor (entropy of the
//! data generator, or −log Z of the energy) as a dashed line. The y range ignores the first
//! transient so that the interesting part of the curve fills the chart.

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

/// A colour with its opacity, as a canvas style string (`rgba(r,g,b,a)`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgba(pub u8, pub u8, pub u8, pub f64);

impl Rgba {
    /// The same colour at opacity `a`.
    fn mix(self, a: f64) -> Rgba {
        Rgba(self.0, self.1, self.2, a)
    }

    /// The CSS colour.
    pub fn css(&self) -> String {
        format!("rgba({},{},{},{})", self.0, self.1, self.2, self.3)
    }
}

/// Colours that stay apart for colour-blind readers (Okabe–Ito blue, orange, grey).
const TRAIN: Rgba = Rgba(0, 114, 178, 1.0);
const EVAL: Rgba = Rgba(213, 94, 0, 1.0);
const FLOOR: Rgba = Rgba(90, 90, 90, 1.0);

/// A polyline (or a set of separate segments) in canvas pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Stroke {
    /// Points, canvas pixels (y down).
    pub pts: Vec<[f64; 2]>,
    /// Draw `pts` as separate segments (pairs) instead of one polyline.
    pub segments: bool,
    /// Colour.
    pub color: Rgba,
    /// Line width, canvas pixels.
    pub width: f64,
}

/// Horizontal anchor of a text label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// `at` is the text's left end.
    Left,
    /// `at` is the text's centre.
    Center,
    /// `at` is the text's right end.
    Right,
}

/// A text label, vertically centred on `at`.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The text.
    pub text: String,
    /// Anchor point, canvas pixels.
    pub at: [f64; 2],
    /// Which end of the text `at` is.
    pub anchor: Anchor,
}

/// Everything the chart draws, in canvas pixels, in painting order: background, grid and axes,
/// series, legend box, then every label in `ink` at `font_px`.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// Canvas size.
    pub size: [f64; 2],
    /// Background colour.
    pub bg: Rgba,
    /// Text colour.
    pub ink: Rgba,
    /// Font size of every label, canvas pixels.
    pub font_px: f64,
    /// Grid lines, axes, series and the legend's keys.
    pub strokes: Vec<Stroke>,
    /// The legend box (x, y, width, height), drawn after the series and before its keys.
    pub legend: Option<([f64; 4], Rgba, Rgba)>,
    /// Strokes drawn on top of the legend box (its keys).
    pub keys: Vec<Stroke>,
    /// Tick labels, the axis name and legend texts.
    pub labels: Vec<Label>,
    /// Where the plot sits, for the hover readout.
    pub plot: PlotArea,
}

/// "Nice" tick values on `[lo, hi]`: multiples of 1, 2 or 5 × 10ᵏ, the finest spacing giving at
/// most `max` ticks. Returns the values and the spacing.
pub fn ticks(lo: f64, hi: f64, max: usize) -> (Vec<f64>, f64) {
    let span = hi - lo;
    if span.is_nan() || span <= 0.0 || !span.is_finite() || max == 0 {
        return (vec![], 0.0);
    }
    let mut k = (span / max as f64).log10().floor() - 1.0;
    loop {
        let base = 10f64.powf(k);
        for m in [1.0, 2.0, 5.0] {
            let step = m * base;
            let first = (lo / step).ceil();
            let last = (hi / step).floor();
            if last - first + 1.0 <= max as f64 {
                return (multiples(lo, hi, step), step);
            }
        }
        k += 1.0;
    }
}

/// The multiples of `step` in `[lo, hi]`, ascending (none for a step that is not positive).
pub fn multiples(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let count = (hi - lo) / step;
    if step.is_nan() || step <= 0.0 || count.is_nan() || !(0.0..1e5).contains(&count) {
        return vec![];
    }
    let (first, last) = ((lo / step).ceil() as i64, (hi / step).floor() as i64);
    (first..=last).map(|i| i as f64 * step).collect()
}

/// Lays the chart out on a `width × height` canvas. `font_px` scales all text (for high-DPI
/// canvases); `measure` gives a text's width in pixels at that size (the legend is sized by
/// it).
pub fn layout(
    data: &ChartData,
    width: f64,
    height: f64,
    font_px: f64,
    dark: bool,
    measure: &dyn Fn(&str) -> f64,
) -> Scene {
    let (bg, ink) = if dark {
        (Rgba(28, 27, 39, 1.0), Rgba(236, 235, 245, 1.0))
    } else {
        (Rgba(255, 255, 255, 1.0), Rgba(27, 26, 38, 1.0))
    };
    let x_max = data
        .train
        .last()
        .map_or(1.0, |p| p.0)
        .max(data.eval.last().map_or(1.0, |p| p.0))
        .max(10.0);
    let (y0, y1) = y_range(data);
    let top_x = to_plot(x_max, data.log_x);
    // Margins: a small one all round, room for the y labels on the left and for the x labels
    // and the axis name below.
    let margin = font_px * 0.6;
    let (left, right) = (
        margin + font_px * 3.6,
        (width - margin).max(margin + font_px * 3.6 + 1.0),
    );
    let (top, bottom) = (margin, (height - margin - font_px * 2.2).max(margin + 1.0));
    let px = |v: f64| left + (right - left) * v / top_x;
    let py = |v: f64| bottom - (bottom - top) * (v - y0) / (y1 - y0);
    // Crisp 1-pixel lines sit on pixel centres.
    let crisp = |v: f64| v.floor() + 0.5;
    let mut strokes = Vec::new();
    let mut labels = Vec::new();
    let (xt, xs) = ticks(0.0, top_x, 5);
    let (yt, ys) = ticks(y0, y1, 5);
    let grid = |strokes: &mut Vec<Stroke>, step: f64, lo: f64, hi: f64, vertical: bool, a: f64| {
        let mut pts = Vec::new();
        for v in multiples(lo, hi, step) {
            if vertical {
                let x = crisp(px(v));
                pts.extend([[x, top], [x, bottom]]);
            } else {
                let y = crisp(py(v));
                pts.extend([[left, y], [right, y]]);
            }
        }
        strokes.push(Stroke {
            pts,
            segments: true,
            color: ink.mix(a),
            width: 1.0,
        });
    };
    // Light lines at a tenth of the labelled spacing, bold lines at the labels.
    grid(&mut strokes, xs / 10.0, 0.0, top_x, true, 0.06);
    grid(&mut strokes, ys / 10.0, y0, y1, false, 0.06);
    grid(&mut strokes, xs, 0.0, top_x, true, 0.15);
    grid(&mut strokes, ys, y0, y1, false, 0.15);
    // The axes: left and bottom.
    strokes.push(Stroke {
        pts: vec![
            [crisp(left), top],
            [crisp(left), crisp(bottom)],
            [right, crisp(bottom)],
        ],
        segments: false,
        color: ink.mix(0.6),
        width: 1.0,
    });
    let gap = font_px * 0.4;
    for v in &xt {
        labels.push(Label {
            text: format!("{:.0}", from_plot(*v, data.log_x)),
            at: [px(*v), bottom + gap + font_px * 0.5],
            anchor: Anchor::Center,
        });
    }
    for v in &yt {
        labels.push(Label {
            text: format!("{v:.2}"),
            at: [left - gap, py(*v)],
            anchor: Anchor::Right,
        });
    }
    labels.push(Label {
        text: if data.log_x {
            "step (log scale)"
        } else {
            "step"
        }
        .to_string(),
        at: [(left + right) / 2.0, bottom + gap + font_px * 1.5],
        anchor: Anchor::Center,
    });
    // The series, clamped to the y range.
    let at = |&(x, y): &(f64, f64)| [px(to_plot(x, data.log_x)), py(y.clamp(y0, y1))];
    let mut legend: Vec<(String, Rgba, f64)> = Vec::new();
    if data.train.len() > 1 {
        strokes.push(Stroke {
            pts: data.train.iter().map(at).collect(),
            segments: false,
            color: TRAIN.mix(0.25),
            width: 1.0,
        });
        strokes.push(Stroke {
            pts: ema(&data.train, EMA_ALPHA).iter().map(at).collect(),
            segments: false,
            color: TRAIN,
            width: 2.0,
        });
        legend.push((data.train_label.clone(), TRAIN, 3.0));
    }
    if !data.eval.is_empty() {
        strokes.push(Stroke {
            pts: data.eval.iter().map(at).collect(),
            segments: false,
            color: EVAL,
            width: 3.0,
        });
        legend.push((data.eval_label.clone(), EVAL, 3.0));
    }
    if let Some(f) = data.floor.filter(|f| f.is_finite() && *f >= y0 && *f <= y1) {
        // Dashed: 20 dashes, each a 40th of the width.
        let y = py(f);
        let pts = (0..40)
            .step_by(2)
            .flat_map(|i| {
                [
                    [px(top_x * i as f64 / 40.0), y],
                    [px(top_x * (i + 1) as f64 / 40.0), y],
                ]
            })
            .collect();
        strokes.push(Stroke {
            pts,
            segments: true,
            color: FLOOR,
            width: 2.0,
        });
        legend.push((format!("floor {f:.3}"), FLOOR, 2.0));
    }
    // The legend, in the upper right corner of the plot: a key line and the name per series.
    let mut keys = Vec::new();
    let mut boxed = None;
    if data.train.len() > 1 || !data.eval.is_empty() {
        let pad = font_px * 0.4;
        let key = font_px * 0.7;
        let row = font_px * 1.6;
        let text_w = legend.iter().map(|l| measure(&l.0)).fold(0.0, f64::max);
        let w = pad * 3.0 + key + text_w;
        let h = pad * 2.0 + row * legend.len() as f64;
        let (x, y) = (right - pad - w, top + pad);
        boxed = Some(([x, y, w, h], bg.mix(0.85), ink.mix(0.3)));
        for (i, (text, color, width)) in legend.into_iter().enumerate() {
            let cy = y + pad + row * (i as f64 + 0.5);
            keys.push(Stroke {
                pts: vec![[x + pad, cy], [x + pad + key, cy]],
                segments: false,
                color,
                width,
            });
            labels.push(Label {
                text,
                at: [x + pad * 2.0 + key, cy],
                anchor: Anchor::Left,
            });
        }
    }
    Scene {
        size: [width, height],
        bg,
        ink,
        font_px,
        strokes,
        legend: boxed,
        keys,
        labels,
        plot: PlotArea {
            left,
            right,
            x_max,
            log_x: data.log_x,
        },
    }
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
