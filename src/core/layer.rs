//! The closed set of layer types, dispatched by `enum` (no boxing): [`Layer`] holds raw
//! parameters, [`LayerMap`] a constrained map at some fraction `t ∈ [0, 1]` ready to evaluate.
//!
//! Every layer kind provides, in its own file: the forward map with `log|det J|`, the exact
//! inverse, the closed-form backward pass (`+=` into a flat gradient slice), flat raw
//! parameters, and the fractional layer (`t = 0` identity, `t = 1` the layer, exact density in
//! between). A new kind is one more variant here and one more entry in the tests' registry.

use super::num::Vec2;
use super::planar::{Planar, PlanarMap};
use super::radial::{Radial, RadialMap};
use super::sylvester::{Sylvester, SylvesterMap};

/// Raw parameters are clamped to ±this when a layer is read, so any flat vector (e.g. from a
/// URL) gives finite maps. The trainer treats parameters beyond ±1e4 as divergence.
pub const RAW_PARAM_LIMIT: f64 = 1e6;

/// Which layer type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayerKind {
    /// Planar layer, `z + û·tanh(wᵀz + b)` (5 raw parameters).
    Planar,
    /// Radial layer, `z + β/(α + r)·(z − z₀)` (4 raw parameters).
    Radial,
    /// Orthogonal Sylvester layer, `z + QR·tanh(R̃Qᵀz + b)` with `M = 2` (9 raw parameters).
    Sylvester,
}

impl LayerKind {
    /// All kinds, for registries and menus.
    pub const ALL: [LayerKind; 3] = [LayerKind::Planar, LayerKind::Radial, LayerKind::Sylvester];

    /// Number of raw parameters of this kind.
    pub const fn n_params(self) -> usize {
        match self {
            LayerKind::Planar => Planar::N_PARAMS,
            LayerKind::Radial => Radial::N_PARAMS,
            LayerKind::Sylvester => Sylvester::N_PARAMS,
        }
    }

    /// Display name.
    pub const fn name(self) -> &'static str {
        match self {
            LayerKind::Planar => "planar",
            LayerKind::Radial => "radial",
            LayerKind::Sylvester => "sylvester",
        }
    }
}

/// One layer with its raw parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Layer {
    /// A planar layer.
    Planar(Planar),
    /// A radial layer.
    Radial(Radial),
    /// A Sylvester layer.
    Sylvester(Sylvester),
}

/// A layer's constrained map at some fraction `t`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LayerMap {
    /// Planar map.
    Planar(PlanarMap),
    /// Radial map.
    Radial(RadialMap),
    /// Sylvester map.
    Sylvester(SylvesterMap),
}

impl Layer {
    /// Reads a layer of `kind` from the front of `p` (`p.len() ≥ kind.n_params()`).
    pub fn from_params(kind: LayerKind, p: &[f64]) -> Self {
        match kind {
            LayerKind::Planar => Layer::Planar(Planar::from_params(p)),
            LayerKind::Radial => Layer::Radial(Radial::from_params(p)),
            LayerKind::Sylvester => Layer::Sylvester(Sylvester::from_params(p)),
        }
    }

    /// The layer's kind.
    pub fn kind(&self) -> LayerKind {
        match self {
            Layer::Planar(_) => LayerKind::Planar,
            Layer::Radial(_) => LayerKind::Radial,
            Layer::Sylvester(_) => LayerKind::Sylvester,
        }
    }

    /// Number of raw parameters.
    pub fn n_params(&self) -> usize {
        self.kind().n_params()
    }

    /// Writes the raw parameters to the front of `out`.
    pub fn write_params(&self, out: &mut [f64]) {
        match self {
            Layer::Planar(l) => l.write_params(out),
            Layer::Radial(l) => l.write_params(out),
            Layer::Sylvester(l) => l.write_params(out),
        }
    }

    /// The raw parameters as a vector.
    pub fn params(&self) -> Vec<f64> {
        let mut v = vec![0.0; self.n_params()];
        self.write_params(&mut v);
        v
    }

    /// The constrained map at fraction `t ∈ [0, 1]` (`t = 1`: the layer itself).
    pub fn map(&self, t: f64) -> LayerMap {
        match self {
            Layer::Planar(l) => LayerMap::Planar(l.map(t)),
            Layer::Radial(l) => LayerMap::Radial(l.map(t)),
            Layer::Sylvester(l) => LayerMap::Sylvester(l.map(t)),
        }
    }

    /// `(f(z), log|det ∂f/∂z|)`.
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        self.map(1.0).forward(z)
    }

    /// Exact inverse `f⁻¹(y)`; `None` only for non-finite input.
    pub fn inverse(&self, y: Vec2) -> Option<Vec2> {
        self.map(1.0).inverse(y).map(|(z, _)| z)
    }

    /// Backward pass for upstream `g_y = ∂ℓ/∂y`, `g_l = ∂ℓ/∂(log det)`: adds raw-parameter
    /// gradients into `grads[..n_params]` and returns `∂ℓ/∂z`.
    pub fn backward(&self, z: Vec2, g_y: Vec2, g_l: f64, grads: &mut [f64]) -> Vec2 {
        match self {
            Layer::Planar(l) => l.backward(z, g_y, g_l, grads),
            Layer::Radial(l) => l.backward(z, g_y, g_l, grads),
            Layer::Sylvester(l) => l.backward(z, g_y, g_l, grads),
        }
    }
}

impl LayerMap {
    /// `(y, log|det ∂f/∂z|)` (exact scalar path).
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        match self {
            LayerMap::Planar(m) => m.forward(z),
            LayerMap::Radial(m) => m.forward(z),
            LayerMap::Sylvester(m) => m.forward(z),
        }
    }

    /// `log|det ∂f/∂z|` at `z`.
    pub fn log_det(&self, z: Vec2) -> f64 {
        match self {
            LayerMap::Planar(m) => m.log_det(z),
            LayerMap::Radial(m) => m.log_det(z),
            LayerMap::Sylvester(m) => m.log_det(z),
        }
    }

    /// Exact inverse with the forward log-det at the recovered point: `(z, log|det ∂f/∂z|(z))`.
    pub fn inverse(&self, y: Vec2) -> Option<(Vec2, f64)> {
        match self {
            LayerMap::Planar(m) => m.inverse(y),
            LayerMap::Radial(m) => m.inverse(y),
            LayerMap::Sylvester(m) => m.inverse(y),
        }
    }

    /// Exact inverse `f⁻¹(y)` without the log-determinant (cheaper; for pushing points).
    pub fn inverse_point(&self, y: Vec2) -> Option<Vec2> {
        match self {
            LayerMap::Planar(m) => m.inverse_point(y),
            LayerMap::Radial(m) => m.inverse_point(y),
            LayerMap::Sylvester(m) => m.inverse_point(y),
        }
    }

    /// Batch inverse into `out_x, out_y`: the values of [`LayerMap::inverse_point`], non-finite
    /// where it gives `None`. Planar layers solve in vectorized lock step.
    pub fn inverse_batch(&self, xs: &[f64], ys: &[f64], out_x: &mut [f64], out_y: &mut [f64]) {
        match self {
            LayerMap::Planar(m) => m.inverse_batch(xs, ys, out_x, out_y),
            LayerMap::Sylvester(m) => m.inverse_batch(xs, ys, out_x, out_y),
            LayerMap::Radial(m) => {
                for (((x, y), ox), oy) in xs.iter().zip(ys).zip(out_x).zip(out_y) {
                    let z = m.inverse_point([*x, *y]).unwrap_or([f64::NAN; 2]);
                    *ox = z[0];
                    *oy = z[1];
                }
            }
        }
    }

    /// An upper bound on `|log det|` anywhere (used to keep running products of determinants in
    /// range).
    pub fn log_det_bound(&self) -> f64 {
        match self {
            LayerMap::Planar(m) => m.log_det_bound(),
            LayerMap::Radial(m) => m.log_det_bound(),
            LayerMap::Sylvester(m) => m.log_det_bound(),
        }
    }

    /// Batch forward in place, multiplying `det` by each point's determinant.
    pub fn forward_batch(&self, zx: &mut [f64], zy: &mut [f64], det: &mut [f64]) {
        match self {
            LayerMap::Planar(m) => m.forward_batch(zx, zy, det),
            LayerMap::Radial(m) => m.forward_batch(zx, zy, det),
            LayerMap::Sylvester(m) => m.forward_batch(zx, zy, det),
        }
    }
}
