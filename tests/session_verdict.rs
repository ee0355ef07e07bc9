//! The invertibility verdict as data (`session::verdict`): its numbers against closed forms and
//! the engine's own Jacobian, its warnings at the thresholds the layer panel words.
#![cfg(not(target_arch = "wasm32"))]

use flow_playground::core::coupling::Keep;
use flow_playground::core::{Layer, LayerKind, Planar, Radial, Scale, Sylvester};
use flow_playground::session::verdict::{
    verdict, Verdict, PLANAR_NEAR_KAPPA, RADIAL_NEAR_RATIO, SYLVESTER_NEAR_M,
};

/// `log(1 + eˣ)`, written out (not the engine's).
fn softplus(x: f64) -> f64 {
    (1.0 + x.exp()).ln()
}

/// `softplus⁻¹(y) = log(eʸ − 1)`.
fn inv_softplus(y: f64) -> f64 {
    (y.exp() - 1.0).ln()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

fn planar(u: [f64; 2], w: [f64; 2], b: f64) -> Layer {
    Layer::Planar(Planar { u, w, b })
}

fn planar_numbers(l: &Layer) -> (f64, f64, f64, bool, bool) {
    match verdict(l) {
        Verdict::Planar {
            w_dot_u,
            w_dot_u_hat,
            shift,
            raw_folds,
            near,
        } => (w_dot_u, w_dot_u_hat, shift, raw_folds, near),
        other => panic!("not a planar verdict: {other:?}"),
    }
}

#[test]
fn planar_numbers_match_the_closed_forms() {
    // w = (2, 0), u = (−1, 0.5): wᵀu = −2; wᵀû = softplus(−2) − 1; the reparametrisation moves u
    // along w by (softplus(2) − 1)/‖w‖ (û − u = (softplus(−s) − 1)·w/‖w‖², s = −2).
    let l = planar([-1.0, 0.5], [2.0, 0.0], 0.3);
    let (s, m, shift, raw_folds, near) = planar_numbers(&l);
    assert!(close(s, -2.0, 1e-15), "{s}");
    assert!(close(m, softplus(-2.0) - 1.0, 1e-12), "{m}");
    assert!(close(shift, (softplus(2.0) - 1.0) / 2.0, 1e-12), "{shift}");
    assert!(raw_folds, "wᵀu = −2 < −1 folds");
    // κ = softplus(−2) = 0.127 ≥ 0.05: not nearly singular, but it warns (raw u folds).
    assert!(!near);
    assert!(verdict(&l).warn());
}

#[test]
fn planar_near_is_the_jacobian_on_its_line() {
    // On the line wᵀz + b = 0 the determinant is κ = 1 + wᵀû: read it from the engine's forward
    // log-det at a point of the line, and compare with the verdict for s around the threshold.
    let w = [0.6, -0.8];
    let b = 0.4;
    let z = [-b * w[0], -b * w[1]]; // wᵀz + b = −b‖w‖² + b = 0 since ‖w‖ = 1
    for s in [-4.0, -3.2, -3.0, -2.9, -2.5, -1.5, -1.0, 0.0, 2.0] {
        // u = s·w (‖w‖ = 1) has wᵀu = s.
        let l = planar([s * w[0], s * w[1]], w, b);
        let (_, det_log) = l.forward(z);
        let det = det_log.exp();
        let (wu, m, _, raw_folds, near) = planar_numbers(&l);
        assert!(close(wu, s, 1e-12));
        assert!(
            close(det, 1.0 + m, 1e-9),
            "s = {s}: det {det}, 1 + wᵀû {}",
            1.0 + m
        );
        assert_eq!(near, det < PLANAR_NEAR_KAPPA, "s = {s}: det {det}");
        assert_eq!(raw_folds, s < -1.0, "s = {s}");
        assert_eq!(verdict(&l).warn(), s < -1.0 || det < PLANAR_NEAR_KAPPA);
    }
    // The threshold in s: softplus(s) = 0.05 at s = log(e^0.05 − 1) ≈ −2.9702.
    let edge = inv_softplus(PLANAR_NEAR_KAPPA);
    let at = |s: f64| planar_numbers(&planar([s * w[0], s * w[1]], w, b)).4;
    assert!(at(edge - 1e-6));
    assert!(!at(edge + 1e-6));
}

#[test]
fn planar_at_wu_minus_one_does_not_fold() {
    // wᵀu = −1 exactly: the raw condition wᵀu ≥ −1 holds (the headline says "≥ −1").
    let (_, _, _, raw_folds, _) = planar_numbers(&planar([-1.0, 0.0], [1.0, 0.0], 0.0));
    assert!(!raw_folds);
    let (_, _, _, raw_folds, _) = planar_numbers(&planar([-1.001, 0.0], [1.0, 0.0], 0.0));
    assert!(raw_folds);
    // A comfortable layer does not warn; its shift (softplus(−s) − 1)/‖w‖ is negative.
    let l = planar([3.0, 0.0], [1.0, 0.0], 0.0);
    let (_, m, shift, _, near) = planar_numbers(&l);
    assert!(!near && !verdict(&l).warn());
    assert!(close(m, softplus(3.0) - 1.0, 1e-12));
    assert!(close(shift, softplus(-3.0) - 1.0, 1e-12), "{shift}");
}

#[test]
fn radial_warns_when_the_centre_is_nearly_squeezed_flat() {
    // α = 1, γ = α + β: γ/α below 0.05 warns.
    for (gamma, warns) in [
        (0.04, true),
        (0.049, true),
        (0.051, false),
        (0.5, false),
        (3.0, false),
    ] {
        let l = Layer::Radial(Radial {
            z0: [0.5, -1.0],
            alpha_raw: inv_softplus(1.0),
            beta_raw: inv_softplus(gamma),
        });
        let v = verdict(&l);
        let Verdict::Radial {
            alpha,
            beta,
            gamma: g,
            near,
        } = v
        else {
            panic!("{v:?}")
        };
        assert!(close(alpha, 1.0, 1e-12), "{alpha}");
        assert!(close(g, gamma, 1e-12), "{g}");
        assert!(close(beta, gamma - 1.0, 1e-12), "{beta}");
        assert_eq!(near, warns, "γ = {gamma}");
        assert_eq!(v.warn(), warns);
        assert_eq!(gamma / alpha < RADIAL_NEAR_RATIO, warns);
    }
}

#[test]
fn sylvester_warns_when_a_diagonal_product_nears_minus_one() {
    // mᵢ = softplus(ρᵢ) − 1: ρ = softplus⁻¹(1 + m).
    let layer = |m1: f64, m2: f64| {
        let mut p = [0.0; Sylvester::N_PARAMS];
        p[3] = inv_softplus(1.0 + m1);
        p[4] = inv_softplus(1.0 + m2);
        Layer::from_params(LayerKind::Sylvester, &p)
    };
    for (m1, m2, warns) in [
        (-0.96, 0.5, true),
        (0.2, -0.99, true),
        (-0.94, -0.9, false),
        (0.0, 0.0, false),
    ] {
        let v = verdict(&layer(m1, m2));
        let Verdict::Sylvester { m, near } = v else {
            panic!("{v:?}")
        };
        assert!(close(m[0], m1, 1e-9) && close(m[1], m2, 1e-9), "{m:?}");
        assert_eq!(near, warns, "m = ({m1}, {m2})");
        assert_eq!(v.warn(), warns);
        assert_eq!(m1 < SYLVESTER_NEAR_M || m2 < SYLVESTER_NEAR_M, warns);
    }
}

#[test]
fn scale_and_coupling_layers_never_warn() {
    let l = Layer::Scale(Scale::from_params(&[0.5f64.ln(), 2.0f64.ln(), 1.0, -1.0]));
    let v = verdict(&l);
    let Verdict::Scale { factors } = v else {
        panic!("{v:?}")
    };
    assert!(close(factors[0], 0.5, 1e-12) && close(factors[1], 2.0, 1e-12));
    assert!(!v.warn());
    for kind in [LayerKind::Affine(Keep::Y), LayerKind::Spline(Keep::X)] {
        let p = vec![0.1; kind.n_params()];
        let v = verdict(&Layer::from_params(kind, &p));
        assert!(!v.warn(), "{v:?}");
        match (kind, v) {
            (LayerKind::Affine(k), Verdict::Affine { keep, weights })
            | (LayerKind::Spline(k), Verdict::Spline { keep, weights }) => {
                assert_eq!(keep, k);
                assert_eq!(weights, kind.n_params());
            }
            other => panic!("{other:?}"),
        }
    }
}
