//! Elementwise affine ("scale") layer: a per-axis scale and shift, the ActNorm layer of Glow
//! (Kingma & Dhariwal, *Glow: Generative Flow with Invertible 1×1 Convolutions*, NeurIPS 2018,
//! §3.1, with its data-dependent initialisation) and the elementwise affine map that replaces
//! batch normalisation in RealNVP (Dinh, Sohl-Dickstein & Bengio, *Density estimation using
//! Real NVP*, ICLR 2017, §3.7) — here a plain learnt layer, no batch statistics:
//!
//! ```text
//!   f(z) = e^{ℓ} ⊙ z + c,   log|det ∂f/∂z| = ℓ₁ + ℓ₂   (constant)
//!   f⁻¹(y) = e^{−ℓ} ⊙ (y − c)                          (closed form)
//! ```
//!
//! **Why it exists.** The spline coupling acts on `[−3, 3]` and is the identity outside, but the
//! app's point presets are at FFJORD scale (the checkerboard spans `[−4, 4]²`). A leading scale
//! layer initialised by [`standardizing`] maps the training points to zero mean and unit
//! standard deviation per axis *inside* the flow, so densities, stages, the probe, links and
//! undo stay exact (the determinant `e^{ℓ₁+ℓ₂}` is part of the model), and training can still
//! move it.
//!
//! Raw parameters, 4 f64 in this order: `ℓ₁, ℓ₂, c₁, c₂` (clamped to ±[`RAW_PARAM_LIMIT`] when
//! read, NaN reads as 0; every real vector is a valid, invertible layer). `ℓ` is clamped to
//! ±[`LOG_SCALE_LIMIT`] when the map is built (a scale of `e^{±30}` is useless anyway; beyond it
//! the gradient of `ℓ` is 0), so the map, its inverse and `|log det| ≤ 60` stay finite for any
//! raw vector and any finite input up to ~1e290.
//!
//! **Both directions are cheap** (one multiply-add per coordinate).
//!
//! **Backward** at `t = 1` for upstream `g_y`, `g_L`: `∂ℓ/∂zᵢ = g_yᵢ·e^{ℓᵢ}`,
//! `∂ℓ/∂ℓᵢ = g_yᵢ·e^{ℓᵢ}·zᵢ + g_L`, `∂ℓ/∂cᵢ = g_yᵢ`.
//!
//! **Fractional layer** at `t ∈ [0, 1]`: `f_t(z) = e^{tℓ} ⊙ z + t·c`, determinant
//! `e^{t(ℓ₁+ℓ₂)} > 0` for every `t`; `t = 0` is exactly the identity, `t = 1` the layer, and the
//! log-density changes linearly in `t` (the straight path in log-scale, as the affine coupling's
//! `s → t·s`).

use super::num::Vec2;
use super::num::{read_raw, RAW_PARAM_LIMIT};
use super::points::Points;

/// `|ℓᵢ|` beyond this is clamped when the map is built (gradient 0 there).
pub const LOG_SCALE_LIMIT: f64 = 30.0;

/// Smallest per-axis standard deviation [`standardizing`] divides by: a degenerate cloud (one
/// point, all points on an axis-parallel line) gets a scale of at most `1/SIGMA_MIN = 1000`.
pub const SIGMA_MIN: f64 = 1e-3;

/// A scale layer's raw parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// Log-scales `ℓ = (ℓ₁, ℓ₂)`: the layer multiplies coordinate `i` by `e^{ℓᵢ}`.
    pub log_scale: Vec2,
    /// Shift `c`, added after scaling.
    pub shift: Vec2,
}

/// The constrained map at fraction `t`: `y = s ⊙ z + c` with `s = e^{tℓ}`, `c = t·c_raw`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScaleMap {
    /// `s = e^{tℓ}` (per axis, positive).
    pub s: Vec2,
    /// `1/s = e^{−tℓ}`, computed as an `exp` of its own (not a division).
    pub inv_s: Vec2,
    /// `t·c`.
    pub c: Vec2,
    /// `log det = t·(ℓ₁ + ℓ₂)`.
    pub log_det: f64,
    /// `det = e^{log det}`.
    pub det: f64,
}

impl Scale {
    /// Number of raw parameters.
    pub const N_PARAMS: usize = 4;

    /// The identity's raw parameters (`ℓ = c = 0`, the default initialisation).
    pub const IDENTITY_PARAMS: [f64; 4] = [0.0; 4];

    /// Reads `ℓ₁, ℓ₂, c₁, c₂` (clamped to ±[`RAW_PARAM_LIMIT`]; NaN reads as 0).
    pub fn from_params(p: &[f64]) -> Self {
        let c = read_raw;
        Scale {
            log_scale: [c(p[0]), c(p[1])],
            shift: [c(p[2]), c(p[3])],
        }
    }

    /// Writes the raw parameters in the order of [`Scale::from_params`].
    pub fn write_params(&self, out: &mut [f64]) {
        out[..4].copy_from_slice(&[
            self.log_scale[0],
            self.log_scale[1],
            self.shift[0],
            self.shift[1],
        ]);
    }

    /// `ℓ` clamped to ±[`LOG_SCALE_LIMIT`].
    fn clamped_log_scale(&self) -> Vec2 {
        self.log_scale
            .map(|l| l.clamp(-LOG_SCALE_LIMIT, LOG_SCALE_LIMIT))
    }

    /// The map at fraction `t ∈ [0, 1]` (clamped; NaN means 1): `ℓ → t·ℓ`, `c → t·c`.
    pub fn map(&self, t: f64) -> ScaleMap {
        let t = if t.is_nan() { 1.0 } else { t.clamp(0.0, 1.0) };
        let l = self.clamped_log_scale().map(|l| t * l);
        let log_det = l[0] + l[1];
        ScaleMap {
            s: l.map(f64::exp),
            inv_s: l.map(|v| (-v).exp()),
            c: self.shift.map(|c| t * c),
            log_det,
            det: log_det.exp(),
        }
    }

    /// `(f(z), log|det ∂f/∂z|)`.
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        self.map(1.0).forward(z)
    }

    /// Exact closed-form inverse; `None` only for non-finite input.
    pub fn inverse(&self, y: Vec2) -> Option<Vec2> {
        self.map(1.0).inverse_point(y)
    }

    /// 1 for each `ℓᵢ` inside the clamp, 0 outside (its gradient is 0 there).
    fn free(&self) -> Vec2 {
        self.log_scale
            .map(|l| if l.abs() <= LOG_SCALE_LIMIT { 1.0 } else { 0.0 })
    }

    /// Backward pass at `t = 1`: adds `∂ℓ/∂(ℓ₁, ℓ₂, c₁, c₂)` into `grads[..4]`, returns `∂ℓ/∂z`.
    pub fn backward(&self, z: Vec2, g_y: Vec2, g_l: f64, grads: &mut [f64]) -> Vec2 {
        let m = self.map(1.0);
        let free = self.free();
        let g_z = [g_y[0] * m.s[0], g_y[1] * m.s[1]];
        grads[0] += free[0] * (g_z[0] * z[0] + g_l);
        grads[1] += free[1] * (g_z[1] * z[1] + g_l);
        grads[2] += g_y[0];
        grads[3] += g_y[1];
        g_z
    }

    /// Batch backward at `t = 1`: `zx, zy` are the layer's inputs; `gx, gy` hold `∂ℓ/∂y` on
    /// entry and `∂ℓ/∂z` on exit; `g_l` is the batch-constant `∂ℓ/∂L` (per point).
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
        let free = self.free();
        let n = zx.len().min(zy.len()).min(gx.len()).min(gy.len());
        let (zx, zy, gx, gy) = (&zx[..n], &zy[..n], &mut gx[..n], &mut gy[..n]);
        // Σ g_y·z per axis (for ℓ) and Σ g_y (for c), then g_z = s·g_y in place.
        let (mut gzx, mut gzy, mut sx, mut sy) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..n {
            gzx += gx[i] * zx[i];
            gzy += gy[i] * zy[i];
            sx += gx[i];
            sy += gy[i];
            gx[i] *= m.s[0];
            gy[i] *= m.s[1];
        }
        let gl_sum = g_l * n as f64;
        grads[0] += free[0] * (m.s[0] * gzx + gl_sum);
        grads[1] += free[1] * (m.s[1] * gzy + gl_sum);
        grads[2] += sx;
        grads[3] += sy;
    }
}

impl ScaleMap {
    /// `(y, log det)` at `z`.
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        (
            [self.s[0] * z[0] + self.c[0], self.s[1] * z[1] + self.c[1]],
            self.log_det,
        )
    }

    /// `log|det ∂f/∂z|` (the same everywhere).
    pub fn log_det(&self, _z: Vec2) -> f64 {
        self.log_det
    }

    /// `|log det|`: the determinant is constant.
    pub fn log_det_bound(&self) -> f64 {
        self.log_det.abs()
    }

    /// Exact inverse: `(z, log|det ∂f/∂z|)` with `f(z) = y`; `None` for non-finite `y`.
    pub fn inverse(&self, y: Vec2) -> Option<(Vec2, f64)> {
        self.inverse_point(y).map(|z| (z, self.log_det))
    }

    /// [`ScaleMap::inverse`] without the log-determinant.
    pub fn inverse_point(&self, y: Vec2) -> Option<Vec2> {
        if !(y[0].is_finite() && y[1].is_finite()) {
            return None;
        }
        Some([
            (y[0] - self.c[0]) * self.inv_s[0],
            (y[1] - self.c[1]) * self.inv_s[1],
        ])
    }

    /// Batch inverse: the values of [`ScaleMap::inverse_point`] (non-finite input stays
    /// non-finite).
    pub fn inverse_batch(&self, xs: &[f64], ys: &[f64], out_x: &mut [f64], out_y: &mut [f64]) {
        let (c, k) = (self.c, self.inv_s);
        for (x, o) in xs.iter().zip(out_x.iter_mut()) {
            *o = (x - c[0]) * k[0];
        }
        for (y, o) in ys.iter().zip(out_y.iter_mut()) {
            *o = (y - c[1]) * k[1];
        }
    }

    /// Batch forward in place: `z ← f(z)`, `det ← det · e^{log det}`.
    pub fn forward_batch(&self, zx: &mut [f64], zy: &mut [f64], det: &mut [f64]) {
        let (s, c) = (self.s, self.c);
        for x in zx.iter_mut() {
            *x = s[0] * *x + c[0];
        }
        for y in zy.iter_mut() {
            *y = s[1] * *y + c[1];
        }
        let n = zx.len().min(zy.len());
        for d in det[..n].iter_mut() {
            *d *= self.det;
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
        self.forward_batch(&mut out_x[..zx.len()], &mut out_y[..zy.len()], det);
    }
}

/// The raw parameters `[ℓ₁, ℓ₂, c₁, c₂]` of the scale layer that maps `points` to zero mean and
/// unit standard deviation per axis **in the normalizing direction** (data → base, the layer
/// applied to the data first): `ℓᵢ = −log σᵢ`, `cᵢ = −mᵢ/σᵢ`, so `f(x)ᵢ = (xᵢ − mᵢ)/σᵢ`.
///
/// `mᵢ` is the mean and `σᵢ` the population standard deviation (divisor `n`, as
/// `standardized_moons` and `examples/fits.rs`) of the finite points, computed in two passes.
/// `σᵢ` is floored at [`SIGMA_MIN`], so a degenerate cloud (a single point, points on an
/// axis-parallel line) gives finite parameters: the flat axis is scaled by `1/SIGMA_MIN` and
/// centred. The results are clamped to the layer's ranges (`|ℓ| ≤` [`LOG_SCALE_LIMIT`],
/// `|c| ≤` [`RAW_PARAM_LIMIT`]; only reachable for degenerate clouds far from the origin), so
/// they are always finite. No finite points at all: the identity, `[0, 0, 0, 0]`.
///
/// For the generative direction (base → data) the matching layer is the inverse map,
/// `ℓᵢ = log σᵢ`, `cᵢ = mᵢ`.
pub fn standardizing(points: &Points) -> [f64; 4] {
    let n = points.len();
    let finite = |i: usize| points.x[i].is_finite() && points.y[i].is_finite();
    let count = (0..n).filter(|&i| finite(i)).count();
    if count == 0 {
        return [0.0; 4];
    }
    let cols = [&points.x[..n], &points.y[..n]];
    let mut out = [0.0; 4];
    for (a, col) in cols.iter().enumerate() {
        let mean = (0..n).filter(|&i| finite(i)).map(|i| col[i]).sum::<f64>() / count as f64;
        let var = (0..n)
            .filter(|&i| finite(i))
            .map(|i| (col[i] - mean) * (col[i] - mean))
            .sum::<f64>()
            / count as f64;
        let sigma = var.sqrt();
        let sigma = if sigma.is_nan() {
            SIGMA_MIN
        } else {
            sigma.max(SIGMA_MIN)
        };
        let l = (-sigma.ln()).clamp(-LOG_SCALE_LIMIT, LOG_SCALE_LIMIT);
        let c = -mean / sigma;
        out[a] = l;
        out[2 + a] = if c.is_nan() {
            0.0
        } else {
            c.clamp(-RAW_PARAM_LIMIT, RAW_PARAM_LIMIT)
        };
    }
    out
}
