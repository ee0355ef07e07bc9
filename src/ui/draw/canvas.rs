//! The one place that puts pure render output on a real `<canvas>`.

use crate::ui::browser::report;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// The canvas' 2-D context (None if the browser refuses one).
pub fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// Resize `canvas`' backing store (not its CSS size) if needed; returns true if it changed.
pub fn ensure_size(canvas: &HtmlCanvasElement, width: u32, height: u32) -> bool {
    let changed = canvas.width() != width || canvas.height() != height;
    if changed {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    changed
}

/// Copy an RGBA buffer of `width × height` pixels onto `canvas` at its origin.
pub fn blit_rgba(canvas: &HtmlCanvasElement, rgba: &[u8], width: u32, height: u32) {
    let Some(ctx) = context_2d(canvas) else {
        return;
    };
    ensure_size(canvas, width, height);
    if let Ok(img) = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), width, height) {
        report::drawing(
            "put_image_data (a pixel buffer onto a canvas)",
            ctx.put_image_data(&img, 0.0, 0.0),
        );
    }
}
