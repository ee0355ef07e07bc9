//! The closed set of layer types, dispatched by `enum` (no boxing): [`Layer`] holds raw
//! parameters, [`LayerMap`] a constrained map at some fraction `t ∈ [0, 1]` ready to evaluate.
//!
//! Every layer kind provides, in its own file: the forward map with `log|det J|`, the exact
//! inverse, the closed-form backward pass (`+=` into a flat gradient slice), flat raw
//! parameters, and the fractional layer (`t = 0` identity, `t = 1` the layer, exact density in
//! between). A new kind is one more variant here and one more entry in the tests' registry.
//!
//! | kind | file | raw parameters | cheap direction |
//! |---|---|---|---|
//! | planar | `planar` | 5 | forward (inverse: one scalar solve) |
//! | radial | `radial` | 4 | both (closed forms) |
//! | Sylvester (`M = 2`) | `sylvester` | 9 | forward (inverse: two scalar solves) |
//! | affine coupling, keeps x or y | `coupling` | 1,186 | both (one MLP each) |
//! | RQ-spline coupling, keeps x or y | `spline` | 1,879 | both (one MLP each) |
//! | scale (elementwise affine, ActNorm) | `scale` | 4 | both (closed forms) |
//! | continuous (an ODE; fraction = time) | `cnf/layer` | 4,546 (MLP) or 10 per planar unit | both (one ODE solve each) |
//!
//! ## Big-parameter layers and what stopped being `Copy`
//! The small kinds are `Copy` structs of a few `f64`; a coupling layer is its conditioner MLP,
//! ~1,200–1,900 raw values, so its variants own them in a `Vec<f64>` ([`super::coupling`]).
//! Hence [`Layer`] and [`LayerMap`] are `Clone` but no longer `Copy` (everything else about
//! them is unchanged: [`crate::core::Flow::layer`] still returns an owned `Layer`,
//! `Layer::map(t)` an owned `LayerMap`, and the planar/radial/Sylvester structs inside stay
//! `Copy`). Cloning a coupling layer copies its parameters, so the hot paths never do it:
//! the flow's [`crate::core::Workspace`] and the training tape keep their `LayerMap`s and
//! refill them in place ([`LayerMap::assign`]), and coupling maps run their batches through a
//! reusable conditioner scratch (the `*_with` methods). The small kinds' batch paths are the
//! same code as before (a `match` arm each).

use super::cnf::layer::{CnfLayer, CnfMap, CnfSpec, Orient};
use super::coupling::{AffineCoupling, AffineCouplingMap, CouplingMap, Keep};
use super::mlp::MlpActs;
use super::num::Vec2;
use super::planar::{Planar, PlanarMap};
use super::radial::{Radial, RadialMap};
use super::scale::{Scale, ScaleMap};
use super::spline::{SplineCoupling, SplineCouplingMap};
use super::sylvester::{Sylvester, SylvesterMap};

pub use super::num::RAW_PARAM_LIMIT;

/// Which layer type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayerKind {
    /// Planar layer, `z + û·tanh(wᵀz + b)` (5 raw parameters).
    Planar,
    /// Radial layer, `z + β/(α + r)·(z − z₀)` (4 raw parameters).
    Radial,
    /// Orthogonal Sylvester layer, `z + QR·tanh(R̃Qᵀz + b)` with `M = 2` (9 raw parameters).
    Sylvester,
    /// Affine coupling (RealNVP) keeping the given coordinate: `y_b = x_b·e^{s(x_a)} + μ(x_a)`
    /// (1,186 raw parameters: the conditioner MLP 1→32→32→2).
    Affine(Keep),
    /// Rational-quadratic spline coupling (8 bins on [−3, 3]) keeping the given coordinate
    /// (1,879 raw parameters: the conditioner MLP 1→32→32→23).
    Spline(Keep),
    /// Elementwise affine (ActNorm) layer, `e^{ℓ} ⊙ z + c` (4 raw parameters): the leading
    /// standardization of the coupling patterns.
    Scale,
    /// A continuous normalizing flow: the ODE `dz/dt = v(z, t)` over `t ∈ [0, 1]`, its fraction
    /// the ODE's time (`cnf/layer.rs`).
    Cnf(CnfSpec),
}

impl LayerKind {
    /// All kinds, for registries and menus.
    pub const ALL: [LayerKind; 8] = [
        LayerKind::Planar,
        LayerKind::Radial,
        LayerKind::Sylvester,
        LayerKind::Affine(Keep::X),
        LayerKind::Affine(Keep::Y),
        LayerKind::Spline(Keep::X),
        LayerKind::Spline(Keep::Y),
        LayerKind::Scale,
    ];

    /// The continuous kinds the app offers: the flow-matching MLP and the planar CNF of width 8.
    pub const CONTINUOUS: [LayerKind; 2] = [
        LayerKind::Cnf(CnfSpec::MLP),
        LayerKind::Cnf(CnfSpec::planar(8)),
    ];

    /// Whether this kind is a continuous flow.
    pub const fn is_continuous(self) -> bool {
        matches!(self, LayerKind::Cnf(_))
    }

    /// Number of raw parameters of this kind.
    pub const fn n_params(self) -> usize {
        match self {
            LayerKind::Planar => Planar::N_PARAMS,
            LayerKind::Radial => Radial::N_PARAMS,
            LayerKind::Sylvester => Sylvester::N_PARAMS,
            LayerKind::Affine(_) => AffineCoupling::N_PARAMS,
            LayerKind::Spline(_) => SplineCoupling::N_PARAMS,
            LayerKind::Scale => Scale::N_PARAMS,
            LayerKind::Cnf(spec) => spec.n_params(),
        }
    }

    /// Stable identifier (model files): `planar`, `radial`, `sylvester`, `affine-x`,
    /// `affine-y`, `spline-x`, `spline-y` (the letter is the coordinate kept), `scale`.
    pub const fn name(self) -> &'static str {
        match self {
            LayerKind::Planar => "planar",
            LayerKind::Radial => "radial",
            LayerKind::Sylvester => "sylvester",
            LayerKind::Affine(Keep::X) => "affine-x",
            LayerKind::Affine(Keep::Y) => "affine-y",
            LayerKind::Spline(Keep::X) => "spline-x",
            LayerKind::Spline(Keep::Y) => "spline-y",
            LayerKind::Scale => "scale",
            LayerKind::Cnf(spec) => match spec.field {
                super::cnf::CnfField::Mlp => "cnf-mlp",
                super::cnf::CnfField::Planar(_) => "cnf-planar",
            },
        }
    }

    /// The family, for display: `planar`, `radial`, `Sylvester`, `affine coupling`,
    /// `spline coupling`, `scale-and-shift` (what the scale layer does whatever its values; it
    /// standardizes only when initialised so. Captions read "a … layer").
    pub const fn family(self) -> &'static str {
        match self {
            LayerKind::Planar => "planar",
            LayerKind::Radial => "radial",
            LayerKind::Sylvester => "Sylvester",
            LayerKind::Affine(_) => "affine coupling",
            LayerKind::Spline(_) => "spline coupling",
            LayerKind::Scale => "scale-and-shift",
            LayerKind::Cnf(spec) => match spec.field {
                super::cnf::CnfField::Mlp => "continuous (MLP field)",
                super::cnf::CnfField::Planar(_) => "continuous planar",
            },
        }
    }

    /// The coordinate a coupling kind keeps; `None` for the others.
    pub const fn keep(self) -> Option<Keep> {
        match self {
            LayerKind::Affine(k) | LayerKind::Spline(k) => Some(k),
            _ => None,
        }
    }
}

/// One layer with its raw parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Layer {
    /// A planar layer.
    Planar(Planar),
    /// A radial layer.
    Radial(Radial),
    /// A Sylvester layer.
    Sylvester(Sylvester),
    /// An affine coupling layer.
    Affine(AffineCoupling),
    /// A rational-quadratic spline coupling layer.
    Spline(SplineCoupling),
    /// A scale (elementwise affine) layer.
    Scale(Scale),
    /// A continuous flow.
    Cnf(CnfLayer),
}

/// A layer's constrained map at some fraction `t`.
#[derive(Clone, Debug, PartialEq)]
pub enum LayerMap {
    /// Planar map.
    Planar(PlanarMap),
    /// Radial map.
    Radial(RadialMap),
    /// Sylvester map.
    Sylvester(SylvesterMap),
    /// Affine coupling map.
    Affine(AffineCouplingMap),
    /// Spline coupling map.
    Spline(SplineCouplingMap),
    /// Scale map.
    Scale(ScaleMap),
    /// Continuous flow map.
    Cnf(CnfMap),
}

impl Layer {
    /// Reads a layer of `kind` from the front of `p` (`p.len() ≥ kind.n_params()`).
    pub fn from_params(kind: LayerKind, p: &[f64]) -> Self {
        match kind {
            LayerKind::Planar => Layer::Planar(Planar::from_params(p)),
            LayerKind::Radial => Layer::Radial(Radial::from_params(p)),
            LayerKind::Sylvester => Layer::Sylvester(Sylvester::from_params(p)),
            LayerKind::Affine(k) => Layer::Affine(AffineCoupling::from_params(k, p)),
            LayerKind::Spline(k) => Layer::Spline(SplineCoupling::from_params(k, p)),
            LayerKind::Scale => Layer::Scale(Scale::from_params(p)),
            LayerKind::Cnf(spec) => Layer::Cnf(CnfLayer::from_params(spec, p)),
        }
    }

    /// The layer's kind.
    pub fn kind(&self) -> LayerKind {
        match self {
            Layer::Planar(_) => LayerKind::Planar,
            Layer::Radial(_) => LayerKind::Radial,
            Layer::Sylvester(_) => LayerKind::Sylvester,
            Layer::Affine(l) => LayerKind::Affine(l.keep),
            Layer::Spline(l) => LayerKind::Spline(l.keep),
            Layer::Scale(_) => LayerKind::Scale,
            Layer::Cnf(l) => LayerKind::Cnf(l.spec),
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
            Layer::Affine(l) => l.write_params(out),
            Layer::Spline(l) => l.write_params(out),
            Layer::Scale(l) => l.write_params(out),
            Layer::Cnf(l) => out[..l.params.len()].copy_from_slice(&l.params),
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
            Layer::Affine(l) => LayerMap::Affine(l.map(t)),
            Layer::Spline(l) => LayerMap::Spline(l.map(t)),
            Layer::Scale(l) => LayerMap::Scale(l.map(t)),
            Layer::Cnf(l) => LayerMap::Cnf(l.map(t, Orient::Generative)),
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
            Layer::Affine(l) => l.backward(z, g_y, g_l, grads),
            Layer::Spline(l) => l.backward(z, g_y, g_l, grads),
            Layer::Scale(l) => l.backward(z, g_y, g_l, grads),
            Layer::Cnf(l) => l.map(1.0, Orient::Generative).backward(z, g_y, g_l, grads),
        }
    }
}

/// Refills a coupling map in place when `slot` already holds one of the same family.
fn assign_coupling<T: super::coupling::Transformer>(
    slot: Option<&mut CouplingMap<T>>,
    keep: Keep,
    params: &[f64],
    t: f64,
) -> Option<CouplingMap<T>> {
    match slot {
        Some(m) => {
            m.assign(keep, params, t);
            None
        }
        None => Some(CouplingMap::new(keep, params, t)),
    }
}

impl LayerMap {
    /// The map of the layer `(kind, params)` at fraction `t` (`Layer::from_params(kind,
    /// params).map(t)` without the intermediate copy of a coupling layer's parameters).
    pub fn new(kind: LayerKind, params: &[f64], t: f64) -> LayerMap {
        Self::new_oriented(kind, params, t, Orient::Generative)
    }

    /// [`LayerMap::new`] for a layer of a flow whose direction is `orient`: a continuous
    /// layer's map runs base → model (generative) or data → base (normalizing); the other
    /// kinds do not depend on it.
    pub fn new_oriented(kind: LayerKind, params: &[f64], t: f64, orient: Orient) -> LayerMap {
        match kind {
            LayerKind::Cnf(spec) => LayerMap::Cnf(CnfMap::new(spec, params, t, orient)),
            LayerKind::Affine(k) => LayerMap::Affine(CouplingMap::new(k, params, t)),
            LayerKind::Spline(k) => LayerMap::Spline(CouplingMap::new(k, params, t)),
            _ => Layer::from_params(kind, params).map(t),
        }
    }

    /// The map of the layer `(kind, params)` at fraction `t`: `Layer::from_params(kind,
    /// params).map(t)`, written into `self` (a coupling map reuses its parameter buffer).
    pub fn assign(&mut self, kind: LayerKind, params: &[f64], t: f64) {
        self.assign_oriented(kind, params, t, Orient::Generative)
    }

    /// [`LayerMap::assign`] in orientation `orient` (see [`LayerMap::new_oriented`]).
    pub fn assign_oriented(&mut self, kind: LayerKind, params: &[f64], t: f64, orient: Orient) {
        match kind {
            LayerKind::Cnf(spec) => *self = LayerMap::Cnf(CnfMap::new(spec, params, t, orient)),
            LayerKind::Affine(k) => {
                let slot = match self {
                    LayerMap::Affine(m) => Some(m),
                    _ => None,
                };
                if let Some(m) = assign_coupling(slot, k, params, t) {
                    *self = LayerMap::Affine(m);
                }
            }
            LayerKind::Spline(k) => {
                let slot = match self {
                    LayerMap::Spline(m) => Some(m),
                    _ => None,
                };
                if let Some(m) = assign_coupling(slot, k, params, t) {
                    *self = LayerMap::Spline(m);
                }
            }
            LayerKind::Planar => *self = LayerMap::Planar(Planar::from_params(params).map(t)),
            LayerKind::Radial => *self = LayerMap::Radial(Radial::from_params(params).map(t)),
            LayerKind::Sylvester => {
                *self = LayerMap::Sylvester(Sylvester::from_params(params).map(t))
            }
            LayerKind::Scale => *self = LayerMap::Scale(Scale::from_params(params).map(t)),
        }
    }

    /// `(y, log|det ∂f/∂z|)` (exact scalar path).
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        match self {
            LayerMap::Planar(m) => m.forward(z),
            LayerMap::Radial(m) => m.forward(z),
            LayerMap::Sylvester(m) => m.forward(z),
            LayerMap::Affine(m) => m.forward(z),
            LayerMap::Spline(m) => m.forward(z),
            LayerMap::Scale(m) => m.forward(z),
            LayerMap::Cnf(m) => m.forward(z),
        }
    }

    /// `log|det ∂f/∂z|` at `z`.
    pub fn log_det(&self, z: Vec2) -> f64 {
        match self {
            LayerMap::Planar(m) => m.log_det(z),
            LayerMap::Radial(m) => m.log_det(z),
            LayerMap::Sylvester(m) => m.log_det(z),
            LayerMap::Affine(m) => m.log_det(z),
            LayerMap::Spline(m) => m.log_det(z),
            LayerMap::Scale(m) => m.log_det(z),
            LayerMap::Cnf(m) => m.log_det(z),
        }
    }

    /// Exact inverse with the forward log-det at the recovered point: `(z, log|det ∂f/∂z|(z))`.
    pub fn inverse(&self, y: Vec2) -> Option<(Vec2, f64)> {
        match self {
            LayerMap::Planar(m) => m.inverse(y),
            LayerMap::Radial(m) => m.inverse(y),
            LayerMap::Sylvester(m) => m.inverse(y),
            LayerMap::Affine(m) => m.inverse(y),
            LayerMap::Spline(m) => m.inverse(y),
            LayerMap::Scale(m) => m.inverse(y),
            LayerMap::Cnf(m) => m.inverse(y),
        }
    }

    /// Exact inverse `f⁻¹(y)` without the log-determinant (cheaper; for pushing points).
    pub fn inverse_point(&self, y: Vec2) -> Option<Vec2> {
        match self {
            LayerMap::Planar(m) => m.inverse_point(y),
            LayerMap::Radial(m) => m.inverse_point(y),
            LayerMap::Sylvester(m) => m.inverse_point(y),
            LayerMap::Affine(m) => m.inverse_point(y),
            LayerMap::Spline(m) => m.inverse_point(y),
            LayerMap::Scale(m) => m.inverse_point(y),
            LayerMap::Cnf(m) => m.inverse_point(y),
        }
    }

    /// Batch inverse into `out_x, out_y`: the values of [`LayerMap::inverse_point`], non-finite
    /// where it gives `None`. Planar layers solve in vectorized lock step. (Coupling maps
    /// allocate a conditioner scratch per call; see [`LayerMap::inverse_batch_with`].)
    pub fn inverse_batch(&self, xs: &[f64], ys: &[f64], out_x: &mut [f64], out_y: &mut [f64]) {
        self.inverse_batch_with(xs, ys, out_x, out_y, &mut MlpActs::default());
    }

    /// [`LayerMap::inverse_batch`] with a reusable conditioner scratch (used by coupling maps;
    /// the coupling results agree with the scalar path to rounding, not bit for bit).
    pub fn inverse_batch_with(
        &self,
        xs: &[f64],
        ys: &[f64],
        out_x: &mut [f64],
        out_y: &mut [f64],
        acts: &mut MlpActs,
    ) {
        match self {
            LayerMap::Planar(m) => m.inverse_batch(xs, ys, out_x, out_y),
            LayerMap::Sylvester(m) => m.inverse_batch(xs, ys, out_x, out_y),
            LayerMap::Affine(m) => m.inverse_batch_with(xs, ys, out_x, out_y, acts),
            LayerMap::Spline(m) => m.inverse_batch_with(xs, ys, out_x, out_y, acts),
            LayerMap::Scale(m) => m.inverse_batch(xs, ys, out_x, out_y),
            LayerMap::Cnf(m) => m.inverse_batch(xs, ys, out_x, out_y),
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
            LayerMap::Affine(m) => m.log_det_bound(),
            LayerMap::Spline(m) => m.log_det_bound(),
            LayerMap::Scale(m) => m.log_det_bound(),
            LayerMap::Cnf(m) => m.log_det_bound(),
        }
    }

    /// Batch forward in place, multiplying `det` by each point's determinant. (Coupling maps
    /// allocate a conditioner scratch per call; see [`LayerMap::forward_batch_with`].)
    pub fn forward_batch(&self, zx: &mut [f64], zy: &mut [f64], det: &mut [f64]) {
        self.forward_batch_with(zx, zy, det, &mut MlpActs::default());
    }

    /// [`LayerMap::forward_batch`] with a reusable conditioner scratch.
    pub fn forward_batch_with(
        &self,
        zx: &mut [f64],
        zy: &mut [f64],
        det: &mut [f64],
        acts: &mut MlpActs,
    ) {
        match self {
            LayerMap::Planar(m) => m.forward_batch(zx, zy, det),
            LayerMap::Radial(m) => m.forward_batch(zx, zy, det),
            LayerMap::Sylvester(m) => m.forward_batch(zx, zy, det),
            LayerMap::Affine(m) => m.forward_batch_with(zx, zy, det, acts),
            LayerMap::Spline(m) => m.forward_batch_with(zx, zy, det, acts),
            LayerMap::Scale(m) => m.forward_batch(zx, zy, det),
            LayerMap::Cnf(m) => m.forward_batch(zx, zy, det),
        }
    }
}
