//! The trajectories overlay: a few particles' paths from the base to the stage shown. The paths
//! are sampled to the model stage once per model (`core/trajectory.rs`) and cut at the stage
//! for each frame (`render/trails.rs`); while a heavy stack trains they are resampled at most
//! twice a second.

use web_sys::CanvasRenderingContext2d;

use crate::core::trajectory::Trajectories;
use crate::core::{Direction, Flow, LayerKind};
use crate::render::trails::{samples_per_step, trail_lines};
use crate::render::ViewTransform;
use crate::ui::browser::now_ms;

use super::draw2d;

/// Particles whose trajectories are drawn.
pub const TRAILS: usize = 48;
/// While the model moves, a heavy stack's paths are resampled at most this often (ms).
const HEAVY_PERIOD_MS: f64 = 500.0;

/// The model the paths were sampled for.
type Key = (Vec<LayerKind>, Vec<f64>, Direction, usize);

/// The sampled paths and what they belong to.
#[derive(Default)]
pub struct Trails {
    key: Option<Key>,
    paths: Option<Trajectories>,
    sampled_at: f64,
}

impl Trails {
    /// Draws the paths of the first [`TRAILS`] of the base particles `(px, py)` for `flow` up to
    /// stage `s` (resampling them if the model changed: a heavy stack at most every
    /// [`HEAVY_PERIOD_MS`]).
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        view: &ViewTransform,
        flow: &Flow,
        (px, py): (&[f64], &[f64]),
        s: f64,
        dpr: f64,
        heavy: bool,
    ) {
        let n = px.len().min(py.len()).min(TRAILS);
        let stale = self.key.as_ref().is_none_or(|(kinds, params, dir, len)| {
            kinds != flow.kinds()
                || params != flow.params()
                || *dir != flow.direction()
                || *len != n
        });
        let now = now_ms();
        let may = !heavy || self.paths.is_none() || now - self.sampled_at >= HEAVY_PERIOD_MS;
        if stale && may {
            let per_step = samples_per_step(flow.len());
            self.paths = Some(flow.trajectories(flow.len() as f64, per_step, &px[..n], &py[..n]));
            self.key = Some((
                flow.kinds().to_vec(),
                flow.params().to_vec(),
                flow.direction(),
                n,
            ));
            self.sampled_at = now;
        }
        let Some(paths) = &self.paths else {
            return;
        };
        // Particle pink (the particles overlay's dots) over a dark halo.
        let lines = trail_lines(paths, s);
        draw2d::stroke_polylines(ctx, view, &lines, "rgba(0,0,0,0.45)", 2.6 * dpr);
        draw2d::stroke_polylines(ctx, view, &lines, "rgba(255,79,163,0.85)", 1.2 * dpr);
    }
}
