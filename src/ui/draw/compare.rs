//! Draws the comparison's panels: the target density ∝ exp(−U) (energies) and each compared
//! flow at its model stage. At most one panel per frame, round-robin, so each frame stays short;
//! the resolution adapts to keep a panel's draw near `PANEL_BUDGET_MS` while training (a K = 32
//! energy flow pulls every pixel back through 32 exact inverses) and is full when idle.

use web_sys::HtmlCanvasElement;

use crate::core::Workspace;
use crate::render::{Colormap, DensityScale, Heatmap, ViewTransform};
use crate::session::CompareRun;
use crate::ui::browser::{now_ms, page};

use super::canvas;
use crate::ui::browser::report;

const N_MAX: usize = 128;
const N_MIN: usize = 64;
const PANEL_BUDGET_MS: f64 = 5.0;
/// Milliseconds between refreshes of a panel while training.
const REDRAW_MS: f64 = 250.0;

/// What the panels show now, and the painter's buffers.
pub struct ComparePainter {
    /// Per panel (target first, then the flows): the step and window it was drawn at.
    drawn: Vec<Option<(u64, ViewTransform)>>,
    last_draw: f64,
    last_panel: usize,
    n: usize,
    ws: Workspace,
}

impl Default for ComparePainter {
    fn default() -> Self {
        ComparePainter {
            drawn: Vec::new(),
            last_draw: 0.0,
            last_panel: 0,
            n: N_MAX,
            ws: Workspace::default(),
        }
    }
}

impl ComparePainter {
    /// A new comparison is shown: every panel is stale.
    pub fn restart(&mut self) {
        *self = ComparePainter::default();
    }

    /// Redraws at most one panel: the first whose flow moved (or whose window changed) since it
    /// was drawn, no more often than every `REDRAW_MS` per panel while `training`. Returns true
    /// if one was drawn.
    pub fn draw_one(&mut self, run: &CompareRun, window: ViewTransform, training: bool) -> bool {
        let now = now_ms();
        let n = run.entries().len() + 1; // panel 0: the target (energies only)
        self.drawn.resize(n, None);
        let step_of = |i: usize| {
            if i == 0 {
                0
            } else {
                run.entries()[i - 1].trainer.step_count()
            }
        };
        let due = (1..=n).map(|j| (self.last_panel + j) % n).find(|&i| {
            if i == 0 && run.energy().is_none() {
                return false;
            }
            match self.drawn[i] {
                None => true,
                Some((step, w)) => {
                    w != window
                        || (step_of(i) != step && now - self.last_draw >= REDRAW_MS / n as f64)
                }
            }
        });
        let Some(due) = due else {
            return false;
        };
        if !training && self.n < N_MAX {
            // Idle: back to full resolution, every panel redrawn.
            self.n = N_MAX;
            self.drawn.iter_mut().for_each(|d| *d = None);
        }
        let id = if due == 0 {
            "compare-target".to_string()
        } else {
            format!("compare-canvas-{}", due - 1)
        };
        let Some(el) = page::by_id::<HtmlCanvasElement>(&id) else {
            return false;
        };
        let n_px = self.n;
        let view = ViewTransform {
            width: n_px as f64,
            height: n_px as f64,
            ..window
        };
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        view.pixel_centers(n_px, n_px, &mut xs, &mut ys);
        let mut vals = vec![0.0; xs.len()];
        if due == 0 {
            let Some(e) = run.energy() else {
                return false;
            };
            let mut u = vec![0.0; xs.len()];
            let (mut gx, mut gy) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
            e.eval_batch(&xs, &ys, &mut u, &mut gx, &mut gy);
            for (v, u) in vals.iter_mut().zip(&u) {
                *v = -u;
            }
        } else {
            let flow = run.entries()[due - 1].trainer.flow();
            flow.log_density(flow.len() as f64, &xs, &ys, &mut vals, &mut self.ws);
        }
        let mut rgba = Vec::new();
        Heatmap::new(Colormap::Viridis).colorize(&vals, DensityScale::Linear, &mut rgba);
        canvas::blit_rgba(&el, &rgba, n_px as u32, n_px as u32);
        let spent = now_ms() - now;
        if training && spent > PANEL_BUDGET_MS * 1.4 && self.n > N_MIN {
            self.n -= 16;
        } else if training && spent < PANEL_BUDGET_MS * 0.5 && self.n < N_MAX {
            self.n += 16;
        }
        let step = step_of(due);
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
