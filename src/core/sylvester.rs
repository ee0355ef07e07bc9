//! Orthogonal Sylvester layer with `M = d = 2` (van den Berg, Hasenclever, Tomczak & Welling,
//! *Sylvester Normalizing Flows for Variational Inference*, UAI 2018: the map `z + A h(Bz + b)`
//! with `A = QR`, `B = R̃Qᵀ` and its determinant by Sylvester's identity; derived in
//! docs/maths/sylvester.md, which follows the authors' code — the equation numbers of the paper
//! were not available to check):
//!
//! ```text
//!   f(z) = z + Q R h(R̃ Qᵀ z + b),   h = tanh,  Q = rotation by θ,
//!   R = [[r₁₁, r₁₂], [0, r₂₂]],  R̃ = [[r̃₁₁, r̃₁₂], [0, r̃₂₂]]
//!   log|det ∂f/∂z| = Σᵢ log(1 + mᵢ·sech²aᵢ) = Σᵢ log(tanh²aᵢ + sech²aᵢ·κᵢ),  a = R̃Qᵀz + b
//! ```
//!
//! **Parametrisation** (docs/maths/sylvester.md, "Parametrisation"; every real vector is a valid,
//! invertible layer):
//! `r̃ᵢᵢ = e^{λᵢ}`, `rᵢᵢ = e^{−λᵢ}(softplus ρᵢ − 1)`, so `mᵢ = rᵢᵢr̃ᵢᵢ = κᵢ − 1 > −1` with
//! `κᵢ = softplus ρᵢ` (planar's constraint, per diagonal entry); `r₁₂`, `r̃₁₂`, `b` free. The
//! determinant is the planar stable form, a sum of non-negative terms. The row-vector
//! transpose slip does not arise: the map is written in column vectors exactly as above
//! (docs/maths/sylvester.md, "Map and log-determinant").
//!
//! Raw parameters, 9 f64 in this order: `θ, λ₁, λ₂, ρ₁, ρ₂, r₁₂, r̃₁₂, b₁, b₂` (clamped to
//! ±[`RAW_PARAM_LIMIT`](super::num::RAW_PARAM_LIMIT) when read, NaN reads as 0). `λ` is clamped to ±[`LAMBDA_LIMIT`] when the
//! map is built (beyond it the layer's conditioning, ~e^{2|λ|}, makes it useless anyway; the
//! gradient there is 0), and `κ` is floored at `1e−100` like planar's.
//!
//! **Cheap direction: `forward`** (two tanh). The inverse works in the rotated frame
//! `v = Qᵀz`, where the layer is triangular: `v'₂ = v₂ + r₂₂tanh(r̃₂₂v₂ + b₂)` depends on `v₂`
//! only, then `v'₁` on `v₁` given `v₂`. Each is the planar scalar equation
//! `α + m·tanh(α + c) = rhs` (`α = r̃ᵢᵢvᵢ`), solved with the project's safeguarded Newton
//! ([`rtsafe`]) on the bracket `rhs ± 2|m|`: two solves per point (docs/maths/sylvester.md,
//! "Inverse").
//!
//! Fractional layer at `t ∈ [0, 1]`: `R → t·R` (docs/maths/sylvester.md, "Fractional layer"). Then
//! `t·mᵢ > −1` still, `κᵢ(t) = 1 − t + t·κᵢ > 0`, and the inverse runs unchanged; `t = 0` is the
//! identity.

use super::fastmath;
use super::num::read_raw;
use super::num::{sigmoid, softplus, Vec2};
use super::root::rtsafe;

/// `|λ|` beyond this is clamped when the map is built.
pub const LAMBDA_LIMIT: f64 = 30.0;
/// Floor on the determinant's softplus terms.
const KAPPA_MIN: f64 = 1e-100;
/// Relative step tolerance of the inverse's root solves.
const INVERSE_TOL: f64 = 1e-14;

/// A Sylvester layer's raw parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sylvester {
    /// Rotation angle `θ` of `Q`.
    pub theta: f64,
    /// `λ`, with `r̃ᵢᵢ = e^{λᵢ}`.
    pub lambda: Vec2,
    /// `ρ`, with `mᵢ = rᵢᵢr̃ᵢᵢ = softplus(ρᵢ) − 1`.
    pub rho: Vec2,
    /// Off-diagonal `r₁₂` of `R`.
    pub r12: f64,
    /// Off-diagonal `r̃₁₂` of `R̃`.
    pub rt12: f64,
    /// Bias `b`.
    pub b: Vec2,
}

/// The constrained map at fraction `t`: `y = z + Q·R_t·tanh(R̃Qᵀz + b)`, `R_t = t·R`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SylvesterMap {
    /// `(cos θ, sin θ)`.
    pub cs: Vec2,
    /// `(r̃₁₁, r̃₂₂)`.
    pub rt: Vec2,
    /// `r̃₁₂`.
    pub rt12: f64,
    /// `(t·r₁₁, t·r₂₂)`.
    pub r: Vec2,
    /// `t·r₁₂`.
    pub r12: f64,
    /// `b`.
    pub b: Vec2,
    /// `κᵢ(t) = 1 + t·mᵢ > 0`: determinant factor `i` where `tanh aᵢ = 0`.
    pub kappa: Vec2,
}

impl Sylvester {
    /// Number of raw parameters.
    pub const N_PARAMS: usize = 9;

    /// Reads `θ, λ₁, λ₂, ρ₁, ρ₂, r₁₂, r̃₁₂, b₁, b₂` (clamped to ±[`RAW_PARAM_LIMIT`](super::num::RAW_PARAM_LIMIT); NaN reads
    /// as 0).
    pub fn from_params(p: &[f64]) -> Self {
        let c = read_raw;
        Sylvester {
            theta: c(p[0]),
            lambda: [c(p[1]), c(p[2])],
            rho: [c(p[3]), c(p[4])],
            r12: c(p[5]),
            rt12: c(p[6]),
            b: [c(p[7]), c(p[8])],
        }
    }

    /// Writes the raw parameters in the order of [`Sylvester::from_params`].
    pub fn write_params(&self, out: &mut [f64]) {
        out[..9].copy_from_slice(&[
            self.theta,
            self.lambda[0],
            self.lambda[1],
            self.rho[0],
            self.rho[1],
            self.r12,
            self.rt12,
            self.b[0],
            self.b[1],
        ]);
    }

    /// `mᵢ = rᵢᵢr̃ᵢᵢ = softplus(ρᵢ) − 1 > −1` (the diagonal products).
    pub fn m(&self) -> Vec2 {
        [softplus(self.rho[0]) - 1.0, softplus(self.rho[1]) - 1.0]
    }

    /// The map at fraction `t ∈ [0, 1]` (clamped; NaN means 1): `R → t·R`.
    pub fn map(&self, t: f64) -> SylvesterMap {
        let t = if t.is_nan() { 1.0 } else { t.clamp(0.0, 1.0) };
        let (s, c) = self.theta.sin_cos();
        let lam = self.lambda.map(|l| l.clamp(-LAMBDA_LIMIT, LAMBDA_LIMIT));
        let kap = self.rho.map(|r| softplus(r).max(KAPPA_MIN));
        let r = [0, 1].map(|i| t * (-lam[i]).exp() * (kap[i] - 1.0));
        SylvesterMap {
            cs: [c, s],
            rt: lam.map(f64::exp),
            rt12: self.rt12,
            r,
            r12: t * self.r12,
            b: self.b,
            kappa: kap.map(|k| (1.0 - t + t * k).max(KAPPA_MIN)),
        }
    }

    /// `(f(z), log|det ∂f/∂z|)`.
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        self.map(1.0).forward(z)
    }

    /// Exact inverse `f⁻¹(y)`; `None` only for non-finite input.
    pub fn inverse(&self, y: Vec2) -> Option<Vec2> {
        self.map(1.0).inverse(y).map(|(z, _)| z)
    }

    /// Backward pass of `(y, L) = (f(z), log det)` at `t = 1` for upstream `g_y`, `g_l`
    /// (docs/maths/sylvester.md, "Backward pass"): adds the gradient of the 9 raw parameters into
    /// `grads[..9]`, returns `∂ℓ/∂z`.
    pub fn backward(&self, z: Vec2, g_y: Vec2, g_l: f64, grads: &mut [f64]) -> Vec2 {
        let c = BackwardConsts::new(self);
        sample_backward(&c, z, g_y, g_l, grads)
    }

    /// Batch backward at `t = 1`: `zx, zy` are the layer's inputs; `gx, gy` hold `∂ℓ/∂y` on
    /// entry and `∂ℓ/∂z` on exit; `g_l` is the batch-constant `∂ℓ/∂L`.
    pub fn backward_batch(
        &self,
        zx: &[f64],
        zy: &[f64],
        gx: &mut [f64],
        gy: &mut [f64],
        g_l: f64,
        grads: &mut [f64],
    ) {
        let c = BackwardConsts::new(self);
        let mut acc = [0.0; 9];
        let n = zx.len().min(zy.len()).min(gx.len()).min(gy.len());
        for i in 0..n {
            let g = sample_backward(&c, [zx[i], zy[i]], [gx[i], gy[i]], g_l, &mut acc);
            gx[i] = g[0];
            gy[i] = g[1];
        }
        for (g, a) in grads[..9].iter_mut().zip(acc) {
            *g += a;
        }
    }
}

/// Per-layer constants of the backward pass (`t = 1`).
struct BackwardConsts {
    m: SylvesterMap,
    /// `rᵢᵢ` (before the `t` scaling; `t = 1` here).
    rii: Vec2,
    /// `e^{−λᵢ}σ(ρᵢ)`: `∂rᵢᵢ/∂ρᵢ`.
    drii_drho: Vec2,
    /// `σ(ρᵢ)`: `∂κᵢ/∂ρᵢ`.
    sig: Vec2,
    /// 1 where `λᵢ` is inside the clamp (else its gradient is 0).
    lam_free: Vec2,
}

impl BackwardConsts {
    fn new(l: &Sylvester) -> Self {
        let m = l.map(1.0);
        let sig = l.rho.map(sigmoid);
        let lam_free = l
            .lambda
            .map(|v| if v.abs() < LAMBDA_LIMIT { 1.0 } else { 0.0 });
        BackwardConsts {
            m,
            rii: m.r,
            drii_drho: [sig[0] / m.rt[0], sig[1] / m.rt[1]],
            sig,
            lam_free,
        }
    }
}

/// One sample's backward pass (docs/maths/sylvester.md, "Backward pass", at `t = 1`), gradients
/// added into `grads[..9]` in the raw order.
#[inline]
fn sample_backward(c: &BackwardConsts, z: Vec2, g_y: Vec2, g_l: f64, grads: &mut [f64]) -> Vec2 {
    let m = &c.m;
    let [co, si] = m.cs;
    let v = [co * z[0] + si * z[1], -si * z[0] + co * z[1]];
    let a = [
        m.rt[0] * v[0] + m.rt12 * v[1] + m.b[0],
        m.rt[1] * v[1] + m.b[1],
    ];
    let (h1, s1) = fastmath::tanh_sech2(a[0]);
    let (h2, s2) = fastmath::tanh_sech2(a[1]);
    let vp = [v[0] + m.r[0] * h1 + m.r12 * h2, v[1] + m.r[1] * h2];
    let d = [h1 * h1 + s1 * m.kappa[0], h2 * h2 + s2 * m.kappa[1]];
    // Reverse.
    let gvp = [co * g_y[0] + si * g_y[1], -si * g_y[0] + co * g_y[1]];
    let g_r11 = gvp[0] * h1;
    let g_r12 = gvp[0] * h2;
    let g_r22 = gvp[1] * h2;
    let gh = [m.r[0] * gvp[0], m.r12 * gvp[0] + m.r[1] * gvp[1]];
    let dl_da = [
        -2.0 * h1 * s1 * (m.kappa[0] - 1.0) / d[0],
        -2.0 * h2 * s2 * (m.kappa[1] - 1.0) / d[1],
    ];
    let ga = [s1 * gh[0] + g_l * dl_da[0], s2 * gh[1] + g_l * dl_da[1]];
    let g_rt11 = ga[0] * v[0];
    let g_rt12 = ga[0] * v[1];
    let g_rt22 = ga[1] * v[1];
    let gv = [
        gvp[0] + m.rt[0] * ga[0],
        gvp[1] + m.rt12 * ga[0] + m.rt[1] * ga[1],
    ];
    let g_theta = (gvp[1] * vp[0] - gvp[0] * vp[1]) + (gv[0] * v[1] - gv[1] * v[0]);
    let g_rt = [g_rt11, g_rt22];
    let g_rii = [g_r11, g_r22];
    let g_ld = [s1 / d[0], s2 / d[1]];
    grads[0] += g_theta;
    for i in 0..2 {
        grads[1 + i] += c.lam_free[i] * (g_rt[i] * m.rt[i] - g_rii[i] * c.rii[i]);
        grads[3 + i] += g_rii[i] * c.drii_drho[i] + g_l * g_ld[i] * c.sig[i];
    }
    grads[5] += g_r12;
    grads[6] += g_rt12;
    grads[7] += ga[0];
    grads[8] += ga[1];
    [co * gv[0] - si * gv[1], si * gv[0] + co * gv[1]]
}

/// `α` with `α + m·tanh(α + c) = rhs` (increasing in `α` since `m > −1`), by [`rtsafe`] on
/// `rhs ± 2|m|` from the fixed-point guess. `None` for non-finite input.
fn solve(m: f64, kappa: f64, c: f64, rhs: f64) -> Option<f64> {
    if !(rhs.is_finite() && c.is_finite()) {
        return None;
    }
    let g = |al: f64| {
        let (th, h1) = fastmath::tanh_sech2(al + c);
        (al + m * th - rhs, th * th + kappa * h1)
    };
    let half = 2.0 * m.abs();
    let (th0, _) = fastmath::tanh_sech2(rhs + c);
    let c2 = 0.769_800_358_919_501 * m.abs() / (2.0 * kappa.min(1.0));
    rtsafe(g, rhs - half, rhs + half, rhs - m * th0, INVERSE_TOL, c2).map(|r| r.x)
}

impl SylvesterMap {
    /// `(y, log det)` at `z`, exact scalar path.
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        let [c, s] = self.cs;
        let v = [c * z[0] + s * z[1], -s * z[0] + c * z[1]];
        let a = self.pre_activation(v);
        let h = [a[0].tanh(), a[1].tanh()];
        let vp = [
            v[0] + self.r[0] * h[0] + self.r12 * h[1],
            v[1] + self.r[1] * h[1],
        ];
        (
            [c * vp[0] - s * vp[1], s * vp[0] + c * vp[1]],
            self.log_det_at(a),
        )
    }

    #[inline]
    fn pre_activation(&self, v: Vec2) -> Vec2 {
        [
            self.rt[0] * v[0] + self.rt12 * v[1] + self.b[0],
            self.rt[1] * v[1] + self.b[1],
        ]
    }

    fn log_det_at(&self, a: Vec2) -> f64 {
        let f = |a: f64, k: f64| {
            let th = a.tanh();
            let ch = a.cosh();
            (th * th + k / (ch * ch)).ln()
        };
        f(a[0], self.kappa[0]) + f(a[1], self.kappa[1])
    }

    /// `log|det ∂f/∂z|` at `z`.
    pub fn log_det(&self, z: Vec2) -> f64 {
        let [c, s] = self.cs;
        self.log_det_at(self.pre_activation([c * z[0] + s * z[1], -s * z[0] + c * z[1]]))
    }

    /// Upper bound on `|log det|`: factor `i` lies between 1 and `κᵢ`.
    pub fn log_det_bound(&self) -> f64 {
        fastmath::ln(self.kappa[0]).abs() + fastmath::ln(self.kappa[1]).abs()
    }

    /// Exact inverse: `(z, log|det ∂f/∂z|(z))` with `f(z) = y`; `None` for non-finite `y`.
    pub fn inverse(&self, y: Vec2) -> Option<(Vec2, f64)> {
        let (z, a) = self.solve(y)?;
        Some((z, self.log_det_at(a)))
    }

    /// [`SylvesterMap::inverse`] without the log-determinant.
    pub fn inverse_point(&self, y: Vec2) -> Option<Vec2> {
        self.solve(y).map(|(z, _)| z)
    }

    /// The two solves of the module docs: `(z, a)`.
    fn solve(&self, y: Vec2) -> Option<(Vec2, Vec2)> {
        let [c, s] = self.cs;
        let u = [c * y[0] + s * y[1], -s * y[0] + c * y[1]];
        let m = [self.kappa[0] - 1.0, self.kappa[1] - 1.0];
        let al2 = solve(m[1], self.kappa[1], self.b[1], self.rt[1] * u[1])?;
        let a2 = al2 + self.b[1];
        let t2 = a2.tanh();
        let v2 = u[1] - self.r[1] * t2;
        let w1 = u[0] - self.r12 * t2;
        let c1 = self.rt12 * v2 + self.b[0];
        let al1 = solve(m[0], self.kappa[0], c1, self.rt[0] * w1)?;
        let a1 = al1 + c1;
        let v1 = w1 - self.r[0] * a1.tanh();
        let z = [c * v1 - s * v2, s * v1 + c * v2];
        if !(z[0].is_finite() && z[1].is_finite()) {
            return None;
        }
        Some((z, [a1, a2]))
    }

    /// Batch forward in place: `z ← f(z)`, `det ← det · |det ∂f/∂z|` (fast tanh).
    pub fn forward_batch(&self, zx: &mut [f64], zy: &mut [f64], det: &mut [f64]) {
        let [c, s] = self.cs;
        let (k4a, k4b) = (4.0 * self.kappa[0], 4.0 * self.kappa[1]);
        for ((x, y), d) in zx.iter_mut().zip(zy.iter_mut()).zip(det.iter_mut()) {
            let v = [c * *x + s * *y, -s * *x + c * *y];
            let a = self.pre_activation(v);
            let (h1, d1) = fastmath::tanh_det(2.0 * a[0], k4a);
            let (h2, d2) = fastmath::tanh_det(2.0 * a[1], k4b);
            let vp = [v[0] + self.r[0] * h1 + self.r12 * h2, v[1] + self.r[1] * h2];
            *x = c * vp[0] - s * vp[1];
            *y = s * vp[0] + c * vp[1];
            *d *= d1 * d2;
        }
    }

    /// Batch inverse into `out_x, out_y` (non-finite where [`SylvesterMap::inverse_point`]
    /// gives `None`): two scalar solves per point.
    pub fn inverse_batch(&self, xs: &[f64], ys: &[f64], out_x: &mut [f64], out_y: &mut [f64]) {
        for (((x, y), ox), oy) in xs.iter().zip(ys).zip(out_x).zip(out_y) {
            let z = self.inverse_point([*x, *y]).unwrap_or([f64::NAN; 2]);
            *ox = z[0];
            *oy = z[1];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_det_is_the_full_two_by_two_determinant() {
        // Independent ground truth: det(I + Q R diag(h') R̃ Qᵀ) formed as matrices.
        let l = Sylvester {
            theta: 0.7,
            lambda: [0.3, -0.4],
            rho: [-1.2, 2.0],
            r12: 0.8,
            rt12: -1.1,
            b: [0.2, -0.5],
        };
        for t in [1.0, 0.35] {
            let m = l.map(t);
            let z = [0.4, -1.3];
            let [c, s] = m.cs;
            let q = nalgebra::Matrix2::new(c, -s, s, c);
            let r = nalgebra::Matrix2::new(m.r[0], m.r12, 0.0, m.r[1]);
            let rt = nalgebra::Matrix2::new(m.rt[0], m.rt12, 0.0, m.rt[1]);
            let a = rt * q.transpose() * nalgebra::Vector2::new(z[0], z[1])
                + nalgebra::Vector2::new(m.b[0], m.b[1]);
            let hp = nalgebra::Matrix2::from_diagonal(&a.map(|v| 1.0 - v.tanh().powi(2)));
            let j = nalgebra::Matrix2::identity() + q * r * hp * rt * q.transpose();
            assert!((j.determinant().ln() - m.log_det(z)).abs() < 1e-14);
        }
    }
}
