//! The conditioner's batch kernels for WebAssembly: blocked structure of arrays, register tiles
//! written for LLVM's auto-vectorizer (`simd128`), no allocation once the buffers have grown.
//! Selected on `wasm32`, where `matrixmultiply` (behind nalgebra's `gemm`) has no SIMD kernel;
//! compiled and tested on every target.
//!
//! **Two precisions, one code.** Every kernel is generic over its element type [`Real`] and the
//! chunk width `CH`, chosen so that one row of a chunk is two 128-bit vectors:
//!
//! - `f64`, `CH = 4` ([`Exact`]): the inference path ([`Mlp::eval_batch`], hence the density
//!   grid, the probe and every NLL the app reports), agreeing with the scalar path to ~1e−14.
//! - `f32`, `CH = 8` ([`Fast`]): the training pair on WebAssembly ([`Mlp::forward_batch`] /
//!   [`Mlp::backward_batch`]) — mixed precision: inputs, outputs and gradients stay `f64`, the
//!   weights are rounded to `f32` once per call, the hidden layers, the products and the
//!   per-block sums run in `f32` (four lanes per vector instead of two, and a cheaper `tanh`),
//!   and the weight gradients are summed in `f64` across blocks of [`SB_POINTS`] points.
//!   Relative error of the outputs and gradients ~1e−6, far below a minibatch's noise; the
//!   trained model is evaluated exactly by the `f64` path.
//!
//! **Layouts.** A batch is cut into chunks of `CH` points (the last one zero-padded). The
//! hidden activations are kept *blocked* (chunk `c`, unit `i` at `[c·H + i]`, one row of the
//! chunk's points each) and *point-major* (point `b` at `[b]`, one [`Units`] each); `∂o` and
//! `∂p₂` likewise in the backward pass. Padding points carry `∂o = 0`, so they add nothing to
//! any gradient.
//!
//! **Products.** Per chunk, `W·h` products run as tiles of `TO` weight rows × the chunk's
//! points ([`tile`]: a weight broadcast times a row of points, `TO·CH` accumulators in
//! registers, a loop over the inner dimension): `W₂h₁` and `W₃h₂` forward, `W₃ᵀ∂o` and `W₂ᵀ∂p₂`
//! backward. The weight gradients `∂W = Σ_b ∂p·hᵀ` are sums over the batch of outer products:
//! tiles of `TA` gradient rows × `CH` units, point-major operands, sums in registers over a
//! super-block of points ([`outer_acc`]). Biases and `tanh` are fused into the forward tiles.
//!
//! **Keeping LLVM's vectorizer on track** (measured in V8; each point below cost 1.3–2× when
//! missed): the kernels take their buffers as separate reference parameters (so LLVM knows they
//! do not alias — loops in one body over sub-slices of one struct stayed scalar); the output
//! count `P` is a compile-time constant for the two transformers (2 and 23; any other `P` runs
//! the same code with `P` at run time); tiles use 8 of the 16 vector registers (wider tiles made
//! V8 spill).
//!
//! [`Mlp::eval_batch`]: super::Mlp::eval_batch
//! [`Mlp::forward_batch`]: super::Mlp::forward_batch
//! [`Mlp::backward_batch`]: super::Mlp::backward_batch

use std::ops::{Add, AddAssign, Mul, Sub};

use super::{n_params, C1, C2, H, W1, W2, W3};
use crate::core::fastmath;

/// The element type of the kernels (module docs).
pub(crate) trait Real:
    Copy
    + Default
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + AddAssign
    + std::fmt::Debug
{
    const ZERO: Self;
    const ONE: Self;
    /// Rounded from `f64`.
    fn of(x: f64) -> Self;
    /// Widened to `f64`.
    fn wide(self) -> f64;
    /// `a·b + c` (fused where the target has FMA).
    fn madd(a: Self, b: Self, c: Self) -> Self;
    /// `(tanh a, tanh b)`.
    fn tanh_pair(a: Self, b: Self) -> (Self, Self);
}

impl Real for f64 {
    const ZERO: f64 = 0.0;
    const ONE: f64 = 1.0;
    #[inline(always)]
    fn of(x: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn wide(self) -> f64 {
        self
    }
    #[inline(always)]
    fn madd(a: f64, b: f64, c: f64) -> f64 {
        fastmath::madd(a, b, c)
    }
    #[inline(always)]
    fn tanh_pair(a: f64, b: f64) -> (f64, f64) {
        fastmath::tanh_pair(a, b)
    }
}

impl Real for f32 {
    const ZERO: f32 = 0.0;
    const ONE: f32 = 1.0;
    #[inline(always)]
    fn of(x: f64) -> f32 {
        x as f32
    }
    #[inline(always)]
    fn wide(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn madd(a: f32, b: f32, c: f32) -> f32 {
        #[cfg(target_feature = "fma")]
        {
            a.mul_add(b, c)
        }
        #[cfg(not(target_feature = "fma"))]
        {
            a * b + c
        }
    }
    #[inline(always)]
    fn tanh_pair(a: f32, b: f32) -> (f32, f32) {
        fastmath::tanh_pair_f32(a, b)
    }
}

/// The exact kernels: `f64`, chunks of 4 points.
pub(super) const EXACT_CH: usize = 4;
/// The training kernels on WebAssembly: `f32`, chunks of 8 points.
pub(super) const FAST_CH: usize = 8;
/// Activations of the training kernels in use (module docs).
pub(super) type FastActs = Acts<f32, FAST_CH>;
/// Backward scratch of the training kernels in use.
pub(super) type FastGrads = Grads<f32, FAST_CH>;

/// One point's hidden units (the point-major copies).
type Units<R> = [R; H];
/// Weight rows per tile of the products on a chunk: `TO × CH` accumulators.
const TO: usize = 4;
/// Gradient rows per tile of the weight gradients (`TA × CH` accumulators).
const TA: usize = 4;
/// Points per super-block of the weight-gradient sums (both operands stay in L1; the sums
/// over a super-block are in `R`, across super-blocks in `f64`).
const SB_POINTS: usize = 64;

/// The output counts of the two coupling transformers (affine, spline), for which the kernels
/// are compiled with `P` a constant.
const P_AFFINE: usize = 2;
const P_SPLINE: usize = crate::core::spline_batch::OUTPUTS;

/// Forward activations (module docs), and the weights they were computed with.
#[derive(Clone, Debug, Default)]
pub(super) struct Acts<R, const CH: usize> {
    /// The raw parameters in `R`.
    w: Vec<R>,
    /// `h₁`, `h₂` blocked.
    h1: Vec<[R; CH]>,
    h2: Vec<[R; CH]>,
    /// `h₁`, `h₂` point-major.
    h1t: Vec<Units<R>>,
    h2t: Vec<Units<R>>,
}

/// Backward scratch (module docs).
#[derive(Clone, Debug, Default)]
pub(super) struct Grads<R, const CH: usize> {
    /// `∂o` blocked (chunk `c`, output `j` at `[c·P + j]`) and point-major.
    go: Vec<[R; CH]>,
    go_t: Vec<R>,
    /// `∂p₂` blocked and point-major.
    gp2: Vec<[R; CH]>,
    gp2_t: Vec<Units<R>>,
}

/// Grows `v` to `n` elements, new ones `zero`.
fn grow<T: Copy>(v: &mut Vec<T>, n: usize, zero: T) {
    if v.len() < n {
        v.resize(n, zero);
    }
}

/// One register tile of a product on one chunk: `acc[t][l] = Σ_k w[t·ts + k·ks]·x[k][l]` for
/// `t < T`, `k < x.len()`. With `ts`, `ks` and `x.len()` constants after inlining, the
/// accumulators stay in registers and every load has a constant offset.
#[inline(always)]
fn tile<R: Real, const CH: usize, const T: usize>(
    w: &[R],
    ts: usize,
    ks: usize,
    x: &[[R; CH]],
) -> [[R; CH]; T] {
    let k = x.len();
    let w = &w[..(T - 1) * ts + (k - 1) * ks + 1];
    let mut acc = [[R::ZERO; CH]; T];
    for (kk, xr) in x.iter().enumerate() {
        for (t, a) in acc.iter_mut().enumerate() {
            let wv = w[t * ts + kk * ks];
            for l in 0..CH {
                a[l] = R::madd(wv, xr[l], a[l]);
            }
        }
    }
    acc
}

/// `dst[a·H + i] += Σ_b at[b·ra + a]·bt[b][i]` for `a < ra`, `i < H`, over the points `b` of
/// `bt` (both operands point-major): the weight gradients `∂W = Σ_b ∂p·hᵀ`. By super-blocks of
/// [`SB_POINTS`] points, tiles of `TA × CH` (values of `at` broadcast, units of `bt` as vectors,
/// sums complete in registers, then added into `dst` in `f64`).
fn outer_acc<R: Real, const CH: usize>(dst: &mut [f64], at: &[R], ra: usize, bt: &[Units<R>]) {
    let npts = bt.len();
    let at = &at[..npts * ra];
    let dst = &mut dst[..ra * H];
    for (ab, bb) in at.chunks(SB_POINTS * ra).zip(bt.chunks(SB_POINTS)) {
        let mut a0 = 0;
        while a0 + TA <= ra {
            for i0 in (0..H).step_by(CH) {
                grad_tile::<R, CH, TA>(dst, ab, ra, a0, bb, i0);
            }
            a0 += TA;
        }
        for i0 in (0..H).step_by(CH) {
            match ra - a0 {
                3 => grad_tile::<R, CH, 3>(dst, ab, ra, a0, bb, i0),
                2 => grad_tile::<R, CH, 2>(dst, ab, ra, a0, bb, i0),
                1 => grad_tile::<R, CH, 1>(dst, ab, ra, a0, bb, i0),
                _ => {}
            }
        }
    }
}

/// One `T × CH` tile of [`outer_acc`] over one super-block: a loop over its points.
#[inline(always)]
fn grad_tile<R: Real, const CH: usize, const T: usize>(
    dst: &mut [f64],
    ab: &[R],
    ra: usize,
    a0: usize,
    bb: &[Units<R>],
    i0: usize,
) {
    let mut acc = [[R::ZERO; CH]; T];
    for (arow, brow) in ab.chunks_exact(ra).zip(bb) {
        let av: &[R; T] = arow[a0..a0 + T].try_into().unwrap();
        let h: &[R; CH] = brow[i0..i0 + CH].try_into().unwrap();
        for (acc_t, &s) in acc.iter_mut().zip(av) {
            for u in 0..CH {
                acc_t[u] = R::madd(s, h[u], acc_t[u]);
            }
        }
    }
    for (t, a) in acc.iter().enumerate() {
        let d = &mut dst[(a0 + t) * H + i0..(a0 + t) * H + i0 + CH];
        for (d, v) in d.iter_mut().zip(a) {
            *d += v.wide();
        }
    }
}

/// Writes the tile `acc` (+ bias `c`) for outputs `j0..j0 + T` to the feature-major `out`
/// (`n` points per row) at points `b0..b0 + len`.
#[inline(always)]
fn store_out<R: Real, const CH: usize, const T: usize>(
    out: &mut [f64],
    n: usize,
    j0: usize,
    b0: usize,
    len: usize,
    acc: &[[R; CH]; T],
    c: &[R],
) {
    for (t, a) in acc.iter().enumerate() {
        let dst = &mut out[(j0 + t) * n + b0..(j0 + t) * n + b0 + len];
        for (d, &v) in dst.iter_mut().zip(a) {
            *d = (v + c[j0 + t]).wide();
        }
    }
}

/// `Σ_l` of each row of `rows` added into `dst` (lane by lane, then across the lanes, in `f64`).
fn add_row_sums<R: Real, const CH: usize>(dst: &mut [f64], rows: &[[R; CH]]) {
    for (d, r) in dst.iter_mut().zip(rows) {
        *d += r.iter().map(|v| v.wide()).sum::<f64>();
    }
}

/// Point-major copy of one chunk's rows: `pts[l][i] = rows[i][l]`.
#[inline(always)]
fn transpose_chunk<R: Real, const CH: usize>(rows: &[[R; CH]; H], pts: &mut [Units<R>]) {
    for (l, pt) in pts.iter_mut().enumerate().take(CH) {
        for (v, r) in pt.iter_mut().zip(rows) {
            *v = r[l];
        }
    }
}

/// One chunk of the backward pass through the output layer: `∂p₂ = (W₃ᵀ∂o) ⊙ (1 − h₂²)` from the
/// chunk's `∂o` rows `go` (`P` of them), written blocked (`gp`) and point-major (`gpt`), and
/// added lane by lane into `s_c2` (`∂c₂`).
#[inline(always)]
fn grad_p2_chunk<R: Real, const CH: usize>(
    w3: &[R],
    go: &[[R; CH]],
    h2: &[[R; CH]; H],
    gp: &mut [[R; CH]; H],
    gpt: &mut [Units<R>],
    s_c2: &mut [[R; CH]; H],
) {
    // `W₃[j][i]`: unit `i0 + t`, output `k` at `k·H + i0 + t`.
    for i0 in (0..H).step_by(TO) {
        let acc = tile::<R, CH, TO>(&w3[i0..], 1, H, go);
        for (t, a) in acc.iter().enumerate() {
            let i = i0 + t;
            for l in 0..CH {
                let v = a[l] * (R::ONE - h2[i][l] * h2[i][l]);
                gp[i][l] = v;
                s_c2[i][l] += v;
            }
        }
    }
    transpose_chunk(gp, gpt);
}

/// One chunk of the backward pass through the hidden layers: `∂p₁ = (W₂ᵀ∂p₂) ⊙ (1 − h₁²)`,
/// added into `∂W₁ = Σ ∂p₁·x` and `∂c₁ = Σ ∂p₁` lane by lane, and `∂x = W₁ᵀ∂p₁` into `gx`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn grad_p1_chunk<R: Real, const CH: usize>(
    w1: &[R],
    w2: &[R],
    gp: &[[R; CH]; H],
    h1: &[[R; CH]; H],
    x: &[R; CH],
    gx: &mut [R; CH],
    s_w1: &mut [[R; CH]; H],
    s_c1: &mut [[R; CH]; H],
) {
    // `W₂[o][i]`: unit `i0 + t`, output `k` at `k·H + i0 + t`.
    for i0 in (0..H).step_by(TO) {
        let acc = tile::<R, CH, TO>(&w2[i0..], 1, H, gp);
        for (t, a) in acc.iter().enumerate() {
            let i = i0 + t;
            for l in 0..CH {
                let v = a[l] * (R::ONE - h1[i][l] * h1[i][l]);
                s_w1[i][l] = R::madd(v, x[l], s_w1[i][l]);
                s_c1[i][l] += v;
                gx[l] = R::madd(w1[i], v, gx[l]);
            }
        }
    }
}

/// The chunk's inputs `xa[b0..b0 + CH]` in `R`, zero-padded.
#[inline(always)]
fn chunk_inputs<R: Real, const CH: usize>(xa: &[f64], b0: usize) -> ([R; CH], usize) {
    let len = CH.min(xa.len() - b0);
    let mut x = [R::ZERO; CH];
    for (d, &v) in x.iter_mut().zip(&xa[b0..b0 + len]) {
        *d = R::of(v);
    }
    (x, len)
}

/// The MLP with parameters `p` (in `R`) and `out` outputs.
#[derive(Clone, Copy)]
struct Net<'a, R> {
    p: &'a [R],
    out: usize,
}

impl<'a, R: Real> Net<'a, R> {
    fn w3(&self) -> &'a [R] {
        &self.p[W3..W3 + self.out * H]
    }

    fn c3(&self) -> &'a [R] {
        &self.p[W3 + self.out * H..W3 + self.out * H + self.out]
    }

    /// This net with its output count a compile-time constant where it is one of the
    /// transformers' (after inlining), for `f`.
    #[inline(always)]
    fn with_const_outputs<T>(&self, f: impl FnOnce(&Self) -> T) -> T {
        match self.out {
            P_AFFINE => f(&Net {
                out: P_AFFINE,
                ..*self
            }),
            P_SPLINE => f(&Net {
                out: P_SPLINE,
                ..*self
            }),
            _ => f(self),
        }
    }

    /// The hidden layers of one chunk: `h₁`, `h₂` from the chunk's inputs `x`.
    #[inline(always)]
    fn hidden_chunk<const CH: usize>(
        &self,
        x: &[R; CH],
        h1: &mut [[R; CH]; H],
        h2: &mut [[R; CH]; H],
    ) {
        let p = self.p;
        let (w1, c1) = (&p[W1..W1 + H], &p[C1..C1 + H]);
        // tanh two units at a time, sharing one division ([`Real::tanh_pair`]).
        for i in (0..H).step_by(2) {
            for l in 0..CH {
                (h1[i][l], h1[i + 1][l]) =
                    R::tanh_pair(w1[i] * x[l] + c1[i], w1[i + 1] * x[l] + c1[i + 1]);
            }
        }
        let (w2, c2) = (&p[W2..W2 + H * H], &p[C2..C2 + H]);
        for o0 in (0..H).step_by(TO) {
            // Row-major `W₂[o][i]`: output `o0 + t`, input `k` at `(o0 + t)·H + k`.
            let acc = tile::<R, CH, TO>(&w2[o0 * H..], H, 1, h1);
            for t in (0..TO).step_by(2) {
                let (o, c, d) = (o0 + t, c2[o0 + t], c2[o0 + t + 1]);
                for l in 0..CH {
                    (h2[o][l], h2[o + 1][l]) = R::tanh_pair(acc[t][l] + c, acc[t + 1][l] + d);
                }
            }
        }
    }

    /// The output layer of one chunk (points `b0..b0 + len`) into the feature-major `out`.
    #[inline(always)]
    fn output_chunk<const CH: usize>(
        &self,
        h2: &[[R; CH]; H],
        out: &mut [f64],
        n: usize,
        b0: usize,
        len: usize,
    ) {
        let (w3, c3) = (self.w3(), self.c3());
        let pn = self.out;
        let mut j0 = 0;
        while j0 + TO <= pn {
            let acc = tile::<R, CH, TO>(&w3[j0 * H..], H, 1, h2);
            store_out(out, n, j0, b0, len, &acc, c3);
            j0 += TO;
        }
        // The last `P mod TO` outputs in one narrower tile.
        let w3 = &w3[j0 * H..];
        match pn - j0 {
            3 => store_out(out, n, j0, b0, len, &tile::<R, CH, 3>(w3, H, 1, h2), c3),
            2 => store_out(out, n, j0, b0, len, &tile::<R, CH, 2>(w3, H, 1, h2), c3),
            1 => store_out(out, n, j0, b0, len, &tile::<R, CH, 1>(w3, H, 1, h2), c3),
            _ => {}
        }
    }

    #[inline(always)]
    fn forward_impl<const CH: usize>(
        &self,
        xa: &[f64],
        h1: &mut Vec<[R; CH]>,
        h2: &mut Vec<[R; CH]>,
        h1t: &mut Vec<Units<R>>,
        h2t: &mut Vec<Units<R>>,
        out: &mut [f64],
    ) {
        let n = xa.len();
        let chunks = n.div_ceil(CH);
        grow(h1, H * chunks, [R::ZERO; CH]);
        grow(h2, H * chunks, [R::ZERO; CH]);
        grow(h1t, CH * chunks, [R::ZERO; H]);
        grow(h2t, CH * chunks, [R::ZERO; H]);
        for (c, (((h1, h2), h1t), h2t)) in h1
            .chunks_exact_mut(H)
            .zip(h2.chunks_exact_mut(H))
            .zip(h1t.chunks_exact_mut(CH))
            .zip(h2t.chunks_exact_mut(CH))
            .take(chunks)
            .enumerate()
        {
            let (h1, h2): (&mut [[R; CH]; H], &mut [[R; CH]; H]) =
                (h1.try_into().unwrap(), h2.try_into().unwrap());
            let (x, len) = chunk_inputs(xa, c * CH);
            self.hidden_chunk(&x, h1, h2);
            self.output_chunk(h2, out, n, c * CH, len);
            transpose_chunk(h1, h1t);
            transpose_chunk(h2, h2t);
        }
    }

    #[inline(always)]
    fn eval_impl<const CH: usize>(&self, xa: &[f64], out: &mut [f64]) {
        let n = xa.len();
        let (mut h1, mut h2) = ([[R::ZERO; CH]; H], [[R::ZERO; CH]; H]);
        for b0 in (0..n).step_by(CH) {
            let (x, len) = chunk_inputs(xa, b0);
            self.hidden_chunk(&x, &mut h1, &mut h2);
            self.output_chunk(&h2, out, n, b0, len);
        }
    }

    #[inline(always)]
    fn backward_impl<const CH: usize>(
        &self,
        xa: &[f64],
        acts: &Acts<R, CH>,
        g_out: &[f64],
        g: &mut Grads<R, CH>,
        grads: &mut [f64],
        g_xa: &mut [f64],
    ) {
        let n = xa.len();
        let pn = self.out;
        if n == 0 {
            return;
        }
        let chunks = n.div_ceil(CH);
        let p = self.p;
        let (w1, w2, w3) = (&p[W1..W1 + H], &p[W2..W2 + H * H], self.w3());
        let grads = &mut grads[..n_params(pn)];
        grow(&mut g.go, pn * chunks, [R::ZERO; CH]);
        grow(&mut g.gp2, H * chunks, [R::ZERO; CH]);
        grow(&mut g.go_t, pn * CH * chunks, R::ZERO);
        grow(&mut g.gp2_t, CH * chunks, [R::ZERO; H]);
        let Grads {
            go,
            go_t,
            gp2,
            gp2_t,
        } = g;
        // ∂o blocked and point-major, zero on the padding points.
        for (c, go) in go.chunks_exact_mut(pn).take(chunks).enumerate() {
            let b0 = c * CH;
            let len = CH.min(n - b0);
            for (j, r) in go.iter_mut().enumerate() {
                *r = [R::ZERO; CH];
                for (d, &v) in r.iter_mut().zip(&g_out[j * n + b0..j * n + b0 + len]) {
                    *d = R::of(v);
                }
            }
        }
        let (go_t, gp2_t) = (&mut go_t[..pn * CH * chunks], &mut gp2_t[..CH * chunks]);
        for (b, row) in go_t.chunks_exact_mut(pn).enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = if b < n {
                    R::of(g_out[j * n + b])
                } else {
                    R::ZERO
                };
            }
        }
        // Per-lane partial sums of ∂c₁, ∂W₁ and ∂c₂ over the chunks.
        let (mut s_c1, mut s_w1, mut s_c2) =
            ([[R::ZERO; CH]; H], [[R::ZERO; CH]; H], [[R::ZERO; CH]; H]);
        for c in 0..chunks {
            let h1: &[[R; CH]; H] = acts.h1[c * H..(c + 1) * H].try_into().unwrap();
            let h2: &[[R; CH]; H] = acts.h2[c * H..(c + 1) * H].try_into().unwrap();
            let gp: &mut [[R; CH]; H] = (&mut gp2[c * H..(c + 1) * H]).try_into().unwrap();
            let gpt = &mut gp2_t[c * CH..(c + 1) * CH];
            grad_p2_chunk(w3, &go[c * pn..][..pn], h2, gp, gpt, &mut s_c2);
            let (x, len) = chunk_inputs(xa, c * CH);
            let mut gx = [R::ZERO; CH];
            grad_p1_chunk(w1, w2, gp, h1, &x, &mut gx, &mut s_w1, &mut s_c1);
            for (d, v) in g_xa[c * CH..c * CH + len].iter_mut().zip(&gx) {
                *d += v.wide();
            }
        }
        add_row_sums(&mut grads[W1..W1 + H], &s_w1);
        add_row_sums(&mut grads[C1..C1 + H], &s_c1);
        add_row_sums(&mut grads[C2..C2 + H], &s_c2);
        // ∂W₂[o][i] += Σ_b ∂p₂[o]·h₁[i]; ∂W₃[j][i] += Σ_b ∂o[j]·h₂[i]; ∂c₃ += Σ_b ∂o.
        let pts = CH * chunks;
        outer_acc::<R, CH>(
            &mut grads[W2..W2 + H * H],
            gp2_t.as_flattened(),
            H,
            &acts.h1t[..pts],
        );
        outer_acc::<R, CH>(&mut grads[W3..W3 + pn * H], go_t, pn, &acts.h2t[..pts]);
        let gc3 = &mut grads[W3 + pn * H..W3 + pn * H + pn];
        for c in 0..chunks {
            add_row_sums(gc3, &go[c * pn..(c + 1) * pn]);
        }
    }
}

/// The raw parameters `p` (`f64`, the flat layout of the module docs) in `R`, into `w`.
fn convert<R: Real>(p: &[f64], w: &mut Vec<R>) {
    w.clear();
    w.extend(p.iter().map(|&v| R::of(v)));
}

/// Batch forward of the inputs `xa` through the MLP with raw parameters `p` and `pn` outputs,
/// into `acts` and the feature-major `out` (`P × n`).
pub(super) fn forward<R: Real, const CH: usize>(
    p: &[f64],
    pn: usize,
    xa: &[f64],
    acts: &mut Acts<R, CH>,
    out: &mut [f64],
) {
    let Acts {
        w,
        h1,
        h2,
        h1t,
        h2t,
    } = acts;
    convert(&p[..n_params(pn)], w);
    let net = Net { p: &w[..], out: pn };
    net.with_const_outputs(|m| m.forward_impl(xa, h1, h2, h1t, h2t, &mut *out));
}

/// The outputs only (inference), exact (`f64`): `out` as after [`forward`], the hidden layers
/// in chunk-sized scratch.
pub(super) fn eval(p: &[f64], pn: usize, xa: &[f64], out: &mut [f64]) {
    let net = Net { p, out: pn };
    net.with_const_outputs(|m| m.eval_impl::<EXACT_CH>(xa, &mut *out));
}

/// Batch backward (as [`super::Mlp::backward_batch`]) from the activations of [`forward`] on
/// the same `xa` and `∂ℓ/∂o` in `g_out` (`P × n`): adds the raw-parameter gradient into
/// `grads` and `∂ℓ/∂x` into `g_xa`.
pub(super) fn backward<R: Real, const CH: usize>(
    pn: usize,
    xa: &[f64],
    acts: &Acts<R, CH>,
    g_out: &[f64],
    g: &mut Grads<R, CH>,
    grads: &mut [f64],
    g_xa: &mut [f64],
) {
    let net = Net {
        p: &acts.w[..],
        out: pn,
    };
    net.with_const_outputs(|m| m.backward_impl(xa, acts, g_out, &mut *g, &mut *grads, &mut *g_xa));
}
