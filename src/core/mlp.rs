//! The coupling layers' conditioner: a small MLP `1 → H → H → P` with `tanh` after both hidden
//! layers (docs/maths/mlp.md; the benchmark scenarios' too, docs/benchmarks.md),
//! `H = `[`HIDDEN`] `= 32`:
//!
//! ```text
//!   p₁ = W₁x + c₁,   h₁ = tanh p₁        W₁: H×1
//!   p₂ = W₂h₁ + c₂,  h₂ = tanh p₂        W₂: H×H
//!   o  = W₃h₂ + c₃                        W₃: P×H   (P = 2 affine, 23 spline)
//! ```
//!
//! **Raw parameter layout** (flat, this order; matrices row-major `out × in`, as PyTorch's
//! `nn.Linear.weight`): `W₁ (H) | c₁ (H) | W₂ (H·H) | c₂ (H) | W₃ (P·H) | c₃ (P)`, so
//! [`n_params`]`(P) = H² + (3 + P)·H + P` (1,186 for `P = 2`, 1,879 for `P = 23`).
//!
//! **Batch kernels.** Two implementations of the batch forward and backward, selected by target
//! (both compiled everywhere, and tested against each other and against finite differences):
//!
//! - **Native: nalgebra.** Batches are feature-major (`h[i·n + b]`: unit `i`, point `b`), which
//!   is nalgebra's column-major `n × H`. The three `n × H × H` products of a training step
//!   (`W₂h₁` forward; `∂W₂` and `W₂ᵀ∂p₂` backward) and the `P × H` ones for `P > 5` run through
//!   nalgebra's `gemm` on views of these slices (no copies). For dynamic sizes nalgebra hands
//!   them to `matrixmultiply`: packed operands and a runtime-dispatched SIMD kernel (AVX-512 on
//!   the benchmark machine). On the 512×32×32 shapes it measured 22–28 GFMA/s against 8–18
//!   GFMA/s for the best auto-vectorized register-tiled loop written for comparison; on whole
//!   training steps, plain loops instead of nalgebra made `coupling_ml` / `spline_ml` run at
//!   124 / 146 steps/s against 628 / 664, and the blocked kernels below at ~420 / ~460 against
//!   ~680 / ~660. `matrixmultiply` allocates its packing buffer (≤ ~200 KB) inside each call;
//!   nothing else here allocates once [`MlpActs`] has grown. Outputs with `P ≤ 5` and the
//!   rank-one first layer are plain loops.
//! - **WebAssembly: [`blocked`].** `matrixmultiply` has no SIMD kernel for wasm32 (its generic
//!   loops ran the conditioner at ~1.7 GFMA/s in V8), so there the products are register tiles
//!   on chunks of points, written for LLVM's auto-vectorizer (`simd128`), with bias and `tanh`
//!   fused and the weight gradients summed in registers: 1.5–1.9× faster per training step in
//!   Chromium than nalgebra's loops. The inference forward ([`Mlp::eval_batch`]: densities,
//!   probe, every reported NLL) runs them in `f64`; the **training pair**
//!   ([`Mlp::forward_batch`], [`Mlp::backward_batch`]) in mixed precision — `f32` hidden
//!   layers and products (four lanes per vector instead of two), `f64` inputs, outputs and
//!   gradient sums, ~1e−6 relative — which made `coupling_ml` 1.7× and `spline_ml` 1.25×
//!   faster in V8 (module docs of [`blocked`]; README, "Performance").
//!
//! **Small batches never reach nalgebra.** For any dimension ≤ 5 nalgebra 0.35 skips
//! `matrixmultiply` and runs its own `gemv`/`axcpy` loop, which on a strided (transposed) view
//! reads and writes out of bounds (dimforge/nalgebra#1616, fix proposed in #1613; reproduced
//! here with `n = 5`). [`gemm`] therefore calls nalgebra only when every dimension is at least
//! [`GEMM_MIN_DIM`] and uses plain loops otherwise (single points, tiny batches);
//! `tests::gemm_agrees_with_loops_at_every_small_size` runs both paths under the standard
//! library's debug checks.
//!
//! [`Mlp::eval`] is the exact scalar path for single points (libm `tanh`); the `f64` batch
//! paths use [`fastmath::tanh`] and agree with it to ~1e−14. [`Mlp::eval_batch`] is the batch forward for
//! inference (the density grid, pull-backs): the outputs only, no activations kept.
//!
//! Initialisation ([`init_params`]): hidden weights and biases `U(±1/√fan_in)` (fan-in 1, then
//! `H`), output layer **zero**, so every coupling layer starts as the exact identity
//! (docs/maths/mlp.md, "Initialisation").

use nalgebra::{DMatrixView, DMatrixViewMut};
use rand::Rng;

use super::fastmath;

mod blocked;

/// The batch kernels in use: the blocked ones of [`blocked`] on WebAssembly, nalgebra's `gemm`
/// natively (module docs).
const BLOCKED: bool = cfg!(target_arch = "wasm32");

/// Hidden width `H`.
pub const HIDDEN: usize = 32;
const H: usize = HIDDEN;
/// Largest output count handled by plain loops (nalgebra's `gemm` takes the rest).
const SMALL_OUT: usize = 5;

/// Raw parameters of an MLP with `p` outputs: `H² + (3 + p)·H + p`.
pub const fn n_params(p: usize) -> usize {
    H * H + (3 + p) * H + p
}

/// Offsets of the blocks in the flat layout.
const W1: usize = 0;
const C1: usize = H;
const W2: usize = 2 * H;
const C2: usize = 2 * H + H * H;
const W3: usize = 3 * H + H * H;

/// An MLP read from a flat parameter slice (no copy).
#[derive(Clone, Copy, Debug)]
pub struct Mlp<'a> {
    p: &'a [f64],
    out: usize,
}

/// Forward activations of a batch: the outputs `o` feature-major (`P × n`), the hidden layers
/// in the layout of the kernels in use (feature-major `H × n` for nalgebra's, [`blocked`]'s
/// own).
#[derive(Clone, Debug, Default)]
pub struct MlpActs {
    n: usize,
    /// `h₁ = tanh(W₁x + c₁)` (nalgebra kernels).
    h1: Vec<f64>,
    /// `h₂ = tanh(W₂h₁ + c₂)` (nalgebra kernels).
    h2: Vec<f64>,
    blk: blocked::FastActs,
    /// The outputs `o`, row `j` = output `j` of every point.
    pub out: Vec<f64>,
}

/// Scratch of the backward pass: `∂ℓ/∂o` (filled by the caller) and the hidden gradients.
#[derive(Clone, Debug, Default)]
pub struct MlpGrads {
    n: usize,
    /// `∂ℓ/∂o`, `P × n`, feature-major: the caller's input to [`Mlp::backward_batch`].
    pub g_out: Vec<f64>,
    g_h2: Vec<f64>,
    g_h1: Vec<f64>,
    blk: blocked::FastGrads,
}

fn grow(v: &mut Vec<f64>, n: usize) {
    if v.len() < n {
        v.resize(n, 0.0);
    }
}

impl MlpActs {
    /// Makes room for `n` points and `p` outputs (grows only).
    pub fn resize(&mut self, n: usize, p: usize) {
        self.n = n;
        if !BLOCKED {
            grow(&mut self.h1, H * n);
            grow(&mut self.h2, H * n);
        }
        grow(&mut self.out, p * n);
    }

    /// Points in the last batch.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True if the last batch was empty.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Output `j` of every point of the last batch.
    pub fn out_row(&self, j: usize) -> &[f64] {
        &self.out[j * self.n..(j + 1) * self.n]
    }
}

impl MlpGrads {
    /// Makes room for `n` points and `p` outputs (grows only) and zeroes `g_out[..p·n]`.
    pub fn reset(&mut self, n: usize, p: usize) {
        self.n = n;
        grow(&mut self.g_out, p * n);
        if !BLOCKED {
            grow(&mut self.g_h2, H * n);
            grow(&mut self.g_h1, H * n);
        }
        self.g_out[..p * n].fill(0.0);
    }

    /// `∂ℓ/∂o` rows `0..p` (`p × n`), to be filled before the backward pass.
    pub fn g_out_mut(&mut self, p: usize) -> &mut [f64] {
        &mut self.g_out[..p * self.n]
    }
}

/// Lanes of the partial sums in [`sum16`] and [`dot16`]: four AVX2 vectors, enough
/// independent adds to hide their latency.
const LANES: usize = 16;

/// `Σ xs` with sixteen independent partial sums (vectorizes; a plain `sum()` is a serial chain).
#[inline]
pub(crate) fn sum16(xs: &[f64]) -> f64 {
    let mut acc = [0.0; LANES];
    let mut chunks = xs.chunks_exact(LANES);
    for c in &mut chunks {
        for l in 0..LANES {
            acc[l] += c[l];
        }
    }
    let tail: f64 = chunks.remainder().iter().sum();
    acc.iter().sum::<f64>() + tail
}

/// `Σ a·b` with sixteen independent partial sums.
#[inline]
pub(crate) fn dot16(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0; LANES];
    let full = n / LANES * LANES;
    for (ca, cb) in a[..full]
        .chunks_exact(LANES)
        .zip(b[..full].chunks_exact(LANES))
    {
        for l in 0..LANES {
            acc[l] += ca[l] * cb[l];
        }
    }
    let tail: f64 = a[full..].iter().zip(&b[full..]).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f64>() + tail
}

/// `g ← g ⊙ (1 − h²)` (the tanh derivative) and returns `Σ g` after scaling, in one pass.
#[inline]
fn scale_and_sum(g: &mut [f64], h: &[f64]) -> f64 {
    let n = g.len().min(h.len());
    let mut acc = [0.0; LANES];
    let full = n / LANES * LANES;
    for (cg, ch) in g[..full]
        .chunks_exact_mut(LANES)
        .zip(h[..full].chunks_exact(LANES))
    {
        for l in 0..LANES {
            cg[l] *= 1.0 - ch[l] * ch[l];
            acc[l] += cg[l];
        }
    }
    let mut tail = 0.0;
    for (gv, hv) in g[full..n].iter_mut().zip(&h[full..n]) {
        *gv *= 1.0 - hv * hv;
        tail += *gv;
    }
    acc.iter().sum::<f64>() + tail
}

/// Smallest dimension for which [`gemm`] uses nalgebra (module docs).
pub const GEMM_MIN_DIM: usize = 8;

/// A read-only matrix view: `rows × cols`, element `(r, c)` at `d[r·rs + c·cs]`.
#[derive(Clone, Copy)]
pub(crate) struct Mat<'a> {
    pub(crate) d: &'a [f64],
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) rs: usize,
    pub(crate) cs: usize,
}

impl<'a> Mat<'a> {
    /// Column-major (`rs = 1`, `cs = rows`).
    pub(crate) fn col(d: &'a [f64], rows: usize, cols: usize) -> Self {
        Mat {
            d,
            rows,
            cols,
            rs: 1,
            cs: rows,
        }
    }

    /// Row-major (`rs = cols`, `cs = 1`).
    pub(crate) fn row(d: &'a [f64], rows: usize, cols: usize) -> Self {
        Mat {
            d,
            rows,
            cols,
            rs: cols,
            cs: 1,
        }
    }
}

/// `y ← a·b + beta·y` with `y` column-major `a.rows × b.cols` (`beta` is 0 or 1). nalgebra's
/// `gemm` (→ `matrixmultiply`) when every dimension is ≥ [`GEMM_MIN_DIM`], else plain loops.
pub(crate) fn gemm(y: &mut [f64], a: Mat, b: Mat, beta: f64) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    debug_assert_eq!(k, b.rows);
    let y = &mut y[..m * n];
    if m >= GEMM_MIN_DIM && k >= GEMM_MIN_DIM && n >= GEMM_MIN_DIM {
        let av = DMatrixView::from_slice_with_strides(a.d, m, k, a.rs, a.cs);
        let bv = DMatrixView::from_slice_with_strides(b.d, k, n, b.rs, b.cs);
        let mut yv = DMatrixViewMut::from_slice(y, m, n);
        yv.gemm(1.0, &av, &bv, beta);
        return;
    }
    if a.cs == 1 && b.rs == 1 {
        // Both operands contiguous along the inner dimension: one dot product per entry.
        for c in 0..n {
            let bc = &b.d[c * b.cs..c * b.cs + k];
            for r in 0..m {
                let v = dot16(&a.d[r * a.rs..r * a.rs + k], bc);
                let y = &mut y[c * m + r];
                *y = if beta == 0.0 { v } else { *y + v };
            }
        }
        return;
    }
    if beta == 0.0 {
        y.fill(0.0);
    }
    // Column by column, `y[:, c] += a[:, l]·b[l, c]` (contiguous when `a` is column-major).
    for c in 0..n {
        for l in 0..k {
            let w = b.d[l * b.rs + c * b.cs];
            let col = &mut y[c * m..(c + 1) * m];
            for (r, v) in col.iter_mut().enumerate() {
                *v += a.d[r * a.rs + l * a.cs] * w;
            }
        }
    }
}

impl<'a> Mlp<'a> {
    /// The MLP with `out` outputs stored at the front of `params` (`len ≥ n_params(out)`).
    pub fn new(params: &'a [f64], out: usize) -> Self {
        Mlp {
            p: &params[..n_params(out)],
            out,
        }
    }

    /// Number of outputs `P`.
    pub fn outputs(&self) -> usize {
        self.out
    }

    fn w3(&self) -> &'a [f64] {
        &self.p[W3..W3 + self.out * H]
    }

    fn c3(&self) -> &'a [f64] {
        &self.p[W3 + self.out * H..W3 + self.out * H + self.out]
    }

    /// `|c₃ⱼ| + Σᵢ|W₃[j][i]|`: a bound on output `j` for any input (`|h₂| ≤ 1`).
    pub fn output_bound(&self, j: usize) -> f64 {
        let row = &self.w3()[j * H..(j + 1) * H];
        self.c3()[j].abs() + row.iter().map(|w| w.abs()).sum::<f64>()
    }

    /// Exact scalar evaluation (libm `tanh`): writes the `P` outputs for input `x` to `out`.
    pub fn eval(&self, x: f64, out: &mut [f64]) {
        let p = self.p;
        let mut h1 = [0.0; H];
        for i in 0..H {
            h1[i] = (p[W1 + i] * x + p[C1 + i]).tanh();
        }
        let mut h2 = [0.0; H];
        for o in 0..H {
            let row = &p[W2 + o * H..W2 + (o + 1) * H];
            let s: f64 = row.iter().zip(&h1).map(|(w, h)| w * h).sum();
            h2[o] = (s + p[C2 + o]).tanh();
        }
        let (w3, c3) = (self.w3(), self.c3());
        for j in 0..self.out {
            let row = &w3[j * H..(j + 1) * H];
            out[j] = row.iter().zip(&h2).map(|(w, h)| w * h).sum::<f64>() + c3[j];
        }
    }

    /// Batch forward for training, the inputs `xa` (one per point): fills `acts`, for
    /// [`Mlp::backward_batch`]. On WebAssembly in mixed precision (module docs): outputs to
    /// ~1e−6 relative; [`Mlp::eval_batch`] is the exact one.
    pub fn forward_batch(&self, xa: &[f64], acts: &mut MlpActs) {
        if BLOCKED {
            self.forward_blocked_into(xa, acts);
        } else {
            self.forward_gemm(xa, acts);
        }
    }

    /// The outputs `acts.out` for the inputs `xa`, for inference: as [`Mlp::forward_batch`]
    /// but keeping no activations for a backward pass (the blocked kernels then run chunk by
    /// chunk in a fixed scratch).
    pub fn eval_batch(&self, xa: &[f64], acts: &mut MlpActs) {
        if BLOCKED {
            let (n, pn) = (xa.len(), self.out);
            acts.resize(n, pn);
            blocked::eval(self.p, pn, xa, &mut acts.out[..pn * n]);
        } else {
            self.forward_gemm(xa, acts);
        }
    }

    fn forward_blocked_into(&self, xa: &[f64], acts: &mut MlpActs) {
        let (n, pn) = (xa.len(), self.out);
        acts.resize(n, pn);
        blocked::forward(self.p, pn, xa, &mut acts.blk, &mut acts.out[..pn * n]);
    }

    /// [`Mlp::forward_batch`] through nalgebra's `gemm` (feature-major activations).
    fn forward_gemm(&self, xa: &[f64], acts: &mut MlpActs) {
        let n = xa.len();
        let pn = self.out;
        acts.resize(n, pn);
        grow(&mut acts.h1, H * n);
        grow(&mut acts.h2, H * n);
        if n == 0 {
            return;
        }
        let p = self.p;
        let h1 = &mut acts.h1[..H * n];
        for i in 0..H {
            let (w, c) = (p[W1 + i], p[C1 + i]);
            for (h, x) in h1[i * n..(i + 1) * n].iter_mut().zip(xa) {
                *h = fastmath::tanh(w * x + c);
            }
        }
        let h2 = &mut acts.h2[..H * n];
        // h₂ (n×H, column-major) = h₁ (n×H) · W₂ᵀ; W₂ row-major `out × in` is W₂ᵀ
        // column-major. Then bias and tanh in one pass.
        gemm(
            h2,
            Mat::col(&acts.h1[..H * n], n, H),
            Mat::col(&p[W2..W2 + H * H], H, H),
            0.0,
        );
        for o in 0..H {
            let c = p[C2 + o];
            for h in &mut h2[o * n..(o + 1) * n] {
                *h = fastmath::tanh(*h + c);
            }
        }
        let (w3, c3) = (self.w3(), self.c3());
        let out = &mut acts.out[..pn * n];
        for j in 0..pn {
            out[j * n..(j + 1) * n].fill(c3[j]);
        }
        if pn <= SMALL_OUT {
            // Blocks of 8 points accumulate over the H units in registers.
            let h2 = &acts.h2[..H * n];
            for j in 0..pn {
                let (w, o) = (&w3[j * H..(j + 1) * H], &mut out[j * n..(j + 1) * n]);
                let full = n / 8 * 8;
                for b0 in (0..full).step_by(8) {
                    let mut acc = [0.0; 8];
                    for (i, &wi) in w.iter().enumerate() {
                        let row = &h2[i * n + b0..i * n + b0 + 8];
                        for l in 0..8 {
                            acc[l] += wi * row[l];
                        }
                    }
                    for l in 0..8 {
                        o[b0 + l] += acc[l];
                    }
                }
                for (b, y) in o.iter_mut().enumerate().skip(full) {
                    *y += w
                        .iter()
                        .enumerate()
                        .map(|(i, wi)| wi * h2[i * n + b])
                        .sum::<f64>();
                }
            }
        } else {
            gemm(
                out,
                Mat::col(&acts.h2[..H * n], n, H),
                Mat::col(w3, H, pn),
                1.0,
            );
        }
    }

    /// Batch backward: with `∂ℓ/∂o` in `g.g_out` (as set up by [`MlpGrads::reset`]) and the
    /// activations of [`Mlp::forward_batch`] on the same `xa`, adds the raw-parameter gradient
    /// into `grads[..n_params(P)]` (layout of the module docs) and `∂ℓ/∂x` into `g_xa`.
    /// Overwrites `g`'s hidden scratch. The parameters are those of the forward pass (on
    /// WebAssembly `acts` keeps them; `self` must be the same MLP).
    pub fn backward_batch(
        &self,
        xa: &[f64],
        acts: &MlpActs,
        g: &mut MlpGrads,
        grads: &mut [f64],
        g_xa: &mut [f64],
    ) {
        if BLOCKED {
            self.backward_blocked_from(xa, acts, g, grads, g_xa);
        } else {
            self.backward_gemm(xa, acts, g, grads, g_xa);
        }
    }

    fn backward_blocked_from(
        &self,
        xa: &[f64],
        acts: &MlpActs,
        g: &mut MlpGrads,
        grads: &mut [f64],
        g_xa: &mut [f64],
    ) {
        let (pn, n) = (self.out, xa.len());
        let g_out = &g.g_out[..pn * n];
        blocked::backward(pn, xa, &acts.blk, g_out, &mut g.blk, grads, g_xa);
    }

    /// [`Mlp::backward_batch`] through nalgebra's `gemm`.
    fn backward_gemm(
        &self,
        xa: &[f64],
        acts: &MlpActs,
        g: &mut MlpGrads,
        grads: &mut [f64],
        g_xa: &mut [f64],
    ) {
        grow(&mut g.g_h2, H * xa.len());
        grow(&mut g.g_h1, H * xa.len());
        let n = xa.len();
        let pn = self.out;
        if n == 0 {
            return;
        }
        let p = self.p;
        let (h1, h2) = (&acts.h1[..H * n], &acts.h2[..H * n]);
        let g_out = &g.g_out[..pn * n];
        let w3 = self.w3();
        let (gw3_at, gc3_at) = (W3, W3 + pn * H);
        for j in 0..pn {
            grads[gc3_at + j] += sum16(&g_out[j * n..(j + 1) * n]);
        }
        let g_h2 = &mut g.g_h2[..H * n];
        if pn <= SMALL_OUT {
            for j in 0..pn {
                let go = &g_out[j * n..(j + 1) * n];
                for i in 0..H {
                    grads[gw3_at + j * H + i] += dot16(go, &h2[i * n..(i + 1) * n]);
                }
            }
            // ∂h₂ = W₃ᵀ∂o, one pass per row (P ≤ 5 terms per element).
            for i in 0..H {
                let gh = &mut g_h2[i * n..(i + 1) * n];
                let w: [f64; SMALL_OUT] =
                    std::array::from_fn(|j| if j < pn { w3[j * H + i] } else { 0.0 });
                for (b, y) in gh.iter_mut().enumerate() {
                    let mut v = 0.0;
                    for (j, wj) in w.iter().enumerate().take(pn) {
                        v += wj * g_out[j * n + b];
                    }
                    *y = v;
                }
            }
        } else {
            // ∂W₃ (row-major P×H = column-major H×P) += h₂ᵀ (H×n) · ∂o (n×P).
            gemm(
                &mut grads[gw3_at..gw3_at + pn * H],
                Mat::row(h2, H, n),
                Mat::col(g_out, n, pn),
                1.0,
            );
            // ∂h₂ (n×H) = ∂o (n×P) · W₃ (P×H, row-major).
            gemm(g_h2, Mat::col(g_out, n, pn), Mat::row(w3, pn, H), 0.0);
        }
        // ∂p₂ = ∂h₂ ⊙ (1 − h₂²), in place, and ∂c₂ = Σ_b ∂p₂ in the same pass.
        for o in 0..H {
            let (gh, hh) = (&mut g_h2[o * n..(o + 1) * n], &h2[o * n..(o + 1) * n]);
            grads[C2 + o] += scale_and_sum(gh, hh);
        }
        // ∂W₂ (row-major out×in = column-major in×out) += h₁ᵀ (H×n) · ∂p₂ (n×H).
        gemm(
            &mut grads[W2..W2 + H * H],
            Mat::row(h1, H, n),
            Mat::col(g_h2, n, H),
            1.0,
        );
        let g_h1 = &mut g.g_h1[..H * n];
        // ∂h₁ (n×H) = ∂p₂ (n×H) · W₂ (out×in, row-major).
        gemm(
            g_h1,
            Mat::col(&g.g_h2[..H * n], n, H),
            Mat::row(&p[W2..W2 + H * H], H, H),
            0.0,
        );
        // ∂p₁ = ∂h₁ ⊙ (1 − h₁²); ∂W₁ = Σ_b ∂p₁·x, ∂c₁ = Σ_b ∂p₁, ∂x += W₁ᵀ∂p₁, one pass per unit.
        for i in 0..H {
            let (gh, hh) = (&g_h1[i * n..(i + 1) * n], &h1[i * n..(i + 1) * n]);
            let w = p[W1 + i];
            let (mut sw, mut sc) = ([0.0; LANES], [0.0; LANES]);
            let full = n / LANES * LANES;
            for b0 in (0..full).step_by(LANES) {
                for l in 0..LANES {
                    let b = b0 + l;
                    let gp = gh[b] * (1.0 - hh[b] * hh[b]);
                    sw[l] += gp * xa[b];
                    sc[l] += gp;
                    g_xa[b] += w * gp;
                }
            }
            let (mut tw, mut tc) = (0.0, 0.0);
            for b in full..n {
                let gp = gh[b] * (1.0 - hh[b] * hh[b]);
                tw += gp * xa[b];
                tc += gp;
                g_xa[b] += w * gp;
            }
            grads[W1 + i] += sw.iter().sum::<f64>() + tw;
            grads[C1 + i] += sc.iter().sum::<f64>() + tc;
        }
    }
}

/// Seeded initial raw parameters for an MLP with `out` outputs (module docs): hidden layers
/// `U(±1/√fan_in)`, output layer zero.
pub fn init_params<R: Rng + ?Sized>(out: usize, rng: &mut R, params: &mut Vec<f64>) {
    let start = params.len();
    let lim2 = 1.0 / (H as f64).sqrt();
    for _ in 0..2 * H {
        params.push(rng.random_range(-1.0..1.0));
    }
    for _ in 0..H * H + H {
        params.push(rng.random_range(-lim2..lim2));
    }
    params.resize(start + n_params(out), 0.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::SeedableRng;

    fn random_params(out: usize, seed: u64) -> Vec<f64> {
        let mut rng = SmallRng::seed_from_u64(seed);
        (0..n_params(out))
            .map(|_| rng.random_range(-1.0..1.0))
            .collect()
    }

    /// The kernel families, whatever the target selects: nalgebra's (native), the blocked
    /// ones in `f64` (as the inference path runs them) and in `f32` (the training pair on
    /// WebAssembly).
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Kernels {
        Gemm,
        BlockedExact,
        BlockedFast,
    }

    const KERNELS: [Kernels; 3] = [Kernels::Gemm, Kernels::BlockedExact, Kernels::BlockedFast];

    impl Kernels {
        /// The relative tolerance against `f64` ground truth: `exact` for the `f64` kernels,
        /// `fast` for the mixed-precision ones (`f32` rounding: ε = 6e−8 per operation, sums
        /// of 32 products).
        fn tol(self, exact: f64, fast: f64) -> f64 {
            if self == Kernels::BlockedFast {
                fast
            } else {
                exact
            }
        }
    }

    /// Scratch of every family: `acts.out` and `g.g_out` are the outputs and `∂ℓ/∂o` of all.
    #[derive(Default)]
    struct Scratch {
        acts: MlpActs,
        g: MlpGrads,
        exact: blocked::Acts<f64, { blocked::EXACT_CH }>,
        exact_g: blocked::Grads<f64, { blocked::EXACT_CH }>,
    }

    fn forward(mlp: &Mlp, k: Kernels, xs: &[f64], s: &mut Scratch) {
        let (n, pn) = (xs.len(), mlp.out);
        match k {
            Kernels::Gemm => mlp.forward_gemm(xs, &mut s.acts),
            Kernels::BlockedExact => {
                s.acts.resize(n, pn);
                blocked::forward(mlp.p, pn, xs, &mut s.exact, &mut s.acts.out[..pn * n]);
            }
            Kernels::BlockedFast => mlp.forward_blocked_into(xs, &mut s.acts),
        }
    }

    /// The backward pass from `s.g.g_out` after [`forward`] with the same kernels.
    fn backward(
        mlp: &Mlp,
        k: Kernels,
        xs: &[f64],
        s: &mut Scratch,
        grads: &mut [f64],
        g_x: &mut [f64],
    ) {
        let (n, pn) = (xs.len(), mlp.out);
        match k {
            Kernels::Gemm => mlp.backward_gemm(xs, &s.acts, &mut s.g, grads, g_x),
            Kernels::BlockedExact => blocked::backward(
                pn,
                xs,
                &s.exact,
                &s.g.g_out[..pn * n],
                &mut s.exact_g,
                grads,
                g_x,
            ),
            Kernels::BlockedFast => mlp.backward_blocked_from(xs, &s.acts, &mut s.g, grads, g_x),
        }
    }

    #[test]
    fn batch_forward_matches_the_scalar_path() {
        // Every kernel's training forward and the inference forward; batch sizes on both sides
        // of the blocked kernels' chunks; the transformers' P and another.
        for out in [2, 23, 5] {
            let p = random_params(out, 3);
            let mlp = Mlp::new(&p, out);
            for n in [1, 3, 4, 5, 8, 9, 37, 130] {
                let xs: Vec<f64> = (0..n).map(|i| -3.0 + 0.17 * i as f64).collect();
                for (k, inference) in KERNELS
                    .map(|k| (k, false))
                    .into_iter()
                    .chain([(Kernels::Gemm, true), (Kernels::BlockedExact, true)])
                {
                    let mut s = Scratch::default();
                    match (inference, k) {
                        (false, _) => forward(&mlp, k, &xs, &mut s),
                        (true, Kernels::Gemm) => mlp.forward_gemm(&xs, &mut s.acts),
                        (true, _) => {
                            s.acts.resize(n, out);
                            blocked::eval(mlp.p, out, &xs, &mut s.acts.out[..out * n]);
                        }
                    }
                    let tol = k.tol(1e-13, 2e-6);
                    let mut o = vec![0.0; out];
                    for (b, &x) in xs.iter().enumerate() {
                        mlp.eval(x, &mut o);
                        for (j, want) in o.iter().enumerate() {
                            let got = s.acts.out_row(j)[b];
                            assert!(
                                (got - want).abs() < tol * (1.0 + want.abs()),
                                "{k:?} P={out} n={n}: {got} {want}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn backward_matches_central_differences_for_every_parameter() {
        // ℓ = Σ_b Σ_j c_{jb}·o_j(x_b): its gradient is the backward pass with ∂ℓ/∂o = c.
        for k in KERNELS {
            for out in [2, 23, 5] {
                let p = random_params(out, 5);
                let xs = [-1.3, 0.2, 0.9, 2.4, -0.4];
                let n = xs.len();
                let c: Vec<f64> = (0..out * n)
                    .map(|k| ((k * 7919) % 13) as f64 / 6.0 - 1.0)
                    .collect();
                let loss = |p: &[f64], xs: &[f64]| {
                    let mlp = Mlp::new(p, out);
                    let mut o = vec![0.0; out];
                    let mut s = 0.0;
                    for (b, &x) in xs.iter().enumerate() {
                        mlp.eval(x, &mut o);
                        s += (0..out).map(|j| c[j * n + b] * o[j]).sum::<f64>();
                    }
                    s
                };
                let mlp = Mlp::new(&p, out);
                let mut s = Scratch::default();
                forward(&mlp, k, &xs, &mut s);
                s.g.reset(n, out);
                s.g.g_out_mut(out).copy_from_slice(&c);
                let mut grads = vec![0.0; p.len()];
                let mut g_x = vec![0.0; n];
                backward(&mlp, k, &xs, &mut s, &mut grads, &mut g_x);
                let h = 1e-6;
                let tol = k.tol(1e-7, 1e-5);
                for q in 0..p.len() {
                    let (mut pp, mut pm) = (p.clone(), p.clone());
                    pp[q] += h;
                    pm[q] -= h;
                    let fd = (loss(&pp, &xs) - loss(&pm, &xs)) / (2.0 * h);
                    assert!(
                        (grads[q] - fd).abs() <= tol * (1.0 + fd.abs()),
                        "{k:?} P={out} param {q}: {} vs {fd}",
                        grads[q]
                    );
                }
                for b in 0..n {
                    let (mut xp, mut xm) = (xs, xs);
                    xp[b] += h;
                    xm[b] -= h;
                    let fd = (loss(&p, &xp) - loss(&p, &xm)) / (2.0 * h);
                    assert!(
                        (g_x[b] - fd).abs() <= tol * (1.0 + fd.abs()),
                        "{k:?} x {b}: {} vs {fd}",
                        g_x[b]
                    );
                }
            }
        }
    }

    #[test]
    fn blocked_and_gemm_backward_agree_at_every_batch_size() {
        // The blocked kernels' chunk padding and super-blocks, against the gemm kernels (checked
        // against finite differences above). Scratch reused across sizes, gradients accumulated
        // onto a nonzero start, as the tape does.
        for out in [2, 23] {
            let p = random_params(out, 9);
            let mlp = Mlp::new(&p, out);
            let mut s = Scratch::default();
            for n in (1..=20).chain([63, 64, 65, 130, 512]) {
                let xs: Vec<f64> = (0..n).map(|i| ((i * 37) % 23) as f64 / 4.0 - 2.9).collect();
                let c: Vec<f64> = (0..out * n)
                    .map(|q| ((q * 7919) % 13) as f64 / 6.0 - 1.0)
                    .collect();
                let mut results = Vec::new();
                for k in KERNELS {
                    forward(&mlp, k, &xs, &mut s);
                    s.g.reset(n, out);
                    s.g.g_out_mut(out).copy_from_slice(&c);
                    let mut grads = vec![0.25; p.len()];
                    let mut g_x = vec![-0.5; n];
                    backward(&mlp, k, &xs, &mut s, &mut grads, &mut g_x);
                    results.push((k, grads, g_x));
                }
                let scale = 1.0 + n as f64;
                let (_, want_p, want_x) = &results[0];
                for (k, grads, g_x) in &results[1..] {
                    let tol = k.tol(1e-12, 1e-5) * scale;
                    for (a, b) in grads.iter().zip(want_p).chain(g_x.iter().zip(want_x)) {
                        assert!((a - b).abs() <= tol, "{k:?} P={out} n={n}: {a} {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn initialisation_is_the_zero_output() {
        let mut rng = SmallRng::seed_from_u64(1);
        let mut p = vec![7.0];
        init_params(23, &mut rng, &mut p);
        assert_eq!(p.len(), 1 + n_params(23));
        let mut o = vec![1.0; 23];
        Mlp::new(&p[1..], 23).eval(0.7, &mut o);
        assert!(o.iter().all(|v| *v == 0.0));
        assert!(p[1..1 + H].iter().all(|w| w.abs() <= 1.0));
        let lim = 1.0 / (H as f64).sqrt();
        assert!(p[1 + 2 * H..1 + 3 * H + H * H]
            .iter()
            .all(|w| w.abs() <= lim));
        assert_eq!(n_params(2), 1186);
        assert_eq!(n_params(23), 1879);
    }

    #[test]
    fn gemm_agrees_with_loops_at_every_small_size() {
        // Both sides of GEMM_MIN_DIM, plain and transposed (strided) operands.
        let mut rng = SmallRng::seed_from_u64(2);
        for n in 1..=12 {
            for (m, k) in [(32, n), (n, 32), (32, 32), (23, n)] {
                let a: Vec<f64> = (0..m * k).map(|_| rng.random_range(-1.0..1.0)).collect();
                let b: Vec<f64> = (0..k * 23).map(|_| rng.random_range(-1.0..1.0)).collect();
                for transposed in [false, true] {
                    let am = if transposed {
                        Mat::row(&a, m, k)
                    } else {
                        Mat::col(&a, m, k)
                    };
                    let mut y = vec![0.5; m * 23];
                    gemm(&mut y, am, Mat::col(&b, k, 23), 1.0);
                    for c in 0..23 {
                        for r in 0..m {
                            let want: f64 = 0.5
                                + (0..k)
                                    .map(|l| am.d[r * am.rs + l * am.cs] * b[c * k + l])
                                    .sum::<f64>();
                            assert!((y[c * m + r] - want).abs() < 1e-12, "{m}×{k}×23");
                        }
                    }
                }
            }
        }
    }
}
