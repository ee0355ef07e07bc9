//! What a fixed-step solver costs in exactness: the density a continuous layer's own scheme and
//! step count give, minus the one of a fine reference solve (docs/maths/continuous.md, "The
//! error of a fixed-step solve"). Both in `f64` on the exact field, so that the difference is
//! the solver's alone (the picture's mixed precision would add its own ~1e−6 to `log p`).

use super::density::log_density;
use super::layer::AnyField;
use super::solve::{Method, SolveWork};
use crate::core::flow::Flow;
use crate::core::layer::LayerKind;

/// The reference for a solve of `steps` steps: RK4 with four times as many, at least 32 and at
/// most 128. RK4's error falls as `h⁴`, so the reference's is 256 times smaller than an RK4
/// solve's of up to 32 steps, 16 times smaller than the finest a layer may choose (RK4, 64
/// steps), and below `10⁻⁶` of Euler's or the midpoint rule's at any step count (they are of
/// order 1 and 2).
pub fn reference_steps(steps: usize) -> usize {
    (4 * steps).clamp(32, 128)
}

/// `p_s − p_s(reference)` at the points (densities, not their logs: where the solver misplaces
/// mass, not where it is wrong about the empty tails), for a flow that is one continuous layer,
/// at its stage `s ∈ [0, 1]` (0 at `s = 0`, where nothing is solved). `false` (and `out`
/// untouched) for any other flow.
pub fn solver_error(flow: &Flow, s: f64, xs: &[f64], ys: &[f64], out: &mut [f64]) -> bool {
    let [LayerKind::Cnf(spec)] = flow.kinds() else {
        return false;
    };
    let t = s.clamp(0.0, 1.0);
    let n = xs.len();
    if t == 0.0 {
        out[..n].fill(0.0);
        return true;
    }
    let field = AnyField::new(*spec, flow.params());
    let mut work = SolveWork::default();
    let steps = spec.steps_for(t);
    log_density(field.exact(), t, spec.method, steps, xs, ys, out, &mut work);
    let mut reference = vec![0.0; n];
    let ref_steps = reference_steps(steps);
    log_density(
        field.exact(),
        t,
        Method::Rk4,
        ref_steps,
        xs,
        ys,
        &mut reference,
        &mut work,
    );
    for (o, r) in out[..n].iter_mut().zip(&reference) {
        *o = o.exp() - r.exp();
    }
    true
}
