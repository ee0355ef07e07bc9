//! Coupling layers in 2-D (Dinh, Sohl-Dickstein & Bengio, *Density estimation using Real NVP*,
//! ICLR 2017: the affine coupling layer, its triangular Jacobian and closed-form inverse;
//! docs/maths/coupling-affine.md), and the affine transformer.
//!
//! A coupling layer **keeps** one coordinate `a` and transforms the other, `b`, by a monotone
//! scalar map whose parameters the conditioner MLP ([`super::mlp`]) computes from `x_a`:
//!
//! ```text
//!   o = MLP(x_a),   y_a = x_a,   y_b = τ(x_b; o),   log|det J| = log τ'(x_b; o)
//!   inverse: x_a = y_a, o = MLP(y_a), x_b = τ⁻¹(y_b; o)      (closed form, same MLP)
//! ```
//!
//! The transformer `τ` is a [`Transformer`]: [`AffineTransformer`] here (RealNVP), the
//! rational-quadratic spline in [`super::spline`]. **Both directions are cheap**: each costs one
//! MLP evaluation; only the transformer differs.
//!
//! **Affine transformer** (`P = 2` outputs `(ŝ, μ)`, soft clamp `S = 3`,
//! docs/maths/coupling-affine.md, "Affine transformer"): `s = 3·tanh(ŝ/3)`, `y_b = x_b·e^{s} + μ`,
//! `log|det J| = s`, `x_b = (y_b − μ)·e^{−s}`. It cannot overflow (`|s| < 3`: each layer scales by
//! at most e³ ≈ 20). Fractional layer (docs/maths/coupling-affine.md, "Fractional layer"):
//! `s → t·s`, `μ → t·μ`, so `det = e^{ts} ≥ e^{−3}`, the log-density changes linearly in `t`, and
//! `t = 0` is exactly the identity.
//!
//! **Which coordinate is kept** is part of the layer's kind ([`Keep`], carried by
//! `LayerKind::Affine(keep)` / `LayerKind::Spline(keep)`), not derived from the layer's position:
//! a stack's kinds and flat parameters then define its function completely (links, model files,
//! inserting or deleting a layer in the editor never silently flips another layer). The stack
//! patterns ([`super::stack::StackPattern`]) alternate it by position as in
//! the benchmark scenarios (docs/benchmarks.md): layer `i` keeps coordinate `i mod 2`.
//!
//! **Parameters.** A coupling layer's raw parameters are its conditioner's (1,186 for affine,
//! 1,879 for the spline), so [`Coupling`] and [`CouplingMap`] own them in a `Vec<f64>`: the
//! owned [`crate::core::Layer`] / [`crate::core::LayerMap`] are therefore `Clone`, not `Copy`.
//! Raw values are sanitized when copied in (NaN → 0, clamped to ±[`RAW_PARAM_LIMIT`]), as the
//! other kinds do when they read theirs. [`CouplingMap::assign`] refills an existing map's buffer
//! in place, which is how the flow's workspace and the training tape rebuild maps every call
//! without allocating. Batch methods take an [`MlpActs`] scratch (`*_with`); the plain
//! `forward_batch`/`inverse_batch` of the `LayerMap` API allocate one per call.

use std::fmt::Debug;
use std::marker::PhantomData;

use super::fastmath;
use super::mlp::{self, Mlp, MlpActs, MlpGrads};
use super::num::Vec2;
use super::num::RAW_PARAM_LIMIT;

/// Which coordinate a coupling layer keeps (conditions on); it transforms the other one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keep {
    /// Keeps `x` (index 0), transforms `y`.
    X,
    /// Keeps `y` (index 1), transforms `x`.
    Y,
}

impl Keep {
    /// Index of the kept coordinate (0 = x, 1 = y).
    pub const fn index(self) -> usize {
        match self {
            Keep::X => 0,
            Keep::Y => 1,
        }
    }

    /// Index of the transformed coordinate.
    pub const fn transformed(self) -> usize {
        1 - self.index()
    }

    /// The alternation of the benchmark scenarios (docs/benchmarks.md): layer `i` keeps coordinate
    /// `i mod 2`.
    pub const fn at_position(i: usize) -> Keep {
        if i.is_multiple_of(2) {
            Keep::X
        } else {
            Keep::Y
        }
    }

    /// `"x"` or `"y"`.
    pub const fn letter(self) -> &'static str {
        match self {
            Keep::X => "x",
            Keep::Y => "y",
        }
    }
}

/// The elementwise monotone map of a coupling layer, given the conditioner's outputs.
///
/// Batch methods see the outputs feature-major: output `r` of point `j` is `o[r·n + j]` with
/// `n` the batch length.
pub trait Transformer: Clone + Copy + Debug + PartialEq + Default + 'static {
    /// Conditioner outputs per point (`P`).
    const OUTPUTS: usize;
    /// Exact scalar forward at fraction `t`: `(τ(x), log τ'(x))`.
    fn forward(o: &[f64], x: f64, t: f64) -> (f64, f64);
    /// Exact scalar inverse at fraction `t`: `(τ⁻¹(y), log τ'(τ⁻¹(y)))`.
    fn inverse(o: &[f64], y: f64, t: f64) -> (f64, f64);
    /// Batch forward in place on `xb`, multiplying `det` by `τ'`.
    fn forward_batch(o: &[f64], xb: &mut [f64], det: &mut [f64], t: f64);
    /// Batch inverse in place on `yb`.
    fn inverse_batch(o: &[f64], yb: &mut [f64], t: f64);
    /// Batch backward at `t = 1`: `gb` holds `∂ℓ/∂y_b` on entry and `∂ℓ/∂x_b` on exit; `g_l` is
    /// the batch-constant `∂ℓ/∂(log τ')`; writes `∂ℓ/∂o` into `g_out` (`P × n`).
    fn backward_batch(o: &[f64], xb: &[f64], gb: &mut [f64], g_l: f64, g_out: &mut [f64]);
    /// An upper bound on `|log τ'|` anywhere at fraction `t` for this conditioner.
    fn log_det_bound(mlp: &Mlp, t: f64) -> f64;
}

/// Soft clamp of the affine log-scale: `s = S·tanh(ŝ/S)`.
pub const AFFINE_CLAMP: f64 = 3.0;

/// RealNVP's affine transformer with the soft clamp (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct AffineTransformer;

impl Transformer for AffineTransformer {
    const OUTPUTS: usize = 2;

    fn forward(o: &[f64], x: f64, t: f64) -> (f64, f64) {
        let s = t * AFFINE_CLAMP * (o[0] / AFFINE_CLAMP).tanh();
        (x * s.exp() + t * o[1], s)
    }

    fn inverse(o: &[f64], y: f64, t: f64) -> (f64, f64) {
        let s = t * AFFINE_CLAMP * (o[0] / AFFINE_CLAMP).tanh();
        ((y - t * o[1]) * (-s).exp(), s)
    }

    fn forward_batch(o: &[f64], xb: &mut [f64], det: &mut [f64], t: f64) {
        let n = xb.len();
        let (sh, mu) = (&o[..n], &o[n..2 * n]);
        let ts = t * AFFINE_CLAMP;
        for (((x, d), sh), mu) in xb.iter_mut().zip(det.iter_mut()).zip(sh).zip(mu) {
            let e = fastmath::exp(ts * fastmath::tanh(sh * (1.0 / AFFINE_CLAMP)));
            *x = *x * e + t * mu;
            *d *= e;
        }
    }

    fn inverse_batch(o: &[f64], yb: &mut [f64], t: f64) {
        let n = yb.len();
        let (sh, mu) = (&o[..n], &o[n..2 * n]);
        let ts = t * AFFINE_CLAMP;
        for ((y, sh), mu) in yb.iter_mut().zip(sh).zip(mu) {
            let e = fastmath::exp(-ts * fastmath::tanh(sh * (1.0 / AFFINE_CLAMP)));
            *y = (*y - t * mu) * e;
        }
    }

    fn backward_batch(o: &[f64], xb: &[f64], gb: &mut [f64], g_l: f64, g_out: &mut [f64]) {
        // docs/maths/coupling-affine.md, "Backward pass", at t = 1: g_s = g_y·x·e^s + g_L,
        // g_μ = g_y, g_x = g_y·e^s, g_ŝ = g_s·(1 − tanh²(ŝ/S)).
        let n = xb.len();
        let (sh, _) = o[..2 * n].split_at(n);
        let (g_sh, g_mu) = g_out[..2 * n].split_at_mut(n);
        for i in 0..n {
            let th = fastmath::tanh(sh[i] * (1.0 / AFFINE_CLAMP));
            let e = fastmath::exp(AFFINE_CLAMP * th);
            let gy = gb[i];
            let g_s = gy * xb[i] * e + g_l;
            g_sh[i] = g_s * (1.0 - th * th);
            g_mu[i] = gy;
            gb[i] = gy * e;
        }
    }

    fn log_det_bound(_: &Mlp, t: f64) -> f64 {
        t * AFFINE_CLAMP
    }
}

/// Copies raw parameters, NaN → 0 and clamped to ±[`RAW_PARAM_LIMIT`].
fn sanitize_into(dst: &mut Vec<f64>, src: &[f64]) {
    dst.clear();
    dst.extend(src.iter().map(|&x| {
        if x.is_nan() {
            0.0
        } else {
            x.clamp(-RAW_PARAM_LIMIT, RAW_PARAM_LIMIT)
        }
    }));
}

/// A coupling layer's raw parameters (its conditioner's, module docs) and kept coordinate.
#[derive(Clone, Debug, PartialEq)]
pub struct Coupling<T> {
    /// The coordinate kept.
    pub keep: Keep,
    params: Vec<f64>,
    _t: PhantomData<T>,
}

/// A coupling layer's map at fraction `t` (owns a copy of the parameters).
#[derive(Clone, Debug, PartialEq)]
pub struct CouplingMap<T> {
    /// The coordinate kept.
    pub keep: Keep,
    params: Vec<f64>,
    /// The fraction `t ∈ [0, 1]`.
    pub t: f64,
    bound: f64,
    _t: PhantomData<T>,
}

/// The affine coupling layer (RealNVP).
pub type AffineCoupling = Coupling<AffineTransformer>;
/// The affine coupling layer's map.
pub type AffineCouplingMap = CouplingMap<AffineTransformer>;

fn clamp_t(t: f64) -> f64 {
    if t.is_nan() {
        1.0
    } else {
        t.clamp(0.0, 1.0)
    }
}

impl<T: Transformer> Coupling<T> {
    /// Number of raw parameters (the conditioner's).
    pub const N_PARAMS: usize = mlp::n_params(T::OUTPUTS);

    /// Reads the layer from the front of `p` (`len ≥ N_PARAMS`; sanitized copy).
    pub fn from_params(keep: Keep, p: &[f64]) -> Self {
        let mut params = Vec::with_capacity(Self::N_PARAMS);
        sanitize_into(&mut params, &p[..Self::N_PARAMS]);
        Coupling {
            keep,
            params,
            _t: PhantomData,
        }
    }

    /// The raw parameters.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// Writes the raw parameters to the front of `out`.
    pub fn write_params(&self, out: &mut [f64]) {
        out[..self.params.len()].copy_from_slice(&self.params);
    }

    /// The conditioner.
    pub fn mlp(&self) -> Mlp<'_> {
        Mlp::new(&self.params, T::OUTPUTS)
    }

    /// The map at fraction `t ∈ [0, 1]` (clamped; NaN means 1).
    pub fn map(&self, t: f64) -> CouplingMap<T> {
        CouplingMap::new(self.keep, &self.params, t)
    }

    /// `(f(z), log|det ∂f/∂z|)`.
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        self.map(1.0).forward(z)
    }

    /// Exact inverse; `None` only for non-finite input.
    pub fn inverse(&self, y: Vec2) -> Option<Vec2> {
        self.map(1.0).inverse_point(y)
    }

    /// Backward pass at one point for upstream `g_y`, `g_l`: adds the conditioner's raw
    /// gradient into `grads[..N_PARAMS]`, returns `∂ℓ/∂z` (the training kernels with `n = 1`:
    /// mixed precision on WebAssembly).
    pub fn backward(&self, z: Vec2, g_y: Vec2, g_l: f64, grads: &mut [f64]) -> Vec2 {
        let m = self.map(1.0);
        let (mut acts, mut g) = (MlpActs::default(), MlpGrads::default());
        let (mut ox, mut oy, mut det) = ([0.0], [0.0], [1.0]);
        m.forward_tape(&[z[0]], &[z[1]], &mut ox, &mut oy, &mut det, &mut acts);
        let (mut gx, mut gy) = ([g_y[0]], [g_y[1]]);
        m.backward_batch(
            &[z[0]],
            &[z[1]],
            &acts,
            &mut g,
            &mut gx,
            &mut gy,
            g_l,
            grads,
        );
        [gx[0], gy[0]]
    }
}

impl<T: Transformer> CouplingMap<T> {
    /// The map of the layer with raw parameters `params` (sanitized copy) at fraction `t`.
    pub fn new(keep: Keep, params: &[f64], t: f64) -> Self {
        let mut m = CouplingMap {
            keep,
            params: Vec::with_capacity(Coupling::<T>::N_PARAMS),
            t: 1.0,
            bound: 0.0,
            _t: PhantomData,
        };
        m.assign(keep, params, t);
        m
    }

    /// Becomes the map of `(keep, params)` at fraction `t`, reusing this map's buffer.
    pub fn assign(&mut self, keep: Keep, params: &[f64], t: f64) {
        self.keep = keep;
        self.t = clamp_t(t);
        sanitize_into(&mut self.params, &params[..Coupling::<T>::N_PARAMS]);
        self.bound = T::log_det_bound(&Mlp::new(&self.params, T::OUTPUTS), self.t);
    }

    /// The raw parameters.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    fn mlp(&self) -> Mlp<'_> {
        Mlp::new(&self.params, T::OUTPUTS)
    }

    /// Conditioner outputs at `x_a` (exact scalar path).
    fn cond(&self, xa: f64) -> [f64; MAX_OUTPUTS] {
        let mut o = [0.0; MAX_OUTPUTS];
        self.mlp().eval(xa, &mut o[..T::OUTPUTS]);
        o
    }

    /// `(y, log det)` at `z`, exact scalar path.
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        let (a, b) = (self.keep.index(), self.keep.transformed());
        let o = self.cond(z[a]);
        let (yb, l) = T::forward(&o[..T::OUTPUTS], z[b], self.t);
        let mut y = z;
        y[b] = yb;
        (y, l)
    }

    /// `log|det ∂f/∂z|` at `z`.
    pub fn log_det(&self, z: Vec2) -> f64 {
        self.forward(z).1
    }

    /// Upper bound on `|log det|` anywhere.
    pub fn log_det_bound(&self) -> f64 {
        self.bound
    }

    /// Exact inverse: `(z, log|det ∂f/∂z|(z))`; `None` for non-finite `y`.
    pub fn inverse(&self, y: Vec2) -> Option<(Vec2, f64)> {
        if !(y[0].is_finite() && y[1].is_finite()) {
            return None;
        }
        let (a, b) = (self.keep.index(), self.keep.transformed());
        let o = self.cond(y[a]);
        let (xb, l) = T::inverse(&o[..T::OUTPUTS], y[b], self.t);
        let mut z = y;
        z[b] = xb;
        (z[b].is_finite() && l.is_finite()).then_some((z, l))
    }

    /// [`CouplingMap::inverse`] without the log-determinant.
    pub fn inverse_point(&self, y: Vec2) -> Option<Vec2> {
        self.inverse(y).map(|(z, _)| z)
    }

    /// Batch forward in place (`det *= |det J|`), with the conditioner's scratch `acts`.
    pub fn forward_batch_with(
        &self,
        zx: &mut [f64],
        zy: &mut [f64],
        det: &mut [f64],
        acts: &mut MlpActs,
    ) {
        let n = zx.len().min(zy.len()).min(det.len());
        let (xa, xb) = match self.keep {
            Keep::X => (&zx[..n], &mut zy[..n]),
            Keep::Y => (&zy[..n], &mut zx[..n]),
        };
        self.mlp().eval_batch(xa, acts);
        T::forward_batch(&acts.out, xb, &mut det[..n], self.t);
    }

    /// [`CouplingMap::forward_batch_with`] with a scratch allocated for this call.
    pub fn forward_batch(&self, zx: &mut [f64], zy: &mut [f64], det: &mut [f64]) {
        self.forward_batch_with(zx, zy, det, &mut MlpActs::default());
    }

    /// Batch inverse into `out_x, out_y` (non-finite where the input is), with scratch `acts`.
    pub fn inverse_batch_with(
        &self,
        xs: &[f64],
        ys: &[f64],
        out_x: &mut [f64],
        out_y: &mut [f64],
        acts: &mut MlpActs,
    ) {
        let n = xs.len().min(ys.len()).min(out_x.len()).min(out_y.len());
        out_x[..n].copy_from_slice(&xs[..n]);
        out_y[..n].copy_from_slice(&ys[..n]);
        let (ya, yb) = match self.keep {
            Keep::X => (&out_x[..n], &mut out_y[..n]),
            Keep::Y => (&out_y[..n], &mut out_x[..n]),
        };
        self.mlp().eval_batch(ya, acts);
        T::inverse_batch(&acts.out, yb, self.t);
        for i in 0..n {
            if !(xs[i].is_finite() && ys[i].is_finite()) {
                out_x[i] = f64::NAN;
                out_y[i] = f64::NAN;
            }
        }
    }

    /// [`CouplingMap::inverse_batch_with`] with a scratch allocated for this call.
    pub fn inverse_batch(&self, xs: &[f64], ys: &[f64], out_x: &mut [f64], out_y: &mut [f64]) {
        self.inverse_batch_with(xs, ys, out_x, out_y, &mut MlpActs::default());
    }

    /// Batch forward for training: reads the inputs, writes the outputs, keeps the
    /// conditioner's activations in `acts` for [`CouplingMap::backward_batch`].
    pub fn forward_tape(
        &self,
        zx: &[f64],
        zy: &[f64],
        out_x: &mut [f64],
        out_y: &mut [f64],
        det: &mut [f64],
        acts: &mut MlpActs,
    ) {
        let n = zx.len();
        out_x[..n].copy_from_slice(zx);
        out_y[..n].copy_from_slice(&zy[..n]);
        let (xa, xb) = match self.keep {
            Keep::X => (&out_x[..n], &mut out_y[..n]),
            Keep::Y => (&out_y[..n], &mut out_x[..n]),
        };
        self.mlp().forward_batch(xa, acts);
        T::forward_batch(&acts.out, xb, &mut det[..n], self.t);
    }

    /// Batch backward at `t = 1` (the training tape's maps): `zx, zy` are the layer's inputs and
    /// `acts` the activations of [`CouplingMap::forward_tape`] on them; `gx, gy` hold `∂ℓ/∂y` on
    /// entry and `∂ℓ/∂z` on exit; `g_l` is the batch-constant `∂ℓ/∂L`. Adds the raw-parameter
    /// gradient into `grads[..N_PARAMS]`; `g` is scratch.
    pub fn backward_batch(
        &self,
        zx: &[f64],
        zy: &[f64],
        acts: &MlpActs,
        g: &mut MlpGrads,
        gx: &mut [f64],
        gy: &mut [f64],
        g_l: f64,
        grads: &mut [f64],
    ) {
        debug_assert!(self.t == 1.0, "the backward pass is that of the full layer");
        let n = zx.len().min(zy.len()).min(gx.len()).min(gy.len());
        let (xa, xb, ga, gb) = match self.keep {
            Keep::X => (&zx[..n], &zy[..n], &mut gx[..n], &mut gy[..n]),
            Keep::Y => (&zy[..n], &zx[..n], &mut gy[..n], &mut gx[..n]),
        };
        g.reset(n, T::OUTPUTS);
        T::backward_batch(&acts.out, xb, gb, g_l, g.g_out_mut(T::OUTPUTS));
        self.mlp().backward_batch(xa, acts, g, grads, ga);
    }
}

/// Largest `P` of the transformers (the spline's `3·8 − 1`), for stack buffers.
pub const MAX_OUTPUTS: usize = 23;
