#![cfg(not(target_arch = "wasm32"))]
//! The vector-field overlay (`render/field_arrows.rs`): arrows of `v(x, t)` at the time the stage
//! shows, pointing along the field computed in closed form, the longest 0.85 of a lattice cell,
//! and none at a discrete step.

use flow_playground::core::cnf::CnfSpec;
use flow_playground::core::layer::LayerKind;
use flow_playground::core::{Direction, Flow};
use flow_playground::render::field_arrows::field_arrows;
use flow_playground::render::ViewTransform;

#[test]
fn arrows_follow_the_field_at_the_stage_time() {
    // One planar unit, u(t) = (1, 0.5) + t·(0, 1), w = (0.8, −0.3), b = 0.2 (constant).
    let unit = [1.0, 0.5, 0.8, -0.3, 0.2, 0.0, 1.0, 0.0, 0.0, 0.0];
    let kinds = [LayerKind::Planar, LayerKind::Cnf(CnfSpec::planar(1))];
    let mut p = vec![0.3, -0.2, 1.0, 0.5, 0.0];
    p.extend_from_slice(&unit);
    let flow = Flow::with_params(&kinds, &p, Direction::Generative).unwrap();
    let view = ViewTransform::new(400.0, 400.0);
    let n = 10;
    let cell = 8.0 / n as f64;
    for (s, t) in [(1.25, 0.25), (1.5, 0.5), (2.0, 1.0)] {
        let (segs, vmax) = field_arrows(&flow, s, &view, n);
        let u = [1.0, 0.5 + t];
        let mut longest = 0.0f64;
        let mut shafts = 0;
        for [a, b] in &segs {
            // Shafts start on the lattice (cell centres); heads start at a tip.
            let on_lattice = |x: f64| {
                let q = (x + 4.0) / cell - 0.5;
                (q - q.round()).abs() < 1e-9
            };
            if !(on_lattice(a[0]) && on_lattice(a[1])) {
                continue;
            }
            shafts += 1;
            let h = (0.8 * a[0] - 0.3 * a[1] + 0.2_f64).tanh();
            let v = [u[0] * h, u[1] * h];
            let d = [b[0] - a[0], b[1] - a[1]];
            // Parallel, same sense, length ∝ |v|.
            assert!((d[0] * v[1] - d[1] * v[0]).abs() < 1e-9, "s = {s}");
            assert!(d[0] * v[0] + d[1] * v[1] >= 0.0);
            let len = d[0].hypot(d[1]);
            assert!((len - 0.85 * cell * v[0].hypot(v[1]) / vmax).abs() < 1e-9);
            longest = longest.max(len);
        }
        assert_eq!(shafts, n * n);
        assert!((longest - 0.85 * cell).abs() < 1e-9);
    }
    // Inside the discrete planar step: nothing to draw.
    assert!(field_arrows(&flow, 0.5, &view, n).0.is_empty());
}

#[test]
fn conditional_paths_run_straight_from_noise_to_the_data() {
    use flow_playground::render::fm_paths::conditional_paths;
    let pts: Vec<[f64; 2]> = (0..100)
        .map(|i| [i as f64 * 0.01, -(i as f64) * 0.02])
        .collect();
    let (segs, at) = conditional_paths(&pts, 0.3, 24);
    assert_eq!((segs.len(), at.len()), (24, 24));
    for ([x0, x1], xt) in segs.iter().zip(&at) {
        assert!(pts.contains(x1), "ends on a data point");
        for c in 0..2 {
            assert!((xt[c] - (0.7 * x0[c] + 0.3 * x1[c])).abs() < 1e-12);
        }
    }
    // The same paths whatever the time (fixed noise), and none without points.
    assert_eq!(conditional_paths(&pts, 0.9, 24).0, segs);
    assert!(conditional_paths(&[], 0.5, 24).0.is_empty());
}
