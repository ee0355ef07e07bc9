//! Batch kernels of the rational-quadratic spline transformer ([`super::spline`]), structure of
//! arrays: chunks of `L = 8` points, every step a loop over the lanes so it vectorizes, the bin
//! selected by masks instead of by indexing, the vectorizable [`fastmath`] `exp`/`ln`.
//!
//! Per point the forward pass needs both softmaxes (16 `exp`) but the derivatives of only the two
//! knots bounding its bin (2 softplus); the backward pass recomputes that, then runs
//! docs/maths/coupling-spline.md, "Backward pass": bin-local partials of `y` and `log dy/dx`, the
//! prefix scatter onto the widths and heights (`∂ℓ/∂Wⱼ = ∂ℓ/∂xᵏ` for `j < k`, `+ ∂ℓ/∂w` for
//! `j = k`), the softmax and softplus backward. The exact scalar path of [`super::spline`] is an
//! independent implementation of the same formulas (per point, libm), which the tests compare.

use super::fastmath;

/// Bins of the spline.
pub const BINS: usize = 8;
/// The spline acts on `[−BOUND, BOUND]` (identity outside).
pub const BOUND: f64 = 3.0;
/// Smallest bin width and height, as a fraction of `2B`.
pub const MIN_BIN: f64 = 1e-3;
/// Smallest interior derivative.
pub const MIN_DERIV: f64 = 1e-3;
/// Conditioner outputs per point, `3·BINS − 1`.
pub const OUTPUTS: usize = 3 * BINS - 1;
/// `c_δ = log(e^{1 − MIN_DERIV} − 1)`: zero logits give interior derivatives of exactly 1.
pub const DERIV_SHIFT: f64 = 0.539_742_417_236_952_1;

const L: usize = 8;
const K: usize = BINS;
type V = [f64; L];
/// `2B·(1 − K·m)`.
const SPREAD: f64 = 2.0 * BOUND * (1.0 - BINS as f64 * MIN_BIN);
const LO: f64 = 2.0 * BOUND * MIN_BIN;
const UNIFORM: f64 = 2.0 * BOUND / BINS as f64;

/// One chunk's spline quantities, lane by lane.
struct Chunk {
    pw: [V; K],
    ph: [V; K],
    /// 1 inside `[−B, B]`, else 0.
    inside: V,
    /// The bin index as `f64`.
    kf: V,
    yl: V,
    w: V,
    h: V,
    s: V,
    d0: V,
    d1: V,
    /// `θᵟ + c_δ` of the bin's two knots (0 where the knot is `±B`), and 1 at `±B`.
    u0: V,
    u1: V,
    edge0: V,
    edge1: V,
    xi: V,
    q: V,
    num: V,
    den: V,
    dn: V,
}

/// Row `r` of the feature-major `o` (`n` points) at lanes `j0..j0 + len`, zero beyond.
#[inline(always)]
fn load(o: &[f64], n: usize, r: usize, j0: usize, len: usize) -> V {
    let mut v = [0.0; L];
    v[..len].copy_from_slice(&o[r * n + j0..r * n + j0 + len]);
    v
}

/// `a` if `a > b`, else `b`: a compare and a select, where `f64::max` (IEEE `maxNum`) is a
/// libm call on wasm32 (its `f64.max` propagates NaN); like `f64::max`, a NaN `a` gives `b`.
#[inline(always)]
fn max_or(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// `a` if `a < b`, else `b` (see [`max_or`]).
#[inline(always)]
fn min_or(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

#[inline(always)]
fn softmax(o: &[f64], n: usize, r0: usize, j0: usize, len: usize) -> [V; K] {
    let mut th = [[0.0; L]; K];
    for (r, row) in th.iter_mut().enumerate() {
        *row = load(o, n, r0 + r, j0, len);
    }
    let mut m = th[0];
    for row in &th[1..] {
        for l in 0..L {
            m[l] = max_or(row[l], m[l]);
        }
    }
    let mut e = [[0.0; L]; K];
    let mut s = [0.0; L];
    for r in 0..K {
        for l in 0..L {
            e[r][l] = fastmath::exp(th[r][l] - m[l]);
            s[l] += e[r][l];
        }
    }
    for v in &mut s {
        *v = 1.0 / *v;
    }
    for row in &mut e {
        for l in 0..L {
            row[l] *= s[l];
        }
    }
    e
}

#[inline(always)]
fn select(mask: &V, r: f64, from: &V, to: &mut V) {
    for l in 0..L {
        to[l] = if mask[l] == r { from[l] } else { to[l] };
    }
}

/// The spline at fraction `t` for lanes `j0..j0 + len` (padding lanes: identity at `x = 0`),
/// evaluated at `x`.
#[inline(always)]
fn recompute(o: &[f64], n: usize, j0: usize, len: usize, x: &V, t: f64) -> Chunk {
    let pw = softmax(o, n, 0, j0, len);
    let ph = softmax(o, n, K, j0, len);
    let mut xk = [[-BOUND; L]; K + 1];
    let mut yk = [[-BOUND; L]; K + 1];
    let (a, b) = ((1.0 - t) * UNIFORM + t * LO, t * SPREAD);
    for r in 0..K - 1 {
        for l in 0..L {
            xk[r + 1][l] = xk[r][l] + (a + b * pw[r][l]);
            yk[r + 1][l] = yk[r][l] + (a + b * ph[r][l]);
        }
    }
    xk[K] = [BOUND; L];
    yk[K] = [BOUND; L];
    let mut inside = [0.0; L];
    let mut xc = [0.0; L];
    let mut kf = [0.0; L];
    for l in 0..L {
        inside[l] = if (-BOUND..=BOUND).contains(&x[l]) {
            1.0
        } else {
            0.0
        };
        // Not `clamp`: a NaN input becomes −B here (and stays NaN in the output, `inside`
        // being 0), so no NaN reaches the gradient of the other lanes' parameters.
        xc[l] = min_or(max_or(x[l], -BOUND), BOUND);
    }
    for row in &xk[1..K] {
        for l in 0..L {
            kf[l] += if row[l] <= xc[l] { 1.0 } else { 0.0 };
        }
    }
    let (mut xl, mut xr, mut yl, mut yr) = ([0.0; L], [0.0; L], [0.0; L], [0.0; L]);
    let (mut u0, mut u1) = ([0.0; L], [0.0; L]);
    for r in 0..K {
        let rf = r as f64;
        select(&kf, rf, &xk[r], &mut xl);
        select(&kf, rf, &xk[r + 1], &mut xr);
        select(&kf, rf, &yk[r], &mut yl);
        select(&kf, rf, &yk[r + 1], &mut yr);
        if r >= 1 {
            select(&kf, rf, &load(o, n, 2 * K + r - 1, j0, len), &mut u0);
        }
        if r + 1 < K {
            select(&kf, rf, &load(o, n, 2 * K + r, j0, len), &mut u1);
        }
    }
    let mut c = Chunk {
        pw,
        ph,
        inside,
        kf,
        yl,
        w: [0.0; L],
        h: [0.0; L],
        s: [0.0; L],
        d0: [0.0; L],
        d1: [0.0; L],
        u0,
        u1,
        edge0: [0.0; L],
        edge1: [0.0; L],
        xi: [0.0; L],
        q: [0.0; L],
        num: [0.0; L],
        den: [0.0; L],
        dn: [0.0; L],
    };
    let softplus = |u: f64| max_or(u, 0.0) + fastmath::ln(1.0 + fastmath::exp(-u.abs()));
    for l in 0..L {
        let w = xr[l] - xl[l];
        let h = yr[l] - yl[l];
        let s = h / w;
        c.edge0[l] = if kf[l] == 0.0 { 1.0 } else { 0.0 };
        c.edge1[l] = if kf[l] == (K - 1) as f64 { 1.0 } else { 0.0 };
        c.u0[l] += DERIV_SHIFT;
        c.u1[l] += DERIV_SHIFT;
        let dd0 = (1.0 - t) + t * (MIN_DERIV + softplus(c.u0[l]));
        let dd1 = (1.0 - t) + t * (MIN_DERIV + softplus(c.u1[l]));
        let d0 = if c.edge0[l] != 0.0 { 1.0 } else { dd0 };
        let d1 = if c.edge1[l] != 0.0 { 1.0 } else { dd1 };
        let xi = ((xc[l] - xl[l]) / w).clamp(0.0, 1.0);
        let om = 1.0 - xi;
        let q = xi * om;
        c.w[l] = w;
        c.h[l] = h;
        c.s[l] = s;
        c.d0[l] = d0;
        c.d1[l] = d1;
        c.xi[l] = xi;
        c.q[l] = q;
        c.num[l] = s * xi * xi + d0 * q;
        c.den[l] = s * (xi * xi + om * om) + (d0 + d1) * q;
        c.dn[l] = d1 * xi * xi + 2.0 * s * q + d0 * om * om;
    }
    c
}

/// Batch forward in place on `xb` (`o` feature-major, `OUTPUTS × n`), `det *= dy/dx`.
pub(crate) fn forward(o: &[f64], xb: &mut [f64], det: &mut [f64], t: f64) {
    let n = xb.len();
    debug_assert!(o.len() >= OUTPUTS * n);
    for j0 in (0..n).step_by(L) {
        let len = L.min(n - j0);
        let mut x = [0.0; L];
        x[..len].copy_from_slice(&xb[j0..j0 + len]);
        let c = recompute(o, n, j0, len, &x, t);
        let (mut y, mut slope) = ([0.0; L], [0.0; L]);
        for l in 0..L {
            let r = c.s[l] / c.den[l];
            let inside = c.inside[l] != 0.0;
            y[l] = if inside {
                c.yl[l] + c.h[l] * c.num[l] / c.den[l]
            } else {
                x[l]
            };
            slope[l] = if inside { r * r * c.dn[l] } else { 1.0 };
        }
        xb[j0..j0 + len].copy_from_slice(&y[..len]);
        for (d, s) in det[j0..j0 + len].iter_mut().zip(&slope) {
            *d *= s;
        }
    }
}

/// Batch backward at `t = 1`: `gb` holds `∂ℓ/∂y_b` on entry and `∂ℓ/∂x_b` on exit, `g_l` is the
/// batch-constant `∂ℓ/∂(log dy/dx)`; writes `∂ℓ/∂o` into `g_out` (`OUTPUTS × n`).
pub(crate) fn backward(o: &[f64], xb: &[f64], gb: &mut [f64], g_l: f64, g_out: &mut [f64]) {
    let n = xb.len();
    for j0 in (0..n).step_by(L) {
        let len = L.min(n - j0);
        let mut x = [0.0; L];
        x[..len].copy_from_slice(&xb[j0..j0 + len]);
        let mut gy = [0.0; L];
        gy[..len].copy_from_slice(&gb[j0..j0 + len]);
        let c = recompute(o, n, j0, len, &x, 1.0);
        let (mut g_x, mut g_xk, mut g_w, mut g_yk, mut g_h) =
            ([0.0; L], [0.0; L], [0.0; L], [0.0; L], [0.0; L]);
        let (mut g_u0, mut g_u1) = ([0.0; L], [0.0; L]);
        for l in 0..L {
            let (h, s, d0, d1, xi, q) = (c.h[l], c.s[l], c.d0[l], c.d1[l], c.xi[l], c.q[l]);
            let (num, den, dn) = (c.num[l], c.den[l], c.dn[l]);
            let om = 1.0 - xi;
            let (inv_den, inv_dn) = (1.0 / den, 1.0 / dn);
            let inv_den2 = inv_den * inv_den;
            let one_m2xi = 1.0 - 2.0 * xi;
            let one_m2q = 1.0 - 2.0 * q;
            let dy_dxi = h * s * dn * inv_den2;
            let dl_dxi = (2.0 * d1 * xi + 2.0 * s * one_m2xi - 2.0 * d0 * om) * inv_dn
                - 2.0 * (d0 + d1 - 2.0 * s) * one_m2xi * inv_den;
            let dy_ds = h * (xi * xi * den - num * one_m2q) * inv_den2;
            let dl_ds = 2.0 / s + 2.0 * q * inv_dn - 2.0 * one_m2q * inv_den;
            let dy_dd0 = h * q * (den - num) * inv_den2;
            let dl_dd0 = om * om * inv_dn - 2.0 * q * inv_den;
            let dy_dd1 = -h * q * num * inv_den2;
            let dl_dd1 = xi * xi * inv_dn - 2.0 * q * inv_den;
            let inside = c.inside[l];
            let g = gy[l] * inside;
            let gl = g_l * inside;
            let g_xi = g * dy_dxi + gl * dl_dxi;
            let g_s = g * dy_ds + gl * dl_ds;
            let inv_w = 1.0 / c.w[l];
            let gx_in = g_xi * inv_w;
            g_x[l] = if inside != 0.0 { gx_in } else { gy[l] };
            g_xk[l] = -gx_in;
            g_w[l] = -(g_xi * xi + g_s * s) * inv_w;
            g_yk[l] = g;
            g_h[l] = g * num * inv_den + g_s * inv_w;
            // δ = 1e−3 + softplus(u): dδ/du = σ(u); the knots at ±B are constants.
            let sig0 = 1.0 / (1.0 + fastmath::exp(-c.u0[l]));
            let sig1 = 1.0 / (1.0 + fastmath::exp(-c.u1[l]));
            g_u0[l] = (g * dy_dd0 + gl * dl_dd0) * sig0 * (1.0 - c.edge0[l]);
            g_u1[l] = (g * dy_dd1 + gl * dl_dd1) * sig1 * (1.0 - c.edge1[l]);
        }
        gb[j0..j0 + len].copy_from_slice(&g_x[..len]);
        // Scatter onto Wⱼ and Hⱼ, then the softmax backward, lane by lane.
        for (probs, g_here, g_before, row0) in [(&c.pw, &g_w, &g_xk, 0), (&c.ph, &g_h, &g_yk, K)] {
            let mut gp = [[0.0; L]; K];
            let mut dot = [0.0; L];
            for r in 0..K {
                let rf = r as f64;
                for l in 0..L {
                    let before = if rf < c.kf[l] { g_before[l] } else { 0.0 };
                    let here = if rf == c.kf[l] { g_here[l] } else { 0.0 };
                    gp[r][l] = SPREAD * (before + here);
                    dot[l] += gp[r][l] * probs[r][l];
                }
            }
            for r in 0..K {
                let dst = &mut g_out[(row0 + r) * n + j0..(row0 + r) * n + j0 + len];
                for (l, d) in dst.iter_mut().enumerate() {
                    *d = probs[r][l] * (gp[r][l] - dot[l]);
                }
            }
        }
        // Derivative logits: knot r + 1 is the bin's left knot when k = r + 1, its right knot
        // when k = r.
        for r in 0..K - 1 {
            let dst = &mut g_out[(2 * K + r) * n + j0..(2 * K + r) * n + j0 + len];
            let (left, right) = ((r + 1) as f64, r as f64);
            for (l, d) in dst.iter_mut().enumerate() {
                let a = if c.kf[l] == left { g_u0[l] } else { 0.0 };
                let b = if c.kf[l] == right { g_u1[l] } else { 0.0 };
                *d = a + b;
            }
        }
    }
}
