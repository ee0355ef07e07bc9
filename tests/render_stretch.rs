//! The stretch ellipses against independent ground truth: closed-form 2×2 singular values, a
//! planar layer's analytic Jacobian, and the change-of-variables identity
//! `|det J| = q₀(z₀) / q_s(x_s)` computed by the density path (pull-back through the inverses).
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::{
    init_params, Direction, Flow, Init, LayerKind, StackPattern, Workspace,
};
use flow_playground::render::stretch::{principal_stretches, stretch_ellipses};

/// Singular values of a 2×2 matrix in closed form: σ² = (F ± √(F² − 4 det²)) / 2, with F the
/// squared Frobenius norm.
fn closed_form(j: [[f64; 2]; 2]) -> [f64; 2] {
    let f = j.iter().flatten().map(|v| v * v).sum::<f64>();
    let det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
    let disc = (f * f - 4.0 * det * det).max(0.0).sqrt();
    [
        ((f + disc) / 2.0).sqrt(),
        ((f - disc) / 2.0).max(0.0).sqrt(),
    ]
}

#[test]
fn principal_stretches_match_the_closed_form_and_the_first_direction() {
    let mut seed = 12345u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 11) as f64 / (1u64 << 53) as f64) * 4.0 - 2.0
    };
    for _ in 0..500 {
        let j = [[next(), next()], [next(), next()]];
        let (s, angle) = principal_stretches(j).unwrap();
        let cf = closed_form(j);
        assert!(
            (s[0] - cf[0]).abs() < 1e-9 * (1.0 + cf[0]),
            "{j:?}: {s:?} vs {cf:?}"
        );
        assert!(
            (s[1] - cf[1]).abs() < 1e-9 * (1.0 + cf[0]),
            "{j:?}: {s:?} vs {cf:?}"
        );
        // u₁ = (cos a, sin a) is the top eigenvector of J Jᵀ: J Jᵀ u₁ = σ₁² u₁.
        let u = [angle.cos(), angle.sin()];
        let jt_u = [
            j[0][0] * u[0] + j[1][0] * u[1],
            j[0][1] * u[0] + j[1][1] * u[1],
        ];
        let jjt_u = [
            j[0][0] * jt_u[0] + j[0][1] * jt_u[1],
            j[1][0] * jt_u[0] + j[1][1] * jt_u[1],
        ];
        if cf[0] - cf[1] > 1e-3 {
            for k in 0..2 {
                assert!(
                    (jjt_u[k] - s[0] * s[0] * u[k]).abs() < 1e-7 * (1.0 + s[0] * s[0]),
                    "{j:?}"
                );
            }
        }
    }
    assert!(principal_stretches([[f64::NAN, 0.0], [0.0, 1.0]]).is_none());
}

#[test]
fn at_stage_zero_the_ellipses_are_the_base_circles() {
    let kinds = StackPattern::AllPlanar.kinds(4);
    let flow = Flow::with_params(
        &kinds,
        &init_params(&kinds, Init::Default, 3),
        Direction::Normalizing,
    )
    .unwrap();
    let mut ws = Workspace::default();
    let e = stretch_ellipses(&flow, 0.0, 5, 2.0, 0.1, &mut ws);
    assert_eq!(e.len(), 25);
    for (i, el) in e.iter().enumerate() {
        let expect = [-2.0 + (i % 5) as f64, -2.0 + (i / 5) as f64];
        assert!(
            (el.center[0] - expect[0]).abs() < 1e-12 && (el.center[1] - expect[1]).abs() < 1e-12
        );
        assert!(
            (el.axes[0] - 0.1).abs() < 1e-7 && (el.axes[1] - 0.1).abs() < 1e-7,
            "{el:?}"
        );
    }
}

#[test]
fn a_planar_layer_stretches_as_its_analytic_jacobian() {
    // One generative planar layer f(z) = z + û tanh(wᵀz + b): J = I + û (1 − tanh²(wᵀz + b)) wᵀ.
    let params = vec![1.2, -0.4, 0.9, 0.7, 0.3];
    let flow = Flow::with_params(&[LayerKind::Planar], &params, Direction::Generative).unwrap();
    let layer = flow.layer(0);
    let flow_playground::core::Layer::Planar(p) = layer else {
        panic!("a planar layer")
    };
    let uh = p.u_hat();
    let mut ws = Workspace::default();
    let (n, half, r) = (7, 3.0, 0.2);
    let e = stretch_ellipses(&flow, 1.0, n, half, r, &mut ws);
    assert_eq!(e.len(), n * n);
    for (i, el) in e.iter().enumerate() {
        let z = [-half + (i % n) as f64, -half + (i / n) as f64];
        let a = p.w[0] * z[0] + p.w[1] * z[1] + p.b;
        let hp = 1.0 - a.tanh().powi(2);
        let j = [
            [1.0 + uh[0] * hp * p.w[0], uh[0] * hp * p.w[1]],
            [uh[1] * hp * p.w[0], 1.0 + uh[1] * hp * p.w[1]],
        ];
        let cf = closed_form(j);
        assert!((el.axes[0] - r * cf[0]).abs() < 1e-6, "{el:?} vs {cf:?}");
        assert!((el.axes[1] - r * cf[1]).abs() < 1e-6, "{el:?} vs {cf:?}");
        // And the area ratio is the engine's analytic log-det.
        let ld = layer.map(1.0).log_det(z);
        assert!(((el.axes[0] * el.axes[1] / (r * r)).ln() - ld).abs() < 1e-6);
    }
}

#[test]
fn every_kind_keeps_area_equal_to_the_density_ratio() {
    // |det J| of the map base → stage s equals q₀(z₀) / q_s(x_s), with q_s computed by pulling
    // x_s back through the exact inverses: an independent path from the push-forward differences.
    let kinds = StackPattern::AllFamilies.kinds(10);
    for dir in [Direction::Normalizing, Direction::Generative] {
        let mut params = init_params(&kinds, Init::SmallNormal(0.3), 11);
        // Small-normal coupling weights keep the layers away from the identity.
        for v in params.iter_mut() {
            *v *= 1.5;
        }
        let flow = Flow::with_params(&kinds, &params, dir).unwrap();
        let mut ws = Workspace::default();
        for s in [10.0, 6.5, 2.25] {
            let (n, half, r) = (5, 1.5, 0.05);
            let e = stretch_ellipses(&flow, s, n, half, r, &mut ws);
            assert_eq!(e.len(), n * n, "{dir:?} s = {s}");
            let xs: Vec<f64> = e.iter().map(|el| el.center[0]).collect();
            let ys: Vec<f64> = e.iter().map(|el| el.center[1]).collect();
            let mut lq = vec![0.0; xs.len()];
            flow.log_density(s, &xs, &ys, &mut lq, &mut ws);
            for (i, el) in e.iter().enumerate() {
                let z = [-half + (i % n) as f64 * 0.75, -half + (i / n) as f64 * 0.75];
                let lq0 = -0.5 * (z[0] * z[0] + z[1] * z[1]) - (2.0 * std::f64::consts::PI).ln();
                let log_area = (el.axes[0] * el.axes[1] / (r * r)).ln();
                // 1e-4 nats: the batch paths' fast exp/tanh and the inverses' solver tolerance,
                // compounded over ten layers (a visual overlay needs far less).
                assert!(
                    (log_area - (lq0 - lq[i])).abs() < 1e-4,
                    "{dir:?} s = {s}, point {i}: log area {log_area} vs density ratio {}",
                    lq0 - lq[i]
                );
            }
        }
    }
}
