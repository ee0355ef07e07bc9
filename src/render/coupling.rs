//! What a coupling layer does, as a 1-D picture: the monotone map of the transformed coordinate
//! `x_b ↦ y_b` at a fixed value of the kept coordinate `x_a` (and, for a spline, its knots).

use crate::core::coupling::Keep;
use crate::core::{Layer, LayerMap, Vec2};

/// The curve of a coupling layer's transform at `x_a`: `n` points `(x_b, y_b)` over `[lo, hi]`,
/// and the spline's knots inside the window (`None` for other kinds).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CouplingCurve {
    /// `(x_b, y_b)` samples.
    pub points: Vec<Vec2>,
    /// The spline's knots `(x, y)`, if the layer is a spline coupling.
    pub knots: Vec<Vec2>,
}

/// The transform of coordinate `b` at `x_a` for a coupling layer; `None` for other kinds.
pub fn coupling_curve(layer: &Layer, xa: f64, lo: f64, hi: f64, n: usize) -> Option<CouplingCurve> {
    let keep = layer.kind().keep()?;
    let map = layer.map(1.0);
    let point = |xb: f64| match keep {
        Keep::X => [xa, xb],
        Keep::Y => [xb, xa],
    };
    let b = match keep {
        Keep::X => 1,
        Keep::Y => 0,
    };
    let n = n.max(2);
    let points = (0..n)
        .map(|i| {
            let xb = lo + (hi - lo) * i as f64 / (n - 1) as f64;
            [xb, map.forward(point(xb)).0[b]]
        })
        .collect();
    let knots = match &map {
        LayerMap::Spline(m) => {
            let (kx, ky, _) = m.knots(xa);
            kx.iter().zip(ky.iter()).map(|(x, y)| [*x, *y]).collect()
        }
        _ => Vec::new(),
    };
    Some(CouplingCurve { points, knots })
}
