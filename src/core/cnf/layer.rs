//! A continuous flow as one layer of a stack (docs/maths/continuous.md, "A CNF as a layer"): its
//! fraction `t` is the ODE's time, so the timeline's stage `j + t` of a stack whose step `j + 1`
//! is a CNF shows `p_t` exactly, and everything the app does with layers (densities, pushes,
//! the probe, links, undo, model files) works for it unchanged.
//!
//! A layer's forward map points one way: base → model in a generative flow, data → base in a
//! normalizing one. A CNF's time runs base (0) → model (1) in both, so its map depends on the
//! flow's direction ([`Orient`]): generative `f_t = φ_t` (solve `0 → t`), normalizing
//! `f_t = φ_t⁻¹` (solve `t → 0`). Either way the generative step shown at fraction `t` is `φ_t`.
//! The log-determinant is the accumulated trace `A` of the same solve. The inverse solves back
//! with the same scheme; it inverts the discrete map up to the solver's error.

use super::field::{Field, FieldVjp, FieldWork};
use super::mlp_fast::MlpFast;
use super::mlp_field::{self, Act, MlpField};
use super::planar_cnf::{self, PlanarCnf};
use super::solve::{integrate, Method, SolveWork};
use super::through_ode;
use crate::core::num::{read_raw, Vec2};

/// The vector field of a CNF layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CnfField {
    /// The flow-matching MLP `[z, t] → 64 → 64 → 2` (SiLU).
    Mlp,
    /// The continuous planar flow of the given width `M ≥ 1`.
    Planar(u8),
}

/// What a CNF layer is: its field and the solver that integrates it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CnfSpec {
    /// The field.
    pub field: CnfField,
    /// The fixed-step scheme.
    pub method: Method,
    /// Steps over the whole time `[0, 1]` (a fraction `t` takes `⌈steps·t⌉`), ≥ 1.
    pub steps: u8,
}

impl CnfSpec {
    /// The flow-matching MLP with RK4 and 8 steps (RK4-8 moves a trained field's NLL by ≤ 2e−4;
    /// docs/maths/continuous.md, "Solvers").
    pub const MLP: CnfSpec = CnfSpec {
        field: CnfField::Mlp,
        method: Method::Rk4,
        steps: 8,
    };

    /// The planar CNF of width `m` with RK4 and 16 steps.
    pub const fn planar(m: u8) -> CnfSpec {
        CnfSpec {
            field: CnfField::Planar(if m == 0 { 1 } else { m }),
            method: Method::Rk4,
            steps: 16,
        }
    }

    /// Raw parameters.
    pub const fn n_params(self) -> usize {
        match self.field {
            CnfField::Mlp => mlp_field::N_PARAMS,
            CnfField::Planar(m) => planar_cnf::PER_UNIT * (if m == 0 { 1 } else { m as usize }),
        }
    }

    /// Steps for a fraction `t`: `⌈steps·t⌉`, at least 1.
    pub fn steps_for(self, t: f64) -> usize {
        ((self.steps.max(1) as f64 * t.abs()).ceil() as usize).max(1)
    }
}

/// Which way a CNF layer's forward map runs (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Orient {
    /// `f_t = φ_t`: base → model (reverse KL).
    Generative,
    /// `f_t = φ_t⁻¹`: data → base (maximum likelihood).
    Normalizing,
}

/// A field built from raw parameters.
#[derive(Clone, Debug)]
pub enum AnyField {
    /// The MLP, with its mixed-precision twin for batches.
    Mlp(Box<(MlpField, MlpFast)>),
    /// The planar CNF.
    Planar(PlanarCnf),
}

impl AnyField {
    /// The field of `spec` from `params` (read as every layer reads raw values: clamped, NaN as 0).
    pub fn new(spec: CnfSpec, params: &[f64]) -> Self {
        let p: Vec<f64> = params[..spec.n_params()]
            .iter()
            .map(|&v| read_raw(v))
            .collect();
        match spec.field {
            CnfField::Mlp => {
                let f = MlpField::new(p, Act::Silu).expect("finite parameters of the right length");
                let fast = MlpFast::new(&f);
                AnyField::Mlp(Box::new((f, fast)))
            }
            CnfField::Planar(_) => {
                AnyField::Planar(PlanarCnf::new(p).expect("a positive multiple of 10, finite"))
            }
        }
    }

    /// The exact (`f64`) field.
    pub fn exact(&self) -> &dyn FieldVjp {
        match self {
            AnyField::Mlp(b) => &b.0,
            AnyField::Planar(p) => p,
        }
    }

    /// The field batches use (the MLP's mixed-precision twin).
    pub fn batch(&self) -> &dyn Field {
        match self {
            AnyField::Mlp(b) => &b.1,
            AnyField::Planar(p) => p,
        }
    }

    /// `v(z, t)` at one point (the vector-field overlay).
    pub fn velocity(&self, z: Vec2, t: f64) -> Vec2 {
        self.exact().eval_point(z, t, &mut FieldWork::default()).0
    }

    /// An upper bound on `|tr ∂v/∂z|` over all `z` and `t ∈ [0, 1]`.
    pub fn trace_bound(&self) -> f64 {
        match self {
            AnyField::Mlp(b) => {
                // |s′| ≤ 1.1 for SiLU, so |d₂ᵀMd₁| ≤ 1.21 Σ|M|.
                1.21 * b.0.trace_matrix().iter().map(|m| m.abs()).sum::<f64>()
            }
            AnyField::Planar(p) => p
                .params()
                .chunks(planar_cnf::PER_UNIT)
                .map(|u| {
                    let n = |a: f64, b: f64| a.abs() + b.abs();
                    (n(u[0], u[5]) * n(u[2], u[7]) + n(u[1], u[6]) * n(u[3], u[8])).abs()
                })
                .sum(),
        }
    }
}

/// One point of a generative path: `(t, z(t), −∫₀ᵗ tr dt)`.
pub type PathPoint = (f64, Vec2, f64);

/// A CNF layer: its spec and raw parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct CnfLayer {
    /// The spec.
    pub spec: CnfSpec,
    /// Raw parameters (`spec.n_params()`).
    pub params: Vec<f64>,
}

impl CnfLayer {
    /// Reads a layer of `spec` from the front of `p`.
    pub fn from_params(spec: CnfSpec, p: &[f64]) -> Self {
        CnfLayer {
            spec,
            params: p[..spec.n_params()].to_vec(),
        }
    }

    /// The map at fraction `t` in orientation `orient`.
    pub fn map(&self, t: f64, orient: Orient) -> CnfMap {
        CnfMap::new(self.spec, &self.params, t, orient)
    }

    /// The generative path of one point (the probe's ledger, docs/maths/continuous.md, "The
    /// augmented ODE"): from `z0` at `t = 0`, after every solver step, `(t, z(t), −∫₀ᵗ tr dt)`,
    /// the running change of `log p` along the path; the exact `f64` field, the layer's scheme.
    pub fn path(&self, z0: Vec2) -> Vec<PathPoint> {
        let field = AnyField::new(self.spec, &self.params);
        let (mut zx, mut zy, mut acc) = ([z0[0]], [z0[1]], [0.0]);
        let mut out = Vec::with_capacity(self.spec.steps as usize);
        let n = self.spec.steps_for(1.0);
        integrate(
            field.exact(),
            self.spec.method,
            n,
            0.0,
            1.0,
            &mut zx,
            &mut zy,
            &mut acc,
            &mut SolveWork::default(),
            |_, t, x, y, a| {
                out.push((t, [x[0], y[0]], -a[0]));
            },
        );
        out
    }
}

/// A CNF layer's map at fraction `t`.
#[derive(Clone, Debug)]
pub struct CnfMap {
    spec: CnfSpec,
    field: AnyField,
    t: f64,
    orient: Orient,
}

impl PartialEq for CnfMap {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
            && self.t == other.t
            && self.orient == other.orient
            && self.field.exact().n_params() == other.field.exact().n_params()
            && self.params() == other.params()
    }
}

impl CnfMap {
    /// The map of `(spec, params)` at fraction `t ∈ [0, 1]`.
    pub fn new(spec: CnfSpec, params: &[f64], t: f64, orient: Orient) -> Self {
        CnfMap {
            spec,
            field: AnyField::new(spec, params),
            t: if t.is_finite() {
                t.clamp(0.0, 1.0)
            } else {
                1.0
            },
            orient,
        }
    }

    /// The spec.
    pub fn spec(&self) -> CnfSpec {
        self.spec
    }

    /// The field.
    pub fn field(&self) -> &AnyField {
        &self.field
    }

    /// The fraction (the ODE's time reached).
    pub fn t(&self) -> f64 {
        self.t
    }

    fn params(&self) -> Vec<f64> {
        match &self.field {
            AnyField::Mlp(b) => b.0.params().to_vec(),
            AnyField::Planar(p) => p.params().to_vec(),
        }
    }

    /// `(from, to)` times of the forward map.
    fn span(&self) -> (f64, f64) {
        match self.orient {
            Orient::Generative => (0.0, self.t),
            Orient::Normalizing => (self.t, 0.0),
        }
    }

    fn solve_point(&self, z: Vec2, from: f64, to: f64) -> (Vec2, f64) {
        let (mut zx, mut zy, mut acc) = ([z[0]], [z[1]], [0.0]);
        if from != to {
            let n = self.spec.steps_for(to - from);
            let f = self.field.exact();
            integrate(
                f,
                self.spec.method,
                n,
                from,
                to,
                &mut zx,
                &mut zy,
                &mut acc,
                &mut SolveWork::default(),
                |_, _, _, _, _| {},
            );
        }
        ([zx[0], zy[0]], acc[0])
    }

    fn solve_batch(&self, zx: &mut [f64], zy: &mut [f64], acc: &mut [f64], from: f64, to: f64) {
        acc.fill(0.0);
        if from != to {
            let n = self.spec.steps_for(to - from);
            let mut w = SolveWork::default();
            integrate(
                self.field.batch(),
                self.spec.method,
                n,
                from,
                to,
                zx,
                zy,
                acc,
                &mut w,
                |_, _, _, _, _| {},
            );
        }
    }

    /// `(f(z), log|det ∂f/∂z|)`: the solve of the forward span, with its accumulated trace.
    pub fn forward(&self, z: Vec2) -> (Vec2, f64) {
        let (a, b) = self.span();
        self.solve_point(z, a, b)
    }

    /// `log|det ∂f/∂z|` at `z`.
    pub fn log_det(&self, z: Vec2) -> f64 {
        self.forward(z).1
    }

    /// `(f⁻¹(y), log|det ∂f/∂z|)` at the recovered point: the reverse solve.
    pub fn inverse(&self, y: Vec2) -> Option<(Vec2, f64)> {
        if !(y[0].is_finite() && y[1].is_finite()) {
            return None;
        }
        let (a, b) = self.span();
        let (z, acc) = self.solve_point(y, b, a);
        (z[0].is_finite() && z[1].is_finite()).then_some((z, -acc))
    }

    /// `f⁻¹(y)` alone.
    pub fn inverse_point(&self, y: Vec2) -> Option<Vec2> {
        self.inverse(y).map(|(z, _)| z)
    }

    /// Batch inverse (non-finite where the solve fails).
    pub fn inverse_batch(&self, xs: &[f64], ys: &[f64], out_x: &mut [f64], out_y: &mut [f64]) {
        let n = xs.len();
        out_x[..n].copy_from_slice(xs);
        out_y[..n].copy_from_slice(ys);
        let mut acc = vec![0.0; n];
        let (a, b) = self.span();
        self.solve_batch(&mut out_x[..n], &mut out_y[..n], &mut acc, b, a);
    }

    /// Batch forward in place, multiplying `det` by each point's determinant.
    pub fn forward_batch(&self, zx: &mut [f64], zy: &mut [f64], det: &mut [f64]) {
        let n = zx.len();
        let mut acc = vec![0.0; n];
        let (a, b) = self.span();
        self.solve_batch(zx, zy, &mut acc, a, b);
        for (d, l) in det.iter_mut().zip(&acc) {
            *d *= l.exp();
        }
    }

    /// An upper bound on `|log det|` anywhere: `t · sup |tr|`.
    pub fn log_det_bound(&self) -> f64 {
        self.t * self.field.trace_bound()
    }

    /// Backward pass at `z` (the map's input) for `g_y = ∂ℓ/∂f(z)`, `g_l = ∂ℓ/∂log det`: adds
    /// the raw-parameter gradient (through RK4, docs/maths/continuous.md, "Backpropagation
    /// through the solver") and returns `∂ℓ/∂z`. The forward solve is recomputed with the exact
    /// field.
    pub fn backward(&self, z: Vec2, g_y: Vec2, g_l: f64, grads: &mut [f64]) -> Vec2 {
        let (a, b) = self.span();
        if a == b {
            return g_y;
        }
        let n = self.spec.steps_for(b - a);
        through_ode::point_gradient(
            self.field.exact(),
            self.spec.method,
            n,
            a,
            b,
            z,
            g_y,
            g_l,
            grads,
        )
    }
}
