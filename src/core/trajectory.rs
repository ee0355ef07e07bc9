//! Trajectories: where base points are at every fraction of every step, for the overlay that
//! draws each particle's path from the Gaussian to the stage shown.
//!
//! A stage `k + t` is step `g_{k+1}` at fraction `t` applied to the points at stage `k`
//! (docs/maths/fractional-layers.md), so the positions at integer stages are pushed one step at
//! a time and each step's fractions start from them: the work is `K · per_step` applications of
//! one layer, not of the whole stack. For a continuous layer the fraction is the ODE's time, so a
//! path sampled finely *is* the particle's trajectory under the ODE (up to the solver).

use super::flow::{Direction, Flow};
use super::mlp::MlpActs;

/// The positions of `n` base points at the stages `0, 1/m, 2/m, …` up to `upto` (the last
/// sample is `upto` itself), `m = per_step`: sample-major (`xs[i·n + p]` is point `p` at sample
/// `i`). A point whose map fails (non-finite) is NaN from there on.
pub struct Trajectories {
    /// The stages sampled.
    pub stages: Vec<f64>,
    /// x coordinates, sample-major.
    pub xs: Vec<f64>,
    /// y coordinates, sample-major.
    pub ys: Vec<f64>,
    /// Points per sample.
    pub n: usize,
}

impl Flow {
    /// The trajectories of the base points `(xs, ys)` up to stage `upto` (clamped to `[0, K]`),
    /// `per_step ≥ 1` samples per step.
    pub fn trajectories(&self, upto: f64, per_step: usize, xs: &[f64], ys: &[f64]) -> Trajectories {
        let n = xs.len().min(ys.len());
        let m = per_step.max(1);
        let upto = if upto.is_finite() {
            upto.clamp(0.0, self.len() as f64)
        } else {
            0.0
        };
        let mut out = Trajectories {
            stages: vec![0.0],
            xs: xs[..n].to_vec(),
            ys: ys[..n].to_vec(),
            n,
        };
        let mut acts = MlpActs::default();
        let (mut bx, mut by) = (xs[..n].to_vec(), ys[..n].to_vec());
        let (mut cx, mut cy) = (vec![0.0; n], vec![0.0; n]);
        let mut det = vec![1.0; n];
        let mut k = 0;
        while (k as f64) < upto {
            for j in 1..=m {
                let t = (j as f64 / m as f64).min(upto - k as f64);
                let map = self.step_map(k + 1, t);
                match self.direction() {
                    Direction::Generative => {
                        cx.copy_from_slice(&bx);
                        cy.copy_from_slice(&by);
                        map.forward_batch_with(&mut cx, &mut cy, &mut det, &mut acts);
                    }
                    Direction::Normalizing => {
                        map.inverse_batch_with(&bx, &by, &mut cx, &mut cy, &mut acts);
                    }
                }
                out.stages.push(k as f64 + t);
                out.xs.extend_from_slice(&cx);
                out.ys.extend_from_slice(&cy);
                if t >= upto - k as f64 {
                    return finish(out);
                }
            }
            // The step's end is the next step's start.
            std::mem::swap(&mut bx, &mut cx);
            std::mem::swap(&mut by, &mut cy);
            k += 1;
        }
        finish(out)
    }
}

/// A point that left the finite plane stays NaN (a path is not drawn through a failure).
fn finish(mut t: Trajectories) -> Trajectories {
    let n = t.n;
    let samples = t.stages.len();
    for p in 0..n {
        let mut lost = false;
        for i in 0..samples {
            let q = i * n + p;
            lost |= !(t.xs[q].is_finite() && t.ys[q].is_finite());
            if lost {
                t.xs[q] = f64::NAN;
                t.ys[q] = f64::NAN;
            }
        }
    }
    t
}
