//! The coupling inset's curve: strictly increasing (a coupling layer is invertible for any
//! weights), the identity outside the spline's [−3, 3] (the spec), the spline's knots on the
//! curve, and `None` for kinds without a 1-D transform.
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::coupling::Keep;
use flow_playground::core::{init_params, Init, Layer, LayerKind};
use flow_playground::render::coupling::coupling_curve;

fn layer(kind: LayerKind, seed: u64) -> Layer {
    Layer::from_params(kind, &init_params(&[kind], Init::SmallNormal(0.4), seed))
}

#[test]
fn the_curve_is_monotone_and_the_spline_is_the_identity_outside_its_bound() {
    for kind in [
        LayerKind::Affine(Keep::X),
        LayerKind::Affine(Keep::Y),
        LayerKind::Spline(Keep::X),
        LayerKind::Spline(Keep::Y),
    ] {
        for seed in 1..6 {
            let l = layer(kind, seed);
            for xa in [-2.5, 0.0, 1.7] {
                let c = coupling_curve(&l, xa, -4.5, 4.5, 400).unwrap();
                assert_eq!(c.points.len(), 400);
                assert!(
                    c.points.windows(2).all(|w| w[1][1] > w[0][1]),
                    "{kind:?} seed {seed} at x_a = {xa}: not increasing"
                );
                if let LayerKind::Spline(_) = kind {
                    for p in c.points.iter().filter(|p| p[0].abs() > 3.0 + 1e-9) {
                        assert!(
                            (p[1] - p[0]).abs() < 1e-12,
                            "{kind:?}: not the identity at {p:?}"
                        );
                    }
                    assert_eq!(c.knots.len(), 9);
                    // The knots lie on the curve: evaluate the layer at each knot's x.
                    for k in &c.knots {
                        let at = coupling_curve(&l, xa, k[0], k[0], 2).unwrap().points[0];
                        assert!(
                            (at[1] - k[1]).abs() < 1e-9,
                            "{kind:?}: knot {k:?} vs {at:?}"
                        );
                    }
                } else {
                    assert!(c.knots.is_empty());
                }
            }
        }
    }
    for kind in [LayerKind::Planar, LayerKind::Radial, LayerKind::Sylvester] {
        assert!(coupling_curve(&layer(kind, 1), 0.0, -1.0, 1.0, 10).is_none());
    }
}
