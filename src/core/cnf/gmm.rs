//! The flow-matching marginal field of a Gaussian mixture, in closed form
//! (docs/maths/continuous.md, "A mixture's ideal field"). With data `x₁ ~ Σₖ πₖ N(μₖ, Σₖ)` and the path
//! `x_t = a_t x₀ + t x₁`, `a_t = 1 − (1 − σ_min) t`, each component is jointly Gaussian with its
//! regression target `x₁ − (1 − σ_min) x₀`, so
//!
//! ```text
//!   p_t(x) = Σₖ πₖ N(x; t μₖ, Vₖ),          Vₖ = a_t² I + t² Σₖ
//!   u_t(x) = Σₖ wₖ(x) (μₖ + Bₖ (x − t μₖ)),   Bₖ = (t Σₖ − (1 − σ_min) a_t I) Vₖ⁻¹
//! ```
//!
//! with `wₖ` the posterior weights. This is the field a perfect flow-matching fit converges to;
//! its ODE density must equal `p_t` exactly, which the solvers' tests check.

use nalgebra::{Matrix2, Vector2};

use super::field::{Field, FieldWork};
use crate::core::num::{Vec2, LN_2PI};

/// One mixture component.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Component {
    /// Weight `πₖ` (the weights of a mixture sum to 1).
    pub weight: f64,
    /// Mean `μₖ`.
    pub mean: Vec2,
    /// Covariance `Σₖ` (symmetric positive definite), row-major.
    pub cov: [Vec2; 2],
}

/// A Gaussian mixture and its flow-matching marginal field.
#[derive(Clone, Debug, PartialEq)]
pub struct MixtureField {
    /// The components.
    pub comps: Vec<Component>,
    /// `σ_min` of the path (0 for rectified flow).
    pub sigma_min: f64,
}

/// Per component at one time: `t μ`, `V⁻¹`, `log(π) − ½ log det V − log 2π`, `B`, `tr B`.
struct AtTime {
    tm: Vector2<f64>,
    mean: Vector2<f64>,
    v_inv: Matrix2<f64>,
    log_norm: f64,
    b: Matrix2<f64>,
}

impl MixtureField {
    /// The 8-gaussians preset exactly (docs/maths/datasets.md): eight equal components on a
    /// circle of radius `4/1.414`, each with standard deviation `0.5/1.414`.
    pub fn eight_gaussians() -> Self {
        let s = 0.5 / 1.414;
        let comps = (0..8)
            .map(|k| {
                let a = k as f64 * std::f64::consts::FRAC_PI_4;
                Component {
                    weight: 0.125,
                    mean: [4.0 * a.cos() / 1.414, 4.0 * a.sin() / 1.414],
                    cov: [[s * s, 0.0], [0.0, s * s]],
                }
            })
            .collect();
        MixtureField {
            comps,
            sigma_min: 0.0,
        }
    }

    fn at(&self, t: f64) -> Vec<AtTime> {
        let at = 1.0 - (1.0 - self.sigma_min) * t;
        self.comps
            .iter()
            .map(|c| {
                let sigma = Matrix2::new(c.cov[0][0], c.cov[0][1], c.cov[1][0], c.cov[1][1]);
                let v = Matrix2::identity() * (at * at) + sigma * (t * t);
                let v_inv = v.try_inverse().unwrap_or_else(Matrix2::zeros);
                let cross = sigma * t - Matrix2::identity() * ((1.0 - self.sigma_min) * at);
                let mean = Vector2::new(c.mean[0], c.mean[1]);
                AtTime {
                    tm: mean * t,
                    mean,
                    v_inv,
                    log_norm: c.weight.ln() - 0.5 * v.determinant().ln() - LN_2PI,
                    b: cross * v_inv,
                }
            })
            .collect()
    }

    /// The closed-form `log p_t(x)`.
    pub fn log_density(&self, x: Vec2, t: f64) -> f64 {
        let x = Vector2::new(x[0], x[1]);
        let logs: Vec<f64> = self.at(t).iter().map(|c| log_comp(c, &x)).collect();
        log_sum_exp(&logs)
    }

    /// `u_t(x)`, its Jacobian and its divergence at one point.
    fn field_jac(&self, comps: &[AtTime], x: Vec2) -> (Vec2, Matrix2<f64>) {
        let x = Vector2::new(x[0], x[1]);
        let logs: Vec<f64> = comps.iter().map(|c| log_comp(c, &x)).collect();
        let lse = log_sum_exp(&logs);
        let mut u = Vector2::zeros();
        let mut r_bar = Vector2::zeros();
        let mut jac = Matrix2::zeros();
        let mut gs = Vec::with_capacity(comps.len());
        for (c, l) in comps.iter().zip(&logs) {
            let w = (l - lse).exp();
            let d = x - c.tm;
            let g = c.mean + c.b * d;
            let r = -(c.v_inv * d);
            u += g * w;
            r_bar += r * w;
            jac += c.b * w;
            gs.push((w, g, r));
        }
        for (w, g, r) in gs {
            jac += g * (r - r_bar).transpose() * w;
        }
        ([u[0], u[1]], jac)
    }
}

fn log_comp(c: &AtTime, x: &Vector2<f64>) -> f64 {
    let d = x - c.tm;
    c.log_norm - 0.5 * d.dot(&(c.v_inv * d))
}

fn log_sum_exp(xs: &[f64]) -> f64 {
    let m = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + xs.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

impl Field for MixtureField {
    fn eval(
        &self,
        t: f64,
        zx: &[f64],
        zy: &[f64],
        vx: &mut [f64],
        vy: &mut [f64],
        tr: &mut [f64],
        _work: &mut FieldWork,
    ) {
        let comps = self.at(t);
        for k in 0..zx.len() {
            let (u, j) = self.field_jac(&comps, [zx[k], zy[k]]);
            vx[k] = u[0];
            vy[k] = u[1];
            tr[k] = j.trace();
        }
    }

    fn jacobian(&self, z: Vec2, t: f64) -> [Vec2; 2] {
        let (_, j) = self.field_jac(&self.at(t), z);
        [[j[(0, 0)], j[(0, 1)]], [j[(1, 0)], j[(1, 1)]]]
    }
}
