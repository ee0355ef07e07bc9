//! Draws the main view: the exact density at stage `s` (or the next layer's volume change) on a
//! small canvas that CSS scales up (`density`), and the overlays on a crisp device-pixel canvas
//! above it.

use web_sys::HtmlCanvasElement;

use crate::core::{EnergyTarget, Probe};
use crate::render::field_arrows::field_arrows;
use crate::render::fm_paths::conditional_paths;
use crate::render::overlay::{contours, Polylines};
use crate::render::progressive::{Model, PushKey, Pusher};
use crate::render::stretch::{stretch_ellipses, Ellipse};
use crate::render::view_plan::Refresh;
use crate::render::ViewTransform;

use crate::core::Workspace;
use crate::session::Session;
use crate::ui::context::Overlays;

use super::canvas;
use super::data_layer::DataLayer;
use super::density::Density;
use super::draw2d;
use super::trails::Trails;
use crate::ui::browser::{now_ms, report};

/// Target contours for an energy and a view window (centre x, y, half-extent).
type ContourCache = (EnergyTarget, [f64; 3], Vec<[[f64; 2]; 2]>);

/// Reusable buffers and caches of the main view.
pub struct MainView {
    /// The density (or volume) picture.
    pub density: Density,
    grid_pushed: Polylines,
    px: Vec<f64>,
    py: Vec<f64>,
    contour_cache: Option<ContourCache>,
    /// The grid pushed to one step before the stage shown (reused while those layers are
    /// unchanged: dragging a layer's handle recomputes only the last step).
    grid_cache: crate::render::stage_cache::StageCache,
    /// A coarser base grid (fewer vertices per line), drawn while training: its inverses are
    /// most of the overlay cost of a frame in which every layer has changed.
    coarse_grid: Polylines,
    /// Draw the coarse grid (set by the frame loop while training).
    pub coarse: bool,
    /// Engine scratch space.
    ws: Workspace,
    /// A heavy stack's warped grid and particles, pushed a slice per frame.
    grid_pusher: Pusher,
    particle_pusher: Pusher,
    /// The data points, drawn once per change.
    data_layer: DataLayer,
    /// The trajectories overlay's sampled paths.
    trails: Trails,
}

impl MainView {
    /// Empty buffers.
    pub fn new() -> Self {
        MainView {
            density: Density::new(),
            grid_pushed: Polylines::default(),
            px: Vec::new(),
            py: Vec::new(),
            contour_cache: None,
            grid_cache: crate::render::stage_cache::StageCache::new(),
            coarse_grid: crate::render::overlay::base_grid(17, 4.0, 40),
            coarse: false,
            ws: Workspace::default(),
            grid_pusher: Pusher::new(),
            particle_pusher: Pusher::new(),
            data_layer: DataLayer::default(),
            trails: Trails::default(),
        }
    }

    /// Pushes base points to the model stage (the probe's point).
    pub fn push_point(&mut self, flow: &crate::core::Flow, x: &mut [f64], y: &mut [f64]) {
        flow.push_to_stage(flow.len() as f64, x, y, &mut self.ws);
    }

    /// A heavy stack's warped grid and particles (those `opts` shows) pushed to stage `s`, a
    /// slice per frame until `deadline` (ms): true when new points are ready to draw.
    pub fn advance_pushes(
        &mut self,
        sess: &Session,
        s: f64,
        version: u64,
        opts: Overlays,
        deadline: f64,
    ) -> bool {
        let flow = sess.flow();
        let model = Model::of(flow, version);
        let mut fresh = false;
        if opts.grid {
            let (src, source) = if self.coarse {
                (&self.coarse_grid, 1)
            } else {
                (sess.grid(), 0)
            };
            let key = PushKey {
                source,
                len: src.xs.len(),
                stage: s,
            };
            fresh |= self.grid_pusher.step(
                flow,
                key,
                model,
                &src.xs,
                &src.ys,
                &mut self.ws,
                &now_ms,
                &mut || now_ms() < deadline,
            );
            if fresh {
                self.grid_pushed.starts.clone_from(&src.starts);
            }
        }
        if opts.particles {
            let (px, py) = sess.particles();
            let key = PushKey {
                source: 2,
                len: px.len(),
                stage: s,
            };
            fresh |= self.particle_pusher.step(
                flow,
                key,
                model,
                px,
                py,
                &mut self.ws,
                &now_ms,
                &mut || now_ms() < deadline,
            );
        }
        fresh
    }

    /// Draw the overlays for stage `s` on `overlay` (device pixels, `dpr` per CSS pixel).
    pub fn draw_overlays(
        &mut self,
        sess: &Session,
        overlay: &HtmlCanvasElement,
        window: ViewTransform,
        dpr: f64,
        s: f64,
        opts: Overlays,
        probe: Option<&Probe>,
        refresh: Refresh,
        heavy: bool,
    ) {
        let Some(ctx) = canvas::context_2d(overlay) else {
            return;
        };
        let (w, h) = (overlay.width() as f64, overlay.height() as f64);
        ctx.clear_rect(0.0, 0.0, w, h);
        let view = ViewTransform {
            width: w,
            height: h,
            ..window
        };
        let flow = sess.flow();

        if opts.data {
            match sess.energy() {
                Some(energy) => {
                    let key = [window.center[0], window.center[1], window.half_extent];
                    let fresh =
                        matches!(&self.contour_cache, Some((e, k, _)) if e == energy && *k == key);
                    if !fresh {
                        self.contour_cache =
                            Some((energy.clone(), key, target_contours(energy, window)));
                    }
                    if let Some((_, _, segs)) = &self.contour_cache {
                        draw2d::segments(&ctx, &view, segs, "rgba(0,0,0,0.55)", 3.2 * dpr);
                        draw2d::segments(&ctx, &view, segs, "rgba(255,255,255,0.95)", 1.4 * dpr);
                    }
                }
                None => self.data_layer.draw(&ctx, &view, sess.points(), dpr),
            }
        }

        if opts.grid {
            let g = &mut self.grid_pushed;
            let src = if self.coarse {
                &self.coarse_grid
            } else {
                sess.grid()
            };
            if heavy {
                // Pushed a slice per frame (`advance_pushes`): the last complete push, if it is
                // of the stage shown (while a continuous stack plays, no push keeps up: a grid
                // of another stage would contradict the density, so none is drawn).
                let (xs, ys) = self.grid_pusher.points();
                let current = self
                    .grid_pusher
                    .shown_stage()
                    .is_some_and(|st| (st - s).abs() < 0.05);
                if xs.len() == src.xs.len() && current {
                    g.starts.clone_from(&src.starts);
                    g.xs.clear();
                    g.xs.extend_from_slice(xs);
                    g.ys.clear();
                    g.ys.extend_from_slice(ys);
                } else {
                    g.starts.clear();
                    g.xs.clear();
                    g.ys.clear();
                }
            } else if refresh.grid || g.starts != src.starts || g.xs.len() != src.xs.len() {
                g.starts.clone_from(&src.starts);
                let cache = &mut self.grid_cache;
                cache.push(
                    flow,
                    s,
                    &src.xs,
                    &src.ys,
                    &mut g.xs,
                    &mut g.ys,
                    &mut self.ws,
                );
            }
            draw2d::stroke_polylines(&ctx, &view, g, "rgba(255,255,255,0.38)", 1.0 * dpr);
        }

        if opts.trails {
            self.trails
                .draw(&ctx, &view, flow, sess.particles(), s, dpr, heavy);
        }

        if opts.particles {
            let (px, py) = sess.particles();
            if heavy {
                let (xs, ys) = self.particle_pusher.points();
                let current = self
                    .particle_pusher
                    .shown_stage()
                    .is_some_and(|st| (st - s).abs() < 0.05);
                self.px.clear();
                self.py.clear();
                if current {
                    self.px.extend_from_slice(xs);
                    self.py.extend_from_slice(ys);
                }
            } else if refresh.particles || self.px.len() != px.len() {
                self.px.clear();
                self.px.extend_from_slice(px);
                self.py.clear();
                self.py.extend_from_slice(py);
                flow.push_to_stage(s, &mut self.px, &mut self.py, &mut self.ws);
            }
            draw2d::dots(
                &ctx,
                &view,
                &self.px,
                &self.py,
                2.4 * dpr,
                "#ff4fa3",
                Some(("rgba(0,0,0,0.7)", 0.8 * dpr)),
            );
        }

        if opts.stretch {
            let ellipses = stretch_ellipses(flow, s, 7, 3.3, 0.28, &mut self.ws);
            draw_ellipses(&ctx, &view, dpr, &ellipses);
        }

        if opts.paths && sess.trainer().flow_matching() {
            // The straight paths the regression's targets are the velocities of, and where each
            // is at the time shown (white, under the field's arrows).
            let (segs, at) = conditional_paths(sess.points(), s.min(1.0), 24);
            draw2d::segments(&ctx, &view, &segs, "rgba(255,255,255,0.55)", 1.2 * dpr);
            let (xs, ys): (Vec<f64>, Vec<f64>) = at.iter().map(|p| (p[0], p[1])).unzip();
            draw2d::dots(
                &ctx,
                &view,
                &xs,
                &ys,
                3.5 * dpr,
                "#ffffff",
                Some(("#000000", 1.0 * dpr)),
            );
        }

        if opts.field {
            // Okabe–Ito sky blue over a dark outline: apart from the data (white), the held-out
            // points (orange) and the stretch ellipses (yellow), on every colormap.
            let (segs, _) = field_arrows(flow, s, &window, 22);
            draw2d::segments(&ctx, &view, &segs, "rgba(0,0,0,0.6)", 3.0 * dpr);
            draw2d::segments(&ctx, &view, &segs, "#56B4E9", 1.5 * dpr);
        }

        if let Some(p) = probe {
            draw_probe(&ctx, &view, dpr, p, s);
        }
    }
}

impl Default for MainView {
    fn default() -> Self {
        Self::new()
    }
}

/// The stretch ellipses: Okabe–Ito yellow on a dark halo, the first (largest) axis marked, so
/// a circle (no stretch) and an ellipse read apart without colour.
fn draw_ellipses(
    ctx: &web_sys::CanvasRenderingContext2d,
    view: &ViewTransform,
    dpr: f64,
    ellipses: &[Ellipse],
) {
    let scale = view.scale();
    ctx.begin_path();
    for e in ellipses {
        let c = view.canvas_from_data(e.center);
        let (rx, ry) = (e.axes[0] * scale, e.axes[1] * scale);
        if !(c[0].is_finite() && c[1].is_finite() && rx.is_finite() && ry.is_finite()) {
            continue;
        }
        let (rx, ry) = (
            rx.clamp(0.5, 4.0 * view.width),
            ry.clamp(0.5, 4.0 * view.width),
        );
        // Canvas y points down: the data-space angle turns the other way.
        ctx.move_to(c[0] + rx * e.angle.cos(), c[1] - rx * e.angle.sin());
        report::drawing(
            "ellipse (stretch ellipses)",
            ctx.ellipse(c[0], c[1], rx, ry, -e.angle, 0.0, std::f64::consts::TAU),
        );
    }
    ctx.set_line_width(3.2 * dpr);
    ctx.set_stroke_style_str("rgba(0,0,0,0.55)");
    ctx.stroke();
    ctx.set_line_width(1.6 * dpr);
    ctx.set_stroke_style_str("#F0E442");
    ctx.stroke();
    // The first axis of each ellipse: the direction the flow stretches most.
    ctx.begin_path();
    for e in ellipses {
        let c = view.canvas_from_data(e.center);
        let rx = (e.axes[0] * scale).clamp(0.0, 4.0 * view.width);
        let (dx, dy) = (rx * e.angle.cos(), -rx * e.angle.sin());
        if !(c[0].is_finite() && c[1].is_finite() && dx.is_finite() && dy.is_finite()) {
            continue;
        }
        ctx.move_to(c[0] - dx, c[1] - dy);
        ctx.line_to(c[0] + dx, c[1] + dy);
    }
    ctx.set_line_width(1.2 * dpr);
    ctx.stroke();
}

/// The probe's trajectory through all stages, with its position at stage `s` highlighted.
fn draw_probe(
    ctx: &web_sys::CanvasRenderingContext2d,
    view: &ViewTransform,
    dpr: f64,
    p: &Probe,
    s: f64,
) {
    let pts: Vec<[f64; 2]> = p
        .positions
        .iter()
        .map(|q| view.canvas_from_data(*q))
        .collect();
    ctx.set_line_width(2.0 * dpr);
    ctx.set_stroke_style_str("rgba(255,255,255,0.95)");
    ctx.begin_path();
    for (i, q) in pts.iter().enumerate() {
        if i == 0 {
            ctx.move_to(q[0], q[1]);
        } else {
            ctx.line_to(q[0], q[1]);
        }
    }
    ctx.stroke();
    for (i, q) in pts.iter().enumerate() {
        ctx.begin_path();
        report::drawing(
            "arc (probe path)",
            ctx.arc(
                q[0],
                q[1],
                if i == 0 { 3.5 } else { 2.2 } * dpr,
                0.0,
                std::f64::consts::TAU,
            ),
        );
        ctx.set_fill_style_str(if i == 0 {
            "#ffffff"
        } else {
            "rgba(255,255,255,0.8)"
        });
        ctx.fill();
    }
    // Current stage: interpolate between integer stages.
    let k = p.positions.len().saturating_sub(1);
    let s = s.clamp(0.0, k as f64);
    let j = (s.floor() as usize).min(k);
    let t = s - j as f64;
    let a = p.positions[j];
    let b = p.positions[(j + 1).min(k)];
    let c = view.canvas_from_data([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
    ctx.begin_path();
    report::drawing(
        "arc (probe path)",
        ctx.arc(c[0], c[1], 6.0 * dpr, 0.0, std::f64::consts::TAU),
    );
    ctx.set_fill_style_str("#ff9f1c");
    ctx.fill();
    ctx.set_stroke_style_str("#000000");
    ctx.set_line_width(1.5 * dpr);
    ctx.stroke();
}

/// Contours of the target density exp(−U) at 10 %, 30 %, 60 % and 90 % of its peak in view.
fn target_contours(energy: &EnergyTarget, window: ViewTransform) -> Vec<[[f64; 2]; 2]> {
    let n = 160;
    let v = ViewTransform {
        width: n as f64,
        height: n as f64,
        ..window
    };
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    v.pixel_centers(n, n, &mut xs, &mut ys);
    let mut field = vec![0.0; xs.len()];
    energy.values(&xs, &ys, &mut field);
    field.iter_mut().for_each(|u| *u = -*u);
    let top = field
        .iter()
        .copied()
        .filter(|f| f.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let mut segs = Vec::new();
    for frac in [0.1f64, 0.3, 0.6, 0.9] {
        let level = top + frac.ln();
        segs.extend(contours(&field, n, n, level, |c, r| {
            v.data_from_canvas([c + 0.5, r + 0.5])
        }));
    }
    segs
}
