//! The continuous planar flow of Chen et al. 2018 (§4, eq. 10; docs/maths/continuous.md, "The
//! planar CNF"): `M` planar units summed,
//!
//! ```text
//!   dz/dt = Σₘ uₘ(t) tanh(wₘ(t)ᵀz + bₘ(t)),     tr ∂v/∂z = Σₘ sech²(aₘ) wₘ(t)ᵀuₘ(t)
//! ```
//!
//! with every parameter linear in `t` (`u(t) = u⁰ + t·u¹`, the same for `w` and `b`): ten raw
//! numbers per unit, in the order `u⁰₁ u⁰₂ w⁰₁ w⁰₂ b⁰ u¹₁ u¹₂ w¹₁ w¹₂ b¹`. Any real parameters give
//! an invertible flow: no constraint like the planar layer's `û` is needed.

use rand::Rng;

use super::field::{Field, FieldVjp, FieldWork};
use crate::core::fastmath;
use crate::core::num::Vec2;

/// Raw parameters per unit.
pub const PER_UNIT: usize = 10;

/// A planar CNF of width `params.len() / 10`.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanarCnf {
    params: Vec<f64>,
}

/// One unit's parameters at time `t`.
#[derive(Clone, Copy, Debug)]
struct Unit {
    u: Vec2,
    w: Vec2,
    b: f64,
}

impl PlanarCnf {
    /// A field from raw parameters (`None` unless a positive multiple of [`PER_UNIT`], all
    /// finite).
    pub fn new(params: Vec<f64>) -> Option<Self> {
        let ok = !params.is_empty()
            && params.len().is_multiple_of(PER_UNIT)
            && params.iter().all(|p| p.is_finite());
        ok.then_some(PlanarCnf { params })
    }

    /// Width `M`.
    pub fn width(&self) -> usize {
        self.params.len() / PER_UNIT
    }

    /// The raw parameters.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// Mutable raw parameters (any finite values are valid).
    pub fn params_mut(&mut self) -> &mut [f64] {
        &mut self.params
    }

    #[inline(always)]
    fn unit(&self, m: usize, t: f64) -> Unit {
        let p = &self.params[m * PER_UNIT..(m + 1) * PER_UNIT];
        Unit {
            u: [p[0] + t * p[5], p[1] + t * p[6]],
            w: [p[2] + t * p[7], p[3] + t * p[8]],
            b: p[4] + t * p[9],
        }
    }
}

/// Initial parameters for width `m`: `u⁰ ~ U(±1)/√M`, `w⁰ ~ U(±1)²`, `b⁰ = 0`, slopes 0
/// (docs/maths/continuous.md, "The planar CNF").
pub fn init_params<R: Rng + ?Sized>(m: usize, rng: &mut R) -> Vec<f64> {
    let mut p = vec![0.0; m * PER_UNIT];
    let su = 1.0 / (m.max(1) as f64).sqrt();
    for unit in p.chunks_mut(PER_UNIT) {
        unit[0] = su * (2.0 * rng.random::<f64>() - 1.0);
        unit[1] = su * (2.0 * rng.random::<f64>() - 1.0);
        unit[2] = 2.0 * rng.random::<f64>() - 1.0;
        unit[3] = 2.0 * rng.random::<f64>() - 1.0;
    }
    p
}

impl Field for PlanarCnf {
    fn eval(
        &self,
        t: f64,
        zx: &[f64],
        zy: &[f64],
        vx: &mut [f64],
        vy: &mut [f64],
        tr: &mut [f64],
        _work: &mut FieldWork,
    ) {
        let n = zx.len();
        vx[..n].fill(0.0);
        vy[..n].fill(0.0);
        tr[..n].fill(0.0);
        for m in 0..self.width() {
            let Unit { u, w, b } = self.unit(m, t);
            let wu = w[0] * u[0] + w[1] * u[1];
            for k in 0..n {
                let (h, s) = fastmath::tanh_sech2(w[0] * zx[k] + w[1] * zy[k] + b);
                vx[k] += u[0] * h;
                vy[k] += u[1] * h;
                tr[k] += s * wu;
            }
        }
    }

    fn jacobian(&self, z: Vec2, t: f64) -> [Vec2; 2] {
        let mut j = [[0.0; 2]; 2];
        for m in 0..self.width() {
            let Unit { u, w, b } = self.unit(m, t);
            let th = (w[0] * z[0] + w[1] * z[1] + b).tanh();
            let s = 1.0 - th * th;
            for r in 0..2 {
                for c in 0..2 {
                    j[r][c] += s * u[r] * w[c];
                }
            }
        }
        j
    }
}

impl FieldVjp for PlanarCnf {
    fn n_params(&self) -> usize {
        self.params.len()
    }

    fn vjp_point(&self, z: Vec2, t: f64, g_v: Vec2, g_tr: f64, grad: &mut [f64]) -> Vec2 {
        let mut gz = [0.0; 2];
        for m in 0..self.width() {
            let Unit { u, w, b } = self.unit(m, t);
            let a = w[0] * z[0] + w[1] * z[1] + b;
            let h = a.tanh();
            let s = 1.0 - h * h;
            let ds = -2.0 * h * s;
            let wu = w[0] * u[0] + w[1] * u[1];
            let gu = g_v[0] * u[0] + g_v[1] * u[1];
            // ∂ℓ/∂a for ℓ = g_vᵀu·h(a) + g_tr·s(a)·wᵀu.
            let ga = gu * s + g_tr * wu * ds;
            gz[0] += ga * w[0];
            gz[1] += ga * w[1];
            let d_u = [g_v[0] * h + g_tr * s * w[0], g_v[1] * h + g_tr * s * w[1]];
            let d_w = [ga * z[0] + g_tr * s * u[0], ga * z[1] + g_tr * s * u[1]];
            let d = [d_u[0], d_u[1], d_w[0], d_w[1], ga];
            let g = &mut grad[m * PER_UNIT..(m + 1) * PER_UNIT];
            for (k, dk) in d.iter().enumerate() {
                g[k] += dk;
                g[k + 5] += t * dk;
            }
        }
        gz
    }
}
