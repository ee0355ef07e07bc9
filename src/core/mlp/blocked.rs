//! The conditioner's batch kernels for WebAssembly: blocked structure of arrays, register tiles
//! written for LLVM's auto-vectorizer (two-lane `f64x2` with `simd128`), no allocation once the
//! buffers have grown. Selected on `wasm32`, where `matrixmultiply` (behind nalgebra's `gemm`)
//! has no SIMD kernel; compiled and tested on every target.
//!
//! **Layouts.** A batch is cut into chunks of [`CH`] points (the last one zero-padded). The
//! hidden activations are kept *blocked* (chunk `c`, unit `i` at `[c·H + i]`, one [`Row`] of
//! the chunk's points each) and *point-major* (point `b` at `[b]`, one [`Units`] each); `∂o`
//! and `∂p₂` likewise in the backward pass. Padding points carry `∂o = 0`, so they add nothing
//! to any gradient.
//!
//! **Products.** Per chunk, `W·h` products run as tiles of `TO` weight rows × the chunk's
//! points ([`tile`]: a weight broadcast times a row of points, `TO·CH` accumulators in
//! registers, a loop over the inner dimension): `W₂h₁` and `W₃h₂` forward, `W₃ᵀ∂o` and `W₂ᵀ∂p₂`
//! backward. The weight gradients `∂W = Σ_b ∂p·hᵀ` are sums over the batch of outer products:
//! tiles of `TA` gradient rows × `TN` units, point-major operands, complete sums in registers
//! ([`outer_acc`]). Biases and `tanh` are fused into the forward tiles.
//!
//! **Keeping LLVM's vectorizer on track** (measured in V8; each point below cost 1.3–2× when
//! missed): the kernels take their buffers as separate reference parameters (so LLVM knows they
//! do not alias — loops in one body over sub-slices of one struct stayed scalar); the output
//! count `P` is a compile-time constant for the two transformers (2 and 23; any other `P` runs
//! the same code with `P` at run time); tiles use 8 of the 16 vector registers (wider tiles made
//! V8 spill).

use super::{n_params, Mlp, C1, C2, H, W1, W2, W3};
use crate::core::fastmath::{self, madd};

/// Points per chunk.
pub(super) const CH: usize = 4;
/// One unit's values on the points of one chunk.
type Row = [f64; CH];
/// One point's hidden units (the point-major copies).
type Units = [f64; H];
/// Weight rows per tile of the products on a chunk: `TO × CH` accumulators.
const TO: usize = 4;
/// Tiles of the weight gradients: `TA` gradient rows × `TN` units.
const TA: usize = 4;
const TN: usize = 4;
/// Points per super-block of the weight-gradient sums (both operands stay in L1).
const SB_POINTS: usize = 64;

/// The output counts of the two coupling transformers (affine, spline), for which the kernels
/// are compiled with `P` a constant.
const P_AFFINE: usize = 2;
const P_SPLINE: usize = crate::core::spline_batch::OUTPUTS;

/// Forward activations (module docs).
#[derive(Clone, Debug, Default)]
pub(super) struct Acts {
    /// `h₁`, `h₂` blocked.
    h1: Vec<Row>,
    h2: Vec<Row>,
    /// `h₁`, `h₂` point-major.
    h1t: Vec<Units>,
    h2t: Vec<Units>,
}

/// Backward scratch (module docs).
#[derive(Clone, Debug, Default)]
pub(super) struct Grads {
    /// `∂o` blocked (chunk `c`, output `j` at `[c·P + j]`) and point-major.
    go: Vec<Row>,
    go_t: Vec<f64>,
    /// `∂p₂` blocked and point-major.
    gp2: Vec<Row>,
    gp2_t: Vec<Units>,
}

fn grow<T: Clone + Default>(v: &mut Vec<T>, n: usize) {
    if v.len() < n {
        v.resize(n, T::default());
    }
}

/// One register tile of a product on one chunk: `acc[t][l] = Σ_k w[t·ts + k·ks]·x[k][l]` for
/// `t < T`, `k < x.len()`. With `ts`, `ks` and `x.len()` constants after inlining, the
/// accumulators stay in registers and every load has a constant offset.
#[inline(always)]
fn tile<const T: usize>(w: &[f64], ts: usize, ks: usize, x: &[Row]) -> [Row; T] {
    let k = x.len();
    let w = &w[..(T - 1) * ts + (k - 1) * ks + 1];
    let mut acc = [[0.0; CH]; T];
    for (kk, xr) in x.iter().enumerate() {
        for (t, a) in acc.iter_mut().enumerate() {
            let wv = w[t * ts + kk * ks];
            for l in 0..CH {
                a[l] = madd(wv, xr[l], a[l]);
            }
        }
    }
    acc
}

/// `dst[a·H + i] += Σ_b at[b·ra + a]·bt[b][i]` for `a < ra`, `i < H`, over the points `b` of
/// `bt` (both operands point-major): the weight gradients `∂W = Σ_b ∂p·hᵀ`. By super-blocks of
/// [`SB_POINTS`] points, tiles of `TA × TN` (values of `at` broadcast, units of `bt` as vectors,
/// sums complete in registers).
fn outer_acc(dst: &mut [f64], at: &[f64], ra: usize, bt: &[Units]) {
    let npts = bt.len();
    let at = &at[..npts * ra];
    let dst = &mut dst[..ra * H];
    for (ab, bb) in at.chunks(SB_POINTS * ra).zip(bt.chunks(SB_POINTS)) {
        let mut a0 = 0;
        while a0 + TA <= ra {
            for i0 in (0..H).step_by(TN) {
                grad_tile::<TA>(dst, ab, ra, a0, bb, i0);
            }
            a0 += TA;
        }
        for i0 in (0..H).step_by(TN) {
            match ra - a0 {
                3 => grad_tile::<3>(dst, ab, ra, a0, bb, i0),
                2 => grad_tile::<2>(dst, ab, ra, a0, bb, i0),
                1 => grad_tile::<1>(dst, ab, ra, a0, bb, i0),
                _ => {}
            }
        }
    }
}

/// One `T × TN` tile of [`outer_acc`] over one super-block: a loop over its points.
#[inline(always)]
fn grad_tile<const T: usize>(
    dst: &mut [f64],
    ab: &[f64],
    ra: usize,
    a0: usize,
    bb: &[Units],
    i0: usize,
) {
    let mut acc = [[0.0; TN]; T];
    for (t, a) in acc.iter_mut().enumerate() {
        a.copy_from_slice(&dst[(a0 + t) * H + i0..(a0 + t) * H + i0 + TN]);
    }
    for (arow, brow) in ab.chunks_exact(ra).zip(bb) {
        let av: &[f64; T] = arow[a0..a0 + T].try_into().unwrap();
        let h: &[f64; TN] = brow[i0..i0 + TN].try_into().unwrap();
        for (acc_t, &s) in acc.iter_mut().zip(av) {
            for u in 0..TN {
                acc_t[u] = madd(s, h[u], acc_t[u]);
            }
        }
    }
    for (t, a) in acc.iter().enumerate() {
        dst[(a0 + t) * H + i0..(a0 + t) * H + i0 + TN].copy_from_slice(a);
    }
}

/// Writes the tile `acc` (+ bias `c`) for outputs `j0..j0 + T` to the feature-major `out`
/// (`n` points per row) at points `b0..b0 + len`.
#[inline(always)]
fn store_out<const T: usize>(
    out: &mut [f64],
    n: usize,
    j0: usize,
    b0: usize,
    len: usize,
    acc: &[Row; T],
    c: &[f64],
) {
    for (t, a) in acc.iter().enumerate() {
        let dst = &mut out[(j0 + t) * n + b0..(j0 + t) * n + b0 + len];
        for (d, v) in dst.iter_mut().zip(a) {
            *d = v + c[j0 + t];
        }
    }
}

/// `Σ_l` of each row of `rows` added into `dst` (lane by lane, then across the lanes).
fn add_row_sums(dst: &mut [f64], rows: &[Row]) {
    for (d, r) in dst.iter_mut().zip(rows) {
        *d += r.iter().sum::<f64>();
    }
}

/// Point-major copy of one chunk's rows: `pts[l][i] = rows[i][l]`.
#[inline(always)]
fn transpose_chunk(rows: &[Row; H], pts: &mut [Units]) {
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
fn grad_p2_chunk(
    w3: &[f64],
    go: &[Row],
    h2: &[Row; H],
    gp: &mut [Row; H],
    gpt: &mut [Units],
    s_c2: &mut [Row; H],
) {
    // `W₃[j][i]`: unit `i0 + t`, output `k` at `k·H + i0 + t`.
    for i0 in (0..H).step_by(TO) {
        let acc = tile::<TO>(&w3[i0..], 1, H, go);
        for (t, a) in acc.iter().enumerate() {
            let i = i0 + t;
            for l in 0..CH {
                let v = a[l] * (1.0 - h2[i][l] * h2[i][l]);
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
fn grad_p1_chunk(
    w1: &[f64],
    w2: &[f64],
    gp: &[Row; H],
    h1: &[Row; H],
    x: &Row,
    gx: &mut Row,
    s_w1: &mut [Row; H],
    s_c1: &mut [Row; H],
) {
    // `W₂[o][i]`: unit `i0 + t`, output `k` at `k·H + i0 + t`.
    for i0 in (0..H).step_by(TO) {
        let acc = tile::<TO>(&w2[i0..], 1, H, gp);
        for (t, a) in acc.iter().enumerate() {
            let i = i0 + t;
            for l in 0..CH {
                let v = a[l] * (1.0 - h1[i][l] * h1[i][l]);
                s_w1[i][l] = madd(v, x[l], s_w1[i][l]);
                s_c1[i][l] += v;
                gx[l] = madd(w1[i], v, gx[l]);
            }
        }
    }
}

/// The chunk's inputs `xa[b0..b0 + CH]`, zero-padded.
#[inline(always)]
fn chunk_inputs(xa: &[f64], b0: usize) -> (Row, usize) {
    let len = CH.min(xa.len() - b0);
    let mut x = [0.0; CH];
    x[..len].copy_from_slice(&xa[b0..b0 + len]);
    (x, len)
}

impl Mlp<'_> {
    /// This MLP with its output count a compile-time constant where it is one of the
    /// transformers' (after inlining), for `f`.
    #[inline(always)]
    fn with_const_outputs<R>(&self, f: impl FnOnce(&Self) -> R) -> R {
        match self.out {
            P_AFFINE => f(&Mlp {
                out: P_AFFINE,
                ..*self
            }),
            P_SPLINE => f(&Mlp {
                out: P_SPLINE,
                ..*self
            }),
            _ => f(self),
        }
    }

    /// The hidden layers of one chunk: `h₁`, `h₂` from the chunk's inputs `x`.
    #[inline(always)]
    fn hidden_chunk(&self, x: &Row, h1: &mut [Row; H], h2: &mut [Row; H]) {
        let p = self.p;
        let (w1, c1) = (&p[W1..W1 + H], &p[C1..C1 + H]);
        // tanh two units at a time, sharing one division ([`fastmath::tanh_pair`]).
        for i in (0..H).step_by(2) {
            for l in 0..CH {
                (h1[i][l], h1[i + 1][l]) =
                    fastmath::tanh_pair(w1[i] * x[l] + c1[i], w1[i + 1] * x[l] + c1[i + 1]);
            }
        }
        let (w2, c2) = (&p[W2..W2 + H * H], &p[C2..C2 + H]);
        for o0 in (0..H).step_by(TO) {
            // Row-major `W₂[o][i]`: output `o0 + t`, input `k` at `(o0 + t)·H + k`.
            let acc = tile::<TO>(&w2[o0 * H..], H, 1, h1);
            for t in (0..TO).step_by(2) {
                let (o, c, d) = (o0 + t, c2[o0 + t], c2[o0 + t + 1]);
                for l in 0..CH {
                    (h2[o][l], h2[o + 1][l]) =
                        fastmath::tanh_pair(acc[t][l] + c, acc[t + 1][l] + d);
                }
            }
        }
    }

    /// The output layer of one chunk (points `b0..b0 + len`) into the feature-major `out`.
    #[inline(always)]
    fn output_chunk(&self, h2: &[Row; H], out: &mut [f64], n: usize, b0: usize, len: usize) {
        let (w3, c3) = (self.w3(), self.c3());
        let pn = self.out;
        let mut j0 = 0;
        while j0 + TO <= pn {
            let acc = tile::<TO>(&w3[j0 * H..], H, 1, h2);
            store_out(out, n, j0, b0, len, &acc, c3);
            j0 += TO;
        }
        // The last `P mod TO` outputs in one narrower tile.
        let w3 = &w3[j0 * H..];
        match pn - j0 {
            3 => store_out(out, n, j0, b0, len, &tile::<3>(w3, H, 1, h2), c3),
            2 => store_out(out, n, j0, b0, len, &tile::<2>(w3, H, 1, h2), c3),
            1 => store_out(out, n, j0, b0, len, &tile::<1>(w3, H, 1, h2), c3),
            _ => {}
        }
    }

    /// Batch forward of the inputs `xa` into `acts` and the feature-major `out` (`P × n`).
    pub(super) fn forward_blocked(&self, xa: &[f64], acts: &mut Acts, out: &mut [f64]) {
        self.with_const_outputs(|m| m.forward_blocked_impl(xa, &mut *acts, &mut *out));
    }

    #[inline(always)]
    fn forward_blocked_impl(&self, xa: &[f64], acts: &mut Acts, out: &mut [f64]) {
        let n = xa.len();
        let chunks = n.div_ceil(CH);
        grow(&mut acts.h1, H * chunks);
        grow(&mut acts.h2, H * chunks);
        grow(&mut acts.h1t, CH * chunks);
        grow(&mut acts.h2t, CH * chunks);
        let Acts { h1, h2, h1t, h2t } = acts;
        for (c, (((h1, h2), h1t), h2t)) in h1
            .chunks_exact_mut(H)
            .zip(h2.chunks_exact_mut(H))
            .zip(h1t.chunks_exact_mut(CH))
            .zip(h2t.chunks_exact_mut(CH))
            .take(chunks)
            .enumerate()
        {
            let (h1, h2): (&mut [Row; H], &mut [Row; H]) =
                (h1.try_into().unwrap(), h2.try_into().unwrap());
            let (x, len) = chunk_inputs(xa, c * CH);
            self.hidden_chunk(&x, h1, h2);
            self.output_chunk(h2, out, n, c * CH, len);
            transpose_chunk(h1, h1t);
            transpose_chunk(h2, h2t);
        }
    }

    /// The outputs only (inference): `out` as after [`Mlp::forward_blocked`], the hidden
    /// layers in chunk-sized scratch.
    pub(super) fn eval_blocked(&self, xa: &[f64], out: &mut [f64]) {
        self.with_const_outputs(|m| m.eval_blocked_impl(xa, &mut *out));
    }

    #[inline(always)]
    fn eval_blocked_impl(&self, xa: &[f64], out: &mut [f64]) {
        let n = xa.len();
        let (mut h1, mut h2) = ([[0.0; CH]; H], [[0.0; CH]; H]);
        for b0 in (0..n).step_by(CH) {
            let (x, len) = chunk_inputs(xa, b0);
            self.hidden_chunk(&x, &mut h1, &mut h2);
            self.output_chunk(&h2, out, n, b0, len);
        }
    }

    /// Batch backward (as [`Mlp::backward_batch`]) from the activations of
    /// [`Mlp::forward_blocked`] on the same `xa` and `∂ℓ/∂o` in `g_out` (`P × n`).
    pub(super) fn backward_blocked(
        &self,
        xa: &[f64],
        acts: &Acts,
        g_out: &[f64],
        g: &mut Grads,
        grads: &mut [f64],
        g_xa: &mut [f64],
    ) {
        self.with_const_outputs(|m| {
            m.backward_blocked_impl(xa, acts, g_out, &mut *g, &mut *grads, &mut *g_xa)
        });
    }

    #[inline(always)]
    fn backward_blocked_impl(
        &self,
        xa: &[f64],
        acts: &Acts,
        g_out: &[f64],
        g: &mut Grads,
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
        grow(&mut g.go, pn * chunks);
        grow(&mut g.gp2, H * chunks);
        grow(&mut g.go_t, pn * CH * chunks);
        grow(&mut g.gp2_t, CH * chunks);
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
                *r = [0.0; CH];
                r[..len].copy_from_slice(&g_out[j * n + b0..j * n + b0 + len]);
            }
        }
        let (go_t, gp2_t) = (&mut go_t[..pn * CH * chunks], &mut gp2_t[..CH * chunks]);
        for (b, row) in go_t.chunks_exact_mut(pn).enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = if b < n { g_out[j * n + b] } else { 0.0 };
            }
        }
        // Per-lane partial sums of ∂c₁, ∂W₁ and ∂c₂ over the chunks.
        let (mut s_c1, mut s_w1, mut s_c2) = ([[0.0; CH]; H], [[0.0; CH]; H], [[0.0; CH]; H]);
        for c in 0..chunks {
            let h1: &[Row; H] = acts.h1[c * H..(c + 1) * H].try_into().unwrap();
            let h2: &[Row; H] = acts.h2[c * H..(c + 1) * H].try_into().unwrap();
            let gp: &mut [Row; H] = (&mut gp2[c * H..(c + 1) * H]).try_into().unwrap();
            let gpt = &mut gp2_t[c * CH..(c + 1) * CH];
            grad_p2_chunk(w3, &go[c * pn..][..pn], h2, gp, gpt, &mut s_c2);
            let (x, len) = chunk_inputs(xa, c * CH);
            let mut gx = [0.0; CH];
            grad_p1_chunk(w1, w2, gp, h1, &x, &mut gx, &mut s_w1, &mut s_c1);
            for (d, v) in g_xa[c * CH..c * CH + len].iter_mut().zip(&gx) {
                *d += v;
            }
        }
        add_row_sums(&mut grads[W1..W1 + H], &s_w1);
        add_row_sums(&mut grads[C1..C1 + H], &s_c1);
        add_row_sums(&mut grads[C2..C2 + H], &s_c2);
        // ∂W₂[o][i] += Σ_b ∂p₂[o]·h₁[i]; ∂W₃[j][i] += Σ_b ∂o[j]·h₂[i]; ∂c₃ += Σ_b ∂o.
        let pts = CH * chunks;
        outer_acc(
            &mut grads[W2..W2 + H * H],
            gp2_t.as_flattened(),
            H,
            &acts.h1t[..pts],
        );
        outer_acc(&mut grads[W3..W3 + pn * H], go_t, pn, &acts.h2t[..pts]);
        let gc3 = &mut grads[W3 + pn * H..W3 + pn * H + pn];
        for c in 0..chunks {
            add_row_sums(gc3, &go[c * pn..(c + 1) * pn]);
        }
    }
}
