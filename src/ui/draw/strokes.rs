//! The drawing kit of the layer handles: strokes with a dark halo, arrows, circles, grabbable
//! handle discs and labels that stay readable on any part of the colormap and inside the canvas.

use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d;

use crate::core::Vec2;
use crate::render::ViewTransform;
use crate::ui::browser::report;

/// Dark halo under strokes and labels.
pub const HALO: &str = "rgba(0,0,0,0.7)";
/// Handle radius in CSS pixels (the hit target is larger, see `input::pointer`).
const HANDLE_R: f64 = 7.0;

/// A canvas, the view it shows, and its pixels per CSS pixel.
pub struct Draw<'a> {
    /// The context.
    pub ctx: &'a CanvasRenderingContext2d,
    /// The view.
    pub view: &'a ViewTransform,
    /// Device pixels per CSS pixel.
    pub dpr: f64,
}

fn dash(ctx: &CanvasRenderingContext2d, pattern: &[f64]) {
    let arr = js_sys::Array::new();
    for v in pattern {
        arr.push(&JsValue::from_f64(*v));
    }
    report::drawing("set_line_dash (strokes)", ctx.set_line_dash(&arr));
}

impl Draw<'_> {
    pub fn c(&self, p: Vec2) -> Vec2 {
        self.view.canvas_from_data(p)
    }

    /// A stroked segment in data space, with an optional dark halo underneath.
    pub fn segment(&self, a: Vec2, b: Vec2, style: &str, width: f64, halo: bool, pattern: &[f64]) {
        let (ca, cb) = (self.c(a), self.c(b));
        if !(ca.iter().chain(&cb).all(|v| v.is_finite())) {
            return;
        }
        let ctx = self.ctx;
        let k = self.dpr;
        let scaled: Vec<f64> = pattern.iter().map(|v| v * k).collect();
        if halo {
            dash(ctx, &scaled);
            ctx.set_stroke_style_str(HALO);
            ctx.set_line_width((width + 2.5) * k);
            ctx.begin_path();
            ctx.move_to(ca[0], ca[1]);
            ctx.line_to(cb[0], cb[1]);
            ctx.stroke();
        }
        dash(ctx, &scaled);
        ctx.set_stroke_style_str(style);
        ctx.set_line_width(width * k);
        ctx.begin_path();
        ctx.move_to(ca[0], ca[1]);
        ctx.line_to(cb[0], cb[1]);
        ctx.stroke();
        dash(ctx, &[]);
    }

    /// An arrow from `a` to `b` (data space) with a filled head of `head` CSS pixels.
    pub fn arrow(&self, a: Vec2, b: Vec2, style: &str, width: f64, head: f64, pattern: &[f64]) {
        let (ca, cb) = (self.c(a), self.c(b));
        let (dx, dy) = (cb[0] - ca[0], cb[1] - ca[1]);
        let len = dx.hypot(dy);
        if !(len.is_finite()) || len < 1.0 {
            return;
        }
        let h = (head * self.dpr).min(0.6 * len);
        let (ux, uy) = (dx / len, dy / len);
        // Stop the shaft at the head's base.
        let base = [cb[0] - ux * h, cb[1] - uy * h];
        let shaft_end = self.view.data_from_canvas(base);
        self.segment(a, shaft_end, style, width, true, pattern);
        let ctx = self.ctx;
        let (px, py) = (-uy * h * 0.5, ux * h * 0.5);
        ctx.begin_path();
        ctx.move_to(cb[0], cb[1]);
        ctx.line_to(base[0] + px, base[1] + py);
        ctx.line_to(base[0] - px, base[1] - py);
        ctx.close_path();
        ctx.set_fill_style_str(style);
        ctx.set_stroke_style_str(HALO);
        ctx.set_line_width(1.2 * self.dpr);
        ctx.fill();
        ctx.stroke();
    }

    pub fn circle(&self, centre: Vec2, radius_data: f64, style: &str, width: f64, pattern: &[f64]) {
        let c = self.c(centre);
        let r = radius_data * self.view.scale();
        if !(r.is_finite() && r > 0.5 && c[0].is_finite() && c[1].is_finite()) {
            return;
        }
        let ctx = self.ctx;
        let k = self.dpr;
        let scaled: Vec<f64> = pattern.iter().map(|v| v * k).collect();
        dash(ctx, &scaled);
        ctx.set_stroke_style_str(HALO);
        ctx.set_line_width((width + 2.5) * k);
        ctx.begin_path();
        report::drawing(
            "arc (strokes)",
            ctx.arc(c[0], c[1], r, 0.0, std::f64::consts::TAU),
        );
        ctx.stroke();
        ctx.set_stroke_style_str(style);
        ctx.set_line_width(width * k);
        ctx.begin_path();
        report::drawing(
            "arc (strokes)",
            ctx.arc(c[0], c[1], r, 0.0, std::f64::consts::TAU),
        );
        ctx.stroke();
        dash(ctx, &[]);
    }

    /// A grabbable handle: a filled disc with a dark rim (larger while dragged) and a label.
    pub fn handle(&self, p: Vec2, fill: &str, label: &str, active: bool) {
        let c = self.c(p);
        if !(c[0].is_finite() && c[1].is_finite()) {
            return;
        }
        let ctx = self.ctx;
        let r = if active { HANDLE_R + 2.5 } else { HANDLE_R } * self.dpr;
        ctx.begin_path();
        report::drawing(
            "arc (strokes)",
            ctx.arc(c[0], c[1], r, 0.0, std::f64::consts::TAU),
        );
        ctx.set_fill_style_str(fill);
        ctx.fill();
        ctx.set_line_width(2.0 * self.dpr);
        ctx.set_stroke_style_str("#000000");
        ctx.stroke();
        if active {
            ctx.begin_path();
            report::drawing(
                "arc (strokes)",
                ctx.arc(c[0], c[1], r + 2.5 * self.dpr, 0.0, std::f64::consts::TAU),
            );
            ctx.set_stroke_style_str("#ffffff");
            ctx.stroke();
        }
        self.label(
            label,
            [c[0] + r + 4.0 * self.dpr, c[1] - r - 2.0 * self.dpr],
            fill,
            false,
        );
    }

    /// Text with a dark halo, readable on any part of the colormap; kept inside the canvas.
    pub fn label(&self, text: &str, at: Vec2, fill: &str, small: bool) {
        let ctx = self.ctx;
        let size = if small { 12.0 } else { 14.0 } * self.dpr;
        if !(at[0].is_finite() && at[1].is_finite()) {
            return;
        }
        // A generous width estimate (no TextMetrics needed).
        let width = 0.62 * size * text.chars().count() as f64;
        let at = [
            at[0]
                .min(self.view.width - width - 3.0 * self.dpr)
                .max(3.0 * self.dpr),
            at[1].clamp(size + 2.0 * self.dpr, self.view.height - 4.0 * self.dpr),
        ];
        ctx.set_font(&format!("600 {size}px system-ui, sans-serif"));
        ctx.set_line_width(3.5 * self.dpr);
        ctx.set_stroke_style_str(HALO);
        ctx.set_line_join("round");
        report::drawing("stroke_text (labels)", ctx.stroke_text(text, at[0], at[1]));
        ctx.set_fill_style_str(fill);
        report::drawing("fill_text (labels)", ctx.fill_text(text, at[0], at[1]));
    }
}
