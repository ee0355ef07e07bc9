//! The invertibility verdict of a layer in words: an icon, a headline and the one-line reason
//! its parametrisation guarantees it. The verdict itself (the numbers, the warning) is the pure
//! `session::verdict`.

use crate::core::coupling::Keep;
use crate::core::Layer;
use crate::session::verdict::Verdict;
use crate::state::numtext::num;

/// The invertibility verdict of a layer: `(warn, icon + headline, one line: why it matters and
/// what the reparametrisation did)`.
pub fn verdict(layer: &Layer) -> (bool, String, String) {
    let v = crate::session::verdict::verdict(layer);
    let (headline, why) = words(&v);
    (v.warn(), headline, why)
}

/// The headline and the reason of a verdict.
fn words(v: &Verdict) -> (String, String) {
    match *v {
        Verdict::Scale { factors } => (
            format!(
                "✓ Invertible for any values: each axis is scaled by e^ℓ > 0 (here {} and {})",
                num(factors[0], 3),
                num(factors[1], 3)
            ),
            "Why: a positive scale per axis never folds or collapses; the inverse is (y − c)·e^(−ℓ). Coupling stacks start with this layer so their splines see data of unit scale.".to_string(),
        ),
        Verdict::Sylvester { m, near } => (
            format!(
                "{} Invertible: m₁ = r₁₁r̃₁₁ = {} > −1 and m₂ = {} > −1{}",
                if near { "⚠" } else { "✓" },
                num(m[0], 4),
                num(m[1], 4),
                if near { " — nearly singular: one direction is squeezed almost flat" } else { "" }
            ),
            "Why: in the frame rotated by Q the layer is triangular, and each diagonal factor 1 + tanh′(aᵢ)·mᵢ stays positive while mᵢ > −1; mᵢ = softplus(ρᵢ) − 1 keeps it so for any raw ρᵢ.".to_string(),
        ),
        Verdict::Affine { keep, weights } => (
            format!("✓ Invertible for any weights: {} passes unchanged, the other coordinate is scaled by e^s > 0 and shifted", keep_name(keep)),
            format!("Why: the conditioner MLP sees only the kept coordinate, so the inverse is closed form: x_b = (y_b − μ)·e^(−s). Its {weights} weights are trained, not typed."),
        ),
        Verdict::Continuous { weights } => (
            "✓ Invertible for any weights: the layer is the solution of an ODE, whose paths never cross".to_string(),
            format!("Why: a field that is smooth in z gives each starting point one path (Picard–Lindelöf), so the map is a bijection with a positive determinant; its inverse solves the same ODE backward in time. The log-determinant is the integral of the field's trace along the path. Its {weights} weights are trained, not typed."),
        ),
        Verdict::Spline { keep, weights } => (
            format!("✓ Invertible for any weights: {} passes unchanged, the other coordinate goes through a monotone spline", keep_name(keep)),
            format!("Why: every bin width, height and knot derivative is positive (softmax and softplus), so the rational-quadratic spline is strictly increasing; its inverse is one quadratic per point. Its {weights} weights are trained, not typed."),
        ),
        Verdict::Planar {
            w_dot_u: s,
            w_dot_u_hat: m,
            shift,
            raw_folds,
            near,
        } => {
            let why = format!(
                "Why: along w the layer maps t ↦ t + (wᵀû)·tanh(t + b), one-to-one only if wᵀû ≥ −1. The reparametrisation û = u + (softplus(−wᵀu) − 1)·w/‖w‖² moved u by {} along w, so wᵀû = softplus(wᵀu) − 1 > −1 for any u.",
                num(shift, 3)
            );
            let near = if near {
                " — nearly singular: the band around the line is squeezed almost flat"
            } else {
                ""
            };
            let headline = if raw_folds {
                format!(
                    "⚠ Raw u would fold the plane (wᵀu = {} < −1); û keeps the layer invertible: wᵀû = {} > −1{near}",
                    num(s, 3),
                    num(m, 4)
                )
            } else {
                format!(
                    "{} Invertible: wᵀu = {} ≥ −1 and wᵀû = {} > −1{near}",
                    if near.is_empty() { "✓" } else { "⚠" },
                    num(s, 3),
                    num(m, 4)
                )
            };
            (headline, why)
        }
        Verdict::Radial {
            alpha,
            beta,
            gamma,
            near,
        } => {
            let kind = if beta < 0.0 { "contracts" } else { "expands" };
            let why = format!(
                "Why: with β < −α points near z₀ would be pushed through the centre and collide (the map folds). β = −α + softplus(β̂) keeps β > −α for any raw β̂: here α + β = {} > 0.",
                num(gamma, 4)
            );
            let headline = if near {
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
            };
            (headline, why)
        }
    }
}

fn keep_name(k: Keep) -> &'static str {
    match k {
        Keep::X => "x",
        Keep::Y => "y",
    }
}
