//! Small Canvas-2D drawing helpers for overlays (lines, dots, polylines), in canvas pixels.

use web_sys::CanvasRenderingContext2d;

use crate::render::overlay::Polylines;
use crate::render::ViewTransform;
use crate::ui::browser::report;

/// Stroke every line of `lines` (data space) mapped through `view`.
pub fn stroke_polylines(
    ctx: &CanvasRenderingContext2d,
    view: &ViewTransform,
    lines: &Polylines,
    style: &str,
    width: f64,
) {
    ctx.set_stroke_style_str(style);
    ctx.set_line_width(width);
    ctx.begin_path();
    for r in lines.ranges() {
        let mut first = true;
        for i in r {
            let (x, y) = (lines.xs[i], lines.ys[i]);
            if !(x.is_finite() && y.is_finite()) {
                first = true;
                continue;
            }
            let [cx, cy] = view.canvas_from_data([x, y]);
            if first {
                ctx.move_to(cx, cy);
                first = false;
            } else {
                ctx.line_to(cx, cy);
            }
        }
    }
    ctx.stroke();
}

/// Filled (and optionally outlined) dots at data-space points.
pub fn dots(
    ctx: &CanvasRenderingContext2d,
    view: &ViewTransform,
    xs: &[f64],
    ys: &[f64],
    radius: f64,
    fill: &str,
    outline: Option<(&str, f64)>,
) {
    let [x0, x1, y0, y1] = view.data_bounds();
    ctx.begin_path();
    for (&x, &y) in xs.iter().zip(ys) {
        if !(x.is_finite() && y.is_finite())
            || x < x0 - 1.0
            || x > x1 + 1.0
            || y < y0 - 1.0
            || y > y1 + 1.0
        {
            continue;
        }
        let [cx, cy] = view.canvas_from_data([x, y]);
        ctx.move_to(cx + radius, cy);
        report::drawing(
            "arc (dots)",
            ctx.arc(cx, cy, radius, 0.0, std::f64::consts::TAU),
        );
    }
    ctx.set_fill_style_str(fill);
    ctx.fill();
    if let Some((style, w)) = outline {
        ctx.set_stroke_style_str(style);
        ctx.set_line_width(w);
        ctx.stroke();
    }
}

/// Line segments in data space.
pub fn segments(
    ctx: &CanvasRenderingContext2d,
    view: &ViewTransform,
    segs: &[[[f64; 2]; 2]],
    style: &str,
    width: f64,
) {
    ctx.set_stroke_style_str(style);
    ctx.set_line_width(width);
    ctx.begin_path();
    for [a, b] in segs {
        let (ca, cb) = (view.canvas_from_data(*a), view.canvas_from_data(*b));
        ctx.move_to(ca[0], ca[1]);
        ctx.line_to(cb[0], cb[1]);
    }
    ctx.stroke();
}
