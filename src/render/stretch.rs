//! Local stretch ellipses: how the flow stretches space, not only its volume. A sparse grid of
//! small circles of radius `r` in the base space (stage 0) is carried to stage `s`; each becomes
//! (to first order) the ellipse `J·circle`, where `J` is the 2×2 Jacobian of the map from the
//! base to stage `s` at that point. Its singular value decomposition `J = U Σ Vᵀ` gives the
//! principal stretches `σ₁ ≥ σ₂` (the ellipse's half-axes are `r·σ`) and their directions (the
//! columns of `U`); `σ₁σ₂ = |det J|`, the volume change the volume overlay shows.
//!
//! `J` is taken by central differences of the flow's own push-forward (`Flow::push_to_stage`,
//! exact at fractional stages), so every layer kind gets ellipses without a Jacobian of its
//! own; the SVD is nalgebra's.

use nalgebra::Matrix2;

use crate::core::{Flow, Vec2, Workspace};

/// One ellipse, in data space at stage `s`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ellipse {
    /// Centre: where the base point is at stage `s`.
    pub center: Vec2,
    /// Half-axes `r·σ₁ ≥ r·σ₂`.
    pub axes: [f64; 2],
    /// Angle of the first axis from the x axis (radians, counter-clockwise, data space).
    pub angle: f64,
}

/// The principal stretches `(σ₁, σ₂)` and the angle of the first direction of a 2×2 matrix
/// `[[a, b], [c, d]]` (rows), by nalgebra's SVD; `None` if it has a non-finite entry.
pub fn principal_stretches(j: [[f64; 2]; 2]) -> Option<([f64; 2], f64)> {
    if !j.iter().flatten().all(|v| v.is_finite()) {
        return None;
    }
    let m = Matrix2::new(j[0][0], j[0][1], j[1][0], j[1][1]);
    let svd = m.svd(true, false);
    let u = svd.u?;
    let s = svd.singular_values;
    // nalgebra sorts singular values in decreasing order.
    let (i, k) = if s[0] >= s[1] { (0, 1) } else { (1, 0) };
    let dir = u.column(i);
    Some(([s[i], s[k]], dir[1].atan2(dir[0])))
}

/// The ellipses of an `n × n` grid of base points evenly spread over `[−half, half]²`, circles of
/// radius `r`, at stage `s`; a point the flow cannot carry (non-finite) is left out. `h` is the
/// central-difference step in base space.
pub fn stretch_ellipses(
    flow: &Flow,
    s: f64,
    n: usize,
    half: f64,
    r: f64,
    ws: &mut Workspace,
) -> Vec<Ellipse> {
    let h = 1e-6 * half.max(1e-9);
    let step = if n > 1 {
        2.0 * half / (n - 1) as f64
    } else {
        0.0
    };
    // Five points per ellipse: the centre, then ±h along x and along y.
    let (mut xs, mut ys) = (Vec::with_capacity(5 * n * n), Vec::with_capacity(5 * n * n));
    for j in 0..n {
        for i in 0..n {
            let z = [-half + i as f64 * step, -half + j as f64 * step];
            for d in [[0.0, 0.0], [h, 0.0], [-h, 0.0], [0.0, h], [0.0, -h]] {
                xs.push(z[0] + d[0]);
                ys.push(z[1] + d[1]);
            }
        }
    }
    flow.push_to_stage(s, &mut xs, &mut ys, ws);
    (0..n * n)
        .filter_map(|e| {
            let p = |q: usize| [xs[5 * e + q], ys[5 * e + q]];
            let c = p(0);
            let (xp, xm, yp, ym) = (p(1), p(2), p(3), p(4));
            let j = [
                [(xp[0] - xm[0]) / (2.0 * h), (yp[0] - ym[0]) / (2.0 * h)],
                [(xp[1] - xm[1]) / (2.0 * h), (yp[1] - ym[1]) / (2.0 * h)],
            ];
            if !(c[0].is_finite() && c[1].is_finite()) {
                return None;
            }
            let (sigma, angle) = principal_stretches(j)?;
            Some(Ellipse {
                center: c,
                axes: [r * sigma[0], r * sigma[1]],
                angle,
            })
        })
        .collect()
}
