//! Stable scalar helpers shared by the layers, energies and objectives.
//!
//! - `softplus(x) = log(1 + e^x)`, written `max(x, 0) + log1p(e^{−|x|})` so it never overflows
//!   (docs/maths/README.md, "Stable scalar helpers").
//! - `sigmoid`, `log_add_exp` (two-term logsumexp), the standard 2-D Gaussian log-density
//!   `log N(z; 0, I) = −½‖z‖² − log 2π`, and seeded standard-normal sampling (Marsaglia's polar method).
//!
//! Points are `[f64; 2]` ([`Vec2`]); batches are structure-of-arrays (`xs`, `ys` slices).

use rand::Rng;

/// A point or vector in the plane, `[x, y]`.
pub type Vec2 = [f64; 2];

/// `log(2π)`: the normaliser of the standard 2-D Gaussian, `log N(z) = −½‖z‖² − LN_2PI`.
pub const LN_2PI: f64 = 1.837_877_066_409_345_3;

/// Sorts `v` ascending by `f64::total_cmp` (NaN last). The one sort of floats in the program:
/// each distinct sort call is its own copy of the sorting code in the WebAssembly (~3 kB).
pub fn sort_f64(v: &mut [f64]) {
    v.sort_unstable_by(f64::total_cmp);
}

/// Overflow-free `log(1 + e^x)`.
#[inline]
pub fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// Logistic function `1 / (1 + e^{−x})`, accurate for both signs.
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// `log(e^a + e^b)` without overflow or underflow; `−∞` if both are `−∞`.
#[inline]
pub fn log_add_exp(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + (-(a - b).abs()).exp().ln_1p()
}

/// Log-density of the standard 2-D Gaussian base, `−½‖z‖² − log 2π`.
#[inline]
pub fn std_normal_log_pdf(z: Vec2) -> f64 {
    -0.5 * (z[0] * z[0] + z[1] * z[1]) - LN_2PI
}

/// Two independent standard normals (Marsaglia's polar method: no trigonometry) from a
/// seeded generator.
#[inline]
pub fn normal_pair<R: Rng + ?Sized>(rng: &mut R) -> Vec2 {
    loop {
        let u = 2.0 * rng.random::<f64>() - 1.0;
        let v = 2.0 * rng.random::<f64>() - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            let f = (-2.0 * s.ln() / s).sqrt();
            return [u * f, v * f];
        }
    }
}

/// Fills `xs`, `ys` (same length) with independent standard normals.
pub fn fill_std_normal<R: Rng + ?Sized>(rng: &mut R, xs: &mut [f64], ys: &mut [f64]) {
    for (x, y) in xs.iter_mut().zip(ys.iter_mut()) {
        let [a, b] = normal_pair(rng);
        *x = a;
        *y = b;
    }
}

/// Dot product of two plane vectors.
#[inline]
pub fn dot(a: Vec2, b: Vec2) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

/// Raw parameters are clamped to ±this when a layer is read, so any flat vector (e.g. from a
/// URL) gives finite maps. The trainer treats parameters beyond ±1e4 as divergence.
pub const RAW_PARAM_LIMIT: f64 = 1e6;

/// `softplus⁻¹(y) = log(e^y − 1)` for `y > 0`, written without overflow.
pub fn inv_softplus(y: f64) -> f64 {
    y + (-(-y).exp_m1()).ln()
}

/// A raw parameter as a layer reads it: clamped to ±[`RAW_PARAM_LIMIT`], NaN read as 0, so any
/// flat vector (e.g. from a link) gives finite maps.
pub fn read_raw(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(-RAW_PARAM_LIMIT, RAW_PARAM_LIMIT)
    }
}
