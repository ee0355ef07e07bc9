//! Flow matching's loss and gradient in `f32` (docs/maths/continuous.md, "Flow matching"): the
//! same passes as [`super::fm::loss_grad`], at twice the vector width. The reference fits train
//! in `f32` too; the parameters, Adam and every reported number stay `f64` (the parameters are
//! rounded to `f32` for each step, and the gradient, summed in `f32`, is handed back as `f64`).
//! `tests/core_cnf.rs` compares it with the `f64` pass, itself checked by central differences.

use super::fm::FmBatch;
use super::mlp_fast::{gemm32, sgemm, silu_rows32};
use super::mlp_field::layout::*;
use super::mlp_field::CHUNK;

/// Buffers of one `f32` pass (grown on demand).
#[derive(Clone, Debug, Default)]
pub struct FmWork32 {
    p: Vec<f32>,
    x: Vec<f32>,
    y: Vec<f32>,
    t: Vec<f32>,
    h1: Vec<f32>,
    d1: Vec<f32>,
    h2: Vec<f32>,
    d2: Vec<f32>,
    vx: Vec<f32>,
    vy: Vec<f32>,
    g: Vec<f32>,
    acc: Vec<f32>,
}

/// The loss of `batch` at `params` and, if `grad` is given, its gradient (overwritten; length
/// `mlp_field::N_PARAMS`), computed in `f32`. Chunked by [`CHUNK`] rows.
pub fn loss_grad32(
    params: &[f64],
    batch: &FmBatch,
    grad: Option<&mut [f64]>,
    w: &mut FmWork32,
) -> f64 {
    let n_all = batch.len();
    if n_all == 0 {
        return 0.0;
    }
    w.p.clear();
    w.p.extend(params.iter().map(|&v| v as f32));
    let chunk = n_all.min(CHUNK);
    for v in [&mut w.h1, &mut w.d1, &mut w.h2, &mut w.d2] {
        v.resize(chunk * H, 0.0);
    }
    for v in [&mut w.x, &mut w.y, &mut w.t, &mut w.vx, &mut w.vy] {
        v.resize(chunk, 0.0);
    }
    w.g.resize(H * H, 0.0);
    let want_grad = grad.is_some();
    w.acc.clear();
    w.acc.resize(if want_grad { params.len() } else { 0 }, 0.0);
    let scale = 2.0 / n_all as f32;
    let mut loss = 0.0f64;
    let mut s = 0;
    while s < n_all {
        let e = (s + CHUNK).min(n_all);
        let n = e - s;
        let p = &w.p;
        for (dst, src) in [
            (&mut w.x, &batch.x),
            (&mut w.y, &batch.y),
            (&mut w.t, &batch.t),
        ] {
            for (d, &v) in dst[..n].iter_mut().zip(&src[s..e]) {
                *d = v as f32;
            }
        }
        let (xs, ys, ts) = (&w.x[..n], &w.y[..n], &w.t[..n]);
        let (h1, d1, h2, d2) = (
            &mut w.h1[..n * H],
            &mut w.d1[..n * H],
            &mut w.h2[..n * H],
            &mut w.d2[..n * H],
        );
        // Forward: a₁ = W₁[x, y, t] + c₁, h₁ = s(a₁); a₂ = W₂h₁ + c₂, h₂ = s(a₂); v = W₃h₂ + c₃.
        for i in 0..H {
            let (wx, wy, wt, c) = (
                p[W1 + 3 * i],
                p[W1 + 3 * i + 1],
                p[W1 + 3 * i + 2],
                p[C1 + i],
            );
            let hr = &mut h1[i * n..(i + 1) * n];
            for b in 0..n {
                hr[b] = wx * xs[b] + wy * ys[b] + wt * ts[b] + c;
            }
            silu_rows32(hr, &mut d1[i * n..(i + 1) * n]);
        }
        gemm32(h2, h1, &p[W2..C2], n);
        for i in 0..H {
            let c = p[C2 + i];
            let hr = &mut h2[i * n..(i + 1) * n];
            for v in hr.iter_mut() {
                *v += c;
            }
            silu_rows32(hr, &mut d2[i * n..(i + 1) * n]);
        }
        let (vx, vy) = (&mut w.vx[..n], &mut w.vy[..n]);
        vx.fill(p[C3]);
        vy.fill(p[C3 + 1]);
        for i in 0..H {
            let (a, c) = (p[W3 + i], p[W3 + H + i]);
            let hr = &h2[i * n..(i + 1) * n];
            for b in 0..n {
                vx[b] += a * hr[b];
                vy[b] += c * hr[b];
            }
        }
        // g_v = 2(v − target)/B, kept in vx, vy; the loss summed in f64.
        for b in 0..n {
            let (ex, ey) = (
                vx[b] - batch.tx[s + b] as f32,
                vy[b] - batch.ty[s + b] as f32,
            );
            loss += (ex * ex + ey * ey) as f64;
            vx[b] = scale * ex;
            vy[b] = scale * ey;
        }
        if !want_grad {
            s = e;
            continue;
        }
        let gr = &mut w.acc;
        // Output layer.
        for i in 0..H {
            let hr = &h2[i * n..(i + 1) * n];
            gr[W3 + i] += dot(vx, hr);
            gr[W3 + H + i] += dot(vy, hr);
        }
        gr[C3] += vx.iter().sum::<f32>();
        gr[C3 + 1] += vy.iter().sum::<f32>();
        // g_a₂ = d₂ ⊙ (W₃ᵀ g_v), in place of d₂.
        for i in 0..H {
            let (a, c) = (p[W3 + i], p[W3 + H + i]);
            let dr = &mut d2[i * n..(i + 1) * n];
            for b in 0..n {
                dr[b] *= a * vx[b] + c * vy[b];
            }
            gr[C2 + i] += dr.iter().sum::<f32>();
        }
        // ∂W₂[o, i] = Σ_b g_a₂[o, b] h₁[i, b]: as a column-major H × H matrix, h₁ᵀ · g_a₂.
        sgemm(&mut w.g[..H * H], (h1, H, n, n, 1), (d2, n, H, 1, n));
        for (g, v) in gr[W2..C2].iter_mut().zip(&w.g[..H * H]) {
            *g += v;
        }
        // g_a₁ = d₁ ⊙ (g_a₂ W₂), in place of h₁ (no longer needed).
        sgemm(h1, (d2, n, H, 1, n), (&p[W2..C2], H, H, H, 1));
        for j in 0..H {
            let (gj, dr) = (&mut h1[j * n..(j + 1) * n], &d1[j * n..(j + 1) * n]);
            for b in 0..n {
                gj[b] *= dr[b];
            }
            gr[W1 + 3 * j] += dot(gj, xs);
            gr[W1 + 3 * j + 1] += dot(gj, ys);
            gr[W1 + 3 * j + 2] += dot(gj, ts);
            gr[C1 + j] += gj.iter().sum::<f32>();
        }
        s = e;
    }
    if let Some(g) = grad {
        for (d, &v) in g.iter_mut().zip(&w.acc) {
            *d = v as f64;
        }
    }
    loss / n_all as f64
}

/// `Σ aᵢbᵢ` in eight lanes (a vector loop).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}
