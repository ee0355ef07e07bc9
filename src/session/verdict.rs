//! The invertibility verdict of a layer, as data: whether its parametrisation keeps it
//! invertible (every kind's does), how close it is to folding, and the numbers that say so. The
//! layer panel (`ui::panels::layer_verdict`) only words it.

use crate::core::coupling::Keep;
use crate::core::num::Vec2;
use crate::core::Layer;

/// A Sylvester layer is nearly singular when a diagonal product `mᵢ` is below this (the
/// bound is `mᵢ > −1`).
pub const SYLVESTER_NEAR_M: f64 = -0.95;
/// A planar layer is nearly singular when `κ = 1 + wᵀû` (the determinant on its line) is below
/// this.
pub const PLANAR_NEAR_KAPPA: f64 = 0.05;
/// A radial layer is nearly folding when `(α + β)/α` (the magnification at its centre) is below
/// this.
pub const RADIAL_NEAR_RATIO: f64 = 0.05;

/// What the verdict says about one layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// Elementwise scale: invertible for any values.
    Scale {
        /// The per-axis scale factors `e^ℓ`.
        factors: Vec2,
    },
    /// Sylvester: invertible while both `mᵢ > −1`, which `mᵢ = softplus(ρᵢ) − 1` guarantees.
    Sylvester {
        /// The diagonal products `mᵢ = rᵢᵢr̃ᵢᵢ`.
        m: Vec2,
        /// Some `mᵢ` is below [`SYLVESTER_NEAR_M`].
        near: bool,
    },
    /// Affine coupling: invertible for any weights.
    Affine {
        /// The coordinate passed unchanged.
        keep: Keep,
        /// Its number of (trained) weights.
        weights: usize,
    },
    /// Spline coupling: invertible for any weights.
    Spline {
        /// The coordinate passed unchanged.
        keep: Keep,
        /// Its number of (trained) weights.
        weights: usize,
    },
    /// Planar: raw `u` may fold the plane (`wᵀu < −1`); `û` never does (`wᵀû > −1`).
    Planar {
        /// `wᵀu` (raw).
        w_dot_u: f64,
        /// `wᵀû = softplus(wᵀu) − 1`.
        w_dot_u_hat: f64,
        /// How far the reparametrisation moved `u` along `w` (signed length, data units):
        /// `(û − u)·w/‖w‖ = (softplus(−wᵀu) − 1)/‖w‖`.
        shift: f64,
        /// Raw `u` alone would fold the plane: `wᵀu < −1`.
        raw_folds: bool,
        /// `κ = 1 + wᵀû` below [`PLANAR_NEAR_KAPPA`]: the band around the line is squeezed
        /// almost flat.
        near: bool,
    },
    /// A continuous flow: invertible for any weights (an ODE's solutions never cross); its
    /// inverse is a solve backward in time.
    Continuous {
        /// Its number of (trained) weights.
        weights: usize,
    },
    /// Radial: invertible while `β > −α`, which `β = −α + softplus(β̂)` guarantees.
    Radial {
        /// `α > 0`.
        alpha: f64,
        /// `β > −α`.
        beta: f64,
        /// `γ = α + β > 0`.
        gamma: f64,
        /// `γ/α` below [`RADIAL_NEAR_RATIO`].
        near: bool,
    },
}

impl Verdict {
    /// The verdict warns: the layer is close to folding, or (planar) its raw `u` would fold.
    pub fn warn(&self) -> bool {
        match *self {
            Verdict::Scale { .. }
            | Verdict::Affine { .. }
            | Verdict::Spline { .. }
            | Verdict::Continuous { .. } => false,
            Verdict::Sylvester { near, .. } | Verdict::Radial { near, .. } => near,
            Verdict::Planar {
                raw_folds, near, ..
            } => raw_folds || near,
        }
    }
}

/// The verdict on `layer`.
pub fn verdict(layer: &Layer) -> Verdict {
    match layer {
        Layer::Scale(c) => Verdict::Scale {
            factors: [c.log_scale[0].exp(), c.log_scale[1].exp()],
        },
        Layer::Sylvester(s) => {
            let m = s.m();
            Verdict::Sylvester {
                m,
                near: m[0] < SYLVESTER_NEAR_M || m[1] < SYLVESTER_NEAR_M,
            }
        }
        Layer::Affine(c) => Verdict::Affine {
            keep: c.keep,
            weights: c.params().len(),
        },
        Layer::Spline(c) => Verdict::Spline {
            keep: c.keep,
            weights: c.params().len(),
        },
        Layer::Cnf(c) => Verdict::Continuous {
            weights: c.params.len(),
        },
        Layer::Planar(p) => {
            let s = p.w[0] * p.u[0] + p.w[1] * p.u[1];
            let uh = p.u_hat();
            let shift = (uh[0] - p.u[0]) * p.w[0] + (uh[1] - p.u[1]) * p.w[1];
            Verdict::Planar {
                w_dot_u: s,
                w_dot_u_hat: p.w[0] * uh[0] + p.w[1] * uh[1],
                shift: shift / p.w[0].hypot(p.w[1]).max(1e-300),
                raw_folds: s < -1.0,
                near: p.map(1.0).kappa < PLANAR_NEAR_KAPPA,
            }
        }
        Layer::Radial(r) => {
            let (alpha, beta) = (r.alpha(), r.beta());
            let gamma = r.map(1.0).gamma;
            Verdict::Radial {
                alpha,
                beta,
                gamma,
                near: gamma / alpha < RADIAL_NEAR_RATIO,
            }
        }
    }
}
