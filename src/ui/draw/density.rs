//! The main view's density picture (or the next step's volume change), coloured onto a small
//! canvas that CSS scales up: at one go for a light stack, a slice per frame for a heavy one
//! ([`Refiner`]).

use web_sys::HtmlCanvasElement;

use crate::core::cnf::hutchinson::picture_log_density;
use crate::core::cnf::solver_error::solver_error;
use crate::core::{Flow, LayerKind, Workspace};
use crate::render::progressive::{Model, Picture, Refiner, Subject};
use crate::render::view_plan::{GRID_MAX, GRID_START};
use crate::render::{Colormap, DensityScale, Heatmap, ViewTransform};
use crate::session::Session;
use crate::state::SOLVER_ERROR_PICTURE;
use crate::ui::browser::now_ms;
use crate::ui::context::Legend;

use super::canvas;

/// The finest solver-error picture.
const SOLVER_ERROR_MAX: usize = 64;

/// What the main view's density shows at stage `s`: the next step's volume change (`volume`,
/// a non-empty flow), a one-layer continuous flow's solver error (`probes` is
/// [`SOLVER_ERROR_PICTURE`]), else the density.
fn picture(flow: &Flow, s: f64, volume: bool, probes: u8) -> Picture {
    if volume && !flow.is_empty() {
        Picture::Volume {
            step: ((s.floor().max(0.0) as usize) + 1).min(flow.len()),
        }
    } else if probes == SOLVER_ERROR_PICTURE && solver(flow, s).is_some() {
        Picture::SolverError { stage: s }
    } else {
        Picture::Density {
            stage: s,
            probes: if probes == SOLVER_ERROR_PICTURE {
                0
            } else {
                probes
            },
        }
    }
}

/// A one-layer continuous flow's scheme and its steps to stage `s`.
fn solver(flow: &Flow, s: f64) -> Option<(&'static str, usize)> {
    match flow.kinds() {
        [LayerKind::Cnf(spec)] => Some((spec.method.title(), spec.steps_for(s.clamp(0.0, 1.0)))),
        _ => None,
    }
}

/// The picture's buffers, colormaps and refiner.
pub struct Density {
    heat: Heatmap,
    vol: Heatmap,
    xs: Vec<f64>,
    ys: Vec<f64>,
    vals: Vec<f64>,
    rgba: Vec<u8>,
    /// The volume picture mapped to `[0, 1]`.
    unit: Vec<f64>,
    /// Resolution of the picture drawn at one go (adapted to frame time while animating).
    pub grid_n: usize,
    /// A one-layer continuous flow's trace estimator (0: exact; else Hutchinson's probes), set by
    /// the frame job from the view.
    pub probes: u8,
    /// A heavy stack's picture, computed a slice per frame.
    refiner: Refiner,
    ws: Workspace,
}

impl Density {
    /// Empty buffers.
    pub fn new() -> Self {
        Density {
            heat: Heatmap::new(Colormap::Viridis),
            vol: Heatmap::new(Colormap::Diverging),
            xs: Vec::new(),
            ys: Vec::new(),
            vals: Vec::new(),
            rgba: Vec::new(),
            unit: Vec::new(),
            grid_n: GRID_START,
            probes: 0,
            refiner: Refiner::new(),
            ws: Workspace::default(),
        }
    }

    /// Compute and blit the heatmap for stage `s` at resolution `self.grid_n`.
    pub fn draw(
        &mut self,
        sess: &Session,
        canvas_el: &HtmlCanvasElement,
        window: ViewTransform,
        s: f64,
        scale: DensityScale,
        volume: bool,
    ) -> Legend {
        let n = self.grid_n;
        let grid_view = ViewTransform {
            width: n as f64,
            height: n as f64,
            ..window
        };
        grid_view.pixel_centers(n, n, &mut self.xs, &mut self.ys);
        self.vals.resize(n * n, 0.0);
        let flow = sess.flow();
        let what = picture(flow, s, volume, self.probes);
        match what {
            Picture::Volume { step } => {
                flow.step_log_det(step, 1.0, &self.xs, &self.ys, &mut self.vals, &mut self.ws)
            }
            Picture::Density { stage, probes } => picture_log_density(
                flow,
                stage,
                probes as usize,
                0,
                &self.xs,
                &self.ys,
                &mut self.vals,
                &mut self.ws,
            ),
            Picture::SolverError { stage } => {
                solver_error(flow, stage, &self.xs, &self.ys, &mut self.vals);
            }
        }
        let vals = std::mem::take(&mut self.vals);
        let legend = self.show(canvas_el, &vals, n, what, scale, solver(flow, s));
        self.vals = vals;
        legend
    }

    /// One frame's work on a heavy stack's picture, computed a slice at a time
    /// ([`Refiner`]) until `deadline` (ms, [`now_ms`]): blits it when a picture is done and
    /// returns its legend and side.
    #[allow(clippy::too_many_arguments)]
    pub fn refine(
        &mut self,
        sess: &Session,
        canvas_el: &HtmlCanvasElement,
        window: ViewTransform,
        s: f64,
        scale: DensityScale,
        volume: bool,
        version: u64,
        moving: bool,
        deadline: f64,
    ) -> Option<(Legend, usize)> {
        let flow = sess.flow();
        let what = picture(flow, s, volume, self.probes);
        let subject = Subject::new(what, window);
        let model = Model::of(flow, version);
        // A solver error costs ~30–130 densities per pixel and varies smoothly: 64² at most.
        let rest = if matches!(what, Picture::SolverError { .. }) {
            SOLVER_ERROR_MAX
        } else {
            GRID_MAX
        };
        let job = self.refiner.step(
            flow,
            subject,
            model,
            moving,
            rest,
            &mut self.ws,
            &now_ms,
            &mut || now_ms() < deadline,
        )?;
        let (vals, n) = (job.values().to_vec(), job.n());
        let solver = solver(flow, s);
        Some((self.show(canvas_el, &vals, n, what, scale, solver), n))
    }

    /// Records what a density drawn at one go cost, for the [`Refiner`]'s resolutions.
    pub fn observe(&mut self, sess: &Session, ms: f64) {
        let shape = Model::of(sess.flow(), 0).shape;
        let n = self.grid_n;
        self.refiner.observe(shape, n * n, ms);
    }

    /// Colours `vals` (an `n × n` picture of `what`) onto `canvas_el`.
    fn show(
        &mut self,
        canvas_el: &HtmlCanvasElement,
        vals: &[f64],
        n: usize,
        what: Picture,
        scale: DensityScale,
        solver: Option<(&'static str, usize)>,
    ) -> Legend {
        let legend = match what {
            Picture::Volume { step } => {
                let range = self.diverging(vals, 0.05);
                Legend::Volume { step, range }
            }
            Picture::SolverError { .. } => {
                let range = self.diverging(vals, 1e-12);
                Legend::SolverError {
                    solver: solver.unwrap_or(("", 0)),
                    range,
                }
            }
            Picture::Density { .. } => {
                self.heat.colorize(vals, scale, &mut self.rgba);
                Legend::Density {
                    scale,
                    max_log: self.heat.max_log,
                }
            }
        };
        canvas::blit_rgba(canvas_el, &self.rgba, n as u32, n as u32);
        legend
    }

    /// Colours signed `vals` with the diverging map over `±range`, the largest magnitude in
    /// view (at least `floor`); returns the range.
    fn diverging(&mut self, vals: &[f64], floor: f64) -> f64 {
        let range = vals
            .iter()
            .filter(|v| v.is_finite())
            .fold(0.0f64, |m, v| m.max(v.abs()))
            .max(floor);
        // Map [-range, range] onto [0, 1] of the diverging map.
        self.unit.clear();
        self.unit.extend(vals.iter().map(|v| {
            if v.is_finite() {
                0.5 + 0.5 * *v / range
            } else {
                0.5
            }
        }));
        self.vol.colorize_unit(&self.unit, &mut self.rgba);
        range
    }
}

impl Default for Density {
    fn default() -> Self {
        Self::new()
    }
}
