//! The invertibility verdict of a layer: whether it is invertible (and how close to folding),
//! said with an icon, a headline and the one-line reason its parametrisation guarantees it.

use crate::core::Layer;
use crate::session::training::num;

/// The invertibility verdict of a layer: `(warn, icon + headline, one line: why it matters and
/// what the reparametrisation did)`.
pub fn verdict(layer: &Layer) -> (bool, String, String) {
    match layer {
        Layer::Scale(c) => (
            false,
            format!(
                "✓ Invertible for any values: each axis is scaled by e^ℓ > 0 (here {} and {})",
                num(c.log_scale[0].exp(), 3),
                num(c.log_scale[1].exp(), 3)
            ),
            "Why: a positive scale per axis never folds or collapses; the inverse is (y − c)·e^(−ℓ). Coupling stacks start with this layer so their splines see data of unit scale.".to_string(),
        ),
        Layer::Sylvester(s) => {
            let m = s.m();
            let near = m[0] < -0.95 || m[1] < -0.95;
            (
                near,
                format!(
                    "{} Invertible: m₁ = r₁₁r̃₁₁ = {} > −1 and m₂ = {} > −1{}",
                    if near { "⚠" } else { "✓" },
                    num(m[0], 4),
                    num(m[1], 4),
                    if near { " — nearly singular: one direction is squeezed almost flat" } else { "" }
                ),
                "Why: in the frame rotated by Q the layer is triangular, and each diagonal factor 1 + tanh′(aᵢ)·mᵢ stays positive while mᵢ > −1; mᵢ = softplus(ρᵢ) − 1 keeps it so for any raw ρᵢ.".to_string(),
            )
        }
        Layer::Affine(c) => (
            false,
            format!("✓ Invertible for any weights: {} passes unchanged, the other coordinate is scaled by e^s > 0 and shifted", keep_name(c.keep)),
            format!("Why: the conditioner MLP sees only the kept coordinate, so the inverse is closed form: x_b = (y_b − μ)·e^(−s). Its {} weights are trained, not typed.", c.params().len()),
        ),
        Layer::Spline(c) => (
            false,
            format!("✓ Invertible for any weights: {} passes unchanged, the other coordinate goes through a monotone spline", keep_name(c.keep)),
            format!("Why: every bin width, height and knot derivative is positive (softmax and softplus), so the rational-quadratic spline is strictly increasing; its inverse is one quadratic per point. Its {} weights are trained, not typed.", c.params().len()),
        ),
        Layer::Planar(p) => {
            let s = p.w[0] * p.u[0] + p.w[1] * p.u[1];
            let uh = p.u_hat();
            let m = p.w[0] * uh[0] + p.w[1] * uh[1];
            let kappa = p.map(1.0).kappa;
            // û − u = (softplus(−s) − 1)·w/‖w‖²: a shift along w of this signed length.
            let shift = (uh[0] - p.u[0]) * p.w[0] + (uh[1] - p.u[1]) * p.w[1];
            let shift = shift / p.w[0].hypot(p.w[1]).max(1e-300);
            let why = format!(
                "Why: along w the layer maps t ↦ t + (wᵀû)·tanh(t + b), one-to-one only if wᵀû ≥ −1. The reparametrisation û = u + (softplus(−wᵀu) − 1)·w/‖w‖² moved u by {} along w, so wᵀû = softplus(wᵀu) − 1 > −1 for any u.",
                num(shift, 3)
            );
            let near = if kappa < 0.05 {
                " — nearly singular: the band around the line is squeezed almost flat"
            } else {
                ""
            };
            if s < -1.0 {
                (
                    true,
                    format!(
                        "⚠ Raw u would fold the plane (wᵀu = {} < −1); û keeps the layer invertible: wᵀû = {} > −1{near}",
                        num(s, 3),
                        num(m, 4)
                    ),
                    why,
                )
            } else {
                (
                    !near.is_empty(),
                    format!(
                        "{} Invertible: wᵀu = {} ≥ −1 and wᵀû = {} > −1{near}",
                        if near.is_empty() { "✓" } else { "⚠" },
                        num(s, 3),
                        num(m, 4)
                    ),
                    why,
                )
            }
        }
        Layer::Radial(r) => {
            let (alpha, beta) = (r.alpha(), r.beta());
            let gamma = r.map(1.0).gamma;
            let near = gamma / alpha < 0.05;
            let kind = if beta < 0.0 { "contracts" } else { "expands" };
            let why = format!(
                "Why: with β < −α points near z₀ would be pushed through the centre and collide (the map folds). β = −α + softplus(β̂) keeps β > −α for any raw β̂: here α + β = {} > 0.",
                num(gamma, 4)
            );
            (
                near,
                if near {
                    format!(
                        "⚠ Nearly folding: β = {} is close to −α = {} (the centre is squeezed by (α + β)/α = {})",
                        num(beta, 3),
                        num(-alpha, 3),
                        num(gamma / alpha, 3)
                    )
                } else {
                    format!(
                        "✓ Invertible: β = {} > −α = {} ({kind} around z₀)",
                        num(beta, 3),
                        num(-alpha, 3)
                    )
                },
                why,
            )
        }
    }
}

fn keep_name(k: crate::core::coupling::Keep) -> &'static str {
    match k {
        crate::core::coupling::Keep::X => "x",
        crate::core::coupling::Keep::Y => "y",
    }
}
