//! Branch-free `exp`, `ln` and `tanh` for the batch loops, written so the compiler can
//! vectorize them (no calls into libm, only float arithmetic, selects and 64-bit integer ops).
//!
//! - `exp(x)`: `x = k·ln2 + r` with `|r| ≤ ½ln2`, `k` found with the 1.5·2⁵² rounding trick,
//!   `e^r` by its degree-12 Taylor polynomial (truncation < 2e−16 relative), `2^k` built from the
//!   exponent bits. Input clamped to `[−700, 700]`.
//! - `ln(x)` for positive normal `x`: `x = 2^e·m` with `m ∈ [√½, √2)`, then
//!   `ln m = 2·atanh(s)`, `s = (m−1)/(m+1)`, `|s| ≤ 0.172`, series to `s²¹` (error < 1e−16).
//! - `tanh_sech2(a)`: `e^{2a}` as Cephes' rational `2^k(q + p)/(q − p)`, then `tanh` and
//!   `sech²` from the same numerator and denominator with a single division (both relatively
//!   accurate to a few ulp; `N − D` is formed as `(2^k − 1)q + (2^k + 1)p`, which does not
//!   cancel near `a = 0`).
//!
//! - `tanh(a)`, `tanh_in_place`: the same rational, `tanh` only (the coupling conditioners'
//!   hidden layers), its polynomials fused (`mul_add`) on targets with FMA — the only code here
//!   whose results differ, at the ulp level, between native and wasm builds.
//! - `tanh_det(2a, 4κ)`: `tanh` and a planar layer's determinant `tanh² + κ·sech²` from the same
//!   rational, one division (the batch forward and the density grid).
//!
//! The exact scalar paths (`f64::tanh`, `f64::ln`) are used for single points, inverses and
//! the finite-difference tests; these are used by the batch kernels of `planar`, `flow`,
//! `tape` and agree with them to ~1e−15.

const LOG2E: f64 = std::f64::consts::LOG2_E;
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5 · 2^52
const SQRT2: f64 = std::f64::consts::SQRT_2;
/// `1/21, 1/19, …, 1/3, 1`: the series of `atanh(s)/s` in `s²` (highest degree first).
const ATANH_SERIES: [f64; 11] = [
    1.0 / 21.0,
    1.0 / 19.0,
    1.0 / 17.0,
    1.0 / 15.0,
    1.0 / 13.0,
    1.0 / 11.0,
    1.0 / 9.0,
    1.0 / 7.0,
    1.0 / 5.0,
    1.0 / 3.0,
    1.0,
];
/// `1/12!, 1/11!, …, 1/1!, 1/0!` (highest degree first).
const EXP_TAYLOR: [f64; 13] = [
    1.0 / 479_001_600.0,
    1.0 / 39_916_800.0,
    1.0 / 3_628_800.0,
    1.0 / 362_880.0,
    1.0 / 40_320.0,
    1.0 / 5_040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    0.5,
    1.0,
    1.0,
];

/// `e^x` to ~2 ulp for `x ∈ [−700, 700]` (clamped outside), vectorizable.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let x = x.clamp(-700.0, 700.0);
    let shifted = x * LOG2E + SHIFT;
    let kf = shifted - SHIFT;
    let r = (x - kf * LN2_HI) - kf * LN2_LO;
    // Horner over 1/12! … 1/0! (a flat loop: rustfmt and LLVM both handle it; it unrolls fully).
    let mut p = EXP_TAYLOR[0];
    for c in &EXP_TAYLOR[1..] {
        p = p * r + c;
    }
    // bits(shifted) = bits(SHIFT) + k for |k| < 2^51, so 2^k has exponent field k + 1023.
    let k = shifted.to_bits().wrapping_sub(SHIFT.to_bits());
    let scale = f64::from_bits(k.wrapping_add(1023) << 52);
    p * scale
}

/// Natural log of a positive, normal, finite `x` (~1 ulp), vectorizable. Other inputs give
/// meaningless but finite results; callers keep their arguments in `[1e−300, 1e300]`.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    // Exponent field as a float without an int→float conversion: 2^52 + field − (2^52 + 1023).
    let mut e =
        f64::from_bits(0x4330_0000_0000_0000 | (bits >> 52)) - (4_503_599_627_370_496.0 + 1023.0);
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let big = m > SQRT2;
    m = if big { 0.5 * m } else { m };
    e += if big { 1.0 } else { 0.0 };
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    // 1 + s²/3 + s⁴/5 + … + s²⁰/21, Horner from the top.
    let mut p = ATANH_SERIES[0];
    for c in &ATANH_SERIES[1..] {
        p = p * s2 + c;
    }
    e * LN2_HI + (2.0 * s * p + e * LN2_LO)
}

/// The shared core of the fast `tanh` family: for `x` (already clamped by the caller),
/// `e^x = 2^k·(q + p)/(q − p)` by Cephes' reduction and Padé form. Returns
/// `(N, D, M) = (2^k·(q + p), q − p, N − D)`, with `M` computed without cancellation near
/// `x = 0` (`2^k − 1` is exact), so `tanh(x/2) = M/(N + D)` keeps relative accuracy.
#[inline(always)]
fn exp_ratio(x: f64) -> (f64, f64, f64) {
    let shifted = x * LOG2E + SHIFT;
    let kf = shifted - SHIFT;
    let r = (x - kf * LN2_HI) - kf * LN2_LO;
    let xx = r * r;
    let p = r * ((TANH_P[0] * xx + TANH_P[1]) * xx + TANH_P[2]);
    let q = ((TANH_Q[0] * xx + TANH_Q[1]) * xx + TANH_Q[2]) * xx + 2.0;
    let k = shifted.to_bits().wrapping_sub(SHIFT.to_bits());
    let scale = f64::from_bits(k.wrapping_add(1023) << 52);
    let n = scale * (q + p);
    let d = q - p;
    let m = (scale - 1.0) * q + (scale + 1.0) * p;
    (n, d, m)
}

/// `(tanh a, sech² a)` with one division, vectorizable.
///
/// `e^{2a} = 2^k·(q + p)/(q − p)` (Cephes' rational `exp` on the reduced argument, ~1 ulp), so
/// with `N = 2^k(q + p)`, `D = q − p`: `tanh a = (N − D)/(N + D)` and
/// `sech² a = 4ND/(N + D)²`. `2a` is clamped to ±700 (far beyond tanh's saturation), so
/// `sech²` keeps its relative accuracy down to ~1e−304.
#[inline(always)]
pub fn tanh_sech2(a: f64) -> (f64, f64) {
    let (n, d, m) = exp_ratio((2.0 * a).clamp(-700.0, 700.0));
    let inv = 1.0 / (n + d);
    (m * inv, 4.0 * n * d * inv * inv)
}

/// `tanh a` alone (the conditioners' hidden layers), one division, vectorizable; relatively
/// accurate to a few ulp like [`tanh_sech2`]. `2a` is clamped to ±80, beyond which `tanh` is
/// ±1 to the last bit.
#[inline(always)]
pub fn tanh(a: f64) -> f64 {
    let (n, d, m) = exp_ratio_fused((2.0 * a).clamp(-80.0, 80.0));
    m / (n + d)
}

/// `(tanh a, tanh b)` with a single division for both (`1/(S_a·S_b)`, then one product each),
/// as accurate as [`tanh`] to within an ulp or two: for the blocked conditioner kernels, where
/// the divider's throughput bounds the hidden layers. `S = N + D ≤ 2^{117}` at the clamp, so
/// the product of two stays far from overflow.
#[inline(always)]
pub fn tanh_pair(a: f64, b: f64) -> (f64, f64) {
    let (na, da, ma) = exp_ratio_fused((2.0 * a).clamp(-80.0, 80.0));
    let (nb, db, mb) = exp_ratio_fused((2.0 * b).clamp(-80.0, 80.0));
    let (sa, sb) = (na + da, nb + db);
    let r = 1.0 / (sa * sb);
    (ma * sb * r, mb * sa * r)
}

/// Eigen's 13/6-degree rational for `tanh` in `f32` (`generic_fast_tanh_float`): `x·P(x²)/Q(x²)`
/// on `[−9, 9]`, `±1` in `f32` beyond; a few ulp.
pub(crate) const TANH_F32_P: [f32; 7] = [
    -2.76076847742355e-16,
    2.00018790482477e-13,
    -8.60467152213735e-11,
    5.12229709037114e-08,
    1.48572235717979e-05,
    6.37261928875436e-04,
    4.89352455891786e-03,
];
pub(crate) const TANH_F32_Q: [f32; 4] = [
    1.19825839466702e-06,
    1.18534705686654e-04,
    2.26843463243900e-03,
    4.89352518554385e-03,
];

/// `(x·P(x²), Q(x²))` of [`TANH_F32_P`] / [`TANH_F32_Q`] for `x` clamped to `[−9, 9]`.
#[inline(always)]
fn tanh_ratio_f32(x: f32) -> (f32, f32) {
    let x = x.clamp(-9.0, 9.0);
    let x2 = x * x;
    let p = TANH_F32_P.iter().fold(0.0, |acc, c| acc * x2 + c) * x;
    let q = TANH_F32_Q.iter().fold(0.0, |acc, c| acc * x2 + c);
    (p, q)
}

/// `(tanh a, tanh b)` in `f32` with one division for both, relatively accurate to a few `f32`
/// ulp (the conditioners' training kernels on WebAssembly, `mlp/blocked.rs`). `Q ∈ [0.0049,
/// 1.6]` on the clamped range, so `Q_a·Q_b` neither overflows nor underflows.
#[inline(always)]
pub fn tanh_pair_f32(a: f32, b: f32) -> (f32, f32) {
    let (pa, qa) = tanh_ratio_f32(a);
    let (pb, qb) = tanh_ratio_f32(b);
    let r = 1.0 / (qa * qb);
    (pa * qb * r, pb * qa * r)
}

/// `a·b + c`, fused into one rounding where the target has FMA (x86-64-v3 native builds), two
/// operations elsewhere (wasm). Only [`tanh`] uses it: the planar kernels keep their unfused,
/// platform-identical arithmetic.
#[inline(always)]
pub(crate) fn madd(a: f64, b: f64, c: f64) -> f64 {
    #[cfg(target_feature = "fma")]
    {
        a.mul_add(b, c)
    }
    #[cfg(not(target_feature = "fma"))]
    {
        a * b + c
    }
}

/// [`exp_ratio`] with its polynomial steps through [`madd`] (the argument reduction keeps the
/// exact two-step Cody–Waite form).
#[inline(always)]
fn exp_ratio_fused(x: f64) -> (f64, f64, f64) {
    let shifted = x * LOG2E + SHIFT;
    let kf = shifted - SHIFT;
    let r = (x - kf * LN2_HI) - kf * LN2_LO;
    let xx = r * r;
    let p = r * madd(madd(TANH_P[0], xx, TANH_P[1]), xx, TANH_P[2]);
    let q = madd(madd(madd(TANH_Q[0], xx, TANH_Q[1]), xx, TANH_Q[2]), xx, 2.0);
    let k = shifted.to_bits().wrapping_sub(SHIFT.to_bits());
    let scale = f64::from_bits(k.wrapping_add(1023) << 52);
    let n = scale * (q + p);
    let d = q - p;
    let m = madd(scale - 1.0, q, (scale + 1.0) * p);
    (n, d, m)
}

/// `xs ← tanh(xs)` in place ([`tanh`], vectorizable).
pub fn tanh_in_place(xs: &mut [f64]) {
    for x in xs {
        *x = tanh(*x);
    }
}

/// Cephes' `e^r = (q + p)/(q − p)` coefficients of [`tanh_sech2`]: `p = r·P(r²)`,
/// `q = Q(r²)·r² + 2` (highest degree first).
const TANH_P: [f64; 3] = [
    1.261_771_930_748_105_908_78e-4,
    3.029_944_077_074_419_613_00e-2,
    9.999_999_999_999_999_999_10e-1,
];
const TANH_Q: [f64; 3] = [
    3.001_985_051_386_644_550_42e-6,
    2.524_483_403_496_841_041_92e-3,
    2.272_655_482_081_550_287_66e-1,
];

/// [`tanh_sech2`] on two lanes (wasm SIMD128), operation for operation (bit-identical).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub(crate) fn tanh_sech2_f64x2(
    a: core::arch::wasm32::v128,
) -> (core::arch::wasm32::v128, core::arch::wasm32::v128) {
    use core::arch::wasm32::*;
    let sp = f64x2_splat;
    // `clamp`: NaN passes through, as in the scalar path.
    let x = f64x2_max(f64x2_min(f64x2_mul(sp(2.0), a), sp(700.0)), sp(-700.0));
    let shifted = f64x2_add(f64x2_mul(x, sp(LOG2E)), sp(SHIFT));
    let kf = f64x2_sub(shifted, sp(SHIFT));
    let r = f64x2_sub(
        f64x2_sub(x, f64x2_mul(kf, sp(LN2_HI))),
        f64x2_mul(kf, sp(LN2_LO)),
    );
    let xx = f64x2_mul(r, r);
    let horner = |c: &[f64]| {
        let mut acc = sp(c[0]);
        for k in &c[1..] {
            acc = f64x2_add(f64x2_mul(acc, xx), sp(*k));
        }
        acc
    };
    let p = f64x2_mul(r, horner(&TANH_P));
    let q = f64x2_add(f64x2_mul(horner(&TANH_Q), xx), sp(2.0));
    let k = i64x2_sub(shifted, sp(SHIFT));
    let scale = i64x2_shl(i64x2_add(k, i64x2_splat(1023)), 52);
    let n = f64x2_mul(scale, f64x2_add(q, p));
    let d = f64x2_sub(q, p);
    let m = f64x2_add(
        f64x2_mul(f64x2_sub(scale, sp(1.0)), q),
        f64x2_mul(f64x2_add(scale, sp(1.0)), p),
    );
    let inv = f64x2_div(sp(1.0), f64x2_add(n, d));
    let h = f64x2_mul(f64x2_mul(f64x2_mul(f64x2_mul(sp(4.0), n), d), inv), inv);
    (f64x2_mul(m, inv), h)
}

/// For the batch forward of a planar layer: `(tanh a, D)` with `D = tanh²a + κ·sech²a`, from
/// `x = 2a` and `k4 = 4κ`, with a single division and no cancellation.
///
/// With `N`, `D₀`, `M = N − D₀`, `S = N + D₀` as in [`tanh_sech2`]: `tanh a = M/S` and
/// `D = (M² + 4κ·N·D₀)/S²`, a sum of non-negative terms. `x` is clamped to ±80 so that `M²`,
/// `S²` and `4κ·N·D₀` stay far from overflow for every `κ` a layer can produce (`κ ≤ 1e13`);
/// beyond the clamp `tanh` is ±1 to the last bit and `κ·sech²a < 1e−21` is below `D ≈ 1`'s ulp.
/// Taking `2a` (not `a`) lets callers fold the 2 into the layer's `w` and `b`.
#[inline(always)]
pub fn tanh_det(x: f64, k4: f64) -> (f64, f64) {
    let (n, d, m) = exp_ratio(x.clamp(-80.0, 80.0));
    let inv = 1.0 / (n + d);
    (m * inv, (m * m + k4 * n * d) * (inv * inv))
}

/// For a planar layer with determinant term `κ`: `(tanh a, D, 1/D)` where
/// `D = tanh²a + κ·sech²a`, with a single division (for the training tape, whose backward pass
/// needs `1/D`).
///
/// With `S = N + D₀`, `M = N − D₀` (as in [`tanh_sech2`]) and `E = M² + 4N·D₀·κ`:
/// `tanh = M/S`, `D = E/S²`, `1/(S·E)` gives both `1/S` and `1/D = S³/(S·E)`. `2a` is clamped
/// to ±80 so `S³ < 1e107` stays finite; beyond it `tanh` is ±1 to the last bit and
/// `κ·sech² < 1e−22` for any `κ` the layer can produce.
#[inline(always)]
pub fn tanh_det_invdet(a: f64, kappa: f64) -> (f64, f64, f64) {
    let (n, d, m) = exp_ratio((2.0 * a).clamp(-80.0, 80.0));
    let s = n + d;
    let e = m * m + 4.0 * n * d * kappa;
    let rr = 1.0 / (s * e);
    let inv_s = e * rr;
    (m * inv_s, e * inv_s * inv_s, s * s * s * rr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_ln_tanh_match_libm() {
        let mut worst = [0.0f64; 3];
        let mut x = -60.0;
        while x < 60.0 {
            worst[0] = worst[0].max(((exp(x) - x.exp()) / x.exp()).abs());
            let p = (x * 0.37).exp();
            worst[1] = worst[1].max((ln(p) - p.ln()).abs() / (1.0 + p.ln().abs()));
            let (t, h) = tanh_sech2(x * 0.2);
            let ch = (x * 0.2).cosh();
            worst[2] = worst[2]
                .max((t / (x * 0.2).tanh() - 1.0).abs())
                .max((h * ch * ch - 1.0).abs());
            x += 0.001_37;
        }
        assert!(
            worst[0] < 1e-15 && worst[1] < 1e-15 && worst[2] < 2e-15,
            "{worst:?}"
        );
        assert!((tanh_sech2(1e-9).0 / 1e-9 - 1.0).abs() < 1e-15);
        let mut a = -50.0;
        while a < 50.0 {
            assert!((tanh(a) - a.tanh()).abs() <= 2e-15 * a.tanh().abs(), "{a}");
            a += 0.00731;
        }
        assert_eq!((tanh(1e3), tanh(-1e3), tanh(0.0)), (1.0, -1.0, 0.0));
        let mut a = -50.0;
        while a < 50.0 {
            let b = 0.37 - 0.61 * a;
            let (ta, tb) = tanh_pair(a, b);
            assert!((ta - a.tanh()).abs() <= 4e-15 * a.tanh().abs(), "{a}");
            assert!((tb - b.tanh()).abs() <= 4e-15 * b.tanh().abs(), "{b}");
            a += 0.00731;
        }
        // The f32 pair against f64's tanh: a few f32 ulp (ε = 1.2e−7) relatively.
        let mut a = -30.0f32;
        let mut worst = 0.0f64;
        while a < 30.0 {
            let b = 0.37 - 0.61 * a;
            let (ta, tb) = tanh_pair_f32(a, b);
            for (got, x) in [(ta, a), (tb, b)] {
                let want = (x as f64).tanh();
                worst = worst.max((got as f64 - want).abs() / want.abs().max(1e-30));
            }
            a += 0.000_731;
        }
        assert!(worst < 5e-7, "{worst}");
        assert_eq!(tanh_pair_f32(50.0, -50.0), (1.0, -1.0));
        assert_eq!(tanh_pair_f32(0.0, 1e-30).0, 0.0);
        assert!((tanh_pair_f32(0.0, 1e-30).1 / 1e-30 - 1.0).abs() < 5e-7);
        assert_eq!(tanh_pair(1e3, -1e3), (1.0, -1.0));
        let (t0, tt) = tanh_pair(0.0, 1e-300);
        assert!(t0 == 0.0 && (tt / 1e-300 - 1.0).abs() < 4e-15);
        let mut xs: Vec<f64> = (0..4003).map(|i| -90.0 + 0.045 * i as f64).collect();
        xs[7] = 1e-300;
        let want: Vec<f64> = xs.iter().map(|x| x.tanh()).collect();
        tanh_in_place(&mut xs);
        for (got, want) in xs.iter().zip(&want) {
            assert!((got - want).abs() <= 4e-15 * want.abs(), "{got} vs {want}");
        }
        let (t, h) = tanh_sech2(300.0);
        assert!(t == 1.0 && (h / (4.0 * (-600.0f64).exp()) - 1.0).abs() < 1e-13);
        assert_eq!(tanh_sech2(400.0).0, 1.0);
        assert_eq!(tanh_sech2(-400.0).0, -1.0);
        assert!(exp(-1e9) > 0.0 && exp(1e9).is_finite());
        for kappa in [1e-100, 1e-8, 0.3, 1.0, 7.0, 2e12] {
            let mut a = -60.0;
            while a < 60.0 {
                let (t, d) = tanh_det(2.0 * a, 4.0 * kappa);
                let ch = a.cosh();
                let want = a.tanh().powi(2) + kappa / (ch * ch);
                assert!(
                    (t - a.tanh()).abs() <= 2e-15 * a.tanh().abs(),
                    "{a} {kappa}"
                );
                assert!((d / want - 1.0).abs() < 1e-14, "{a} {kappa}: {d} {want}");
                a += 0.0123;
            }
        }
        for kappa in [1e-100, 1e-8, 0.3, 1.0, 7.0, 2e12] {
            let mut a = -30.0;
            while a < 30.0 {
                let (t, d, inv) = tanh_det_invdet(a, kappa);
                let ch = a.cosh();
                let want = a.tanh().powi(2) + kappa / (ch * ch);
                assert!(
                    (t - a.tanh()).abs() <= 2e-15 * a.tanh().abs(),
                    "{a} {kappa}"
                );
                assert!(
                    (d / want - 1.0).abs() < 1e-14 && (inv * want - 1.0).abs() < 1e-14,
                    "{a} {kappa}: {d} {want}"
                );
                a += 0.0123;
            }
        }
    }
}
