//! Draws the comparison's panels: the target density ∝ exp(−U) (energies) and each compared
//! flow at its model stage. One panel at a time, round-robin; a flow's panel is computed a slice of
//! at most `PANEL_SLICE_MS` per frame (`render::progressive`: a K = 32 energy flow pulls every
//! pixel back through 32 exact inverses, a spline stack evaluates a network per pixel and layer),
//! at 96² while training and 128² at rest.

use web_sys::HtmlCanvasElement;

use crate::core::Workspace;
use crate::render::progressive::{DensityJob, Picture};
use crate::render::{Colormap, DensityScale, Heatmap, ViewTransform};
use crate::session::CompareRun;
use crate::ui::browser::{now_ms, page};

use super::canvas;
use crate::ui::browser::report;

/// Panel resolution at rest.
const N_MAX: usize = 128;
/// Panel resolution while training (a panel is redrawn several times a second).
const N_TRAINING: usize = 96;
/// Milliseconds of a frame a flow's panel may take (it is finished over as many frames as it
/// needs).
const PANEL_SLICE_MS: f64 = 4.0;
/// Milliseconds between refreshes of a panel while training.
const REDRAW_MS: f64 = 250.0;

/// What the panels show now, and the painter's buffers.
pub struct ComparePainter {
    /// Per panel (target first, then the flows): the step and window it was drawn at.
    drawn: Vec<Option<(u64, ViewTransform)>>,
    last_draw: f64,
    last_panel: usize,
    n: usize,
    /// The flow panel in progress: its index, the step and window it shows, the picture.
    job: Option<(usize, u64, ViewTransform, DensityJob)>,
    ws: Workspace,
}

impl Default for ComparePainter {
    fn default() -> Self {
        ComparePainter {
            drawn: Vec::new(),
            last_draw: 0.0,
            last_panel: 0,
            n: N_MAX,
            job: None,
            ws: Workspace::default(),
        }
    }
}

impl ComparePainter {
    /// A new comparison is shown: every panel is stale.
    pub fn restart(&mut self) {
        *self = ComparePainter::default();
    }

    /// The panel to redraw now, if any: a flow panel in progress goes on (newer steps do not
    /// restart it: it would never end while the flows train), else the first whose flow moved
    /// (or whose window changed) since it was drawn, no more often than every `REDRAW_MS` per
    /// panel.
    fn due(&self, run: &CompareRun, window: ViewTransform, now: f64) -> Option<usize> {
        let n = run.entries().len() + 1; // panel 0: the target (energies only)
        if let Some((i, _, w, _)) = &self.job {
            if *i < n && *w == window {
                return Some(*i);
            }
        }
        let step_of = |i: usize| run.entries()[i - 1].trainer.step_count();
        (1..=n).map(|j| (self.last_panel + j) % n).find(|&i| {
            if i == 0 && run.energy().is_none() {
                return false;
            }
            match self.drawn.get(i).copied().flatten() {
                None => true,
                Some((step, w)) => {
                    w != window
                        || (i > 0
                            && step_of(i) != step
                            && now - self.last_draw >= REDRAW_MS / n as f64)
                }
            }
        })
    }

    /// Whether [`ComparePainter::draw_one`] has a panel to work on now (the frame loop gives it
    /// a turn then).
    pub fn wants(&self, run: &CompareRun, window: ViewTransform) -> bool {
        self.due(run, window, now_ms()).is_some()
    }

    /// Redraws at most one panel (see `due`); a panel at a resolution other than the one wanted
    /// now is redrawn from scratch. Returns true if one was drawn.
    pub fn draw_one(&mut self, run: &CompareRun, window: ViewTransform, training: bool) -> bool {
        let now = now_ms();
        let n = run.entries().len() + 1;
        self.drawn.resize(n, None);
        let Some(due) = self.due(run, window, now) else {
            return false;
        };
        if !training && self.n < N_MAX {
            // Idle: back to full resolution, every panel redrawn.
            self.n = N_MAX;
            self.drawn.iter_mut().for_each(|d| *d = None);
            self.job = None;
        } else if training {
            self.n = N_TRAINING;
        }
        let id = if due == 0 {
            "compare-target".to_string()
        } else {
            format!("compare-canvas-{}", due - 1)
        };
        let Some(el) = page::by_id::<HtmlCanvasElement>(&id) else {
            return false;
        };
        let (vals, step) = if due == 0 {
            let Some(e) = run.energy() else {
                return false;
            };
            let view = ViewTransform {
                width: self.n as f64,
                height: self.n as f64,
                ..window
            };
            let (mut xs, mut ys) = (Vec::new(), Vec::new());
            view.pixel_centers(self.n, self.n, &mut xs, &mut ys);
            let mut u = vec![0.0; xs.len()];
            let (mut gx, mut gy) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
            e.eval_batch(&xs, &ys, &mut u, &mut gx, &mut gy);
            (u.iter().map(|u| -u).collect::<Vec<f64>>(), 0)
        } else {
            // A flow's panel: computed a slice per frame (a spline stack's panel takes tens of
            // ms on a slow phone), from a copy of the flow at the step it started.
            if !matches!(&self.job, Some((i, _, _, _)) if *i == due) {
                let trainer = &run.entries()[due - 1].trainer;
                let flow = trainer.flow();
                let what = Picture::Density {
                    stage: flow.len() as f64,
                    probes: 0,
                };
                let job = DensityJob::new(flow, what, window, self.n);
                self.job = Some((due, trainer.step_count(), window, job));
            }
            let Some((_, _, _, job)) = self.job.as_mut() else {
                return false;
            };
            let deadline = now + PANEL_SLICE_MS;
            job.run(&mut self.ws, &now_ms, &mut || now_ms() < deadline);
            if !job.is_done() {
                return false;
            }
            let Some((_, step, _, job)) = self.job.take() else {
                return false;
            };
            (job.values().to_vec(), step)
        };
        let n_px = (vals.len() as f64).sqrt().round() as u32;
        let mut rgba = Vec::new();
        Heatmap::new(Colormap::Viridis).colorize(&vals, DensityScale::Linear, &mut rgba);
        canvas::blit_rgba(&el, &rgba, n_px, n_px);
        if due > 0 {
            report::warn_once(
                "marking a comparison panel's step (data-step)",
                el.set_attribute("data-step", &step.to_string()),
            );
        }
        self.drawn[due] = Some((step, window));
        self.last_draw = now;
        self.last_panel = due;
        true
    }
}
