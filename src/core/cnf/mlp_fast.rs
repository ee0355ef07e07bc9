//! The MLP field in mixed precision for pictures and the benchmark's grid
//! (docs/maths/continuous.md, "Mixed precision for pictures"): the hidden layers, the two 64 × 64 products
//! (`W₂h₁` and the trace's `M d₁`) and the activations in `f32`, the solver's state `[z, A]`,
//! inputs and outputs in `f64`. Per evaluation it does what [`MlpField`] does, at twice the
//! vector width; `tests/core_cnf.rs` bounds the difference (log-densities within ~1e−5).
//!
//! SiLU in `f32` through `σ(a) = ½ + ½ tanh(a/2)` with [`fastmath::tanh_pair_f32`] (one division
//! for two units).

#[cfg(not(target_arch = "wasm32"))]
use nalgebra::{DMatrixView, DMatrixViewMut};

use super::field::{Field, FieldWork};
use super::mlp_field::{layout::*, Act, MlpField};
use super::mlp_panel::{panel, Panel, P};
use crate::core::fastmath;
use crate::core::num::Vec2;

/// [`MlpField`]'s parameters and trace matrix in `f32`.
#[derive(Clone, Debug)]
pub struct MlpFast {
    p: Vec<f32>,
    m: Vec<f32>,
    /// `W₂` and `M` as rows, for the native panels ([`super::mlp_panel`]).
    w2_rows: Vec<[f32; H]>,
    m_rows: Vec<[f32; H]>,
    /// Native builds evaluate by panels; wasm32 (and [`MlpFast::gemm_path`]) by `gemm32`.
    panels: bool,
    act: Act,
    exact: MlpField,
}

/// Smallest dimension handed to nalgebra's `gemm` (as `mlp::GEMM_MIN_DIM`).
const GEMM_MIN: usize = 8;

impl MlpFast {
    /// The mixed-precision twin of `field`.
    pub fn new(field: &MlpField) -> Self {
        let p: Vec<f32> = field.params().iter().map(|&v| v as f32).collect();
        let m: Vec<f32> = field.trace_matrix().iter().map(|&v| v as f32).collect();
        let rows = |v: &[f32]| -> Vec<[f32; H]> { v.as_chunks::<H>().0.to_vec() };
        MlpFast {
            w2_rows: rows(&p[W2..C2]),
            m_rows: rows(&m),
            p,
            m,
            panels: cfg!(not(target_arch = "wasm32")),
            act: field.act(),
            exact: field.clone(),
        }
    }

    /// The same field evaluated as on wasm32 (chunks through `gemm32`): what native tests
    /// compare the panels with.
    pub fn gemm_path(mut self) -> Self {
        self.panels = false;
        self
    }

    /// The native evaluation: panels of [`mlp_panel::P`] points (the last one padded).
    fn eval_panels(&self, t: f32, zx: &[f64], zy: &[f64], out: [&mut [f64]; 3], w: &mut FieldWork) {
        let [b0, b1, ..] = w.take32(H * P);
        let mut buf = Panel::new(b0, b1);
        let [vx, vy, tr] = out;
        let n = zx.len();
        let mut s = 0;
        while s < n {
            let k = (n - s).min(P);
            let (mut x, mut y) = ([0f32; P], [0f32; P]);
            for l in 0..k {
                x[l] = zx[s + l] as f32;
                y[l] = zy[s + l] as f32;
            }
            let [ox, oy, ot] = panel(&self.p, &self.w2_rows, &self.m_rows, t, &x, &y, &mut buf);
            for l in 0..k {
                vx[s + l] = ox[l] as f64;
                vy[s + l] = oy[l] as f64;
                tr[s + l] = ot[l] as f64;
            }
            s += k;
        }
    }

    fn chunk(&self, zx: &[f64], zy: &[f64], t: f32, out: [&mut [f64]; 3], b: &mut [Vec<f32>; 5]) {
        let n = zx.len();
        let p = &self.p;
        let [h1, d1, h2, d2, tmp] = b;
        let (h1, d1, h2, d2, tmp) = (
            &mut h1[..n * H],
            &mut d1[..n * H],
            &mut h2[..n * H],
            &mut d2[..n * H],
            &mut tmp[..n * H],
        );
        let (x32, y32): (Vec<f32>, Vec<f32>) = zx
            .iter()
            .zip(zy)
            .map(|(&x, &y)| (x as f32, y as f32))
            .unzip();
        for i in 0..H {
            let (wx, wy) = (p[W1 + 3 * i], p[W1 + 3 * i + 1]);
            let c = p[C1 + i] + p[W1 + 3 * i + 2] * t;
            let hr = &mut h1[i * n..(i + 1) * n];
            for k in 0..n {
                hr[k] = wx * x32[k] + wy * y32[k] + c;
            }
            self.activate(hr, &mut d1[i * n..(i + 1) * n]);
        }
        gemm32(h2, h1, &p[W2..C2], n);
        for i in 0..H {
            let c = p[C2 + i];
            let hr = &mut h2[i * n..(i + 1) * n];
            for v in hr.iter_mut() {
                *v += c;
            }
            self.activate(hr, &mut d2[i * n..(i + 1) * n]);
        }
        let [vx, vy, tr] = out;
        let (mut ax, mut ay) = (vec![p[C3]; n], vec![p[C3 + 1]; n]);
        for i in 0..H {
            let (a, c) = (p[W3 + i], p[W3 + H + i]);
            let hr = &h2[i * n..(i + 1) * n];
            for k in 0..n {
                ax[k] += a * hr[k];
                ay[k] += c * hr[k];
            }
        }
        gemm32(tmp, d1, &self.m, n);
        let mut at = vec![0.0f32; n];
        for i in 0..H {
            let (dr, tr_i) = (&d2[i * n..(i + 1) * n], &tmp[i * n..(i + 1) * n]);
            for k in 0..n {
                at[k] += dr[k] * tr_i[k];
            }
        }
        for k in 0..n {
            vx[k] = ax[k] as f64;
            vy[k] = ay[k] as f64;
            tr[k] = at[k] as f64;
        }
    }

    /// `h ← s(h)`, `d ← s′(h)` over a row (one copy, as [`MlpField`]'s).
    fn activate(&self, h: &mut [f32], d: &mut [f32]) {
        match self.act {
            Act::Silu => silu_rows32(h, d),
        }
    }
}

/// SiLU over a row in `f32`: `h ← s(h)`, `d ← s′(h)` (also flow matching's `f32` step,
/// `fm32.rs`).
#[inline(never)]
pub(crate) fn silu_rows32(h: &mut [f32], d: &mut [f32]) {
    let mut hp = h.chunks_exact_mut(2);
    let mut dp = d.chunks_exact_mut(2);
    for (hh, dd) in (&mut hp).zip(&mut dp) {
        let (ta, tb) = fastmath::tanh_pair_f32(0.5 * hh[0], 0.5 * hh[1]);
        let (sa, sb) = (0.5 + 0.5 * ta, 0.5 + 0.5 * tb);
        dd[0] = sa * (1.0 + hh[0] * (1.0 - sa));
        dd[1] = sb * (1.0 + hh[1] * (1.0 - sb));
        hh[0] *= sa;
        hh[1] *= sb;
    }
    for (hh, dd) in hp.into_remainder().iter_mut().zip(dp.into_remainder()) {
        let (ta, _) = fastmath::tanh_pair_f32(0.5 * *hh, 0.0);
        let s = 0.5 + 0.5 * ta;
        *dd = s * (1.0 + *hh * (1.0 - s));
        *hh *= s;
    }
}

/// A strided `f32` matrix: `(data, rows, cols, row stride, column stride)`.
pub(crate) type View32<'a> = super::gemm_wasm::View<'a>;

/// `y ← a·b` with `y` column-major `a.rows × b.cols`, whatever the operands' layouts: on
/// WebAssembly the SIMD128 kernel of [`super::gemm_wasm`] (`matrixmultiply` has none there),
/// elsewhere one instantiation of nalgebra's `gemm` (→ `matrixmultiply`'s `sgemm`).
#[cfg(target_arch = "wasm32")]
pub(crate) fn sgemm(y: &mut [f32], a: View32, b: View32) {
    super::gemm_wasm::gemm(y, a, b, &mut super::gemm_wasm::GemmWork::default());
}

/// `y ← a·b` with `y` column-major `a.rows × b.cols`: one instantiation of nalgebra's `gemm`
/// (→ `matrixmultiply`'s `sgemm`) for every `f32` product, whatever the operands' layouts.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn sgemm(y: &mut [f32], a: View32, b: View32) {
    let av = DMatrixView::from_slice_with_strides(a.0, a.1, a.2, a.3, a.4);
    let bv = DMatrixView::from_slice_with_strides(b.0, b.1, b.2, b.3, b.4);
    let mut yv = DMatrixViewMut::from_slice(y, a.1, b.2);
    yv.gemm(1.0, &av, &bv, 0.0);
}

/// `y ← x Wᵀ` for `x` column-major `n × H` and `W` row-major `H × H` (so `y[o, b] = Σᵢ W[o, i]
/// x[i, b]`, feature-major like `x`).
pub(crate) fn gemm32(y: &mut [f32], x: &[f32], w: &[f32], n: usize) {
    if n >= GEMM_MIN {
        sgemm(&mut y[..n * H], (x, n, H, 1, n), (w, H, H, 1, H));
        return;
    }
    y[..n * H].fill(0.0);
    for o in 0..H {
        for i in 0..H {
            let c = w[o * H + i];
            for b in 0..n {
                y[o * n + b] += c * x[i * n + b];
            }
        }
    }
}

impl Field for MlpFast {
    fn eval(
        &self,
        t: f64,
        zx: &[f64],
        zy: &[f64],
        vx: &mut [f64],
        vy: &mut [f64],
        tr: &mut [f64],
        work: &mut FieldWork,
    ) {
        // `cfg!` first: on wasm32 the panels are dead code and stay out of the bundle.
        if cfg!(not(target_arch = "wasm32")) && self.panels {
            self.eval_panels(t as f32, zx, zy, [vx, vy, tr], work);
            return;
        }
        let n = zx.len();
        let chunk = n.min(super::mlp_field::CHUNK);
        let bufs = work.take32(chunk * H);
        let mut s = 0;
        while s < n {
            let e = (s + chunk).min(n);
            self.chunk(
                &zx[s..e],
                &zy[s..e],
                t as f32,
                [&mut vx[s..e], &mut vy[s..e], &mut tr[s..e]],
                bufs,
            );
            s = e;
        }
    }

    fn jacobian(&self, z: Vec2, t: f64) -> [Vec2; 2] {
        self.exact.jacobian(z, t)
    }
}
