//! Planar layer (Rezende & Mohamed 2015, Eqs. 10–13; invertibility App. A.1), `h = tanh`:
//!
//! ```text
//!   f(z) = z + û·tanh(wᵀz + b)
//!   û    = u + (softplus(−s) − 1)·w/‖w‖²,   s = wᵀu        (so wᵀû = m = softplus(s) − 1 > −1)
//!   log|det ∂f/∂z| = log(tanh²a + sech²a·softplus(s)),  a = wᵀz + b   (= log(1 + sech²a·m))
//! ```
//!
//! **Cheap direction: `forward`** (one tanh). The inverse solves the scalar monotone equation
//! `α + m·tanh(α + b) = wᵀy` for `α = wᵀz` with safeguarded Newton on the bracket
//! `wᵀy ± 2|m|` ([`crate::core::root`]), then `z = y − û·tanh(α + b)` (flows-math §1.3).
//!
//! Raw parameters (what Adam and the URL see), 5 f64 in this order: `u₀, u₁, w₀, w₁, b`.
//! The constraint lives here. Guards: raw values are clamped to ±[`RAW_PARAM_LIMIT`] when read;
//! the divisor ‖w‖² is floored at `1e−24` (below it, `û ≈ u` and `κ = 1 + wᵀû` is kept exact,
//! so the layer stays invertible; the backward pass assumes ‖w‖² above the floor); the
//! determinant's softplus term `κ` is floored at `1e−100`, so `log|det|` ≥ −231 is finite.
//!
//! Fractional layer at `t ∈ [0, 1]`: `û → t·û`. Then `wᵀ(tû) = t·m > −1` still, and the
//! determinant is `tanh²a + sech²a·κ_t` with `κ_t = 1 − t + t·softplus(s) > 0` (again a sum of
//! non-negative terms). `t = 0` is the identity, `t = 1` the layer.

use super::fastmath;
use super::layer::RAW_PARAM_LIMIT;
use super::num::{dot, sigmoid, softplus, Vec2};
use super::root::rtsafe;

/// Floor on the û divisor ‖w‖².
const W_NORM2_MIN: f64 = 1e-24;
/// Floor on the determinant's softplus term.
const KAPPA_MIN: f64 = 1e-100;
/// Relative step tolerance of the inverse's root solve.
const INVERSE_TOL: f64 = 1e-14;

/// A planar layer's raw parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Planar {
    /// Unconstrained `u` (the layer uses `û(w, u)`).
    pub u: Vec2,
    /// Hyperplane normal `w`.
    pub w: Vec2,
    /// Bias `b`.
    pub b: f64,
}

/// The constrained map of a planar layer at fraction `t`: `y = z + û_t·tanh(wᵀz + b)`,
/// `det = tanh²a + sech²a·κ` with `κ = 1 + wᵀû_t > 0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanarMap {
    /// `t·û`.
    pub uh: Vec2,
    /// `w`.
    pub w: Vec2,
    /// `b`.
    pub b: f64,
    /// `κ = 1 + wᵀû_t`, the determinant's value where `tanh a = 0`; always > 0.
    pub kappa: f64,
}

/// Quantities of the û reparametrisation shared by the map and the backward pass.
struct Derived {
    s: f64,
    n: f64,
    c: f64,
    uh: Vec2,
    kappa: f64,
}

impl Planar {
    /// Number of raw parameters.
    pub const N_PARAMS: usize = 5;

    /// Reads `u₀, u₁, w₀, w₁, b` (clamped to ±[`RAW_PARAM_LIMIT`]; NaN reads as 0).
    pub fn from_params(p: &[f64]) -> Self {
        let c = |x: f64| {
            if x.is_nan() {
                0.0
            } else {
                x.clamp(-RAW_PARAM_LIMIT, RAW_PARAM_LIMIT)
            }
        };
        Planar {
            u: [c(p[0]), c(p[1])],
            w: [c(p[2]), c(p[3])],
            b: c(p[4]),
        }
    }

    /// Writes the raw parameters in the order of [`Planar::from_params`].
    pub fn write_params(&self, out: &mut [f64]) {
        out[..5].copy_from_slice(&[self.u[0], self.u[1], self.w[0], self.w[1], self.b]);
    }

    fn derived(&self) -> Derived {
        let s = dot(self.w, self.u);
        let n_raw = dot(self.w, self.w);
        let n = n_raw.max(W_NORM2_MIN);
        // m(s) − s = softplus(−s) − 1: no overflow for any s.
        let c = softplus(-s) - 1.0;
        let uh = [self.u[0] + c * self.w[0] / n, self.u[1] + c * self.w[1] / n];
        // κ = 1 + wᵀû = 1 + s + c·n_raw/n, which is softplus(s) exactly when n = n_raw.
        let kappa = if n_raw >= W_NORM2_MIN {
            softplus(s)
        } else {
            1.0 + s + c * n_raw / n
        };
        Derived {
            s,
            n,
            c,
            uh,
            kappa: kappa.max(KAPPA_MIN),
        }
    }

    /// The constrained `û` (so that `wᵀû > −1`).
    pub fn u_hat(&self) -> Vec2 {
        self.derived().uh
    }

    /// The map at fraction `t ∈ [0, 1]` (clamped): `û → t·û`.
    pub fn map(&self, t: f64) -> PlanarMap {
        let t = if t.is_nan() { 1.0 } else { t.clamp(0.0, 1.0) };
        let d = self.derived();
        PlanarMap {
            uh: [t * d.uh[0], t * d.uh[1]],
            w: self.w,
            b: self.b,
            kappa: (1.0 - t + t * d.kappa).max(KAPPA_MIN),
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

    /// Backward pass of `(y, L) = (f(z), log det)` for upstream `g_y = ∂ℓ/∂y`, `g_l = ∂ℓ/∂L`
    /// (flows-math §3.1): adds `∂ℓ/∂(u₀,u₁,w₀,w₁,b)` into `grads[..5]`, returns `∂ℓ/∂z`.
    pub fn backward(&self, z: Vec2, g_y: Vec2, g_l: f64, grads: &mut [f64]) -> Vec2 {
        let d = self.derived();
        let m = d.kappa - 1.0;
        let a = dot(self.w, z) + self.b;
        let th = a.tanh();
        let ch = a.cosh();
        let h1 = 1.0 / (ch * ch);
        let h2 = -2.0 * th * h1;
        let det = th * th + h1 * d.kappa;
        let g_a = h1 * dot(d.uh, g_y) + g_l * m * h2 / det;
        let g_s = g_l * h1 * sigmoid(d.s) / det;
        let g_uh = [th * g_y[0], th * g_y[1]];
        accumulate_raw_grads(self, &d, g_a, [g_a * z[0], g_a * z[1]], g_uh, g_s, grads);
        [g_y[0] + g_a * self.w[0], g_y[1] + g_a * self.w[1]]
    }

    /// Batch backward at `t = 1` from a forward tape: `zx, zy` are the layer's inputs, `th` the
    /// stored `tanh(wᵀz + b)` and `inv_det` the stored `1/det`; `gx, gy` hold `∂ℓ/∂y` on entry and `∂ℓ/∂z` on exit; `g_l` is the
    /// (batch-constant) `∂ℓ/∂L`. Adds the raw-parameter gradient into `grads[..5]`.
    pub fn backward_batch(
        &self,
        zx: &[f64],
        zy: &[f64],
        th: &[f64],
        inv_det: &[f64],
        gx: &mut [f64],
        gy: &mut [f64],
        g_l: f64,
        grads: &mut [f64],
    ) {
        // Pairs of samples with per-lane accumulators, so the loop (reductions included)
        // vectorizes without reassociation: Σg_a, Σt·gx, Σt·gy, Σh1/D, Σg_a·zx, Σg_a·zy.
        const L: usize = 2;
        let d = self.derived();
        let (uh0, uh1, w0, w1) = (d.uh[0], d.uh[1], self.w[0], self.w[1]);
        let coef = 2.0 * g_l * (d.kappa - 1.0);
        let mut acc = [[0.0f64; L]; 6];
        let sample = |t: f64,
                      inv_det: f64,
                      zx: f64,
                      zy: f64,
                      gx: &mut f64,
                      gy: &mut f64,
                      acc: &mut [[f64; L]; 6],
                      l: usize| {
            let h1 = 1.0 - t * t;
            let (x, y) = (*gx, *gy);
            let g_a = h1 * (uh0 * x + uh1 * y - coef * t * inv_det);
            acc[0][l] += g_a;
            acc[1][l] += t * x;
            acc[2][l] += t * y;
            acc[3][l] += h1 * inv_det;
            acc[4][l] += g_a * zx;
            acc[5][l] += g_a * zy;
            *gx = x + g_a * w0;
            *gy = y + g_a * w1;
        };
        let n = zx
            .len()
            .min(zy.len())
            .min(th.len())
            .min(inv_det.len())
            .min(gx.len())
            .min(gy.len());
        let full = n / L * L;
        let chunks = zx[..full]
            .chunks_exact(L)
            .zip(zy[..full].chunks_exact(L))
            .zip(
                th[..full]
                    .chunks_exact(L)
                    .zip(inv_det[..full].chunks_exact(L)),
            )
            .zip(gx[..full].chunks_exact_mut(L))
            .zip(gy[..full].chunks_exact_mut(L));
        for ((((cx, cy), (ct, ci)), gxc), gyc) in chunks {
            for l in 0..L {
                sample(
                    ct[l],
                    ci[l],
                    cx[l],
                    cy[l],
                    &mut gxc[l],
                    &mut gyc[l],
                    &mut acc,
                    l,
                );
            }
        }
        for i in full..n {
            sample(
                th[i], inv_det[i], zx[i], zy[i], &mut gx[i], &mut gy[i], &mut acc, 0,
            );
        }
        let s: [f64; 6] = std::array::from_fn(|j| acc[j].iter().sum());
        let g_s = g_l * sigmoid(d.s) * s[3];
        accumulate_raw_grads(self, &d, s[0], [s[4], s[5]], [s[1], s[2]], g_s, grads);
    }
}

/// Chains `∂ℓ/∂b = Σg_a`, `Σg_a·z`, `g_û = Σt·g_y` and `g_s` through `û(w, u)` (flows-math §3.1).
fn accumulate_raw_grads(
    p: &Planar,
    d: &Derived,
    g_b: f64,
    ga_z: Vec2,
    g_uh: Vec2,
    g_s: f64,
    grads: &mut [f64],
) {
    let (u, w) = (p.u, p.w);
    let cp = -sigmoid(-d.s); // c'(s)
    let k = dot(w, g_uh) / d.n;
    let cn = d.c / d.n;
    for i in 0..2 {
        grads[i] += g_uh[i] + cp * k * w[i] + g_s * w[i];
        grads[2 + i] += ga_z[i] + cp * k * u[i] + cn * (g_uh[i] - 2.0 * k * w[i]) + g_s * u[i];
    }
    grads[4] += g_b;
}

impl PlanarMap {
    /// `(y, log det)` at `z`, exact scalar path.
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        let a = dot(self.w, z) + self.b;
        let th = a.tanh();
        (
            [z[0] + th * self.uh[0], z[1] + th * self.uh[1]],
            self.log_det_at(a),
        )
    }

    /// `log|det ∂f/∂z|` at `z`.
    pub fn log_det(&self, z: Vec2) -> f64 {
        self.log_det_at(dot(self.w, z) + self.b)
    }

    fn log_det_at(&self, a: f64) -> f64 {
        let th = a.tanh();
        let ch = a.cosh();
        (th * th + self.kappa / (ch * ch)).ln()
    }

    /// Upper bound on `|log det|` over the plane: `det` is a convex combination of 1 and `κ`.
    pub fn log_det_bound(&self) -> f64 {
        self.kappa.ln().abs()
    }

    /// Exact inverse: returns `(z, log|det ∂f/∂z|(z))` with `f(z) = y`; `None` for non-finite `y`.
    /// (`tanh`/`sech²` from [`fastmath::tanh_sech2`], relatively accurate to a few ulp.)
    pub fn inverse(&self, y: Vec2) -> Option<(Vec2, f64)> {
        let (m, kappa, b) = (self.kappa - 1.0, self.kappa, self.b);
        let wy = dot(self.w, y);
        // g(α) = α + m·tanh(α+b) − wᵀy, g' = 1 + m·sech² = tanh² + κ·sech² > 0 (no cancellation).
        let g = |al: f64| {
            let (th, h1) = fastmath::tanh_sech2(al + b);
            (al + m * th - wy, th * th + kappa * h1)
        };
        let half = 2.0 * m.abs();
        let (th0, _) = fastmath::tanh_sech2(wy + b);
        let start = wy - m * th0; // exact when tanh is saturated
                                  // Newton's error constant: |g''| = |2m·tanh·sech²| ≤ (4/3√3)|m| and g' ≥ min(1, κ).
        let c2 = 0.769_800_358_919_501 * m.abs() / (2.0 * kappa.min(1.0));
        let root = rtsafe(g, wy - half, wy + half, start, INVERSE_TOL, c2)?;
        let (th, h1) = fastmath::tanh_sech2(root.x + b);
        let z = [y[0] - th * self.uh[0], y[1] - th * self.uh[1]];
        if !(z[0].is_finite() && z[1].is_finite()) {
            return None;
        }
        Some((z, (th * th + kappa * h1).ln()))
    }

    /// Batch forward in place: `z ← f(z)`, `det ← det · |det ∂f/∂z|` (fast tanh, vectorized).
    pub fn forward_batch(&self, zx: &mut [f64], zy: &mut [f64], det: &mut [f64]) {
        // Chunks of 4: two independent vector chains per iteration hide the division latency.
        const L: usize = 4;
        let n = zx.len().min(zy.len()).min(det.len());
        let full = n / L * L;
        let (uh0, uh1, w0, w1, b, kappa) = (
            self.uh[0], self.uh[1], self.w[0], self.w[1], self.b, self.kappa,
        );
        let point = |x: &mut f64, y: &mut f64, d: &mut f64| {
            let (t, h1) = fastmath::tanh_sech2(w0 * *x + w1 * *y + b);
            *x += t * uh0;
            *y += t * uh1;
            *d *= t * t + h1 * kappa;
        };
        let chunks = zx[..full]
            .chunks_exact_mut(L)
            .zip(zy[..full].chunks_exact_mut(L))
            .zip(det[..full].chunks_exact_mut(L));
        for ((cx, cy), cd) in chunks {
            for l in 0..L {
                point(&mut cx[l], &mut cy[l], &mut cd[l]);
            }
        }
        for i in full..n {
            point(&mut zx[i], &mut zy[i], &mut det[i]);
        }
    }

    /// Batch forward for training: reads inputs, writes outputs, `tanh(wᵀz + b)` and `1/det`
    /// (for the division-free backward pass), multiplies `det` by the determinant.
    pub fn forward_tape(
        &self,
        zx: &[f64],
        zy: &[f64],
        out_x: &mut [f64],
        out_y: &mut [f64],
        th: &mut [f64],
        inv_det: &mut [f64],
        det: &mut [f64],
    ) {
        let n = zx.len();
        let (zy, out_x, out_y) = (&zy[..n], &mut out_x[..n], &mut out_y[..n]);
        let (th, inv_det, det) = (&mut th[..n], &mut inv_det[..n], &mut det[..n]);
        let (uh0, uh1, w0, w1, b, kappa) = (
            self.uh[0], self.uh[1], self.w[0], self.w[1], self.b, self.kappa,
        );
        for i in 0..n {
            let (x, y) = (zx[i], zy[i]);
            let (t, d, inv) = fastmath::tanh_det_invdet(w0 * x + w1 * y + b, kappa);
            out_x[i] = x + t * uh0;
            out_y[i] = y + t * uh1;
            th[i] = t;
            inv_det[i] = inv;
            det[i] *= d;
        }
    }
}
