//! What reverse KL fits: one of the paper's four energies, or an energy typed as a formula.

use std::sync::Arc;

use super::energy::Energy;
use super::formula::Scratch;
use super::num::Vec2;
use super::typed_energy::TypedEnergy;

/// An energy target `p ∝ exp(−U)`.
#[derive(Clone, Debug, PartialEq)]
pub enum EnergyTarget {
    /// One of the paper's Table-1 energies (closed-form gradients).
    Paper(Energy),
    /// A formula (forward-mode gradients); shared, since a trainer, a comparison and the
    /// session hold the same one.
    Typed(Arc<TypedEnergy>),
}

impl From<Energy> for EnergyTarget {
    fn from(e: Energy) -> Self {
        EnergyTarget::Paper(e)
    }
}

impl From<TypedEnergy> for EnergyTarget {
    fn from(e: TypedEnergy) -> Self {
        EnergyTarget::Typed(Arc::new(e))
    }
}

impl EnergyTarget {
    /// The paper's energy, if it is one.
    pub fn paper(&self) -> Option<Energy> {
        match self {
            EnergyTarget::Paper(e) => Some(*e),
            EnergyTarget::Typed(_) => None,
        }
    }

    /// The typed energy, if it is one.
    pub fn typed(&self) -> Option<&TypedEnergy> {
        match self {
            EnergyTarget::Paper(_) => None,
            EnergyTarget::Typed(t) => Some(t),
        }
    }

    /// A short name: `U1` … `U4`, or `typed U`.
    pub fn name(&self) -> &'static str {
        match self {
            EnergyTarget::Paper(e) => e.name(),
            EnergyTarget::Typed(_) => "typed U",
        }
    }

    /// `log Z`, so that the free-energy floor is `−log Z` (a typed energy's by quadrature).
    pub fn log_z(&self) -> Option<f64> {
        match self {
            EnergyTarget::Paper(e) => e.log_z(),
            EnergyTarget::Typed(t) => Some(t.quadrature().log_z),
        }
    }

    /// `U(z)`.
    pub fn value(&self, z: Vec2) -> f64 {
        match self {
            EnergyTarget::Paper(e) => e.value(z),
            EnergyTarget::Typed(t) => t.value_grad(z, &mut Scratch::default()).0,
        }
    }

    /// `(U(z), ∇U(z))`.
    pub fn value_grad(&self, z: Vec2) -> (f64, Vec2) {
        match self {
            EnergyTarget::Paper(e) => e.value_grad(z),
            EnergyTarget::Typed(t) => t.value_grad(z, &mut Scratch::default()),
        }
    }

    /// Batch form: `u[i] = U(z_i)`, `(gx[i], gy[i]) = ∇U(z_i)`.
    pub fn eval_batch(
        &self,
        xs: &[f64],
        ys: &[f64],
        u: &mut [f64],
        gx: &mut [f64],
        gy: &mut [f64],
    ) {
        match self {
            EnergyTarget::Paper(e) => e.eval_batch(xs, ys, u, gx, gy),
            EnergyTarget::Typed(t) => {
                let mut scratch = Scratch::default();
                let n = xs
                    .len()
                    .min(ys.len())
                    .min(u.len())
                    .min(gx.len())
                    .min(gy.len());
                for i in 0..n {
                    let (v, g) = t.value_grad([xs[i], ys[i]], &mut scratch);
                    u[i] = v;
                    gx[i] = g[0];
                    gy[i] = g[1];
                }
            }
        }
    }

    /// `U` at many points (values only), for evaluation loops.
    pub fn values(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        let mut scratch = Scratch::default();
        for ((x, y), o) in xs.iter().zip(ys).zip(out.iter_mut()) {
            *o = match self {
                EnergyTarget::Paper(e) => e.value([*x, *y]),
                EnergyTarget::Typed(t) => t.value_grad([*x, *y], &mut scratch).0,
            };
        }
    }
}

/// What the reverse-KL losses need of an energy: the paper's (by value) or a target (by
/// reference), so that the losses are written once.
pub trait Potential {
    /// `U(z)`.
    fn u(&self, z: Vec2) -> f64;
    /// `(U(z), ∇U(z))`.
    fn u_grad(&self, z: Vec2) -> (f64, Vec2);
    /// Batch form of [`Potential::u_grad`].
    fn u_grad_batch(&self, xs: &[f64], ys: &[f64], u: &mut [f64], gx: &mut [f64], gy: &mut [f64]);
}

impl Potential for Energy {
    fn u(&self, z: Vec2) -> f64 {
        self.value(z)
    }
    fn u_grad(&self, z: Vec2) -> (f64, Vec2) {
        self.value_grad(z)
    }
    fn u_grad_batch(&self, xs: &[f64], ys: &[f64], u: &mut [f64], gx: &mut [f64], gy: &mut [f64]) {
        self.eval_batch(xs, ys, u, gx, gy)
    }
}

impl Potential for &EnergyTarget {
    fn u(&self, z: Vec2) -> f64 {
        self.value(z)
    }
    fn u_grad(&self, z: Vec2) -> (f64, Vec2) {
        self.value_grad(z)
    }
    fn u_grad_batch(&self, xs: &[f64], ys: &[f64], u: &mut [f64], gx: &mut [f64], gy: &mut [f64]) {
        self.eval_batch(xs, ys, u, gx, gy)
    }
}
