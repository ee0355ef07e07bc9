//! Radial layer (Rezende & Mohamed 2015, Eq. 14; invertibility App. A.2):
//!
//! ```text
//!   f(z) = z + β/(α + r)·(z − z₀),   r = ‖z − z₀‖,   α = softplus(α̂),  β = −α + softplus(β̂)
//!   with γ = α + β = softplus(β̂) > 0,  A = α + r:
//!   log|det ∂f/∂z| = log((γ + r)/A) + log((r/A)·((r + 2α)/A) + (α/A)·(γ/A))
//! ```
//!
//! The determinant is written as ratios of positive terms (docs/maths/radial.md,
//! "Map and log-determinant"), so it neither cancels when β → −α nor overflows for far points.
//!
//! **Both directions are cheap.** The forward map is closed form; so is the inverse
//! (docs/maths/radial.md, "Inverse"): with `ρ = ‖y − z₀‖`, `r` is the positive root of
//! `r² + (γ−ρ)r − αρ = 0`, taken as `2αρ/(B + √(B² + 4αρ))` when `B = γ − ρ > 0` (no cancellation),
//! then `z = z₀ + (α + r)/(γ + r)·(y − z₀)`.
//!
//! Raw parameters, 4 f64 in this order: `z₀ₓ, z₀ᵧ, α̂, β̂` (clamped to ±[`RAW_PARAM_LIMIT`](super::num::RAW_PARAM_LIMIT) when
//! read); `α` and `γ` are floored at `1e−100`, so far-out raw values stay finite. The backward
//! pass divides by `max(r, 1e−300)`: its `δ/r` term vanishes at `z = z₀` (docs/maths/radial.md,
//! "Backward pass").
//!
//! Fractional layer at `t ∈ [0, 1]`: `β → t·β`, i.e. `γ_t = (1 − t)·α + t·γ > 0`; `t = 0` is the
//! identity, `t = 1` the layer.

use super::num::read_raw;
use super::num::{dot, sigmoid, softplus, Vec2};

/// Floor on `α` and `γ`.
const POS_MIN: f64 = 1e-100;

/// A radial layer's raw parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Radial {
    /// Centre `z₀`.
    pub z0: Vec2,
    /// `α̂`, with `α = softplus(α̂)`.
    pub alpha_raw: f64,
    /// `β̂`, with `β = −α + softplus(β̂)`.
    pub beta_raw: f64,
}

/// The constrained map of a radial layer (at some fraction `t`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RadialMap {
    /// Centre `z₀`.
    pub z0: Vec2,
    /// `α > 0`.
    pub alpha: f64,
    /// `γ = α + β > 0`.
    pub gamma: f64,
}

impl Radial {
    /// Number of raw parameters.
    pub const N_PARAMS: usize = 4;

    /// Reads `z₀ₓ, z₀ᵧ, α̂, β̂` (clamped to ±[`RAW_PARAM_LIMIT`](super::num::RAW_PARAM_LIMIT); NaN reads as 0).
    pub fn from_params(p: &[f64]) -> Self {
        let c = read_raw;
        Radial {
            z0: [c(p[0]), c(p[1])],
            alpha_raw: c(p[2]),
            beta_raw: c(p[3]),
        }
    }

    /// Writes the raw parameters in the order of [`Radial::from_params`].
    pub fn write_params(&self, out: &mut [f64]) {
        out[..4].copy_from_slice(&[self.z0[0], self.z0[1], self.alpha_raw, self.beta_raw]);
    }

    /// `α = softplus(α̂)`.
    pub fn alpha(&self) -> f64 {
        softplus(self.alpha_raw).max(POS_MIN)
    }

    /// `β = γ − α`.
    pub fn beta(&self) -> f64 {
        softplus(self.beta_raw).max(POS_MIN) - self.alpha()
    }

    /// The map at fraction `t ∈ [0, 1]` (clamped): `β → t·β`.
    pub fn map(&self, t: f64) -> RadialMap {
        let t = if t.is_nan() { 1.0 } else { t.clamp(0.0, 1.0) };
        let alpha = self.alpha();
        let gamma = softplus(self.beta_raw).max(POS_MIN);
        RadialMap {
            z0: self.z0,
            alpha,
            gamma: ((1.0 - t) * alpha + t * gamma).max(POS_MIN),
        }
    }

    /// `(f(z), log|det ∂f/∂z|)`.
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        self.map(1.0).forward(z)
    }

    /// Exact closed-form inverse; `None` only for non-finite input.
    pub fn inverse(&self, y: Vec2) -> Option<Vec2> {
        self.map(1.0).inverse(y).map(|(z, _)| z)
    }

    /// Backward pass (docs/maths/radial.md, "Backward pass"): adds `∂ℓ/∂(z₀ₓ, z₀ᵧ, α̂, β̂)` into
    /// `grads[..4]`, returns `∂ℓ/∂z`.
    pub fn backward(&self, z: Vec2, g_y: Vec2, g_l: f64, grads: &mut [f64]) -> Vec2 {
        let m = self.map(1.0);
        let (sa, sb) = (sigmoid(self.alpha_raw), sigmoid(self.beta_raw));
        radial_sample_backward(&m, sa, sb, z, g_y, g_l, grads)
    }

    /// Batch backward at `t = 1`: `zx, zy` are the layer's inputs; `gx, gy` hold `∂ℓ/∂y` on entry
    /// and `∂ℓ/∂z` on exit; `g_l` is the batch-constant `∂ℓ/∂L`.
    pub fn backward_batch(
        &self,
        zx: &[f64],
        zy: &[f64],
        gx: &mut [f64],
        gy: &mut [f64],
        g_l: f64,
        grads: &mut [f64],
    ) {
        let m = self.map(1.0);
        let (sa, sb) = (sigmoid(self.alpha_raw), sigmoid(self.beta_raw));
        let mut acc = [0.0; 4];
        for i in 0..zx.len() {
            let g =
                radial_sample_backward(&m, sa, sb, [zx[i], zy[i]], [gx[i], gy[i]], g_l, &mut acc);
            gx[i] = g[0];
            gy[i] = g[1];
        }
        for (g, a) in grads[..4].iter_mut().zip(acc) {
            *g += a;
        }
    }
}

/// `‖(a, b)‖`: `sqrt(a² + b²)`, falling back to `hypot` where the squares would overflow or
/// underflow.
#[inline]
fn norm(a: f64, b: f64) -> f64 {
    let s = a * a + b * b;
    if s.is_finite() && s > 1e-290 {
        s.sqrt()
    } else {
        a.hypot(b)
    }
}

/// One sample's backward pass; `sa = σ(α̂)`, `sb = σ(β̂)` are the softplus derivatives.
#[inline]
fn radial_sample_backward(
    m: &RadialMap,
    sa: f64,
    sb: f64,
    z: Vec2,
    g_y: Vec2,
    g_l: f64,
    grads: &mut [f64],
) -> Vec2 {
    let (al, ga) = (m.alpha, m.gamma);
    let d = [z[0] - m.z0[0], z[1] - m.z0[1]];
    let r = norm(d[0], d[1]);
    let a = al + r;
    let q = (ga - al) / a;
    let dr = r * r + 2.0 * al * r + al * ga;
    let e = dot(d, g_y);
    let dq_dr = -(ga - al) / (a * a);
    let dq_da = -(ga + r) / (a * a);
    let dq_dg = 1.0 / a;
    let dl_dr = 1.0 / (ga + r) - 3.0 / a + 2.0 * (r + al) / dr;
    let dl_da = -3.0 / a + (2.0 * r + ga) / dr;
    let dl_dg = 1.0 / (ga + r) + al / dr;
    // Unit vector first (0 at z = z₀), so a huge coefficient never meets 0·∞.
    let rr = r.max(1e-300);
    let n = [d[0] / rr, d[1] / rr];
    let coef = dq_dr * e + g_l * dl_dr;
    let g_z = [
        (1.0 + q) * g_y[0] + coef * n[0],
        (1.0 + q) * g_y[1] + coef * n[1],
    ];
    grads[0] += g_y[0] - g_z[0];
    grads[1] += g_y[1] - g_z[1];
    grads[2] += sa * (dq_da * e + g_l * dl_da);
    grads[3] += sb * (dq_dg * e + g_l * dl_dg);
    g_z
}

impl RadialMap {
    /// `(y, log det)` at `z`.
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        let d = [z[0] - self.z0[0], z[1] - self.z0[1]];
        let r = norm(d[0], d[1]);
        let q = (self.gamma - self.alpha) / (self.alpha + r);
        ([z[0] + q * d[0], z[1] + q * d[1]], self.log_det_at(r))
    }

    /// `log|det ∂f/∂z|` at `z`.
    pub fn log_det(&self, z: Vec2) -> f64 {
        self.log_det_at(norm(z[0] - self.z0[0], z[1] - self.z0[1]))
    }

    fn log_det_at(&self, r: f64) -> f64 {
        let (ra, rb) = self.det_ratios(r);
        ra.ln() + rb.ln()
    }

    /// `((γ+r)/A, dρ/dr)`: the tangential and radial stretch, both positive.
    #[inline]
    fn det_ratios(&self, r: f64) -> (f64, f64) {
        let (al, ga) = (self.alpha, self.gamma);
        let inv_a = 1.0 / (al + r);
        (
            (ga + r) * inv_a,
            (r * inv_a) * ((r + 2.0 * al) * inv_a) + (al * inv_a) * (ga * inv_a),
        )
    }

    /// Upper bound on `|log det|`: both stretches lie between 1 and `γ/α`.
    pub fn log_det_bound(&self) -> f64 {
        2.0 * (self.gamma / self.alpha).ln().abs()
    }

    /// Exact inverse: `(z, log|det ∂f/∂z|(z))` with `f(z) = y`; `None` for non-finite `y`.
    pub fn inverse(&self, y: Vec2) -> Option<(Vec2, f64)> {
        let (z, r) = self.solve(y)?;
        Some((z, self.log_det_at(r)))
    }

    /// [`RadialMap::inverse`] without the log-determinant: for pushing points.
    pub fn inverse_point(&self, y: Vec2) -> Option<Vec2> {
        self.solve(y).map(|(z, _)| z)
    }

    /// The inverse's closed form: `(z, ‖z − z₀‖)`.
    fn solve(&self, y: Vec2) -> Option<(Vec2, f64)> {
        let (al, ga) = (self.alpha, self.gamma);
        let d = [y[0] - self.z0[0], y[1] - self.z0[1]];
        let rho = norm(d[0], d[1]);
        if !rho.is_finite() {
            return None;
        }
        let bb = ga - rho;
        let disc = norm(bb, 2.0 * (al * rho).sqrt());
        let r = if bb > 0.0 {
            2.0 * al * rho / (bb + disc)
        } else {
            0.5 * (disc - bb)
        };
        let k = (al + r) / (ga + r);
        let z = [self.z0[0] + k * d[0], self.z0[1] + k * d[1]];
        Some((z, r))
    }

    /// Batch forward in place: `z ← f(z)`, `det ← det · |det ∂f/∂z|`.
    pub fn forward_batch(&self, zx: &mut [f64], zy: &mut [f64], det: &mut [f64]) {
        let n = zx.len();
        let (zy, det) = (&mut zy[..n], &mut det[..n]);
        for i in 0..n {
            let d = [zx[i] - self.z0[0], zy[i] - self.z0[1]];
            let r = (d[0] * d[0] + d[1] * d[1]).sqrt();
            let q = (self.gamma - self.alpha) / (self.alpha + r);
            zx[i] += q * d[0];
            zy[i] += q * d[1];
            let (ra, rb) = self.det_ratios(r);
            det[i] *= ra * rb;
        }
    }

    /// Batch forward for training: reads inputs, writes outputs, multiplies `det`.
    pub fn forward_tape(
        &self,
        zx: &[f64],
        zy: &[f64],
        out_x: &mut [f64],
        out_y: &mut [f64],
        det: &mut [f64],
    ) {
        out_x[..zx.len()].copy_from_slice(zx);
        out_y[..zy.len()].copy_from_slice(zy);
        self.forward_batch(out_x, out_y, det);
    }
}
