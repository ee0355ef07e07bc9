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
//! `wᵀy ± 2|m|` ([`crate::core::root`]), then `z = y − û·tanh(α + b)` (docs/maths/planar.md,
//! "Inverse").
//!
//! Raw parameters (what Adam and the URL see), 5 f64 in this order: `u₀, u₁, w₀, w₁, b`.
//! The constraint lives here. Guards: raw values are clamped to ±[`RAW_PARAM_LIMIT`](super::num::RAW_PARAM_LIMIT) when read;
//! the divisor ‖w‖² is floored at `1e−24` (below it, `û ≈ u` and `κ = 1 + wᵀû` is kept exact,
//! so the layer stays invertible; the backward pass assumes ‖w‖² above the floor); the
//! determinant's softplus term `κ` is floored at `1e−100`, so `log|det|` ≥ −231 is finite.
//!
//! Fractional layer at `t ∈ [0, 1]`: `û → t·û`. Then `wᵀ(tû) = t·m > −1` still, and the
//! determinant is `tanh²a + sech²a·κ_t` with `κ_t = 1 − t + t·softplus(s) > 0` (again a sum of
//! non-negative terms). `t = 0` is the identity, `t = 1` the layer.

use super::fastmath;
use super::num::read_raw;
use super::num::{dot, sigmoid, softplus, Vec2};
use super::root::rtsafe;

/// Floor on the û divisor ‖w‖².
const W_NORM2_MIN: f64 = 1e-24;
/// Floor on the determinant's softplus term.
const KAPPA_MIN: f64 = 1e-100;
/// Relative step tolerance of the inverse's root solve.
const INVERSE_TOL: f64 = 1e-14;
/// Safeguarded Newton iterations of the vectorized [`PlanarMap::inverse_batch`] before a point
/// falls back to the scalar solve (typically 2–3 suffice; 4 measured fastest).
pub const BATCH_NEWTON_ITERS: usize = 4;
/// Points per chunk of [`PlanarMap::inverse_batch`] (its Newton state lives on the stack).
pub const INV_CHUNK: usize = 64;

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

    /// Reads `u₀, u₁, w₀, w₁, b` (clamped to ±[`RAW_PARAM_LIMIT`](super::num::RAW_PARAM_LIMIT); NaN reads as 0).
    pub fn from_params(p: &[f64]) -> Self {
        let c = read_raw;
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
    /// (docs/maths/planar.md, "Backward pass"): adds `∂ℓ/∂(u₀,u₁,w₀,w₁,b)` into `grads[..5]`,
    /// returns `∂ℓ/∂z`.
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

/// Chains `∂ℓ/∂b = Σg_a`, `Σg_a·z`, `g_û = Σt·g_y` and `g_s` through `û(w, u)`
/// (docs/maths/planar.md, "Backward pass").
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
        // κ ∈ [1e−100, 1e13]: positive, normal, finite, as the fast `ln` needs.
        fastmath::ln(self.kappa).abs()
    }

    /// Exact inverse: returns `(z, log|det ∂f/∂z|(z))` with `f(z) = y`; `None` for non-finite `y`.
    /// (`tanh`/`sech²` from [`fastmath::tanh_sech2`], relatively accurate to a few ulp.)
    pub fn inverse(&self, y: Vec2) -> Option<(Vec2, f64)> {
        let (z, th, h1) = self.solve(y)?;
        Some((z, (th * th + self.kappa * h1).ln()))
    }

    /// [`PlanarMap::inverse`] without the log-determinant (one `ln` fewer per point): for
    /// pushing points through inverses (overlays, particles, samples).
    pub fn inverse_point(&self, y: Vec2) -> Option<Vec2> {
        self.solve(y).map(|(z, _, _)| z)
    }

    /// The inverse's root solve: `(z, tanh(wᵀz + b), sech²(wᵀz + b))`.
    fn solve(&self, y: Vec2) -> Option<(Vec2, f64, f64)> {
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
        Some((z, th, h1))
    }

    /// Batch inverse: `(out_x, out_y) = f⁻¹(xs, ys)` point by point, exactly the values of
    /// [`PlanarMap::inverse_point`] (non-finite where it gives `None`).
    ///
    /// Chunks of [`INV_CHUNK`] points run the scalar solver's safeguarded Newton ([`rtsafe`]'s
    /// steps and stopping tests, written as selects) in lock step for [`BATCH_NEWTON_ITERS`]
    /// iterations, so it vectorizes (f64x4 with AVX2; explicit f64x2 on wasm simd128, where
    /// LLVM's cost model declines); a point not converged by then (bisection steps, strongly
    /// bent layers) is solved again by the scalar path. Converged points took the scalar
    /// solver's own steps, so the results are bit-identical.
    pub fn inverse_batch(&self, xs: &[f64], ys: &[f64], out_x: &mut [f64], out_y: &mut [f64]) {
        let n = xs.len().min(ys.len()).min(out_x.len()).min(out_y.len());
        let c = NewtonConsts::new(self);
        let mut lanes = NewtonLanes::default();
        for start in (0..n).step_by(INV_CHUNK) {
            let end = (start + INV_CHUNK).min(n);
            let (cx, cy) = (&xs[start..end], &ys[start..end]);
            let len = end - start;
            lanes.init(&c, self.w, cx, cy);
            for _ in 0..BATCH_NEWTON_ITERS {
                #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
                simd::newton_step(&c, &mut lanes, len);
                #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
                lanes.step(&c, len);
                if lanes.done[..len].iter().all(|d| *d != 0.0) {
                    break;
                }
            }
            let (ox, oy) = (&mut out_x[start..end], &mut out_y[start..end]);
            for i in 0..len {
                let (th, _) = fastmath::tanh_sech2(lanes.al[i] + c.b);
                ox[i] = cx[i] - th * self.uh[0];
                oy[i] = cy[i] - th * self.uh[1];
            }
            for i in 0..len {
                if lanes.done[i] == 0.0 {
                    let z = self.inverse_point([cx[i], cy[i]]).unwrap_or([f64::NAN; 2]);
                    ox[i] = z[0];
                    oy[i] = z[1];
                }
            }
        }
    }

    /// Batch forward in place: `z ← f(z)`, `det ← det · |det ∂f/∂z|` (fast tanh, vectorized).
    pub fn forward_batch(&self, zx: &mut [f64], zy: &mut [f64], det: &mut [f64]) {
        // A plain zipped loop (no bounds checks): LLVM vectorizes it at the target's full width
        // (f64x2 on SSE2 and wasm simd128, f64x4 with AVX2). The 2 of `2a` is folded into w, b
        // (exact: scaling by 2), so `tanh_det` gets `2a` with no extra multiply per point.
        let (uh0, uh1, w0, w1, b, k4) = (
            self.uh[0],
            self.uh[1],
            2.0 * self.w[0],
            2.0 * self.w[1],
            2.0 * self.b,
            4.0 * self.kappa,
        );
        for ((x, y), d) in zx.iter_mut().zip(zy.iter_mut()).zip(det.iter_mut()) {
            let (t, det_j) = fastmath::tanh_det(w0 * *x + w1 * *y + b, k4);
            *x += t * uh0;
            *y += t * uh1;
            *d *= det_j;
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

/// Per-layer constants of the inverse's root solve (as in [`PlanarMap::solve`]).
struct NewtonConsts {
    m: f64,
    kappa: f64,
    b: f64,
    half: f64,
    c2: f64,
}

impl NewtonConsts {
    fn new(map: &PlanarMap) -> Self {
        let m = map.kappa - 1.0;
        NewtonConsts {
            m,
            kappa: map.kappa,
            b: map.b,
            half: 2.0 * m.abs(),
            c2: 0.769_800_358_919_501 * m.abs() / (2.0 * map.kappa.min(1.0)),
        }
    }
}

/// [`rtsafe`]'s state for a chunk of points, structure of arrays: `wᵀy`, the iterate `α`, the
/// bracket, the last two steps, and `done` (1.0 once a stopping test has fired).
struct NewtonLanes {
    wy: [f64; INV_CHUNK],
    al: [f64; INV_CHUNK],
    lo: [f64; INV_CHUNK],
    hi: [f64; INV_CHUNK],
    dx_old: [f64; INV_CHUNK],
    dx: [f64; INV_CHUNK],
    done: [f64; INV_CHUNK],
}

impl Default for NewtonLanes {
    fn default() -> Self {
        NewtonLanes {
            wy: [0.0; INV_CHUNK],
            al: [0.0; INV_CHUNK],
            lo: [0.0; INV_CHUNK],
            hi: [0.0; INV_CHUNK],
            dx_old: [0.0; INV_CHUNK],
            dx: [0.0; INV_CHUNK],
            done: [0.0; INV_CHUNK],
        }
    }
}

impl NewtonLanes {
    /// `rtsafe`'s set-up for the points `(xs, ys)` (at most [`INV_CHUNK`]).
    fn init(&mut self, c: &NewtonConsts, w: Vec2, xs: &[f64], ys: &[f64]) {
        for (i, (x, y)) in xs.iter().zip(ys).enumerate().take(INV_CHUNK) {
            let wy = w[0] * x + w[1] * y;
            let (th0, _) = fastmath::tanh_sech2(wy + c.b);
            let (lo, hi) = (wy - c.half, wy + c.half);
            let empty = lo == hi;
            self.wy[i] = wy;
            self.lo[i] = lo;
            self.hi[i] = hi;
            // `clamp` without its panic on a NaN bracket (such points fall back to the scalar
            // solve, which rejects them).
            self.al[i] = if empty {
                lo
            } else {
                (wy - c.m * th0).max(lo).min(hi)
            };
            self.dx_old[i] = hi - lo;
            self.dx[i] = hi - lo;
            self.done[i] = if empty { 1.0 } else { 0.0 };
        }
    }

    /// One `rtsafe` iteration on the first `len` lanes; lanes already done keep their state.
    #[cfg_attr(
        all(target_arch = "wasm32", target_feature = "simd128"),
        allow(dead_code)
    )]
    fn step(&mut self, c: &NewtonConsts, len: usize) {
        for i in 0..len.min(INV_CHUNK) {
            self.step_one(c, i);
        }
    }

    /// One `rtsafe` iteration on lane `i` (`< INV_CHUNK`).
    #[inline(always)]
    fn step_one(&mut self, c: &NewtonConsts, i: usize) {
        {
            let (a, lo, hi) = (self.al[i], self.lo[i], self.hi[i]);
            let (th, h1) = fastmath::tanh_sech2(a + c.b);
            let f = a + c.m * th - self.wy[i];
            let df = th * th + c.kappa * h1;
            let neg = f < 0.0;
            let lo2 = if neg { a } else { lo };
            let hi2 = if neg { hi } else { a };
            let newton = (((a - hi2) * df - f) * ((a - lo2) * df - f) < 0.0)
                & ((2.0 * f).abs() <= (self.dx_old[i] * df).abs());
            let dxn = if newton { f / df } else { 0.5 * (hi2 - lo2) };
            let aln = if newton { a - dxn } else { lo2 + dxn };
            let tol = INVERSE_TOL * (1.0 + aln.abs());
            let fin = (newton & (c.c2 * dxn * dxn <= tol))
                | (dxn.abs() <= tol)
                | (hi2 - lo2 <= f64::EPSILON * (1.0 + aln.abs()));
            let was_done = self.done[i] != 0.0;
            // `f = 0` ends a lane at `α` itself.
            let go = !was_done & (f != 0.0);
            self.lo[i] = if go { lo2 } else { lo };
            self.hi[i] = if go { hi2 } else { hi };
            self.dx_old[i] = if go { self.dx[i] } else { self.dx_old[i] };
            self.dx[i] = if go { dxn } else { self.dx[i] };
            self.al[i] = if go { aln } else { a };
            self.done[i] = if was_done | (f == 0.0) | fin {
                1.0
            } else {
                0.0
            };
        }
    }
}

/// The Newton step as explicit wasm SIMD128 (`f64x2`), operation for operation the portable
/// [`NewtonLanes::step`] (so bit-identical); LLVM's wasm cost model will not vectorize that loop.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    use super::{NewtonConsts, NewtonLanes, INVERSE_TOL, INV_CHUNK};
    use crate::core::fastmath::tanh_sech2_f64x2;

    pub(super) fn newton_step(c: &NewtonConsts, l: &mut NewtonLanes, len: usize) {
        let len = len.min(INV_CHUNK);
        let sp = f64x2_splat;
        let ld = |s: &[f64; INV_CHUNK], i: usize| f64x2(s[i], s[i + 1]);
        let st = |s: &mut [f64; INV_CHUNK], i: usize, v: v128| {
            s[i] = f64x2_extract_lane::<0>(v);
            s[i + 1] = f64x2_extract_lane::<1>(v);
        };
        // `if m { a } else { b }` per lane.
        let sel = |m: v128, a: v128, b: v128| v128_bitselect(a, b, m);
        let (vm, vk, vb, vc2) = (sp(c.m), sp(c.kappa), sp(c.b), sp(c.c2));
        let mut i = 0;
        while i + 2 <= len {
            let (a, lo, hi) = (ld(&l.al, i), ld(&l.lo, i), ld(&l.hi, i));
            let (th, h1) = tanh_sech2_f64x2(f64x2_add(a, vb));
            let f = f64x2_sub(f64x2_add(a, f64x2_mul(vm, th)), ld(&l.wy, i));
            let df = f64x2_add(f64x2_mul(th, th), f64x2_mul(vk, h1));
            let neg = f64x2_lt(f, sp(0.0));
            let lo2 = sel(neg, a, lo);
            let hi2 = sel(neg, hi, a);
            let inside = f64x2_mul(
                f64x2_sub(f64x2_mul(f64x2_sub(a, hi2), df), f),
                f64x2_sub(f64x2_mul(f64x2_sub(a, lo2), df), f),
            );
            let halving = f64x2_le(
                f64x2_abs(f64x2_mul(sp(2.0), f)),
                f64x2_abs(f64x2_mul(ld(&l.dx_old, i), df)),
            );
            let newton = v128_and(f64x2_lt(inside, sp(0.0)), halving);
            let dxn = sel(
                newton,
                f64x2_div(f, df),
                f64x2_mul(sp(0.5), f64x2_sub(hi2, lo2)),
            );
            let aln = sel(newton, f64x2_sub(a, dxn), f64x2_add(lo2, dxn));
            let one_abs = f64x2_add(sp(1.0), f64x2_abs(aln));
            let tol = f64x2_mul(sp(INVERSE_TOL), one_abs);
            let fin = v128_or(
                v128_or(
                    v128_and(newton, f64x2_le(f64x2_mul(f64x2_mul(vc2, dxn), dxn), tol)),
                    f64x2_le(f64x2_abs(dxn), tol),
                ),
                f64x2_le(f64x2_sub(hi2, lo2), f64x2_mul(sp(f64::EPSILON), one_abs)),
            );
            let was_done = f64x2_ne(ld(&l.done, i), sp(0.0));
            let zero = f64x2_eq(f, sp(0.0));
            let go = v128_andnot(v128_not(zero), was_done);
            let (dx, dx_old) = (ld(&l.dx, i), ld(&l.dx_old, i));
            st(&mut l.lo, i, sel(go, lo2, lo));
            st(&mut l.hi, i, sel(go, hi2, hi));
            st(&mut l.dx_old, i, sel(go, dx, dx_old));
            st(&mut l.dx, i, sel(go, dxn, dx));
            st(&mut l.al, i, sel(go, aln, a));
            let done = v128_or(v128_or(was_done, zero), fin);
            st(&mut l.done, i, sel(done, sp(1.0), sp(0.0)));
            i += 2;
        }
        if i < len {
            l.step_one(c, i); // the odd last lane
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    #[test]
    fn inverse_batch_is_the_scalar_inverse_bit_for_bit() {
        let mut rng = SmallRng::seed_from_u64(11);
        let mut fallbacks = 0;
        for case in 0..400 {
            // Mild layers and strongly bent ones (large |m|: bisection steps, scalar fallback).
            let s = if case % 4 == 0 { 6.0 } else { 1.5 };
            let p: Vec<f64> = (0..5).map(|_| s * (rng.random::<f64>() - 0.5)).collect();
            let t = if case % 5 == 0 {
                rng.random::<f64>()
            } else {
                1.0
            };
            let map = Planar::from_params(&p).map(t);
            let n = 137;
            let mut xs: Vec<f64> = (0..n).map(|_| 8.0 * (rng.random::<f64>() - 0.5)).collect();
            let ys: Vec<f64> = (0..n).map(|_| 8.0 * (rng.random::<f64>() - 0.5)).collect();
            xs[3] = f64::NAN;
            let (mut ox, mut oy) = (vec![0.0; n], vec![0.0; n]);
            map.inverse_batch(&xs, &ys, &mut ox, &mut oy);
            // How many points the lock-step pass left to the scalar fallback.
            let c = NewtonConsts::new(&map);
            let mut lanes = NewtonLanes::default();
            for start in (0..n).step_by(INV_CHUNK) {
                let end = (start + INV_CHUNK).min(n);
                lanes.init(&c, map.w, &xs[start..end], &ys[start..end]);
                for _ in 0..BATCH_NEWTON_ITERS {
                    lanes.step(&c, end - start);
                }
                fallbacks += lanes.done[..end - start]
                    .iter()
                    .filter(|d| **d == 0.0)
                    .count();
            }
            for i in 0..n {
                match map.inverse_point([xs[i], ys[i]]) {
                    Some(z) => assert!(
                        z[0].to_bits() == ox[i].to_bits() && z[1].to_bits() == oy[i].to_bits(),
                        "case {case} point {i}: {z:?} vs ({}, {})",
                        ox[i],
                        oy[i]
                    ),
                    None => assert!(!(ox[i].is_finite() && oy[i].is_finite()), "{case} {i}"),
                }
            }
        }
        // The vectorized pass does the work; the scalar fallback is the exception.
        assert!(fallbacks < 400 * 137 / 5, "{fallbacks} fallbacks");
    }
}
