//! Rational-quadratic spline coupling (Durkan, Bekasov, Murray & Papamakarios, *Neural Spline
//! Flows*, NeurIPS 2019, Eqs. 4–5 for the spline and its derivative;
//! docs/maths/coupling-spline.md): the transformer of a [`super::coupling::Coupling`] whose
//! conditioner outputs a monotone RQ spline with [`BINS`] = 8 bins on `[−B, B]`,
//! `B = `[`BOUND`]` = 3`, identity outside.
//!
//! **Parametrisation** (docs/maths/coupling-spline.md, "Parametrisation"; every real vector is a
//! valid spline). Outputs `o = [θʷ (8) | θʰ (8) | θᵟ (7)]`, `P = 23`:
//!
//! ```text
//!   Wₖ = 2B·(m + (1 − 8m)·softmax(θʷ)ₖ),  Hₖ likewise,  m = 1e−3
//!   xᵏ = −B + Σ_{j<k} Wⱼ,  yᵏ likewise,  x⁸ = y⁸ = B (pinned)
//!   δᵏ = 1e−3 + softplus(θᵟₖ + c_δ), k = 1…7,  c_δ = log(e^{0.999} − 1),  δ⁰ = δ⁸ = 1
//! ```
//!
//! so zero outputs are the exact identity (the `c_δ` shift) and the density is C¹ at `±B`.
//! In bin `k` (`w = Wₖ`, `h = Hₖ`, `s = h/w`, `ξ = (x − xᵏ)/w`, `q = ξ(1 − ξ)`):
//! `y = yᵏ + h·(sξ² + δᵏq)/Den`, `dy/dx = s²·Dn/Den²` with
//! `Den = s[ξ² + (1−ξ)²] + (δᵏ + δᵏ⁺¹)q` and `Dn = δᵏ⁺¹ξ² + 2sq + δᵏ(1−ξ)²`, sums of
//! non-negative terms (no cancellation).
//!
//! **Both directions are cheap.** The inverse solves one quadratic per point with the sign-aware
//! root (docs/maths/coupling-spline.md, "Inverse": `2c/(−b − √disc)` for `b ≥ 0`,
//! `(−b + √disc)/(2a)` for `b < 0`, never cancelling), with `disc`, `η` and `ξ` clamped (rounding).
//! Bins are found by counting interior knots `≤` the clamped input, so a point on a knot goes to
//! the bin on its right with `ξ = 0`; the inside test uses the unclamped input.
//!
//! **Backward** (docs/maths/coupling-spline.md, "Backward pass"): per point, the bin-local partials
//! of `y` and `log dy/dx`, an `O(K)` prefix scatter onto the widths and heights, the softmax and
//! softplus backward; the result is one row of `∂ℓ/∂o` for the conditioner's GEMM backward. The
//! pinned last knot makes the last bin's width `2B − Σ_{j<7}Wⱼ` instead of `W₇`; the two differ by
//! a constant in `∂ℓ/∂W`, which the softmax backward removes (`ΣWₖ = 2B`), so the unpinned formulas
//! are used.
//!
//! **Fractional layer** (docs/maths/coupling-spline.md, "Fractional layer"): knots and derivatives
//! blend toward the identity spline, `xᵏ(t) = (1 − t)uᵏ + t·xᵏ` with uniform `uᵏ`,
//! `δᵏ(t) = (1 − t) + t·δᵏ`: a valid RQ spline for every `t` (exact quadratic inverse kept), the
//! identity at `t = 0`.
//!
//! The scalar paths here use libm (`exp`, `ln`), point by point; the batch forward and the
//! backward pass are the structure-of-arrays kernels of [`super::spline_batch`] (vectorizable
//! [`fastmath`]), an independent implementation of the same formulas that the tests compare
//! with this one and with finite differences.

use super::coupling::{Coupling, CouplingMap, Transformer};
use super::fastmath;
use super::mlp::Mlp;
use super::num::softplus;
use super::spline_batch;

// The spline's sizes live beside the batch kernels (which `spline` calls, so they cannot
// import `spline` back).
pub use super::spline_batch::{BINS, BOUND, DERIV_SHIFT, MIN_BIN, MIN_DERIV, OUTPUTS};

const K: usize = BINS;
const W0: usize = 0;
const H0: usize = BINS;
const D0: usize = 2 * BINS;
/// `2B·(1 − K·m)`: the softmax's share of the interval.
const SPREAD: f64 = 2.0 * BOUND * (1.0 - BINS as f64 * MIN_BIN);

/// The RQ-spline transformer (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct SplineTransformer;

/// The rational-quadratic spline coupling layer.
pub type SplineCoupling = Coupling<SplineTransformer>;
/// The spline coupling layer's map.
pub type SplineCouplingMap = CouplingMap<SplineTransformer>;

/// `exp` and `ln` for the shared formulas: libm for the exact scalar paths, [`fastmath`] for
/// the batch ones.
trait Math {
    fn exp(x: f64) -> f64;
    fn ln(x: f64) -> f64;
    /// `log(1 + eˣ)` without overflow.
    #[inline(always)]
    fn softplus(x: f64) -> f64 {
        x.max(0.0) + Self::ln(1.0 + Self::exp(-x.abs()))
    }
}

struct Exact;
impl Math for Exact {
    #[inline(always)]
    fn exp(x: f64) -> f64 {
        x.exp()
    }
    #[inline(always)]
    fn ln(x: f64) -> f64 {
        x.ln()
    }
    #[inline(always)]
    fn softplus(x: f64) -> f64 {
        softplus(x)
    }
}

struct Fast;
impl Math for Fast {
    #[inline(always)]
    fn exp(x: f64) -> f64 {
        fastmath::exp(x)
    }
    #[inline(always)]
    fn ln(x: f64) -> f64 {
        fastmath::ln(x)
    }
}

/// Knots `(xᵏ, yᵏ)` and derivatives `δᵏ`, `k = 0…K`.
#[derive(Clone, Copy, Debug)]
struct Knots {
    x: [f64; K + 1],
    y: [f64; K + 1],
    d: [f64; K + 1],
}

#[inline(always)]
fn softmax<M: Math>(th: &[f64]) -> [f64; K] {
    let mut m = th[0];
    for &v in &th[1..K] {
        m = m.max(v);
    }
    let mut e = [0.0; K];
    let mut s = 0.0;
    for k in 0..K {
        e[k] = M::exp(th[k] - m);
        s += e[k];
    }
    let inv = 1.0 / s;
    e.map(|v| v * inv)
}

/// The spline of outputs `o` (`len ≥ OUTPUTS`) at fraction `t` (module docs).
#[inline(always)]
fn knots<M: Math>(o: &[f64], t: f64) -> Knots {
    let pw = softmax::<M>(&o[W0..W0 + K]);
    let ph = softmax::<M>(&o[H0..H0 + K]);
    let uniform = 2.0 * BOUND / K as f64;
    let lo = 2.0 * BOUND * MIN_BIN;
    let (mut x, mut y, mut d) = ([0.0; K + 1], [0.0; K + 1], [1.0; K + 1]);
    x[0] = -BOUND;
    y[0] = -BOUND;
    for k in 0..K - 1 {
        x[k + 1] = x[k] + ((1.0 - t) * uniform + t * (lo + SPREAD * pw[k]));
        y[k + 1] = y[k] + ((1.0 - t) * uniform + t * (lo + SPREAD * ph[k]));
    }
    x[K] = BOUND;
    y[K] = BOUND;
    for k in 1..K {
        d[k] = (1.0 - t) + t * (MIN_DERIV + M::softplus(o[D0 + k - 1] + DERIV_SHIFT));
    }
    Knots { x, y, d }
}

/// One bin's quantities at `ξ`: `h`, `s`, and the numerator `N`, `Den`, `Dn` of the module docs.
#[derive(Clone, Copy, Debug)]
struct Bin {
    h: f64,
    s: f64,
    num: f64,
    den: f64,
    dn: f64,
}

impl Bin {
    #[inline(always)]
    fn new(kn: &Knots, k: usize, xi: f64) -> Bin {
        let (w, h) = (kn.x[k + 1] - kn.x[k], kn.y[k + 1] - kn.y[k]);
        let s = h / w;
        let (d0, d1) = (kn.d[k], kn.d[k + 1]);
        let q = xi * (1.0 - xi);
        let om = 1.0 - xi;
        Bin {
            h,
            s,
            num: s * xi * xi + d0 * q,
            den: s * (xi * xi + om * om) + (d0 + d1) * q,
            dn: d1 * xi * xi + 2.0 * s * q + d0 * om * om,
        }
    }

    /// `dy/dx = s²·Dn/Den²`.
    #[inline(always)]
    fn slope(&self) -> f64 {
        let r = self.s / self.den;
        r * r * self.dn
    }
}

/// Index of the bin holding `v` among `knots` (interior knots `≤ v`; `v` already clamped).
#[inline(always)]
fn bin_of(knots: &[f64; K + 1], v: f64) -> usize {
    let mut k = 0;
    for &kn in &knots[1..K] {
        k += usize::from(kn <= v);
    }
    k
}

#[inline(always)]
fn inside(v: f64) -> bool {
    (-BOUND..=BOUND).contains(&v)
}

/// Forward at `x`: `(y, dy/dx)` (identity outside `[−B, B]`).
#[inline(always)]
fn spline_forward(kn: &Knots, x: f64) -> (f64, f64) {
    if !inside(x) {
        return (x, 1.0);
    }
    let k = bin_of(&kn.x, x);
    let w = kn.x[k + 1] - kn.x[k];
    let b = Bin::new(kn, k, ((x - kn.x[k]) / w).clamp(0.0, 1.0));
    (kn.y[k] + b.h * b.num / b.den, b.slope())
}

/// Inverse at `y`: `(x, dy/dx at x)` (identity outside `[−B, B]`).
#[inline(always)]
fn spline_inverse(kn: &Knots, y: f64) -> (f64, f64) {
    if !inside(y) {
        return (y, 1.0);
    }
    let k = bin_of(&kn.y, y);
    let (w, h) = (kn.x[k + 1] - kn.x[k], kn.y[k + 1] - kn.y[k]);
    let s = h / w;
    let (d0, d1) = (kn.d[k], kn.d[k + 1]);
    // `max`/`min`, not `clamp`: a NaN bound (NaN conditioner input) must not panic.
    let eta = (y - kn.y[k]).max(0.0).min(h);
    let dd = d0 + d1 - 2.0 * s;
    let a = h * (s - d0) + eta * dd;
    let b = h * d0 - eta * dd;
    let c = -s * eta;
    let sq = (b * b - 4.0 * a * c).max(0.0).sqrt();
    let xi = if b >= 0.0 {
        2.0 * c / (-b - sq)
    } else {
        (-b + sq) / (2.0 * a)
    };
    let xi = xi.clamp(0.0, 1.0);
    let bin = Bin::new(kn, k, xi);
    (kn.x[k] + xi * w, bin.slope())
}

impl Transformer for SplineTransformer {
    const OUTPUTS: usize = OUTPUTS;

    fn forward(o: &[f64], x: f64, t: f64) -> (f64, f64) {
        let (y, d) = spline_forward(&knots::<Exact>(o, t), x);
        (y, d.ln())
    }

    fn inverse(o: &[f64], y: f64, t: f64) -> (f64, f64) {
        let (x, d) = spline_inverse(&knots::<Exact>(o, t), y);
        (x, d.ln())
    }

    fn forward_batch(o: &[f64], xb: &mut [f64], det: &mut [f64], t: f64) {
        spline_batch::forward(o, xb, det, t);
    }

    fn inverse_batch(o: &[f64], yb: &mut [f64], t: f64) {
        let n = yb.len();
        let mut col = [0.0; OUTPUTS];
        for (j, y) in yb.iter_mut().enumerate() {
            if inside(*y) {
                for (r, v) in col.iter_mut().enumerate() {
                    *v = o[r * n + j];
                }
                *y = spline_inverse(&knots::<Fast>(&col, t), *y).0;
            }
        }
    }

    fn backward_batch(o: &[f64], xb: &[f64], gb: &mut [f64], g_l: f64, g_out: &mut [f64]) {
        spline_batch::backward(o, xb, gb, g_l, g_out);
    }

    fn log_det_bound(mlp: &Mlp, t: f64) -> f64 {
        // dy/dx ∈ [m³/M², 4M] with m = min(slopes, derivatives) ≥ 1e−3 and
        // M = max(slopes ≤ 1/MIN_BIN, derivatives, 1); the derivative logits are bounded by
        // |c₃| + Σ|W₃| since |h₂| ≤ 1.
        let mut theta_max = f64::NEG_INFINITY;
        for j in D0..OUTPUTS {
            theta_max = theta_max.max(mlp.output_bound(j));
        }
        let d_max = (1.0 - t) + t * (MIN_DERIV + softplus(theta_max + DERIV_SHIFT));
        let big = d_max.max(1.0 / MIN_BIN);
        let small = MIN_BIN.min(MIN_DERIV);
        (4.0 * big).ln().max(2.0 * big.ln() - 3.0 * small.ln())
    }
}

impl CouplingMap<SplineTransformer> {
    /// The spline this map applies to the transformed coordinate where the kept one is `xa`:
    /// `(x-knots, y-knots, derivatives)`, `BINS + 1` each (exact scalar path; for drawing the
    /// spline and for tests).
    pub fn knots(&self, xa: f64) -> ([f64; BINS + 1], [f64; BINS + 1], [f64; BINS + 1]) {
        let mut o = [0.0; OUTPUTS];
        Mlp::new(self.params(), OUTPUTS).eval(xa, &mut o);
        let kn = knots::<Exact>(&o, self.t);
        (kn.x, kn.y, kn.d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::num::inv_softplus;

    #[test]
    fn shift_is_softplus_inverse_and_zero_logits_are_the_identity() {
        assert!((DERIV_SHIFT - inv_softplus(1.0 - MIN_DERIV)).abs() < 1e-15);
        let o = [0.0; OUTPUTS];
        for i in 0..=600 {
            let x = -3.3 + 0.011 * i as f64;
            let (y, l) = SplineTransformer::forward(&o, x, 1.0);
            assert!((y - x).abs() < 1e-15 && l.abs() < 1e-15, "{x}: {y} {l}");
        }
    }
}
