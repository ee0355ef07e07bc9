//! A time-dependent vector field `v(z, t)` on the plane, with the trace of its Jacobian
//! (docs/maths/continuous.md, "The augmented ODE"). Every continuous flow of the app is an ODE
//! `dz/dt = v(z, t)` over `t ∈ [0, 1]`, base `N(0, I)` at `t = 0`, model at `t = 1`.
//!
//! Batches are structure-of-arrays (`zx`, `zy`), as [`crate::core::Points`]. All points of a
//! batch share one time `t`: the fixed-step solvers evaluate a whole batch per stage.

use crate::core::num::Vec2;

/// Buffers a field may reuse between calls (grown on demand, never shrunk).
#[derive(Clone, Debug, Default)]
pub struct FieldWork {
    pub(crate) bufs: [Vec<f64>; 6],
    pub(crate) bufs32: [Vec<f32>; 5],
}

impl FieldWork {
    /// The six buffers, each at least `len` long.
    pub(crate) fn take(&mut self, len: usize) -> &mut [Vec<f64>; 6] {
        for b in &mut self.bufs {
            if b.len() < len {
                b.resize(len, 0.0);
            }
        }
        &mut self.bufs
    }

    /// The five `f32` buffers, each at least `len` long.
    pub(crate) fn take32(&mut self, len: usize) -> &mut [Vec<f32>; 5] {
        for b in &mut self.bufs32 {
            if b.len() < len {
                b.resize(len, 0.0);
            }
        }
        &mut self.bufs32
    }
}

/// A vector field with an exact Jacobian trace.
pub trait Field {
    /// `v(z, t)` and `tr ∂v/∂z (z, t)` for every point of the batch.
    fn eval(
        &self,
        t: f64,
        zx: &[f64],
        zy: &[f64],
        vx: &mut [f64],
        vy: &mut [f64],
        tr: &mut [f64],
        work: &mut FieldWork,
    );

    /// The Jacobian `∂v/∂z` at one point (rows: components of `v`).
    fn jacobian(&self, z: Vec2, t: f64) -> [Vec2; 2];

    /// `v` and the trace at one point (a batch of one).
    fn eval_point(&self, z: Vec2, t: f64, work: &mut FieldWork) -> (Vec2, f64) {
        let (mut vx, mut vy, mut tr) = ([0.0], [0.0], [0.0]);
        self.eval(t, &[z[0]], &[z[1]], &mut vx, &mut vy, &mut tr, work);
        ([vx[0], vy[0]], tr[0])
    }
}

/// A field whose vector–Jacobian products are known: what backpropagation through a solver
/// needs (docs/maths/continuous.md, "Backpropagation through the solver").
pub trait FieldVjp: Field {
    /// Number of raw parameters.
    fn n_params(&self) -> usize;

    /// For the scalar `ℓ = g_vᵀ v(z, t) + g_tr · tr ∂v/∂z (z, t)`: returns `∂ℓ/∂z` and adds
    /// `∂ℓ/∂θ` to `grad` (length [`FieldVjp::n_params`]).
    fn vjp_point(&self, z: Vec2, t: f64, g_v: Vec2, g_tr: f64, grad: &mut [f64]) -> Vec2;
}
