//! The MLP vector field of flow matching (docs/maths/continuous.md, "The MLP field"): input
//! `ξ = [z₁, z₂, t]`, two hidden layers of [`WIDTH`] units, no activation on the output,
//!
//! ```text
//!   a₁ = W₁ξ + c₁,  h₁ = s(a₁)        W₁: 64×3
//!   a₂ = W₂h₁ + c₂, h₂ = s(a₂)        W₂: 64×64
//!   v  = W₃h₂ + c₃                    W₃: 2×64
//! ```
//!
//! with `s` = SiLU (the benchmark's and the reference fits'). Raw parameters, flat and
//! in this order, matrices row-major `out × in`: `W₁ | c₁ | W₂ | c₂ | W₃ | c₃` ([`N_PARAMS`] =
//! 4,546). The exact trace is `tr ∂v/∂z = d₂ᵀ M d₁` with `dᵢ = s′(aᵢ)` and
//! `M = W₂ ∘ (W₃ᵀ W₁[:, :2]ᵀ)` (docs/maths/continuous.md, "Exact trace of the MLP"), computed
//! once per parameter set ([`MlpField::new`]).
//!
//! Batches are feature-major inside (`h[i·n + b]`: unit `i`, point `b`), so the 64×64 products
//! are nalgebra `gemm`s on column-major views ([`crate::core::mlp`]'s helper), in chunks of
//! [`CHUNK`] points.

use rand::Rng;

use super::field::{Field, FieldWork};
use crate::core::fastmath;
use crate::core::mlp::{dot16, gemm, Mat};
use crate::core::num::Vec2;

/// Hidden width.
pub const WIDTH: usize = 64;
const H: usize = WIDTH;
/// Raw parameters: `3H + H + H² + H + 2H + 2`.
pub const N_PARAMS: usize = 3 * H + H + H * H + H + 2 * H + 2;
/// Points per chunk of a batch evaluation.
pub const CHUNK: usize = 256;

const W1: usize = 0;
const C1: usize = 3 * H;
const W2: usize = C1 + H;
const C2: usize = W2 + H * H;
const W3: usize = C2 + H;
const C3: usize = W3 + 2 * H;

/// The hidden activation: SiLU, the benchmark's and the reference fits' (their tanh variant
/// was within ±0.04 nats and is not offered; one activation keeps the app's code small).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// `s(a) = a·σ(a)`.
    Silu,
}

impl Act {
    /// `(s(a), s′(a))`.
    #[inline(always)]
    pub fn value_slope(self, a: f64) -> (f64, f64) {
        match self {
            Act::Silu => silu(a),
        }
    }

    /// `(s(a), s′(a), s″(a))`.
    pub fn derivatives(self, a: f64) -> (f64, f64, f64) {
        match self {
            Act::Silu => {
                let sg = 1.0 / (1.0 + (-a).exp());
                (
                    a * sg,
                    sg * (1.0 + a * (1.0 - sg)),
                    sg * (1.0 - sg) * (2.0 + a * (1.0 - 2.0 * sg)),
                )
            }
        }
    }
}

/// The field with its parameters and the trace matrix `M`.
#[derive(Clone, Debug)]
pub struct MlpField {
    params: Vec<f64>,
    act: Act,
    m: Vec<f64>,
}

impl MlpField {
    /// A field from [`N_PARAMS`] raw parameters (`None` for a wrong length or a non-finite
    /// number).
    pub fn new(params: Vec<f64>, act: Act) -> Option<Self> {
        if params.len() != N_PARAMS || params.iter().any(|p| !p.is_finite()) {
            return None;
        }
        let mut f = MlpField {
            params,
            act,
            m: vec![0.0; H * H],
        };
        f.refresh();
        Some(f)
    }

    /// The raw parameters.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// The activation.
    pub fn act(&self) -> Act {
        self.act
    }

    /// The trace matrix `M` (row-major `H × H`).
    pub fn trace_matrix(&self) -> &[f64] {
        &self.m
    }

    /// Replaces the parameters (same length) and recomputes `M`.
    pub fn set_params(&mut self, params: &[f64]) {
        self.params.copy_from_slice(params);
        self.refresh();
    }

    fn refresh(&mut self) {
        let p = &self.params;
        for i in 0..H {
            let (u0, u1) = (p[W3 + i], p[W3 + H + i]);
            for j in 0..H {
                let c = u0 * p[W1 + 3 * j] + u1 * p[W1 + 3 * j + 1];
                self.m[i * H + j] = p[W2 + i * H + j] * c;
            }
        }
    }

    /// Hidden layers for `n` points with times `ts` (one per point, or one for all): fills
    /// `h1, d1, h2, d2` (feature-major `H × n`).
    pub(crate) fn hidden(
        &self,
        zx: &[f64],
        zy: &[f64],
        ts: &[f64],
        h1: &mut [f64],
        d1: &mut [f64],
        h2: &mut [f64],
        d2: &mut [f64],
    ) {
        match self.act {
            Act::Silu => self.hidden_with(silu, zx, zy, ts, h1, d1, h2, d2),
        }
    }

    /// [`MlpField::hidden`] for one activation, so that every loop is a straight vector loop.
    #[inline(always)]
    fn hidden_with(
        &self,
        act: impl Fn(f64) -> (f64, f64) + Copy,
        zx: &[f64],
        zy: &[f64],
        ts: &[f64],
        h1: &mut [f64],
        d1: &mut [f64],
        h2: &mut [f64],
        d2: &mut [f64],
    ) {
        let n = zx.len();
        let p = &self.params;
        for i in 0..H {
            let (wx, wy, wt, c) = (
                p[W1 + 3 * i],
                p[W1 + 3 * i + 1],
                p[W1 + 3 * i + 2],
                p[C1 + i],
            );
            let (hr, dr) = (&mut h1[i * n..(i + 1) * n], &mut d1[i * n..(i + 1) * n]);
            if ts.len() == 1 {
                let c = c + wt * ts[0];
                for b in 0..n {
                    hr[b] = wx * zx[b] + wy * zy[b] + c;
                }
            } else {
                for b in 0..n {
                    hr[b] = wx * zx[b] + wy * zy[b] + wt * ts[b] + c;
                }
            }
            activate(act, hr, dr);
        }
        // a₂ = h₁ W₂ᵀ (n × H, column-major = feature-major).
        gemm(h2, Mat::col(h1, n, H), w_t(&p[W2..C2]), 0.0);
        for i in 0..H {
            let c = p[C2 + i];
            let (hr, dr) = (&mut h2[i * n..(i + 1) * n], &mut d2[i * n..(i + 1) * n]);
            for v in hr.iter_mut() {
                *v += c;
            }
            activate(act, hr, dr);
        }
    }

    /// The output layer `v = W₃h₂ + c₃` for `n` points.
    pub(crate) fn output(&self, h2: &[f64], n: usize, vx: &mut [f64], vy: &mut [f64]) {
        let p = &self.params;
        vx[..n].fill(p[C3]);
        vy[..n].fill(p[C3 + 1]);
        for i in 0..H {
            let (a, b) = (p[W3 + i], p[W3 + H + i]);
            let hr = &h2[i * n..(i + 1) * n];
            for k in 0..n {
                vx[k] += a * hr[k];
                vy[k] += b * hr[k];
            }
        }
    }

    /// The trace `d₂ᵀ M d₁` for `n` points (`tmp`: `H × n` scratch).
    fn trace(&self, d1: &[f64], d2: &[f64], n: usize, tmp: &mut [f64], tr: &mut [f64]) {
        // T = d₁ Mᵀ (n × H): T[i, b] = Σⱼ M[i, j] d₁[j, b].
        gemm(tmp, Mat::col(d1, n, H), w_t(&self.m), 0.0);
        tr[..n].fill(0.0);
        for i in 0..H {
            let (dr, tr_i) = (&d2[i * n..(i + 1) * n], &tmp[i * n..(i + 1) * n]);
            for b in 0..n {
                tr[b] += dr[b] * tr_i[b];
            }
        }
    }

    /// The hidden pre-activations' slopes and curvatures at one point: `(a₁, a₂)` (for the
    /// point paths: Jacobian, backpropagation of the trace).
    pub(crate) fn point_pre(&self, z: Vec2, t: f64) -> ([f64; H], [f64; H]) {
        let p = &self.params;
        let mut a1 = [0.0; H];
        let mut h1 = [0.0; H];
        for i in 0..H {
            a1[i] =
                p[W1 + 3 * i] * z[0] + p[W1 + 3 * i + 1] * z[1] + p[W1 + 3 * i + 2] * t + p[C1 + i];
            h1[i] = self.act.derivatives(a1[i]).0;
        }
        let mut a2 = [0.0; H];
        for (o, a) in a2.iter_mut().enumerate() {
            *a = p[C2 + o] + dot16(&p[W2 + o * H..W2 + (o + 1) * H], &h1);
        }
        (a1, a2)
    }
}

/// SiLU and its slope, vectorizable.
#[inline(always)]
fn silu(a: f64) -> (f64, f64) {
    let sg = 1.0 / (1.0 + fastmath::exp(-a));
    (a * sg, sg * (1.0 + a * (1.0 - sg)))
}

/// `h ← s(h)`, `d ← s′(h)` over a row (one copy, called per row: the loop inside is what
/// must vectorize, and two inlined copies per layer cost WebAssembly bytes for nothing).
#[inline(never)]
fn activate(act: impl Fn(f64) -> (f64, f64), h: &mut [f64], d: &mut [f64]) {
    for (hv, dv) in h.iter_mut().zip(d.iter_mut()) {
        let (s, ds) = act(*hv);
        *hv = s;
        *dv = ds;
    }
}

/// `Wᵀ` of a row-major `H × H` matrix as a column-major view (`rows = in`, `cols = out`).
fn w_t(w: &[f64]) -> Mat<'_> {
    Mat {
        d: w,
        rows: H,
        cols: H,
        rs: 1,
        cs: H,
    }
}

impl Field for MlpField {
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
        let n = zx.len();
        let chunk = n.min(CHUNK);
        let [h1, d1, h2, d2, tmp, _] = work.take(chunk * H);
        let mut s = 0;
        while s < n {
            let e = (s + CHUNK).min(n);
            let c = e - s;
            let (h1, d1, h2, d2, tmp) = (
                &mut h1[..c * H],
                &mut d1[..c * H],
                &mut h2[..c * H],
                &mut d2[..c * H],
                &mut tmp[..c * H],
            );
            self.hidden(&zx[s..e], &zy[s..e], &[t], h1, d1, h2, d2);
            self.output(h2, c, &mut vx[s..e], &mut vy[s..e]);
            self.trace(d1, d2, c, tmp, &mut tr[s..e]);
            s = e;
        }
    }

    fn jacobian(&self, z: Vec2, t: f64) -> [Vec2; 2] {
        let p = &self.params;
        let (a1, a2) = self.point_pre(z, t);
        let d1: Vec<f64> = a1.iter().map(|&a| self.act.derivatives(a).1).collect();
        let d2: Vec<f64> = a2.iter().map(|&a| self.act.derivatives(a).1).collect();
        let mut jac = [[0.0; 2]; 2];
        for j in 0..2 {
            let dh1: Vec<f64> = (0..H).map(|i| d1[i] * p[W1 + 3 * i + j]).collect();
            for o in 0..H {
                let dh2 = d2[o] * dot16(&p[W2 + o * H..W2 + (o + 1) * H], &dh1);
                jac[0][j] += p[W3 + o] * dh2;
                jac[1][j] += p[W3 + H + o] * dh2;
            }
        }
        jac
    }
}

/// Initial parameters `U(±1/√fan_in)` (fan-in 3 for `W₁, c₁`, [`WIDTH`] for the rest: PyTorch's
/// default).
pub fn init_params<R: Rng + ?Sized>(rng: &mut R) -> Vec<f64> {
    let mut p = vec![0.0; N_PARAMS];
    for (k, v) in p.iter_mut().enumerate() {
        let lim = 1.0 / fan_in(k).sqrt();
        *v = lim * (2.0 * rng.random::<f64>() - 1.0);
    }
    p
}

fn fan_in(k: usize) -> f64 {
    if k < W2 {
        3.0
    } else {
        H as f64
    }
}

/// The benchmark's deterministic parameters `P` (SplitMix64 from state 0; docs/benchmarks.md,
/// "cnf_grid"): `(2u − 1)/√fan_in` with `u` the top 53 bits of each output.
pub fn splitmix_params() -> Vec<f64> {
    let mut s: u64 = 0;
    (0..N_PARAMS)
        .map(|k| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let u = (z >> 11) as f64 / (1u64 << 53) as f64;
            (2.0 * u - 1.0) / fan_in(k).sqrt()
        })
        .collect()
}

/// Offsets of the blocks, for the training code.
pub(crate) mod layout {
    pub const W1: usize = super::W1;
    pub const C1: usize = super::C1;
    pub const W2: usize = super::W2;
    pub const C2: usize = super::C2;
    pub const W3: usize = super::W3;
    pub const C3: usize = super::C3;
    pub const H: usize = super::H;
}

impl crate::core::cnf::field::FieldVjp for MlpField {
    fn n_params(&self) -> usize {
        N_PARAMS
    }

    /// `ℓ = g_vᵀv + g_tr·d₂ᵀMd₁` at one point (docs/maths/continuous.md, "Maximum likelihood
    /// with the MLP field"): the output layer's usual terms, the trace's through `s″` and
    /// through `M = W₂ ∘ C`, `C = W₃ᵀW₁[:, :2]ᵀ`.
    fn vjp_point(&self, z: Vec2, t: f64, g_v: Vec2, g_tr: f64, grad: &mut [f64]) -> Vec2 {
        let p = &self.params;
        let (a1, a2) = self.point_pre(z, t);
        let mut h1 = [0.0; H];
        let (mut d1, mut e1) = ([0.0; H], [0.0; H]);
        for i in 0..H {
            (h1[i], d1[i], e1[i]) = self.act.derivatives(a1[i]);
        }
        let (mut h2, mut d2, mut e2) = ([0.0; H], [0.0; H], [0.0; H]);
        for i in 0..H {
            (h2[i], d2[i], e2[i]) = self.act.derivatives(a2[i]);
        }
        // q₂ = M d₁, q₁ = Mᵀ d₂.
        let (mut q1, mut q2) = ([0.0; H], [0.0; H]);
        for i in 0..H {
            let row = &self.m[i * H..(i + 1) * H];
            q2[i] = dot16(row, &d1);
            for k in 0..H {
                q1[k] += row[k] * d2[i];
            }
        }
        // Output layer.
        for i in 0..H {
            grad[W3 + i] += g_v[0] * h2[i];
            grad[W3 + H + i] += g_v[1] * h2[i];
        }
        grad[C3] += g_v[0];
        grad[C3 + 1] += g_v[1];
        // Through M: G[i][k] = g_tr d₂ᵢ d₁ₖ; ∂W₂ += G ∘ C; ∂C = G ∘ W₂ → W₃ and W₁[:, :2].
        let (mut gw3, mut gw1) = ([[0.0; H]; 2], [[0.0; 2]; H]);
        for i in 0..H {
            let gi = g_tr * d2[i];
            if gi == 0.0 {
                continue;
            }
            let (u0, u1) = (p[W3 + i], p[W3 + H + i]);
            let (mut s0, mut s1) = (0.0, 0.0);
            for k in 0..H {
                let g = gi * d1[k];
                let (w0, w1) = (p[W1 + 3 * k], p[W1 + 3 * k + 1]);
                let w2 = p[W2 + i * H + k];
                grad[W2 + i * H + k] += g * (u0 * w0 + u1 * w1);
                let gc = g * w2;
                s0 += gc * w0;
                s1 += gc * w1;
                gw1[k][0] += gc * u0;
                gw1[k][1] += gc * u1;
            }
            gw3[0][i] += s0;
            gw3[1][i] += s1;
        }
        for i in 0..H {
            grad[W3 + i] += gw3[0][i];
            grad[W3 + H + i] += gw3[1][i];
            grad[W1 + 3 * i] += gw1[i][0];
            grad[W1 + 3 * i + 1] += gw1[i][1];
        }
        // Second layer: g_a₂ = d₂ ⊙ (W₃ᵀg_v) + g_tr q₂ ⊙ s″(a₂).
        let mut g_a2 = [0.0; H];
        for i in 0..H {
            g_a2[i] = d2[i] * (p[W3 + i] * g_v[0] + p[W3 + H + i] * g_v[1]) + g_tr * q2[i] * e2[i];
            grad[C2 + i] += g_a2[i];
        }
        let mut g_h1 = [0.0; H];
        for i in 0..H {
            let g = g_a2[i];
            if g == 0.0 {
                continue;
            }
            let row = &p[W2 + i * H..W2 + (i + 1) * H];
            for k in 0..H {
                grad[W2 + i * H + k] += g * h1[k];
                g_h1[k] += g * row[k];
            }
        }
        // First layer: g_a₁ = d₁ ⊙ g_h₁ + g_tr q₁ ⊙ s″(a₁).
        let mut gz = [0.0; 2];
        for k in 0..H {
            let g = d1[k] * g_h1[k] + g_tr * q1[k] * e1[k];
            grad[W1 + 3 * k] += g * z[0];
            grad[W1 + 3 * k + 1] += g * z[1];
            grad[W1 + 3 * k + 2] += g * t;
            grad[C1 + k] += g;
            gz[0] += g * p[W1 + 3 * k];
            gz[1] += g * p[W1 + 3 * k + 1];
        }
        gz
    }
}
