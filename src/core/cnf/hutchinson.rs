//! Hutchinson's trace estimator in the augmented ODE (FFJORD's, Grathwohl et al. 2019;
//! docs/maths/continuous.md, "Exact trace against Hutchinson's estimator"): `tr J ≈ εᵀJε` with
//! `E[εεᵀ] = I`, one `ε` per trajectory kept for the whole solve. In 2-D the exact trace costs
//! about what one probe does, so the app uses it only to show what the estimator costs in noise.
//!
//! With Rademacher `ε` (entries ±1), `εᵀJε = tr J ± (J₁₂ + J₂₁)`: the estimate is off by
//! `±(J₁₂ + J₂₁)`, variance `(J₁₂ + J₂₁)²` per probe; the mean of `p` probes has `1/p` of it.

use super::density::log_density;
use super::field::{Field, FieldWork};
use super::layer::AnyField;
use super::solve::{Method, SolveWork};
use crate::core::flow::{Flow, Workspace};
use crate::core::layer::LayerKind;
use crate::core::num::Vec2;

/// The seed of the app's pictures' probes (any fixed value: the same speckle every frame).
pub const PICTURE_SEED: u64 = 0x5eed_4a7c;

/// Rademacher signs for probe `p` of point `i` (SplitMix64 of `(seed, i, p)`): the same point
/// gets the same probes in every picture.
pub fn rademacher(seed: u64, i: u64, p: u64) -> Vec2 {
    let mut z = seed
        .wrapping_add(i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(p.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    [
        if z & 1 == 0 { 1.0 } else { -1.0 },
        if z & 2 == 0 { 1.0 } else { -1.0 },
    ]
}

/// `mean over probes of εᵀJε` at one point.
fn estimate(jac: [Vec2; 2], eps: &[Vec2]) -> f64 {
    let mut s = 0.0;
    for e in eps {
        let je = [
            jac[0][0] * e[0] + jac[0][1] * e[1],
            jac[1][0] * e[0] + jac[1][1] * e[1],
        ];
        s += e[0] * je[0] + e[1] * je[1];
    }
    s / eps.len().max(1) as f64
}

/// The density at stage `s` of `flow` for a picture: with `probes > 0` and a flow that is one
/// continuous layer, through Hutchinson's estimator (point `i` of the batch is point
/// `first + i` of the picture, for its probes); otherwise [`Flow::log_density`].
#[inline(never)]
pub fn picture_log_density(
    flow: &Flow,
    s: f64,
    probes: usize,
    first: u64,
    xs: &[f64],
    ys: &[f64],
    out: &mut [f64],
    ws: &mut Workspace,
) {
    if let [LayerKind::Cnf(spec)] = flow.kinds() {
        let t = s.clamp(0.0, 1.0);
        if probes > 0 && t > 0.0 {
            let field = AnyField::new(*spec, flow.params());
            let n = spec.steps_for(t);
            log_density_hutchinson(
                field.exact(),
                t,
                spec.method,
                n,
                xs,
                ys,
                out,
                probes,
                PICTURE_SEED,
                first,
            );
            return;
        }
    }
    flow.log_density(s, xs, ys, out, ws)
}

/// `log p_τ` at the points by `steps` steps of `method` from `τ` down to 0, with the trace
/// replaced by the mean of `probes` Rademacher estimates per point (fixed along its solve; point
/// `i` draws the probes of index `first + i`).
#[inline(never)]
pub fn log_density_hutchinson(
    field: &dyn Field,
    tau: f64,
    method: Method,
    steps: usize,
    xs: &[f64],
    ys: &[f64],
    out: &mut [f64],
    probes: usize,
    seed: u64,
    first: u64,
) {
    let eps = (0..xs.len() as u64)
        .map(|i| {
            (0..probes.max(1) as u64)
                .map(|p| rademacher(seed, first + i, p))
                .collect()
        })
        .collect();
    let estimated = Estimated { field, eps };
    // As `&dyn Field`: the solvers' instantiation the continuous layers already use (a generic
    // one for this wrapper cost 2.2 kB of WebAssembly).
    let estimated: &dyn Field = &estimated;
    log_density(
        estimated,
        tau,
        method,
        steps,
        xs,
        ys,
        out,
        &mut SolveWork::default(),
    );
}

/// `field` with its trace replaced by each batch position's probe estimate: the solvers
/// evaluate a batch in the same order at every stage, so position `i` is always point `i`.
struct Estimated<'a> {
    field: &'a dyn Field,
    eps: Vec<Vec<Vec2>>,
}

impl Field for Estimated<'_> {
    fn eval(
        &self,
        t: f64,
        zx: &[f64],
        zy: &[f64],
        vx: &mut [f64],
        vy: &mut [f64],
        tr: &mut [f64],
        work: &mut FieldWork,
    ) {
        self.field.eval(t, zx, zy, vx, vy, tr, work);
        for (i, est) in tr[..zx.len()].iter_mut().enumerate() {
            *est = estimate(self.field.jacobian([zx[i], zy[i]], t), &self.eps[i]);
        }
    }

    fn jacobian(&self, z: Vec2, t: f64) -> [Vec2; 2] {
        self.field.jacobian(z, t)
    }
}
