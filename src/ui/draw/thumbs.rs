//! The filmstrip: one small density thumbnail per stage 0..K.

use web_sys::HtmlCanvasElement;

use crate::core::Workspace;
use crate::render::{Colormap, DensityScale, Heatmap, ViewTransform};
use crate::session::Session;
use crate::ui::browser::page;

use super::canvas;

/// Thumbnail resolution (pixels per side).
pub const THUMB_N: usize = 48;

/// Redraw every `canvas.thumb-canvas[data-stage]` on the page for `window`.
pub fn draw_all(sess: &Session, window: ViewTransform) {
    draw_range(sess, window, 0.0, f64::INFINITY);
}

/// Redraw the thumbnails of stages in `[lo, hi]` only (the layer editor refreshes the stages a
/// dragged layer can change a few at a time).
pub fn draw_range(sess: &Session, window: ViewTransform, lo: f64, hi: f64) {
    let Some(list) = thumb_canvases() else {
        return;
    };
    let mut painter = Painter::new(window);
    for el in list {
        if let Some(stage) = stage_of(&el).filter(|s| (lo..=hi).contains(s)) {
            painter.paint(sess, &el, stage);
        }
    }
}

/// Redraw thumbnails in page order from index `start`, wrapping around, until `done()` says
/// the time is up (at least one, at most all). Returns the index to start from next time.
/// While training, the frame loop refreshes the filmstrip this way, a slice per frame.
pub fn draw_slice(
    sess: &Session,
    window: ViewTransform,
    start: usize,
    done: impl Fn() -> bool,
) -> usize {
    let Some(list) = thumb_canvases() else {
        return 0;
    };
    if list.is_empty() {
        return 0;
    }
    let mut painter = Painter::new(window);
    let mut i = start % list.len();
    for _ in 0..list.len() {
        if let Some(stage) = stage_of(&list[i]) {
            painter.paint(sess, &list[i], stage);
        }
        i = (i + 1) % list.len();
        if done() {
            break;
        }
    }
    i
}

/// The filmstrip's canvases, in page order.
fn thumb_canvases() -> Option<Vec<HtmlCanvasElement>> {
    Some(page::all("canvas.thumb-canvas"))
}

fn stage_of(el: &HtmlCanvasElement) -> Option<f64> {
    crate::state::decimal::parse(&el.get_attribute("data-stage")?)
}

/// Buffers for drawing thumbnails of one window.
struct Painter {
    xs: Vec<f64>,
    ys: Vec<f64>,
    vals: Vec<f64>,
    rgba: Vec<u8>,
    heat: Heatmap,
    ws: Workspace,
}

impl Painter {
    fn new(window: ViewTransform) -> Self {
        let view = ViewTransform {
            width: THUMB_N as f64,
            height: THUMB_N as f64,
            ..window
        };
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        view.pixel_centers(THUMB_N, THUMB_N, &mut xs, &mut ys);
        Painter {
            vals: vec![0.0; xs.len()],
            xs,
            ys,
            rgba: Vec::new(),
            heat: Heatmap::new(Colormap::Viridis),
            ws: Workspace::default(),
        }
    }

    fn paint(&mut self, sess: &Session, el: &HtmlCanvasElement, stage: f64) {
        sess.flow()
            .log_density(stage, &self.xs, &self.ys, &mut self.vals, &mut self.ws);
        self.heat
            .colorize(&self.vals, DensityScale::Linear, &mut self.rgba);
        canvas::blit_rgba(el, &self.rgba, THUMB_N as u32, THUMB_N as u32);
    }
}
