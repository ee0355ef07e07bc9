//! [`super::MlpFast`]'s native evaluation (every target but wasm32, whose pictures keep the
//! `gemm32` path): the batch in panels of [`P`] points, each panel's whole evaluation in L1.
//!
//! Per panel: the first layer and its SiLU into `h₁`, `d₁` (`64 × P` each, 6 KB); then, for
//! [`OB`] output units at a time, `W₂h₁` and `M d₁` in registers (`OB × P` accumulators each),
//! the second SiLU, the output row `W₃h₂` and the trace `d₂ᵀ(M d₁)` added straight away. So
//! `h₂`, `d₂` and `M d₁` are never stored, and nothing is packed or allocated per call. The
//! products run as fused multiply-adds where the target has them (x86-64-v3); the arithmetic
//! is the same `f32` as the `gemm32` path up to the order of rounding (`tests/core_cnf.rs`).

use super::mlp_field::layout::*;
use crate::core::fastmath;

/// Points per panel: three AVX vectors of `f32` (with [`OB`] = 4, twelve accumulators: 16 points
/// with eight ran ~3 % slower).
pub(super) const P: usize = 24;
/// Output units per register block of the 64 × 64 products.
const OB: usize = 4;

type Row = [f32; P];
/// A row-major `64 × 64` matrix as rows.
pub(super) type Rows = [[f32; H]];

/// `a·b + c`, one rounding where the target has FMA.
#[inline(always)]
fn fma(a: f32, b: f32, c: f32) -> f32 {
    #[cfg(target_feature = "fma")]
    {
        a.mul_add(b, c)
    }
    #[cfg(not(target_feature = "fma"))]
    {
        a * b + c
    }
}

/// SiLU over a row: `h ← s(a)`, `d ← s′(a)`, with `σ(a) = ½ + ½ tanh(a/2)` by the rational of
/// [`fastmath::tanh_pair_f32`] (Eigen's), its polynomials in fused multiply-adds and one
/// division per lane (vectorised, a division costs less than the pairing's shuffles).
#[inline(always)]
fn silu_row(a: &Row, h: &mut Row, d: &mut Row) {
    use fastmath::{TANH_F32_P as TP, TANH_F32_Q as TQ};
    for l in 0..P {
        let x = (0.5 * a[l]).clamp(-9.0, 9.0);
        let x2 = x * x;
        let mut p = TP[0];
        for &c in &TP[1..] {
            p = fma(p, x2, c);
        }
        let mut q = TQ[0];
        for &c in &TQ[1..] {
            q = fma(q, x2, c);
        }
        let s = fma(0.5, x * p / q, 0.5);
        d[l] = s * fma(a[l], 1.0 - s, 1.0);
        h[l] = a[l] * s;
    }
}

/// `acc[r] = Σᵢ w[o₀ + r][i] x[i]` for the [`OB`] rows from `o0`.
#[inline(always)]
fn block(w: &Rows, o0: usize, x: &[Row; H]) -> [Row; OB] {
    let w: &[[f32; H]; OB] = w[o0..o0 + OB].try_into().expect("OB rows");
    let mut acc = [[0f32; P]; OB];
    for (i, xi) in x.iter().enumerate() {
        for r in 0..OB {
            let c = w[r][i];
            for l in 0..P {
                acc[r][l] = fma(c, xi[l], acc[r][l]);
            }
        }
    }
    acc
}

/// The panel buffers `h₁`, `d₁` (6 KB each), borrowed from a field's `f32` buffers.
pub(super) struct Panel<'a> {
    h1: &'a mut [Row; H],
    d1: &'a mut [Row; H],
}

impl<'a> Panel<'a> {
    /// The buffers inside `a` and `b` (each at least `H·P` long).
    pub(super) fn new(a: &'a mut [f32], b: &'a mut [f32]) -> Self {
        let rows = |v: &'a mut [f32]| -> &'a mut [Row; H] {
            v[..H * P]
                .as_chunks_mut::<P>()
                .0
                .try_into()
                .expect("H rows")
        };
        Panel {
            h1: rows(a),
            d1: rows(b),
        }
    }
}

/// `v` and the trace for the points of one panel (`x`, `y`, padded to [`P`]) at time `t`:
/// parameters `p` as [`super::MlpFast`]'s, `w2` and `m` as rows.
pub(super) fn panel(
    p: &[f32],
    w2: &Rows,
    m: &Rows,
    t: f32,
    x: &Row,
    y: &Row,
    buf: &mut Panel<'_>,
) -> [Row; 3] {
    let Panel { h1, d1 } = buf;
    for i in 0..H {
        let (wx, wy) = (p[W1 + 3 * i], p[W1 + 3 * i + 1]);
        let c = p[C1 + i] + p[W1 + 3 * i + 2] * t;
        let mut a = [0f32; P];
        for l in 0..P {
            a[l] = wx * x[l] + wy * y[l] + c;
        }
        silu_row(&a, &mut h1[i], &mut d1[i]);
    }
    let (mut ox, mut oy, mut ot) = ([p[C3]; P], [p[C3 + 1]; P], [0f32; P]);
    for o0 in (0..H).step_by(OB) {
        let a2 = block(w2, o0, h1);
        let md = block(m, o0, d1);
        for r in 0..OB {
            let o = o0 + r;
            let mut a = a2[r];
            for v in &mut a {
                *v += p[C2 + o];
            }
            let (mut h, mut d) = ([0f32; P], [0f32; P]);
            silu_row(&a, &mut h, &mut d);
            let (cx, cy) = (p[W3 + o], p[W3 + H + o]);
            for l in 0..P {
                ox[l] += cx * h[l];
                oy[l] += cy * h[l];
                ot[l] += d[l] * md[r][l];
            }
        }
    }
    [ox, oy, ot]
}
