//! Training through the ODE: reverse KL to an energy and maximum likelihood, with gradients by
//! backpropagation through fixed RK4 steps ("discretise, then optimise";
//! docs/maths/continuous.md, "Backpropagation through the solver"). The objective differentiated is the
//! one the discretised solver computes, exactly; the adjoint method is not used.
//!
//! Per point, the forward solve keeps the four stage inputs of every step; the backward pass
//! walks the steps in reverse. `A` feeds nothing, so its adjoint is the constant seed `g_A`.

use super::density::log_normal;
use super::field::FieldVjp;
use super::solve::Method;
use crate::core::energy_target::Potential;
use crate::core::num::Vec2;

/// One point's forward solve from `t0` to `t1` by `method`, keeping every stage's input;
/// returns `(z_end, A_end)`. (The same arithmetic as [`super::solve::step`] on one point.)
fn forward<F: FieldVjp + ?Sized>(
    field: &F,
    method: Method,
    steps: usize,
    t0: f64,
    t1: f64,
    z0: Vec2,
    tape: &mut Vec<[Vec2; 4]>,
    work: &mut super::field::FieldWork,
) -> (Vec2, f64) {
    tape.clear();
    let h = (t1 - t0) / steps as f64;
    let (mut z, mut acc) = (z0, 0.0);
    let add = |z: Vec2, k: Vec2, c: f64| [z[0] + c * k[0], z[1] + c * k[1]];
    for i in 0..steps {
        let t = t0 + i as f64 * h;
        match method {
            Method::Euler => {
                let (k1, r1) = field.eval_point(z, t, work);
                tape.push([z; 4]);
                z = add(z, k1, h);
                acc += h * r1;
            }
            Method::Midpoint => {
                let (k1, _) = field.eval_point(z, t, work);
                let y2 = add(z, k1, 0.5 * h);
                let (k2, r2) = field.eval_point(y2, t + 0.5 * h, work);
                tape.push([z, y2, y2, y2]);
                z = add(z, k2, h);
                acc += h * r2;
            }
            Method::Rk4 => {
                let (k1, r1) = field.eval_point(z, t, work);
                let y2 = add(z, k1, 0.5 * h);
                let (k2, r2) = field.eval_point(y2, t + 0.5 * h, work);
                let y3 = add(z, k2, 0.5 * h);
                let (k3, r3) = field.eval_point(y3, t + 0.5 * h, work);
                let y4 = add(z, k3, h);
                let (k4, r4) = field.eval_point(y4, t + h, work);
                tape.push([z, y2, y3, y4]);
                for c in 0..2 {
                    z[c] += h / 6.0 * (k1[c] + 2.0 * k2[c] + 2.0 * k3[c] + k4[c]);
                }
                acc += h / 6.0 * (r1 + 2.0 * r2 + 2.0 * r3 + r4);
            }
        }
    }
    (z, acc)
}

/// Backward through the steps of `tape`: from `∂ℓ/∂z_end = g_z` and `∂ℓ/∂A_end = g_a`, adds
/// `∂ℓ/∂θ` to `grad` and returns `∂ℓ/∂z₀`.
fn backward<F: FieldVjp + ?Sized>(
    field: &F,
    method: Method,
    t0: f64,
    t1: f64,
    tape: &[[Vec2; 4]],
    g_z: Vec2,
    g_a: f64,
    grad: &mut [f64],
) -> Vec2 {
    let steps = tape.len();
    let h = (t1 - t0) / steps as f64;
    let mut gz = g_z;
    let lin = |a: Vec2, ca: f64, b: Vec2, cb: f64| [ca * a[0] + cb * b[0], ca * a[1] + cb * b[1]];
    for i in (0..steps).rev() {
        let t = t0 + i as f64 * h;
        let [y1, y2, y3, y4] = tape[i];
        let g = match method {
            Method::Euler => field.vjp_point(y1, t, lin(gz, h, gz, 0.0), h * g_a, grad),
            Method::Midpoint => {
                let g2 = field.vjp_point(y2, t + 0.5 * h, lin(gz, h, gz, 0.0), h * g_a, grad);
                let g1 = field.vjp_point(y1, t, lin(g2, 0.5 * h, g2, 0.0), 0.0, grad);
                [g2[0] + g1[0], g2[1] + g1[1]]
            }
            Method::Rk4 => {
                let g4 = field.vjp_point(y4, t + h, lin(gz, h / 6.0, gz, 0.0), h / 6.0 * g_a, grad);
                let g3 = field.vjp_point(
                    y3,
                    t + 0.5 * h,
                    lin(gz, h / 3.0, g4, h),
                    h / 3.0 * g_a,
                    grad,
                );
                let g2 = field.vjp_point(
                    y2,
                    t + 0.5 * h,
                    lin(gz, h / 3.0, g3, 0.5 * h),
                    h / 3.0 * g_a,
                    grad,
                );
                let g1 = field.vjp_point(y1, t, lin(gz, h / 6.0, g2, 0.5 * h), h / 6.0 * g_a, grad);
                [g4[0] + g3[0] + g2[0] + g1[0], g4[1] + g3[1] + g2[1] + g1[1]]
            }
        };
        gz[0] += g[0];
        gz[1] += g[1];
    }
    gz
}

/// The gradient through one point's solve from `t0` to `t1` (`steps` steps of `method`): for
/// `∂ℓ/∂z_end = g_z` and `∂ℓ/∂A_end = g_a`, adds `∂ℓ/∂θ` to `grad` and returns `∂ℓ/∂z₀`.
pub fn point_gradient<F: FieldVjp + ?Sized>(
    field: &F,
    method: Method,
    steps: usize,
    t0: f64,
    t1: f64,
    z0: Vec2,
    g_z: Vec2,
    g_a: f64,
    grad: &mut [f64],
) -> Vec2 {
    let mut tape = Vec::with_capacity(steps);
    forward(
        field,
        method,
        steps.max(1),
        t0,
        t1,
        z0,
        &mut tape,
        &mut super::field::FieldWork::default(),
    );
    backward(field, method, t0, t1, &tape, g_z, g_a, grad)
}

/// Reusable buffers.
#[derive(Clone, Debug, Default)]
pub struct OdeWork {
    tape: Vec<[Vec2; 4]>,
    field: super::field::FieldWork,
}

/// The annealed free energy of base samples pushed to `t = 1` by `steps` RK4 steps,
/// `mean[log N(z₀) − A(1) + β U(z(1))]`, and (if `grad` is given) its gradient added to `grad`.
/// Returns `(annealed loss, free energy at β = 1)`.
pub fn energy_loss_grad<F: FieldVjp + ?Sized>(
    field: &F,
    energy: impl Potential,
    beta: f64,
    base: &[Vec2],
    steps: usize,
    mut grad: Option<&mut [f64]>,
    work: &mut OdeWork,
) -> (f64, f64) {
    let inv_b = 1.0 / base.len().max(1) as f64;
    let (mut loss, mut free) = (0.0, 0.0);
    for &z0 in base {
        let (z1, a1) = forward(
            field,
            Method::Rk4,
            steps.max(1),
            0.0,
            1.0,
            z0,
            &mut work.tape,
            &mut work.field,
        );
        let (u, gu) = energy.u_grad(z1);
        let lq = log_normal(z0[0], z0[1]) - a1;
        loss += (lq + beta * u) * inv_b;
        free += (lq + u) * inv_b;
        if let Some(g) = grad.as_deref_mut() {
            let gz = [beta * gu[0] * inv_b, beta * gu[1] * inv_b];
            backward(field, Method::Rk4, 0.0, 1.0, &work.tape, gz, -inv_b, g);
        }
    }
    (loss, free)
}

/// The negative log-likelihood `−mean log p₁(x)` of `points` by `steps` RK4 steps from 1 to 0,
/// and (if `grad` is given) its gradient added to `grad`.
pub fn nll_grad<F: FieldVjp + ?Sized>(
    field: &F,
    xs: &[f64],
    ys: &[f64],
    steps: usize,
    mut grad: Option<&mut [f64]>,
    work: &mut OdeWork,
) -> f64 {
    let inv_b = 1.0 / xs.len().max(1) as f64;
    let mut nll = 0.0;
    for (&x, &y) in xs.iter().zip(ys) {
        let (z0, a0) = forward(
            field,
            Method::Rk4,
            steps.max(1),
            1.0,
            0.0,
            [x, y],
            &mut work.tape,
            &mut work.field,
        );
        nll -= (log_normal(z0[0], z0[1]) + a0) * inv_b;
        if let Some(g) = grad.as_deref_mut() {
            // ℓ = −(−½‖z₀‖² − log 2π + A₀)/B.
            backward(
                field,
                Method::Rk4,
                1.0,
                0.0,
                &work.tape,
                [z0[0] * inv_b, z0[1] * inv_b],
                -inv_b,
                g,
            );
        }
    }
    nll
}
