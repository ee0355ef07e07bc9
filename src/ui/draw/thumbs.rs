//! The filmstrip: one small density thumbnail per stage 0..K.

use web_sys::HtmlCanvasElement;

use crate::core::Workspace;
use crate::render::progressive::Chunker;
use crate::render::{Colormap, DensityScale, Heatmap, ViewTransform};
use crate::session::Session;
use crate::ui::browser::{now_ms, page};

use super::canvas;

/// Thumbnail resolution (pixels per side).
pub const THUMB_N: usize = 48;

/// Redraw every `canvas.thumb-canvas[data-stage]` on the page for `window`, at one go (the
/// bench's measure of the whole filmstrip; the app draws it a slice per frame).
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

/// The filmstrip refreshed a slice per frame while training: thumbnails in page order,
/// round-robin, each computed a chunk of points at a time, so that a slice can stop inside a
/// thumbnail (one thumbnail of a spline coupling stack takes ~10 ms in Chromium, of a continuous
/// flow more, far more than a slice's budget). Chunks are sized from the clock to take about
/// [`CHUNK_MS`](crate::render::progressive::CHUNK_MS) (`progressive::Chunker`; bands of four
/// rows, 192 ODE solves, held frames for 20–36 ms), the first of each thumbnail small, as its
/// stage may cost more than the last one's. A thumbnail reaches the page when its last chunk is
/// done; its chunks may come from models a few training steps apart, and the whole filmstrip is
/// redrawn from one model as soon as training stops.
#[derive(Default)]
pub struct Slicer {
    /// Buffers for the window they were made for.
    painter: Option<(ViewTransform, Painter)>,
    /// The thumbnail in progress (page order), its stage and its next point.
    index: usize,
    stage: Option<f64>,
    point: usize,
    chunker: Chunker,
}

impl Slicer {
    /// Computes chunks until `done()` says the time is up (at least one chunk, at most one round
    /// of the whole filmstrip), putting each finished thumbnail on the page. Returns how many
    /// it finished, and how many the filmstrip has.
    pub fn run(
        &mut self,
        sess: &Session,
        window: ViewTransform,
        done: impl Fn() -> bool,
    ) -> (usize, usize) {
        let Some(list) = thumb_canvases().filter(|l| !l.is_empty()) else {
            return (0, 0);
        };
        let mut finished = 0;
        if self.painter.as_ref().is_none_or(|(w, _)| *w != window) {
            self.painter = Some((window, Painter::new(window)));
            self.point = 0;
        }
        let Some((_, painter)) = self.painter.as_mut() else {
            return (0, list.len());
        };
        let total = THUMB_N * THUMB_N;
        while finished < list.len() {
            self.index %= list.len();
            let el = &list[self.index];
            let stage = stage_of(el);
            if stage != self.stage || self.point == 0 {
                (self.stage, self.point) = (stage, 0);
                self.chunker = Chunker::default();
            }
            if let Some(stage) = stage {
                let end = (self.point + self.chunker.size()).min(total);
                let t0 = now_ms();
                painter.points(sess, stage, self.point, end);
                self.chunker.observe(end - self.point, now_ms() - t0);
                self.point = end;
            }
            if stage.is_none() || self.point == total {
                if stage.is_some() {
                    painter.show(el);
                }
                finished += 1;
                (self.index, self.stage, self.point) = (self.index + 1, None, 0);
            }
            if done() {
                break;
            }
        }
        (finished, list.len())
    }

    /// Starts the next round at a thumbnail's first point (the model or the window changed: a
    /// thumbnail half computed belongs to the old one).
    pub fn restart_thumb(&mut self) {
        (self.stage, self.point) = (None, 0);
    }
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
        self.points(sess, stage, 0, THUMB_N * THUMB_N);
        self.show(el);
    }

    /// The log-density of points `a..b` (row-major) at `stage`.
    fn points(&mut self, sess: &Session, stage: f64, a: usize, b: usize) {
        sess.flow().log_density(
            stage,
            &self.xs[a..b],
            &self.ys[a..b],
            &mut self.vals[a..b],
            &mut self.ws,
        );
    }

    /// The computed thumbnail, coloured, onto `el`.
    fn show(&mut self, el: &HtmlCanvasElement) {
        self.heat
            .colorize(&self.vals, DensityScale::Linear, &mut self.rgba);
        canvas::blit_rgba(el, &self.rgba, THUMB_N as u32, THUMB_N as u32);
    }
}
