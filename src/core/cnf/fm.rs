//! Flow matching (Lipman et al. 2023, rectified-flow path of Liu et al. 2023;
//! docs/maths/continuous.md, "Flow matching"): regress the MLP field onto the velocity of
//! straight paths from noise to data,
//!
//! ```text
//!   L(θ) = E_{t~U[0,1), x₀~N(0,I), x₁~data} ‖ v_θ((1 − t)x₀ + t x₁, t) − (x₁ − x₀) ‖²
//! ```
//!
//! (the mean over the batch of the squared norm summed over both components). A step needs one
//! forward and one backward pass of the MLP, no ODE solve and no trace: it is simulation-free.

use super::mlp_field::{layout::*, MlpField};
use crate::core::mlp::{dot16, gemm, Mat};
use crate::core::points::Points;

/// One minibatch of the flow-matching regression: the inputs `(x_t, t)` and targets `x₁ − x₀`.
#[derive(Clone, Debug, Default)]
pub struct FmBatch {
    /// `x_t`, first component.
    pub x: Vec<f64>,
    /// `x_t`, second component.
    pub y: Vec<f64>,
    /// `t` per row.
    pub t: Vec<f64>,
    /// Target, first component.
    pub tx: Vec<f64>,
    /// Target, second component.
    pub ty: Vec<f64>,
}

impl FmBatch {
    /// Appends the row built from `x₀`, `x₁` and `t`.
    pub fn push(&mut self, x0: [f64; 2], x1: [f64; 2], t: f64) {
        self.x.push((1.0 - t) * x0[0] + t * x1[0]);
        self.y.push((1.0 - t) * x0[1] + t * x1[1]);
        self.t.push(t);
        self.tx.push(x1[0] - x0[0]);
        self.ty.push(x1[1] - x0[1]);
    }

    /// Rows.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Empties the batch (keeps the capacity).
    pub fn clear(&mut self) {
        for v in [
            &mut self.x,
            &mut self.y,
            &mut self.t,
            &mut self.tx,
            &mut self.ty,
        ] {
            v.clear();
        }
    }
}

/// Buffers of one loss-and-gradient pass (grown on demand).
#[derive(Clone, Debug, Default)]
pub struct FmWork {
    h1: Vec<f64>,
    d1: Vec<f64>,
    h2: Vec<f64>,
    d2: Vec<f64>,
    vx: Vec<f64>,
    vy: Vec<f64>,
    g: Vec<f64>,
}

/// The loss of `batch` and, if `grad` is given, its gradient (overwritten; length
/// `mlp_field::N_PARAMS`). Chunked by [`super::mlp_field::CHUNK`] rows.
pub fn loss_grad(
    field: &MlpField,
    batch: &FmBatch,
    grad: Option<&mut [f64]>,
    work: &mut FmWork,
) -> f64 {
    let n_all = batch.len();
    if n_all == 0 {
        return 0.0;
    }
    let chunk = n_all.min(super::mlp_field::CHUNK);
    for v in [
        &mut work.h1,
        &mut work.d1,
        &mut work.h2,
        &mut work.d2,
        &mut work.g,
    ] {
        v.resize(chunk * H, 0.0);
    }
    work.vx.resize(chunk, 0.0);
    work.vy.resize(chunk, 0.0);
    let p = field.params();
    let mut grad = grad;
    if let Some(g) = grad.as_deref_mut() {
        g.fill(0.0);
    }
    let scale = 2.0 / n_all as f64;
    let mut loss = 0.0;
    let mut s = 0;
    while s < n_all {
        let e = (s + super::mlp_field::CHUNK).min(n_all);
        let n = e - s;
        let (h1, d1, h2, d2) = (
            &mut work.h1[..n * H],
            &mut work.d1[..n * H],
            &mut work.h2[..n * H],
            &mut work.d2[..n * H],
        );
        field.hidden(
            &batch.x[s..e],
            &batch.y[s..e],
            &batch.t[s..e],
            h1,
            d1,
            h2,
            d2,
        );
        let (vx, vy) = (&mut work.vx[..n], &mut work.vy[..n]);
        field.output(h2, n, vx, vy);
        // g_v = 2(v − target)/B, kept in vx, vy.
        for b in 0..n {
            let (ex, ey) = (vx[b] - batch.tx[s + b], vy[b] - batch.ty[s + b]);
            loss += ex * ex + ey * ey;
            vx[b] = scale * ex;
            vy[b] = scale * ey;
        }
        let Some(gr) = grad.as_deref_mut() else {
            s = e;
            continue;
        };
        // Output layer.
        for i in 0..H {
            let hr = &h2[i * n..(i + 1) * n];
            gr[W3 + i] += dot16(vx, hr);
            gr[W3 + H + i] += dot16(vy, hr);
        }
        gr[C3] += vx.iter().sum::<f64>();
        gr[C3 + 1] += vy.iter().sum::<f64>();
        // g_a₂ = d₂ ⊙ (W₃ᵀ g_v), in place of d₂.
        for i in 0..H {
            let (a, c) = (p[W3 + i], p[W3 + H + i]);
            let dr = &mut d2[i * n..(i + 1) * n];
            for b in 0..n {
                dr[b] *= a * vx[b] + c * vy[b];
            }
            gr[C2 + i] += dr.iter().sum::<f64>();
        }
        // ∂W₂ = g_a₂ᵀ h₁ (row-major out × in = column-major in × out: h₁ᵀ · g_a₂).
        gemm(
            &mut work.g[..H * H],
            Mat::row(h1, H, n),
            Mat::col(d2, n, H),
            0.0,
        );
        for (g, w) in gr[W2..C2].iter_mut().zip(&work.g[..H * H]) {
            *g += w;
        }
        // g_a₁ = d₁ ⊙ (g_a₂ W₂), in place of h₁ (no longer needed).
        gemm(h1, Mat::col(d2, n, H), Mat::row(&p[W2..C2], H, H), 0.0);
        let (xs, ys, ts) = (&batch.x[s..e], &batch.y[s..e], &batch.t[s..e]);
        for j in 0..H {
            let (gr_j, dr) = (&mut h1[j * n..(j + 1) * n], &d1[j * n..(j + 1) * n]);
            for b in 0..n {
                gr_j[b] *= dr[b];
            }
            gr[W1 + 3 * j] += dot16(gr_j, xs);
            gr[W1 + 3 * j + 1] += dot16(gr_j, ys);
            gr[W1 + 3 * j + 2] += dot16(gr_j, ts);
            gr[C1 + j] += gr_j.iter().sum::<f64>();
        }
        s = e;
    }
    loss / n_all as f64
}

/// The benchmark's deterministic evaluation set `E` (docs/benchmarks.md, "fm_train"):
/// `n` rows, `x₁ = data[i mod len]`, `t = (i + ½)/n`, `x₀` from the R₂ sequence by Box–Muller.
pub fn eval_set(data: &Points, n: usize) -> FmBatch {
    let mut e = FmBatch::default();
    for i in 0..n {
        let k = i % data.len();
        let u1 = (0.5 + (i + 1) as f64 * 0.754_877_666_246_692_7).fract();
        let u2 = (0.5 + (i + 1) as f64 * 0.569_840_290_998_053_2).fract();
        let r = (-2.0 * (1.0 - u1).ln()).sqrt();
        let (s, c) = (2.0 * std::f64::consts::PI * u2).sin_cos();
        e.push(
            [r * c, r * s],
            [data.x[k], data.y[k]],
            (i as f64 + 0.5) / n as f64,
        );
    }
    e
}
