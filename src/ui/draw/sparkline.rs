//! The loss sparkline of the training bar (`#loss-spark`): the smoothed training loss, the
//! evaluations and the floor (`render::chart::sparkline`), crisp at the device pixel ratio.

use web_sys::HtmlCanvasElement;

use crate::render::chart::sparkline;
use crate::session::Session;
use crate::ui::browser::page;

use super::{canvas, chart};

/// Redraws the sparkline, if it is on the page.
pub fn draw(sess: &Session) {
    let Some(el) = page::by_id::<HtmlCanvasElement>("loss-spark") else {
        return;
    };
    let dpr = page::dpr(3.0);
    let (cw, ch) = (
        el.client_width().max(1) as f64,
        el.client_height().max(1) as f64,
    );
    canvas::ensure_size(&el, (cw * dpr) as u32, (ch * dpr) as u32);
    let Some(ctx) = canvas::context_2d(&el) else {
        return;
    };
    let (w, h) = (cw * dpr, ch * dpr);
    ctx.clear_rect(0.0, 0.0, w, h);
    let s = sparkline(&chart::chart_data(sess, false), w, h);
    let dark = page::dark();
    let line = |pts: &[[f64; 2]], style: &str, width: f64| {
        if pts.len() < 2 {
            return;
        }
        ctx.set_stroke_style_str(style);
        ctx.set_line_width(width * dpr);
        ctx.begin_path();
        ctx.move_to(pts[0][0], pts[0][1]);
        for p in &pts[1..] {
            ctx.line_to(p[0], p[1]);
        }
        ctx.stroke();
    };
    if let Some(y) = s.floor {
        line(
            &[[0.0, y], [w, y]],
            if dark { "#8a8aa0" } else { "#7a7a7a" },
            1.0,
        );
    }
    // Okabe–Ito blue (lightened on dark) and vermillion, as in the chart.
    line(&s.train, if dark { "#56b4e9" } else { "#0072b2" }, 1.6);
    line(&s.eval, "#d55e00", 2.0);
}
