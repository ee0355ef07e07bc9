//! Exact densities of a continuous flow (docs/maths/continuous.md, "The augmented ODE").
//!
//! - **At a point, at time τ** ([`log_density`]): set `z(τ) = x`, `A(τ) = 0` and solve back to
//!   `t = 0`; then `log p_τ(x) = log N(z(0)) + A(0)`, where `A(0) = −∫₀^τ tr dt`.
//! - **Along trajectories** ([`push_forward`]): from base points `z₀`, solve forward; at every
//!   step, `log p_t(z(t)) = log N(z₀) − A(t)`. One solve gives every stage on a warped mesh.

use super::field::Field;
use super::solve::{integrate, Method, SolveWork};
use crate::core::num::LN_2PI;

/// `log N(z; 0, I)` in 2-D.
#[inline]
pub fn log_normal(x: f64, y: f64) -> f64 {
    -0.5 * (x * x + y * y) - LN_2PI
}

/// `log p_τ` at the points `(xs, ys)` by `steps` steps of `method` from `τ` down to 0, written
/// to `out`. Non-finite results (a diverging field) are written as they are; callers that
/// draw treat them as empty pixels.
pub fn log_density<F: Field + ?Sized>(
    field: &F,
    tau: f64,
    method: Method,
    steps: usize,
    xs: &[f64],
    ys: &[f64],
    out: &mut [f64],
    work: &mut SolveWork,
) {
    let n = xs.len();
    let (mut zx, mut zy) = (xs.to_vec(), ys.to_vec());
    let acc = &mut out[..n];
    acc.fill(0.0);
    if tau > 0.0 {
        integrate(
            field,
            method,
            steps,
            tau,
            0.0,
            &mut zx,
            &mut zy,
            acc,
            work,
            |_, _, _, _, _| {},
        );
    }
    for k in 0..n {
        acc[k] += log_normal(zx[k], zy[k]);
    }
}

/// Pushes the base points `(zx, zy)` forward from 0 to `tau` in place by `steps` steps of
/// `method`, and writes `log p_t` along each trajectory to `logp`; `on_step(i, t, zx, zy, logp)`
/// sees every intermediate step (the positions and their log-densities at time `t`).
pub fn push_forward<F: Field + ?Sized>(
    field: &F,
    tau: f64,
    method: Method,
    steps: usize,
    zx: &mut [f64],
    zy: &mut [f64],
    logp: &mut [f64],
    work: &mut SolveWork,
    mut on_step: impl FnMut(usize, f64, &[f64], &[f64], &[f64]),
) {
    let n = zx.len();
    let base: Vec<f64> = (0..n).map(|k| log_normal(zx[k], zy[k])).collect();
    let mut acc = vec![0.0; n];
    let logp = &mut logp[..n];
    integrate(
        field,
        method,
        steps,
        0.0,
        tau,
        zx,
        zy,
        &mut acc,
        work,
        |i, t, x, y, a| {
            for k in 0..n {
                logp[k] = base[k] - a[k];
            }
            on_step(i, t, x, y, logp);
        },
    );
    if tau == 0.0 {
        logp.copy_from_slice(&base);
    }
}

/// [`log_density`] with the points split into `threads` contiguous parts, each solved on its
/// own thread (`std::thread::scope`). Native only: on wasm32 (the page computes its pictures on
/// one thread) it is [`log_density`]. The points are independent, so the result is the
/// one-thread result, bit for bit.
pub fn log_density_threads<F: Field + Sync + ?Sized>(
    field: &F,
    threads: usize,
    tau: f64,
    method: Method,
    steps: usize,
    xs: &[f64],
    ys: &[f64],
    out: &mut [f64],
    works: &mut [SolveWork],
) {
    let n = xs.len();
    let threads = if cfg!(target_arch = "wasm32") {
        1
    } else {
        threads.clamp(1, works.len().max(1)).min(n.max(1))
    };
    if threads <= 1 {
        let mut own = SolveWork::default();
        let w = works.first_mut().unwrap_or(&mut own);
        log_density(field, tau, method, steps, xs, ys, out, w);
        return;
    }
    let part = n.div_ceil(threads);
    std::thread::scope(|s| {
        let parts = xs
            .chunks(part)
            .zip(ys.chunks(part))
            .zip(out[..n].chunks_mut(part))
            .zip(works.iter_mut());
        for (((x, y), o), w) in parts {
            s.spawn(move || log_density(field, tau, method, steps, x, y, o, w));
        }
    });
}
