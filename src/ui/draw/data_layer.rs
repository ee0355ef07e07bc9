//! The data overlay (training points white, held-out points orange) as a cached bitmap: the
//! points do not move while a flow trains or plays, so they are drawn once onto an offscreen
//! canvas per change of points, view or canvas size, and then copied (one `drawImage`) under the
//! warped grid and the particles. With 5,000 points the dots' path (fill and outline) cost
//! Chromium's rasterizer several milliseconds a frame.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::core::Vec2;
use crate::render::ViewTransform;
use crate::session::HELDOUT_EVERY;
use crate::ui::browser::page;

use super::{canvas, draw2d};
use crate::ui::browser::report;

/// What the cached bitmap shows.
#[derive(Clone, Copy, PartialEq)]
struct Key {
    points: u64,
    len: usize,
    view: [u64; 5],
    dpr: u64,
}

/// The cached data layer.
#[derive(Default)]
pub struct DataLayer {
    canvas: Option<HtmlCanvasElement>,
    key: Option<Key>,
}

impl DataLayer {
    /// Draws `points` onto `ctx` (whose canvas is `view.width × view.height` device pixels),
    /// redrawing the cache only if the points, the view or the size changed.
    pub fn draw(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        view: &ViewTransform,
        points: &[Vec2],
        dpr: f64,
    ) {
        let key = Key {
            points: fingerprint(points),
            len: points.len(),
            view: [
                view.center[0].to_bits(),
                view.center[1].to_bits(),
                view.half_extent.to_bits(),
                view.width.to_bits(),
                view.height.to_bits(),
            ],
            dpr: dpr.to_bits(),
        };
        if self.canvas.is_none() {
            self.canvas = page::document()
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|e| e.dyn_into().ok());
        }
        let Some(layer) = &self.canvas else {
            // No offscreen canvas: draw the dots directly.
            dots(ctx, view, points, dpr);
            return;
        };
        if self.key != Some(key) {
            canvas::ensure_size(layer, view.width as u32, view.height as u32);
            if let Some(lctx) = canvas::context_2d(layer) {
                lctx.clear_rect(0.0, 0.0, view.width, view.height);
                dots(&lctx, view, points, dpr);
            }
            self.key = Some(key);
        }
        report::drawing(
            "drawImage (the data layer)",
            ctx.draw_image_with_html_canvas_element(layer, 0.0, 0.0),
        );
    }
}

/// The dots themselves: every `HELDOUT_EVERY`-th point is held out (orange).
fn dots(ctx: &CanvasRenderingContext2d, view: &ViewTransform, points: &[Vec2], dpr: f64) {
    let (mut tx, mut ty, mut hx, mut hy) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, p) in points.iter().enumerate() {
        if i % HELDOUT_EVERY == HELDOUT_EVERY - 1 {
            hx.push(p[0]);
            hy.push(p[1]);
        } else {
            tx.push(p[0]);
            ty.push(p[1]);
        }
    }
    let r = if points.len() > 3000 { 1.3 } else { 2.0 } * dpr;
    let outline = Some(("rgba(0,0,0,0.6)", 0.8 * dpr));
    draw2d::dots(ctx, view, &tx, &ty, r, "rgba(255,255,255,0.9)", outline);
    draw2d::dots(ctx, view, &hx, &hy, r, "rgba(255,159,28,0.95)", outline);
}

/// A hash of the points' exact coordinates (FNV-1a over their bits): any edit changes it.
fn fingerprint(points: &[Vec2]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in points {
        for v in p {
            h ^= v.to_bits();
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}
