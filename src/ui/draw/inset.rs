//! The coupling inset: a small plot of a coupling layer's 1-D transform `x_b ↦ y_b` at the kept
//! coordinate's value `x_a` (`render::coupling`), with the identity dashed and a spline's knots.

use web_sys::HtmlCanvasElement;

use crate::render::coupling::CouplingCurve;
use crate::ui::browser::page;

use super::canvas;
use crate::ui::browser::report;

/// The window of the plot, both axes.
pub const RANGE: (f64, f64) = (-4.5, 4.5);

/// Draws `curve` on `el` (its CSS size, at the device pixel ratio).
pub fn draw(el: &HtmlCanvasElement, curve: &CouplingCurve) {
    let dpr = page::dpr(3.0);
    let (cw, ch) = (
        el.client_width().max(1) as f64,
        el.client_height().max(1) as f64,
    );
    canvas::ensure_size(el, (cw * dpr) as u32, (ch * dpr) as u32);
    let Some(ctx) = canvas::context_2d(el) else {
        return;
    };
    let (w, h) = (cw * dpr, ch * dpr);
    let dark = page::dark();
    ctx.clear_rect(0.0, 0.0, w, h);
    let pad = 6.0 * dpr;
    let (lo, hi) = RANGE;
    let px = |v: [f64; 2]| {
        let x = pad + (v[0] - lo) / (hi - lo) * (w - 2.0 * pad);
        let y = h - pad - (v[1].clamp(lo - 1.0, hi + 1.0) - lo) / (hi - lo) * (h - 2.0 * pad);
        (x, y)
    };
    let ink = if dark { "#ecebf5" } else { "#1b1a26" };
    let faint = if dark {
        "rgba(236,235,245,0.35)"
    } else {
        "rgba(27,26,38,0.3)"
    };
    // Axes through 0, and the bound of the spline (±3).
    ctx.set_line_width(dpr);
    ctx.set_stroke_style_str(faint);
    ctx.begin_path();
    let (ox, oy) = px([0.0, 0.0]);
    ctx.move_to(pad, oy);
    ctx.line_to(w - pad, oy);
    ctx.move_to(ox, pad);
    ctx.line_to(ox, h - pad);
    ctx.stroke();
    // The identity, dashed.
    let dash = js_sys::Array::of2(&(4.0 * dpr).into(), &(4.0 * dpr).into());
    report::drawing("set_line_dash (coupling inset)", ctx.set_line_dash(&dash));
    ctx.begin_path();
    let (a, b) = (px([lo, lo]), px([hi, hi]));
    ctx.move_to(a.0, a.1);
    ctx.line_to(b.0, b.1);
    ctx.stroke();
    report::drawing(
        "set_line_dash (coupling inset)",
        ctx.set_line_dash(&js_sys::Array::new()),
    );
    // The transform.
    ctx.set_line_width(2.2 * dpr);
    ctx.set_stroke_style_str(if dark { "#56b4e9" } else { "#0072b2" });
    ctx.begin_path();
    for (i, p) in curve.points.iter().enumerate() {
        let (x, y) = px(*p);
        if i == 0 {
            ctx.move_to(x, y);
        } else {
            ctx.line_to(x, y);
        }
    }
    ctx.stroke();
    // The knots.
    ctx.set_fill_style_str("#d55e00");
    for k in &curve.knots {
        let (x, y) = px(*k);
        ctx.begin_path();
        report::drawing(
            "arc (coupling inset)",
            ctx.arc(x, y, 3.0 * dpr, 0.0, std::f64::consts::TAU),
        );
        ctx.fill();
    }
    ctx.set_fill_style_str(ink);
    ctx.set_font(&format!("{}px sans-serif", (11.0 * dpr).round()));
    report::drawing(
        "fill_text (coupling inset)",
        ctx.fill_text("x_b →", w - pad - 36.0 * dpr, oy - 4.0 * dpr),
    );
    report::drawing(
        "fill_text (coupling inset)",
        ctx.fill_text("y_b", ox + 4.0 * dpr, pad + 10.0 * dpr),
    );
}
