//! The picture a PNG export or a GIF frame holds: the main view's density (smoothly scaled) and
//! overlays as drawn on screen, with a legend strip below (colour bar, its range, the stage).
//! The overlays are the canvas' own strokes, so the composition uses the canvas API.

use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use crate::render::{Colormap, DensityScale};
use crate::state::numtext::{num, sci};
use crate::ui::browser::page;
use crate::ui::context::Legend;

use super::canvas;
use crate::ui::browser::report;

/// The main view's density and overlay canvases.
pub fn view_canvases() -> Result<(HtmlCanvasElement, HtmlCanvasElement), String> {
    let heat = page::by_id("main-canvas").ok_or("the density canvas is missing")?;
    let overlay = page::by_id("overlay-canvas").ok_or("the overlay canvas is missing")?;
    Ok((heat, overlay))
}

/// A canvas whose 2-D context is made for reading pixels back every frame (the GIF recorder's).
pub fn reading_canvas() -> Result<HtmlCanvasElement, String> {
    let c = new_canvas()?;
    let opts = js_sys::Object::new();
    report::warn(
        "building the reading canvas's context options",
        js_sys::Reflect::set(&opts, &"willReadFrequently".into(), &true.into()),
    );
    report::warn(
        "creating the GIF recorder's reading canvas context",
        c.get_context_with_context_options("2d", &opts),
    );
    Ok(c)
}

fn new_canvas() -> Result<HtmlCanvasElement, String> {
    page::document()
        .ok_or("no document")?
        .create_element("canvas")
        .map_err(|_| "no canvas")?
        .dyn_into()
        .map_err(|_| "no canvas".into())
}

/// The legend strip's caption for `legend`.
fn legend_label(legend: &Legend) -> String {
    match legend {
        Legend::Density {
            scale: DensityScale::Linear,
            max_log,
        } => format!("density 0 … {}", num(max_log.exp(), 3)),
        Legend::Density { max_log, .. } => format!("log density … {}", num(*max_log, 2)),
        Legend::Volume { step, range } => {
            format!("log|det J| step {step}: −{0} … +{0}", num(*range, 2))
        }
        Legend::SolverError {
            solver: (name, steps),
            range,
        } => format!(
            "density error, {name} × {steps} vs RK4 × {}: −{1} … +{1}",
            crate::core::cnf::solver_error::reference_steps(*steps),
            sci(*range)
        ),
    }
}

/// Composes the view (stage `stage` of `k`, legend `legend`) on a canvas `side` pixels square
/// with a legend strip below (text scaled by `scale`); `out` reuses a canvas.
pub fn compose(
    legend: &Legend,
    stage: f64,
    k: usize,
    side: f64,
    scale: f64,
    out: Option<HtmlCanvasElement>,
) -> Result<HtmlCanvasElement, String> {
    let (heat, overlay) = view_canvases()?;
    let strip = (48.0 * scale).round();
    let out = match out {
        Some(c) => c,
        None => new_canvas()?,
    };
    canvas::ensure_size(&out, side as u32, (side + strip) as u32);
    let ctx = canvas::context_2d(&out).ok_or("no 2-D context")?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, side, side + strip);
    ctx.set_image_smoothing_enabled(true);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&heat, 0.0, 0.0, side, side)
        .map_err(|_| "drawing failed")?;
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&overlay, 0.0, 0.0, side, side)
        .map_err(|_| "drawing failed")?;
    let cmap = match legend {
        Legend::Volume { .. } | Legend::SolverError { .. } => Colormap::Diverging,
        Legend::Density { .. } => Colormap::Viridis,
    };
    let bar_x = 12.0 * scale;
    let bar_w = side * 0.45;
    for i in 0..=100 {
        let [r, g, b] = cmap.at(i as f64 / 100.0);
        ctx.set_fill_style_str(&format!("rgb({r},{g},{b})"));
        ctx.fill_rect(
            bar_x + bar_w * i as f64 / 101.0,
            side + 10.0 * scale,
            bar_w / 100.0 + 1.0,
            14.0 * scale,
        );
    }
    ctx.set_fill_style_str("#1b1a26");
    ctx.set_font(&format!("{}px sans-serif", (13.0 * scale).round()));
    report::drawing(
        "fill_text (exported picture's caption)",
        ctx.fill_text(
            &legend_label(legend),
            bar_x + bar_w + 12.0 * scale,
            side + 22.0 * scale,
        ),
    );
    report::drawing(
        "fill_text (exported picture's caption)",
        ctx.fill_text(
            &format!("stage {} of {k} · Flow Playground", num(stage, 2)),
            bar_x,
            side + 40.0 * scale,
        ),
    );
    Ok(out)
}

/// The RGBA pixels of a composed canvas.
pub fn pixels(c: &HtmlCanvasElement) -> Result<(Vec<u8>, u32, u32), String> {
    let (w, h) = (c.width(), c.height());
    let ctx = canvas::context_2d(c).ok_or("no 2-D context")?;
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|_| "the browser would not read the picture back")?;
    Ok((data.data().0, w, h))
}
